//! Cleaning a page image before OCR, past evening the light and levelling the lines (`image`):
//! dark borders removed and the letters brought to the size Tesseract reads best.
//!
//! Why: a phone photo of a letter is rarely the page alone. The table's edge or the shadow of the
//! hand lies along a side, and Tesseract reads such a band as a column of junk or lets it pull a
//! line's threshold down. And a photo at 200 dpi, or a page photographed from afar, has letters a
//! third smaller than a 300 dpi scan: Tesseract's models were trained on letters whose lower-case
//! body is about 20–30 pixels high, and below that they mistake «3» for «8» and «б» for «6» —
//! the digits of a number and the words of a period are where a small letter costs most.
//!
//! Both work on the page's ink as connected components (runs of dark pixels joined with the runs
//! they touch on the row above), found once.

use super::image::Grey;

/// Ink: darker than this after the light has been evened.
const INK: u8 = 150;
/// The height of a letter's lower-case body, in pixels, that the page is scaled to reach when its
/// letters are smaller: about what 12-point type measures at 300 dpi (Tesseract's sweet spot).
const TARGET_LETTER_HEIGHT: f32 = 24.0;
/// Letters only this much smaller than the target are left as they are (a resize blurs a little).
const SCALE_AT_LEAST: f32 = 1.2;
/// A page is never enlarged more than this (memory: a 200 dpi A4 photo at 2× is 15 megapixels).
const SCALE_AT_MOST: f32 = 2.0;
/// The most pixels a page is enlarged to.
const MAX_SCALED_PIXELS: f32 = 40_000_000.0;
/// The most runs of ink a page is labelled with (about 100 MB): a page of noise (a hostile or a
/// broken image, every other pixel dark) is left uncleaned rather than allowed to exhaust memory.
const MAX_RUNS: usize = 3_000_000;

/// One connected piece of ink: its box (right and bottom exclusive) and how many pixels it has.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Component {
    pub left: usize,
    pub top: usize,
    pub right: usize,
    pub bottom: usize,
    pub pixels: usize,
}

impl Component {
    fn width(&self) -> usize {
        self.right - self.left
    }
    fn height(&self) -> usize {
        self.bottom - self.top
    }
}

/// A horizontal run of ink on one row, and the component it belongs to.
struct Run {
    row: usize,
    from: usize,
    to: usize,
    label: usize,
}

/// The ink of a page as components, with each run's component (for whitening a component).
pub(crate) struct Ink {
    runs: Vec<Run>,
    parents: Vec<usize>,
    pub components: Vec<Component>,
    /// The component each root label became, by label.
    index: Vec<usize>,
}

fn find(parents: &mut [usize], mut x: usize) -> usize {
    while parents[x] != x {
        parents[x] = parents[parents[x]];
        x = parents[x];
    }
    x
}

impl Ink {
    /// Finds the components of pixels darker than `INK`, eight-connected.
    pub fn of(image: &Grey) -> Ink {
        let (w, h) = (image.width, image.height);
        let mut runs: Vec<Run> = Vec::new();
        let mut parents: Vec<usize> = Vec::new();
        let mut previous_row = 0..0;
        for y in 0..h {
            let row = &image.pixels[y * w..(y + 1) * w];
            let first_of_row = runs.len();
            // Runs of a row are in order, so the runs above that can touch the next run start
            // at or after those that touched this one.
            let mut above_from = previous_row.start;
            let mut x = 0;
            while x < w {
                if row[x] >= INK {
                    x += 1;
                    continue;
                }
                let from = x;
                while x < w && row[x] < INK {
                    x += 1;
                }
                let label = parents.len();
                parents.push(label);
                // Join every run above that touches this one, corners included.
                while above_from < previous_row.end && runs[above_from].to < from {
                    above_from += 1;
                }
                let mut above = above_from;
                while above < previous_row.end && runs[above].from <= x {
                    let (a, b) = (find(&mut parents, runs[above].label), find(&mut parents, label));
                    if a != b {
                        parents[a.max(b)] = a.min(b);
                    }
                    above += 1;
                }
                runs.push(Run { row: y, from, to: x, label });
                if runs.len() > MAX_RUNS {
                    return Ink { runs: Vec::new(), parents: Vec::new(), components: Vec::new(), index: Vec::new() };
                }
            }
            previous_row = first_of_row..runs.len();
        }
        let mut index = vec![usize::MAX; parents.len()];
        let mut components: Vec<Component> = Vec::new();
        for run in &runs {
            let root = find(&mut parents, run.label);
            if index[root] == usize::MAX {
                index[root] = components.len();
                components.push(Component {
                    left: run.from,
                    top: run.row,
                    right: run.to,
                    bottom: run.row + 1,
                    pixels: 0,
                });
            }
            let c = &mut components[index[root]];
            c.left = c.left.min(run.from);
            c.right = c.right.max(run.to);
            c.bottom = c.bottom.max(run.row + 1);
            c.pixels += run.to - run.from;
        }
        Ink { runs, parents, components, index }
    }

    /// The median height of the pieces of ink shaped like letters — a lower-case letter's body
    /// and a capital's height mixed, mostly the former — or `None` on a page with too few.
    pub fn letter_height(&self, image: &Grey) -> Option<f32> {
        let tallest = (image.height / 20).max(8);
        let mut heights: Vec<usize> = self
            .components
            .iter()
            .filter(|c| {
                let (cw, ch) = (c.width(), c.height());
                // Specks of JPEG noise, rules and underlines, and blocks (a stamp, a photo) are no letters.
                ch >= 5 && ch <= tallest && cw <= ch * 3 && cw * 6 >= ch && c.pixels * 10 >= cw * ch
            })
            .map(Component::height)
            .collect();
        if heights.len() < 50 {
            return None;
        }
        let middle = heights.len() / 2;
        let (_, median, _) = heights.select_nth_unstable(middle);
        Some(*median as f32)
    }

    /// Whitens the ink that touches the image's edge and is larger than a letter: the table under
    /// a photographed page, a scanner's dark border, a hole punch's shadow. How many were removed.
    pub fn whiten_borders(&mut self, image: &mut Grey, letter: f32) -> usize {
        let (w, h) = (image.width, image.height);
        let large = (letter * 2.5) as usize;
        let border: Vec<bool> = self
            .components
            .iter()
            .map(|c| {
                let touches = c.left == 0 || c.top == 0 || c.right == w || c.bottom == h;
                touches && (c.width() > large || c.height() > large)
            })
            .collect();
        let removed = border.iter().filter(|&&b| b).count();
        if removed == 0 {
            return 0;
        }
        for i in 0..self.runs.len() {
            let root = find(&mut self.parents, self.runs[i].label);
            let run = &self.runs[i];
            if border[self.index[root]] {
                image.pixels[run.row * w + run.from..run.row * w + run.to].fill(255);
            }
        }
        removed
    }
}

impl Grey {
    /// A larger copy, `factor` ≥ 1, each pixel interpolated between its four nearest (bilinear).
    pub fn enlarged(&self, factor: f32) -> Grey {
        let (w, h) = (((self.width as f32) * factor) as usize, ((self.height as f32) * factor) as usize);
        let mut pixels = vec![255u8; w * h];
        let (max_x, max_y) = ((self.width - 1) as f32, (self.height - 1) as f32);
        for y in 0..h {
            let sy = ((y as f32 + 0.5) / factor - 0.5).clamp(0.0, max_y);
            let (y0, fy) = (sy as usize, sy.fract());
            let y1 = (y0 + 1).min(self.height - 1);
            for x in 0..w {
                let sx = ((x as f32 + 0.5) / factor - 0.5).clamp(0.0, max_x);
                let (x0, fx) = (sx as usize, sx.fract());
                let x1 = (x0 + 1).min(self.width - 1);
                let at = |xx: usize, yy: usize| f32::from(self.pixels[yy * self.width + xx]);
                let top = at(x0, y0) * (1.0 - fx) + at(x1, y0) * fx;
                let bottom = at(x0, y1) * (1.0 - fx) + at(x1, y1) * fx;
                pixels[y * w + x] = (top * (1.0 - fy) + bottom * fy).round() as u8;
            }
        }
        Grey { width: w, height: h, pixels }
    }
}

/// What cleaning did to a page, for its record ("why").
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct Cleaned {
    /// Pieces of ink along the edges whitened.
    pub borders_removed: usize,
    /// The factor the page was enlarged by (1: left as it was).
    pub scale: f32,
    /// The letters' measured height before, in pixels (0: too little text to measure).
    pub letter_height: f32,
}

impl Cleaned {
    /// Adds what was done to a recognised page's reason (nothing, when nothing was done).
    pub fn note_on(&self, page: &mut super::RawPage) {
        if page.method == super::Method::Ocr && (self.borders_removed > 0 || self.scale > 1.0) {
            page.why = format!("{}; {}", page.why, super::reason::page_cleaned(self.borders_removed, self.scale));
        }
    }
}

/// Removes dark borders and enlarges a page whose letters are small (see the module's comment).
/// Run after the light is evened and the lines levelled.
pub(crate) fn clean(image: &mut Grey) -> Cleaned {
    let mut ink = Ink::of(image);
    let Some(letter) = ink.letter_height(image) else {
        return Cleaned { scale: 1.0, ..Cleaned::default() };
    };
    let borders_removed = ink.whiten_borders(image, letter);
    drop(ink);
    let pixels = (image.width * image.height) as f32;
    let wanted = (TARGET_LETTER_HEIGHT / letter).min(SCALE_AT_MOST).min((MAX_SCALED_PIXELS / pixels).sqrt());
    let scale = if wanted >= SCALE_AT_LEAST { wanted } else { 1.0 };
    if scale > 1.0 {
        *image = image.enlarged(scale);
    }
    Cleaned { borders_removed, scale, letter_height: letter }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page of "letters" (small filled boxes with a hole) `size` pixels high, in lines.
    fn page_of_letters(size: usize) -> Grey {
        let (w, h) = (size * 60, size * 80);
        let mut g = Grey { width: w, height: h, pixels: vec![255; w * h] };
        for line in 0..20 {
            let top = size * 3 + line * size * 3;
            for letter in 0..40 {
                let left = size * 4 + letter * size * 5 / 4;
                for y in top..top + size {
                    for x in left..left + size * 3 / 4 {
                        let hole =
                            y > top + size / 3 && y < top + size * 2 / 3 && x > left + size / 4 && x < left + size / 2;
                        if !hole {
                            g.pixels[y * w + x] = 20;
                        }
                    }
                }
            }
        }
        g
    }

    #[test]
    fn letters_are_measured_and_small_ones_enlarged() {
        let g = page_of_letters(16);
        let ink = Ink::of(&g);
        assert_eq!(ink.components.len(), 800);
        assert_eq!(ink.letter_height(&g), Some(16.0));
        let mut small = page_of_letters(14);
        let cleaned = clean(&mut small);
        assert!((cleaned.scale - 24.0 / 14.0).abs() < 0.01, "{cleaned:?}");
        assert_eq!(small.width, (14.0 * 60.0 * cleaned.scale) as usize);
        let again = Ink::of(&small).letter_height(&small).unwrap();
        assert!((again - 24.0).abs() <= 1.5, "enlarged letters measure {again}");
        // Letters already the size Tesseract reads best are left alone.
        let mut large = page_of_letters(24);
        assert_eq!(clean(&mut large).scale, 1.0);
        assert_eq!(large.width, 24 * 60);
    }

    #[test]
    fn a_dark_band_along_an_edge_is_whitened_and_letters_are_kept() {
        // Letters of the size OCR wants, so the page is not enlarged and its ink can be counted.
        let mut g = page_of_letters(24);
        let w = g.width;
        // The table under a photographed page: a dark band down the left side.
        for y in 0..g.height {
            g.pixels[y * w..y * w + 30].fill(40);
        }
        let ink_before = g.pixels.iter().filter(|&&p| p < INK).count();
        let cleaned = clean(&mut g);
        assert_eq!((cleaned.borders_removed, cleaned.scale), (1, 1.0));
        assert!(g.pixels.iter().step_by(w).all(|&p| p == 255), "the band is gone");
        let letters_left = Ink::of(&g).components.len();
        assert_eq!(letters_left, 800, "no letter was touched");
        assert!(ink_before > g.pixels.iter().filter(|&&p| p < INK).count());
    }

    /// A page of noise (every other pixel dark) is not labelled past the bound, and not cleaned.
    #[test]
    fn a_page_of_noise_is_left_uncleaned_within_bounded_memory() {
        let (w, h) = (4000, 1600);
        let pixels = (0..w * h).map(|i| if (i % w + i / w) % 2 == 0 { 0 } else { 255 }).collect();
        let mut noise = Grey { width: w, height: h, pixels };
        let ink = Ink::of(&noise);
        assert!(ink.components.is_empty() && ink.runs.is_empty());
        assert_eq!(clean(&mut noise).scale, 1.0);
        assert_eq!(noise.width, w);
    }

    #[test]
    fn a_blank_or_tiny_page_is_left_alone() {
        let mut blank = Grey { width: 200, height: 300, pixels: vec![255; 60_000] };
        assert_eq!(clean(&mut blank), Cleaned { borders_removed: 0, scale: 1.0, letter_height: 0.0 });
        let one = Grey { width: 1, height: 1, pixels: vec![0] };
        assert_eq!(Ink::of(&one).components.len(), 1);
    }
}
