//! Reports a head hands on (issue 64): what the office's dashboard, anomalies, effect of acts and
//! theme scan show, as an XLSX workbook (`rust_xlsxwriter`) or a PDF (an HTML page printed by
//! Debian's Chromium, the path the user guide's manual takes), in the person's language. A report
//! is built once (`build`) as a title, what produced it (the office, who asked and as what role,
//! when the office computed it and when it arrived — offline, that it is the last kept — and the
//! method, settings or calendar), an optional summary table and a table per list the screen shows;
//! `xlsx` and `pdf` write that one model, so the two files cannot say different things.

mod administration;
mod build;
mod country;
mod pdf;
mod xlsx;

use serde::{Deserialize, Serialize};

use super::{AccessLogParams, AdminSession, AnalystSession, NationalSession, Office};
use crate::api::ApiError;
use crate::i18n::Lang;

/// One cell of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell::Text(text)
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell::Text(text.to_string())
    }
}

impl From<f64> for Cell {
    fn from(n: f64) -> Cell {
        Cell::Number(n)
    }
}

impl From<Option<f64>> for Cell {
    fn from(n: Option<f64>) -> Cell {
        n.filter(|n| n.is_finite()).map_or(Cell::Empty, Cell::Number)
    }
}

/// A table: its title (the sheet's name, the PDF's heading), its heads and rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub title: String,
    pub heads: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// Columns wider than the default (index, width in characters).
    pub wide: Vec<(u16, f64)>,
}

/// A report as both files write it.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub lang: Lang,
    /// The file's name without its extension (`office-dashboard-2026-11-29`).
    pub stem: String,
    pub title: String,
    /// Said first when the figures are the last ones kept (the office was out of reach).
    pub offline: Option<String>,
    /// What the figures are and what produced them: label and value.
    pub lines: Vec<(String, String)>,
    /// A table under the lines on the first page (the dashboard's totals).
    pub summary: Option<Table>,
    pub tables: Vec<Table>,
}

/// Which file a head asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ReportFormat {
    Xlsx,
    Pdf,
}

impl ReportFormat {
    fn write(self, report: &Report) -> Result<(String, Vec<u8>), ApiError> {
        match self {
            ReportFormat::Xlsx => Ok((format!("{}.xlsx", report.stem), xlsx::workbook(report)?)),
            ReportFormat::Pdf => Ok((format!("{}.pdf", report.stem), pdf::print(report)?)),
        }
    }

    /// The file's media type.
    pub fn media_type(self) -> &'static str {
        match self {
            ReportFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ReportFormat::Pdf => "application/pdf",
        }
    }
}

/// Which of the office's screens a report is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum OfficeReport {
    Dashboard,
    Anomalies,
    Effect,
    Themes,
}

/// `office_report`: which screen, which file, in which language (the reader's by default).
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ReportParams {
    pub report: OfficeReport,
    pub format: ReportFormat,
    #[serde(default)]
    pub lang: Option<String>,
}

impl Office<'_> {
    /// Who asked, as the reports' first lines name them: the office, the person, their role.
    fn asker(&self) -> Result<build::Asker, ApiError> {
        let link = self.linked()?;
        Ok(build::Asker { office: link.url, person: link.person, role: link.role })
    }

    /// One of the office's screens as a file in `lang`: the figures the screen shows (the last ones
    /// kept when the office is out of reach, said first). Returns its name and bytes.
    pub fn report(
        &mut self,
        report: OfficeReport,
        format: ReportFormat,
        lang: Lang,
    ) -> Result<(String, Vec<u8>), ApiError> {
        let built = match report {
            OfficeReport::Dashboard => build::dashboard(&self.dashboard()?, &self.asker()?, lang),
            OfficeReport::Anomalies => build::anomalies(&self.anomalies()?, &self.asker()?, lang),
            OfficeReport::Effect => build::effect(&self.effect()?, &self.asker()?, lang),
            OfficeReport::Themes => build::themes(&self.theme_scan()?, &self.asker()?, lang),
        };
        format.write(&built)
    }
}

/// `national_report`, `office_admin_report`: a screen's figures as a file, in which language.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ReportFileParams {
    pub format: ReportFormat,
    #[serde(default)]
    pub lang: Option<String>,
}

fn nothing_shown() -> ApiError {
    ApiError::new(crate::api::ErrorCode::OfficeRefused, "no figures to export yet: log in and let them load first")
}

impl NationalSession {
    /// The figures the Country screen shows now (the last fetched), as a file in `lang`.
    pub fn report(&self, format: ReportFormat, lang: Lang) -> Result<(String, Vec<u8>), ApiError> {
        let shown = self.last().ok_or_else(nothing_shown)?;
        format.write(&country::country(shown, lang))
    }
}

impl AnalystSession {
    /// One of the office's screens as its analyst sees it (the last figures fetched), as a file in
    /// `lang`, built as the supervisors' are; the asker is the analyst.
    pub fn report(
        &self,
        report: OfficeReport,
        format: ReportFormat,
        lang: Lang,
    ) -> Result<(String, Vec<u8>), ApiError> {
        use super::heads::{OfficeAnomaliesView, OfficeDashboardView, OfficeEffectView, OfficeThemeScanView};
        let v = self.last().ok_or_else(nothing_shown)?;
        let asker = build::Asker { office: v.office.clone(), person: v.person.clone(), role: "analyst".into() };
        let (fetched_at, offline) = (v.fetched_at, v.stale.clone());
        let built = match report {
            OfficeReport::Dashboard => build::dashboard(
                &OfficeDashboardView { dashboard: v.dashboard.clone(), fetched_at, offline },
                &asker,
                lang,
            ),
            OfficeReport::Anomalies => build::anomalies(
                &OfficeAnomaliesView { anomalies: v.anomalies.clone(), fetched_at, offline },
                &asker,
                lang,
            ),
            OfficeReport::Effect => {
                build::effect(&OfficeEffectView { effect: v.effect.clone(), fetched_at, offline }, &asker, lang)
            }
            OfficeReport::Themes => {
                build::themes(&OfficeThemeScanView { scan: v.themes.clone(), fetched_at, offline }, &asker, lang)
            }
        };
        format.write(&built)
    }
}

/// `office_access_log_report`: the access log's lines as read with `query`, as a file.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct AccessLogReportParams {
    pub query: AccessLogParams,
    pub format: ReportFormat,
    #[serde(default)]
    pub lang: Option<String>,
}

impl AdminSession {
    /// The access log's lines the administrator read with `query`, read again, as a file in `lang`.
    pub fn access_log_report(
        &self,
        query: &AccessLogParams,
        format: ReportFormat,
        lang: Lang,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(String, Vec<u8>), ApiError> {
        let view = self.access_log(query, now)?;
        let asker = build::Asker { office: self.office(), person: self.person(), role: "admin".into() };
        format.write(&administration::access_log(&view, query, &asker, lang))
    }

    /// The administration as the office shows it now, as a file in `lang`.
    pub fn report(&self, format: ReportFormat, lang: Lang) -> Result<(String, Vec<u8>), ApiError> {
        let view = self.overview()?;
        format.write(&administration::administration(&view, lang))
    }
}

impl Office<'_> {
    /// The access log's lines this person may read with `query` (read again: the office logs the
    /// reading, as it logs every one), with the chain's check, as a file in `lang`.
    pub fn access_log_report(
        &mut self,
        query: &AccessLogParams,
        format: ReportFormat,
        lang: Lang,
    ) -> Result<(String, Vec<u8>), ApiError> {
        let view = self.access_log(query)?;
        format.write(&administration::access_log(&view, query, &self.asker()?, lang))
    }
}
