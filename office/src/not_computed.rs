//! Something the office did not compute, and why: every report of the office's figures (effect,
//! themes, anomalies) lists what it left out with a code the consoles put into the person's language
//! and the reason in English, instead of a figure it could not stand behind.

pub use ekn_analytics::office_reports::NotComputed;
