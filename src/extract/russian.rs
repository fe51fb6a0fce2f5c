//! The «й» OCR lost at a Russian word's end, put back.
//!
//! Why: Tesseract often drops the breve of «Й» in capitals and small print — «АКМОЛИНСКОИ
//! ОБЛАСТИ», «ПАВЛОДАРСКОИ», «жилищнои» — and a body's name read so is wrong by a letter a person
//! must retype. Russian adjectives end in «-ой», «-ый», «-ий», and hardly a Russian word ends in
//! «-ои» after a consonant and long (the short plurals that do — «свои», «бои», «герои», «слои» —
//! are five letters or fewer), nor in «-ыи» at all. So a word of six letters or more ending so is
//! the adjective. «-ии» (ИНСПЕКЦИИ) and «-еи» (идеи, аллеи) are real endings and stay as read.
//!
//! Only OCR'd words pass through here; a text layer is as its author typed it.

use super::ocr::TsvWord;

/// Consonants after which «-ои» at a long word's end is an adjective's «-ой» («-ской», «-цкой»,
/// «-ной», «-вой», «-жной», «-шной», «-чной», «-той», «-дой», «-зой», «-гой»).
const BEFORE_OI: &str = "кнвтджшщчзсг";

/// The word with its closing «и» read for «й» put back (the case kept), or `None`.
fn restore_short_i(word: &str) -> Option<String> {
    let core_end = word.rfind(|c: char| c.is_alphabetic())?;
    let (core, tail) = word.split_at(core_end + word[core_end..].chars().next().map_or(1, char::len_utf8));
    let letters: Vec<char> = core.chars().collect();
    let lower: Vec<char> = core.to_lowercase().chars().collect();
    // Russian letters only: a Kazakh letter, a Latin one or a figure leaves the word as read.
    let russian_only = lower.len() == letters.len() && lower.iter().all(|&c| ('а'..='я').contains(&c) || c == 'ё');
    if !russian_only || letters.len() < 6 {
        return None;
    }
    let n = lower.len();
    let (before, vowel, last) = (lower[n - 3], lower[n - 2], lower[n - 1]);
    let adjective = last == 'и' && ((vowel == 'о' && BEFORE_OI.contains(before)) || vowel == 'ы');
    if !adjective {
        return None;
    }
    let upper = letters[n - 1].is_uppercase();
    let mut fixed: String = letters[..n - 1].iter().collect();
    fixed.push(if upper { 'Й' } else { 'й' });
    Some(format!("{fixed}{tail}"))
}

/// Puts back a Russian adjective's closing «й» that OCR read as «и»; how many words changed.
pub(crate) fn restore_short_i_in(words: &mut [TsvWord]) -> usize {
    let mut changed = 0;
    for word in words.iter_mut() {
        if let Some(fixed) = restore_short_i(&word.text) {
            word.text = fixed;
            changed += 1;
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_adjectives_lost_breve_is_put_back_and_real_endings_stay() {
        assert_eq!(restore_short_i("АКМОЛИНСКОИ").as_deref(), Some("АКМОЛИНСКОЙ"));
        assert_eq!(restore_short_i("жилищнои,").as_deref(), Some("жилищной,"));
        assert_eq!(restore_short_i("Павлодарскои»").as_deref(), Some("Павлодарской»"));
        assert_eq!(restore_short_i("областнои").as_deref(), Some("областной"));
        assert_eq!(restore_short_i("пожарныи").as_deref(), Some("пожарный"));
        for real in ["ИНСПЕКЦИИ", "лотереи", "свои", "герои", "слои", "АКМОЛИНСКОЙ", "ҚАЛАСЫНЫҢ", "Batyri"]
        {
            assert_eq!(restore_short_i(real), None, "{real}");
        }
    }
}
