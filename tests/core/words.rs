//! The command line speaks Russian, Kazakh and English from the catalogue it shares with the UI:
//! every entry in all three languages with the same placeholders, every error code worded, plural
//! forms by CLDR's rules, and `ekn` choosing its language from `--lang` or the locale.

use std::collections::BTreeSet;
use std::process::Command;

use ekn::api::ErrorCode;
use ekn::i18n::{catalogue, categories, count_in, parse_errors, text_in, Entry, Lang};

fn placeholders(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                found.insert(after[..close].to_string());
                rest = &after[close + 1..];
            }
            None => break,
        }
    }
    found
}

/// Every text of an entry, with the plural category it is for ("" for a plain text).
fn texts(entry: &Entry) -> Vec<(String, &str)> {
    match entry {
        Entry::Text(t) => vec![(String::new(), t.as_str())],
        Entry::Plural(forms) => forms.iter().map(|(k, v)| (k.clone(), v.as_str())).collect(),
    }
}

#[test]
fn every_entry_is_in_three_languages_with_the_same_placeholders_and_its_plural_forms() {
    assert_eq!(parse_errors(), Vec::<String>::new());
    let keys = |lang: Lang| catalogue(lang).keys().cloned().collect::<BTreeSet<_>>();
    assert!(keys(Lang::Ru).len() > 150, "the catalogue is read");
    assert_eq!(keys(Lang::Ru), keys(Lang::Kk), "Russian and Kazakh have the same entries");
    assert_eq!(keys(Lang::Ru), keys(Lang::En), "Russian and English have the same entries");
    for key in keys(Lang::En) {
        let english: BTreeSet<String> =
            texts(&catalogue(Lang::En)[&key]).iter().flat_map(|(_, t)| placeholders(t)).collect();
        for lang in Lang::ALL {
            let entry = &catalogue(lang)[&key];
            for (form, text) in texts(entry) {
                assert!(!text.trim().is_empty(), "{key} [{form}] is empty in {lang:?}");
                let mut own = placeholders(text);
                own.remove("n");
                let mut expected = english.clone();
                expected.remove("n");
                assert_eq!(own, expected, "{key} [{form}] in {lang:?} fills other placeholders than English");
            }
            if let Entry::Plural(forms) = entry {
                for category in categories(lang) {
                    assert!(forms.contains_key(*category), "{key} lacks the '{category}' form in {lang:?}");
                }
                assert!(forms.values().all(|t| t.contains("{n}")), "{key} in {lang:?}: every form says the count");
            }
        }
    }
}

#[test]
fn every_error_code_has_its_text_in_each_language() {
    for code in ErrorCode::ALL {
        for lang in Lang::ALL {
            let key = format!("error.{}", code.code());
            assert!(
                matches!(catalogue(lang).get(&key), Some(Entry::Text(t)) if !t.trim().is_empty()),
                "{key} has no text in {lang:?}"
            );
        }
    }
}

#[test]
fn counts_take_each_language_s_plural_form() {
    let say = |lang, n| count_in(lang, "cli.reminders.count", n, &[]);
    assert_eq!(say(Lang::Ru, 1), "1 напоминание");
    assert_eq!(say(Lang::Ru, 3), "3 напоминания");
    assert_eq!(say(Lang::Ru, 5), "5 напоминаний");
    assert_eq!(say(Lang::Ru, 11), "11 напоминаний");
    assert_eq!(say(Lang::Ru, 21), "21 напоминание");
    assert_eq!(say(Lang::Ru, 24), "24 напоминания");
    assert_eq!(say(Lang::Kk, 1), "1 еске салғыш");
    assert_eq!(say(Lang::Kk, 5), "5 еске салғыш");
    assert_eq!(say(Lang::En, 1), "1 reminder");
    assert_eq!(say(Lang::En, 0), "0 reminders");
    assert_eq!(text_in(Lang::Kk, "desk.later", &[("n", &4)]), "Кейінірек: 4");
    assert_eq!(text_in(Lang::Ru, "no.such.key", &[]), "no.such.key", "a missing key shows itself, never a panic");
}

fn ekn(db: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ekn"));
    command.arg("--db").arg(db).args(args);
    for name in ["EKN_LANG", "LC_ALL", "LC_MESSAGES", "LANG"] {
        command.env_remove(name);
    }
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().unwrap()
}

#[test]
fn the_command_line_speaks_the_language_asked_for_or_the_locale_s() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ekn.db");
    assert!(ekn(&db, &["init"], &[]).status.success());

    let desk = |args: &[&str], env: &[(&str, &str)]| {
        let out = ekn(&db, args, env);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let today = ["desk", "--today", "2026-11-26"];
    assert!(desk(&["--lang", "ru", "desk", "--today", "2026-11-26"], &[])
        .starts_with("Рабочий стол на 26.11.2026\nПросрочено (0)"));
    assert!(desk(&["--lang", "kk", "desk", "--today", "2026-11-26"], &[])
        .starts_with("26.11.2026 күнгі жұмыс үстелі\nМерзімі өткен (0)"));
    assert!(desk(&today, &[]).starts_with("Desk for 2026-11-26\nOverdue (0)"), "English without a locale");
    assert!(desk(&today, &[("LANG", "ru_RU.UTF-8")]).starts_with("Рабочий стол"), "the locale's language");
    assert!(
        desk(&today, &[("LANG", "ru_RU.UTF-8"), ("LC_ALL", "kk_KZ.UTF-8")]).starts_with("26.11.2026 күнгі"),
        "LC_ALL first"
    );
    assert!(desk(&today, &[("LANG", "de_DE.UTF-8")]).starts_with("Desk for"), "a language of none of ours: English");
    assert!(desk(&today, &[("EKN_LANG", "kk"), ("LANG", "ru_RU.UTF-8")]).starts_with("26.11.2026"), "EKN_LANG first");
    let flag_wins = ["--lang", "en", "desk", "--today", "2026-11-26"];
    assert!(desk(&flag_wins, &[("EKN_LANG", "kk")]).starts_with("Desk for"), "--lang beats the environment");

    // An error: the code, its words, the place in the file in words, and the English detail.
    let file = dir.path().join("bad.csv");
    let text = crate::support::inspections_csv().replacen("01.02.2022", "31.02.2022", 1);
    std::fs::write(&file, &text).unwrap();
    let out = ekn(&db, &["--lang", "ru", "import", "inspections", file.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8(out.stderr).unwrap();
    assert!(
        said.starts_with("ekn: ошибка [invalid_input]: Неверные данные")
            && said.contains("строка 3")
            && said.contains("столбец «start_date»")
            && said.contains("значение «31.02.2022»")
            && said.contains("подробно (по-английски): "),
        "{said}"
    );
    let out = ekn(&db, &["--lang", "kk", "task", "show", "99999"], &[]);
    let said = String::from_utf8(out.stderr).unwrap();
    assert!(said.starts_with("ekn: қате [not_found]: Табылмады"), "{said}");
    // The card and the appeals queue speak it too; the import's report counts rows in its plural.
    let good = dir.path().join("good.csv");
    std::fs::write(&good, crate::support::inspections_csv()).unwrap();
    let imported = ekn(&db, &["--lang", "ru", "import", "inspections", good.to_str().unwrap()], &[]);
    let said = String::from_utf8(imported.stdout).unwrap();
    assert!(said.starts_with("Импортирован ") && said.contains("строк: "), "{said}");
    let rows = crate::support::inspection_rows();
    let bin =
        rows.iter().flat_map(|r| r.iter()).find(|v| v.len() == 12 && v.chars().all(|c| c.is_ascii_digit())).unwrap();
    let card = String::from_utf8(ekn(&db, &["--lang", "kk", "card", bin], &[]).stdout).unwrap();
    assert!(card.contains("\nКөрсеткіштер\n") && card.contains("Тексерулер (алдымен ертерегі)"), "{card}");
    let card = String::from_utf8(ekn(&db, &["card", bin], &[]).stdout).unwrap();
    assert!(card.contains("\nIndicators\n"), "{card}");
    let queue = String::from_utf8(ekn(&db, &["--lang", "ru", "appeals"], &[]).stdout).unwrap();
    assert!(queue.starts_with("0 открытых обращений на "), "{queue}");
    let themes = String::from_utf8(ekn(&db, &["--lang", "kk", "themes", "list"], &[]).stdout).unwrap();
    assert!(themes.starts_with("Тақырыптар әзірге жоқ"), "{themes}");
    let anomalies = String::from_utf8(ekn(&db, &["--lang", "ru", "anomalies"], &[]).stdout).unwrap();
    assert!(anomalies.starts_with("Аномалии на ") && anomalies.contains("сравнено единиц"), "{anomalies}");

    let out = ekn(&db, &["--lang", "de", "status"], &[]);
    assert!(!out.status.success(), "an unknown language is refused, not guessed");
}

/// The commands `ekn --help` lists in English (clap's own `help` left out).
fn listed_commands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|name| name != "help")
        .collect()
}

#[test]
fn help_and_usage_speak_the_language_asked_for_and_every_command_has_its_words() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("none.db");
    let english = String::from_utf8(ekn(&db, &["--help"], &[]).stdout).unwrap();
    let commands = listed_commands(&english);
    assert!(commands.len() > 30 && english.contains("Usage: ekn"), "{english}");
    for lang in [Lang::Ru, Lang::Kk] {
        for name in &commands {
            let key = format!("cli.help.ekn.cmd.{name}");
            assert!(catalogue(lang).contains_key(&key), "{key} has no {lang:?} text: a new command needs its words");
        }
    }
    let russian = String::from_utf8(ekn(&db, &["--lang", "ru", "--help"], &[]).stdout).unwrap();
    for words in
        ["Использование: ekn", "Команды:", "Параметры:", "Показать справку", "Показать карточку поднадзорного объекта"]
    {
        assert!(russian.contains(words), "{words} missing:\n{russian}");
    }
    assert!(!russian.contains("Commands:") && !russian.contains("Print help"), "{russian}");
    // A subcommand's help: the headings and the global options in Kazakh, by the flag or the locale.
    let kazakh = String::from_utf8(ekn(&db, &["--lang=kk", "effect", "--help"], &[]).stdout).unwrap();
    assert!(kazakh.contains("Қолданылуы: ekn effect") && kazakh.contains("Параметрлер:"), "{kazakh}");
    assert!(kazakh.contains("Дерекқор файлы"), "{kazakh}");
    let by_locale = String::from_utf8(ekn(&db, &["desk", "--help"], &[("EKN_LANG", "ru")]).stdout).unwrap();
    assert!(by_locale.contains("Использование: ekn desk"), "{by_locale}");
    // English is clap's own, unchanged.
    assert!(english.contains("Commands:") && english.contains("Print help"), "{english}");
}

/// The deadline's explanation, the journal and a nested command's help in Russian and Kazakh
/// (issue 42): every line worded from the data, English unchanged.
#[test]
fn deadlines_the_journal_and_nested_help_speak_russian_and_kazakh() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ekn.db");
    assert!(ekn(&db, &["init"], &[]).status.success());
    let said = |args: &[&str], lang: &str| {
        let out = ekn(&db, args, &[("EKN_LANG", lang)]);
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let deadline = ["deadline", "--from", "2026-12-10", "--norm", "prosecutor-appeal"];
    let ru = said(&deadline, "ru");
    assert!(
        ru.starts_with(
            "Срок: 05.01.2027 (вторник)\nПравило: Рассмотрение обращения органами прокуратуры: 15 рабочих дней"
        ),
        "{ru}"
    );
    assert!(ru.contains("редакция закона: редакция, действующая на день события 10.12.2026"), "{ru}");
    assert!(ru.contains("ст. 24, п. 3"), "{ru}");
    assert!(ru.contains("16.12.2026 ср  праздник: День Независимости"), "{ru}");
    assert!(ru.contains("Предел продления: 10.02.2027 — 2 месяца от события (10.12.2026)"), "{ru}");
    let kk = said(&deadline, "kk");
    assert!(
        kk.starts_with("Мерзім: 05.01.2027 (сейсенбі)\nЕреже: Прокуратура органдарының өтінішті қарауы: 15 жұмыс күні"),
        "{kk}"
    );
    assert!(kk.contains("24-бап, 3-тармақ"), "{kk}");
    let en = said(&deadline, "en");
    assert!(
        en.starts_with(
            "Due: 2027-01-05 (Tuesday)\nRule: Consideration of an appeal by the prosecutor's office: 15 working days"
        ),
        "{en}"
    );
    assert!(en.contains("  2026-12-16 Wed  public holiday: Independence Day"), "{en}");

    let task = [
        "task",
        "add",
        "--title",
        "запросить сведения",
        "--kind",
        "gather_information",
        "--from",
        "2026-11-02",
        "--assignee",
        "Асель",
        "--unit",
        "надзор",
    ];
    let added = ekn(&db, &[&task[..], &["--working-days", "10"]].concat(), &[]);
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    assert!(ekn(&db, &["task", "done", "1", "--on", "2026-11-10"], &[]).status.success());
    let journal = said(&["journal", "--limit", "2"], "ru");
    assert!(journal.contains("задача исполнена [задача №1]: 10.11.2026 · в срок"), "{journal}");
    assert!(journal.contains("(командная строка)"), "{journal}");
    let english = said(&["journal", "--limit", "1"], "en");
    assert!(english.contains("(cli) task_done [task #1]: "), "the English journal as before: {english}");

    // A rarer kind is worded from its data too: a task that waits for another.
    let added = ekn(&db, &[&task[..], &["--working-days", "5"]].concat(), &[]);
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    assert!(ekn(&db, &["task", "depend", "2", "--on", "1"], &[]).status.success());
    let journal = said(&["journal", "--limit", "1"], "kk");
    assert!(journal.contains("№2 күтеді №1"), "{journal}");
    let help = said(&["task", "--help"], "kk");
    assert!(help.contains("extend   Мерзімді дәлелді шешіммен ұзарту (норма шегінде)"), "{help}");
}

#[path = "../shared/help_walk.rs"]
mod help_walk;

/// Every option of every subcommand of `ekn` that English describes has its words in Russian and
/// Kazakh (`cli.help.ekn.cmd.PATH.opt.NAME`; issue 42).
#[test]
fn every_option_of_every_command_is_described_in_russian_and_kazakh() {
    let missing = help_walk::untranslated_options(env!("CARGO_BIN_EXE_ekn"));
    assert!(missing.is_empty(), "options described in English only: {missing:#?}");
    let dir = tempfile::tempdir().unwrap();
    let help =
        String::from_utf8(ekn(&dir.path().join("x.db"), &["task", "add", "--help"], &[("EKN_LANG", "ru")]).stdout)
            .unwrap();
    assert!(help.contains("Событие, запускающее срок (по умолчанию — дата поступления обращения)"), "{help}");
}

/// A mistake on the command line is told in the reader's language, with what was meant and the
/// values allowed, and ends with clap's exit code 2; English keeps clap's own words (issue 42).
#[test]
fn a_mistake_on_the_command_line_is_told_in_russian_and_kazakh() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("none.db");
    let told = |args: &[&str], env: &[(&str, &str)]| {
        let out = ekn(&db, args, env);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        String::from_utf8(out.stderr).unwrap()
    };
    let said = told(&["--lang", "ru", "task", "add", "--kind", "nope"], &[]);
    assert!(said.starts_with("ekn: ошибка: недопустимое значение «nope» для --kind"), "{said}");
    assert!(said.contains("допустимые значения: gather_information, consider_appeal"), "{said}");
    let said = told(&["tsk"], &[("EKN_LANG", "kk")]);
    assert!(said.starts_with("ekn: қате: белгісіз команда «tsk»") && said.contains("task"), "{said}");
    let said = told(&["--lang=ru", "task", "add", "--titel", "x"], &[]);
    assert!(said.contains("неизвестный параметр «--titel»") && said.contains("имелось в виду: --title"), "{said}");
    let said = told(&["--lang", "kk", "task", "add"], &[]);
    assert!(said.contains("міндетті параметрлер көрсетілмеген: --kind"), "{said}");
    let said = told(&["task", "add", "--kind", "nope"], &[]);
    assert!(said.starts_with("error: invalid value 'nope' for '--kind <KIND>'"), "English as clap says it: {said}");
}

/// The connectors', the documents', the models' and the backup's output in Russian and Kazakh
/// (issue 42), English as it was.
#[test]
fn connectors_documents_models_and_backups_speak_russian_and_kazakh() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ekn.db");
    assert!(ekn(&db, &["init"], &[]).status.success());
    let said = |args: &[&str], lang: &str| {
        let out = ekn(&db, args, &[("EKN_LANG", lang), ("EKN_PASSPHRASE", "correct-horse-battery-9")]);
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let network = said(&["connect", "network"], "ru");
    assert!(network.starts_with("прокси: из окружения") && network.contains("доверие: только корневые"), "{network}");
    assert!(said(&["connect", "network"], "en").starts_with("proxy: from the environment"));
    assert!(said(&["connect", "list"], "kk").starts_with("коннекторлар жоқ"));
    assert!(said(&["models"], "ru").starts_with("Ни одна модель ещё не обучена"));
    assert!(said(&["models"], "en").starts_with("No model has been trained yet"));
    let registry = dir.path().join("inspections.csv");
    std::fs::write(&registry, crate::support::inspections_csv()).unwrap();
    said(&["import", "inspections", registry.to_str().unwrap()], "en");
    let rows = crate::support::inspection_rows();
    let bin =
        rows.iter().flat_map(|r| r.iter()).find(|v| v.len() == 12 && v.bytes().all(|b| b.is_ascii_digit())).unwrap();
    assert_eq!(said(&["docs", "facts", bin], "kk"), format!("{bin}: құжаттар тіркелмеген\n"));
    assert_eq!(said(&["docs", "facts", bin], "en"), format!("{bin}: no documents attached\n"));
    let out = dir.path().join("copy.ekn");
    let backup = said(&["backup", "--out", out.to_str().unwrap()], "kk");
    assert!(
        backup.starts_with("Сақтық көшірме жазылды: ") && backup.contains("Ашылады: көшірмеге берілген"),
        "{backup}"
    );
    // The journal words the backup's entry from its data, as the journal screen does.
    let journal = said(&["journal", "--limit", "1"], "ru");
    assert!(journal.contains("copy.ekn") && journal.contains("открывается паролем, заданным для копии"), "{journal}");
    assert!(said(&["journal", "--limit", "1"], "en").contains("backup_made"));
    let restored = dir.path().join("restored.db");
    let out = ekn(
        &restored,
        &["restore", out.to_str().unwrap(), "--to", restored.to_str().unwrap()],
        &[("EKN_LANG", "ru"), ("EKN_PASSPHRASE", "correct-horse-battery-9")],
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success() && text.starts_with("Восстановлено: ") && text.contains("— проверены"), "{text}");
}

/// A long computation's steps are told in the person's language from their codes, and the report
/// after them too (issue 42).
#[test]
fn a_long_computations_steps_speak_russian_and_kazakh() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("examples.csv");
    let args = ["risk", "study", "--per-year", "1000", "--years", "2", "--out", out.to_str().unwrap()];
    let run = |lang: &str| {
        let out = ekn(&dir.path().join("none.db"), &args, &[("EKN_LANG", lang)]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        (String::from_utf8(out.stderr).unwrap(), String::from_utf8(out.stdout).unwrap())
    };
    let (steps, report) = run("kk");
    assert!(steps.contains("  … тізілімді жасау\n") && steps.contains("  … C таңдау: 0.1\n"), "{steps}");
    assert!(report.contains("генераторындағы тәуекел моделі"), "{report}");
    let (steps, report) = run("en");
    assert!(steps.contains("  … generating the registry\n") && steps.contains("  … choosing C: 0.1\n"), "{steps}");
    assert!(report.starts_with("Risk model on the "), "{report}");
}
