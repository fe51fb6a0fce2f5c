//! The header of a document: its kind (by its title, or by what an answer says), its own number
//! and date, and the number and date it replies to (the issuing body and the addressee are
//! `parties`). Only the first page's top is read for these, where the Rules of documentation put
//! them.

use serde_json::{json, Value};

use super::numbers::dates;
use super::{CandidateFact, PageText, Rules};

/// How far into the first page the header reaches, in bytes (a letterhead, an addressee block,
/// a title and a reference line fit in well under this).
const HEADER_BYTES: usize = 2400;
/// How many non-empty lines may stand above a document's title.
pub(super) const TITLE_LINES: usize = 22;
/// How many of those may stand above a title not set in capitals.
const PLAIN_TITLE_LINES: usize = 16;

/// Whether a line has a word of three letters or more in capitals, as a title is set.
fn shouted(line: &str) -> bool {
    line.split_whitespace().any(|w| {
        let letters: Vec<char> = w.chars().filter(|c| c.is_alphabetic()).collect();
        letters.len() >= 3 && letters.iter().all(|c| c.is_uppercase())
    })
}

pub(super) fn header(page: &PageText) -> usize {
    let mut end = page.text.len().min(HEADER_BYTES);
    while !page.text.is_char_boundary(end) {
        end -= 1;
    }
    end
}

/// The (byte start, byte end) of each line of `text`.
pub(super) fn lines(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let end = start + line.trim_end_matches(['\n', '\r']).len();
        out.push((start, end));
        start += line.len();
    }
    out
}

/// Letters only, upper-cased, single-spaced: how titles are compared (OCR and layout vary).
fn squeeze(text: &str) -> String {
    text.split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ").to_uppercase()
}

/// The document's kind: a title line near the top, a court's formula, or an answer's wording.
/// Kazakh letters folded to the Russian ones OCR reads them as («НӘТИЖЕЛЕРІ» comes back as
/// «НЭТИЖЕЛЕР!»), for comparing titles.
fn ocr_fold(c: char) -> char {
    match c {
        'Ә' => 'Э',
        'Ө' => 'О',
        'Ұ' | 'Ү' => 'У',
        'Қ' => 'К',
        'Ғ' => 'Г',
        'Ң' => 'Н',
        'Һ' => 'Х',
        'І' | 'I' => 'И',
        other => other,
    }
}

/// Whether a squeezed line is, or begins with, a squeezed title — tolerant of OCR: letters
/// folded, and a long word's last letter may be lost (misread as a mark, which squeezing drops).
fn is_title_line(line: &str, title: &str) -> bool {
    let fold = |w: &str| w.chars().map(ocr_fold).collect::<String>();
    let line: Vec<String> = line.split(' ').map(fold).collect();
    let title: Vec<String> = title.split(' ').map(fold).collect();
    line.len() >= title.len()
        && line.iter().zip(&title).all(|(l, t)| {
            l == t
                || (t.chars().count() >= 5 && t.chars().count() == l.chars().count() + 1 && t.starts_with(l.as_str()))
        })
}

/// Words a line never ends with unless its sentence runs on to the next.
const RUNS_ON: &[&str] = &[
    "о", "об", "на", "в", "во", "по", "с", "со", "к", "от", "и", "для", "при", "из", "за", "у", "және", "мен", "бен",
    "пен",
];

/// A line that reads as a sentence of the body, not a title: its first word is not in capitals and
/// its words carry a sentence's punctuation («Ұсыну қаралды.», «Ұсыну қанағаттандырылды. «Сыр Фарм»
/// ЖШС-на» as a PDF wraps it, «Представление рассмотрено и удовлетворено.» open with the act's name
/// but are an answer's words about it). Numbers and dates, and abbreviations of one or two letters
/// («г.», «ж.»), are left out: «Представление № 5 от 12.03.2025 г.» is a title. A title is set apart:
/// in capitals, or without a sentence's stops.
pub(super) fn reads_as_sentence(line: &str) -> bool {
    let line = line.trim();
    // A line opening in lower case goes on from the line above («…, рассмотрев⏎представление об
    // устранении нарушений …»): a sentence's, never a title.
    if line.chars().find(|c| c.is_alphabetic()).is_some_and(char::is_lowercase) {
        return true;
    }
    // A line ending in a preposition or a conjunction wraps a sentence («Постановление акимата
    // района от 2 июня 2025 года № 244 о⏎предоставлении …»); a title ends in a word of its own.
    let last = line.split_whitespace().last().unwrap_or("").to_lowercase();
    if line.split_whitespace().count() > 2 && RUNS_ON.contains(&last.as_str()) {
        return true;
    }
    let first_word_in_capitals =
        line.split_whitespace().next().is_some_and(|w| w.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase));
    let punctuated = line
        .split_whitespace()
        .filter(|w| !w.chars().any(|c| c.is_ascii_digit()) && w.chars().filter(|c| c.is_alphabetic()).count() > 2)
        .any(|w| w.trim_end_matches(['»', '"', ')']).ends_with(['.', ',', ':', ';']));
    punctuated && line.split_whitespace().count() > 1 && !first_word_in_capitals
}

/// A line squeezed for comparing with titles, its numbers taken out first («№ 03-Э/77 АКТ» is the
/// title «АКТ», not «Э АКТ»).
pub(super) fn title_text(line: &str, rules: &Rules) -> String {
    squeeze(&rules.number.replace_all(line, " "))
}

/// Whether a line (squeezed by `title_text`) names a kind as its title: begins with one of its
/// titles, ends with one in Kazakh order, or is one of its lone words and nothing else.
pub(super) fn names_kind(line: &str, kind: &super::rules::DocType) -> bool {
    kind.titles.iter().any(|title| {
        let title = squeeze(title);
        is_title_line(line, &title) || titled_last(line, &title)
    }) || kind.alone.iter().any(|word| {
        let word = squeeze(word);
        line.split(' ').count() == word.split(' ').count() && is_title_line(line, &word)
    })
}

/// A Kazakh title in its own order, what it is about first and its word last: «Әкімшілік құқық
/// бұзушылық туралы ХАТТАМА», «Тексеру нәтижелері туралы № 03-Э/77 АКТ» (figures are squeezed out);
/// or a title in the possessive with up to three words that qualify it before it («САЛЫҚТЫҚ ТЕКСЕРУ
/// АКТІСІ», «ЖОСПАРДАН ТЫС ТЕКСЕРУ АКТІСІ»: the eighteenth set's act, its kind lost on every
/// rendition) — the possessive («-сі», «-сы») is the head of a Kazakh compound, which no Russian
/// title ends in.
fn titled_last(line: &str, title: &str) -> bool {
    let words: Vec<&str> = line.split(' ').collect();
    let title_words = title.split(' ').count();
    let before = words.len().saturating_sub(title_words);
    let possessive = title_words >= 2 && (title.ends_with("СІ") || title.ends_with("СЫ"));
    words.len() > title_words
        && words.len() <= title_words + 7
        && (words[..before].contains(&"ТУРАЛЫ") || possessive && before <= 3)
        && is_title_line(&words[before..].join(" "), title)
}

/// Whether the line at `start..end` opens a paragraph rather than titles the page: set in mixed case
/// («Ұсыныс аудан прокуратурасы қызметкерінің қатысуымен»), with the line right under it going on
/// in lower case and ending the sentence there («қаралды және қанағаттандырылды. Жалақы …»). A
/// title's second line goes on in lower case too («ПРЕДСТАВЛЕНИЕ⏎об устранении нарушений»), but
/// under a title in capitals, and it ends no sentence.
///
/// A paragraph of four words or more on its first line may run on over several lines before its
/// sentence ends («Протест на постановление акимата города о предоставлении⏎земельного участка …⏎
/// рассмотрен и удовлетворен частично: …⏎… соблюдены.», a PDF's justified lines; the sixteenth set's
/// answer was read as a protest on every rendition but the DOCX): each line under it opening in lower
/// case, the sentence ending within `RUN_ON_LINES`. A line opening in capitals or an empty one stops the
/// walk — a title's subject is followed by the text's first sentence, which opens in capitals.
fn sentence_goes_on(top: &str, start: usize, end: usize) -> bool {
    const RUN_ON_LINES: usize = 8;
    if shouted(&top[start..end]) {
        return false;
    }
    let Some(rest) = top[end..].strip_prefix('\n') else {
        return false;
    };
    let long_first = top[start..end].split_whitespace().count() >= 4;
    for (i, next) in rest.lines().take(RUN_ON_LINES).enumerate() {
        let next = next.trim();
        let opens_lower = next.chars().find(|c| c.is_alphabetic()).is_some_and(char::is_lowercase);
        if !opens_lower || i > 0 && !long_first {
            return false;
        }
        let ends_a_sentence = next.ends_with('.')
            || next.match_indices(". ").any(|(i, _)| next[i + 2..].chars().next().is_some_and(char::is_uppercase));
        if ends_a_sentence {
            return true;
        }
    }
    false
}

pub(crate) fn doc_type(pages: &[PageText], rules: &Rules) -> Option<CandidateFact> {
    let page = pages.iter().find(|p| !p.text.trim().is_empty())?;
    let top = &page.text[..header(page)];
    // The court's formula outranks a title (a court's decision is titled РЕШЕНИЕ or ПОСТАНОВЛЕНИЕ).
    // Upper-case markers are formulas (a court's); lower-case ones are an answer's wording, below.
    for t in &rules.doc_types {
        for marker in t.markers.iter().filter(|m| m.chars().all(|c| !c.is_lowercase())) {
            let words: Vec<String> = marker.split_whitespace().map(regex::escape).collect();
            let Ok(re) = regex::Regex::new(&format!("(?i){}", words.join(r"\s+"))) else { continue };
            if let Some(m) = re.find(top) {
                return Some(page.found(
                    rules,
                    "doc_type",
                    json!(t.kind),
                    (m.start(), m.end()),
                    "doc_type.marker",
                    "doc_type_title",
                ));
            }
        }
    }
    let non_empty = lines(top).into_iter().filter(|(s, e)| !top[*s..*e].trim().is_empty()).take(TITLE_LINES);
    for (at, (start, end)) in non_empty.enumerate() {
        let line = title_text(&top[start..end], rules);
        if line.is_empty() || line.split(' ').count() > 14 || reads_as_sentence(&top[start..end]) {
            continue;
        }
        // Below a long two-language letterhead and addressee a title still stands, but set in
        // capitals; a body's line there («Решение может быть обжаловано…» read without its stops)
        // is not one.
        if at >= PLAIN_TITLE_LINES && !shouted(&top[start..end]) {
            continue;
        }
        if sentence_goes_on(top, start, end) {
            continue;
        }
        if let Some(t) = rules.doc_types.iter().find(|t| names_kind(&line, t)) {
            // A court's «ПОСТАНОВЛЕНИЕ»/«ҚАУЛЫ» in an administrative case, without the formula «именем
            // Республики Казахстан»: the court naming itself in the first sentence («… суд … в
            // составе», «… соты») makes it a court decision (2026.11.28f, the ninth set's misses).
            // (Its rule has no calibration group of its own: it takes the kind's.)
            let (kind, rule) = if t.kind == "resolution" && super::parties::court_named(top).is_some() {
                ("court_decision", "doc_type.court_title")
            } else {
                (t.kind.as_str(), "doc_type.title")
            };
            return Some(page.found(rules, "doc_type", json!(kind), (start, end), rule, "doc_type_title"));
        }
    }
    // No title: a letter that answers (a reference to the letter it answers, and its wording).
    let answer = rules.doc_types.iter().find(|t| t.kind == "answer")?;
    let lower = page.text.to_lowercase();
    // …or says how the act it answers was dealt with («в удовлетворении отказано»).
    let says = answer.markers.iter().any(|m| lower.contains(&m.to_lowercase()))
        || rules.outcomes.iter().any(|(_, phrases)| phrases.iter().any(|re| re.is_match(page.text)));
    let replies = reply_refs(page, rules).next().is_some();
    (says && replies)
        .then(|| page.found(rules, "doc_type", json!("answer"), (0, 0), "doc_type.answer_wording", "doc_type_marker"))
}

/// A number written with its sign: (byte start of the sign, byte end, the number as printed).
fn numbers(text: &str, rules: &Rules) -> Vec<(usize, usize, String)> {
    rules
        .number
        .captures_iter(text)
        .filter_map(|c| {
            let no = c.name("no")?;
            let start = c.name("sign")?.start();
            if let Some((end, joined)) = wrapped_number(text, no.start(), no.end()) {
                return Some((start, end, joined));
            }
            let value = no.as_str().trim_end_matches(['.', ',', '-', '–', '/']);
            value.chars().any(|ch| ch.is_ascii_digit()).then(|| (start, no.start() + value.len(), value.to_string()))
        })
        .collect()
}

/// A number a narrow column broke after its hyphen or slash at the line's end («№ 2-11-⏎25/3071»):
/// the number whole, when the next line opens with the rest of it (a figure first). What follows a
/// break that is no number («№ 2-20-⏎БЕ», OCR's noise) leaves the number as it stood.
fn wrapped_number(text: &str, from: usize, to: usize) -> Option<(usize, String)> {
    let head = &text[from..to];
    if !head.ends_with(['-', '–', '/']) || !head.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let after = &text[to..];
    let line_break = after.find('\n')?;
    if !after[..line_break].trim().is_empty() {
        return None;
    }
    let next = &after[line_break + 1..];
    let lead = next.len() - next.trim_start_matches([' ', '\t']).len();
    let rest = &next[lead..];
    if !rest.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let len =
        rest.find(|c: char| !(c.is_ascii_digit() || c.is_alphabetic() || "/-–.".contains(c))).unwrap_or(rest.len());
    let piece = &rest[..len];
    let piece_end = to + line_break + 1 + lead + len;
    // The rest broken again at its own hyphen («№ 2-⏎1400-⏎26/3012», a cell three lines high; the
    // fifteenth set's submission on scans, read as «2-1400»).
    if let Some((end, more)) = wrapped_number(text, piece_end - piece.len(), piece_end) {
        if more.starts_with(piece) && more.len() > piece.len() {
            return Some((end, format!("{head}{more}")));
        }
    }
    let tail = piece.trim_end_matches(['.', ',', '-', '–', '/']);
    let end = to + line_break + 1 + lead + tail.len();
    Some((end, format!("{head}{tail}")))
}

/// A number and a date written together: «№ 12 от 14.03.2025», «14.03.2025 № 12»,
/// «2025 жылғы 14 наурыздағы № 12».
struct Pair {
    start: usize,
    end: usize,
    number: Option<(usize, usize, String)>,
    date: Option<(usize, usize, chrono::NaiveDate)>,
}

fn pairs(text: &str, rules: &Rules) -> Vec<Pair> {
    let found_dates = dates(text, rules);
    let found_numbers = numbers(text, rules);
    let mut used_dates = vec![false; found_dates.len()];
    let mut out = Vec::new();
    for n in &found_numbers {
        // Number then «от» date (a line break may fall between them).
        let after = found_dates.iter().enumerate().find(|(_, d)| {
            d.0 >= n.1 && {
                let gap = text[n.1..d.0].trim().to_lowercase();
                gap == "от" || gap == "от «" || gap == "от \"" || gap.is_empty() && !text[n.1..d.0].contains('\n')
            }
        });
        // Date then number (Kazakh order, or a register line).
        // …or with the own number's word between, in a table's next cell («2026 жылғы 23 қараша ⇥
        // Шығ. № 05-14/3306», the fourteenth set's answer as a DOCX).
        let before = found_dates.iter().enumerate().find(|(_, d)| {
            d.1 <= n.0 && {
                let gap = text[d.1..n.0].trim().to_lowercase();
                gap.is_empty()
                    || gap == "г."
                    || gap == "года"
                    || gap == "ж."
                    || gap.chars().all(|c| c.is_alphabetic()) && gap.chars().count() <= 6
                    || !text[d.1..n.0].contains('\n')
                        && !gap.is_empty()
                        && rules.own_leads.iter().any(|re| re.is_match(&gap))
                    // …or with the place of writing in the cell between («12.11.2026 ⇥ г. Павлодар ⇥
                    // № 2-1400-26/3012», a table row; the fifteenth set's submission as a DOCX).
                    || !text[d.1..n.0].contains('\n') && is_place(&gap)
            }
        });
        match after.or(before) {
            Some((i, d)) => {
                used_dates[i] = true;
                out.push(Pair { start: n.0.min(d.0), end: n.1.max(d.1), number: Some(n.clone()), date: Some(*d) });
            }
            None => out.push(Pair { start: n.0, end: n.1, number: Some(n.clone()), date: None }),
        }
    }
    for (i, d) in found_dates.iter().enumerate() {
        if !used_dates[i] {
            out.push(Pair { start: d.0, end: d.1, number: None, date: Some(*d) });
        }
    }
    out.sort_by_key(|p| p.start);
    out
}

/// The text of a line before `at`, lower-cased, «ё» as «е» (the rules are written without it) and
/// trimmed of punctuation.
fn lead(text: &str, at: usize) -> String {
    let start = text[..at].rfind('\n').map(|i| i + 1).unwrap_or(0);
    text[start..at].trim().trim_end_matches([',', ':', '(', '«']).trim().to_lowercase().replace('ё', "е")
}

/// The text of a line after `at`.
fn tail(text: &str, at: usize) -> &str {
    let end = text[at..].find('\n').map(|i| at + i).unwrap_or(text.len());
    &text[at..end]
}

/// The text after `at` to its line's end and, when the line goes on after `at`, the next line too: a
/// reference's words wrap («№ 2-08-25/1477 ұсынуы⏎басқармада қаралды»). A pair ending its line keeps
/// its line alone, so what stands below an own number is never read as its tail — unless the words
/// before the pair end in a Kazakh genitive (`after_genitive`), which waits for its noun on the line
/// below («Облыс прокуратурасының 2026 жылғы 28 қазандағы № 2-0900-26/3377⏎наразылығы басқармада
/// қаралды», the seventeenth set's answer in every rendition but the DOCX); an own number's lead
/// («Шығ.», a place, nothing) is never one.
fn tail_wrapped(text: &str, at: usize, after_genitive: bool) -> &str {
    let line = tail(text, at);
    if line.trim().is_empty() && !after_genitive {
        return line;
    }
    let next_start = at + line.len() + 1;
    if next_start >= text.len() {
        return line;
    }
    let next_end = text[next_start..].find('\n').map(|i| next_start + i).unwrap_or(text.len());
    &text[at..next_end]
}

/// The text before `at` on its line and, when words stand there, the line above too: a reference's
/// lead wraps («рассмотрел Ваше⏎представление № … от …»). A pair opening its line keeps the empty
/// lead, so an own number is never read with the line above it.
fn lead_wrapped(text: &str, at: usize) -> String {
    let own = lead(text, at);
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    if own.is_empty() || line_start == 0 {
        return own;
    }
    format!("{} {own}", lead(text, line_start - 1))
}

fn is_reply(text: &str, pair: &Pair, rules: &Rules) -> bool {
    let before = lead_wrapped(text, pair.start);
    let after_genitive = lead(text, pair.start).split_whitespace().last().is_some_and(super::parties::kazakh_genitive);
    let after = tail_wrapped(text, pair.end, after_genitive).to_lowercase().replace('ё', "е");
    rules.reply_leads.iter().any(|re| re.is_match(&before)) || rules.reply_tails.iter().any(|re| re.is_match(&after))
}

fn reply_refs<'a>(page: &'a PageText, rules: &'a Rules) -> impl Iterator<Item = Pair> + 'a {
    let top = &page.text[..header(page)];
    pairs(top, rules).into_iter().filter(move |p| p.number.is_some() && is_reply(top, p, rules))
}

/// Whether a lead is what stands before a document's own number: nothing, the title, «исх.».
fn own_lead(lead: &str, title_words: &[String], rules: &Rules) -> bool {
    let mut rest = lead.to_string();
    for title in title_words {
        let t = title.to_lowercase();
        if rest.starts_with(&t) {
            rest = rest[t.len()..].trim().to_string();
        } else if rest.ends_with(&t) && rest.contains("туралы") {
            // A Kazakh title in its own order, what it is about first: «Әкімшілік құқық бұзушылық
            // туралы хаттама № 00734» — the whole lead is the title.
            rest.clear();
        }
    }
    rules.own_leads.iter().any(|re| re.is_match(&rest))
}

/// Whether the words before `at` on its line are a title's subject — «об административном
/// правонарушении», «о результатах проверки», «по делу об …»: opening with «о», «об» or «по», no
/// sentence's stops — and the line above is the kind's title word alone, so the number closes the
/// title set over two lines. A reference inside a sentence has words of its own before the subject
/// («представление … об устранении»), and no title word alone above it.
fn under_title_subject(text: &str, at: usize, kind_titles: &[String]) -> bool {
    let own = lead(text, at);
    let first = own.split_whitespace().next().unwrap_or("");
    if !["о", "об", "по"].contains(&first) || own.contains(['.', ';', ':']) || own.split_whitespace().count() > 8 {
        return false;
    }
    // The line above, over one empty line OCR may set between a title's two lines.
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    if line_start == 0 {
        return false;
    }
    let mut above = squeeze(&lead(text, line_start - 1));
    if above.is_empty() {
        let previous_start = text[..line_start - 1].rfind('\n').map_or(0, |i| i + 1);
        if previous_start == 0 {
            return false;
        }
        above = squeeze(&lead(text, previous_start - 1));
    }
    !above.is_empty()
        && kind_titles.iter().any(|t| above.split(' ').count() == t.split(' ').count() && is_title_line(&above, t))
}

/// A short run of words naming a settlement: «г. Шымкент», «Ақтөбе қаласы».
fn is_place(text: &str) -> bool {
    let lower = text.to_lowercase();
    // «қ.» read by OCR as «К.» after the town's name («Түркістан К.»).
    text.split_whitespace().count() <= 4
        && (["г.", "қ.", "город", "қаласы", "ауылы"].iter().any(|p| lower.contains(p)) || lower.ends_with(" к."))
}

/// A line that holds a date and little else: «г. Туркестан 14 марта 2025 года», «14.03.2025».
fn date_line(text: &str, date: &(usize, usize, chrono::NaiveDate)) -> bool {
    static TIME: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    // In a row of cells, what stands before the date in its own cell («Исх. № … ⇥ Дата: 27.11.2026»,
    // «№ 0512 ⇥ «18» ноября 2026 года»: the number's cell is not the date's lead).
    let line_start = text[..date.0].rfind('\n').map_or(0, |i| i + 1);
    let cell_start = text[line_start..date.0].rfind('\t').map_or(line_start, |i| line_start + i + 1);
    let before = lead(&text[cell_start..], date.0 - cell_start).trim_end_matches(':').trim().to_string();
    // An hour after the date is the protocol's («2026 жылғы 16 қараша, сағ. 11:30», «в 11 ч. 30 мин.»).
    let time = TIME.get_or_init(|| {
        regex::Regex::new(
            r"(?i)^[,\s]*(?:(?:сағ|в|время)\.?\s*)?\d{1,2}\s*(?:[:.]|ч\.?)\s*\d{2}(?:\s*(?:мин\.?|сағ\.?))?\s*$",
        )
        .expect("compiles")
    });
    let after = tail(text, date.1).trim().to_lowercase();
    let after = if time.is_match(&after) { String::new() } else { after };
    // «от 10 ноября 2026 года» alone under the title is the document's date as well, and so is one a
    // label names («Дата:», «Күні:»).
    let place = before.is_empty() || ["от", "дата", "күні"].contains(&before.as_str()) || is_place(&before);
    let rest_ok = after.is_empty()
        || ["г.", "г", "года", "ж.", "ж", "жыл", "жылы"].contains(&after.as_str())
        || after.split_whitespace().count() <= 3 && is_place(&after);
    place && rest_ok
}

/// The document's own number and date, and the number and date it answers.
pub(crate) fn numbers_and_dates(page: &PageText, kind: &str, rules: &Rules) -> Vec<CandidateFact> {
    let top = &page.text[..header(page)];
    // The kind's own title words, squeezed, for a number set before one («№ 03-Э/77 АКТ»); «дело» and
    // «іс» lead a court's case number but never follow one («протоколу № 15 дело передано»).
    // A court's decision may be titled as a resolution («ПОСТАНОВЛЕНИЕ», «ҚАУЛЫ» in an administrative
    // case): its number follows that title as well.
    let titled_as = |t: &&super::rules::DocType| t.kind == kind || kind == "court_decision" && t.kind == "resolution";
    let kind_titles: Vec<String> = rules
        .doc_types
        .iter()
        .filter(titled_as)
        .flat_map(|t| t.titles.iter().chain(&t.alone).map(|title| squeeze(title)))
        .collect();
    let titles: Vec<String> = rules
        .doc_types
        .iter()
        .filter(titled_as)
        .flat_map(|t| t.titles.iter().chain(&t.alone).cloned())
        .chain(["дело".to_string(), "іс".to_string()])
        .collect();
    let mut out = Vec::new();
    let mut own_number = false;
    let mut own_date = false;
    let mut reply = false;
    // Only an answer (or a letter whose kind is unknown) answers an act: an order issued «…
    // № 2-0311-26/1508 хатына сәйкес» cites the letter it acts on, and no truth of any set gives a
    // document of another kind a reference (the eighteenth set's order, read as answering it on
    // every rendition but the DOCX). The reference is still no own number.
    let answers = kind == "answer" || kind.is_empty();
    for pair in pairs(top, rules) {
        if is_reply(top, &pair, rules) {
            if answers && !reply && pair.number.is_some() {
                reply = true;
                if let Some(n) = &pair.number {
                    out.push(page.found(rules, "in_reply_to_number", json!(n.2), (n.0, n.1), "reply.number", "reply"));
                }
                if let Some(d) = &pair.date {
                    out.push(page.found(
                        rules,
                        "in_reply_to_date",
                        Value::String(d.2.to_string()),
                        (d.0, d.1),
                        "reply.date",
                        "reply",
                    ));
                }
            }
            continue;
        }
        // A number is the document's own after its title or a register's word; a date standing
        // alone is judged by its line (a place and the date, «г. Шымкент «12» марта 2025 года»).
        // …or before the title's word on the same line: «№ 03-Э/77 АКТ», «Әкімшілік құқық бұзушылық
        // туралы № 27/118 ХАТТАМА» (a Kazakh title puts its word last, and the number before it).
        let titled_after = pair.number.as_ref().is_some_and(|n| {
            let after = squeeze(tail(top, n.1));
            !after.is_empty() && kind_titles.iter().any(|t| is_title_line(&after, t))
        });
        // …or a date and number after the place of writing: «г. Экибастуз 24.09.2025 № 2-14-25/1507»
        // (a reference to another act never opens with a town).
        // A number alone after the place ends its line when the date stands in a cell of its own
        // («Түркістан қ. № 04-11/2738» beside «2026 жылғы⏎18 қараша», OCR of a letterhead's table).
        let placed = pair.number.is_some()
            && (pair.date.is_some() || tail(top, pair.end).trim().is_empty())
            && is_place(&lead(top, pair.start));
        // …or after the title's subject on the line under its word: «ПРОТОКОЛ⏎об административном
        // правонарушении № 12-05/2291» (the thirteenth set's protocol).
        let after_subject = pair.number.is_some() && under_title_subject(top, pair.start, &kind_titles);
        let own = titled_after || placed || after_subject || own_lead(&lead(top, pair.start), &titles, rules);
        match (&pair.number, &pair.date) {
            (Some(_), _) if !own => {}
            (Some(n), Some(d)) if !own_number && !own_date => {
                own_number = true;
                own_date = true;
                out.push(page.found(rules, "number", json!(n.2), (n.0, n.1), "number.with_date", "number_with_date"));
                out.push(page.found(
                    rules,
                    "date",
                    Value::String(d.2.to_string()),
                    (d.0, d.1),
                    "date.with_number",
                    "number_with_date",
                ));
            }
            (Some(n), None) if !own_number => {
                own_number = true;
                out.push(page.found(rules, "number", json!(n.2), (n.0, n.1), "number.alone", "number_alone"));
            }
            (None, Some(d)) if !own_date && date_line(top, d) => {
                own_date = true;
                out.push(page.found(
                    rules,
                    "date",
                    Value::String(d.2.to_string()),
                    (d.0, d.1),
                    "date.line",
                    "date_alone",
                ));
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_is_known_through_ocrs_usual_misreadings_and_nothing_looser() {
        let title = squeeze("ТЕКСЕРУ НӘТИЖЕЛЕРІ ТУРАЛЫ АКТ");
        assert!(is_title_line(&squeeze("ТЕКСЕРУ НӘТИЖЕЛЕРІ ТУРАЛЫ АКТ"), &title));
        assert!(is_title_line(&squeeze("ТЕКСЕРУ НЭТИЖЕЛЕР! ТУРАЛЫ АКТ"), &title));
        assert!(is_title_line(&squeeze("ҰСЫНЫС"), &squeeze("ҰСЫНЫС")));
        assert!(is_title_line(&squeeze("УСЫНЫС"), &squeeze("ҰСЫНЫС")));
        assert!(!is_title_line(&squeeze("ТЕКСЕРУ НӘТИЖЕЛЕРІН ЕСКЕРЕ ОТЫРЫП"), &title));
        assert!(!is_title_line(&squeeze("АКТ"), &squeeze("АКТЫ")), "short words are compared whole");
        assert!(titled_last(&squeeze("Әкімшілік құқық бұзушылық туралы № 5/12 ХАТТАМА"), "ХАТТАМА"));
        assert!(titled_last(&squeeze("Салық тексеруі туралы АКТ"), "АКТ"));
        assert!(!titled_last(&squeeze("Хаттама туралы ақпарат"), "ХАТТАМА"), "the title's word is last");
        assert!(!titled_last(&squeeze("Кәсіпорын басшысы АКТ"), "АКТ"), "a Kazakh title says what it is about");
    }

    #[test]
    fn a_number_closing_a_titles_subject_under_its_word_is_the_documents_own() {
        let titles = vec![squeeze("ПРОТОКОЛ")];
        let text = "ДЕПАРТАМЕНТ\nПРОТОКОЛ\nоб административном правонарушении № 12-05/2291\n";
        let at = text.find('№').expect("a number");
        assert!(under_title_subject(text, at, &titles));
        let sentence = "ПРОТОКОЛ\nсоставлен по результатам проверки № 12\n";
        assert!(!under_title_subject(sentence, sentence.find('№').expect("a number"), &titles), "a sentence's words");
        let spaced = "ПРОТОКОЛ\n\nоб административном правонарушении № 12-05/2291\n";
        assert!(under_title_subject(spaced, spaced.find('№').expect("a number"), &titles), "OCR's empty line");
        let far = "ПРОТОКОЛ\nг. Тараз\nоб административном правонарушении № 12\n";
        assert!(!under_title_subject(far, far.find('№').expect("a number"), &titles), "the title word right above");
    }
}
