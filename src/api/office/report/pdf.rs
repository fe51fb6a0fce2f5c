//! A report as a PDF: one HTML page (the title, the offline warning, what produced the figures,
//! then each table under its heading) printed by Debian's Chromium with `--print-to-pdf`, the path
//! the user guide's manual takes (`scripts/guide-pdf`), so Kazakh letters come out in the system's
//! fonts as they do there. The page is written into a private temporary folder (mode 0700) that is
//! removed as soon as Chromium has printed it; nothing of it stays on disk but the PDF asked for.
//! `EKN_CHROMIUM` names another Chromium binary; without one the export is refused, saying so.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{Cell, Report, Table};
use crate::api::{ApiError, ErrorCode};
use crate::guide::site::escape;

/// The longest a print may take before Chromium is stopped.
const PRINT_LIMIT: Duration = Duration::from_secs(120);

fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{n:.0}")
    } else if n.abs() >= 0.001 {
        format!("{n:.3}")
    } else {
        format!("{n:.2e}")
    }
}

fn table_html(out: &mut String, table: &Table, heading: bool) {
    if heading {
        let _ = write!(out, "<h2>{}</h2>", escape(&table.title));
    }
    out.push_str("<table><thead><tr>");
    for head in &table.heads {
        let _ = write!(out, "<th>{}</th>", escape(head));
    }
    out.push_str("</tr></thead><tbody>");
    for row in &table.rows {
        out.push_str("<tr>");
        for cell in row {
            match cell {
                Cell::Text(text) => {
                    let _ = write!(out, "<td>{}</td>", escape(text));
                }
                Cell::Number(n) => {
                    let _ = write!(out, "<td class=\"n\">{}</td>", number(*n));
                }
                Cell::Empty => out.push_str("<td></td>"),
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
}

/// The page Chromium prints.
pub fn html(report: &Report) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title><style>\
         @page {{ size: A4 landscape; margin: 12mm; }} \
         body {{ font-family: 'DejaVu Sans', 'Noto Sans', sans-serif; font-size: 9pt; color: #111; }} \
         h1 {{ font-size: 14pt; }} h2 {{ font-size: 11pt; margin-top: 14pt; break-after: avoid; }} \
         table {{ border-collapse: collapse; width: 100%; }} th, td {{ border: 1px solid #999; padding: 2pt 4pt; \
         vertical-align: top; text-align: left; }} th {{ background: #e8edf3; }} td.n {{ text-align: right; }} \
         .offline {{ font-weight: bold; color: #8a1c1c; }} table.about td:first-child {{ width: 30%; }}\
         </style></head><body>",
        report.lang.code(),
        escape(&report.title)
    );
    let _ = write!(out, "<h1>{}</h1>", escape(&report.title));
    if let Some(note) = &report.offline {
        let _ = write!(out, "<p class=\"offline\">{}</p>", escape(note));
    }
    out.push_str("<table class=\"about\"><tbody>");
    for (label, value) in &report.lines {
        let _ = write!(out, "<tr><td>{}</td><td>{}</td></tr>", escape(label), escape(value));
    }
    out.push_str("</tbody></table>");
    if let Some(summary) = &report.summary {
        out.push_str("<p></p>");
        table_html(&mut out, summary, false);
    }
    for table in &report.tables {
        table_html(&mut out, table, true);
    }
    out.push_str("</body></html>");
    out
}

/// The Chromium binary: `EKN_CHROMIUM`, else `chromium` on the PATH (found as OCR finds its tools).
fn chromium() -> Option<PathBuf> {
    match std::env::var_os("EKN_CHROMIUM") {
        Some(path) => Some(PathBuf::from(path)),
        None => crate::extract::on_path("chromium"),
    }
}

fn refused(why: String) -> ApiError {
    ApiError::new(ErrorCode::Internal, format!("printing the report to PDF: {why}"))
}

/// The PDF's bytes.
pub fn print(report: &Report) -> Result<Vec<u8>, ApiError> {
    let program = chromium().ok_or_else(|| {
        refused("Chromium is not installed (Debian's package chromium; or name it with EKN_CHROMIUM)".into())
    })?;
    let dir = tempfile::Builder::new()
        .prefix("ekn-report-")
        .tempdir()
        .map_err(|e| refused(format!("a temporary folder: {e}")))?;
    let page = dir.path().join("report.html");
    let pdf = dir.path().join("report.pdf");
    crate::disk::write(&page, html(report)).map_err(|e| refused(format!("{}: {e}", page.display())))?;
    let mut child = Command::new(&program)
        .args(["--headless=new", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer"])
        .arg(format!("--user-data-dir={}", dir.path().join("profile").display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| refused(format!("{} cannot be started: {e}", program.display())))?;
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > PRINT_LIMIT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(refused(format!("Chromium did not finish within {} s", PRINT_LIMIT.as_secs())));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(refused(format!("waiting for Chromium: {e}"))),
        }
    };
    let bytes = crate::disk::read(&pdf).map_err(|e| refused(format!("Chromium ({status}) wrote no PDF: {e}")))?;
    if !bytes.starts_with(b"%PDF") {
        return Err(refused(format!("Chromium ({status}) wrote something that is not a PDF")));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn the_page_escapes_what_the_office_sent_and_keeps_every_table() {
        let report = Report {
            lang: Lang::Kk,
            stem: "x".into(),
            title: "Кеңсе <b>".into(),
            offline: Some("офис недоступен".into()),
            lines: vec![("Кеңсе".into(), "https://o.kz/?a=1&b=2".into())],
            summary: None,
            tables: vec![Table {
                title: "Аномалиялар".into(),
                heads: vec!["Түрі".into()],
                rows: vec![vec![Cell::from("<script>alert(1)</script>"), Cell::Number(12.0), Cell::Empty]],
                wide: vec![],
            }],
        };
        let page = html(&report);
        assert!(page.contains("<html lang=\"kk\">") && page.contains("Кеңсе &lt;b&gt;"));
        assert!(page.contains("a=1&amp;b=2") && !page.contains("<script>"), "{page}");
        assert!(page.contains("<h2>Аномалиялар</h2>") && page.contains("<td class=\"n\">12</td>"));
        assert!(page.contains("class=\"offline\""));
    }
}
