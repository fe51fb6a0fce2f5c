//! The deadline task graph: procedural tasks, their dependencies, and what follows from them —
//! which tasks are blocked, which slip together, how urgent each is (with the reasons), which
//! reminders fire, and which next step the stage of a case suggests.
//!
//! Like TaskChampion's dependency map, the graph is built once from storage and then queried in
//! memory; nothing here does I/O.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use petgraph::graphmap::DiGraphMap;
use petgraph::Direction;
use serde::{Deserialize, Serialize};

use super::calendar::Calendar;
use super::deadline::working_days_between;

/// What a task is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    GatherInformation,
    ConsiderAppeal,
    InspectionCheck,
    IssueResponse,
    ControlExecution,
    FollowUp,
}

impl TaskKind {
    pub const ALL: [TaskKind; 6] = [
        Self::GatherInformation,
        Self::ConsiderAppeal,
        Self::InspectionCheck,
        Self::IssueResponse,
        Self::ControlExecution,
        Self::FollowUp,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::GatherInformation => "gather_information",
            Self::ConsiderAppeal => "consider_appeal",
            Self::InspectionCheck => "inspection_check",
            Self::IssueResponse => "issue_response",
            Self::ControlExecution => "control_execution",
            Self::FollowUp => "follow_up",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The supervision stage a task of this kind belongs to.
    pub fn stage(self) -> Stage {
        match self {
            Self::GatherInformation | Self::ConsiderAppeal => Stage::InformationGathering,
            Self::InspectionCheck => Stage::Inspection,
            Self::IssueResponse => Stage::Response,
            Self::ControlExecution | Self::FollowUp => Stage::ControlOfExecution,
        }
    }
}

/// Supervision runs in stages: information gathering → inspection → act of response → control of execution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    InformationGathering,
    Inspection,
    Response,
    ControlOfExecution,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    Open,
    Done,
    Cancelled,
}

impl TaskStatus {
    pub fn code(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Done => "done",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Open, Self::Done, Self::Cancelled].into_iter().find(|s| s.code() == code)
    }
}

/// One task as the graph needs it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Task {
    pub id: i64,
    pub kind: TaskKind,
    pub title: String,
    pub subject_bin: Option<String>,
    pub appeal_no: Option<String>,
    pub assignee: String,
    pub unit: String,
    pub region_code: Option<String>,
    pub category: Option<String>,
    pub norm_id: Option<String>,
    pub event_date: NaiveDate,
    pub original_due: NaiveDate,
    pub current_due: NaiveDate,
    pub status: TaskStatus,
    pub done_on: Option<NaiveDate>,
    pub note: Option<String>,
    /// The latest risk score (0–100) of the task's object, if any.
    pub risk: Option<f64>,
}

impl Task {
    pub fn is_open(&self) -> bool {
        self.status == TaskStatus::Open
    }

    pub fn extended(&self) -> bool {
        self.current_due != self.original_due
    }
}

/// Why a dependency was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GraphError {
    #[error("task {0} does not exist")]
    UnknownTask(i64),
    #[error("a task cannot depend on itself (task {0})")]
    SelfDependency(i64),
    #[error("this dependency would close a cycle: {}", cycle.iter().map(|id| format!("#{id}")).collect::<Vec<_>>().join(" → "))]
    Cycle { cycle: Vec<i64> },
}

/// Tasks and "depends on" edges, held in memory. An edge `a → b` means a waits for b.
#[derive(Debug, Clone, Default)]
pub struct TaskGraph {
    tasks: HashMap<i64, Task>,
    graph: DiGraphMap<i64, ()>,
}

impl TaskGraph {
    /// Builds the graph from stored tasks and `(task, depends_on)` pairs.
    pub fn build(tasks: Vec<Task>, dependencies: &[(i64, i64)]) -> TaskGraph {
        let mut graph = DiGraphMap::with_capacity(tasks.len(), dependencies.len());
        for task in &tasks {
            graph.add_node(task.id);
        }
        for &(task, prerequisite) in dependencies {
            graph.add_edge(task, prerequisite, ());
        }
        TaskGraph { tasks: tasks.into_iter().map(|t| (t.id, t)).collect(), graph }
    }

    pub fn task(&self, id: i64) -> Option<&Task> {
        self.tasks.get(&id)
    }

    pub fn tasks(&self) -> impl Iterator<Item = &Task> {
        self.tasks.values()
    }

    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    /// Checks that `task` may depend on `prerequisite`; a cycle is refused with the cycle named.
    pub fn check_dependency(&self, task: i64, prerequisite: i64) -> Result<(), GraphError> {
        for id in [task, prerequisite] {
            if !self.tasks.contains_key(&id) {
                return Err(GraphError::UnknownTask(id));
            }
        }
        if task == prerequisite {
            return Err(GraphError::SelfDependency(task));
        }
        // A cycle exists if the prerequisite already waits (transitively) for the task.
        if let Some(path) = self.path(prerequisite, task) {
            let mut cycle = vec![task];
            cycle.extend(path);
            return Err(GraphError::Cycle { cycle });
        }
        Ok(())
    }

    /// Adds an edge after `check_dependency` accepted it.
    pub fn add_dependency(&mut self, task: i64, prerequisite: i64) -> Result<(), GraphError> {
        self.check_dependency(task, prerequisite)?;
        self.graph.add_edge(task, prerequisite, ());
        Ok(())
    }

    /// A path of "waits for" edges from `from` to `to`, both included, by breadth-first search.
    fn path(&self, from: i64, to: i64) -> Option<Vec<i64>> {
        let mut parent: HashMap<i64, i64> = HashMap::new();
        let mut queue = std::collections::VecDeque::from([from]);
        let mut seen = BTreeSet::from([from]);
        while let Some(node) = queue.pop_front() {
            if node == to {
                let mut path = vec![to];
                let mut at = to;
                while let Some(&p) = parent.get(&at) {
                    path.push(p);
                    at = p;
                }
                path.reverse();
                return Some(path);
            }
            for next in self.graph.neighbors_directed(node, Direction::Outgoing) {
                if seen.insert(next) {
                    parent.insert(next, node);
                    queue.push_back(next);
                }
            }
        }
        None
    }

    /// Open prerequisites of a task: while any exists, the task is blocked.
    pub fn open_prerequisites(&self, id: i64) -> Vec<i64> {
        let mut open: Vec<i64> = self
            .graph
            .neighbors_directed(id, Direction::Outgoing)
            .filter(|p| self.tasks.get(p).is_some_and(Task::is_open))
            .collect();
        open.sort_unstable();
        open
    }

    pub fn is_blocked(&self, id: i64) -> bool {
        !self.open_prerequisites(id).is_empty()
    }

    /// Every open task that waits, directly or through others, for `id`: what slips when it slips.
    pub fn slip_chain(&self, id: i64) -> Vec<i64> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![id];
        while let Some(node) = stack.pop() {
            for dependent in self.graph.neighbors_directed(node, Direction::Incoming) {
                if seen.insert(dependent) {
                    stack.push(dependent);
                }
            }
        }
        seen.into_iter().filter(|t| self.tasks.get(t).is_some_and(Task::is_open)).collect()
    }

    /// Tasks that wait directly for `id`.
    pub fn dependents(&self, id: i64) -> Vec<i64> {
        let mut list: Vec<i64> = self.graph.neighbors_directed(id, Direction::Incoming).collect();
        list.sort_unstable();
        list
    }

    /// How urgent an open task is, and why.
    pub fn urgency(&self, calendar: &Calendar, id: i64, today: NaiveDate) -> Urgency {
        let task = &self.tasks[&id];
        let days = signed_working_days(calendar, today, task.current_due);
        // Deadline: 100 when due today, rising by 10 a working day overdue, falling by 8 a day ahead.
        let deadline =
            if days <= 0 { 100.0 + 10.0 * f64::from(-days) } else { (100.0 - 8.0 * f64::from(days)).max(0.0) };
        let blocking = 15.0 * self.slip_chain(id).len() as f64;
        let risk = task.risk.map_or(0.0, |score| score / 5.0);
        Urgency {
            score: round1(deadline + blocking + risk),
            working_days_left: days,
            from_deadline: round1(deadline),
            from_blocking: round1(blocking),
            from_risk: round1(risk),
        }
    }

    /// The reminders of an open task that fire on `today`: 5 and 1 working days before the due
    /// date, on the day, then every working day while overdue.
    pub fn reminders_due(&self, calendar: &Calendar, today: NaiveDate) -> Vec<Reminder> {
        // Counted from a day off, Friday's count repeats on Saturday and Sunday: reminders fire
        // on working days only, when someone is at the desk to act on them.
        if !calendar.is_working(today) {
            return Vec::new();
        }
        let mut fired: Vec<Reminder> = self
            .tasks
            .values()
            .filter(|t| t.is_open())
            .filter_map(|t| {
                let days = signed_working_days(calendar, today, t.current_due);
                let kind = match days {
                    5 => ReminderKind::FiveDaysBefore,
                    1 => ReminderKind::OneDayBefore,
                    0 => ReminderKind::DueToday,
                    d if d < 0 => ReminderKind::Overdue,
                    _ => return None,
                };
                Some(Reminder { task_id: t.id, kind, due: t.current_due, working_days_left: days })
            })
            .collect();
        fired.sort_by_key(|r| (r.working_days_left, r.task_id));
        fired
    }

    /// What slips through: acts of response without control of execution, overdue tasks with no
    /// extension and no note, finished steps nobody followed up.
    pub fn slips(&self, calendar: &Calendar, today: NaiveDate) -> Vec<Slip> {
        let mut slips = Vec::new();
        let mut ids: Vec<&i64> = self.tasks.keys().collect();
        ids.sort_unstable();
        for &id in ids {
            let task = &self.tasks[&id];
            let dependents: Vec<&Task> = self.dependents(id).iter().filter_map(|d| self.tasks.get(d)).collect();
            if task.kind == TaskKind::IssueResponse
                && task.status != TaskStatus::Cancelled
                && !dependents.iter().any(|d| d.kind == TaskKind::ControlExecution)
            {
                slips.push(Slip { task_id: id, kind: SlipKind::ResponseWithoutControl, chain: Vec::new() });
            }
            if task.is_open()
                && signed_working_days(calendar, today, task.current_due) < 0
                && !task.extended()
                && task.note.as_deref().is_none_or(|n| n.trim().is_empty())
            {
                slips.push(Slip {
                    task_id: id,
                    kind: SlipKind::OverdueWithoutExtensionOrNote,
                    chain: self.slip_chain(id),
                });
            }
            let expects_next = matches!(task.kind, TaskKind::GatherInformation | TaskKind::InspectionCheck);
            if task.status == TaskStatus::Done && expects_next && dependents.is_empty() {
                slips.push(Slip { task_id: id, kind: SlipKind::NotFollowedUp, chain: Vec::new() });
            }
        }
        slips
    }
}

/// Working days from `today` to `due`: positive ahead, zero on the day, negative when overdue.
/// A task due before today is overdue whatever the weekday: on a Sunday, Friday's task counts as
/// late by the working days up to the next working day (Monday: one), never as zero.
pub fn signed_working_days(calendar: &Calendar, today: NaiveDate, due: NaiveDate) -> i32 {
    if due >= today {
        working_days_between(calendar, today, due) as i32
    } else {
        let next_working = calendar.next_working_on_or_after(today);
        -(working_days_between(calendar, due, next_working).max(1) as i32)
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// An urgency score with its parts, so the desk can sort by it and a person can see why.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ts_rs::TS)]
pub struct Urgency {
    pub score: f64,
    pub working_days_left: i32,
    pub from_deadline: f64,
    pub from_blocking: f64,
    pub from_risk: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ReminderKind {
    FiveDaysBefore,
    OneDayBefore,
    DueToday,
    Overdue,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Reminder {
    pub task_id: i64,
    pub kind: ReminderKind,
    pub due: NaiveDate,
    pub working_days_left: i32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum SlipKind {
    ResponseWithoutControl,
    OverdueWithoutExtensionOrNote,
    NotFollowedUp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Slip {
    pub task_id: i64,
    pub kind: SlipKind,
    /// Open tasks that slip with this one.
    pub chain: Vec<i64>,
}

/// The next procedural step the stage of a case suggests, and the tasks it expects. The product
/// suggests; the prosecutor decides (accepting creates the tasks, declining is logged).
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Suggestion {
    pub after_task: Option<i64>,
    pub kind: TaskKind,
    pub stage: Stage,
    pub reason: String,
}

/// Suggests what follows a task of `kind` that is done (or, for a response, that exists).
pub fn next_step(kind: TaskKind) -> Option<(TaskKind, &'static str)> {
    Some(match kind {
        TaskKind::GatherInformation | TaskKind::ConsiderAppeal => (
            TaskKind::InspectionCheck,
            "information gathered: decide whether the facts call for an inspection of the object",
        ),
        TaskKind::InspectionCheck => {
            (TaskKind::IssueResponse, "inspection finished: decide on an act of prosecutorial response")
        }
        TaskKind::IssueResponse => {
            (TaskKind::ControlExecution, "an act of response was issued: its execution must be controlled")
        }
        TaskKind::ControlExecution | TaskKind::FollowUp => return None,
    })
}

/// Per-person or per-unit deadline figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
pub struct Figures {
    pub open: usize,
    pub due_within_3_working_days: usize,
    pub overdue: usize,
    pub done_on_time_last_90_days: usize,
    pub done_late_last_90_days: usize,
    /// Median working days late over tasks finished late in the last 90 days and tasks overdue now.
    pub median_days_late: Option<f64>,
}

/// The supervisor's dashboard figures.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Dashboard {
    pub today: NaiveDate,
    pub totals: Figures,
    pub by_assignee: BTreeMap<String, Figures>,
    pub by_unit: BTreeMap<String, Figures>,
    /// Overdue open tasks by district (region code) and category.
    pub overdue_matrix: BTreeMap<String, BTreeMap<String, usize>>,
}

/// What one task adds to the figures of its assignee, its unit and the totals.
#[derive(Default)]
struct Contribution {
    open: bool,
    due_soon: bool,
    overdue: bool,
    done_on_time: bool,
    done_late: bool,
    days_late: Option<i32>,
}

#[derive(Default)]
struct Accumulator {
    figures: Figures,
    late: Vec<i32>,
}

impl Accumulator {
    fn add(&mut self, c: &Contribution) {
        let f = &mut self.figures;
        f.open += usize::from(c.open);
        f.due_within_3_working_days += usize::from(c.due_soon);
        f.overdue += usize::from(c.overdue);
        f.done_on_time_last_90_days += usize::from(c.done_on_time);
        f.done_late_last_90_days += usize::from(c.done_late);
        self.late.extend(c.days_late);
    }

    fn finish(mut self) -> Figures {
        self.late.sort_unstable();
        self.figures.median_days_late = median(&self.late);
        self.figures
    }
}

/// Computes the dashboard over every task of the graph.
pub fn dashboard(graph: &TaskGraph, calendar: &Calendar, today: NaiveDate) -> Dashboard {
    let window_start = today - chrono::Days::new(90);
    let mut totals = Accumulator::default();
    let mut by_assignee: BTreeMap<String, Accumulator> = BTreeMap::new();
    let mut by_unit: BTreeMap<String, Accumulator> = BTreeMap::new();
    let mut matrix: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for task in graph.tasks() {
        let mut c = Contribution::default();
        match task.status {
            TaskStatus::Open => {
                let days = signed_working_days(calendar, today, task.current_due);
                c.open = true;
                c.due_soon = (0..=3).contains(&days);
                if days < 0 {
                    c.overdue = true;
                    c.days_late = Some(-days);
                    let district = task.region_code.clone().unwrap_or_else(|| "—".into());
                    let category = task.category.clone().unwrap_or_else(|| task.kind.code().to_string());
                    *matrix.entry(district).or_default().entry(category).or_default() += 1;
                }
            }
            TaskStatus::Done => {
                if let Some(done) = task.done_on.filter(|d| *d >= window_start && *d <= today) {
                    if done <= task.current_due {
                        c.done_on_time = true;
                    } else {
                        c.done_late = true;
                        c.days_late = Some(working_days_between(calendar, task.current_due, done) as i32);
                    }
                }
            }
            TaskStatus::Cancelled => {}
        }
        totals.add(&c);
        by_assignee.entry(task.assignee.clone()).or_default().add(&c);
        by_unit.entry(task.unit.clone()).or_default().add(&c);
    }
    Dashboard {
        today,
        totals: totals.finish(),
        by_assignee: by_assignee.into_iter().map(|(k, v)| (k, v.finish())).collect(),
        by_unit: by_unit.into_iter().map(|(k, v)| (k, v.finish())).collect(),
        overdue_matrix: matrix,
    }
}

fn median(sorted: &[i32]) -> Option<f64> {
    match sorted.len() {
        0 => None,
        n if n % 2 == 1 => Some(f64::from(sorted[n / 2])),
        n => Some(f64::from(sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn task(id: i64, kind: TaskKind, due: &str, status: TaskStatus) -> Task {
        Task {
            id,
            kind,
            title: format!("task {id}"),
            subject_bin: None,
            appeal_no: None,
            assignee: if id % 2 == 0 { "Ахметова А." } else { "Серіков Б." }.into(),
            unit: "Отдел надзора".into(),
            region_code: Some("75".into()),
            category: Some("экология".into()),
            norm_id: None,
            event_date: d("2024-04-01"),
            original_due: d(due),
            current_due: d(due),
            status,
            done_on: None,
            note: None,
            risk: None,
        }
    }

    #[test]
    fn a_cycle_is_refused_with_the_cycle_named() {
        let tasks = (1..=3).map(|i| task(i, TaskKind::FollowUp, "2024-05-02", TaskStatus::Open)).collect();
        let mut graph = TaskGraph::build(tasks, &[(2, 1), (3, 2)]);
        assert_eq!(graph.add_dependency(1, 3), Err(GraphError::Cycle { cycle: vec![1, 3, 2, 1] }));
        assert_eq!(
            GraphError::Cycle { cycle: vec![1, 3, 2, 1] }.to_string(),
            "this dependency would close a cycle: #1 → #3 → #2 → #1"
        );
        assert_eq!(graph.add_dependency(1, 1), Err(GraphError::SelfDependency(1)));
        assert_eq!(graph.add_dependency(1, 9), Err(GraphError::UnknownTask(9)));
        assert!(graph.is_blocked(3));
        assert_eq!(graph.slip_chain(1), vec![2, 3]);
    }

    #[test]
    fn urgency_adds_deadline_blocking_and_risk() {
        let mut a = task(1, TaskKind::IssueResponse, "2024-05-02", TaskStatus::Open);
        a.risk = Some(80.0);
        let b = task(2, TaskKind::ControlExecution, "2024-05-20", TaskStatus::Open);
        let graph = TaskGraph::build(vec![a, b], &[(2, 1)]);
        let calendar = Calendar::builtin();
        // 30.04.2024 → 02.05.2024: 1 May is a holiday, so one working day is left.
        let u = graph.urgency(&calendar, 1, d("2024-04-30"));
        assert_eq!(u.working_days_left, 1);
        assert_eq!((u.from_deadline, u.from_blocking, u.from_risk, u.score), (92.0, 15.0, 16.0, 123.0));
    }

    #[test]
    fn reminders_fire_five_and_one_days_before_on_the_day_and_while_overdue() {
        let calendar = Calendar::builtin();
        let graph = TaskGraph::build(vec![task(1, TaskKind::FollowUp, "2024-05-10", TaskStatus::Open)], &[]);
        let kinds = |day: &str| graph.reminders_due(&calendar, d(day)).iter().map(|r| r.kind).collect::<Vec<_>>();
        // Before 10.05.2024: 1 May a holiday, Saturday 4 May worked by transfer, 7 May a holiday,
        // 8 May a day off by transfer, 9 May a holiday. So 30 April is five working days before.
        assert_eq!(kinds("2024-04-30"), vec![ReminderKind::FiveDaysBefore]);
        assert!(kinds("2024-05-02").is_empty());
        assert_eq!(kinds("2024-05-06"), vec![ReminderKind::OneDayBefore]);
        assert_eq!(kinds("2024-05-10"), vec![ReminderKind::DueToday]);
        assert_eq!(kinds("2024-05-13"), vec![ReminderKind::Overdue]);
        assert!(kinds("2024-05-11").is_empty(), "no reminder on a day off");
        assert!(kinds("2024-05-03").is_empty());
    }

    #[test]
    fn slips_are_found_and_the_dashboard_counts() {
        let calendar = Calendar::builtin();
        let mut done_check = task(4, TaskKind::InspectionCheck, "2024-04-10", TaskStatus::Done);
        done_check.done_on = Some(d("2024-04-12"));
        let tasks = vec![
            task(1, TaskKind::IssueResponse, "2024-04-15", TaskStatus::Open),
            task(2, TaskKind::FollowUp, "2024-04-16", TaskStatus::Open),
            task(3, TaskKind::FollowUp, "2024-05-20", TaskStatus::Open),
            done_check,
        ];
        let graph = TaskGraph::build(tasks, &[(2, 1)]);
        let today = d("2024-04-22");
        let slips = graph.slips(&calendar, today);
        let kinds: Vec<(i64, SlipKind)> = slips.iter().map(|s| (s.task_id, s.kind)).collect();
        assert_eq!(
            kinds,
            vec![
                (1, SlipKind::ResponseWithoutControl),
                (1, SlipKind::OverdueWithoutExtensionOrNote),
                (2, SlipKind::OverdueWithoutExtensionOrNote),
                (4, SlipKind::NotFollowedUp),
            ]
        );
        assert_eq!(slips[1].chain, vec![2]);
        let board = dashboard(&graph, &calendar, today);
        assert_eq!((board.totals.open, board.totals.overdue, board.totals.done_late_last_90_days), (3, 2, 1));
        // Late: task 1 by 5 working days, task 2 by 4, task 4 finished 2 working days late.
        assert_eq!(board.totals.median_days_late, Some(4.0));
        assert_eq!(board.overdue_matrix["75"]["экология"], 2);
        assert_eq!(board.by_assignee["Серіков Б."].open, 2);
    }
}
