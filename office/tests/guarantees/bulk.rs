//! A push stored in set-based statements (issue 41) keeps the guarantees the entry-by-entry push
//! gave: the whole push is checked before anything is stored — a gap and a broken link are
//! refused, saying where, with nothing applied —, an entry repeated within one push is a duplicate,
//! the global numbers follow the push's order, and each task's last state in the push is the one
//! projected.

use ekn::domain::sync::SyncEvent;

use crate::support::{task_state, Office, Rogue};

fn event(entry: ekn::domain::journal::StoredEntry, due: &str) -> SyncEvent {
    let mut task = task_state("gather_information", None, None);
    task.current_due = due.parse().unwrap();
    SyncEvent { entry, object_key: None, district: Some("194010000".into()), base_global: 0, task: Some(task) }
}

#[test]
fn a_push_is_checked_whole_and_stored_in_its_order_with_each_tasks_last_state() {
    let office = Office::start().expect("PostgreSQL for the office's tests");
    office.add_user("Асель Нурланова", "prosecutor", "1940");
    let mut rogue = Rogue::enrol(&office, "Асель Нурланова", 51);
    let first = rogue.entry("task_created", Some(1), None, None);
    let second = rogue.entry("task_noted", Some(1), None, None);
    let third = rogue.entry("task_created", Some(2), None, None);
    let mut broken = rogue.entry("task_noted", Some(2), None, None);
    let stored = |office: &Office| {
        office.pg.psql("ekn", &format!("SELECT count(*) FROM events WHERE ws = '{}'", rogue.ws)).parse::<i64>().unwrap()
    };

    // A gap: the first entry, then the third.
    let (status, reply) = rogue.push(vec![event(first.clone(), "2026-11-16"), event(third.clone(), "2026-11-20")]);
    assert_eq!(
        (status, reply["error"].as_str(), reply["expected_seq"].as_i64()),
        (409, Some("gap"), Some(2)),
        "{reply}"
    );
    assert_eq!(stored(&office), 0, "nothing of a refused push is stored");
    // The whole push, the first entry sent twice: three stored in order, one duplicate.
    let (status, reply) = rogue.push(vec![
        event(first.clone(), "2026-11-16"),
        event(second.clone(), "2026-11-18"),
        event(first.clone(), "2026-11-16"),
        event(third.clone(), "2026-11-20"),
    ]);
    assert_eq!(status, 200, "{reply}");
    assert_eq!((reply["applied"].as_i64(), reply["duplicates"].as_i64()), (Some(3), Some(1)), "{reply}");
    let (from, to) = (reply["global_from"].as_i64().unwrap(), reply["global_to"].as_i64().unwrap());
    assert_eq!(to - from, 2, "{reply}");
    let order = office.pg.psql(
        "ekn",
        &format!("SELECT string_agg(seq::text, ',' ORDER BY global_seq) FROM events WHERE ws = '{}'", rogue.ws),
    );
    assert_eq!(order, "1,2,3");
    // Task 1's state is the one its last entry in the push carried.
    let due = office.pg.psql(
        "ekn",
        &format!(
            "SELECT current_due || ' ' || effective_due FROM office_tasks WHERE object_key = 'task:{}/1'",
            rogue.ws
        ),
    );
    assert_eq!(due, "2026-11-18 2026-11-18");
    assert_eq!(office.pg.psql("ekn", &format!("SELECT count(*) FROM office_tasks WHERE ws = '{}'", rogue.ws)), "2");

    // The same push again is all duplicates.
    let (status, reply) =
        rogue.push(vec![event(first, "2026-11-16"), event(second, "2026-11-18"), event(third, "2026-11-20")]);
    assert_eq!((status, reply["applied"].as_i64(), reply["duplicates"].as_i64()), (200, Some(0), Some(3)), "{reply}");
    assert_eq!(stored(&office), 3);

    // A broken link: a fourth entry rehashed over another predecessor is a fork (and blocks the
    // workstation until an administrator acts), nothing of it stored.
    broken.prev_hash = "ab".repeat(32);
    broken.hash = ekn::domain::journal::chain_hash(&broken);
    let (status, reply) = rogue.push(vec![event(broken, "2026-11-22")]);
    assert_eq!((status, reply["error"].as_str()), (409, Some("fork")), "{reply}");
    assert!(reply["message"].as_str().unwrap().contains("entry 4 does not follow"), "{reply}");
    assert_eq!(stored(&office), 3);
}
