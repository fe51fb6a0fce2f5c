//! `ekn office join|status` and `ekn sync`: the workstation's link to its office on the command
//! line. The password is read from `EKN_OFFICE_PASSWORD` or asked without echo, used once to log
//! in, and never stored.

use clap::Subcommand;
use ekn::api::office::{JoinParams, OfficeStatus, SyncReport};
use ekn::api::{ApiError, ErrorCode, Session};

#[derive(Subcommand)]
pub enum OfficeAction {
    /// Join the office at URL as NAME: the workstation is enrolled with its journal's signing key,
    /// and from then on every write is authored by NAME.
    Join {
        url: String,
        #[arg(long)]
        user: String,
        /// What to call this machine in the office (default: its host name).
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The link: office, person, what waits to be sent, when the last sync was.
    Status {
        #[arg(long)]
        json: bool,
    },
}

fn password() -> Result<String, ApiError> {
    if let Ok(p) = std::env::var("EKN_OFFICE_PASSWORD") {
        return Ok(p);
    }
    rpassword::prompt_password("Office password: ")
        .map_err(|e| ApiError::new(ErrorCode::Io, format!("cannot read the password: {e}")))
}

pub fn run(session: &mut Session, action: OfficeAction) -> Result<(), ApiError> {
    match action {
        OfficeAction::Join { url, user, name, json } => {
            let params = JoinParams { url, user, password: password()?, workstation_name: name };
            let status = session.office_join(&params)?;
            super::print(json, &status, render_status)
        }
        OfficeAction::Status { json } => super::print(json, &session.office_status()?, render_status),
    }
}

pub fn run_sync(session: &mut Session, json: bool) -> Result<(), ApiError> {
    let report = session.sync()?;
    super::print(json, &report, render_sync)
}

fn render_status(s: &OfficeStatus) -> String {
    let Some(link) = &s.link else {
        return "not joined to an office (ekn office join URL --user NAME)".into();
    };
    let mut out = format!(
        "office:        {}\nperson:        {} ({}, districts {})\nworkstation:   {} ({})\n",
        link.url,
        link.person,
        link.role,
        link.districts.join(","),
        link.workstation_name,
        link.workstation_id
    );
    out += &format!(
        "last sync:     {}\nto send:       {} journal entr(ies), {} read(s) for the access log\npulled:        {} colleagues' entr(ies), {} of their tasks\n",
        link.last_sync_at.as_deref().unwrap_or("never"),
        s.pending_entries,
        s.queued_reads,
        s.pulled_entries,
        s.colleagues_tasks
    );
    if let Some(error) = &link.last_error {
        out += &format!("last error:    {error}\n");
    }
    out
}

fn render_sync(r: &SyncReport) -> String {
    let mut out = format!(
        "pushed {} entr(ies) ({} already held), pulled {}, sent {} read(s) in {:.1} s; the office holds this journal to entry {}",
        r.pushed, r.duplicates, r.pulled, r.reads_sent, r.seconds, r.pushed_through
    );
    if let Some(size) = r.cosigned_size {
        out += &format!(", cosigned at {size}");
    }
    for key in &r.conflicts {
        out += &format!("\nconflict opened on {key}: a supervisor resolves it; the earlier date stands until then");
    }
    out
}
