//! The command line's own wording of shared things — an error, a task's kind and status — in the
//! language `ekn` chose (`ekn::i18n`). English keeps the forms scripts already match: an error's
//! English sentence as it was, a task's kind and status as their codes.

use ekn::api::ApiError;
use ekn::i18n::{self, tr, tr_with, Lang};

/// An error as one line (or two) for a person: the code in brackets always; in Russian or Kazakh
/// the code's text from the catalogue and the place in the file in words, then the English
/// sentence as the detail it is (it names what the code cannot: which task, which value).
pub fn error(e: &ApiError) -> String {
    let code = e.code.code();
    if i18n::lang() == Lang::En {
        return format!("error [{code}]: {}", e.message);
    }
    let mut line = format!("{} [{code}]: {}", tr("cli.error"), tr(&format!("error.{code}")));
    if let Some(d) = &e.detail {
        let position = if d.position == "row" { "error.at_row" } else { "error.at_line" };
        let mut place = vec![tr_with(position, &[("file", &d.file), ("line", &d.line)])];
        if d.field != "—" {
            place.push(tr_with("error.at_field", &[("field", &d.field)]));
        }
        if let Some(value) = &d.value {
            place.push(tr_with("error.at_value", &[("value", value)]));
        }
        line += &format!(" — {}", place.join(", "));
    }
    format!("{line}\n  {}: {}", tr("cli.error_details"), e.message)
}

/// A task's kind: words in Russian and Kazakh, the code in English.
pub fn kind(code: &str) -> String {
    coded("kind", code)
}

/// A task's status: words in Russian and Kazakh, the code in English.
pub fn status(code: &str) -> String {
    coded("status", code)
}

/// A coded value (`prefix.code` in the catalogue): words in Russian and Kazakh, the code in English.
pub fn coded(prefix: &str, code: &str) -> String {
    match i18n::lang() {
        Lang::En => code.to_string(),
        _ => tr(&format!("{prefix}.{code}")),
    }
}

/// The serde name of a value (`five_days_before`), the key's tail in the catalogue.
pub fn serde_name<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

/// A stored ISO day (`2026-11-26`) as people of the chosen language write it; the text itself when
/// it is not one.
pub fn stored_day(text: &str) -> String {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").map(i18n::local_date).unwrap_or_else(|_| text.to_string())
}
