//! A registry export that arrives zipped. Portals and ministries publish large exports as a ZIP
//! holding one CSV, XLSX or JSON file; an XLSX workbook is itself a ZIP. Both start with the same
//! four bytes, so the archive is opened and looked into: a workbook goes to the XLSX reader, a
//! plain archive gives up its one importable file, unpacked in memory (nothing raw is written to
//! disk) under a size cap, since a few kilobytes of ZIP can inflate to gigabytes.

use std::io::{Cursor, Read};

use crate::source::ReadError;

/// The most a member may inflate to. A million inspections are about 200 MB of CSV.
pub const MAX_MEMBER_BYTES: u64 = 2 << 30;

/// What a ZIP turned out to be.
pub enum Zipped {
    /// An XLSX workbook: the archive as it came.
    Workbook(Vec<u8>),
    /// A plain archive's one importable file: its name inside the archive and its bytes.
    Member { name: String, bytes: Vec<u8> },
}

/// The extensions of the files an archive may carry for import.
const IMPORTABLE: [&str; 6] = ["csv", "tsv", "txt", "json", "jsonl", "xlsx"];

/// Looks into a ZIP: a workbook, or the one importable file of a plain archive.
pub fn open(bytes: Vec<u8>) -> Result<Zipped, ReadError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes.as_slice()))
        .map_err(|e| ReadError::at(0, format!("not a readable ZIP archive: {e}")))?;
    let names: Vec<String> = archive.file_names().map(str::to_string).collect();
    if names.iter().any(|n| n == "xl/workbook.xml" || n == "[Content_Types].xml") {
        drop(archive);
        return Ok(Zipped::Workbook(bytes));
    }
    let files: Vec<&String> = names.iter().filter(|n| !n.ends_with('/') && !is_clutter(n)).collect();
    let importable: Vec<&String> = files.iter().copied().filter(|n| is_importable(n)).collect();
    let name = match importable.as_slice() {
        [one] => (*one).clone(),
        [] => {
            return Err(ReadError::at(
                0,
                format!("the ZIP holds no CSV, XLSX or JSON file (it holds: {})", listing(&files)),
            ))
        }
        several => {
            return Err(ReadError::at(
                0,
                format!(
                    "the ZIP holds {} files to import ({}): unpack it and import them one by one",
                    several.len(),
                    listing(several)
                ),
            ))
        }
    };
    let member =
        archive.by_name(&name).map_err(|e| ReadError::at(0, format!("«{name}» in the ZIP cannot be read: {e}")))?;
    let mut unpacked = Vec::with_capacity(member.size().min(MAX_MEMBER_BYTES) as usize);
    member
        .take(MAX_MEMBER_BYTES + 1)
        .read_to_end(&mut unpacked)
        .map_err(|e| ReadError::at(0, format!("«{name}» in the ZIP cannot be unpacked: {e}")))?;
    if unpacked.len() as u64 > MAX_MEMBER_BYTES {
        return Err(ReadError::at(
            0,
            format!(
                "«{name}» in the ZIP unpacks to more than {} GiB; unpack it and import the file",
                MAX_MEMBER_BYTES >> 30
            ),
        ));
    }
    if unpacked.starts_with(b"PK\x03\x04") && !name.to_ascii_lowercase().ends_with(".xlsx") {
        return Err(ReadError::at(0, format!("«{name}» in the ZIP is itself an archive; unpack it first")));
    }
    Ok(Zipped::Member { name, bytes: unpacked })
}

fn is_importable(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.rsplit_once('.').is_some_and(|(_, ext)| IMPORTABLE.contains(&ext))
}

/// What archivers add beside the files: macOS resource forks, hidden files.
fn is_clutter(name: &str) -> bool {
    name.starts_with("__MACOSX/") || name.rsplit('/').next().is_some_and(|base| base.starts_with('.'))
}

/// At most ten names, for a message.
fn listing(names: &[&String]) -> String {
    let mut shown: Vec<&str> = names.iter().take(10).map(|n| n.as_str()).collect();
    if names.len() > 10 {
        shown.push("…");
    }
    if shown.is_empty() {
        "nothing".into()
    } else {
        shown.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in files {
            out.start_file(*name, options).unwrap();
            out.write_all(bytes).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    #[test]
    fn the_one_importable_file_is_unpacked_and_clutter_ignored() {
        let bytes = zip_of(&[("__MACOSX/._x.csv", b"junk"), ("README.pdf", b"%PDF"), ("export/x.csv", b"a;b\n1;2\n")]);
        match open(bytes).unwrap() {
            Zipped::Member { name, bytes } => {
                assert_eq!((name.as_str(), bytes.as_slice()), ("export/x.csv", &b"a;b\n1;2\n"[..]))
            }
            Zipped::Workbook(_) => panic!("not a workbook"),
        }
    }

    #[test]
    fn an_archive_with_none_or_several_says_what_it_holds() {
        let reason = |files: &[(&str, &[u8])]| open(zip_of(files)).err().unwrap().reason;
        assert!(reason(&[("a.pdf", b"x")]).contains("no CSV, XLSX or JSON file (it holds: a.pdf)"));
        assert!(reason(&[("a.csv", b"x"), ("b.json", b"[]")]).contains("2 files to import (a.csv, b.json)"));
        assert!(reason(&[("inner.zip.csv", &zip_of(&[("a.csv", b"x")]))]).contains("itself an archive"));
        assert!(open(b"PK\x03\x04 not really".to_vec()).err().unwrap().reason.contains("not a readable ZIP"));
    }
}
