//! The architecture invariants of ARCHITECTURE.md that reading the source can prove: only `store`
//! writes SQL, and only its write path opens write transactions; `domain`, `analytics` and
//! `studies` do no I/O, `analytics` never names a generator and a generator names only `domain` and
//! `analytics`, and `acts` and `evidence` no SQL and no clock; the lower layers never reach up into `api`;
//! the faces (command line, `ekn serve`, the desktop app) reach the core only through `ekn::api`
//! (and the plain values of `ekn::domain`), hold no use case and run no SQL; no use case reads the
//! wall clock (the clock is injected); files beside the database are touched only by `store`
//! (attachments, keys, the checkpoint, removing a database); every source file opens with its
//! purpose (`//!`); and the core never depends on the desktop toolkit (walked through Cargo.lock,
//! so the check needs no network).

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

use regex::Regex;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The lower layers that are crates of their own (`crates/ekn-*`), which `ekn` re-exports under
/// their module names, with the other crates of the core each may depend on. Cargo refuses a
/// circle between crates, so a layer that is a crate cannot reach up: the test checks that each
/// depends only on those listed.
const LAYER_CRATES: [(&str, &[&str]); 6] = [
    ("disk", &[]),
    ("domain", &[]),
    ("analytics", &["domain"]),
    ("i18n", &["domain", "analytics"]),
    ("connect", &["domain", "disk"]),
    ("readers", &["domain", "analytics", "disk"]),
];

/// Where a layer's sources are: its crate's `src` for a layer crate, `src/<name>` for a module of `ekn`.
fn layer(name: &str) -> PathBuf {
    if LAYER_CRATES.iter().any(|(c, _)| *c == name) {
        root().join(format!("crates/ekn-{name}/src"))
    } else {
        root().join("src").join(name)
    }
}

/// Every source of the core: `ekn`'s own and its layer crates'.
fn core_sources() -> Vec<(String, String)> {
    let mut files = sources(&root().join("src"));
    files.extend(sources(&root().join("crates")));
    files
}

/// Every `.rs` file below `dir`, without its test items (tests may do what the code may not).
fn sources(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            let code = without_tests(&text);
            out.push((path.strip_prefix(root()).unwrap().display().to_string(), code));
        }
    }
    out.sort();
    out
}

/// `text` without its test items: each `#[cfg(test)]` and the item after it (a `mod tests { … }`
/// to its matching brace, or an item ending in `;`). Braces inside strings, characters and
/// comments do not count. Cutting at the first `#[cfg(test)]` instead hid the code after a test
/// module (`domain/records.rs` named `acts` below its tests, and the rule never saw it).
fn without_tests(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let item = &rest[at + "#[cfg(test)]".len()..];
        rest = &item[item_end(item)..];
    }
    out.push_str(rest);
    out
}

/// Where the item at the start of `code` ends: after its `;` or after the brace that closes its
/// first `{`, skipping string, raw string, character literals and comments.
fn item_end(code: &str) -> usize {
    let bytes = code.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = code[i..].find('\n').map_or(bytes.len(), |n| i + n);
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = code[i + 2..].find("*/").map_or(bytes.len(), |n| i + 2 + n + 2);
                continue;
            }
            b'r' if matches!(bytes.get(i + 1), Some(b'"' | b'#')) && (i == 0 || !is_ident(bytes[i - 1])) => {
                // r"…", r#"…"#: ends at the quote followed by as many hashes.
                let hashes = bytes[i + 1..].iter().take_while(|&&b| b == b'#').count();
                let open = i + 1 + hashes;
                if bytes.get(open) == Some(&b'"') {
                    let close = format!("\"{}", "#".repeat(hashes));
                    i = code[open + 1..].find(&close).map_or(bytes.len(), |n| open + 1 + n + close.len());
                    continue;
                }
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'\'' => {
                // A character literal ('{', '\n', '\''), not a lifetime ('a).
                if bytes.get(i + 1) == Some(&b'\\') {
                    i = code[i + 3..].find('\'').map_or(bytes.len(), |n| i + 3 + n);
                } else if let Some(c) = code[i + 1..].chars().next() {
                    if code[i + 1 + c.len_utf8()..].starts_with('\'') {
                        i += c.len_utf8() + 1;
                    }
                }
            }
            b'{' => depth += 1,
            b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i + 1;
                }
            }
            b';' if depth == 0 => return i + 1,
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The faces' sources: the command line, `ekn serve` and the desktop app.
fn faces() -> Vec<(String, String)> {
    let mut files = sources(&root().join("src/cli"));
    files.extend(sources(&root().join("src/serve")));
    files.extend(sources(&root().join("src-tauri/src")));
    files.extend(sources(&root().join("src")).into_iter().filter(|(p, _)| p == "src/main.rs"));
    files
}

fn offenders(files: &[(String, String)], pattern: &Regex, allowed: &dyn Fn(&str) -> bool) -> Vec<String> {
    files
        .iter()
        .filter(|(path, _)| !allowed(path))
        .flat_map(|(path, code)| {
            code.lines()
                .enumerate()
                .filter(|(_, line)| !line.trim_start().starts_with("//") && pattern.is_match(line))
                .map(move |(i, line)| format!("{path}:{}: {}", i + 1, line.trim()))
        })
        .collect()
}

#[test]
fn only_the_store_writes_sql() {
    let sql = Regex::new(
        r#""\s*(SELECT|INSERT INTO|UPDATE [a-z_]+ SET|DELETE FROM|CREATE (TABLE|INDEX|VIRTUAL|VIEW|TRIGGER)|DROP )"#,
    )
    .unwrap();
    let found = offenders(&core_sources(), &sql, &|p| p.starts_with("src/store/"));
    assert!(found.is_empty(), "SQL outside src/store:\n{}", found.join("\n"));
}

#[test]
fn only_the_write_path_opens_write_transactions() {
    let tx = Regex::new(r"\.transaction(_with_behavior)?\(").unwrap();
    let allowed = |p: &str| p == "src/store/journal.rs" || p == "src/store/mod.rs";
    let found = offenders(&core_sources(), &tx, &allowed);
    assert!(found.is_empty(), "a write transaction outside the one write path:\n{}", found.join("\n"));
    // In store/mod.rs only the migrations may, which run before any data is written.
    let store = std::fs::read_to_string(root().join("src/store/mod.rs")).unwrap();
    let code = without_tests(&store);
    let in_migrate = code.split("fn migrate(").nth(1).unwrap_or("");
    assert_eq!(code.matches(".transaction()").count(), in_migrate.matches(".transaction()").count());
}

#[test]
fn the_domain_and_analytics_do_no_io() {
    let io =
        Regex::new(r"std::(fs|net|process)|rusqlite|std::io::(Read|Write|stdin|stdout)|Utc::now|Local::now").unwrap();
    for name in ["domain", "analytics", "studies"] {
        let found = offenders(&sources(&layer(name)), &io, &|_| false);
        assert!(found.is_empty(), "I/O, storage or the wall clock inside {name}:\n{}", found.join("\n"));
    }
    // Analytics computes over what it is handed, and the domain is the floor: each is a crate
    // that depends on nothing above it (`the_layer_crates_depend_only_downward`), so neither can
    // name the store, the api, or the generators analytics' power is measured on.
    // A generator makes data from the domain's values (the effect estimator's panel types too); it
    // runs no estimator's study and touches no database: `studies` does the one, `store` the other.
    let beyond = Regex::new(r"crate::(store|ingest|api|studies|acts|evidence|connect|extract|guide)\b").unwrap();
    let found = offenders(&sources(&layer("generator")), &beyond, &|_| false);
    assert!(found.is_empty(), "generator reaches beyond domain and analytics:\n{}", found.join("\n"));
    let studies = Regex::new(r"crate::(store|ingest|api|acts|evidence|connect|extract|guide)\b").unwrap();
    let found = offenders(&sources(&layer("studies")), &studies, &|_| false);
    assert!(found.is_empty(), "studies reach beyond analytics and the generators:\n{}", found.join("\n"));
}

#[test]
fn the_secrets_are_lent_narrowly_and_one_path_writes() {
    // The session's key ring is the kernel's: a capability is lent the signing key as a `Sealer`,
    // the documents as `Documents`, the pseudonymiser as `pseudonyms()`; only the vault (which
    // copies the keys into an encrypted database or a backup) sees the ring's fields.
    let ring = Regex::new(r"\bkeys\.(signer|blobs|pseudonymiser|files|access)([^(a-z_]|$)").unwrap();
    let allowed = |p: &str| p.starts_with("src/api/session/") || p.starts_with("src/api/vault/");
    let found = offenders(&sources(&root().join("src/api")), &ring, &allowed);
    assert!(found.is_empty(), "a capability reaches into the key ring past its lenders:\n{}", found.join("\n"));
    let planted = vec![("src/api/tasks/mod.rs".to_string(), "let key = &self.keys.signer;".to_string())];
    assert_eq!(offenders(&planted, &ring, &allowed).len(), 1, "the check sees a field of the ring where it would be");
    // A transaction is opened and committed by the kernel's `Journal` (which seals and forgets the
    // caches its entries name), by the import's own writer, and by the vault on a copy it makes.
    let commit = Regex::new(r"\.commit\(\)").unwrap();
    let allowed = |p: &str| {
        p == "src/api/session/handles.rs"
            || p == "src/api/session/journal.rs"
            || p.starts_with("src/api/vault/")
            || p == "src/api/bench.rs"
    };
    let found = offenders(&sources(&root().join("src/api")), &commit, &allowed);
    assert!(found.is_empty(), "a write committed outside the kernel's journal:\n{}", found.join("\n"));
    let planted = vec![("src/api/tasks/mod.rs".to_string(), "let e = write.commit()?;".to_string())];
    assert_eq!(offenders(&planted, &commit, &allowed).len(), 1, "the check sees a commit where it would be");
    // A read the office must hear of is a `Logged` read, named at its call; only the kernel's
    // `Logged` writes the access queue.
    let queue = Regex::new(r"\.queue_read\(").unwrap();
    let allowed = |p: &str| p == "src/api/session/handles.rs";
    let found = offenders(&sources(&root().join("src/api")), &queue, &allowed);
    assert!(found.is_empty(), "a read queued for the access log outside `Logged`:\n{}", found.join("\n"));
    let planted = vec![(
        "src/api/registry/mod.rs".to_string(),
        "self.store.queue_read(&at, \"card\", None, None, None)?;".to_string(),
    )];
    assert_eq!(offenders(&planted, &queue, &allowed).len(), 1, "the check sees a queued read where it would be");
}

#[test]
fn every_capability_is_a_handle_and_the_session_stays_a_kernel() {
    // `Session` opens the database, lends the handles and keeps who acts, the journal and the
    // caches (`src/api/session/`), plus the benchmarks; a use case is a method of its capability's
    // handle (`s.tasks().extend(…)`), so a newcomer finds it in the folder named like it.
    let on_session = Regex::new(r"(?m)^impl Session \{").unwrap();
    let allowed = |p: &str| p.starts_with("src/api/session/") || p == "src/api/bench.rs";
    let found = offenders(&sources(&root().join("src/api")), &on_session, &allowed);
    assert!(found.is_empty(), "a use case written on the session instead of its handle:\n{}", found.join("\n"));
    let planted = vec![("src/api/tasks/mod.rs".to_string(), "impl Session {\n    pub fn x(&self) {}\n}".to_string())];
    assert_eq!(offenders(&planted, &on_session, &allowed).len(), 1, "the check sees a use case on the session");
}

#[test]
fn no_use_case_reads_the_wall_clock() {
    let clock = Regex::new(r"Utc::now\(|Local::now\(|SystemTime::now\(").unwrap();
    let allowed = |p: &str| {
        p == "src/api/session/context.rs"
            || !(p.starts_with("src/api/")
                || p.starts_with("src/store/")
                || p.starts_with("src/ingest/")
                || p.starts_with("crates/ekn-readers/"))
    };
    let found = offenders(&core_sources(), &clock, &allowed);
    assert!(found.is_empty(), "the wall clock read outside the injected clock:\n{}", found.join("\n"));
}

#[test]
fn the_faces_reach_the_core_only_through_the_api() {
    // Everything a face may name is re-exported by `api`; the layers below it are not a face's to
    // call (an import run by hand, a generator, a parser or a detector would bypass the journal or
    // the session's caches).
    let past_api = Regex::new(
        r"rusqlite|(ekn|crate)::(store|ingest|analytics|acts|evidence|generator|studies|connect|guide|extract)::|ekn_(analytics|connect|readers|disk)::",
    )
    .unwrap();
    let files = faces();
    let found = offenders(&files, &past_api, &|_| false);
    assert!(found.is_empty(), "a face reaches past ekn::api:\n{}", found.join("\n"));
}

#[test]
fn acts_and_evidence_run_no_sql_and_read_no_clock() {
    // Bytes in, bytes out: the date and the key come from `api`.
    let forbidden = Regex::new(r"rusqlite|crate::(store|api)|Utc::now|Local::now|SystemTime::now").unwrap();
    for layer in ["src/acts", "src/evidence"] {
        let found = offenders(&sources(&root().join(layer)), &forbidden, &|_| false);
        assert!(found.is_empty(), "storage, the api or the wall clock inside {layer}:\n{}", found.join("\n"));
    }
}

/// The heads' reports printed to PDF by Chromium (issue 64: "through the same Chromium print path
/// as the guide"): the one file outside src/extract that starts a process.
const PDF_PRINTER: &str = "src/api/office/report/pdf.rs";

#[test]
fn extraction_and_the_pdf_printer_are_the_only_parts_that_start_a_process_and_extraction_runs_no_sql_and_reads_no_clock(
) {
    // Bytes in, pages and candidate facts out: Tesseract and poppler through pipes, nothing else.
    let forbidden =
        Regex::new(r"rusqlite|crate::(store|api|ingest)|Utc::now|Local::now|SystemTime::now|std::fs::").unwrap();
    let found = offenders(&sources(&root().join("src/extract")), &forbidden, &|_| false);
    assert!(found.is_empty(), "storage, files, the api or the wall clock inside src/extract:\n{}", found.join("\n"));
    let process = Regex::new(r"process::(Command|Stdio)|Command::new").unwrap();
    let found = offenders(&core_sources(), &process, &|p| p.starts_with("src/extract/") || p == PDF_PRINTER);
    assert!(found.is_empty(), "a process started outside src/extract and {PDF_PRINTER}:\n{}", found.join("\n"));
    let starts = offenders(&sources(&root().join("src/extract")), &process, &|_| false);
    assert!(!starts.is_empty(), "the check sees src/extract's own process calls");
    // The printer runs no SQL and reads no clock either, and the exception is not a stale one.
    let printer = offenders(&core_sources(), &process, &|p| p != PDF_PRINTER);
    assert!(!printer.is_empty(), "the check sees {PDF_PRINTER}'s process call");
    let storage_or_clock = Regex::new(r"rusqlite|crate::store|Utc::now|Local::now|SystemTime::now").unwrap();
    let found = offenders(&core_sources(), &storage_or_clock, &|p| p != PDF_PRINTER);
    assert!(found.is_empty(), "storage or the wall clock in {PDF_PRINTER}: {found:?}");
}

#[test]
fn the_lower_layers_never_reach_up_into_the_api() {
    // The layer crates cannot (Cargo has them below `ekn`); the modules of `ekn` below its api must not.
    let upward = Regex::new(r"crate::(api|serve|cli)\b").unwrap();
    for name in ["store", "ingest", "acts", "evidence", "extract", "generator", "studies", "guide"] {
        let found = offenders(&sources(&layer(name)), &upward, &|_| false);
        assert!(found.is_empty(), "{name} reaches up:\n{}", found.join("\n"));
    }
}

/// The `ekn*` packages a Cargo.toml's `[dependencies]` names (its dev-dependencies apart).
fn ekn_dependencies(manifest: &str) -> Vec<String> {
    ekn_dependencies_in(&std::fs::read_to_string(root().join(manifest)).unwrap())
}

fn ekn_dependencies_in(text: &str) -> Vec<String> {
    let Some(section) = text.split("\n[dependencies]\n").nth(1) else { return Vec::new() };
    let section = section.split("\n[").next().unwrap_or("");
    section
        .lines()
        .filter_map(|l| l.split_once('=').map(|(name, _)| name.trim().to_string()))
        .filter(|name| name == "ekn" || name.starts_with("ekn-"))
        .collect()
}

#[test]
fn the_layer_crates_depend_only_downward_and_the_office_links_no_workstation() {
    for (name, allowed) in LAYER_CRATES {
        let manifest = format!("crates/ekn-{name}/Cargo.toml");
        for dep in ekn_dependencies(&manifest) {
            let below = dep.strip_prefix("ekn-").is_some_and(|d| allowed.contains(&d));
            assert!(below, "{manifest} depends on {dep}: only {allowed:?} are below it");
        }
    }
    // `ekn` re-exports every layer crate under the module name the code has always used.
    let lib = std::fs::read_to_string(root().join("src/lib.rs")).unwrap();
    for (name, _) in LAYER_CRATES.iter().filter(|(n, _)| *n != "readers") {
        assert!(lib.contains(&format!("pub use ekn_{name} as {name};")), "src/lib.rs re-exports ekn-{name}");
    }
    // The office links the lower layers, never the workstation (SQLCipher, Word, PDF, the serve stack).
    let office = ekn_dependencies("office/Cargo.toml");
    assert!(office.contains(&"ekn-domain".to_string()), "the office's dependencies are read: {office:?}");
    assert!(!office.contains(&"ekn".to_string()), "the office depends on the workstation's crate `ekn`");
    // And the check can fail: the workstation planted among the domain's dependencies.
    let planted = "[package]\nname = \"x\"\n\n[dependencies]\nekn = { path = \"..\" }\nserde = \"1\"\n\n\
                   [dev-dependencies]\nekn-domain = { path = \"..\" }\n";
    assert_eq!(ekn_dependencies_in(planted), vec!["ekn".to_string()], "the check sees a dependency, not a dev one");
}

#[test]
fn only_the_store_touches_the_files_beside_the_database() {
    // Keys, the checkpoint, attached documents and removing a database are the store's: a use case
    // that wrote them itself could replace a key or leave a document unencrypted.
    let beside =
        Regex::new(r#"\.(key|signing-key|checkpoint|files|vault|acts|evidence)"|"backups"|remove_file\(|remove_dir_all\(|ChaCha20Poly1305"#)
            .unwrap();
    let allowed = |p: &str| !p.starts_with("src/api/");
    let found = offenders(&sources(&root().join("src")), &beside, &allowed);
    assert!(found.is_empty(), "a use case touching the files beside the database:\n{}", found.join("\n"));
}

#[test]
fn the_faces_hold_no_use_case() {
    // A face parses, calls `api` and renders: it never writes the store, opens a write, or journals.
    // A use case's write is a closure run inside one journaled write; bytes written to a stream are not.
    let use_case = Regex::new(r"\.write(_as)?\([^)]*\|\s*\w+\s*\||Entry::|\.append\(&|\.commit\(\)").unwrap();
    let files = faces();
    let found = offenders(&files, &use_case, &|_| false);
    assert!(found.is_empty(), "a face doing a use case's work:\n{}", found.join("\n"));
}

#[test]
fn every_source_file_opens_with_what_it_is_for() {
    let mut files = Vec::new();
    for dir in ["src", "crates", "src-tauri/src", "tests", "office/src", "office/tests", "office/benches"] {
        let mut stack = vec![root().join(dir)];
        while let Some(path) = stack.pop() {
            if path.is_dir() {
                stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    assert!(files.len() > 100, "the walk found the sources ({})", files.len());
    let bare: Vec<String> = files
        .iter()
        .filter(|path| !std::fs::read_to_string(path).unwrap().trim_start().starts_with("//!"))
        .map(|path| path.strip_prefix(root()).unwrap().display().to_string())
        .collect();
    assert!(bare.is_empty(), "files without a //! doc comment on what they are for:\n{}", bare.join("\n"));
}

#[test]
fn the_core_does_not_depend_on_the_desktop_toolkit() {
    // Cargo.lock names every package and its dependencies; walk them from `ekn`.
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).unwrap();
    let mut deps: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for block in lock.split("[[package]]").skip(1) {
        let name = block.lines().find_map(|l| l.strip_prefix("name = \"")).map(|n| n.trim_end_matches('"').to_string());
        let Some(name) = name else { continue };
        let list = block.split("dependencies = [").nth(1).map(|rest| rest.split(']').next().unwrap_or(""));
        let names = list
            .map(|l| {
                l.lines()
                    .filter_map(|d| {
                        d.trim().trim_matches(|c| c == '"' || c == ',').split(' ').next().map(str::to_string)
                    })
                    .filter(|d| !d.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        deps.entry(name).or_default().extend::<Vec<String>>(names);
    }
    assert!(deps.contains_key("tauri"), "the lock file holds the desktop app's dependencies");
    let mut seen = BTreeSet::new();
    let mut queue = VecDeque::from(["ekn".to_string()]);
    while let Some(name) = queue.pop_front() {
        if !seen.insert(name.clone()) {
            continue;
        }
        queue.extend(deps.get(&name).cloned().unwrap_or_default());
    }
    assert!(seen.len() > 50, "the walk reached the core's dependencies ({})", seen.len());
    for toolkit in ["tauri", "wry", "webkit2gtk", "tao"] {
        assert!(!seen.contains(toolkit), "the core package ekn depends on {toolkit}");
    }
}

#[test]
fn no_file_is_opened_but_through_the_disk_gate() {
    // Closing any descriptor of a database drops every lock the process's SQLite connections hold
    // on it (issue 58: the write-ahead log was then deleted under `ekn serve`). Every file the core
    // and the desktop app open outside SQLite goes through `crate::disk`, which refuses a database
    // the process has open; a raw open anywhere else is a new way to lose the locks.
    let raw = Regex::new(
        r"File::(open|create|create_new|options)\(|OpenOptions\b|fs::(read|read_to_string|write|copy)\(|\bmmap\b",
    )
    .unwrap();
    let mut files = core_sources();
    files.extend(sources(&root().join("src-tauri/src")));
    let gate = |p: &str| p == "crates/ekn-disk/src/lib.rs";
    let found = offenders(&files, &raw, &gate);
    assert!(found.is_empty(), "a file opened outside SQLite but not through crate::disk:\n{}", found.join("\n"));
    // The gate itself is seen by the pattern (the check can fail).
    assert!(!offenders(&core_sources(), &raw, &|p| !gate(p)).is_empty());
    // The office server opens its own files (keys, certificates) directly: it holds no SQLite
    // connection at all, so no close of its can release one's locks. Should that change, the
    // office comes under the same rule.
    let sqlite = Regex::new(r"rusqlite|Store::open|Session::open|api::host|Host::start").unwrap();
    let found = offenders(&sources(&root().join("office/src")), &sqlite, &|_| false);
    assert!(
        found.is_empty(),
        "the office opens SQLite; its raw opens must go through ekn::disk:\n{}",
        found.join("\n")
    );
}

#[test]
fn code_after_a_test_module_is_still_checked() {
    // The blind spot the review found (issue 60): `domain/records.rs` named `acts` below its test
    // module, and cutting each file at its first `#[cfg(test)]` hid it. Braces in the test's
    // strings, characters and comments do not end it early; a one-line test item ends at its `;`.
    let planted = r##"pub struct Before;
#[cfg(test)]
mod tests {
    // a } in a comment, and /* one { here */
    fn braces() -> (char, &'static str, &'static str) { ('}', "}{", r#"}"# ) }
}
#[cfg(test)]
use crate::acts::ActKind as InATest;
pub struct ActRecord { pub kind: crate::acts::ActKind }
"##;
    let code = without_tests(planted);
    assert!(code.contains("pub struct Before;") && !code.contains("fn braces") && !code.contains("InATest"), "{code}");
    let above = Regex::new(r"crate::(acts)\b").unwrap();
    let found = offenders(&[("src/domain/records.rs".into(), code)], &above, &|_| false);
    assert_eq!(found.len(), 1, "the break below the test module is seen: {found:?}");
    assert!(found[0].contains("pub struct ActRecord"), "{found:?}");
}

/// The modules each unit names (`crate::X` outside comments and tests), for the units given as
/// (name, sources), among those units only.
fn names_graph(units: &[(String, Vec<(String, String)>)]) -> BTreeMap<String, BTreeSet<String>> {
    // A layer crate is named `ekn_<layer>::`; `ekn_office::` and the like are not layers.
    let crates = LAYER_CRATES.map(|(name, _)| name).join("|");
    let path = Regex::new(&format!(r"crate::([a-z_]+)|\bekn_({crates})::|crate::\{{([^}}]*)\}}")).unwrap();
    let word = Regex::new(r"\b([a-z_]+)\b").unwrap();
    let known: BTreeSet<&str> = units.iter().map(|(n, _)| n.as_str()).collect();
    units
        .iter()
        .map(|(name, files)| {
            let mut named = BTreeSet::new();
            for (_, code) in files {
                for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
                    for c in path.captures_iter(line) {
                        let found: Vec<String> = match (c.get(1).or(c.get(2)), c.get(3)) {
                            (Some(one), _) => vec![one.as_str().to_string()],
                            (_, Some(group)) => {
                                word.find_iter(group.as_str()).map(|w| w.as_str().to_string()).collect()
                            }
                            _ => vec![],
                        };
                        named.extend(found.into_iter().filter(|n| n != name && known.contains(n.as_str())));
                    }
                }
            }
            (name.clone(), named)
        })
        .collect()
}

/// The circles of a graph: its strongly connected parts of more than one node (Tarjan's).
fn circles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct Walk<'a> {
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(w: &mut Walk<'a>, node: &'a str) {
        let i = w.index.len();
        w.index.insert(node, i);
        w.low.insert(node, i);
        w.stack.push(node);
        for next in w.graph.get(node).into_iter().flatten() {
            let next = next.as_str();
            if !w.index.contains_key(next) {
                visit(w, next);
                let low = w.low[node].min(w.low[next]);
                w.low.insert(node, low);
            } else if w.stack.contains(&next) {
                let low = w.low[node].min(w.index[next]);
                w.low.insert(node, low);
            }
        }
        if w.low[node] == w.index[node] {
            let mut part = Vec::new();
            while let Some(top) = w.stack.pop() {
                part.push(top.to_string());
                if top == node {
                    break;
                }
            }
            if part.len() > 1 {
                part.sort();
                w.found.push(part);
            }
        }
    }
    let mut walk = Walk { graph, index: BTreeMap::new(), low: BTreeMap::new(), stack: Vec::new(), found: Vec::new() };
    for node in graph.keys() {
        if !walk.index.contains_key(node.as_str()) {
            visit(&mut walk, node);
        }
    }
    walk.found
}

#[test]
fn no_two_layers_of_the_core_name_each_other() {
    // Every top-level module of the core is a unit (a folder with all its files, or a file), so a
    // circle between layers shows even when each single rule above allows its half of it (the
    // domain's act records once named `acts`, whose kinds read the domain's labels).
    // The layer crates are units too, named as `ekn` re-exports them (`ekn_domain::` is `domain`).
    let mut units: Vec<(String, Vec<(String, String)>)> =
        LAYER_CRATES.iter().map(|(name, _)| (name.to_string(), sources(&layer(name)))).collect();
    for entry in std::fs::read_dir(root().join("src")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        if path.is_dir() {
            units.push((name, sources(&path)));
        } else if path.extension().is_some_and(|e| e == "rs") && name != "lib" && name != "main" {
            let code = without_tests(&std::fs::read_to_string(&path).unwrap());
            units.push((name.clone(), vec![(name, code)]));
        }
    }
    assert!(units.len() >= 15, "the walk found the core's modules ({})", units.len());
    let graph = names_graph(&units);
    assert!(graph["api"].contains("domain") && graph["studies"].contains("generator"), "the graph sees names");
    assert_eq!(circles(&graph), Vec::<Vec<String>>::new(), "layers of the core that name each other");
    // And the check can fail: the break the review found, planted back.
    let mut planted = graph.clone();
    planted.get_mut("domain").unwrap().insert("acts".into());
    assert_eq!(circles(&planted), vec![vec!["acts".to_string(), "domain".to_string()]]);
}

#[test]
fn the_office_s_files_form_no_circle() {
    // The office's modules stand in layers too: a callback written as an import (a connector's run
    // refreshing the national tables), or a type kept in the module that uses it first, once made
    // six of them a circle; each shared piece now sits below its users (`entries`, `records`,
    // `region`, `not_computed`, the role's name in `lib.rs`).
    let units: Vec<(String, Vec<(String, String)>)> = sources(&root().join("office/src"))
        .into_iter()
        // The library's modules; the binary's console (`main.rs`, `console/`) names them as `ekn_office::`.
        .filter(|(path, _)| !path.ends_with("/lib.rs") && !path.ends_with("/main.rs") && !path.contains("/console/"))
        .map(|(path, code)| {
            let name = Path::new(&path).file_stem().unwrap().to_string_lossy().to_string();
            (name, vec![(path, code)])
        })
        .collect();
    assert!(units.len() > 30, "the walk found the office's modules ({})", units.len());
    let graph = names_graph(&units);
    assert!(graph["pull"].contains("entries"), "the graph sees names");
    assert_eq!(circles(&graph), Vec::<Vec<String>>::new(), "office modules that name each other");
    // And the check can fail: the circle the review found, planted back.
    let mut planted = graph.clone();
    planted.get_mut("registry").unwrap().insert("connectors".into());
    planted.get_mut("connectors").unwrap().insert("national_practice".into());
    assert!(!circles(&planted).is_empty());
}
