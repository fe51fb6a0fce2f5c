//! `ekn-office user …`, `workstation …` and `incidents`: the office's people (roles, districts,
//! units, passwords, blocks) and its enrolled workstations (re-admission, revocation, incidents).

use clap::Subcommand;
use deadpool_postgres::Pool;
use ekn_i18n::{tr, tr_with};
use ekn_office::people::{self, Role};
use ekn_office::{workstations, OfficeError};

use super::{named, password, print_json};

#[derive(Subcommand)]
pub enum UserAction {
    /// Add a person; the password from EKN_OFFICE_PASSWORD or the prompt.
    Add {
        name: String,
        #[arg(long)]
        role: String,
        /// KATO prefixes, comma-separated (`1910,1920`); `*` for all.
        #[arg(long, default_value = "")]
        districts: String,
        /// The routing table's units the person works in (`social_rights,business`): appeals
        /// routed there are handed to the member with the least open work.
        #[arg(long, default_value = "")]
        units: String,
    },
    /// Set the units a person works in (replaces the list; "" for none).
    Units { name: String, units: String },
    /// The office's people: role, districts, units, whether blocked.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Block a person: their sessions end, their workstations' syncs are refused.
    Block {
        name: String,
        #[arg(long)]
        reason: String,
    },
    /// Lift a person's block, with a reason.
    Unblock {
        name: String,
        #[arg(long)]
        reason: String,
    },
    /// Set the districts a person covers (replaces the list; KATO prefixes, `*` for all); their
    /// sessions end.
    Districts { name: String, districts: String },
    /// Set a person's password (EKN_OFFICE_PASSWORD or the prompt); their sessions end.
    Password { name: String },
}

#[derive(Subcommand)]
pub enum WorkstationAction {
    /// The office's workstations: whose, when each last synced, whether revoked.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Let a restored or copied database continue under its new epoch (it names it in its error).
    Readmit {
        id: String,
        #[arg(long)]
        epoch: String,
        #[arg(long)]
        reason: String,
    },
    /// Revoke one workstation (a stolen or retired machine), for good: everything it signs is
    /// refused and it purges what it pulled; its person's other machines go on. An administrator, --as.
    Revoke {
        id: String,
        #[arg(long)]
        reason: String,
        #[arg(long = "as", env = "EKN_OFFICE_USER", value_name = "NAME")]
        as_person: Option<String>,
    },
}

pub async fn user(pool: &Pool, action: UserAction) -> Result<(), OfficeError> {
    let client = pool.get().await?;
    match action {
        UserAction::Add { name, role, districts, units } => {
            let role = Role::parse(&role)?;
            let districts = people::parse_districts(&districts)?;
            let units = people::parse_units(&units)?;
            let person = people::add(&client, &name, role, &districts, &units, &password()?).await?;
            let vars: [(&str, &dyn std::fmt::Display); 4] = [
                ("name", &person.name),
                ("role", &person.role.code()),
                ("districts", &person.districts.join(",")),
                ("units", &person.units.join(",")),
            ];
            println!("{}", tr_with("office.user.added", &vars));
        }
        UserAction::Units { name, units } => {
            let person = people::set_units(&client, &name, &people::parse_units(&units)?).await?;
            let units = person.units.join(",");
            println!("{}", tr_with("office.units_set", &[("name", &person.name), ("units", &units)]));
            drop(client);
            // Tasks that found nobody in their unit before may find this person now.
            for r in ekn_office::routing::route_pending(&mut pool.get().await?).await? {
                println!("{} → {}: {}", r.object_key, r.person, r.reason);
            }
        }
        UserAction::List { json } => {
            let list = people::list(&client).await?;
            if json {
                print_json(&list);
            } else {
                for p in list {
                    let blocked = p
                        .blocked_reason
                        .map(|r| tr_with("office.user.blocked_mark", &[("reason", &r)]))
                        .unwrap_or_default();
                    println!(
                        "{:<30} {:<11} {:<20} {}{blocked}",
                        p.name,
                        p.role.code(),
                        p.districts.join(","),
                        p.units.join(",")
                    );
                }
            }
        }
        UserAction::Block { name, reason } => {
            let person = people::block(&client, &name, &reason).await?;
            println!("{}", tr_with("office.blocked", &[("name", &person.name)]));
        }
        UserAction::Unblock { name, reason } => {
            let person = people::unblock(&client, &name, &reason).await?;
            println!("{}", tr_with("office.unblocked", &[("name", &person.name)]));
        }
        UserAction::Districts { name, districts } => {
            let person = people::set_districts(&client, &name, &people::parse_districts(&districts)?).await?;
            let districts = person.districts.join(",");
            println!("{}", tr_with("office.districts_set", &[("name", &person.name), ("districts", &districts)]));
        }
        UserAction::Password { name } => {
            let person = people::set_password(&client, &name, &password()?).await?;
            println!("{}", tr_with("office.password_set", &[("name", &person.name)]));
        }
    }
    Ok(())
}

pub async fn workstation(pool: &Pool, action: WorkstationAction) -> Result<(), OfficeError> {
    let client = pool.get().await?;
    match action {
        WorkstationAction::List { json } => {
            let list = workstations::workstations(&client).await?;
            if json {
                print_json(&list);
            } else {
                for w in list {
                    let blocked = w
                        .blocked_reason
                        .map(|r| tr_with("office.user.blocked_mark", &[("reason", &r)]))
                        .unwrap_or_default();
                    let revoked = w
                        .revoked_reason
                        .map(|r| tr_with("office.workstation.revoked_mark", &[("reason", &r)]))
                        .unwrap_or_default();
                    let entries = tr_with("office.workstation.entries", &[("n", &w.last_seq)]);
                    println!("{}  {:<24} {:<20} {entries}{blocked}{revoked}", w.id, w.person, w.name);
                }
            }
        }
        WorkstationAction::Readmit { id, epoch, reason } => {
            workstations::readmit(&client, &id, &epoch, &reason).await?;
            println!("{}", tr_with("office.workstation.readmitted", &[("id", &id), ("epoch", &epoch)]));
        }
        WorkstationAction::Revoke { id, reason, as_person } => {
            drop(client);
            let by = named(pool, as_person, "revokes a workstation").await?;
            let ws = workstations::revoke(&pool.get().await?, &by, &id, &reason).await?;
            let vars: [(&str, &dyn std::fmt::Display); 3] =
                [("id", &ws.id), ("person", &ws.person), ("name", &ws.name)];
            println!("{}", tr_with("office.workstation.revoked", &vars));
        }
    }
    Ok(())
}

pub async fn incidents(pool: &Pool, limit: i64, json: bool) -> Result<(), OfficeError> {
    let list = workstations::incidents(&pool.get().await?, limit.clamp(1, 10_000)).await?;
    if json {
        print_json(&list);
    } else if list.is_empty() {
        println!("{}", tr("office.no_incidents"));
    } else {
        for i in &list {
            println!("{}  {:<14} {}  {}", i.at, i.kind, i.workstation.as_deref().unwrap_or("—"), i.detail);
        }
    }
    Ok(())
}
