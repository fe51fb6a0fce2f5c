//! What the prosecutor reads of the pipeline: the queue of open appeals sorted by priority with
//! its reasons (the deadline rules judged today, against the consideration task), the heat map of
//! open and overdue appeals by district × category, the appeal card (masked text and what was
//! masked, the category with its explanation, priority rules, duplicates, route, SLA steps, every
//! decision and the journal), and the reference data the screens name things by.

use super::Appeals;
use crate::api::session::handles::Read;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::analytics::classifier::Prediction;
use crate::api::appeals::triage::{
    category_in_force, CategorySource, DuplicateExplanation, PriorityExplanation, RouteExplanation,
};
use crate::api::{ApiError, ErrorCode, JournalLine, JournalQuery};
use crate::domain::calendar::Calendar;
use crate::domain::privacy::Masked;
use crate::domain::triage::{FiredRule, PriorityRules, RoutingTable, Taxonomy};
use crate::store::{AppealTask, StoredDecision, TriageInput};

/// Which open appeals to list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct QueueFilter {
    /// A taxonomy code (a group's code covers its categories) or a label as written.
    pub category: Option<String>,
    pub unit: Option<String>,
    /// The first 4 digits of KATO.
    pub district: Option<String>,
    pub region: Option<String>,
    pub priority: Option<String>,
    #[serde(default)]
    pub overdue_only: bool,
    pub limit: Option<u32>,
}

/// One open appeal in the queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct QueueItem {
    pub appeal_no: String,
    pub received: String,
    pub region_code: Option<String>,
    pub district: Option<String>,
    pub subject_bin: Option<String>,
    pub category: Option<String>,
    pub category_code: Option<String>,
    pub category_source: CategorySource,
    /// The classifier's category and confidence, when it has judged the appeal.
    pub model_category: Option<String>,
    pub model_confidence: Option<f64>,
    pub priority: String,
    pub points: u32,
    /// The rules that fired: the text's and applicant's (stored at triage) and the deadline's (today).
    pub rules: Vec<FiredRule>,
    pub unit: Option<String>,
    pub forward: bool,
    pub due: Option<NaiveDate>,
    /// Working days from today to the due date; negative when overdue.
    pub days_left: Option<i64>,
    pub overdue: bool,
    pub duplicate_of: Option<String>,
}

/// One cell of the heat map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct HeatCell {
    pub district: String,
    pub region_code: Option<String>,
    /// The taxonomy code, or the label when the taxonomy does not know it.
    pub category: String,
    pub open: usize,
    pub overdue: usize,
}

/// The queue, and where it is stuck.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct AppealQueue {
    pub today: NaiveDate,
    /// Open appeals matching the filter, before the limit.
    pub total: usize,
    pub items: Vec<QueueItem>,
    /// Over every open appeal (not only the filtered ones), so a click narrows from the whole.
    pub heatmap: Vec<HeatCell>,
    pub priority_rules: String,
    pub routing: String,
}

/// One step of an appeal's SLA contour.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct SlaStep {
    /// `registration`, `forwarding` or `consideration`.
    pub step: String,
    pub norm_id: String,
    pub verified: bool,
    pub due: Option<NaiveDate>,
    /// `done`, `open`, `overdue`, `cancelled`; `registered` for the registration an import implies;
    /// `planned` for a step without its task yet; `with_group` for a repeat considered with the
    /// first appeal of its duplicate group.
    pub status: String,
    pub task_id: Option<i64>,
}

/// A stored decision, as the card shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct DecisionView {
    pub aspect: String,
    pub value: Option<String>,
    pub confidence: Option<f64>,
    /// The model or rule version, or `person`.
    pub basis: String,
    pub inputs_sha256: String,
    pub decided_at: String,
    pub author: String,
    pub reason: Option<String>,
}

/// The classifier's judgement of an appeal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ModelJudgement {
    pub model: String,
    pub decided_at: String,
    pub prediction: Prediction,
    /// Whether it agrees with the category in force.
    pub agrees: bool,
}

/// A member of the appeal's duplicate group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct GroupMember {
    pub appeal_no: String,
    pub received: String,
    pub similarity: Option<f64>,
}

/// The appeal's duplicate group: its first appeal and every appeal linked to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct DuplicateGroup {
    pub head: String,
    pub members: Vec<GroupMember>,
    /// Why this appeal joined the group, when it is not the head.
    pub explanation: Option<DuplicateExplanation>,
}

/// The appeal card.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct AppealCard {
    pub appeal_no: String,
    pub received: String,
    pub channel: Option<String>,
    pub applicant_category: Option<String>,
    /// The first characters of the applicant's pseudonym: enough to tell applicants apart.
    pub applicant: Option<String>,
    pub subject_bin: Option<String>,
    pub kato: Option<String>,
    pub region_code: Option<String>,
    pub text: Option<String>,
    /// The destruction act that cleared the appeal's personal data, if one did.
    pub destroyed_by: Option<String>,
    pub masked: Vec<Masked>,
    pub status: Option<String>,
    pub decided: Option<String>,
    pub outcome: Option<String>,
    pub open: bool,
    pub registered_category: Option<String>,
    pub category: Option<String>,
    pub category_code: Option<String>,
    pub category_source: CategorySource,
    pub model: Option<ModelJudgement>,
    pub priority: Option<PriorityExplanation>,
    /// The deadline rules judged today.
    pub deadline_rules: Vec<FiredRule>,
    /// The level and points today: the stored rules' and the deadline rules' together.
    pub priority_level: String,
    pub priority_points: u32,
    pub priority_basis: Option<String>,
    pub route: Option<RouteExplanation>,
    pub route_unit: Option<String>,
    pub route_by_person: bool,
    pub duplicates: Option<DuplicateGroup>,
    pub sla: Vec<SlaStep>,
    pub decisions: Vec<DecisionView>,
    pub history: Vec<JournalLine>,
}

/// The taxonomy, rules and units the screens name things by.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct AppealsReference {
    pub taxonomy: Taxonomy,
    pub priority: PriorityRules,
    pub routing: RoutingTable,
}

fn latest<'a>(decisions: &'a [StoredDecision], aspect: &str) -> Option<&'a StoredDecision> {
    decisions.iter().find(|d| d.aspect == aspect)
}

fn parse<T: serde::de::DeserializeOwned>(d: Option<&StoredDecision>) -> Option<T> {
    d.and_then(|d| serde_json::from_str(&d.explanation).ok())
}

/// Working days from `today` to `due`: positive ahead, negative behind, 0 on the day.
fn working_days_left(calendar: &Calendar, today: NaiveDate, due: NaiveDate) -> i64 {
    if due >= today {
        i64::from(calendar.working_days_after(today, due))
    } else {
        -i64::from(calendar.working_days_after(due, today)).max(1)
    }
}

fn district(kato: Option<&str>) -> Option<String> {
    kato.and_then(|k| k.get(..4)).map(str::to_string)
}

impl Appeals<'_> {
    /// The reference data of the appeals screens.
    pub fn reference(&self) -> AppealsReference {
        AppealsReference {
            taxonomy: Taxonomy::builtin().clone(),
            priority: PriorityRules::builtin().clone(),
            routing: RoutingTable::builtin().clone(),
        }
    }

    /// The open appeals sorted by priority (then by due date), with the heat map.
    pub fn queue(&self, filter: &QueueFilter) -> Result<AppealQueue, ApiError> {
        let today = self.read().today();
        let calendar = self.read().calendar()?;
        let rules = PriorityRules::builtin();
        let taxonomy = Taxonomy::builtin();
        let ids = self.read().store().open_appeal_ids()?;
        let mut all = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(5_000) {
            for a in self.read().store().triage_inputs(chunk)? {
                let decisions = self.read().store().current_decisions(a.id)?;
                let tasks = self.read().store().appeal_tasks(a.id)?;
                all.push(self.read().queue_item(&a, &decisions, &tasks, &calendar, today, rules, taxonomy));
            }
        }
        let mut heat: Vec<HeatCell> = Vec::new();
        for item in &all {
            let district = item.district.clone().unwrap_or_else(|| "—".into());
            let category = item.category_code.clone().or_else(|| item.category.clone()).unwrap_or_else(|| "—".into());
            match heat.iter_mut().find(|c| c.district == district && c.category == category) {
                Some(c) => {
                    c.open += 1;
                    c.overdue += usize::from(item.overdue);
                }
                None => heat.push(HeatCell {
                    district,
                    region_code: item.region_code.clone(),
                    category,
                    open: 1,
                    overdue: usize::from(item.overdue),
                }),
            }
        }
        heat.sort_by(|a, b| (&a.district, &a.category).cmp(&(&b.district, &b.category)));
        let wanted = |i: &QueueItem| {
            let category_ok = filter.category.as_deref().is_none_or(|c| {
                let c = c.trim();
                item_code_matches(i.category_code.as_deref(), c)
                    || i.category.as_deref().is_some_and(|l| l.to_lowercase() == c.to_lowercase())
            });
            category_ok
                && filter.unit.as_deref().is_none_or(|u| i.unit.as_deref() == Some(u))
                && filter
                    .district
                    .as_deref()
                    .is_none_or(|d| i.district.as_deref() == Some(d) || (d == "—" && i.district.is_none()))
                && filter.region.as_deref().is_none_or(|r| i.region_code.as_deref() == Some(r))
                && filter.priority.as_deref().is_none_or(|p| i.priority == p)
                && (!filter.overdue_only || i.overdue)
        };
        let mut items: Vec<QueueItem> = all.into_iter().filter(wanted).collect();
        items.sort_by(|a, b| {
            b.points
                .cmp(&a.points)
                .then(a.due.unwrap_or(NaiveDate::MAX).cmp(&b.due.unwrap_or(NaiveDate::MAX)))
                .then(a.received.cmp(&b.received))
        });
        let total = items.len();
        items.truncate(filter.limit.unwrap_or(500).clamp(1, 100_000) as usize);
        Ok(AppealQueue {
            today,
            total,
            items,
            heatmap: heat,
            priority_rules: rules.version.clone(),
            routing: RoutingTable::builtin().version.clone(),
        })
    }

    /// The card of one appeal (a read the office's access log is told of).
    pub fn card(&self, appeal_no: &str) -> Result<AppealCard, ApiError> {
        let card = self.read().appeal_card_unlogged(appeal_no)?;
        self.read().logged().appeal(&card.appeal_no)?;
        Ok(card)
    }
}

/// Whether a taxonomy code is `wanted` or inside the group `wanted`.
fn item_code_matches(code: Option<&str>, wanted: &str) -> bool {
    code.is_some_and(|c| c == wanted || c.starts_with(&format!("{wanted}.")))
}

impl Read<'_> {
    /// The card of one appeal, read by the program itself (the paper it hands the office when the
    /// appeal's task goes to a colleague), not by the person: no read to log.
    pub(in crate::api) fn appeal_card_unlogged(&self, appeal_no: &str) -> Result<AppealCard, ApiError> {
        let no = appeal_no.trim();
        let a = self.store().triage_input(no)?.ok_or_else(|| {
            ApiError::new(ErrorCode::NotFound, format!("no appeal {no} in {}", self.database().display()))
        })?;
        let today = self.today();
        let calendar = self.calendar()?;
        let norms = self.norms()?;
        let decisions = self.store().current_decisions(a.id)?;
        let tasks = self.store().appeal_tasks(a.id)?;
        let item =
            self.queue_item(&a, &decisions, &tasks, &calendar, today, PriorityRules::builtin(), Taxonomy::builtin());
        let history = self.store().decision_history(a.id)?;
        // The classifier's last word stays visible after a person corrected the category.
        let model_decision =
            history.iter().rev().find(|d| d.aspect == "category" && d.basis != crate::api::appeals::triage::BY_PERSON);
        let model = model_decision.and_then(|d| {
            let prediction: Prediction = serde_json::from_str(&d.explanation).ok()?;
            Some(ModelJudgement {
                model: d.basis.clone(),
                decided_at: d.decided_at.clone(),
                agrees: item
                    .category
                    .as_deref()
                    .is_some_and(|c| c.to_lowercase() == prediction.category.to_lowercase()),
                prediction,
            })
        });
        let duplicates = match latest(&decisions, "duplicate").and_then(|d| d.value.clone()) {
            Some(head) => Some((head, parse::<DuplicateExplanation>(latest(&decisions, "duplicate")))),
            None if !self.store().duplicate_group(&a.appeal_no)?.is_empty() => Some((a.appeal_no.clone(), None)),
            None => None,
        };
        let duplicates = match duplicates {
            Some((head, explanation)) => {
                let members = self
                    .store()
                    .duplicate_group(&head)?
                    .into_iter()
                    .map(|(appeal_no, received, similarity)| GroupMember { appeal_no, received, similarity })
                    .collect();
                Some(DuplicateGroup { head, members, explanation })
            }
            None => None,
        };
        // The SLA contour: registration (implied by the import: the appeal has its number),
        // forwarding when the route says so, and consideration — each with its norm's due date.
        let received: NaiveDate = a.received.parse().unwrap_or(today);
        let mut sla = Vec::new();
        let due_of = |norm_id: &str| {
            norms.at(norm_id, received).and_then(|n| {
                let period = n.period()?;
                let counting = crate::api::deadlines::counting_of(&n);
                crate::domain::deadline::compute_counted(&calendar, received, period, &[], counting)
                    .ok()
                    .map(|d| (d.due, n.verified()))
            })
        };
        let steps = &crate::domain::procedure::Procedure::builtin().norms;
        if let Some((due, verified)) = due_of(&steps.appeal_registration) {
            sla.push(SlaStep {
                step: "registration".into(),
                norm_id: steps.appeal_registration.clone(),
                verified,
                due: Some(due),
                status: "registered".into(),
                task_id: None,
            });
        }
        for (step, kind, norm) in [
            ("forwarding", "forward_appeal", steps.appeal_forwarding.as_str()),
            ("consideration", "consider_appeal", steps.appeal_consideration.as_str()),
        ] {
            let task = tasks.iter().rev().find(|t| t.kind == kind);
            if task.is_none() && (step == "forwarding" && !item.forward || !a.open) {
                continue;
            }
            let verified = norms.at(norm, received).is_some_and(|n| n.verified());
            let (due, status, task_id) = match task {
                Some(t) => {
                    let due = t.due.parse::<NaiveDate>().ok();
                    let overdue = t.status == "open" && due.is_some_and(|d| d < today);
                    (due, if overdue { "overdue".into() } else { t.status.clone() }, Some(t.id))
                }
                // A repeat is considered with the first appeal of its group.
                None if item.duplicate_of.is_some() => (None, "with_group".to_string(), None),
                None => (due_of(norm).map(|d| d.0), "planned".to_string(), None),
            };
            sla.push(SlaStep { step: step.into(), norm_id: norm.into(), verified, due, status, task_id });
        }
        let journal = self.journal_lines(&JournalQuery {
            object: None,
            task: None,
            appeal: Some(a.appeal_no.clone()),
            limit: Some(200),
        })?;
        let route_decision = latest(&decisions, "route");
        Ok(AppealCard {
            appeal_no: a.appeal_no.clone(),
            received: a.received.clone(),
            channel: a.channel.clone(),
            applicant_category: a.applicant_category.clone(),
            applicant: a.applicant_pseudonym.as_deref().map(|p| p.chars().take(8).collect()),
            subject_bin: a.subject_bin.clone(),
            kato: a.kato.clone(),
            region_code: a.region_code.clone(),
            text: a.text.clone(),
            destroyed_by: self.store().destroyed_by("appeal", &a.appeal_no)?,
            masked: a.masked.as_deref().and_then(|m| serde_json::from_str(m).ok()).unwrap_or_default(),
            status: a.status.clone(),
            decided: a.decided.clone(),
            outcome: a.outcome.clone(),
            open: a.open,
            registered_category: a.label.clone(),
            category: item.category.clone(),
            category_code: item.category_code.clone(),
            category_source: item.category_source,
            model,
            priority: parse(latest(&decisions, "priority")),
            deadline_rules: PriorityRules::builtin().judge_deadline(item.days_left),
            priority_level: item.priority.clone(),
            priority_points: item.points,
            priority_basis: latest(&decisions, "priority").map(|d| d.basis.clone()),
            route: parse(route_decision),
            route_unit: route_decision.and_then(|d| d.value.clone()),
            route_by_person: route_decision.is_some_and(|d| d.basis == crate::api::appeals::triage::BY_PERSON),
            duplicates,
            sla,
            decisions: history
                .into_iter()
                .map(|d| DecisionView {
                    aspect: d.aspect,
                    value: d.value,
                    confidence: d.confidence,
                    basis: d.basis,
                    inputs_sha256: d.inputs_sha256,
                    decided_at: d.decided_at,
                    author: d.author,
                    reason: d.reason,
                })
                .collect(),
            history: journal,
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn queue_item(
        &self,
        a: &TriageInput,
        decisions: &[StoredDecision],
        tasks: &[AppealTask],
        calendar: &Calendar,
        today: NaiveDate,
        rules: &PriorityRules,
        taxonomy: &Taxonomy,
    ) -> QueueItem {
        let model = latest(decisions, "category").filter(|d| d.basis != crate::api::appeals::triage::BY_PERSON);
        let (category, source) = category_in_force(a.label.as_deref(), decisions, None);
        let category_code = category.as_deref().and_then(|c| taxonomy.resolve(c)).map(|c| c.code.clone());
        let priority: Option<PriorityExplanation> = parse(latest(decisions, "priority"));
        let route: Option<RouteExplanation> = parse(latest(decisions, "route"));
        let due = tasks
            .iter()
            .filter(|t| t.kind == "consider_appeal" && t.status == "open")
            .filter_map(|t| t.due.parse::<NaiveDate>().ok())
            .min();
        let days_left = due.map(|d| working_days_left(calendar, today, d));
        let mut fired = priority.map(|p| p.rules).unwrap_or_default();
        fired.extend(rules.judge_deadline(days_left));
        let points = fired.iter().map(|f| f.points).sum();
        QueueItem {
            appeal_no: a.appeal_no.clone(),
            received: a.received.clone(),
            region_code: a.region_code.clone(),
            district: district(a.kato.as_deref()),
            subject_bin: a.subject_bin.clone(),
            category,
            category_code,
            category_source: source,
            model_category: model.and_then(|d| d.value.clone()),
            model_confidence: model.and_then(|d| d.confidence),
            priority: rules.level(points).code.clone(),
            points,
            rules: fired,
            unit: latest(decisions, "route").and_then(|d| d.value.clone()),
            forward: route.is_some_and(|r| r.route.forward_to.is_some()),
            due,
            days_left,
            overdue: due.is_some_and(|d| d < today),
            duplicate_of: latest(decisions, "duplicate").and_then(|d| d.value.clone()),
        }
    }
}
