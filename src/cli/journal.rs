//! The journal commands of the command line: list entries about an object, a task or an appeal;
//! verify the whole journal (exit non-zero on any problem); start a new checkpoint with a reason.

use std::fmt::Write as _;
use std::path::Path;

use clap::Subcommand;
use ekn::api::{self, ApiError, ErrorCode, JournalLine, JournalQuery, JournalVerification, Session};

use super::print;

#[derive(Subcommand)]
pub enum JournalAction {
    /// Walk the chain, check the signed checkpoint, and compare every journaled record with its
    /// last entry; exit 0 only when all holds, non-zero naming each problem.
    Verify {
        #[arg(long)]
        json: bool,
    },
    /// Start a new signed checkpoint over the journal as it stands (journaled, with your reason),
    /// when the old one was lost or no longer matches.
    Seal {
        #[arg(long)]
        reason: String,
    },
}

/// `ekn journal [verify|seal]`; `verify` reads the database itself and writes nothing.
pub fn run_journal(
    db: &Path,
    context: &api::Context,
    open: impl Fn() -> Result<Session, ApiError>,
    action: Option<JournalAction>,
    query: JournalQuery,
    json: bool,
) -> Result<(), ApiError> {
    match action {
        None => print(json, &open()?.journal(&query)?, render_journal),
        Some(JournalAction::Verify { json }) => {
            let report = api::verify_journal(db, context)?;
            print(json, &report, render_verification)?;
            match report.problems.first() {
                None if report.ok => Ok(()),
                first => Err(ApiError::new(
                    ErrorCode::JournalBroken,
                    format!(
                        "the journal does not verify: {} problem(s); the first: {}",
                        report.problems.len(),
                        first.map_or_else(|| "—".to_string(), |p| p.text())
                    ),
                )),
            }
        }
        Some(JournalAction::Seal { reason }) => print(false, &open()?.reseal_journal(&reason)?, render_verification),
    }
}

pub fn render_journal(lines: &Vec<JournalLine>) -> String {
    let mut out = String::new();
    for l in lines {
        let about = [
            l.subject_bin.as_ref().map(|b| format!("object {b}")),
            l.appeal_no.as_ref().map(|a| format!("appeal {a}")),
            l.task_id.map(|t| format!("task #{t}")),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
        let _ = writeln!(
            out,
            "#{:<6} {} {} ({}) {}{}: {}",
            l.seq,
            l.at,
            l.person,
            l.face,
            l.kind,
            if about.is_empty() { String::new() } else { format!(" [{about}]") },
            l.detail
        );
    }
    if lines.is_empty() {
        out.push_str("No entries.\n");
    }
    out
}

pub fn render_verification(v: &JournalVerification) -> String {
    let mut out = format!(
        "Journal: {} entries, {} records and {} tables checked in {:.2} s\n  head {}\n  Merkle root {}\n",
        v.entries,
        v.records_checked,
        v.tables_checked,
        v.seconds,
        v.head_hash.as_deref().unwrap_or("—"),
        v.merkle_root
    );
    match &v.checkpoint {
        Some(cp) => {
            let _ =
                writeln!(out, "  signed checkpoint: {} entries at {} (key {}…)", cp.size, cp.at, &cp.public_key[..16]);
        }
        None => out.push_str("  no valid signed checkpoint\n"),
    }
    for r in &v.redactions {
        let _ = writeln!(
            out,
            "  destruction act {} (entry {}): the personal data of {} entr(ies) lawfully redacted",
            r.act_number, r.seq, r.entries
        );
    }
    if v.ok {
        out.push_str("All holds: the chain is intact, the journal extends its signed checkpoint, and every record matches its last entry.\n");
    }
    for p in &v.problems {
        let _ = writeln!(out, "PROBLEM: {}", p.text());
    }
    out
}
