//! The user guide (issue 42): task-first topics for prosecutors, supervisors and an office's IT, in
//! Russian, Kazakh and English, written once as Markdown under `docs/guide/{ru,kk,en}/` and built
//! into the program so the help works offline — in the desktop app, `ekn serve` and `ekn guide`.
//!
//! Each topic opens with a front matter naming its title, the screens it documents (`screens:`, the
//! app's route names) and the error codes it explains (`errors:`), so the app opens the topic for the
//! screen in view (F1) and tests can hold every screen and every error code to a topic in each
//! language. Search is the product's own full-text index — SQLite FTS5, as for appeals and
//! documents — over an in-memory copy of the topics (`search.rs`).

pub mod manual;
mod search;
pub mod site;
mod topics;

use serde::Serialize;

pub use search::search;
pub use topics::SOURCES;

/// The languages the guide is written in.
pub const LANGS: [&str; 3] = ["ru", "kk", "en"];

/// One topic as the faces list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct GuideTopic {
    /// `ru`, `kk` or `en`.
    pub lang: String,
    /// The file's name without `.md` (the same in every language).
    pub id: String,
    pub title: String,
    /// The file, as `docs/guide/<lang>/<id>.md`.
    pub path: String,
    /// Its place in the printed manual (`4.2`: the second topic of section 4), whose sections are
    /// those of a user manual under РД 50-34.698 (`manual.rs`).
    pub manual: String,
    /// The screenshots it shows (`SHOTS`): taken of the app in the topic's language by the browser
    /// e2e run, so they never drift from the screens; the site and the printed manual include them.
    pub shots: Vec<String>,
    pub screens: Vec<String>,
    pub errors: Vec<String>,
}

/// A topic with its text, as the help panel shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct GuidePage {
    #[serde(flatten)]
    #[ts(flatten)]
    pub topic: GuideTopic,
    pub markdown: String,
    /// The Markdown as HTML (the guide's own text, never a peer's).
    pub html: String,
}

/// A topic found by a search, best first.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct GuideHit {
    #[serde(flatten)]
    #[ts(flatten)]
    pub topic: GuideTopic,
    /// A few words of the text around the first match.
    pub excerpt: String,
    /// FTS5's BM25 rank (lower is better), for whoever compares rankings.
    pub rank: f64,
}

/// A topic's source parsed: front matter and body. `Err` names the file and line at fault.
pub fn parse(path: &str, source: &str) -> Result<(GuideTopic, String), String> {
    let (lang, id) = path
        .strip_suffix(".md")
        .and_then(|p| p.split_once('/'))
        .filter(|(lang, id)| LANGS.contains(lang) && !id.is_empty() && !id.contains('/'))
        .ok_or_else(|| format!("{path}: a topic is <lang>/<id>.md with lang ru, kk or en"))?;
    let mut lines = source.lines().enumerate();
    if lines.next().map(|(_, l)| l.trim()) != Some("---") {
        return Err(format!("docs/guide/{path}:1: a topic opens with '---' and its front matter"));
    }
    let (mut title, mut manual, mut shots, mut screens, mut errors) = (None, None, Vec::new(), Vec::new(), Vec::new());
    let mut body_start = None;
    for (n, line) in lines.by_ref() {
        if line.trim() == "---" {
            body_start = Some(n + 1);
            break;
        }
        let (key, value) =
            line.split_once(':').ok_or_else(|| format!("docs/guide/{path}:{}: expected 'key: value'", n + 1))?;
        let list = || value.split(',').map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect::<Vec<_>>();
        match key.trim() {
            "title" => title = Some(value.trim().to_string()),
            "manual" => {
                let place = value.trim();
                let fits = place.split_once('.').is_some_and(|(section, n)| {
                    manual::TOPIC_SECTIONS.contains(&section) && n.parse::<u8>().is_ok_and(|n| n > 0)
                });
                if !fits {
                    return Err(format!(
                        "docs/guide/{path}:{}: manual is SECTION.N with SECTION one of {}",
                        n + 1,
                        manual::TOPIC_SECTIONS.join(", ")
                    ));
                }
                manual = Some(place.to_string());
            }
            "shots" => {
                shots = list();
                if let Some(bad) = shots.iter().find(|s| !SHOTS.contains(&s.as_str())) {
                    return Err(format!(
                        "docs/guide/{path}:{}: no screenshot '{bad}' is taken (one of {})",
                        n + 1,
                        SHOTS.join(", ")
                    ));
                }
            }
            "screens" => screens = list(),
            "errors" => errors = list(),
            other => return Err(format!("docs/guide/{path}:{}: unknown field '{other}'", n + 1)),
        }
    }
    let start = body_start.ok_or_else(|| format!("docs/guide/{path}: the front matter never closes with '---'"))?;
    let title = title.filter(|t| !t.is_empty()).ok_or_else(|| format!("docs/guide/{path}: no title"))?;
    let manual = manual.ok_or_else(|| format!("docs/guide/{path}: no manual (its place in the printed manual)"))?;
    let body = source.lines().skip(start).collect::<Vec<_>>().join("\n");
    let topic = GuideTopic {
        lang: lang.to_string(),
        id: id.to_string(),
        title,
        path: format!("docs/guide/{path}"),
        manual,
        shots,
        screens,
        errors,
    };
    Ok((topic, body.trim().to_string() + "\n"))
}

/// Every topic built into the program, in the order of `SOURCES`, parsed once.
pub fn topics() -> &'static [(GuideTopic, String)] {
    static TOPICS: std::sync::OnceLock<Vec<(GuideTopic, String)>> = std::sync::OnceLock::new();
    // The sources are the program's own and tested (`every_topic_parses`): a broken one is skipped
    // here rather than taking the help down.
    TOPICS.get_or_init(|| SOURCES.iter().filter_map(|(path, source)| parse(path, source).ok()).collect())
}

/// The topics of one language, optionally only those documenting `screen`.
pub fn list(lang: &str, screen: Option<&str>) -> Vec<GuideTopic> {
    topics()
        .iter()
        .map(|(t, _)| t)
        .filter(|t| t.lang == lang && screen.is_none_or(|s| t.screens.iter().any(|x| x == s)))
        .cloned()
        .collect()
}

/// How a topic's Markdown is read: tables, and headings with an id of their own (`## … {#id}`),
/// which another topic links to as `topic.md#id`.
fn markdown_options() -> pulldown_cmark::Options {
    pulldown_cmark::Options::ENABLE_TABLES | pulldown_cmark::Options::ENABLE_HEADING_ATTRIBUTES
}

/// One topic by language and id, with its HTML. A link to another topic is written `id.md` or
/// `id.md#heading`; the help panel opens it in place (the guide is offline: it links nowhere else).
pub fn page(lang: &str, id: &str) -> Option<GuidePage> {
    topics().iter().find(|(t, _)| t.lang == lang && t.id == id).map(|(topic, markdown)| {
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new_ext(markdown, markdown_options()));
        GuidePage { topic: topic.clone(), markdown: markdown.clone(), html }
    })
}

/// A topic's words on one line, without the Markdown's marks, links' addresses or headings' ids
/// (what the search indexes and quotes).
pub fn plain_text(markdown: &str) -> String {
    let mut words = Vec::new();
    for event in pulldown_cmark::Parser::new_ext(markdown, markdown_options()) {
        if let pulldown_cmark::Event::Text(text) | pulldown_cmark::Event::Code(text) = event {
            words.extend(text.split_whitespace().map(str::to_string));
        }
    }
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_topic_parses_and_exists_in_every_language() {
        let mut ids: std::collections::BTreeMap<String, Vec<String>> = Default::default();
        for (path, source) in SOURCES {
            let (topic, body) = parse(path, source).unwrap_or_else(|e| panic!("{e}"));
            assert!(body.len() > 200, "{path}: a topic says something");
            ids.entry(topic.id).or_default().push(topic.lang);
        }
        for (id, langs) in ids {
            let mut langs = langs.clone();
            langs.sort();
            assert_eq!(langs, ["en", "kk", "ru"], "topic {id} in every language");
        }
    }

    #[test]
    fn a_broken_front_matter_is_named_with_its_file_and_line() {
        assert!(parse("ru/x.md", "no front matter").unwrap_err().contains("docs/guide/ru/x.md:1"));
        assert!(parse("ru/x.md", "---\ntitle: T\nmanual: 7.1\n---\n").unwrap_err().contains("ru/x.md:3: manual is"));
        assert!(parse("ru/x.md", "---\ntitle: T\nbogus: 1\n---\n")
            .unwrap_err()
            .contains("ru/x.md:3: unknown field 'bogus'"));
        assert!(parse("de/x.md", "---\ntitle: T\n---\n").unwrap_err().contains("lang ru, kk or en"));
        assert!(parse("ru/x.md", "---\ntitle: T\n---\n").unwrap_err().contains("no manual"));
        assert!(parse("ru/x.md", "---\ntitle: T\n").unwrap_err().contains("never closes"));
    }
}

/// The screenshots the browser e2e takes of the app in each language (`ui/e2e/accessibility.mjs`,
/// a place's `shot`), as `shots/<lang>/<id>.png`; a topic names those it shows.
pub const SHOTS: [&str; 15] = [
    "desk",
    "appeals",
    "appeal",
    "analytics",
    "themes",
    "theme",
    "effect",
    "search",
    "dashboard",
    "import",
    "settings",
    "card",
    "card-act",
    "card-document",
    "help",
];

/// The screens of the app (its routes), each of which has a topic in every language.
pub const SCREENS: [&str; 14] = [
    "desk",
    "appeals",
    "appeal",
    "analytics",
    "themes",
    "theme",
    "effect",
    "search",
    "card",
    "dashboard",
    "import",
    "settings",
    "access",
    "admin",
];

#[cfg(test)]
mod coverage {
    use super::*;
    use crate::api::ErrorCode;

    #[test]
    fn every_screenshot_a_topic_can_show_is_one_the_browser_e2e_takes() {
        let e2e = include_str!("../../ui/e2e/accessibility.mjs");
        for id in SHOTS {
            assert!(e2e.contains(&format!("shot: '{id}'")), "ui/e2e/accessibility.mjs takes no screenshot '{id}'");
        }
        assert_eq!(e2e.matches("shot: '").count(), SHOTS.len(), "every screenshot the e2e takes is listed in SHOTS");
        let shown: usize = topics().iter().map(|(t, _)| t.shots.len()).sum();
        assert!(shown >= 30, "the topics show the screens they describe ({shown} screenshots over three languages)");
        assert!(parse("ru/x.md", "---\ntitle: T\nmanual: 2.1\nshots: nowhere\n---\n")
            .unwrap_err()
            .contains("no screenshot 'nowhere'"));
    }

    #[test]
    fn every_screen_and_every_error_code_has_a_topic_in_every_language() {
        let codes: Vec<String> = ErrorCode::ALL.iter().map(|c| c.code()).collect();
        for lang in LANGS {
            let topics = list(lang, None);
            for screen in SCREENS {
                assert!(topics.iter().any(|t| t.screens.iter().any(|s| s == screen)), "{lang}: no topic for {screen}");
            }
            for code in &codes {
                assert!(topics.iter().any(|t| t.errors.contains(code)), "{lang}: no topic for error {code}");
            }
            // And nothing documented that the product does not have.
            for t in &topics {
                for s in &t.screens {
                    assert!(SCREENS.contains(&s.as_str()), "{}: unknown screen {s}", t.path);
                }
                for e in &t.errors {
                    assert!(codes.contains(e), "{}: unknown error code {e}", t.path);
                }
            }
        }
    }

    /// Where a topic's links point (`id.md`, `id.md#heading`, `#heading`), in order.
    fn links(markdown: &str) -> Vec<String> {
        pulldown_cmark::Parser::new_ext(markdown, markdown_options())
            .filter_map(|event| match event {
                pulldown_cmark::Event::Start(pulldown_cmark::Tag::Link { dest_url, .. }) => Some(dest_url.to_string()),
                _ => None,
            })
            .collect()
    }

    /// The ids a topic's headings declare (`{#id}`).
    fn heading_ids(markdown: &str) -> Vec<String> {
        pulldown_cmark::Parser::new_ext(markdown, markdown_options())
            .filter_map(|event| match event {
                pulldown_cmark::Event::Start(pulldown_cmark::Tag::Heading { id: Some(id), .. }) => Some(id.to_string()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn every_link_leads_to_a_topic_of_its_language_and_every_anchor_to_a_heading_there() {
        let mut checked = 0;
        for (topic, markdown) in topics() {
            for link in links(markdown) {
                let (file, anchor) = link.split_once('#').map_or((link.as_str(), None), |(f, a)| (f, Some(a)));
                let target = if file.is_empty() {
                    Some(topic.id.as_str())
                } else {
                    file.strip_suffix(".md").filter(|id| id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'))
                };
                let Some(target) = target else {
                    panic!(
                        "docs/guide/{}/{}.md links to '{link}': a topic links only to topics (id.md or id.md#heading)",
                        topic.lang, topic.id
                    )
                };
                let Some((_, target_markdown)) = topics().iter().find(|(t, _)| t.lang == topic.lang && t.id == target)
                else {
                    panic!(
                        "docs/guide/{}/{}.md links to '{link}': no such topic in {}",
                        topic.lang, topic.id, topic.lang
                    )
                };
                if let Some(anchor) = anchor {
                    assert!(
                        heading_ids(target_markdown).iter().any(|id| id == anchor),
                        "docs/guide/{}/{}.md links to '{link}': {target} has no heading {{#{anchor}}}",
                        topic.lang,
                        topic.id
                    );
                }
                checked += 1;
            }
        }
        assert!(checked >= 15, "the guide's topics link to each other ({checked} links)");
        // The HTML carries the heading's id, so the panel can scroll to it.
        assert!(page("ru", "deadlines").unwrap().html.contains("id=\"counting\""));
    }

    /// Real queries and the topic each must find first (the app's search and the site's).
    pub(super) const REAL_QUERIES: [(&str, &str, &str); 23] = [
        ("продлить срок", "ru", "extend-deadline"),
        ("продление срока рассмотрения", "ru", "extend-deadline"),
        ("мерзімді ұзарту", "kk", "extend-deadline"),
        ("мерзімін ұзартуға", "kk", "extend-deadline"),
        ("забыл пароль", "ru", "forgotten-passphrase"),
        ("құпиясөз ұмытылды", "kk", "forgotten-passphrase"),
        ("оформить представление", "ru", "issue-act"),
        ("ұсынуды ресімдеу", "kk", "issue-act"),
        ("подтвердить факт документа", "ru", "confirm-fact"),
        ("фактіні растау", "kk", "confirm-fact"),
        ("синхронизация с офисом", "ru", "sync-office"),
        ("кеңсемен синхрондау", "kk", "sync-office"),
        ("как считаются рабочие дни", "ru", "deadlines"),
        ("что такое аномалия", "ru", "risk-and-anomalies"),
        ("журнал доказывает", "ru", "journal"),
        ("роли и статусы задач", "ru", "roles-and-statuses"),
        ("рөлдер мен мәртебелер", "kk", "roles-and-statuses"),
        ("как вести тему надзора", "ru", "keep-theme"),
        ("отклонить объект темы", "ru", "keep-theme"),
        ("қадағалау тақырыбын жүргізу", "kk", "keep-theme"),
        ("keep a theme of supervision", "en", "keep-theme"),
        ("extend a deadline", "en", "extend-deadline"),
        ("forgot the passphrase", "en", "forgotten-passphrase"),
    ];

    #[test]
    fn real_queries_find_their_topic_first_in_russian_kazakh_and_english() {
        for (query, lang, want) in REAL_QUERIES {
            let hits = search(query, Some(lang), 5).unwrap();
            assert_eq!(hits.first().map(|h| h.topic.id.as_str()), Some(want), "{query}: {hits:?}");
            assert!(hits.iter().all(|h| h.topic.lang == lang));
        }
        assert!(search("  ", None, 5).unwrap().is_empty());
        // A query with FTS5's own syntax is words, never an expression.
        assert!(search("\"срок\" OR NEAR(", Some("ru"), 5).is_ok());
    }
}
