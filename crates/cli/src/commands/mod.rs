//! One module per subcommand.

pub mod aircraft_db;
pub mod bench;
pub mod cluster;
pub mod decode;
pub mod demo;
pub mod evidence;
pub mod gnss;
pub mod replay;
pub mod report;
pub mod serve;
pub mod watch;
pub mod witness;
pub mod zones_check;
