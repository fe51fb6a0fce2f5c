//! Words a reading spelt one letter wrong, put right for the period finder: «в течение ДЕсяри
//! рабочих дкей», «тридцати кглендарных дней», «в тёчение одного месяца», «он күн ізінде».
//!
//! Why: a period is three or four words in a row (an anchor, a number, a unit), and a phone photo
//! read by OCR loses a letter in one of them often enough that periods were the most missed fact
//! on photos across the spent frozen sets (70 periods missed on the photos of seventeen sets,
//! reader 2026.11.29h). Each such word is one letter from a word the period patterns know. The page's text
//! is read a second time with every word that is one letter from exactly one word of the period
//! vocabulary (`period_words` in `assets/extract/rules.json` and the number words) put right; a
//! period found only there says so in its rule (`….misread`), so its confidence is its own.
//!
//! Only a letter swapped for one of the same byte length is put right, so every byte offset of the
//! copy is the page's own and a fact's span boxes the words as printed. A word of three letters or
//! fewer is never touched, a word the vocabulary holds is left as it is, and a word a letter from two
//! of its words («десятй»: «десяти» or «десять») is left too; a repair changes no other finder's
//! reading.

use std::collections::HashSet;

/// The shortest word put right: shorter words lie one letter from too many others.
const SHORTEST: usize = 4;

/// The page's text with its misread period words put right, or `None` when none was.
pub(crate) fn period_text(text: &str, vocabulary: &HashSet<String>) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String, changed: &mut bool| {
        match put_right(word, vocabulary) {
            Some(fixed) => {
                out.push_str(&fixed);
                *changed = true;
            }
            None => out.push_str(word),
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphabetic() {
            word.push(c);
        } else {
            flush(&mut word, &mut out, &mut changed);
            out.push(c);
        }
    }
    flush(&mut word, &mut out, &mut changed);
    debug_assert_eq!(out.len(), text.len());
    changed.then_some(out)
}

/// The one vocabulary word `word` is a letter away from, in the word's own case, same byte length.
fn put_right(word: &str, vocabulary: &HashSet<String>) -> Option<String> {
    let letters: Vec<char> = word.chars().collect();
    if letters.len() < SHORTEST {
        return None;
    }
    let lower: Vec<char> = word.to_lowercase().chars().collect();
    if lower.len() != letters.len() || vocabulary.contains(&lower.iter().collect::<String>()) {
        return None;
    }
    let mut found: Option<String> = None;
    for candidate in vocabulary {
        // Compared letter by letter without a copy: this runs for every word of every page.
        let mut known = candidate.chars();
        let mut differing: Option<(usize, char)> = None;
        let mut same_length = true;
        let mut two = false;
        for (at, &read) in lower.iter().enumerate() {
            match known.next() {
                None => {
                    same_length = false;
                    break;
                }
                Some(k) if k != read => {
                    if differing.is_some() {
                        two = true;
                        break;
                    }
                    differing = Some((at, k));
                }
                Some(_) => {}
            }
        }
        if two || !same_length || known.next().is_some() {
            continue;
        }
        let Some((at, right)) = differing else { continue };
        if right.len_utf8() != letters[at].len_utf8() {
            continue;
        }
        // The letter in the case it was read in («ДЕсяри»: the «р» was small).
        let right = if letters[at].is_uppercase() { right.to_uppercase().next().unwrap_or(right) } else { right };
        if right.len_utf8() != letters[at].len_utf8() {
            continue;
        }
        let fixed: String = letters.iter().enumerate().map(|(i, &c)| if i == at { right } else { c }).collect();
        if found.as_ref().is_some_and(|f| f.to_lowercase() != fixed.to_lowercase()) {
            // Two words lie a letter away: which one was printed is not for a guess.
            return None;
        }
        found = Some(fixed);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocabulary(words: &[&str]) -> HashSet<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn a_word_one_letter_off_is_put_right_in_its_own_case_and_offsets() {
        let v = vocabulary(&["течение", "десяти", "рабочих", "дней", "тәулік", "ішінде", "календарных"]);
        let text = "в течение ДЕсяри рабочих дкей; алпыс тәулік ізінде; тридцати кглендарных дней";
        let fixed = period_text(text, &v).expect("put right");
        assert_eq!(fixed, "в течение ДЕсяти рабочих дней; алпыс тәулік ішінде; тридцати календарных дней");
        assert_eq!(fixed.len(), text.len());
        assert_eq!(period_text("он күн ізінде", &vocabulary(&["ішінде"])).as_deref(), Some("он күн ішінде"));
        // «ё» read for «е».
        assert_eq!(period_text("в тёчение", &v).as_deref(), Some("в течение"));
    }

    #[test]
    fn known_words_short_words_ambiguous_words_and_other_widths_are_left() {
        let v = vocabulary(&["десяти", "десять", "дней", "пяти"]);
        assert_eq!(period_text("десять дней", &v), None, "words the vocabulary holds");
        assert_eq!(period_text("дна дне", &v), None, "three letters");
        // «десяли» is one letter from «десяти» and two from «десять»: put right; «десятй» is
        // one letter from both: left.
        assert_eq!(period_text("десяли", &v).as_deref(), Some("десяти"));
        assert_eq!(period_text("десятй", &v), None);
        // A Latin letter is one byte where the Cyrillic is two: offsets would move, so it stays.
        assert_eq!(period_text("пятu", &v), None);
        assert_eq!(period_text("", &v), None);
    }
}
