//! The risk model's contributions put in words, in Russian, Kazakh and English: what each feature
//! is, its value, and which way it moves the odds. Kept apart from the use cases so the phrasing
//! can be read (and corrected by a linguist) in one place.

use crate::analytics::risk::Contribution;
use crate::api::ContributionView;
use crate::domain::norms::Localized;

/// A kind of inspection in Russian, Kazakh and English.
pub fn kind_words(kind: &str) -> (&'static str, &'static str, &'static str) {
    match kind {
        "planned" => ("плановая", "жоспарлы", "planned"),
        "unplanned" => ("внеплановая", "жоспардан тыс", "unplanned"),
        "preventive_visit" => {
            ("профилактический контроль с посещением", "бару арқылы профилактикалық бақылау", "preventive visit")
        }
        _ => ("—", "—", "—"),
    }
}

/// A contribution in words: what the feature is, its value, and which way it moves the risk.
pub fn in_words(c: &Contribution) -> ContributionView {
    let v = c.value.as_str();
    let (ru, kk, en) = match c.feature.as_str() {
        "control_body" => {
            (format!("Орган контроля: {v}"), format!("Бақылау органы: {v}"), format!("Control body: {v}"))
        }
        "kind" => {
            let (r, k, e) = kind_words(v);
            (format!("Вид проверки: {r}"), format!("Тексеру түрі: {k}"), format!("Kind of measure: {e}"))
        }
        "oked_section" => (
            format!("Отрасль: секция ОКЭД {v}"),
            format!("Сала: ЭҚЖЖ {v} секциясы"),
            format!("Industry: OKED section {v}"),
        ),
        "district" => (format!("Район: КАТО {v}"), format!("Аудан: ӘАОЖ {v}"), format!("District: KATO {v}")),
        "region" => (format!("Регион: КАТО {v}"), format!("Өңір: ӘАОЖ {v}"), format!("Region: KATO {v}")),
        "prior_visits_same_body" => (
            format!("Прежних визитов этого органа к объекту: {v}"),
            format!("Осы органның объектіге бұрынғы барулары: {v}"),
            format!("Earlier visits of this body to the object: {v}"),
        ),
        "visits_same_body_recent" => (
            format!("Визитов этого органа к объекту за последний год: {v}"),
            format!("Осы органның объектіге соңғы жылдағы барулары: {v}"),
            format!("Visits of this body to the object in the last year: {v}"),
        ),
        "prior_inspections_object" => (
            format!("Проверок объекта ранее: {v}"),
            format!("Объектінің бұрынғы тексерулері: {v}"),
            format!("Earlier inspections of the object: {v}"),
        ),
        "object_appeals" => (
            format!("Обращений об объекте: {v}"),
            format!("Объект туралы өтініштер: {v}"),
            format!("Appeals about the object: {v}"),
        ),
        "object_satisfied_appeals" => (
            format!("Удовлетворённых обращений об объекте: {v}"),
            format!("Объект туралы қанағаттандырылған өтініштер: {v}"),
            format!("Satisfied appeals about the object: {v}"),
        ),
        "object_violation_share" => (
            format!("Доля прежних проверок объекта с нарушениями: {v}"),
            format!("Объектінің бұзушылық анықталған бұрынғы тексерулерінің үлесі: {v}"),
            format!("Share of the object's earlier inspections that found violations: {v}"),
        ),
        "object_prior_illegal" => (
            format!("Проверок объекта, признанных незаконными: {v}"),
            format!("Объектінің заңсыз деп танылған тексерулері: {v}"),
            format!("Inspections of the object declared illegal: {v}"),
        ),
        "body_illegal_rate" => (
            format!("Доля проверок органа, признанных незаконными: {v}"),
            format!("Органның заңсыз деп танылған тексерулерінің үлесі: {v}"),
            format!("Share of the body's inspections declared illegal: {v}"),
        ),
        "body_violation_rate" => (
            format!("Доля проверок органа с нарушениями: {v}"),
            format!("Органның бұзушылық анықталған тексерулерінің үлесі: {v}"),
            format!("Share of the body's inspections that found violations: {v}"),
        ),
        "days_since_same_body" => (
            format!("Дней с прошлой проверки объекта этим органом: {v}"),
            format!("Осы органның объектіні соңғы тексеруінен бері күндер: {v}"),
            format!("Days since this body last inspected the object: {v}"),
        ),
        "days_since_object_inspected" => (
            format!("Дней с прошлой проверки объекта: {v}"),
            format!("Объектінің соңғы тексеруінен бері күндер: {v}"),
            format!("Days since the object was last inspected: {v}"),
        ),
        "district_illegal_rate" => (
            format!("Доля проверок в районе, признанных незаконными: {v}"),
            format!("Аудандағы заңсыз деп танылған тексерулердің үлесі: {v}"),
            format!("Share of the district's inspections declared illegal: {v}"),
        ),
        "district_violation_rate" => (
            format!("Доля проверок в районе с нарушениями: {v}"),
            format!("Аудандағы бұзушылық анықталған тексерулердің үлесі: {v}"),
            format!("Share of the district's inspections that found violations: {v}"),
        ),
        "body_kind" => (
            format!("Орган и вид проверки: {v}"),
            format!("Орган және тексеру түрі: {v}"),
            format!("Body and kind of inspection: {v}"),
        ),
        other => (format!("{other}: {v}"), format!("{other}: {v}"), format!("{other}: {v}")),
    };
    let odds = c.effect.exp();
    let (dir_ru, dir_kk, dir_en) = if c.effect >= 0.0 {
        ("повышает риск", "тәуекелді арттырады", "raises the risk")
    } else {
        ("снижает риск", "тәуекелді төмендетеді", "lowers the risk")
    };
    ContributionView {
        feature: c.feature.clone(),
        value: c.value.clone(),
        effect: c.effect,
        odds_ratio: odds,
        text: Localized {
            ru: format!("{ru} — {dir_ru} (шансы ×{odds:.2})"),
            kk: format!("{kk} — {dir_kk} (мүмкіндік ×{odds:.2})"),
            en: format!("{en} — {dir_en} (odds ×{odds:.2})"),
        },
    }
}
