//! The demo's acts of response (issue 62): what an office would have issued on the demo's own
//! registry, with the answers and court decisions that came back — made as a registry's export of
//! acts and taken in through the same importer (`ekn import acts`), so the Effectiveness screen,
//! the card's acts and the verification of each act have something true to show.
//!
//! Nothing is planted: an act follows a bad inspection (four violations or more) of an object, on
//! about one such object in eight, chosen by a hash of the inspection's number (the same demo day
//! gives the same acts). What happened afterwards is the registry's own record — so the estimate
//! the screen shows is what these data say, and its naive before/after ratio shows the regression
//! to the mean the matched design removes. The answers are drawn from the shares offices report
//! (most satisfied, some in part, some refused, a few late or never), again by hash.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Days, NaiveDate};
use sha2::{Digest, Sha256};

use crate::api::{ApiError, ErrorCode};

/// Violations from which an inspection is one an office acts on.
const BAD_INSPECTION: u32 = 4;
/// Of the objects with a bad inspection, the share (per mille) the demo's office acts on.
const ACTED_PER_MILLE: u64 = 125;
/// An act issued this many days or fewer before the demo's day has no answer yet.
const TOO_RECENT_FOR_AN_ANSWER: u64 = 40;

/// A number from 0 to 999 drawn from `key` and a `salt` (which decision is being drawn).
fn draw(key: &str, salt: &str) -> u64 {
    let digest = Sha256::digest(format!("ekn-demo-acts|{salt}|{key}").as_bytes());
    u64::from_le_bytes(digest[..8].try_into().expect("eight bytes")) % 1000
}

/// One inspection of the demo registry, as far as acts need it.
struct Inspection {
    registry_no: String,
    bin: String,
    name: String,
    kato: String,
    ended: NaiveDate,
    violations: u32,
}

fn internal(what: &str, e: impl std::fmt::Display) -> ApiError {
    ApiError::new(ErrorCode::Internal, format!("making the demo's acts: {what}: {e}"))
}

fn inspections(bytes: &[u8]) -> Result<Vec<Inspection>, ApiError> {
    let text = std::str::from_utf8(bytes).map_err(|e| internal("inspections.csv", e))?;
    let mut reader =
        csv::ReaderBuilder::new().delimiter(b';').from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader.headers().map_err(|e| internal("inspections.csv", e))?.clone();
    let column = |name: &str| {
        headers.iter().position(|h| h == name).ok_or_else(|| internal("inspections.csv", format!("no column {name}")))
    };
    let (no, bin, name, kato, ended, violations) = (
        column("Регистрационный номер")?,
        column("БИН")?,
        column("Наименование субъекта")?,
        column("КАТО")?,
        column("Дата окончания")?,
        column("Количество нарушений")?,
    );
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| internal("inspections.csv", e))?;
        let field = |i: usize| record.get(i).unwrap_or("").trim();
        let Ok(ended) = NaiveDate::parse_from_str(field(ended), "%d.%m.%Y") else { continue };
        out.push(Inspection {
            registry_no: field(no).to_string(),
            bin: field(bin).to_string(),
            name: field(name).to_string(),
            kato: field(kato).to_string(),
            ended,
            violations: field(violations).parse().unwrap_or(0),
        });
    }
    Ok(out)
}

/// Each object's appeals' categories with the day they came, from the demo's appeals file.
fn appeal_categories(bytes: &[u8]) -> Result<BTreeMap<String, Vec<(NaiveDate, String)>>, ApiError> {
    let mut reader = csv::Reader::from_reader(bytes);
    let headers = reader.headers().map_err(|e| internal("appeals.csv", e))?.clone();
    let column = |name: &str| {
        headers.iter().position(|h| h == name).ok_or_else(|| internal("appeals.csv", format!("no column {name}")))
    };
    let (bin, received, category) = (column("subject_bin")?, column("received")?, column("category")?);
    let mut out: BTreeMap<String, Vec<(NaiveDate, String)>> = BTreeMap::new();
    for record in reader.records() {
        let record = record.map_err(|e| internal("appeals.csv", e))?;
        let (Some(bin), Some(received), Some(category)) = (record.get(bin), record.get(received), record.get(category))
        else {
            continue;
        };
        let Ok(received) = NaiveDate::parse_from_str(received, "%Y-%m-%d") else { continue };
        if !bin.is_empty() && !category.is_empty() {
            out.entry(bin.to_string()).or_default().push((received, category.to_string()));
        }
    }
    Ok(out)
}

/// What came back on an act: its result, the day, and the stage (answer or court).
struct Outcome {
    result: &'static str,
    on: NaiveDate,
    stage: &'static str,
    formal_defect: bool,
}

fn outcome_of(kind: &str, act_no: &str, issued: NaiveDate, today: NaiveDate) -> Option<Outcome> {
    if kind == "warning" || issued.checked_add_days(Days::new(TOO_RECENT_FOR_AN_ANSWER))? > today {
        return None;
    }
    // One act in sixteen is never answered: the screen's "answered in time" counts it against.
    if draw(act_no, "unanswered") < 62 {
        return None;
    }
    // Most answers come within the month the law gives; one in eight later.
    let days = if draw(act_no, "late") < 125 { 32 + draw(act_no, "days") % 30 } else { 6 + draw(act_no, "days") % 22 };
    let on = issued.checked_add_days(Days::new(days))?.min(today);
    let roll = draw(act_no, "result");
    let (result, stage) = match kind {
        "protest" if roll < 150 => ("upheld", "court"),
        "protest" if roll < 230 => ("overturned", "court"),
        "protest" if roll < 780 => ("satisfied", "answer"),
        "protest" => ("rejected", "answer"),
        _ if roll < 620 => ("satisfied", "answer"),
        _ if roll < 820 => ("partly", "answer"),
        _ => ("rejected", "answer"),
    };
    let on = if stage == "court" { on.checked_add_days(Days::new(45))?.min(today) } else { on };
    let formal_defect = matches!(result, "rejected" | "overturned") && draw(act_no, "defect") < 250;
    Some(Outcome { result, on, stage, formal_defect })
}

/// The kind of act an office issues after a bad inspection, by turns of a draw.
fn kind_for(registry_no: &str) -> &'static str {
    match draw(registry_no, "kind") {
        0..=499 => "submission",
        500..=699 => "order",
        700..=849 => "protest",
        _ => "warning",
    }
}

/// The demo's acts as a CSV export (English headers, as docs/EFFECT.md documents them), made from
/// the demo's inspections and appeals for `today`.
pub(super) fn demo_acts_csv(inspections_csv: &[u8], appeals_csv: &[u8], today: NaiveDate) -> Result<Vec<u8>, ApiError> {
    let mut rows = inspections(inspections_csv)?;
    rows.sort_by(|a, b| (a.ended, &a.registry_no).cmp(&(b.ended, &b.registry_no)));
    let categories = appeal_categories(appeals_csv)?;
    let latest_issue = today.checked_sub_days(Days::new(7)).unwrap_or(today);
    let mut acted: BTreeSet<&str> = BTreeSet::new();
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record([
            "act_no",
            "bin",
            "kind",
            "issued_on",
            "category",
            "outcome",
            "outcome_on",
            "outcome_stage",
            "registry_no",
            "addressee",
            "formal_defect",
        ])
        .map_err(|e| internal("acts.csv", e))?;
    for (seq, inspection) in rows.iter().enumerate() {
        if inspection.violations < BAD_INSPECTION
            || acted.contains(inspection.bin.as_str())
            || draw(&inspection.registry_no, "acted") >= ACTED_PER_MILLE
        {
            continue;
        }
        let issued = inspection.ended.checked_add_days(Days::new(5 + draw(&inspection.registry_no, "wait") % 16));
        let Some(issued) = issued.filter(|d| *d <= latest_issue) else { continue };
        acted.insert(inspection.bin.as_str());
        let kind = kind_for(&inspection.registry_no);
        let district: String = inspection.kato.chars().take(4).collect();
        let act_no = format!("2-{district}-{}/{}", issued.format("%y"), 100 + seq);
        // The violation's category: what the object's appeals before the act were about, when
        // there were any (the act's category then lets its appeals of that category be checked).
        let category = categories
            .get(&inspection.bin)
            .and_then(|list| list.iter().filter(|(day, _)| *day < issued).max_by_key(|(day, _)| *day))
            .map(|(_, category)| category.clone())
            .unwrap_or_default();
        let outcome = outcome_of(kind, &act_no, issued, today);
        let date = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
        writer
            .write_record([
                act_no.as_str(),
                inspection.bin.as_str(),
                kind,
                &date(issued),
                &category,
                outcome.as_ref().map(|o| o.result).unwrap_or(""),
                &outcome.as_ref().map(|o| date(o.on)).unwrap_or_default(),
                outcome.as_ref().map(|o| o.stage).unwrap_or(""),
                inspection.registry_no.as_str(),
                &format!("Руководителю {}", inspection.name),
                match &outcome {
                    Some(o) if matches!(o.result, "rejected" | "withdrawn" | "overturned") => {
                        if o.formal_defect {
                            "yes"
                        } else {
                            "no"
                        }
                    }
                    _ => "",
                },
            ])
            .map_err(|e| internal("acts.csv", e))?;
    }
    writer.into_inner().map_err(|e| internal("acts.csv", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_act_follows_only_a_bad_inspection_and_once_an_object() {
        // 400 objects, each with a bad inspection, a clean one after it and a nearly clean one.
        let mut inspections = String::from(
            "\u{feff}Регистрационный номер;БИН;Наименование субъекта;КАТО;Дата окончания;Количество нарушений\n",
        );
        let mut appeals = String::from("appeal_no,received,subject_bin,category\n");
        for i in 0..400 {
            let bin = format!("{:012}", 100_000_000_000u64 + i);
            inspections.push_str(&format!("B{i:04};{bin};ТОО «{i}»;476020000;19.03.2021;6\n"));
            inspections.push_str(&format!("C{i:04};{bin};ТОО «{i}»;476020000;19.03.2022;0\n"));
            inspections.push_str(&format!("L{i:04};{bin};ТОО «{i}»;476020000;19.03.2023;3\n"));
            appeals.push_str(&format!("X-{i},2021-01-05,{bin},здравоохранение\n"));
        }
        let today = NaiveDate::from_ymd_opt(2026, 11, 20).expect("date");
        let csv = String::from_utf8(demo_acts_csv(inspections.as_bytes(), appeals.as_bytes(), today).expect("acts"))
            .expect("utf-8");
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a row")).collect();
        // About one object in eight is acted on.
        assert!((25..80).contains(&rows.len()), "{} acts", rows.len());
        let mut objects = BTreeSet::new();
        for row in &rows {
            assert!(row[8].starts_with('B'), "only the bad inspection prompts an act: {row:?}");
            assert!(objects.insert(row[1].to_string()), "one act an object: {row:?}");
            assert_eq!(&row[4], "здравоохранение", "the category of the appeals before it");
            assert!(row[3].as_bytes() > b"2021-03-19".as_slice(), "issued after the inspection: {row:?}");
        }
        let kinds: BTreeSet<&str> = rows.iter().map(|r| r.get(2).expect("kind")).collect();
        assert!(kinds.len() >= 3, "several kinds: {kinds:?}");
    }

    #[test]
    fn answers_come_after_the_act_and_never_after_the_day() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 20).expect("date");
        for i in 0..2000 {
            let act = format!("2-4760-25/{i}");
            let issued = NaiveDate::from_ymd_opt(2026, 1, 1).expect("date") + Days::new(i % 320);
            for kind in ["submission", "order", "protest", "warning"] {
                if let Some(o) = outcome_of(kind, &act, issued, today) {
                    assert!(o.on >= issued && o.on <= today, "{kind} {act}: {} for {issued}", o.on);
                    assert!(kind != "warning", "a warning asks for no answer");
                    assert!(o.stage == "answer" || kind == "protest", "only a protest goes to court");
                }
            }
        }
    }
}
