//! The settings that decide what the engine finds, recorded with every run.

use crate::PredictionSettings;
use nofly_model::{AltitudeMode, Exemptions};
use serde_json::{json, Map, Value};

/// Everything that changes which events the engine raises. The default is the exact geometric
/// answer with ENTER, EXIT and EMERGENCY only.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Settings {
    /// Which altitude height limits are compared with (barometric by default).
    pub altitude: AltitudeMode,
    /// PREDICTED_ENTRY and PREDICTION_CLEARED, when set.
    pub prediction: Option<PredictionSettings>,
    /// SIGNAL_LOST after this many milliseconds of event time without a report, when set.
    pub lost_after_ms: Option<i64>,
    /// Aircraft exempt from every zone (zones may exempt more).
    pub exemptions: Exemptions,
    /// Hysteresis in time: how long a change of side must last to count, milliseconds.
    pub min_dwell_ms: i64,
    /// CLOSEST_APPROACH for passes within this many metres of a zone, when set.
    pub closest_approach_m: Option<f64>,
    /// Hysteresis in space: how far past a boundary an entry or exit must go, metres.
    pub boundary_buffer_m: f64,
}

impl Settings {
    /// The settings as a run records them (seconds, metres, octal codes; `null` when off): the
    /// keys `altitude`, `prediction`, `lost_after_s`, `exempt`, `min_dwell_s`,
    /// `closest_approach_m` and `boundary_buffer_m` of docs/evidence.md's run record.
    pub fn to_json(&self) -> Map<String, Value> {
        let seconds = |ms: i64| ms as f64 / 1000.0;
        let recorded = json!({
            "altitude": self.altitude.as_str(),
            "lost_after_s": self.lost_after_ms.map(seconds),
            "exempt": {
                "icao24": self.exemptions.icao24.iter().map(ToString::to_string).collect::<Vec<_>>(),
                "callsigns": self.exemptions.callsigns,
                "squawks": self.exemptions.squawks.iter().map(|s| format!("{s:04o}")).collect::<Vec<_>>(),
            },
            "prediction": self.prediction.map(|p| json!({
                "lookahead_s": seconds(p.lookahead_ms),
                "step_s": seconds(p.step_ms),
                "max_age_s": seconds(p.max_age_ms),
                "min_change_s": seconds(p.min_change_ms),
            })),
            "boundary_buffer_m": self.boundary_buffer_m,
            "min_dwell_s": seconds(self.min_dwell_ms),
            "closest_approach_m": self.closest_approach_m,
        });
        match recorded {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    /// The settings a run recorded (what [`Settings::to_json`] wrote, or an older record without
    /// some keys: those take their defaults), so that a re-run raises the same events.
    pub fn from_recorded(recorded: &Value) -> Result<Settings, String> {
        let ms = |v: &Value| v.as_f64().map(|s| (s * 1000.0).round() as i64);
        let d = PredictionSettings::default();
        let prediction = recorded["prediction"].as_object().map(|p| {
            let field = |key: &str, default: i64| p.get(key).and_then(ms).unwrap_or(default);
            PredictionSettings {
                lookahead_ms: field("lookahead_s", d.lookahead_ms),
                step_ms: field("step_s", d.step_ms),
                max_age_ms: field("max_age_s", d.max_age_ms),
                min_change_ms: field("min_change_s", d.min_change_ms),
            }
        });
        let list = |key: &str| -> Vec<&str> {
            recorded["exempt"][key]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default()
        };
        Ok(Settings {
            altitude: match recorded["altitude"].as_str() {
                None => AltitudeMode::default(),
                Some(mode) => mode.parse()?,
            },
            prediction,
            lost_after_ms: ms(&recorded["lost_after_s"]),
            exemptions: Exemptions {
                icao24: list("icao24")
                    .iter()
                    .map(|a| a.parse().map_err(|e| format!("exempt icao24 {a:?}: {e}")))
                    .collect::<Result<_, _>>()?,
                callsigns: list("callsigns").iter().map(|c| c.to_string()).collect(),
                squawks: list("squawks")
                    .iter()
                    .map(|c| {
                        u16::from_str_radix(c, 8).map_err(|e| format!("exempt squawk {c:?}: {e}"))
                    })
                    .collect::<Result<_, _>>()?,
            },
            min_dwell_ms: ms(&recorded["min_dwell_s"]).unwrap_or(0).max(0),
            closest_approach_m: recorded["closest_approach_m"].as_f64(),
            boundary_buffer_m: recorded["boundary_buffer_m"]
                .as_f64()
                .unwrap_or(0.0)
                .max(0.0),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_settings_read_back_the_same() {
        let settings = Settings {
            altitude: AltitudeMode::Geometric,
            prediction: Some(PredictionSettings {
                lookahead_ms: 300_000,
                ..PredictionSettings::default()
            }),
            lost_after_ms: Some(60_000),
            exemptions: Exemptions {
                icao24: vec!["3c6444".parse().unwrap()],
                callsigns: vec!["POL*".into()],
                squawks: vec![0o7000],
            },
            min_dwell_ms: 30_000,
            closest_approach_m: Some(18_520.0),
            boundary_buffer_m: 500.0,
        };
        let recorded = Value::Object(settings.to_json());
        assert_eq!(recorded["exempt"]["squawks"][0], "7000");
        assert_eq!(Settings::from_recorded(&recorded), Ok(settings));
        // An empty record (an older run) is the default; a broken one says what is wrong.
        assert_eq!(Settings::from_recorded(&json!({})), Ok(Settings::default()));
        let broken = json!({"exempt": {"squawks": ["9999"]}});
        assert!(Settings::from_recorded(&broken)
            .unwrap_err()
            .contains("9999"));
    }
}
