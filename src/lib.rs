//! ЭКН — the electronic supervision map: the core library behind the `ekn` command line, `ekn
//! serve` (the UI in a browser) and the desktop app, and the library the office server (`office/`) links.
//!
//! Layers, each a module, depending downwards only: `api` (use cases the faces call, grouped by
//! capability) → `analytics` (statistics, no I/O), `ingest` (reading exports), `acts` (Word
//! templates), `evidence` (BagIt packages) → `store` (SQLite, the only place with SQL, and the
//! files beside the database) → `domain` (types and rules with no I/O). `serve` is a face (HTTP on
//! loopback over `api::rpc`); `generator` makes deterministic demo, benchmark and study data from
//! `domain` (and `analytics::effect`'s panel types); `studies` measures `analytics`' estimators and
//! detectors on what a generator planted; `connect` fetches registries over HTTP, `extract` reads
//! attached documents, `guide` is the user guide built in; `i18n` is the command lines' words in
//! ru/kk/en, from the catalogue the UI shares. See ARCHITECTURE.md for the map and the invariants,
//! which tests/core/architecture.rs checks.

pub mod acts;
pub use ekn_analytics as analytics;
pub mod api;
pub use ekn_connect as connect;
pub use ekn_disk as disk;
pub use ekn_domain as domain;
pub mod evidence;
pub mod extract;
pub mod generator;
pub mod guide;
pub use ekn_i18n as i18n;
pub mod ingest;
#[cfg(feature = "serve")]
pub mod serve;
pub mod store;
pub mod studies;
