//! Notes on a theme's card: what a supervisor or an analyst wants the next reader of the theme to
//! know (why it was opened, what the last plan decided, who in the region was asked). A note is
//! free text, so it is personal data under the journal's rules: it lives only in its journal entry's
//! personal part (`theme_noted`), is read back from there, and a destruction act clears it like any
//! other, leaving the note's author, moment and the act's number on the card.

use super::Analytics;
use crate::api::{checked_note, ApiError};
use crate::domain::journal::Entry;
use crate::store::{About, ThemeNote};

/// The card lists at most this many notes (the newest).
pub const NOTES_ON_CARD: u32 = 100;

impl Analytics<'_> {
    /// The notes on theme `name`, newest first.
    pub fn theme_notes(&self, name: &str) -> Result<Vec<ThemeNote>, ApiError> {
        let (theme, _) = self.theme_in_force(name)?;
        Ok(self.read().store().theme_notes(&theme.name, NOTES_ON_CARD)?)
    }

    /// Writes a note on theme `name` (journaled with its author) and returns the notes, newest first.
    /// A retired theme takes notes too: why it was retired is worth a line.
    pub fn note_theme(&mut self, name: &str, note: &str) -> Result<Vec<ThemeNote>, ApiError> {
        let Some(note) = checked_note(Some(note))? else {
            return Err(ApiError::invalid("the note is empty"));
        };
        let (theme, _) = self.theme_in_force(name)?;
        let entry = Entry::ThemeNoted { theme: theme.name.clone(), note };
        self.journal().run(|w| {
            w.append(&entry, About::default(), None)?;
            Ok(())
        })?;
        self.theme_notes(&theme.name)
    }
}
