//! The office's anomalies of inspection practice in the app (issue 64): the detectors of `ekn
//! anomalies` over the registry the office's connector fetched (the demo's regions 19 and 55,
//! where practices are planted), computed over the whole office so a district is judged against
//! all of its peers and neighbours, and listed as each role may read them — a supervisor of
//! region 19 the units in its districts with the objects behind them, a prosecutor her own district's only, an analyst
//! every unit without a single object, an administrator nothing. A supervisor's joined
//! workstation shows the office's own list, says when it was computed, and keeps it for the time
//! the office is out of reach; the office's analyst, who enrols no workstation, logs in from the app
//! and reads every unit without an object, and the figures without a name or a theme.

use super::effect::fetch_registry;
use super::national::region_registry;
use crate::support::{inspections_in, office_cli, same_figures, Office, Workstation};
use ekn::api::office::{OfficeReport, ReportFormat};

fn ids(list: &serde_json::Value) -> Vec<String> {
    let mut ids: Vec<String> =
        list["anomalies"].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap().to_string()).collect();
    ids.sort();
    ids
}

#[test]
fn each_role_reads_the_offices_anomalies_as_far_as_its_role_reaches() {
    let Some(mut office) = Office::start() else { return };
    office.add_user("Admin Dana", "admin", "");
    office.add_user("Supervisor Saule", "supervisor", "19");
    office.add_user("Analyst Arman", "analyst", "");
    let today = "2026-12-01";
    let both = format!("{}{}", region_registry("19"), region_registry("55").split_once('\n').unwrap().1);
    let _portal = fetch_registry(&office, &both);

    // The console's list over the whole office: the planted practices stand out.
    let (ok, out, err) = office_cli(&office.pg_url, &["anomalies", "--today", today, "--json"], &[]);
    assert!(ok, "{err}");
    let whole: serde_json::Value = serde_json::from_str(&out).unwrap();
    let all = whole["anomalies"].as_array().unwrap();
    let in_districts: Vec<&serde_json::Value> =
        all.iter().filter(|a| a["district"].as_str().is_some_and(|d| d.starts_with("19"))).collect();
    assert!(!in_districts.is_empty(), "the demo's planted practices stand out in region 19's districts: {whole:#}");
    assert!(in_districts.len() < all.len(), "and elsewhere: {whole:#}");
    assert_eq!(whole["districts"], serde_json::json!(["*"]));

    // A supervisor of region 19: every unit placed in its districts, with its objects; the others
    // (region 55's, and a body's across a region, placed in no district) counted as outside.
    let supervisor = office.login("Supervisor Saule");
    let (status, seen) = office.get(&supervisor, &format!("/v1/anomalies?today={today}"));
    assert_eq!(status, 200, "{seen}");
    let mut expected: Vec<String> = in_districts.iter().map(|a| a["id"].as_str().unwrap().to_string()).collect();
    expected.sort();
    assert_eq!(ids(&seen), expected);
    assert_eq!(seen["outside"].as_u64(), Some((all.len() - in_districts.len()) as u64));
    assert_eq!(seen["objects_withheld"], false);
    for a in seen["anomalies"].as_array().unwrap() {
        let twin = all.iter().find(|w| w["id"] == a["id"]).unwrap();
        assert_eq!(a, twin, "the office's own figures and objects");
    }
    assert!(seen["computed_at"].is_string(), "{seen:#}");

    // A prosecutor of one district: that district's units only.
    let district = in_districts[0]["district"].as_str().unwrap().to_string();
    office.add_user("Асель Нурланова", "prosecutor", &district);
    let (_, hers) = office.get(&office.login("Асель Нурланова"), &format!("/v1/anomalies?today={today}"));
    assert!(!ids(&hers).is_empty());
    assert!(hers["anomalies"].as_array().unwrap().iter().all(|a| a["district"] == district.as_str()), "{hers:#}");
    let theirs = in_districts.iter().filter(|a| a["district"] == district.as_str()).count();
    assert_eq!(hers["anomalies"].as_array().unwrap().len(), theirs);
    assert_eq!(hers["outside"].as_u64(), Some((all.len() - theirs) as u64));
    // Her list in words says what lies outside her districts (one wording for both consoles).
    let hers_typed: ekn::api::office::OfficeAnomalies = serde_json::from_value(hers.clone()).unwrap();
    let text = ekn::i18n::office_lines::anomalies_text(&hers_typed);
    let outside = ekn::i18n::tr_with("office.anomalies.outside", &[("n", &hers_typed.outside)]);
    assert!(hers_typed.outside > 0 && text.contains(&outside), "{text}");

    // An analyst: every unit, never an object behind one.
    let (_, analyst) = office.get(&office.login("Analyst Arman"), &format!("/v1/anomalies?today={today}"));
    assert_eq!(ids(&analyst), ids(&whole));
    assert_eq!(analyst["objects_withheld"], true);
    assert!(all.iter().any(|a| !a["subject_bins"].as_array().unwrap().is_empty()), "objects exist to withhold");
    assert!(analyst["anomalies"].as_array().unwrap().iter().all(|a| a["subject_bins"] == serde_json::json!([])));

    // An administrator reads no content.
    let (status, refused) = office.get(&office.login("Admin Dana"), "/v1/anomalies");
    assert_eq!(status, 403, "{refused}");

    // The supervisor's joined workstation: the office's list as the office sent it, and in words.
    let saule = Workstation::new(&inspections_in(&["1940"], 1));
    saule.join(&office, "Supervisor Saule", "supervisor's PC");
    // The list a head hands on: a workbook in Kazakh, read back by another library — what produced
    // it on its first sheet, one row per practice with the office's own figures and objects.
    let (name, bytes) =
        saule.session().office().report(OfficeReport::Anomalies, ReportFormat::Xlsx, ekn::i18n::Lang::Kk).unwrap();
    assert!(name.ends_with(".xlsx"), "{name}");
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let sheets = book.sheet_names();
    assert_eq!(sheets.len(), 2, "{sheets:?}");
    let about = book.worksheet_range(&sheets[0]).unwrap();
    let about: Vec<String> = about.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect();
    assert!(about.iter().any(|c| c.starts_with("funnel-spiegelhalter")), "the method and its settings: {about:?}");
    assert!(about.iter().any(|c| c == "Supervisor Saule (supervisor)"), "{about:?}");
    let list = book.worksheet_range(&sheets[1]).unwrap();
    let rows: Vec<Vec<String>> = list.rows().skip(1).map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert_eq!(rows.len(), expected.len(), "{rows:?}");
    for row in &rows {
        let twin = all.iter().find(|a| a["id"] == row[0].as_str()).unwrap();
        assert_eq!(row[6].parse::<f64>().ok(), twin["observed"].as_f64(), "{row:?}");
        assert_eq!(
            row[13],
            twin["subject_bins"].as_array().unwrap().iter().map(|b| b.as_str().unwrap()).collect::<Vec<_>>().join(", ")
        );
        assert!(row[12].contains("аудан"), "the explanation in Kazakh: {}", row[12]);
    }

    // And as a PDF printed by Chromium, read back by poppler (an independent reader): the title and
    // the explanations in Kazakh letters, each practice's id and objects.
    let (name, pdf) =
        saule.session().office().report(OfficeReport::Anomalies, ReportFormat::Pdf, ekn::i18n::Lang::Kk).unwrap();
    assert!(name.ends_with(".pdf") && pdf.starts_with(b"%PDF"), "{name}");
    let text = crate::support::pdf_text(&pdf);
    assert!(text.contains("аномалиялары") && text.contains("ауданы"), "{text}");
    for id in &expected {
        assert!(text.contains(id.as_str()), "{id} in the PDF: {text}");
    }
    // The office's analyst in the app: no workstation of their own, a login of their own on this
    // (joined) machine — every unit of the list, the figures without a name, no object, no theme.
    // A theme of the supervisor's reaches the office: the supervisor's scan names it and its author.
    let definition = ekn::api::ThemeDefinition {
        categories: vec!["social.housing".into()],
        kato: vec!["1940".into()],
        ..Default::default()
    };
    let request = ekn::api::SaveThemeRequest { name: "ЖКХ".into(), definition, reason: "план".into() };
    saule.session().analytics().save_theme(&request).unwrap();
    saule.session().office().sync().unwrap();
    let (_, scan) = office.get(&supervisor, "/v1/themes/scan");
    assert!(
        !scan["themes"].as_array().unwrap().is_empty() && !scan["owners"].as_array().unwrap().is_empty(),
        "{scan:#}"
    );
    let analyst_login = |user: &str| {
        saule.session().office().analyst_login(&ekn::api::office::OfficeLoginParams {
            url: None,
            user: user.into(),
            password: crate::support::PASSWORD.into(),
            tls_ca: None,
            tls_pin: None,
        })
    };
    let refused = analyst_login("Supervisor Saule").err().expect("a supervisor is no analyst");
    assert!(refused.message.contains("not an analyst"), "{refused:?}");
    // An analyst of region 19's districts: the themes in scope are there, and still not hers to read.
    office.add_user("Analyst Aizhan", "analyst", "19");
    let (mut aizhan, seen) = analyst_login("Analyst Aizhan").unwrap();
    let mut listed: Vec<String> = seen.anomalies.report.anomalies.iter().map(|a| a.anomaly.id.clone()).collect();
    listed.sort();
    assert_eq!(listed, ids(&whole));
    assert!(seen.anomalies.objects_withheld);
    assert!(seen.dashboard.by_owner.is_empty() && seen.dashboard.figures.by_assignee.is_empty());
    assert!(seen.themes.owners.is_empty() && seen.themes.scan.themes.is_empty());
    assert!(seen.stale.is_none() && seen.appeals.computed_at.is_some());
    assert_eq!(aizhan.figures(chrono::Utc::now()).unwrap().anomalies.report.anomalies.len(), listed.len());
    // Her anomalies as a workbook: every practice, not one object.
    let (_, bytes) = aizhan.report(OfficeReport::Anomalies, ReportFormat::Xlsx, ekn::i18n::Lang::Ru).unwrap();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let sheets = book.sheet_names();
    let list = book.worksheet_range(&sheets[1]).unwrap();
    let rows: Vec<Vec<String>> = list.rows().skip(1).map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert_eq!(rows.len(), listed.len());
    assert!(rows.iter().all(|r| r[13].is_empty()), "no object in an analyst's workbook: {rows:?}");
    aizhan.logout();

    let view = saule.session().office().anomalies().unwrap();
    assert!(view.offline.is_none() && view.anomalies.computed_at.is_some(), "{view:?}");
    let mut shown: Vec<String> = view.anomalies.report.anomalies.iter().map(|a| a.anomaly.id.clone()).collect();
    shown.sort();
    assert_eq!(shown, expected);

    // The office out of reach: the last list given, said so.
    office.server.kill();
    let kept = saule.session().office().anomalies().unwrap();
    assert!(kept.offline.is_some(), "{kept:?}");
    // The same list, read back from the kept copy (serde_json parses a float to within its last bit).
    let (kept, given) =
        (serde_json::to_value(&kept.anomalies).unwrap(), serde_json::to_value(&view.anomalies).unwrap());
    assert!(same_figures(&kept, &given), "{kept:#} against {given:#}");
}
