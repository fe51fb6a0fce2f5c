//! Reading again the lines OCR was least sure of, each on its own.
//!
//! Why: on a page Tesseract reads as a whole, a line that runs into a stamp, a signature or the
//! next column is cut into pieces by the page's layout analysis, and its words come back with low
//! confidence — often the very line that holds a number or a date. Cut out and read as lines of
//! their own, with nothing around them, most such lines read better. All of a page's doubtful
//! lines are laid one under another on one strip and read by one Tesseract run (a run per line
//! would cost a second each), and a line's new words replace the old only when Tesseract is
//! clearly surer of them.

use super::image::Grey;
use super::ocr::TsvWord;

/// A line whose words Tesseract is on average less sure of than this (0–100) is read again.
const DOUBTFUL_BELOW: f32 = 70.0;
/// The new reading replaces the old when its mean confidence is this much higher.
const BETTER_BY: f32 = 5.0;
/// At most this many lines of a page are read again (a page of junk is not worth a long strip).
const AT_MOST: usize = 40;
/// The largest strip, in pixels (20 MB of grey): lines Tesseract boxed absurdly large on a huge
/// image are not read again rather than allocated for.
const STRIP_PIXELS_AT_MOST: u64 = 20_000_000;

/// One line of a page: where its words are in the page's list, its box and its mean confidence.
struct Line {
    words: std::ops::Range<usize>,
    left: u32,
    top: u32,
    right: u32,
    bottom: u32,
    mean: f32,
}

fn lines_of(words: &[TsvWord]) -> Vec<Line> {
    super::ocr::line_ranges(words)
        .into_iter()
        .map(|range| {
            let slice = &words[range.clone()];
            Line {
                left: slice.iter().map(|w| w.bbox[0]).min().unwrap_or(0),
                top: slice.iter().map(|w| w.bbox[1]).min().unwrap_or(0),
                right: slice.iter().map(|w| w.bbox[0].saturating_add(w.bbox[2])).max().unwrap_or(0),
                bottom: slice.iter().map(|w| w.bbox[1].saturating_add(w.bbox[3])).max().unwrap_or(0),
                mean: slice.iter().map(|w| w.conf).sum::<f32>() / slice.len() as f32,
                words: range,
            }
        })
        .collect()
}

/// Where one doubtful line was put on the strip.
struct Placed {
    line: usize,
    /// The strip's rows this line occupies.
    top: u32,
    bottom: u32,
    /// Page coordinates of the strip's pixel (0, `top`).
    page_left: u32,
    page_top: u32,
}

/// Tesseract on an image with a page segmentation mode: the words it found, or why not.
pub(crate) type ReadWords<'a> = dyn Fn(&Grey, &str) -> Result<Vec<TsvWord>, String> + 'a;

/// Reads the page's doubtful lines again (see the module's comment) with `read` (an image and a
/// page segmentation mode to Tesseract's words) and puts the better readings in `words`. How
/// many lines it replaced.
pub(crate) fn reread_doubtful_lines(image: &Grey, words: &mut Vec<TsvWord>, read: &ReadWords) -> usize {
    let lines = lines_of(words);
    let mut doubtful: Vec<usize> =
        (0..lines.len()).filter(|&i| lines[i].mean < DOUBTFUL_BELOW && lines[i].bottom > lines[i].top + 6).collect();
    if doubtful.is_empty() {
        return 0;
    }
    doubtful.sort_by(|&a, &b| lines[a].mean.total_cmp(&lines[b].mean));
    doubtful.truncate(AT_MOST);
    doubtful.sort_unstable();

    // The strip: each line with a margin of a third of its height above and below and half its
    // height at the sides, one under another with a line's height of paper between.
    let (w, h) = (image.width as u32, image.height as u32);
    let mut placed = Vec::new();
    let mut strip_height = 0u32;
    let mut strip_width = 0u32;
    for &i in &doubtful {
        let line = &lines[i];
        let height = line.bottom - line.top;
        let (pad_x, pad_y) = (height / 2, height / 3);
        let (left, top) = (line.left.saturating_sub(pad_x), line.top.saturating_sub(pad_y));
        let (right, bottom) = ((line.right + pad_x).min(w), (line.bottom + pad_y).min(h));
        if right <= left || bottom <= top {
            continue;
        }
        strip_height += height;
        placed.push(Placed {
            line: i,
            top: strip_height,
            bottom: strip_height + (bottom - top),
            page_left: left,
            page_top: top,
        });
        strip_height += bottom - top;
        strip_width = strip_width.max(right - left + 2 * height);
    }
    strip_height += placed.last().map_or(0, |p| p.bottom - p.top);
    let strip_pixels = u64::from(strip_width) * u64::from(strip_height);
    if placed.is_empty() || strip_pixels > (w as u64) * (h as u64) * 2 || strip_pixels > STRIP_PIXELS_AT_MOST {
        return 0;
    }
    let mut strip = Grey {
        width: strip_width as usize,
        height: strip_height as usize,
        pixels: vec![255; strip_width as usize * strip_height as usize],
    };
    let margin = |p: &Placed| lines[p.line].bottom - lines[p.line].top;
    for p in &placed {
        let line = &lines[p.line];
        let right = (line.right + (line.bottom - line.top) / 2).min(w);
        let width = (right - p.page_left) as usize;
        let at_x = margin(p) as usize;
        for row in 0..(p.bottom - p.top) as usize {
            let from = (p.page_top as usize + row) * image.width + p.page_left as usize;
            let to = (p.top as usize + row) * strip.width + at_x;
            strip.pixels[to..to + width].copy_from_slice(&image.pixels[from..from + width]);
        }
    }
    let Ok(found) = read(&strip, "6") else {
        return 0;
    };

    // Each word found goes to the line whose place on the strip holds its middle.
    let mut by_line: Vec<Vec<TsvWord>> = vec![Vec::new(); placed.len()];
    for word in found {
        let middle = word.bbox[1].saturating_add(word.bbox[3] / 2);
        if let Some(k) = placed.iter().position(|p| middle >= p.top && middle < p.bottom) {
            let p = &placed[k];
            // A tall word may begin above its line's place on the strip: saturating, not negative.
            let left = word.bbox[0].saturating_add(p.page_left).saturating_sub(margin(p));
            let top = word.bbox[1].saturating_add(p.page_top).saturating_sub(p.top);
            by_line[k].push(TsvWord { bbox: [left, top, word.bbox[2], word.bbox[3]], ..word });
        }
    }
    let mut replacements: Vec<(usize, Vec<TsvWord>)> = Vec::new();
    // Tesseract's own reading order is kept: a slot it read as two lines stays two in order.
    for (k, mut new) in by_line.into_iter().enumerate() {
        let line = &lines[placed[k].line];
        if new.is_empty() {
            continue;
        }
        let mean = new.iter().map(|w| w.conf).sum::<f32>() / new.len() as f32;
        // Fewer than half the words back: the line was cut, not read better.
        if mean < line.mean + BETTER_BY || new.len() * 2 < line.words.len() {
            continue;
        }
        let key = words[line.words.start].line;
        for word in &mut new {
            word.line = key;
        }
        replacements.push((placed[k].line, new));
    }
    if replacements.is_empty() {
        return 0;
    }
    let replaced = replacements.len();
    let mut out = Vec::with_capacity(words.len());
    let mut next = replacements.into_iter().peekable();
    for (i, line) in lines.iter().enumerate() {
        match next.peek() {
            Some((at, _)) if *at == i => out.extend(next.next().expect("peeked").1),
            _ => out.extend_from_slice(&words[line.words.clone()]),
        }
    }
    *words = out;
    replaced
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(line: u32, left: u32, top: u32, conf: f32, text: &str) -> TsvWord {
        TsvWord { line: (1, 1, line), bbox: [left, top, 40, 20], conf, text: text.into() }
    }

    /// A doubtful line is cut out onto the strip, read again, and its better reading put in its
    /// place with boxes back in the page's coordinates; a sure line is never touched.
    #[test]
    fn a_doubtful_line_is_replaced_by_a_surer_reading_in_page_coordinates() {
        let image = Grey { width: 400, height: 200, pixels: vec![255; 80_000] };
        let mut words = vec![
            word(1, 100, 30, 95.0, "ПРОТЕСТ"),
            word(2, 100, 80, 40.0, "№2-17-2б/8О6"),
            word(2, 150, 80, 50.0, "от"),
            word(3, 100, 130, 93.0, "Прокурор"),
        ];
        let seen = std::cell::RefCell::new(None);
        let read = |strip: &Grey, psm: &str| {
            *seen.borrow_mut() = Some((strip.width, strip.height, psm.to_string()));
            // The line sits at the strip's row 20 (a line's height of paper above it) and column 20.
            Ok(vec![
                TsvWord { line: (1, 1, 1), bbox: [20 + 10, 20 + 6, 40, 20], conf: 92.0, text: "№".into() },
                TsvWord { line: (1, 1, 1), bbox: [20 + 55, 20 + 6, 60, 20], conf: 90.0, text: "2-17-25/806".into() },
                // Taller than its slot, beginning above it.
                TsvWord { line: (1, 1, 1), bbox: [20 + 120, 20 - 4, 30, 30], conf: 91.0, text: "от".into() },
            ])
        };
        assert_eq!(reread_doubtful_lines(&image, &mut words, &read), 1);
        let (width, height, psm) = seen.borrow().clone().unwrap();
        assert_eq!(psm, "6");
        // The crop is 110 × 32 (the line's 90 × 20 with its margins), with a line's height of paper
        // at its sides, above and below.
        assert_eq!((width, height), (110 + 2 * 20, 20 + 32 + 32));
        let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, ["ПРОТЕСТ", "№", "2-17-25/806", "от", "Прокурор"]);
        // The strip's crop began 10 px left and 6 px above the line (half and a third of its height).
        assert_eq!(words[1].bbox[..2], [100 - 10 + 10, 80 - 6 + 6]);
        assert_eq!(words[2].line, (1, 1, 2));
        assert_eq!(words[3].bbox[..2], [100 - 10 + 120, 80 - 6 - 4]);
    }

    /// Boxes Tesseract reports absurdly large on a huge page make no strip past the bound: nothing
    /// is allocated for it and nothing read.
    #[test]
    fn a_strip_past_its_bound_is_not_made() {
        let image = Grey { width: 8000, height: 4000, pixels: vec![255; 32_000_000] };
        // A strip of 9,250 × 6,500 pixels: within twice the page, past the 20-megapixel bound.
        let mut words = vec![TsvWord { line: (1, 1, 1), bbox: [500, 500, 5000, 1500], conf: 20.0, text: "x".into() }];
        let original = words.clone();
        let never = |_: &Grey, _: &str| -> Result<Vec<TsvWord>, String> { panic!("no strip is read") };
        assert_eq!(reread_doubtful_lines(&image, &mut words, &never), 0);
        assert_eq!(words, original);
    }

    #[test]
    fn a_reading_no_surer_or_with_words_lost_is_not_taken() {
        let image = Grey { width: 400, height: 200, pixels: vec![255; 80_000] };
        let original = vec![word(1, 100, 30, 60.0, "a"), word(1, 150, 30, 60.0, "b"), word(1, 200, 30, 60.0, "c")];
        let mut words = original.clone();
        let no_surer = |_: &Grey, _: &str| {
            Ok(vec![TsvWord { line: (1, 1, 1), bbox: [20, 30, 40, 20], conf: 62.0, text: "x".into() }])
        };
        assert_eq!(reread_doubtful_lines(&image, &mut words, &no_surer), 0);
        assert_eq!(words, original);
        let words_lost = |_: &Grey, _: &str| {
            Ok(vec![TsvWord { line: (1, 1, 1), bbox: [20, 30, 40, 20], conf: 95.0, text: "abc".into() }])
        };
        assert_eq!(reread_doubtful_lines(&image, &mut words, &words_lost), 0);
        assert_eq!(words, original);
        let failed = |_: &Grey, _: &str| Err("tesseract failed".to_string());
        assert_eq!(reread_doubtful_lines(&image, &mut words, &failed), 0);
        assert_eq!(words, original);
    }
}
