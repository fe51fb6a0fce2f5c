//! `ekn themes`: themes of supervision (docs/THEMES.md) — save a theme's definition (a new version
//! each time, journaled), list them, open a theme's card, scan every theme and every category ×
//! district cell for months above what their past predicts, and rank themes for the plan.

use std::fmt::Write as _;

use chrono::NaiveDate;
use clap::Subcommand;
use ekn::api::{
    self, ApiError, MemberChoice, MemberRequest, ProposalCount, ProposalEvaluation, SaveThemeRequest, ThemeCandidates,
    ThemeCard, ThemeDefinition, ThemeList, ThemeNews, ThemeNote, ThemeProposalReport, ThemeSummary, ThemesStudy,
};
use ekn::i18n::{local_date, tr, tr_count, tr_with};

use super::print;

#[derive(Subcommand)]
pub enum ThemesAction {
    /// Save a theme (a new version if the name exists): the filters it is made of.
    Add {
        name: String,
        /// Appeal categories as the taxonomy's codes (a group takes in its categories):
        /// social.labour,economy.business
        #[arg(long, value_delimiter = ',')]
        categories: Vec<String>,
        /// KATO prefixes of any length: 19 (a region), 1920 (a district), 192030…
        #[arg(long, value_delimiter = ',')]
        kato: Vec<String>,
        /// OKED section letters (F) or code prefixes (41, 41.20).
        #[arg(long, value_delimiter = ',')]
        oked: Vec<String>,
        /// Control bodies by name (a comma inside a name: give --bodies once per name).
        #[arg(long)]
        bodies: Vec<String>,
        /// Only unplanned inspections.
        #[arg(long)]
        unplanned: bool,
        /// Only inspections of small or medium business (micro included), as the registry recorded
        /// the business's size (the inspections import's `subject_size` column).
        #[arg(long)]
        small_business: bool,
        /// The period the theme is about (members are listed within it).
        #[arg(long)]
        from: Option<NaiveDate>,
        #[arg(long)]
        to: Option<NaiveDate>,
        /// Words that describe the theme.
        #[arg(long)]
        seed: Option<String>,
        /// Ids of norms from the catalog the theme rests on.
        #[arg(long, value_delimiter = ',')]
        norms: Vec<String>,
        /// Why (journaled; default: "theme defined").
        #[arg(long)]
        reason: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The items a theme matches (appeals or inspections), newest first, with people's decisions
    /// and what is new since the theme was last looked after.
    Members {
        name: String,
        #[arg(long)]
        limit: Option<u32>,
        /// Only the items of one district (four KATO digits, e.g. 1940)
        #[arg(long)]
        district: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Accept an appeal or inspection into a theme (it stays a member whatever the filters say), or
    /// an object (its items count whatever the registry says of its district and sector).
    Accept {
        name: String,
        /// appeal, inspection or object
        #[arg(value_parser = super::typed::<api::ItemKind>)]
        kind: api::ItemKind,
        /// The appeal's or the inspection's number, or the object's BIN.
        key: String,
        #[arg(long)]
        reason: String,
    },
    /// Reject an appeal or inspection from a theme (it leaves the theme's counts), or an object
    /// (all its items leave them).
    Reject {
        name: String,
        #[arg(value_parser = super::typed::<api::ItemKind>)]
        kind: api::ItemKind,
        key: String,
        #[arg(long)]
        reason: String,
    },
    /// Write a note on a theme's card (journaled with its author; free text is kept as personal data).
    Note {
        name: String,
        /// The note's text.
        #[arg(long)]
        text: String,
    },
    /// The themes with matching items imported since they were last looked after.
    News {
        #[arg(long)]
        json: bool,
    },
    /// Retire a theme (it leaves the list and the scan; its versions stay).
    Retire {
        name: String,
        #[arg(long)]
        reason: String,
    },
    /// The themes in force.
    List {
        /// Retired themes too.
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    /// A theme's card.
    Show {
        name: String,
        #[arg(long)]
        as_of: Option<NaiveDate>,
        #[arg(long)]
        json: bool,
    },
    /// Each of the last months before the date judged for every theme and every category ×
    /// district cell against the same months of earlier years.
    Scan {
        #[arg(long)]
        as_of: Option<NaiveDate>,
        /// How many full months before the date (1–24).
        #[arg(long, default_value_t = 3)]
        months: u32,
        #[arg(long)]
        json: bool,
    },
    /// Measure the scan: worlds of cells with a planted outbreak (×1.5 to ×4 over one to three
    /// months, at volumes of 1 to 30 a month) and their null twins; prints the power and the false
    /// alarms per 100 cell-months (needs no database).
    Study {
        /// Worlds per volume, factor and duration.
        #[arg(long, default_value_t = 100)]
        worlds: u64,
        /// Also write a few worlds' series and this method's judgements here, for R's
        /// surveillance::farringtonFlexible to judge the same (scripts/themes/oracle.R).
        #[arg(long)]
        export: Option<std::path::PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Proposals for new themes: groups of recent appeals that no theme covers, each named by its
    /// words, with a definition to start from. With --labelled FILE, measures the method on a
    /// labelled file instead (the adjusted Rand index against its categories; needs no database).
    Propose {
        #[arg(long)]
        as_of: Option<NaiveDate>,
        /// How many days before the date are looked at (7–1095).
        #[arg(long, default_value_t = 90)]
        days: u32,
        #[arg(long)]
        labelled: Option<std::path::PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Themes ranked for the plan by the lower bound of their score, each score in its parts.
    Score {
        #[arg(long)]
        as_of: Option<NaiveDate>,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(session: &mut api::Session, action: ThemesAction) -> Result<(), ApiError> {
    match action {
        ThemesAction::Add {
            name,
            categories,
            kato,
            oked,
            bodies,
            unplanned,
            small_business,
            from,
            to,
            seed,
            norms,
            reason,
            json,
        } => {
            let definition = ThemeDefinition {
                categories,
                kato,
                oked,
                bodies,
                unplanned_only: unplanned,
                small_business,
                from,
                to,
                seed,
                norms,
            };
            let reason = reason.unwrap_or_else(|| "theme defined".into());
            let saved = session.analytics().save_theme(&SaveThemeRequest { name, definition, reason })?;
            print(json, &saved, render_saved)
        }
        ThemesAction::Members { name, limit, district, json } => {
            print(json, &session.analytics().theme_candidates(&name, limit, district.as_deref())?, render_members)
        }
        ThemesAction::Accept { name, kind, key, reason } => {
            let request = MemberRequest { theme: name, kind, key, choice: MemberChoice::Accept, reason };
            print(false, &session.analytics().decide_theme_member(&request)?, render_members)
        }
        ThemesAction::Reject { name, kind, key, reason } => {
            let request = MemberRequest { theme: name, kind, key, choice: MemberChoice::Reject, reason };
            print(false, &session.analytics().decide_theme_member(&request)?, render_members)
        }
        ThemesAction::Note { name, text } => print(false, &session.analytics().note_theme(&name, &text)?, render_notes),
        ThemesAction::News { json } => print(json, &session.analytics().theme_news()?, render_news),
        ThemesAction::Retire { name, reason } => {
            print(false, &session.analytics().retire_theme(&name, &reason)?, render_saved)
        }
        ThemesAction::List { all, json } => print(json, &session.analytics().themes(all)?, render_list),
        ThemesAction::Show { name, as_of, json } => {
            print(json, &session.analytics().theme_card(&name, as_of)?, render_card)
        }
        ThemesAction::Scan { as_of, months, json } => print(
            json,
            &session.analytics().theme_scan(as_of, Some(months))?,
            ekn::api::analytics::theme_lines::scan_text,
        ),
        ThemesAction::Score { as_of, json } => {
            print(json, &session.analytics().theme_scores(as_of)?, ekn::api::analytics::theme_lines::scores_text)
        }
        ThemesAction::Study { worlds, export, json } => run_study(worlds, export, json),
        ThemesAction::Propose { labelled: Some(file), json, .. } => run_evaluate_proposals(&file, json),
        ThemesAction::Propose { as_of, days, json, labelled: None } => {
            print(json, &session.analytics().theme_proposals(as_of, Some(days))?, render_proposals)
        }
    }
}

/// `ekn themes propose --labelled FILE`: needs no database.
pub fn run_evaluate_proposals(file: &std::path::Path, json: bool) -> Result<(), ApiError> {
    print(json, &api::evaluate_proposals(file)?, |e: &ProposalEvaluation| {
        format!(
            "{} ({} texts, {} categories), {}\n{} clusters, {:.1} % of the texts clustered; adjusted Rand index {:.4} \
             (noise as one cluster), {:.4} over the clustered texts; {:.1} s\n",
            e.file,
            e.texts,
            e.categories,
            e.method,
            e.clusters,
            100.0 * e.clustered_share,
            e.ari,
            e.ari_clustered,
            e.seconds
        )
    })
}

fn render_proposals(r: &ThemeProposalReport) -> String {
    let mut out = String::new();
    let head: [(&str, &dyn std::fmt::Display); 7] = [
        ("from", &local_date(r.from)),
        ("to", &local_date(r.as_of)),
        ("text", &r.with_text),
        ("covered", &r.covered),
        ("clustered", &r.clustered),
        ("method", &r.method),
        ("noise", &r.noise),
    ];
    let _ = writeln!(out, "{}", tr_with("cli.themes.proposals.head", &head));
    if r.proposals.is_empty() {
        let _ = writeln!(out, "{}", tr_with("cli.themes.proposals.none", &[("n", &r.params.min_cluster_size)]));
    }
    for p in &r.proposals {
        let terms: Vec<String> = p.terms.iter().map(|t| format!("{} ({:.0} %)", t.term, 100.0 * t.share)).collect();
        let vars: [(&str, &dyn std::fmt::Display); 5] = [
            ("id", &p.id),
            ("n", &p.size),
            ("from", &local_date(p.first)),
            ("to", &local_date(p.last)),
            ("terms", &terms.join(", ")),
        ];
        let _ = writeln!(out, "\n{}", tr_with("cli.themes.proposals.group", &vars));
        let counts = |list: &[ProposalCount]| -> String {
            list.iter().take(4).map(|c| format!("{} {}", c.value, c.count)).collect::<Vec<_>>().join(", ")
        };
        let _ = writeln!(out, "  {}", tr_with("cli.themes.proposals.categories", &[("list", &counts(&p.categories))]));
        let _ = writeln!(out, "  {}", tr_with("cli.themes.proposals.districts", &[("list", &counts(&p.districts))]));
        for e in &p.examples {
            let _ = writeln!(out, "  {} {}: {}", e.appeal_no, local_date(e.received), e.snippet.replace('\n', " "));
        }
        match &p.suggested {
            Some(d) => {
                let command = format!(
                    "ekn themes add \"{}\" --categories {}{}{} --reason \"…\"",
                    p.suggested_name,
                    d.categories.join(","),
                    if d.kato.is_empty() { String::new() } else { format!(" --kato {}", d.kato.join(",")) },
                    d.seed.as_ref().map(|s| format!(" --seed \"{s}\"")).unwrap_or_default()
                );
                let _ = writeln!(out, "  {}", tr_with("cli.themes.proposals.make", &[("command", &command)]));
            }
            None => {
                let _ = writeln!(out, "  {}", tr("cli.themes.proposals.unclassified"));
            }
        }
    }
    let _ = writeln!(out, "\n{}", ekn::i18n::local(&r.note));
    out
}

/// `ekn themes study`: needs no database.
pub fn run_study(worlds: u64, export: Option<std::path::PathBuf>, json: bool) -> Result<(), ApiError> {
    if !(1..=10_000).contains(&worlds) {
        return Err(ApiError::invalid("a study has 1 to 10,000 worlds"));
    }
    if let Some(dir) = export {
        api::export_themes_study(&dir, worlds.min(5))?;
    }
    let bar = indicatif::ProgressBar::new(0);
    let study = api::themes_study(worlds, &mut |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    });
    bar.finish_and_clear();
    print(json, &study, render_study)
}

fn render_study(s: &ThemesStudy) -> String {
    let mut out = String::new();
    let head: [(&str, &dyn std::fmt::Display); 4] =
        [("worlds", &s.spec.worlds), ("cells", &s.spec.cells), ("months", &s.spec.months), ("method", &s.method)];
    let _ = writeln!(out, "{}", tr_with("cli.themes.study.head", &head));
    let _ = writeln!(out, "\n{}", tr("cli.themes.study.null"));
    for n in &s.null {
        let vars: [(&str, &dyn std::fmt::Display); 5] = [
            ("volume", &format!("{:>4}", n.volume)),
            ("per_100", &format!("{:.2}", n.per_100)),
            ("alarms", &n.alarms),
            ("cell_months", &n.cell_months),
            ("above", &format!("{:.2}", n.above_bound_per_100)),
        ];
        let _ = writeln!(out, "  {}", tr_with("cli.themes.study.null_line", &vars));
    }
    let _ = writeln!(out, "\n{}", tr("cli.themes.study.power"));
    for p in &s.power {
        let vars: [(&str, &dyn std::fmt::Display); 4] = [
            ("volume", &format!("{:>4}", p.volume)),
            ("factor", &format!("{:.1}", p.factor)),
            ("duration", &p.duration),
            ("power", &format!("{:.2}", p.power)),
        ];
        let _ = writeln!(out, "  {}", tr_with("cli.themes.study.power_line", &vars));
    }
    let _ = writeln!(out, "\n{}", tr("cli.themes.study.smallest"));
    for m in &s.smallest {
        let f = m.factor.map(|f| format!("×{f}")).unwrap_or_else(|| tr("cli.themes.study.none"));
        let vars: [(&str, &dyn std::fmt::Display); 3] =
            [("volume", &format!("{:>4}", m.volume)), ("duration", &m.duration), ("factor", &f)];
        let _ = writeln!(out, "  {}", tr_with("cli.themes.study.smallest_line", &vars));
    }
    out
}

fn definition_line(d: &ThemeDefinition) -> String {
    let mut parts = Vec::new();
    for (name, list) in [("categories", &d.categories), ("kato", &d.kato), ("oked", &d.oked), ("bodies", &d.bodies)] {
        if !list.is_empty() {
            parts.push(tr_with(&format!("cli.themes.def.{name}"), &[("list", &list.join(", "))]));
        }
    }
    if d.unplanned_only {
        parts.push(tr("cli.themes.def.unplanned"));
    }
    if d.small_business {
        parts.push(tr("cli.themes.def.small"));
    }
    if d.from.is_some() || d.to.is_some() {
        let day = |d: Option<NaiveDate>| d.map(local_date).unwrap_or_else(|| "…".into());
        parts.push(tr_with("cli.themes.def.period", &[("from", &day(d.from)), ("to", &day(d.to))]));
    }
    parts.join("; ")
}

fn render_members(c: &ThemeCandidates) -> String {
    let mut out = String::new();
    let head: [(&str, &dyn std::fmt::Display); 5] = [
        ("theme", &c.theme),
        ("version", &c.version),
        ("total", &c.total),
        ("new", &c.new_undecided),
        ("shown", &c.items.len()),
    ];
    let _ = writeln!(out, "{}", tr_with("cli.themes.candidates.head", &head));
    for i in &c.items {
        let decision = match &i.decision {
            Some(d) => {
                let reason = d.reason.clone().unwrap_or_else(|| tr("cli.themes.candidates.reason_cleared"));
                let vars: [(&str, &dyn std::fmt::Display); 3] = [
                    ("decision", &super::words::coded("cli.themes.candidates.decision", &d.decision)),
                    ("author", &d.author),
                    ("reason", &reason),
                ];
                tr_with("cli.themes.candidates.decided", &vars)
            }
            None => String::new(),
        };
        let new = if i.new { tr("cli.themes.candidates.new") } else { String::new() };
        let filters = if i.matched { String::new() } else { tr("cli.themes.candidates.outside") };
        let place = [i.category.as_deref(), i.district.as_deref(), i.control_body.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ");
        let items = i.items.map_or(String::new(), |n| tr_with("cli.themes.candidates.items", &[("n", &n)]));
        let score = tr_with("cli.themes.candidates.score", &[("score", &format!("{:.2}", i.score))]);
        let _ = writeln!(out, "  {:?} {} {} {place} {score}{items}{filters}{new}{decision}", i.kind, i.key, i.date);
    }
    // The rule in words by its version (`theme-candidate-v2: …`), as the theme's screen shows it;
    // English keeps the rule as the method states it.
    let version = c.score_rule.split(':').next().unwrap_or_default();
    let key = format!("themes.score_rule.{version}");
    let rule = match ekn::i18n::lang() {
        ekn::i18n::Lang::En => c.score_rule.clone(),
        _ if tr(&key) != key => format!("{version}: {}", tr(&key)),
        _ => c.score_rule.clone(),
    };
    let _ = writeln!(out, "\n{}", tr_with("cli.themes.candidates.rule", &[("rule", &rule)]));
    out
}

#[allow(clippy::ptr_arg)] // cli::print hands renderers a reference to the value it serialises
fn render_news(news: &Vec<ThemeNews>) -> String {
    if news.is_empty() {
        return format!("{}\n", tr("cli.themes.no_news"));
    }
    news.iter()
        .map(|n| {
            let vars: [(&str, &dyn std::fmt::Display); 2] = [("name", &n.name), ("version", &n.version)];
            format!("{}\n", tr_count("cli.themes.news", n.new, &vars))
        })
        .collect()
}

fn render_saved(t: &ThemeSummary) -> String {
    let state = tr(if t.retired { "cli.themes.saved_state.retired" } else { "cli.themes.saved_state.saved" });
    let (series, definition) = (format!("{:?}", t.series), definition_line(&t.definition));
    let vars: [(&str, &dyn std::fmt::Display); 5] = [
        ("name", &t.name),
        ("state", &state),
        ("version", &t.version),
        ("series", &series),
        ("definition", &definition),
    ];
    format!("{}\n", tr_with("cli.themes.saved_as", &vars))
}

fn render_list(list: &ThemeList) -> String {
    let mut out = String::new();
    if list.themes.is_empty() {
        let _ = writeln!(out, "{}", tr("cli.themes.none"));
    }
    for t in &list.themes {
        let retired = if t.retired { tr("cli.themes.retired") } else { String::new() };
        let definition = definition_line(&t.definition);
        let line: [(&str, &dyn std::fmt::Display); 4] =
            [("name", &t.name), ("version", &t.version), ("retired", &retired), ("definition", &definition)];
        let _ = writeln!(out, "{}", tr_with("cli.themes.line", &line));
        let saved: [(&str, &dyn std::fmt::Display); 3] =
            [("who", &t.saved_by), ("at", &t.saved_at), ("reason", &t.reason)];
        let _ = writeln!(out, "    {}", tr_with("cli.themes.saved", &saved));
    }
    let _ = writeln!(out, "\n{}", ekn::i18n::local(&list.note));
    out
}

/// Why a score's part has its value, from its figures, in the reader's language (the screen's
/// words, `themes.why.*`); English prints the core's own sentence, as it always has.
fn render_card(c: &ThemeCard) -> String {
    type Vars<'a> = [(&'a str, &'a dyn std::fmt::Display)];
    let mut out = String::new();
    let definition = definition_line(&c.theme.definition);
    let head: &Vars = &[("name", &c.theme.name), ("version", &c.theme.version), ("definition", &definition)];
    let _ = writeln!(out, "{}", tr_with("cli.themes.card.head", head));
    for n in &c.norms {
        let name =
            n.name.as_ref().map_or_else(|| tr("cli.themes.card.norm_unknown"), |l| ekn::i18n::local(l).to_string());
        let unconfirmed = if n.verified { String::new() } else { tr("cli.themes.card.unconfirmed") };
        let norm: &Vars = &[("id", &n.id), ("name", &name), ("unconfirmed", &unconfirmed)];
        let _ = writeln!(out, "  {}", tr_with("cli.themes.card.norm", norm));
    }
    let counts: &Vars = &[
        ("date", &local_date(c.as_of)),
        ("appeals", &c.appeals),
        ("inspections", &c.inspections),
        ("objects", &c.objects),
    ];
    let _ = writeln!(out, "{}", tr_with("cli.themes.card.counts", counts));
    let _ = writeln!(out, "\n{}", tr_with("cli.themes.card.dynamics", &[("method", &c.method)]));
    for m in c.dynamics.iter().rev().take(12).rev() {
        let band = match (m.expected, m.upper) {
            (Some(e), Some(u)) => {
                tr_with("cli.themes.card.band", &[("expected", &format!("{e:.1}")), ("upper", &format!("{u:.0}"))])
            }
            _ => tr("cli.themes.no_history"),
        };
        let flag = if m.exceeds { tr("cli.themes.card.above") } else { String::new() };
        let _ = writeln!(out, "  {}  {:>5}  ({band}){flag}", m.month, m.observed);
    }
    if !c.districts.is_empty() {
        let top: Vec<String> = c.districts.iter().take(8).map(|d| format!("{} {}", d.key, d.count)).collect();
        let _ = writeln!(out, "\n{}", tr_with("cli.themes.card.districts", &[("list", &top.join(", "))]));
    }
    if !c.bodies.is_empty() {
        let top: Vec<String> = c.bodies.iter().take(8).map(|d| format!("{} {}", d.key, d.count)).collect();
        let _ = writeln!(out, "{}", tr_with("cli.themes.card.bodies", &[("list", &top.join(", "))]));
    }
    for a in &c.anomalies {
        let (ratio, q) = (format!("{:.2}", a.ratio), format!("{:.3}", a.q_value));
        let anomaly: &Vars = &[("id", &a.id), ("key", &a.key), ("ratio", &ratio), ("q", &q)];
        let _ = writeln!(out, "{}", tr_with("cli.themes.card.anomaly", anomaly));
    }
    let t = &c.tasks;
    let next = t.next_due.map(|d| tr_with("cli.themes.card.next_due", &[("date", &local_date(d))])).unwrap_or_default();
    let tasks: &Vars = &[("open", &t.open), ("overdue", &t.overdue), ("next", &next), ("done", &t.done)];
    let _ = writeln!(out, "{}", tr_with("cli.themes.card.tasks", tasks));
    for a in &c.acts {
        let kind = super::words::coded("cli.effect.kind", &a.kind);
        let acts: &Vars =
            &[("kind", &kind), ("issued", &a.issued), ("answered", &a.answered), ("satisfied", &a.satisfied)];
        let _ = writeln!(out, "{}", tr_with("cli.themes.card.acts", acts));
    }
    let d = &c.documents;
    let documents: &Vars = &[
        ("attached", &d.attached),
        ("objects", &d.objects),
        ("read", &d.read),
        ("facts", &d.facts),
        ("confirmed", &d.confirmed),
        ("rejected", &d.rejected),
    ];
    let _ = writeln!(out, "{}", tr_with("cli.themes.card.documents", documents));
    if !c.timeline.is_empty() {
        let _ = writeln!(out, "{}", tr_with("cli.themes.card.timeline", &[("n", &c.timeline.len())]));
        for e in c.timeline.iter().take(12) {
            let who = e.who.as_ref().map(|w| format!(" — {w}")).unwrap_or_default();
            let _ = writeln!(out, "  {}  {:?} {}{who}", e.at, e.kind, e.detail);
        }
    }
    if !c.notes.is_empty() {
        out.push_str(&render_notes(&c.notes));
    }
    out.push_str(&ekn::api::analytics::theme_lines::score_parts_text(&c.score));
    let _ = writeln!(out, "\n{}", ekn::i18n::local(&c.note));
    out
}

/// A theme's notes, newest first; a destroyed one names its act.
fn render_notes(notes: &Vec<ThemeNote>) -> String {
    let mut out = format!("{}\n", tr_with("cli.themes.notes.head", &[("n", &notes.len())]));
    for n in notes {
        let text = match (&n.note, &n.destroyed_by) {
            (Some(text), _) => text.clone(),
            (None, Some(act)) => tr_with("cli.themes.notes.destroyed", &[("act", act)]),
            (None, None) => tr("cli.themes.notes.unreadable"),
        };
        let _ = writeln!(out, "  {}  {} — {text}", n.at, n.author);
    }
    out
}
