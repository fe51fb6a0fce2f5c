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
use ekn::i18n::{tr, tr_with};

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
            print(json, &session.evidence().package(&bin, &out, zip)?, render_evidence_pack)
        }
        EvidenceAction::Attach { bin, file, note, json } => {
            let bytes = ekn::api::disk::read(&file)
                .map_err(|e| ApiError::new(ErrorCode::Io, format!("{}: {e}", file.display())))?;
            let name = file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            let bar = indicatif::ProgressBar::new(0);
            let attached = session.evidence().attach_and_read(&bin, &name, &bytes, note.as_deref(), &mut |p| {
                bar.set_length(p.total as u64);
                bar.set_position(p.done as u64);
                true
            });
            bar.finish_and_clear();
            print(json, &attached?, render_attached)
        }
        EvidenceAction::Tick { bin, item, untick, document, note, json } => {
            let request = ChecklistMarkRequest { bin, item, ticked: !untick, document, note };
            let state = session.acts().mark_checklist(&request)?;
            print(json, &state, |s: &ChecklistState| {
                format!("[{}] {} {}\n", if s.satisfied { "x" } else { " " }, s.id, s.en)
            })
        }
        EvidenceAction::Checklist { bin, json } => {
            let today = session.today();
            print(json, &session.screens().case_screen(&bin, today)?, render_checklist)
        }
        EvidenceAction::Verify { path, json } => {
            let report = session.evidence().verify(&path)?;
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
    let (zip, seconds) = (if r.zip { " (zip)" } else { "" }, format!("{:.2}", r.seconds));
    let vars: [(&str, &dyn std::fmt::Display); 6] = [
        ("bin", &r.subject_bin),
        ("path", &r.path),
        ("zip", &zip),
        ("files", &r.payload_files),
        ("bytes", &r.payload_octets),
        ("seconds", &seconds),
    ];
    let _ = writeln!(out, "{}", tr_with("cli.evidence.packed", &vars));
    let _ = writeln!(out, "  {}", tr_with("cli.evidence.identifier", &[("id", &r.external_identifier)]));
    let vars: [(&str, &dyn std::fmt::Display); 2] = [("sha", &r.tagmanifest_sha256), ("signer", &r.signer)];
    let _ = writeln!(out, "  {}", tr_with("cli.evidence.tag_manifest", &vars));
    for file in &r.contents {
        let _ = writeln!(out, "  data/{file}");
    }
    out
}

pub fn render_evidence_verification(r: &EvidenceVerification) -> String {
    let mut out = String::new();
    let verdict = tr(if r.report.ok { "cli.evidence.intact" } else { "cli.evidence.not_intact" });
    let id = r.report.external_identifier.as_deref().map_or(String::new(), |id| format!(", {id}"));
    let vars: [(&str, &dyn std::fmt::Display); 5] = [
        ("path", &r.path),
        ("verdict", &verdict),
        ("files", &r.report.payload_files),
        ("bytes", &r.report.payload_octets),
        ("id", &id),
    ];
    let _ = writeln!(out, "{}", tr_with("cli.evidence.verified", &vars));
    match (&r.report.signer, r.signed_by_this_office) {
        (Some(_), true) => {
            let _ = writeln!(out, "  {}", tr("cli.evidence.signed_here"));
        }
        (Some(key), false) => {
            let _ = writeln!(out, "  {}", tr_with("cli.evidence.signed_by", &[("key", key)]));
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
    let how = tr(if r.new { "cli.evidence.attached" } else { "cli.evidence.already_attached" });
    let note = a.note.as_deref().map(|n| format!(" — {n}")).unwrap_or_default();
    let vars: [(&str, &dyn std::fmt::Display); 5] =
        [("bin", &r.subject_bin), ("how", &how), ("file", &a.file_name), ("bytes", &a.octets), ("note", &note)];
    let mut out = format!("{}\n  sha256 {}\n", tr_with("cli.evidence.attached_line", &vars), a.sha256);
    match (&r.read_state, &r.read_error) {
        (Some(state), _) => {
            let vars: [(&str, &dyn std::fmt::Display); 3] =
                [("state", state), ("n", &r.facts), ("bin", &r.subject_bin)];
            let _ = writeln!(out, "  {}", tr_with("cli.evidence.read", &vars));
        }
        (None, Some(e)) => {
            let _ = writeln!(out, "  {}", tr_with("cli.evidence.not_read", &[("error", e)]));
        }
        (None, None) => {}
    }
    out
}

fn render_items(out: &mut String, items: &[ChecklistState]) {
    for item in items {
        let how = match (&item.mark, item.signal) {
            (Some(m), _) => {
                let what = tr(if m.ticked { "cli.evidence.ticked" } else { "cli.evidence.unticked" });
                let vars: [(&str, &dyn std::fmt::Display); 3] = [("what", &what), ("by", &m.author), ("at", &m.at)];
                tr_with("cli.evidence.marked", &vars)
            }
            (None, Some(true)) => tr("cli.evidence.by_data"),
            (None, _) => String::new(),
        };
        let document =
            item.mark.as_ref().and_then(|m| m.document.as_deref()).map(|d| format!(" [doc {}]", &d[..12.min(d.len())]));
        let _ = writeln!(
            out,
            "  [{}] {:<26} {}{} {}",
            if item.satisfied { "x" } else { " " },
            item.id,
            ekn::i18n::lang().pick(&item.ru, &item.kk, &item.en),
            document.unwrap_or_default(),
            how
        );
    }
}

pub fn render_checklist(r: &CaseScreen) -> String {
    let mut out = String::new();
    let code = serde_json::to_value(r.stage).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    let stage = super::words::coded("stage", &code);
    let vars: [(&str, &dyn std::fmt::Display); 2] = [("bin", &r.card.subject.bin), ("stage", &stage)];
    let _ = writeln!(out, "{}", tr_with("cli.evidence.stage", &vars));
    render_items(&mut out, &r.checklist);
    for act in &r.act_checklists {
        let kind = super::words::coded("actkind", act.kind.code());
        let vars: [(&str, &dyn std::fmt::Display); 2] = [("kind", &kind), ("n", &act.missing)];
        let _ = writeln!(out, "{}", tr_with("cli.evidence.before_act", &vars));
        render_items(&mut out, &act.items);
    }
    if !r.attachments.is_empty() {
        let _ = writeln!(out, "{}", tr("cli.evidence.attachments"));
        for a in &r.attachments {
            let vars: [(&str, &dyn std::fmt::Display); 5] = [
                ("sha", &&a.sha256[..12]),
                ("file", &a.file_name),
                ("bytes", &a.octets),
                ("by", &a.author),
                ("at", &a.at),
            ];
            let _ = writeln!(out, "  {}", tr_with("cli.evidence.attachment", &vars));
        }
    }
    out
}
