//! The evidence commands of the command line — attach a document, tick a checklist item, the
//! checklists, pack the signed package, verify one — and their rendering for a terminal: what a
//! package holds once packed, and what checking one found.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::Subcommand;
use ekn::api::{
    ApiError, Attached, CaseScreen, ChecklistMarkRequest, ChecklistState, ErrorCode, EvidencePackReport,
    EvidenceVerification, Session,
};

use super::print;

#[derive(Subcommand)]
pub enum EvidenceAction {
    /// Assemble the object's evidence package (BagIt 1.0, signed) into a new directory, or a zip.
    Pack {
        bin: String,
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        zip: bool,
        #[arg(long)]
        json: bool,
    },
    /// Check a package (directory or zip): every problem, each naming its file. Exit 0 only when
    /// all holds.
    Verify {
        path: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Attach a document to an object (kept once per SHA-256, encrypted beside the database).
    Attach {
        bin: String,
        file: PathBuf,
        #[arg(long)]
        note: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Tick (or with --untick, untick) a checklist item, optionally naming the attached document
    /// (its SHA-256) that satisfies it.
    Tick {
        bin: String,
        item: String,
        #[arg(long)]
        untick: bool,
        #[arg(long)]
        document: Option<String>,
        #[arg(long)]
        note: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The object's checklists: the stage's and each act's, what satisfies each item, what is missing.
    Checklist {
        bin: String,
        #[arg(long)]
        json: bool,
    },
}

/// `ekn evidence …`; `verify` exits non-zero (`evidence_broken`) on any problem.
pub fn run_evidence(session: &mut Session, action: EvidenceAction) -> Result<(), ApiError> {
    match action {
        EvidenceAction::Pack { bin, out, zip, json } => {
            print(json, &session.pack_evidence(&bin, &out, zip)?, render_evidence_pack)
        }
        EvidenceAction::Attach { bin, file, note, json } => {
            let bytes =
                std::fs::read(&file).map_err(|e| ApiError::new(ErrorCode::Io, format!("{}: {e}", file.display())))?;
            let name = file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            let bar = indicatif::ProgressBar::new(0);
            let attached = session.attach_and_read(&bin, &name, &bytes, note.as_deref(), &mut |p| {
                bar.set_length(p.total as u64);
                bar.set_position(p.done as u64);
                true
            });
            bar.finish_and_clear();
            print(json, &attached?, render_attached)
        }
        EvidenceAction::Tick { bin, item, untick, document, note, json } => {
            let request = ChecklistMarkRequest { bin, item, ticked: !untick, document, note };
            let state = session.mark_checklist(&request)?;
            print(json, &state, |s: &ChecklistState| {
                format!("[{}] {} {}\n", if s.satisfied { "x" } else { " " }, s.id, s.en)
            })
        }
        EvidenceAction::Checklist { bin, json } => {
            let today = session.today();
            print(json, &session.case_screen(&bin, today)?, render_checklist)
        }
        EvidenceAction::Verify { path, json } => {
            let report = session.verify_evidence(&path)?;
            print(json, &report, render_evidence_verification)?;
            match report.messages.first() {
                None => Ok(()),
                Some(first) => Err(ApiError::new(
                    ErrorCode::EvidenceBroken,
                    format!("the package does not verify: {} problem(s); the first: {first}", report.messages.len()),
                )),
            }
        }
    }
}

pub fn render_evidence_pack(r: &EvidencePackReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Evidence package of {} written to {}{} ({} file(s), {} bytes, {:.2} s)",
        r.subject_bin,
        r.path,
        if r.zip { " (zip)" } else { "" },
        r.payload_files,
        r.payload_octets,
        r.seconds
    );
    let _ = writeln!(out, "  identifier   {}", r.external_identifier);
    let _ = writeln!(out, "  tag manifest {} (signed by {})", r.tagmanifest_sha256, r.signer);
    for file in &r.contents {
        let _ = writeln!(out, "  data/{file}");
    }
    out
}

pub fn render_evidence_verification(r: &EvidenceVerification) -> String {
    let mut out = String::new();
    let verdict = if r.report.ok { "intact" } else { "NOT intact" };
    let _ = writeln!(
        out,
        "{}: {verdict} — {} payload file(s), {} bytes{}",
        r.path,
        r.report.payload_files,
        r.report.payload_octets,
        r.report.external_identifier.as_deref().map_or(String::new(), |id| format!(", {id}"))
    );
    match (&r.report.signer, r.signed_by_this_office) {
        (Some(_), true) => {
            let _ = writeln!(out, "  signed by this office's key");
        }
        (Some(key), false) => {
            let _ = writeln!(out, "  signed by {key}");
        }
        (None, _) => {}
    }
    for message in &r.messages {
        let _ = writeln!(out, "  ✗ {message}");
    }
    out
}

pub fn render_attached(r: &Attached) -> String {
    let a = &r.attachment;
    format!(
        "{}: {} {} ({} bytes){}\n  sha256 {}\n",
        r.subject_bin,
        if r.new { "attached" } else { "already attached:" },
        a.file_name,
        a.octets,
        a.note.as_deref().map(|n| format!(" — {n}")).unwrap_or_default(),
        a.sha256
    ) + &match (&r.read_state, &r.read_error) {
        (Some(state), _) => {
            format!("  read: {state}, {} fact(s) proposed (`ekn docs list {}`)\n", r.facts, r.subject_bin)
        }
        (None, Some(e)) => format!("  not read: {e}\n"),
        (None, None) => String::new(),
    }
}

fn render_items(out: &mut String, items: &[ChecklistState]) {
    for item in items {
        let how = match (&item.mark, item.signal) {
            (Some(m), _) => format!("{} by {} at {}", if m.ticked { "ticked" } else { "unticked" }, m.author, m.at),
            (None, Some(true)) => "by the data".to_string(),
            (None, _) => String::new(),
        };
        let document =
            item.mark.as_ref().and_then(|m| m.document.as_deref()).map(|d| format!(" [doc {}]", &d[..12.min(d.len())]));
        let _ = writeln!(
            out,
            "  [{}] {:<26} {}{} {}",
            if item.satisfied { "x" } else { " " },
            item.id,
            item.en,
            document.unwrap_or_default(),
            how
        );
    }
}

pub fn render_checklist(r: &CaseScreen) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — stage {}",
        r.card.subject.bin,
        serde_json::to_value(r.stage).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
    );
    render_items(&mut out, &r.checklist);
    for act in &r.act_checklists {
        let _ = writeln!(out, "Before a {} goes out ({} missing):", act.kind.code(), act.missing);
        render_items(&mut out, &act.items);
    }
    if !r.attachments.is_empty() {
        let _ = writeln!(out, "Attached:");
        for a in &r.attachments {
            let _ = writeln!(
                out,
                "  {}  {} ({} bytes) by {} at {}",
                &a.sha256[..12],
                a.file_name,
                a.octets,
                a.author,
                a.at
            );
        }
    }
    out
}
