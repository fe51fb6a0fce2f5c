//! The demo database: the generator's data set for seed 2024, made on the day the database is
//! created (same offsets from that day as the committed fixtures/demo have from 20.11.2026), so a
//! newcomer always sees a realistic desk. It goes in through the same importer as a real export.

use chrono::{Days, NaiveDate};

use crate::api::{ApiError, ErrorCode, NewTaskRequest, Session};
use crate::domain::records::DataKind;
use crate::domain::tasks::TaskKind;
use crate::generator::{self, Scale, ANCHOR};

/// The seed of the demo data set (the one committed under fixtures/demo).
pub const DEMO_SEED: u64 = 2024;

/// The demo files for `today`: name, kind and bytes, in import order.
pub fn demo_files(today: NaiveDate) -> Result<Vec<(DataKind, String, Vec<u8>)>, ApiError> {
    let files = generator::generate_in_memory(Scale::Demo, DEMO_SEED, today)
        .map_err(|e| ApiError::new(ErrorCode::Internal, format!("generating the demo data: {e}")))?;
    let kinds =
        [("inspections.csv", DataKind::Inspections), ("appeals.csv", DataKind::Appeals), ("risk.csv", DataKind::Risk)];
    Ok(kinds
        .iter()
        .filter_map(|(name, kind)| {
            files.iter().find(|(n, _)| n == name).map(|(n, bytes)| (*kind, format!("demo/{n}"), bytes.clone()))
        })
        .collect())
}

const ASSIGNEES: [(&str, &str); 4] = [
    ("Ахметова А.", "Отдел по надзору за соблюдением прав граждан"),
    ("Серіков Б.", "Отдел по надзору за соблюдением прав граждан"),
    ("Иванов В.", "Отдел надзора за законностью проверок"),
    ("Жұмабаева Г.", "Отдел надзора за законностью проверок"),
];

/// Gives the demo database deadline work: every appeal received in the last 111 days (since
/// 1 August for the data set of 20.11.2026) gets its consideration task under АППК art. 76; those
/// already decided are closed on their decision date (on time or late, as the dates fall).
/// Deterministic: appeals in order, assignees in turn.
pub(in crate::api) fn create_demo_tasks(session: &mut Session, today: NaiveDate) -> Result<usize, ApiError> {
    let window = (ANCHOR - NaiveDate::from_ymd_opt(2026, 8, 1).expect("valid date")).num_days();
    let since = today.checked_sub_days(Days::new(window as u64)).unwrap_or(today);
    let appeals = session.read().store().appeals_received_since(since)?;
    let mut created = 0;
    for (i, (appeal_no, _received, decided)) in appeals.iter().enumerate() {
        let (assignee, unit) = ASSIGNEES[i % ASSIGNEES.len()];
        let request = NewTaskRequest {
            kind: TaskKind::ConsiderAppeal,
            title: None,
            subject_bin: None,
            appeal_no: Some(appeal_no.clone()),
            assignee: assignee.into(),
            unit: unit.into(),
            norm: Some(crate::domain::procedure::Procedure::builtin().norms.appeal_consideration.clone()),
            period: None,
            event_date: None,
            depends_on: vec![],
        };
        let task = session.tasks().add(&request)?.created.remove(0).task;
        if let Some(decided) = decided {
            session.tasks().complete(task.id, *decided)?;
        }
        created += 1;
    }
    Ok(created)
}

/// Triage gives every open appeal that belongs to another body a forwarding task for the appeals
/// office. A working office forwards within its 3 working days, so the demo's reception has
/// forwarded (the day after receipt) what fell due more than three days ago; what is due now, or
/// a day or two late, stays on the desk as an office's real work would.
fn forward_as_a_working_office_would(session: &mut Session, today: NaiveDate) -> Result<(), ApiError> {
    let (tasks, _) = session.read().store().load_task_graph()?;
    let late_by_more_than_three_days = |due: NaiveDate| due.checked_add_days(Days::new(3)).is_some_and(|d| d < today);
    for task in tasks
        .iter()
        .filter(|t| t.kind == TaskKind::ForwardAppeal && t.is_open() && late_by_more_than_three_days(t.current_due))
    {
        let forwarded = task.event_date.succ_opt().unwrap_or(task.event_date).min(task.current_due);
        session.tasks().complete(task.id, forwarded)?;
    }
    Ok(())
}

/// What the demo's models say of their data; their passports repeat it.
pub(in crate::api) const GENERATED: &str = "generated demo data";

/// The demo ships a classifier so the product works out of the box: trained on the demo's own
/// labelled appeals (their text and category columns, masked as any labelled file), registered as
/// a model version like any other, and then every appeal goes through the pipeline. C and the
/// blend are fixed (no cross-validation) to keep creating a demo quick — every test that serves the
/// demo makes one; the held-out figures are still measured.
pub(in crate::api) fn train_and_triage(
    session: &mut Session,
    name: &str,
    bytes: std::sync::Arc<[u8]>,
    today: NaiveDate,
) -> Result<(), ApiError> {
    let labelled = crate::ingest::labelled::read_labelled_bytes(name, bytes)?;
    let params =
        crate::analytics::classifier::TrainParams { c_grid: vec![1.0], nb_blend_grid: vec![1.0], ..Default::default() };
    session.appeals().train_on_labelled(labelled, &format!("{name} ({GENERATED})"), &params, false, &|_| {})?;
    session.appeals().triage(crate::api::TriageScope::All, &|_, _| {})?;
    forward_as_a_working_office_would(session, today)?;
    // The demo also ships a local risk model trained on its own registry, so the card's risk block
    // and plan scoring work at once (its passport says the data are generated).
    let target = crate::analytics::risk::Target::DeclaredIllegal;
    // C fixed at the value the validation picks on the demo's registry (0.3, docs/ANALYTICS.md), for
    // the same reason: four fits fewer.
    let params = crate::analytics::risk::RiskParams { c: 0.3, c_grid: vec![0.3], ..Default::default() };
    session.analytics().train_risk_model_on(target, &params, &|_| {}, Some(GENERATED))?;
    Ok(())
}

/// Writes deterministic data to `out` (default: `fixtures/demo` or `bench-data/large`) for the
/// day `day` (default: the day of the committed demo data), with the five practices planted unless
/// `clean` (the twin on which false alarms are counted). The same seed gives the same bytes.
pub fn generate_fixtures(
    scale: Scale,
    seed: u64,
    day: Option<NaiveDate>,
    clean: bool,
    out: Option<std::path::PathBuf>,
) -> Result<generator::GeneratedSet, ApiError> {
    let out = out.unwrap_or_else(|| generator::default_out(scale));
    generator::generate_with(scale, seed, day.unwrap_or(ANCHOR), !clean, &out)
        .map_err(|e| ApiError::new(ErrorCode::Io, format!("{}: {e}", out.display())))
}

/// The demo's theme of supervision, so the Themes screen and a theme card have something true to
/// show from the first start (issue 64): appeals on labour rights across the country, saved as a
/// person would save one, with its reason and a note. (The browser journey saves its own «ЖКХ» beside it.)
pub(in crate::api) fn save_demo_theme(session: &mut Session) -> Result<(), ApiError> {
    let definition =
        crate::analytics::themes::ThemeDefinition { categories: vec!["social.labour".into()], ..Default::default() };
    let request = crate::api::SaveThemeRequest {
        name: DEMO_THEME.into(),
        definition,
        reason: "демо: жалобы на невыплату заработной платы — тема плана проверок".into(),
    };
    session.analytics().save_theme(&request)?;
    session.analytics().note_theme(
        DEMO_THEME,
        "Открыта по итогам анализа обращений за квартал; согласовать с инспекцией труда план выездов.",
    )?;
    Ok(())
}

/// The name of the demo's theme.
pub const DEMO_THEME: &str = "Трудовые права";

/// The demo object the demo's documents are about: ТОО «Логистик Әлем» of district 1940 (the
/// seed-2024 data set's objects are the same whatever day the demo is made for).
pub const DEMO_DOCUMENT_BIN: &str = "231242000047";

/// The demo's two documents (`fixtures/demo/documents`, written and printed by
/// `scripts/documents/make_demo_documents.py`): the district prosecutor's submission as a
/// born-digital PDF (Russian) and the company's answer as a 200 dpi scan (Kazakh).
const DEMO_DOCUMENTS: [(&str, &[u8]); 2] = [
    ("submission.pdf", include_bytes!("../../../fixtures/demo/documents/submission.pdf")),
    ("answer.scan.jpg", include_bytes!("../../../fixtures/demo/documents/answer.scan.jpg")),
];

/// Attaches the demo's documents to their object and reads them (the PDF by its text layer, the
/// scan by OCR — or, on a machine without Tesseract, attached and marked as not recognised, saying
/// why), so the card's evidence block, the viewer and the facts have something true to show; the
/// submission's own number is confirmed as a person would confirm it (issue 64). Returns the facts
/// proposed.
pub(in crate::api) fn attach_demo_documents(session: &mut Session) -> Result<usize, ApiError> {
    let mut proposed = 0;
    for (name, bytes) in DEMO_DOCUMENTS {
        let note = Some("ЭКН demo document (written for the demo)");
        let attached = session.evidence().attach_and_read(DEMO_DOCUMENT_BIN, name, bytes, note, &mut |_| true)?;
        proposed += attached.facts;
    }
    let documents = session.evidence().documents(DEMO_DOCUMENT_BIN)?;
    let own_number = documents
        .iter()
        .filter(|d| d.file_name == "submission.pdf")
        .flat_map(|d| d.facts.iter())
        .find(|f| f.kind == "number" && f.status == "proposed")
        .map(|f| f.id);
    if let Some(fact) = own_number {
        session.evidence().confirm_fact(fact, None, Some(DEMO_DOCUMENT_BIN))?;
    }
    Ok(proposed)
}
