//! ASTERIX records to reports: each target report dated, placed, named and marked with its
//! sensor; radar sites learnt from CAT034; simulated and test targets left out.
//!
//! - Time: a record's time of day is dated to the day that puts it nearest its reference: the
//!   packet's capture time, or for raw block files the previous record's time (the first against
//!   the untimed start, `--untimed-start`), so that a recording across midnight goes on into the next day.
//! - Place: WGS-84 positions as given; a CAT048 polar plot from its radar's site, the one the
//!   stream's CAT034 I034/120 gave, else the one configured (`--radar-site`); a plot of a radar
//!   without a site keeps no position (said once per radar).
//! - Name: the ICAO address when there is one; else the sensor's track number; else (plots with
//!   no track) a track nofly keeps by joining each plot to the nearest earlier plot of the same
//!   radar that a 700 kt target could have come from ([`crate::plot_tracks`]).

use crate::asterix_capture::Datagram;
use crate::plot_tracks::PlotTracks;
use crate::RecordError;
use nofly_asterix::{Editions, Message, Position, Record, Site, Target};
use nofly_model::{Callsign, EventTime, Icao24, PositionSource, Report, Sensor, SourceRef};
use std::collections::{BTreeMap, BTreeSet};

/// How many radar sites can be configured.
pub const MAX_RADAR_SITES: usize = 16;

/// The radar sites given on the command line, by SAC/SIC.
#[derive(Debug, Clone, Copy, Default)]
pub struct RadarSites {
    sites: [Option<(u8, u8, Site)>; MAX_RADAR_SITES],
}

impl RadarSites {
    /// Adds `SAC/SIC=LAT,LON[,HEIGHT_M]` (the height above the WGS-84 ellipsoid, 0 if not given).
    pub fn add(&mut self, text: &str) -> Result<(), String> {
        let bad =
            || format!("{text:?}: expected SAC/SIC=LAT,LON[,HEIGHT_M], e.g. 25/13=45.81,15.97,120");
        let (source, place) = text.split_once('=').ok_or_else(bad)?;
        let (sac, sic) = nofly_asterix::parse_source(source).ok_or_else(bad)?;
        let numbers: Vec<f64> = place
            .split(',')
            .map(|n| n.trim().parse::<f64>().map_err(|_| bad()))
            .collect::<Result<_, _>>()?;
        let (lat, lon, height_m) = match numbers[..] {
            [lat, lon] => (lat, lon, 0.0),
            [lat, lon, h] => (lat, lon, h),
            _ => return Err(bad()),
        };
        if !(-90.0..=90.0).contains(&lat)
            || !(-180.0..=180.0).contains(&lon)
            || !height_m.is_finite()
        {
            return Err(format!("{text:?}: {lat},{lon} is not a place"));
        }
        let slot = self
            .sites
            .iter_mut()
            .find(|s| s.is_none_or(|(a, i, _)| a == sac && i == sic))
            .ok_or_else(|| format!("at most {MAX_RADAR_SITES} radar sites can be given"))?;
        *slot = Some((sac, sic, Site { lat, lon, height_m }));
        Ok(())
    }

    /// Each site as [`RadarSites::add`] reads it, for a run's recorded settings.
    pub fn entries(&self) -> impl Iterator<Item = String> + '_ {
        self.sites.iter().flatten().map(|(sac, sic, site)| {
            format!("{sac}/{sic}={},{},{}", site.lat, site.lon, site.height_m)
        })
    }

    fn get(&self, sac: u8, sic: u8) -> Option<Site> {
        self.sites
            .iter()
            .flatten()
            .find_map(|&(a, i, site)| (a == sac && i == sic).then_some(site))
    }
}

/// How ASTERIX inputs are decoded: the edition of each source and the radar sites.
#[derive(Debug, Clone, Copy, Default)]
pub struct AsterixOptions {
    /// Editions by category and source.
    pub editions: Editions,
    /// Configured radar sites (a site the stream sends in CAT034 is used first).
    pub sites: RadarSites,
}

/// One ASTERIX input being read: what earlier records taught about later ones.
pub(crate) struct AsterixStream {
    name: String,
    input: u16,
    options: AsterixOptions,
    /// Sites the stream's CAT034 messages gave.
    learnt_sites: BTreeMap<(u8, u8), Site>,
    /// Radars whose plots came without a site.
    unsited: BTreeSet<(u8, u8)>,
    /// The time a time of day is dated against when the datagram has no capture time.
    reference: EventTime,
    plots: PlotTracks,
    /// Records by category, and simulated or test targets left out.
    by_category: BTreeMap<u8, u64>,
    simulated_or_test: u64,
}

impl AsterixStream {
    pub(crate) fn new(name: &str, input: u16, options: AsterixOptions, start: EventTime) -> Self {
        AsterixStream {
            name: name.to_string(),
            input,
            options,
            learnt_sites: BTreeMap::new(),
            unsited: BTreeSet::new(),
            reference: start,
            plots: PlotTracks::default(),
            by_category: BTreeMap::new(),
            simulated_or_test: 0,
        }
    }

    /// Reads every record of `datagram`, emitting a report per real target.
    pub(crate) fn datagram(
        &mut self,
        datagram: Datagram<'_>,
        stats: &mut crate::ReadStats,
        emit: &mut dyn FnMut(Report),
    ) {
        let editions = self.options.editions;
        let name = std::mem::take(&mut self.name);
        let mut produced = (0u64, 0u64);
        each_record(&datagram, &editions, &name, stats, &mut |number, record| {
            *self.by_category.entry(record.uap.category).or_default() += 1;
            let source = SourceRef {
                input: self.input,
                record: number,
            };
            match nofly_asterix::interpret(record) {
                Message::Target(t) => match self.report(&t, datagram.captured, source) {
                    Some(r) => {
                        produced.0 += 1;
                        emit(r);
                    }
                    None => produced.1 += 1,
                },
                Message::RadarService(s) => {
                    if let Some(site) = s.site {
                        self.learnt_sites.insert((s.sac, s.sic), site);
                    }
                    if let Some(tod) = s.time_of_day_s {
                        self.date(tod, datagram.captured);
                    }
                    produced.1 += 1;
                }
                Message::SdpsStatus(s) => {
                    if let Some(tod) = s.time_of_day_s {
                        self.date(tod, datagram.captured);
                    }
                    produced.1 += 1;
                }
            }
        });
        self.name = name;
        stats.reports += produced.0;
        stats.ignored += produced.1;
    }

    /// What was read, for the input's summary.
    pub(crate) fn finish(self, stats: &mut crate::ReadStats) {
        let cats: Vec<String> = self
            .by_category
            .iter()
            .map(|(c, n)| format!("CAT{c:03} {n}"))
            .collect();
        stats.notes.push(format!(
            "{}: ASTERIX: {}; {} simulated or test targets left out",
            self.name,
            if cats.is_empty() {
                "no records".to_string()
            } else {
                cats.join(", ")
            },
            self.simulated_or_test
        ));
        for (sac, sic) in &self.unsited {
            stats.notes.push(format!(
                "{}: radar {sac}/{sic} sent polar plots but no site (I034/120): give --radar-site {sac}/{sic}=LAT,LON,HEIGHT to place them",
                self.name
            ));
        }
    }

    /// The time of `tod` seconds after a midnight: the one nearest the capture time, else the
    /// previous record's time, which then moves on to it.
    fn date(&mut self, tod: f64, captured: Option<EventTime>) -> EventTime {
        const DAY: i64 = 86_400_000;
        let reference = captured.unwrap_or(self.reference).millis();
        let mut t = reference.div_euclid(DAY) * DAY + (tod * 1000.0).round() as i64;
        if t - reference > DAY / 2 {
            t -= DAY;
        } else if reference - t > DAY / 2 {
            t += DAY;
        }
        self.reference = EventTime::from_millis(t);
        self.reference
    }

    /// The report of a target, or `None` for a simulated or test target.
    fn report(
        &mut self,
        t: &Target,
        captured: Option<EventTime>,
        source: SourceRef,
    ) -> Option<Report> {
        if t.simulated || t.test {
            self.simulated_or_test += 1;
            return None;
        }
        let time = match t.time_of_day_s {
            Some(tod) => self.date(tod, captured),
            None => captured.unwrap_or(self.reference),
        };
        let alt_baro_ft = t.flight_level.map(|fl| fl * 100.0);
        let position = match t.position {
            Some(Position::Wgs84 { lat, lon }) => Some((lat, lon)),
            Some(Position::Polar {
                range_nm,
                azimuth_deg,
            }) => {
                let site = self
                    .learnt_sites
                    .get(&(t.sac, t.sic))
                    .copied()
                    .or_else(|| self.options.sites.get(t.sac, t.sic));
                match site {
                    Some(site) => {
                        let height_m = t
                            .geometric_height_ft
                            .or(alt_baro_ft)
                            .map(|ft| ft / nofly_model::FEET_PER_METRE);
                        Some(nofly_asterix::plot_position(
                            &site,
                            range_nm,
                            azimuth_deg,
                            height_m,
                        ))
                    }
                    None => {
                        self.unsited.insert((t.sac, t.sic));
                        None
                    }
                }
            }
            None => None,
        };
        let icao = match (t.address, t.track_number) {
            (Some(a), _) if t.address_is_icao => Icao24(a),
            (_, Some(track)) => Icao24::sensor_track(t.category, t.sac, t.sic, u32::from(track)),
            // A non-ICAO address (CAT021 anonymous or surface vehicle), kept apart from tracks.
            (Some(a), None) => Icao24::sensor_track(t.category, t.sac, t.sic, 0x0100_0000 | a),
            (None, None) => {
                let (lat, lon) = position?;
                let track = self.plots.track_of((t.sac, t.sic), time, lat, lon);
                Icao24::sensor_track(t.category, t.sac, t.sic, 0x8000_0000 | track)
            }
        };
        let mut r = Report::new(time, icao, source);
        r.position = position;
        r.callsign = t.callsign.as_deref().and_then(Callsign::new);
        r.squawk = t.mode_a;
        r.alt_baro_ft = alt_baro_ft;
        r.alt_geo_ft = t.geometric_height_ft;
        r.ground_speed_kt = t.ground_speed_kt.map(|v| v as f32);
        r.track_deg = t.track_deg.map(|v| v as f32);
        r.vertical_rate_fpm = t.vertical_rate_fpm.map(|v| v as f32);
        r.on_ground = t.on_ground;
        r.position_source = position.map(|_| match t.category {
            21 => PositionSource::Adsb,
            62 => PositionSource::Fused,
            _ => PositionSource::Radar,
        });
        r.sensor = Some(Sensor {
            sac: t.sac,
            sic: t.sic,
            kind: t.kind,
        });
        Some(r)
    }
}

/// Calls `on` with the record number and the record of every record of `datagram`, counting
/// each in `stats`; a block or record that cannot be read is counted as malformed with its place,
/// and the rest of its block (or, for a broken block length, of the datagram) is skipped.
fn each_record(
    datagram: &Datagram<'_>,
    editions: &Editions,
    name: &str,
    stats: &mut crate::ReadStats,
    on: &mut dyn FnMut(u64, &Record<'_>),
) {
    let number = |offset: usize| datagram.base + offset as u64;
    let error = |offset: usize, e: nofly_asterix::DecodeError| RecordError {
        file: name.to_string(),
        record: number(offset),
        unit: "record".into(),
        field: None,
        reason: e.to_string(),
    };
    for block in nofly_asterix::blocks(datagram.bytes) {
        let block = match block {
            Ok(b) => b,
            Err(e) => {
                stats.records += 1;
                stats.malformed(error(0, e));
                return;
            }
        };
        for record in nofly_asterix::records(block, editions) {
            stats.records += 1;
            match record {
                Ok(r) => on(number(r.offset), &r),
                Err(e) => stats.malformed(error(block.offset, e)),
            }
        }
    }
}

/// One decoded ASTERIX record, as `nofly decode` shows it.
#[derive(Debug, serde::Serialize)]
pub struct AsterixRecord {
    /// Its record number in the input (see [`crate::RawRecord::record`]).
    pub record: u64,
    /// Its category.
    pub category: u8,
    /// The edition it was read with.
    pub edition: String,
    /// The capture time of its datagram, for captures.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub captured: Option<EventTime>,
    /// What it says.
    #[serde(flatten)]
    pub message: Message,
}

/// Decodes every record of an ASTERIX recording (pcap, pcapng or raw blocks) and calls `on` with
/// each; problems are counted in `stats` with their place.
pub fn decode_asterix(
    input: impl std::io::Read,
    name: &str,
    options: &crate::ModesOptions,
    stats: &mut crate::ReadStats,
    on: &mut dyn FnMut(AsterixRecord),
) -> std::io::Result<()> {
    let editions = options.asterix.editions;
    crate::asterix_capture::read_datagrams(input, name, stats, &mut |d, stats| {
        let mut decoded = 0;
        each_record(&d, &editions, name, stats, &mut |record, r| {
            decoded += 1;
            on(AsterixRecord {
                record,
                category: r.uap.category,
                edition: r.uap.edition.to_string(),
                captured: d.captured,
                message: nofly_asterix::interpret(r),
            })
        });
        stats.reports += decoded;
    })
}

impl AsterixStream {
    /// The report of one raw record of an evidence extract ([`raw_records`]), or `None` for a
    /// radar's site message kept to place the plots after it.
    pub(crate) fn raw_record(&mut self, raw: &crate::RawRecord) -> Result<Option<Report>, String> {
        let bytes = hex::decode(&raw.text).map_err(|_| "the ASTERIX record is not hex")?;
        let mut stats = crate::ReadStats::default();
        let mut report = None;
        let datagram = Datagram {
            bytes: &bytes,
            captured: raw.carried_time_ms.map(EventTime::from_millis),
            // The record follows its block's 3-byte header.
            base: raw.record.wrapping_sub(3),
        };
        self.datagram(datagram, &mut stats, &mut |r| report = Some(r));
        match stats.first_errors.first() {
            Some(e) => Err(e.reason.clone()),
            None => Ok(report),
        }
    }
}

/// The raw records `wanted` of an ASTERIX recording read with `editions`, each as a data block of
/// its one record in hex, with the time its report was given (`carried`); before a wanted CAT048 plot, the last
/// CAT034 record that gave its radar's site, so that a re-run places it the same way.
pub(crate) fn raw_records(
    bytes: &[u8],
    name: &str,
    editions: &Editions,
    wanted: &BTreeSet<u64>,
    carried: &BTreeMap<u64, i64>,
) -> std::io::Result<Vec<crate::RawRecord>> {
    let mut site_records: BTreeMap<(u8, u8), crate::RawRecord> = BTreeMap::new();
    let mut sites_sent = BTreeSet::new();
    let mut out = Vec::new();
    let mut stats = crate::ReadStats::default();
    crate::asterix_capture::read_datagrams(bytes, name, &mut stats, &mut |d, stats| {
        each_record(&d, editions, name, stats, &mut |number, record| {
            let category = record.uap.category;
            let text = format!(
                "{category:02x}{:04x}{}",
                record.bytes.len() + 3,
                hex::encode(record.bytes)
            );
            let raw = crate::RawRecord {
                record: number,
                text,
                carried_time_ms: d.captured.map(EventTime::millis),
            };
            let source = record.source();
            if category == 34 && record.item("120").is_some() {
                if let Some(source) = source {
                    site_records.insert(source, raw);
                    sites_sent.remove(&source);
                }
                return;
            }
            if !wanted.contains(&number) {
                return;
            }
            if let Some(source) = source.filter(|_| category == 48) {
                if let Some(site) = site_records.get(&source) {
                    if sites_sent.insert(source) {
                        out.push(site.clone());
                    }
                }
            }
            out.push(crate::RawRecord {
                carried_time_ms: carried.get(&number).copied().or(raw.carried_time_ms),
                ..raw
            });
        })
    })?;
    Ok(out)
}

/// Reads an ASTERIX recording (pcap, pcapng or raw blocks) and emits its reports.
pub(crate) fn read_asterix(
    input: impl std::io::Read,
    name: &str,
    input_index: u16,
    options: &crate::ModesOptions,
    stats: &mut crate::ReadStats,
    emit: &mut dyn FnMut(Report),
) -> std::io::Result<()> {
    let mut stream = AsterixStream::new(name, input_index, options.asterix, options.start);
    crate::asterix_capture::read_datagrams(input, name, stats, &mut |d, stats| {
        stream.datagram(d, stats, emit)
    })?;
    stream.finish(stats);
    Ok(())
}
