//! Checking a PDF's text layer before trusting it. A Cyrillic PDF whose fonts carry no proper
//! map to Unicode comes out of every library (poppler, mupdf, pdf-extract alike) as Latin
//! look-alikes (`noJI` for «пол», `AeKnapai` for «декларация») or as private-use characters; such
//! a page is sent to OCR instead. The check judges words, not characters: a word that mixes
//! alphabets, flips case inside itself, carries replacement or private-use characters, or is a
//! run of Latin consonants does not read as a word.

/// A text layer whose share of words that read as words is below this goes to OCR.
pub const MIN_QUALITY: f32 = 0.85;
/// A layer whose marks are less than this share letters is symbols, not text.
pub const MIN_LETTER_SHARE: f32 = 0.45;
/// A page with fewer letters than this has no text layer worth the name (a scan's page).
pub const MIN_LETTERS: usize = 20;

/// A layer whose letter pairs are less than this share pairs that Russian, Kazakh or English words
/// contain is not text in those languages, whatever its encoding: mojibake («Ïðîêóðàòóðà», cp1251
/// read as cp1252) scores near 0, a page of Russian or Kazakh prose 0.95–1.
pub const MIN_LANGUAGE_SCORE: f32 = 0.75;

/// The letter pairs of the three languages, from `assets/extract/letter_pairs.json`
/// (scripts/documents/letter_pairs.py names its sources).
fn known_pairs() -> &'static std::collections::HashSet<[char; 2]> {
    static PAIRS: std::sync::OnceLock<std::collections::HashSet<[char; 2]>> = std::sync::OnceLock::new();
    PAIRS.get_or_init(|| {
        let data: serde_json::Value = serde_json::from_str(include_str!("../../assets/extract/letter_pairs.json"))
            .expect("the shipped letter pairs are JSON");
        let mut pairs = std::collections::HashSet::new();
        for language in data["languages"].as_object().into_iter().flat_map(|l| l.values()) {
            for pair in language["pairs"].as_str().unwrap_or_default().split(' ') {
                let mut letters = pair.chars();
                if let (Some(a), Some(b), None) = (letters.next(), letters.next(), letters.next()) {
                    pairs.insert([a, b]);
                }
            }
        }
        pairs
    })
}

/// The share of a text's letter pairs (inside words, lower-cased) that the three languages write:
/// a language score by character pairs, blind to how the bytes were encoded.
pub fn language_score(text: &str) -> f32 {
    let known = known_pairs();
    let (mut seen, mut found) = (0usize, 0usize);
    for word in text.split(|c: char| !c.is_alphabetic()) {
        let letters: Vec<char> = word.chars().flat_map(char::to_lowercase).collect();
        for pair in letters.windows(2) {
            seen += 1;
            found += usize::from(known.contains(&[pair[0], pair[1]]));
        }
    }
    if seen == 0 {
        0.0
    } else {
        found as f32 / seen as f32
    }
}

/// The verdict on one page's text layer.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub quality: f32,
    pub trusted: bool,
    pub why: String,
}

fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{04FF}' | '\u{0500}'..='\u{052F}')
}

fn is_private_or_broken(c: char) -> bool {
    matches!(c, '\u{E000}'..='\u{F8FF}' | '\u{FFFD}' | '\u{F0000}'..='\u{10FFFF}')
        || (c.is_control() && !c.is_whitespace())
}

/// Why one word does not read as a word, if it does not.
fn flaw(word: &str) -> Option<&'static str> {
    if word.chars().any(is_private_or_broken) {
        return Some("private-use or replacement characters");
    }
    let letters: Vec<char> = word.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() < 2 {
        return None;
    }
    let cyrillic = letters.iter().filter(|c| is_cyrillic(**c)).count();
    let latin = letters.iter().filter(|c| c.is_ascii_alphabetic()).count();
    if cyrillic > 0 && latin > 0 {
        return Some("words that mix alphabets");
    }
    // Lower case followed by upper case inside a word: `noJI`, `AeKnapai`, never a real word
    // (an abbreviation like «ТОО» or «КоАП» is upper after upper, or one capital then lower).
    let flips = letters.windows(2).filter(|w| w[0].is_lowercase() && w[1].is_uppercase()).count();
    let is_code = letters.iter().filter(|c| c.is_uppercase()).count() >= 2 && cyrillic > 0;
    if flips > 0 && !is_code {
        return Some("case flipping inside words");
    }
    if latin == letters.len() && letters.len() >= 4 {
        let vowels = letters.iter().filter(|c| "aeiouyAEIOUY".contains(**c)).count();
        if vowels == 0 {
            return Some("Latin words without vowels");
        }
    }
    None
}

/// Judges a page's text layer.
pub fn judge(text: &str) -> Verdict {
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    if letters < MIN_LETTERS {
        return Verdict { quality: 0.0, trusted: false, why: super::reason::no_text_layer(letters) };
    }
    // A layer of stray symbols with a letter here and there (glyph ids read as ASCII) has letters
    // in well under half of its marks; a page of prose, tables and numbers has most.
    let marks = text.chars().filter(|c| !c.is_whitespace()).count();
    let letter_share = letters as f32 / marks.max(1) as f32;
    if letter_share < MIN_LETTER_SHARE {
        return Verdict {
            quality: letter_share,
            trusted: false,
            why: super::reason::few_letters(f64::from(letter_share) * 100.0),
        };
    }
    let mut words = 0usize;
    let mut bad = 0usize;
    let mut reasons: Vec<(&'static str, usize)> = Vec::new();
    for word in text.split(|c: char| c.is_whitespace() || ",.;:!?()«»\"'/–—-[]{}".contains(c)) {
        if !word.chars().any(|c| c.is_alphabetic() || is_private_or_broken(c)) {
            continue;
        }
        words += 1;
        if let Some(reason) = flaw(word) {
            bad += 1;
            match reasons.iter_mut().find(|(r, _)| *r == reason) {
                Some((_, n)) => *n += 1,
                None => reasons.push((reason, 1)),
            }
        }
    }
    let quality = if words == 0 { 0.0 } else { 1.0 - bad as f32 / words as f32 };
    let latin = text.chars().filter(|c| c.is_ascii_alphabetic()).count();
    let cyrillic = text.chars().filter(|c| is_cyrillic(*c)).count();
    reasons.sort_by_key(|r| std::cmp::Reverse(r.1));
    if quality < MIN_QUALITY {
        let main = reasons.first().map(|r| r.0).unwrap_or("unreadable words");
        return Verdict {
            quality,
            trusted: false,
            why: super::reason::words_do_not_read(f64::from(1.0 - quality) * 100.0, main),
        };
    }
    // Words that read as words but in no language the office writes: mojibake keeps its case and
    // alphabet, so only how its letters pair gives it away.
    let score = language_score(text);
    if score < MIN_LANGUAGE_SCORE {
        return Verdict {
            quality: quality.min(score),
            trusted: false,
            why: super::reason::not_a_language(f64::from(score) * 100.0),
        };
    }
    // Look-alike Latin with the odd real word in it: a Kazakh or Russian document is Cyrillic.
    if latin > 4 * cyrillic && latin > 200 && bad > 0 {
        return Verdict { quality: quality.min(0.5), trusted: false, why: super::reason::latin_lookalikes() };
    }
    Verdict { quality, trusted: true, why: super::reason::text_layer() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clean_russian_and_kazakh_page_is_trusted() {
        let v = judge("ПРЕДСТАВЛЕНИЕ № 2-04-25/1187 от 14.03.2025 об устранении нарушений КоАП РК. Прокуратура ТОО «Береке» ӘҚБтК-нің 462-бабы");
        assert!(v.trusted, "{v:?}");
        assert!(v.quality > 0.95);
    }

    /// A scanner's PDF whose invisible layer is its text's cp1251 bytes read as cp1252: every word
    /// reads as a word of Latin-1 letters, so only the language score refuses it.
    #[test]
    fn a_mojibake_layer_goes_to_ocr_and_says_why() {
        let mojibake = "ÏÐÎÊÓÐÀÒÓÐÀ ÃÎÐÎÄÀ ÀËÌÀÒÛ Ïîñòàíîâëåíèåì Äåïàðòàìåíòà ãîñóäàðñòâåííûõ äîõîäîâ ¹ 00451 îò \
                        17 îêòÿáðÿ 2025 ãîäà ÀÎ «Àëàòàó Æàðûº» ïðèâëå÷åíî ê îòâåòñòâåííîñòè";
        let verdict = judge(mojibake);
        assert!(!verdict.trusted, "{verdict:?}");
        assert!(verdict.why.contains("letter pairs"), "{}", verdict.why);
        assert!(language_score(mojibake) < 0.2);
        for text in [
            "Прокуратура города Алматы рассмотрела постановление о наложении штрафа и установила нарушение",
            "Қала прокуратурасы тұрғындардың өтініші бойынша жылу беру маусымына дайындығын тексерді",
            "The prosecutor's office reviewed the resolution and found the fine unlawful",
        ] {
            assert!(language_score(text) > 0.9, "{text}: {}", language_score(text));
        }
    }

    #[test]
    fn look_alikes_and_private_use_go_to_ocr() {
        let garbled =
            "Hanorosas:t AeKnapai noJI nocraHoBJIeHne o6 ycTpaHeHnn HapyIIIeHnn 3aKoHoAaTeJIbcTBa npoKypaTypa";
        assert!(!judge(garbled).trusted, "{:?}", judge(garbled));
        let pua = "\u{E001}\u{E002}\u{E003} \u{E004}\u{E005}\u{E006}\u{E007} ".repeat(10);
        assert!(!judge(&pua).trusted);
        assert!(!judge("   \n 12 ").trusted);
        // Glyph ids read as ASCII: symbols with a stray capital.
        let symbols =
            "!\"# \" $ & ' $# ( )*)+ , # $ # % - .+/0)*)+ ,1 23 4 \" A B C D E F G H I J K L M N O P Q R S T U V "
                .repeat(3);
        assert!(!judge(&symbols).trusted, "{:?}", judge(&symbols));
    }
}
