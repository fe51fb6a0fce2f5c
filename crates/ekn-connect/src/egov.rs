//! A data.egov.kz API v4 dataset paged by a keyset on its key field. The portal is Elasticsearch
//! behind `GET BASE/ID/vN?apiKey=…&source=<query>`, answering a JSON array; deep `from` paging lost
//! records there (the order is unstable past the first pages) and past 10,000 rows it is refused,
//! so every page asks for the rows whose key is greater than the last one seen, sorted by the key,
//! from 0. A key may repeat (the company register keeps two load epochs of each BIN): a full page
//! drops the rows sharing its last key, and the next page starts before them, so a group is never
//! split between pages. Each page is checked (an array of objects, each with its key, in order,
//! past the cursor) before anyone sees it. Where the dataset has a modified-since field, a run may
//! read only the records modified since a watermark (`range … gte` beside the keyset, both in one
//! `bool` query); the watermark is the newest value of that field when the previous run started
//! (`newest_modified`), so a record changed while a run was paging is read again by the next one.

use std::cmp::Ordering;

use serde_json::{json, Map, Value};

use super::fetch::{FetchError, Fetcher};

/// Where a dataset lives and how it is paged.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// `https://data.egov.kz/api/v4`.
    pub base: String,
    pub id: String,
    /// `v1`…`vN`.
    pub version: String,
    pub key_field: String,
    pub api_key: Option<String>,
    pub page_size: usize,
    /// Only the records whose modified field is at least this value (`None`: all of them).
    pub since: Option<Since>,
}

/// A modified-since window: the field and the value read from (inclusive: a record stamped at
/// the watermark itself is read again, and the import finds it unchanged).
#[derive(Debug, Clone, PartialEq)]
pub struct Since {
    pub field: String,
    pub value: Value,
}

/// One page: its records and the cursor the next page starts after.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub records: Vec<Map<String, Value>>,
    /// The key the next page starts after (the last kept record's); `None` before any record.
    pub cursor: Option<Value>,
    /// The portal has no more records past this page.
    pub last: bool,
}

/// Why a page could not be had.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PageError {
    #[error(transparent)]
    Fetch(#[from] FetchError),
    /// The answer is not what a v4 dataset answers; the message names the record and the field.
    #[error("{0}")]
    Shape(String),
}

impl PageError {
    /// Whether the portal refused (a refused certificate or request, an answer of the wrong shape:
    /// a retry cannot help, a person must look) rather than was unavailable for a while.
    pub fn is_refusal(&self) -> bool {
        matches!(self, PageError::Fetch(FetchError::Refused(_)) | PageError::Shape(_))
    }
}

/// The `source` query of the page after `after`: a keyset `range … gt` sorted by the key, within
/// the modified-since window when there is one.
pub fn page_query(key_field: &str, after: Option<&Value>, size: usize, since: Option<&Since>) -> Value {
    let mut must: Vec<Value> = Vec::new();
    if let Some(after) = after {
        must.push(json!({ "range": { key_field: { "gt": after } } }));
    }
    if let Some(since) = since {
        must.push(json!({ "range": { since.field.as_str(): { "gte": since.value } } }));
    }
    let query = match must.len() {
        0 => json!({ "match_all": {} }),
        1 => must.remove(0),
        _ => json!({ "bool": { "must": must } }),
    };
    json!({ "query": query, "sort": [{ key_field: "asc" }], "from": 0, "size": size })
}

/// The newest value of `field` in the dataset now (one record, sorted by it descending), or
/// `None` when the dataset is empty. A run asks it before its first page: it is where the next
/// run's window starts.
pub fn newest_modified(fetcher: &mut Fetcher, dataset: &Dataset, field: &str) -> Result<Option<Value>, PageError> {
    let source = json!({ "query": { "match_all": {} }, "sort": [{ field: "desc" }], "from": 0, "size": 1 }).to_string();
    let what = format!("{} {}, the newest '{field}'", dataset.id, dataset.version);
    let answer = fetcher.get_json(&dataset_url(dataset), &with_key(dataset, &source), &what)?;
    let Value::Array(rows) = answer else {
        return Err(PageError::Shape(format!(
            "{what}: the portal answered {}, not an array of records",
            kind(&answer)
        )));
    };
    let Some(first) = rows.first() else { return Ok(None) };
    match first.get(field) {
        Some(value @ (Value::String(_) | Value::Number(_))) => Ok(Some(value.clone())),
        _ => Err(PageError::Shape(format!(
            "{what}: the record has no field '{field}' to read changes by; name the dataset's modified field \
             (--modified-field) or leave it out"
        ))),
    }
}

fn dataset_url(dataset: &Dataset) -> String {
    format!("{}/{}/{}", dataset.base.trim_end_matches('/'), dataset.id, dataset.version)
}

/// The query pairs: the API key when there is one, then `source`.
fn with_key<'a>(dataset: &'a Dataset, source: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut query: Vec<(&str, &str)> = vec![("source", source)];
    if let Some(key) = &dataset.api_key {
        query.insert(0, ("apiKey", key.as_str()));
    }
    query
}

/// Orders two keys as the portal sorts them: numbers by value, strings by their bytes.
fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64()?.partial_cmp(&y.as_f64()?),
        (Value::String(x), Value::String(y)) => Some(x.as_bytes().cmp(y.as_bytes())),
        _ => None,
    }
}

/// Fetches and checks the page after `after`.
pub fn next_page(fetcher: &mut Fetcher, dataset: &Dataset, after: Option<&Value>) -> Result<Page, PageError> {
    let source = page_query(&dataset.key_field, after, dataset.page_size, dataset.since.as_ref()).to_string();
    let (url, query) = (dataset_url(dataset), with_key(dataset, &source));
    let what = match after {
        Some(after) => format!("{} {}, the page after {} {after}", dataset.id, dataset.version, dataset.key_field),
        None => format!("{} {}, the first page", dataset.id, dataset.version),
    };
    let answer = fetcher.get_json(&url, &query, &what)?;
    let Value::Array(rows) = answer else {
        return Err(PageError::Shape(format!(
            "{what}: the portal answered {}, not an array of records",
            kind(&answer)
        )));
    };
    let mut records = Vec::with_capacity(rows.len());
    let mut previous: Option<Value> = after.cloned();
    for (i, row) in rows.into_iter().enumerate() {
        let Value::Object(record) = row else {
            return Err(PageError::Shape(format!("{what}: record {} is {}, not an object", i + 1, kind(&row))));
        };
        let key = record.get(&dataset.key_field).cloned().unwrap_or(Value::Null);
        if key.is_null() {
            return Err(PageError::Shape(format!(
                "{what}: record {} has no field '{}'; name the dataset's key field (--key-field)",
                i + 1,
                dataset.key_field
            )));
        }
        if let Some(prev) = &previous {
            let order = compare(prev, &key).ok_or_else(|| {
                PageError::Shape(format!("{what}: record {}: key {key} cannot be ordered after {prev}", i + 1))
            })?;
            // Past the cursor strictly; within the page in order (equal keys are one group).
            let in_order = if i == 0 && after.is_some() { order == Ordering::Less } else { order != Ordering::Greater };
            if !in_order {
                return Err(PageError::Shape(format!(
                    "{what}: record {}: key {key} comes after {prev}; the portal did not page by '{}' in order",
                    i + 1,
                    dataset.key_field
                )));
            }
        }
        previous = Some(key);
        records.push(record);
    }
    if records.len() < dataset.page_size {
        let cursor = records.last().and_then(|r| r.get(&dataset.key_field)).cloned().or_else(|| after.cloned());
        return Ok(Page { records, cursor, last: true });
    }
    // A full page may end inside a group of equal keys: drop the group, the next page has it whole.
    let last_key = records.last().and_then(|r| r.get(&dataset.key_field)).cloned().unwrap_or(Value::Null);
    let full = records.len();
    records.retain(|r| r.get(&dataset.key_field) != Some(&last_key));
    if records.is_empty() {
        return Err(PageError::Shape(format!(
            "{what}: all {full} records of the page share the key {last_key}; raise the page size"
        )));
    }
    let cursor = records.last().and_then(|r| r.get(&dataset.key_field)).cloned();
    Ok(Page { records, cursor, last: false })
}

/// Every page from the one after `resume` (the start when `None`), each handed to `on_page`
/// before the next is asked for (a run stages it and keeps the cursor, so a run cut off resumes).
pub fn pages<E: From<PageError>>(
    fetcher: &mut Fetcher,
    dataset: &Dataset,
    resume: Option<Value>,
    mut on_page: impl FnMut(&Page) -> Result<(), E>,
) -> Result<Option<Value>, E> {
    let mut cursor = resume;
    loop {
        let page = next_page(fetcher, dataset, cursor.as_ref())?;
        on_page(&page)?;
        cursor = page.cursor.clone();
        if page.last {
            return Ok(cursor);
        }
    }
}

/// The newest version `vN` the dataset's mapping lists (`GET BASE/mapping/ID`), read from
/// anywhere in the answer: the portal's shape is not documented beyond naming the versions.
pub fn newest_version(fetcher: &mut Fetcher, base: &str, id: &str, api_key: Option<&str>) -> Result<String, PageError> {
    let query: Vec<(&str, &str)> = api_key.map(|k| vec![("apiKey", k)]).unwrap_or_default();
    let answer = fetcher.get_json(
        &format!("{}/mapping/{id}", base.trim_end_matches('/')),
        &query,
        &format!("{id}'s mapping"),
    )?;
    let mut versions = Vec::new();
    collect_versions(&answer, &mut versions);
    versions
        .into_iter()
        .max()
        .map(|n| format!("v{n}"))
        .ok_or_else(|| PageError::Shape(format!("{id}'s mapping names no version v1…vN; give --version")))
}

fn collect_versions(value: &Value, out: &mut Vec<u32>) {
    let version = |s: &str| s.strip_prefix('v').and_then(|n| n.parse::<u32>().ok());
    match value {
        Value::String(s) => out.extend(version(s)),
        Value::Array(items) => items.iter().for_each(|v| collect_versions(v, out)),
        Value::Object(map) => {
            for (key, v) in map {
                out.extend(version(key));
                collect_versions(v, out);
            }
        }
        _ => {}
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_is_a_keyset_from_zero_sorted_by_the_key() {
        let first = page_query("bin", None, 500, None);
        assert_eq!(first, json!({"query": {"match_all": {}}, "sort": [{"bin": "asc"}], "from": 0, "size": 500}));
        let next = page_query("bin", Some(&json!("070140012345")), 500, None);
        assert_eq!(next["query"], json!({"range": {"bin": {"gt": "070140012345"}}}));
        assert_eq!(next["from"], 0);
        let since = Since { field: "modified".into(), value: json!("2026-11-01T00:00:00") };
        assert_eq!(
            page_query("bin", None, 500, Some(&since))["query"],
            json!({"range": {"modified": {"gte": "2026-11-01T00:00:00"}}})
        );
        let both = page_query("bin", Some(&json!("0701")), 500, Some(&since));
        assert_eq!(
            both["query"],
            json!({"bool": {"must": [{"range": {"bin": {"gt": "0701"}}}, {"range": {"modified": {"gte": "2026-11-01T00:00:00"}}}]}})
        );
        assert_eq!(both["sort"], json!([{"bin": "asc"}]));
    }

    #[test]
    fn versions_are_found_anywhere_and_the_greatest_number_wins() {
        let mut found = Vec::new();
        collect_versions(&json!({"versions": ["v1", "v2", "v10"], "v3": {"fields": {}}}), &mut found);
        assert_eq!(found.into_iter().max(), Some(10));
    }

    #[test]
    fn keys_order_as_the_portal_sorts_them() {
        assert_eq!(compare(&json!(2), &json!(10)), Some(Ordering::Less));
        assert_eq!(compare(&json!("10"), &json!("2")), Some(Ordering::Less));
        assert_eq!(compare(&json!("a"), &json!(1)), None);
    }
}
