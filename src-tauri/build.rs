//! Generates the app's command permissions: only `call` exists, and capabilities/default.json
//! allows only it.
fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(&["call"])),
    )
    .expect("tauri build step");
}
