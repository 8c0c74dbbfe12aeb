//! The embedded SQLite store. Replaying the same input into the same database adds nothing twice:
//! events are keyed by their deterministic id and a run by the hash of what determines its output.

use nofly_model::Event;
use rusqlite::{params, Connection};
use std::path::Path;

/// A store failure, with the database file.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {error}")]
pub struct StoreError {
    file: String,
    error: rusqlite::Error,
}

/// One input of a run.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InputRecord {
    /// Path as given.
    pub path: String,
    /// SHA-256 of its bytes, hex.
    pub sha256: String,
    /// Format read.
    pub format: String,
}

/// What identifies a run and what it found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRecord {
    /// nofly's version.
    pub program_version: String,
    /// Content hash of the zone set.
    pub zone_set_hash: String,
    /// Settings, as canonical JSON.
    pub settings: String,
    /// Inputs in command-line order.
    pub inputs: Vec<InputRecord>,
    /// Counters, as JSON (reports read, skipped, aircraft, events).
    pub summary: String,
}

impl RunRecord {
    /// The run id: SHA-256 over program version, zone-set hash, settings and inputs' hashes (hex, 32
    /// digits). Two runs that must give the same events have the same id.
    pub fn id(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(self.program_version.as_bytes());
        h.update(b"\n");
        h.update(self.zone_set_hash.as_bytes());
        h.update(b"\n");
        h.update(self.settings.as_bytes());
        for i in &self.inputs {
            h.update(b"\n");
            h.update(i.sha256.as_bytes());
        }
        hex::encode(&h.finalize()[..16])
    }
}

/// A per-aircraft summary of one run.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackRecord {
    /// ICAO address, 6 lowercase hex digits.
    pub icao24: String,
    /// Latest callsign.
    pub callsign: Option<String>,
    /// First report, RFC 3339.
    pub first_seen: String,
    /// Latest report, RFC 3339.
    pub last_seen: String,
    /// Reports.
    pub reports: u64,
    /// Reports with a position.
    pub positions: u64,
    /// Events raised.
    pub events: u64,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY,
    program_version TEXT NOT NULL,
    zone_set_hash TEXT NOT NULL,
    settings TEXT NOT NULL,
    inputs TEXT NOT NULL,
    summary TEXT NOT NULL,
    times_run INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS zones (
    zone_id TEXT NOT NULL,
    version TEXT NOT NULL,
    definition TEXT NOT NULL,
    PRIMARY KEY (zone_id, version)
);
CREATE TABLE IF NOT EXISTS events (
    id TEXT PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES runs(id),
    kind TEXT NOT NULL,
    time TEXT NOT NULL,
    icao24 TEXT NOT NULL, -- '' for an interference event, which names no aircraft
    callsign TEXT,
    zone_id TEXT NOT NULL,
    zone_version TEXT NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    alt_ft REAL,
    alt_unknown INTEGER NOT NULL,
    json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_zone_time ON events (zone_id, time);
CREATE INDEX IF NOT EXISTS events_by_aircraft_time ON events (icao24, time);
CREATE TABLE IF NOT EXISTS tracks (
    run_id TEXT NOT NULL REFERENCES runs(id),
    icao24 TEXT NOT NULL,
    callsign TEXT,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    reports INTEGER NOT NULL,
    positions INTEGER NOT NULL,
    events INTEGER NOT NULL,
    PRIMARY KEY (run_id, icao24)
);
";

/// The SQLite store.
pub struct SqliteStore {
    conn: Connection,
    file: String,
}

impl SqliteStore {
    /// Opens or creates the database at `path` and its tables.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let file = path.display().to_string();
        let err = |source| StoreError {
            file: file.clone(),
            error: source,
        };
        let conn = Connection::open(path).map_err(err)?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
        )
        .map_err(err)?;
        conn.execute_batch(SCHEMA).map_err(err)?;
        Ok(SqliteStore { conn, file })
    }

    fn err(&self, source: rusqlite::Error) -> StoreError {
        StoreError {
            file: self.file.clone(),
            error: source,
        }
    }

    /// Records the run, its zones, events and tracks in one transaction. Returns the run id and
    /// how many events were new to the database.
    pub fn record_run(
        &mut self,
        run: &RunRecord,
        zones: &[(String, String, String)],
        events: &[Event],
        tracks: &[TrackRecord],
    ) -> Result<(String, u64), StoreError> {
        let run_id = run.id();
        let inputs = serde_json::to_string(&run.inputs).expect("input records serialise");
        let file = self.file.clone();
        let err = |source| StoreError {
            file: file.clone(),
            error: source,
        };
        let tx = self.conn.transaction().map_err(err)?;
        let result = (|| -> rusqlite::Result<u64> {
            tx.execute(
                "INSERT INTO runs (id, program_version, zone_set_hash, settings, inputs, summary) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (id) DO UPDATE SET times_run = times_run + 1, summary = excluded.summary",
                params![run_id, run.program_version, run.zone_set_hash, run.settings, inputs, run.summary],
            )?;
            let mut zone_stmt = tx.prepare(
                "INSERT OR IGNORE INTO zones (zone_id, version, definition) VALUES (?1, ?2, ?3)",
            )?;
            for (id, version, definition) in zones {
                zone_stmt.execute(params![id, version, definition])?;
            }
            let mut ev = tx.prepare(
                "INSERT OR IGNORE INTO events (id, run_id, kind, time, icao24, callsign, zone_id, zone_version, lat, lon, alt_ft, alt_unknown, json)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            )?;
            let mut inserted = 0u64;
            for e in events {
                let json = serde_json::to_string(e).expect("events serialise");
                inserted += ev.execute(params![
                    e.id,
                    run_id,
                    e.kind.as_str(),
                    e.time.to_rfc3339(),
                    e.icao24.map(|a| a.to_string()).unwrap_or_default(),
                    e.callsign.map(|c| c.to_string()),
                    e.zone_id,
                    e.zone_version,
                    e.lat,
                    e.lon,
                    e.alt_ft,
                    e.alt_unknown,
                    json
                ])? as u64;
            }
            let mut tr = tx.prepare(
                "INSERT OR REPLACE INTO tracks (run_id, icao24, callsign, first_seen, last_seen, reports, positions, events)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            for t in tracks {
                tr.execute(params![
                    run_id,
                    t.icao24,
                    t.callsign,
                    t.first_seen,
                    t.last_seen,
                    t.reports as i64,
                    t.positions as i64,
                    t.events as i64
                ])?;
            }
            Ok(inserted)
        })();
        let inserted = result.map_err(err)?;
        tx.commit().map_err(err)?;
        Ok((run_id, inserted))
    }

    /// Number of events stored.
    pub fn event_count(&self) -> Result<u64, StoreError> {
        self.conn
            .query_row("SELECT COUNT(*) FROM events", [], |r| r.get::<_, i64>(0))
            .map(|n| n as u64)
            .map_err(|e| self.err(e))
    }

    /// Every stored event as the JSON object the events output has, in time order (ties in the order
    /// they were raised).
    pub fn event_jsons(&self) -> Result<Vec<String>, StoreError> {
        let mut statement = self
            .conn
            .prepare("SELECT json FROM events ORDER BY time, rowid")
            .map_err(|e| self.err(e))?;
        let rows = statement
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    /// Number of runs stored.
    pub fn run_count(&self) -> Result<u64, StoreError> {
        self.conn
            .query_row("SELECT COUNT(*) FROM runs", [], |r| r.get::<_, i64>(0))
            .map(|n| n as u64)
            .map_err(|e| self.err(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nofly_model::{EventKind, EventTime, Icao24, SourceRef};

    fn event(t: i64) -> Event {
        let time = EventTime::from_millis(t);
        Event {
            id: Event::derive_id(EventKind::Enter, time, Some(Icao24(1)), "Z", "v", 0),
            kind: EventKind::Enter,
            time,
            icao24: Some(Icao24(1)),
            callsign: None,
            zone_id: "Z".into(),
            zone_name: "Z".into(),
            zone_version: "v".into(),
            zone_set: "s".into(),
            lat: 1.0,
            lon: 2.0,
            alt_ft: Some(100.0),
            alt_unknown: false,
            on_ground: false,
            source: SourceRef::default(),
            position_source: None,
            sensor: None,
            predicted: None,
            squawk: None,
            distance_m: None,
            exempt: false,
            nic: None,
            nacp: None,
            degraded: false,
            position_dispute: None,
            cell: None,
            same_instant: 0,
            aircraft: None,
            gs_kt: None,
            category: None,
        }
    }

    #[test]
    fn replaying_the_same_run_adds_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = SqliteStore::open(&dir.path().join("t.db")).unwrap();
        let run = RunRecord {
            program_version: "0".into(),
            zone_set_hash: "h".into(),
            settings: "{}".into(),
            inputs: vec![InputRecord {
                path: "a".into(),
                sha256: "s".into(),
                format: "sbs".into(),
            }],
            summary: "{}".into(),
        };
        let zones = [("Z".to_string(), "v".to_string(), "{}".to_string())];
        let (id1, n1) = store
            .record_run(&run, &zones, &[event(1), event(2)], &[])
            .unwrap();
        let (id2, n2) = store
            .record_run(&run, &zones, &[event(1), event(2)], &[])
            .unwrap();
        assert_eq!((id1 == id2, n1, n2), (true, 2, 0));
        assert_eq!(
            (store.event_count().unwrap(), store.run_count().unwrap()),
            (2, 1)
        );
        let stored = store.event_jsons().unwrap();
        let written: Vec<String> = [event(1), event(2)]
            .iter()
            .map(|e| serde_json::to_string(e).unwrap())
            .collect();
        assert_eq!(stored, written, "read back as written, in time order");
    }
}
