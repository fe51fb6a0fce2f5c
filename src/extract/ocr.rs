//! The OCR engine and the PDF page renderer, both Debian programs run through pipes: Tesseract
//! (`tesseract-ocr` with the `rus` and `kaz` models, together, since Russian alone loses the
//! Kazakh letters) reads a PGM from its standard input and writes TSV (words with boxes and
//! confidences) to its standard output; poppler's `pdftoppm` reads a PDF from its standard input
//! and writes a page as PGM. Nothing is written to a file. A machine without them still reads
//! DOCX and born-digital PDFs; scans are marked "text not recognised".
//!
//! Each process gets `OMP_THREAD_LIMIT=1` (Tesseract's own threads only fight the pages run in
//! parallel), a bounded output and a time limit.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::image::Grey;
use super::{Method, RawPage, WordBox};

/// The resolution pages are rendered and described at.
pub const DPI: u32 = 300;
/// The most a program may write back (a page's TSV is ~100 KB; a 300 dpi A4 PGM ~9 MB).
const MAX_OUTPUT: u64 = 64 << 20;
/// How long one page may take before its process is stopped.
const PAGE_TIME_LIMIT: Duration = Duration::from_secs(180);

/// The external programs found on this machine.
#[derive(Debug, Clone, Default)]
pub struct Engines {
    tesseract: Option<PathBuf>,
    version: String,
    languages: String,
    pdftoppm: Option<PathBuf>,
    pdftotext: Option<PathBuf>,
    missing: Vec<String>,
}

/// A program on the PATH, by name.
pub(crate) fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(name)).find(|p| p.is_file())
}

/// Runs `program` with `input` on its standard input; its standard output, bounded, or why not.
fn run(program: &Path, args: &[&str], input: &[u8]) -> Result<Vec<u8>, String> {
    let mut child = Command::new(program)
        .args(args)
        .env("OMP_THREAD_LIMIT", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{} cannot be started: {e}", program.display()))?;
    let mut stdin = child.stdin.take().expect("stdin was piped");
    let mut stdout = child.stdout.take().expect("stdout was piped");
    let mut stderr = child.stderr.take().expect("stderr was piped");
    std::thread::scope(|scope| {
        // Each pipe has a thread of its own: a program that answers before reading all its input
        // would otherwise block both sides on full pipes, and the time limit below must be free
        // to stop a program that hangs.
        scope.spawn(move || {
            let _ = stdin.write_all(input);
        });
        let errors = scope.spawn(move || {
            let mut text = String::new();
            let _ = (&mut stderr).take(64 << 10).read_to_string(&mut text);
            text
        });
        let output = scope.spawn(move || {
            let mut out = Vec::new();
            (&mut stdout).take(MAX_OUTPUT + 1).read_to_end(&mut out).map(|_| out)
        });
        let started = Instant::now();
        let mut output_closed: Option<Instant> = None;
        let status = loop {
            if output_closed.is_none() && output.is_finished() {
                output_closed = Some(Instant::now());
            }
            // A program still running seconds after its output closed (or was cut at the bound)
            // is not going to finish well.
            let lingering = output_closed.is_some_and(|t| t.elapsed() > Duration::from_secs(10));
            match child.try_wait() {
                Ok(Some(status)) => break Ok(status),
                Ok(None) if lingering || started.elapsed() > PAGE_TIME_LIMIT => {
                    let _ = child.kill();
                    let _ = child.wait();
                    break Err(format!("{} took longer than {:?}", program.display(), PAGE_TIME_LIMIT));
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(5)),
                Err(e) => break Err(e.to_string()),
            }
        };
        let out = output.join().map_err(|_| "the output reader stopped".to_string())?;
        let errors = errors.join().unwrap_or_default();
        let status = status?;
        let out = out.map_err(|e| e.to_string())?;
        if out.len() as u64 > MAX_OUTPUT {
            return Err(format!("{} wrote more than {} MiB", program.display(), MAX_OUTPUT >> 20));
        }
        if !status.success() {
            let first = errors.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            return Err(format!("{} failed ({status}): {first}", program.display()));
        }
        Ok(out)
    })
}

/// The version of what ЭКН does around Tesseract: a page's light evened, lines levelled, borders
/// removed and small letters enlarged (`image`, `cleanup`), segmentation chosen per page, doubtful
/// lines read again (`reread`), two columns split (`columns`), Kazakh letters put back and capitals read
/// inside a word lowered (`kazakh`), a Russian adjective's closing «й» read as «и» put back (`russian`).
pub const OCR_PIPELINE: &str = "ocr-2026.11.28d";

/// Below this mean word confidence a page is read again with other page segmentations.
const RETRY_BELOW: f32 = 0.80;

impl Engines {
    /// No external program: DOCX and text layers only (what a machine without Tesseract does).
    pub fn none() -> Engines {
        Engines { missing: vec!["OCR is switched off".into()], ..Engines::default() }
    }

    /// No OCR, but poppler's text reader if it is installed (a machine without Tesseract).
    pub fn text_only() -> Engines {
        Engines { pdftotext: on_path("pdftotext"), missing: vec!["OCR is switched off".into()], ..Engines::default() }
    }

    /// Finds Tesseract with the Russian and Kazakh models, and `pdftoppm`, on the `PATH`.
    /// `EKN_OCR=off` switches OCR off (a machine that must not run it).
    pub fn detect() -> Engines {
        if std::env::var("EKN_OCR").is_ok_and(|v| v == "off") {
            return Engines::text_only();
        }
        let mut engines =
            Engines { pdftoppm: on_path("pdftoppm"), pdftotext: on_path("pdftotext"), ..Engines::default() };
        if engines.pdftoppm.is_none() {
            engines.missing.push(super::reason::missing_pdftoppm());
        }
        let Some(tesseract) = on_path("tesseract") else {
            engines.missing.push(super::reason::missing_tesseract());
            return engines;
        };
        let listed = run(&tesseract, &["--list-langs"], b"").map(|o| String::from_utf8_lossy(&o).to_string());
        let Ok(listed) = listed else {
            engines.missing.push(super::reason::tesseract_does_not_run());
            return engines;
        };
        let has = |lang: &str| listed.lines().any(|l| l.trim() == lang);
        let languages: Vec<&str> = ["rus", "kaz"].into_iter().filter(|l| has(l)).collect();
        if languages.is_empty() {
            engines.missing.push(super::reason::no_language_model());
            return engines;
        }
        if languages.len() < 2 {
            engines.missing.push(super::reason::one_language_model(languages[0]));
        }
        engines.version = run(&tesseract, &["--version"], b"")
            .ok()
            .and_then(|o| String::from_utf8_lossy(&o).lines().next().map(|l| l.trim().to_string()))
            .unwrap_or_else(|| "tesseract".into());
        engines.languages = languages.join("+");
        engines.tesseract = Some(tesseract);
        engines
    }

    pub fn can_ocr(&self) -> bool {
        self.tesseract.is_some()
    }

    pub fn can_render_pdf(&self) -> bool {
        self.tesseract.is_some() && self.pdftoppm.is_some()
    }

    /// Why a scan is not read here, in plain words.
    pub fn why_not(&self) -> String {
        super::reason::not_recognised(&self.missing)
    }

    /// "tesseract 5.3.0 rus+kaz; ocr-2026.11.8, kazakh-words-2026.11.8" — for the record of what
    /// read a page: the engine, and what ЭКН does around it (a document read by an older pipeline
    /// is read again by `ekn docs extract`).
    pub fn describe(&self) -> String {
        match &self.tesseract {
            Some(_) => format!("{} {}; {OCR_PIPELINE}, {}", self.version, self.languages, super::kazakh::version()),
            None => "no OCR".into(),
        }
    }

    /// Whether poppler's text reader is here (see `pdf`: it keeps a word whole when its letters
    /// come from two fonts, which pdf-extract does not).
    pub(crate) fn has_pdftotext(&self) -> bool {
        self.pdftotext.is_some()
    }

    /// The text layer of every page of a PDF by poppler's `pdftotext`, pages split at form feeds:
    /// in poppler's reading order (columns apart), or with `raw` in the order the page was written
    /// (see `pdf::joined_layers` for why both).
    pub(crate) fn pdftotext(&self, pdf: &[u8], raw: bool) -> Result<Vec<String>, String> {
        let program = self.pdftotext.as_ref().ok_or_else(|| "pdftotext is not installed".to_string())?;
        let args: &[&str] = if raw { &["-enc", "UTF-8", "-raw", "-", "-"] } else { &["-enc", "UTF-8", "-", "-"] };
        let out = run(program, args, pdf)?;
        let text = String::from_utf8_lossy(&out);
        let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
        // pdftotext ends the last page with a form feed too.
        if pages.last().is_some_and(|p| p.trim().is_empty()) {
            pages.pop();
        }
        Ok(pages)
    }

    /// Renders page `page` (1-based) of a PDF as grey at [`DPI`].
    pub(crate) fn render(&self, pdf: &[u8], page: u32) -> Result<Grey, String> {
        let program = self.pdftoppm.as_ref().ok_or_else(|| self.why_not())?;
        let (dpi, page) = (DPI.to_string(), page.to_string());
        let out = run(program, &["-r", &dpi, "-gray", "-f", &page, "-l", &page, "-"], pdf)?;
        super::image::from_pgm(&out).ok_or_else(|| "pdftoppm wrote no page image".to_string())
    }

    /// Recognises one page image; a failure is a page without text, with the reason.
    pub(crate) fn recognise(&self, image: &Grey) -> RawPage {
        let Some(program) = &self.tesseract else {
            return RawPage::none(self.why_not());
        };
        let dpi = DPI.to_string();
        let read = |image: &Grey, psm: &str| -> Result<Vec<TsvWord>, String> {
            let args = ["-", "-", "-l", &self.languages, "--psm", psm, "--dpi", &dpi, "tsv"];
            run(program, &args, &image.to_pgm()).map(|out| words_of_tsv(&String::from_utf8_lossy(&out)))
        };
        let mean = |words: &[TsvWord]| words.iter().map(|w| w.conf).sum::<f32>() / words.len().max(1) as f32 / 100.0;
        // psm 4: one column of text of varying sizes, which official letters are; psm 3 splits
        // a letterhead's two columns well but reads the body's requisites worse. A page psm 4
        // reads with little confidence (a photo, a letterhead in two columns, a stamp over the
        // text) is read again as a uniform block (psm 6) and with the page's layout found (psm 3),
        // and the reading Tesseract is surest of kept, if it lost no more than a fifth of the words.
        let first = match read(image, "4") {
            Ok(words) => words,
            Err(why) => return RawPage::none(format!("OCR failed: {why}")),
        };
        let mut best = (first, "4");
        if mean(&best.0) < RETRY_BELOW && !best.0.is_empty() {
            for psm in ["6", "3"] {
                let Ok(other) = read(image, psm) else { continue };
                if mean(&other) > mean(&best.0) + 0.02 && other.len() * 5 >= best.0.len() * 4 {
                    best = (other, psm);
                }
            }
        }
        let (mut words, psm) = best;
        let reread = super::reread::reread_doubtful_lines(image, &mut words, &read);
        // Columns first: a line is then Kazakh or Russian as a whole when letters are put back.
        let split = super::columns::split_columns(&mut words, image.width as u32);
        let restored = super::kazakh::restore_letters(&mut words);
        let short_i = super::russian::restore_short_i_in(&mut words);
        let mut page = page_of_words(&words);
        if page.method != Method::Ocr {
            return page;
        }
        if psm != "4" {
            page.why = super::reason::ocr_segmented(f64::from(page.quality) * 100.0, psm);
        }
        if reread > 0 {
            page.why = format!("{}; {}", page.why, super::reason::lines_read_again(reread));
        }
        if split > 0 {
            page.why = format!("{}; {}", page.why, super::reason::lines_in_two_columns(split));
        }
        if restored > 0 {
            page.why = format!("{}; {}", page.why, super::reason::kazakh_letters_restored(restored));
        }
        if short_i > 0 {
            page.why = format!("{}; {}", page.why, super::reason::short_i_restored(short_i));
        }
        page
    }
}

/// One recognised word as Tesseract's TSV gives it: its line (block, paragraph, line), its box
/// (left, top, width, height), its confidence (0–100) and its letters.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TsvWord {
    pub line: (u32, u32, u32),
    pub bbox: [u32; 4],
    pub conf: f32,
    pub text: String,
}

/// The runs of `words` that share a line (block, paragraph, line), in order: where each line's
/// words are in the list.
pub(crate) fn line_ranges(words: &[TsvWord]) -> Vec<std::ops::Range<usize>> {
    let mut lines: Vec<std::ops::Range<usize>> = Vec::new();
    for (i, w) in words.iter().enumerate() {
        match lines.last_mut() {
            Some(line) if words[line.start].line == w.line => line.end = i + 1,
            _ => lines.push(i..i + 1),
        }
    }
    lines
}

/// The words of Tesseract's TSV, in reading order, each with its Latin lookalikes put back into
/// Cyrillic (`cyrillic_lookalikes`).
pub(crate) fn words_of_tsv(tsv: &str) -> Vec<TsvWord> {
    let mut words = Vec::new();
    for row in tsv.lines().skip(1) {
        let f: Vec<&str> = row.split('\t').collect();
        if f.len() < 12 || f[0] != "5" {
            continue;
        }
        let text = cyrillic_lookalikes(f[11].trim());
        if text.is_empty() {
            continue;
        }
        let num = |i: usize| f[i].parse::<u32>().unwrap_or(0);
        let conf = f[10].parse::<f32>().unwrap_or(0.0).clamp(0.0, 100.0);
        words.push(TsvWord { line: (num(2), num(3), num(4)), bbox: [num(6), num(7), num(8), num(9)], conf, text });
    }
    words
}

/// A page's text and word boxes from its recognised words: words of a line joined by spaces,
/// lines by newlines, blocks and paragraphs by an empty line.
pub(crate) fn page_of_words(recognised: &[TsvWord]) -> RawPage {
    let mut text = String::new();
    let mut chars = 0usize;
    let mut words = Vec::new();
    let mut last_line: Option<(u32, u32, u32)> = None;
    for word in recognised {
        let line = word.line;
        match last_line {
            Some(prev) if prev == line => {
                text.push(' ');
                chars += 1;
            }
            Some(prev) => {
                let sep = if (prev.0, prev.1) == (line.0, line.1) { "\n" } else { "\n\n" };
                text.push_str(sep);
                chars += sep.len();
            }
            None => {}
        }
        last_line = Some(line);
        let start = chars;
        text.push_str(&word.text);
        chars += word.text.chars().count();
        words.push(WordBox { start, end: chars, bbox: word.bbox, conf: word.conf });
    }
    if words.is_empty() {
        return RawPage::none(super::reason::ocr_found_nothing());
    }
    let quality = words.iter().map(|w| w.conf).sum::<f32>() / words.len() as f32 / 100.0;
    RawPage {
        text,
        method: Method::Ocr,
        quality,
        why: super::reason::ocr_confidence(f64::from(quality) * 100.0),
        words,
    }
}

/// A word as Tesseract's Kazakh model sometimes spells it, put back into Cyrillic: «Ə» (Latin
/// schwa, Azerbaijani) for «Ә» always, and in a word mostly of Cyrillic letters, the Latin letters
/// drawn alike («МЕМЛЕКЕТТIК» with a Latin I, «Kостанай»). One letter for one, so the word's length
/// and every offset stay as they were. Words of Latin letters («Nur Build KZ») are left alone.
pub(crate) fn cyrillic_lookalikes(word: &str) -> String {
    const PAIRS: [(char, char); 22] = [
        ('A', 'А'),
        ('a', 'а'),
        ('B', 'В'),
        ('C', 'С'),
        ('c', 'с'),
        ('E', 'Е'),
        ('e', 'е'),
        ('H', 'Н'),
        ('I', 'І'),
        ('i', 'і'),
        ('K', 'К'),
        ('M', 'М'),
        ('O', 'О'),
        ('o', 'о'),
        ('P', 'Р'),
        ('p', 'р'),
        ('T', 'Т'),
        ('X', 'Х'),
        ('x', 'х'),
        ('y', 'у'),
        ('Ə', 'Ә'),
        ('ə', 'ә'),
    ];
    let is_cyrillic = |c: char| ('\u{0400}'..='\u{04FF}').contains(&c);
    let cyrillic = word.chars().filter(|&c| is_cyrillic(c)).count();
    let latin = word.chars().filter(|c| c.is_ascii_alphabetic()).count();
    let mostly_cyrillic = cyrillic > latin;
    // «ДЕПАРТАМЕНТ!»: a word in capitals ending in «!» is a Kazakh «І» read as the mark (nobody
    // exclaims in a letterhead).
    let capitals = cyrillic >= 4 && word.chars().filter(|c| c.is_alphabetic()).all(|c| c.is_uppercase());
    let last = word.chars().count().saturating_sub(1);
    word.chars()
        .enumerate()
        .map(|(i, c)| match PAIRS.iter().find(|(from, _)| *from == c) {
            Some((from, to)) if mostly_cyrillic || matches!(from, 'Ə' | 'ə') => *to,
            _ if c == '!' && i == last && capitals => 'І',
            _ => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_lookalikes_in_cyrillic_words_are_put_back_and_latin_words_left() {
        assert_eq!(cyrillic_lookalikes("ƏКІМДІГІНІҢ"), "ӘКІМДІГІНІҢ");
        assert_eq!(cyrillic_lookalikes("МЕМЛЕКЕТТIК"), "МЕМЛЕКЕТТІК");
        assert_eq!(cyrillic_lookalikes("Kостанай"), "Костанай");
        assert_eq!(cyrillic_lookalikes("Nur"), "Nur");
        assert_eq!(cyrillic_lookalikes("KZ80LAA"), "KZ80LAA");
        assert_eq!(cyrillic_lookalikes("2-05-25/4410"), "2-05-25/4410");
        assert_eq!(cyrillic_lookalikes("ДЕПАРТАМЕНТ!"), "ДЕПАРТАМЕНТІ");
        assert_eq!(cyrillic_lookalikes("Внимание!"), "Внимание!");
        for word in ["ƏКІМДІГІНІҢ", "Kостанай", "Nur"] {
            assert_eq!(cyrillic_lookalikes(word).chars().count(), word.chars().count(), "one letter for one");
        }
    }

    #[test]
    fn tsv_becomes_lines_with_word_offsets() {
        let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
                   5\t1\t1\t1\t1\t1\t10\t20\t30\t40\t96.5\tПРОТЕСТ\n\
                   5\t1\t1\t1\t1\t2\t50\t20\t30\t40\t90\t№12\n\
                   5\t1\t1\t1\t2\t1\t10\t70\t30\t40\t80\tқаңтар\n\
                   5\t1\t2\t1\t1\t1\t10\t170\t30\t40\t70\tБИН\n";
        let page = page_of_words(&words_of_tsv(tsv));
        assert_eq!(page.text, "ПРОТЕСТ №12\nқаңтар\n\nБИН");
        assert_eq!(page.method, Method::Ocr);
        assert_eq!((page.words[2].start, page.words[2].end), (12, 18));
        assert!((page.quality - 0.84125).abs() < 1e-4);
        assert_eq!(page_of_words(&words_of_tsv("header\n")).method, Method::None);
    }
}
