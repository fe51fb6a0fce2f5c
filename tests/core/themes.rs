//! Themes of supervision end to end on a registry built here (not the demo, not the method's own
//! generator): a planted month of wage appeals in one district is an alarm for the theme that
//! covers it and for its category × district cell, and for nothing else; a theme's definition is
//! checked field by field before anything is written; every save is a new version, journaled with
//! its author; the ranking and the card agree.

use std::process::Command;

use ekn::analytics::themes::ThemeDefinition;
use ekn::api::{JournalQuery, SaveThemeRequest};
use ekn::domain::records::DataKind;

use crate::support::{bin, csv_line, TempDb};

fn ekn(db: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_ekn")).arg("--db").arg(db).args(args).output().unwrap()
}

/// Four years and nine months of appeals in two cells — wage arrears in district 1920 and housing
/// in district 7511 — four to six a month each, and twenty wage appeals in September 2025.
fn registry_csv() -> String {
    let mut out = String::from("appeal_no,received,kato,text,category\n");
    let mut n = 0u32;
    let mut wobble = 17u64;
    for year in 2021..=2025 {
        for month in 1..=12u32 {
            if year == 2025 && month > 9 {
                break;
            }
            for (cell, (kato, category, words)) in [
                ("192010000", "трудовые права", "задержка заработной платы на стройке"),
                ("751110000", "жилищно-коммунальное хозяйство", "нет горячей воды в доме"),
            ]
            .into_iter()
            .enumerate()
            {
                wobble = wobble.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let mut count = 4 + (wobble >> 62) as u32 % 3;
                if year == 2025 && month == 9 && cell == 0 {
                    count = 20;
                }
                for k in 0..count {
                    n += 1;
                    let day = 1 + (k * 3) % 27;
                    out.push_str(&csv_line(
                        &[
                            format!("Т-{n:05}"),
                            format!("{year}-{month:02}-{day:02}"),
                            kato.into(),
                            format!("{words}, обращение {n}"),
                            category.into(),
                        ],
                        ',',
                    ));
                    out.push('\n');
                }
            }
        }
    }
    out
}

#[test]
fn a_planted_month_is_found_for_its_theme_and_cell_and_nowhere_else() {
    let db = TempDb::new();
    let file = db.file("appeals.csv", registry_csv());
    db.import(DataKind::Appeals, &file).unwrap();
    // One inspection years before the first appeal: months before the appeals begin are no data,
    // never zeros in a month's reference (they once pulled the expectation down).
    let early = db.file(
        "inspections.csv",
        format!("registry_no,bin,control_body,kind,start_date\nП-1,{},Инспекция труда,плановая,2015-01-10\n", bin(7)),
    );
    db.import(DataKind::Inspections, &early).unwrap();

    // A definition is checked before anything is written, naming the field.
    let before = db.fingerprint();
    let bad = ekn(&db.path, &["themes", "add", "Зарплаты", "--categories", "трудовые права"]);
    assert!(!bad.status.success());
    let said = String::from_utf8_lossy(&bad.stderr);
    assert!(said.contains("categories") && said.contains("social.labour"), "{said}");
    let bad = ekn(&db.path, &["themes", "add", "Зарплаты", "--categories", "social.labour", "--kato", "19x"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("kato: '19x'"));
    let bad = ekn(&db.path, &["themes", "add", "Зарплаты", "--categories", "social.labour", "--norms", "no-such-norm"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("norms: 'no-such-norm'"));
    assert_eq!(db.fingerprint(), before, "a refused theme writes nothing");

    let ok = ekn(&db.path, &["themes", "add", "Зарплаты", "--categories", "social.labour", "--kato", "19"]);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let again = ekn(&db.path, &["themes", "add", "Зарплаты", "--categories", "social.labour", "--kato", "19"]);
    assert!(String::from_utf8_lossy(&again.stderr).contains("already has this definition"));
    let mut session = db.session();
    let housing = ThemeDefinition { categories: vec!["social.housing".into()], ..Default::default() };
    session
        .analytics()
        .save_theme(&SaveThemeRequest {
            name: "ЖКХ".into(),
            definition: housing.clone(),
            reason: "план квартала".into(),
        })
        .unwrap();
    // A second version: the same theme narrowed to the housing district.
    let narrowed = ThemeDefinition { kato: vec!["7511".into()], ..housing };
    let v2 = session
        .analytics()
        .save_theme(&SaveThemeRequest {
            name: "ЖКХ".into(), definition: narrowed, reason: "только район".into()
        })
        .unwrap();
    assert_eq!(v2.version, 2);
    let journal = session.journal(&JournalQuery { object: None, task: None, appeal: None, limit: Some(50) }).unwrap();
    let saved: Vec<_> = journal.iter().filter(|l| l.kind == "theme_saved").collect();
    assert_eq!(saved.len(), 3, "every save is journaled");
    assert!(saved.iter().all(|l| !l.person.is_empty()));

    // The scan as of mid-October 2025 judges July, August and September.
    let as_of = chrono::NaiveDate::from_ymd_opt(2025, 10, 15).unwrap();
    let scan = session.analytics().theme_scan(Some(as_of), None).unwrap();
    assert_eq!(scan.months, ["2025-07", "2025-08", "2025-09"]);
    let wages = scan.themes.iter().find(|t| t.name == "Зарплаты").unwrap();
    let september = wages.months[2].as_ref().unwrap();
    assert!(september.alarm && september.observed == 20 && september.upper < 20.0, "{september:?}");
    assert!(wages.months[..2].iter().flatten().all(|m| !m.alarm), "{wages:?}");
    let july = wages.months[0].as_ref().unwrap();
    assert!(july.expected > 4.0 && july.expected < 6.5, "five years of four to six a month: {july:?}");
    let housing = scan.themes.iter().find(|t| t.name == "ЖКХ").unwrap();
    assert!(!housing.alarm && housing.version == 2, "{housing:?}");
    assert_eq!(scan.cells.cells, 2);
    assert_eq!(scan.cells.alarms.len(), 1, "{:?}", scan.cells.alarms);
    let cell = &scan.cells.alarms[0];
    assert_eq!(
        (cell.category.as_str(), cell.district.as_str(), cell.judged.month.as_str()),
        ("social.labour", "1920", "2025-09")
    );

    // The ranking puts the rising theme first, and the card's score is the ranking's.
    let ranking = session.analytics().theme_scores(Some(as_of)).unwrap();
    assert_eq!(ranking.themes[0].name, "Зарплаты", "{:#?}", ranking.themes);
    let growth = ranking.themes[0].score.parts.iter().find(|p| p.part == "growth").unwrap();
    assert!(growth.value > 0.3, "{growth:?}");
    let card = session.analytics().theme_card("Зарплаты", Some(as_of)).unwrap();
    assert_eq!(card.score, ranking.themes[0].score);
    assert_eq!(card.dynamics.len(), 36);
    let last = card.dynamics.last().unwrap();
    assert!(last.month == "2025-09" && last.exceeds && last.observed == 20, "{last:?}");
    assert_eq!(card.districts[0].key, "1920");
    // Every member appeal of the year came with its consideration task, open and (by 2025) late.
    assert_eq!(
        (card.tasks.open, card.tasks.by_kind[0].key.as_str()),
        (card.appeals, "consider_appeal"),
        "{:?}",
        card.tasks
    );
    assert!(card.tasks.overdue > 0 && card.tasks.next_due.is_some());
    // Before the first appeal there is no data: no expectation, whatever the inspections go back to.
    let early = session
        .analytics()
        .theme_card("Зарплаты", Some(chrono::NaiveDate::from_ymd_opt(2021, 12, 15).unwrap()))
        .unwrap();
    let december_2020 = early.dynamics.iter().find(|m| m.month == "2020-12").unwrap();
    assert_eq!((december_2020.observed, december_2020.expected, december_2020.upper), (0, None, None));

    // Retired, it leaves the list and the scan; its versions stay.
    session.analytics().retire_theme("ЖКХ", "тема закрыта").unwrap();
    assert_eq!(session.analytics().themes(false).unwrap().themes.len(), 1);
    assert_eq!(session.analytics().themes(true).unwrap().themes.len(), 2);
    let verify = ekn(&db.path, &["journal", "verify"]);
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stdout));
}

/// ЭКН's Farrington judgement equals R's `surveillance::farringtonFlexible` on the same series
/// (the figures R made are committed: tests/core/fixtures/farrington).
#[test]
fn the_judgement_of_a_month_is_what_r_surveillance_makes_of_it() {
    use ekn::analytics::farrington::{judge, FarringtonParams};
    use std::collections::HashMap;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/core/fixtures/farrington");
    let mut series: HashMap<(u32, u32), Vec<u32>> = HashMap::new();
    let text = std::fs::read_to_string(dir.join("series.csv")).unwrap();
    for line in text.lines().skip(1) {
        let v: Vec<u32> = line.split(',').map(|x| x.parse().unwrap()).collect();
        let s = series.entry((v[0], v[1])).or_default();
        assert_eq!(s.len() as u32, v[2], "months in order");
        s.push(v[3]);
    }
    let r = std::fs::read_to_string(dir.join("r_judged.csv")).unwrap();
    let (mut compared, mut alarms) = (0, 0);
    for line in r.lines().skip(1) {
        let v: Vec<&str> = line.split(',').map(|x| x.trim_matches('"')).collect();
        let key = (v[0].parse().unwrap(), v[1].parse().unwrap());
        let month: usize = v[2].parse().unwrap();
        let ours = judge(&series[&key], month, &FarringtonParams::default()).expect("judged");
        let expected: f64 = v[3].parse().unwrap();
        assert!(
            (ours.expected - expected).abs() <= 1e-6 * expected.max(1.0),
            "{key:?} {month}: {ours:?} against R's {line}"
        );
        if v[4] != "NA" {
            assert_eq!(ours.upper, v[4].parse::<f64>().unwrap(), "{key:?} {month}: {ours:?} against R's {line}");
        }
        assert_eq!(u8::from(ours.exceeds), v[5].parse::<u8>().unwrap(), "{key:?} {month}: {ours:?} against R's {line}");
        compared += 1;
        alarms += usize::from(ours.exceeds);
    }
    assert!(compared >= 300 && alarms >= 5, "{compared} months, {alarms} alarms");
}

/// People decide a theme's members: a rejected appeal leaves its counts, an accepted one outside
/// the filters joins them, both journaled with the appeal's number; appeals imported later that
/// match are the theme's news until decided about; an unknown number is refused.
#[test]
fn decisions_about_members_change_the_counts_and_new_data_is_news_until_decided() {
    use ekn::api::{ItemKind, MemberChoice, MemberRequest};
    let db = TempDb::new();
    let file = db.file("appeals.csv", registry_csv());
    db.import(DataKind::Appeals, &file).unwrap();
    let mut session = db.session();
    let wages = ThemeDefinition {
        categories: vec!["social.labour".into()],
        kato: vec!["1920".into()],
        seed: Some("задержка заработной платы".into()),
        ..Default::default()
    };
    session
        .analytics()
        .save_theme(&SaveThemeRequest { name: "Зарплаты".into(), definition: wages, reason: "план".into() })
        .unwrap();
    assert!(session.analytics().theme_news().unwrap().is_empty(), "nothing imported since the theme was saved");

    let as_of = chrono::NaiveDate::from_ymd_opt(2025, 10, 15).unwrap();
    let before = session.analytics().theme_card("Зарплаты", Some(as_of)).unwrap();
    let september = |card: &ekn::api::ThemeCard| card.dynamics.last().unwrap().observed;
    assert_eq!(september(&before), 20);

    let candidates = session.analytics().theme_candidates("Зарплаты", Some(30), None).unwrap();
    assert_eq!(candidates.items.len(), 30);
    assert!(candidates.items.iter().all(|c| c.matched && c.kind == ItemKind::Appeal && c.decision.is_none()));
    assert!(candidates.items[0].date >= candidates.items[29].date, "newest first");
    assert!(
        candidates.items.iter().all(|c| (c.score - 1.0).abs() < 1e-9),
        "every text carries the seed's words: {:?}",
        candidates.items[0]
    );
    let september_one =
        candidates.items.iter().find(|c| c.date.to_string().starts_with("2025-09")).unwrap().key.clone();
    // The theme card's map opens one district's members: only its items, counted alone; a district
    // that is no four KATO digits is refused by name.
    let all = session.analytics().theme_candidates("Зарплаты", Some(1000), None).unwrap();
    let district = all.items[0].district.clone().expect("the registry names the appeal's place");
    let one = session.analytics().theme_candidates("Зарплаты", Some(1000), Some(&district)).unwrap();
    let expected = all.items.iter().filter(|c| c.district.as_deref() == Some(district.as_str())).count();
    assert!(one.total == expected && one.items.len() == expected && expected > 0, "{} of {expected}", one.total);
    assert!(one.items.iter().all(|c| c.district.as_deref() == Some(district.as_str())));
    let refused = session.analytics().theme_candidates("Зарплаты", Some(10), Some("19'; --")).unwrap_err();
    assert!(refused.message.starts_with("district:"), "{}", refused.message);

    let decide = |session: &mut ekn::api::Session, key: &str, choice| {
        session.analytics().decide_theme_member(&MemberRequest {
            theme: "Зарплаты".into(),
            kind: ItemKind::Appeal,
            key: key.into(),
            choice,
            reason: "проверено".into(),
        })
    };
    decide(&mut session, &september_one, MemberChoice::Reject).unwrap();
    assert_eq!(september(&session.analytics().theme_card("Зарплаты", Some(as_of)).unwrap()), 19);
    // A housing appeal of September 2025 taken in by a person.
    let outside = registry_csv()
        .lines()
        .find(|l| l.contains("жилищно-коммунальное"))
        .and_then(|l| l.split(',').next())
        .unwrap()
        .to_string();
    let list = session.analytics().theme_candidates("Зарплаты", Some(1000), None).unwrap();
    assert!(!list.items.iter().any(|c| c.key == outside), "the second appeal is a housing one");
    decide(&mut session, &outside, MemberChoice::Accept).unwrap();
    let list = session.analytics().theme_candidates("Зарплаты", Some(1000), None).unwrap();
    let pinned = list.items.iter().find(|c| c.key == outside).unwrap();
    assert!(!pinned.matched && pinned.decision.as_ref().unwrap().decision == "accepted" && pinned.score == 0.0);
    let err = decide(&mut session, "Т-99999", MemberChoice::Accept).unwrap_err();
    assert!(err.message.contains("no appeal numbered 'Т-99999'"), "{err:?}");
    let err = session
        .analytics()
        .decide_theme_member(&MemberRequest {
            theme: "Зарплаты".into(),
            kind: ItemKind::Appeal,
            key: outside.clone(),
            choice: MemberChoice::Reject,
            reason: " ".into(),
        })
        .unwrap_err();
    assert!(err.message.contains("needs a reason"), "{err:?}");
    let journal = session
        .journal(&JournalQuery { object: None, task: None, appeal: Some(outside.clone()), limit: Some(10) })
        .unwrap();
    assert!(journal.iter().any(|l| l.kind == "theme_member_decided"), "the decision is in the appeal's journal");

    // Three wage appeals in the district imported later are news until decided about.
    let later = db.file(
        "later.csv",
        "appeal_no,received,kato,text,category\n\
         Н-1,2025-10-02,192010000,задержка заработной платы,трудовые права\n\
         Н-2,2025-10-03,192010000,не выплатили зарплату,трудовые права\n\
         Н-3,2025-10-03,751110000,нет воды,жилищно-коммунальное хозяйство\n\
         Н-4,2025-10-04,192010000,задержка заработной платы,трудовые права\n",
    );
    db.import(DataKind::Appeals, &later).unwrap();
    let mut session = db.session();
    let news = session.analytics().theme_news().unwrap();
    assert_eq!((news.len(), news[0].new), (1, 3), "{news:?}");
    let fresh = session.analytics().theme_candidates("Зарплаты", Some(5), None).unwrap();
    assert_eq!(fresh.new_undecided, 3);
    let n2 = fresh.items.iter().find(|c| c.key == "Н-2").unwrap();
    assert!(n2.new && n2.score < 1.0, "the seed's words are not all in it: {n2:?}");
    decide(&mut session, "Н-2", MemberChoice::Reject).unwrap();
    assert!(session.analytics().theme_news().unwrap().is_empty(), "a decision marks the theme looked after");
    let verify = ekn(&db.path, &["journal", "verify"]);
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stdout));
}

/// Texts as people write them about one matter: each three of its eight phrases, in varied order.
fn topic_texts(phrases: &[&str; 8], count: usize) -> Vec<String> {
    (0..count).map(|i| [phrases[i % 8], phrases[(i * 3 + 1) % 8], phrases[(i * 5 + 2) % 8]].join(". ")).collect()
}

const BARRIER: [&str; 8] = [
    "во дворе нашего дома установили шлагбаум",
    "скорая помощь не смогла подъехать к подъезду",
    "управляющая компания отказывается открыть шлагбаум",
    "пожарная машина не проедет во двор",
    "шлагбаум поставили без собрания жильцов",
    "пожилые соседи не могут вызвать такси к дому",
    "просим проверить законность установки шлагбаума",
    "ключи от шлагбаума выдают за деньги",
];

/// Thirty appeals of August and September 2025 about a barrier put across a yard — a matter no
/// theme names.
fn barrier_appeals() -> String {
    let mut out = String::from("appeal_no,received,kato,text,category\n");
    for (i, text) in topic_texts(&BARRIER, 30).into_iter().enumerate() {
        let month = if i < 15 { 8 } else { 9 };
        out.push_str(&csv_line(
            &[
                format!("Ш-{i:03}"),
                format!("2025-{month:02}-{:02}", 1 + i % 27),
                "751110000".into(),
                text,
                "жилищно-коммунальное хозяйство".into(),
            ],
            ',',
        ));
        out.push('\n');
    }
    out
}

#[test]
fn recent_appeals_no_theme_covers_are_proposed_as_a_group_named_by_their_words() {
    let db = TempDb::new();
    db.import(DataKind::Appeals, &db.file("appeals.csv", registry_csv())).unwrap();
    db.import(DataKind::Appeals, &db.file("barrier.csv", barrier_appeals())).unwrap();
    let mut session = db.session();
    let wages = ThemeDefinition { categories: vec!["social.labour".into()], ..Default::default() };
    session
        .analytics()
        .save_theme(&SaveThemeRequest { name: "Зарплаты".into(), definition: wages, reason: "план".into() })
        .unwrap();

    let as_of = chrono::NaiveDate::from_ymd_opt(2025, 9, 30).unwrap();
    let report = session.analytics().theme_proposals(Some(as_of), Some(90)).unwrap();
    assert_eq!(report.method, "proposals-tfidf-svd-hdbscan-v1");
    assert!(report.covered > 0 && report.covered + report.clustered == report.with_text, "{report:?}");
    let numbers = |p: &ekn::api::ThemeProposal| -> Vec<String> {
        // Every member is not listed; the examples are, and the size says the rest.
        p.examples.iter().map(|e| e.appeal_no.clone()).collect()
    };
    let barrier = report
        .proposals
        .iter()
        .find(|p| p.terms.iter().any(|t| t.term.contains("шлагбаум")))
        .unwrap_or_else(|| panic!("no proposal about the barrier: {:#?}", report.proposals));
    assert!((24..=34).contains(&barrier.size), "most of the thirty and little else: {barrier:#?}");
    assert!(numbers(barrier).iter().all(|n| n.starts_with("Ш-")), "{barrier:#?}");
    assert_eq!(barrier.districts[0].value, "7511");
    let suggested = barrier.suggested.as_ref().expect("its appeals have a category the taxonomy knows");
    assert!(suggested.kato == vec!["7511".to_string()] && suggested.seed.as_deref().unwrap().contains("шлагбаум"));
    // No wage appeal is proposed: the theme covers them.
    for p in &report.proposals {
        assert!(p.categories.iter().all(|c| c.value != "social.labour"), "{p:#?}");
    }
    // The suggestion saves as a theme as it is, and then covers the group.
    let saved = session
        .analytics()
        .save_theme(&SaveThemeRequest {
            name: barrier.suggested_name.clone(),
            definition: suggested.clone(),
            reason: "из предложения".into(),
        })
        .unwrap();
    assert_eq!(saved.version, 1);
    let after = session.analytics().theme_proposals(Some(as_of), Some(90)).unwrap();
    assert!(after.proposals.iter().all(|p| !p.terms.iter().any(|t| t.term.contains("шлагбаум"))), "{after:#?}");

    // A date at the calendar's start leaves no window: an error, not a panic.
    let err = session.analytics().theme_proposals(Some(chrono::NaiveDate::MIN), Some(90)).unwrap_err();
    assert!(err.message.starts_with("as_of:"), "{err:?}");

    let out = ekn(&db.path, &["themes", "propose", "--as-of", "2025-09-30", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(json["proposals"].is_array() && json["method"] == "proposals-tfidf-svd-hdbscan-v1");
}

#[test]
fn the_proposals_method_is_measured_against_a_labelled_files_categories() {
    let db = TempDb::new();
    let canteen = [
        "в школе не работает столовая",
        "дети остаются без горячего питания",
        "буфет продает просроченные продукты",
        "родители жалуются на питание в школе",
        "повар уволился и обеды не готовят",
        "в меню одни макароны уже месяц",
        "деньги за питание собирают а обедов нет",
        "просим проверить школьную столовую",
    ];
    let wages = [
        "работодатель третий месяц не платит зарплату",
        "задолженность по заработной плате на стройке",
        "уволили без расчета",
        "трудовой договор так и не подписали",
        "премию обещали и не выплатили",
        "бригада работает без выходных",
        "отпускные не начислили",
        "прошу взыскать долг по зарплате",
    ];
    let mut file = String::from("text,category\n");
    for (label, phrases) in [("шлагбаум", &BARRIER), ("столовая", &canteen), ("зарплата", &wages)]
    {
        for text in topic_texts(phrases, 30) {
            file.push_str(&csv_line(&[text, label.into()], ','));
            file.push('\n');
        }
    }
    let path = db.file("labelled.csv", file);
    let out = ekn(&db.path, &["themes", "propose", "--labelled", path.to_str().unwrap(), "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let e: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((e["texts"].as_u64(), e["categories"].as_u64()), (Some(90), Some(3)), "{e}");
    assert_eq!(e["labels"].as_array().unwrap().len(), 90);
    assert!(e["ari"].as_f64().unwrap() > 0.5, "three plain topics are told apart: {e}");
    // One text measures nothing, and says so rather than a perfect score.
    let one = db.file("one.csv", "text,category\nшлагбаум во дворе,шлагбаум\n");
    let out = ekn(&db.path, &["themes", "propose", "--labelled", one.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("two at least"), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Six inspections in 2025 in region 19 with the registry's size of business in Russian, Kazakh and
/// English wording (and one without), or the same rows without the column.
fn sized_inspections(with_size: bool) -> String {
    let rows = [
        ("П-1", "внеплановая", "микропредпринимательство"),
        ("П-2", "внеплановая", "Малый"),
        ("П-3", "внеплановая", "орта кәсіпкерлік"),
        ("П-4", "внеплановая", "крупный"),
        ("П-5", "внеплановая", ""),
        ("П-6", "плановая", "small"),
    ];
    let mut out = String::from("Регистрационный номер,БИН,Орган контроля,Вид проверки,Дата начала,КАТО");
    out.push_str(if with_size { ",Размер субъекта\n" } else { "\n" });
    for (i, (number, kind, size)) in rows.iter().enumerate() {
        let mut cells = vec![
            number.to_string(),
            bin(700 + i as u32),
            "ДГД".into(),
            kind.to_string(),
            format!("2025-0{}-10", 4 + i),
            "192010000".into(),
        ];
        if with_size {
            cells.push(size.to_string());
        }
        out.push_str(&csv_line(&cells, ','));
        out.push('\n');
    }
    out
}

#[test]
fn unplanned_inspections_of_small_business_are_counted_where_the_registry_says_the_size() {
    let db = TempDb::new();
    // First without the column: the rows are stored as they always were; re-importing them
    // changes nothing and the journal verifies (a row without a size keeps its old digest).
    let plain = db.file("plain.csv", sized_inspections(false));
    assert_eq!(db.import(DataKind::Inspections, &plain).unwrap().inserted, 6);
    let again = db.import(DataKind::Inspections, &plain).unwrap();
    assert_eq!((again.inserted, again.updated), (0, 0));
    // The export that says the size updates the five rows that have one.
    let sized = db.file("sized.csv", sized_inspections(true));
    let report = db.import(DataKind::Inspections, &sized).unwrap();
    assert_eq!((report.inserted, report.updated), (0, 5), "{report:?}");
    let verification = ekn::api::verify_journal(&db.path, &ekn::api::Context::cli()).unwrap();
    assert!(verification.ok, "{:?}", verification.problems);

    let mut session = db.session();
    let theme =
        ThemeDefinition { kato: vec!["19".into()], unplanned_only: true, small_business: true, ..Default::default() };
    session
        .analytics()
        .save_theme(&SaveThemeRequest { name: "МСБ".into(), definition: theme, reason: "план".into() })
        .unwrap();
    let card =
        session.analytics().theme_card("МСБ", Some(chrono::NaiveDate::from_ymd_opt(2025, 10, 15).unwrap())).unwrap();
    assert_eq!(card.inspections, 3, "micro, small and medium unplanned; not large, not unknown, not planned");
    let members = session.analytics().theme_candidates("МСБ", Some(10), None).unwrap();
    let mut keys: Vec<&str> = members.items.iter().map(|c| c.key.as_str()).collect();
    keys.sort();
    assert_eq!(keys, ["П-1", "П-2", "П-3"]);
    // A document attached to a member object is counted on the card; one of a large business is not.
    session.evidence().attach(&bin(700), "справка.txt", "Справка о проверке П-1".as_bytes(), None).unwrap();
    session.evidence().attach(&bin(703), "справка.txt", "Справка о проверке П-4".as_bytes(), None).unwrap();
    let card =
        session.analytics().theme_card("МСБ", Some(chrono::NaiveDate::from_ymd_opt(2025, 10, 15).unwrap())).unwrap();
    assert_eq!(
        (card.documents.attached, card.documents.objects, card.documents.facts),
        (1, 1, 0),
        "{:?}",
        card.documents
    );

    // With categories the size has nothing to filter, and saying so beats counting nothing.
    let wrong =
        ThemeDefinition { categories: vec!["social.labour".into()], small_business: true, ..Default::default() };
    let err = session
        .analytics()
        .save_theme(&SaveThemeRequest { name: "x".into(), definition: wrong, reason: "r".into() })
        .unwrap_err();
    assert!(err.message.starts_with("small_business:"), "{err:?}");

    // A size the registry does not have is refused, naming the file, the line and the field.
    let bad = db.file("bad.csv", sized_inspections(true).replace("крупный", "огромный"));
    let err = db.import(DataKind::Inspections, &bad).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("bad.csv") && text.contains("subject_size") && text.contains("'огромный'"), "{text}");

    let out = ekn(&db.path, &["themes", "add", "МСБ-2", "--kato", "19", "--small-business", "--reason", "план"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("small and medium business only"));
}

/// The registry above and a saved theme «Зарплаты» (wage appeals in district 1920).
fn wages_theme() -> (TempDb, ekn::api::Session) {
    let db = TempDb::new();
    db.import(DataKind::Appeals, &db.file("appeals.csv", registry_csv())).unwrap();
    let mut session = db.session();
    let wages =
        ThemeDefinition { categories: vec!["social.labour".into()], kato: vec!["1920".into()], ..Default::default() };
    session
        .analytics()
        .save_theme(&SaveThemeRequest { name: "Зарплаты".into(), definition: wages, reason: "план".into() })
        .unwrap();
    (db, session)
}

#[test]
fn the_cards_timeline_tells_versions_decisions_and_months_above_the_band_newest_first() {
    use ekn::api::{ItemKind, MemberChoice, MemberRequest, ThemeEventKind};
    let (_db, mut session) = wages_theme();
    let as_of = chrono::NaiveDate::from_ymd_opt(2025, 10, 15).unwrap();
    let key = session.analytics().theme_candidates("Зарплаты", Some(1), None).unwrap().items[0].key.clone();
    session
        .analytics()
        .decide_theme_member(&MemberRequest {
            theme: "Зарплаты".into(),
            kind: ItemKind::Appeal,
            key: key.clone(),
            choice: MemberChoice::Accept,
            reason: "точно по теме".into(),
        })
        .unwrap();
    let card = session.analytics().theme_card("Зарплаты", Some(as_of)).unwrap();
    let kinds: Vec<ThemeEventKind> = card.timeline.iter().map(|e| e.kind).collect();
    assert!(kinds.contains(&ThemeEventKind::Version) && kinds.contains(&ThemeEventKind::Decision), "{kinds:?}");
    let alarm =
        card.timeline.iter().find(|e| e.kind == ThemeEventKind::Alarm).expect("September 2025 is above its band");
    assert!(alarm.at == "2025-09-30" && alarm.detail.starts_with("2025-09: 20 >"), "{alarm:?}");
    let decision = card.timeline.iter().find(|e| e.kind == ThemeEventKind::Decision).unwrap();
    assert_eq!(decision.detail, format!("accepted appeal {key}"));
    assert!(!decision.detail.contains("точно"), "a decision's reason is not repeated on the timeline");
    assert!(card.timeline.windows(2).all(|w| w[0].at >= w[1].at), "newest first");
    assert_eq!(card.documents, ekn::api::DocumentCounts::default(), "appeals without objects have no documents");
}

#[test]
fn a_note_on_a_themes_card_is_journaled_with_its_author_and_kept_as_personal_data() {
    use ekn::api::{ErrorCode, ThemeEventKind};
    let (db, mut session) = wages_theme();

    let text = "Открыта по письму областной прокуратуры; спросили Ахметову из инспекции труда";
    let notes = session.analytics().note_theme(" Зарплаты ", &format!("  {text}\n")).unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].note.as_deref(), Some(text), "kept trimmed");
    assert!(!notes[0].author.is_empty() && notes[0].destroyed_by.is_none(), "{:?}", notes[0]);
    session.analytics().note_theme("Зарплаты", "Второй план: оставить").unwrap();

    // On the card, newest first, and on its timeline without the text.
    let card = session
        .analytics()
        .theme_card("Зарплаты", Some(chrono::NaiveDate::from_ymd_opt(2025, 10, 15).unwrap()))
        .unwrap();
    assert_eq!(
        card.notes.iter().map(|n| n.note.as_deref().unwrap()).collect::<Vec<_>>(),
        ["Второй план: оставить", text]
    );
    let on_timeline: Vec<_> = card.timeline.iter().filter(|e| e.kind == ThemeEventKind::Note).collect();
    assert_eq!(on_timeline.len(), 2);
    assert!(on_timeline.iter().all(|e| e.detail.is_empty() && e.who.is_some()), "{on_timeline:?}");

    // Refusals: an empty note, one too long, a theme that does not exist — nothing written.
    for (name, note, code) in [
        ("Зарплаты", "   ", ErrorCode::InvalidInput),
        ("Зарплаты", &"ж".repeat(4001), ErrorCode::InvalidInput),
        ("Нет такой", "заметка", ErrorCode::NotFound),
    ] {
        let err = session.analytics().note_theme(name, note).unwrap_err();
        assert_eq!(err.code, code, "{name}: {err:?}");
    }
    assert_eq!(session.analytics().theme_notes("Зарплаты").unwrap().len(), 2);

    // The journal: one entry per note, by its author; the text only in the entry's personal part.
    let journal = session.journal(&JournalQuery { object: None, task: None, appeal: None, limit: Some(50) }).unwrap();
    let noted: Vec<_> = journal.iter().filter(|l| l.kind == "theme_noted").collect();
    assert_eq!(noted.len(), 2);
    assert!(noted.iter().all(|l| !l.person.is_empty()));
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    let raw: i64 = conn
        .query_row(
            "SELECT count(*) FROM journal WHERE kind = 'theme_noted' AND (payload LIKE '%Ахметов%' OR detail LIKE '%Ахметов%')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(raw, 0, "the note's text is not in the chained payload or detail");
    drop(conn);
    let verify = ekn(&db.path, &["journal", "verify"]);
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stdout));

    // The command line writes and shows notes too.
    let out = ekn(&db.path, &["themes", "note", "Зарплаты", "--text", "С командной строки"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let shown = ekn(&db.path, &["themes", "show", "Зарплаты", "--as-of", "2025-10-15"]);
    let shown = String::from_utf8_lossy(&shown.stdout);
    assert!(shown.contains("Notes (newest first, 3)") && shown.contains("С командной строки"), "{shown}");
    let out = ekn(&db.path, &["themes", "note", "Зарплаты", "--text", " "]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("the note is empty"));
}

#[test]
fn a_person_takes_an_object_into_a_themes_places_or_out_of_it_with_all_its_items() {
    use ekn::api::{ErrorCode, ItemKind, MemberChoice, MemberRequest};
    // Unplanned inspections by one body: object 800 in district 1920 (the theme's), object 801
    // registered in 7511 (outside it) with two unplanned inspections and a planned one.
    let rows = [
        ("О-1", 800, "внеплановая", "2025-04-10", "192010000"),
        ("О-2", 800, "внеплановая", "2025-05-10", "192010000"),
        ("О-3", 801, "внеплановая", "2025-06-10", "751110000"),
        ("О-4", 801, "внеплановая", "2025-07-10", "751110000"),
        ("О-5", 801, "плановая", "2025-08-10", "751110000"),
        ("О-6", 802, "внеплановая", "2025-08-20", "192010000"),
    ];
    let mut csv = String::from("Регистрационный номер,БИН,Орган контроля,Вид проверки,Дата начала,КАТО\n");
    for (number, object, kind, day, kato) in rows {
        csv.push_str(&csv_line(&[number.into(), bin(object), "ДГД".into(), kind.into(), day.into(), kato.into()], ','));
        csv.push('\n');
    }
    let db = TempDb::new();
    db.import(DataKind::Inspections, &db.file("objects.csv", csv)).unwrap();
    let mut session = db.session();
    let definition = ThemeDefinition { kato: vec!["1920".into()], unplanned_only: true, ..Default::default() };
    session
        .analytics()
        .save_theme(&SaveThemeRequest { name: "Внеплановые".into(), definition, reason: "план".into() })
        .unwrap();
    let as_of = chrono::NaiveDate::from_ymd_opt(2025, 10, 15);
    let count = |s: &mut ekn::api::Session| s.analytics().theme_card("Внеплановые", as_of).unwrap().inspections;
    assert_eq!(count(&mut session), 3, "О-1, О-2, О-6");
    let members = session.analytics().theme_candidates("Внеплановые", Some(10), None).unwrap();
    assert!(members.items.iter().all(|c| c.object.is_some()), "every candidate names its object's BIN");
    assert_eq!(members.items.iter().find(|c| c.key == "О-1").unwrap().object.as_deref(), Some(bin(800).as_str()));
    // An object with two matching items is offered on its own, undecided; one with one item is not.
    let offered: Vec<_> = members.items.iter().filter(|c| c.kind == ItemKind::Object).collect();
    assert_eq!(offered.len(), 1, "{offered:?}");
    assert_eq!((offered[0].key.as_str(), offered[0].items), (bin(800).as_str(), Some(2)));
    assert!(offered[0].matched && offered[0].decision.is_none() && offered[0].date.to_string() == "2025-05-10");

    let decide = |s: &mut ekn::api::Session, kind, key: &str, choice| {
        s.analytics().decide_theme_member(&MemberRequest {
            theme: "Внеплановые".into(),
            kind,
            key: key.into(),
            choice,
            reason: "по данным выезда".into(),
        })
    };
    // Accepting the object registered elsewhere takes in its unplanned inspections, not its planned one.
    decide(&mut session, ItemKind::Object, &bin(801), MemberChoice::Accept).unwrap();
    assert_eq!(count(&mut session), 5);
    // Rejecting an object takes out all its items; a decision about one item wins over it.
    decide(&mut session, ItemKind::Object, &bin(800), MemberChoice::Reject).unwrap();
    assert_eq!(count(&mut session), 3, "О-3, О-4, О-6");
    decide(&mut session, ItemKind::Inspection, "О-2", MemberChoice::Accept).unwrap();
    assert_eq!(count(&mut session), 4);
    // The decided objects are listed among the members, each dated by its latest item.
    let members = session.analytics().theme_candidates("Внеплановые", Some(20), None).unwrap();
    let objects: Vec<_> = members.items.iter().filter(|c| c.kind == ItemKind::Object).collect();
    assert_eq!(objects.len(), 2, "{objects:?}");
    let outside = objects.iter().find(|c| c.key == bin(801)).unwrap();
    assert!(!outside.matched && outside.date.to_string() == "2025-08-10", "{outside:?}");
    assert_eq!(outside.decision.as_ref().unwrap().decision, "accepted");
    // An unknown BIN is refused, nothing written; the journal names the object.
    let err = decide(&mut session, ItemKind::Object, &bin(999), MemberChoice::Accept).unwrap_err();
    assert!(err.code == ErrorCode::NotFound && err.message.contains("no object with BIN"), "{err:?}");
    let about =
        session.journal(&JournalQuery { object: Some(bin(801)), task: None, appeal: None, limit: Some(10) }).unwrap();
    assert!(about.iter().any(|l| l.kind == "theme_member_decided"), "{about:?}");
    // The command line decides about objects too.
    let out = ekn(&db.path, &["themes", "accept", "Внеплановые", "object", &bin(800), "--reason", "вернули"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut session = db.session();
    assert_eq!(count(&mut session), 5, "О-1 and О-2 back with their object");
}
