//! Reading the sources under `assets/geo/source`: the district shapes (geokz 1.0.2, a shapefile in
//! WGS84 with the KATO code and names in three languages) and the official КАТО classifier.
//!
//! The shapes' two wrong codes are corrected here, and each correction is returned so the output
//! can say it was made: the classifier, never a name, decides which code is right.

use std::collections::BTreeMap;
use std::path::Path;

use shapefile::dbase::FieldValue;
use shapefile::{PolygonRing, Shape};

/// A ring as read: longitude and latitude pairs, closed (first = last).
pub type Ring = Vec<[f64; 2]>;

/// One unit's outline and names, as the shapefile gives them (its code corrected).
#[derive(Debug, Clone)]
pub struct District {
    pub kato: String,
    /// The code printed in the shapefile, when it was corrected.
    pub printed_kato: Option<String>,
    pub name_en: String,
    pub name_kk: String,
    pub name_ru: String,
    /// Outer rings and holes alike (a hole is where another unit lies).
    pub rings: Vec<Ring>,
}

impl District {
    /// A unit with no names, for tests of the geometry.
    #[cfg(test)]
    pub(crate) fn unnamed(kato: &str, rings: Vec<Ring>) -> Self {
        District {
            kato: kato.into(),
            printed_kato: None,
            name_en: String::new(),
            name_kk: String::new(),
            name_ru: String::new(),
            rings,
        }
    }
}

/// Codes the shapes print wrong, with the classifier's code for the same unit (geokz's README).
pub const CODE_FIXES: [(&str, &str, &str); 2] = [
    ("101010000", "104100000", "Жаңасемей: the shapes print the code of the city of Semey"),
    ("622010000", "622000000", "Сатпаев: the shapes print the city's code, the classifier the city administration's"),
];

fn text(record: &shapefile::dbase::Record, field: &str) -> Result<String, String> {
    match record.get(field) {
        Some(FieldValue::Character(Some(value))) => Ok(value.trim().to_string()),
        other => Err(format!("field {field}: {other:?}")),
    }
}

/// The units of `shp` (a polygon shapefile with the geokz fields), codes corrected.
pub fn read_districts(shp: &Path) -> Result<Vec<District>, String> {
    let read = |path: &Path| ekn_disk::read(path).map_err(|e| format!("{}: {e}", path.display()));
    let shapes =
        shapefile::ShapeReader::new(std::io::Cursor::new(read(shp)?)).map_err(|e| format!("{}: {e}", shp.display()))?;
    let dbf_path = shp.with_extension("dbf");
    let table = shapefile::dbase::Reader::new(std::io::Cursor::new(read(&dbf_path)?))
        .map_err(|e| format!("{}: {e}", dbf_path.display()))?;
    let mut reader = shapefile::Reader::new(shapes, table);
    let mut out = Vec::new();
    for (index, item) in reader.iter_shapes_and_records().enumerate() {
        let (shape, record) = item.map_err(|e| format!("{}: shape {}: {e}", shp.display(), index + 1))?;
        let at = |e: String| format!("{}: shape {}: {e}", shp.display(), index + 1);
        let printed = text(&record, "KATO").map_err(at)?;
        let fixed = CODE_FIXES.iter().find(|(wrong, _, _)| *wrong == printed).map(|(_, right, _)| right.to_string());
        let polygon = match shape {
            Shape::Polygon(polygon) => polygon,
            other => return Err(at(format!("a {} where a polygon was expected", other.shapetype()))),
        };
        let rings = polygon
            .rings()
            .iter()
            .map(|ring| {
                let points = match ring {
                    PolygonRing::Outer(p) | PolygonRing::Inner(p) => p,
                };
                points.iter().map(|p| [p.x, p.y]).collect::<Ring>()
            })
            .collect();
        out.push(District {
            kato: fixed.clone().unwrap_or_else(|| printed.clone()),
            printed_kato: fixed.map(|_| printed),
            name_en: text(&record, "ADM2_EN").map_err(at)?,
            name_kk: text(&record, "ADM2_KK").map_err(at)?,
            name_ru: text(&record, "ADM2_RU").map_err(at)?,
            rings,
        });
    }
    out.sort_by(|a, b| a.kato.cmp(&b.kato));
    Ok(out)
}

/// One row of the classifier.
#[derive(Debug, Clone, serde::Serialize)]
pub struct KatoRow {
    pub kato: String,
    pub level: String,
    pub name_ru: String,
    pub name_kk: String,
}

/// The classifier's rows by code, and its version.
pub struct Classifier {
    pub version: String,
    pub rows: BTreeMap<String, KatoRow>,
    /// Retired code → current code.
    pub migrations: BTreeMap<String, String>,
}

/// Reads `kato-nk-rk-11-2025.csv` and `kato_migrations.csv`.
pub fn read_classifier(csv_path: &Path, migrations_path: &Path) -> Result<Classifier, String> {
    let bytes = ekn_disk::read(csv_path).map_err(|e| format!("{}: {e}", csv_path.display()))?;
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let mut rows = BTreeMap::new();
    let mut version = String::new();
    for (line, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("{}: line {}: {e}", csv_path.display(), line + 2))?;
        let field = |i: usize| record.get(i).unwrap_or("").trim().to_string();
        version = field(1);
        let row = KatoRow { kato: field(0), level: field(2), name_ru: field(4), name_kk: field(5) };
        if row.kato.len() != 9 || !row.kato.chars().all(|c| c.is_ascii_digit()) {
            return Err(format!("{}: line {}: field kato: not nine digits", csv_path.display(), line + 2));
        }
        rows.insert(row.kato.clone(), row);
    }
    let mut migrations = BTreeMap::new();
    let bytes = ekn_disk::read(migrations_path).map_err(|e| format!("{}: {e}", migrations_path.display()))?;
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    for (line, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("{}: line {}: {e}", migrations_path.display(), line + 2))?;
        migrations.insert(record.get(0).unwrap_or("").to_string(), record.get(1).unwrap_or("").to_string());
    }
    Ok(Classifier { version, rows, migrations })
}
