//! Connectors: registry data fetched over HTTP instead of files carried by hand (issue 22, under
//! way). `fetch` is the HTTP layer a flaky portal cannot break — timeouts for a connection that
//! opens and then stays silent, retries with backoff and jitter on what is worth retrying (a
//! connection error, a timeout, 5xx, 429 with its `Retry-After` in both forms, an error object
//! inside a 200), a clear refusal on what is not (400/401/403/404), a polite pause between
//! requests, gzip, a size cap, the roots and proxy `network` sets, and never the API key in a message.
//! `egov` pages a data.egov.kz API v4 dataset by a keyset on its key field (`range … gt`, sorted
//! by the key, `from` always 0), never by deep `from`, which lost records on the real portal.
//!
//! `network` is what the connectors trust and go through: Mozilla's roots plus an office's extra
//! CA bundle, and the environment's proxy, none, or one kept as a setting. `tls` makes the rustls
//! configurations reqwest is given (also the office client's: an office's own CA, a pinned
//! certificate).
//!
//! `spec` is a connector as data, checked (the workstation's and the office's consoles alike), and the
//! mapping of a staged page's fields onto ЭКН's columns.
//!
//! Staging, publishing and the commands are use cases in `api::connectors` (docs/CONNECTORS.md).

pub mod egov;
pub mod fetch;
pub mod network;
pub mod spec;
pub mod tls;
