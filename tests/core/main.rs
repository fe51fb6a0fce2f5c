//! Integration tests of the core: one test binary, one module per concern. Every test works on a
//! real SQLite file in a temporary directory and real files in the formats registries export.

mod act_import;
mod acts;
mod analytics;
mod appeals;
mod architecture;
mod bad_input;
mod calendar;
mod cards;
mod cli;
mod connect;
mod connect_incremental;
mod connect_network;
mod deadlines;
mod documents;
mod effect;
mod evidence;
mod fuzz;
mod fuzz_import;
mod generator;
mod import_rules;
mod journal;
mod keys;
mod law;
mod outcomes;
mod power;
mod privacy;
mod retention;
mod serve;
mod support;
mod tasks;
mod themes;
mod triage;
mod vault;
mod wire;
mod words;
