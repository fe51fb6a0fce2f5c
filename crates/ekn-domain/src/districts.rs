//! The map's second-level units (districts, cities of regional significance, the city districts
//! of the three cities of republican significance) and who borders whom, as `ekn-geo build` wrote
//! them in `assets/geo/` from the geokz shapes (CC BY 4.0) and the КАТО classifier (issue 63).
//!
//! A registry's KATO code falls in a unit by its first four digits (unique among the 228 units), the
//! same "district" the analytics have always grouped by. Units without a shape yet carry their
//! parent's neighbours, marked approximate; corner contacts are not neighbours.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use serde_json::Value;

/// The classifier as `ekn-geo build` wrote it, held once in the binary for this module and
/// `classifier` alike (460 KB).
pub(crate) const KATO_JSON: &str = include_str!("../../../assets/geo/kato.json");

/// Said with anything drawn or derived from the shapes.
pub const ATTRIBUTION: &str = "geokz 1.0.2 (A. Rodionov), CC BY 4.0";

/// One unit: its names and its neighbours (by their four-digit district codes).
#[derive(Debug, Clone, PartialEq)]
pub struct District {
    pub kato: String,
    pub name_ru: String,
    pub name_kk: String,
    pub name_en: String,
    pub neighbours: BTreeSet<u16>,
    /// Without a shape: its neighbours are its parent's.
    pub approximate: bool,
    /// A city of regional significance (the classifier's «Г.А.», «Қ.Ә.»: a city administration).
    pub city: bool,
}

impl District {
    /// A city whose only neighbour is the one district around it (Семей in Жаңасемей, Кокшетау in
    /// Зерендинский район): compared with that district alone it has one peer, so the neighbour
    /// comparison takes its region's units too and says so.
    pub fn enclosed(&self) -> bool {
        self.city && self.neighbours.len() == 1
    }
}

/// The units a district (four digits) is compared with among those `present` (with data): its
/// neighbours, or for a city inside one district its region's other units; and whether it is such a
/// city. `None` when the map has no such unit.
pub fn compared_with(code: u16, present: impl Fn(u16) -> bool) -> Option<(Vec<u16>, bool)> {
    let unit = district(code)?;
    let enclosed = unit.enclosed();
    let around = if enclosed {
        districts().keys().copied().filter(|&d| d / 100 == code / 100 && d != code && present(d)).collect()
    } else {
        unit.neighbours.iter().copied().filter(|&n| present(n)).collect()
    };
    Some((around, enclosed))
}

fn parse() -> BTreeMap<u16, District> {
    let kato: Value = serde_json::from_str(KATO_JSON).unwrap_or(Value::Null);
    let adjacency: Value =
        serde_json::from_str(include_str!("../../../assets/geo/adjacency.json")).unwrap_or(Value::Null);
    let short = |code: &str| code.get(..4).and_then(|p| p.parse::<u16>().ok());
    let mut out: BTreeMap<u16, District> = BTreeMap::new();
    for unit in kato["units"].as_array().into_iter().flatten() {
        let code = unit["kato"].as_str().unwrap_or_default();
        if let Some(d) = short(code) {
            out.insert(
                d,
                District {
                    kato: code.to_string(),
                    name_ru: unit["ru"].as_str().unwrap_or_default().to_string(),
                    name_kk: unit["kk"].as_str().unwrap_or_default().to_string(),
                    name_en: unit["en"].as_str().unwrap_or_default().to_string(),
                    neighbours: BTreeSet::new(),
                    approximate: unit["shape"] == false,
                    city: unit["ru"].as_str().is_some_and(|n| n.ends_with("Г.А."))
                        || unit["kk"].as_str().is_some_and(|n| n.ends_with("Қ.Ә.")),
                },
            );
        }
    }
    let mut link = |a: Option<u16>, b: Option<u16>| {
        if let (Some(a), Some(b)) = (a, b) {
            if a != b {
                out.entry(a).and_modify(|u| {
                    u.neighbours.insert(b);
                });
                out.entry(b).and_modify(|u| {
                    u.neighbours.insert(a);
                });
            }
        }
    };
    for pair in adjacency["pairs"].as_array().into_iter().flatten().filter(|p| p["corner"] == false) {
        link(short(pair["a"].as_str().unwrap_or_default()), short(pair["b"].as_str().unwrap_or_default()));
    }
    for unit in adjacency["approximate"].as_array().into_iter().flatten() {
        let own = short(unit["kato"].as_str().unwrap_or_default());
        for n in unit["neighbours"].as_array().into_iter().flatten() {
            link(own, short(n.as_str().unwrap_or_default()));
        }
    }
    out
}

/// Every unit, by its four-digit district code.
pub fn districts() -> &'static BTreeMap<u16, District> {
    static CELL: OnceLock<BTreeMap<u16, District>> = OnceLock::new();
    CELL.get_or_init(parse)
}

/// The unit a four-digit district code names, if the map has it.
pub fn district(code: u16) -> Option<&'static District> {
    districts().get(&code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_map_gives_every_unit_names_and_neighbours_both_ways() {
        let all = districts();
        assert_eq!(all.len(), 228);
        for (code, unit) in all {
            assert!(!unit.name_ru.is_empty() && !unit.name_kk.is_empty(), "{code}");
            assert!(!unit.neighbours.is_empty(), "{code} has no neighbour");
            for n in &unit.neighbours {
                assert!(all[n].neighbours.contains(code), "{code} → {n} but not back");
            }
        }
        // Семей Г.А. (1010) lies inside район Жаңасемей (1041); Сарайшық (7116) is approximate.
        assert!(district(1010).is_some_and(|d| d.neighbours.contains(&1041)));
        assert!(district(7116).is_some_and(|d| d.approximate));
        // Ten cities sit inside one district each; a district with one neighbour is no city.
        let enclosed: Vec<u16> = all.iter().filter(|(_, d)| d.enclosed()).map(|(c, _)| *c).collect();
        assert_eq!(enclosed, [1010, 1110, 3318, 3516, 3524, 3910, 3920, 4319, 4718, 5910]);
        assert!(district(3950).is_some_and(|d| !d.city && d.neighbours.len() == 1), "Карабалыкский район");
        // Семей is compared with its region's units that have data; a district with its neighbours.
        let (around, enclosed) = compared_with(1010, |d| d != 1041).unwrap();
        assert!(enclosed && around.len() > 3 && around.iter().all(|d| d / 100 == 10 && *d != 1041));
        let (around, enclosed) = compared_with(5532, |_| true).unwrap();
        assert!(!enclosed && around.contains(&5522));
        assert_eq!(compared_with(9999, |_| true), None);
    }
}
