//! How urgent an open task is and why (deadline, what it blocks, the object's risk), the
//! reminders that fire on a working day, and the signed count of working days they rest on.

use chrono::NaiveDate;
use serde::Serialize;

use super::super::calendar::Calendar;
use super::super::deadline::working_days_between;
use super::TaskGraph;

impl TaskGraph {
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

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::*;
    use crate::calendar::Calendar;

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
}
