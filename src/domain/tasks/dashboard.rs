//! The supervisor's figures: per assignee, per unit and in total (open, due soon, overdue, done
//! on time and late, the median lateness), and overdue work by district × category.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::super::calendar::Calendar;
use super::super::deadline::working_days_between;
use super::{signed_working_days, TaskGraph, TaskStatus};

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
    use super::super::test_support::*;
    use super::super::*;
    use crate::domain::calendar::Calendar;

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
