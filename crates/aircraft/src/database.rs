//! Aircraft databases as receiver owners have them, read into one table by address:
//!
//! | format | what it looks like | where users get it |
//! |---|---|---|
//! | `tar1090` | `icao;registration;type;flags;description;year;owner/operator;`, no header; `flags` is a string of `0`/`1` characters: military, interesting, PIA, LADD | tar1090-db `aircraft.csv.gz` (what readsb's `--db-file` reads) |
//! | `opensky` | comma-separated with a header naming `icao24`, `registration`, `typecode`, `model`, `manufacturername`, `operator`, `owner`, `built` | OpenSky Network `aircraftDatabase.csv` |
//! | `dump1090` | a folder of `<prefix>.json` files mapping the rest of the address to `{"r": registration, "t": type, "f": flags, "d": description}` | dump1090's `public_html/db/` (Debian's `dump1090-mutability` installs one) |
//!
//! Files may be gzip-compressed (told from their first bytes). A record that does not read is
//! skipped and reported with its file, line and field; the rest load.

use flate2::read::GzDecoder;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fmt;
use std::io::Read;
use std::path::Path;

/// What a database says of one aircraft.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AircraftRecord {
    /// Registration.
    pub registration: Option<String>,
    /// ICAO type designator.
    pub type_code: Option<String>,
    /// Type in words.
    pub description: Option<String>,
    /// Owner or operator.
    pub operator: Option<String>,
    /// Year built.
    pub year: Option<u16>,
    /// Marked military.
    pub military: bool,
    /// Marked interesting.
    pub interesting: bool,
    /// A Privacy ICAO Address.
    pub pia: bool,
    /// On the LADD list.
    pub ladd: bool,
}

/// Which of the formats a database was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbFormat {
    /// tar1090-db `aircraft.csv`.
    Tar1090,
    /// OpenSky `aircraftDatabase.csv`.
    OpenSky,
    /// dump1090 `db/` JSON folder.
    Dump1090,
}

impl DbFormat {
    /// The format's name as documented.
    pub fn as_str(self) -> &'static str {
        match self {
            DbFormat::Tar1090 => "tar1090",
            DbFormat::OpenSky => "opensky",
            DbFormat::Dump1090 => "dump1090",
        }
    }
}

/// A record that did not load: where, which field, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadProblem {
    /// `file:line`.
    pub place: String,
    /// The field (column or key) at fault.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

impl fmt::Display for LoadProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.place, self.field, self.message)
    }
}

/// An aircraft database, by address.
#[derive(Debug, Clone)]
pub struct AircraftDb {
    records: HashMap<u32, AircraftRecord>,
    /// The format it was read as.
    pub format: DbFormat,
    /// SHA-256 of what was read (for a folder, of each file's name and bytes in name order):
    /// a run records it, so its events' identities can be traced to the database.
    pub sha256: String,
    /// Records skipped, with why.
    pub problems: Vec<LoadProblem>,
}

impl AircraftDb {
    /// The record of `icao`.
    pub fn get(&self, icao: u32) -> Option<&AircraftRecord> {
        self.records.get(&icao)
    }

    /// How many aircraft it holds.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Every record, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &AircraftRecord)> {
        self.records.iter().map(|(k, v)| (*k, v))
    }

    /// Reads a database file's `bytes` (tar1090 or OpenSky format, plain or gzipped); `shown`
    /// names it in problems. Unlike [`AircraftDb::load`], a file with no aircraft is not refused.
    pub fn parse(shown: &str, bytes: &[u8]) -> Result<AircraftDb, String> {
        let sha256 = hex::encode(Sha256::digest(bytes));
        let text = decompress(bytes).map_err(|e| format!("{shown}: {e}"))?;
        let (format, records, problems) = read_csv(shown, &text)?;
        Ok(AircraftDb {
            records,
            format,
            sha256,
            problems,
        })
    }

    /// Reads the database at `path` (a file in the tar1090 or OpenSky format, plain or gzipped,
    /// or a dump1090 `db/` folder). Fails when it cannot be read or holds no aircraft at all.
    pub fn load(path: &Path) -> Result<AircraftDb, String> {
        let shown = path.display().to_string();
        let db = if path.is_dir() {
            read_dump1090_folder(path)?
        } else {
            let bytes = std::fs::read(path).map_err(|e| format!("{shown}: {e}"))?;
            AircraftDb::parse(&shown, &bytes)?
        };
        if db.records.is_empty() {
            return Err(format!(
                "{shown}: no aircraft read as the {} format{}",
                db.format.as_str(),
                db.problems
                    .first()
                    .map(|p| format!(" (first problem: {p})"))
                    .unwrap_or_default()
            ));
        }
        Ok(db)
    }
}

fn decompress(bytes: &[u8]) -> Result<String, String> {
    let raw = if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        GzDecoder::new(bytes)
            .read_to_end(&mut out)
            .map_err(|e| format!("not a readable gzip file: {e}"))?;
        out
    } else {
        bytes.to_vec()
    };
    // Databases are UTF-8; a stray byte in one name should not lose the file.
    Ok(String::from_utf8_lossy(&raw).into_owned())
}

/// A text field: trimmed, `None` when empty.
fn text(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// The address in `value`, six hex digits (readsb's `~` for non-ICAO addresses allowed).
fn address(value: &str) -> Result<u32, String> {
    let hex = value.trim().trim_start_matches('~');
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("{value:?} is not an ICAO address (six hex digits)"));
    }
    u32::from_str_radix(hex, 16).map_err(|e| e.to_string())
}

/// A year: four digits, or the year of a `YYYY-MM-DD` date (OpenSky's `built`).
fn year(value: &str) -> Result<Option<u16>, String> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    let digits = v.get(..4).filter(|d| d.bytes().all(|b| b.is_ascii_digit()));
    match digits.and_then(|d| d.parse::<u16>().ok()) {
        Some(y) if (1900..=2100).contains(&y) && (v.len() == 4 || v.as_bytes()[4] == b'-') => {
            Ok(Some(y))
        }
        _ => Err(format!("{v:?} is not a year")),
    }
}

/// tar1090 / dump1090 flags: `0`/`1` characters for military, interesting, PIA, LADD.
fn set_flags(record: &mut AircraftRecord, value: &str) -> Result<(), String> {
    let v = value.trim();
    if v.len() > 4 || !v.bytes().all(|b| b == b'0' || b == b'1') {
        return Err(format!("{v:?} is not a flag string (up to four 0/1 characters: military, interesting, PIA, LADD)"));
    }
    let on = |i: usize| v.as_bytes().get(i) == Some(&b'1');
    record.military = on(0);
    record.interesting = on(1);
    record.pia = on(2);
    record.ladd = on(3);
    Ok(())
}

type Records = HashMap<u32, AircraftRecord>;

fn read_csv(shown: &str, text: &str) -> Result<(DbFormat, Records, Vec<LoadProblem>), String> {
    let first = text.lines().next().unwrap_or("");
    let opensky = first
        .split(',')
        .any(|c| c.trim().trim_matches(['"', '\'']) == "icao24");
    let format = if opensky {
        DbFormat::OpenSky
    } else {
        DbFormat::Tar1090
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(if opensky { b',' } else { b';' })
        .has_headers(opensky)
        .flexible(true)
        .quoting(opensky)
        // The 2024 OpenSky dumps quote with single quotes, the older ones with double quotes.
        .quote(if first.trim_start().starts_with('\'') {
            b'\''
        } else {
            b'"'
        })
        .from_reader(text.as_bytes());
    let columns: HashMap<String, usize> = if opensky {
        let header = reader.headers().map_err(|e| format!("{shown}:1: {e}"))?;
        header
            .iter()
            .enumerate()
            .map(|(i, h)| (h.trim().to_string(), i))
            .collect()
    } else {
        HashMap::new()
    };
    let mut records = HashMap::new();
    let mut problems = Vec::new();
    for row in reader.records() {
        let row = match row {
            Ok(row) => row,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                problems.push(LoadProblem {
                    place: format!("{shown}:{line}"),
                    field: "record".into(),
                    message: e.to_string(),
                });
                continue;
            }
        };
        let line = row.position().map_or(0, |p| p.line());
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let read = if opensky {
            opensky_row(&row, &columns)
        } else {
            tar1090_row(&row)
        };
        match read {
            Ok((icao, record)) => {
                records.insert(icao, record);
            }
            Err((field, message)) => problems.push(LoadProblem {
                place: format!("{shown}:{line}"),
                field: field.into(),
                message,
            }),
        }
    }
    Ok((format, records, problems))
}

type RowResult = Result<(u32, AircraftRecord), (&'static str, String)>;

fn tar1090_row(row: &csv::StringRecord) -> RowResult {
    let icao = address(row.get(0).unwrap_or("")).map_err(|m| ("icao", m))?;
    let mut record = AircraftRecord {
        registration: text(row.get(1)),
        type_code: text(row.get(2)),
        description: text(row.get(4)),
        year: year(row.get(5).unwrap_or("")).map_err(|m| ("year", m))?,
        operator: text(row.get(6)),
        ..AircraftRecord::default()
    };
    set_flags(&mut record, row.get(3).unwrap_or("")).map_err(|m| ("flags", m))?;
    Ok((icao, record))
}

fn opensky_row(row: &csv::StringRecord, columns: &HashMap<String, usize>) -> RowResult {
    let get = |name: &str| columns.get(name).and_then(|&i| row.get(i));
    let icao = address(get("icao24").unwrap_or("")).map_err(|m| ("icao24", m))?;
    let description = match (text(get("manufacturername")), text(get("model"))) {
        (Some(maker), Some(model)) if !model.starts_with(&maker) => {
            Some(format!("{maker} {model}"))
        }
        (_, Some(model)) => Some(model),
        (maker, None) => maker,
    };
    Ok((
        icao,
        AircraftRecord {
            registration: text(get("registration")),
            type_code: text(get("typecode")),
            description,
            operator: text(get("operator")).or_else(|| text(get("owner"))),
            year: year(get("built").unwrap_or("")).map_err(|m| ("built", m))?,
            ..AircraftRecord::default()
        },
    ))
}

fn read_dump1090_folder(dir: &Path) -> Result<AircraftDb, String> {
    let shown = dir.display().to_string();
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("{shown}: {e}"))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut hash = Sha256::new();
    let mut records = HashMap::new();
    let mut problems = Vec::new();
    for path in &files {
        let place = path.display().to_string();
        let prefix = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("")
            .to_ascii_uppercase();
        let bytes = std::fs::read(path).map_err(|e| format!("{place}: {e}"))?;
        hash.update(prefix.as_bytes());
        hash.update(&bytes);
        let parsed: serde_json::Value = match decompress(&bytes)
            .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
        {
            Ok(v) => v,
            Err(e) => {
                problems.push(LoadProblem {
                    place: format!("{place}:1"),
                    field: "file".into(),
                    message: e,
                });
                continue;
            }
        };
        let Some(entries) = parsed.as_object() else {
            problems.push(LoadProblem {
                place: format!("{place}:1"),
                field: "file".into(),
                message: "not a JSON object".into(),
            });
            continue;
        };
        for (suffix, entry) in entries {
            if suffix == "children" {
                continue;
            }
            let place = format!("{place}:{suffix}");
            let icao = match address(&format!("{prefix}{suffix}")) {
                Ok(a) => a,
                Err(m) => {
                    problems.push(LoadProblem {
                        place,
                        field: "key".into(),
                        message: m,
                    });
                    continue;
                }
            };
            let field = |k: &str| text(entry.get(k).and_then(|v| v.as_str()));
            let mut record = AircraftRecord {
                registration: field("r"),
                type_code: field("t"),
                description: field("d"),
                ..AircraftRecord::default()
            };
            if let Err(m) = set_flags(&mut record, &field("f").unwrap_or_default()) {
                problems.push(LoadProblem {
                    place,
                    field: "f".into(),
                    message: m,
                });
                continue;
            }
            records.insert(icao, record);
        }
    }
    Ok(AircraftDb {
        records,
        format: DbFormat::Dump1090,
        sha256: hex::encode(hash.finalize()),
        problems,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    #[test]
    fn tar1090_csv_with_flags_gzipped_and_bad_lines_named() {
        let dir = tempfile::tempdir().unwrap();
        // Synthetic lines in the tar1090-db layout (registrations of real types, made-up owners).
        let text = "ae11e3;77-0356;E3TF;10;BOEING E-3 Sentry;1977;United States Air Force;\n\
                    a18143;N1963N;GLF4;0001;GULFSTREAM IV;;;\n\
                    zz0001;N1;C172;00;;;;\n\
                    a0a2f0;N140CP;MU2;2;;;;\n\
                    a86061;N639NK;A320;00;AIRBUS A-320;20x5;Spirit;\n\
                    3c6586;D-AIBD;A319;00;AIRBUS A-319;2009;Lufthansa;\n";
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(text.as_bytes()).unwrap();
        let path = write(dir.path(), "aircraft.csv.gz", &gz.finish().unwrap());
        let db = AircraftDb::load(&path).unwrap();
        assert_eq!(db.format, DbFormat::Tar1090);
        assert_eq!(db.len(), 3);
        let e3 = db.get(0xae11e3).unwrap();
        assert!(e3.military && !e3.interesting && !e3.ladd);
        assert_eq!(e3.year, Some(1977));
        assert_eq!(e3.operator.as_deref(), Some("United States Air Force"));
        assert!(db.get(0xa18143).unwrap().ladd);
        let problems: Vec<String> = db.problems.iter().map(|p| p.to_string()).collect();
        let shown = path.display();
        assert_eq!(
            problems,
            [
                format!("{shown}:3: icao: \"zz0001\" is not an ICAO address (six hex digits)"),
                format!("{shown}:4: flags: \"2\" is not a flag string (up to four 0/1 characters: military, interesting, PIA, LADD)"),
                format!("{shown}:5: year: \"20x5\" is not a year"),
            ]
        );
    }

    #[test]
    fn opensky_csv_reads_columns_by_header_in_either_quoting() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "aircraftDatabase.csv",
            b"'icao24','registration','manufacturericao','manufacturername','model','typecode','operator','owner','built'\n\
              '4b1908','HB-JCA','AIRBUS','Airbus','A220-300','BCS3','','Swiss','2016-06-01'\n\
              '155fb6','RA-73181','','','Airbus A321','A321','Aeroflot','',''\n",
        );
        let db = AircraftDb::load(&path).unwrap();
        assert_eq!(db.format, DbFormat::OpenSky);
        let swiss = db.get(0x4b1908).unwrap();
        assert_eq!(swiss.registration.as_deref(), Some("HB-JCA"));
        assert_eq!(swiss.description.as_deref(), Some("Airbus A220-300"));
        assert_eq!(swiss.operator.as_deref(), Some("Swiss"));
        assert_eq!(swiss.year, Some(2016));
        assert_eq!(
            db.get(0x155fb6).unwrap().operator.as_deref(),
            Some("Aeroflot")
        );
        let older = write(
            dir.path(),
            "old.csv",
            b"\"icao24\",\"registration\",\"typecode\"\n\"4b1908\",\"HB-JCA\",\"BCS3\"\n",
        );
        assert_eq!(
            AircraftDb::load(&older)
                .unwrap()
                .get(0x4b1908)
                .unwrap()
                .type_code
                .as_deref(),
            Some("BCS3")
        );
    }

    #[test]
    fn dump1090_folder_joins_file_prefix_and_key() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "40.json",
            br#"{"2010":{"r":"G-BKBV","t":"TOBA"},"children":["400"],"ZZZZ":{"r":"X"}}"#,
        );
        write(
            dir.path(),
            "400.json",
            br#"{"A0B":{"r":"G-EUPA","t":"A319","f":"00"},"A0C":{"r":"ZZ171","t":"C17","f":"10"}}"#,
        );
        write(dir.path(), "bad.json", b"{not json");
        let db = AircraftDb::load(dir.path()).unwrap();
        assert_eq!(db.format, DbFormat::Dump1090);
        assert_eq!(
            db.get(0x402010).unwrap().registration.as_deref(),
            Some("G-BKBV")
        );
        assert_eq!(db.get(0x400a0b).unwrap().type_code.as_deref(), Some("A319"));
        assert!(db.get(0x400a0c).unwrap().military);
        assert_eq!(db.problems.len(), 2, "{:?}", db.problems);
    }

    #[test]
    fn a_database_with_nothing_readable_is_refused_with_the_first_problem() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "aircraft.csv", b"hello;world\n");
        let err = AircraftDb::load(&path).unwrap_err();
        assert!(
            err.contains("no aircraft read as the tar1090 format"),
            "{err}"
        );
        assert!(err.contains("aircraft.csv:1: icao"), "{err}");
    }
}
