//! A connector whose dataset stamps every change (a modified-since field), against the loopback
//! portal of `connect`: the first run reads the whole dataset and notes the newest stamp at its
//! start; a later run asks only for the records stamped since then (a `range … gte` beside the
//! keyset), so three changed rows and two new ones (and the one row stamped at the watermark) are
//! six records fetched, not the whole dataset, and the import writes exactly the five. The watermark is inclusive: a run with nothing
//! new reads the rows stamped at the watermark itself again and finds them unchanged.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::connect::{inspection_records, portal, KEY};

const NUMBER: &str = "Регистрационный номер";
const VIOLATIONS: &str = "Количество нарушений";

/// The page queries (not the newest-stamp probe) the portal received from request `from` on.
fn page_queries(seen: &[std::collections::HashMap<String, String>], from: usize) -> Vec<Value> {
    seen[from..]
        .iter()
        .filter_map(|q| serde_json::from_str::<Value>(q.get("source")?).ok())
        .filter(|source| source["size"] != 1)
        .collect()
}

#[test]
fn a_modified_since_run_fetches_and_writes_only_what_changed() {
    let db = crate::support::TempDb::new();
    let key_var = "EKN_TEST_CONNECTOR_KEY_3";
    std::env::set_var(key_var, KEY);
    // Stamped over October; one record, the newest, on 1 November.
    let mut records = inspection_records(120);
    for (i, record) in records.iter_mut().enumerate() {
        record["modified"] = json!(format!("2026-10-{:02}T08:00:00", 1 + i % 28));
    }
    records[0]["modified"] = json!("2026-11-01T08:00:00");
    let portal = portal(records, 10_000, BTreeMap::new());
    let mut s = db.session();
    s.connectors()
        .add(&ekn::api::connectors::ConnectorSpec {
            name: "egov-changes".into(),
            kind: "egov-v4".into(),
            data: ekn::domain::records::DataKind::Inspections,
            url: portal.url.clone(),
            dataset: "inspections_registry".into(),
            version: Some("v2".into()),
            key_field: NUMBER.into(),
            // Renamed on publishing (the portal's queries keep its own names): ЭКН has no such column.
            map: vec![("modified".into(), "Изменено".into())],
            api_key_env: Some(key_var.into()),
            read_timeout_s: Some(5),
            page_size: 50,
            every_hours: None,
            modified_field: Some("modified".into()),
        })
        .unwrap();

    // The first run: everything, no window; the newest stamp is asked first.
    let first = s.connectors().run("egov-changes", &mut |_| {}).unwrap();
    assert_eq!((first.records, first.import.as_ref().unwrap().inserted), (120, 120), "{first:?}");
    assert_eq!(first.modified_since, None);
    assert_eq!(first.import.as_ref().unwrap().ignored_columns, ["Изменено"], "the map renamed the field");
    let probe: Value = serde_json::from_str(&portal.seen.lock().unwrap()[0]["source"]).unwrap();
    assert_eq!(probe["sort"], json!([{"modified": "desc"}]));
    assert!(page_queries(&portal.seen.lock().unwrap(), 1).iter().all(|q| !q.to_string().contains("gte")));

    // On the portal: three rows change, two are added, each stamped with its change.
    {
        let mut data = portal.data.lock().unwrap();
        for i in [5, 60, 110] {
            data[i][VIOLATIONS] = json!("9");
            data[i]["modified"] = json!("2026-11-05T10:00:00");
        }
        for mut extra in inspection_records(122).into_iter().skip(120) {
            extra["modified"] = json!("2026-11-05T11:30:00");
            data.push(extra);
        }
    }
    let asked = portal.seen.lock().unwrap().len();
    let second = s.connectors().run("egov-changes", &mut |_| {}).unwrap();
    let import = second.import.as_ref().unwrap();
    // The five changes, and the record stamped at the watermark itself, read again.
    assert_eq!(second.records, 6, "only what changed is fetched: {second:?}");
    assert_eq!((import.inserted, import.updated, import.unchanged), (2, 3, 1), "{import:?}");
    assert_eq!(second.modified_since.as_deref(), Some("2026-11-01T08:00:00"));
    let pages = page_queries(&portal.seen.lock().unwrap(), asked);
    assert_eq!(pages[0]["query"], json!({"range": {"modified": {"gte": "2026-11-01T08:00:00"}}}), "{pages:?}");
    assert_eq!(s.registry().status().unwrap().counts.inspections, 122);
    // The import's provenance says the run read changes, and from when.
    let imports = ekn::store::Store::open(&db.path).unwrap().imports().unwrap();
    let source = &imports.iter().max_by_key(|i| i.id).unwrap().source;
    assert!(source.contains("records with modified ≥ 2026-11-01T08:00:00"), "{source}");

    // Nothing new: the rows stamped at the watermark are read again and found unchanged.
    let third = s.connectors().run("egov-changes", &mut |_| {}).unwrap();
    assert_eq!(third.modified_since.as_deref(), Some("2026-11-05T11:30:00"));
    let import = third.import.as_ref().unwrap();
    assert_eq!((third.records, import.inserted, import.updated, import.unchanged), (2, 0, 0, 2), "{third:?}");
}
