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
        let line = squeeze(&top[start..end]);
        if line.is_empty() || line.split(' ').count() > 14 {
            continue;
        }
        for t in &rules.doc_types {
            for title in &t.titles {
                if is_title_line(&line, &squeeze(title)) {
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
        }
    }
    // No title: a letter that answers (a reference to the letter it answers, and its wording).
    let answer = rules.doc_types.iter().find(|t| t.kind == "answer")?;
    let lower = page.text.to_lowercase();
    let says = answer.markers.iter().any(|m| lower.contains(&m.to_lowercase()));
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

/// The text of a line before `at`, lower-cased and trimmed of punctuation.
fn lead(text: &str, at: usize) -> String {
    let start = text[..at].rfind('\n').map(|i| i + 1).unwrap_or(0);
    text[start..at].trim().trim_end_matches([',', ':', '(', '«']).trim().to_lowercase()
}

/// The text of a line after `at`.
fn tail(text: &str, at: usize) -> &str {
    let end = text[at..].find('\n').map(|i| at + i).unwrap_or(text.len());
    &text[at..end]
}

fn is_reply(text: &str, pair: &Pair, rules: &Rules) -> bool {
    let before = lead(text, pair.start);
    let after = tail(text, pair.end).to_lowercase();
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

/// A line that holds a date and little else: «г. Туркестан 14 марта 2025 года», «14.03.2025».
fn date_line(text: &str, date: &(usize, usize, chrono::NaiveDate)) -> bool {
    let before = lead(text, date.0);
    let after = tail(text, date.1).trim().to_lowercase();
    // A short run of words naming a settlement: «г. Шымкент», «Ақтөбе қаласы».
    let is_place = |text: &str| {
        text.split_whitespace().count() <= 4
            && ["г.", "қ.", "город", "қаласы", "ауылы"].iter().any(|p| text.to_lowercase().contains(p))
    };
    let place = before.is_empty() || is_place(&before);
    let rest_ok = after.is_empty()
        || ["г.", "г", "года", "ж.", "ж", "жыл", "жылы"].contains(&after.as_str())
        || after.split_whitespace().count() <= 3 && is_place(&after);
    place && rest_ok
}

/// The document's own number and date, and the number and date it answers.
pub(crate) fn numbers_and_dates(page: &PageText, kind: &str, rules: &Rules) -> Vec<CandidateFact> {
    let top = &page.text[..header(page)];
    let titles: Vec<String> = rules
        .doc_types
        .iter()
        .filter(|t| t.kind == kind)
        .flat_map(|t| t.titles.iter().cloned())
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
        let own = own_lead(&lead(top, pair.start), &titles, rules);
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

/// The issuing body (the letterhead's first line that names a body) and the addressee.
pub(crate) fn issuer_and_addressee(page: &PageText, rules: &Rules) -> Vec<CandidateFact> {
    let top = &page.text[..header(page)];
    let mut out = Vec::new();
    let mut issuer = false;
    let mut addressee = false;
    let title_words: Vec<String> = rules.doc_types.iter().flat_map(|t| t.titles.iter().map(|w| squeeze(w))).collect();
    for (start, end) in lines(top).into_iter().take(TITLE_LINES + 6) {
        let line = top[start..end].trim();
        if line.is_empty() {
            continue;
        }
        let squeezed = squeeze(line);
        let is_title = title_words.iter().any(|t| is_title_line(&squeezed, t));
        if !addressee && (rules.addressee_openers.is_match(line) || rules.addressee_endings.is_match(line)) {
            addressee = true;
            let value = line.trim_end_matches([',', '.', ':']).trim();
            let offset = start + top[start..end].find(value).unwrap_or(0);
            out.push(page.found(
                rules,
                "addressee",
                json!(value),
                (offset, offset + value.len()),
                "addressee.line",
                "addressee",
            ));
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
            let value = raw.split_whitespace().collect::<Vec<_>>().join(" ");
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
    fn a_title_is_known_through_ocrs_usual_misreadings_and_nothing_looser() {
        let title = squeeze("ТЕКСЕРУ НӘТИЖЕЛЕРІ ТУРАЛЫ АКТ");
        assert!(is_title_line(&squeeze("ТЕКСЕРУ НӘТИЖЕЛЕРІ ТУРАЛЫ АКТ"), &title));
        assert!(is_title_line(&squeeze("ТЕКСЕРУ НЭТИЖЕЛЕР! ТУРАЛЫ АКТ"), &title));
        assert!(is_title_line(&squeeze("ҰСЫНЫС"), &squeeze("ҰСЫНЫС")));
        assert!(is_title_line(&squeeze("УСЫНЫС"), &squeeze("ҰСЫНЫС")));
        assert!(!is_title_line(&squeeze("ТЕКСЕРУ НӘТИЖЕЛЕРІН ЕСКЕРЕ ОТЫРЫП"), &title));
        assert!(!is_title_line(&squeeze("АКТ"), &squeeze("АКТЫ")), "short words are compared whole");
    }
}
