//! Text as the classifier sees it: normalised (HTML remnants decoded and dropped, lower case, ё→е,
//! digits folded, punctuation to spaces) and cut into features — word unigrams and bigrams,
//! character n-grams of 2 to 5 inside each word, and (for models since the blend) character
//! n-grams of 3 to 5 over the whole text, across word boundaries. Character n-grams need no
//! stemmer, so Russian and Kazakh, declined forms and typos share most of their features; the spans
//! over the whole text also catch short phrases and words run together or split apart
//! ("не выплатили"/"невыплатили"), and give pieces of words a second, separately normalised voice
//! (measured: a block of the crossing pieces alone did worse than none, the whole text better).

use std::hash::Hasher;

use rustc_hash::FxHasher;

/// The shortest and longest character n-gram taken inside a word (the word padded with spaces).
pub const CHAR_MIN: usize = 2;
pub const CHAR_MAX: usize = 5;
/// The shortest and longest character n-gram of the spans block (over the whole text).
pub const SPAN_MIN: usize = 3;
pub const SPAN_MAX: usize = 5;

/// Which block a feature belongs to: each block is weighted and normalised on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Block {
    Words,
    Chars,
    /// Character n-grams over the whole text, word boundaries included.
    Spans,
}

/// Decodes the HTML remnants exports carry (`&nbsp;`, `&lt;p&gt;`, `<br/>`), drops tags, folds case,
/// ё to е and every digit to 0, and turns everything that is not a letter or a digit into one space.
pub fn normalize(text: &str) -> String {
    let decoded = decode_entities(text);
    let mut out = String::with_capacity(decoded.len());
    let mut in_tag = false;
    let mut last_space = true;
    for c in decoded.chars() {
        if c == '<' {
            in_tag = true;
            continue;
        }
        if in_tag {
            if c == '>' {
                in_tag = false;
                if !last_space {
                    out.push(' ');
                    last_space = true;
                }
            }
            continue;
        }
        let folded = if c.is_ascii_digit() {
            Some('0')
        } else if c.is_alphabetic() {
            Some(c)
        } else {
            None
        };
        match folded {
            Some(c) => {
                for lower in c.to_lowercase() {
                    out.push(if lower == 'ё' { 'е' } else { lower });
                }
                last_space = false;
            }
            None if !last_space => {
                out.push(' ');
                last_space = true;
            }
            None => {}
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// `&nbsp;` `&lt;` `&gt;` `&amp;` `&quot;` `&#39;` `&laquo;` `&raquo;` and numeric references; an
/// unknown entity stays as written. Decoded twice, for the doubly escaped (`&amp;lt;`).
fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let once = decode_once(text);
    if once.contains('&') {
        decode_once(&once)
    } else {
        once
    }
}

fn decode_once(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let end = after.find(';').filter(|&e| e <= 8);
        let decoded = end.and_then(|e| {
            let name = &after[..e];
            let c = match name {
                "nbsp" => Some(' '),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "amp" => Some('&'),
                "quot" => Some('"'),
                "apos" | "#39" => Some('\''),
                "laquo" => Some('«'),
                "raquo" => Some('»'),
                "mdash" | "ndash" => Some('-'),
                _ => name
                    .strip_prefix("#x")
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A feature's stable id: a 64-bit hash of its block and text (collisions are out of reach at the
/// vocabulary sizes of an office).
pub fn feature_id(block: Block, text: &str) -> u64 {
    let mut h = FxHasher::default();
    h.write_u8(match block {
        Block::Words => b'w',
        Block::Chars => b'c',
        Block::Spans => b's',
    });
    h.write(text.as_bytes());
    h.finish()
}

/// Calls `visit` with every feature of a normalised text, repeats included; the spans across words
/// only with `spans`.
pub fn for_each_feature(normalized: &str, spans: bool, visit: &mut dyn FnMut(Block, &str)) {
    let words: Vec<&str> = normalized.split(' ').filter(|w| !w.is_empty()).collect();
    let mut buffer = String::new();
    for (i, word) in words.iter().enumerate() {
        visit(Block::Words, word);
        if let Some(next) = words.get(i + 1) {
            buffer.clear();
            buffer.push_str(word);
            buffer.push(' ');
            buffer.push_str(next);
            visit(Block::Words, &buffer);
        }
        buffer.clear();
        buffer.push(' ');
        buffer.push_str(word);
        buffer.push(' ');
        let bounds: Vec<usize> = buffer.char_indices().map(|(i, _)| i).chain([buffer.len()]).collect();
        let chars = bounds.len() - 1;
        for n in CHAR_MIN..=CHAR_MAX.min(chars) {
            for start in 0..=chars - n {
                visit(Block::Chars, &buffer[bounds[start]..bounds[start + n]]);
            }
        }
    }
    if spans {
        for_each_span(normalized, visit);
    }
}

/// The character n-grams of ` text `, across word boundaries.
fn for_each_span(normalized: &str, visit: &mut dyn FnMut(Block, &str)) {
    let padded = format!(" {normalized} ");
    let bounds: Vec<usize> = padded.char_indices().map(|(i, _)| i).chain([padded.len()]).collect();
    let chars = bounds.len() - 1;
    for start in 0..chars {
        for n in SPAN_MIN..=SPAN_MAX.min(chars - start) {
            visit(Block::Spans, &padded[bounds[start]..bounds[start + n]]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_remnants_case_and_digits_are_normalised() {
        assert_eq!(
            normalize("&lt;p&gt;Нет  ОТОПЛЕНИЯ&nbsp;с 1 ноября!<br/>Ёлки, 45&amp;000 тг"),
            "нет отопления с 0 ноября елки 00 000 тг"
        );
        assert_eq!(normalize("Жалақы үш ай бойы төленбеді"), "жалақы үш ай бойы төленбеді");
        assert_eq!(normalize("a &unknown; b"), "a unknown b");
    }

    #[test]
    fn features_are_words_bigrams_and_char_ngrams_inside_words() {
        let mut seen = Vec::new();
        for_each_feature("нет воды", false, &mut |b, t| seen.push((b, t.to_string())));
        assert!(seen.contains(&(Block::Words, "нет воды".into())));
        assert!(seen.contains(&(Block::Chars, " нет ".into())));
        assert!(seen.contains(&(Block::Chars, "од".into())));
        assert!(!seen.iter().any(|(b, t)| *b == Block::Chars && t.contains("т в")), "no n-gram across words");
        assert!(!seen.iter().any(|(b, _)| *b == Block::Spans), "no spans unless asked");
    }

    #[test]
    fn spans_run_over_the_whole_text_across_word_boundaries() {
        let mut spans = Vec::new();
        for_each_feature("не дали", true, &mut |b, t| {
            if b == Block::Spans {
                spans.push(t.to_string());
            }
        });
        for expected in ["е д", "не д", " не д", "е да", "не да", "е дал"] {
            assert!(spans.contains(&expected.to_string()), "{expected:?} in {spans:?}");
        }
        assert!(spans.contains(&"дали".to_string()) && spans.contains(&" не".to_string()));
        assert!(spans.iter().all(|t| (SPAN_MIN..=SPAN_MAX).contains(&t.chars().count())), "{spans:?}");
    }
}
