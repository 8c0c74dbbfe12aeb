//! How a report travels on the stream: one JSON object a message, short keys, absent fields left
//! out, numbers as written by the shortest round-trip form (a decoded report equals the one
//! encoded, bit for bit).
//!
//! | key | field | | key | field |
//! |---|---|---|---|---|
//! | `t` | event time, Unix milliseconds | | `gs` | ground speed, kt |
//! | `icao` | ICAO address, 6 hex digits | | `trk` | track, degrees |
//! | `src` | `[input, record]` of the raw record | | `vr` | vertical rate, ft/min |
//! | `cs` | callsign | | `gnd` | on ground |
//! | `sq` | Mode A code, 4 octal digits | | `emg` | emergency declared |
//! | `lat`, `lon` | position, degrees | | `nic`, `nacp` | integrity |
//! | `alt` | barometric altitude, ft | | `galt` | geometric altitude, ft |
//! | `cat` | emitter category (`A3`) | | `ps` | position source (`adsb`, `mlat`, `radar`, `fused`) |
//!
//! Example: `{"t":1645970400000,"icao":"424396","src":[0,17],"lat":59.73,"lon":24.35,"alt":36025.0}`.

use nofly_model::{Callsign, EventTime, Icao24, PositionSource, Report, SourceRef};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[derive(Debug, Serialize, Deserialize)]
struct WireReport {
    t: i64,
    icao: String,
    src: (u16, u64),
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cs: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sq: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    lat: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    lon: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    alt: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    galt: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    gs: Option<f32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    trk: Option<f32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    vr: Option<f32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    gnd: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    emg: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    nic: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    nacp: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cat: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ps: Option<PositionSource>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sn: Option<nofly_model::Sensor>,
}

/// The message body of a report.
pub fn encode(r: &Report) -> Vec<u8> {
    let wire = WireReport {
        t: r.time.millis(),
        icao: r.icao.to_string(),
        src: (r.source.input, r.source.record),
        cs: r.callsign.map(|c| c.to_string()),
        sq: r.squawk.map(|s| format!("{s:04o}")),
        lat: r.position.map(|p| p.0),
        lon: r.position.map(|p| p.1),
        alt: r.alt_baro_ft,
        galt: r.alt_geo_ft,
        gs: r.ground_speed_kt,
        trk: r.track_deg,
        vr: r.vertical_rate_fpm,
        gnd: r.on_ground,
        emg: r.emergency,
        nic: r.nic,
        nacp: r.nacp,
        cat: r.category.map(|c| c.to_string()),
        ps: r.position_source,
        sn: r.sensor,
    };
    serde_json::to_vec(&wire).expect("a report always serialises")
}

/// The report in a message body, or what is wrong with it.
pub fn decode(body: &[u8]) -> Result<Report, String> {
    let w: WireReport = serde_json::from_slice(body).map_err(|e| format!("not a report: {e}"))?;
    let icao: Icao24 = w.icao.parse().map_err(|e| format!("icao: {e}"))?;
    let mut r = Report::new(
        EventTime::from_millis(w.t),
        icao,
        SourceRef {
            input: w.src.0,
            record: w.src.1,
        },
    );
    r.callsign = w.cs.as_deref().and_then(Callsign::new);
    r.squawk = match w.sq {
        Some(s) => Some(
            u16::from_str_radix(&s, 8)
                .ok()
                .filter(|&c| c <= 0o7777)
                .ok_or(format!("sq: {s:?} is not a Mode A code"))?,
        ),
        None => None,
    };
    r.position = match (w.lat, w.lon) {
        (Some(lat), Some(lon))
            if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) =>
        {
            Some((lat, lon))
        }
        (None, None) => None,
        (Some(lat), Some(lon)) => return Err(format!("{lat},{lon} is not a position")),
        _ => return Err("lat and lon come together".into()),
    };
    let finite = [w.alt, w.galt].into_iter().flatten().all(f64::is_finite)
        && [w.gs, w.trk, w.vr]
            .into_iter()
            .flatten()
            .all(f32::is_finite);
    if !finite {
        return Err("a number is out of range".into());
    }
    r.alt_baro_ft = w.alt;
    r.alt_geo_ft = w.galt;
    r.ground_speed_kt = w.gs;
    r.track_deg = w.trk;
    r.vertical_rate_fpm = w.vr;
    r.on_ground = w.gnd;
    r.emergency = w.emg;
    r.nic = w.nic;
    r.nacp = w.nacp;
    r.category = match w.cat {
        Some(c) => Some(c.parse().map_err(|e| format!("cat: {e}"))?),
        None => None,
    };
    r.position_source = w.ps;
    r.sensor = w.sn;
    Ok(r)
}

/// The partition of an aircraft among `partitions`: its address times a large odd constant, high
/// bits, modulo the count (country blocks of addresses spread evenly).
pub fn partition(icao: Icao24, partitions: u32) -> u32 {
    ((u64::from(icao.0) * 0x9E37_79B1) >> 16) as u32 % partitions.max(1)
}

/// The de-duplication id of a report (`Nats-Msg-Id`): SHA-256 of its content without the record
/// it came from, its time cut to the whole second, first 128 bits in hex. The same message heard by
/// two receivers (or twice by one) within the same second and the stream's duplicate window is
/// stored once.
pub fn dedup_id(r: &Report) -> String {
    let mut same = *r;
    same.source = SourceRef::default();
    same.time = EventTime::from_millis(r.time.millis().div_euclid(1000) * 1000);
    hex::encode(&Sha256::digest(encode(&same))[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_survives_the_wire_bit_for_bit() {
        // Synthetic report with every field set.
        let mut r = Report::new(
            EventTime::from_millis(1_645_970_400_123),
            Icao24(0x424396),
            SourceRef {
                input: 2,
                record: 17,
            },
        );
        r.callsign = Callsign::new("AFL1000");
        r.squawk = Some(0o7700);
        r.position = Some((59.737_554_000_595_864, 24.357_541_840_651_94));
        r.alt_baro_ft = Some(36_025.0);
        r.alt_geo_ft = Some(36_500.5);
        r.ground_speed_kt = Some(451.3);
        r.track_deg = Some(271.7);
        r.vertical_rate_fpm = Some(-64.0);
        r.on_ground = Some(false);
        r.emergency = Some(true);
        r.nic = Some(8);
        r.nacp = Some(9);
        r.category = "A5".parse().ok();
        r.position_source = Some(nofly_model::PositionSource::Mlat);
        assert_eq!(decode(&encode(&r)).unwrap(), r);
        r.icao = Icao24::sensor_track(48, 25, 13, 7);
        r.sensor = Some(nofly_model::Sensor {
            sac: 25,
            sic: 13,
            kind: nofly_model::DetectionKind::Primary,
        });
        assert_eq!(decode(&encode(&r)).unwrap(), r);
        let bare = Report::new(EventTime::from_millis(0), Icao24(1), SourceRef::default());
        assert_eq!(decode(&encode(&bare)).unwrap(), bare);
        assert!(decode(b"{\"t\":0}").is_err());
        assert!(decode(b"{\"t\":0,\"icao\":\"000001\",\"src\":[0,0],\"lat\":1}").is_err());
        assert!(decode(b"{\"t\":0,\"icao\":\"000001\",\"src\":[0,0],\"gs\":1e39}").is_err());
        assert!(
            decode(b"{\"t\":0,\"icao\":\"000001\",\"src\":[0,0],\"lat\":91,\"lon\":0}").is_err()
        );
    }

    #[test]
    fn partitions_spread_and_dedup_ignores_the_receiver_and_the_millisecond() {
        let mut counts = [0u32; 4];
        for a in 0x400000..0x404000 {
            counts[partition(Icao24(a), 4) as usize] += 1;
        }
        assert!(
            counts.iter().all(|&c| (3_500..4_700).contains(&c)),
            "{counts:?}"
        );
        let mut a = Report::new(
            EventTime::from_millis(1_000_100),
            Icao24(7),
            SourceRef {
                input: 0,
                record: 5,
            },
        );
        a.position = Some((1.0, 2.0));
        let mut b = a;
        b.source = SourceRef {
            input: 1,
            record: 99,
        };
        b.time = EventTime::from_millis(1_000_900);
        assert_eq!(dedup_id(&a), dedup_id(&b));
        b.time = EventTime::from_millis(1_001_000);
        assert_ne!(dedup_id(&a), dedup_id(&b));
    }
}
