//! What the office guarantees, tried as an attacker and as an administrator following
//! docs/OFFICE.md would try it (issue 37): each test failed on the office before it, against a
//! real PostgreSQL that the real server reaches as `ekn_office_app`, exactly as deployed.
//!
//! - `roles`: row-level security as deployed (two roles, nothing read without a scope, secrets
//!   out of the server's reach, a verification that cannot read nothing).
//! - `placement`: the office decides where a push's entries belong.
//! - `retention`: a destruction act reaches every copy, down to the bytes.
//! - `transport`: plain HTTP only on loopback, TLS served and pinned, answers signed, requests
//!   not replayable, logins that cannot take the office down.
//! - `revocation`: a stolen or restored machine.
//! - `bulk`: a push stored in set-based statements keeps the entry-by-entry guarantees (issue 41).
//! - `aggregates`: the dashboard read from kept counts equals the workstations' figures (issue 41).
//! - `effect`: what later inspections say of acts, and the acts' estimated effect, over the
//!   registry the office's connector fetched, equal the workstations' figures (issue 39).
//! - `themes`: every workstation's themes and the category × district cells judged at the office
//!   over the appeals they handed over equal the workstations' own figures (issue 40).
//! - `papers`: an appeal travels with its SLA task to the colleague it is assigned to, and to no
//!   one else (issue 41).
//! - `admin`: people, workstations and incidents administered from the app, journaled by the
//!   database, the server's role still changing nobody on its own (issue 64).
//! - `anomalies`: the office's anomalies as each role may read them, in the app too (issue 64).
//! - `national`: the national read-side by logical replication over three clusters (issue 41).
//! - `national_web`: the national side's read-only HTTP face and the app's Country screen over it
//!   (issue 64), run inside `national`'s clusters.

mod admin;
mod aggregates;
mod anomalies;
mod bulk;
mod effect;
mod national;
mod national_web;
mod papers;
mod placement;
mod retention;
mod revocation;
mod roles;
mod themes;
mod transport;
