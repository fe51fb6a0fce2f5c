//! BagIt 1.0 packages (RFC 8493) that prove themselves: a bag is built from named payload files
//! (`data/…`), with `bagit.txt`, `bag-info.txt` (Source-Organization, Bagging-Date,
//! External-Identifier, Payload-Oxum), `manifest-sha256.txt` and `tagmanifest-sha256.txt`, and a
//! detached ed25519 signature over the tag manifest in `tagmanifest-sha256.txt.sig` — a tag file
//! the tag manifest does not list, as RFC 8493 allows. Recomputing the manifests after an edit
//! therefore breaks the signature. Verification reads a bag directory or a zip of one and reports
//! every problem, each naming its file; it never stops at the first.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::path::Path;

use chrono::NaiveDate;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::Serialize;

pub const BAGIT_FILE: &str = "bagit.txt";
pub const BAG_INFO_FILE: &str = "bag-info.txt";
pub const MANIFEST_FILE: &str = "manifest-sha256.txt";
pub const TAG_MANIFEST_FILE: &str = "tagmanifest-sha256.txt";
pub const SIGNATURE_FILE: &str = "tagmanifest-sha256.txt.sig";
const BAGIT_TEXT: &str = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";

/// What `bag-info.txt` says of the bag besides its size.
#[derive(Debug, Clone)]
pub struct BagInfo {
    pub source_organization: String,
    pub bagging_date: NaiveDate,
    pub external_identifier: String,
    pub description: String,
}

/// A bag's files, path (forward slashes, relative to the bag's root) to bytes.
pub type BagFiles = BTreeMap<String, Vec<u8>>;

use crate::domain::digest::sha256_hex;

/// A path as a manifest writes it: CR, LF and % percent-encoded (RFC 8493 §2.1.3).
fn encode_path(path: &str) -> String {
    path.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn decode_path(path: &str) -> String {
    path.replace("%0A", "\n").replace("%0a", "\n").replace("%0D", "\r").replace("%0d", "\r").replace("%25", "%")
}

fn manifest_text(files: &BagFiles, paths: impl Iterator<Item = String>) -> String {
    paths.map(|p| format!("{}  {}\n", sha256_hex(&files[&p]), encode_path(&p))).collect()
}

/// Builds the bag: `payload` (paths under `data/`) with the tag files and the signature.
pub fn build(payload: BTreeMap<String, Vec<u8>>, info: &BagInfo, signer: &SigningKey) -> BagFiles {
    let mut files: BagFiles = payload.into_iter().map(|(p, b)| (format!("data/{p}"), b)).collect();
    let octets: usize = files.values().map(Vec::len).sum();
    let manifest = manifest_text(&files, files.keys().cloned().collect::<Vec<_>>().into_iter());
    let one_line = |text: &str| text.replace(['\r', '\n'], " ");
    let bag_info = format!(
        "Source-Organization: {}\nBagging-Date: {}\nExternal-Identifier: {}\nExternal-Description: {}\nPayload-Oxum: {}.{}\n",
        one_line(&info.source_organization),
        info.bagging_date.format("%Y-%m-%d"),
        one_line(&info.external_identifier),
        one_line(&info.description),
        octets,
        files.len()
    );
    files.insert(BAGIT_FILE.into(), BAGIT_TEXT.as_bytes().to_vec());
    files.insert(BAG_INFO_FILE.into(), bag_info.into_bytes());
    files.insert(MANIFEST_FILE.into(), manifest.into_bytes());
    let tags = [BAGIT_FILE, BAG_INFO_FILE, MANIFEST_FILE].map(String::from);
    let tag_manifest = manifest_text(&files, tags.into_iter());
    let signature = signer.sign(tag_manifest.as_bytes());
    files.insert(TAG_MANIFEST_FILE.into(), tag_manifest.into_bytes());
    let signature_text = format!(
        "Algorithm: ed25519\nSigned-File: {TAG_MANIFEST_FILE}\nPublic-Key: {}\nSignature: {}\n",
        hex::encode(signer.verifying_key().as_bytes()),
        hex::encode(signature.to_bytes())
    );
    files.insert(SIGNATURE_FILE.into(), signature_text.into_bytes());
    files
}

/// Writes a bag into `dir`, which must not exist yet or be empty.
pub fn write_dir(files: &BagFiles, dir: &Path) -> std::io::Result<()> {
    if dir.exists() && std::fs::read_dir(dir)?.next().is_some() {
        return Err(std::io::Error::new(std::io::ErrorKind::AlreadyExists, "the directory is not empty"));
    }
    for (path, bytes) in files {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        crate::disk::write(target, bytes)?;
    }
    Ok(())
}

/// Writes a bag as a zip whose one top-level directory is `root` (as bags are usually zipped).
/// An existing file is never written over, as `write_dir` never writes into a full directory.
pub fn write_zip(files: &BagFiles, path: &Path, root: &str) -> std::io::Result<()> {
    let file = crate::disk::create_new(path)?;
    zip_into(files, root, std::io::BufWriter::new(file))?;
    Ok(())
}

/// The bag zipped in memory under the directory `root` (a download that never touches the disk).
pub fn zip_bytes(files: &BagFiles, root: &str) -> std::io::Result<Vec<u8>> {
    Ok(zip_into(files, root, std::io::Cursor::new(Vec::new()))?.into_inner())
}

fn zip_into<W: std::io::Write + std::io::Seek>(files: &BagFiles, root: &str, out: W) -> std::io::Result<W> {
    let mut zip = zip::ZipWriter::new(out);
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        zip.start_file(format!("{root}/{name}"), options).map_err(std::io::Error::other)?;
        zip.write_all(bytes)?;
    }
    zip.finish().map_err(std::io::Error::other)
}

/// One thing wrong with a bag, naming its file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum BagProblem {
    /// Not a bag at all (no `bagit.txt`, an unreadable zip…).
    NotABag {
        reason: String,
    },
    /// A payload file's bytes differ from its manifest line.
    Altered {
        file: String,
    },
    /// A file a manifest lists is not there.
    Missing {
        file: String,
    },
    /// A file no manifest lists.
    Added {
        file: String,
    },
    /// A tag file (a manifest, `bag-info.txt`, `bagit.txt`) differs from the tag manifest, or the
    /// tag manifest does not cover it.
    ManifestEdited {
        file: String,
    },
    /// A manifest line that cannot be read.
    Malformed {
        file: String,
        line: usize,
        reason: String,
    },
    /// `bag-info.txt`'s Payload-Oxum disagrees with the payload.
    PayloadOxum {
        file: String,
        declared: String,
        found: String,
    },
    SignatureMissing {
        file: String,
    },
    /// The signature does not match the tag manifest (or cannot be read).
    SignatureInvalid {
        file: String,
        reason: String,
    },
    /// A valid signature by a key this office does not trust.
    UnknownSigner {
        file: String,
        public_key: String,
    },
}

impl BagProblem {
    pub fn text(&self) -> String {
        match self {
            BagProblem::NotABag { reason } => format!("not a bag: {reason}"),
            BagProblem::Altered { file } => {
                format!("{file}: the content was altered (its SHA-256 differs from the manifest)")
            }
            BagProblem::Missing { file } => format!("{file}: listed in a manifest but missing"),
            BagProblem::Added { file } => format!("{file}: added — no manifest lists it"),
            BagProblem::ManifestEdited { file } => {
                format!("{file}: edited — it differs from the tag manifest, or the tag manifest does not cover it")
            }
            BagProblem::Malformed { file, line, reason } => format!("{file}, line {line}: {reason}"),
            BagProblem::PayloadOxum { file, declared, found } => {
                format!("{file}: Payload-Oxum says {declared}, the payload is {found} (octets.files)")
            }
            BagProblem::SignatureMissing { file } => format!("{file}: the signature is missing"),
            BagProblem::SignatureInvalid { file, reason } => format!("{file}: the signature does not hold: {reason}"),
            BagProblem::UnknownSigner { file, public_key } => {
                format!("{file}: signed by a key this office does not know ({public_key})")
            }
        }
    }
}

/// What verification found.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct BagReport {
    pub ok: bool,
    pub payload_files: usize,
    pub payload_octets: u64,
    pub external_identifier: Option<String>,
    pub bagging_date: Option<String>,
    /// The public key that signed the tag manifest (hex), when the signature holds.
    pub signer: Option<String>,
    pub problems: Vec<BagProblem>,
}

/// The most a zipped bag may unpack to: a package is read into memory, and a small zip can claim
/// to unpack to far more than the machine has.
const MAX_UNZIPPED_BYTES: u64 = 4 << 30;

/// Reads a bag directory, or a zip holding one (its single top-level directory, or its root).
pub fn read(path: &Path) -> Result<BagFiles, String> {
    read_within(path, MAX_UNZIPPED_BYTES)
}

fn read_within(path: &Path, max_unzipped: u64) -> Result<BagFiles, String> {
    if path.is_dir() {
        let mut files = BagFiles::new();
        let mut stack = vec![path.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))? {
                let entry = entry.map_err(|e| e.to_string())?;
                let p = entry.path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    let relative = p.strip_prefix(path).map_err(|e| e.to_string())?;
                    let name =
                        relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
                    files.insert(name, crate::disk::read(&p).map_err(|e| format!("{}: {e}", p.display()))?);
                }
            }
        }
        return Ok(files);
    }
    let file = crate::disk::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    read_zip(file, &path.display().to_string(), max_unzipped)
}

/// Reads a zip of a bag held in memory (a package a person uploaded).
pub fn read_zip_bytes(bytes: &[u8]) -> Result<BagFiles, String> {
    read_zip(std::io::Cursor::new(bytes), "the package", MAX_UNZIPPED_BYTES)
}

fn read_zip<R: Read + std::io::Seek>(reader: R, label: &str, max_unzipped: u64) -> Result<BagFiles, String> {
    let mut zip = zip::ZipArchive::new(reader).map_err(|e| format!("{label}: not a zip: {e}"))?;
    let mut files = BagFiles::new();
    let mut unzipped = 0u64;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|e| e.to_string())?;
        if entry.is_dir() {
            continue;
        }
        let Some(name) = entry.enclosed_name() else {
            return Err(format!("{}: an entry points outside the bag", entry.name()));
        };
        let name = name.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
        // Counted as read, not as the entry claims: a zip's declared sizes can lie.
        let room = max_unzipped - unzipped;
        let mut bytes = Vec::new();
        (&mut entry).take(room + 1).read_to_end(&mut bytes).map_err(|e| e.to_string())?;
        if bytes.len() as u64 > room {
            return Err(format!("{name}: the zip unpacks to more than {max_unzipped} bytes"));
        }
        unzipped += bytes.len() as u64;
        files.insert(name, bytes);
    }
    // A zipped bag usually has one top-level directory: strip it.
    let roots: BTreeSet<&str> = files.keys().map(|k| k.split('/').next().unwrap_or("")).collect();
    if roots.len() == 1 && !files.contains_key(BAGIT_FILE) {
        let root = format!("{}/", roots.into_iter().next().unwrap_or_default());
        files = files.into_iter().map(|(k, v)| (k.strip_prefix(&root).unwrap_or(&k).to_string(), v)).collect();
    }
    Ok(files)
}

/// Parses a manifest: `checksum  path` per line.
fn parse_manifest(file: &str, text: &str, problems: &mut Vec<BagProblem>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match line.split_once(char::is_whitespace) {
            Some((sum, path)) if sum.len() == 64 && sum.bytes().all(|b| b.is_ascii_hexdigit()) => {
                out.push((sum.to_ascii_lowercase(), decode_path(path.trim_start())))
            }
            _ => problems.push(BagProblem::Malformed {
                file: file.into(),
                line: i + 1,
                reason: "not a SHA-256 checksum followed by a path".into(),
            }),
        }
    }
    out
}

fn field<'a>(text: &'a str, label: &str) -> Option<&'a str> {
    text.lines().find_map(|l| l.split_once(':').filter(|(k, _)| k.trim() == label).map(|(_, v)| v.trim()))
}

/// Checks every file of a bag against its manifests, its size against Payload-Oxum, and its tag
/// manifest's signature against `trusted` keys (any valid signature when `trusted` is empty).
pub fn verify(files: &BagFiles, trusted: &[VerifyingKey]) -> BagReport {
    let mut problems = Vec::new();
    let text = |name: &str| files.get(name).map(|b| String::from_utf8_lossy(b).into_owned());
    let payload: Vec<&String> = files.keys().filter(|k| k.starts_with("data/")).collect();
    let payload_octets: u64 = payload.iter().map(|k| files[*k].len() as u64).sum();
    let mut report = BagReport {
        ok: false,
        payload_files: payload.len(),
        payload_octets,
        external_identifier: None,
        bagging_date: None,
        signer: None,
        problems: Vec::new(),
    };
    match text(BAGIT_FILE) {
        Some(t) if field(&t, "BagIt-Version").is_some() => {}
        _ => {
            report.problems.push(BagProblem::NotABag { reason: format!("no {BAGIT_FILE} declaring a BagIt-Version") });
            return report;
        }
    }
    // The payload manifest.
    let mut listed: BTreeSet<String> = BTreeSet::new();
    match text(MANIFEST_FILE) {
        None => problems.push(BagProblem::Missing { file: MANIFEST_FILE.into() }),
        Some(t) => {
            for (sum, path) in parse_manifest(MANIFEST_FILE, &t, &mut problems) {
                match files.get(&path) {
                    None => problems.push(BagProblem::Missing { file: path.clone() }),
                    Some(bytes) if sha256_hex(bytes) != sum => {
                        problems.push(BagProblem::Altered { file: path.clone() })
                    }
                    Some(_) => {}
                }
                listed.insert(path);
            }
        }
    }
    for path in &payload {
        if !listed.contains(*path) {
            problems.push(BagProblem::Added { file: (*path).clone() });
        }
    }
    // The tag manifest: it must cover the other tag files, and they must match it.
    let mut tag_listed: BTreeSet<String> = BTreeSet::new();
    match text(TAG_MANIFEST_FILE) {
        None => problems.push(BagProblem::Missing { file: TAG_MANIFEST_FILE.into() }),
        Some(t) => {
            for (sum, path) in parse_manifest(TAG_MANIFEST_FILE, &t, &mut problems) {
                match files.get(&path) {
                    None => problems.push(BagProblem::Missing { file: path.clone() }),
                    Some(bytes) if sha256_hex(bytes) != sum => {
                        problems.push(BagProblem::ManifestEdited { file: path.clone() })
                    }
                    Some(_) => {}
                }
                tag_listed.insert(path);
            }
            for required in [BAGIT_FILE, BAG_INFO_FILE, MANIFEST_FILE] {
                if files.contains_key(required) && !tag_listed.contains(required) {
                    problems.push(BagProblem::ManifestEdited { file: required.into() });
                }
            }
        }
    }
    for name in files.keys() {
        let tag = !name.starts_with("data/");
        let known =
            [BAGIT_FILE, BAG_INFO_FILE, MANIFEST_FILE, TAG_MANIFEST_FILE, SIGNATURE_FILE].contains(&name.as_str());
        if tag && !known && !tag_listed.contains(name) {
            problems.push(BagProblem::Added { file: name.clone() });
        }
    }
    // bag-info.txt and its Payload-Oxum.
    match text(BAG_INFO_FILE) {
        None => problems.push(BagProblem::Missing { file: BAG_INFO_FILE.into() }),
        Some(info) => {
            report.external_identifier = field(&info, "External-Identifier").map(str::to_string);
            report.bagging_date = field(&info, "Bagging-Date").map(str::to_string);
            let found = format!("{}.{}", payload_octets, payload.len());
            match field(&info, "Payload-Oxum") {
                Some(declared) if declared == found => {}
                declared => problems.push(BagProblem::PayloadOxum {
                    file: BAG_INFO_FILE.into(),
                    declared: declared.unwrap_or("nothing").to_string(),
                    found,
                }),
            }
        }
    }
    // The signature over the tag manifest.
    match (text(SIGNATURE_FILE), files.get(TAG_MANIFEST_FILE)) {
        (None, _) => problems.push(BagProblem::SignatureMissing { file: SIGNATURE_FILE.into() }),
        (Some(_), None) => {}
        (Some(sig), Some(signed)) => match check_signature(&sig, signed) {
            Err(reason) => problems.push(BagProblem::SignatureInvalid { file: SIGNATURE_FILE.into(), reason }),
            Ok(key) => {
                let public_key = hex::encode(key.as_bytes());
                if !trusted.is_empty() && !trusted.contains(&key) {
                    problems.push(BagProblem::UnknownSigner {
                        file: SIGNATURE_FILE.into(),
                        public_key: public_key.clone(),
                    });
                }
                report.signer = Some(public_key);
            }
        },
    }
    report.ok = problems.is_empty();
    report.problems = problems;
    report
}

fn check_signature(text: &str, signed: &[u8]) -> Result<VerifyingKey, String> {
    let bytes = |label: &str, len: usize| -> Result<Vec<u8>, String> {
        let value = field(text, label).ok_or(format!("no {label}"))?;
        let bytes = hex::decode(value).map_err(|_| format!("{label} is not hex"))?;
        if bytes.len() != len {
            return Err(format!("{label} is not {len} bytes"));
        }
        Ok(bytes)
    };
    if field(text, "Algorithm") != Some("ed25519") {
        return Err("the algorithm is not ed25519".into());
    }
    let key: [u8; 32] = bytes("Public-Key", 32)?.try_into().map_err(|_| "bad key")?;
    let key = VerifyingKey::from_bytes(&key).map_err(|e| format!("Public-Key: {e}"))?;
    let signature: [u8; 64] = bytes("Signature", 64)?.try_into().map_err(|_| "bad signature")?;
    key.verify(signed, &Signature::from_bytes(&signature))
        .map_err(|_| "it does not match the tag manifest".to_string())?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    fn bag() -> BagFiles {
        let payload: BTreeMap<String, Vec<u8>> = [
            ("card.json".to_string(), br#"{"bin":"123"}"#.to_vec()),
            ("acts/акт 1.txt".to_string(), "Қазақ тілі: ә ғ қ ң ө ұ ү һ і".as_bytes().to_vec()),
        ]
        .into_iter()
        .collect();
        let info = BagInfo {
            source_organization: "Прокуратура".into(),
            bagging_date: NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
            external_identifier: "ekn-evidence-123".into(),
            description: "test".into(),
        };
        build(payload, &info, &key(7))
    }

    fn problems(files: &BagFiles) -> Vec<BagProblem> {
        verify(files, &[key(7).verifying_key()]).problems
    }

    #[test]
    fn an_intact_bag_verifies_and_names_its_signer() {
        let files = bag();
        let report = verify(&files, &[key(7).verifying_key()]);
        assert!(report.ok, "{:?}", report.problems);
        assert_eq!(report.payload_files, 2);
        assert_eq!(report.signer.as_deref(), Some(hex::encode(key(7).verifying_key().as_bytes()).as_str()));
        let info = String::from_utf8(files[BAG_INFO_FILE].clone()).unwrap();
        assert!(info.contains(&format!("Payload-Oxum: {}.2", report.payload_octets)), "{info}");
        assert!(!String::from_utf8_lossy(&files[TAG_MANIFEST_FILE]).contains(SIGNATURE_FILE));
    }

    #[test]
    fn every_kind_of_tampering_is_named_with_its_file() {
        let mut altered = bag();
        altered.insert("data/card.json".into(), b"{}".to_vec());
        assert!(problems(&altered).contains(&BagProblem::Altered { file: "data/card.json".into() }));

        let mut missing = bag();
        missing.remove("data/card.json");
        let found = problems(&missing);
        assert!(found.contains(&BagProblem::Missing { file: "data/card.json".into() }), "{found:?}");
        assert!(found.iter().any(|p| matches!(p, BagProblem::PayloadOxum { .. })), "{found:?}");

        let mut added = bag();
        added.insert("data/extra.pdf".into(), b"%PDF".to_vec());
        assert!(problems(&added).contains(&BagProblem::Added { file: "data/extra.pdf".into() }));

        // An edit (of the same length, so Payload-Oxum still holds) with the payload manifest
        // recomputed: the tag manifest no longer matches it.
        let mut edited = bag();
        edited.insert("data/card.json".into(), br#"{"bin":"999"}"#.to_vec());
        let manifest = manifest_text(
            &edited,
            edited.keys().filter(|k| k.starts_with("data/")).cloned().collect::<Vec<_>>().into_iter(),
        );
        edited.insert(MANIFEST_FILE.into(), manifest.into_bytes());
        assert_eq!(problems(&edited), [BagProblem::ManifestEdited { file: MANIFEST_FILE.into() }]);

        // …and with the tag manifest recomputed too: only the signature can tell.
        let tags = [BAGIT_FILE, BAG_INFO_FILE, MANIFEST_FILE].map(String::from);
        let tag_manifest = manifest_text(&edited, tags.into_iter());
        edited.insert(TAG_MANIFEST_FILE.into(), tag_manifest.into_bytes());
        assert!(matches!(problems(&edited)[..], [BagProblem::SignatureInvalid { .. }]), "{:?}", problems(&edited));

        let mut oxum = bag();
        let info = String::from_utf8(oxum[BAG_INFO_FILE].clone()).unwrap();
        let info = info
            .lines()
            .map(|l| if l.starts_with("Payload-Oxum") { "Payload-Oxum: 1.1".to_string() } else { l.to_string() })
            .collect::<Vec<_>>()
            .join("\n")
            + "\n";
        oxum.insert(BAG_INFO_FILE.into(), info.into_bytes());
        let found = problems(&oxum);
        assert!(found.contains(&BagProblem::ManifestEdited { file: BAG_INFO_FILE.into() }), "{found:?}");
        assert!(found.iter().any(|p| matches!(p, BagProblem::PayloadOxum { declared, .. } if declared == "1.1")));

        let mut unsigned = bag();
        unsigned.remove(SIGNATURE_FILE);
        assert_eq!(problems(&unsigned), [BagProblem::SignatureMissing { file: SIGNATURE_FILE.into() }]);

        // Re-signed by someone else's key: valid, but not this office's.
        let stranger = build(
            bag().into_iter().filter_map(|(k, v)| k.strip_prefix("data/").map(|p| (p.to_string(), v))).collect(),
            &BagInfo {
                source_organization: "x".into(),
                bagging_date: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
                external_identifier: "x".into(),
                description: "x".into(),
            },
            &key(9),
        );
        assert!(matches!(problems(&stranger)[..], [BagProblem::UnknownSigner { .. }]));

        let mut not_a_bag = bag();
        not_a_bag.remove(BAGIT_FILE);
        assert!(matches!(problems(&not_a_bag)[..], [BagProblem::NotABag { .. }]));
    }

    #[test]
    fn paths_with_percent_and_newlines_survive_the_manifest() {
        assert_eq!(decode_path(&encode_path("a%b\nc\rd")), "a%b\nc\rd");
        assert_eq!(encode_path("a%b\nc"), "a%25b%0Ac");
    }

    #[test]
    fn a_zip_is_never_written_over_and_never_unpacked_beyond_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let zip = dir.path().join("bag.zip");
        write_zip(&bag(), &zip, "bag").unwrap();
        assert!(write_zip(&bag(), &zip, "bag").is_err(), "an existing file is kept");
        let files = read(&zip).unwrap();
        assert!(verify(&files, &[key(7).verifying_key()]).ok);
        let error = read_within(&zip, 100).unwrap_err();
        assert!(error.contains("more than 100 bytes"), "{error}");
    }
}
