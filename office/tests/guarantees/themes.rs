//! The office's scan for rising themes (issue 40): every workstation's themes and every category ×
//! district cell, judged over the appeals' facts the workstations handed over, with the code
//! `ekn themes scan` runs. Two prosecutors of different districts each save a theme of one name
//! (housing and utilities in their own district), one rejects an appeal from hers; both hand
//! their appeals over. At the office each theme's months are the very figures its workstation
//! judges (observed, expected, band, p; to nine digits), the cells judged are the sum of theirs, each theme is
//! named with its author, a prosecutor sees only her districts', and a bad request is refused.

use crate::office_of_three;
use crate::support::{appeals_in, inspections_in, office_cli, same_figures, Workstation};
use ekn::api::office::{OfficeReport, ReportFormat};

#[test]
fn the_office_judges_every_workstations_themes_and_cells_over_the_appeals_they_handed_over() {
    let Some(mut office) = office_of_three() else { return };
    let (wa, wb) = (Workstation::new(&inspections_in(&["1940"], 3)), Workstation::new(&inspections_in(&["5532"], 3)));
    wa.join(&office, "Асель Нурланова", "office PC");
    wb.join(&office, "Bekzat Omarov", "laptop");
    let as_of = "2026-11-01";
    for (ws, district) in [(&wa, "1940"), (&wb, "5532")] {
        ws.import_appeals(&appeals_in(district));
        let definition = ekn::api::ThemeDefinition {
            categories: vec!["social.housing".into()],
            kato: vec![district.into()],
            ..Default::default()
        };
        ws.session()
            .analytics()
            .save_theme(&ekn::api::SaveThemeRequest { name: "ЖКХ".into(), definition, reason: "план".into() })
            .unwrap();
    }
    // Асель takes out of her theme its newest appeal within the months judged (so the office
    // counts it out as well, or the figures differ).
    let rejected = appeals_in("1940")
        .lines()
        .skip(1)
        .filter(|l| l.contains("жилищно-коммунальное хозяйство"))
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[1].to_string(), f[0].to_string())
        })
        .filter(|(received, _)| received.as_str() >= "2026-05-01" && received.as_str() < as_of)
        .max()
        .map(|(_, no)| no)
        .expect("a housing appeal in Асель's district in the months judged");
    wa.session()
        .analytics()
        .decide_theme_member(&ekn::api::analytics::theme_members::MemberRequest {
            theme: "ЖКХ".into(),
            kind: ekn::api::analytics::theme_members::ItemKind::Appeal,
            key: rejected,
            choice: ekn::api::analytics::theme_members::MemberChoice::Reject,
            reason: "не по теме".into(),
        })
        .unwrap();
    for ws in [&wa, &wb] {
        ws.session().office().sync().unwrap();
    }
    let own = |ws: &Workstation| {
        serde_json::to_value(ws.session().analytics().theme_scan(Some(as_of.parse().unwrap()), Some(6)).unwrap())
            .unwrap()
    };
    let (ra, rb) = (own(&wa), own(&wb));

    let token = office.login("Supervisor Saule");
    let (status, scan) = office.get(&token, &format!("/v1/themes/scan?as_of={as_of}&months=6"));
    assert_eq!(status, 200, "{scan}");
    // Each theme's months are its workstation's own figures, q-values and alarms included: each
    // workstation's themes are a false-discovery family of their own at the office too.
    let figures = |row: &serde_json::Value| -> Vec<serde_json::Value> {
        row["months"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                serde_json::json!([m["month"], m["observed"], m["expected"], m["upper"], m["p"], m["q"], m["alarm"]])
            })
            .collect()
    };
    let mut counted = 0;
    for (report, person) in [(&ra, "Асель Нурланова"), (&rb, "Bekzat Omarov")] {
        let theirs = &report["themes"][0];
        let at_office = scan["themes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == format!("ЖКХ — {person}"))
            .unwrap_or_else(|| panic!("{person}'s theme: {scan:#}"));
        // The same code over the same appeals; sums taken in another order may differ in the last bits.
        let (office_months, own_months) = (figures(at_office), figures(theirs));
        assert!(
            same_figures(
                &serde_json::Value::Array(office_months.clone()),
                &serde_json::Value::Array(own_months.clone())
            ),
            "{person}: {office_months:?} {own_months:?}"
        );
        counted += own_months.iter().map(|m| m[1].as_u64().unwrap()).sum::<u64>();
        assert!(scan["owners"].as_array().unwrap().iter().any(|o| o["person"] == person && o["name"] == "ЖКХ"));
    }
    assert!(counted > 0, "the themes count appeals: {ra:#}");
    // The cells judged are the sum of the workstations' (their districts do not meet).
    for key in ["cells", "judged", "not_judged"] {
        let sum = ra["cells"][key].as_u64().unwrap() + rb["cells"][key].as_u64().unwrap();
        assert_eq!(scan["cells"][key].as_u64(), Some(sum), "{key}");
    }
    let held = appeals_in("1940").lines().count() + appeals_in("5532").lines().count() - 2;
    assert_eq!(scan["appeals_held"].as_u64(), Some(held as u64));

    // A prosecutor sees her districts' themes and appeals only.
    let (_, hers) = office.get(&office.login("Асель Нурланова"), &format!("/v1/themes/scan?as_of={as_of}&months=6"));
    assert_eq!(hers["owners"].as_array().unwrap().len(), 1, "{hers:#}");
    assert_eq!(hers["appeals_held"].as_u64(), Some(appeals_in("1940").lines().count() as u64 - 1));
    assert_eq!(hers["cells"]["cells"], ra["cells"]["cells"]);

    // The console says the same, in words too.
    let (ok, out, err) =
        office_cli(&office.pg_url, &["themes", "scan", "--as-of", as_of, "--months", "6", "--json"], &[]);
    assert!(ok, "{err}");
    let console: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!((&console["themes"], &console["cells"]), (&scan["themes"], &scan["cells"]));
    let (ok, text, err) = office_cli(&office.pg_url, &["themes", "scan", "--as-of", as_of], &[("EKN_LANG", "ru")]);
    assert!(ok && text.contains("ЖКХ — Асель Нурланова") && text.contains("Прочитано"), "{text}{err}");
    // A bad request is refused with its reason.
    let (status, bad) = office.get(&token, "/v1/themes/scan?months=40");
    assert_eq!(status, 400, "{bad}");

    // The same scan on the supervisor's joined workstation (issue 64), asked as its person: the
    // office's figures with when it computed them and each theme's author, kept for the time the
    // office is out of reach.
    let saule = Workstation::new(&inspections_in(&["1940"], 1));
    saule.join(&office, "Supervisor Saule", "supervisor's PC");
    // The scan a head hands on: a workbook, read back by another library.
    use calamine::Reader;
    let (name, bytes) =
        saule.session().office().report(OfficeReport::Themes, ReportFormat::Xlsx, ekn::i18n::Lang::En).unwrap();
    assert!(name.ends_with(".xlsx"), "{name}");
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(book.sheet_names(), ["About", "Themes", "Cells above their past", "Cells above neighbours"]);
    let about: Vec<String> = book.worksheet_range("About").unwrap().rows().flatten().map(|c| c.to_string()).collect();
    assert!(
        about.iter().any(|c| c.contains("ЖКХ — Асель Нурланова") && c.contains("ЖКХ — Bekzat Omarov")),
        "{about:?}"
    );
    let (_, defaults) = office.get(&token, "/v1/themes/scan");
    let judged: usize = defaults["themes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["months"].as_array().unwrap().iter().filter(|m| !m.is_null()).count())
        .sum();
    assert_eq!(book.worksheet_range("Themes").unwrap().rows().count(), judged + 1, "a row per theme's month judged");
    let cells = book.worksheet_range("Cells above their past").unwrap();
    assert_eq!(cells.rows().count(), defaults["cells"]["alarms"].as_array().unwrap().len() + 1);
    let view = saule.session().office().theme_scan().unwrap();
    let (_, direct) = office.get(&token, "/v1/themes/scan");
    assert!(view.offline.is_none() && view.scan.computed_at.is_some(), "{view:?}");
    let seen = serde_json::to_value(&view.scan).unwrap();
    assert_eq!(
        (&seen["themes"], &seen["cells"], &seen["owners"]),
        (&direct["themes"], &direct["cells"], &direct["owners"])
    );
    let authors: Vec<&str> = view.scan.owners.iter().map(|o| o.person.as_str()).collect();
    assert!(authors.contains(&"Асель Нурланова") && authors.contains(&"Bekzat Omarov"), "{authors:?}");
    // The ranking for the plan likewise: the office's own answer, each score in its parts.
    let ranked = saule.session().office().theme_scores().unwrap();
    let (_, direct_scores) = office.get(&token, "/v1/themes/scores");
    let seen = serde_json::to_value(&ranked.scores).unwrap();
    assert_eq!(seen["themes"], direct_scores["themes"]);
    assert!(ranked.offline.is_none() && ranked.scores.computed_at.is_some());

    // The scores for the plan: each theme's score and every part of it are its workstation's own
    // (growth over the same months, severity and repeats from the flags triage set where the
    // appeals are held, the anomaly linked over the same appeals).
    let (status, scores) = office.get(&token, &format!("/v1/themes/scores?as_of={as_of}"));
    assert_eq!(status, 200, "{scores}");
    let mut severe = 0.0;
    for (ws, person) in [(&wa, "Асель Нурланова"), (&wb, "Bekzat Omarov")] {
        let own =
            serde_json::to_value(ws.session().analytics().theme_scores(Some(as_of.parse().unwrap())).unwrap()).unwrap();
        let theirs = &own["themes"][0];
        let at_office = scores["themes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == format!("ЖКХ — {person}"))
            .unwrap_or_else(|| panic!("{person}'s theme: {scores:#}"));
        assert_eq!(at_office["members"], theirs["members"], "{person}");
        assert!(same_figures(&at_office["score"], &theirs["score"]), "{person}: {at_office:#} against {theirs:#}");
        let part = |name: &str| {
            theirs["score"]["parts"].as_array().unwrap().iter().find(|p| p["part"] == name).cloned().unwrap()
        };
        severe += part("severity")["figures"]["count"].as_f64().unwrap_or(0.0);
    }
    assert!(severe > 0.0, "the flags are exercised: some housing appeals carry the harm rules");
    let (ok, text, err) = office_cli(&office.pg_url, &["themes", "scores", "--as-of", as_of], &[("EKN_LANG", "kk")]);
    assert!(ok && text.contains("ЖКХ — Bekzat Omarov"), "{text}{err}");

    // The Appeals screen's map in office scope: every workstation's appeals counted by district
    // (counts only), the supervisor's two districts, the prosecutor's own one.
    let (status, map) = office.get(&token, &format!("/v1/appeals/map?today={as_of}"));
    assert_eq!(status, 200, "{map}");
    let districts = map["by_district"].as_object().unwrap();
    let total: u64 = districts.values().map(|c| c["total"].as_u64().unwrap()).sum();
    assert_eq!(total + map["without_district"].as_u64().unwrap(), held as u64, "{map:#}");
    assert!(districts.keys().any(|d| d == "1940") && districts.keys().any(|d| d == "5532"), "{map:#}");
    assert!(districts.values().all(|c| c["open"].as_u64() <= c["total"].as_u64()));
    let (_, hers) = office.get(&office.login("Асель Нурланова"), "/v1/appeals/map");
    assert!(hers["by_district"].as_object().unwrap().keys().all(|d| d == "1940"), "{hers:#}");
    let seen = saule.session().office().appeals_map().unwrap();
    let (_, direct) = office.get(&token, "/v1/appeals/map");
    assert_eq!(serde_json::to_value(&seen.map.by_district).unwrap(), direct["by_district"]);

    // The office out of reach: the supervisor's workstation shows the last scan it was given, said so.
    office.server.kill();
    let kept = saule.session().office().theme_scan().unwrap();
    assert!(kept.offline.is_some(), "{kept:?}");
    assert_eq!(kept.scan, view.scan, "the last scan given, as given");
}
