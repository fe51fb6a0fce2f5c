//! ЭКН desktop app: opens the same database as the command line (`EKN_DB`, else the default
//! location), creating the demo database on first run when there is none, and shows the UI in a
//! native window. The UI's one command, `call`, hands a method and its parameters to
//! `ekn::api::host::Host`, which runs them through `ekn::api::rpc`, the table `ekn serve` uses too.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::sync::Arc;

use ekn::api::host::Host;
use ekn::api::{ApiError, ErrorCode};
use serde_json::Value;

/// The one command: a method of `ekn::api::rpc` (or the host's upload/progress) with its parameters.
#[tauri::command]
async fn call(host: tauri::State<'_, Arc<Host>>, method: String, params: Value) -> Result<Value, ApiError> {
    let host = host.inner().clone();
    tauri::async_runtime::spawn_blocking(move || host.call(&method, params))
        .await
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?
}

fn main() {
    ekn::api::init_logging();
    let db = std::env::var_os("EKN_DB").map(std::path::PathBuf::from).unwrap_or_else(ekn::api::default_db_path);
    let today = match std::env::var("EKN_TODAY").ok().map(|t| (chrono::NaiveDate::parse_from_str(&t, "%Y-%m-%d"), t)) {
        None => None,
        Some((Ok(day), _)) => Some(day),
        Some((Err(e), text)) => {
            eprintln!("ekn-desktop: error [invalid_input]: EKN_TODAY '{text}' is not a date (YYYY-MM-DD): {e}");
            std::process::exit(2);
        }
    };
    let host = match Host::start(&db, true, ekn::domain::journal::Face::Desktop, today) {
        Ok(host) => host,
        Err(e) => {
            eprintln!("ekn-desktop: error [{}]: {}", e.code, e.message);
            std::process::exit(1);
        }
    };
    if host.created_demo() {
        eprintln!("ekn-desktop: created the demo database at {}", db.display());
    }
    tauri::Builder::default()
        .manage(Arc::new(host))
        .invoke_handler(tauri::generate_handler![call])
        .run(tauri::generate_context!())
        .expect("the desktop window could not start");
}
