//! Evidence packages as a court would meet them: packed from a real database into a real directory
//! and zip, accepted by the Library of Congress `bagit` validator (Python, installed by
//! scripts/setup), and every kind of tampering named by `ekn evidence verify` with its file.

use std::path::{Path, PathBuf};
use std::process::Command;

use ekn::domain::records::DataKind;
use ekn::evidence::bag::BagProblem;
use sha2::{Digest, Sha256};

use crate::support::{bin, inspections_csv, TempDb};

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// The Library of Congress validator's verdict on a bag directory.
pub(crate) fn loc_bagit_validates(dir: &Path) -> Result<(), String> {
    let script = "import sys, bagit\nbag = bagit.Bag(sys.argv[1])\nbag.validate()\n";
    let out = Command::new("python3").arg("-c").arg(script).arg(dir).output().expect("python3 runs");
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(
        !stderr.contains("No module named 'bagit'"),
        "the LoC validator is not installed: pip install bagit==1.8.1 (scripts/setup does)"
    );
    if out.status.success() {
        Ok(())
    } else {
        Err(stderr)
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Rewrites the manifest line of `file` in `manifest` with the file's current digest.
fn recompute(bag: &Path, manifest: &str, file: &str) {
    let digest = sha256_hex(&std::fs::read(bag.join(file)).unwrap());
    let text = std::fs::read_to_string(bag.join(manifest)).unwrap();
    let lines: Vec<String> = text
        .lines()
        .map(|l| if l.ends_with(&format!("  {file}")) { format!("{digest}  {file}") } else { l.to_string() })
        .collect();
    std::fs::write(bag.join(manifest), lines.join("\n") + "\n").unwrap();
}

#[test]
fn a_package_proves_itself_to_an_outside_validator_and_every_tampering_is_named() {
    let db = TempDb::new();
    db.import(DataKind::Inspections, &db.file("inspections.csv", inspections_csv())).unwrap();
    let mut s = db.session();
    let object = bin(1);
    let out = db.dir.path().join("package");
    let packed = s.evidence().package(&object, &out, false).unwrap();
    for file in ["card.json", "card.html", "analytics/risk.json", "analytics/anomalies.json", "journal/excerpt.json"] {
        assert!(packed.contents.iter().any(|c| c == file), "{file} in {:?}", packed.contents);
    }
    let html = std::fs::read_to_string(out.join("data/card.html")).unwrap();
    assert!(html.contains("Кайнар Алем") && html.contains("R-1"), "the readable card");
    let intact = s.evidence().verify(&out).unwrap();
    assert!(intact.report.ok && intact.signed_by_this_office, "{:?}", intact.messages);
    loc_bagit_validates(&out).expect("the LoC validator accepts an intact package");
    assert!(s.evidence().package(&object, &out, false).is_err(), "a package is never written over another");

    // Each tampering on its own copy; each named with its file.
    let tampered = |name: &str, edit: &dyn Fn(&Path)| -> (PathBuf, Vec<BagProblem>) {
        let copy = db.dir.path().join(name);
        copy_dir(&out, &copy);
        edit(&copy);
        let report = db.session().evidence().verify(&copy).unwrap();
        assert!(!report.report.ok, "{name}");
        (copy, report.report.problems)
    };
    let (altered, problems) = tampered("altered", &|b| {
        std::fs::write(b.join("data/card.json"), b"{\"bin\": \"forged\"}").unwrap();
    });
    assert!(problems.contains(&BagProblem::Altered { file: "data/card.json".into() }), "{problems:?}");
    assert!(loc_bagit_validates(&altered).is_err(), "the LoC validator refuses it too");
    let (_, problems) = tampered("missing", &|b| std::fs::remove_file(b.join("data/card.html")).unwrap());
    assert!(problems.contains(&BagProblem::Missing { file: "data/card.html".into() }), "{problems:?}");
    let (_, problems) = tampered("added", &|b| std::fs::write(b.join("data/note.txt"), "added later").unwrap());
    assert!(problems.contains(&BagProblem::Added { file: "data/note.txt".into() }), "{problems:?}");
    let (_, problems) = tampered("manifest", &|b| {
        std::fs::write(b.join("data/card.html"), "<p>forged</p>").unwrap();
        recompute(b, "manifest-sha256.txt", "data/card.html");
    });
    assert!(problems.contains(&BagProblem::ManifestEdited { file: "manifest-sha256.txt".into() }), "{problems:?}");
    // Every manifest recomputed after the edit, Payload-Oxum too: the LoC validator is satisfied,
    // only the signature can tell — and does.
    let (recomputed, problems) = tampered("recomputed", &|b| {
        let forged = std::fs::read_to_string(b.join("data/card.html")).unwrap().replace("R-1", "R-9");
        std::fs::write(b.join("data/card.html"), forged).unwrap();
        recompute(b, "manifest-sha256.txt", "data/card.html");
        recompute(b, "tagmanifest-sha256.txt", "manifest-sha256.txt");
    });
    assert!(
        matches!(&problems[..], [BagProblem::SignatureInvalid { file, .. }] if file == "tagmanifest-sha256.txt.sig"),
        "{problems:?}"
    );
    loc_bagit_validates(&recomputed).expect("manifests alone cannot tell");
    let (_, problems) = tampered("unsigned", &|b| std::fs::remove_file(b.join("tagmanifest-sha256.txt.sig")).unwrap());
    assert!(matches!(&problems[..], [BagProblem::SignatureMissing { .. }]), "{problems:?}");
    let (_, problems) = tampered("oxum", &|b| {
        let info = std::fs::read_to_string(b.join("bag-info.txt")).unwrap();
        let info: String = info
            .lines()
            .map(|l| if l.starts_with("Payload-Oxum") { "Payload-Oxum: 10.1\n".to_string() } else { format!("{l}\n") })
            .collect();
        std::fs::write(b.join("bag-info.txt"), info).unwrap();
    });
    assert!(problems.iter().any(|p| matches!(p, BagProblem::PayloadOxum { declared, .. } if declared == "10.1")));
    assert!(problems.contains(&BagProblem::ManifestEdited { file: "bag-info.txt".into() }), "{problems:?}");

    // A zip: intact, then cut short.
    let zip = db.dir.path().join("package.zip");
    s.evidence().package(&object, &zip, true).unwrap();
    assert!(s.evidence().verify(&zip).unwrap().report.ok);
    let bytes = std::fs::read(&zip).unwrap();
    let cut = db.file("cut.zip", &bytes[..bytes.len() / 2]);
    let report = s.evidence().verify(&cut).unwrap();
    assert!(matches!(&report.report.problems[..], [BagProblem::NotABag { .. }]), "{:?}", report.report.problems);

    // Packing and checking are journaled; the command line fails on a broken package.
    let kinds: Vec<String> =
        s.journal(&ekn::api::JournalQuery::default()).unwrap().into_iter().map(|l| l.kind).collect();
    assert!(kinds.iter().any(|k| k == "evidence_packed") && kinds.iter().any(|k| k == "evidence_verified"));
    drop(s);
    let cli = Command::new(env!("CARGO_BIN_EXE_ekn"))
        .arg("--db")
        .arg(&db.path)
        .args(["evidence", "verify"])
        .arg(&altered)
        .output()
        .unwrap();
    assert!(!cli.status.success());
    let err = String::from_utf8_lossy(&cli.stderr);
    assert!(err.starts_with("ekn: error [evidence_broken]:") && err.contains("data/card.json"), "{err}");
}
