//! The columns each data set must or may have, under the names real exports give them
//! (English, Russian, Kazakh), and the mapping of a file's header row onto them.
//!
//! Unknown columns are not an error: they are listed in the import report as ignored, so a person
//! sees what was left out and why. Two columns that mean the same field are an error, because
//! silently picking one would be a guess.

use ekn_domain::records::{normalise_label, DataKind};
use std::collections::HashMap;

/// One field the importer understands.
#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub required: bool,
    /// Longer values are refused: a cell this long is a broken export, not data.
    pub max_chars: usize,
}

const SHORT: usize = 1_000;
/// Appeal texts can be long letters; 100,000 characters is about 40 printed pages.
const LONG: usize = 100_000;

const fn f(name: &'static str, aliases: &'static [&'static str], required: bool) -> FieldSpec {
    FieldSpec { name, aliases, required, max_chars: SHORT }
}

pub const INSPECTION_FIELDS: &[FieldSpec] = &[
    f("registry_no", &["Регистрационный номер", "Рег. номер", "Номер акта", "Тіркеу нөмірі"], true),
    f("bin", &["БИН", "БИН/ИИН", "БСН", "БСН/ЖСН"], true),
    f("object_name", &["Наименование субъекта", "Наименование", "Субъектінің атауы"], false),
    f("kato", &["КАТО", "Код КАТО", "ӘАОЖ"], false),
    f("oked", &["ОКЭД", "Код ОКЭД", "ЭҚЖЖ"], false),
    f("control_body", &["Орган контроля", "Контролирующий орган", "Бақылау органы"], true),
    f("kind", &["Вид проверки", "Тексеру түрі"], true),
    f("grounds", &["Основание", "Основание проверки", "Негіздеме"], false),
    f("start_date", &["Дата начала", "Басталған күні"], true),
    f("end_date", &["Дата окончания", "Аяқталған күні"], false),
    f("violations", &["Количество нарушений", "Бұзушылықтар саны"], false),
    f("sanctions", &["Меры", "Принятые меры", "Шаралар"], false),
    f("fine_kzt", &["Сумма штрафа", "Айыппұл сомасы"], false),
    f("appealed", &["Обжаловано", "Шағымданылды"], false),
    f("declared_illegal", &["Признана незаконной", "Заңсыз деп танылды"], false),
    f(
        "subject_size",
        &[
            "Размер субъекта",
            "Категория субъекта предпринимательства",
            "Субъект предпринимательства",
            "Кәсіпкерлік субъектісінің санаты",
            "Субъект көлемі",
        ],
        false,
    ),
];

pub const APPEAL_FIELDS: &[FieldSpec] = &[
    f("appeal_no", &["Номер обращения", "Өтініш нөмірі"], true),
    f("received", &["Дата поступления", "Түскен күні"], true),
    f("channel", &["Канал", "Арна"], false),
    f("applicant_category", &["Категория заявителя", "Өтініш берушінің санаты"], false),
    f("applicant_iin", &["ИИН заявителя", "Өтініш берушінің ЖСН"], false),
    f("subject_bin", &["БИН субъекта", "БИН", "Субъектінің БСН"], false),
    f("kato", &["КАТО", "Код КАТО", "ӘАОЖ"], false),
    FieldSpec {
        name: "text",
        aliases: &["Текст обращения", "Текст", "Өтініш мәтіні"],
        required: false,
        max_chars: LONG,
    },
    f("category", &["Категория", "Санат"], false),
    f("status", &["Статус", "Мәртебе"], false),
    f("decided", &["Дата решения", "Шешім күні"], false),
    f("outcome", &["Результат", "Нәтиже"], false),
];

pub const RISK_FIELDS: &[FieldSpec] = &[
    f("bin", &["БИН", "БСН"], true),
    f("score", &["Балл", "Ұпай"], true),
    f("degree", &["Степень риска", "Тәуекел дәрежесі"], true),
    f("model", &["Модель", "Үлгі"], true),
    f("computed", &["Дата расчета", "Есептелген күні"], true),
    FieldSpec {
        name: "factors", aliases: &["Факторы", "Факторлар"], required: false, max_chars: 10_000
    },
];

/// Acts of response issued, with their outcomes (issue 39). The English names are the documented
/// ones (docs/EFFECT.md); the Russian and Kazakh ones are what registries' exports print.
pub const ACT_FIELDS: &[FieldSpec] = &[
    f("act_no", &["Номер акта", "№ акта", "Акт нөмірі", "Актінің нөмірі", "act_number"], true),
    f("bin", &["БИН", "БИН/ИИН", "БСН", "БСН/ЖСН"], true),
    f("kind", &["Вид акта", "Акт түрі", "act_kind"], true),
    f("issued_on", &["Дата акта", "Дата вынесения", "Акт күні", "Шығарылған күні", "issued"], true),
    f("category", &["Категория нарушения", "Бұзушылық санаты", "violation_category"], false),
    f("outcome", &["Результат", "Результат рассмотрения", "Нәтиже", "Қарау нәтижесі", "result"], false),
    f("outcome_on", &["Дата результата", "Дата рассмотрения", "Нәтиже күні", "Қаралған күні", "result_on"], false),
    f("outcome_stage", &["Стадия", "Стадия результата", "Кезең"], false),
    f("registry_no", &["Номер проверки", "Регистрационный номер проверки", "Тексеру нөмірі", "inspection_no"], false),
    f("addressee", &["Адресат", "Кому", "Алушы"], false),
    f("formal_defect", &["Формальный дефект", "Возвращён по форме", "Нысандық ақау", "defect"], false),
];

/// Whether a refused value of `field` may be repeated to a person in an error: dates, numbers,
/// codes and labels may; a BIN/IIN (an entrepreneur's is an IIN), a name, an appeal's text, the
/// grounds and the risk factors (free text) never do.
pub fn shows_value(field: &str) -> bool {
    matches!(
        field,
        "registry_no"
            | "kato"
            | "oked"
            | "control_body"
            | "kind"
            | "start_date"
            | "end_date"
            | "violations"
            | "sanctions"
            | "fine_kzt"
            | "appealed"
            | "declared_illegal"
            | "subject_size"
            | "appeal_no"
            | "received"
            | "channel"
            | "applicant_category"
            | "category"
            | "status"
            | "decided"
            | "outcome"
            | "formal_defect"
            | "score"
            | "degree"
            | "model"
            | "computed"
            | "act_no"
            | "issued_on"
            | "outcome_on"
            | "outcome_stage"
    )
}

pub fn fields_of(kind: DataKind) -> &'static [FieldSpec] {
    match kind {
        DataKind::Inspections => INSPECTION_FIELDS,
        DataKind::Appeals => APPEAL_FIELDS,
        DataKind::Risk => RISK_FIELDS,
        DataKind::Acts => ACT_FIELDS,
    }
}

/// Header text compared loosely: case, ё/е, spaces and underscores do not matter.
fn header_key(text: &str) -> String {
    normalise_label(&text.replace('_', " ").replace('\u{feff}', ""))
}

/// Which field, if any, a header names.
///
/// A JSON file or a connector's records name their fields in every record, so the same few keys
/// are asked about a million times: answers are remembered per thread (normalising every field's
/// name and aliases for every key of every record made a million-record JSON import twenty times
/// slower than the same rows as CSV). At most `REMEMBERED` keys are kept, so a file with endless
/// distinct keys costs time, never memory.
pub fn field_for_header(fields: &'static [FieldSpec], header: &str) -> Option<usize> {
    const REMEMBERED: usize = 4096;
    thread_local! {
        static ANSWERS: std::cell::RefCell<HashMap<usize, HashMap<String, Option<usize>>>> = Default::default();
    }
    // The field lists are statics: their address tells them apart.
    let list = fields.as_ptr() as usize;
    if let Some(answer) = ANSWERS.with(|a| a.borrow().get(&list).and_then(|known| known.get(header)).copied()) {
        return answer;
    }
    let key = header_key(header);
    let answer = fields
        .iter()
        .position(|spec| header_key(spec.name) == key || spec.aliases.iter().any(|a| header_key(a) == key));
    ANSWERS.with(|a| {
        let mut answers = a.borrow_mut();
        let known = answers.entry(list).or_default();
        if known.len() < REMEMBERED {
            known.insert(header.to_string(), answer);
        }
    });
    answer
}

/// How the columns of a file with a header row map onto fields.
#[derive(Debug, Clone)]
pub struct ColumnMap {
    /// For each column of the file, the field it fills.
    pub column_field: Vec<Option<usize>>,
    /// Headers of the columns that fill no field, as written in the file.
    pub ignored: Vec<String>,
    /// For each field, the header as the file wrote it (for error messages).
    pub header_of_field: Vec<Option<String>>,
}

impl ColumnMap {
    /// Maps a header row. Errors name the offending column (as `Err((field, reason))`).
    pub fn new(fields: &'static [FieldSpec], headers: &[String]) -> Result<ColumnMap, (String, String)> {
        let mut column_field = Vec::with_capacity(headers.len());
        let mut header_of_field: Vec<Option<String>> = vec![None; fields.len()];
        let mut ignored = Vec::new();
        for (column, header) in headers.iter().enumerate() {
            let field = field_for_header(fields, header);
            match field {
                Some(index) => {
                    if let Some(earlier) = &header_of_field[index] {
                        return Err((
                            fields[index].name.to_string(),
                            format!(
                                "columns «{earlier}» and «{}» (column {}) both mean {}; keep one",
                                header.trim(),
                                column + 1,
                                fields[index].name
                            ),
                        ));
                    }
                    header_of_field[index] = Some(header.trim().to_string());
                }
                None if header.trim().is_empty() => {}
                None => ignored.push(header.trim().to_string()),
            }
            column_field.push(field);
        }
        if let Some(missing) =
            fields.iter().enumerate().find(|(i, spec)| spec.required && header_of_field[*i].is_none())
        {
            let spec = missing.1;
            return Err((
                spec.name.to_string(),
                format!("required column is missing (accepted headers: {}, {})", spec.name, spec.aliases.join(", ")),
            ));
        }
        Ok(ColumnMap { column_field, ignored, header_of_field })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_english_and_kazakh_headers_map_to_fields() {
        let headers: Vec<String> =
            ["Регистрационный номер", "bin", "Орган контроля", "ВИД ПРОВЕРКИ", "Басталған күні", "Примечание"]
                .map(String::from)
                .to_vec();
        let map = ColumnMap::new(INSPECTION_FIELDS, &headers).unwrap();
        assert_eq!(map.column_field[..5], [Some(0), Some(1), Some(5), Some(6), Some(8)]);
        assert_eq!(map.ignored, vec!["Примечание".to_string()]);
    }

    #[test]
    fn a_missing_required_column_and_a_doubled_one_are_errors() {
        let headers: Vec<String> = ["registry_no", "bin"].map(String::from).to_vec();
        let (field, reason) = ColumnMap::new(INSPECTION_FIELDS, &headers).unwrap_err();
        assert_eq!(field, "control_body");
        assert!(reason.contains("required column is missing"), "{reason}");
        let doubled: Vec<String> = ["БИН", "bin"].map(String::from).to_vec();
        assert_eq!(ColumnMap::new(INSPECTION_FIELDS, &doubled).unwrap_err().0, "bin");
    }
}
