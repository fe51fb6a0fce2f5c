//! clap's help in the reader's language: the language is read from the command line before clap
//! parses it (`--lang ru`, `--lang=kk`, else `EKN_LANG`, else the locale, as `i18n::choose`), then
//! every command's "Usage:", "Commands:", "Arguments:" and "Options:" headings, the top-level
//! commands' one-line descriptions — nested ones too (`cli.help.ekn.cmd.task.add`) — each command's
//! own options (`cli.help.ekn.cmd.task.add.opt.from`) and the global options' help are taken from the
//! shared catalogue (`cli.help.*`). A mistake on the command line (an unknown option, a value missing
//! or not among the allowed ones) is told in the reader's language too (`cli.clap.*`, `matches`). What the catalogue does not have stays as clap has it (English), so a command
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
        cmd.get_arguments()
            .any(|a| a.get_id() == id && matches!(a.get_action(), clap::ArgAction::Help | clap::ArgAction::Version))
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

/// Parses the command line with `cmd` in the reader's language (`localized`). A mistake in it is
/// told in that language and ends the program with clap's own exit code; help and version are
/// printed as clap prints them.
pub fn matches(cmd: Command, program: &str) -> clap::ArgMatches {
    let lang = choose(lang_flag().as_deref());
    match localized(cmd, program).try_get_matches() {
        Ok(matches) => matches,
        Err(e) => match mistake(&e, lang, program) {
            Some(text) => {
                eprintln!("{text}");
                std::process::exit(e.exit_code())
            }
            None => e.exit(),
        },
    }
}

/// A context value of clap's error as plain text (lists joined with commas).
fn context(e: &clap::Error, kind: clap::error::ContextKind) -> Option<String> {
    use clap::error::ContextValue;
    match e.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(list) => Some(list.join(", ")),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        ContextValue::StyledStrs(list) => Some(list.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")),
        ContextValue::Number(n) => Some(n.to_string()),
        ContextValue::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A command-line mistake in `lang`: what was wrong, what was meant (clap's suggestion), the
/// values allowed, and where to read more. None in English (clap's own words stay) and for help
/// and version, which are not mistakes.
pub fn mistake(e: &clap::Error, lang: Lang, program: &str) -> Option<String> {
    use clap::error::{ContextKind, ErrorKind};
    if lang == Lang::En {
        return None;
    }
    let get = |kind| context(e, kind).unwrap_or_default();
    let (arg, value) = (get(ContextKind::InvalidArg), get(ContextKind::InvalidValue));
    let words = |key: &str| super::tr_with(key, &[("arg", &arg), ("value", &value)]);
    let mut lines = vec![match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            return None
        }
        ErrorKind::InvalidValue => words("cli.clap.invalid_value"),
        ErrorKind::UnknownArgument => words("cli.clap.unknown_argument"),
        ErrorKind::InvalidSubcommand => {
            super::tr_with("cli.clap.invalid_subcommand", &[("name", &get(ContextKind::InvalidSubcommand))])
        }
        ErrorKind::NoEquals => words("cli.clap.no_equals"),
        ErrorKind::ValueValidation => {
            // The parser's own reason (a date that is not one) is the detail, as clap has it.
            let reason = std::error::Error::source(e).map(ToString::to_string).unwrap_or_default();
            super::tr_with("cli.clap.value_validation", &[("arg", &arg), ("value", &value), ("reason", &reason)])
        }
        ErrorKind::TooManyValues | ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            words("cli.clap.wrong_number")
        }
        ErrorKind::ArgumentConflict => {
            super::tr_with("cli.clap.conflict", &[("arg", &arg), ("prior", &get(ContextKind::PriorArg))])
        }
        ErrorKind::MissingRequiredArgument => words("cli.clap.missing_required"),
        ErrorKind::MissingSubcommand => words("cli.clap.missing_subcommand"),
        ErrorKind::InvalidUtf8 => words("cli.clap.invalid_utf8"),
        _ => super::tr_with("cli.clap.other", &[("detail", &e.to_string().lines().next().unwrap_or_default())]),
    }];
    let allowed = get(ContextKind::ValidValue);
    if !allowed.is_empty() {
        lines.push(format!("  {}", super::tr_with("cli.clap.allowed", &[("values", &allowed)])));
    }
    for kind in [ContextKind::SuggestedArg, ContextKind::SuggestedSubcommand, ContextKind::SuggestedValue] {
        let suggested = get(kind);
        if !suggested.is_empty() {
            lines.push(format!("  {}", super::tr_with("cli.clap.did_you_mean", &[("suggestion", &suggested)])));
        }
    }
    let head = super::tr("cli.error");
    Some(format!(
        "{program}: {head}: {}\n\n{}",
        lines.join("\n"),
        super::tr_with("cli.clap.more", &[("program", &program)])
    ))
}
