//! `ekn-office national …`: the national read-side's console (docs/NATIONAL.md). `publish` runs on
//! a region as its owner; the others on the national database as a superuser. What it prints is
//! in the person's language (`--lang`, EKN_LANG, the locale).

use clap::Subcommand;
use ekn_i18n::{tr, tr_count, tr_with};
use ekn_office::{national, OfficeError};

#[derive(Subcommand)]
pub enum NationalAction {
    /// On a region, as its owner: publish as region NN (two digits of KATO), fill the published
    /// tables from what the office holds, and let the national reader role read them.
    Publish {
        #[arg(long)]
        region: String,
        /// The role the national side replicates as (created with REPLICATION LOGIN by the DBA).
        #[arg(long, default_value = "ekn_national_reader")]
        reader: String,
    },
    /// On the national database: attach regions, each `NN=CONNINFO` (the region's database as its
    /// national reader); each gets its partitions and a subscription that copies, then streams.
    Init {
        /// A region and the connection string of its database as the national reader:
        /// NN=CONNINFO; may be repeated.
        #[arg(long = "region", value_name = "NN=CONNINFO", required = true)]
        regions: Vec<String>,
    },
    /// Each region: attached, copied, its slot's health, the lag in bytes; exits 0 only when every
    /// region is attached and caught up.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Re-check every region's published chains; exits non-zero naming the region, workstation
    /// and entry where one contradicts itself.
    Verify {
        #[arg(long)]
        json: bool,
    },
    /// Start region NN over: subscription and slot dropped, its rows emptied, copied afresh (an
    /// invalidated slot, a region restored from a backup).
    Resync { region: String },
    /// Themes across regions: every category × district cell of appeals in the country (or in
    /// region NN), its last months judged against the same months of earlier years.
    Themes {
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
        /// How many full months before the date are judged (3; at most 24).
        #[arg(long)]
        months: Option<u32>,
        /// Drill down to one region (two digits of KATO).
        #[arg(long)]
        region: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Anomalies of inspection practice across regions: the detectors of `ekn anomalies` over every
    /// region's published inspections and appeal counts (or region NN's), objects named by their
    /// region's pseudonyms only.
    Anomalies {
        /// The day the analysis ends on (default: today in Kazakhstan).
        #[arg(long)]
        today: Option<chrono::NaiveDate>,
        /// Drill down to one region (two digits of KATO).
        #[arg(long)]
        region: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// On a region: which objects its published pseudonyms (`n:…`, as national anomalies name
    /// them) stand for, from the registry the office holds.
    Objects {
        /// The objects' pseudonyms (`n:` and 24 hexadecimal digits), as national anomalies name them.
        #[arg(required = true)]
        pseudonyms: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// The acts' effectiveness: answered in time, satisfied, protests upheld, days to an answer and
    /// quality at issuance, each with its denominator and interval, for the country and each region.
    Effect {
        #[arg(long)]
        today: Option<chrono::NaiveDate>,
        #[arg(long)]
        json: bool,
    },
    /// The national database's read-only HTTP face, connected as ekn_national_web: the figures for
    /// national analysts, the regions' replication for national administrators, each logging in as
    /// their own PostgreSQL role; TLS with --tls-cert and --tls-key (required off loopback).
    Serve {
        /// The address and port to listen on.
        #[arg(long, env = "EKN_NATIONAL_LISTEN", default_value = "127.0.0.1:8750")]
        listen: std::net::SocketAddr,
        /// The certificate chain the face serves TLS with (PEM).
        #[arg(long, env = "EKN_NATIONAL_TLS_CERT", requires = "tls_key")]
        tls_cert: Option<std::path::PathBuf>,
        /// Its private key (PEM).
        #[arg(long, env = "EKN_NATIONAL_TLS_KEY", requires = "tls_cert")]
        tls_key: Option<std::path::PathBuf>,
    },
    /// The national figures: the totals of `ekn-office dashboard`, the overdue matrix, each
    /// region's totals.
    Dashboard {
        #[arg(long)]
        today: Option<chrono::NaiveDate>,
        #[arg(long)]
        json: bool,
    },
}

fn print_json<T: serde::Serialize>(value: &T) {
    println!("{}", serde_json::to_string_pretty(value).unwrap_or_default());
}

pub async fn run(pool: &deadpool_postgres::Pool, url: &str, action: NationalAction) -> Result<(), OfficeError> {
    let mut client = pool.get().await?;
    match action {
        NationalAction::Serve { listen, tls_cert, tls_key } => {
            drop(client);
            ekn_office::national_web::check_serving_role(pool).await?;
            let tls = match (tls_cert, tls_key) {
                (Some(cert), Some(key)) => Some(ekn_office::http::TlsFiles { cert, key }),
                _ => None,
            };
            let state = ekn_office::national_web::NationalState::new(pool.clone(), url)?;
            ekn_office::national_web::serve(state, listen, tls).await?;
        }
        NationalAction::Publish { region, reader } => {
            let cells = national::publish(&mut client, &region, &reader).await?;
            let vars: [(&str, &dyn std::fmt::Display); 2] = [("region", &region), ("reader", &reader)];
            println!("{}", tr_count("office.national.published", cells, &vars));
        }
        NationalAction::Init { regions } => {
            let mut parsed = Vec::new();
            for spec in regions {
                let (region, conninfo) = spec
                    .split_once('=')
                    .ok_or_else(|| OfficeError::bad_request(format!("--region NN=CONNINFO, not {spec:?}")))?;
                parsed.push((region.to_string(), conninfo.to_string()));
            }
            national::init(&mut client, &parsed).await?;
            let attached = parsed.iter().map(|(r, _)| r.as_str()).collect::<Vec<_>>().join(", ");
            println!("{}", tr_with("office.national.attached", &[("regions", &attached)]));
        }
        NationalAction::Status { json } => {
            let regions = national::status(&mut client).await?;
            if json {
                print_json(&regions);
            } else {
                for r in &regions {
                    let state = tr(match (r.caught_up, r.attached) {
                        (true, _) => "office.national.state.caught_up",
                        (false, true) => "office.national.state.behind",
                        (false, false) => "office.national.state.copying",
                    });
                    let (slot, lag) = (
                        r.slot.as_deref().unwrap_or("—"),
                        r.lag_bytes.map_or_else(|| "—".to_string(), |l| l.to_string()),
                    );
                    let problem = r.problem.as_deref().map(|p| format!(" — {p}")).unwrap_or_default();
                    let vars: [(&str, &dyn std::fmt::Display); 5] = [
                        ("region", &r.region),
                        ("state", &state),
                        ("slot", &slot),
                        ("lag", &lag),
                        ("problem", &problem),
                    ];
                    println!("{}", tr_with("office.national.status", &vars));
                }
            }
            if regions.is_empty() {
                return Err(OfficeError::Config("no region is attached (ekn-office national init)".into()));
            }
            let behind: Vec<&str> = regions.iter().filter(|r| !r.caught_up).map(|r| r.region.as_str()).collect();
            if !behind.is_empty() {
                return Err(OfficeError::Config(format!("not caught up: region(s) {}", behind.join(", "))));
            }
        }
        NationalAction::Verify { json } => {
            let (entries, problems) = national::verify(&mut client).await?;
            if json {
                print_json(&serde_json::json!({ "entries": entries, "problems": problems }));
            } else if problems.is_empty() {
                println!("{}", tr_count("office.national.hold", entries, &[]));
            }
            if let Some(first) = problems.first() {
                for p in &problems {
                    let vars: [(&str, &dyn std::fmt::Display); 5] = [
                        ("region", &p.region),
                        ("ws", &p.ws),
                        ("epoch", &p.epoch),
                        ("seq", &p.seq),
                        ("problem", &p.problem),
                    ];
                    eprintln!("{}", tr_with("office.national.problem", &vars));
                }
                return Err(OfficeError::Config(format!(
                    "{} place(s) where a region's published chain contradicts itself, the first in region {} \
                     (workstation {}, entry {})",
                    problems.len(),
                    first.region,
                    first.ws,
                    first.seq
                )));
            }
        }
        NationalAction::Resync { region } => {
            national::resync(&mut client, &region).await?;
            println!("{}", tr_with("office.national.resync", &[("region", &region)]));
        }
        NationalAction::Themes { as_of, months, region, json } => {
            let as_of = as_of.unwrap_or_else(ekn_office::dashboard::kazakhstan_today);
            let scan = ekn_office::national_themes::cells(&client, as_of, months, region.as_deref()).await?;
            if json {
                print_json(&scan);
            } else {
                let whole = tr("office.national.themes.country");
                let place = scan
                    .region
                    .as_deref()
                    .map_or(whole, |r| tr_with("office.national.themes.region", &[("region", &r)]));
                let vars: [(&str, &dyn std::fmt::Display); 5] = [
                    ("place", &place),
                    ("months", &scan.cells.months.join(", ")),
                    ("regions", &scan.regions.join(", ")),
                    ("method", &scan.method),
                    ("fdr", &scan.params.fdr),
                ];
                println!("{}", tr_with("office.national.themes.head", &vars));
                print!("{}", ekn_i18n::theme_lines::cells_text(&scan.cells));
                println!("\n{}", ekn_i18n::local(&scan.note));
            }
        }
        NationalAction::Anomalies { today, region, json } => {
            let today = today.unwrap_or_else(ekn_office::dashboard::kazakhstan_today);
            let found = ekn_office::national_practice::anomalies(&client, today, region.as_deref()).await?;
            if json {
                print_json(&found);
            } else {
                let place = found.region.as_deref().map_or_else(
                    || tr("office.national.themes.country"),
                    |r| tr_with("office.national.themes.region", &[("region", &r)]),
                );
                let vars: [(&str, &dyn std::fmt::Display); 4] = [
                    ("place", &place),
                    ("inspections", &found.inspections),
                    ("appeals", &found.appeals),
                    ("regions", &found.regions.join(", ")),
                ];
                println!("{}", tr_with("office.national.anomalies.head", &vars));
                print!("{}", ekn_i18n::anomaly_lines::report_text(&found.report));
                println!("{}", tr("office.national.anomalies.pseudonyms"));
            }
        }
        NationalAction::Objects { pseudonyms, json } => {
            let found = ekn_office::national_practice::objects(&mut client, &pseudonyms).await?;
            if json {
                print_json(&found);
            } else {
                for (pseudonym, bin) in &found {
                    let bin = bin.clone().unwrap_or_else(|| tr("office.national.objects.unknown"));
                    println!("{pseudonym}  {bin}");
                }
            }
        }
        NationalAction::Effect { today, json } => {
            let today = today.unwrap_or_else(ekn_office::dashboard::kazakhstan_today);
            let effect = ekn_office::national_acts::effect(&client, today).await?;
            if json {
                print_json(&effect);
            } else {
                let date = ekn_i18n::local_date(today);
                println!("{}", tr_count("office.national.effect.head", effect.totals.acts, &[("date", &date)]));
                for line in ekn_i18n::effect_lines::kpi_lines(&effect.totals) {
                    println!("{line}");
                }
                for (region, k) in &effect.regions {
                    println!("\n{}", tr_count("office.national.effect.region", k.acts, &[("region", region)]));
                    for line in ekn_i18n::effect_lines::kpi_lines(k) {
                        println!("{line}");
                    }
                }
                println!();
                for line in ekn_i18n::effect_lines::pooled_lines(&effect.pooled, &effect.estimates) {
                    println!("{line}");
                }
            }
        }
        NationalAction::Dashboard { today, json } => {
            let today = today.unwrap_or_else(ekn_office::dashboard::kazakhstan_today);
            let board = national::dashboard(&mut client, today).await?;
            if json {
                print_json(&board);
            } else {
                let t = &board.totals;
                let vars: [(&str, &dyn std::fmt::Display); 5] = [
                    ("open", &t.open),
                    ("overdue", &t.overdue),
                    ("due", &t.due_within_3_working_days),
                    ("on_time", &t.done_on_time_last_90_days),
                    ("late", &t.done_late_last_90_days),
                ];
                println!("{}", tr_count("office.national.dashboard.head", board.tasks, &vars));
                println!("{}", tr_with("office.national.dashboard.appeals", &[("n", &board.appeals.total)]));
                for (region, r) in &board.regions {
                    let vars: [(&str, &dyn std::fmt::Display); 6] = [
                        ("region", region),
                        ("n", &r.tasks),
                        ("open", &r.totals.open),
                        ("overdue", &r.totals.overdue),
                        ("due", &r.totals.due_within_3_working_days),
                        ("appeals", &r.appeals),
                    ];
                    println!("{}", tr_with("office.national.dashboard.region", &vars));
                    // The region's three largest categories of appeal.
                    let mut categories: Vec<(&String, &u64)> =
                        board.appeals.by_region_category.get(region).map(|c| c.iter().collect()).unwrap_or_default();
                    categories.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
                    for (category, n) in categories.into_iter().take(3) {
                        println!("    {category}: {n}");
                    }
                }
            }
        }
    }
    Ok(())
}
