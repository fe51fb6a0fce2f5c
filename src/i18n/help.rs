//! clap's help in the reader's language: the language is read from the command line before clap
//! parses it (`--lang ru`, `--lang=kk`, else `EKN_LANG`, else the locale, as `i18n::choose`), then
//! every command's "Usage:", "Commands:", "Arguments:" and "Options:" headings, the top-level
//! commands' one-line descriptions — nested ones too (`cli.help.ekn.cmd.task.add`) — each command's
//! own options (`cli.help.ekn.cmd.task.add.opt.from`) and the global options' help are taken from the
//! shared catalogue (`cli.help.*`). What the catalogue does not have stays as clap has it (English), so a command
//! added later is never left without help. English changes nothing.

use clap::Command;

use super::{catalogue, choose, Entry, Lang};

/// The `--lang` value given on the command line, if any, read before clap parses it.
fn lang_flag() -> Option<String> {
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--" {
            break;
        }
        if let Some(value) = arg.strip_prefix("--lang=") {
            return Some(value.to_string());
        }
        if arg == "--lang" {
            return args.next();
        }
    }
    None
}

/// The catalogue's text for `key` in `lang`, when it has one (the catalogue lives as long as the
/// program, as clap's headings must).
fn text(lang: Lang, key: &str) -> Option<&'static str> {
    match catalogue(lang).get(key) {
        Some(Entry::Text(t)) => Some(t.as_str()),
        _ => None,
    }
}

/// The headings of one command and its subcommands, recursively, and the words of what clap adds
/// to each (the help and version flags, the `help` subcommand). Runs on a built command, so those
/// exist.
fn headings(cmd: Command, lang: Lang) -> Command {
    let heading = |key: &str| text(lang, key).unwrap_or_default();
    let (usage, commands, arguments, options) = (
        heading("cli.help.usage"),
        heading("cli.help.commands"),
        heading("cli.help.arguments"),
        heading("cli.help.options"),
    );
    // clap's own flags only: a command may have an option of its own called `version` (a
    // dataset's), which must keep its words and its value.
    let has = |cmd: &Command, id: &str| {
        cmd.get_arguments().any(|a| {
            a.get_id() == id && matches!(a.get_action(), clap::ArgAction::Help | clap::ArgAction::Version)
        })
    };
    let mut cmd = cmd
        .help_template(format!(
            "{{before-help}}{{about-with-newline}}\n{usage} {{usage}}\n\n{{all-args}}{{after-help}}"
        ))
        .subcommand_help_heading(commands)
        .mut_args(|a| {
            if a.get_help_heading().is_some() {
                a
            } else if a.is_positional() {
                a.help_heading(arguments)
            } else {
                a.help_heading(options)
            }
        });
    for (id, key) in [("help", "cli.help.flag_help"), ("version", "cli.help.flag_version")] {
        if let (true, Some(words)) = (has(&cmd, id), text(lang, key)) {
            cmd = cmd.mut_arg(id, |a| a.help(words));
        }
    }
    let names: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_string()).collect();
    for name in names {
        cmd = cmd.mut_subcommand(&name, |sub| {
            let sub = headings(sub, lang);
            match (name.as_str(), text(lang, "cli.help.subcommand_help")) {
                ("help", Some(words)) => sub.about(words),
                _ => sub,
            }
        });
    }
    cmd
}

/// Each subcommand's one-line description from the catalogue (`PREFIX.NAME`, and for its own
/// subcommands `PREFIX.NAME.SUB`, at any depth), for the list of commands and the command's own
/// help alike; what the catalogue lacks stays as clap has it.
fn nested(mut cmd: Command, lang: Lang, prefix: &str) -> Command {
    let names: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_string()).collect();
    for name in names {
        let key = format!("{prefix}.{name}");
        cmd = cmd.mut_subcommand(&name, |sub| {
            let sub = match text(lang, &key) {
                Some(about) => sub.about(about).long_about(None::<&str>),
                None => sub,
            };
            nested(options(sub, lang, &key), lang, &key)
        });
    }
    cmd
}

/// A subcommand's own options and arguments worded from the catalogue: `KEY.opt.NAME`, NAME its
/// long flag (`horizon-days`) or, for an argument, its id (`appeal_no`). Global options are the
/// top level's (`cli.help.PROGRAM.arg.ID`).
fn options(mut cmd: Command, lang: Lang, key: &str) -> Command {
    let names: Vec<(String, String)> = cmd
        .get_arguments()
        .map(|a| (a.get_id().to_string(), a.get_long().map_or_else(|| a.get_id().to_string(), str::to_string)))
        .collect();
    for (id, name) in names {
        if let Some(help) = text(lang, &format!("{key}.opt.{name}")) {
            cmd = cmd.mut_arg(&id, |a| a.help(help).long_help(None::<&str>));
        }
    }
    cmd
}

/// `cmd` (the program `program`: `ekn` or `ekn-office`) with its help in the chosen language.
pub fn localized(cmd: Command, program: &str) -> Command {
    let lang = choose(lang_flag().as_deref());
    if lang == Lang::En {
        return cmd;
    }
    let mut cmd = cmd;
    if let Some(about) = text(lang, &format!("cli.help.{program}.about")) {
        cmd = cmd.about(about);
    }
    cmd = nested(cmd, lang, &format!("cli.help.{program}.cmd"));
    let ids: Vec<String> = cmd.get_arguments().map(|a| a.get_id().to_string()).collect();
    for id in ids {
        if let Some(help) = text(lang, &format!("cli.help.{program}.arg.{id}")) {
            cmd = cmd.mut_arg(&id, |a| a.help(help));
        }
    }
    // Built first, so the global options reach every subcommand with their words and clap's own
    // flags and `help` subcommand exist to be worded.
    cmd.build();
    headings(cmd, lang)
}
