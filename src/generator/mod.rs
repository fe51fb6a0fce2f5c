//! The deterministic data generator behind `ekn fixtures`: the same scale and seed always give the
//! same bytes. It writes the CSV files the importers read (in the styles real exports use: a
//! semicolon Excel export in Windows style with Russian headers and dd.mm.yyyy dates, a comma
//! UTF-8 export with English headers and ISO dates), so every generated data set goes in through
//! `ekn import` like a real one. It plants patterns a supervisor should notice and writes what it
//! planted to `ground_truth.json`, so analytics can later be scored against a known answer.
//!
//! Every date is placed relative to a "today" (`ANCHOR`, 20.11.2026, unless told otherwise) with
//! fixed offsets, so the same seed and today give the same bytes, and the demo built on any day
//! looks like an office on that day, not one frozen in November 2026.
//!
//! It depends on `domain` only (for valid identifiers, and real places from the КАТО classifier:
//! `places`).

pub mod effects;
pub mod outbreaks;
mod places;
pub mod second;
mod vocab;

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{Datelike, Duration, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::domain::ids::with_check_digit;
use crate::domain::territory::REGIONS;
use vocab::*;

/// How much data to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// A few thousand objects: committed under fixtures/demo and built into the program.
    Demo,
    /// 1,000,000 inspections and 500,000 appeals, for benchmarks.
    Large,
}

impl Scale {
    fn sizes(self) -> (usize, usize, usize) {
        match self {
            Scale::Demo => (3_000, 12_000, 4_000),
            Scale::Large => (250_000, 1_000_000, 500_000),
        }
    }
}

/// What the generator wrote.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GeneratedSet {
    pub directory: String,
    pub subjects: usize,
    pub inspections: usize,
    pub appeals: usize,
    pub risk_scores: usize,
    pub files: Vec<String>,
}

/// The patterns planted in the data, with enough detail to check a detector against them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroundTruth {
    pub seed: u64,
    pub scale: String,
    /// False for a twin data set with nothing planted (`ekn fixtures --clean`): every pattern below
    /// is then null, and a detector should find (almost) nothing.
    pub planted: bool,
    pub frequent_visits: Option<FrequentVisits>,
    pub illegal_share: Option<IllegalShare>,
    pub refused_spike: Option<RefusedSpike>,
    pub unplanned_growth: Option<UnplannedGrowth>,
    pub sanction_combination: Option<SanctionCombination>,
    /// Appeals that repeat an earlier appeal of the same applicant (same text).
    pub repeated_appeals: usize,
    /// Appeal texts that carry an IIN, a phone number or an e-mail address.
    pub appeals_with_personal_data: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FrequentVisits {
    pub description: &'static str,
    pub control_body: String,
    pub district_kato_prefix: String,
    pub subjects: Vec<String>,
    pub planted_inspections: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IllegalShare {
    pub description: &'static str,
    pub district_kato_prefix: String,
    pub neighbour_kato_prefix: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RefusedSpike {
    pub description: &'static str,
    pub region_code: String,
    pub category: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnplannedGrowth {
    pub description: &'static str,
    pub district_kato_prefix: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub planted_inspections: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SanctionCombination {
    pub description: &'static str,
    pub control_body: String,
    pub sanctions: String,
    pub planted_inspections: usize,
}

struct Subject {
    bin: String,
    name: String,
    kato: String,
    oked: &'static str,
    small: bool,
    inspections: u32,
    violations: u32,
    appeals: u32,
}

/// Енбекшиказахский район (Алматинская область).
const FREQUENT_DISTRICT: &str = "1940";
const FREQUENT_BODY: usize = 0;
/// Актогайский район (Павлодарская область) and Экибастуз Г.А., which borders it for 158 km.
const ILLEGAL_DISTRICT: &str = "5532";
const ILLEGAL_NEIGHBOUR: &str = "5522";
const SPIKE_REGION: &str = "61";
const SPIKE_CATEGORY: &str = "социальные выплаты";
const COMBINATION_BODY: usize = 5;
const COMBINATION_REGION: &str = "63";
const COMBINATION: &str = "приостановление деятельности; штраф";
/// Planted rows beyond the regular ones come from their own random stream, so planting them
/// leaves every regular row as it was.
const PLANT_STREAM: u64 = 0x5eed_0011;
/// The answers of appeals a working office has already answered (below `write_appeals`) come from
/// a stream of their own for the same reason: the rows, and every figure measured on them, stay.
const ANSWER_STREAM: u64 = 0x5eed_0012;

/// The day the generator's offsets are written against: the committed demo data (fixtures/demo)
/// is the output for seed 2024 on this day.
pub const ANCHOR: NaiveDate = match NaiveDate::from_ymd_opt(2026, 11, 20) {
    Some(d) => d,
    None => panic!("a valid constant date"),
};

/// Dates of the generated world: a date written for `ANCHOR`, moved to the requested today.
#[derive(Debug, Clone, Copy)]
struct Dates {
    shift: Duration,
}

impl Dates {
    fn new(today: NaiveDate) -> Dates {
        Dates { shift: today - ANCHOR }
    }

    /// The date that lies as far from today as `y-m-d` lies from `ANCHOR`.
    fn at(&self, y: i32, m: u32, d: u32) -> NaiveDate {
        date(y, m, d) + self.shift
    }
}

/// The names of the files a data set consists of, in the order they are imported.
pub const FILES: [&str; 4] = ["inspections.csv", "appeals.csv", "risk.csv", "ground_truth.json"];

/// Writes inspections.csv, appeals.csv, risk.csv and ground_truth.json into `out`, with dates
/// placed relative to `today`.
pub fn generate(scale: Scale, seed: u64, today: NaiveDate, out: &Path) -> std::io::Result<GeneratedSet> {
    generate_with(scale, seed, today, true, out)
}

/// As `generate`, with the patterns planted or not (`planted: false` makes the clean twin the
/// anomaly detectors' false alarms are measured on).
pub fn generate_with(
    scale: Scale,
    seed: u64,
    today: NaiveDate,
    planted: bool,
    out: &Path,
) -> std::io::Result<GeneratedSet> {
    std::fs::create_dir_all(out)?;
    let mut set = generate_into(scale, seed, today, planted, &mut |name| {
        Ok(Box::new(BufWriter::new(crate::disk::create(out.join(name))?)) as Box<dyn Write>)
    })?;
    set.directory = out.display().to_string();
    set.files = FILES.iter().map(|name| out.join(name).display().to_string()).collect();
    Ok(set)
}

/// The data set as bytes in memory, file by file (for the demo database: a few MB).
pub fn generate_in_memory(scale: Scale, seed: u64, today: NaiveDate) -> std::io::Result<Vec<(String, Vec<u8>)>> {
    let buffers: Collected = Default::default();
    let sink = buffers.clone();
    generate_into(scale, seed, today, true, &mut |name| {
        Ok(Box::new(SharedBuffer { name: name.to_string(), into: sink.clone(), bytes: Vec::new() }) as Box<dyn Write>)
    })?;
    let files = buffers.take();
    Ok(files)
}

/// Files written to memory, by name, in the order they were finished.
type Collected = std::rc::Rc<std::cell::RefCell<Vec<(String, Vec<u8>)>>>;

/// A writer that hands its bytes to a shared list when dropped.
struct SharedBuffer {
    name: String,
    into: Collected,
    bytes: Vec<u8>,
}

impl Write for SharedBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for SharedBuffer {
    fn drop(&mut self) {
        self.into.borrow_mut().push((std::mem::take(&mut self.name), std::mem::take(&mut self.bytes)));
    }
}

type Sink<'a> = dyn FnMut(&str) -> std::io::Result<Box<dyn Write>> + 'a;

fn generate_into(
    scale: Scale,
    seed: u64,
    today: NaiveDate,
    planted: bool,
    open: &mut Sink<'_>,
) -> std::io::Result<GeneratedSet> {
    let dates = Dates::new(today);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (n_subjects, n_inspections, n_appeals) = scale.sizes();
    let mut subjects = make_subjects(&mut rng, n_subjects);

    let mut plant_rng = ChaCha8Rng::seed_from_u64(seed ^ PLANT_STREAM);
    let (inspection_count, frequent, growth, combination) =
        write_inspections(&mut rng, &mut plant_rng, planted, &mut subjects, n_inspections, dates, open(FILES[0])?)?;
    let mut answer_rng = ChaCha8Rng::seed_from_u64(seed ^ ANSWER_STREAM);
    let streams = AppealStreams { main: &mut rng, plant: &mut plant_rng, answer: &mut answer_rng };
    let (appeal_count, repeated, with_pd) =
        write_appeals(streams, planted, &mut subjects, n_appeals, dates, open(FILES[1])?)?;
    let risk_count = write_risk(&mut rng, &subjects, dates, open(FILES[2])?)?;

    let truth = GroundTruth {
        seed,
        scale: format!("{scale:?}").to_lowercase(),
        planted,
        frequent_visits: frequent,
        illegal_share: planted.then(|| IllegalShare {
            description: "Inspections in this district are appealed and declared illegal far more often than in its neighbour (about three times the share of cancelled inspections).",
            district_kato_prefix: ILLEGAL_DISTRICT.into(),
            neighbour_kato_prefix: ILLEGAL_NEIGHBOUR.into(),
        }),
        refused_spike: planted.then(|| RefusedSpike {
            description: "Appeals of this category from this region were refused far more often in these months.",
            region_code: SPIKE_REGION.into(),
            category: SPIKE_CATEGORY.into(),
            from: dates.at(2025, 9, 1),
            to: dates.at(2025, 11, 30),
        }),
        unplanned_growth: growth,
        sanction_combination: combination,
        repeated_appeals: repeated,
        appeals_with_personal_data: with_pd,
    };
    let mut file = open(FILES[3])?;
    serde_json::to_writer_pretty(&mut file, &truth)?;
    file.write_all(b"\n")?;
    file.flush()?;
    drop(file);
    Ok(GeneratedSet {
        directory: String::new(),
        subjects: subjects.len(),
        inspections: inspection_count,
        appeals: appeal_count,
        risk_scores: risk_count,
        files: FILES.iter().map(|f| f.to_string()).collect(),
    })
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid literal date")
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

fn weighted<'a, T>(rng: &mut ChaCha8Rng, items: &'a [(T, u32)]) -> &'a T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut roll = rng.random_range(0..total);
    for (item, w) in items {
        if roll < *w {
            return item;
        }
        roll -= w;
    }
    &items[items.len() - 1].0
}

fn digits<const N: usize>(text: &str) -> [u8; N] {
    let mut out = [0u8; N];
    for (slot, b) in out.iter_mut().zip(text.bytes()) {
        *slot = b - b'0';
    }
    out
}

/// A valid BIN: YYMM, type digit 4 (resident legal entity), attribute digit, 5-digit serial.
fn make_bin(rng: &mut ChaCha8Rng, serial: usize) -> String {
    loop {
        let yy = rng.random_range(0..24);
        let mm = rng.random_range(1..=12);
        let attribute = rng.random_range(0..4);
        let stem = format!("{yy:02}{mm:02}4{attribute}{:05}", (serial * 7 + rng.random_range(0..7)) % 100_000);
        if let Some(bin) = with_check_digit(digits::<11>(&stem)) {
            return bin;
        }
    }
}

/// A valid IIN: YYMMDD, century and sex digit, 4-digit serial.
fn make_iin(rng: &mut ChaCha8Rng) -> String {
    loop {
        let year = rng.random_range(1950..2006);
        let month = rng.random_range(1..=12);
        let day = rng.random_range(1..=28);
        let century = if year < 2000 { rng.random_range(3..=4) } else { rng.random_range(5..=6) };
        let stem = format!("{:02}{month:02}{day:02}{century}{:04}", year % 100, rng.random_range(0..10_000));
        if let Some(iin) = with_check_digit(digits::<11>(&stem)) {
            return iin;
        }
    }
}

fn make_subjects(rng: &mut ChaCha8Rng, count: usize) -> Vec<Subject> {
    let mut seen = std::collections::HashSet::new();
    let mut subjects = Vec::with_capacity(count);
    for i in 0..count {
        let entrepreneur = rng.random_bool(0.15);
        let bin = loop {
            let candidate = if entrepreneur { make_iin(rng) } else { make_bin(rng, i) };
            if seen.insert(candidate.clone()) {
                break candidate;
            }
        };
        let name = if entrepreneur {
            let initial = pick(rng, &["А", "Б", "Д", "Е", "Ж", "Қ", "М", "Н", "С", "Т"]);
            format!("ИП {} {initial}.", pick(rng, SURNAMES))
        } else {
            let first = pick(rng, NAME_WORDS);
            let second = loop {
                let word = pick(rng, NAME_WORDS);
                if word != first {
                    break word;
                }
            };
            format!("{} «{first} {second}»", pick(rng, LEGAL_FORMS))
        };
        // The first subjects populate the districts the planted patterns need.
        let district_prefix = match i % 40 {
            0..=2 => FREQUENT_DISTRICT.to_string(),
            3 => ILLEGAL_DISTRICT.to_string(),
            4 => ILLEGAL_NEIGHBOUR.to_string(),
            _ => places::unit_in(pick(rng, &REGIONS).code, rng.random_range(1..=6)),
        };
        let kato = places::place_in(&district_prefix, rng.random_range(1..=40));
        subjects.push(Subject {
            bin,
            name,
            kato,
            oked: weighted::<&'static str>(rng, OKED_DIVISIONS),
            small: entrepreneur || rng.random_bool(0.7),
            inspections: 0,
            violations: 0,
            appeals: 0,
        });
    }
    subjects
}

fn region_name(kato: &str) -> &'static str {
    REGIONS.iter().find(|r| kato.starts_with(r.code)).map_or("", |r| r.name_ru)
}

fn control_body_name(kind: usize, kato: &str) -> String {
    format!("{}, {}", CONTROL_BODIES[kind], region_name(kato))
}

/// Writes a file the way Excel in a Russian locale saves CSV: BOM, semicolons.
fn excel_csv<W: Write>(mut out: W) -> std::io::Result<csv::Writer<W>> {
    out.write_all(b"\xEF\xBB\xBF")?;
    Ok(csv::WriterBuilder::new().delimiter(b';').from_writer(out))
}

fn ru_date(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

fn ru_money(tiyn: i64) -> String {
    format!("{},{:02}", tiyn / 100, tiyn % 100)
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "да"
    } else {
        "нет"
    }
}

/// What a planted row does differently from a regular one.
#[derive(Clone, Copy, PartialEq)]
enum Planted {
    Regular,
    /// A visit of the frequent-visits pattern: repeat visits are appealed more often.
    FrequentVisit,
    /// The unusual combination of measures, with no violation recorded.
    Combination,
}

type InspectionsWritten = (usize, Option<FrequentVisits>, Option<UnplannedGrowth>, Option<SanctionCombination>);

#[allow(clippy::too_many_arguments)]
fn write_inspections<W: Write>(
    rng: &mut ChaCha8Rng,
    plant_rng: &mut ChaCha8Rng,
    planted: bool,
    subjects: &mut [Subject],
    count: usize,
    dates: Dates,
    out: W,
) -> std::io::Result<InspectionsWritten> {
    let mut w = excel_csv(out)?;
    w.write_record([
        "Регистрационный номер",
        "БИН",
        "Наименование субъекта",
        "КАТО",
        "ОКЭД",
        "Орган контроля",
        "Вид проверки",
        "Основание",
        "Дата начала",
        "Дата окончания",
        "Количество нарушений",
        "Меры",
        "Сумма штрафа",
        "Обжаловано",
        "Признана незаконной",
    ])?;
    let first_day = dates.at(2019, 1, 1);
    let span = (dates.at(2026, 10, 31) - first_day).num_days();
    let mut seq = 0usize;
    let mut write = |w: &mut csv::Writer<W>,
                     rng: &mut ChaCha8Rng,
                     s: &mut Subject,
                     body: usize,
                     kind: &str,
                     start: NaiveDate,
                     how: Planted|
     -> std::io::Result<()> {
        seq += 1;
        let registry_no = format!("{}{:02}-{:08}", &s.kato[..2], start.year() % 100, seq);
        let end = start + Duration::days(rng.random_range(0..=10));
        let mut violations: u32 = if rng.random_bool(0.55) { 0 } else { rng.random_range(1..=6) };
        let (sanction, fine) = if how == Planted::Combination {
            violations = 0;
            (COMBINATION, Some(rng.random_range(10_000..2_000_000) * 100))
        } else if violations == 0 {
            ("", None)
        } else {
            let s = *pick(rng, SANCTIONS);
            (s, (s == "штраф").then(|| rng.random_range(10_000..2_000_000) * 100 + rng.random_range(0..2) * 50))
        };
        // The outcome process the risk model is meant to learn: unplanned inspections and some
        // industries go wrong more often, repeat visits much more; the planted district far more.
        let illegal_district = planted && s.kato.starts_with(ILLEGAL_DISTRICT);
        let mut odds: f64 = match kind {
            "внеплановая" => 1.6,
            "плановая" => 1.0,
            _ => 0.6,
        };
        if s.oked.starts_with("56") || s.oked.starts_with("86") {
            odds *= 1.5;
        }
        if how == Planted::FrequentVisit {
            odds *= 2.5;
        }
        let base = if illegal_district { 0.45 } else { 0.1 };
        let appealed = !sanction.is_empty() && rng.random_bool((base * odds).min(0.95));
        let illegal = appealed && rng.random_bool(if illegal_district { 0.75 } else { 0.25 });
        let grounds = match kind {
            "внеплановая" => *pick(rng, GROUNDS_UNPLANNED),
            "плановая" => "полугодовой график проверок",
            _ => "перечень профилактического контроля",
        };
        s.inspections += 1;
        s.violations += violations;
        w.write_record([
            registry_no.as_str(),
            &s.bin,
            &s.name,
            &s.kato,
            s.oked,
            &control_body_name(body, &s.kato),
            kind,
            grounds,
            &ru_date(start),
            &ru_date(end),
            &violations.to_string(),
            sanction,
            &fine.map(ru_money).unwrap_or_default(),
            yes_no(appealed),
            yes_no(illegal),
        ])?;
        Ok(())
    };
    let planted_subjects: Vec<usize> = if planted {
        subjects
            .iter()
            .enumerate()
            .filter(|(_, s)| s.kato.starts_with(FREQUENT_DISTRICT) && s.small)
            .map(|(i, _)| i)
            .take(12)
            .collect()
    } else {
        Vec::new()
    };
    let planted_per_subject = (count / 1_000).clamp(8, 14);
    let regular = count - planted_subjects.len() * planted_per_subject;
    for _ in 0..regular {
        // Skewed choice: a few objects are inspected often, most rarely, as in real registries.
        let u: f64 = rng.random();
        let index = ((u * u) * subjects.len() as f64) as usize % subjects.len();
        let start = first_day + Duration::days(rng.random_range(0..=span));
        let kind =
            *weighted(rng, &[("плановая", 25), ("внеплановая", 35), ("профилактический контроль с посещением", 40)]);
        let body = rng.random_range(0..CONTROL_BODIES.len());
        write(&mut w, rng, &mut subjects[index], body, kind, start, Planted::Regular)?;
    }
    let mut frequent_rows = 0;
    let planted_from = dates.at(2024, 1, 10);
    for &index in &planted_subjects {
        for _ in 0..planted_per_subject {
            let start = planted_from + Duration::days(rng.random_range(0..1000));
            let kind = if rng.random_bool(0.6) {
                "внеплановая"
            } else {
                "профилактический контроль с посещением"
            };
            write(&mut w, rng, &mut subjects[index], FREQUENT_BODY, kind, start, Planted::FrequentVisit)?;
            frequent_rows += 1;
        }
    }
    if !planted {
        w.flush()?;
        return Ok((regular, None, None, None));
    }

    // Unplanned inspections growing in one place: the most populated ordinary district gets
    // several times its usual unplanned inspections in the last twelve months.
    let growth_district = {
        let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
        for s in subjects.iter() {
            let d = &s.kato[..4];
            if ![FREQUENT_DISTRICT, ILLEGAL_DISTRICT, ILLEGAL_NEIGHBOUR].contains(&d) && !d.starts_with(SPIKE_REGION) {
                *counts.entry(d).or_default() += 1;
            }
        }
        counts
            .into_iter()
            .max_by_key(|&(d, n)| (n, std::cmp::Reverse(d)))
            .map(|(d, _)| d.to_string())
            .unwrap_or_default()
    };
    let in_growth: Vec<usize> =
        (0..subjects.len()).filter(|&i| subjects[i].kato.starts_with(&growth_district)).collect();
    let growth_rows = (count / 600).max(30);
    let (growth_from, growth_to) = (dates.at(2025, 11, 1), dates.at(2026, 10, 31));
    for _ in 0..growth_rows {
        let index = in_growth[plant_rng.random_range(0..in_growth.len())];
        let start = growth_from + Duration::days(plant_rng.random_range(0..=(growth_to - growth_from).num_days()));
        let body = plant_rng.random_range(0..CONTROL_BODIES.len());
        write(&mut w, plant_rng, &mut subjects[index], body, "внеплановая", start, Planted::Regular)?;
    }

    // An unusual combination of measures: one body suspends and fines with no violation recorded.
    let in_region: Vec<usize> =
        (0..subjects.len()).filter(|&i| subjects[i].kato.starts_with(COMBINATION_REGION)).collect();
    let combination_rows = (count / 500).max(25);
    let combination_from = dates.at(2024, 6, 1);
    let combination_span = (dates.at(2026, 10, 31) - combination_from).num_days();
    for _ in 0..combination_rows {
        let index = in_region[plant_rng.random_range(0..in_region.len())];
        let start = combination_from + Duration::days(plant_rng.random_range(0..=combination_span));
        let kind = *pick(plant_rng, &["плановая", "внеплановая"]);
        write(&mut w, plant_rng, &mut subjects[index], COMBINATION_BODY, kind, start, Planted::Combination)?;
    }
    w.flush()?;
    let body = control_body_name(FREQUENT_BODY, FREQUENT_DISTRICT);
    Ok((
        regular + frequent_rows + growth_rows + combination_rows,
        Some(FrequentVisits {
            description: "One control body visits the same small businesses of one district far more often than its peers (unplanned inspections and preventive visits, 2024–2026).",
            control_body: body,
            district_kato_prefix: FREQUENT_DISTRICT.into(),
            subjects: planted_subjects.iter().map(|&i| subjects[i].bin.clone()).collect(),
            planted_inspections: frequent_rows,
        }),
        Some(UnplannedGrowth {
            description: "Unplanned inspections in this district grew several times over in the last twelve months.",
            district_kato_prefix: growth_district,
            from: growth_from,
            to: growth_to,
            planted_inspections: growth_rows,
        }),
        Some(SanctionCombination {
            description: "One control body suspends activity and fines at once with no violation recorded.",
            control_body: control_body_name(COMBINATION_BODY, &format!("{COMBINATION_REGION}0000000")),
            sanctions: COMBINATION.into(),
            planted_inspections: combination_rows,
        }),
    ))
}

fn contact(rng: &mut ChaCha8Rng, iin: &str) -> (String, bool) {
    let mut parts = Vec::new();
    if rng.random_bool(0.45) {
        let phone = format!(
            "{:03} {:03} {:02} {:02}",
            pick(rng, &[701, 702, 705, 707, 747, 771, 775, 777]),
            rng.random_range(100..1000),
            rng.random_range(10..100),
            rng.random_range(10..100)
        );
        parts.push(if rng.random_bool(0.5) {
            format!("Тел.: +7 {phone}")
        } else {
            format!("Байланыс телефоны: 8 {phone}")
        });
    }
    if rng.random_bool(0.25) {
        parts.push(format!("ИИН {iin}"));
    }
    if rng.random_bool(0.2) {
        let user = pick(rng, &["aidana.k", "serik_85", "n.ivanova", "asel.t", "bolat77"]);
        parts.push(format!("e-mail: {user}@{}", pick(rng, &["mail.kz", "gmail.com", "inbox.ru"])));
    }
    let has = !parts.is_empty();
    (parts.join(", "), has)
}

/// The random streams appeals are drawn from: the data set's own, the planted patterns', and the
/// answers of the appeals a working office has answered by now.
struct AppealStreams<'a> {
    main: &'a mut ChaCha8Rng,
    plant: &'a mut ChaCha8Rng,
    answer: &'a mut ChaCha8Rng,
}

/// The answer of an appeal received on `received` that the office has answered by `today`: within
/// the 15 working days of АППК art. 76 for most (2 to 20 calendar days), never after yesterday.
fn answered(answer_rng: &mut ChaCha8Rng, received: NaiveDate, yesterday: NaiveDate) -> (String, String, String) {
    let decided = (received + Duration::days(answer_rng.random_range(2..=20))).min(yesterday).max(received);
    ("рассмотрено".into(), decided.to_string(), weighted(answer_rng, OUTCOME_LABELS).to_string())
}

fn write_appeals<W: Write>(
    streams: AppealStreams<'_>,
    planted: bool,
    subjects: &mut [Subject],
    count: usize,
    dates: Dates,
    out: W,
) -> std::io::Result<(usize, usize, usize)> {
    let AppealStreams { main: rng, plant: plant_rng, answer: answer_rng } = streams;
    let mut w = csv::WriterBuilder::new().from_writer(out);
    w.write_record([
        "appeal_no",
        "received",
        "channel",
        "applicant_category",
        "applicant_iin",
        "subject_bin",
        "kato",
        "text",
        "category",
        "status",
        "decided",
        "outcome",
    ])?;
    let applicants: Vec<String> = (0..(count * 7 / 10).max(1)).map(|_| make_iin(rng)).collect();
    let first_day = dates.at(2022, 1, 1);
    let span = (dates.at(2026, 11, 15) - first_day).num_days();
    let open_after = dates.at(2026, 10, 15);
    // A working office has answered what it received more than about three weeks ago: its open
    // appeals are the recent ones, and only a few of them run past their 15 working days (a demo
    // whose desk is mostly overdue teaches the wrong picture). Rows between `open_after` and this
    // day draw their open status from the main stream as they always did, then take their answer
    // from the answers' stream, so every other row stays as it was.
    let answered_by = dates.at(2026, 10, 28);
    let yesterday = dates.at(2026, 11, 19);
    let mut recent: Vec<[String; 12]> = Vec::new();
    let (mut repeated, mut with_pd) = (0, 0);
    for seq in 1..=count {
        if !recent.is_empty() && rng.random_bool(0.05) {
            // The same applicant writes the same text again a few days later.
            let mut copy = pick(rng, &recent).clone();
            let received = NaiveDate::parse_from_str(&copy[1], "%Y-%m-%d").expect("own date")
                + Duration::days(rng.random_range(1..=10));
            copy[0] = format!("ЖТ-{}-{seq:08}", received.year());
            copy[1] = received.to_string();
            // A repeat is answered with its first appeal's group; an old one has been answered.
            (copy[9], copy[10], copy[11]) = if received <= answered_by {
                answered(answer_rng, received, yesterday)
            } else {
                ("на рассмотрении".into(), String::new(), String::new())
            };
            w.write_record(&copy)?;
            repeated += 1;
            with_pd += usize::from(
                copy[7].contains("ИИН")
                    || copy[7].contains("Тел")
                    || copy[7].contains("телефон")
                    || copy[7].contains('@'),
            );
            continue;
        }
        let received = first_day + Duration::days(rng.random_range(0..=span));
        let (category, texts) = *pick(rng, APPEAL_TOPICS);
        let iin = pick(rng, &applicants).clone();
        let subject = rng.random_bool(0.65).then(|| {
            let u: f64 = rng.random();
            ((u * u) * subjects.len() as f64) as usize % subjects.len()
        });
        let org = subject.map_or_else(|| "акимат района".to_string(), |i| subjects[i].name.clone());
        let (contact_text, has_pd) = contact(rng, &iin);
        with_pd += usize::from(has_pd);
        let text = pick(rng, texts).replace("{org}", &org).replace("{contact}", &contact_text).trim().to_string();
        let kato = subject.map_or_else(
            || places::unit_code(&places::unit_in(pick(rng, &REGIONS).code, rng.random_range(1..=6))),
            |i| subjects[i].kato.clone(),
        );
        let (status, decided, outcome) = if received > open_after {
            let status = pick(rng, STATUSES_OPEN).to_string();
            if received <= answered_by {
                answered(answer_rng, received, yesterday)
            } else {
                (status, String::new(), String::new())
            }
        } else {
            let spike = planted
                && kato.starts_with(SPIKE_REGION)
                && category == SPIKE_CATEGORY
                && received >= dates.at(2025, 9, 1)
                && received <= dates.at(2025, 11, 30);
            let outcome =
                if spike && rng.random_bool(0.85) { "отказано" } else { *weighted(rng, OUTCOME_LABELS) };
            (
                "рассмотрено".to_string(),
                (received + Duration::days(rng.random_range(2..=25))).to_string(),
                outcome.to_string(),
            )
        };
        if let Some(i) = subject {
            subjects[i].appeals += 1;
        }
        let record = [
            format!("ЖТ-{}-{seq:08}", received.year()),
            received.to_string(),
            pick(rng, CHANNELS).to_string(),
            pick(rng, APPLICANT_CATEGORIES).to_string(),
            iin,
            subject.map(|i| subjects[i].bin.clone()).unwrap_or_default(),
            kato,
            text,
            category.to_string(),
            status,
            decided,
            outcome,
        ];
        w.write_record(&record)?;
        if recent.len() < 64 {
            recent.push(record);
        } else {
            let slot = rng.random_range(0..recent.len());
            recent[slot] = record;
        }
    }
    // The spike, made visible at any scale: more appeals of the category from the region in
    // those months, most of them refused.
    let mut written = count;
    if planted {
        let texts = APPEAL_TOPICS.iter().find(|(c, _)| *c == SPIKE_CATEGORY).map_or(&[][..], |(_, t)| *t);
        let (from, to) = (dates.at(2025, 9, 1), dates.at(2025, 11, 30));
        for k in 0..(count / 400).max(25) {
            let received = from + Duration::days(plant_rng.random_range(0..=(to - from).num_days() - 25));
            let iin = make_iin(plant_rng);
            let (contact_text, has_pd) = contact(plant_rng, &iin);
            with_pd += usize::from(has_pd);
            let text = pick(plant_rng, texts).replace("{org}", "акимат района").replace("{contact}", &contact_text);
            let outcome =
                if plant_rng.random_bool(0.85) { "отказано" } else { *weighted(plant_rng, OUTCOME_LABELS) };
            w.write_record([
                format!("ЖТ-{}-{:08}", received.year(), count + k + 1),
                received.to_string(),
                pick(plant_rng, CHANNELS).to_string(),
                pick(plant_rng, APPLICANT_CATEGORIES).to_string(),
                iin,
                String::new(),
                places::unit_code(&places::unit_in(SPIKE_REGION, plant_rng.random_range(1..=6))),
                text.trim().to_string(),
                SPIKE_CATEGORY.to_string(),
                "рассмотрено".to_string(),
                (received + Duration::days(plant_rng.random_range(2..=25))).to_string(),
                outcome.to_string(),
            ])?;
            written += 1;
        }
    }
    w.flush()?;
    Ok((written, repeated, with_pd))
}

fn write_risk<W: Write>(rng: &mut ChaCha8Rng, subjects: &[Subject], dates: Dates, out: W) -> std::io::Result<usize> {
    let mut w = excel_csv(out)?;
    w.write_record(["БИН", "Балл", "Степень риска", "Модель", "Дата расчета", "Факторы"])?;
    let mut rows = 0;
    for s in subjects {
        if !rng.random_bool(0.9) {
            continue;
        }
        for computed in [dates.at(2025, 6, 30), dates.at(2026, 6, 30)] {
            let visits = (f64::from(s.inspections) / 8.0).min(1.0);
            let violations = if s.inspections == 0 {
                0.0
            } else {
                (f64::from(s.violations) / (3.0 * f64::from(s.inspections))).min(1.0)
            };
            let appeals = (f64::from(s.appeals) / 4.0).min(1.0);
            let noise: f64 = rng.random_range(0.0..15.0);
            let score = (10.0 + 35.0 * violations + 25.0 * visits + 15.0 * appeals + noise).min(100.0);
            let degree = if score >= 60.0 {
                "высокая"
            } else if score >= 35.0 {
                "средняя"
            } else {
                "низкая"
            };
            let comma = |x: f64| format!("{x:.2}").replace('.', ",");
            w.write_record([
                s.bin.as_str(),
                &comma(score),
                degree,
                "СУР: объективные критерии v2",
                &ru_date(computed),
                &format!(
                    "violations_share:{};inspections:{};appeals:{}",
                    comma(violations),
                    comma(visits),
                    comma(appeals)
                ),
            ])?;
            rows += 1;
        }
    }
    w.flush()?;
    Ok(rows)
}

/// The directory `ekn fixtures` writes to when no `--out` is given.
pub fn default_out(scale: Scale) -> PathBuf {
    match scale {
        Scale::Demo => PathBuf::from("fixtures/demo"),
        Scale::Large => PathBuf::from("bench-data/large"),
    }
}
