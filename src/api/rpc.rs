//! The one list of what the UI may call, by name, with typed parameters: the Tauri command and
//! the `ekn serve` HTTP route are both one-line adapters over [`call`], so the desktop app and
//! the browser can never offer different operations. Parameters and results are the serde types
//! of this crate; their TypeScript twins are generated into ui/src/lib/types (see tests/core/wire.rs).

use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{ApiError, ErrorCode, Session};
use crate::domain::records::DataKind;

#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
pub struct SearchParams {
    pub text: String,
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
pub struct BinParams {
    pub bin: String,
}

#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
pub struct HomeParams {
    /// Whose desk: an assignee, "" for everyone, absent for the user's own.
    pub assignee: Option<String>,
}

#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
pub struct TaskParams {
    pub id: i64,
}

#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
pub struct AcceptParams {
    pub bin: String,
    pub assignee: String,
    pub unit: String,
    /// The working period of an information-gathering task, when that is the step.
    pub working_days: u32,
}

#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
pub struct DeclineParams {
    pub bin: String,
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
pub struct NoteParams {
    pub id: i64,
    pub text: String,
}

#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
pub struct CompleteParams {
    pub id: i64,
    pub on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
pub struct ExtendParams {
    pub id: i64,
    pub to: NaiveDate,
    pub reason: String,
}

/// A file already uploaded (see `Host::upload`), and what to do with it.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
pub struct ImportParams {
    pub upload: String,
    pub kind: Option<DataKind>,
    pub skip_invalid: bool,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Ok {
    pub ok: bool,
}

fn params<T: DeserializeOwned>(method: &str, value: Value) -> Result<T, ApiError> {
    serde_json::from_value(value)
        .map_err(|e| ApiError::new(ErrorCode::InvalidInput, format!("bad parameters for '{method}': {e}")))
}

fn json<T: Serialize>(value: T) -> Result<Value, ApiError> {
    serde_json::to_value(value).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))
}

/// Names of every method `call` answers, for the faces to check against.
pub const METHODS: &[&str] = &[
    "status",
    "preferences",
    "set_preferences",
    "home",
    "search",
    "case",
    "task",
    "accept_step",
    "decline_step",
    "note_task",
    "complete_task",
    "extend_task",
    "dashboard",
    "overdue",
    "regions",
    "slips",
    "calendar_years",
    "norms",
    "import_preview",
    "import_file",
];

/// Runs one method. `today` is the date deadlines are judged on; `uploads` resolves upload ids.
pub fn call(
    session: &mut Session,
    method: &str,
    value: Value,
    uploads: &super::host::Uploads,
    progress: &mut dyn FnMut(crate::ingest::Progress),
) -> Result<Value, ApiError> {
    let today = session.today();
    match method {
        "status" => json(session.status()?),
        "preferences" => json(session.preferences()?),
        "set_preferences" => json(session.set_preferences(&params(method, value)?)?),
        "home" => {
            let p: HomeParams = params(method, value)?;
            json(session.home(today, p.assignee.as_deref())?)
        }
        "search" => {
            let p: SearchParams = params(method, value)?;
            json(session.search(&p.text, p.limit.unwrap_or(20) as usize)?)
        }
        "case" => json(session.case_screen(&params::<BinParams>(method, value)?.bin, today)?),
        "task" => json(session.task_detail(params::<TaskParams>(method, value)?.id, today)?),
        "accept_step" => {
            let p: AcceptParams = params(method, value)?;
            json(session.accept_for_subject(&p.bin, &p.assignee, &p.unit, p.working_days, today)?)
        }
        "decline_step" => {
            let p: DeclineParams = params(method, value)?;
            session.decline_for_subject(&p.bin, &p.reason)?;
            json(Ok { ok: true })
        }
        "note_task" => {
            let p: NoteParams = params(method, value)?;
            json(session.note_task(p.id, &p.text)?)
        }
        "complete_task" => {
            let p: CompleteParams = params(method, value)?;
            json(session.complete_task(p.id, p.on.unwrap_or(today))?)
        }
        "extend_task" => {
            let p: ExtendParams = params(method, value)?;
            json(session.extend_task(p.id, p.to, &p.reason)?)
        }
        "dashboard" => json(session.dashboard(today)?),
        "overdue" => json(session.overdue(today)?),
        "regions" => json(session.regions()?),
        "slips" => json(session.slips(today)?),
        "calendar_years" => json(session.calendar_years()?),
        "norms" => json(session.norms_list()?),
        "import_preview" => {
            let p: ImportParams = params(method, value)?;
            json(session.preview_import(&uploads.path(&p.upload)?, p.kind)?)
        }
        "import_file" => {
            let p: ImportParams = params(method, value)?;
            let path = uploads.path(&p.upload)?;
            let kind = match p.kind {
                Some(kind) => kind,
                None => session.preview_import(&path, None)?.kind,
            };
            json(session.import(kind, &path, None, p.skip_invalid, None, progress)?)
        }
        other => Err(ApiError::new(ErrorCode::NotFound, format!("no method '{other}'"))),
    }
}
