//! PDF pages: the text layer of each page (pdf-extract over lopdf, in process), judged by
//! `layer` before it is trusted; pages without a trustworthy layer are rendered by `pdftoppm` and
//! recognised, several at once (one Tesseract per core). pdf-extract panics on some malformed
//! files; a panic is caught and the file treated as having no text layer.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use super::ocr::Engines;
use super::{layer, Cancelled, NotADocument, Progress, RawPage, Stop, MAX_PAGES};

/// The text-layer reader's version, for the record.
pub const VERSION: &str = "0.12.1";

/// Every page of a PDF, with text from its layer or from OCR.
pub(crate) fn pages(
    bytes: &[u8],
    engines: &Engines,
    progress: &mut dyn FnMut(Progress) -> bool,
) -> Result<Vec<RawPage>, Stop> {
    // The page count from the object model; a file lopdf cannot load is not a PDF we read.
    let count = catch_unwind(AssertUnwindSafe(|| pdf_extract::Document::load_mem(bytes).map(|d| d.get_pages().len())))
        .map_err(|_| NotADocument("the PDF's structure is broken".into()))?
        .map_err(|e| NotADocument(format!("the PDF cannot be read ({e})")))?;
    if count == 0 {
        return Err(Stop::NotADocument("the PDF has no pages".into()));
    }
    if count as u32 > MAX_PAGES {
        return Err(Stop::NotADocument(format!("the PDF has {count} pages; ЭКН reads documents up to {MAX_PAGES}")));
    }
    // Text layers. Poppler's reader where it is installed: pdf-extract emits a word's letters out
    // of order when some come from a fallback font (Kazakh letters missing from the main font:
    // «Самал рылыс»Құ» for «Самал Құрылыс», measured on LibreOffice's PDFs, docs/DOCUMENTS.md).
    // pdf-extract otherwise, quietly, since it reports its troubles by panicking or printing.
    let poppler = |raw: bool| {
        engines.has_pdftotext().then(|| engines.pdftotext(bytes, raw).ok()).flatten().filter(|t| t.len() == count)
    };
    let written_order = poppler(true);
    let from_poppler = poppler(false).map(|reading| match &written_order {
        Some(raw) => reading.iter().zip(raw).map(|(reading, raw)| joined_layers(&tidy(reading), &tidy(raw))).collect(),
        None => reading,
    });
    let layers: Vec<String> = from_poppler
        .or_else(|| {
            catch_unwind(AssertUnwindSafe(|| pdf_extract::extract_text_from_mem_by_pages(bytes)))
                .ok()
                .and_then(Result::ok)
                .filter(|texts| texts.len() == count)
        })
        .unwrap_or_else(|| vec![String::new(); count]);
    let mut out: Vec<Option<RawPage>> = Vec::with_capacity(count);
    let mut to_ocr: Vec<(usize, String)> = Vec::new();
    for (index, text) in layers.into_iter().enumerate() {
        let verdict = layer::judge(&text);
        if verdict.trusted {
            out.push(Some(RawPage::text(tidy(&text), verdict.quality, verdict.why)));
        } else {
            out.push(None);
            to_ocr.push((index, verdict.why));
        }
    }
    let total = count as u32;
    let mut done = (count - to_ocr.len()) as u32;
    if !progress(Progress { done, total }) {
        return Err(Stop::Cancelled(Cancelled { done, total }));
    }
    if to_ocr.is_empty() {
        return Ok(out.into_iter().flatten().collect());
    }
    if !engines.can_render_pdf() {
        for (index, why) in to_ocr {
            out[index] = Some(RawPage::none(format!("{why}; {}", engines.why_not())));
        }
        return Ok(out.into_iter().flatten().collect());
    }
    // One Tesseract per core; the pages come back in any order and the person may cancel.
    let workers = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).min(to_ocr.len());
    let stop = AtomicBool::new(false);
    let queue = std::sync::Mutex::new(to_ocr.into_iter());
    let (sender, receiver) = mpsc::channel::<(usize, RawPage)>();
    let mut was_cancelled = false;
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let sender = sender.clone();
            let (queue, stop) = (&queue, &stop);
            scope.spawn(move || loop {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let Some((index, why)) = queue.lock().map(|mut q| q.next()).unwrap_or(None) else { break };
                let page = match engines.render(bytes, index as u32 + 1) {
                    Ok(mut image) => {
                        let cleaned = image.prepare_for_ocr();
                        let mut page = engines.recognise(&image);
                        cleaned.note_on(&mut page);
                        page.why = format!("{why}; {}", page.why);
                        page
                    }
                    Err(e) => RawPage::none(format!("{why}; the page could not be rendered: {e}")),
                };
                if sender.send((index, page)).is_err() {
                    break;
                }
            });
        }
        drop(sender);
        for (index, page) in receiver {
            out[index] = Some(page);
            done += 1;
            if !was_cancelled && !progress(Progress { done, total }) {
                was_cancelled = true;
                stop.store(true, Ordering::Relaxed);
            }
        }
    });
    if was_cancelled {
        return Err(Stop::Cancelled(Cancelled { done, total }));
    }
    Ok(out.into_iter().map(|p| p.unwrap_or_else(|| RawPage::none("the page was not read".into()))).collect())
}

/// One page's text layer from poppler's two orders: the head of the page (the letterhead's columns,
/// the addressee beside the date) in its reading order, which sets a table's cells apart, and the
/// text from its first long line on in the order it was written, since the reading order takes a
/// justified line's widely spaced words for columns and sets each on a line of its own, out of order
/// («ӘҚБтК-нің ⏎ жауапкершілікке … ⏎ 164-бабының» — the code parted from its article). The reading
/// order also takes a hyphen at a line's end for a word's break («№ 2-⏎0614-25/522» glued into
/// «20614-25/522»); a figure of the head is given its hyphen back from the written order. Where the
/// two do not meet (no long line found in both), the reading order alone (2026.11.29, from the
/// tenth frozen set's misses).
fn joined_layers(reading: &str, raw: &str) -> String {
    fn words(line: &str) -> Vec<&str> {
        line.split_whitespace().collect()
    }
    let reading_lines: Vec<&str> = reading.lines().collect();
    let raw_lines: Vec<&str> = raw.lines().collect();
    let Some(body) = reading_lines.iter().position(|l| words(l).len() >= 8) else {
        return reading.to_string();
    };
    let key = words(reading_lines[body])[..5].to_vec();
    let Some(raw_body) = raw_lines.iter().position(|l| words(l).len() >= 5 && words(l)[..5] == key[..]) else {
        return reading.to_string();
    };
    // A word or a figure of the head broken after its hyphen at a line's end of the written order
    // («САНИТАРИЯЛЫҚ-⏎ЭПИДЕМИОЛОГИЯЛЫҚ», «№ 2-⏎0614-25/522»), which the reading order glued whole: a
    // letterhead is not hyphenated by a word processor, nor is a number, so the hyphen is theirs.
    // Only compounds in capitals and figures: a soft break in lower case is the reading order's to
    // take away.
    let capitals =
        |part: &str| part.chars().count() >= 3 && part.chars().all(|c| c.is_alphabetic() && c.is_uppercase());
    // A number a table's narrow cell broke at each of its hyphens («№ 2-⏎1400-⏎26/3012», the
    // fifteenth set's submission, glued into «2140026/3012») is followed over every line that holds
    // nothing but its next piece.
    let head_lines = &raw_lines[..raw_body];
    let broken: Vec<(String, String)> = (0..head_lines.len().saturating_sub(1))
        .filter_map(|i| {
            let left = head_lines[i].split_whitespace().last()?;
            let stem = left.strip_suffix('-')?;
            let (mut glued, mut whole) = (stem.to_string(), left.to_string());
            let mut next = i + 1;
            loop {
                let right = head_lines.get(next)?.split_whitespace().next()?;
                let figures =
                    glued.ends_with(|c: char| c.is_ascii_digit()) && right.starts_with(|c: char| c.is_ascii_digit());
                let tail = right.trim_end_matches(|c: char| !c.is_alphabetic());
                if !(figures || next == i + 1 && capitals(stem) && capitals(tail)) {
                    return None;
                }
                let piece_alone = head_lines[next].split_whitespace().count() == 1;
                match right.strip_suffix('-') {
                    Some(more) if figures && piece_alone => {
                        glued.push_str(more);
                        whole.push_str(right);
                        next += 1;
                    }
                    _ => {
                        glued.push_str(right);
                        whole.push_str(right);
                        return Some((glued, whole));
                    }
                }
            }
        })
        .collect();
    let mut out: Vec<String> = unscattered(&reading_lines[..body], &raw_lines[..raw_body])
        .iter()
        .map(|line| {
            line.split(' ')
                .map(|token| broken.iter().find(|(glued, _)| glued == token).map_or(token, |(_, whole)| whole.as_str()))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    out.extend(raw_lines[raw_body..].iter().map(|l| l.to_string()));
    out.join("\n")
}

/// The head's lines in reading order with each line it scattered put back whole: poppler's reading
/// order takes a justified or centred line's wide spaces for a column's edge and sets its words
/// apart, each alone between empty lines, among the next line's («ҰЛЫТАУ ОБЛЫСЫНЫҢ⏎ДЕПАРТАМЕНТІ⏎⏎
/// САНИТАРИЯЛЫҚ-ЭПИДЕМИОЛОГИЯЛЫҚ⏎⏎БАҚЫЛАУ» for a letterhead's two lines; «Сіздің 2026 жылғы⏎
/// қанағаттандырылды.⏎⏎3⏎⏎қарашадағы⏎⏎№ …» for a reply's line with its reference — the thirteenth
/// set's act lost its issuer's words and its answer its reference and outcome so). A written line
/// of three words or more is put back where its first piece stood when the reading order holds all
/// its words, in order, as whole lines, two or more of them a word alone between empty lines, or
/// three lines or more, two of them a single word. (Two columns a table or text boxes set side by
/// side come as lines of several words, a cell's lines together: they keep the reading order's
/// shape.)
fn unscattered(head: &[&str], raw_head: &[&str]) -> Vec<String> {
    let words = |line: &str| line.split_whitespace().map(str::to_string).collect::<Vec<String>>();
    let mut lines: Vec<Option<String>> = head.iter().map(|l| Some(l.to_string())).collect();
    let blank = |lines: &[Option<String>], i: Option<usize>| {
        i.and_then(|i| lines.get(i)).is_none_or(|l| l.as_deref().is_none_or(|t| t.trim().is_empty()))
    };
    for raw_line in raw_head {
        let whole = words(raw_line);
        if whole.len() < 3 {
            continue;
        }
        // The reading order's lines that are, in turn, the written line's next words.
        let mut pieces: Vec<usize> = Vec::new();
        let mut covered = 0;
        for (i, line) in lines.iter().enumerate() {
            let Some(line) = line else { continue };
            let piece = words(line);
            if !piece.is_empty() && whole[covered..].starts_with(&piece) {
                pieces.push(i);
                covered += piece.len();
                if covered == whole.len() {
                    break;
                }
            }
        }
        let single = |i: usize| lines[i].as_deref().is_some_and(|l| words(l).len() == 1);
        let alone = pieces
            .iter()
            .filter(|&&i| single(i) && blank(&lines, i.checked_sub(1)) && blank(&lines, Some(i + 1)))
            .count();
        // …or three pieces or more, two of them single words on lines of their own («СПЕЦИАЛИЗИРОВАННЫЙ⏎
        // МЕЖРАЙОННЫЙ⏎СУД⏎… ⏎⏎ПО», the fourteenth set's court): a row of a table's cells is two or
        // three pieces of several words (a date, «г. Павлодар», «№ …»).
        let singles = pieces.iter().filter(|&&i| single(i)).count();
        let scattered = alone >= 2 || pieces.len() >= 3 && singles >= 2;
        let near = pieces.last().zip(pieces.first()).is_some_and(|(last, first)| last - first <= 2 * whole.len() + 4);
        if covered == whole.len() && pieces.len() >= 2 && scattered && near {
            lines[pieces[0]] = Some(whole.join(" "));
            for &i in &pieces[1..] {
                lines[i] = None;
            }
        }
    }
    lines.into_iter().flatten().collect()
}

/// A text layer's text with its layout noise removed: runs of spaces, and blank lines in threes.
fn tidy(text: &str) -> String {
    let lines: Vec<String> = text.lines().map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")).collect();
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in lines {
        if line.is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(&line);
        out.push('\n');
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::joined_layers;

    #[test]
    fn the_head_in_reading_order_and_the_text_as_written() {
        let reading = "ПРОКУРАТУРА ГОРОДА\nҚАЛА ПРОКУРАТУРАСЫ\n2025 жылғы 15 желтоқсан № 20614-25/522\nМұндай әрекет ӘҚБтК-нің бір екі үш төрт бес\nжауапкершілікке әкеп соғады.\n164-бабының";
        let raw = "ПРОКУРАТУРА ГОРОДА ҚАЛА ПРОКУРАТУРАСЫ\n2025 жылғы 15 желтоқсан № 2-\n0614-25/522\nМұндай әрекет ӘҚБтК-нің бір екі үш төрт бес 164-бабының\nжауапкершілікке әкеп соғады.";
        assert_eq!(
            joined_layers(reading, raw),
            "ПРОКУРАТУРА ГОРОДА\nҚАЛА ПРОКУРАТУРАСЫ\n2025 жылғы 15 желтоқсан № 2-0614-25/522\nМұндай әрекет ӘҚБтК-нің бір екі үш төрт бес 164-бабының\nжауапкершілікке әкеп соғады."
        );
        let reading = "САНИТАРИЯЛЫҚЭПИДЕМИОЛОГИЯЛЫҚ БАҚЫЛАУ ДЕПАРТАМЕНТІ\nзаконодательства\nТексеру барысында балалар тамағын сақтау және дайындау талаптары";
        let raw = "САНИТАРИЯЛЫҚ-\nЭПИДЕМИОЛОГИЯЛЫҚ БАҚЫЛАУ ДЕПАРТАМЕНТІ\nзаконо-\nдательства\nТексеру барысында балалар тамағын сақтау және дайындау талаптары";
        assert_eq!(
            joined_layers(reading, raw),
            "САНИТАРИЯЛЫҚ-ЭПИДЕМИОЛОГИЯЛЫҚ БАҚЫЛАУ ДЕПАРТАМЕНТІ\nзаконодательства\nТексеру барысында балалар тамағын сақтау және дайындау талаптары"
        );
        // A number a narrow cell broke at each of its hyphens gets them all back.
        let reading = "ПРОКУРАТУРА\nПАВЛОДАРСКОЙ ОБЛАСТИ\n12.11.2026\n№ 2140026/3012\nПрокуратурой области проверено соблюдение экологического законодательства ТОО «Ертіс Химпром»";
        let raw = "ПРОКУРАТУРА\nПАВЛОДАРСКОЙ ОБЛАСТИ\n12.11.2026 г. Павлодар № 2-\n1400-\n26/3012\nПрокуратурой области проверено соблюдение экологического законодательства ТОО «Ертіс Химпром»";
        assert!(joined_layers(reading, raw).contains("\n№ 2-1400-26/3012\n"), "{}", joined_layers(reading, raw));
        // A reply's justified line scattered word by word in the head is taken as written.
        let reading = "БАСҚАРМАСЫ\n№ 04-11/2738\nСіздің 2026 жылғы\nқанағаттандырылды.\n\n3\n\nқарашадағы\n\n№\n\n2-1905-26/1288\n\nұсынуыңыз\n\nқаралды\n\nжәне\n\n«Оңтүстік Агро Жер» ЖШС-на (БСН 160554736368) 2024 жылы заңсыз";
        let raw = "БАСҚАРМАСЫ\n№ 04-11/2738\nСіздің 2026 жылғы 3 қарашадағы № 2-1905-26/1288 ұсынуыңыз қаралды және\nқанағаттандырылды.\n«Оңтүстік Агро Жер» ЖШС-на (БСН 160554736368) 2024 жылы заңсыз";
        assert_eq!(
            joined_layers(reading, raw).split_whitespace().collect::<Vec<_>>(),
            raw.split_whitespace().collect::<Vec<_>>()
        );
        assert!(joined_layers(reading, raw)
            .contains("Сіздің 2026 жылғы 3 қарашадағы № 2-1905-26/1288 ұсынуыңыз қаралды және\n"));
        // A centred letterhead line scattered among the next line's word is one line again; two
        // columns of several words a line keep the reading order.
        let reading = "ҰЛЫТАУ ОБЛЫСЫНЫҢ\nДЕПАРТАМЕНТІ\n\nСАНИТАРИЯЛЫҚ-ЭПИДЕМИОЛОГИЯЛЫҚ\n\nБАҚЫЛАУ\n\nТексеру 2026 жылғы 2 қарашадағы № 88 бұйрық негізінде";
        let raw = "ҰЛЫТАУ ОБЛЫСЫНЫҢ САНИТАРИЯЛЫҚ-ЭПИДЕМИОЛОГИЯЛЫҚ БАҚЫЛАУ\nДЕПАРТАМЕНТІ\nТексеру 2026 жылғы 2 қарашадағы № 88 бұйрық негізінде";
        assert!(joined_layers(reading, raw)
            .starts_with("ҰЛЫТАУ ОБЛЫСЫНЫҢ САНИТАРИЯЛЫҚ-ЭПИДЕМИОЛОГИЯЛЫҚ БАҚЫЛАУ\nДЕПАРТАМЕНТІ\n"));
        let reading = "СПЕЦИАЛИЗИРОВАННЫЙ\nМЕЖРАЙОННЫЙ\nСУД\nАДМИНИСТРАТИВНЫМ ПРАВОНАРУШЕНИЯМ ГОРОДА АЛМАТЫ\n\nПО\n\nПОСТАНОВЛЕНИЕ\nСпециализированный межрайонный суд по административным правонарушениям города Алматы, рассмотрев";
        let raw = "СПЕЦИАЛИЗИРОВАННЫЙ МЕЖРАЙОННЫЙ СУД ПО\nАДМИНИСТРАТИВНЫМ ПРАВОНАРУШЕНИЯМ ГОРОДА АЛМАТЫ\nПОСТАНОВЛЕНИЕ\nСпециализированный межрайонный суд по административным правонарушениям города Алматы, рассмотрев";
        assert!(joined_layers(reading, raw).starts_with("СПЕЦИАЛИЗИРОВАННЫЙ МЕЖРАЙОННЫЙ СУД ПО\nАДМИНИСТРАТИВНЫМ"));
        let reading = "ТҮРКІСТАН ОБЛЫСЫ ӘКІМДІГІНІҢ\nЖЕР ҚАТЫНАСТАРЫ БАСҚАРМАСЫ\n\nУПРАВЛЕНИЕ ЗЕМЕЛЬНЫХ\nОТНОШЕНИЙ\nСіздің 2026 жылғы 3 қарашадағы № 2-1905-26/1288 ұсынуыңыз";
        let raw = "ТҮРКІСТАН ОБЛЫСЫ ӘКІМДІГІНІҢ УПРАВЛЕНИЕ ЗЕМЕЛЬНЫХ\nЖЕР ҚАТЫНАСТАРЫ БАСҚАРМАСЫ ОТНОШЕНИЙ\nСіздің 2026 жылғы 3 қарашадағы № 2-1905-26/1288 ұсынуыңыз";
        assert!(joined_layers(reading, raw).starts_with("ТҮРКІСТАН ОБЛЫСЫ ӘКІМДІГІНІҢ\nЖЕР ҚАТЫНАСТАРЫ БАСҚАРМАСЫ\n"));
        // A table row's three cells of several words stay apart.
        let reading = "12.11.2026\nг. Павлодар\n№ 2-1400-26/3012\nПрокуратурой области проверено соблюдение экологического законодательства ТОО «Ертіс Химпром»";
        let raw = "12.11.2026 г. Павлодар № 2-1400-26/3012\nПрокуратурой области проверено соблюдение экологического законодательства ТОО «Ертіс Химпром»";
        assert!(joined_layers(reading, raw).starts_with("12.11.2026\nг. Павлодар\n№ 2-1400-26/3012\n"));
        // Where the written order has no such line, the reading order alone.
        assert_eq!(joined_layers(reading, "something else entirely"), reading);
    }
}
