//! A connector as data: where a registry source is, how it is paged, how its fields become ЭКН's
//! columns — checked before it is kept, by the workstation (`api::connectors`) and by the office's
//! console alike, so both refuse the same specs in the same words. Also the one way a staged page's
//! records are mapped onto ЭКН's columns (`mapped_records`), which the workstation's publish and the
//! office's records of a run both use.
//!
//! Below `api`: its refusals are a `SpecError` of its own, which the use cases turn into an invalid
//! input.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use ekn_domain::records::DataKind;

/// Why a connector's spec was refused: what to fix, in words a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SpecError(pub String);

impl SpecError {
    fn new(why: impl Into<String>) -> SpecError {
        SpecError(why.into())
    }
}

/// A connector as kept: where the data is, how it is paged, how its fields become ЭКН's columns.
/// The API key is not here: `api_key_env` names the environment variable that holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ConnectorSpec {
    pub name: String,
    /// `egov-v4` (data.egov.kz API v4).
    pub kind: String,
    pub data: DataKind,
    /// The API's base, `https://data.egov.kz/api/v4`.
    pub url: String,
    pub dataset: String,
    /// `vN`; the newest the mapping lists when none is given.
    pub version: Option<String>,
    /// The field the pages are keyed on (the dataset's primary key).
    pub key_field: String,
    /// The dataset's field → ЭКН's column, where the names say nothing.
    #[serde(default)]
    pub map: Vec<(String, String)>,
    pub api_key_env: Option<String>,
    pub read_timeout_s: Option<u64>,
    #[serde(default = "default_page_size")]
    pub page_size: usize,
    /// The dataset's field stamped when a record changes: runs after the first read only the
    /// records modified since the previous run started.
    #[serde(default)]
    pub modified_field: Option<String>,
    /// Run every this many hours in the background (the desktop app while it is open); `None`:
    /// only when asked.
    #[serde(default)]
    pub every_hours: Option<u32>,
}

fn default_page_size() -> usize {
    5000
}

fn check_name(name: &str) -> Result<(), SpecError> {
    let ok = !name.is_empty()
        && name.len() <= 60
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(SpecError::new(format!("connector name '{name}': 1 to 60 of a–z, 0–9, '-' and '_'")))
    }
}

impl ConnectorSpec {
    /// An `http-file` connector's file name, the last part of its address, so that its format is
    /// known as a file's would be; `None` when the address ends in a slash.
    pub fn file_name(&self) -> Option<String> {
        let path = self.url.split(['?', '#']).next()?;
        path.rsplit('/').next().filter(|n| !n.is_empty()).map(str::to_string)
    }

    /// Whether the spec can be run: a name, a kind, an address, and for a dataset its id, version
    /// and key field, each within bounds.
    pub fn check(&self) -> Result<(), SpecError> {
        check_name(&self.name)?;
        if self.kind != "egov-v4" && self.kind != "http-file" {
            return Err(SpecError::new(format!(
                "connector kind '{}': egov-v4 (a data.egov.kz API v4 dataset) or http-file (a file published over HTTP)",
                self.kind
            )));
        }
        if !(self.url.starts_with("https://") || self.url.starts_with("http://")) {
            return Err(SpecError::new(format!("--url '{}' is not an http(s) address", self.url)));
        }
        if self.every_hours.is_some_and(|h| !(1..=24 * 31).contains(&h)) {
            return Err(SpecError::new("--every-hours is 1 to 744 (a month)"));
        }
        if self.read_timeout_s.is_some_and(|s| !(1..=600).contains(&s)) {
            return Err(SpecError::new("--read-timeout-s is 1 to 600"));
        }
        if let Some(var) = &self.api_key_env {
            if var.is_empty() || !var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(SpecError::new(format!("--api-key-env '{var}' is not an environment variable's name")));
            }
        }
        if self.kind == "http-file" {
            // The address is the file: no dataset, version or key field to page by.
            return Ok(());
        }
        if self.dataset.trim().is_empty() || self.dataset.contains(['/', '?', '#']) {
            return Err(SpecError::new("--dataset is the dataset's id, without slashes"));
        }
        if let Some(v) = &self.version {
            if !v.strip_prefix('v').is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit())) {
                return Err(SpecError::new(format!("--version '{v}' is not v1…vN")));
            }
        }
        if self.key_field.trim().is_empty() {
            return Err(SpecError::new("name the dataset's key field (--key-field): the pages are keyed on it"));
        }
        if self.modified_field.as_ref().is_some_and(|f| f.trim().is_empty()) {
            return Err(SpecError::new("--modified-field names the dataset's field stamped when a record changes"));
        }
        if !(1..=10_000).contains(&self.page_size) {
            return Err(SpecError::new("--page-size is 1 to 10,000 (the portal's result window)"));
        }
        Ok(())
    }
}

/// Parses `field=column,field=column`.
pub fn parse_map(text: &str) -> Result<Vec<(String, String)>, SpecError> {
    text.split(',')
        .filter(|p| !p.trim().is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((field, column)) if !field.trim().is_empty() && !column.trim().is_empty() => {
                Ok((field.trim().to_string(), column.trim().to_string()))
            }
            _ => Err(SpecError::new(format!("--map '{pair}': write field=column"))),
        })
        .collect()
}

/// A staged page's records (a JSON array) with the field map applied, written out comma-joined
/// without the array's brackets, so that pages can be concatenated into one array: the
/// workstation's publish and the office's records of a run both assemble them this way.
pub fn mapped_records(page: &[u8], map: &[(String, String)]) -> Result<Vec<u8>, serde_json::Error> {
    let rows: Vec<serde_json::Map<String, Value>> = serde_json::from_slice(page)?;
    let mut out = Vec::with_capacity(page.len());
    for (i, mut row) in rows.into_iter().enumerate() {
        for (field, column) in map {
            if let Some(value) = row.remove(field) {
                row.insert(column.clone(), value);
            }
        }
        if i > 0 {
            out.push(b',');
        }
        serde_json::to_writer(&mut out, &row)?;
    }
    Ok(out)
}

/// What `ekn connect add` and `ekn-office connector add` are told about a connector, shared so
/// the office's console speaks exactly the workstation's words.
#[derive(Debug, Clone, clap::Args)]
pub struct ConnectorFlags {
    #[arg(long, default_value = "egov-v4")]
    pub kind: String,
    /// The kind of ЭКН data it brings.
    #[arg(long, value_parser = ["inspections", "appeals", "risk"])]
    pub data: String,
    /// The API's base, e.g. https://data.egov.kz/api/v4; or the file's address (http-file).
    #[arg(long)]
    pub url: String,
    /// The dataset's id (egov-v4).
    #[arg(long)]
    pub dataset: Option<String>,
    /// vN; the newest the dataset's mapping lists when not given.
    #[arg(long)]
    pub version: Option<String>,
    /// The dataset's key field: the pages are keyed on it (egov-v4).
    #[arg(long)]
    pub key_field: Option<String>,
    /// field=column,… where the dataset's names say nothing to ЭКН.
    #[arg(long)]
    pub map: Option<String>,
    /// The environment variable that holds the API key.
    #[arg(long)]
    pub api_key_env: Option<String>,
    #[arg(long)]
    pub read_timeout_s: Option<u64>,
    #[arg(long, default_value_t = 5000)]
    pub page_size: usize,
    /// The dataset's field stamped when a record changes: later runs read only what changed
    /// since the previous run started (egov-v4).
    #[arg(long)]
    pub modified_field: Option<String>,
    /// Run every N hours in the background (the desktop app while it is open; the office server).
    #[arg(long)]
    pub every_hours: Option<u32>,
}

impl ConnectorFlags {
    /// The connector these flags describe, checked.
    pub fn spec(self, name: String) -> Result<ConnectorSpec, SpecError> {
        let data = DataKind::from_code(&self.data)
            .ok_or_else(|| SpecError::new(format!("--data '{}': inspections, appeals or risk", self.data)))?;
        let spec = ConnectorSpec {
            name,
            kind: self.kind,
            data,
            url: self.url,
            dataset: self.dataset.unwrap_or_default(),
            version: self.version,
            key_field: self.key_field.unwrap_or_default(),
            map: parse_map(self.map.as_deref().unwrap_or(""))?,
            api_key_env: self.api_key_env,
            read_timeout_s: self.read_timeout_s,
            page_size: self.page_size,
            modified_field: self.modified_field,
            every_hours: self.every_hours,
        };
        spec.check()?;
        Ok(spec)
    }
}
