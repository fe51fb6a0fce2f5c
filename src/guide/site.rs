//! The guide as files for an office's intranet and for print (`ekn guide site --out DIR`): a static
//! site — a page per topic in each language, a contents page laid out as the printed manual, a search
//! that works for Russian and Kazakh words (each word of the query matched by its first five letters as
//! a prefix, as the app's own search does; mdBook's search does not handle Cyrillic) — and one page per
//! language holding the whole manual in the sections of РД 50-34.698 (`manual.rs`), with print styles,
//! which `scripts/guide-pdf` prints to PDF. Everything comes from the same topics the app's help shows;
//! the site needs no server (the search's index is a script, so it works from `file://` too).

use std::collections::BTreeMap;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Parser, Tag};

use super::manual::{self, ManualText};
use super::{markdown_options, plain_text, topics, GuideTopic, LANGS};

/// One file of the site: its path under the output directory and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteFile {
    pub path: String,
    pub content: String,
}

const STYLE: &str = include_str!("site.css");
const SEARCH: &str = include_str!("site-search.js");

/// Text for HTML: the guide's own words, escaped all the same (an evidence package's page and a
/// head's report printed to PDF escape theirs with it too).
pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The topics of one language in the manual's order (`2.1`, `2.2`, …, `5.2`).
fn ordered(lang: &str) -> Vec<(&'static GuideTopic, &'static str)> {
    let mut list: Vec<_> = topics().iter().filter(|(t, _)| t.lang == lang).map(|(t, m)| (t, m.as_str())).collect();
    list.sort_by_key(|(t, _)| place(&t.manual));
    list
}

/// `4.2` as (4, 2), for ordering.
fn place(manual: &str) -> (u8, u8) {
    let (section, n) = manual.split_once('.').unwrap_or((manual, "0"));
    (section.parse().unwrap_or(9), n.parse().unwrap_or(0))
}

/// Where a link between topics leads: `id.md#part` becomes the topic's page (`id.html#part`) on the
/// site, or a place on the same page in the manual (`#part`, or the topic's own `#topic-id`).
fn relink(dest: &str, in_manual: bool) -> Option<String> {
    let (file, part) = dest.split_once('#').map_or((dest, None), |(f, p)| (f, Some(p)));
    let id = file.strip_suffix(".md")?;
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
        return None;
    }
    Some(match (in_manual, part) {
        (true, Some(part)) => format!("#{part}"),
        (true, None) => format!("#topic-{id}"),
        (false, Some(part)) => format!("{id}.html#{part}"),
        (false, None) => format!("{id}.html"),
    })
}

/// A topic's Markdown as HTML, its links between topics made to lead where `in_manual` says and
/// its headings moved down `shift` levels (the manual's sections sit above them).
fn render(markdown: &str, in_manual: bool, shift: usize, number: Option<&str>) -> String {
    let mut first_heading = true;
    let events = Parser::new_ext(markdown, markdown_options()).flat_map(|event| {
        let mut extra = None;
        let event = match event {
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                let dest_url = relink(&dest_url, in_manual).map_or(dest_url, CowStr::from);
                Event::Start(Tag::Link { link_type, dest_url, title, id })
            }
            Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                let level = HeadingLevel::try_from((level as usize + shift).min(6)).unwrap_or(HeadingLevel::H6);
                if first_heading {
                    first_heading = false;
                    extra = number.map(|n| Event::Text(CowStr::from(format!("{n} "))));
                }
                Event::Start(Tag::Heading { level, id, classes, attrs })
            }
            Event::End(pulldown_cmark::TagEnd::Heading(level)) => {
                let level = HeadingLevel::try_from((level as usize + shift).min(6)).unwrap_or(HeadingLevel::H6);
                Event::End(pulldown_cmark::TagEnd::Heading(level))
            }
            other => other,
        };
        std::iter::once(event).chain(extra)
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

/// A page of the site: its head, the language bar (the same page in the other languages) and `body`.
fn page(lang: &str, title: &str, depth: usize, this: &str, body: &str) -> String {
    let up = "../".repeat(depth);
    let words = manual::text(lang);
    let languages: Vec<String> = LANGS
        .iter()
        .map(|l| {
            let name = manual::text(l).language;
            if *l == lang {
                format!("<strong>{name}</strong>")
            } else {
                format!("<a href=\"{up}{l}/{this}\" lang=\"{l}\">{name}</a>")
            }
        })
        .collect();
    format!(
        "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{} — {}</title>\n\
         <link rel=\"stylesheet\" href=\"{up}style.css\">\n</head>\n<body>\n\
         <header class=\"bar\"><nav aria-label=\"guide\"><a href=\"index.html\">{}</a> · <a href=\"search.html\">{}</a> · \
         <a href=\"manual.html\">{}</a></nav><nav aria-label=\"languages\" class=\"langs\">{}</nav></header>\n\
         <main>\n{body}</main>\n</body>\n</html>\n",
        escape(title),
        escape(words.title),
        escape(words.contents),
        escape(words.search),
        escape(words.printable),
        languages.join(" · ")
    )
}

/// The contents as a list: the manual's sections, each with its topics linked as `link` says.
fn contents(lang: &str, link: impl Fn(&GuideTopic) -> String, own: impl Fn(usize) -> String) -> String {
    let words = manual::text(lang);
    let mut by_section: BTreeMap<u8, Vec<&GuideTopic>> = BTreeMap::new();
    for (topic, _) in ordered(lang) {
        by_section.entry(place(&topic.manual).0).or_default().push(topic);
    }
    // Numbered by the manual's own numbers (`4.2`), so the lists carry no numbers of their own.
    let mut out = String::from("<ul class=\"contents\">\n");
    for (i, heading) in words.sections.iter().enumerate() {
        let number = i as u8 + 1;
        out += &format!("<li><a href=\"{}\">{number} {}</a>", own(i), escape(heading));
        if let Some(list) = by_section.get(&number) {
            out += "\n<ul>\n";
            for topic in list {
                out += &format!("<li><a href=\"{}\">{} {}</a></li>\n", link(topic), topic.manual, escape(&topic.title));
            }
            out += "</ul>\n";
        }
        out += "</li>\n";
    }
    out + "</ul>\n"
}

/// The whole manual of one language on one page, in the sections of РД 50-34.698.
fn manual_page(lang: &str, words: &ManualText, shots: bool) -> String {
    let mut body = format!(
        "<section class=\"title-page\">\n<h1>{}</h1>\n<p class=\"subtitle\">{}</p>\n<p class=\"version\">{} {}</p>\n\
         <p class=\"draft\">{}</p>\n</section>\n<nav class=\"toc\" aria-label=\"contents\"><h2>{}</h2>\n{}</nav>\n",
        escape(words.title),
        escape(words.subtitle),
        "ЭКН",
        env!("CARGO_PKG_VERSION"),
        escape(words.draft),
        escape(words.contents),
        contents(lang, |t| format!("#topic-{}", t.id), |i| format!("#section-{}", i + 1))
    );
    let topics = ordered(lang);
    for (i, heading) in words.sections.iter().enumerate() {
        let number = i + 1;
        body +=
            &format!("<section class=\"section\" id=\"section-{number}\">\n<h2>{number} {}</h2>\n", escape(heading));
        match number {
            1 => {
                for (j, (part, text)) in words.introduction.iter().enumerate() {
                    body += &format!("<h3>1.{} {}</h3>\n<p>{}</p>\n", j + 1, escape(part), escape(text));
                }
            }
            6 => body += &format!("<p>{}</p>\n", escape(words.advice)),
            _ => {
                for (topic, markdown) in topics.iter().filter(|(t, _)| place(&t.manual).0 == number as u8) {
                    body += &format!(
                        "<section class=\"topic\" id=\"topic-{}\">\n{}{}</section>\n",
                        topic.id,
                        render(markdown, true, 2, Some(&topic.manual)),
                        if shots { figures(topic) } else { String::new() }
                    );
                }
            }
        }
        body += "</section>\n";
    }
    page(lang, words.subtitle, 1, "manual.html", &body)
}

/// A topic's screenshots as figures (`../shots/<lang>/<id>.png`, beside the site's pages).
fn figures(topic: &GuideTopic) -> String {
    topic
        .shots
        .iter()
        .map(|id| {
            let name = escape(manual::shot_name(&topic.lang, id));
            format!(
                "<figure class=\"shot\"><img src=\"../shots/{}/{id}.png\" alt=\"{name}\"><figcaption>{name}</figcaption></figure>\n",
                topic.lang
            )
        })
        .collect()
}

/// The screenshots the site shows, as `(lang, id)`: what `build(true)` refers to under `shots/`.
pub fn shots_shown() -> Vec<(String, String)> {
    topics().iter().flat_map(|(t, _)| t.shots.iter().map(|s| (t.lang.clone(), s.clone()))).collect()
}

/// Every file of the site; with `shots`, its pages show each topic's screenshots (the caller puts
/// the images under `shots/`, `shots_shown`).
pub fn build(shots: bool) -> Vec<SiteFile> {
    let mut files = vec![
        SiteFile { path: "style.css".into(), content: STYLE.into() },
        SiteFile { path: "search.js".into(), content: SEARCH.into() },
    ];
    let mut choices = String::new();
    for lang in LANGS {
        let words = manual::text(lang);
        choices += &format!(
            "<li><a href=\"{lang}/index.html\" lang=\"{lang}\">{} — {}</a></li>\n",
            escape(words.language),
            escape(words.subtitle)
        );
        let list = ordered(lang);
        // The contents page.
        let body = format!(
            "<h1>{}</h1>\n<p class=\"subtitle\">{}</p>\n<p class=\"draft\">{}</p>\n{}",
            escape(words.title),
            escape(words.subtitle),
            escape(words.draft),
            contents(lang, |t| format!("{}.html", t.id), |i| format!("manual.html#section-{}", i + 1))
        );
        files.push(SiteFile {
            path: format!("{lang}/index.html"),
            content: page(lang, words.subtitle, 1, "index.html", &body),
        });
        // A page per topic, with the previous and the next in the manual's order.
        for (i, (topic, markdown)) in list.iter().enumerate() {
            let mut body = render(markdown, false, 0, None);
            if shots {
                body += &figures(topic);
            }
            body += "<nav class=\"steps\" aria-label=\"steps\">";
            if let Some((before, _)) = i.checked_sub(1).and_then(|j| list.get(j)) {
                body += &format!(
                    "<a href=\"{}.html\" rel=\"prev\">← {}: {}</a> ",
                    before.id,
                    escape(words.previous),
                    escape(&before.title)
                );
            }
            if let Some((after, _)) = list.get(i + 1) {
                body += &format!(
                    "<a href=\"{}.html\" rel=\"next\">{}: {} →</a>",
                    after.id,
                    escape(words.next),
                    escape(&after.title)
                );
            }
            body += "</nav>\n";
            let this = format!("{}.html", topic.id);
            files.push(SiteFile { path: format!("{lang}/{this}"), content: page(lang, &topic.title, 1, &this, &body) });
        }
        files.push(SiteFile { path: format!("{lang}/manual.html"), content: manual_page(lang, words, shots) });
        // The search: its page, and its index as a script (a `file://` page may not fetch JSON).
        let index: Vec<serde_json::Value> = list
            .iter()
            .map(|(t, markdown)| serde_json::json!({ "id": t.id, "title": t.title, "text": plain_text(markdown) }))
            .collect();
        let script = format!("window.EKN_GUIDE_INDEX = {};\n", serde_json::Value::Array(index));
        files.push(SiteFile { path: format!("{lang}/search-index.js"), content: script });
        let body = format!(
            "<h1>{}</h1>\n<form id=\"search\" role=\"search\"><label>{} <input id=\"query\" type=\"search\" autofocus></label> \
             <button type=\"submit\">{}</button></form>\n<p id=\"nothing\" hidden>{}</p>\n<ol id=\"hits\"></ol>\n\
             <script src=\"search-index.js\"></script>\n<script src=\"../search.js\"></script>\n",
            escape(words.search),
            escape(words.search_hint),
            escape(words.search),
            escape(words.nothing_found)
        );
        files.push(SiteFile {
            path: format!("{lang}/search.html"),
            content: page(lang, words.search, 1, "search.html", &body),
        });
    }
    let body = format!("<h1>ЭКН</h1>\n<ul class=\"langs-choice\">\n{choices}</ul>\n");
    let root = format!(
        "<!doctype html>\n<html lang=\"ru\">\n<head>\n<meta charset=\"utf-8\">\n<title>ЭКН</title>\n\
         <link rel=\"stylesheet\" href=\"style.css\">\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n"
    );
    files.push(SiteFile { path: "index.html".into(), content: root });
    files
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use super::*;

    /// Every `href="…"` and `src="…"` of a page.
    fn references(html: &str) -> Vec<String> {
        let mut found = Vec::new();
        for marker in ["href=\"", "src=\""] {
            for (at, _) in html.match_indices(marker) {
                let rest = &html[at + marker.len()..];
                if let Some(end) = rest.find('"') {
                    found.push(rest[..end].to_string());
                }
            }
        }
        found
    }

    /// A path relative to a page's folder, resolved (`../style.css` from `ru/` is `style.css`).
    fn resolve(page: &str, target: &str) -> String {
        let mut parts: Vec<&str> = page.split('/').collect();
        parts.pop();
        for part in target.split('/') {
            match part {
                ".." => {
                    parts.pop();
                }
                "." | "" => {}
                other => parts.push(other),
            }
        }
        parts.join("/")
    }

    #[test]
    fn every_link_of_the_site_leads_to_one_of_its_pages_and_every_anchor_to_a_place_there() {
        let files: HashMap<String, String> = build(false).into_iter().map(|f| (f.path, f.content)).collect();
        let mut checked = 0;
        for (path, content) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
            for reference in references(content) {
                assert!(!reference.starts_with("http"), "{path}: the site links nowhere outside ({reference})");
                let (file, anchor) =
                    reference.split_once('#').map_or((reference.as_str(), None), |(f, a)| (f, Some(a)));
                let target = if file.is_empty() { path.clone() } else { resolve(path, file) };
                let Some(text) = files.get(&target) else { panic!("{path}: {reference} leads to no file ({target})") };
                if let Some(anchor) = anchor {
                    assert!(
                        text.contains(&format!("id=\"{anchor}\"")),
                        "{path}: {reference}: no place '{anchor}' there"
                    );
                }
                checked += 1;
            }
        }
        assert!(checked > 500, "the pages link to each other ({checked} links)");
        for lang in LANGS {
            for (topic, _) in topics().iter().filter(|(t, _)| t.lang == lang) {
                assert!(files.contains_key(&format!("{lang}/{}.html", topic.id)), "{lang}/{}: a page", topic.id);
            }
        }
    }

    #[test]
    fn the_manual_holds_its_six_sections_and_every_topic_once_in_its_own() {
        let files: HashMap<String, String> = build(true).into_iter().map(|f| (f.path, f.content)).collect();
        for lang in LANGS {
            let manual = &files[&format!("{lang}/manual.html")];
            let words = manual::text(lang);
            let mut last = 0;
            for (i, heading) in words.sections.iter().enumerate() {
                let at = manual
                    .find(&format!("<h2>{} {}</h2>", i + 1, escape(heading)))
                    .unwrap_or_else(|| panic!("{lang}: section {} «{heading}» is not in the manual", i + 1));
                assert!(at > last, "{lang}: the sections in their order");
                last = at;
            }
            let ids: HashSet<&str> =
                topics().iter().filter(|(t, _)| t.lang == lang).map(|(t, _)| t.id.as_str()).collect();
            for id in &ids {
                assert_eq!(manual.matches(&format!("id=\"topic-{id}\"")).count(), 1, "{lang}: topic {id} once");
            }
            assert!(manual.contains(&format!("<html lang=\"{lang}\">")) && manual.contains(env!("CARGO_PKG_VERSION")));
        }
        assert!(files["kk/manual.html"].contains("Авариялық жағдайлар") && files["kk/manual.html"].contains("ұ"));
        // With the screenshots: each topic's, in its language, named for a screen reader, and no other image.
        let mut shown: Vec<(String, String)> = Vec::new();
        for (path, content) in files.iter().filter(|(p, _)| p.ends_with("manual.html")) {
            for (at, _) in content.match_indices("<img src=\"../shots/") {
                let rest = &content[at + "<img src=\"../shots/".len()..];
                let (lang, id) = rest[..rest.find(".png").unwrap()].split_once('/').unwrap();
                assert!(path.starts_with(lang), "{path} shows a screenshot in {lang}");
                assert!(rest.contains("alt=\"") && !rest.starts_with("\" alt=\"\""));
                shown.push((lang.to_string(), id.to_string()));
            }
        }
        let mut wanted = shots_shown();
        wanted.sort();
        shown.sort();
        assert_eq!(shown, wanted);
        assert!(!build(false).iter().any(|f| f.content.contains("<img")), "without screenshots, no image");
    }

    /// The site's search, run by Node as a browser runs it, finds the same topics first as the
    /// app's own search for the real queries.
    #[test]
    fn the_sites_search_finds_the_topic_for_real_queries_in_russian_kazakh_and_english() {
        let dir = tempfile::tempdir().unwrap();
        let files = build(false);
        for lang in LANGS {
            let index = files.iter().find(|f| f.path == format!("{lang}/search-index.js")).unwrap();
            std::fs::write(dir.path().join(format!("{lang}.js")), &index.content).unwrap();
        }
        std::fs::write(dir.path().join("search.js"), SEARCH).unwrap();
        let queries: Vec<serde_json::Value> =
            crate::guide::coverage::REAL_QUERIES.iter().map(|(q, l, _)| serde_json::json!([q, l])).collect();
        std::fs::write(dir.path().join("queries.json"), serde_json::Value::Array(queries).to_string()).unwrap();
        let script = "const { rank } = require('./search.js');\n\
            const queries = require('./queries.json');\n\
            const out = queries.map(([q, lang]) => { global.window = {}; require(`./${lang}.js`);\n\
              delete require.cache[require.resolve(`./${lang}.js`)];\n\
              const hits = rank(window.EKN_GUIDE_INDEX, q); return hits.length ? hits[0].id : null; });\n\
            console.log(JSON.stringify(out));";
        let run = std::process::Command::new("node")
            .arg("-e")
            .arg(script)
            .current_dir(dir.path())
            .output()
            .expect("node runs the site's search (scripts/setup installs it)");
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        let found: Vec<Option<String>> = serde_json::from_slice(&run.stdout).unwrap();
        for ((query, lang, want), got) in crate::guide::coverage::REAL_QUERIES.iter().zip(found) {
            assert_eq!(got.as_deref(), Some(*want), "{lang} «{query}»");
        }
    }
}
