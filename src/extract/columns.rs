//! Two columns Tesseract read as one: the lines of a page whose words fall into a left and a right
//! group with a wide gap between them are split there, and a run of such lines becomes two blocks,
//! the left column's lines and then the right's.
//!
//! Why: reading a page as one column of text (segmentation 4, the best for a letter's body)
//! Tesseract joins what stands side by side at the same height into one line. A bilingual
//! letterhead then reads «ӘКІМДІГІНІҢ АКИМАТА КЫЗЫЛОРДИНСКОЙ ДЕНСАУЛЫҚ САҚТАУ ОБЛАСТИ» — the
//! Kazakh and the Russian names interleaved line by line — and an addressee block set beside the
//! date and number is cut into pieces among them. A text layer (poppler) gives such columns one
//! after the other; this gives OCR's text the same shape, so the reader sees one letterhead, one
//! addressee, one date line.

use super::ocr::TsvWord;

/// A gap between two words wider than this many times the line's height parts two columns
/// (the widest space a justified line stretches to is about twice its height).
const GAP_IN_HEIGHTS: u32 = 3;
/// …and wider than this share of the page's width (a few letters apart is never a column).
const GAP_SHARE_OF_WIDTH: f32 = 0.05;

/// A line's words (indices into the page's words), and where its gap between columns lies.
struct Split {
    words: std::ops::Range<usize>,
    /// The index of the first word right of the gap.
    right_from: usize,
    gap: (u32, u32),
}

/// Splits the lines of `words` that hold two columns (see the module's comment). `page_width` in
/// pixels. How many lines were split.
pub(crate) fn split_columns(words: &mut Vec<TsvWord>, page_width: u32) -> usize {
    let mut splits: Vec<Option<Split>> = Vec::new();
    let lines = super::ocr::line_ranges(words);
    let min_gap = (page_width as f32 * GAP_SHARE_OF_WIDTH) as u32;
    for line in &lines {
        let slice = &words[line.clone()];
        let mut heights: Vec<u32> = slice.iter().map(|w| w.bbox[3]).collect();
        heights.sort_unstable();
        let height = heights[heights.len() / 2].max(1);
        // The widest gap between neighbours, in the order Tesseract gave (left to right).
        let widest = (1..slice.len())
            .map(|k| {
                let end_of_left = slice[k - 1].bbox[0].saturating_add(slice[k - 1].bbox[2]);
                (k, end_of_left, slice[k].bbox[0])
            })
            .filter(|(_, from, to)| to > from)
            .max_by_key(|(_, from, to)| to - from);
        splits.push(widest.and_then(|(k, from, to)| {
            let gap = to - from;
            (gap >= height * GAP_IN_HEIGHTS && gap >= min_gap).then_some(Split {
                words: line.clone(),
                right_from: line.start + k,
                gap: (from, to),
            })
        }));
    }
    let split_lines = splits.iter().filter(|s| s.is_some()).count();
    if split_lines == 0 {
        return 0;
    }

    // Runs of consecutive split lines whose gaps overlap (one gutter down the page) become two
    // blocks; a line standing wholly on one side of the gutter (an addressee's second line, with
    // nothing in the left cell beside it) carries the run on in its column. A line across the
    // gutter (a title, the body) ends it. New block numbers above any Tesseract gave keep the
    // blocks apart from the rest.
    let side_of = |line: &std::ops::Range<usize>, gutter: (u32, u32)| -> Option<usize> {
        let slice = &words[line.clone()];
        let middle = gutter.0 / 2 + gutter.1 / 2;
        let right_end = slice.iter().map(|w| w.bbox[0].saturating_add(w.bbox[2])).max()?;
        let left_end = slice.iter().map(|w| w.bbox[0]).min()?;
        if right_end <= middle {
            Some(0)
        } else if left_end >= middle {
            Some(1)
        } else {
            None
        }
    };
    let mut next_block = words.iter().map(|w| w.line.0).max().unwrap_or(0) + 1;
    let mut out: Vec<TsvWord> = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < lines.len() {
        let Some(first) = &splits[i] else {
            out.extend_from_slice(&words[lines[i].clone()]);
            i += 1;
            continue;
        };
        let mut gutter = first.gap;
        // Each line of the run: its words left of the gutter and right of it.
        let mut run: Vec<(std::ops::Range<usize>, std::ops::Range<usize>)> =
            vec![(first.words.start..first.right_from, first.right_from..first.words.end)];
        let mut next = i + 1;
        while next < lines.len() {
            match &splits[next] {
                Some(split) => {
                    let (from, to) = (gutter.0.max(split.gap.0), gutter.1.min(split.gap.1));
                    if from >= to {
                        break;
                    }
                    gutter = (from, to);
                    run.push((split.words.start..split.right_from, split.right_from..split.words.end));
                }
                // A line in the left column alone goes on with the run only when the table goes on
                // below it: the body's short lines start at the same margin.
                None => match side_of(&lines[next], gutter) {
                    Some(0) if splits.get(next + 1).is_some_and(Option::is_some) => {
                        run.push((lines[next].clone(), lines[next].end..lines[next].end))
                    }
                    Some(1) => run.push((lines[next].start..lines[next].start, lines[next].clone())),
                    _ => break,
                },
            }
            next += 1;
        }
        for (side, block) in [(0, next_block), (1, next_block + 1)] {
            let parts = run.iter().map(|(left, right)| if side == 0 { left.clone() } else { right.clone() });
            for (n, part) in parts.filter(|p| !p.is_empty()).enumerate() {
                out.extend(words[part].iter().map(|w| TsvWord { line: (block, 1, n as u32 + 1), ..w.clone() }));
            }
        }
        next_block += 2;
        i = next;
    }
    *words = out;
    split_lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(line: u32, left: u32, top: u32, text: &str) -> TsvWord {
        let width = 18 * text.chars().count() as u32;
        TsvWord { line: (1, 1, line), bbox: [left, top, width, 30], conf: 90.0, text: text.into() }
    }

    fn text(words: &[TsvWord]) -> String {
        super::super::ocr::page_of_words(words).text
    }

    /// A bilingual letterhead read as one column comes back as its Kazakh and its Russian halves,
    /// a line standing in the right column alone kept in it, and the body after them as it was.
    #[test]
    fn a_letterhead_in_two_columns_is_read_as_two_blocks() {
        let mut words = vec![
            word(1, 100, 100, "ҚЫЗЫЛОРДА"),
            word(1, 300, 100, "ОБЛЫСЫ"),
            word(1, 1300, 100, "УПРАВЛЕНИЕ"),
            word(1, 1520, 100, "ЗДРАВООХРАНЕНИЯ"),
            word(2, 100, 140, "ӘКІМДІГІНІҢ"),
            word(2, 1300, 140, "АКИМАТА"),
            word(2, 1450, 140, "КЫЗЫЛОРДИНСКОЙ"),
            word(3, 100, 180, "ДЕНСАУЛЫҚ"),
            word(3, 290, 180, "САҚТАУ"),
            word(3, 1300, 180, "ОБЛАСТИ"),
            word(4, 1300, 220, "БАСҚАРМАСЫ"),
            word(5, 100, 260, "Облыс"),
            word(5, 210, 260, "прокуратурасы"),
            word(5, 480, 260, "тексерді."),
        ];
        assert_eq!(split_columns(&mut words, 2000), 3);
        assert_eq!(
            text(&words),
            "ҚЫЗЫЛОРДА ОБЛЫСЫ\nӘКІМДІГІНІҢ\nДЕНСАУЛЫҚ САҚТАУ\n\n\
             УПРАВЛЕНИЕ ЗДРАВООХРАНЕНИЯ\nАКИМАТА КЫЗЫЛОРДИНСКОЙ\nОБЛАСТИ\nБАСҚАРМАСЫ\n\nОблыс прокуратурасы тексерді."
        );
    }

    /// Words a justified line spreads apart, and a line of one column, are left as they are.
    #[test]
    fn a_spread_line_is_not_two_columns() {
        let mut words =
            vec![word(1, 100, 100, "Прокуратурой"), word(1, 400, 100, "города"), word(1, 560, 100, "проведена")];
        let before = words.clone();
        assert_eq!(split_columns(&mut words, 2000), 0);
        assert_eq!(words, before);
        assert_eq!(split_columns(&mut Vec::new(), 2000), 0);
    }
}
