//! A theme's members as people decide them: the candidates its definition matches (appeals for a
//! theme of appeals, inspections for one of inspections) with a score, a person's acceptance or
//! rejection of one (with a reason, journaled; an accepted item stays a member whatever the filters
//! say, a rejected one leaves the theme's counts) or of its object by BIN (an accepted object's
//! items count whatever the registry says of its district and sector, a rejected object's never
//! do; `analytics::themes::Decided`), and the news the Desk shows — matching items imported since
//! the theme was last saved or decided about. Only numbers, dates, categories, places, control
//! bodies and the BINs of objects are shown: never an applicant, never a list of persons.

use super::Analytics;
use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::analytics::themes::{Matcher, SeriesKind};
use crate::api::{ApiError, ErrorCode};
use crate::domain::facts::{date_of, district_text};
use crate::domain::journal::Entry;
use crate::domain::triage::taxonomy::Taxonomy;
use crate::store::{About, MemberDecision};

/// How a candidate's score is made, named in every list.
pub const SCORE_RULE: &str = "theme-candidate-v2: 1 for an item the filters match when the theme has no seed; \
with a seed, half for the filters and half for the share of the seed's word stems found in the appeal's masked text; \
0 for an item a person accepted that the filters do not match; an object is offered on its own when at least two \
of its items match, scored 1 (key words judge texts, not objects)";

/// How many matching items make an object a candidate of its own: one item is the item's
/// business; two or more say the object concentrates the theme.
pub const OBJECT_ITEMS: u32 = 2;

/// What kind of item a decision is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Appeal,
    Inspection,
    /// A supervised object (by BIN): accepting it takes it into the theme's places and sectors,
    /// rejecting it takes its items out (`analytics::themes::Decided`).
    Object,
}

impl ItemKind {
    pub fn code(self) -> &'static str {
        match self {
            ItemKind::Appeal => "appeal",
            ItemKind::Inspection => "inspection",
            ItemKind::Object => "object",
        }
    }
}

/// Accept an item into a theme, or reject it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum MemberChoice {
    Accept,
    Reject,
}

/// One item the theme matched or a person decided about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ThemeCandidate {
    pub kind: ItemKind,
    /// The appeal's or the inspection's number, or the object's BIN.
    pub key: String,
    /// The BIN of the item's object, when the registry names one (an object: its own).
    pub object: Option<String>,
    /// Received (an appeal) or started (an inspection); for an object, its latest item's day.
    pub date: NaiveDate,
    /// The taxonomy's code of the appeal's category.
    pub category: Option<String>,
    pub district: Option<String>,
    pub control_body: Option<String>,
    pub score: f64,
    /// Whether the definition's filters match it.
    pub matched: bool,
    /// The decision in force, if any.
    pub decision: Option<MemberDecision>,
    /// First imported after the theme was last saved or decided about (an object: any of its
    /// matching items).
    pub new: bool,
    /// For an object: how many of its items the filters match.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<u32>,
}

/// `ekn themes members NAME`: the theme's candidates, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ThemeCandidates {
    pub theme: String,
    pub version: i64,
    pub series: SeriesKind,
    /// The first `limit` items, newest first.
    pub items: Vec<ThemeCandidate>,
    /// Every item matched or decided about, and how many of them are new and undecided.
    pub total: usize,
    pub new_undecided: usize,
    pub score_rule: String,
}

/// A decision about one item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct MemberRequest {
    pub theme: String,
    pub kind: ItemKind,
    pub key: String,
    pub choice: MemberChoice,
    pub reason: String,
}

/// A theme with matching items imported since it was last looked after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ThemeNews {
    pub name: String,
    pub version: i64,
    pub series: SeriesKind,
    /// Matching, undecided items first imported after the theme's last save or decision.
    pub new: usize,
}

/// Word stems of a text: its words as the classifier normalises them, of four letters or more, cut
/// to five (enough to meet the Russian and Kazakh endings of one word).
fn stems(text: &str) -> HashSet<String> {
    crate::analytics::text::normalize(text)
        .split(' ')
        .filter(|w| w.chars().count() >= 4)
        .map(|w| w.chars().take(5).collect())
        .collect()
}

impl Analytics<'_> {
    /// The items a theme matched or people decided about (at most `limit`, newest first), of one
    /// district (four KATO digits) when `district` names one.
    pub fn theme_candidates(
        &self,
        name: &str,
        limit: Option<u32>,
        district: Option<&str>,
    ) -> Result<ThemeCandidates, ApiError> {
        let limit = limit.unwrap_or(100).clamp(1, 1_000) as usize;
        if let Some(code) = district.filter(|d| d.len() != 4 || !d.bytes().all(|b| b.is_ascii_digit())) {
            let shown: String = code.chars().take(20).collect();
            return Err(ApiError::invalid(format!("district: four KATO digits (for example 1940), not «{shown}»")));
        }
        let (theme, _) = self.theme_in_force(name)?;
        let registry = self.read().analytics_registry()?;
        let taxonomy = Taxonomy::builtin();
        let matcher = Matcher::new(&theme.definition, &registry, taxonomy);
        let decisions: HashMap<(String, String), MemberDecision> = self
            .read()
            .store()
            .theme_decisions(&theme.name)?
            .into_iter()
            .map(|d| ((d.item_kind.clone(), d.item_key.clone()), d))
            .collect();
        let (new_appeals, new_inspections) =
            self.read().store().imported_after(self.read().store().theme_seen_import(&theme.name)?)?;
        let mut items = Vec::new();
        match theme.series {
            SeriesKind::Appeals => {
                for a in &registry.appeals {
                    let matched = matcher.appeal_matches(a);
                    let decision = decisions.get(&("appeal".to_string(), a.appeal_no.to_string()));
                    if !matched && decision.is_none() {
                        continue;
                    }
                    items.push(ThemeCandidate {
                        kind: ItemKind::Appeal,
                        key: a.appeal_no.to_string(),
                        object: a.subject.and_then(|s| registry.subjects.get(s as usize)).map(|s| s.bin.to_string()),
                        date: date_of(a.received),
                        category: a
                            .category
                            .and_then(|c| registry.categories.get(c as usize))
                            .map(|l| taxonomy.code_or_label(l)),
                        district: a.kato.map(|k| district_text((k / 100_000) as u16)),
                        control_body: None,
                        score: if matched { 1.0 } else { 0.0 },
                        matched,
                        decision: decision.cloned(),
                        new: new_appeals.contains(&*a.appeal_no),
                        items: None,
                    });
                }
            }
            SeriesKind::Inspections => {
                for f in &registry.inspections {
                    let matched = matcher.inspection_matches(f);
                    let decision = decisions.get(&("inspection".to_string(), f.registry_no.to_string()));
                    if !matched && decision.is_none() {
                        continue;
                    }
                    items.push(ThemeCandidate {
                        kind: ItemKind::Inspection,
                        key: f.registry_no.to_string(),
                        object: registry.subjects.get(f.subject as usize).map(|s| s.bin.to_string()),
                        date: date_of(f.day),
                        category: None,
                        district: f.kato.map(|k| district_text((k / 100_000) as u16)).or(f.district.map(district_text)),
                        control_body: registry.bodies.get(f.body as usize).cloned(),
                        score: if matched { 1.0 } else { 0.0 },
                        matched,
                        decision: decision.cloned(),
                        new: new_inspections.contains(&*f.registry_no),
                        items: None,
                    });
                }
            }
        }
        // Objects that concentrate the theme, offered on their own: every undecided object with
        // at least `OBJECT_ITEMS` matching items, dated by the latest of them.
        let mut concentrated: HashMap<String, ThemeCandidate> = HashMap::new();
        for c in items.iter().filter(|c| c.matched) {
            let Some(bin) = &c.object else { continue };
            if decisions.contains_key(&("object".to_string(), bin.clone())) {
                continue;
            }
            let object = concentrated.entry(bin.clone()).or_insert_with(|| ThemeCandidate {
                kind: ItemKind::Object,
                key: bin.clone(),
                object: Some(bin.clone()),
                date: c.date,
                category: None,
                district: c.district.clone(),
                control_body: None,
                score: 1.0,
                matched: true,
                decision: None,
                new: false,
                items: Some(0),
            });
            object.items = object.items.map(|n| n + 1);
            object.date = object.date.max(c.date);
            object.new |= c.new;
        }
        items.extend(concentrated.into_values().filter(|o| o.items.unwrap_or(0) >= OBJECT_ITEMS));
        // The objects people decided about, each dated by its latest item, matched when the
        // registry's own district and sector fit the theme.
        for ((_, bin), decision) in decisions.iter().filter(|((kind, _), _)| kind == "object") {
            let Some(subject) = registry.subjects.iter().position(|s| *s.bin == **bin) else { continue };
            let (mut latest, mut matched, mut district) = (None, false, None);
            match theme.series {
                SeriesKind::Appeals => {
                    for a in registry.appeals.iter().filter(|a| a.subject == Some(subject as u32)) {
                        latest = latest.max(Some(a.received));
                        matched |= matcher.appeal_matches(a);
                        district = district.or(a.kato.map(|k| district_text((k / 100_000) as u16)));
                    }
                }
                SeriesKind::Inspections => {
                    for f in registry.inspections.iter().filter(|f| f.subject == subject as u32) {
                        latest = latest.max(Some(f.day));
                        matched |= matcher.inspection_matches(f);
                        district = district.or(f.kato.map(|k| district_text((k / 100_000) as u16)));
                    }
                }
            }
            items.push(ThemeCandidate {
                kind: ItemKind::Object,
                key: bin.clone(),
                object: Some(bin.clone()),
                date: latest.map_or_else(|| self.read().today(), date_of),
                category: None,
                district,
                control_body: None,
                score: 0.0,
                matched,
                decision: Some(decision.clone()),
                new: false,
                items: None,
            });
        }
        if let Some(code) = district {
            items.retain(|c| c.district.as_deref() == Some(code));
        }
        let total = items.len();
        // News count items: an object offered on its own repeats its items.
        let new_undecided =
            items.iter().filter(|c| c.new && c.decision.is_none() && c.matched && c.kind != ItemKind::Object).count();
        items.sort_by(|a, b| b.date.cmp(&a.date).then(b.key.cmp(&a.key)));
        items.truncate(limit);
        if let Some(seed) = theme.definition.seed.as_deref().filter(|_| theme.series == SeriesKind::Appeals) {
            let wanted = stems(seed);
            if !wanted.is_empty() {
                let is_appeal = |c: &ThemeCandidate| c.matched && c.kind == ItemKind::Appeal;
                let numbers: Vec<String> = items.iter().filter(|c| is_appeal(c)).map(|c| c.key.clone()).collect();
                let texts = self.read().store().appeal_texts(&numbers)?;
                for c in items.iter_mut().filter(|c| is_appeal(c)) {
                    let found = texts.get(&c.key).map(|t| stems(t)).unwrap_or_default();
                    let share = wanted.iter().filter(|w| found.contains(*w)).count() as f64 / wanted.len() as f64;
                    c.score = 0.5 + 0.5 * share;
                }
            }
        }
        Ok(ThemeCandidates {
            theme: theme.name.clone(),
            version: theme.version,
            series: theme.series,
            items,
            total,
            new_undecided,
            score_rule: SCORE_RULE.into(),
        })
    }

    /// A person accepts an item into a theme or rejects it, with a reason (journaled).
    pub fn decide_theme_member(&mut self, request: &MemberRequest) -> Result<ThemeCandidates, ApiError> {
        let reason = crate::api::checked_reason(&request.reason, "a decision about a theme's member")?;
        let (theme, _) = self.theme_in_force(&request.theme)?;
        if theme.retired {
            return Err(ApiError::invalid(format!("theme «{}» is retired", theme.name)));
        }
        let key = request.key.trim().to_string();
        let registry = self.read().analytics_registry()?;
        let known = match request.kind {
            ItemKind::Appeal => registry.appeals.iter().any(|a| *a.appeal_no == *key),
            ItemKind::Inspection => registry.inspections.iter().any(|f| *f.registry_no == *key),
            ItemKind::Object => registry.subjects.iter().any(|s| *s.bin == *key),
        };
        if !known || key.is_empty() || key.chars().count() > 200 {
            return Err(ApiError::new(
                ErrorCode::NotFound,
                match request.kind {
                    ItemKind::Object => {
                        format!("no object with BIN '{}' is in the registry", key.chars().take(200).collect::<String>())
                    }
                    kind => format!(
                        "no {} numbered '{}' is in the registry",
                        kind.code(),
                        key.chars().take(200).collect::<String>()
                    ),
                },
            ));
        }
        let decision = match request.choice {
            MemberChoice::Accept => "accepted",
            MemberChoice::Reject => "rejected",
        };
        let about = match request.kind {
            ItemKind::Appeal => About { appeal_no: Some(key.clone()), ..About::default() },
            ItemKind::Inspection => About::default(),
            ItemKind::Object => About { subject_bin: Some(key.clone()), ..About::default() },
        };
        self.journal().run(|w| {
            w.insert_theme_member(&theme.name, request.kind.code(), &key, decision, &reason)?;
            let entry = Entry::ThemeMemberDecided {
                theme: theme.name.clone(),
                item_kind: request.kind.code().into(),
                item_key: key.clone(),
                decision: decision.into(),
                reason: reason.clone(),
            };
            w.append(&entry, about, None)?;
            Ok(())
        })?;
        self.theme_candidates(&theme.name, Some(100), None)
    }

    /// The themes in force with matching, undecided items imported since they were last looked
    /// after (saved, or an item decided about): the Desk's notice.
    pub fn theme_news(&self) -> Result<Vec<ThemeNews>, ApiError> {
        let themes = self.themes(false)?.themes;
        if themes.is_empty() {
            return Ok(Vec::new());
        }
        let registry = self.read().analytics_registry()?;
        let taxonomy = Taxonomy::builtin();
        let mut imported: HashMap<i64, (HashSet<String>, HashSet<String>)> = HashMap::new();
        let mut news = Vec::new();
        for theme in &themes {
            let seen = self.read().store().theme_seen_import(&theme.name)?;
            let (appeals, inspections) = match imported.entry(seen) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => e.insert(self.read().store().imported_after(seen)?),
            };
            // New, matching by the filters, and not yet decided either way.
            let matcher = Matcher::new(&theme.definition, &registry, taxonomy);
            let d = &theme.decided;
            let new = match theme.series {
                SeriesKind::Appeals if !appeals.is_empty() => registry
                    .appeals
                    .iter()
                    .filter(|a| appeals.contains(&*a.appeal_no) && matcher.appeal_matches(a))
                    .filter(|a| {
                        !d.accepted_appeals.contains(&*a.appeal_no) && !d.rejected_appeals.contains(&*a.appeal_no)
                    })
                    .count(),
                SeriesKind::Inspections if !inspections.is_empty() => registry
                    .inspections
                    .iter()
                    .filter(|f| inspections.contains(&*f.registry_no) && matcher.inspection_matches(f))
                    .filter(|f| {
                        !d.accepted_inspections.contains(&*f.registry_no)
                            && !d.rejected_inspections.contains(&*f.registry_no)
                    })
                    .count(),
                _ => 0,
            };
            if new > 0 {
                news.push(ThemeNews { name: theme.name.clone(), version: theme.version, series: theme.series, new });
            }
        }
        Ok(news)
    }
}
