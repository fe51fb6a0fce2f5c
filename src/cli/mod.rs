//! The `ekn` command line below `main.rs`, by capability as `api` is: each module holds its
//! subcommands (clap), runs each with one `api` call and renders the answer as text, or as the
//! stable JSON with `--json`. Here: printing, progress bars on a terminal, and the small helpers the
//! modules share.

mod acts;
pub mod analytics;
pub mod appeals;
pub mod bench;
pub mod connect;
pub mod deadlines;
pub mod docs;
pub mod effect;
pub mod evidence;
pub mod guide;
pub mod journal;
pub mod office;
pub mod registry;
pub mod retention;
pub mod tasks;
pub mod themes;
pub mod vault;
pub mod words;

use ekn::api::{ApiError, ErrorCode, Progress};
use indicatif::{ProgressBar, ProgressStyle};
use serde::de::DeserializeOwned;
use serde::Serialize;

pub use acts::{run_act, ActAction};
pub use appeals::{render_models, step_reporter};
pub use tasks::{run_task, today, TaskAction};

/// Parses a typed value as the docs spell it (`declared_illegal`, the wire's own spelling) or as
/// command lines usually do (`declared-illegal`): either is accepted, everywhere a value is typed.
pub fn typed<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    let word = text.trim().to_lowercase().replace('-', "_");
    serde_json::from_value(serde_json::Value::String(word)).map_err(|e| {
        // serde names the expected variants: "unknown variant `x`, expected one of `a`, `b`".
        let said = e.to_string();
        match said.split_once("expected ") {
            Some((_, expected)) => format!("'{text}' is not one of {expected}"),
            None => format!("'{text}': {said}"),
        }
    })
}

/// A share as a percentage with one decimal.
pub fn percent(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// A share that may be unknown.
pub fn opt_percent(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_string(), percent)
}

/// A value that may be unknown.
pub fn opt<T: std::fmt::Display>(v: &Option<T>) -> String {
    v.as_ref().map_or_else(|| "—".to_string(), |x| x.to_string())
}

/// Prints `value` as pretty JSON or through its text renderer.
pub fn print<T: Serialize>(json: bool, value: &T, render: fn(&T) -> String) -> Result<(), ApiError> {
    if json {
        let text =
            serde_json::to_string_pretty(value).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
        out(&format!("{text}\n"));
    } else {
        out(&render(value));
    }
    Ok(())
}

/// A JSON array written one compact row per line: an export of half a million rows is printed as
/// it is serialised, never held whole as one pretty string (which took as long as classifying it).
pub fn print_json_rows<T: Serialize>(rows: &[T]) -> Result<(), ApiError> {
    use std::io::Write;
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    let mut write = || -> std::io::Result<()> {
        stdout.write_all(b"[")?;
        for (i, row) in rows.iter().enumerate() {
            stdout.write_all(if i == 0 { b"\n" } else { b",\n" })?;
            serde_json::to_writer(&mut stdout, row)?;
        }
        stdout.write_all(b"\n]\n")?;
        stdout.flush()
    };
    match write() {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => Err(ApiError::new(ErrorCode::Internal, format!("could not write the output: {e}"))),
    }
}

/// Writes to standard output. When the reader has gone (`ekn … | head`), the command's output is no
/// longer wanted: it ends quietly with success instead of panicking as `print!` would.
pub fn out(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => eprintln!("ekn: could not write the output: {e}"),
    }
}

/// One progress bar per file being imported.
pub struct ProgressBars {
    current: Option<(String, ProgressBar)>,
}

impl ProgressBars {
    pub fn new() -> Self {
        ProgressBars { current: None }
    }

    pub fn update(&mut self, name: &str, p: Progress) {
        // After the rows, an appeals import runs the pipeline: a second bar, counted in appeals.
        if p.triage_total > 0 {
            let template = "{msg} [{bar:30}] {pos}/{len} appeals {per_sec} eta {eta}";
            self.show(&format!("{name}: pipeline"), template, p.triage_total, p.triaged);
        } else {
            let template = "{msg} [{bar:30}] {bytes}/{total_bytes} {per_sec} eta {eta}";
            self.show(name, template, p.bytes_total, p.bytes_done);
        }
    }

    /// Moves the bar labelled `label` to `position`, starting it (and finishing the previous one)
    /// when the label changes.
    fn show(&mut self, label: &str, template: &str, length: u64, position: u64) {
        if self.current.as_ref().is_none_or(|(n, _)| n != label) {
            self.finish();
            let bar = ProgressBar::new(length);
            bar.set_style(ProgressStyle::with_template(template).expect("valid template").progress_chars("=> "));
            bar.set_message(label.to_string());
            self.current = Some((label.to_string(), bar));
        }
        if let Some((_, bar)) = &self.current {
            bar.set_position(position);
        }
    }

    pub fn finish(&mut self) {
        if let Some((_, bar)) = self.current.take() {
            bar.finish_and_clear();
        }
    }
}
