//! `ekn-office conflicts`, `journal` and `access-log`: what the office recorded — the offline
//! writes that collided, its own hash-chained journal of decisions, and who looked at whom (read
//! in a named person's scope, which is itself logged).

use deadpool_postgres::Pool;
use ekn::i18n::{tr, tr_count};
use ekn_office::access::{self, AccessQuery};
use ekn_office::people::{self, Caller};
use ekn_office::{db, journal, OfficeError};

use super::print_json;

pub async fn conflicts(pool: &Pool, json: bool) -> Result<(), OfficeError> {
    let mut client = pool.get().await?;
    // The whole office's conflicts: the console's view, under the office's own scope.
    let tx = db::scoped(&mut client, &db::Scope::office()).await?;
    let rows = tx
        .query(
            "SELECT c.id, c.object_key, c.district, c.events, c.resolved_at IS NOT NULL, c.reason \
             FROM conflicts c ORDER BY c.resolved_at IS NOT NULL, c.id",
            &[],
        )
        .await?;
    tx.commit().await?;
    let list: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| {
            serde_json::json!({
                "id": r.get::<_, i64>(0),
                "object_key": r.get::<_, String>(1),
                "district": r.get::<_, Option<String>>(2),
                "entries": r.get::<_, Vec<i64>>(3),
                "resolved": r.get::<_, bool>(4),
                "reason": r.get::<_, Option<String>>(5),
            })
        })
        .collect();
    if json {
        print_json(&list);
    } else if list.is_empty() {
        println!("{}", tr("office.no_conflicts"));
    } else {
        for c in list {
            println!("{c}");
        }
    }
    Ok(())
}

pub async fn journal(pool: &Pool, object: Option<String>, verify: bool, json: bool) -> Result<(), OfficeError> {
    let mut client = pool.get().await?;
    if verify {
        match journal::verify_chain(&mut client).await? {
            Ok(entries) => {
                println!("{}", tr_count("office.journal_holds", entries, &[]))
            }
            Err(problem) => return Err(OfficeError::Config(problem)),
        }
        return Ok(());
    }
    let scope = db::Scope { admin: true, ..db::Scope::office() };
    let entries = journal::read(&mut client, &scope, object.as_deref()).await?;
    if json {
        print_json(&entries);
    } else if entries.is_empty() {
        println!("{}", tr("office.no_entries"));
    } else {
        for e in entries {
            println!(
                "{:>6}  {}  {:<22} {:<20} {:<28} {}",
                e.seq,
                e.at.format("%Y-%m-%d %H:%M:%S"),
                e.kind,
                e.person.as_deref().unwrap_or("(the office's rule)"),
                e.object_key,
                e.detail
            );
        }
    }
    Ok(())
}

pub async fn access_log(
    pool: &Pool,
    subject: Option<String>,
    user: Option<String>,
    as_person: Option<String>,
    verify: bool,
    json: bool,
) -> Result<(), OfficeError> {
    if verify {
        let mut client = pool.get().await?;
        match access::verify_chain(&mut client).await? {
            Ok(lines) => println!("{}", tr_count("office.access_log_holds", lines, &[])),
            Err(problem) => return Err(OfficeError::Config(problem)),
        }
        return Ok(());
    }
    let name = as_person.ok_or_else(|| {
        OfficeError::bad_request("reading the access log is logged: name the reader with --as or EKN_OFFICE_USER")
    })?;
    let mut client = pool.get().await?;
    let person = people::by_name(&client, &name).await?;
    let caller = Caller { person, workstation: None };
    let lines = access::read(&mut client, &caller, &AccessQuery { subject, user, limit: None }).await?;
    if json {
        print_json(&lines);
    } else {
        for l in lines {
            println!(
                "{:>6}  {}  {:<20} {:<10} {:<10} {:<14} {:<9} {}",
                l.seq,
                l.at.format("%Y-%m-%d %H:%M:%S"),
                l.person,
                l.role,
                l.action,
                l.subject.unwrap_or_default(),
                l.outcome,
                l.detail.unwrap_or_default()
            );
        }
    }
    Ok(())
}
