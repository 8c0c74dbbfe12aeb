//! An aircraft's own ADS-B position against an independent measurement of it: a multilateration
//! fix (from receivers' arrival times) or a radar plot or fused track. A spoofed GNSS receiver
//! makes the aircraft broadcast where it is not; the measurements of others do not follow it.
//!
//! Each new fix is compared with the latest fix of the other kind when they are at most 2 s apart.
//! They disagree when farther apart than 3 × the combined one-sigma errors, plus the distance the
//! aircraft flies between them, plus 50 m:
//! - ADS-B: half the 95 % bound its NACp gives (EPU: NACp 11 3 m … NACp 8 92.6 m … NACp 1
//!   18.52 km); NACp 8 when not sent;
//! - multilateration 150 m (nofly's own solver: median 50 m, 90th percentile 208 m on LocaRDS);
//!   radar 300 m (an en-route SSR: 0.07° in azimuth is 230 m at 100 NM); a fused track 200 m.

use nofly_model::{PositionDispute, PositionSource, Report};

/// Two fixes further apart in time are not compared, milliseconds.
const MAX_APART_MS: i64 = 2_000;
/// The margin on top of the errors, metres.
const MARGIN_M: f64 = 50.0;
/// Metres a second in a knot.
const M_S_PER_KT: f64 = 1852.0 / 3600.0;

/// One side's latest fix.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
struct Fix {
    lat: f64,
    lon: f64,
    t: i64,
    source: PositionSource,
    sigma_m: f64,
}

/// What the comparison remembers of one aircraft: feed it that aircraft's reports in time order.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CrossCheck {
    adsb: Option<Fix>,
    measured: Option<Fix>,
    /// The latest ground speed, knots.
    speed_kt: f32,
}

/// One-sigma horizontal error of an ADS-B position of this NACp, metres (half the EPU).
fn adsb_sigma_m(nacp: Option<u8>) -> f64 {
    let epu = match nacp.unwrap_or(8) {
        11.. => 3.0,
        10 => 10.0,
        9 => 30.0,
        8 => 92.6,
        7 => 185.2,
        6 => 555.6,
        5 => 926.0,
        4 => 1852.0,
        3 => 3704.0,
        2 => 7408.0,
        _ => 18_520.0,
    };
    epu / 2.0
}

impl CrossCheck {
    /// The dispute this report shows, if its position and the latest one of the other kind (ADS-B
    /// against a measurement) are farther apart than their errors allow.
    pub fn observe(&mut self, r: &Report) -> Option<PositionDispute> {
        if let Some(gs) = r.ground_speed_kt {
            self.speed_kt = gs;
        }
        let (lat, lon) = r.position?;
        let (own, other, sigma_m) = match r.position_source? {
            PositionSource::Adsb => (&mut self.adsb, self.measured, adsb_sigma_m(r.nacp)),
            PositionSource::Mlat => (&mut self.measured, self.adsb, 150.0),
            PositionSource::Radar => (&mut self.measured, self.adsb, 300.0),
            PositionSource::Fused => (&mut self.measured, self.adsb, 200.0),
        };
        let t = r.time.millis();
        *own = Some(Fix {
            lat,
            lon,
            t,
            source: r.position_source?,
            sigma_m,
        });
        let other = other.filter(|o| (t - o.t).abs() <= MAX_APART_MS)?;
        let flown = f64::from(self.speed_kt) * M_S_PER_KT * (t - other.t).abs() as f64 / 1000.0;
        let allowed = 3.0 * sigma_m.hypot(other.sigma_m) + flown + MARGIN_M;
        let distance = crate::indicators::distance_m((lat, lon), (other.lat, other.lon));
        let against = if r.position_source == Some(PositionSource::Adsb) {
            other.source
        } else {
            r.position_source?
        };
        (distance > allowed).then_some(PositionDispute {
            at: r.time,
            distance_m: distance.round(),
            allowed_m: allowed.round(),
            against,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nofly_model::{EventTime, Icao24, SourceRef};

    fn report(ms: i64, lat: f64, source: PositionSource, nacp: Option<u8>) -> Report {
        let mut r = Report::new(EventTime::from_millis(ms), Icao24(1), SourceRef::default());
        r.position = Some((lat, 20.0));
        r.position_source = Some(source);
        r.nacp = nacp;
        r.ground_speed_kt = Some(450.0);
        r
    }

    #[test]
    fn agreeing_and_disputed_positions() {
        let mut c = CrossCheck::default();
        // Synthetic: ADS-B at NACp 9, then a radar plot 0.5 s later 400 m north (450 kt flies
        // 116 m in 0.5 s; 3 × hypot(15, 300) + 116 + 50 = 1,067 m allowed).
        assert_eq!(
            c.observe(&report(0, 54.0, PositionSource::Adsb, Some(9))),
            None
        );
        assert_eq!(
            c.observe(&report(500, 54.0036, PositionSource::Radar, None)),
            None
        );
        // An ADS-B position 5 km off the radar's: disputed, against the radar.
        let d = c
            .observe(&report(1000, 54.0486, PositionSource::Adsb, Some(9)))
            .unwrap();
        assert_eq!(d.against, PositionSource::Radar);
        assert!(d.distance_m > 4_900.0 && d.allowed_m < 1_200.0, "{d:?}");
        // Multilateration 10 s later is too far in time to compare.
        assert_eq!(
            c.observe(&report(11_000, 55.0, PositionSource::Mlat, None)),
            None
        );
        // A poor ADS-B position (NACp 4: 926 m one sigma) is allowed far more.
        assert_eq!(
            c.observe(&report(11_500, 55.015, PositionSource::Adsb, Some(4))),
            None
        );
    }
}
