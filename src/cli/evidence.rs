//! Rendering evidence packages for a terminal: what a package holds once packed, and what checking
//! one found.

use std::fmt::Write as _;

use ekn::api::{Attached, CaseScreen, ChecklistState, EvidencePackReport, EvidenceVerification};

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
    )
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
