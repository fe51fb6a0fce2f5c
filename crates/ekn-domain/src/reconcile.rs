//! Where the registry and a document disagree. The registry says an inspection ended on 14.03; the
//! act of that inspection, read and confirmed by a person, says 15.03. ЭКН does not choose: the
//! card lists both values, each with its source (the registry's import and line; the document's
//! file, page and the person who confirmed the fact), and how the document was matched to the
//! registry's row, so the prosecutor sees the conflict and decides.
//!
//! Only confirmed facts take part — a proposal never contradicts the registry. A document is taken
//! as being about an inspection when its own number or the number it answers is the inspection's
//! registry number, or, for an inspection act with no such number, when exactly one inspection of
//! the object ended within [`NEAR_DAYS`] days of the act's date (two candidates: no match, no guess).
//! Compared: an inspection act's date with the inspection's end date; a resolution's amounts with
//! the fine the registry records; and any document's BINs with the object's own (a document that
//! names only other organisations may be attached to the wrong card).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::card::{DocumentFactView, InspectionView, Provenance};

/// The version of these matching and comparison rules, reported with every disagreement.
pub const RECONCILE_RULES: &str = "reconcile-2026.11.1";

/// How far (calendar days) an inspection act's date may be from an inspection's end for the act
/// to be taken as that inspection's, when no registry number links them.
pub const NEAR_DAYS: i64 = 10;

/// One value on which the registry and a confirmed document fact differ.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Disagreement {
    /// `end_date` (an inspection's end against its act's date), `fine` (the registry's fine
    /// against a resolution's amounts) or `bin` (the object's BIN against the document's BINs).
    pub field: String,
    /// The inspection compared with, for `end_date` and `fine`.
    pub registry_no: Option<String>,
    /// What the registry says: a date `YYYY-MM-DD`, an amount in tenge with its tiyn (`500000.00`)
    /// or a BIN.
    pub registry_value: String,
    /// The import and line of the registry's row (none for the object's own BIN).
    pub registry_source: Option<Provenance>,
    /// What the document says, in the same form; several values are joined by `; `.
    pub document_value: String,
    pub file_name: String,
    pub sha256: String,
    pub page: i64,
    pub confirmed_by: String,
    /// Why the document is taken as this row's: `number`, `near_date` or `object`.
    pub matched_by: String,
    pub rule: String,
}

/// The confirmed facts of one document.
struct Document<'a> {
    facts: Vec<&'a DocumentFactView>,
}

impl<'a> Document<'a> {
    fn values<'s>(&'s self, kind: &'s str) -> impl Iterator<Item = &'a DocumentFactView> + 's {
        self.facts.iter().copied().filter(move |f| f.kind == kind)
    }

    fn text(&self, kind: &str) -> Option<String> {
        self.values(kind).find_map(|f| serde_json::from_str::<String>(&f.value).ok())
    }

    fn date(&self) -> Option<NaiveDate> {
        self.text("date").and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
    }
}

/// A document's or a registry's number as compared (a reply's against an act's too): no spaces,
/// no № sign, case folded.
pub fn folded_number(number: &str) -> String {
    number.chars().filter(|c| !c.is_whitespace() && *c != '№').flat_map(char::to_lowercase).collect()
}

/// An amount fact's value in tiyn.
fn tiyn_of(value: &str) -> Option<i64> {
    let v: serde_json::Value = serde_json::from_str(value).ok()?;
    let tenge = i64::try_from(v.get("tenge")?.as_u64()?).ok()?;
    let tiyn = i64::try_from(v.get("tiyn").and_then(serde_json::Value::as_u64).unwrap_or(0)).ok()?;
    tenge.checked_mul(100)?.checked_add(tiyn)
}

fn tenge_text(tiyn: i64) -> String {
    format!("{}.{:02}", tiyn / 100, tiyn % 100)
}

/// The inspection a document speaks of, and how it was matched.
fn matched<'i>(
    document: &Document<'_>,
    inspections: &'i [InspectionView],
) -> Option<(&'i InspectionView, &'static str)> {
    let numbers: Vec<String> = ["number", "in_reply_to_number"]
        .iter()
        .flat_map(|kind| document.values(kind))
        .filter_map(|f| serde_json::from_str::<String>(&f.value).ok())
        .map(|n| folded_number(&n))
        .filter(|n| !n.is_empty())
        .collect();
    if let Some(inspection) = inspections.iter().find(|i| numbers.contains(&folded_number(&i.registry_no))) {
        return Some((inspection, "number"));
    }
    if document.text("doc_type").as_deref() != Some("inspection_act") {
        return None;
    }
    let date = document.date()?;
    let mut near =
        inspections.iter().filter(|i| i.end_date.is_some_and(|end| (date - end).num_days().abs() <= NEAR_DAYS));
    match (near.next(), near.next()) {
        (Some(only), None) => Some((only, "near_date")),
        _ => None,
    }
}

/// Every disagreement between the object's registry rows and its documents' confirmed facts.
pub fn disagreements(bin: &str, inspections: &[InspectionView], facts: &[DocumentFactView]) -> Vec<Disagreement> {
    let mut documents: BTreeMap<&str, Document<'_>> = BTreeMap::new();
    for fact in facts {
        documents.entry(fact.sha256.as_str()).or_insert_with(|| Document { facts: Vec::new() }).facts.push(fact);
    }
    let mut out = Vec::new();
    for document in documents.values() {
        let first = document.facts[0];
        let found = |field: &str,
                     row: Option<&InspectionView>,
                     registry_value: String,
                     document_value: String,
                     at: &DocumentFactView,
                     matched_by: &str| Disagreement {
            field: field.to_string(),
            registry_no: row.map(|i| i.registry_no.clone()),
            registry_value,
            registry_source: row.map(|i| i.source.clone()),
            document_value,
            file_name: first.file_name.clone(),
            sha256: first.sha256.clone(),
            page: at.page,
            confirmed_by: at.confirmed_by.clone(),
            matched_by: matched_by.to_string(),
            rule: RECONCILE_RULES.to_string(),
        };
        let bins: Vec<&DocumentFactView> = document.values("bin").collect();
        let names_the_object = bins.iter().any(|f| serde_json::from_str::<String>(&f.value).is_ok_and(|b| b == bin));
        if !bins.is_empty() && !names_the_object {
            let listed: Vec<String> =
                bins.iter().filter_map(|f| serde_json::from_str::<String>(&f.value).ok()).collect();
            out.push(found("bin", None, bin.to_string(), listed.join("; "), bins[0], "object"));
        }
        let Some((inspection, how)) = matched(document, inspections) else { continue };
        let doc_type = document.text("doc_type");
        if doc_type.as_deref() == Some("inspection_act") {
            if let (Some(date), Some(end)) = (document.date(), inspection.end_date) {
                if date != end {
                    let at = document.values("date").next().unwrap_or(first);
                    out.push(found("end_date", Some(inspection), end.to_string(), date.to_string(), at, how));
                }
            }
        }
        if doc_type.as_deref() == Some("resolution") {
            let amounts: Vec<(&DocumentFactView, i64)> =
                document.values("amount").filter_map(|f| tiyn_of(&f.value).map(|t| (f, t))).collect();
            if let (Some(fine), Some((at, _))) = (inspection.fine_kzt, amounts.first()) {
                let fine_tiyn = (fine * 100.0).round() as i64;
                if !amounts.iter().any(|(_, t)| *t == fine_tiyn) {
                    let said: Vec<String> = amounts.iter().map(|(_, t)| tenge_text(*t)).collect();
                    out.push(found("fine", Some(inspection), tenge_text(fine_tiyn), said.join("; "), at, how));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::InspectionKind;

    fn inspection(no: &str, end: Option<&str>, fine: Option<f64>) -> InspectionView {
        InspectionView {
            registry_no: no.into(),
            control_body: "ДГД".into(),
            kind: InspectionKind::Unplanned,
            grounds: None,
            start_date: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
            end_date: end.map(|e| e.parse().unwrap()),
            kato: None,
            violations: 1,
            sanctions: None,
            fine_kzt: fine,
            appealed: None,
            declared_illegal: None,
            source: Provenance { import_id: 3, line: 17 },
        }
    }

    fn fact(sha: &str, kind: &str, value: serde_json::Value) -> DocumentFactView {
        DocumentFactView {
            date: None,
            kind: kind.into(),
            value: value.to_string(),
            file_name: format!("{sha}.pdf"),
            sha256: sha.into(),
            page: 1,
            corrected: false,
            confirmed_by: "Аманова".into(),
            confirmed_at: "2026-11-20T10:00:00+05:00".into(),
        }
    }

    const BIN: &str = "123456789012";

    #[test]
    fn an_act_dated_a_day_after_the_registrys_end_is_shown_with_both_sources() {
        let rows =
            [inspection("26-1-0001", Some("2026-03-14"), None), inspection("26-1-0002", Some("2026-06-30"), None)];
        let facts = [
            fact("a", "doc_type", "inspection_act".into()),
            fact("a", "date", "2026-03-15".into()),
            fact("a", "bin", BIN.into()),
        ];
        let found = disagreements(BIN, &rows, &facts);
        assert_eq!(found.len(), 1, "{found:?}");
        let d = &found[0];
        assert_eq!(
            (d.field.as_str(), d.registry_value.as_str(), d.document_value.as_str()),
            ("end_date", "2026-03-14", "2026-03-15")
        );
        assert_eq!(d.registry_no.as_deref(), Some("26-1-0001"));
        assert_eq!(d.registry_source, Some(Provenance { import_id: 3, line: 17 }));
        assert_eq!(
            (d.matched_by.as_str(), d.confirmed_by.as_str(), d.rule.as_str()),
            ("near_date", "Аманова", RECONCILE_RULES)
        );
    }

    #[test]
    fn agreeing_sources_and_ambiguous_matches_show_nothing() {
        let agree = [fact("a", "doc_type", "inspection_act".into()), fact("a", "date", "2026-03-14".into())];
        assert!(disagreements(BIN, &[inspection("1", Some("2026-03-14"), None)], &agree).is_empty());
        // Two inspections ended near the act's date and no number links it: no guess.
        let rows = [inspection("1", Some("2026-03-12"), None), inspection("2", Some("2026-03-18"), None)];
        let act = [fact("a", "doc_type", "inspection_act".into()), fact("a", "date", "2026-03-15".into())];
        assert!(disagreements(BIN, &rows, &act).is_empty());
        // A protocol's date is not an inspection's end.
        let protocol = [fact("a", "doc_type", "protocol".into()), fact("a", "date", "2026-03-15".into())];
        assert!(disagreements(BIN, &[inspection("1", Some("2026-03-14"), None)], &protocol).is_empty());
    }

    #[test]
    fn a_registry_number_links_a_document_whatever_its_date_and_spacing() {
        let rows = [inspection("26-1-0001", Some("2026-03-14"), None)];
        let act = [
            fact("a", "doc_type", "inspection_act".into()),
            fact("a", "number", "№ 26-1-0001".into()),
            fact("a", "date", "2026-05-02".into()),
        ];
        let found = disagreements(BIN, &rows, &act);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].matched_by.as_str(), found[0].document_value.as_str()), ("number", "2026-05-02"));
    }

    #[test]
    fn a_resolution_whose_amounts_miss_the_registrys_fine_is_shown_and_a_matching_one_is_not() {
        let rows = [inspection("26-1-0001", Some("2026-03-14"), Some(500_000.0))];
        let differ = [
            fact("r", "doc_type", "resolution".into()),
            fact("r", "in_reply_to_number", "26-1-0001".into()),
            fact("r", "amount", serde_json::json!({"tenge": 50000, "tiyn": 0})),
        ];
        let found = disagreements(BIN, &rows, &differ);
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].field.as_str(), found[0].registry_value.as_str(), found[0].document_value.as_str()),
            ("fine", "500000.00", "50000.00")
        );
        let same = [
            fact("r", "doc_type", "resolution".into()),
            fact("r", "number", "26-1-0001".into()),
            fact("r", "amount", serde_json::json!({"tenge": 3692, "tiyn": 0})),
            fact("r", "amount", serde_json::json!({"tenge": 500000, "tiyn": 0})),
        ];
        assert!(disagreements(BIN, &rows, &same).is_empty());
    }

    #[test]
    fn numbers_compare_without_spaces_sign_or_case() {
        assert_eq!(folded_number("№ 2-15-25/4410"), folded_number("2-15-25/4410"));
        assert_eq!(folded_number("12-ЖТ"), folded_number("12-жт"));
        assert_ne!(folded_number("2-15-25/4410"), folded_number("2-15-25/4411"));
    }

    #[test]
    fn a_document_naming_only_other_organisations_is_flagged_against_the_objects_bin() {
        let other = [fact("x", "bin", "987654321098".into()), fact("x", "bin", "111111111111".into())];
        let found = disagreements(BIN, &[], &other);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].field.as_str(), found[0].registry_value.as_str()), ("bin", BIN));
        assert_eq!(found[0].document_value, "987654321098; 111111111111");
        let with_object = [fact("x", "bin", "987654321098".into()), fact("x", "bin", BIN.into())];
        assert!(disagreements(BIN, &[], &with_object).is_empty());
    }
}
