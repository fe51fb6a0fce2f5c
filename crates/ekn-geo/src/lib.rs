//! Territory as data (issue 63): from the district shapes and the official КАТО classifier under
//! `assets/geo/source/`, `ekn-geo build` writes what the product reads —
//!
//! - `assets/geo/districts.json`: the 224 units' outlines, simplified without gaps (`simplify`),
//!   as GeoJSON with each unit's KATO code, region and names;
//! - `assets/geo/adjacency.json`: who borders whom and along how many kilometres, corner contacts
//!   marked (`adjacency`), the units without a shape given their parent's neighbours and marked
//!   approximate, the code fixes and the source's checksum and attribution;
//! - `assets/geo/kato.json`: the classifier as data — every code, region and district names in
//!   Russian and Kazakh, retired codes and their current ones.
//!
//! The output is a pure function of the sources (sorted, fixed precision), so the tests rebuild it
//! and compare byte for byte. The shapes are geokz 1.0.2 by Alexander Rodionov, CC BY 4.0: the
//! attribution travels in every file written.

pub mod adjacency;
pub mod simplify;
pub mod source;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::{json, Value};

/// Said wherever the shapes or anything made from them ship.
pub const ATTRIBUTION: &str = "District boundaries: geokz 1.0.2 by Alexander Rodionov (github.com/arodionoff/geokz), \
CC BY 4.0; simplified, codes corrected and adjacency derived by ЭКН (assets/geo/README.md).";

/// Visvalingam's least triangle area for the drawn outlines, in square degrees (about 0.8 km² at
/// 48° N: a vertex standing less than about a kilometre and a half off the line of its neighbours a
/// kilometre apart goes). 20,412 vertices remain of 62,708; the country view and a city's districts
/// keep their shape (docs/MAPS.md).
pub const SIMPLIFY_EPSILON: f64 = 1e-4;

/// Decimal places of the drawn coordinates (1e-4° is about 11 m).
const DECIMALS: i32 = 4;

/// A unit the shapes do not have yet (newer than them), with the unit it was carved from.
struct Shapeless {
    kato: String,
    parent: String,
    note: String,
}

fn read_shapeless(path: &Path) -> Result<Vec<Shapeless>, String> {
    let bytes = ekn_disk::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let mut out = Vec::new();
    for (line, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("{}: line {}: {e}", path.display(), line + 2))?;
        let field = |i: usize, name: &str| {
            record
                .get(i)
                .map(str::to_string)
                .filter(|v| !v.is_empty())
                .ok_or_else(|| format!("{}: line {}: field {name}: empty", path.display(), line + 2))
        };
        out.push(Shapeless { kato: field(0, "kato")?, parent: field(1, "parent")?, note: field(2, "note")? });
    }
    Ok(out)
}

fn sha256_of(path: &Path) -> Result<String, String> {
    let bytes = ekn_disk::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(ekn_domain::digest::sha256_hex(bytes))
}

fn rounded(x: f64) -> f64 {
    let scale = 10f64.powi(DECIMALS);
    (x * scale).round() / scale
}

/// The three files, as bytes, by name.
pub fn build(source: &Path) -> Result<Vec<(&'static str, Vec<u8>)>, String> {
    let shp = source.join("kaz_admbnda_adm2_2024.shp");
    let districts = source::read_districts(&shp)?;
    let classifier =
        source::read_classifier(&source.join("kato-nk-rk-11-2025.csv"), &source.join("kato_migrations.csv"))?;
    let shapeless = read_shapeless(&source.join("shapeless_units.csv"))?;
    let source_files = json!({
        "shapes": {"file": "kaz_admbnda_adm2_2024.shp", "sha256": sha256_of(&shp)?,
                    "dbf_sha256": sha256_of(&source.join("kaz_admbnda_adm2_2024.dbf"))?},
        "classifier": {"file": "kato-nk-rk-11-2025.csv", "version": classifier.version,
                       "sha256": sha256_of(&source.join("kato-nk-rk-11-2025.csv"))?},
    });
    // Every shape's code must be the classifier's (after the fixes), or the build stops.
    for d in &districts {
        if !classifier.rows.contains_key(&d.kato) {
            return Err(format!(
                "{}: unit {} ({}) has a code the classifier does not hold",
                shp.display(),
                d.kato,
                d.name_ru
            ));
        }
    }
    let region_of = |kato: &str| format!("{}0000000", &kato[..2]);
    let names = |kato: &str| classifier.rows.get(kato).map(|r| (r.name_ru.clone(), r.name_kk.clone()));

    // The outlines.
    let outlines = simplify::simplify(&districts, SIMPLIFY_EPSILON);
    let features: Vec<Value> = districts
        .iter()
        .zip(&outlines)
        .map(|(d, rings)| {
            let (ru, kk) = names(&d.kato).unwrap_or_default();
            // Shapefile rings: outer rings clockwise, each followed by its holes; GeoJSON wants
            // polygons of [outer, holes…]. A ring's orientation tells which it is.
            let mut polygons: Vec<Vec<Vec<[f64; 2]>>> = Vec::new();
            for ring in rings {
                let ring: Vec<[f64; 2]> = ring.iter().map(|p| [rounded(p[0]), rounded(p[1])]).collect();
                let area2: f64 = ring.windows(2).map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1]).sum();
                if area2 < 0.0 || polygons.is_empty() {
                    // Clockwise: an outer ring (RFC 7946 wants it counter-clockwise).
                    polygons.push(vec![ring.into_iter().rev().collect()]);
                } else if let Some(last) = polygons.last_mut() {
                    last.push(ring.into_iter().rev().collect());
                }
            }
            json!({
                "type": "Feature",
                "properties": {"kato": d.kato, "region": region_of(&d.kato), "ru": ru, "kk": kk, "en": d.name_en},
                "geometry": {"type": "MultiPolygon", "coordinates": polygons},
            })
        })
        .collect();
    let districts_json = json!({
        "type": "FeatureCollection",
        "attribution": ATTRIBUTION,
        "source": source_files,
        "simplify_epsilon_deg2": SIMPLIFY_EPSILON,
        "features": features,
    });

    // Who borders whom; the shapeless units take their parent's neighbours.
    let pairs = adjacency::pairs(&districts);
    let mut neighbours: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for p in pairs.iter().filter(|p| !p.corner) {
        neighbours.entry(&p.a).or_default().insert(&p.b);
        neighbours.entry(&p.b).or_default().insert(&p.a);
    }
    let mut approximate = Vec::new();
    for unit in &shapeless {
        let Some((ru, kk)) = names(&unit.kato) else {
            return Err(format!("shapeless_units.csv: {} is not in the classifier", unit.kato));
        };
        let parent_neighbours = neighbours
            .get(unit.parent.as_str())
            .ok_or_else(|| format!("shapeless_units.csv: parent {} of {} has no shape", unit.parent, unit.kato))?;
        let mut list: Vec<&str> = parent_neighbours.iter().copied().chain([unit.parent.as_str()]).collect();
        list.sort();
        approximate.push(json!({
            "kato": unit.kato, "ru": ru, "kk": kk, "parent": unit.parent,
            "neighbours": list, "note": unit.note,
        }));
    }
    let fixes: Vec<Value> = source::CODE_FIXES
        .iter()
        .map(|(printed, current, why)| json!({"printed": printed, "current": current, "why": why}))
        .collect();
    let adjacency_json = json!({
        "about": "Pairs of second-level units that share a border (border_km ≥ 1) or touch at a corner (corner: true), measured on the unsimplified shapes in a Lambert conformal conic projection (45°/51° N, 68° E): a stretch of one outline within tolerance_m of the other's counts as shared, and the two directions are averaged. Units without a shape take their parent's neighbours and the parent, marked approximate.",
        "attribution": ATTRIBUTION,
        "source": source_files,
        "tolerance_m": adjacency::TOLERANCE_M,
        "corner_m": adjacency::CORNER_M,
        "code_fixes": fixes,
        "pairs": pairs,
        "approximate": approximate,
    });

    // The classifier as data.
    let rows = &classifier.rows;
    let regions: Vec<Value> = rows
        .values()
        .filter(|r| r.level == "oblast")
        .map(|r| json!({"kato": r.kato, "ru": r.name_ru, "kk": r.name_kk}))
        .collect();
    let shaped: BTreeSet<&str> = districts.iter().map(|d| d.kato.as_str()).collect();
    let english: BTreeMap<&str, &str> = districts.iter().map(|d| (d.kato.as_str(), d.name_en.as_str())).collect();
    let mut units: Vec<Value> = Vec::new();
    for kato in shaped.iter().copied().chain(shapeless.iter().map(|s| s.kato.as_str())) {
        let (ru, kk) = names(kato).unwrap_or_default();
        // English as the shapes spell it; a unit without a shape has none (the Russian stands in).
        let en = english.get(kato).map_or_else(|| ru.clone(), |e| e.to_string());
        units.push(json!({"kato": kato, "region": region_of(kato), "ru": ru, "kk": kk, "en": en, "shape": shaped.contains(kato)}));
    }
    units.sort_by(|a, b| a["kato"].as_str().cmp(&b["kato"].as_str()));
    let kato_json = json!({
        "about": "The official classifier of administrative-territorial objects: every code (level: oblast, district, sub_district, settlement), the regions and the map's second-level units with their names in Russian and Kazakh, and retired codes with their current ones.",
        "version": classifier.version,
        "source": source_files["classifier"],
        "regions": regions,
        "units": units,
        "migrations": classifier.migrations,
        "codes": rows.values().map(|r| json!([r.kato, r.level])).collect::<Vec<_>>(),
    });
    let pretty = |v: &Value| {
        let mut bytes = serde_json::to_vec(v).map_err(|e| e.to_string())?;
        bytes.push(b'\n');
        Ok::<_, String>(bytes)
    };
    Ok(vec![
        ("districts.json", pretty(&districts_json)?),
        ("adjacency.json", pretty(&adjacency_json)?),
        ("kato.json", pretty(&kato_json)?),
    ])
}
