//! The norms catalogue held to the law (issue 59): every verified version's sentence is found in the
//! official text of the edition it names (fixtures/law), `ekn norms check` names a norm whose
//! sentence a newer text no longer has, due dates for each norm on both sides of its versions'
//! changes and around holidays are those the law's words give (the cases were counted by hand from
//! the texts and the official holiday lists before the engine ran them), and random dates agree with
//! a second, independent count of working days read straight from the calendar's documents.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use ekn::api::{self, DeadlineRequest};
use ekn::domain::deadline::{Direction, FirstDay, Period, Unit, Warning};
use ekn::domain::norms::{normalise_quote, quotes_of, NormsCatalog};
use rand::{Rng, SeedableRng};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// The official texts the catalogue quotes, by edition key (`z2200000155.12-09-2023.rus`).
fn texts() -> BTreeMap<String, String> {
    let file = std::fs::File::open(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/law/texts.zip")).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut out = BTreeMap::new();
    for i in 0..zip.len() {
        let mut member = zip.by_index(i).unwrap();
        let key = member.name().trim_end_matches(".txt").to_string();
        let mut text = String::new();
        member.read_to_string(&mut text).unwrap();
        out.insert(key, text);
    }
    out
}

#[test]
fn every_verified_version_quotes_the_official_text_of_the_edition_it_names() {
    let texts = texts();
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/law/README.md")).unwrap();
    for (key, text) in &texts {
        // Provenance: the text is the one the README names, byte for byte.
        let sha = ekn::domain::digest::sha256_hex(text.as_bytes());
        assert!(readme.contains(&sha), "{key}: sha256 {sha} is not the one fixtures/law/README.md gives");
    }
    let catalog = NormsCatalog::builtin();
    let mut checked = 0;
    for key in catalog.editions.keys() {
        let text = normalise_quote(texts.get(key).unwrap_or_else(|| panic!("no official text for edition {key}")));
        for (place, quote) in quotes_of(&catalog, key) {
            assert!(text.contains(&normalise_quote(quote)), "{place}: «{quote}» is not in {key}");
            checked += 1;
        }
    }
    // Every verified version has a quote, and each is read above (a version is verified only
    // with one: the catalogue refuses otherwise).
    let verified = catalog.norms.iter().flat_map(|n| &n.versions).filter(|v| v.verified).count();
    assert!(verified >= 20 && checked >= verified, "{verified} verified versions, {checked} quotes read");
    for rule in catalog.end_rules.values().filter(|r| r.confirmed) {
        assert!(rule.quote_ru.is_some() && rule.edition.is_some(), "a confirmed rule names its quote and edition");
    }
    // Each version says why it is in force from its first day, with the act's own words.
    let appk = catalog.entry("appk-76-consideration").unwrap();
    assert!(appk.versions[1].in_force_from_basis.contains("ten calendar days after"));
}

fn ekn(db: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_ekn")).arg("--db").arg(db).args(args).output().unwrap()
}

#[test]
fn norms_check_names_each_norm_whose_sentence_a_newer_text_no_longer_has() {
    let db = crate::support::TempDb::new();
    let texts = texts();
    let text = &texts["z2200000155.12-09-2023.rus"];
    let same = db.file("155-VII.txt", text);
    let out = ekn(&db.path, &["norms", "check", same.to_str().unwrap(), "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let act = report["acts"].as_array().unwrap().iter().find(|a| a["act"] == "155-VII").unwrap();
    assert!(act["found"].as_u64().unwrap() >= 10 && act["found"] == act["quotes"], "{act}");
    // The other acts' quotes are not in this text: it is not their text, not a changed one.
    let appk = report["acts"].as_array().unwrap().iter().find(|a| a["act"] == "350-VI").unwrap();
    assert_eq!((appk["found"].as_u64(), appk["missing"].as_array().unwrap().len()), (Some(0), 0));

    // A newer edition in which the submission's period changed: that norm, and only it, is named.
    let changed = text.replace("в течение\nтридцати календарных дней", "в течение\nдвадцати календарных дней");
    assert_ne!(&changed, text, "the sentence is there to change");
    let newer = db.file("155-VII-newer.txt", changed);
    let out = ekn(&db.path, &["norms", "check", newer.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("ekn: error [norms_outdated]: 1 quote(s)"), "{err}");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("prosecutor-submission@2022-11-16"), "{said}");
    assert_eq!(said.matches("no longer there").count(), 1, "{said}");
}

/// The shipped calendar and catalogue, read once for the whole test binary.
fn shipped() -> &'static (ekn::domain::calendar::Calendar, NormsCatalog) {
    static SHIPPED: std::sync::OnceLock<(ekn::domain::calendar::Calendar, NormsCatalog)> = std::sync::OnceLock::new();
    SHIPPED.get_or_init(|| (api::builtin_calendar(), NormsCatalog::builtin()))
}

/// A due date computed from the shipped calendar and catalogue.
fn due(norm: &str, from: &str, period: Option<Period>, decided: Option<&str>) -> api::DeadlineReport {
    let request = DeadlineRequest {
        from: d(from),
        norm: Some(norm.into()),
        period,
        decided: decided.map(d),
        suspensions: vec![],
    };
    let (calendar, catalog) = shipped();
    api::compute_deadline(calendar, catalog, &request).unwrap_or_else(|e| panic!("{norm} from {from}: {}", e.message))
}

fn has(report: &api::DeadlineReport, what: fn(&Warning) -> bool) -> bool {
    report.explanation.warnings.iter().any(what)
}

#[test]
fn the_submission_the_protest_and_the_resolution_by_155_vii() {
    // Art. 36 p. 2: thirty calendar days. Received 02.02.2026: considered by 04.03.2026 (not 02.03).
    assert_eq!(due("prosecutor-submission", "2026-02-02", None, None).due, d("2026-03-04"));
    // 30.01.2026 + 30 days = Sunday 01.03.2026: 155-VII has no rule for a last day off; ЭКН moves
    // it to Monday 02.03 and says the move is unconfirmed.
    let sunday = due("prosecutor-submission", "2026-01-30", None, None);
    assert_eq!((sunday.explanation.raw_end, sunday.due), (Some(d("2026-03-01")), d("2026-03-02")));
    assert!(has(&sunday, |w| matches!(w, Warning::UnconfirmedEndRule { .. })));
    // Art. 33 p. 3: ten calendar days. From 11.03.2026 the count reaches Saturday 21 March, the
    // first day of Nauryz (21–23 March, with the weekend's two moved to 24 and 25): Thursday 26.
    let protest = due("prosecutor-protest", "2026-03-11", None, None);
    assert_eq!((protest.explanation.raw_end, protest.due), (Some(d("2026-03-21")), d("2026-03-26")));
    // The prosecutor's own period for a protest: at least three working days.
    let own = due("prosecutor-protest", "2026-03-02", Some(Period { amount: 5, unit: Unit::WorkingDays }), None);
    assert_eq!(own.due, d("2026-03-10"), "3, 4, 5, 6 and (9 March is the moved Women's Day) 10 March");
    assert!(own.rule.set_by_act);
    let short = DeadlineRequest {
        from: d("2026-03-02"),
        norm: Some("prosecutor-protest".into()),
        period: Some(Period { amount: 2, unit: Unit::WorkingDays }),
        decided: None,
        suspensions: vec![],
    };
    let refused = api::compute_deadline(&api::builtin_calendar(), &NormsCatalog::builtin(), &short).unwrap_err();
    assert!(refused.message.contains("at least 3 working days"), "{}", refused.message);
    // Art. 37 p. 2: a resolution is executed within the period it sets — none by default.
    let resolution = DeadlineRequest { period: None, norm: Some("prosecutor-resolution".into()), ..short.clone() };
    assert!(api::compute_deadline(&api::builtin_calendar(), &NormsCatalog::builtin(), &resolution).is_err());
    let ten = due("prosecutor-resolution", "2026-03-02", Some(Period { amount: 10, unit: Unit::WorkingDays }), None);
    assert_eq!(ten.due, d("2026-03-17"));
    // Art. 36 p. 2: the prosecutor is told at least three working days before the sitting; a
    // sitting on Monday 02.03.2026 is told of by Wednesday 25.02.2026 (27, 26, 25 February).
    let notice = due("prosecutor-submission-sitting-notice", "2026-03-02", None, None);
    assert_eq!(notice.due, d("2026-02-25"));
    assert_eq!(notice.explanation.counting.direction, Direction::Before);
    // And the result reported within three working days of the sitting.
    assert_eq!(due("prosecutor-submission-result", "2026-03-02", None, None).due, d("2026-03-05"));
    // From the day the new Constitution is in force, every period of 155-VII says its edition is older.
    let after = due("prosecutor-submission", "2026-08-03", None, None);
    assert!(has(&after, |w| matches!(w, Warning::Caveat { .. })));
    assert!(!has(&due("prosecutor-submission", "2026-02-02", None, None), |w| matches!(w, Warning::Caveat { .. })));
}

#[test]
fn appeals_to_the_prosecutors_office_follow_155_vii_art_24() {
    // Fifteen working days from receipt by the office: 02.02.2026 → 23.02.2026.
    let appeal = due("prosecutor-appeal", "2026-02-02", None, None);
    assert_eq!(appeal.due, d("2026-02-23"));
    assert!(appeal.rule.legal_basis.as_ref().unwrap().en.contains("art. 24, para. 3"));
    // The notice of an extension within three working days of it; the final answer within ten
    // working days after a check ends; a complaint against the prosecutor within twenty.
    assert_eq!(due("prosecutor-appeal-extension-notice", "2026-03-06", None, None).due, d("2026-03-12"));
    // 10–13, 16–20 March and, after Nauryz and its two moved days (21–25 March), the 26th.
    assert_eq!(due("prosecutor-appeal-final-answer", "2026-03-06", None, None).due, d("2026-03-26"));
    assert_eq!(due("prosecutor-complaint", "2026-02-02", None, None).due, d("2026-03-02"));
    // Three months to file a complaint: from 30.11.2025 the count reaches Saturday 28.02.2026.
    let filing = due("prosecutor-complaint-filing", "2025-11-30", None, None);
    assert_eq!((filing.explanation.raw_end, filing.due), (Some(d("2026-02-28")), d("2026-03-02")));
    // A prosecutor's check: at most thirty working days, extended by at most thirty more.
    // 3 February – 17 March (9 March off); the cap thirty more from the original due date, past
    // Nauryz and 1 May, reaches Monday 4 May.
    let check = due("prosecutor-check", "2026-02-02", None, None);
    assert_eq!(check.due, d("2026-03-17"));
    assert_eq!(check.extension_cap, Some(d("2026-05-04")));
}

#[test]
fn appk_76_before_and_after_law_241_viii() {
    // Before: fifteen working days from receipt, the cap two months from receipt. Received
    // Saturday 20.12.2025: 22–26, 29–31 December, 5, 6, 8, 9, 12, 13, 14 January (1–2 and 7
    // January are holidays).
    let before = due("appk-76-consideration", "2025-12-20", None, None);
    assert_eq!(before.due, d("2026-01-14"));
    assert!(!before.rule.verified, "the earlier wording's text is not among the official ones");
    assert_eq!(before.extension_cap, Some(d("2026-02-20")));
    // After: from registration, which for an appeal received on a day off is the next working day
    // (art. 64 part 3); the count runs from the day after (art. 76 part 2). Received Saturday
    // 17.01.2026, registered Monday 19.01, due Monday 09.02.2026.
    let after = due("appk-76-consideration", "2026-01-17", None, Some("2026-02-10"));
    assert_eq!(after.explanation.registered, Some(d("2026-01-19")));
    assert_eq!(after.due, d("2026-02-09"));
    assert!(after.rule.verified);
    // The cap: two months from the day of the decision to extend (part 3), not from receipt.
    assert_eq!(after.extension_cap, Some(d("2026-04-10")));
    let cap = after.explanation.extension_cap.as_ref().unwrap();
    assert_eq!(
        (cap.anchor_date, cap.rule.anchor),
        (d("2026-02-10"), ekn::domain::deadline::CapAnchor::ExtensionDecision)
    );
    // Without the decision's day there is no cap date yet.
    assert_eq!(due("appk-76-consideration", "2026-01-17", None, None).extension_cap, None);
    // A decision on Saturday 04.04.2026: two months reach Thursday 04.06.2026.
    assert_eq!(
        due("appk-76-consideration", "2026-01-17", None, Some("2026-04-04")).extension_cap,
        Some(d("2026-06-04"))
    );
    // Between the earliest day the new wording can be in force and the edition that shows it in
    // force, both dates are said: received Saturday 03.01.2026 → 27.01 by the new wording
    // (registered 05.01), 26.01 by the old.
    let near = due("appk-76-consideration", "2026-01-03", None, None);
    assert_eq!(near.due, d("2026-01-27"));
    assert!(
        near.explanation.warnings.iter().any(|w| matches!(w,
        Warning::VersionBoundary { other_due, .. } if *other_due == d("2026-01-26"))),
        "{:?}",
        near.explanation.warnings
    );
    // Registration itself (art. 64 part 3): the day of receipt, or the next working day. Received
    // on Saturday 21.03.2026 (Nauryz): 21–23 holidays, 24–25 moved days off — registered 26.03.
    assert_eq!(due("appk-64-registration", "2026-03-21", None, None).due, d("2026-03-26"));
    assert_eq!(due("appk-64-registration", "2026-03-20", None, None).due, d("2026-03-20"));
    // Forwarding (art. 65): three working days from receipt — 26, 27 and 30 March after Nauryz.
    assert_eq!(due("appk-65-forwarding", "2026-03-20", None, None).due, d("2026-03-30"));
}

#[test]
fn inspections_and_offences_by_their_codes() {
    // Entrepreneurial Code art. 148: a micro-entrepreneur's inspection that begins on Monday
    // 02.02.2026 lasts at most five working days, its first day included, and may be extended once
    // by five more.
    let micro = due("ec-148-inspection-micro", "2026-02-02", None, None);
    assert_eq!(micro.explanation.counting.first_day, FirstDay::EventDay);
    assert_eq!((micro.due, micro.extension_cap), (d("2026-02-06"), Some(d("2026-02-13"))));
    assert_eq!(due("ec-148-inspection-unplanned", "2026-02-02", None, None).due, d("2026-02-13"));
    // КоАП art. 829-4 with art. 739 part 3: ten «суток» without days off. Handed over on
    // Monday 02.03.2026: 3–6, 10–13, 16, 17 March (9 March is the moved Women's Day).
    assert_eq!(due("koap-829-4-appeal", "2026-03-02", None, None).due, d("2026-03-17"));
}

/// A second count of working days, written for this test from the calendar's documents alone
/// (never the engine's code): a day a Government transfer makes a working day is one (in 2020
/// the decree moved the day off for Victory Day from Monday 11 May to Friday 8 May); otherwise a
/// holiday, a moved day off or a day off by transfer is not, and a weekday is.
struct Independent {
    off: BTreeSet<NaiveDate>,
    worked: BTreeSet<NaiveDate>,
}

impl Independent {
    fn read() -> Independent {
        let mut off = BTreeSet::new();
        let mut worked = BTreeSet::new();
        for year in 2018..=2027 {
            let path = format!("{}/assets/calendar/kz-{year}.json", env!("CARGO_MANIFEST_DIR"));
            let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
            let date = |v: &serde_json::Value| d(v.as_str().unwrap());
            for h in doc["holidays"].as_array().unwrap() {
                off.insert(date(&h["date"]));
            }
            for m in doc["moved_days_off"].as_array().unwrap() {
                off.insert(date(&m["date"]));
            }
            for t in doc["transfers"].as_array().unwrap() {
                off.insert(date(&t["day_off"]));
                worked.insert(date(&t["working_day"]));
            }
        }
        Independent { off, worked }
    }

    fn working(&self, day: NaiveDate) -> bool {
        if self.worked.contains(&day) {
            return true;
        }
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !self.off.contains(&day)
    }

    fn next_working_on_or_after(&self, mut day: NaiveDate) -> NaiveDate {
        while !self.working(day) {
            day = day + Days::new(1);
        }
        day
    }

    /// The due date of `amount` `unit` counted from `event` as the version says.
    fn due(
        &self,
        event: NaiveDate,
        amount: u32,
        unit: Unit,
        first: FirstDay,
        registration: bool,
        moves: bool,
    ) -> NaiveDate {
        let event = if registration { self.next_working_on_or_after(event) } else { event };
        let event = if first == FirstDay::EventDay { event - Days::new(1) } else { event };
        match unit {
            Unit::WorkingDays => {
                let mut day = event;
                let mut left = amount;
                while left > 0 {
                    day = day + Days::new(1);
                    if self.working(day) {
                        left -= 1;
                    }
                }
                day
            }
            Unit::CalendarDays | Unit::Months => {
                let end = if unit == Unit::CalendarDays {
                    event + Days::new(u64::from(amount))
                } else {
                    event.checked_add_months(Months::new(amount)).unwrap()
                };
                if moves {
                    self.next_working_on_or_after(end)
                } else {
                    end
                }
            }
        }
    }
}

#[test]
fn random_dates_agree_with_an_independent_count_of_working_days() {
    let independent = Independent::read();
    let catalog = NormsCatalog::builtin();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(59);
    let mut compared = 0;
    for _ in 0..3000 {
        let from = d("2019-01-01") + Days::new(rng.random_range(0..(365 * 8)));
        let norm = &catalog.norms[rng.random_range(0..catalog.norms.len())];
        let law = catalog.at(&norm.id, from).unwrap();
        let Some(period) = law.period() else { continue };
        if law.version.direction == Direction::Before {
            continue;
        }
        let report = due(&norm.id, &from.to_string(), None, None);
        let moves = law.end_rule.as_ref().is_none_or(|r| r.moves);
        let expected =
            independent.due(from, period.amount, period.unit, law.version.first_day, law.version.registration, moves);
        assert_eq!(report.due, expected, "{} from {from} ({} {:?})", norm.id, period.amount, period.unit);
        compared += 1;
    }
    // Bare periods too, every unit, with no norm between.
    for _ in 0..3000 {
        let from = d("2019-01-01") + Days::new(rng.random_range(0..(365 * 8)));
        let unit = [Unit::WorkingDays, Unit::CalendarDays, Unit::Months][rng.random_range(0..3)];
        let amount = rng.random_range(1..=if unit == Unit::Months { 6 } else { 60 });
        let request = DeadlineRequest {
            from,
            norm: None,
            period: Some(Period { amount, unit }),
            decided: None,
            suspensions: vec![],
        };
        let report = api::compute_deadline(&shipped().0, &catalog, &request).unwrap();
        let expected = independent.due(from, amount, unit, FirstDay::NextDay, false, true);
        if report.explanation.warnings.iter().any(|w| matches!(w, Warning::NoCalendar { .. })) {
            continue; // beyond 2027: the engine's statutory rules, which this count does not model
        }
        assert_eq!(report.due, expected, "{amount} {unit:?} from {from}");
        compared += 1;
    }
    assert!(compared > 4000, "{compared} dates compared");
}
