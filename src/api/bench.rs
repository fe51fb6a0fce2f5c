//! Measurements, not tests: each assembles what a use case would over the current database and
//! reports where the time goes; none asserts a figure (docs/PERFORMANCE.md has the figures and the
//! commands that produced them).

use std::path::Path;
use std::time::Instant;

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use crate::api::{ApiError, ErrorCode, PlanScore, PlanSink, PlanTimings, ScoredRow, Session};
use crate::domain::deadline::{compute, Period};
use crate::domain::journal::{Entry, RecordRef};
use crate::domain::tasks::TaskKind;
use crate::store::{About, NewTask, TableCounts};

impl Session {
    /// Assembles `samples` cards of subjects spread over the database and reports the latency
    /// distribution. A measurement, not a test: it asserts nothing.
    pub fn bench_card(&self, samples: usize) -> Result<CardBench, ApiError> {
        let bins = self.read().store().sample_subject_ids(samples)?;
        let mut micros = Vec::with_capacity(bins.len());
        let mut inspections = 0usize;
        for bin in &bins {
            let started = Instant::now();
            let card = self.read().store().card(bin)?.expect("sampled subjects exist");
            micros.push(started.elapsed().as_secs_f64() * 1e6);
            inspections += card.inspections.len();
        }
        micros.sort_by(f64::total_cmp);
        // The worst case: the objects with the most inspections, which a uniform sample misses.
        let mut busiest = Vec::new();
        for bin in self.read().store().busiest_subject_ids(10)? {
            let started = Instant::now();
            let card = self.read().store().card(&bin)?.expect("listed subjects exist");
            busiest.push(BusyCard {
                bin,
                inspections: card.inspections.len(),
                appeals: card.appeals.len(),
                ms: started.elapsed().as_secs_f64() * 1000.0,
            });
        }
        let pick = |q: f64| micros.get(((micros.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or(0.0);
        Ok(CardBench {
            cards: micros.len(),
            mean_inspections_per_card: if bins.is_empty() { 0.0 } else { inspections as f64 / bins.len() as f64 },
            p50_ms: pick(0.5) / 1000.0,
            p99_ms: pick(0.99) / 1000.0,
            max_ms: micros.last().copied().unwrap_or(0.0) / 1000.0,
            busiest,
            counts: self.read().store().counts()?,
        })
    }
}

/// Card assembly latency over a sample of subjects.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct CardBench {
    pub cards: usize,
    pub mean_inspections_per_card: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// The ten objects with the most inspections, each timed once.
    pub busiest: Vec<BusyCard>,
    pub counts: TableCounts,
}

/// One timed card of a busy object.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct BusyCard {
    pub bin: String,
    pub inspections: usize,
    pub appeals: usize,
    pub ms: f64,
}

/// Timings of the task views over a database of synthetic tasks.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct TaskBench {
    pub tasks: usize,
    pub open: usize,
    pub dependencies: usize,
    pub insert_ms: f64,
    pub load_and_build_graph_ms: f64,
    pub dashboard_ms: f64,
    pub desk_ms: f64,
    pub reminders_ms: f64,
    pub slips_ms: f64,
}

impl Session {
    /// Adds `count` synthetic open tasks (every tenth waiting for the one before it) to this
    /// database, then times the graph rebuild and each view. Use a scratch database: the tasks
    /// stay. A measurement; it asserts nothing.
    pub fn bench_tasks(&mut self, count: usize, today: NaiveDate) -> Result<TaskBench, ApiError> {
        let calendar = self.read().calendar()?;
        let started = Instant::now();
        // Synthetic tasks go through the write path like real ones, one journal entry each.
        let stamp = self.read().system_stamp();
        self.kernel().journal().run_as(stamp, |w| {
            let mut previous = None;
            for i in 0..count {
                let event = today - Duration::days((i % 60) as i64);
                let period = Period { amount: 15, unit: crate::domain::deadline::Unit::WorkingDays };
                let new = NewTask {
                    kind: TaskKind::ALL[i % TaskKind::ALL.len()],
                    title: format!("synthetic task {i}"),
                    subject_id: None,
                    appeal_id: None,
                    assignee: format!("prosecutor {}", i % 40),
                    unit: format!("unit {}", i % 8),
                    region_code: Some(crate::domain::territory::REGIONS[i % 20].code.to_string()),
                    category: Some(["экология", "трудовые права", "ЖКХ", "социальные выплаты"][i % 4].to_string()),
                    norm_id: None,
                    norm_version: None,
                    period_set_by_act: false,
                    period,
                    event_date: event,
                    due: compute(&calendar, event, period, &[])?.due,
                };
                let id = w.insert_task(&new)?;
                if i % 10 == 9 {
                    if let Some(p) = previous {
                        w.add_dependency(id, p)?;
                    }
                }
                let entry = Entry::TaskCreated {
                    task_id: id,
                    task_kind: new.kind.code().into(),
                    title: new.title.clone(),
                    norm_id: None,
                    period,
                    event_date: event,
                    due: new.due,
                };
                w.append(&entry, About::default(), Some(RecordRef::Task(id)))?;
                previous = Some(id);
            }
            Ok(())
        })?;
        let insert_ms = started.elapsed().as_secs_f64() * 1000.0;
        let time = |f: &mut dyn FnMut() -> Result<(), ApiError>| -> Result<f64, ApiError> {
            let t = Instant::now();
            f()?;
            Ok(t.elapsed().as_secs_f64() * 1000.0)
        };
        // Cold: the graph is rebuilt from storage; the views after it use the session's graph.
        self.read().memo().forget_graph();
        let load_and_build_graph_ms = time(&mut || self.read().graph().map(|_| ()))?;
        let dashboard_ms = time(&mut || self.tasks().dashboard(today).map(|_| ()))?;
        let desk_ms = time(&mut || self.tasks().desk(today, None).map(|_| ()))?;
        let reminders_ms = time(&mut || self.tasks().reminders(today).map(|_| ()))?;
        let slips_ms = time(&mut || self.tasks().slips(today).map(|_| ()))?;
        let (tasks, dependencies) = self.read().store().load_task_graph()?;
        Ok(TaskBench {
            open: tasks.iter().filter(|t| t.is_open()).count(),
            tasks: tasks.len(),
            dependencies: dependencies.len(),
            insert_ms,
            load_and_build_graph_ms,
            dashboard_ms,
            desk_ms,
            reminders_ms,
            slips_ms,
        })
    }
}

/// What `ekn bench-journal` measured.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct JournalBench {
    /// Single writes, each one entry, committed and sealed one by one.
    pub single_writes: usize,
    pub write_p50_ms: f64,
    pub write_p99_ms: f64,
    /// Of a single write, the part spent sealing (the signed checkpoint beside the database).
    pub seal_mean_ms: f64,
    /// Entries in the journal when verification ran.
    pub entries: i64,
    pub bulk_entries_per_second: f64,
    pub verify_seconds: f64,
    pub verify_entries_per_second: f64,
    pub verified_ok: bool,
}

impl Session {
    /// Measures the journal on this database (use a scratch one: the entries stay): `writes`
    /// single writes one by one, then entries appended in large writes until the journal holds
    /// `entries`, then a full verification. A measurement; it asserts nothing.
    pub fn bench_journal(&mut self, writes: usize, entries: usize) -> Result<JournalBench, ApiError> {
        let mut times = Vec::with_capacity(writes);
        let mut seal_total = 0.0;
        for i in 0..writes {
            let started = Instant::now();
            let stamp = self.read().system_stamp();
            // The write and the seal by hand, not `Journal::run_as`: the seal is timed apart.
            let mut kernel = self.kernel();
            let mut journal = kernel.journal();
            let mut write = journal.store().write(stamp)?;
            let key = format!("bench.{}", i % 50);
            write.set_setting(&key, &i.to_string())?;
            let entry = Entry::SettingChanged { key: key.clone(), value: i.to_string() };
            write.append(&entry, About::default(), Some(RecordRef::Setting(key)))?;
            let first = write.commit()?.first().map_or(1, |e| e.seq);
            let sealing = Instant::now();
            journal.seal(first)?;
            seal_total += sealing.elapsed().as_secs_f64() * 1000.0;
            times.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        let pick = |q: f64| times.get(((times.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or(0.0);
        let bulk_started = Instant::now();
        let mut appended = 0usize;
        while (self.read().store().journal_len()? as usize) < entries {
            let left = entries - self.read().store().journal_len()? as usize;
            let batch = left.min(20_000);
            let stamp = self.read().system_stamp();
            self.kernel().journal().run_as(stamp, |w| {
                for i in 0..batch {
                    let entry = Entry::Baseline { note: format!("benchmark entry {i}"), tables: Vec::new() };
                    w.append(&entry, About::default(), None)?;
                }
                Ok(())
            })?;
            appended += batch;
        }
        let bulk_seconds = bulk_started.elapsed().as_secs_f64();
        let report = self.verify_journal()?;
        Ok(JournalBench {
            single_writes: writes,
            write_p50_ms: pick(0.5),
            write_p99_ms: pick(0.99),
            seal_mean_ms: if writes > 0 { seal_total / writes as f64 } else { 0.0 },
            entries: report.entries,
            bulk_entries_per_second: if bulk_seconds > 0.0 { appended as f64 / bulk_seconds } else { 0.0 },
            verify_seconds: report.seconds,
            verify_entries_per_second: report.entries as f64 / report.seconds.max(1e-9),
            verified_ok: report.ok,
        })
    }
}

/// One run of `ekn bench-risk`: a plan scored in full within one session.
#[derive(Debug, Clone, Serialize)]
pub struct RiskBenchRun {
    pub rows: usize,
    pub timings: PlanTimings,
    /// Putting every row in words (contributions, similar cases, checks) and writing it as JSON
    /// to nowhere: what `--json` adds beyond the ranking, without the terminal's cost.
    pub words_and_json: f64,
    pub json_bytes: u64,
}

/// Keeps the header, and counts the JSON bytes of the rows handed out after it.
#[derive(Default)]
struct CountingSink {
    header: Option<(PlanScore, Instant)>,
    bytes: u64,
}

impl PlanSink for CountingSink {
    fn header(&mut self, header: &PlanScore) -> Result<(), ApiError> {
        self.header = Some((header.clone(), Instant::now()));
        Ok(())
    }

    fn row(&mut self, row: ScoredRow) -> Result<bool, ApiError> {
        let text = serde_json::to_vec(&row).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
        self.bytes += text.len() as u64;
        Ok(true)
    }
}

impl Session {
    /// Scores `plan` `runs` times in one session and reports where the time went: the first run
    /// reads and replays the registry, the later ones find it done. A measurement: asserts nothing.
    pub fn bench_risk(&mut self, plan: &Path, runs: usize) -> Result<Vec<RiskBenchRun>, ApiError> {
        let mut report = Vec::with_capacity(runs);
        for _ in 0..runs {
            let mut sink = CountingSink::default();
            self.analytics().score_plan_into(plan, None, &mut sink)?;
            let (header, rows_from) = sink.header.expect("a scored plan hands out its header");
            let words_and_json = rows_from.elapsed().as_secs_f64();
            report.push(RiskBenchRun {
                rows: header.rows_total,
                timings: header.timings,
                words_and_json,
                json_bytes: sink.bytes,
            });
        }
        Ok(report)
    }
}
