//! ЭКН — the electronic supervision map: the core library behind the `ekn` command line and,
//! later, the desktop app and `ekn serve`.
//!
//! Layers, each a module, depending downwards only: `api` (use cases the faces call) → `ingest`
//! (reading exports) → `store` (SQLite, the only place with SQL) → `domain` (rules with no I/O).
//! `generator` makes deterministic demo and benchmark data and depends on `domain` alone.
//! See ARCHITECTURE.md for the map and the invariants.

pub mod acts;
pub mod analytics;
pub mod api;
pub mod domain;
pub mod evidence;
pub mod generator;
pub mod ingest;
pub mod serve;
pub mod store;
