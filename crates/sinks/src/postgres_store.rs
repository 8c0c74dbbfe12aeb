//! The PostgreSQL store, for deployments that outgrow one machine: zone versions and events in a
//! schema of their own (`nofly` by default), written with idempotent upserts so that an event
//! stored twice (a worker re-processing after a crash) is stored once, and read back in time order.
//!
//! Tables: `runs (id, started, program_version, zone_set_hash, settings, worker)` (one row a worker
//! start or zone-set switch), `zones (zone_id, version, definition)`, `events (id, kind, time,
//! icao24, zone_id, zone_version, lat, lon, json)`; `json` holds the event exactly as the JSON-lines
//! sink writes it.
//! When the PostGIS extension is available (`CREATE EXTENSION IF NOT EXISTS postgis` succeeds, or
//! it is there already), events also get `position geometry(Point, 4326)`, indexed with GiST.

use nofly_model::Event;
use tokio_postgres::{Client, NoTls};

/// An error with the server's own message when there is one, after `context`.
fn described(context: &str, e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{context}: {}", db.message()),
        None => format!("{context}: {e}"),
    }
}

/// A failed statement, described.
fn failed(e: tokio_postgres::Error) -> String {
    described("PostgreSQL", &e)
}

/// A connection to the store.
pub struct PostgresStore {
    client: Client,
    schema: String,
    postgis: bool,
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user@host:port/database` or `host=… dbname=…`) and creates
    /// the schema and its tables if missing. Must run inside a Tokio runtime.
    pub async fn connect(url: &str, schema: &str) -> Result<Self, String> {
        if schema.is_empty()
            || !schema
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err(format!("schema {schema:?}: use letters, digits and _"));
        }
        let (client, connection) = tokio_postgres::connect(url, NoTls)
            .await
            .map_err(|e| described(url, &e))?;
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::warn!("PostgreSQL connection ended: {e}");
            }
        });
        // Workers starting together would race on the catalog: one at a time, under a lock held
        // until each one's transaction ends.
        let lock = "BEGIN; SELECT pg_advisory_xact_lock(7463209);";
        let postgis = client
            .batch_execute(&format!(
                "{lock} CREATE EXTENSION IF NOT EXISTS postgis; COMMIT;"
            ))
            .await
            .is_ok();
        if !postgis {
            client
                .batch_execute("ROLLBACK")
                .await
                .map_err(|e| described(url, &e))?;
        }
        client
            .batch_execute(&format!(
                "{lock}
                 CREATE SCHEMA IF NOT EXISTS {schema};
                 CREATE TABLE IF NOT EXISTS {schema}.runs (
                     id BIGSERIAL PRIMARY KEY, started TIMESTAMPTZ NOT NULL DEFAULT now(),
                     program_version TEXT NOT NULL, zone_set_hash TEXT NOT NULL,
                     settings TEXT NOT NULL, worker TEXT NOT NULL);
                 CREATE TABLE IF NOT EXISTS {schema}.zones (
                     zone_id TEXT NOT NULL, version TEXT NOT NULL, definition TEXT NOT NULL,
                     PRIMARY KEY (zone_id, version));
                 CREATE TABLE IF NOT EXISTS {schema}.events (
                     id TEXT PRIMARY KEY, kind TEXT NOT NULL, time TIMESTAMPTZ NOT NULL,
                     icao24 TEXT, zone_id TEXT NOT NULL, zone_version TEXT NOT NULL,
                     lat DOUBLE PRECISION NOT NULL, lon DOUBLE PRECISION NOT NULL, json TEXT NOT NULL);
                 CREATE INDEX IF NOT EXISTS events_by_time ON {schema}.events (time);
                 {}
                 COMMIT;",
                if postgis {
                    format!("ALTER TABLE {schema}.events ADD COLUMN IF NOT EXISTS position geometry(Point, 4326);
                     CREATE INDEX IF NOT EXISTS events_by_position ON {schema}.events USING GIST (position);")
                } else {
                    String::new()
                }
            ))
            .await
            .map_err(|e| format!("schema {schema}: {}", described(url, &e)))?;
        Ok(PostgresStore {
            client,
            schema: schema.to_string(),
            postgis,
        })
    }

    /// Whether events get a PostGIS position.
    pub fn has_postgis(&self) -> bool {
        self.postgis
    }

    /// Records that a worker (`worker` says which partitions, on which host) runs with a zone set
    /// and settings; returns the run's id.
    pub async fn record_run(
        &mut self,
        zone_set_hash: &str,
        settings: &str,
        worker: &str,
    ) -> Result<i64, String> {
        let row = self
            .client
            .query_one(
                &format!(
                    "INSERT INTO {}.runs (program_version, zone_set_hash, settings, worker)
                     VALUES ($1, $2, $3, $4) RETURNING id",
                    self.schema
                ),
                &[
                    &env!("CARGO_PKG_VERSION"),
                    &zone_set_hash,
                    &settings,
                    &worker,
                ],
            )
            .await
            .map_err(failed)?;
        Ok(row.get(0))
    }

    /// Records zone versions `(id, version, definition)`; versions already there are kept.
    pub async fn record_zones(&mut self, zones: &[(String, String, String)]) -> Result<(), String> {
        let tx = self.client.transaction().await.map_err(failed)?;
        let insert = tx
            .prepare(&format!(
                "INSERT INTO {}.zones (zone_id, version, definition) VALUES ($1, $2, $3)
                 ON CONFLICT DO NOTHING",
                self.schema
            ))
            .await
            .map_err(failed)?;
        for (id, version, definition) in zones {
            tx.execute(&insert, &[id, version, definition])
                .await
                .map_err(failed)?;
        }
        tx.commit().await.map_err(failed)
    }

    /// Stores events in one transaction; returns how many were new (the others were there).
    pub async fn store_events(&mut self, events: &[Event]) -> Result<u64, String> {
        let position = if self.postgis {
            ", position) VALUES ($1, $2, $3::TEXT::TIMESTAMPTZ, $4, $5, $6, $7, $8, $9, ST_SetSRID(ST_MakePoint($8, $7), 4326))"
        } else {
            ") VALUES ($1, $2, $3::TEXT::TIMESTAMPTZ, $4, $5, $6, $7, $8, $9)"
        };
        let tx = self.client.transaction().await.map_err(failed)?;
        let insert = tx
            .prepare(&format!(
                "INSERT INTO {}.events (id, kind, time, icao24, zone_id, zone_version, lat, lon, json{position}
                 ON CONFLICT (id) DO NOTHING",
                self.schema
            ))
            .await
            .map_err(failed)?;
        let mut new = 0;
        for e in events {
            let json = serde_json::to_string(e).map_err(|e| e.to_string())?;
            new += tx
                .execute(
                    &insert,
                    &[
                        &e.id,
                        &e.kind.as_str(),
                        &e.time.to_rfc3339(),
                        &e.icao24.map(|a| a.to_string()),
                        &e.zone_id,
                        &e.zone_version,
                        &e.lat,
                        &e.lon,
                        &json,
                    ],
                )
                .await
                .map_err(failed)?;
        }
        tx.commit().await.map_err(failed)?;
        Ok(new)
    }

    /// Every stored event's JSON, in time then id order.
    pub async fn event_jsons(&self) -> Result<Vec<String>, String> {
        let rows = self
            .client
            .query(
                &format!("SELECT json FROM {}.events ORDER BY time, id", self.schema),
                &[],
            )
            .await
            .map_err(failed)?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }
}
