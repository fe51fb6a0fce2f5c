//! `ekn guide`: the user guide on the command line — search it (Russian, Kazakh and English words,
//! any ending), list its topics, and print one — from the same built-in topics as the app's help.

use std::fmt::Write as _;

use clap::Subcommand;
use ekn::api::guide::{self, GuideHit, GuidePage, GuideTopic};
use ekn::api::{ApiError, ErrorCode};

use super::print;

#[derive(Subcommand)]
pub enum GuideAction {
    /// Topics matching the words, best first, each with its language, title and path; with
    /// --lang only topics in that language, else all three.
    Search {
        query: String,
        /// At most this many topics.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// The topics of one language (--lang, else the locale's, else Russian), or only those about
    /// one screen.
    List {
        /// A screen of the app: desk, appeals, appeal, analytics, themes, theme, effect, search,
        /// card, dashboard, import, settings.
        #[arg(long)]
        screen: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The guide as a static site for the office's intranet, in every language, with each
    /// language's whole manual laid out by РД 50-34.698 (`manual.html`, to print); needs no server.
    Site {
        /// The directory to write into (made if missing; the site's own files are replaced).
        #[arg(long)]
        out: std::path::PathBuf,
        /// The browser e2e's screenshots (`ui/e2e-artifacts/browser/shots`, `<lang>/<id>.png`): the
        /// pages show each topic's, copied into the site; one missing is an error naming it.
        #[arg(long)]
        shots: Option<std::path::PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// One topic's text (Markdown), by its id (`extend-deadline`), in the language of --lang (else
    /// the locale's, else Russian).
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
}

/// What `ekn guide site` wrote.
#[derive(serde::Serialize)]
struct SiteReport {
    out: String,
    files: usize,
    /// Each language's whole manual, to print (`scripts/guide-pdf`).
    manuals: Vec<String>,
}

/// A language of the guide and of the passports (`ru`, `kk`, `en`).
pub(crate) fn lang(text: &str) -> Result<String, String> {
    let text = text.trim().to_lowercase();
    if guide::LANGS.contains(&text.as_str()) {
        Ok(text)
    } else {
        Err(format!("'{text}' is not a language of the guide (ru, kk, en)"))
    }
}

/// The guide's language for listing and showing: `--lang`, else the environment's (the guide is
/// written for Russian and Kazakh readers first, so Russian when neither names one).
fn reading_lang(flag: Option<&str>) -> String {
    flag.map(str::to_string)
        .or_else(|| ekn::i18n::Lang::from_env().map(|l| l.code().to_string()))
        .unwrap_or_else(|| "ru".into())
}

/// Runs a guide command; `lang` is the global `--lang` as typed (already checked by `lang`).
pub fn run(action: GuideAction, lang: Option<&str>) -> Result<(), ApiError> {
    match action {
        GuideAction::Search { query, limit, json } => {
            if !(1..=100).contains(&limit) {
                return Err(ApiError::invalid("--limit is 1 to 100"));
            }
            let hits = guide::search(&query, lang, limit).map_err(|e| ApiError::new(ErrorCode::Internal, e))?;
            print(json, &hits, render_hits)
        }
        GuideAction::List { screen, json } => {
            let lang = reading_lang(lang);
            if let Some(s) = &screen {
                if !guide::SCREENS.contains(&s.as_str()) {
                    return Err(ApiError::invalid(format!(
                        "'{s}' is not a screen of the app ({})",
                        guide::SCREENS.join(", ")
                    )));
                }
            }
            print(json, &guide::list(&lang, screen.as_deref()), render_list)
        }
        GuideAction::Site { out, shots, json } => {
            if out.is_file() {
                return Err(ApiError::invalid(format!("{} is a file: the site needs a directory", out.display())));
            }
            let files = guide::site::build(shots.is_some());
            if let Some(from) = &shots {
                for (lang, id) in guide::site::shots_shown() {
                    let source = from.join(&lang).join(format!("{id}.png"));
                    let target = out.join("shots").join(&lang).join(format!("{id}.png"));
                    if let Some(dir) = target.parent() {
                        std::fs::create_dir_all(dir).map_err(|e| ApiError::of_file(&dir.display().to_string(), &e))?;
                    }
                    ekn::api::disk::copy(&source, &target).map_err(|e| {
                        ApiError::of_file(
                            &format!("the screenshot {} (run the browser e2e first)", source.display()),
                            &e,
                        )
                    })?;
                }
            }
            for file in &files {
                let path = out.join(&file.path);
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir).map_err(|e| ApiError::of_file(&dir.display().to_string(), &e))?;
                }
                ekn::api::disk::write(&path, &file.content)
                    .map_err(|e| ApiError::of_file(&path.display().to_string(), &e))?;
            }
            let manuals = guide::LANGS.iter().map(|l| out.join(l).join("manual.html").display().to_string()).collect();
            let report = SiteReport { out: out.display().to_string(), files: files.len(), manuals };
            print(json, &report, |r: &SiteReport| {
                format!(
                    "{} files of the guide's site in {}; the manuals to print:\n  {}\n",
                    r.files,
                    r.out,
                    r.manuals.join("\n  ")
                )
            })
        }
        GuideAction::Show { id, json } => {
            let lang = reading_lang(lang);
            let page = guide::page(&lang, id.trim()).ok_or_else(|| {
                let known: Vec<String> = guide::list(&lang, None).into_iter().map(|t| t.id).collect();
                ApiError::new(ErrorCode::NotFound, format!("no topic '{id}' in {lang} (topics: {})", known.join(", ")))
            })?;
            print(json, &page, |p: &GuidePage| p.markdown.clone())
        }
    }
}

#[allow(clippy::ptr_arg)] // cli::print hands renderers a reference to the value it serialises
fn render_hits(hits: &Vec<GuideHit>) -> String {
    if hits.is_empty() {
        return format!("{}\n", ekn::i18n::tr("cli.guide.no_match"));
    }
    let mut out = String::new();
    for (i, h) in hits.iter().enumerate() {
        let _ = writeln!(out, "{}. [{}] {} — {}\n   {}", i + 1, h.topic.lang, h.topic.title, h.topic.path, h.excerpt);
    }
    out
}

#[allow(clippy::ptr_arg)] // cli::print hands renderers a reference to the value it serialises
fn render_list(topics: &Vec<GuideTopic>) -> String {
    let mut out = String::new();
    for t in topics {
        let _ = writeln!(out, "{:<22} {}  ({})", t.id, t.title, t.path);
    }
    out
}
