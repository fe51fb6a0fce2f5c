//! `ekn-office`, the office server: PostgreSQL holds the office's people and roles, the enrolled
//! workstations, every journal entry they pushed in one global order, the conflicts, the tasks the
//! supervisors' dashboards count and the log of who looked at whom; axum serves it as HTTP/JSON.
//!
//! - `db`: the pool, the migrations, and the scoped transaction row-level security judges.
//! - `people`: roles, passwords (Argon2id), sessions, and what each role may do (`Caller`).
//! - `workstations`: enrolment, re-admission, revocation, incidents.
//! - `push`: a push placed by the office, the witness of each workstation's chain.
//! - `pull`: a pull within scope, with the notices of the same stretch of the office's order.
//! - `entries`: an entry as the office stores it, read back with its personal data (or its act).
//! - `retention`: destruction acts carried out on the office's copy and every replica.
//! - `throttle`: how often logins may fail, per name, per address and overall.
//! - `office`: cards, tasks and assignments as people ask for them.
//! - `calendar`: the working-day calendar the office counts with (the newest any workstation imported).
//! - `journal`: the office's own hash-chained journal of assignments, resolutions and norms imports.
//! - `norms`: the norms catalogue the office confirmed, handed to every workstation with its sync.
//! - `national`: the national read-side (publication on a region; subscriptions, checks, figures).
//! - `conflicts`: conflicts read, resolved with a reason, and sent to workstations as notices.
//! - `routing`: appeals' SLA tasks handed to a unit's member by the routing table and workload.
//! - `dashboard`: the workstations' dashboard figures over the whole office in scope.
//! - `appeals`: the facts of the workstations' appeals (no text, no person), placed by the office.
//! - `effect`: the effectiveness figures of every workstation's acts, over the `registry` the office's connectors fetched
//!   and the `appeals` its workstations handed over.
//! - `papers`: an appeal's paper (masked text, category, route, decisions) travelling with its SLA
//!   task to the colleague the task is assigned to.
//! - `national_acts`: the acts' effectiveness on the national read-side (published per act, no identity).
//! - `national_themes`: themes across regions, judged on the national side from the published counts.
//! - `national_web`: the national database's read-only HTTP face (analysts' figures, the regions'
//!   replication for national administrators), logins judged by PostgreSQL.
//! - `national_practice`: anomalies of inspection practice across regions (inspections under keyed
//!   pseudonyms, appeals counted), judged on the national side by the workstations' detectors.
//! - `anomalies`: the workstations' anomaly detectors over the office's registry and appeals.
//! - `themes`: every workstation's themes and the category × district cells judged over the office's appeals.
//! - `access`: the hash-chained access log.
//! - `admin`: people, workstations and incidents administered from the app, journaled by the database.
//! - `connectors`: the office's own registry connectors, their runs published for every workstation.
//! - `records`: the records of a connector's published run, read a piece at a time.
//! - `registry`: the newest published runs read back and parsed, kept in memory.
//! - `not_computed`: what a report of the office's figures left out, and why.
//! - `region`: the region the office publishes as on the national read-side.
//! - `settings`: the connectors' network (CA bundle, proxy) an administrator sets for every workstation.
//! - `keys`: the office's own signing key, made once, never replaced silently.
//! - `error`: the refusals and failures, with the HTTP status and code each answers.
//! - `http`: the routes, and how a request becomes a `Caller`.

/// The role the server connects as (`db` checks it at start, `error` names it in a refusal: kept
/// here, below both, so neither names the other).
pub const APP_ROLE: &str = "ekn_office_app";

pub mod access;
pub mod admin;
pub mod anomalies;
pub mod appeals;
pub mod calendar;
pub mod conflicts;
pub mod connectors;
pub mod dashboard;
pub mod db;
pub mod effect;
pub mod entries;
pub mod error;
pub mod http;
pub mod journal;
pub mod keys;
pub mod national;
pub mod national_acts;
pub mod national_practice;
pub mod national_themes;
pub mod national_web;
pub mod norms;
pub mod not_computed;
pub mod office;
pub mod papers;
pub mod people;
pub mod pull;
pub mod push;
pub mod records;
pub mod region;
pub mod registry;
pub mod retention;
pub mod routing;
pub mod settings;
pub mod themes;
pub mod throttle;
pub mod workstations;

pub use error::OfficeError;
