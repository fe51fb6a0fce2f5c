//! Turning one record's cells into a validated registry record (inspection, appeal, risk score,
//! act of response).
//!
//! Every failure names the field; the pipeline adds the file and line. Personal data is handled
//! here, at the door: the applicant's IIN becomes a pseudonym and the appeal text is masked, so
//! nothing raw reaches the store. Error messages never repeat an IIN or an appeal text.

use chrono::NaiveDate;

use crate::columns::{ColumnMap, FieldSpec};
use crate::source::Cells;
use crate::values::{parse_count, parse_date, parse_decimal, parse_tenge, parse_yes_no};
use ekn_domain::acts::ActKind;
use ekn_domain::ids::{validate_iin, SubjectId};
use ekn_domain::outcomes::{ActResult, ActStage};
use ekn_domain::privacy::{mask_with_reasons, MaskCounts, Masked, Pseudonymiser};
use ekn_domain::records::{
    ActRecord, Appeal, Inspection, InspectionKind, Outcome, RiskDegree, RiskScore, SubjectFacts, SubjectSize,
};
use ekn_domain::territory::{parse_kato, parse_oked, Kato};

/// A field that failed, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub field: &'static str,
    pub reason: String,
    /// The value refused, kept only for fields that never carry personal data (dates, numbers,
    /// codes: `columns::shows_value`), so a person sees what was wrong without a name or an IIN
    /// reaching a message.
    pub value: Option<String>,
}

impl FieldError {
    fn new(field: &'static str, reason: impl Into<String>) -> FieldError {
        FieldError { field, reason: reason.into(), value: None }
    }

    fn with_value(field: &'static str, reason: String, text: &str) -> FieldError {
        let value = crate::columns::shows_value(field).then(|| text.chars().take(100).collect());
        FieldError { field, reason, value }
    }
}

type FieldResult<T> = Result<T, FieldError>;

/// The cells of one record laid out by field, with empty cells as `None`.
pub struct FieldRow<'a> {
    fields: &'static [FieldSpec],
    values: Vec<Option<&'a str>>,
}

impl<'a> FieldRow<'a> {
    /// Lays out a record's cells by field; cells over the length limit are refused here.
    pub fn new(fields: &'static [FieldSpec], map: Option<&ColumnMap>, cells: &'a Cells) -> FieldRow<'a> {
        let mut values: Vec<Option<&'a str>> = vec![None; fields.len()];
        match (cells, map) {
            (Cells::Positional(cells), Some(map)) => {
                for (cell, field) in cells.iter().zip(&map.column_field) {
                    if let Some(index) = field {
                        values[*index] = non_empty(cell);
                    }
                }
            }
            (Cells::Keyed(pairs), _) => {
                for (key, value) in pairs {
                    if let Some(index) = crate::columns::field_for_header(fields, key) {
                        values[index] = non_empty(value);
                    }
                }
            }
            (Cells::Positional(_), None) => {}
        }
        FieldRow { fields, values }
    }

    fn spec(&self, name: &str) -> (usize, &'static FieldSpec) {
        let index = self.fields.iter().position(|f| f.name == name).expect("field names are fixed in columns.rs");
        (index, &self.fields[index])
    }

    /// The trimmed text of a field, or `None` when empty.
    fn get(&self, name: &'static str) -> FieldResult<Option<&'a str>> {
        let (index, spec) = self.spec(name);
        match self.values[index] {
            Some(text) if text.chars().count() > spec.max_chars => Err(FieldError::new(
                spec.name,
                format!("is {} characters long; the limit is {}", text.chars().count(), spec.max_chars),
            )),
            other => Ok(other),
        }
    }

    fn required(&self, name: &'static str) -> FieldResult<&'a str> {
        self.get(name)?.ok_or_else(|| FieldError::new(name, "is empty but required"))
    }

    fn parse<T>(&self, name: &'static str, parse: impl Fn(&str) -> Result<T, String>) -> FieldResult<Option<T>> {
        match self.get(name)? {
            Some(text) => parse(text).map(Some).map_err(|reason| FieldError::with_value(name, reason, text)),
            None => Ok(None),
        }
    }

    fn parse_required<T>(&self, name: &'static str, parse: impl Fn(&str) -> Result<T, String>) -> FieldResult<T> {
        let text = self.required(name)?;
        parse(text).map_err(|reason| FieldError::with_value(name, reason, text))
    }
}

fn non_empty(text: &str) -> Option<&str> {
    let t = text.trim();
    (!t.is_empty()).then_some(t)
}

/// A BIN/IIN as spreadsheets leave it: Excel drops leading zeros, so an 10- or 11-digit number is
/// restored with zeros in front when the check digit then agrees.
fn parse_subject(text: &str) -> Result<SubjectId, String> {
    let t = text.trim();
    let digits = t.strip_suffix(".0").unwrap_or(t);
    if (10..12).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(id) = SubjectId::parse(&format!("{digits:0>12}")) {
            return Ok(id);
        }
    }
    SubjectId::parse(digits).map_err(|e| format!("'{t}' {e}"))
}

fn parse_kato_cell(text: &str) -> Result<Kato, String> {
    parse_kato(text)
}

fn check_order(start: NaiveDate, end: Option<NaiveDate>, field: &'static str, start_name: &str) -> FieldResult<()> {
    match end {
        Some(end) if end < start => Err(FieldError::new(field, format!("{end} is before {start_name} {start}"))),
        _ => Ok(()),
    }
}

pub fn inspection(row: &FieldRow<'_>) -> FieldResult<Inspection> {
    let start_date = row.parse_required("start_date", parse_date)?;
    let end_date = row.parse("end_date", parse_date)?;
    check_order(start_date, end_date, "end_date", "start_date")?;
    Ok(Inspection {
        registry_no: row.required("registry_no")?.to_string(),
        subject: SubjectFacts {
            id: row.parse_required("bin", parse_subject)?,
            name: row.get("object_name")?.map(str::to_string),
            kato: row.parse("kato", parse_kato_cell)?,
            oked: row.parse("oked", parse_oked)?,
        },
        control_body: row.required("control_body")?.to_string(),
        kind: row.parse_required("kind", |t| {
            InspectionKind::from_label(t).ok_or_else(|| {
                format!("'{t}' is not a kind of inspection (planned, unplanned, preventive_visit or the Russian/Kazakh names)")
            })
        })?,
        grounds: row.get("grounds")?.map(str::to_string),
        start_date,
        end_date,
        violations: row.parse("violations", parse_count)?.unwrap_or(0),
        sanctions: row.get("sanctions")?.map(str::to_string),
        fine_tiyn: row.parse("fine_kzt", parse_tenge)?,
        appealed: row.parse("appealed", parse_yes_no)?,
        declared_illegal: row.parse("declared_illegal", parse_yes_no)?,
        subject_size: row.parse("subject_size", |t| {
            SubjectSize::from_label(t).ok_or_else(|| {
                format!("'{t}' is not a size of business (micro, small, medium, large or the Russian/Kazakh names)")
            })
        })?,
    })
}

/// An appeal with its applicant pseudonymised and its text masked; `masked` counts what was removed.
pub fn appeal(row: &FieldRow<'_>, pseudonymiser: &Pseudonymiser, masked: &mut MaskCounts) -> FieldResult<Appeal> {
    let received = row.parse_required("received", parse_date)?;
    let decided = row.parse("decided", parse_date)?;
    check_order(received, decided, "decided", "received")?;
    // The IIN is checked but never echoed: an error message may end up in a log.
    let (applicant_pseudonym, applicant_office) = match row.get("applicant_iin")? {
        Some(iin) => {
            validate_iin(iin).map_err(|e| FieldError::new("applicant_iin", format!("the IIN {e}")))?;
            (Some(pseudonymiser.pseudonym(iin)), pseudonymiser.office_pseudonym(iin))
        }
        None => (None, None),
    };
    let mut reasons: Vec<Masked> = Vec::new();
    let text = row.get("text")?.map(|t| {
        let (clean, counts, why) = mask_with_reasons(t);
        masked.add(&counts);
        reasons = why;
        clean
    });
    // The fingerprint is of the masked text: the raw one is gone after this function.
    let text_simhash = text.as_deref().map(|t| ekn_analytics::duplicates::simhash(t).0 as i64);
    Ok(Appeal {
        appeal_no: row.required("appeal_no")?.to_string(),
        received,
        channel: row.get("channel")?.map(str::to_string),
        applicant_category: row.get("applicant_category")?.map(str::to_string),
        applicant_pseudonym,
        applicant_office,
        subject: row.parse("subject_bin", parse_subject)?,
        kato: row.parse("kato", parse_kato_cell)?,
        text,
        masked: reasons,
        text_simhash,
        category: row.get("category")?.map(str::to_string),
        status: row.get("status")?.map(str::to_string),
        decided,
        outcome: row.parse("outcome", |t| {
            Outcome::from_label(t).ok_or_else(|| {
                format!("'{t}' is not an outcome (satisfied, refused, explained — удовлетворено, отказано, разъяснено)")
            })
        })?,
    })
}

pub fn risk(row: &FieldRow<'_>) -> FieldResult<RiskScore> {
    let score = row.parse_required("score", |t| {
        let v = parse_decimal(t)?;
        if (0.0..=100.0).contains(&v) {
            Ok(v)
        } else {
            Err(format!("'{t}' is outside 0–100"))
        }
    })?;
    Ok(RiskScore {
        subject: row.parse_required("bin", parse_subject)?,
        score,
        degree: row.parse_required("degree", |t| {
            RiskDegree::from_label(t)
                .ok_or_else(|| format!("'{t}' is not a degree (high, medium, low — высокая, средняя, низкая)"))
        })?,
        model: row.required("model")?.to_string(),
        computed: row.parse_required("computed", parse_date)?,
        factors: row.parse("factors", parse_factors)?.unwrap_or_default(),
    })
}

/// An act of response from a registry's export, with its outcome when the export records one.
/// An outcome needs its date and a date needs its outcome: half of one is a broken row, not a
/// fact. The addressee, free text that may name a citizen, is masked here.
pub fn act(row: &FieldRow<'_>, masked: &mut MaskCounts) -> FieldResult<ActRecord> {
    let issued_on = row.parse_required("issued_on", parse_date)?;
    let result = row.parse("outcome", |t| {
        ActResult::from_label(t).ok_or_else(|| {
            format!(
                "'{t}' is not an outcome (satisfied, partly, rejected, withdrawn, upheld, overturned — \
                 удовлетворено, частично, отклонено, отозвано, оставлено в силе, отменено)"
            )
        })
    })?;
    let outcome_on = row.parse("outcome_on", parse_date)?;
    let stage = row.parse("outcome_stage", |t| {
        ActStage::from_label(t).ok_or_else(|| format!("'{t}' is not a stage (answer, consideration, court)"))
    })?;
    let outcome = match (result, outcome_on) {
        (Some(result), Some(on)) => {
            check_order(issued_on, Some(on), "outcome_on", "issued_on")?;
            let stage = stage.unwrap_or_else(|| ActStage::of_result(result));
            if let Some(why) = ekn_domain::outcomes::mismatch(stage, result) {
                return Err(FieldError::new("outcome", why));
            }
            Some((stage, result, on))
        }
        (Some(_), None) => return Err(FieldError::new("outcome_on", "is empty but the outcome is given")),
        (None, Some(_)) => return Err(FieldError::new("outcome", "is empty but outcome_on is given")),
        (None, None) if stage.is_some() => {
            return Err(FieldError::new("outcome", "is empty but outcome_stage is given"))
        }
        (None, None) => None,
    };
    let formal_defect = row.parse("formal_defect", parse_yes_no)?.unwrap_or(false);
    if formal_defect {
        let Some((_, result, _)) = outcome else {
            return Err(FieldError::new("formal_defect", "is yes but no outcome is given"));
        };
        if let Some(why) = ekn_domain::outcomes::defect_mismatch(result) {
            return Err(FieldError::new("formal_defect", why));
        }
    }
    let addressee = row.get("addressee")?.map(|t| {
        let (clean, counts, _) = mask_with_reasons(t);
        masked.add(&counts);
        clean
    });
    Ok(ActRecord {
        act_no: row.required("act_no")?.to_string(),
        bin: row.parse_required("bin", parse_subject)?,
        kind: row.parse_required("kind", |t| {
            ActKind::from_label(t).ok_or_else(|| {
                format!(
                    "'{t}' is not a kind of act (protest, submission, resolution, order, warning — протест, \
                     представление, постановление, предписание, предостережение)"
                )
            })
        })?,
        issued_on,
        category: row.get("category")?.map(str::to_string),
        registry_no: row.get("registry_no")?.map(str::to_string),
        addressee,
        outcome,
        formal_defect,
    })
}

/// Factors as a JSON object (`{"visits": 0.4}`) or as `name:value;name:value`.
pub fn parse_factors(text: &str) -> Result<Vec<(String, f64)>, String> {
    let t = text.trim();
    if t.starts_with('{') {
        // serde_json's map keeps the source order only with `preserve_order`; sort by name so the
        // stored order does not depend on a feature flag.
        let map: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(t).map_err(|e| format!("is not a JSON object of numbers: {e}"))?;
        return map
            .into_iter()
            .map(|(k, v)| match v.as_f64() {
                Some(x) => Ok((k, x)),
                None => Err(format!("factor '{k}' is not a number")),
            })
            .collect();
    }
    t.split(';')
        .filter(|part| !part.trim().is_empty())
        .map(|part| {
            let (name, value) = part.split_once(':').ok_or_else(|| format!("'{}' is not name:value", part.trim()))?;
            let value = parse_decimal(value).map_err(|e| format!("factor '{}': {e}", name.trim()))?;
            Ok((name.trim().to_string(), value))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factors_in_both_notations() {
        assert_eq!(
            parse_factors("visits:0,4; fines:0.2").unwrap(),
            vec![("visits".into(), 0.4), ("fines".into(), 0.2)]
        );
        assert_eq!(parse_factors(r#"{"b": 1, "a": 2.5}"#).unwrap().len(), 2);
        assert!(parse_factors("visits=0.4").is_err());
    }

    #[test]
    fn excel_stripped_leading_zeros_are_restored_only_when_the_check_digit_agrees() {
        let bin = ekn_domain::ids::with_check_digit([0, 4, 0, 1, 4, 0, 0, 0, 1, 2, 3]).unwrap();
        assert_eq!(parse_subject(&bin[1..]).unwrap().as_str(), bin);
        assert!(parse_subject("12345").is_err());
    }
}
