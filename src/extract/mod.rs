//! Reading what a prosecutor attaches: the text of every page of a document (DOCX, a PDF's text
//! layer, or OCR of a scan or photo) with how it was obtained and a quality figure, and the
//! requisites found in it as candidate facts (number, date, issuer, BIN, articles, amounts,
//! periods, an answer's outcome), each with its page, span, box and the rule that found it.
//!
//! The face is narrow on purpose: bytes in, pages and candidate facts out. No SQL, no clock; this
//! is the one part of the core that starts processes (Debian's `tesseract` and poppler's
//! `pdftoppm`), always through pipes, so a decrypted document never touches the disk. Citizens'
//! data are masked here, before any text leaves: the raw text of a page exists only inside
//! [`read_document`]. The architecture test holds all of this.

mod cleanup;
mod columns;
mod docx;
mod image;
mod kazakh;
mod layer;
mod ocr;
mod pdf;
pub mod reason;
pub mod requisites;
mod reread;
mod russian;
mod sniff;

use serde::Serialize;

pub use image::{page_picture, PagePicture};
pub(crate) use ocr::on_path;
pub use ocr::Engines;
pub use requisites::{CandidateFact, Rules};
pub use sniff::{sniff, Format};

/// How a page's text was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// The document's own text (DOCX, or a PDF's text layer that passed the check).
    Text,
    /// Recognised from the page's image.
    Ocr,
    /// No text: a scan on a machine without OCR, or a page OCR could not read.
    None,
}

impl Method {
    pub fn code(self) -> &'static str {
        match self {
            Method::Text => "text",
            Method::Ocr => "ocr",
            Method::None => "none",
        }
    }
}

/// A recognised word's place on the page image, in pixels at the resolution OCR read it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ts_rs::TS)]
pub struct WordBox {
    /// Character offsets of the word in the page's (masked) text.
    pub start: usize,
    pub end: usize,
    /// Left, top, width, height.
    pub bbox: [u32; 4],
    /// The engine's confidence, 0–100.
    pub conf: f32,
}

/// One page of a read document. `text` is already masked where it names a citizen.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page {
    /// 1-based.
    pub page: u32,
    pub method: Method,
    /// 0–1: for a text layer, the share of its words that read as words; for OCR, the engine's
    /// mean word confidence; 0 for a page without text.
    pub quality: f32,
    /// Why the page's text is what it is ("text layer rejected: 41% of words mix alphabets").
    pub why: String,
    pub text: String,
    pub words: Vec<WordBox>,
}

/// What became of a document as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ReadState {
    /// Every page has text.
    Read,
    /// Some pages (or all) have none: a scan on a machine without OCR, or pages OCR could not read.
    Partly,
    /// The bytes are not a document ЭКН reads (random bytes named `.pdf`, a spreadsheet).
    NotADocument,
}

impl ReadState {
    pub fn code(self) -> &'static str {
        match self {
            ReadState::Read => "read",
            ReadState::Partly => "partly",
            ReadState::NotADocument => "not_a_document",
        }
    }
}

/// A read document: its pages and the requisites proposed from them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReadDocument {
    pub format: Format,
    pub state: ReadState,
    /// Why the state is what it is, in plain words (empty when read).
    pub why: String,
    pub pages: Vec<Page>,
    pub facts: Vec<CandidateFact>,
    /// The engines that read it, for the record ("text layer; tesseract 5.3.0 rus+kaz").
    pub engine: String,
    pub rules_version: String,
}

/// A step of long work, for a progress bar: `done` of `total` pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub done: u32,
    pub total: u32,
}

/// The person cancelled the reading: nothing is returned (and the api records nothing).
#[derive(Debug, thiserror::Error)]
#[error("cancelled after {done} of {total} pages")]
pub struct Cancelled {
    pub done: u32,
    pub total: u32,
}

/// The most pages read from one document (a bound before any work is planned).
pub const MAX_PAGES: u32 = 500;

/// Reads `bytes` page by page and proposes requisites. `progress` is told after each page and
/// returns `false` to cancel. A file that is not a document comes back as
/// [`ReadState::NotADocument`], never as an error or a panic.
pub fn read_document(
    bytes: &[u8],
    engines: &Engines,
    rules: &Rules,
    progress: &mut dyn FnMut(Progress) -> bool,
) -> Result<ReadDocument, Cancelled> {
    let format = sniff::sniff(bytes);
    let raw: Result<Vec<RawPage>, Stop> = match format {
        Format::Docx => docx::pages(bytes)
            .map(|pages| pages.into_iter().map(|text| RawPage::text(text, 1.0, reason::own_text())).collect())
            .map_err(Stop::from),
        Format::Pdf => pdf::pages(bytes, engines, progress),
        Format::Png | Format::Jpeg | Format::Tiff => {
            if !progress(Progress { done: 0, total: 1 }) {
                return Err(Cancelled { done: 0, total: 1 });
            }
            let page = image::ocr_image(bytes, format, engines);
            // A stop asked for while the page was being recognised is honoured too.
            if !progress(Progress { done: 1, total: 1 }) {
                return Err(Cancelled { done: 1, total: 1 });
            }
            page.map(|p| vec![p]).map_err(Stop::from)
        }
        Format::Unknown => Err(Stop::NotADocument("the bytes are not a DOCX, PDF, PNG, JPEG or TIFF file".into())),
    };
    let raw = match raw {
        Ok(pages) => pages,
        Err(Stop::Cancelled(cancelled)) => return Err(cancelled),
        Err(Stop::NotADocument(why)) => {
            return Ok(ReadDocument {
                format,
                state: ReadState::NotADocument,
                why,
                pages: Vec::new(),
                facts: Vec::new(),
                engine: String::new(),
                rules_version: rules.version.clone(),
            })
        }
    };
    let facts_raw = requisites::find(&raw.iter().map(|p| p.text.as_str()).collect::<Vec<_>>(), rules);
    let mut pages = Vec::with_capacity(raw.len());
    let mut facts = Vec::with_capacity(facts_raw.len());
    for (index, page) in raw.into_iter().enumerate() {
        let number = index as u32 + 1;
        let masked = mask::MaskedText::of(&page.text);
        for mut fact in facts_raw.iter().filter(|f| f.page == number).cloned() {
            fact.bbox = page.box_of(fact.span.0, fact.span.1);
            let word_confidence = page.conf_of(fact.span.0, fact.span.1);
            if let Some(conf) = word_confidence {
                // A fact read from uncertain words is less certain itself.
                fact.confidence *= (0.5 + conf / 200.0).min(1.0);
            }
            fact.score = fact.confidence;
            fact.word_confidence = word_confidence;
            fact.confidence = rules.calibration.confidence(
                page.method == Method::Ocr,
                &fact.kind,
                fact.rule_id(),
                word_confidence,
                fact.score,
            );
            fact.span = (masked.map(fact.span.0), masked.map(fact.span.1));
            fact.context = masked.context(fact.span.0, fact.span.1);
            // Names as printed (an addressee may be a citizen) leave masked like the text.
            if let serde_json::Value::String(printed) = &fact.value {
                if matches!(fact.kind.as_str(), "issuer" | "addressee") {
                    fact.value = serde_json::Value::String(crate::domain::privacy::mask_personal_data(printed).0);
                }
            }
            facts.push(fact);
        }
        let words = page
            .words
            .iter()
            .map(|w| WordBox { start: masked.map(w.start), end: masked.map(w.end), bbox: w.bbox, conf: w.conf })
            .collect();
        pages.push(Page {
            page: number,
            method: page.method,
            quality: page.quality,
            why: page.why,
            text: masked.text,
            words,
        });
    }
    let unread = pages.iter().filter(|p| p.method == Method::None).count();
    let (state, why) = match unread {
        0 => (ReadState::Read, String::new()),
        n => (
            ReadState::Partly,
            reason::pages_without_text(
                n,
                pages.len(),
                pages.iter().find(|p| p.method == Method::None).map(|p| p.why.as_str()).unwrap_or(""),
            ),
        ),
    };
    let mut engine = match format {
        Format::Docx => "docx".to_string(),
        Format::Pdf if engines.has_pdftotext() => "pdftotext (poppler)".to_string(),
        Format::Pdf => format!("pdf-extract {}", pdf::VERSION),
        _ => String::new(),
    };
    if pages.iter().any(|p| p.method == Method::Ocr) {
        if !engine.is_empty() {
            engine.push_str("; ");
        }
        engine.push_str(&engines.describe());
    }
    Ok(ReadDocument { format, state, why, pages, facts, engine, rules_version: rules.version.clone() })
}

/// The reason a file is not a document, in plain words.
pub(crate) struct NotADocument(pub String);

/// Why a reader stopped before it had pages: the file is not a document, or the person cancelled.
pub(crate) enum Stop {
    NotADocument(String),
    Cancelled(Cancelled),
}

impl From<NotADocument> for Stop {
    fn from(e: NotADocument) -> Stop {
        Stop::NotADocument(e.0)
    }
}

/// A page before masking: its raw text, and the OCR words with character offsets into it.
pub(crate) struct RawPage {
    pub text: String,
    pub method: Method,
    pub quality: f32,
    pub why: String,
    pub words: Vec<WordBox>,
}

impl RawPage {
    pub fn text(text: String, quality: f32, why: String) -> RawPage {
        RawPage { text, method: Method::Text, quality, why, words: Vec::new() }
    }

    pub fn none(why: String) -> RawPage {
        RawPage { text: String::new(), method: Method::None, quality: 0.0, why, words: Vec::new() }
    }

    /// The box around the OCR words a span of characters touches.
    fn box_of(&self, start: usize, end: usize) -> Option<[u32; 4]> {
        let touched: Vec<&WordBox> = self.words.iter().filter(|w| w.start < end && w.end > start).collect();
        let first = touched.first()?;
        let (mut left, mut top) = (first.bbox[0], first.bbox[1]);
        let (mut right, mut bottom) = (first.bbox[0] + first.bbox[2], first.bbox[1] + first.bbox[3]);
        for w in &touched[1..] {
            left = left.min(w.bbox[0]);
            top = top.min(w.bbox[1]);
            right = right.max(w.bbox[0] + w.bbox[2]);
            bottom = bottom.max(w.bbox[1] + w.bbox[3]);
        }
        Some([left, top, right - left, bottom - top])
    }

    /// The lowest OCR confidence among the words a span touches.
    fn conf_of(&self, start: usize, end: usize) -> Option<f32> {
        self.words.iter().filter(|w| w.start < end && w.end > start).map(|w| w.conf).reduce(f32::min)
    }
}

mod mask {
    //! Masking a page's text and carrying character offsets from the raw text into the masked one.

    use crate::domain::privacy::find_personal_data;

    pub struct MaskedText {
        pub text: String,
        /// (raw start, raw end, masked start, masked end) in characters, in order.
        spans: Vec<(usize, usize, usize, usize)>,
    }

    impl MaskedText {
        pub fn of(raw: &str) -> MaskedText {
            let found = find_personal_data(raw);
            let mut text = String::with_capacity(raw.len());
            let mut spans = Vec::with_capacity(found.len());
            let mut copied = 0;
            let (mut raw_chars, mut out_chars) = (0usize, 0usize);
            for span in &found {
                let before = &raw[copied..span.start];
                text.push_str(before);
                raw_chars += before.chars().count();
                out_chars += before.chars().count();
                let inside = raw[span.start..span.end].chars().count();
                let mark = span.kind.mask();
                text.push_str(mark);
                let mark_chars = mark.chars().count();
                spans.push((raw_chars, raw_chars + inside, out_chars, out_chars + mark_chars));
                raw_chars += inside;
                out_chars += mark_chars;
                copied = span.end;
            }
            text.push_str(&raw[copied..]);
            MaskedText { text, spans }
        }

        /// Where raw character offset `at` lands in the masked text (inside a mask: its start or end).
        pub fn map(&self, at: usize) -> usize {
            let mut shift: isize = 0;
            for &(raw_start, raw_end, out_start, out_end) in &self.spans {
                if at <= raw_start {
                    break;
                }
                if at < raw_end {
                    return out_start;
                }
                shift = out_end as isize - raw_end as isize;
            }
            (at as isize + shift).max(0) as usize
        }

        /// The masked words around a span, for a person to judge the fact by.
        pub fn context(&self, start: usize, end: usize) -> String {
            let chars: Vec<char> = self.text.chars().collect();
            let from = start.saturating_sub(40);
            let to = (end + 40).min(chars.len());
            chars[from.min(to)..to].iter().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ")
        }
    }
}
