//! The act of selection for destruction, drafted from its Word template
//! (`assets/acts/destruction.<lang>.docx`) with the acts
//! engine: the act's number and date, the legal basis of every rule applied, the records by key
//! and date (never their content), the backup horizon, who applied it — and, in bold, that the
//! periods or the act's form are unconfirmed when they are.

use chrono::NaiveDate;
use serde::Serialize;

use super::{BackupHorizon, DueRecord, RetentionPlan};
use crate::acts::{template, ActLang};
use crate::api::ApiError;
use crate::domain::retention::{ActForm, RecordKind, RetentionPeriod, RetentionUnit};

const TEMPLATE_RU: &[u8] = include_bytes!("../../../assets/acts/destruction.ru.docx");
const TEMPLATE_KK: &[u8] = include_bytes!("../../../assets/acts/destruction.kk.docx");

pub(super) struct ActContext<'a> {
    pub plan: &'a RetentionPlan,
    pub form: &'a ActForm,
    pub act_number: &'a str,
    pub reason: &'a str,
    pub author: &'a str,
    pub today: NaiveDate,
    pub lang: ActLang,
    /// The office this workstation belongs to: its copy and the colleagues' are destroyed with the
    /// next syncs, and the act says so (what each reached is followed after: `ekn retention acts`).
    pub office: Option<String>,
}

/// The data the template names.
#[derive(Serialize)]
struct ActFields {
    office: String,
    draft_mark: String,
    footer: String,
    approver: String,
    act_number: String,
    date: String,
    basis: String,
    reason: String,
    as_of: String,
    rules_version: String,
    unconfirmed: String,
    rows: Vec<Row>,
    total: usize,
    redacted: usize,
    backup_horizon: String,
    author: String,
}

#[derive(Serialize)]
struct Row {
    n: usize,
    kind: String,
    key: String,
    event: String,
    rule: String,
}

fn day(date: NaiveDate) -> String {
    date.format("%d.%m.%Y").to_string()
}

fn period_words(period: &RetentionPeriod, lang: ActLang) -> String {
    let n = period.amount;
    match lang {
        ActLang::Kk => {
            let unit = match period.unit {
                RetentionUnit::Years => "жыл",
                RetentionUnit::Months => "ай",
                RetentionUnit::Days => "күн",
            };
            format!("{n} {unit}")
        }
        ActLang::Ru => {
            let forms = match period.unit {
                RetentionUnit::Years => ["год", "года", "лет"],
                RetentionUnit::Months => ["месяц", "месяца", "месяцев"],
                RetentionUnit::Days => ["день", "дня", "дней"],
            };
            let form = match (n % 10, n % 100) {
                (_, 11..=14) => forms[2],
                (1, _) => forms[0],
                (2..=4, _) => forms[1],
                _ => forms[2],
            };
            format!("{n} {form}")
        }
    }
}

/// Fills the act; `redacted` is the number of journal entries cleared.
pub(super) fn draft(c: &ActContext<'_>, redacted: usize) -> Result<Vec<u8>, ApiError> {
    let ru = c.lang == ActLang::Ru;
    let mut rows = Vec::new();
    let mut bases: Vec<String> = Vec::new();
    let mut unconfirmed_rules = Vec::new();
    for plan in c.plan.rules.iter().filter(|p| !p.due.is_empty()) {
        let rule = &plan.rule;
        for basis in &rule.legal_basis {
            if !bases.contains(&basis.act) {
                bases.push(basis.act.clone());
            }
        }
        if !rule.confirmed {
            unconfirmed_rules.push(rule.id.clone());
        }
        let from = if ru { &rule.from_ru } else { &rule.from_kk };
        // One row per rule and year of the event, with every key of that year in it: an act of
        // thousands of records stays a table of a few rows (and the filler repeats rows slowly).
        let mut years: Vec<(&str, Vec<&DueRecord>)> = Vec::new();
        for record in &plan.due {
            let year = record.event_date.get(..4).unwrap_or("—");
            match years.iter_mut().find(|(y, _)| *y == year) {
                Some((_, list)) => list.push(record),
                None => years.push((year, vec![record])),
            }
        }
        for (_, records) in years {
            let first = records.iter().map(|r| r.event_date.as_str()).min().unwrap_or("");
            let last = records.iter().map(|r| r.event_date.as_str()).max().unwrap_or("");
            rows.push(Row {
                n: rows.len() + 1,
                kind: match (rule.record, ru) {
                    (RecordKind::Appeal, true) => format!("Обращения (персональные данные): {}", records.len()),
                    (RecordKind::Appeal, false) => format!("Өтініштер (дербес деректер): {}", records.len()),
                    (RecordKind::Attachment, true) => format!("Приложенные документы: {}", records.len()),
                    (RecordKind::Attachment, false) => format!("Тіркелген құжаттар: {}", records.len()),
                    (RecordKind::Act, true) => {
                        format!("Акты прокурорского реагирования с их результатами: {}", records.len())
                    }
                    (RecordKind::Act, false) => {
                        format!("Прокурорлық ден қою актілері нәтижелерімен: {}", records.len())
                    }
                    (RecordKind::ThemeNote, true) => {
                        format!("Заметки на карточках тем надзора (их текст): {}", records.len())
                    }
                    (RecordKind::ThemeNote, false) => {
                        format!("Қадағалау тақырыптары карточкаларындағы жазбалар (мәтіні): {}", records.len())
                    }
                },
                key: records.iter().map(|r| r.key.as_str()).collect::<Vec<_>>().join(", "),
                event: if first == last { first.to_string() } else { format!("{first} – {last}") },
                rule: format!("{}: {} {from}", rule.id, period_words(&rule.period, c.lang)),
            });
        }
    }
    let mut warnings = Vec::new();
    if !unconfirmed_rules.is_empty() {
        warnings.push(if ru {
            format!(
                "ВНИМАНИЕ: сроки хранения по правилам {} не подтверждены (номенклатура дел органа не сверена); \
                 акт является проектом для экспертной комиссии.",
                unconfirmed_rules.join(", ")
            )
        } else {
            format!(
                "НАЗАР АУДАРЫҢЫЗ: {} ережелері бойынша сақтау мерзімдері расталмаған (органның істер номенклатурасы \
                 салыстырылмаған); акт сараптау комиссиясына арналған жоба болып табылады.",
                unconfirmed_rules.join(", ")
            )
        });
    }
    if !c.form.confirmed {
        warnings.push(if ru {
            "Форма акта не сверена с действующими Правилами (Постановление Правительства РК № 780 от 11.09.2023)."
                .to_string()
        } else {
            "Акт нысаны қолданыстағы Қағидалармен (ҚР Үкіметінің 11.09.2023 № 780 қаулысы) салыстырылмаған.".to_string()
        });
    }
    let horizon = |h: &BackupHorizon| {
        if ru {
            format!(
                "{} резервн. копий, сделанных с {} по {}, могут содержать уничтоженные данные до их уничтожения по \
                 графику ротации копий; база, восстановленная из такой копии, требует повторного применения акта.",
                h.backups, h.first, h.last
            )
        } else {
            format!(
                "{} бастап {} дейін жасалған {} сақтық көшірмеде жойылған деректер көшірмелерді ауыстыру кестесі \
                 бойынша жойылғанға дейін сақталуы мүмкін; мұндай көшірмеден қалпына келтірілген база актіні қайта \
                 қолдануды талап етеді.",
                h.first, h.last, h.backups
            )
        }
    };
    let fields = ActFields {
        office: if ru {
            "[наименование органа прокуратуры]"
        } else {
            "[прокуратура органының атауы]"
        }
        .into(),
        draft_mark: if ru { "ПРОЕКТ" } else { "ЖОБА" }.into(),
        footer: format!("ЭКН · {} · {}", c.plan.rules_version, c.act_number),
        approver: if ru {
            "[должность, ФИО руководителя]"
        } else {
            "[басшының лауазымы, аты-жөні]"
        }
        .into(),
        act_number: c.act_number.to_string(),
        date: day(c.today),
        basis: bases.join("; "),
        reason: c.reason.to_string(),
        as_of: day(c.plan.as_of),
        rules_version: c.plan.rules_version.clone(),
        unconfirmed: warnings.join(" "),
        total: c.plan.total,
        rows,
        redacted,
        backup_horizon: {
            let backups = c.plan.backup_horizon.as_ref().map_or_else(
                || {
                    if ru {
                        "резервных копий не делалось"
                    } else {
                        "сақтық көшірмелер жасалмаған"
                    }
                    .to_string()
                },
                horizon,
            );
            match (&c.office, ru) {
                (None, true) => format!("{backups} Других копий нет: рабочее место не подключено к прокуратуре."),
                (None, false) => format!("{backups} Басқа көшірмелер жоқ: жұмыс орны прокуратураға қосылмаған."),
                (Some(office), true) => format!(
                    "{backups} Копия в прокуратуре ({office}) и копии на рабочих местах коллег уничтожаются при \
                     ближайшей синхронизации; какие копии уничтожены — в журнале актов (ekn retention acts)."
                ),
                (Some(office), false) => format!(
                    "{backups} Прокуратурадағы ({office}) көшірме және әріптестердің жұмыс орындарындағы көшірмелер \
                     келесі синхрондауда жойылады; қандай көшірмелер жойылғаны — актілер журналында (ekn retention acts)."
                ),
            }
        },
        author: c.author.to_string(),
    };
    let template = match c.lang {
        ActLang::Ru => TEMPLATE_RU,
        ActLang::Kk => TEMPLATE_KK,
    };
    let value = serde_json::to_value(&fields).map_err(|e| ApiError::invalid(e.to_string()))?;
    template::fill_with(template, &value).map_err(|e| ApiError::invalid(format!("the destruction act's template: {e}")))
}
