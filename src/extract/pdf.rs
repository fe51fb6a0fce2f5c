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
    let from_poppler =
        engines.has_pdftotext().then(|| engines.pdftotext(bytes).ok()).flatten().filter(|t| t.len() == count);
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
