//! The journal commands of the command line: list entries about an object, a task or an appeal;
//! verify the whole journal (exit non-zero on any problem); start a new checkpoint with a reason.

use std::fmt::Write as _;
use std::path::Path;

use clap::Subcommand;
use ekn::api::session::journal_words;
use ekn::api::{self, ApiError, ErrorCode, JournalLine, JournalQuery, JournalVerification, Session};
use ekn::i18n::{tr, tr_count, tr_with};

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

/// The journal, a line per entry. In Russian and Kazakh each entry's kind and face are in words
/// and what it says is worded from the entry's own data where its kind is one people read daily
/// (the UI's `entryDetail` says the same), else the detail the chain holds; in English the kind's
/// code and the stored detail, as scripts have always read them. Reasons and notes are the
/// person's own words.
pub fn render_journal(lines: &Vec<JournalLine>) -> String {
    let worded = ekn::i18n::lang() != ekn::i18n::Lang::En;
    let mut out = String::new();
    for l in lines {
        let about = [
            l.subject_bin.as_ref().map(|b| tr_with("cli.journal.about.object", &[("bin", b)])),
            l.appeal_no.as_ref().map(|a| tr_with("cli.journal.about.appeal", &[("no", a)])),
            l.task_id.map(|t| tr_with("cli.journal.about.task", &[("id", &t)])),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
        let (face, kind, detail) = if worded {
            (journal_words::label("face", &l.face), journal_words::label("entry", &l.kind), journal_words::detail(l))
        } else {
            (l.face.clone(), l.kind.clone(), l.detail.clone())
        };
        let about = if about.is_empty() { String::new() } else { format!(" [{about}]") };
        let _ = writeln!(out, "#{:<6} {} {} ({face}) {kind}{about}: {detail}", l.seq, l.at, l.person);
    }
    if lines.is_empty() {
        let _ = writeln!(out, "{}", tr("cli.journal.none"));
    }
    out
}

pub fn render_verification(v: &JournalVerification) -> String {
    let seconds = format!("{:.2}", v.seconds);
    let vars: [(&str, &dyn std::fmt::Display); 3] =
        [("records", &v.records_checked), ("tables", &v.tables_checked), ("seconds", &seconds)];
    let mut out = format!(
        "{}\n  {}\n  {}\n",
        tr_count("cli.journal.checked", v.entries, &vars),
        tr_with("cli.journal.head", &[("hash", &v.head_hash.as_deref().unwrap_or("—"))]),
        tr_with("cli.journal.merkle", &[("root", &v.merkle_root)])
    );
    match &v.checkpoint {
        Some(cp) => {
            let key = cp.public_key.get(..16).unwrap_or(&cp.public_key);
            let vars: [(&str, &dyn std::fmt::Display); 3] = [("size", &cp.size), ("at", &cp.at), ("key", &key)];
            let _ = writeln!(out, "  {}", tr_with("cli.journal.checkpoint", &vars));
        }
        None => {
            let _ = writeln!(out, "  {}", tr("cli.journal.no_checkpoint"));
        }
    }
    for r in &v.redactions {
        let vars: [(&str, &dyn std::fmt::Display); 2] = [("act", &r.act_number), ("seq", &r.seq)];
        let _ = writeln!(out, "  {}", tr_count("cli.journal.redaction", r.entries, &vars));
    }
    if v.ok {
        let _ = writeln!(out, "{}", tr("cli.journal.all_holds"));
    }
    for p in &v.problems {
        let _ = writeln!(out, "{}", tr_with("cli.journal.problem", &[("text", &p.text())]));
    }
    out
}
