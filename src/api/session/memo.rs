//! What a session builds from storage and keeps between requests (the working-day calendar, the
//! norms in force, the task graph, the registry as analytics reads it, the last run of the anomaly
//! detectors, the registry replayed for the risk model) and the one rule that forgets it: what a
//! committed write names.
//!
//! Before this module each cache was dropped by hand after the writes its owner remembered (28
//! places); a write that forgot left a screen answering from before it. Now the kernel's write path
//! hands every commit's journal entries to `Memo::after_commit`, which forgets each cache whose
//! sources an entry names. Writes outside the journal (a conflict the office sent, a retention
//! sweep, a request that panicked) say so where they happen and call `forget`.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;

use crate::analytics::practices::Detection;
use crate::api::analytics::plan::RiskContext;
use crate::api::NormsInForce;
use crate::domain::calendar::Calendar;
use crate::domain::facts::Registry;
use crate::domain::journal::{RecordRef, StoredEntry};
use crate::domain::tasks::TaskGraph;

/// The caches of one session. Each has one owner that fills it (named beside it); any code may
/// forget it. The three keyed by the data version (registry, detection, risk) check their key at
/// every use, so a write that changes the registry makes them stale by itself.
#[derive(Default)]
pub(in crate::api) struct Memo {
    /// Filled by `Read::calendar` (in `deadlines/`).
    pub(in crate::api) calendar: RefCell<Option<Rc<Calendar>>>,
    /// Filled by `Read::norms` (in `deadlines/norms.rs`).
    pub(in crate::api) norms: RefCell<Option<Rc<NormsInForce>>>,
    /// Filled by `Read::graph` (in `tasks/`).
    pub(in crate::api) graph: RefCell<Option<Rc<TaskGraph>>>,
    /// The registry as analytics reads it, with the data version it was read at
    /// (`Read::analytics_registry`, in `analytics/risk.rs`).
    pub(in crate::api) registry: RefCell<Option<(String, Arc<Registry>)>>,
    /// The last run of the anomaly detectors, with the data version, day and settings it ran on:
    /// the list and then one anomaly opened from it do not run the detectors twice
    /// (`analytics::anomalies`).
    pub(in crate::api) detection: RefCell<Option<(String, Rc<Detection>)>>,
    /// The registry replayed for the risk model in force, with the data and model versions
    /// (`analytics::plan::risk_context`).
    pub(in crate::api) risk: RefCell<Option<(String, Rc<RiskContext>)>>,
    /// SQLite's `data_version` when the caches were last checked: it changes when any other
    /// connection (another program, or the host's other worker) commits.
    seen_data_version: Cell<Option<i64>>,
}

/// Which caches a commit makes stale, decided from its journal entries alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(in crate::api) struct Stale {
    pub calendar: bool,
    pub norms: bool,
    pub graph: bool,
}

impl Stale {
    /// What the entries of one commit name. The calendar is built from the calendar years, the
    /// norms from the catalogues and the versions recorded, so only entries naming those make them
    /// stale. The graph is built from the tasks joined with their objects and appeals, which almost
    /// every write touches: it is kept only when every entry is about a setting, a model, a calendar
    /// year or a norm and names no task, object or appeal — a write the graph cannot see.
    pub(in crate::api) fn of(entries: &[StoredEntry]) -> Stale {
        let mut stale = Stale::default();
        for entry in entries {
            let record = entry.record.as_deref().and_then(RecordRef::parse);
            match &record {
                Some(RecordRef::CalendarYear(_)) => stale.calendar = true,
                Some(RecordRef::NormCatalog(_) | RecordRef::Norm(_)) => stale.norms = true,
                _ => {}
            }
            let names_a_case = entry.task_id.is_some() || entry.subject_bin.is_some() || entry.appeal_no.is_some();
            let graph_blind = matches!(
                record,
                Some(
                    RecordRef::Setting(_)
                        | RecordRef::Model(_)
                        | RecordRef::CalendarYear(_)
                        | RecordRef::NormCatalog(_)
                        | RecordRef::Norm(_)
                )
            );
            if names_a_case || !graph_blind {
                stale.graph = true;
            }
        }
        stale
    }
}

impl Memo {
    /// Forgets what the entries of a commit make stale.
    pub(in crate::api) fn after_commit(&self, entries: &[StoredEntry]) {
        let stale = Stale::of(entries);
        if stale.calendar {
            self.calendar.take();
        }
        if stale.norms {
            self.norms.take();
        }
        if stale.graph {
            self.graph.take();
        }
    }

    /// Forgets the task graph alone: after a write outside the journal that tasks show (a
    /// conflict the office recorded), or to time a cold build of it.
    pub(in crate::api) fn forget_graph(&self) {
        self.graph.take();
    }

    /// Forgets everything (after a failed request, so nothing half-built stays; after a retention
    /// sweep destroyed rows outside any one entry's naming).
    pub(in crate::api) fn forget(&self) {
        self.calendar.take();
        self.norms.take();
        self.graph.take();
        self.registry.take();
        self.detection.take();
        self.risk.take();
    }

    /// Forgets everything when another connection committed since the last look (`now` is
    /// SQLite's `data_version`): a session that lives long then never answers from what was true
    /// before a colleague's sync or a command-line import.
    pub(in crate::api) fn forget_if_others_wrote(&self, now: i64) {
        if self.seen_data_version.replace(Some(now)).is_some_and(|seen| seen != now) {
            self.forget();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(record: Option<&str>, task: Option<i64>, subject: Option<&str>) -> StoredEntry {
        StoredEntry {
            seq: 1,
            at: String::new(),
            person: String::new(),
            face: String::new(),
            kind: String::new(),
            subject_bin: subject.map(str::to_string),
            appeal_no: None,
            task_id: task,
            record: record.map(str::to_string),
            state_digest: None,
            old_due: None,
            new_due: None,
            detail: String::new(),
            payload: String::new(),
            version: 2,
            personal_digest: None,
            prev_hash: String::new(),
            hash: String::new(),
            personal: None,
            redacted_by: None,
        }
    }

    #[test]
    fn a_setting_keeps_every_cache_a_calendar_year_only_the_graph() {
        assert_eq!(Stale::of(&[entry(Some("setting:ui.language"), None, None)]), Stale::default());
        assert_eq!(
            Stale::of(&[entry(Some("calendar:2026"), None, None)]),
            Stale { calendar: true, norms: false, graph: false }
        );
        assert!(Stale::of(&[entry(Some("norm:appk-64"), None, None)]).norms);
        assert!(Stale::of(&[entry(Some("norm_catalog:3"), None, None)]).norms);
    }

    #[test]
    fn anything_that_names_a_case_or_nothing_known_forgets_the_graph() {
        assert!(Stale::of(&[entry(Some("task:7"), Some(7), None)]).graph);
        assert!(Stale::of(&[entry(Some("setting:x"), None, Some("123456789012"))]).graph);
        assert!(Stale::of(&[entry(Some("import:2"), None, None)]).graph);
        assert!(Stale::of(&[entry(Some("table:appeals"), None, None)]).graph);
        assert!(Stale::of(&[entry(None, None, None)]).graph);
        assert!(Stale::of(&[entry(Some("no-such-kind:1"), None, None)]).graph);
        assert!(!Stale::of(&[]).graph);
    }

    #[test]
    fn another_connection_writing_forgets_everything_once() {
        let memo = Memo::default();
        memo.forget_if_others_wrote(1);
        *memo.graph.borrow_mut() = Some(Rc::new(TaskGraph::build(Vec::new(), &[])));
        memo.forget_if_others_wrote(1);
        assert!(memo.graph.borrow().is_some(), "the same version keeps the caches");
        memo.forget_if_others_wrote(2);
        assert!(memo.graph.borrow().is_none(), "a new version forgets them");
    }
}
