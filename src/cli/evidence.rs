//! Rendering evidence packages for a terminal: what a package holds once packed, and what checking
//! one found.

use std::fmt::Write as _;

use ekn::api::{EvidencePackReport, EvidenceVerification};

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
