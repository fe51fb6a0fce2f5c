//! Types and rules with no I/O: identifiers, classifiers, registry records, personal-data masking
//! and the case card's indicators. Everything here can be tested with plain values.

pub mod access_log;
pub mod acts;
pub mod calendar;
pub mod card;
pub mod classifier;
pub mod deadline;
pub mod digest;
pub mod districts;
pub mod facts;
pub mod ids;
pub mod journal;
pub mod merkle;
pub mod network;
pub mod norms;
pub mod office_admin;
pub mod office_journal;
pub mod outcomes;
pub mod papers;
pub mod privacy;
pub mod procedure;
pub mod reconcile;
pub mod records;
pub mod retention;
pub mod review;
pub mod statutory;
pub mod sync;
pub mod tasks;
pub mod territory;
pub mod triage;
