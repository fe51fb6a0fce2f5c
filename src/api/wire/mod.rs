//! What crosses to the UI: the declared method table (`rpc`), the one list of what the desktop app
//! and the browser may call, and the `host` that owns a session on a worker thread for both.

pub mod host;
pub mod params;
pub mod rpc;
