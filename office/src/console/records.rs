//! `ekn-office conflicts`, `journal` and `access-log`: what the office recorded — the offline
//! writes that collided, its own hash-chained journal of decisions, and who looked at whom (read
//! in a named person's scope, which is itself logged).

use deadpool_postgres::Pool;
use ekn_i18n::{tr, tr_count};
use ekn_office::access::{self, AccessQuery};
use ekn_office::people::{self, Caller};
use ekn_office::{db, journal, OfficeError};

use super::print_json;

pub async fn conflicts(pool: &Pool, json: bool) -> Result<(), OfficeError> {
    let list = ekn_office::conflicts::whole_office(&mut pool.get().await?).await?;
    if json {
        print_json(&list);
    } else if list.is_empty() {
        println!("{}", tr("office.no_conflicts"));
    } else {
        for c in list {
            println!("{}", serde_json::to_value(&c).unwrap_or_default());
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
