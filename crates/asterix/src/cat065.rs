//! CAT065, SDPS service status messages: kept for their time, which dates the stream.

use crate::message::{source, time_of_day, SdpsStatus};
use crate::record::Record;

/// The status message of a CAT065 record.
pub(crate) fn status(r: &Record<'_>) -> SdpsStatus {
    let (sac, sic) = source(r);
    SdpsStatus {
        sac,
        sic,
        message_type: r.fixed("000", 1).map(|b| b[0]),
        time_of_day_s: r.fixed("030", 3).map(time_of_day),
    }
}
