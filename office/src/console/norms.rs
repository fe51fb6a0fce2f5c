//! `ekn-office norms …`: the norms catalogue the office confirmed — imported once by an
//! administrator, handed to every workstation with its next sync (docs/OFFICE.md).

use clap::Subcommand;
use ekn_i18n::{tr, tr_with};
use ekn_office::OfficeError;

use super::{named, print_json};

#[derive(Subcommand)]
pub enum NormsAction {
    /// Import a catalogue (the format of `ekn norms export`), checked as a workstation checks its
    /// own; an administrator, --as. Workstations take it with their next sync.
    Import {
        file: std::path::PathBuf,
        #[arg(long = "as", env = "EKN_OFFICE_USER", value_name = "NAME")]
        as_person: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Every catalogue imported, newest (in force) first.
    List {
        #[arg(long)]
        json: bool,
    },
}

pub async fn norms(pool: &deadpool_postgres::Pool, action: NormsAction) -> Result<(), OfficeError> {
    match action {
        NormsAction::Import { file, as_person, json } => {
            let by = named(pool, as_person, "imports the office's norms").await?;
            let name = file.display().to_string();
            let size = std::fs::metadata(&file).map_err(|e| OfficeError::Config(format!("{name}: {e}")))?.len();
            if size > ekn_domain::sync::MAX_NORMS_DOCUMENT as u64 {
                return Err(OfficeError::Config(format!(
                    "{name}: {size} bytes is too large for a norms catalogue (at most {})",
                    ekn_domain::sync::MAX_NORMS_DOCUMENT
                )));
            }
            let document = std::fs::read_to_string(&file).map_err(|e| OfficeError::Config(format!("{name}: {e}")))?;
            let notice = ekn_office::norms::import(&mut pool.get().await?, &by, &document, &name).await?;
            if json {
                print_json(&notice);
            } else {
                let vars: [(&str, &dyn std::fmt::Display); 3] =
                    [("file", &notice.source_file), ("norms", &notice.norms), ("sha", &&notice.sha256[..12])];
                println!("{}", tr_with("office.norms.imported", &vars));
            }
        }
        NormsAction::List { json } => {
            let today = ekn_office::dashboard::kazakhstan_today();
            let list = ekn_office::norms::list(&pool.get().await?, today).await?;
            if json {
                print_json(&list);
            } else if list.is_empty() {
                println!("{}", tr("office.norms.none"));
            }
            for c in list.iter().filter(|_| !json) {
                let state = if c.in_force { tr("office.norms.in_force") } else { tr("office.norms.superseded") };
                let vars: [(&str, &dyn std::fmt::Display); 7] = [
                    ("at", &c.notice.imported_at),
                    ("by", &c.notice.imported_by),
                    ("file", &c.notice.source_file),
                    ("norms", &c.notice.norms),
                    ("unconfirmed", &c.unconfirmed_today),
                    ("sha", &&c.notice.sha256[..12]),
                    ("state", &state),
                ];
                println!("{}", tr_with("office.norms.line", &vars));
            }
        }
    }
    Ok(())
}
