//! `ekn effect study --quarters FILE`: the staggered design (`analytics::effect_staggered`) over a
//! registry written by someone else, quarter by quarter — so a simulation study written outside
//! this program (`scripts/effect/staggered_study.py`, its own generator) can measure the very code
//! that ships, and an independent implementation can fit the same stacked rows (`--export`,
//! `scripts/effect/stacked_oracle.py`).
//!
//! The file is CSV with a header: `obj,q,insp,viol,act[,trigger]` — object, quarter (0, 1, …),
//! inspections and violations that quarter, the quarter its first act was issued in (−1: none) and,
//! optionally, the quarter of the inspection that prompted it (else the quarter before the act).
//! Objects and quarters as the writer numbered them; every row is checked, and a bad one is named
//! by line and field.

use std::collections::HashMap;
use std::path::Path;

use chrono::{Days, Months, NaiveDate};

use crate::analytics::effect::{ActEvent, EffectOutcome, ObjectFacts, Panel};
use crate::analytics::effect_staggered::{build, figures};
use crate::analytics::effect_tiers::EffectEntry;
use crate::api::{ApiError, ErrorCode};

/// The first day of the registry's quarter 0 (any date would do: only quarters matter).
fn quarter_start(q: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2010, 1, 1).and_then(|d| d.checked_add_months(Months::new(3 * q))).unwrap_or(NaiveDate::MAX)
}

/// Quarters beyond this are refused (a century of them).
const MAX_QUARTER: u32 = 400;
/// Inspections in one quarter beyond this are refused (a typo, not an object).
const MAX_INSPECTIONS: u32 = 1000;
/// Inspections in the whole file beyond this are refused before they are held (the large set has
/// a million; each is held as one entry).
const MAX_TOTAL_INSPECTIONS: u64 = 20_000_000;

/// Reads the registry into the estimator's panel, holding at most `max_total` inspections; errors
/// name the file, line and field.
fn read(path: &Path, max_total: u64) -> Result<Panel, ApiError> {
    let bad = |line: u64, field: &str, why: &str| {
        ApiError::invalid(format!("{}: line {line}, field '{field}': {why}", path.display()))
    };
    let mut reader =
        csv::Reader::from_path(path).map_err(|e| ApiError::new(ErrorCode::Io, format!("{}: {e}", path.display())))?;
    let headers = reader.headers().map_err(|e| bad(1, "header", &e.to_string()))?.clone();
    let column =
        |name: &str| headers.iter().position(|h| h.trim() == name).ok_or_else(|| bad(1, name, "missing column"));
    let [obj, q, insp, viol, act] = [column("obj")?, column("q")?, column("insp")?, column("viol")?, column("act")?];
    let trigger = column("trigger").ok();
    let mut objects: HashMap<u64, usize> = HashMap::new();
    let mut inspections: Vec<Vec<(NaiveDate, u32)>> = Vec::new();
    // Per object: its act's quarter and its trigger's.
    let mut acts: Vec<Option<(u32, u32)>> = Vec::new();
    // Per object: the number the file gave it (its identity for draws).
    let mut numbers: Vec<u64> = Vec::new();
    let mut last_quarter = 0;
    let mut total: u64 = 0;
    for (index, record) in reader.records().enumerate() {
        let line = index as u64 + 2;
        let record = record.map_err(|e| bad(line, "row", &e.to_string()))?;
        let number = |i: usize, name: &str| -> Result<i64, ApiError> {
            record.get(i).unwrap_or("").trim().parse::<i64>().map_err(|_| bad(line, name, "not a whole number"))
        };
        let o = u64::try_from(number(obj, "obj")?).map_err(|_| bad(line, "obj", "negative"))?;
        let quarter = u32::try_from(number(q, "q")?)
            .ok()
            .filter(|q| *q <= MAX_QUARTER)
            .ok_or_else(|| bad(line, "q", "not a quarter from 0 to 400"))?;
        let n = u32::try_from(number(insp, "insp")?)
            .ok()
            .filter(|n| *n <= MAX_INSPECTIONS)
            .ok_or_else(|| bad(line, "insp", "not 0 to 1000 inspections"))?;
        let v = u32::try_from(number(viol, "viol")?).map_err(|_| bad(line, "viol", "negative"))?;
        if v > 0 && n == 0 {
            return Err(bad(line, "viol", "violations without an inspection"));
        }
        let a = match number(act, "act")? {
            -1 => None,
            a => {
                let a = u32::try_from(a)
                    .ok()
                    .filter(|a| *a <= MAX_QUARTER)
                    .ok_or_else(|| bad(line, "act", "not −1 or a quarter"))?;
                let p = match trigger {
                    Some(t) => u32::try_from(number(t, "trigger")?)
                        .ok()
                        .filter(|p| *p <= a)
                        .ok_or_else(|| bad(line, "trigger", "not a quarter up to the act's"))?,
                    // Without a trigger column, the quarter before the act (there is none before 0).
                    None => a.checked_sub(1).ok_or_else(|| {
                        bad(line, "act", "an act in quarter 0 needs its trigger's quarter (a trigger column)")
                    })?,
                };
                Some((a, p))
            }
        };
        let next = objects.len();
        let i = *objects.entry(o).or_insert(next);
        if i == inspections.len() {
            inspections.push(Vec::new());
            acts.push(a);
            numbers.push(o);
        } else if acts[i] != a {
            return Err(bad(line, "act", "differs from the object's earlier rows"));
        }
        last_quarter = last_quarter.max(quarter).max(a.map_or(0, |a| a.0));
        total += u64::from(n);
        if total > max_total {
            return Err(bad(line, "insp", &format!("more than {max_total} inspections in the file")));
        }
        // All of a quarter's inspections on its 15th day; its violations on the first of them.
        let day = quarter_start(quarter) + Days::new(14);
        for k in 0..n {
            inspections[i].push((day, if k == 0 { v } else { 0 }));
        }
    }
    if inspections.is_empty() {
        return Err(bad(2, "row", "no rows"));
    }
    for rows in &mut inspections {
        rows.sort();
    }
    let acts = acts
        .iter()
        .enumerate()
        .filter_map(|(object, a)| {
            let (a, p) = (*a)?;
            Some(ActEvent {
                object,
                kind: "submission".into(),
                // An act in its trigger's quarter comes after the inspection (the 15th), else on the 1st.
                issued_on: quarter_start(a) + Days::new(if a == p { 20 } else { 0 }),
                trigger: Some(quarter_start(p) + Days::new(14)),
            })
        })
        .collect();
    let as_of = quarter_start(last_quarter + 1).pred_opt().unwrap_or(NaiveDate::MAX);
    Ok(Panel {
        objects: numbers
            .iter()
            .map(|n| ObjectFacts { stratum: "all".into(), risk_decile: None, identity: *n })
            .collect(),
        appeals: vec![Vec::new(); inspections.len()],
        inspections,
        acts,
        since: quarter_start(0),
        as_of,
    })
}

/// Tier 3's estimate of violations per inspection over the registry in `path` — the stacked
/// design's headline with the matched design beside it (over a year); with `export`, the stacked
/// rows (`stacked.csv`) and the stacked design's figures (`ekn-stacked.json`) written there.
pub fn staggered_from_quarters(path: &Path, export: Option<&Path>) -> Result<EffectEntry, ApiError> {
    let panel = read(path, MAX_TOTAL_INSPECTIONS)?;
    let stacks = build(&panel, EffectOutcome::ViolationsPerInspection, &|_| true);
    let result = figures(&stacks);
    let matched = crate::analytics::effect::estimate(&panel, &|_| true, 365)
        .into_iter()
        .find(|m| m.outcome == EffectOutcome::ViolationsPerInspection);
    if let Some(dir) = export {
        let io = |e: std::io::Error| ApiError::new(ErrorCode::Io, format!("{}: {e}", dir.display()));
        let internal = |e: csv::Error| ApiError::new(ErrorCode::Internal, e.to_string());
        std::fs::create_dir_all(dir).map_err(io)?;
        // The rows as the fit reads them, one per stack member and quarter, headed by their fields.
        let mut csv = csv::Writer::from_writer(Vec::new());
        for row in &stacks.rows {
            csv.serialize(row).map_err(internal)?;
        }
        let bytes = csv.into_inner().map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
        crate::disk::write(dir.join("stacked.csv"), bytes).map_err(io)?;
        let json =
            serde_json::to_string_pretty(&result).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
        crate::disk::write(dir.join("ekn-stacked.json"), json).map_err(io)?;
    }
    Ok(EffectEntry { kind: "all".into(), scope: "all".into(), figures: result, estimate: true, matched })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_of_more_inspections_than_may_be_held_is_refused_at_the_row_that_passes_the_bound() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("registry.csv");
        crate::disk::write(&path, "obj,q,insp,viol,act\n1,0,400,1,-1\n2,0,400,1,-1\n3,0,400,1,-1\n").unwrap();
        let error = read(&path, 1000).unwrap_err().to_string();
        assert!(error.contains("line 4, field 'insp'") && error.contains("more than 1000"), "{error}");
        assert!(read(&path, 1200).is_ok());
    }
}
