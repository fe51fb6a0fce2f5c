//! `ekn themes propose` and the proposals on the Themes screen: groups of recent appeals that no
//! theme in force covers, found by `analytics::proposals`, each named by its words and described by
//! its categories, districts and most typical appeals, with a definition a person may edit and save
//! as a theme. A proposal is a hint, never a verdict and never about persons: only numbers, dates,
//! categories, places and masked texts are shown. Also the method's measure on a labelled file
//! (`--labelled`), the adjusted Rand index docs/THEMES.md reports.

use super::Analytics;
use std::collections::{HashMap, HashSet};
use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::analytics::proposals::{self, adjusted_rand_index, ProposalParams};
use crate::analytics::themes::{Matcher, SeriesKind, ThemeDefinition};
use crate::api::ApiError;
use crate::domain::facts::{date_of, day_of, district_text};
use crate::domain::norms::Localized;
use crate::domain::triage::taxonomy::Taxonomy;

/// Days before the date whose appeals are looked at, unless asked otherwise.
const DEFAULT_DAYS: u32 = 90;
/// Typical appeals shown per proposal, and how much of each masked text.
const EXAMPLES: usize = 3;
const SNIPPET_CHARS: usize = 200;
/// A category (or district) shared by this part of a proposal's appeals goes into its definition.
const DEFINING_SHARE: f64 = 0.25;
/// The measure on a labelled file clusters every text at once (HDBSCAN's time grows with the square).
const MAX_EVALUATED: usize = 20_000;

/// A word or word pair that names a proposal, and the share of its appeals that carry it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ProposalTerm {
    pub term: String,
    pub share: f64,
}

/// How many of a proposal's appeals have a value (a category's code, a district).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ProposalCount {
    pub value: String,
    pub count: usize,
}

/// One of a proposal's most typical appeals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ProposalExample {
    pub appeal_no: String,
    pub received: NaiveDate,
    pub category: Option<String>,
    /// The beginning of the masked text.
    pub snippet: String,
}

/// A group of recent appeals no theme covers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ThemeProposal {
    /// `P1`, `P2`, … in this report (largest first); not kept.
    pub id: String,
    pub size: usize,
    pub terms: Vec<ProposalTerm>,
    /// Categories (the taxonomy's codes where known) and districts, most frequent first.
    pub categories: Vec<ProposalCount>,
    pub districts: Vec<ProposalCount>,
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub examples: Vec<ProposalExample>,
    /// A name and a definition to start from: the categories and a district a quarter of its
    /// appeals share at least, its naming words as the seed. None when its appeals have no
    /// category the taxonomy knows (a theme of appeals needs one).
    pub suggested_name: String,
    pub suggested: Option<ThemeDefinition>,
}

/// `ekn themes propose`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ThemeProposalReport {
    pub as_of: NaiveDate,
    /// The first day of the window looked at.
    pub from: NaiveDate,
    pub method: String,
    pub params: ProposalParams,
    /// Appeals with a text received in the window; those a theme in force covers; those clustered
    /// (at most `params.max_texts`, the most recent, of the rest); those left as noise.
    pub with_text: usize,
    pub covered: usize,
    pub clustered: usize,
    pub noise: usize,
    pub proposals: Vec<ThemeProposal>,
    pub note: Localized,
    pub seconds: f64,
}

/// The method measured against a labelled file's categories.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ProposalEvaluation {
    pub file: String,
    pub sha256: String,
    pub texts: usize,
    pub categories: usize,
    pub method: String,
    pub params: ProposalParams,
    pub clusters: usize,
    /// The share of texts put in a cluster (the rest are noise).
    pub clustered_share: f64,
    /// Adjusted Rand index against the categories over all texts, noise counted as one cluster
    /// (as scikit-learn's `adjusted_rand_score` would), and over the clustered texts only.
    pub ari: f64,
    pub ari_clustered: f64,
    /// Per text in file order, its cluster (-1 noise), for comparing with another method.
    pub labels: Vec<i32>,
    pub seconds: f64,
}

/// What the proposals are, in three languages.
pub fn proposals_note() -> Localized {
    Localized {
        ru: "Предложения — группы похожих недавних обращений, которые не покрывает ни одна тема. Это подсказка для человека, а не вывод; тема создаётся только по его решению.".into(),
        kk: "Ұсыныстар — ешбір тақырып қамтымаған, ұқсас соңғы өтініштер топтары. Бұл адамға арналған кеңес, қорытынды емес; тақырып тек оның шешімімен жасалады.".into(),
        en: "Proposals are groups of similar recent appeals that no theme covers. They are a hint for a person, not a finding; a theme is made only by their decision.".into(),
    }
}

fn ranked(counts: HashMap<String, usize>) -> Vec<ProposalCount> {
    let mut list: Vec<ProposalCount> =
        counts.into_iter().map(|(value, count)| ProposalCount { value, count }).collect();
    list.sort_by(|a, b| b.count.cmp(&a.count).then(a.value.cmp(&b.value)));
    list
}

impl Analytics<'_> {
    /// Groups of the appeals received in the `days` before `as_of` (default today, 90 days) that
    /// no theme in force covers.
    pub fn theme_proposals(
        &self,
        as_of: Option<NaiveDate>,
        days: Option<u32>,
    ) -> Result<ThemeProposalReport, ApiError> {
        let started = std::time::Instant::now();
        let as_of = as_of.unwrap_or_else(|| self.read().today());
        let days = days.unwrap_or(DEFAULT_DAYS).clamp(7, 3 * 365);
        // A date typed or sent near the calendar's ends must not overflow the window.
        let from = as_of
            .checked_sub_days(chrono::Days::new(u64::from(days) - 1))
            .ok_or_else(|| ApiError::invalid(format!("as_of: {as_of} leaves no {days} days before it")))?;
        let params = ProposalParams::default();
        let registry = self.read().analytics_registry()?;
        let taxonomy = Taxonomy::builtin();

        let (first_day, last_day) = (day_of(from), day_of(as_of));
        let facts: HashMap<&str, usize> = registry
            .appeals
            .iter()
            .enumerate()
            .filter(|(_, a)| a.received >= first_day && a.received <= last_day)
            .map(|(i, a)| (&*a.appeal_no, i))
            .collect();
        let themes = self.themes(false)?.themes;
        let matchers: Vec<Matcher> = themes
            .iter()
            .filter(|t| t.series == SeriesKind::Appeals)
            .map(|t| Matcher::new(&t.definition, &registry, taxonomy).with_decisions(&t.decided, &registry))
            .collect();
        let covered: HashSet<&str> = facts
            .iter()
            .filter(|(_, &i)| matchers.iter().any(|m| m.appeal(&registry.appeals[i])))
            .map(|(&n, _)| n)
            .collect();

        let texts = self.read().store().appeal_texts_received(&from.to_string(), &as_of.to_string())?;
        let with_text = texts.len();
        let mut uncovered: Vec<(String, String)> =
            texts.into_iter().filter(|(n, _)| !covered.contains(n.as_str())).collect();
        let covered_with_text = with_text - uncovered.len();
        // The most recent first: the rest are counted, not clustered.
        uncovered.truncate(params.max_texts);
        let bodies: Vec<String> = uncovered.iter().map(|(_, t)| t.clone()).collect();
        let clustering = proposals::cluster_texts(&bodies, &params);

        let category_of = |i: usize| -> Option<String> {
            let label = registry.categories.get(registry.appeals[i].category? as usize)?;
            Some(taxonomy.code_or_label(label))
        };
        let mut proposals = Vec::new();
        for (g, group) in clustering.groups.iter().enumerate() {
            let mut categories: HashMap<String, usize> = HashMap::new();
            let mut districts: HashMap<String, usize> = HashMap::new();
            let mut days_seen: Vec<i32> = Vec::new();
            for &m in &group.members {
                let Some(&i) = facts.get(uncovered[m].0.as_str()) else { continue };
                let fact = &registry.appeals[i];
                days_seen.push(fact.received);
                if let Some(c) = category_of(i) {
                    *categories.entry(c).or_default() += 1;
                }
                if let Some(k) = fact.kato {
                    *districts.entry(district_text((k / 100_000) as u16)).or_default() += 1;
                }
            }
            let size = group.members.len();
            let categories = ranked(categories);
            let districts = ranked(districts);
            let examples = group
                .members
                .iter()
                .take(EXAMPLES)
                .filter_map(|&m| {
                    let (number, text) = &uncovered[m];
                    let i = *facts.get(number.as_str())?;
                    Some(ProposalExample {
                        appeal_no: number.clone(),
                        received: date_of(registry.appeals[i].received),
                        category: category_of(i),
                        snippet: text.chars().take(SNIPPET_CHARS).collect(),
                    })
                })
                .collect();
            let terms: Vec<ProposalTerm> =
                group.terms.iter().map(|(term, share)| ProposalTerm { term: term.clone(), share: *share }).collect();
            let defining = |count: usize| count as f64 >= DEFINING_SHARE * size as f64;
            let codes: Vec<String> = categories
                .iter()
                .filter(|c| defining(c.count) && taxonomy.get(&c.value).is_some())
                .map(|c| c.value.clone())
                .collect();
            let kato: Vec<String> = districts
                .first()
                .filter(|d| d.count as f64 >= 0.6 * size as f64)
                .map(|d| vec![d.value.clone()])
                .unwrap_or_default();
            let seed = terms.iter().take(3).map(|t| t.term.clone()).collect::<Vec<_>>().join(", ");
            let suggested = (!codes.is_empty()).then(|| ThemeDefinition {
                categories: codes,
                kato,
                seed: (!seed.is_empty()).then_some(seed),
                ..ThemeDefinition::default()
            });
            proposals.push(ThemeProposal {
                id: format!("P{}", g + 1),
                size,
                suggested_name: terms.iter().take(2).map(|t| t.term.as_str()).collect::<Vec<_>>().join(" · "),
                terms,
                categories,
                districts,
                first: days_seen.iter().min().map_or(from, |&d| date_of(d)),
                last: days_seen.iter().max().map_or(as_of, |&d| date_of(d)),
                examples,
                suggested,
            });
        }
        Ok(ThemeProposalReport {
            as_of,
            from,
            method: proposals::METHOD.into(),
            params,
            with_text,
            covered: covered_with_text,
            clustered: uncovered.len(),
            noise: clustering.labels.iter().filter(|&&l| l < 0).count(),
            proposals,
            note: proposals_note(),
            seconds: started.elapsed().as_secs_f64(),
        })
    }
}

/// `ekn themes propose --labelled FILE`: the proposals' method run on a labelled file's texts
/// (masked as they are read), its clusters measured against the file's categories.
pub fn evaluate_proposals(file: &Path) -> Result<ProposalEvaluation, ApiError> {
    let started = std::time::Instant::now();
    let labelled = crate::ingest::labelled::read_labelled(file)?;
    let texts: Vec<String> = labelled.rows.iter().map(|r| r.text.clone()).collect();
    if texts.len() < 2 {
        return Err(ApiError::invalid(format!(
            "{}: {} labelled text(s); a clustering is measured on two at least",
            file.display(),
            texts.len()
        )));
    }
    if texts.len() > MAX_EVALUATED {
        return Err(ApiError::invalid(format!(
            "{}: {} texts; the measure clusters all of them at once, at most {MAX_EVALUATED} (take a sample)",
            file.display(),
            texts.len()
        )));
    }
    let params = ProposalParams { max_texts: texts.len(), ..ProposalParams::default() };
    let clustering = proposals::cluster_texts(&texts, &params);
    let mut codes: HashMap<&str, i64> = HashMap::new();
    let truth: Vec<i64> = labelled
        .rows
        .iter()
        .map(|r| {
            let next = codes.len() as i64;
            *codes.entry(r.category.as_str()).or_insert(next)
        })
        .collect();
    let got: Vec<i64> = clustering.labels.iter().map(|&l| i64::from(l)).collect();
    let kept: Vec<usize> = (0..got.len()).filter(|&i| got[i] >= 0).collect();
    let pick = |v: &[i64]| kept.iter().map(|&i| v[i]).collect::<Vec<_>>();
    Ok(ProposalEvaluation {
        file: file.display().to_string(),
        sha256: labelled.sha256,
        texts: texts.len(),
        categories: codes.len(),
        method: proposals::METHOD.into(),
        params,
        clusters: clustering.groups.len(),
        clustered_share: if texts.is_empty() { 0.0 } else { kept.len() as f64 / texts.len() as f64 },
        ari: adjusted_rand_index(&truth, &got),
        ari_clustered: adjusted_rand_index(&pick(&truth), &pick(&got)),
        labels: clustering.labels,
        seconds: started.elapsed().as_secs_f64(),
    })
}
