//! The requisites rules as data (`assets/extract/rules.json`): read once per process, every
//! pattern compiled and checked, so a broken rule is an error naming it, not a panic on a page.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::Regex;
use serde::Deserialize;

/// The rules file shipped with the product.
const SHIPPED: &str = include_str!("../../../assets/extract/rules.json");

#[derive(Deserialize)]
struct RulesFile {
    version: String,
    /// The version of `assets/extract/calibration.json` these rules were calibrated with.
    #[serde(default)]
    calibration: Option<String>,
    number_sign: String,
    number_token: String,
    months: Vec<MonthFile>,
    number_words: NumberWordsFile,
    codes: Vec<CodeFile>,
    other_acts: OtherActsFile,
    doc_types: Vec<DocTypeFile>,
    reply_leads: Vec<String>,
    reply_tails: Vec<String>,
    own_leads: Vec<String>,
    issuer_words: Vec<String>,
    addressee_openers: Vec<String>,
    addressee_endings: Vec<String>,
    addressee_labels: Vec<String>,
    amount_cues: Vec<String>,
    amount_cues_after: Vec<String>,
    period: BTreeMap<String, Vec<PeriodFile>>,
    period_words: Vec<String>,
    units: BTreeMap<String, Vec<String>>,
    outcomes: Vec<OutcomeFile>,
    confidence: BTreeMap<String, f32>,
    spoken_dates: SpokenDatesFile,
}

/// Dates said in words, as Kazakh speech and minutes write them («екі мың жиырмасыншы жылдың
/// бірінші қаңтарында»): the year's word, the day's word, and the endings that make a number word
/// ordinal or genitive.
#[derive(Deserialize)]
struct SpokenDatesFile {
    year_words: Vec<String>,
    day_words: Vec<String>,
    endings: Vec<String>,
}

/// Acts outside the codes: the words that name one after a Russian article and before a Kazakh one.
#[derive(Deserialize)]
struct OtherActsFile {
    ru_after: Vec<String>,
    kk_before: Vec<String>,
}

#[derive(Deserialize)]
struct MonthFile {
    month: u32,
    stems: Vec<String>,
}

#[derive(Deserialize)]
struct NumberWordsFile {
    units: BTreeMap<String, u64>,
    hundreds: BTreeMap<String, u64>,
    multipliers: BTreeMap<String, u64>,
}

#[derive(Deserialize)]
struct CodeFile {
    code: String,
    aliases: Vec<String>,
}

#[derive(Deserialize)]
struct DocTypeFile {
    #[serde(rename = "type")]
    kind: String,
    titles: Vec<String>,
    #[serde(default)]
    alone: Vec<String>,
    #[serde(default)]
    markers: Vec<String>,
}

#[derive(Deserialize)]
struct PeriodFile {
    id: String,
    pattern: String,
}

#[derive(Deserialize)]
struct OutcomeFile {
    outcome: String,
    phrases: Vec<String>,
}

/// A document kind and how its title and body give it away.
pub struct DocType {
    pub kind: String,
    pub titles: Vec<String>,
    /// Words that are this kind's title only when they stand alone on their line, with at most
    /// the document's number («АКТ № 12-04/317» above «о результатах проверки»): «акт» in a
    /// longer line is the act a text cites.
    pub alone: Vec<String>,
    pub markers: Vec<String>,
}

/// The compiled rules.
pub struct Rules {
    pub version: String,
    pub number: Regex,
    pub date_numeric: Regex,
    pub date_words: Regex,
    pub date_kk: Regex,
    pub month_of: Vec<(String, u32)>,
    pub units: BTreeMap<String, u64>,
    pub hundreds: BTreeMap<String, u64>,
    pub multipliers: BTreeMap<String, u64>,
    pub number_words: String,
    pub codes: Vec<(String, Regex)>,
    /// An act none of the codes names, right after a Russian article («статьи 42 Закона …»).
    pub other_act_after: Regex,
    /// The same closing the text before a Kazakh article («… Заңының 42-бабы»).
    pub other_act_before: Regex,
    pub doc_types: Vec<DocType>,
    pub reply_leads: Vec<Regex>,
    pub reply_tails: Vec<Regex>,
    pub own_leads: Vec<Regex>,
    pub issuer: Regex,
    pub addressee_openers: Regex,
    /// A label a form sets before the addressee («Кому:», «Кімге:»), the label matched.
    pub addressee_labels: Regex,
    pub addressee_endings: Regex,
    /// The word before an amount's figures («на сумму», «в размере», «залал»): where a line breaks
    /// inside the figures, only after such a word are the figures left on the line above its head.
    pub amount_cue: Regex,
    /// The word right after an amount (its currency and tiyn) that names it a debt, a damage or a
    /// fine («… теңге 75 тиын берешек өтелді»): where a line breaks inside the figures, the figures
    /// left above are its head after any word, as after a cue before them.
    pub amount_cue_after: Regex,
    pub periods: Vec<(String, Regex)>,
    /// The words a period is written in — its anchors and units (`period_words`) and the number
    /// words — in lower case: a word read one letter off one of them is put right for the period
    /// finder (`misread`).
    pub period_vocabulary: std::collections::HashSet<String>,
    pub unit_stems: Vec<(String, Vec<String>)>,
    pub outcomes: Vec<(String, Vec<Regex>)>,
    pub confidence: BTreeMap<String, f32>,
    /// What a rule's score means as a chance of being right (`calibration`); none for rules
    /// parsed from a file of one's own.
    pub calibration: super::calibration::Calibration,
    /// The calibration's version the rules file names.
    pub calibration_named: Option<String>,
    /// Stems of the word "year" that close a year said in words («жылдың», «жылғы», «жылы»).
    pub year_words: Vec<String>,
    /// Words that may stand between a day-and-month and its year («күні»).
    pub day_words: Vec<String>,
    /// Ordinal and genitive endings, longest first («-сыншы», «-інші», «-дың»).
    pub number_endings: Vec<String>,
}

fn compile(what: &str, pattern: &str) -> Result<Regex, String> {
    Regex::new(pattern).map_err(|e| format!("assets/extract/rules.json: {what}: {e}"))
}

/// An alternation of escaped words, longest first so the longest form wins.
fn words(list: &[String]) -> String {
    let mut sorted: Vec<&String> = list.iter().collect();
    sorted.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    sorted.iter().map(|w| regex::escape(w)).collect::<Vec<_>>().join("|")
}

impl Rules {
    /// The shipped rules, compiled once per process.
    pub fn shipped() -> &'static Rules {
        static RULES: OnceLock<Rules> = OnceLock::new();
        RULES.get_or_init(|| {
            let mut rules = Rules::parse(SHIPPED).expect("the shipped requisites rules compile (a test checks)");
            rules.calibration = super::calibration::Calibration::shipped()
                .expect("the shipped calibration parses and is the one the rules name (a test checks)");
            rules
        })
    }

    /// Reads and compiles a rules file; an error names the rule.
    pub fn parse(json: &str) -> Result<Rules, String> {
        let file: RulesFile = serde_json::from_str(json).map_err(|e| format!("assets/extract/rules.json: {e}"))?;
        let months: Vec<String> = file.months.iter().flat_map(|m| m.stems.iter().cloned()).collect();
        let month = format!("(?P<month>(?:{})[\\p{{L}}]*)", words(&months));
        let mut month_of: Vec<(String, u32)> =
            file.months.iter().flat_map(|m| m.stems.iter().map(move |s| (s.to_lowercase(), m.month))).collect();
        month_of.sort_by_key(|(s, _)| std::cmp::Reverse(s.chars().count()));
        let year = r"(?P<year>(?:19|20)\d{2})";
        let sep = r"\s?[.,/]\s?";
        let date_numeric = compile(
            "numeric date",
            &format!(r"(?:^|[^\d])(?P<day>[0-3]?\d){sep}(?P<mon>[01]?\d){sep}{year}(?:[^\d]|$)"),
        )?;
        // Figures may carry a Kazakh ordinal ending («1-інші», «2020-сыншы»), and a day-and-month
        // may be followed by «күні» before its year.
        let ordinal = r"(?:-\p{L}{1,6})?";
        let date_words = compile(
            "date in words",
            &format!(r#"(?i)(?:^|[^\d])[«"]?(?P<day>[0-3]?\d){ordinal}[»"]?\s*{month}\s+(?:күні\s+)?{year}"#),
        )?;
        let date_kk = compile(
            "Kazakh date",
            &format!(r#"(?i){year}{ordinal}\s*(?:ж\.|жыл\p{{L}}*)\s*[«"]?(?P<day>[0-3]?\d){ordinal}[»"]?\s*{month}"#),
        )?;
        let number = compile(
            "number",
            &format!(r"(?:^|[^\p{{L}}\d])(?P<sign>{})\s*(?P<no>{})", file.number_sign, file.number_token),
        )?;
        let all_words: Vec<String> = file
            .number_words
            .units
            .keys()
            .chain(file.number_words.hundreds.keys())
            .chain(file.number_words.multipliers.keys())
            .cloned()
            .collect();
        let number_words = words(&all_words);
        let mut codes = Vec::new();
        for code in &file.codes {
            // Abbreviations (all capitals, short) are matched as written; titles in any case.
            let (short, long): (Vec<&String>, Vec<&String>) = code
                .aliases
                .iter()
                .partition(|a| a.chars().count() <= 8 && !a.contains('\\') && a.chars().any(|c| c.is_uppercase()));
            let mut parts = Vec::new();
            if !short.is_empty() {
                parts.push(format!(
                    r"(?:^|[^\p{{L}}])(?:{})(?:[^\p{{L}}]|$)",
                    short.iter().map(|s| regex::escape(s)).collect::<Vec<_>>().join("|")
                ));
            }
            if !long.is_empty() {
                // A title may wrap at any space: the rules' spaces match any run of white space;
                // and after the hyphen of a compound, as a narrow line breaks it
                // («Административного процедурно-⏎процессуального кодекса», a photo of the
                // seventh set).
                parts.push(format!(
                    "(?i:{})",
                    long.iter().map(|s| wrappable(&s.replace(' ', r"\s+"))).collect::<Vec<_>>().join("|")
                ));
            }
            codes.push((code.code.clone(), compile(&format!("code {}", code.code), &parts.join("|"))?));
        }
        let leads = |list: &[String], what: &str| -> Result<Vec<Regex>, String> {
            list.iter().map(|p| compile(what, &format!("(?i){p}"))).collect()
        };
        let mut periods = Vec::new();
        for (lang, list) in &file.period {
            for p in list {
                let pattern =
                    p.pattern.replace("NUM", &format!(r"\d+(?:\s*\([^)]{{0,40}}\))?|(?:(?:{number_words})\s*)+"));
                periods.push((p.id.clone(), compile(&format!("period {} ({lang})", p.id), &format!("(?i){pattern}"))?));
            }
        }
        let mut outcomes = Vec::new();
        for o in &file.outcomes {
            // A phrase may wrap at any space (a PDF's line ends fall anywhere).
            let compiled: Result<Vec<Regex>, String> = o
                .phrases
                .iter()
                .map(|p| compile(&format!("outcome {}", o.outcome), &format!("(?i){}", p.replace(' ', r"\s+"))))
                .collect();
            outcomes.push((o.outcome.clone(), compiled?));
        }
        let period_vocabulary = file
            .period_words
            .iter()
            .chain(file.number_words.units.keys())
            .chain(file.number_words.hundreds.keys())
            .chain(file.number_words.multipliers.keys())
            .map(|w| w.to_lowercase())
            .collect();
        let mut number_endings = file.spoken_dates.endings.clone();
        number_endings.sort_by_key(|e| std::cmp::Reverse(e.chars().count()));
        Ok(Rules {
            calibration: super::calibration::Calibration::none(),
            calibration_named: file.calibration,
            year_words: file.spoken_dates.year_words,
            day_words: file.spoken_dates.day_words,
            number_endings,
            version: file.version,
            number,
            date_numeric,
            date_words,
            date_kk,
            month_of,
            period_vocabulary,
            units: file.number_words.units,
            hundreds: file.number_words.hundreds,
            multipliers: file.number_words.multipliers,
            number_words,
            codes,
            other_act_after: compile(
                "other acts (ru)",
                &format!(r"(?i)^\s*(?:{})(?:[^\p{{L}}]|$)", file.other_acts.ru_after.join("|")),
            )?,
            other_act_before: compile(
                "other acts (kk)",
                &format!(r"(?i)(?:^|[^\p{{L}}])(?:{})\s*$", words(&file.other_acts.kk_before)),
            )?,
            doc_types: file
                .doc_types
                .into_iter()
                .map(|d| DocType { kind: d.kind, titles: d.titles, alone: d.alone, markers: d.markers })
                .collect(),
            reply_leads: leads(&file.reply_leads, "reply lead")?,
            reply_tails: leads(&file.reply_tails, "reply tail")?,
            own_leads: leads(&file.own_leads, "own lead")?,
            issuer: compile("issuer words", &format!(r"(?:^|[^\p{{L}}])(?i:{})", words(&file.issuer_words)))?,
            addressee_labels: compile(
                "addressee labels",
                &format!(r"(?i)^\s*(?:{})\s*:\s*", words(&file.addressee_labels)),
            )?,
            addressee_openers: compile(
                "addressee openers",
                &format!(r"^\s*(?:{})(?:[^\p{{L}}]|$)", words(&file.addressee_openers)),
            )?,
            addressee_endings: compile(
                "addressee endings",
                &format!(r"(?i)(?:{})\s*[.,:]?\s*$", words(&file.addressee_endings)),
            )?,
            amount_cue: compile("amount cues", &format!(r"(?i)(?:^|[^\p{{L}}])(?:{})\s*$", words(&file.amount_cues)))?,
            amount_cue_after: compile(
                "amount cues after",
                &format!(r"(?i)^[\s,]*(?:{})(?:[^\p{{L}}]|$)", words(&file.amount_cues_after)),
            )?,
            periods,
            unit_stems: file.units.into_iter().collect(),
            outcomes,
            confidence: file.confidence,
        })
    }

    /// The confidence the rules give a kind of finding.
    pub fn confidence(&self, key: &str) -> f32 {
        self.confidence.get(key).copied().unwrap_or(0.5)
    }

    /// The month a word names (any case form), if any.
    pub fn month(&self, word: &str) -> Option<u32> {
        let word = word.to_lowercase();
        self.month_of.iter().find(|(stem, _)| word.starts_with(stem.as_str())).map(|(_, m)| *m)
    }

    /// A rule's id with the rules' version, as a fact records it.
    pub fn rule(&self, id: &str) -> String {
        format!("{id}@{}", self.version)
    }
}

/// A pattern whose hyphens between two letters may be followed by a line break: a compound
/// («процедурно-процессуальн») wraps after its hyphen as readily as at a space.
fn wrappable(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        out.push(c);
        let between_letters =
            i > 0 && chars[i - 1].is_alphabetic() && chars.get(i + 1).is_some_and(|n| n.is_alphabetic());
        if c == '-' && between_letters {
            out.push_str(r"\s*");
        }
    }
    out
}
