//! One module per subcommand.

pub mod demo;
pub mod replay;
pub mod watch;
pub mod zones_check;
