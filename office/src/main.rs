//! The `ekn-office` command line: migrate the office's PostgreSQL, serve the API, manage people
//! and workstations, and read the conflicts, the destruction acts and the access log on the
//! server's console. The connection comes from `--pg URL` or `EKN_OFFICE_PG`: `serve` connects as
//! `ekn_office_app` (and refuses any other role), `migrate` and the console's changes as the
//! database's owner (docs/OFFICE.md). Reading the access log names the person reading (`--as`)
//! and is logged. The commands are `console`'s, one module per kind of work.

use std::process::ExitCode;

mod console;

use console::Args;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("EKN_LOG").unwrap_or_else(|_| "warn".into()))
        .with_writer(std::io::stderr)
        .init();
    // Help, usage and mistakes in the reader's language (read before clap parses; `choose` keeps it).
    let matches = ekn_i18n::help::matches(<Args as clap::CommandFactory>::command(), "ekn-office");
    let args = match <Args as clap::FromArgMatches>::from_arg_matches(&matches) {
        Ok(args) => args,
        Err(e) => e.exit(),
    };
    ekn_i18n::choose(args.lang.as_deref());
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("ekn-office: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(console::run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ekn-office: {}", e.in_words());
            ExitCode::FAILURE
        }
    }
}
