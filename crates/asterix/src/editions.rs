//! Which edition of each category a data source speaks: the default (the newest in service)
//! unless configured otherwise for every source of a category (`21=0.26`) or for one source,
//! named by its SAC/SIC (`25/13:48=1.27`). Item 010 (SAC/SIC) comes first in every record of every
//! category decoded here, so a record's source is known before its edition is needed.

use crate::layout::{Edition, Uap};
use crate::layouts::{ALL, DEFAULTS};

/// How many sources may have an edition of their own.
pub const MAX_SOURCE_EDITIONS: usize = 16;

/// The edition chosen for every category nofly decodes, and for some sources.
#[derive(Debug, Clone, Copy)]
pub struct Editions {
    defaults: [Uap; 5],
    by_source: [Option<(u8, u8, Uap)>; MAX_SOURCE_EDITIONS],
}

impl Default for Editions {
    fn default() -> Self {
        let mut defaults = [DEFAULTS[0]; 5];
        defaults.copy_from_slice(DEFAULTS);
        Editions {
            defaults,
            by_source: [None; MAX_SOURCE_EDITIONS],
        }
    }
}

impl Editions {
    /// The UAP used for `category` from source `sac`/`sic` (`None`: any source), if nofly decodes
    /// the category.
    pub fn uap(&self, category: u8, source: Option<(u8, u8)>) -> Option<&Uap> {
        let own = source.and_then(|(sac, sic)| {
            self.by_source.iter().flatten().find_map(|(a, i, uap)| {
                (*a == sac && *i == sic && uap.category == category).then_some(uap)
            })
        });
        own.or_else(|| self.defaults.iter().find(|u| u.category == category))
    }

    /// Every category and edition nofly can decode, as `(category, edition)`.
    pub fn known() -> impl Iterator<Item = (u8, Edition)> {
        ALL.iter().map(|u| (u.category, u.edition))
    }

    /// Uses `edition` for `category`, from every source or from `source` only; fails when nofly
    /// has no such edition or already holds editions for [`MAX_SOURCE_EDITIONS`] sources.
    pub fn set(
        &mut self,
        category: u8,
        edition: Edition,
        source: Option<(u8, u8)>,
    ) -> Result<(), String> {
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
        match source {
            None => {
                for slot in self.defaults.iter_mut().filter(|s| s.category == category) {
                    *slot = *uap;
                }
            }
            Some((sac, sic)) => {
                let free = self
                    .by_source
                    .iter_mut()
                    .find(|s| matches!(s, Some((a, i, u)) if *a == sac && *i == sic && u.category == category) || s.is_none())
                    .ok_or_else(|| format!("at most {MAX_SOURCE_EDITIONS} sources can have editions of their own"))?;
                *free = Some((sac, sic, *uap));
            }
        }
        Ok(())
    }

    /// The defaults changed by a list such as `21=0.26,25/13:48=1.27` (empty: the defaults).
    pub fn parse(list: &str) -> Result<Self, String> {
        let mut editions = Editions::default();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let bad = || {
                format!("{entry:?}: expected [SAC/SIC:]CATEGORY=MAJOR.MINOR, e.g. 21=0.26 or 25/13:48=1.27")
            };
            let (source, rest) = match entry.split_once(':') {
                Some((source, rest)) => (Some(parse_source(source).ok_or_else(bad)?), rest),
                None => (None, entry),
            };
            let (cat, ed) = rest.split_once('=').ok_or_else(bad)?;
            let (major, minor) = ed.trim().split_once('.').ok_or_else(bad)?;
            let category: u8 = cat
                .trim()
                .trim_start_matches("cat")
                .parse()
                .map_err(|_| bad())?;
            let edition = Edition {
                major: major.parse().map_err(|_| bad())?,
                minor: minor.parse().map_err(|_| bad())?,
            };
            editions.set(category, edition, source)?;
        }
        Ok(editions)
    }
}

/// True for the categories nofly decodes (021, 034, 048, 062, 065).
pub fn decodes(category: u8) -> bool {
    DEFAULTS.iter().any(|u| u.category == category)
}

/// A data source written `SAC/SIC` (`25/13`), as options name it.
pub fn parse_source(text: &str) -> Option<(u8, u8)> {
    let (sac, sic) = text.split_once('/')?;
    Some((sac.trim().parse().ok()?, sic.trim().parse().ok()?))
}

/// `21=2.6,34=1.29,…` then `25/13:48=1.27,…`: the form [`Editions::parse`] reads.
impl std::fmt::Display for Editions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let defaults = self
            .defaults
            .iter()
            .map(|u| format!("{}={}", u.category, u.edition));
        let own = self
            .by_source
            .iter()
            .flatten()
            .map(|(sac, sic, u)| format!("{sac}/{sic}:{}={}", u.category, u.edition));
        f.write_str(&defaults.chain(own).collect::<Vec<_>>().join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chooses_editions_per_category_and_source() {
        let e = Editions::parse("21=0.26, 25/13:cat048=1.27").unwrap();
        let ed = |cat, source| e.uap(cat, source).unwrap().edition.to_string();
        assert_eq!(ed(21, None), "0.26");
        assert_eq!(ed(21, Some((25, 13))), "0.26");
        assert_eq!(ed(48, Some((25, 13))), "1.27");
        assert_eq!(ed(48, Some((25, 14))), "1.31");
        assert_eq!(ed(48, None), "1.31");
        assert!(e.uap(1, None).is_none());
        assert_eq!(
            e.to_string(),
            "21=0.26,34=1.29,48=1.31,62=1.20,65=1.6,25/13:48=1.27"
        );
        assert_eq!(
            Editions::parse(&e.to_string()).unwrap().to_string(),
            e.to_string()
        );
        assert!(Editions::parse("48=9.9")
            .unwrap_err()
            .contains("known: 1.27"));
        assert!(Editions::parse("7=1.0")
            .unwrap_err()
            .contains("not one nofly decodes"));
        assert!(Editions::parse("48").unwrap_err().contains("expected"));
        assert!(Editions::parse("25:48=1.27")
            .unwrap_err()
            .contains("expected"));
        let many: Vec<String> = (0..=MAX_SOURCE_EDITIONS)
            .map(|i| format!("1/{i}:48=1.27"))
            .collect();
        assert!(Editions::parse(&many.join(","))
            .unwrap_err()
            .contains("at most"));
    }
}
