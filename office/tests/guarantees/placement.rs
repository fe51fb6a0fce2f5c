//! The office decides where a push's entries belong. Two prosecutors of different districts who
//! hold one appeal both sync (the second was refused with a 500 for ever); a push cannot place
//! work in another district, take a colleague's task key, or relabel where an object lives; a
//! conflict between holders in different districts is found office-wide.

use ekn::domain::sync::SyncEvent;

use crate::support::{bins_of, inspections_in, open_appeals_in, task_state, Office, Rogue, Workstation};

fn office() -> Option<Office> {
    let office = Office::start()?;
    office.add_user("Асель Нурланова", "prosecutor", "1940");
    office.add_user("Bekzat Omarov", "prosecutor", "5532");
    office.add_user("Supervisor Saule", "supervisor", "1940,5532");
    Some(office)
}

/// An open appeal of the demo's, with its KATO blanked (a regional export that named no district).
fn appeal_without_kato() -> (String, String) {
    let csv = open_appeals_in("1940", 1);
    let mut lines = csv.lines();
    let header = lines.next().unwrap();
    let row = lines.next().unwrap();
    let mut fields: Vec<&str> = row.splitn(8, ',').collect();
    fields[6] = "";
    (fields[0].to_string(), format!("{header}\n{}\n", fields.join(",")))
}

#[test]
fn two_prosecutors_of_different_districts_holding_one_appeal_both_sync() {
    let Some(office) = office() else { return };
    let (no, appeals) = appeal_without_kato();
    let wa = Workstation::new(&inspections_in(&["1940"], 1));
    let wb = Workstation::new(&inspections_in(&["5532"], 1));
    for (ws, person) in [(&wa, "Асель Нурланова"), (&wb, "Bekzat Omarov")] {
        ws.import_appeals(&appeals);
        ws.join(&office, person, "PC");
    }
    wa.session().office().sync().unwrap();
    // The second holder's push touches the same appeal's deadline: it syncs, and again.
    let second = wb.session().office().sync().unwrap();
    assert!(second.pushed > 0, "{second:?}");
    wb.session().office().sync().unwrap();
    let key = format!("appeal:{no}/consider_appeal");
    let rows = office.pg.psql(
        "ekn",
        &format!("SELECT string_agg(district, ',' ORDER BY district) FROM office_tasks WHERE object_key = '{key}'"),
    );
    assert_eq!(rows, "1940,5532", "each holder's state, in its own district");
    // With no KATO, each entry stands in its author's district: Асель does not see Bekzat's.
    let ra = wa.session().office().sync().unwrap();
    assert_eq!(ra.pulled, 0, "{ra:?}");
    assert!(wa.session().office().status().unwrap().link.unwrap().last_error.is_none());
}

#[test]
fn a_push_cannot_place_work_in_another_district_take_a_colleagues_key_or_relabel_an_object() {
    let Some(office) = office() else { return };
    let csv = inspections_in(&["1940"], 2);
    let (bin, kato) = bins_of(&csv)[0].clone();
    let wa = Workstation::new(&csv);
    let joined = wa.join(&office, "Асель Нурланова", "office PC");
    let asel_ws = joined.link.unwrap().workstation_id;
    crate::add_task(&wa, &bin, "Асель's task", "2026-11-02".parse().unwrap());
    wa.session().office().sync().unwrap();
    let token_a = office.login("Асель Нурланова");
    assert_eq!(office.get(&token_a, &format!("/v1/cards/{bin}")).0, 200);

    // Bekzat (5532) with a modified client.
    let mut rogue = Rogue::enrol(&office, "Bekzat Omarov", 42);
    let hijack = SyncEvent {
        entry: rogue.entry("task_created", Some(1), None, Some(&bin)),
        // Асель's task's key, in Асель's district, with a state of the rogue's choosing.
        object_key: Some(format!("task:{asel_ws}/1")),
        district: Some(kato.clone()),
        base_global: 0,
        task: Some(task_state("gather_information", None, Some(&bin))),
    };
    let relabel = SyncEvent {
        entry: rogue.entry("task_noted", None, None, Some(&bin)),
        object_key: Some(format!("card:{bin}")),
        district: Some("553210000".into()),
        base_global: 0,
        task: None,
    };
    let (status, reply) = rogue.push(vec![hijack, relabel]);
    assert_eq!(status, 200, "a push is never refused for its placement: {reply}");
    let notes = reply["placement"].as_array().unwrap();
    assert!(
        notes.iter().any(|n| n["suspicious"] == true && n["message"].as_str().unwrap().contains("outside")),
        "{reply}"
    );
    // Stored under the rogue's own key and district, an incident for the administrator.
    let stored = office.pg.psql(
        "ekn",
        &format!("SELECT object_key || '@' || district FROM events WHERE ws = '{}' ORDER BY seq LIMIT 1", rogue.ws),
    );
    assert_eq!(stored, format!("task:{}/1@5532", rogue.ws));
    assert_eq!(office.pg.psql("ekn", "SELECT count(*) FROM incidents WHERE kind = 'placement'"), "1");
    let (ok, out, err) = crate::support::office_cli(&office.pg_url, &["incidents"], &[]);
    assert!(ok && out.contains("placement") && out.contains("outside"), "{out}{err}");
    // Асель's task state is untouched, and her card is still hers.
    let asel_state = office.pg.psql(
        "ekn",
        &format!("SELECT state->>'title' FROM office_tasks WHERE object_key = 'task:{asel_ws}/1' AND ws = '{asel_ws}'"),
    );
    assert_eq!(asel_state, "Асель's task");
    assert_eq!(
        office.pg.psql("ekn", &format!("SELECT count(*) FROM office_tasks WHERE object_key = 'task:{asel_ws}/1'")),
        "1"
    );
    let (status, card) = office.get(&token_a, &format!("/v1/cards/{bin}"));
    assert_eq!(status, 200, "the rightful prosecutor keeps her card: {card}");
    // Nothing of the rogue's reached Асель's desk or her district's dashboard.
    let ra = wa.session().office().sync().unwrap();
    assert_eq!(ra.pulled, 0, "{ra:?}");
    let (_, board) = office.get(&token_a, "/v1/dashboard?today=2026-11-20");
    assert_eq!(board["tasks"], 1, "{board}");
}

#[test]
fn holders_of_one_deadline_in_different_districts_open_one_conflict() {
    let Some(office) = office() else { return };
    // One appeal, in 1940 by its KATO; Bekzat (5532) holds it too, from a regional export.
    let appeals = open_appeals_in("1940", 1);
    let no = appeals.lines().nth(1).unwrap().split(',').next().unwrap().to_string();
    let wa = Workstation::new(&inspections_in(&["1940"], 1));
    let wb = Workstation::new(&inspections_in(&["5532"], 1));
    for (ws, person) in [(&wa, "Асель Нурланова"), (&wb, "Bekzat Omarov")] {
        ws.import_appeals(&appeals);
        ws.join(&office, person, "PC");
        ws.session().office().sync().unwrap();
    }
    let (on_a, due) = crate::consideration_of(&wa, &no);
    let (on_b, _) = crate::consideration_of(&wb, &no);
    let calendar = ekn::domain::calendar::Calendar::builtin();
    let near = calendar.next_working_on_or_after(due + chrono::Days::new(10));
    let far = calendar.next_working_on_or_after(due + chrono::Days::new(20));
    wa.session().tasks().extend(on_a, far, None, "запрошены документы").unwrap();
    wb.session().tasks().extend(on_b, near, None, "выезд на место").unwrap();
    wa.session().office().sync().unwrap();
    let second = wb.session().office().sync().unwrap();
    // Bekzat cannot read Асель's entry, and still the office sees the two writes collide.
    assert_eq!(second.conflicts, vec![format!("appeal:{no}/consider_appeal")], "{second:?}");
    assert_eq!(office.pg.psql("ekn", "SELECT count(*) FROM conflicts WHERE resolved_at IS NULL"), "1");
}
