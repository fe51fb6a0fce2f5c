//! The routing table (assets/appeals/routing.json): which supervisory unit an appeal goes to by its
//! category and place, and whether the office forwards it as outside its competence (which adds a
//! forwarding step to its SLA contour). The most specific row wins; every route names its row.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use super::taxonomy::Taxonomy;

/// Who an SLA task is assigned to before the unit's head distributes it (the workstation's triage
/// and the office's routing both look for it).
pub const UNASSIGNED: &str = "—";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct RoutingUnit {
    pub id: String,
    pub name_ru: String,
    pub name_kk: String,
    pub name_en: String,
}

/// The body an appeal outside the office's competence is forwarded to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct Forwarding {
    pub name_ru: String,
    pub name_kk: String,
    pub name_en: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct RouteRow {
    /// A taxonomy code; a group's code covers its categories.
    pub category: String,
    #[serde(default)]
    pub region_code: Option<String>,
    /// The first 4 digits of KATO.
    #[serde(default)]
    pub district: Option<String>,
    pub unit: String,
    #[serde(default)]
    pub forward_to: Option<Forwarding>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct RoutingTable {
    #[serde(rename = "_comment", default, skip_serializing)]
    #[ts(skip)]
    pub comment: String,
    pub version: String,
    pub default_unit: String,
    pub units: Vec<RoutingUnit>,
    pub routes: Vec<RouteRow>,
}

/// Where one appeal goes, and by which row (None: the default unit, no row matched).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Route {
    pub unit: String,
    pub row: Option<usize>,
    /// What matched: `category=social`, `category=environment, region=23`, or `default`.
    pub matched: String,
    pub forward_to: Option<Forwarding>,
}

static BUILTIN: LazyLock<RoutingTable> = LazyLock::new(|| {
    RoutingTable::parse(include_str!("../../../../assets/appeals/routing.json"), Taxonomy::builtin())
        .expect("assets/appeals/routing.json is valid (checked by a test)")
});

impl RoutingTable {
    pub fn builtin() -> &'static RoutingTable {
        &BUILTIN
    }

    /// Reads a table and checks every unit and category it names exists.
    pub fn parse(json: &str, taxonomy: &Taxonomy) -> Result<RoutingTable, String> {
        let table: RoutingTable = serde_json::from_str(json).map_err(|e| e.to_string())?;
        if table.unit(&table.default_unit).is_none() {
            return Err(format!("default_unit '{}' is not among the units", table.default_unit));
        }
        for (i, row) in table.routes.iter().enumerate() {
            if table.unit(&row.unit).is_none() {
                return Err(format!("route {}: unit '{}' is not among the units", i + 1, row.unit));
            }
            if taxonomy.get(&row.category).is_none() {
                return Err(format!("route {}: category '{}' is not in the taxonomy", i + 1, row.category));
            }
        }
        Ok(table)
    }

    pub fn unit(&self, id: &str) -> Option<&RoutingUnit> {
        self.units.iter().find(|u| u.id == id)
    }

    /// The route of an appeal of category `code` (None when its label is not in the taxonomy)
    /// from the place `kato`.
    pub fn route(&self, code: Option<&str>, kato: Option<&str>) -> Route {
        let region = kato.and_then(|k| k.get(..2));
        let district = kato.and_then(|k| k.get(..4));
        let best = code.and_then(|code| {
            self.routes
                .iter()
                .enumerate()
                .filter(|(_, r)| code == r.category || code.starts_with(&format!("{}.", r.category)))
                .filter(|(_, r)| r.region_code.is_none() || r.region_code.as_deref() == region)
                .filter(|(_, r)| r.district.is_none() || r.district.as_deref() == district)
                .max_by_key(|(i, r)| {
                    let place = if r.district.is_some() { 2 } else { usize::from(r.region_code.is_some()) };
                    (place, r.category.len(), usize::MAX - i)
                })
        });
        match best {
            Some((i, r)) => {
                let mut matched = format!("category={}", r.category);
                if let Some(region) = &r.region_code {
                    matched.push_str(&format!(", region={region}"));
                }
                if let Some(district) = &r.district {
                    matched.push_str(&format!(", district={district}"));
                }
                Route { unit: r.unit.clone(), row: Some(i + 1), matched, forward_to: r.forward_to.clone() }
            }
            None => Route { unit: self.default_unit.clone(), row: None, matched: "default".into(), forward_to: None },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_specific_row_wins() {
        let json = r#"{"version": "t", "default_unit": "a",
            "units": [{"id": "a", "name_ru": "А", "name_kk": "А", "name_en": "A"},
                      {"id": "b", "name_ru": "Б", "name_kk": "Б", "name_en": "B"},
                      {"id": "c", "name_ru": "В", "name_kk": "В", "name_en": "C"},
                      {"id": "d", "name_ru": "Г", "name_kk": "Г", "name_en": "D"}],
            "routes": [{"category": "environment", "unit": "b"},
                       {"category": "environment.land", "unit": "c"},
                       {"category": "environment", "region_code": "23", "unit": "d"}]}"#;
        let t = RoutingTable::parse(json, Taxonomy::builtin()).unwrap();
        assert_eq!(t.route(Some("environment.ecology"), Some("751000000")).unit, "b");
        assert_eq!(t.route(Some("environment.land"), Some("751000000")).unit, "c");
        let atyrau = t.route(Some("environment.land"), Some("231000000"));
        assert_eq!((atyrau.unit.as_str(), atyrau.matched.as_str()), ("d", "category=environment, region=23"));
        assert_eq!(t.route(Some("social.labour"), None).matched, "default");
        assert_eq!(t.route(None, None).unit, "a");
    }

    #[test]
    fn the_shipped_table_reads_and_forwards_consumer_appeals() {
        let t = RoutingTable::builtin();
        assert_eq!(t.route(Some("social.housing"), None).unit, "social_rights");
        assert!(t.route(Some("economy.consumer"), None).forward_to.is_some());
        let bad = include_str!("../../../../assets/appeals/routing.json").replacen(
            "\"unit\": \"business\"",
            "\"unit\": \"busines\"",
            1,
        );
        assert!(RoutingTable::parse(&bad, Taxonomy::builtin()).unwrap_err().contains("busines"));
    }
}
