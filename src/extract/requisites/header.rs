//! The header of a document: its kind (by its title, or by what an answer says), its own number
//! and date, the number and date it replies to, the issuing body and the addressee. Only the
//! first page's top is read for these, where the Rules of documentation put them.

use serde_json::{json, Value};

use super::numbers::dates;
use super::{CandidateFact, PageText, Rules};

/// How far into the first page the header reaches, in bytes (a letterhead, an addressee block,
/// a title and a reference line fit in well under this).
const HEADER_BYTES: usize = 2400;
/// How many non-empty lines may stand above a document's title.
const TITLE_LINES: usize = 16;

fn header(page: &PageText) -> usize {
    let mut end = page.text.len().min(HEADER_BYTES);
    while !page.text.is_char_boundary(end) {
        end -= 1;
    }
    end
}

/// The (byte start, byte end) of each line of `text`.
fn lines(text: &str) -> Vec<(usize, usize)> {
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

/// A line that reads as a sentence of the body, not a title: its first word is not in capitals and
/// its words carry a sentence's punctuation («Ұсыну қаралды.», «Ұсыну қанағаттандырылды. «Сыр Фарм»
/// ЖШС-на» as a PDF wraps it, «Представление рассмотрено и удовлетворено.» open with the act's name
/// but are an answer's words about it). Numbers and dates, and abbreviations of one or two letters
/// («г.», «ж.»), are left out: «Представление № 5 от 12.03.2025 г.» is a title. A title is set apart:
/// in capitals, or without a sentence's stops.
fn reads_as_sentence(line: &str) -> bool {
    let line = line.trim();
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
fn title_text(line: &str, rules: &Rules) -> String {
    squeeze(&rules.number.replace_all(line, " "))
}

/// Whether a line (squeezed by `title_text`) names a kind as its title: begins with one of its
/// titles, ends with one in Kazakh order, or is one of its lone words and nothing else.
fn names_kind(line: &str, kind: &super::rules::DocType) -> bool {
    kind.titles.iter().any(|title| {
        let title = squeeze(title);
        is_title_line(line, &title) || titled_last(line, &title)
    }) || kind.alone.iter().any(|word| {
        let word = squeeze(word);
        line.split(' ').count() == word.split(' ').count() && is_title_line(line, &word)
    })
}

/// A Kazakh title in its own order, what it is about first and its word last: «Әкімшілік құқық
/// бұзушылық туралы ХАТТАМА», «Тексеру нәтижелері туралы № 03-Э/77 АКТ» (figures are squeezed out).
fn titled_last(line: &str, title: &str) -> bool {
    let words: Vec<&str> = line.split(' ').collect();
    let title_words = title.split(' ').count();
    words.len() > title_words
        && words.len() <= title_words + 7
        && words[..words.len() - title_words].contains(&"ТУРАЛЫ")
        && is_title_line(&words[words.len() - title_words..].join(" "), title)
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
    for (start, end) in lines(top).into_iter().filter(|(s, e)| !top[*s..*e].trim().is_empty()).take(TITLE_LINES) {
        let line = title_text(&top[start..end], rules);
        if line.is_empty() || line.split(' ').count() > 14 || reads_as_sentence(&top[start..end]) {
            continue;
        }
        if let Some(t) = rules.doc_types.iter().find(|t| names_kind(&line, t)) {
            return Some(page.found(
                rules,
                "doc_type",
                json!(t.kind),
                (start, end),
                "doc_type.title",
                "doc_type_title",
            ));
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
            let value = no.as_str().trim_end_matches(['.', ',', '-', '–', '/']);
            let start = c.name("sign")?.start();
            value.chars().any(|ch| ch.is_ascii_digit()).then(|| (start, no.start() + value.len(), value.to_string()))
        })
        .collect()
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
                gap == "от"
                    || gap == "от «"
                    || gap == "от \""
                    || gap.is_empty() && d.0 - n.1 < 3 && !text[n.1..d.0].contains('\n')
            }
        });
        // Date then number (Kazakh order, or a register line).
        let before = found_dates.iter().enumerate().find(|(_, d)| {
            d.1 <= n.0 && {
                let gap = text[d.1..n.0].trim().to_lowercase();
                gap.is_empty()
                    || gap == "г."
                    || gap == "года"
                    || gap == "ж."
                    || gap.chars().all(|c| c.is_alphabetic()) && gap.chars().count() <= 6
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

fn is_reply(text: &str, pair: &Pair, rules: &Rules) -> bool {
    let before = lead(text, pair.start);
    let after = tail(text, pair.end).to_lowercase().replace('ё', "е");
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
        }
    }
    rules.own_leads.iter().any(|re| re.is_match(&rest))
}

/// A short run of words naming a settlement: «г. Шымкент», «Ақтөбе қаласы».
fn is_place(text: &str) -> bool {
    text.split_whitespace().count() <= 4
        && ["г.", "қ.", "город", "қаласы", "ауылы"].iter().any(|p| text.to_lowercase().contains(p))
}

/// A line that holds a date and little else: «г. Туркестан 14 марта 2025 года», «14.03.2025».
fn date_line(text: &str, date: &(usize, usize, chrono::NaiveDate)) -> bool {
    let before = lead(text, date.0);
    let after = tail(text, date.1).trim().to_lowercase();
    let place = before.is_empty() || is_place(&before);
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
    let kind_titles: Vec<String> = rules
        .doc_types
        .iter()
        .filter(|t| t.kind == kind)
        .flat_map(|t| t.titles.iter().chain(&t.alone).map(|title| squeeze(title)))
        .collect();
    let titles: Vec<String> = rules
        .doc_types
        .iter()
        .filter(|t| t.kind == kind)
        .flat_map(|t| t.titles.iter().chain(&t.alone).cloned())
        .chain(["дело".to_string(), "іс".to_string()])
        .collect();
    let mut out = Vec::new();
    let mut own_number = false;
    let mut own_date = false;
    let mut reply = false;
    for pair in pairs(top, rules) {
        if is_reply(top, &pair, rules) {
            if !reply && pair.number.is_some() {
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
        let placed = pair.number.is_some() && pair.date.is_some() && is_place(&lead(top, pair.start));
        let own = titled_after || placed || own_lead(&lead(top, pair.start), &titles, rules);
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

/// Nouns that begin a body's own name in Russian (a parent's name stands on the lines above).
const RU_BODY_NOUNS: &[&str] =
    &["ПРОКУРАТУРА", "ДЕПАРТАМЕНТ", "УПРАВЛЕНИЕ", "КОМИТЕТ", "МИНИСТЕРСТВО", "АКИМАТ", "АГЕНТСТВО", "ИНСПЕКЦИЯ"];
/// Nouns that end a body's own name in Kazakh («… ОБЛЫСЫНЫҢ ПРОКУРАТУРАСЫ»).
const KK_BODY_NOUNS: &[&str] = &[
    "ПРОКУРАТУРАСЫ",
    "ДЕПАРТАМЕНТІ",
    "БАСҚАРМАСЫ",
    "КОМИТЕТІ",
    "МИНИСТРЛІГІ",
    "ӘКІМДІГІ",
    "АГЕНТТІГІ",
    "ИНСПЕКЦИЯСЫ",
    "СОТЫ",
];

/// Whether a text is written in Kazakh: its letters include the ones Russian lacks.
fn is_kazakh(text: &str) -> bool {
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    let kazakh = text.chars().filter(|c| "әғқңөұүһіӘҒҚҢӨҰҮҺІ".contains(*c)).count();
    letters > 0 && kazakh * 60 >= letters
}

/// Whether the document speaks Kazakh: its text below the title, or where no title was found, its
/// sentences — lines of eight words or more outside a table (a letterhead's lines are short, and
/// its two languages sit side by side in a table row).
fn speaks_kazakh(text: &str, title_at: Option<usize>) -> bool {
    if let Some(at) = title_at {
        return is_kazakh(&text[at..]);
    }
    let sentences: Vec<&str> =
        text.lines().filter(|l| !l.contains('\t') && l.split_whitespace().count() >= 8).collect();
    if sentences.is_empty() {
        is_kazakh(text)
    } else {
        is_kazakh(&sentences.join("\n"))
    }
}

/// The body's own name in a letterhead block of lines (byte spans): the last name in it, after the
/// parents' names above it («ГЕНЕРАЛЬНАЯ ПРОКУРАТУРА / РЕСПУБЛИКИ КАЗАХСТАН / ПРОКУРАТУРА ЖАМБЫЛСКОЙ
/// ОБЛАСТИ»; «ҚАЗАҚСТАН РЕСПУБЛИКАСЫ / БАС ПРОКУРАТУРАСЫ / ЖАМБЫЛ ОБЛЫСЫНЫҢ ПРОКУРАТУРАСЫ»), its
/// wrapped lines joined.
fn own_name(top: &str, block: &[(usize, usize)]) -> Option<(usize, usize)> {
    let mut names: Vec<Vec<(usize, usize)>> = vec![Vec::new()];
    let mut named = false;
    for &(start, end) in block {
        let upper = top[start..end].trim().to_uppercase();
        let first = upper.split_whitespace().next().unwrap_or("");
        let last = upper.split_whitespace().last().unwrap_or("");
        if named && RU_BODY_NOUNS.contains(&first) {
            names.push(Vec::new());
            named = false;
        }
        names.last_mut().expect("one name at least").push((start, end));
        named |= upper.split_whitespace().any(|w| RU_BODY_NOUNS.contains(&w) || KK_BODY_NOUNS.contains(&w));
        if KK_BODY_NOUNS.contains(&last) {
            names.push(Vec::new());
            named = false;
        }
    }
    // The last name that names a body: a line below it without one («Әкімшілік жаза қолдану
    // туралы», the first line of a Kazakh title) is not the issuer's.
    let names_a_body = |name: &&Vec<(usize, usize)>| {
        name.iter().any(|&(s, e)| {
            top[s..e]
                .to_uppercase()
                .split_whitespace()
                .any(|w| RU_BODY_NOUNS.contains(&w) || KK_BODY_NOUNS.contains(&w))
        })
    };
    let name = names
        .iter()
        .rev()
        .find(|n| !n.is_empty() && names_a_body(n))
        .or_else(|| names.iter().rev().find(|n| !n.is_empty()))?;
    Some((name.first()?.0, name.last()?.1))
}

/// The non-empty cells of a table row (a line whose cells a tab separates), trimmed, as byte spans
/// of `text`; a line without tabs is one cell.
fn cells(text: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut at = start;
    for cell in text[start..end].split('\t') {
        let trimmed = cell.trim();
        if !trimmed.is_empty() {
            let offset = at + cell.find(trimmed).unwrap_or(0);
            out.push((offset, offset + trimmed.len()));
        }
        at += cell.len() + 1;
    }
    out
}

/// The court as its decision names it at the start of the first sentence: «Специализированный
/// межрайонный экономический суд Карагандинской области в составе …», «Жамбыл облысының
/// мамандандырылған ауданаралық әкімшілік соты төрағалық етуші …».
fn court_named(top: &str) -> Option<(usize, usize)> {
    static RU: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    static KK: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let ru = RU.get_or_init(|| {
        regex::Regex::new(r"(?m)^[ \t]*(\p{Lu}[^\n]{0,150}?\bсуд\b[^\n]{0,80}?)\s+в\s+составе").expect("compiles")
    });
    let kk = KK.get_or_init(|| regex::Regex::new(r"(?m)^[ \t]*(\p{Lu}[^\n]{0,150}?\bсоты)\b").expect("compiles"));
    [ru, kk]
        .iter()
        .filter_map(|re| re.captures(top).and_then(|c| c.get(1)))
        .filter(|m| m.as_str().split_whitespace().count() <= 14 && !m.as_str().contains('№'))
        .min_by_key(|m| m.start())
        .map(|m| (m.start(), m.end()))
}

/// The issuing body from the letterhead: the blocks above the title (lines between empty lines,
/// a table's cells), their address lines left out; in a bilingual letterhead, the block in the
/// document's own language. `None` when the letterhead names no body this way.
fn letterhead_issuer(page: &PageText, top: &str, rules: &Rules) -> Option<(usize, usize)> {
    let mut blocks: Vec<Vec<(usize, usize)>> = vec![Vec::new()];
    // Where the letterhead ends: the title, below which the document speaks its own language.
    let mut title_at = None;
    for (start, end) in lines(top).into_iter().take(TITLE_LINES + 6) {
        let line = &top[start..end];
        if !reads_as_sentence(line) && rules.doc_types.iter().any(|t| names_kind(&title_text(line, rules), t)) {
            title_at = Some(start);
            break;
        }
        if line.trim().is_empty() {
            blocks.push(Vec::new());
            continue;
        }
        // A table row of one-line cells: each cell a block of its own.
        if line.contains('\t') {
            blocks.extend(cells(top, start, end).into_iter().map(|cell| vec![cell]));
            blocks.push(Vec::new());
            continue;
        }
        blocks.last_mut().expect("a block").push((start, end));
    }
    let candidates: Vec<(usize, usize)> = blocks
        .iter()
        .filter_map(|block| {
            // The name's lines: up to the first with figures (an address, a phone, a date) or the
            // first that addresses someone.
            let addresses =
                |line: &str| rules.addressee_openers.is_match(line) || rules.addressee_endings.is_match(line);
            let name: Vec<(usize, usize)> = block
                .iter()
                .copied()
                .take_while(|&(s, e)| {
                    let line = &top[s..e];
                    !line.contains('№') && !line.chars().any(|c| c.is_ascii_digit()) && !addresses(line.trim())
                })
                .collect();
            let (start, end) = own_name(top, &name)?;
            let text = &top[start..end];
            (rules.issuer.is_match(text) && text.split_whitespace().count() <= 16).then_some((start, end))
        })
        .collect();
    let document_kazakh = speaks_kazakh(page.text, title_at);
    candidates.iter().copied().find(|&(s, e)| is_kazakh(&top[s..e]) == document_kazakh).or(candidates.first().copied())
}

/// The addressee's name as a narrow right-hand block wraps it: from the line that addresses
/// (`index`), the lines of its block that carry the name on — a Kazakh name ends with its dative
/// («Шымкент қаласының жер / қатынастары басқармасының / басшысына»), so the lines above it that
/// lead into it are its beginning; a Russian name begins with it («Руководителю Департамента
/// экологии по / Мангистауской области»), so the lines below that carry it on are its end. A rank
/// or a person's name on the next line («старшему советнику юстиции», «Ахметову Н.К.») is not.
fn addressee_lines(top: &str, all: &[(usize, usize)], index: usize, rules: &Rules) -> (usize, usize) {
    let text = |i: usize| top[all[i].0..all[i].1].trim();
    let plain = |line: &str| {
        !line.is_empty() && !line.contains('№') && !line.contains('\t') && !line.chars().any(|c| c.is_ascii_digit())
    };
    let starts_lower = |line: &str| line.chars().next().is_some_and(char::is_lowercase);
    let (mut first, mut last) = (index, index);
    let line = text(index);
    let opens = rules.addressee_openers.is_match(line);
    if !opens && starts_lower(line) {
        // Kazakh: the lines above that lead into the dative, while they are the name's.
        while first > 0 && plain(text(first - 1)) && {
            let above = text(first - 1);
            let last_word = above.split_whitespace().last().unwrap_or("").trim_end_matches([',', '.']);
            let genitive = ["ның", "нің", "дың", "дің", "тың", "тің"].iter().any(|g| last_word.ends_with(g));
            genitive || starts_lower(text(first))
        } {
            first -= 1;
            if index - first >= 4 {
                break;
            }
        }
    } else if opens {
        // Russian: the lines below that carry the name on.
        while last + 1 < all.len() && last - index < 3 && plain(text(last + 1)) {
            let next = text(last + 1);
            let word = next.split_whitespace().next().unwrap_or("");
            let dative_rank = word.ends_with("ому") || word.ends_with("ему");
            let person =
                next.split_whitespace().count() <= 3 && next.contains('.') && next.chars().any(char::is_uppercase);
            let genitive_name = ["ской", "ого", "ой"].iter().any(|e| word.to_lowercase().ends_with(e));
            let open_end = text(last).split_whitespace().last().is_some_and(|w| ["по", "и", "в", "при"].contains(&w));
            let carries = !dative_rank && (starts_lower(next) || genitive_name) || open_end;
            if !carries || person {
                break;
            }
            last += 1;
        }
    }
    // From the first line's first mark to the last line's last one.
    let (start, end) = all[first];
    let from = end - top[start..end].trim_start().len();
    let to = all[last].0 + top[all[last].0..all[last].1].trim_end().len();
    (from, to)
}

/// The issuing body (the letterhead) and the addressee.
/// A name as one line: its words single-spaced, and a compound broken after its hyphen at a line's
/// end joined again («САНИТАРНО-⏎ЭПИДЕМИОЛОГИЧЕСКОГО» is one word; a dash standing alone is not).
fn name_value(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for word in raw.split_whitespace() {
        let joins = out.ends_with('-') && out.chars().rev().nth(1).is_some_and(char::is_alphabetic);
        if !out.is_empty() && !joins {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

pub(crate) fn issuer_and_addressee(page: &PageText, kind: &str, rules: &Rules) -> Vec<CandidateFact> {
    let top = &page.text[..header(page)];
    let mut out = Vec::new();
    let mut issuer = false;
    let mut addressee = false;
    // A court names itself in the decision's first sentence, not in a letterhead.
    if kind == "court_decision" {
        if let Some((from, to)) = court_named(top) {
            issuer = true;
            let value = name_value(&top[from..to]);
            out.push(page.found(rules, "issuer", json!(value), (from, to), "issuer.court", "issuer"));
        }
    }
    // The letterhead read as blocks first; the line walk below names the issuer only when it
    // finds none (a single letterhead line among others).
    if let Some((offset, value_end)) = letterhead_issuer(page, top, rules).filter(|_| !issuer) {
        issuer = true;
        let value = name_value(&top[offset..value_end]);
        let value = value.trim_end_matches([',', '.', ':']).trim();
        out.push(page.found(rules, "issuer", json!(value), (offset, value_end), "issuer.letterhead_block", "issuer"));
    }
    let all_lines = lines(top);
    for (index, &(start, end)) in all_lines.iter().enumerate().take(TITLE_LINES + 6) {
        let line = top[start..end].trim();
        if line.is_empty() {
            continue;
        }
        let squeezed = title_text(line, rules);
        let is_title = !reads_as_sentence(line) && rules.doc_types.iter().any(|t| names_kind(&squeezed, t));
        let addresses = |text: &str| rules.addressee_openers.is_match(text) || rules.addressee_endings.is_match(text);
        if !addressee && line.split('\t').any(|cell| addresses(cell.trim())) {
            addressee = true;
            // In a table row (the date and number beside the addressee), the addressee's cell alone.
            let cell = cells(top, start, end).into_iter().find(|&(s, e)| addresses(&top[s..e]));
            let (from, to) = match cell.filter(|_| top[start..end].contains('\t')) {
                Some(span) => span,
                None => addressee_lines(top, &all_lines, index, rules),
            };
            let raw = name_value(&top[from..to]);
            let value = raw.trim_end_matches([',', '.', ':']).trim();
            out.push(page.found(rules, "addressee", json!(value), (from, to), "addressee.line", "addressee"));
            continue;
        }
        // The letterhead stands above the title; a body named below it is the text's, not the issuer.
        if is_title {
            issuer = true;
        }
        // A letterhead carries no number: a line with figures («Руководствуясь статьями 131, 132
        // АППК РК, суд») is the text's.
        let letterhead = !line.contains('№') && !line.chars().any(|c| c.is_ascii_digit());
        if !issuer && rules.issuer.is_match(line) && letterhead && line.split_whitespace().count() <= 14 {
            issuer = true;
            let offset = start + top[start..end].find(line).unwrap_or(0);
            let mut value_end = offset + line.len();
            // A long name wrapped onto the next line goes on in lower case («…Туркестанской» / «области»).
            let next = &top[(end + 1).min(top.len())..];
            let next_line = next.lines().next().unwrap_or("").trim();
            if next_line.chars().next().is_some_and(|c| c.is_lowercase()) && next_line.split_whitespace().count() <= 4 {
                value_end = end + 1 + next.find(next_line).unwrap_or(0) + next_line.len();
            }
            let raw = &top[offset..value_end];
            let value = name_value(raw);
            let value = value.trim_end_matches([',', '.', ':']).trim();
            out.push(page.found(rules, "issuer", json!(value), (offset, value_end), "issuer.letterhead", "issuer"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_compound_broken_at_a_lines_end_is_one_word_again() {
        assert_eq!(
            name_value("ДЕПАРТАМЕНТ САНИТАРНО-\nЭПИДЕМИОЛОГИЧЕСКОГО  КОНТРОЛЯ"),
            "ДЕПАРТАМЕНТ САНИТАРНО-ЭПИДЕМИОЛОГИЧЕСКОГО КОНТРОЛЯ"
        );
        assert_eq!(name_value("ТОО - поставщик\n«Береке»"), "ТОО - поставщик «Береке»");
    }

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
}
