//! The importers fuzzed for a fixed time: CSV, JSON (array and lines) and XLSX inputs made by
//! mutating real exports — bytes flipped, inserted, cut and repeated; a workbook's sheet XML
//! given far-away cells, lying used ranges and broken markup, and re-zipped — are read to the end
//! and previewed as the Import screen does. Any outcome but records or a clear error fails: a
//! panic of ours (contained or not), or an abort (which kills the test binary). A panic inside the
//! XLSX library on a damaged part (calamine 0.31 indexes its shared strings unchecked) is contained
//! at the call and said as a damaged file: counted and printed, not failed. Each reader runs for `EKN_FUZZ_SECONDS` seconds (default 15) from a seed that is
//! printed, with its count of executions, so a failure can be replayed (`EKN_FUZZ_SEED`).

use std::io::{Cursor, Read, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ekn::ingest::source::open_bytes;
use ekn::ingest::xlsx::{LIBRARY_FAILED, READER_FAILED};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::support::*;

fn budget() -> Duration {
    let seconds = std::env::var("EKN_FUZZ_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(15);
    Duration::from_secs(seconds)
}

fn seed(reader: &str) -> u64 {
    let seed = std::env::var("EKN_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        use rand::TryRngCore;
        rand::rngs::OsRng.try_next_u64().unwrap_or(1)
    });
    eprintln!("fuzz {reader}: seed {seed} (EKN_FUZZ_SEED={seed} replays it)");
    seed
}

/// Bytes that matter to these formats.
const SPECIAL: &[&[u8]] = &[
    b"\"",
    b";",
    b",",
    b"\t",
    b"\n",
    b"\r\n",
    b"\0",
    b"\xEF\xBB\xBF",
    b"\xFF\xFE",
    b"{",
    b"}",
    b"[",
    b"]",
    b":",
    b"\\u0000",
    b"\\",
    b"\xD0",
    b"\xD1\x8F",
    b"9999999999999999999999",
    b"-1",
    b"1e309",
    b"NaN",
];

/// One random change to `bytes`.
fn mutate(rng: &mut ChaCha8Rng, bytes: &mut Vec<u8>) {
    let len = bytes.len();
    let at = if len == 0 { 0 } else { rng.random_range(0..=len) };
    match rng.random_range(0..7) {
        0 if len > 0 => {
            let i = rng.random_range(0..len);
            bytes[i] ^= 1 << rng.random_range(0..8);
        }
        1 => {
            let special = SPECIAL[rng.random_range(0..SPECIAL.len())];
            bytes.splice(at..at, special.iter().copied());
        }
        2 => {
            let n = rng.random_range(1..16);
            let random: Vec<u8> = (0..n).map(|_| rng.random()).collect();
            bytes.splice(at..at, random);
        }
        3 if len > 0 => {
            let end = (at + rng.random_range(1..64)).min(len);
            bytes.drain(at.min(end)..end);
        }
        4 if len > 0 => {
            let start = rng.random_range(0..len);
            let end = (start + rng.random_range(1..256)).min(len);
            let piece = bytes[start..end].to_vec();
            for _ in 0..rng.random_range(1..4) {
                bytes.splice(at..at, piece.iter().copied());
            }
        }
        5 => bytes.truncate(at),
        _ => {}
    }
}

/// Reads an input as every import does, to its end, and previews it; fails on anything but
/// records or an error a person can read. Returns whether the XLSX library itself failed on it
/// (contained, said as a damaged file; counted and printed, as a defect of the library's).
fn exercise(name: &str, bytes: Vec<u8>, preview: bool, session: &mut ekn::api::Session) -> bool {
    if let Ok(dir) = std::env::var("EKN_FUZZ_DUMP") {
        // The input about to be tried, kept for replaying a failure by hand.
        std::fs::write(std::path::Path::new(&dir).join(name), &bytes).unwrap();
    }
    let bytes: Arc<[u8]> = bytes.into();
    let mut library = false;
    match open_bytes(bytes.clone()) {
        Ok(table) => {
            for record in table.records.take(100_000) {
                if let Err(e) = record {
                    assert!(!e.reason.contains(READER_FAILED), "{name}: {}", e.reason);
                    assert!(!e.reason.is_empty(), "{name}: an error without words");
                    library |= e.reason.contains(LIBRARY_FAILED);
                }
            }
        }
        Err(e) => {
            assert!(!e.reason.contains(READER_FAILED), "{name}: {}", e.reason);
            library |= e.reason.contains(LIBRARY_FAILED);
        }
    }
    if preview {
        if let Err(e) = session.registry().preview_bytes(name, bytes, None) {
            assert!(!e.message.contains(READER_FAILED), "{name}: {}", e.message);
            assert_ne!(e.code.code(), "internal", "{name}: {}", e.message);
        }
    }
    library
}

/// Runs `make` on fresh random inputs until the budget is spent; prints the executions.
fn fuzz(reader: &str, mut make: impl FnMut(&mut ChaCha8Rng) -> (String, Vec<u8>)) {
    let db = TempDb::new();
    let mut session = db.session();
    let mut rng = ChaCha8Rng::seed_from_u64(seed(reader));
    let started = Instant::now();
    let mut executions = 0u64;
    let mut library = 0u64;
    while started.elapsed() < budget() {
        let (name, bytes) = make(&mut rng);
        library += u64::from(exercise(&name, bytes, executions % 8 == 0, &mut session));
        executions += 1;
    }
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "fuzz {reader}: {executions} executions in {seconds:.1} s ({:.0}/s); {library} contained failures of the XLSX \
         library, each a clear error",
        executions as f64 / seconds
    );
    assert!(executions > 0);
}

fn mutated(rng: &mut ChaCha8Rng, seed: &[u8], most: usize) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for _ in 0..rng.random_range(1..=most) {
        mutate(rng, &mut bytes);
    }
    bytes
}

#[test]
fn the_csv_reader_survives_mutated_exports() {
    let inspections = inspections_csv().into_bytes();
    let appeals: Vec<u8> = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo/appeals.csv"))
        .unwrap()
        .lines()
        .take(12)
        .collect::<Vec<_>>()
        .join("\n")
        .into_bytes();
    fuzz("csv", |rng| {
        let seed = if rng.random() { &inspections } else { &appeals };
        ("fuzz.csv".into(), mutated(rng, seed, 8))
    });
}

#[test]
fn the_json_reader_survives_mutated_exports() {
    let records: Vec<String> = (1..=6)
        .map(|i| {
            format!(
                r#"{{"bin": "{}", "score": {}, "degree": "high", "model": "m", "computed": "2025-01-0{i}", "note": "Қазақ тілі ё"}}"#,
                bin(i),
                i * 10
            )
        })
        .collect();
    let array = format!("[\n{}\n]", records.join(",\n")).into_bytes();
    let lines = records.join("\n").into_bytes();
    fuzz("json", |rng| {
        if rng.random() {
            ("fuzz.json".into(), mutated(rng, &array, 8))
        } else {
            ("fuzz.ndjson".into(), mutated(rng, &lines, 8))
        }
    });
}

/// A small real workbook, as its parts.
fn workbook_parts() -> Vec<(String, Vec<u8>)> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (col, header) in ["bin", "score", "degree", "model", "computed"].iter().enumerate() {
        sheet.write_string(0, col as u16, *header).unwrap();
    }
    for row in 1..6u32 {
        sheet.write_string(row, 0, bin(row)).unwrap();
        sheet.write_number(row, 1, f64::from(row * 10)).unwrap();
        sheet.write_string(row, 2, "высокая").unwrap();
        sheet.write_string(row, 3, "m").unwrap();
        sheet.write_string(row, 4, "2025-01-01").unwrap();
    }
    let bytes = book.save_to_buffer().unwrap();
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut part = archive.by_index(i).unwrap();
            let mut body = Vec::new();
            part.read_to_end(&mut body).unwrap();
            (part.name().to_string(), body)
        })
        .collect()
}

/// A cell reference a hostile sheet might use: near, far, at Excel's edge, or past it.
fn cell_ref(rng: &mut ChaCha8Rng) -> String {
    let column = match rng.random_range(0..4) {
        0 => "A".to_string(),
        1 => "Z".to_string(),
        2 => "XFD".to_string(),
        _ => "ZZZZ".to_string(),
    };
    let row: u64 = match rng.random_range(0..5) {
        0 => 1,
        1 => rng.random_range(2..100),
        2 => 1_048_576,
        3 => 1_048_577,
        _ => u64::from(u32::MAX) + 7,
    };
    format!("{column}{row}")
}

fn zip_parts(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, body) in parts {
        out.start_file(name.as_str(), options).unwrap();
        out.write_all(body).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn the_xlsx_reader_survives_hostile_workbooks() {
    let parts = workbook_parts();
    let sheet_index = parts.iter().position(|(n, _)| n == "xl/worksheets/sheet1.xml").unwrap();
    let whole = zip_parts(&parts);
    fuzz("xlsx", |rng| {
        let bytes = match rng.random_range(0..4) {
            // The archive's own bytes damaged.
            0 => mutated(rng, &whole, 4),
            // Any part's XML damaged, then zipped again.
            1 => {
                let mut parts = parts.clone();
                let i = rng.random_range(0..parts.len());
                parts[i].1 = mutated(rng, &parts[i].1, 6);
                zip_parts(&parts)
            }
            // The sheet given lying used ranges and cells far away or past the edge.
            _ => {
                let mut parts = parts.clone();
                let mut xml = String::from_utf8_lossy(&parts[sheet_index].1).to_string();
                if let Some(start) = xml.find("<dimension ref=\"") {
                    let from = start + "<dimension ref=\"".len();
                    let end = from + xml[from..].find('"').unwrap_or(0);
                    xml.replace_range(from..end, &format!("{}:{}", cell_ref(rng), cell_ref(rng)));
                }
                for _ in 0..rng.random_range(1..4) {
                    let refs: Vec<usize> = xml.match_indices(" r=\"").map(|(i, _)| i + 4).collect();
                    if refs.is_empty() {
                        break;
                    }
                    let from = refs[rng.random_range(0..refs.len())];
                    let end = from + xml[from..].find('"').unwrap_or(0);
                    let replacement =
                        if rng.random() { cell_ref(rng) } else { rng.random_range(0..2_000_000u64).to_string() };
                    xml.replace_range(from..end, &replacement);
                }
                let mut bytes = xml.into_bytes();
                if rng.random_range(0..4) == 0 {
                    mutate(rng, &mut bytes);
                }
                parts[sheet_index].1 = bytes;
                zip_parts(&parts)
            }
        };
        ("fuzz.xlsx".into(), bytes)
    });
}
