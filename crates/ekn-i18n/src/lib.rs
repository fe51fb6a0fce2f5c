//! The command line's words in Russian, Kazakh and English, read from the catalogue the UI shares
//! (`ui/src/lib/words/{ru,kk,en}.json`: error codes, task kinds and statuses, the desk's and the
//! dashboard's headings are the same words on both faces; `cli.*` entries are the command line's
//! own). An entry is a text with `{name}` placeholders, or — for a count — one text per plural
//! category of the language (CLDR's rules through ICU4X: Russian `one`/`few`/`many`/`other`,
//! Kazakh and English `one`/`other`). `ekn` and `ekn-office` pick the language once, from `--lang`
//! or the locale, and every text they print comes through here; `help` puts clap's help in the same language.
//! The reports both programs print (the anomaly list, the themes' scan and scores, the effectiveness
//! figures) are worded once, in `anomaly_lines`, `theme_lines` and `effect_lines`, so the two cannot
//! drift apart.

pub mod anomaly_lines;
pub mod effect_lines;
pub mod help;
pub mod office_lines;
pub mod theme_lines;

use std::collections::HashMap;
use std::fmt::Display;
use std::sync::OnceLock;

use icu_plurals::{PluralCategory, PluralRules};
use serde::Deserialize;

use ekn_domain::norms::Localized;

/// A language the command line speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Ru,
    Kk,
    En,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Ru, Lang::Kk, Lang::En];

    /// The code `--lang` takes and the catalogue's files are named by.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ru => "ru",
            Lang::Kk => "kk",
            Lang::En => "en",
        }
    }

    /// `ru`, `kk` or `en`, or a locale naming one of them (`ru_RU.UTF-8`, `kk-KZ`); `kz`, the
    /// country's code, is taken for Kazakh as people often type it.
    pub fn parse(text: &str) -> Option<Lang> {
        let language = text.trim().split(['_', '-', '.', '@']).next().unwrap_or_default().to_ascii_lowercase();
        match language.as_str() {
            "ru" => Some(Lang::Ru),
            "kk" | "kz" => Some(Lang::Kk),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// One of three wordings, this language's.
    pub fn pick<'a>(self, ru: &'a str, kk: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Ru => ru,
            Lang::Kk => kk,
            Lang::En => en,
        }
    }

    /// A text given in the three languages, in this one.
    pub fn of(self, text: &Localized) -> &str {
        self.pick(&text.ru, &text.kk, &text.en)
    }

    /// The language the environment asks for: `EKN_LANG`, then the locale in POSIX's order of
    /// precedence (`LC_ALL`, `LC_MESSAGES`, `LANG`). The first variable that is set decides; a
    /// locale of another language (or `C`) names none of ours.
    pub fn from_env() -> Option<Lang> {
        ["EKN_LANG", "LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|name| std::env::var(name).ok())
            .find(|value| !value.trim().is_empty())
            .and_then(|value| Lang::parse(&value))
    }
}

/// A catalogue entry: a text, or a text per plural category.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Entry {
    Text(String),
    Plural(HashMap<String, String>),
}

type Catalogue = HashMap<String, Entry>;

const SOURCES: [(Lang, &str); 3] = [
    (Lang::Ru, include_str!("../../../ui/src/lib/words/ru.json")),
    (Lang::Kk, include_str!("../../../ui/src/lib/words/kk.json")),
    (Lang::En, include_str!("../../../ui/src/lib/words/en.json")),
];

/// The catalogue of one language, parsed once. A catalogue that does not parse is a build's
/// mistake the tests catch; the program then speaks in keys rather than stop.
pub fn catalogue(lang: Lang) -> &'static Catalogue {
    static PARSED: OnceLock<HashMap<Lang, Catalogue>> = OnceLock::new();
    let all = PARSED.get_or_init(|| {
        SOURCES.iter().map(|(lang, text)| (*lang, serde_json::from_str(text).unwrap_or_default())).collect()
    });
    &all[&lang]
}

/// Whether the catalogue files parse (the tests ask; `catalogue` falls back to keys).
pub fn parse_errors() -> Vec<String> {
    SOURCES
        .iter()
        .filter_map(|(lang, text)| {
            serde_json::from_str::<Catalogue>(text).err().map(|e| format!("words/{}.json: {e}", lang.code()))
        })
        .collect()
}

/// The plural categories a language's rules use for whole numbers, which its entries must carry.
pub fn categories(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::Ru => &["one", "few", "many"],
        Lang::Kk | Lang::En => &["one", "other"],
    }
}

/// The CLDR plural category of `n` in `lang`, by ICU4X's compiled rules (made per call: the
/// rules are baked into the program, so this is a lookup, and they are not `Sync` to keep).
pub fn category(lang: Lang, n: u64) -> &'static str {
    let locale: Option<icu_locale_core::Locale> = lang.code().parse().ok();
    let Some(rules) = locale.and_then(|l| PluralRules::try_new(l.into(), Default::default()).ok()) else {
        return if n == 1 { "one" } else { "other" };
    };
    match rules.category_for(n) {
        PluralCategory::Zero => "zero",
        PluralCategory::One => "one",
        PluralCategory::Two => "two",
        PluralCategory::Few => "few",
        PluralCategory::Many => "many",
        PluralCategory::Other => "other",
    }
}

/// `{name}` placeholders filled from `vars`; an unknown one is left as it is (visible, not lost).
fn fill(text: &str, vars: &[(&str, &dyn Display)]) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if vars.iter().any(|(name, _)| *name == &after[..close]) => {
                let name = &after[..close];
                if let Some((_, value)) = vars.iter().find(|(n, _)| *n == name) {
                    out.push_str(&value.to_string());
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The text of `key` in `lang`, falling back to English and then to the key itself.
pub fn text_in(lang: Lang, key: &str, vars: &[(&str, &dyn Display)]) -> String {
    let found = [lang, Lang::En].iter().find_map(|l| match catalogue(*l).get(key) {
        Some(Entry::Text(t)) => Some(t.as_str()),
        Some(Entry::Plural(forms)) => forms.get("other").or_else(|| forms.get("many")).map(String::as_str),
        None => None,
    });
    fill(found.unwrap_or(key), vars)
}

/// The text of `key` for the count `n` (given to the text as `{n}` too), in the plural form
/// `lang` asks for.
pub fn count_in(lang: Lang, key: &str, n: u64, vars: &[(&str, &dyn Display)]) -> String {
    let mut all: Vec<(&str, &dyn Display)> = vec![("n", &n)];
    all.extend_from_slice(vars);
    let form = category(lang, n);
    let found = [lang, Lang::En].iter().find_map(|l| match catalogue(*l).get(key) {
        Some(Entry::Plural(forms)) => {
            let form = if *l == lang { form } else { category(*l, n) };
            forms.get(form).or_else(|| forms.get("other")).map(String::as_str)
        }
        Some(Entry::Text(t)) => Some(t.as_str()),
        None => None,
    });
    fill(found.unwrap_or(key), &all)
}

/// A date as people of the chosen language write it: `26.11.2026` in Russian and Kazakh (as the
/// UI shows it), ISO `2026-11-26` in English (as scripts match it).
pub fn local_date(day: chrono::NaiveDate) -> String {
    match lang() {
        Lang::En => day.format("%Y-%m-%d").to_string(),
        Lang::Ru | Lang::Kk => day.format("%d.%m.%Y").to_string(),
    }
}

static CHOSEN: OnceLock<Lang> = OnceLock::new();

/// Chooses the language of this process's messages, once: `--lang` when given, else the
/// environment's, else English. Later calls keep the first choice.
pub fn choose(flag: Option<&str>) -> Lang {
    let lang = flag.and_then(Lang::parse).or_else(Lang::from_env).unwrap_or(Lang::En);
    *CHOSEN.get_or_init(|| lang)
}

/// The language chosen for this process (English until `choose` ran).
pub fn lang() -> Lang {
    CHOSEN.get().copied().unwrap_or(Lang::En)
}

/// A text given in the three languages (a note, an explanation, a legal basis), in the chosen one.
pub fn local(text: &Localized) -> &str {
    lang().of(text)
}

/// The text of `key` in the chosen language.
pub fn tr(key: &str) -> String {
    text_in(lang(), key, &[])
}

/// The text of `key` in the chosen language, with its placeholders filled.
pub fn tr_with(key: &str, vars: &[(&str, &dyn Display)]) -> String {
    text_in(lang(), key, vars)
}

/// The text of `key` for a count (any unsigned integer), in the chosen language's plural form.
pub fn tr_count(key: &str, n: impl TryInto<u64>, vars: &[(&str, &dyn Display)]) -> String {
    count_in(lang(), key, n.try_into().unwrap_or(u64::MAX), vars)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_counts_take_three_forms_and_kazakh_one() {
        let forms: Vec<&str> = [1, 2, 5, 11, 21, 22, 25, 111].iter().map(|n| category(Lang::Ru, *n)).collect();
        assert_eq!(forms, ["one", "few", "many", "many", "one", "few", "many", "many"]);
        assert_eq!(category(Lang::Kk, 1), "one");
        assert_eq!(category(Lang::Kk, 5), "other");
        assert_eq!(category(Lang::En, 0), "other");
    }

    #[test]
    fn a_locale_names_its_language() {
        assert_eq!(Lang::parse("ru_RU.UTF-8"), Some(Lang::Ru));
        assert_eq!(Lang::parse("kk-KZ"), Some(Lang::Kk));
        assert_eq!(Lang::parse("KZ"), Some(Lang::Kk));
        assert_eq!(Lang::parse("C.UTF-8"), None);
        assert_eq!(Lang::parse("de_DE"), None);
    }

    #[test]
    fn placeholders_are_filled_and_unknown_ones_kept() {
        assert_eq!(fill("{a} and {b} {c", &[("a", &1), ("b", &"two")]), "1 and two {c");
        assert_eq!(fill("{missing}", &[]), "{missing}");
    }
}
