//! Registry rows read without a store: an export of inspections or risk scores (a file, or an
//! office connector's published run) turned into typed rows by the very readers and checks an
//! import uses (`source`, `columns`, `rows`), and inspections assembled into the
//! `domain::facts::Registry` analytics computes over. For a place that keeps no SQLite of the
//! registry: the office, computing what later data say of acts and their estimated effect over
//! the registry its own connectors fetched (issue 39), with the workstation's code.
//!
//! Unlike an import, nothing is skipped: the first bad row refuses the whole export with its
//! file, line and field — a figure computed over part of a registry would look whole.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use ekn_domain::facts::{day_of, district_of, kato_number, normalise_sanctions, InspectionFact, Registry, SubjectFact};
use ekn_domain::records::{DataKind, Inspection, RiskScore};

use crate::columns::{fields_of, ColumnMap};
use crate::rows::{self, FieldError, FieldRow};
use crate::source;
use crate::IngestError;

/// Every record of `bytes` (named `name` in errors) validated by `parse`, with the line it
/// starts on and how lines are named; the first refused one ends the reading with its place.
fn read_rows<T>(
    name: &str,
    bytes: Arc<[u8]>,
    kind: DataKind,
    parse: impl Fn(&FieldRow<'_>) -> Result<T, FieldError>,
) -> Result<(source::Position, Vec<(u64, T)>), IngestError> {
    if bytes.len() as u64 > crate::MAX_IMPORT_BYTES {
        return Err(IngestError::File {
            file: name.to_string(),
            reason: format!("{} bytes is more than an export may hold ({})", bytes.len(), crate::MAX_IMPORT_BYTES),
        });
    }
    let invalid = |position: source::Position, line: u64, field: String, reason: String, value: Option<String>| {
        IngestError::Invalid { file: name.to_string(), position: position.word(), line, field, reason, value }
    };
    let table = source::open_bytes(bytes).map_err(|e| match e.field {
        Some(field) => invalid(source::Position::Line, e.line, field, e.reason, None),
        None => IngestError::File { file: name.to_string(), reason: e.reason },
    })?;
    let position = table.position;
    let fields = fields_of(kind);
    let map = match &table.headers {
        Some(headers) => {
            Some(ColumnMap::new(fields, headers).map_err(|(field, reason)| invalid(position, 1, field, reason, None))?)
        }
        None => None,
    };
    let mut out = Vec::new();
    for record in table.records {
        let record = record.map_err(|e| match e.field {
            Some(field) => invalid(position, e.line, field, e.reason, None),
            None if e.line == 0 => IngestError::File { file: name.to_string(), reason: e.reason },
            None => invalid(position, e.line, "—".into(), e.reason, None),
        })?;
        let row = FieldRow::new(fields, map.as_ref(), &record.cells);
        let value = parse(&row).map_err(|e| invalid(position, record.line, e.field.to_string(), e.reason, e.value))?;
        out.push((record.line, value));
    }
    Ok((position, out))
}

/// The inspections of an export, each checked as an import checks it; a registry number twice
/// is refused, as an import refuses it.
pub fn read_inspections(name: &str, bytes: Arc<[u8]>) -> Result<Vec<Inspection>, IngestError> {
    let (position, rows) = read_rows(name, bytes, DataKind::Inspections, rows::inspection)?;
    let mut seen = HashSet::new();
    for (line, row) in &rows {
        if !seen.insert(row.registry_no.as_str()) {
            return Err(IngestError::Invalid {
                file: name.to_string(),
                position: position.word(),
                line: *line,
                field: "registry_no".into(),
                reason: "this registry_no appears earlier in the same export".into(),
                value: None,
            });
        }
    }
    Ok(rows.into_iter().map(|(_, row)| row).collect())
}

/// The risk scores of an export, each checked as an import checks it.
pub fn read_risk(name: &str, bytes: Arc<[u8]>) -> Result<Vec<RiskScore>, IngestError> {
    Ok(read_rows(name, bytes, DataKind::Risk, rows::risk)?.1.into_iter().map(|(_, row)| row).collect())
}

/// The latest score of each object (by its `computed` day; a later row wins a tie), as the store
/// answers `latest_risk_scores`.
pub fn latest_risk(scores: &[RiskScore]) -> Vec<(String, f64)> {
    let mut latest: HashMap<&str, (chrono::NaiveDate, f64)> = HashMap::new();
    for s in scores {
        let entry = latest.entry(s.subject.as_str()).or_insert((s.computed, s.score));
        if s.computed >= entry.0 {
            *entry = (s.computed, s.score);
        }
    }
    let mut out: Vec<(String, f64)> = latest.into_iter().map(|(bin, (_, score))| (bin.to_string(), score)).collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Inspections as analytics reads them, as the store's `analytics_registry` lays them out: an
/// object's place and activity are the latest given in the rows (a later row's facts fill or
/// replace an earlier's, as re-imports do), inspections in date order. No appeals: an export of
/// inspections has none.
pub fn registry_of(inspections: &[Inspection]) -> Registry {
    let mut registry = Registry::default();
    let mut subject_of: HashMap<&str, u32> = HashMap::new();
    // Per object: the latest KATO code and OKED section given.
    let mut places: Vec<(Option<&str>, Option<u8>)> = Vec::new();
    for i in inspections {
        let facts = &i.subject;
        let s = *subject_of.entry(facts.id.as_str()).or_insert_with(|| {
            registry.subjects.push(SubjectFact {
                bin: facts.id.as_str().to_string(),
                name: None,
                oked: None,
                oked_section: None,
            });
            places.push((None, None));
            registry.subjects.len() as u32 - 1
        });
        let subject = &mut registry.subjects[s as usize];
        if let Some(name) = &facts.name {
            subject.name = Some(name.clone());
        }
        if let Some(oked) = &facts.oked {
            subject.oked = Some(oked.code.as_str().into());
            subject.oked_section = Some(oked.section as u8);
            places[s as usize].1 = Some(oked.section as u8);
        }
        if let Some(kato) = &facts.kato {
            places[s as usize].0 = Some(kato.code.as_str());
        }
    }
    let mut bodies: HashMap<&str, u32> = HashMap::new();
    let mut sanction_sets: HashMap<String, u16> = HashMap::from([(String::new(), 0)]);
    registry.sanction_sets.push(String::new());
    for (index, i) in inspections.iter().enumerate() {
        let s = subject_of[i.subject.id.as_str()];
        let (kato, oked_section) = places[s as usize];
        let next_body = bodies.len() as u32;
        let body = *bodies.entry(i.control_body.as_str()).or_insert_with(|| {
            registry.bodies.push(i.control_body.clone());
            next_body
        });
        let set = normalise_sanctions(i.sanctions.as_deref().unwrap_or(""));
        let next_set = sanction_sets.len() as u16;
        let sanctions = *sanction_sets.entry(set.clone()).or_insert_with(|| {
            registry.sanction_sets.push(set);
            next_set
        });
        registry.inspections.push(InspectionFact {
            id: index as i64 + 1,
            registry_no: i.registry_no.as_str().into(),
            subject: s,
            body,
            kind: i.kind,
            day: day_of(i.start_date),
            district: kato.and_then(district_of),
            region: kato.and_then(|k| k.get(..2)).and_then(|r| r.parse().ok()),
            kato: kato.and_then(kato_number),
            oked_section,
            violations: i.violations,
            sanctions,
            appealed: i.appealed,
            declared_illegal: i.declared_illegal,
            subject_size: i.subject_size,
        });
    }
    registry.inspections.sort_unstable_by_key(|f| (f.day, f.id));
    registry
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "Регистрационный номер;БИН;Наименование субъекта;КАТО;ОКЭД;Орган контроля;Вид проверки;\
        Основание;Дата начала;Дата окончания;Количество нарушений;Меры;Сумма штрафа;Обжаловано;Признана незаконной";

    fn export(rows: &[&str]) -> Arc<[u8]> {
        format!("{HEADER}\n{}\n", rows.join("\n")).into_bytes().into()
    }

    const FIRST: &str = "4720-00000001;061040026492;КГП «Ғасыр»;476020000;01.11.0;Управление;плановая;график;\
        19.03.2020;19.03.2020;0;;;нет;нет";
    const SECOND: &str = "7123-00000002;061040026492;;711020000;86.21.0;Инспекция труда;внеплановая;жалоба;\
        07.10.2023;09.10.2023;3;штраф;410162,00;нет;нет";

    #[test]
    fn an_export_becomes_the_registry_analytics_reads_with_the_latest_facts_of_each_object() {
        let rows = read_inspections("run 1", export(&[SECOND, FIRST])).unwrap();
        let registry = registry_of(&rows);
        assert_eq!(registry.subjects.len(), 1);
        assert_eq!(registry.inspections.len(), 2);
        // In date order; the object's place is the last row's (the 2020 row came last).
        assert_eq!(&*registry.inspections[0].registry_no, "4720-00000001");
        assert_eq!(registry.inspections[1].violations, 3);
        assert_eq!(registry.inspections[0].district, Some(4760));
        assert_eq!(registry.inspections[0].region, Some(47));
        assert_eq!(registry.subjects[0].oked_section, Some(b'A'));
        assert_eq!(registry.sanction_sets, vec![String::new(), "штраф".to_string()]);
    }

    #[test]
    fn a_bad_row_or_a_number_twice_refuses_the_export_naming_the_line_and_field() {
        let bad = SECOND.replace("07.10.2023", "31.02.2023");
        let e = read_inspections("run 2", export(&[FIRST, &bad])).unwrap_err().to_string();
        assert!(e.starts_with("run 2: line 3, field start_date"), "{e}");
        let e = read_inspections("run 3", export(&[FIRST, FIRST])).unwrap_err().to_string();
        assert!(e.contains("line 3, field registry_no") && e.contains("earlier"), "{e}");
        let e = read_inspections("run 4", Arc::from(&b"\x00\x01garbage"[..])).unwrap_err().to_string();
        assert!(e.starts_with("run 4"), "{e}");
    }
}
