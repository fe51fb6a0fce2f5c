//! What each screen of the UI shows, assembled in one call so a screen renders from one answer:
//! the prosecutor's desk (tasks, new appeals, high-risk objects of the user's district), the case
//! card with its six blocks and the suggested next step, the supervisor's overdue list and map
//! figures, and the user's preferences. The UI adds nothing but layout and words.

use crate::api::session::handles::Read;
use crate::api::session::handles::{Journal, Kernel};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::api::deadlines::explain;
use crate::api::tasks::NewTaskRequest;
use crate::api::{ApiError, CreatedTasks, Desk, ErrorCode, TaskView};
use crate::domain::card::Card;
use crate::domain::deadline::{Deadline, Period, Unit};
use crate::domain::journal::{Entry, RecordRef};
use crate::domain::norms::Localized;
use crate::domain::procedure::{stage_of, ActTemplate, CardFacts, GroundReason, Procedure};
use crate::domain::tasks::{Stage, Suggestion, Task, TaskKind};
use crate::store::About;
use crate::store::{AppealHeadline, RegionOverview, RiskyObject};

/// The screens' own reads and answers: the preferences, home, the case screen, the overdue list, the regions. `Session::screens` lends it; it holds the kernel and nothing else.
pub struct Screens<'s> {
    kernel: Kernel<'s>,
}

impl<'s> Screens<'s> {
    pub(in crate::api) fn new(kernel: Kernel<'s>) -> Screens<'s> {
        Screens { kernel }
    }

    pub(in crate::api) fn read(&self) -> Read<'_> {
        self.kernel.read()
    }

    pub(in crate::api) fn journal(&mut self) -> Journal<'_> {
        self.kernel.journal()
    }
}

/// Who the user is and how the UI should speak; kept in the database's settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct Preferences {
    /// `ru`, `kk` or `en`.
    pub language: String,
    /// The assignee whose desk opens first; all tasks when none.
    pub assignee: Option<String>,
    /// The unit new tasks are filed under.
    pub unit: Option<String>,
    /// The user's district (KATO region code) for the desk's high-risk objects and new appeals.
    pub region: Option<String>,
}

/// The prosecutor's desk.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct HomeScreen {
    pub desk: Desk,
    /// Appeals received in the last 7 calendar days, newest first.
    pub new_appeals: Vec<AppealHeadline>,
    pub high_risk: Vec<RiskyObject>,
    pub preferences: Preferences,
    /// Everyone who has tasks, for choosing whose desk to see.
    pub assignees: Vec<String>,
}

/// A norm that applies to the object, with the deadline it sets where the data gives the event.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct GroundView {
    pub norm_id: String,
    pub name_ru: String,
    pub name_kk: String,
    pub name_en: String,
    /// The act, article, part and edition of the version in force on the event's day (today's when
    /// there is no event).
    pub basis: Localized,
    /// None when the act itself sets the period (a resolution's).
    pub period: Option<Period>,
    pub verified: bool,
    pub note: Option<Localized>,
    /// Which law governs the deadline, in words.
    pub governs: Localized,
    /// The norm's revision in this database.
    pub version: Option<u32>,
    pub because: GroundReason,
    pub deadline: Option<Deadline>,
}

/// The case card screen: the card and its six blocks, with the stage and the suggested step.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct CaseScreen {
    /// The day the screen was made for (the session's today): what a task's "done on" defaults to.
    pub today: NaiveDate,
    pub card: Card,
    pub stage: Stage,
    pub grounds: Vec<GroundView>,
    pub acts: Vec<ActTemplate>,
    /// The stage's evidence checklist: each item satisfied by the data or by a person's tick.
    pub checklist: Vec<crate::api::ChecklistState>,
    /// The checklist of each act offered, with what is still missing before it goes out.
    pub act_checklists: Vec<crate::api::ActChecklist>,
    pub attachments: Vec<crate::store::Attachment>,
    pub issued_acts: Vec<crate::store::IssuedAct>,
    /// What became of the issued acts (oldest first), and what read answers propose for them.
    pub act_outcomes: Vec<crate::store::ActOutcomeRow>,
    pub outcome_proposals: Vec<crate::api::OutcomeProposal>,
    /// What later registry data say of each issued act over a year (`analytics::verification`).
    pub act_verifications: Vec<crate::analytics::verification::ActVerification>,
    /// Every task about the object (open first, then by due date).
    pub tasks: Vec<TaskView>,
    pub suggestion: Option<Suggestion>,
    /// The object's history from the journal, newest last (the latest 100 entries): who did what,
    /// when, and why.
    pub journal: Vec<crate::api::JournalLine>,
}

/// One overdue task for the supervisor's list.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct OverdueRow {
    pub id: i64,
    pub title: String,
    pub kind: TaskKind,
    pub subject_bin: Option<String>,
    pub appeal_no: Option<String>,
    pub assignee: String,
    pub unit: String,
    pub region_code: Option<String>,
    /// The district of the task's object (four KATO digits), for the districts' map.
    pub district: Option<String>,
    pub category: Option<String>,
    pub due: NaiveDate,
    pub working_days_late: i32,
}

impl OverdueRow {
    /// The supervisor's view of an overdue task: the task's own fields and how late it is.
    pub fn of(t: &Task, working_days_late: i32) -> OverdueRow {
        OverdueRow {
            id: t.id,
            title: t.title.clone(),
            kind: t.kind,
            subject_bin: t.subject_bin.clone(),
            appeal_no: t.appeal_no.clone(),
            assignee: t.assignee.clone(),
            unit: t.unit.clone(),
            region_code: t.region_code.clone(),
            district: t.district.clone(),
            category: t.category.clone(),
            due: t.current_due,
            working_days_late,
        }
    }
}

impl Screens<'_> {
    /// The face's preferences (language, the person, unit and region it shows).
    pub fn preferences(&self) -> Result<Preferences, ApiError> {
        self.read().preferences()
    }

    pub fn set_preferences(&mut self, preferences: &Preferences) -> Result<Preferences, ApiError> {
        if !["ru", "kk", "en"].contains(&preferences.language.as_str()) {
            return Err(ApiError::new(
                ErrorCode::InvalidInput,
                format!("language '{}' is not ru, kk or en", preferences.language),
            ));
        }
        if let Some(region) = &preferences.region {
            if crate::domain::territory::region_by_code(region).is_none() {
                return Err(ApiError::new(ErrorCode::InvalidInput, format!("'{region}' is not a region code")));
            }
        }
        for (key, value) in
            [("ui.assignee", &preferences.assignee), ("ui.unit", &preferences.unit), ("ui.region", &preferences.region)]
        {
            if value.as_deref().is_some_and(|v| v.chars().count() > 200) {
                return Err(ApiError::new(ErrorCode::InvalidInput, format!("{key} is longer than 200 characters")));
            }
        }
        // One write for the whole form: each changed setting is its own entry.
        let mut changed = Vec::new();
        let language = Some(preferences.language.clone());
        for (key, value) in [
            ("ui.language", &language),
            ("ui.assignee", &preferences.assignee),
            ("ui.unit", &preferences.unit),
            ("ui.region", &preferences.region),
        ] {
            let value = value.as_deref().unwrap_or("").trim().to_string();
            if self.read().store().setting(key)?.unwrap_or_default() != value
                || self.read().store().setting(key)?.is_none()
            {
                changed.push((key, value));
            }
        }
        if !changed.is_empty() {
            self.journal().run(|w| {
                for (key, value) in &changed {
                    w.set_setting(key, value)?;
                    let entry = Entry::SettingChanged { key: key.to_string(), value: value.clone() };
                    w.append(&entry, About::default(), Some(RecordRef::Setting(key.to_string())))?;
                }
                Ok(())
            })?;
        }
        self.preferences()
    }

    /// The desk of the preferred assignee (or of `assignee` when given; everyone's for "").
    pub fn home(&mut self, today: NaiveDate, assignee: Option<&str>) -> Result<HomeScreen, ApiError> {
        let preferences = self.read().preferences()?;
        let who = match assignee {
            Some("") => None,
            Some(a) => Some(a.to_string()),
            None => preferences.assignee.clone(),
        };
        let desk = self.kernel.lend().tasks().desk(today, who.as_deref())?;
        let since = (today - Days::new(7)).to_string();
        let region = preferences.region.as_deref();
        let mut assignees: Vec<String> = self.read().graph()?.tasks().map(|t| t.assignee.clone()).collect();
        assignees.sort();
        assignees.dedup();
        Ok(HomeScreen {
            desk,
            new_appeals: self.read().store().recent_appeals(&since, region, 50)?,
            high_risk: self.read().store().high_risk_objects(region, 20)?,
            preferences,
            assignees,
        })
    }

    /// The case card of one object with every block the screen shows.
    pub fn case_screen(&mut self, bin: &str, today: NaiveDate) -> Result<CaseScreen, ApiError> {
        let card = self.kernel.lend().registry().card(bin)?;
        let bin = card.subject.bin.clone();
        let graph = self.read().graph()?;
        let calendar = self.read().calendar()?;
        let mut tasks: Vec<TaskView> = graph
            .tasks()
            .filter(|t| t.subject_bin.as_deref() == Some(bin.as_str()))
            .map(|t| self.read().view(&graph, &calendar, t.id, today))
            .collect::<Result<_, _>>()?;
        tasks.sort_by_key(|v| (!v.task.is_open(), v.task.current_due, v.task.id));
        let stage = stage_of(tasks.iter().map(|v| (v.task.kind, v.task.is_open())));
        let catalog = self.read().norms()?;
        let mut grounds: Vec<GroundView> = Vec::new();
        let ground = |grounds: &mut Vec<GroundView>,
                      norm_id: &str,
                      because: GroundReason,
                      event: Option<NaiveDate>|
         -> Result<(), ApiError> {
            if let Some(norm) = catalog.at(norm_id, event.unwrap_or(today)) {
                let deadline = match (event, norm.period()) {
                    (Some(e), Some(p)) => Some(explain(&calendar, Some(&norm), p, e, None, None, &[])?),
                    _ => None,
                };
                grounds.push(GroundView {
                    norm_id: norm.id.clone(),
                    name_ru: norm.name.ru.clone(),
                    name_kk: norm.name.kk.clone(),
                    name_en: norm.name.en.clone(),
                    basis: norm.basis(),
                    period: norm.period(),
                    verified: norm.verified(),
                    note: norm.note(),
                    governs: norm.governs.clone(),
                    version: catalog.version(&norm.id),
                    because,
                    deadline,
                });
            }
            Ok(())
        };
        let procedure = Procedure::builtin();
        for g in procedure.grounds(&card) {
            ground(&mut grounds, &g.norm_id, g.because, g.event)?;
        }
        for view in tasks.iter().filter(|v| v.task.is_open()) {
            if let Some(norm_id) = &view.task.norm_id {
                let already = grounds.iter().any(|g| &g.norm_id == norm_id && g.deadline.is_some());
                if !already {
                    let because = GroundReason::Task { id: view.task.id, title: view.task.title.clone() };
                    ground(&mut grounds, norm_id, because, Some(view.task.event_date))?;
                }
            }
        }
        // What the procedure's conditions and signals read from the card.
        let facts = CardFacts::of(&card);
        let acts = procedure.acts_for(&facts);
        let subject_id = self.read().subject_id_of(&bin)?.1;
        let stage_items: Vec<_> =
            procedure.checklists.get(&stage).map(|items| items.iter().collect()).unwrap_or_default();
        let checklist = self.read().checklist_states(subject_id, &facts, &stage_items)?;
        let act_checklists = self.read().act_checklists_for(subject_id, &facts)?;
        let attachments = self.read().store().attachments(subject_id)?;
        let issued_acts = self.read().store().issued_acts(subject_id)?;
        let act_outcomes = self.read().store().act_outcomes_of_subject(subject_id)?;
        let outcome_proposals = self.read().outcome_proposals(subject_id, &issued_acts, &act_outcomes)?;
        let act_verifications = self.read().act_verifications(
            &card,
            &issued_acts,
            &act_outcomes,
            crate::analytics::verification::DEFAULT_HORIZON_DAYS,
        );
        let suggestion = self.kernel.lend().tasks().suggest_for_subject(&bin)?;
        let journal = self.read().journal_lines(&crate::api::JournalQuery {
            object: Some(bin.clone()),
            limit: Some(100),
            ..Default::default()
        })?;
        Ok(CaseScreen {
            today: self.read().today(),
            card,
            stage,
            grounds,
            acts,
            checklist,
            act_checklists,
            attachments,
            issued_acts,
            act_outcomes,
            outcome_proposals,
            act_verifications,
            tasks,
            suggestion,
            journal,
        })
    }

    /// Accepts the step suggested for an object: after its last task, or, when nothing has
    /// started, an information-gathering task with the working period the prosecutor sets.
    pub fn accept_for_subject(
        &mut self,
        bin: &str,
        assignee: &str,
        unit: &str,
        working_days: u32,
        today: NaiveDate,
    ) -> Result<CreatedTasks, ApiError> {
        let suggestion = self.kernel.lend().tasks().suggest_for_subject(bin)?.ok_or_else(|| {
            ApiError::new(ErrorCode::NothingSuggested, format!("nothing is suggested for {bin}: work is under way"))
        })?;
        let assignee = Some(assignee.trim()).filter(|a| !a.is_empty());
        match suggestion.after_task {
            Some(after) => self.kernel.lend().tasks().accept_suggestion(after, assignee.map(str::to_string)),
            None => {
                if !(1..=60).contains(&working_days) {
                    return Err(ApiError::new(
                        ErrorCode::InvalidInput,
                        "the working period must be 1 to 60 working days",
                    ));
                }
                let assignee = assignee.ok_or_else(|| {
                    ApiError::new(ErrorCode::InvalidInput, "choose who takes the task (Settings → me)")
                })?;
                let request = NewTaskRequest {
                    kind: suggestion.kind,
                    title: None,
                    subject_bin: Some(bin.trim().to_string()),
                    appeal_no: None,
                    assignee: assignee.to_string(),
                    unit: Some(unit.trim()).filter(|u| !u.is_empty()).unwrap_or("—").to_string(),
                    norm: None,
                    period: Some(Period { amount: working_days, unit: Unit::WorkingDays }),
                    event_date: Some(today),
                    depends_on: vec![],
                };
                self.kernel.lend().tasks().accept_first_step(&request)
            }
        }
    }

    /// Declines the step suggested for an object, logged against its last task.
    pub fn decline_for_subject(&mut self, bin: &str, reason: &str) -> Result<(), ApiError> {
        match self.kernel.lend().tasks().suggest_for_subject(bin)?.and_then(|s| s.after_task) {
            Some(after) => self.kernel.lend().tasks().decline_suggestion(after, reason),
            None => Err(ApiError::new(
                ErrorCode::InvalidInput,
                "only a step that follows a task can be declined; with no task yet, simply do not start one",
            )),
        }
    }

    /// Every overdue open task, most late first, for the supervisor's list.
    pub fn overdue(&self, today: NaiveDate) -> Result<Vec<OverdueRow>, ApiError> {
        let graph = self.read().graph()?;
        let calendar = self.read().calendar()?;
        let mut rows: Vec<OverdueRow> = graph
            .tasks()
            .filter(|t| t.is_open() && t.current_due < today)
            .map(|t| OverdueRow::of(t, -crate::domain::tasks::signed_working_days(&calendar, today, t.current_due)))
            .collect();
        rows.sort_by_key(|r| (std::cmp::Reverse(r.working_days_late), r.id));
        Ok(rows)
    }

    pub fn regions(&self) -> Result<Vec<RegionOverview>, ApiError> {
        Ok(self.read().store().regions_overview()?)
    }
}

impl Read<'_> {
    pub(in crate::api) fn preferences(&self) -> Result<Preferences, ApiError> {
        let get = |key: &str| self.store().setting(key);
        Ok(Preferences {
            language: get("ui.language")?.unwrap_or_else(|| "ru".into()),
            assignee: get("ui.assignee")?.filter(|s| !s.is_empty()),
            unit: get("ui.unit")?.filter(|s| !s.is_empty()),
            region: get("ui.region")?.filter(|s| !s.is_empty()),
        })
    }
}
