//! Precedents while drafting (issue 39): the earlier acts of the same kind most like the one
//! being drafted — the same violation category (or its group), the same OKED activity (its code,
//! division or section) — each with what became of it, and a tally of their outcomes, so the
//! drafter sees what worked for acts like this one. Ranked by what they share, newest first among
//! equals; an act sharing nothing but its kind is no precedent. An entrepreneur's IIN is never
//! shown: a precedent names its object only when the object is a legal entity (a BIN).

use super::Acts;
use serde::{Deserialize, Serialize};

use crate::acts::ActKind;
use crate::api::ApiError;
use crate::domain::triage::Taxonomy;

/// The version of the ranking, reported with every answer.
pub const PRECEDENT_RULES: &str = "precedents-2026.11.1";

/// The most precedents an answer lists (the tally counts every matching act).
const MAX_LISTED: usize = 50;

/// What the drafter asks precedents for.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default, deny_unknown_fields)]
pub struct PrecedentRequest {
    /// The object the act is drafted for (its OKED is matched).
    pub bin: String,
    pub kind: Option<ActKind>,
    /// The violation's category: the taxonomy's code or a name in any language.
    pub category: Option<String>,
    /// How many to list (10 when not given, at most 50).
    pub limit: Option<usize>,
}

/// One earlier act and what became of it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Precedent {
    pub act_id: i64,
    pub number: Option<String>,
    pub issued_on: String,
    /// The object, when it is a legal entity (an entrepreneur's IIN is not shown).
    pub subject_bin: Option<String>,
    /// The act is this object's own.
    pub same_object: bool,
    pub category: Option<String>,
    pub oked: Option<String>,
    /// What it shares with the act drafted: `category`, `category_group`, `oked`, `oked_division`,
    /// `oked_section` — the strongest of each.
    pub matched_on: Vec<String>,
    /// The latest answer (`satisfied`, `partly`, `rejected`, `withdrawn`) and its day.
    pub answer: Option<String>,
    pub answered_on: Option<String>,
    pub days_to_answer: Option<i64>,
    /// The latest court decision (`upheld`, `overturned`, `withdrawn`).
    pub court: Option<String>,
    pub formal_defect: bool,
}

/// How the matching acts ended, counted by their latest answer (and court decision).
#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
pub struct OutcomeTally {
    pub satisfied: u64,
    pub partly: u64,
    pub rejected: u64,
    pub withdrawn: u64,
    pub no_answer: u64,
    pub upheld: u64,
    pub overturned: u64,
    pub formal_defects: u64,
}

/// The precedents of an act being drafted.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Precedents {
    pub kind: ActKind,
    /// The category as matched: the taxonomy's code, or the label as given when it is not known.
    pub category: Option<String>,
    pub oked: Option<String>,
    /// Every earlier act of the kind that shares something with this one.
    pub matching: u64,
    pub tally: OutcomeTally,
    pub similar: Vec<Precedent>,
    pub rule: String,
}

/// How strongly an earlier act's category matches (0 none, 2 the same group, 4 the same).
fn category_match(theirs: Option<&str>, ours: Option<&str>) -> (u32, Option<&'static str>) {
    let (Some(theirs), Some(ours)) = (theirs, ours) else { return (0, None) };
    let taxonomy = Taxonomy::builtin();
    // Codes are lower case; a label the taxonomy does not know is compared without regard to case.
    let code = |label: &str| taxonomy.code_or_label(label).to_lowercase();
    let (a, b) = (code(theirs), code(ours));
    let group = |c: &str| c.split('.').next().unwrap_or("").to_string();
    if a == b {
        (4, Some("category"))
    } else if a.contains('.') && b.contains('.') && group(&a) == group(&b) || !b.contains('.') && group(&a) == b {
        (2, Some("category_group"))
    } else {
        (0, None)
    }
}

/// How strongly an earlier act's object's OKED matches (3 the code, 2 its division, 1 its section).
fn oked_match(theirs: (Option<&str>, Option<&str>), ours: (Option<&str>, Option<&str>)) -> (u32, Option<&'static str>) {
    let digits = |c: &str| c.chars().filter(char::is_ascii_digit).collect::<String>();
    match (theirs, ours) {
        ((Some(a), _), (Some(b), _)) if digits(a) == digits(b) && !digits(a).is_empty() => (3, Some("oked")),
        ((Some(a), _), (Some(b), _))
            if digits(a).len() >= 2 && digits(a)[..2] == digits(b).get(..2).unwrap_or("")[..] =>
        {
            (2, Some("oked_division"))
        }
        ((_, Some(a)), (_, Some(b))) if a == b => (1, Some("oked_section")),
        _ => (0, None),
    }
}

impl Acts<'_> {
    /// The earlier acts most like one being drafted for `bin`, with their outcomes.
    pub fn precedents(&self, request: &PrecedentRequest) -> Result<Precedents, ApiError> {
        let kind = request.kind.ok_or_else(|| ApiError::invalid("name the kind of act"))?;
        let limit = request.limit.unwrap_or(10).clamp(1, MAX_LISTED);
        let (bin, subject_id) = self.read().subject_id_of(&request.bin)?;
        let ours = self.read().store().subject_activity(subject_id)?;
        let category = request.category.as_deref().map(str::trim).filter(|c| !c.is_empty());
        if category.is_some_and(|c| c.chars().count() > 200) {
            return Err(ApiError::invalid("a category is at most 200 characters"));
        }
        let category = category.map(|c| Taxonomy::builtin().code_or_label(c));
        let (acts, outcomes) = self.read().store().precedent_rows(kind.code())?;
        let mut latest: std::collections::HashMap<(i64, &str), (&str, &str)> = Default::default();
        let mut defects = std::collections::HashSet::new();
        for o in &outcomes {
            latest.insert((o.act_id, o.stage.as_str()), (o.result.as_str(), o.on.as_str()));
            if o.formal_defect {
                defects.insert(o.act_id);
            }
        }
        let mut tally = OutcomeTally::default();
        let mut ranked: Vec<(u32, Precedent)> = Vec::new();
        for a in &acts {
            let (c_score, c_why) = category_match(a.category.as_deref(), category.as_deref());
            let (o_score, o_why) =
                oked_match((a.oked.as_deref(), a.oked_section.as_deref()), (ours.0.as_deref(), ours.1.as_deref()));
            let same_object = a.subject_id == subject_id;
            if c_score + o_score == 0 && !same_object {
                continue;
            }
            // The answer as the report's KPIs read it: the latest at the answer stage.
            let answer = latest.get(&(a.id, "answer")).copied();
            let court = latest.get(&(a.id, "court")).map(|(r, _)| r.to_string());
            match answer.map(|(r, _)| r) {
                Some("satisfied") => tally.satisfied += 1,
                Some("partly") => tally.partly += 1,
                Some("rejected") => tally.rejected += 1,
                Some("withdrawn") => tally.withdrawn += 1,
                _ => tally.no_answer += 1,
            }
            match court.as_deref() {
                Some("upheld") => tally.upheld += 1,
                Some("overturned") => tally.overturned += 1,
                _ => {}
            }
            let formal_defect = defects.contains(&a.id);
            tally.formal_defects += u64::from(formal_defect);
            let day = |t: &str| chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").ok();
            let days_to_answer = answer.and_then(|(_, on)| Some((day(on)? - day(&a.issued_on)?).num_days()));
            ranked.push((
                c_score + o_score,
                Precedent {
                    act_id: a.id,
                    number: a.number.clone(),
                    issued_on: a.issued_on.clone(),
                    subject_bin: a.is_legal_entity.then(|| a.bin.clone()),
                    same_object,
                    category: a.category.clone(),
                    oked: a.oked.clone(),
                    matched_on: [c_why, o_why].into_iter().flatten().map(str::to_string).collect(),
                    answer: answer.map(|(r, _)| r.to_string()),
                    answered_on: answer.map(|(_, on)| on.to_string()),
                    days_to_answer,
                    court,
                    formal_defect,
                },
            ));
        }
        let matching = ranked.len() as u64;
        ranked.sort_by(|(a, x), (b, y)| {
            b.cmp(a).then_with(|| y.issued_on.cmp(&x.issued_on)).then(y.act_id.cmp(&x.act_id))
        });
        self.read().logged().card_part(&bin, "precedents")?;
        Ok(Precedents {
            kind,
            category,
            oked: ours.0,
            matching,
            tally,
            similar: ranked.into_iter().take(limit).map(|(_, p)| p).collect(),
            rule: PRECEDENT_RULES.into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_match_by_code_name_or_group_and_okeds_by_code_division_or_section() {
        assert_eq!(category_match(Some("Трудовые права"), Some("social.labour")).0, 4);
        assert_eq!(category_match(Some("социальные выплаты"), Some("social.labour")).0, 2);
        assert_eq!(category_match(Some("экология"), Some("social")).0, 0);
        assert_eq!(category_match(Some("Трудовые права"), Some("social")).0, 2);
        assert_eq!(
            category_match(Some("налоги"), Some("Налоги")).0,
            4,
            "labels the taxonomy does not know match as text"
        );
        assert_eq!(category_match(None, Some("social.labour")).0, 0);
        assert_eq!(oked_match((Some("41.20.0"), Some("F")), (Some("41200"), Some("F"))).0, 3);
        assert_eq!(oked_match((Some("41.10"), Some("F")), (Some("41.20"), Some("F"))).0, 2);
        assert_eq!(oked_match((Some("43.11"), Some("F")), (Some("41.20"), Some("F"))).0, 1);
        assert_eq!(oked_match((Some("47.11"), Some("G")), (Some("41.20"), Some("F"))).0, 0);
        assert_eq!(oked_match((None, None), (Some("41.20"), Some("F"))).0, 0);
    }
}
