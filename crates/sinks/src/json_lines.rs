//! Events as JSON lines.

use nofly_model::Event;
use std::io::{self, Write};

/// Writes each event as one line of JSON.
pub struct JsonLinesSink<W: Write> {
    out: W,
    written: u64,
}

impl<W: Write> JsonLinesSink<W> {
    /// A sink writing to `out` (wrap files in a `BufWriter`).
    pub fn new(out: W) -> Self {
        JsonLinesSink { out, written: 0 }
    }

    /// Writes one event.
    pub fn write(&mut self, event: &Event) -> io::Result<()> {
        serde_json::to_writer(&mut self.out, event)?;
        self.out.write_all(b"\n")?;
        self.written += 1;
        Ok(())
    }

    /// Events written so far.
    pub fn written(&self) -> u64 {
        self.written
    }

    /// Flushes the underlying writer.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nofly_model::{Callsign, EventKind, EventTime, Icao24, SourceRef};

    #[test]
    fn one_object_per_line_in_a_fixed_shape() {
        let e = Event {
            id: "0123456789abcdef0123456789abcdef".into(),
            kind: EventKind::Enter,
            time: EventTime::from_millis(1_645_970_400_123),
            icao24: Some(Icao24(0x155fb6)),
            callsign: Callsign::new("AFL1000"),
            zone_id: "EE".into(),
            zone_name: "Estonia".into(),
            zone_version: "v".into(),
            zone_set: "s".into(),
            lat: 59.5,
            lon: 24.25,
            alt_ft: None,
            alt_unknown: true,
            on_ground: false,
            source: SourceRef {
                input: 0,
                record: 7,
            },
            position_source: None,
            sensor: None,
            predicted: None,
            squawk: None,
            distance_m: None,
            exempt: false,
            nic: Some(6),
            nacp: Some(7),
            degraded: true,
            position_dispute: None,
            cell: None,
            same_instant: 0,
            aircraft: None,
            gs_kt: None,
            category: None,
        };
        let mut buf = Vec::new();
        JsonLinesSink::new(&mut buf).write(&e).unwrap();
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            r#"{"id":"0123456789abcdef0123456789abcdef","kind":"enter","time":"2022-02-27T14:00:00.123Z","icao24":"155fb6","callsign":"AFL1000","zone_id":"EE","zone_name":"Estonia","zone_version":"v","zone_set":"s","lat":59.5,"lon":24.25,"alt_ft":null,"alt_unknown":true,"on_ground":false,"source":{"input":0,"record":7},"nic":6,"nacp":7,"degraded":true}"#.to_owned() + "\n"
        );
    }
}
