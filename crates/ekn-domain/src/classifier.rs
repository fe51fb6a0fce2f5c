//! The official КАТО classifier as data (НК РК 11-2025, `assets/geo/kato.json`, written by
//! `ekn-geo build` from `assets/geo/source/`): whether a registry's KATO code names a place that
//! exists, and the current code for a retired one.
//!
//! Why: a KATO code is where a card, a task and an anomaly are placed on the map and whose district a
//! prosecutor's scope covers. A code mistyped in an export, or one retired by a reform, places an
//! object nowhere or in the wrong district, silently. The import asks here for every row and says
//! what it found (issue 63); nothing is refused for it, because a row with a doubtful place is
//! still a true inspection.
//!
//! The retired → current list is the source's `kato_migrations.csv`; the edition shipped has no
//! rows (the classifier's publisher lists none), so today every code outside the classifier is
//! reported as unknown. A list added there is applied by the same code.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use serde_json::Value;

/// What the classifier says of a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KatoStatus {
    /// In the classifier as it stands.
    Current,
    /// Retired by a reform; the code that replaced it.
    Retired { current: String },
    /// Not in the classifier, nor a retired code it knows.
    Unknown,
}

/// The classifier's codes and its retired → current list.
pub struct Classifier {
    pub version: String,
    codes: BTreeSet<u32>,
    migrations: BTreeMap<String, String>,
}

impl Classifier {
    /// A classifier of the given codes and migrations (tests, and the shipped one below).
    pub fn new(version: &str, codes: impl IntoIterator<Item = u32>, migrations: BTreeMap<String, String>) -> Self {
        Classifier { version: version.to_string(), codes: codes.into_iter().collect(), migrations }
    }

    /// What the classifier says of a nine-digit code (as the registry wrote it, trimmed).
    pub fn status(&self, code: &str) -> KatoStatus {
        let code = code.trim();
        let known = code.len() == 9
            && code.bytes().all(|b| b.is_ascii_digit())
            && code.parse::<u32>().is_ok_and(|n| self.codes.contains(&n));
        if known {
            return KatoStatus::Current;
        }
        match self.migrations.get(code) {
            Some(current) => KatoStatus::Retired { current: current.clone() },
            None => KatoStatus::Unknown,
        }
    }

    /// The classifier's codes that start with a prefix (a region `55`, a unit `5532`), in order.
    pub fn codes_under(&self, prefix: &str) -> Vec<u32> {
        let digits = prefix.len();
        let Ok(head) = prefix.parse::<u32>() else { return Vec::new() };
        if digits == 0 || digits > 9 {
            return Vec::new();
        }
        let scale = 10u32.pow(9 - digits as u32);
        self.codes.range(head * scale..(head + 1) * scale).copied().collect()
    }

    /// How many codes it holds.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }
}

fn parse() -> Classifier {
    let kato: Value = serde_json::from_str(super::districts::KATO_JSON).unwrap_or(Value::Null);
    let codes = kato["codes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|row| row.get(0).and_then(Value::as_str).and_then(|c| c.parse::<u32>().ok()));
    let migrations = kato["migrations"]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(retired, current)| current.as_str().map(|c| (retired.clone(), c.to_string())))
        .collect();
    Classifier::new(kato["version"].as_str().unwrap_or("unknown"), codes, migrations)
}

/// The shipped classifier.
pub fn classifier() -> &'static Classifier {
    static CELL: OnceLock<Classifier> = OnceLock::new();
    CELL.get_or_init(parse)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_classifier_knows_its_codes_and_nothing_else() {
        let c = classifier();
        assert_eq!(c.version, "NK RK 11-2025");
        assert_eq!(c.len(), 15_594);
        assert_eq!(c.status("553200000"), KatoStatus::Current, "Актогайский район, Павлодарская область");
        assert_eq!(c.status(" 751110000 "), KatoStatus::Current);
        for wrong in ["553000000", "192010000", "55320000", "5532000001", "abcdefghi", ""] {
            assert_eq!(c.status(wrong), KatoStatus::Unknown, "{wrong}");
        }
        let under = c.codes_under("5532");
        assert!(under.len() > 10 && under.iter().all(|k| k / 100_000 == 5532), "{under:?}");
        assert!(c.codes_under("").is_empty() && c.codes_under("x").is_empty());
    }

    #[test]
    fn a_retired_code_is_given_its_current_one() {
        let migrations = BTreeMap::from([("631010000".to_string(), "101010000".to_string())]);
        let c = Classifier::new("test", [101_010_000], migrations);
        assert_eq!(c.status("631010000"), KatoStatus::Retired { current: "101010000".into() });
        assert_eq!(c.status("101010000"), KatoStatus::Current);
        assert_eq!(c.status("631020000"), KatoStatus::Unknown);
    }
}
