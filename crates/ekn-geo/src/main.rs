//! `ekn-geo build [--source DIR] [--out DIR]`: writes the district outlines, the adjacency and the
//! classifier as data from their sources (defaults: `assets/geo/source` → `assets/geo`, run from the
//! repository's root). `ekn-geo check` builds in memory and says whether the shipped files are what
//! the sources give.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str, default: &str| {
        args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).cloned().unwrap_or_else(|| default.into())
    };
    let (source, out) =
        (PathBuf::from(value("--source", "assets/geo/source")), PathBuf::from(value("--out", "assets/geo")));
    let command = args.first().map(String::as_str).unwrap_or("");
    if !matches!(command, "build" | "check") {
        eprintln!("usage: ekn-geo build|check [--source DIR] [--out DIR]");
        return ExitCode::from(2);
    }
    let files = match ekn_geo::build(&source) {
        Ok(files) => files,
        Err(e) => {
            eprintln!("ekn-geo: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut differ = false;
    for (name, bytes) in files {
        let path = out.join(name);
        if command == "build" {
            if let Err(e) = ekn_disk::write(&path, &bytes) {
                eprintln!("ekn-geo: {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
            println!("{}: {} bytes", path.display(), bytes.len());
        } else if ekn_disk::read(&path).ok().as_deref() != Some(bytes.as_slice()) {
            println!("{}: differs from what the sources give", path.display());
            differ = true;
        } else {
            println!("{}: as the sources give", path.display());
        }
    }
    if differ {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
