//! Which edition of each category a source speaks: the default (the newest in service) unless
//! the source is configured otherwise, e.g. `21=0.26,48=1.27`.

use crate::layout::{Edition, Uap};
use crate::layouts::{ALL, DEFAULTS};

/// The edition chosen for every category nofly decodes.
#[derive(Debug, Clone)]
pub struct Editions {
    chosen: Vec<Uap>,
}

impl Default for Editions {
    fn default() -> Self {
        Editions {
            chosen: DEFAULTS.to_vec(),
        }
    }
}

impl Editions {
    /// The UAP used for `category`, if nofly decodes it.
    pub fn uap(&self, category: u8) -> Option<&Uap> {
        self.chosen.iter().find(|u| u.category == category)
    }

    /// Every category and edition nofly can decode, as `(category, edition)`.
    pub fn known() -> impl Iterator<Item = (u8, Edition)> {
        ALL.iter().map(|u| (u.category, u.edition))
    }

    /// Uses `edition` for `category`; fails when nofly has no such edition.
    pub fn set(&mut self, category: u8, edition: Edition) -> Result<(), String> {
        let Some(uap) = ALL
            .iter()
            .find(|u| u.category == category && u.edition == edition)
        else {
            let known: Vec<String> = ALL
                .iter()
                .filter(|u| u.category == category)
                .map(|u| u.edition.to_string())
                .collect();
            return Err(if known.is_empty() {
                format!("category {category:03} is not one nofly decodes (021, 034, 048, 062, 065)")
            } else {
                format!(
                    "category {category:03} has no edition {edition} here; known: {}",
                    known.join(", ")
                )
            });
        };
        for slot in &mut self.chosen {
            if slot.category == category {
                *slot = *uap;
            }
        }
        Ok(())
    }

    /// The defaults changed by a list such as `21=0.26,48=1.27` (empty: the defaults).
    pub fn parse(list: &str) -> Result<Self, String> {
        let mut editions = Editions::default();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let bad = || format!("{entry:?}: expected CATEGORY=MAJOR.MINOR, e.g. 21=0.26");
            let (cat, ed) = entry.split_once('=').ok_or_else(bad)?;
            let (major, minor) = ed.trim().split_once('.').ok_or_else(bad)?;
            let category: u8 = cat.trim().trim_start_matches("cat").parse().map_err(|_| bad())?;
            let edition = Edition {
                major: major.parse().map_err(|_| bad())?,
                minor: minor.parse().map_err(|_| bad())?,
            };
            editions.set(category, edition)?;
        }
        Ok(editions)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chooses_editions_per_category() {
        let e = Editions::parse("21=0.26, cat048=1.27").unwrap();
        assert_eq!(e.uap(21).unwrap().edition, Edition { major: 0, minor: 26 });
        assert_eq!(e.uap(48).unwrap().edition, Edition { major: 1, minor: 27 });
        assert_eq!(Editions::default().uap(48).unwrap().edition, Edition { major: 1, minor: 31 });
        assert!(e.uap(1).is_none());
        assert!(Editions::parse("48=9.9").unwrap_err().contains("known: 1.27"));
        assert!(Editions::parse("7=1.0").unwrap_err().contains("not one nofly decodes"));
        assert!(Editions::parse("48").unwrap_err().contains("expected"));
    }
}
