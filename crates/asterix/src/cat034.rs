//! CAT034, monoradar service messages: north marker, sector crossings, the radar's site.

use crate::bits::{signed, unsigned};
use crate::message::{source, time_of_day, RadarService, Site};
use crate::record::Record;

/// The service message of a CAT034 record.
pub(crate) fn service(r: &Record<'_>) -> RadarService {
    let (sac, sic) = source(r);
    RadarService {
        sac,
        sic,
        message_type: r.fixed("000", 1).map(|b| b[0]),
        time_of_day_s: r.fixed("030", 3).map(time_of_day),
        // I034/020: sector number, 360/2^8 degrees.
        sector_deg: r.fixed("020", 1).map(|b| b[0] as f64 * 360.0 / 256.0),
        // I034/041: antenna rotation period, 1/128 s.
        rotation_period_s: r.fixed("041", 2).map(|b| unsigned(b, 0, 16) as f64 / 128.0),
        // I034/120: height (m, signed 16), latitude and longitude (signed 24, 180/2^23).
        site: r.fixed("120", 8).map(|b| Site {
            height_m: signed(b, 0, 16) as f64,
            lat: signed(b, 16, 24) as f64 * 180.0 / 8_388_608.0,
            lon: signed(b, 40, 24) as f64 * 180.0 / 8_388_608.0,
        }),
    }
}
