//! Requisites anywhere in a document's body: BINs and IINs (checked by their check digit; an
//! IIN's value is masked at once), the articles cited with their code, part and item, amounts in
//! tenge (figures, words, or both, checked against each other), the periods set, and an answer's
//! outcome.

use std::sync::OnceLock;

use regex::Regex;
use serde_json::{json, Value};

use super::numbers::words_value;
use super::{CandidateFact, PageText, Rules};
use crate::domain::ids::{is_valid_bin, validate_iin};

fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("a fixed pattern compiles"))
}

/// An IIN as it may be shown: its last four digits only.
pub fn masked_iin(iin: &str) -> String {
    format!("********{}", &iin[8..])
}

/// BINs and IINs: 12-digit runs that pass the check digit, and labelled ones with OCR's usual
/// confusions (О for 0, З for 3, б for 6, l for 1) repaired.
pub(crate) fn ids(page: &PageText, rules: &Rules) -> Vec<CandidateFact> {
    static PLAIN: OnceLock<Regex> = OnceLock::new();
    static LABELLED: OnceLock<Regex> = OnceLock::new();
    let plain = re(&PLAIN, r"(?:^|[^\d])(\d{12})(?:[^\d]|$)");
    let labelled = re(&LABELLED, r"(?i)(?:БИН|БСН|ИИН|ЖСН|BIN|IIN)\s*[:№]?\s*([0-9OОЗбlIіl ]{12,17})");
    let mut out = Vec::new();
    let mut push = |digits: &str, start: usize, end: usize, rule: &str, conf: f32| {
        if is_valid_bin(digits) {
            out.push(page.fact("bin", json!(digits), (start, end), rules.rule(rule), conf));
        } else if validate_iin(digits).is_ok() {
            out.push(page.fact(
                "iin",
                json!(masked_iin(digits)),
                (start, end),
                rules.rule(&rule.replace("bin", "iin")),
                conf,
            ));
        }
    };
    for c in plain.captures_iter(page.text) {
        let m = c.get(1).expect("group 1");
        push(m.as_str(), m.start(), m.end(), "bin.digits", rules.confidence("bin"));
    }
    for c in labelled.captures_iter(page.text) {
        let m = c.get(1).expect("group 1");
        let repaired: String = m
            .as_str()
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                'O' | 'О' => '0',
                'З' => '3',
                'б' => '6',
                'l' | 'I' | 'і' => '1',
                other => other,
            })
            .collect();
        if repaired.len() == 12 && repaired.chars().all(|c| c.is_ascii_digit()) && repaired != m.as_str() {
            let end = m.start() + m.as_str().trim_end().len();
            push(&repaired, m.start(), end, "bin.labelled_repaired", rules.confidence("id_repaired"));
        }
    }
    out
}

/// The code named right after `at` (Russian order: «ст. 462 ч. 1 КоАП РК»).
fn code_after(text: &str, at: usize, rules: &Rules) -> Option<(String, usize)> {
    let window_end = (at + 160).min(text.len());
    let mut end = window_end;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let window = &text[at..end];
    let skip = window.len() - window.trim_start_matches(|c: char| c.is_whitespace() || c == ',').len();
    rules
        .codes
        .iter()
        .filter_map(|(code, re)| {
            let m = re.find(&window[skip..])?;
            // The code must follow at once (a separator or «РК» aside), not somewhere later.
            let lead = window[skip..skip + m.start()].trim();
            (lead.is_empty() || lead == "РК" || lead == "Республики Казахстан")
                .then(|| (code.clone(), m.start(), at + skip + m.end()))
        })
        .min_by_key(|(_, start, _)| *start)
        .map(|(code, _, end)| (code, end))
}

/// The code named right before `at` (Kazakh order: «ӘҚБтК-нің 462-бабы»).
fn code_before(text: &str, at: usize, rules: &Rules) -> Option<String> {
    let mut start = at.saturating_sub(160);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    let window = &text[start..at];
    rules
        .codes
        .iter()
        .filter_map(|(code, re)| {
            let m = re.find_iter(window).last()?;
            let gap = window[m.end()..].trim().trim_start_matches('-');
            let gap_ok = gap.is_empty() || gap.chars().count() <= 5 && gap.chars().all(|c| c.is_alphabetic());
            gap_ok.then(|| (code.clone(), m.end()))
        })
        .max_by_key(|(_, end)| *end)
        .map(|(code, _)| code)
}

/// The code a lone «Кодекс» refers back to: «… кодекстің 425-бабының 1-бөлігі бойынша …, алайда іс
/// Кодекстің 804-бабында белгіленген тәртіп бұзылып» (the fourteenth set's protest), «статьи 804
/// Кодекса» — the code named last before `before`, in the same paragraph. `None` when the word
/// standing there (`word`, trimmed of punctuation) is not the lone code word, or no code was named.
fn code_referred_back(text: &str, before: usize, word: &str, rules: &Rules) -> Option<String> {
    let word = word.trim_matches(|c: char| !c.is_alphabetic()).to_lowercase();
    if !["кодекстің", "кодексінің", "кодекса", "кодексом", "кодексу", "кодексе"].contains(&word.as_str())
    {
        return None;
    }
    let paragraph = text[..before].rfind("\n\n").map_or(0, |i| i + 2);
    let earlier = &text[paragraph..before];
    rules
        .codes
        .iter()
        .filter_map(|(code, re)| re.find_iter(earlier).last().map(|m| (code.clone(), m.end())))
        .max_by_key(|(_, end)| *end)
        .map(|(code, _)| code)
}

/// A Russian citation as read, before codes are shared along a list of articles.
struct RuArticle {
    /// Where the citation opens (its «п. … ч. …» before «статьи», else «статьи»).
    lead: usize,
    number: (usize, String),
    /// The further articles listed after the first with «и» or a comma («статьи 131, 132»).
    more: Vec<(usize, usize, String)>,
    part: Option<String>,
    item: Option<String>,
    code: Option<String>,
    /// The code was taken from the article that follows (`joined_by_and`).
    shared: bool,
    end: usize,
}

/// Whether the text between two citations only joins them: «и», «, », «а также».
fn joined_by_and(between: &str) -> bool {
    let rest = between.trim().trim_start_matches(',').trim();
    rest.is_empty() || ["и", "а также", "также"].contains(&rest)
}

fn article_value(code: Option<String>, article: &str, part: Option<String>, item: Option<String>) -> Value {
    json!({"code": code, "article": article, "part": part, "item": item})
}

/// The articles cited, in Russian and Kazakh forms.
pub(crate) fn articles(page: &PageText, rules: &Rules) -> Vec<CandidateFact> {
    static RU: OnceLock<Regex> = OnceLock::new();
    static RU_BEFORE: OnceLock<Regex> = OnceLock::new();
    static RU_AFTER: OnceLock<Regex> = OnceLock::new();
    static RU_MORE: OnceLock<Regex> = OnceLock::new();
    static KK: OnceLock<Regex> = OnceLock::new();
    static KK_AFTER: OnceLock<Regex> = OnceLock::new();
    static KK_LIST: OnceLock<Regex> = OnceLock::new();
    let ru = re(
        &RU,
        r"(?i)(?:^|[^\p{L}])(?P<anchor>ст\.|ст\s|стат(?:ья|ьи|ье|ью|ьей|ьёй|ей|ьям|ьями|ьях))\s*(\d+(?:-\d+)?)",
    );
    let ru_before = re(
        &RU_BEFORE,
        r"(?i)(?:(?:п\.|пункт(?:а|ом|е|у|ы|ов)?)\s*(\d+)\s*,?\s*)?(?:(?:ч\.|част(?:ь|и|ью|ей))\s*(\d+)\s*,?\s*)?$",
    );
    let ru_after = re(&RU_AFTER, r"(?i)^\s*,?\s*(?:(ч\.|част(?:ь|и|ью|ей))|(п\.|пункт(?:а|ом|е|у|ы|ов)?))\s*(\d+)");
    let ru_more = re(&RU_MORE, r"^\s*(?:,|и)\s*(\d+(?:-\d+)?)(?:[^\d\-]|$)");
    let kk = re(&KK, r"(?i)(?:^|[^\d])(\d+(?:-\d+)?)\s?[-–]?\s?ба(?:п|б)\p{L}*");
    let kk_after = re(&KK_AFTER, r"(?i)^\s*,?\s*(\d+)\s?[-–]?\s?(бөлі\p{L}*|тарма[қғк]\p{L}*)");
    let kk_list = re(&KK_LIST, r"(?:^|[^\d\-])(\d+)\s*(?:,|және)\s*$");
    let text = page.text;
    let mut out = Vec::new();
    let mut cited: Vec<RuArticle> = Vec::new();
    for c in ru.captures_iter(text) {
        let number = c.get(2).expect("group 2: the article's number");
        let (mut part, mut item) = (None, None);
        // «п. 3 ч. 2 ст. 76»: the item and part written before the article.
        let anchor = c.name("anchor").expect("the anchor group").start();
        let mut lead = anchor;
        if let Some(b) = ru_before.captures(&text[..anchor]) {
            item = b.get(1).map(|m| m.as_str().to_string());
            part = b.get(2).map(|m| m.as_str().to_string());
            lead = b.get(0).expect("match").start();
        }
        let mut at = number.end();
        let mut more = Vec::new();
        while let Some(m) = ru_more.captures(&text[at..]) {
            let n = m.get(1).expect("group 1");
            more.push((at + n.start(), at + n.end(), n.as_str().to_string()));
            at += n.end();
        }
        while let Some(a) = ru_after.captures(&text[at..]) {
            let n = a.get(3).expect("group 3").as_str().to_string();
            if a.get(1).is_some() {
                part.get_or_insert(n);
            } else {
                item.get_or_insert(n);
            }
            at += a.get(0).expect("match").end();
        }
        let code = code_after(text, at, rules).or_else(|| {
            let next = text.get(at..).unwrap_or("").split_whitespace().next().unwrap_or("");
            let back = code_referred_back(text, lead, next, rules)?;
            let end = text[at..].find(next).map_or(at, |i| at + i + next.len());
            Some((back, end))
        });
        // «статьи 42 Закона «О жилищных отношениях»»: an act outside the codes; not cited here.
        if code.is_none() && rules.other_act_after.is_match(text.get(at..).unwrap_or("")) {
            continue;
        }
        let end = code.as_ref().map(|c| c.1).unwrap_or(at);
        cited.push(RuArticle {
            lead,
            number: (number.start(), number.as_str().to_string()),
            more,
            part,
            item,
            code: code.map(|c| c.0),
            shared: false,
            end,
        });
    }
    // «пункта 5 статьи 141 и статьи 146 Предпринимательского кодекса»: articles joined by «и» or a
    // comma, each with its own «статьи», share the code named after the last of them.
    for k in (0..cited.len().saturating_sub(1)).rev() {
        if cited[k].code.is_none() && cited[k + 1].code.is_some() {
            let between = text.get(cited[k].end..cited[k + 1].lead).unwrap_or("x");
            if joined_by_and(between) {
                cited[k].code = cited[k + 1].code.clone();
                cited[k].shared = true;
            }
        }
    }
    for a in cited {
        let (rule, conf) = match (&a.code, a.shared) {
            (Some(_), false) => ("article.ru", rules.confidence("article_with_code")),
            (Some(_), true) => ("article.ru_shared_code", rules.confidence("article_with_code")),
            (None, _) => ("article.ru_no_code", rules.confidence("article_without_code")),
        };
        let (start, number) = a.number;
        out.push(page.fact(
            "article",
            article_value(a.code.clone(), &number, a.part, a.item),
            (start, a.end),
            rules.rule(rule),
            conf,
        ));
        for (s, e, n) in a.more {
            out.push(page.fact(
                "article",
                article_value(a.code.clone(), &n, None, None),
                (s, e),
                rules.rule(rule),
                conf,
            ));
        }
    }
    for c in kk.captures_iter(text) {
        let number = c.get(1).expect("group 1");
        let whole = c.get(0).expect("match");
        let (mut part, mut item) = (None, None);
        let mut at = whole.end();
        while let Some(a) = kk_after.captures(&text[at..]) {
            let n = a.get(1).expect("group 1").as_str().to_string();
            let word = a.get(2).expect("group 2").as_str().to_lowercase();
            if word.starts_with("бөлі") {
                part.get_or_insert(n);
            } else if !word.contains("ша") {
                // тармақша is a sub-item, not an item.
                item.get_or_insert(n);
            }
            at += a.get(0).expect("match").end();
        }
        // «131, 132-баптарын», «131 және 132-баптары»: the articles listed before the one the word
        // «бап» follows share its code, named before the first of them.
        let mut listed = Vec::new();
        let mut first = number.start();
        while let Some(m) = kk_list.captures(&text[..first]) {
            let n = m.get(1).expect("group 1");
            listed.push((n.start(), n.end(), n.as_str().to_string()));
            first = n.start();
        }
        let code = code_before(text, first, rules).or_else(|| {
            let previous = text[..first].split_whitespace().last().unwrap_or("");
            let at = text[..first].rfind(previous)?;
            code_referred_back(text, at, previous, rules)
        });
        // «… туралы» Заңының 42-бабы»: an act outside the codes; not cited here.
        if code.is_none() && rules.other_act_before.is_match(&text[..first]) {
            continue;
        }
        let (rule, conf) = match code {
            Some(_) => ("article.kk", rules.confidence("article_with_code")),
            None => ("article.kk_no_code", rules.confidence("article_without_code")),
        };
        for (s, e, n) in listed.into_iter().rev() {
            out.push(page.fact("article", article_value(code.clone(), &n, None, None), (s, e), rules.rule(rule), conf));
        }
        out.push(page.fact(
            "article",
            article_value(code, number.as_str(), part, item),
            (number.start(), at),
            rules.rule(rule),
            conf,
        ));
    }
    out
}

/// The figures of an amount carried on from the line above: «5» ending a line before
/// «610 000 теңге» makes 5 610 000, and «4 350» before «000 (төрт миллион …) теңге» makes
/// 4 350 000 (the head may be groups of thousands itself). `at` is where the figures on this line
/// start. Returns the joined value and where it starts.
fn millions_above(text: &str, at: usize, figures: &str, tenge: u64) -> Option<(u64, usize)> {
    static HEAD: OnceLock<Regex> = OnceLock::new();
    let before = &text[..at];
    let line_break = before.trim_end_matches([' ', '\u{a0}']).strip_suffix('\n')?;
    let head = line_break.trim_end_matches([' ', '\u{a0}']);
    // The figures closing the line above: a group of one to three, then whole groups of three.
    let found = re(&HEAD, r"(?:^|[^\d.,])(\d{1,3}(?:[  ]\d{3})*)$").captures(head)?.get(1)?;
    let digits: String = found.as_str().chars().filter(char::is_ascii_digit).collect();
    let groups = figures.chars().filter(char::is_ascii_digit).count() as u32;
    let joined = digits.parse::<u64>().ok()?.checked_mul(10u64.checked_pow(groups)?)?.checked_add(tenge)?;
    Some((joined, found.start()))
}

fn amount_value(tiyn_total: u64) -> Value {
    json!({"tenge": tiyn_total / 100, "tiyn": tiyn_total % 100})
}

/// Amounts in tenge: figures («500 000 тенге», «18.350.400 теңге», «1 500 000,50 тенге»),
/// figures with words in brackets (checked against each other), words alone («пятьсот тысяч
/// тенге», «бес жүз мың теңге») and «1,5 млн тенге». A count of МРП/АЕК is not an amount.
pub(crate) fn amounts(page: &PageText, rules: &Rules) -> Vec<CandidateFact> {
    static FIGURES: OnceLock<Regex> = OnceLock::new();
    static SCALED: OnceLock<Regex> = OnceLock::new();
    static WORDS: OnceLock<Regex> = OnceLock::new();
    let figures = re(
        &FIGURES,
        r"(?i)(?:^|[^\d.,])(\d{1,3}(?:[  .]\d{3})+|\d+)(?:[,.](\d{1,2}))?\)?\s*(?:\(([^)]{1,200})\)\s*)?(?:тенге|теңге|тг\.?(?:[^\p{L}]|$)|тңг)(?:\s*(\d{1,2})\s*(?:[тг]иын\p{L}*))?",
    );
    let scaled = re(&SCALED, r"(?i)(?:^|[^\d])(\d+(?:[,.]\d+)?)\s*(млн|млрд|тыс)\.?\s*(?:тенге|теңге)");
    let words = WORDS.get_or_init(|| {
        Regex::new(&format!(r"(?i)(?:^|[^\p{{L}}])((?:(?:{})\s+)+)(?:тенге|теңге)", rules.number_words))
            .expect("number words compile")
    });
    let text = page.text;
    let mut out: Vec<CandidateFact> = Vec::new();
    let mut covered: Vec<(usize, usize)> = Vec::new();
    for c in figures.captures_iter(text) {
        let digits = c.get(1).expect("group 1");
        let whole_end = c.get(0).expect("match").end();
        let tenge: Option<u64> =
            digits.as_str().chars().filter(|c| c.is_ascii_digit()).collect::<String>().parse().ok();
        let Some(mut tenge) = tenge else { continue };
        let mut start = digits.start();
        let mut tiyn = c.get(2).map(|t| {
            let s = t.as_str();
            let v: u64 = s.parse().unwrap_or(0);
            if s.len() == 1 {
                v * 10
            } else {
                v
            }
        });
        if let Some(t) = c.get(4) {
            tiyn = t.as_str().parse().ok();
        }
        let (mut rule, mut conf) = ("amount.figures", rules.confidence("amount_figures"));
        // Words in brackets that read as a sum; words OCR garbled past reading («восем!деоят
        // левять») count as none.
        let in_words = c.get(3).and_then(|w| {
            let in_words = w.as_str().trim();
            words_value(in_words.split(" тенге").next().unwrap_or(in_words), rules)
        });
        // Words in brackets: «(пятьсот тысяч)». A mismatch with the figures keeps the figures
        // at a low confidence, for the person who confirms to check against the page.
        if let Some(v) = in_words {
            // A line may break inside the figures («… 5\n610 000 (бес миллион алты жүз он мың)»):
            // the millions left on the line above are joined when the words say so.
            if v != tenge {
                if let Some((joined, from)) = millions_above(text, digits.start(), digits.as_str(), tenge) {
                    if joined == v {
                        tenge = joined;
                        start = from;
                    }
                }
            }
            if v == tenge {
                rule = "amount.figures_and_words";
            } else {
                rule = "amount.figures_words_disagree";
                conf = rules.confidence("amount_mismatch");
            }
        }
        // Without words to check against, a line break inside the figures («на сумму 12⏎340 000
        // тенге») is joined only when the figures here are grouped in thousands and the head left
        // above follows a word that announces an amount, or the amount is named a debt, a damage or
        // a fine right after it («бойынша 1⏎284 560 теңге 75 тиын берешек өтелді», the fifteenth set's
        // answer on every rendition but the DOCX).
        // A single group of three after the break is a thousands group too when a cue stands right
        // before the head («в размере 137⏎625 тенге», the sixteenth set's resolution on every
        // rendition but the DOCX); four figures or more ungrouped never are.
        // A head that is itself grouped in thousands («берешек 7 302⏎415 теңге», the seventeenth
        // set's warning in its PDF and photo) is a number written whole over the break: no cue needed.
        let one_group = digits.as_str().len() == 3 && digits.as_str().chars().all(|c| c.is_ascii_digit());
        if in_words.is_none() && (digits.as_str().contains([' ', '\u{a0}', '.']) || one_group) {
            if let Some((joined, from)) = millions_above(text, digits.start(), digits.as_str(), tenge) {
                let grouped_head = text[from..digits.start()].trim().contains([' ', '\u{a0}']);
                // A figure after an article's or a number's word is theirs, whatever follows.
                let counted = text[..from].split_whitespace().last().is_some_and(|w| {
                    let w = w.to_lowercase();
                    ["статьи", "статья", "ст.", "пункта", "п.", "части", "ч.", "№", "бабы", "тармағы", "бөлігі"]
                        .contains(&w.as_str())
                });
                let named_after = rules.amount_cue_after.is_match(&text[whole_end..]) && !counted && !one_group;
                if rules.amount_cue.is_match(&text[..from]) || named_after || grouped_head && !counted {
                    tenge = joined;
                    start = from;
                    rule = "amount.figures_over_lines";
                }
            }
        }
        let total = tenge.saturating_mul(100).saturating_add(tiyn.unwrap_or(0));
        covered.push((start, whole_end));
        out.push(page.fact("amount", amount_value(total), (start, whole_end), rules.rule(rule), conf));
    }
    // Figures and their words in brackets that spell the same sum, where the currency's word after
    // them did not come through (OCR read «теңге» under a seal's ring as «-22цғе»): the two spellings
    // agreeing is itself the evidence. Only from a thousand up and only where «тенге» could have
    // stood — an amount's cue before the figures, or a short word after them ending as «тенге»/«теңге»
    // do — so a count of days or МРП in words («десяти (10) суток», «50 (пятьдесят) МРП») is never
    // taken for money.
    static CHECKED: OnceLock<Regex> = OnceLock::new();
    let checked = re(&CHECKED, r"(?:^|[^\d.,])(\d{1,3}(?:[  .]\d{3})+|\d{4,})\s*\(([^)]{1,200})\)[\s\-]*(\S{0,14})");
    for c in checked.captures_iter(text) {
        let digits = c.get(1).expect("group 1");
        let whole_end = c.get(0).expect("match").end();
        if covered.iter().any(|(s, e)| digits.start() < *e && whole_end > *s) {
            continue;
        }
        let Ok(tenge) = digits.as_str().chars().filter(char::is_ascii_digit).collect::<String>().parse::<u64>() else {
            continue;
        };
        let after = c.get(3).map_or("", |m| m.as_str()).to_lowercase();
        let letters: String = after.chars().filter(|c| c.is_alphabetic()).collect();
        // What OCR leaves of «тенге»/«теңге»: a short word still ending in «е» («-22цғе», «тевге»).
        let currency_like = letters.ends_with('е') && (2..=6).contains(&letters.chars().count());
        let cued = rules.amount_cue.is_match(&text[..digits.start()]);
        if tenge < 1000
            || !(currency_like || cued)
            || words_value(c.get(2).expect("group 2").as_str(), rules) != Some(tenge)
        {
            continue;
        }
        covered.push((digits.start(), whole_end));
        out.push(page.fact(
            "amount",
            amount_value(tenge.saturating_mul(100)),
            (digits.start(), whole_end),
            rules.rule("amount.figures_and_words"),
            rules.confidence("amount_figures"),
        ));
    }
    for c in scaled.captures_iter(text) {
        let n = c.get(1).expect("group 1");
        let value: f64 = n.as_str().replace(',', ".").parse().unwrap_or(0.0);
        let scale = match c.get(2).expect("group 2").as_str().to_lowercase().as_str() {
            "млрд" => 1e9,
            "млн" => 1e6,
            _ => 1e3,
        };
        let end = c.get(0).expect("match").end();
        if covered.iter().any(|(s, e)| n.start() < *e && end > *s) {
            continue;
        }
        covered.push((n.start(), end));
        out.push(page.fact(
            "amount",
            amount_value((value * scale * 100.0).round() as u64),
            (n.start(), end),
            rules.rule("amount.scaled"),
            rules.confidence("amount_figures"),
        ));
    }
    for c in words.captures_iter(text) {
        let w = c.get(1).expect("group 1");
        let end = c.get(0).expect("match").end();
        if covered.iter().any(|(s, e)| w.start() < *e && end > *s) {
            continue;
        }
        // Words right after a bracket belong to figures already read.
        if text[..w.start()].trim_end().ends_with('(') {
            continue;
        }
        if let Some(v) = words_value(w.as_str(), rules) {
            if v > 0 {
                out.push(page.fact(
                    "amount",
                    amount_value(v.saturating_mul(100)),
                    (w.start(), end),
                    rules.rule("amount.words"),
                    rules.confidence("amount_words"),
                ));
            }
        }
    }
    out
}

/// Periods set: «в течение 10 рабочих дней», «в месячный срок», «бір ай ішінде».
/// The page is read as printed first, then with its misread period words put right (`misread`):
/// a period only the second reading finds names its rule `….misread`. Both readings share byte
/// offsets, so the span is the page's own.
pub(crate) fn periods(page: &PageText, rules: &Rules) -> Vec<CandidateFact> {
    let mut out: Vec<CandidateFact> = Vec::new();
    let mut covered: Vec<(usize, usize)> = Vec::new();
    let put_right = super::misread::period_text(page.text, &rules.period_vocabulary);
    let readings = std::iter::once((page.text, false)).chain(put_right.as_deref().map(|t| (t, true)));
    for (text, misread) in readings {
        periods_in(page, text, misread, rules, &mut out, &mut covered);
    }
    out.sort_by_key(|f| f.span.0);
    out
}

fn periods_in(
    page: &PageText,
    text: &str,
    misread: bool,
    rules: &Rules,
    out: &mut Vec<CandidateFact>,
    covered: &mut Vec<(usize, usize)>,
) {
    for (id, re) in &rules.periods {
        for c in re.captures_iter(text) {
            let whole = c.get(0).expect("match");
            if covered.iter().any(|(s, e)| whole.start() < *e && whole.end() > *s) {
                continue;
            }
            // «на 14 рабочих дней» (exceeded, extended or late by): how much, not a period to act in.
            if c.name("excess").is_some() {
                continue;
            }
            let value = match (c.name("n"), c.name("word")) {
                (Some(n), _) => {
                    let s = n.as_str();
                    let digits: String = s.chars().take_while(|c| c.is_ascii_digit()).collect();
                    if digits.is_empty() {
                        words_value(s, rules)
                    } else {
                        digits.parse().ok()
                    }
                }
                // «в 10-дневный срок» in figures, «в десятидневный срок» in words.
                (None, Some(w)) => w.as_str().parse().ok().or_else(|| words_value(w.as_str(), rules)),
                (None, None) => Some(1),
            };
            let Some(value) = value.filter(|v| *v > 0 && *v <= 3650) else { continue };
            let unit_text =
                c.name("unit").map(|u| u.as_str().to_lowercase()).unwrap_or_else(|| whole.as_str().to_lowercase());
            let unit = ["working_days", "months", "calendar_days"].into_iter().find(|unit| {
                rules.unit_stems.iter().any(|(name, stems)| {
                    name == unit
                        && stems.iter().any(|s| unit_text.split_whitespace().any(|w| w.starts_with(s.as_str())))
                })
            });
            let unit = match (id.as_str(), unit) {
                (i, _) if i.ends_with(".month") => "months",
                (_, Some(u)) => u,
                (i, None) if i.ends_with(".compound") => "calendar_days",
                _ => continue,
            };
            covered.push((whole.start(), whole.end()));
            // Plain «дней» / «күн» counted as calendar days is not confirmed law (the rules'
            // units_note): the rule's id says so, and the viewer tells the person.
            let explicit = ["календар", "күнтізбелік", "сут", "тәулік"].iter().any(|w| unit_text.contains(w));
            let mut rule = if unit == "calendar_days" && !explicit && !id.ends_with(".compound") {
                format!("{id}.plain_days")
            } else {
                id.clone()
            };
            if misread {
                rule.push_str(".misread");
            }
            out.push(page.fact(
                "period",
                json!({"value": value, "unit": unit}),
                (whole.start(), whole.end()),
                rules.rule(&rule),
                rules.confidence("period"),
            ));
        }
    }
}

/// Whether the word before `at` is «не» (Russian) — «не удовлетворено» says the opposite of
/// «удовлетворено». Kazakh negates inside the verb («қанағаттандырылмады»), which its own phrase reads.
fn negated(text: &str, at: usize) -> bool {
    text[..at].split_whitespace().next_back().is_some_and(|w| matches!(w, "не" | "Не" | "НЕ"))
}

/// An answer's outcome: partly, rejected or satisfied, by the first phrase of the strongest kind.
pub(crate) fn outcome(pages: &[PageText], rules: &Rules) -> Option<CandidateFact> {
    let mut hits: Vec<(&str, &PageText, usize, usize)> = Vec::new();
    // «ё» read as «е» («отклонён»): both are two bytes in UTF-8, so the offsets stay the page's.
    let folded: Vec<String> = pages.iter().map(|p| p.text.replace('ё', "е").replace('Ё', "Е")).collect();
    for (outcome, phrases) in &rules.outcomes {
        for (page, text) in pages.iter().zip(&folded) {
            // A phrase negated («не удовлетворено») is not its outcome: the rejected phrases say it.
            let first = phrases
                .iter()
                .filter_map(|re| re.find_iter(text).find(|m| !negated(text, m.start())))
                .min_by_key(|m| m.start());
            if let Some(m) = first {
                hits.push((outcome.as_str(), page, m.start(), m.end()));
                break;
            }
        }
    }
    let kinds: Vec<&str> = hits.iter().map(|h| h.0).collect();
    // «Удовлетворено» beside «отказано» is a partial outcome even without the word «частично».
    let chosen = if kinds.contains(&"partly") || kinds.contains(&"rejected") && kinds.contains(&"satisfied") {
        "partly"
    } else {
        *kinds.first()?
    };
    let (_, page, start, end) = hits.iter().find(|h| h.0 == chosen).or_else(|| hits.first())?;
    Some(page.fact(
        "outcome",
        json!(chosen),
        (*start, *end),
        rules.rule(&format!("outcome.{chosen}")),
        rules.confidence("outcome"),
    ))
}
