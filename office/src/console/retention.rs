//! `ekn-office retention …`: the destruction acts the office carried out on its copy and every
//! replica, and the sweep that rewrites the tables destroyed data lived in.

use clap::Subcommand;
use deadpool_postgres::Pool;
use ekn_i18n::{tr, tr_with};
use ekn_office::{retention, OfficeError};

use super::print_json;

#[derive(Subcommand)]
pub enum RetentionAction {
    /// Every act, newest first, with the office's entries it cleared and the workstations it reached.
    Acts {
        #[arg(long)]
        json: bool,
    },
    /// Rewrite the table that held the destroyed personal data (VACUUM FULL, as the owner).
    Sweep,
}

pub async fn retention(pool: &Pool, action: RetentionAction) -> Result<(), OfficeError> {
    let client = pool.get().await?;
    match action {
        RetentionAction::Acts { json } => {
            let acts = retention::acts(&client).await?;
            if json {
                print_json(&acts);
            } else if acts.is_empty() {
                println!("{}", tr("office.retention.none"));
            }
            for a in acts.iter().filter(|_| !json) {
                let vars: [(&str, &dyn std::fmt::Display); 10] = [
                    ("act", &a.act_number),
                    ("by", &a.by),
                    ("ws", &a.workstation),
                    ("at", &a.at),
                    ("records", &a.records),
                    ("cleared", &a.office_entries),
                    ("kept_v1", &a.kept_v1),
                    ("outside", &a.kept_outside),
                    ("reached", &a.replicas_reached),
                    ("pending", &a.replicas_pending),
                ];
                println!("{}", tr_with("office.retention.act", &vars));
            }
        }
        RetentionAction::Sweep => {
            retention::sweep(&client).await?;
            println!("{}", tr("office.retention.swept"));
        }
    }
    Ok(())
}
