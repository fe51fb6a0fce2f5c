//! Priority of an appeal (assets/appeals/priority.json): rules with points, summed into a level.
//! Text and applicant rules are judged once, when the appeal is triaged, and stored with the
//! rule set's version; the deadline rules are judged whenever the queue is shown, against the
//! consideration task's due date, so "three days left" is never a stale fact.

use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{fold, match_stem, words};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// A stem in the masked text.
    Text,
    /// A stem in the text of an appeal received in one of `months`.
    TextInMonths,
    /// A stem in the applicant category field.
    ApplicantCategory,
    /// The consideration deadline is `within_working_days` or fewer working days away.
    DeadlineNear,
    /// The consideration deadline has passed.
    Overdue,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct PriorityRule {
    pub id: String,
    pub kind: RuleKind,
    pub points: u32,
    #[serde(default)]
    pub stems: Vec<String>,
    #[serde(default)]
    pub months: Vec<u32>,
    #[serde(default)]
    pub within_working_days: Option<u32>,
    pub name_ru: String,
    pub name_kk: String,
    pub name_en: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct PriorityLevel {
    pub code: String,
    pub min_points: u32,
    pub name_ru: String,
    pub name_kk: String,
    pub name_en: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct PriorityRules {
    #[serde(rename = "_comment", default, skip_serializing)]
    #[ts(skip)]
    pub comment: String,
    pub version: String,
    /// Highest first.
    pub levels: Vec<PriorityLevel>,
    pub rules: Vec<PriorityRule>,
}

/// A rule that fired, with what made it fire (a word of the masked text, the category field, or
/// the days left) — never a personal marker, since the text was masked before.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct FiredRule {
    pub id: String,
    pub points: u32,
    pub evidence: String,
}

static BUILTIN: LazyLock<PriorityRules> = LazyLock::new(|| {
    PriorityRules::parse(include_str!("../../../../assets/appeals/priority.json"))
        .expect("assets/appeals/priority.json is valid (checked by a test)")
});

impl PriorityRules {
    pub fn builtin() -> &'static PriorityRules {
        &BUILTIN
    }

    pub fn parse(json: &str) -> Result<PriorityRules, String> {
        let mut rules: PriorityRules = serde_json::from_str(json).map_err(|e| e.to_string())?;
        for r in &mut rules.rules {
            let needs_stems = matches!(r.kind, RuleKind::Text | RuleKind::TextInMonths | RuleKind::ApplicantCategory);
            if needs_stems && r.stems.iter().all(|s| s.trim().is_empty()) {
                return Err(format!("rule '{}': a {:?} rule needs stems", r.id, r.kind));
            }
            if r.kind == RuleKind::TextInMonths
                && (r.months.is_empty() || r.months.iter().any(|m| !(1..=12).contains(m)))
            {
                return Err(format!("rule '{}': months must be 1 to 12", r.id));
            }
            if r.kind == RuleKind::DeadlineNear && r.within_working_days.is_none() {
                return Err(format!("rule '{}': deadline_near needs within_working_days", r.id));
            }
            r.stems = r.stems.iter().map(|s| fold(s.trim())).collect();
        }
        rules.levels.sort_by_key(|l| std::cmp::Reverse(l.min_points));
        if rules.levels.last().map(|l| l.min_points) != Some(0) {
            return Err("levels: the lowest level must start at 0 points".into());
        }
        Ok(rules)
    }

    /// The rules judged at triage: the text's and the applicant's.
    pub fn judge_appeal(&self, text: &str, applicant_category: Option<&str>, received: NaiveDate) -> Vec<FiredRule> {
        let folded_text = fold(text);
        let text_words = words(&folded_text);
        let folded_category = applicant_category.map(fold).unwrap_or_default();
        let category_words = words(&folded_category);
        let mut fired = Vec::new();
        for rule in &self.rules {
            let haystack = match rule.kind {
                RuleKind::Text => &text_words,
                RuleKind::TextInMonths if rule.months.contains(&received.month()) => &text_words,
                RuleKind::ApplicantCategory => &category_words,
                _ => continue,
            };
            if let Some(evidence) = rule.stems.iter().find_map(|s| match_stem(haystack, s)) {
                fired.push(FiredRule { id: rule.id.clone(), points: rule.points, evidence });
            }
        }
        fired
    }

    /// The deadline rules for a consideration task `days_left` working days from its due date
    /// (negative when overdue); none without a task.
    pub fn judge_deadline(&self, days_left: Option<i64>) -> Vec<FiredRule> {
        let Some(left) = days_left else { return Vec::new() };
        let mut fired = Vec::new();
        for rule in &self.rules {
            let fires = match rule.kind {
                RuleKind::Overdue => left < 0,
                RuleKind::DeadlineNear => (0..=i64::from(rule.within_working_days.unwrap_or(0))).contains(&left),
                _ => false,
            };
            if fires {
                fired.push(FiredRule { id: rule.id.clone(), points: rule.points, evidence: left.to_string() });
            }
        }
        fired
    }

    /// The level a sum of points reaches.
    pub fn level(&self, points: u32) -> &PriorityLevel {
        self.levels.iter().find(|l| points >= l.min_points).unwrap_or_else(|| &self.levels[self.levels.len() - 1])
    }

    pub fn rule(&self, id: &str) -> Option<&PriorityRule> {
        self.rules.iter().find(|r| r.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, 10).unwrap()
    }

    #[test]
    fn text_rules_fire_on_word_stems_in_russian_and_kazakh() {
        let r = PriorityRules::builtin();
        let ids = |f: Vec<FiredRule>| f.into_iter().map(|f| f.id).collect::<Vec<_>>();
        assert_eq!(
            ids(r.judge_appeal("Сосед избивает жену, есть угроза жизни", None, day(6))),
            ["threat_violence", "threat_life_health"]
        );
        assert_eq!(
            ids(r.judge_appeal("Зауыттың түтіні, балалар ауырып жүр", None, day(6))),
            ["threat_life_health", "children"]
        );
        assert!(r.judge_appeal("Завысили тарифы на воду", Some("физическое лицо"), day(6)).is_empty());
    }

    #[test]
    fn heating_counts_only_in_the_heating_season_and_applicants_by_their_field() {
        let r = PriorityRules::builtin();
        let winter = r.judge_appeal("В квартирах нет отопления", None, day(1));
        assert_eq!(winter[0].id, "no_heating_in_winter");
        assert_eq!(winter[0].evidence, "отопления");
        assert!(r.judge_appeal("В квартирах нет отопления", None, day(7)).is_empty());
        let fired = r.judge_appeal("Прошу проверить", Some("Лицо с инвалидностью"), day(7));
        assert_eq!(fired[0].id, "vulnerable_applicant");
    }

    #[test]
    fn deadline_rules_and_levels() {
        let r = PriorityRules::builtin();
        assert_eq!(r.judge_deadline(Some(-1))[0].id, "overdue");
        assert_eq!(r.judge_deadline(Some(2))[0].id, "deadline_near");
        assert!(r.judge_deadline(Some(9)).is_empty());
        assert!(r.judge_deadline(None).is_empty());
        assert_eq!(r.level(75).code, "urgent");
        assert_eq!(r.level(20).code, "high");
        assert_eq!(r.level(0).code, "normal");
    }

    #[test]
    fn a_misspelt_kind_or_a_rule_without_stems_fails_at_load() {
        let text = include_str!("../../../../assets/appeals/priority.json");
        assert!(PriorityRules::parse(&text.replacen("\"kind\": \"text\"", "\"kind\": \"txt\"", 1)).is_err());
        let no_stems = text.replacen("\"stems\": [\"ребен\", \"детей\", \"дети\", \"детск\", \"несовершеннолет\", \"бала\", \"балалар\", \"сәби\"]", "\"stems\": []", 1);
        assert!(PriorityRules::parse(&no_stems).unwrap_err().contains("children"));
        for rule in &PriorityRules::builtin().rules {
            assert!(!rule.name_kk.is_empty() && !rule.name_en.is_empty(), "{}", rule.id);
        }
    }
}
