//! Shared by the core and the office tests: walks every subcommand of a program's `--help` and
//! lists each option or argument that has a description in English but not in Russian and Kazakh
//! (issue 42: the command line speaks the person's language, its help included).

use std::collections::BTreeMap;
use std::process::Command;

/// The help of `program` for the subcommand `path`, in `lang`.
fn help(program: &str, path: &[String], lang: &str) -> String {
    let mut command = Command::new(program);
    command.args(path).arg("--help");
    for name in ["LC_ALL", "LC_MESSAGES", "LANG"] {
        command.env_remove(name);
    }
    let out = command.env("EKN_LANG", lang).output().unwrap();
    assert!(out.status.success(), "{path:?} --help: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Each option's (or argument's) description, by its flag (`--from`, `<BIN>`), and the subcommands
/// listed. A description leaves out clap's own bracketed notes (`[default: …]`, `[env: …]`).
fn parse(text: &str) -> (BTreeMap<String, String>, Vec<String>) {
    let (mut options, mut subcommands) = (BTreeMap::new(), Vec::new());
    let mut in_commands = false;
    for line in text.lines() {
        if !line.starts_with(' ') {
            // The headings are worded in each language; the list of commands is the first one.
            in_commands = line.ends_with(':') && subcommands.is_empty() && options.is_empty() && !line.contains(' ');
            continue;
        }
        let trimmed = line.trim_start();
        let flag = trimmed.trim_start_matches("-h, ").split_whitespace().next().unwrap_or("");
        // `[NAME]` is an optional argument; `[default: …]` wrapped onto its own line is not.
        if flag.starts_with("--") || flag.starts_with('<') || (flag.starts_with('[') && !flag.ends_with(':')) {
            let mut rest = trimmed.trim_start_matches("-h, ")[flag.len()..].trim_start();
            if rest.starts_with('<') || rest.starts_with("[<") {
                rest = rest.split_once(' ').map_or("", |(_, r)| r);
            }
            let description = rest.split(" [").next().unwrap_or("").trim().to_string();
            options.insert(flag.to_string(), description);
        } else if in_commands && line.starts_with("  ") && !line.starts_with("   ") && flag != "help" {
            subcommands.push(flag.to_string());
        }
    }
    (options, subcommands)
}

/// Every option described in English whose Russian or Kazakh help is the English words, as
/// `LANG PATH FLAG`.
pub fn untranslated_options(program: &str) -> Vec<String> {
    let mut missing = Vec::new();
    let mut stack: Vec<Vec<String>> = vec![Vec::new()];
    let mut walked = 0;
    while let Some(path) = stack.pop() {
        walked += 1;
        let (english, subcommands) = parse(&help(program, &path, "en"));
        for lang in ["ru", "kk"] {
            let (local, _) = parse(&help(program, &path, lang));
            for (flag, words) in &english {
                if !words.is_empty() && local.get(flag) == Some(words) {
                    missing.push(format!("{lang} {} {flag}", path.join(" ")));
                }
            }
        }
        for sub in subcommands {
            let mut next = path.clone();
            next.push(sub);
            stack.push(next);
        }
    }
    assert!(walked > 20, "{program}: only {walked} commands walked — the help's layout changed");
    missing
}
