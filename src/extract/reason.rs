//! Why a document or a page reads as it does, in the reader's language. The readers write their
//! reasons in English (stored with the read and journaled as they are); this turns a reason back into
//! its parts — clauses joined by "; ", each one of the forms the readers here write — and words each
//! in Russian, Kazakh and English with its figures, so the document viewer never shows a Russian or
//! Kazakh reader an English sentence. A clause of no known form (an engine's own error text) stays as
//! it was written. The forms are written by the functions below, which the readers call, so the two
//! sides cannot drift apart (the tests read back every form).

use crate::domain::norms::Localized;

/// The PDF's text layer was taken.
pub fn text_layer() -> String {
    "the PDF's text layer".into()
}

/// A Word document's own text.
pub fn own_text() -> String {
    "the document's own text".into()
}

pub fn no_text_layer(letters: usize) -> String {
    format!("no text layer ({letters} letters)")
}

pub fn few_letters(percent: f64) -> String {
    format!("text layer rejected: only {percent:.0}% of its marks are letters")
}

pub fn words_do_not_read(percent: f64, main: &str) -> String {
    format!("text layer rejected: {percent:.0}% of words do not read ({main})")
}

pub fn latin_lookalikes() -> String {
    "text layer rejected: Latin look-alikes where Cyrillic is expected".into()
}

pub fn not_a_language(percent: f64) -> String {
    format!("text layer rejected: only {percent:.0}% of its letter pairs are pairs Russian, Kazakh or English write")
}

pub fn ocr_confidence(percent: f64) -> String {
    format!("OCR, mean word confidence {percent:.0}%")
}

pub fn ocr_segmented(percent: f64, psm: &str) -> String {
    format!("OCR, mean word confidence {percent:.0}%, read again as segmentation {psm}")
}

pub fn lines_read_again(lines: usize) -> String {
    format!("{lines} doubtful lines read again on their own")
}

pub fn lines_in_two_columns(lines: usize) -> String {
    format!("{lines} lines read as two columns")
}

pub fn kazakh_letters_restored(words: usize) -> String {
    format!("{words} words' Kazakh letters put back")
}

/// How many Russian words had their closing «й» (read as «и») put back.
pub fn short_i_restored(words: usize) -> String {
    format!("{words} words' closing «й» put back")
}

/// What cleaning did to a page before OCR: dark borders whitened, letters enlarged (a clause each).
pub fn page_cleaned(borders: usize, scale: f32) -> String {
    let mut clauses = Vec::new();
    if borders > 0 {
        clauses.push(format!("{borders} dark borders removed"));
    }
    if scale > 1.0 {
        clauses.push(format!("small letters enlarged ×{scale:.1}"));
    }
    clauses.join("; ")
}

/// Clauses of the form «{count}{tail}», with the Russian and Kazakh words the count follows.
const COUNTED: &[(&str, &str, &str)] = &[
    (
        " doubtful lines read again on their own",
        "сомнительные строки прочитаны заново по одной",
        "күмәнді жолдар жеке қайта оқылды",
    ),
    (" lines read as two columns", "строки, прочитанные как две колонки", "екі баған ретінде оқылған жолдар"),
    (
        " words' Kazakh letters put back",
        "казахские буквы восстановлены в словах",
        "қазақ әріптері қалпына келтірілген сөздер",
    ),
    (
        " words' closing «й» put back",
        "восстановлена конечная «й» в словах",
        "соңғы «й» әрпі қалпына келтірілген сөздер",
    ),
    (" dark borders removed", "убраны тёмные края", "қараңғы жиектер алынды"),
];

pub fn ocr_found_nothing() -> String {
    "OCR found no text on the page".into()
}

pub fn not_recognised(missing: &[String]) -> String {
    if missing.is_empty() {
        "text not recognised".into()
    } else {
        format!("text not recognised: {}", missing.join("; "))
    }
}

pub fn missing_pdftoppm() -> String {
    "poppler-utils (pdftoppm) is not installed".into()
}

pub fn missing_tesseract() -> String {
    "tesseract-ocr is not installed".into()
}

pub fn tesseract_does_not_run() -> String {
    "tesseract does not run".into()
}

pub fn no_language_model() -> String {
    "tesseract has neither the Russian nor the Kazakh model (tesseract-ocr-rus, tesseract-ocr-kaz)".into()
}

pub fn one_language_model(lang: &str) -> String {
    format!("tesseract has only {lang}: install tesseract-ocr-rus and tesseract-ocr-kaz")
}

pub fn pages_without_text(n: usize, total: usize, first: &str) -> String {
    format!("{n} of {total} pages have no text: {first}")
}

fn words3(ru: String, kk: String, en: String) -> Localized {
    Localized { ru, kk, en }
}

/// Leading digits of `text` and the rest.
fn number(text: &str) -> Option<(u64, &str)> {
    let end = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    Some((text[..end].parse().ok()?, &text[end..]))
}

/// One clause in three languages, or `None` when it is of no known form.
fn clause(text: &str) -> Option<Localized> {
    let fixed = |ru: &str, kk: &str| Some(words3(ru.into(), kk.into(), text.into()));
    match text {
        "the PDF's text layer" => return fixed("текстовый слой PDF", "PDF мәтіндік қабаты"),
        "the document's own text" => return fixed("собственный текст документа", "құжаттың өз мәтіні"),
        "text layer rejected: Latin look-alikes where Cyrillic is expected" => {
            return fixed(
                "текстовый слой отклонён: латинские двойники там, где ожидается кириллица",
                "мәтіндік қабат қабылданбады: кирилл күтілген жерде латын ұқсастары",
            )
        }
        "OCR found no text on the page" => {
            return fixed("распознавание не нашло текста на странице", "тану бетте мәтін таппады")
        }
        "text not recognised" => return fixed("текст не распознан", "мәтін танылмады"),
        "the page was not read" => return fixed("страница не прочитана", "бет оқылмады"),
        "poppler-utils (pdftoppm) is not installed" => {
            return fixed("не установлен poppler-utils (pdftoppm)", "poppler-utils (pdftoppm) орнатылмаған")
        }
        "tesseract-ocr is not installed" => return fixed("не установлен tesseract-ocr", "tesseract-ocr орнатылмаған"),
        "tesseract does not run" => return fixed("tesseract не запускается", "tesseract іске қосылмайды"),
        "tesseract has neither the Russian nor the Kazakh model (tesseract-ocr-rus, tesseract-ocr-kaz)" => {
            return fixed(
                "у tesseract нет ни русской, ни казахской модели (tesseract-ocr-rus, tesseract-ocr-kaz)",
                "tesseract-те орыс та, қазақ та моделі жоқ (tesseract-ocr-rus, tesseract-ocr-kaz)",
            )
        }
        _ => {}
    }
    if let Some(lang) = text
        .strip_prefix("tesseract has only ")
        .and_then(|r| r.strip_suffix(": install tesseract-ocr-rus and tesseract-ocr-kaz"))
    {
        return Some(words3(
            format!("у tesseract есть только {lang}: установите tesseract-ocr-rus и tesseract-ocr-kaz"),
            format!("tesseract-те тек {lang} бар: tesseract-ocr-rus және tesseract-ocr-kaz орнатыңыз"),
            text.into(),
        ));
    }
    if let Some(rest) = text.strip_prefix("no text layer (") {
        let (letters, tail) = number(rest)?;
        return (tail == " letters)").then(|| {
            words3(
                format!("нет текстового слоя (букв: {letters})"),
                format!("мәтіндік қабат жоқ (әріптер: {letters})"),
                text.into(),
            )
        });
    }
    if let Some(rest) = text.strip_prefix("text layer rejected: only ") {
        if let Some((p, tail)) = number(rest) {
            if tail == "% of its letter pairs are pairs Russian, Kazakh or English write" {
                return Some(words3(
                    format!(
                        "текстовый слой отклонён: лишь {p}% пар букв в нём встречаются в русском, казахском или английском письме"
                    ),
                    format!("мәтіндік қабат қабылданбады: әріп жұптарының тек {p}%-ы орыс, қазақ не ағылшын жазуында кездеседі"),
                    text.into(),
                ));
            }
        }
        let (p, tail) = number(rest)?;
        return (tail == "% of its marks are letters").then(|| {
            words3(
                format!("текстовый слой отклонён: лишь {p}% его знаков — буквы"),
                format!("мәтіндік қабат қабылданбады: белгілерінің тек {p}%-ы әріп"),
                text.into(),
            )
        });
    }
    if let Some(rest) = text.strip_prefix("text layer rejected: ") {
        let (p, tail) = number(rest)?;
        let main = tail.strip_prefix("% of words do not read (")?.strip_suffix(')')?;
        return Some(words3(
            format!("текстовый слой отклонён: {p}% слов не читаются ({main})"),
            format!("мәтіндік қабат қабылданбады: сөздердің {p}%-ы оқылмайды ({main})"),
            text.into(),
        ));
    }
    if let Some(rest) = text.strip_prefix("OCR, mean word confidence ") {
        let (p, tail) = number(rest)?;
        if let Some(psm) = tail.strip_prefix("%, read again as segmentation ") {
            return Some(words3(
                format!(
                    "распознавание, средняя уверенность в словах {p}%, прочитано заново с разметкой страницы {psm}"
                ),
                format!("тану, сөздердегі орташа сенімділік {p}%, бет {psm} белгілеуімен қайта оқылды"),
                text.into(),
            ));
        }
        return (tail == "%").then(|| {
            words3(
                format!("распознавание, средняя уверенность в словах {p}%"),
                format!("тану, сөздердегі орташа сенімділік {p}%"),
                text.into(),
            )
        });
    }
    if let Some((count, tail)) = number(text) {
        if let Some((_, ru, kk)) = COUNTED.iter().find(|(english, _, _)| *english == tail) {
            return Some(words3(format!("{ru}: {count}"), format!("{kk}: {count}"), text.into()));
        }
    }
    if let Some(scale) = text.strip_prefix("small letters enlarged ×") {
        return Some(words3(
            format!("мелкие буквы увеличены ×{scale}"),
            format!("ұсақ әріптер ×{scale} үлкейтілді"),
            text.into(),
        ));
    }
    if let Some(detail) = text.strip_prefix("text not recognised: ") {
        let missing = clause(detail);
        return Some(words3(
            format!("текст не распознан: {}", missing.as_ref().map_or(detail, |m| m.ru.as_str())),
            format!("мәтін танылмады: {}", missing.as_ref().map_or(detail, |m| m.kk.as_str())),
            text.into(),
        ));
    }
    if let Some(detail) = text.strip_prefix("OCR failed: ") {
        return Some(words3(
            format!("распознавание не удалось: {detail}"),
            format!("тану сәтсіз: {detail}"),
            text.into(),
        ));
    }
    if let Some(detail) = text.strip_prefix("the page could not be rendered: ") {
        return Some(words3(
            format!("страницу не удалось отрисовать: {detail}"),
            format!("бетті салу мүмкін болмады: {detail}"),
            text.into(),
        ));
    }
    None
}

/// A reason as the readers wrote it, in Russian, Kazakh and English (empty stays empty).
pub fn words(why: &str) -> Localized {
    if why.is_empty() {
        return Localized::default();
    }
    // "N of M pages have no text: …" heads a document's reason, the first such page's after it.
    let (head, rest) = match number(why).and_then(|(n, rest)| {
        let (total, rest) = number(rest.strip_prefix(" of ")?)?;
        Some((n, total, rest.strip_prefix(" pages have no text: ")?))
    }) {
        Some((n, total, rest)) => (
            Some(words3(
                format!("страниц без текста: {n} из {total}"),
                format!("мәтінсіз беттер: {total}-ден {n}"),
                format!("{n} of {total} pages have no text"),
            )),
            rest,
        ),
        None => (None, why),
    };
    let mut out = Localized::default();
    let mut push = |part: &Localized, joint: &str| {
        for (to, from) in [(&mut out.ru, &part.ru), (&mut out.kk, &part.kk), (&mut out.en, &part.en)] {
            if !to.is_empty() {
                to.push_str(joint);
            }
            to.push_str(from);
        }
    };
    if let Some(head) = &head {
        push(head, "");
    }
    for (i, part) in rest.split("; ").filter(|p| !p.is_empty()).enumerate() {
        let worded = clause(part).unwrap_or_else(|| words3(part.into(), part.into(), part.into()));
        push(&worded, if i == 0 && head.is_some() { ": " } else { "; " });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_the_readers_write_is_worded_in_russian_and_kazakh() {
        let missing =
            vec!["poppler-utils (pdftoppm) is not installed".to_string(), "tesseract-ocr is not installed".into()];
        let forms = [
            text_layer(),
            own_text(),
            no_text_layer(3),
            few_letters(41.6),
            words_do_not_read(58.0, "Latin and Cyrillic mixed in one word"),
            latin_lookalikes(),
            not_a_language(3.4),
            ocr_confidence(87.2),
            ocr_segmented(71.5, "6"),
            lines_read_again(4),
            lines_in_two_columns(3),
            kazakh_letters_restored(5),
            short_i_restored(2),
            page_cleaned(0, 1.6),
            page_cleaned(2, 1.5),
            page_cleaned(1, 1.0),
            ocr_found_nothing(),
            not_recognised(&[]),
            not_recognised(&missing),
            "OCR failed: tesseract exited with 1".to_string(),
            "the page could not be rendered: pdftoppm timed out".to_string(),
            "the page was not read".to_string(),
            missing_pdftoppm(),
            missing_tesseract(),
            tesseract_does_not_run(),
            no_language_model(),
            one_language_model("rus"),
        ];
        for form in &forms {
            let worded = words(form);
            assert_eq!(&worded.en, form, "English stays as written");
            assert!(worded.ru.chars().any(|c| ('а'..='я').contains(&c)), "{form}: {}", worded.ru);
            assert!(worded.ru != *form && worded.kk != *form && worded.ru != worded.kk, "{form}: {worded:?}");
        }
        assert_eq!(words(&no_text_layer(3)).ru, "нет текстового слоя (букв: 3)");
        assert_eq!(words(&ocr_confidence(87.2)).kk, "тану, сөздердегі орташа сенімділік 87%");
        let cleaned = format!("{}; {}; {}", ocr_confidence(64.0), page_cleaned(2, 1.5), lines_read_again(3));
        assert_eq!(
            words(&cleaned).ru,
            "распознавание, средняя уверенность в словах 64%; убраны тёмные края: 2; мелкие буквы увеличены ×1.5; \
             сомнительные строки прочитаны заново по одной: 3"
        );
    }

    #[test]
    fn a_documents_reason_is_worded_clause_by_clause_and_an_unknown_clause_stays() {
        let page = format!("{}; {}", no_text_layer(0), not_recognised(&["tesseract-ocr is not installed".into()]));
        let why = pages_without_text(2, 5, &page);
        let worded = words(&why);
        assert_eq!(
            worded.ru,
            "страниц без текста: 2 из 5: нет текстового слоя (букв: 0); текст не распознан: не установлен tesseract-ocr"
        );
        assert_eq!(worded.en, why);
        assert!(worded.kk.starts_with("мәтінсіз беттер: 5-ден 2: мәтіндік қабат жоқ"));
        let odd = words("the file is not a readable ZIP/DOCX (invalid Zip archive)");
        assert_eq!(odd.ru, "the file is not a readable ZIP/DOCX (invalid Zip archive)", "an engine's own words stay");
        assert_eq!(words(""), Localized::default());
    }
}
