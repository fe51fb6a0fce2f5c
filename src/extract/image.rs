//! Page images for OCR: decoding a scan or photo (PNG, JPEG, TIFF) or a rendered PDF page (PGM)
//! to 8-bit grey in memory, flattening uneven light, and handing it to the OCR engine as PGM
//! through a pipe. Sizes are checked from the headers before a pixel is allocated.
//!
//! Why flatten: a phone photo or a copy under a lamp is bright in one corner and grey in another,
//! and Tesseract's global threshold then turns the grey half black. Dividing each pixel by an
//! estimate of the paper's own brightness around it (the brightest pixels of a coarse grid,
//! spread and smoothed) makes the paper white everywhere and keeps the ink dark.

use std::io::Cursor;

use super::{Format, NotADocument, RawPage};
use crate::extract::ocr::Engines;

/// The largest image read: 120 megapixels (an A4 page at 600 dpi is 35).
const MAX_PIXELS: u64 = 120_000_000;
/// The largest photo decoded in colour (three bytes a pixel) to lift a seal off the print: 40
/// megapixels, more than any phone's; a larger image is read in grey.
const MAX_COLOUR_PIXELS: u64 = 40_000_000;

/// An 8-bit grey image.
pub(crate) struct Grey {
    pub width: usize,
    pub height: usize,
    pub pixels: Vec<u8>,
}

fn too_large(width: u64, height: u64) -> Option<NotADocument> {
    (width == 0 || height == 0 || width * height > MAX_PIXELS).then(|| {
        NotADocument(format!("the image is {width}×{height} pixels; ЭКН reads images up to {MAX_PIXELS} pixels"))
    })
}

fn luma(r: u8, g: u8, b: u8) -> u8 {
    ((r as u32 * 299 + g as u32 * 587 + b as u32 * 114) / 1000) as u8
}

/// How much bluer than its red and green a pixel must be before it counts as a stamp's ink.
const STAMP_BLUE_MARGIN: i32 = 10;
/// How far each unit of that excess lightens the pixel.
const STAMP_LIGHTEN: i32 = 5;

/// A colour pixel's grey as OCR should see it: the letters' black kept, the blue or violet of a
/// seal and a signature's ink lightened towards the paper.
///
/// Why: Kazakhstan's seals and most signatures are blue or violet ink laid over the last lines of
/// a letter (the period to answer in, the signatory's post). In plain luma that ink is nearly as
/// dark as the print, and Tesseract loses the words under it. Black print has no more blue than
/// red or green; the seal's ink does — even after a phone's JPEG has muted it — so the excess
/// says how much of a pixel is seal. Where print lies under the seal the pixel stays dark, as the
/// excess there is small.
fn ink_grey(r: u8, g: u8, b: u8) -> u8 {
    let base = i32::from(luma(r, g, b));
    let excess = i32::from(b) - i32::from(r.max(g)) - STAMP_BLUE_MARGIN;
    if excess <= 0 {
        return base as u8;
    }
    (base + excess * STAMP_LIGHTEN).min(255) as u8
}

/// Decodes a PNG, JPEG or TIFF to grey.
pub(crate) fn decode(bytes: &[u8], format: Format) -> Result<Grey, NotADocument> {
    let bad = |e: String| NotADocument(format!("the {} image cannot be decoded ({e})", format.code()));
    match format {
        Format::Png => {
            let mut decoder = png::Decoder::new(Cursor::new(bytes));
            decoder.set_transformations(png::Transformations::normalize_to_color8());
            let mut reader = decoder.read_info().map_err(|e| bad(e.to_string()))?;
            let info = reader.info();
            if let Some(e) = too_large(info.width as u64, info.height as u64) {
                return Err(e);
            }
            let size = reader.output_buffer_size().ok_or_else(|| bad("no size".into()))?;
            let mut buf = vec![0; size];
            let out = reader.next_frame(&mut buf).map_err(|e| bad(e.to_string()))?;
            let (w, h) = (out.width as usize, out.height as usize);
            let channels = out.color_type.samples();
            let stride = out.line_size;
            let mut pixels = Vec::with_capacity(w * h);
            for row in 0..h {
                let line = &buf[row * stride..row * stride + w * channels];
                for px in line.chunks_exact(channels) {
                    pixels.push(if channels >= 3 { ink_grey(px[0], px[1], px[2]) } else { px[0] });
                }
            }
            Ok(Grey { width: w, height: h, pixels })
        }
        Format::Jpeg => {
            use zune_core::bytestream::ZCursor;
            use zune_core::colorspace::ColorSpace;
            use zune_core::options::DecoderOptions;
            let decoder_for = |colours: ColorSpace| {
                let options = DecoderOptions::default()
                    .jpeg_set_out_colorspace(colours)
                    .set_max_width(20_000)
                    .set_max_height(20_000);
                zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(bytes), options)
            };
            let mut decoder = decoder_for(ColorSpace::Luma);
            decoder.decode_headers().map_err(|e| bad(format!("{e:?}")))?;
            let info = decoder.info().ok_or_else(|| bad("no header".into()))?;
            if let Some(e) = too_large(info.width as u64, info.height as u64) {
                return Err(e);
            }
            let (w, h) = (info.width as usize, info.height as usize);
            // A colour photo is decoded in colour so a seal's blue can be told from the print
            // (`ink_grey`); three bytes a pixel only up to MAX_COLOUR_PIXELS, grey past it.
            let in_colour = info.components >= 3 && (w * h) as u64 <= MAX_COLOUR_PIXELS;
            let pixels = if in_colour {
                let rgb = decoder_for(ColorSpace::RGB).decode().map_err(|e| bad(format!("{e:?}")))?;
                if rgb.len() != w * h * 3 {
                    return Err(bad("unexpected pixel layout".into()));
                }
                rgb.chunks_exact(3).map(|c| ink_grey(c[0], c[1], c[2])).collect()
            } else {
                decoder.decode().map_err(|e| bad(format!("{e:?}")))?
            };
            if pixels.len() != w * h {
                return Err(bad("unexpected pixel layout".into()));
            }
            Ok(Grey { width: w, height: h, pixels })
        }
        Format::Tiff => {
            use tiff::decoder::{Decoder, DecodingResult};
            use tiff::ColorType;
            let mut decoder = Decoder::new(Cursor::new(bytes)).map_err(|e| bad(e.to_string()))?;
            let (w, h) = decoder.dimensions().map_err(|e| bad(e.to_string()))?;
            if let Some(e) = too_large(w as u64, h as u64) {
                return Err(e);
            }
            let colour = decoder.colortype().map_err(|e| bad(e.to_string()))?;
            let image = decoder.read_image().map_err(|e| bad(e.to_string()))?;
            let (w, h) = (w as usize, h as usize);
            let pixels: Vec<u8> = match (colour, image) {
                (ColorType::Gray(8), DecodingResult::U8(p)) => p,
                (ColorType::Gray(16), DecodingResult::U16(p)) => p.into_iter().map(|v| (v >> 8) as u8).collect(),
                (ColorType::RGB(8), DecodingResult::U8(p)) => {
                    p.chunks_exact(3).map(|c| ink_grey(c[0], c[1], c[2])).collect()
                }
                (ColorType::RGBA(8), DecodingResult::U8(p)) => {
                    p.chunks_exact(4).map(|c| ink_grey(c[0], c[1], c[2])).collect()
                }
                (ColorType::Gray(1), DecodingResult::U8(p)) => {
                    let stride = w.div_ceil(8);
                    let mut out = Vec::with_capacity(w * h);
                    for row in 0..h {
                        for col in 0..w {
                            let byte = p.get(row * stride + col / 8).copied().unwrap_or(0);
                            out.push(if byte & (0x80 >> (col % 8)) != 0 { 255 } else { 0 });
                        }
                    }
                    out
                }
                (other, _) => return Err(bad(format!("{other:?} TIFFs are not read; save the scan as PNG or JPEG"))),
            };
            if pixels.len() != w * h {
                return Err(bad("unexpected pixel layout".into()));
            }
            Ok(Grey { width: w, height: h, pixels })
        }
        _ => Err(bad("not an image".into())),
    }
}

/// Reads a binary PGM (P5, 8-bit), as poppler's `pdftoppm -gray` writes it.
pub(crate) fn from_pgm(bytes: &[u8]) -> Option<Grey> {
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 && at < bytes.len() {
        while at < bytes.len() && bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        if bytes.get(at) == Some(&b'#') {
            while at < bytes.len() && bytes[at] != b'\n' {
                at += 1;
            }
            continue;
        }
        let start = at;
        while at < bytes.len() && !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(std::str::from_utf8(&bytes[start..at]).ok()?.to_string());
    }
    if fields.len() < 4 || fields[0] != "P5" || fields[3] != "255" {
        return None;
    }
    let (width, height): (usize, usize) = (fields[1].parse().ok()?, fields[2].parse().ok()?);
    let pixels = bytes.get(at + 1..at + 1 + width.checked_mul(height)?)?.to_vec();
    Some(Grey { width, height, pixels })
}

impl Grey {
    /// The image as binary PGM, the simplest format Tesseract (Leptonica) reads from a pipe.
    pub fn to_pgm(&self) -> Vec<u8> {
        let mut out = format!("P5\n{} {}\n255\n", self.width, self.height).into_bytes();
        out.extend_from_slice(&self.pixels);
        out
    }

    /// The angle, in degrees, by which the text lines lean (positive: falling to the right), from
    /// −6° to 6°: the angle whose sheared rows of ink make the sharpest horizontal profile (text lines
    /// and the gaps between them). Measured on a quarter-size copy, so it costs little beside OCR.
    pub fn skew_degrees(&self) -> f32 {
        const STEP: usize = 4;
        let (w, h) = (self.width / STEP, self.height / STEP);
        if w < 50 || h < 50 {
            return 0.0;
        }
        let mut ink = Vec::new();
        for y in 0..h {
            for x in 0..w {
                if self.pixels[(y * STEP) * self.width + x * STEP] < 128 {
                    ink.push((x as f32, y as f32));
                }
            }
        }
        if ink.len() < 200 {
            return 0.0;
        }
        let profile_sharpness = |degrees: f32| -> f64 {
            let slope = degrees.to_radians().tan();
            let mut rows = vec![0u32; h + w];
            for &(x, y) in &ink {
                let row = y - x * slope + w as f32 * 0.2;
                if row >= 0.0 && (row as usize) < rows.len() {
                    rows[row as usize] += 1;
                }
            }
            rows.iter().map(|&n| f64::from(n) * f64::from(n)).sum()
        };
        let mut best = (0.0f32, profile_sharpness(0.0));
        let mut degrees = -6.0f32;
        while degrees <= 6.0 {
            let sharpness = profile_sharpness(degrees);
            if sharpness > best.1 * 1.000_001 {
                best = (degrees, sharpness);
            }
            degrees += 0.25;
        }
        best.0
    }

    /// Turns the page so that lines leaning by `degrees` come out level (bilinear, about its centre;
    /// what comes in from outside the page is paper).
    pub fn rotate(&mut self, degrees: f32) {
        let (w, h) = (self.width, self.height);
        let (sin, cos) = degrees.to_radians().sin_cos();
        let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
        let mut out = vec![255u8; w * h];
        for y in 0..h {
            let dy = y as f32 - cy;
            for x in 0..w {
                let dx = x as f32 - cx;
                // Where this pixel of the turned page comes from in the original.
                let sx = cos * dx - sin * dy + cx;
                let sy = sin * dx + cos * dy + cy;
                if sx < 0.0 || sy < 0.0 || sx >= (w - 1) as f32 || sy >= (h - 1) as f32 {
                    continue;
                }
                let (x0, y0) = (sx as usize, sy as usize);
                let (fx, fy) = (sx - x0 as f32, sy - y0 as f32);
                let at = |xx: usize, yy: usize| f32::from(self.pixels[yy * w + xx]);
                let top = at(x0, y0) * (1.0 - fx) + at(x0 + 1, y0) * fx;
                let bottom = at(x0, y0 + 1) * (1.0 - fx) + at(x0 + 1, y0 + 1) * fx;
                out[y * w + x] = (top * (1.0 - fy) + bottom * fy) as u8;
            }
        }
        self.pixels = out;
    }

    /// Levels the text lines of a scan or photo taken askew (Tesseract's line finding falls apart
    /// past a degree or two): measures the lean and turns the page back when it is more than a
    /// half a degree (less, and the turn's blur costs more than the lean).
    pub fn deskew(&mut self) {
        let lean = self.skew_degrees();
        if lean.abs() >= 0.5 {
            self.rotate(lean);
        }
    }

    /// A page image made ready for OCR: the light evened, the lines levelled, then dark borders
    /// removed and small letters enlarged (`cleanup`). The one place this is done, so the picture
    /// the viewer shows (`page_picture`) is the image the word boxes were measured on. What the
    /// cleaning did, for the page's record.
    pub(crate) fn prepare_for_ocr(&mut self) -> super::cleanup::Cleaned {
        self.flatten_background();
        self.deskew();
        super::cleanup::clean(self)
    }

    /// A smaller copy (`factor` ≤ 1), each pixel the mean of the pixels it covers.
    pub fn scaled(&self, factor: f32) -> Grey {
        if factor >= 1.0 {
            return Grey { width: self.width, height: self.height, pixels: self.pixels.clone() };
        }
        let (w, h) = (((self.width as f32 * factor) as usize).max(1), ((self.height as f32 * factor) as usize).max(1));
        let mut pixels = vec![255u8; w * h];
        for y in 0..h {
            let (y0, y1) = (y * self.height / h, ((y + 1) * self.height / h).max(y * self.height / h + 1));
            for x in 0..w {
                let (x0, x1) = (x * self.width / w, ((x + 1) * self.width / w).max(x * self.width / w + 1));
                let mut sum = 0u32;
                for yy in y0..y1.min(self.height) {
                    for xx in x0..x1.min(self.width) {
                        sum += u32::from(self.pixels[yy * self.width + xx]);
                    }
                }
                let count = ((y1.min(self.height) - y0) * (x1.min(self.width) - x0)).max(1) as u32;
                pixels[y * w + x] = (sum / count) as u8;
            }
        }
        Grey { width: w, height: h, pixels }
    }

    /// Divides out the paper's uneven brightness (see the module's comment).
    pub fn flatten_background(&mut self) {
        const CELL: usize = 32;
        let (w, h) = (self.width, self.height);
        if w < CELL * 2 || h < CELL * 2 {
            return;
        }
        let (gw, gh) = (w.div_ceil(CELL), h.div_ceil(CELL));
        // The paper in each cell: a high percentile, so a few specks of noise do not count.
        let mut grid = vec![0f32; gw * gh];
        let mut histogram = [0u32; 256];
        for gy in 0..gh {
            for gx in 0..gw {
                histogram.fill(0);
                let mut count = 0u32;
                for y in gy * CELL..((gy + 1) * CELL).min(h) {
                    for &p in &self.pixels[y * w + gx * CELL..y * w + ((gx + 1) * CELL).min(w)] {
                        histogram[p as usize] += 1;
                        count += 1;
                    }
                }
                let mut seen = 0u32;
                let mut level = 255usize;
                for (value, n) in histogram.iter().enumerate().rev() {
                    seen += n;
                    if seen * 10 >= count {
                        level = value;
                        break;
                    }
                }
                grid[gy * gw + gx] = level as f32;
            }
        }
        // A cell all ink (a heading, a stamp) reads far darker than the paper around it: it takes
        // the median of its neighbours instead. Then a light 3×3 smoothing, so the estimate has no
        // edges of its own but still follows a shadow's slope.
        let neighbours = |grid: &[f32], i: usize, reach: isize| -> Vec<f32> {
            let (gx, gy) = ((i % gw) as isize, (i / gw) as isize);
            let mut out = Vec::with_capacity(25);
            for dy in -reach..=reach {
                for dx in -reach..=reach {
                    let (x, y) = (gx + dx, gy + dy);
                    if (dx, dy) != (0, 0) && x >= 0 && y >= 0 && (x as usize) < gw && (y as usize) < gh {
                        out.push(grid[y as usize * gw + x as usize]);
                    }
                }
            }
            out
        };
        let filled: Vec<f32> = (0..gw * gh)
            .map(|i| {
                let mut around = neighbours(&grid, i, 1);
                around.sort_by(|a, b| a.total_cmp(b));
                let median = around.get(around.len() / 2).copied().unwrap_or(grid[i]);
                if grid[i] < 0.75 * median {
                    median
                } else {
                    grid[i]
                }
            })
            .collect();
        let smooth: Vec<f32> = (0..gw * gh)
            .map(|i| {
                let around = neighbours(&filled, i, 1);
                let sum: f32 = around.iter().sum::<f32>() + filled[i];
                (sum / (around.len() + 1) as f32).max(16.0)
            })
            .collect();
        // Bilinear between cell centres.
        for y in 0..h {
            let fy = ((y as f32 + 0.5) / CELL as f32 - 0.5).clamp(0.0, (gh - 1) as f32);
            let (y0, ty) = (fy.floor() as usize, fy.fract());
            let y1 = (y0 + 1).min(gh - 1);
            for x in 0..w {
                let fx = ((x as f32 + 0.5) / CELL as f32 - 0.5).clamp(0.0, (gw - 1) as f32);
                let (x0, tx) = (fx.floor() as usize, fx.fract());
                let x1 = (x0 + 1).min(gw - 1);
                let top = smooth[y0 * gw + x0] * (1.0 - tx) + smooth[y0 * gw + x1] * tx;
                let bottom = smooth[y1 * gw + x0] * (1.0 - tx) + smooth[y1 * gw + x1] * tx;
                let paper = top * (1.0 - ty) + bottom * ty;
                let p = &mut self.pixels[y * w + x];
                *p = ((*p as f32) * 255.0 / paper).min(255.0) as u8;
            }
        }
    }
}

/// A page as OCR saw it, small enough to show: the same levelled, flattened image the word boxes
/// were measured on, scaled to at most `max_width` pixels across and encoded as PNG.
pub struct PagePicture {
    pub png: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// Pixels of this picture per pixel of the image OCR read (the word boxes' space).
    pub scale: f32,
}

/// The picture of page `page` (1-based) of a scan, a photo or a PDF, prepared exactly as OCR
/// prepared it, so the boxes stored with its facts fall on their words. `None` for a DOCX, a page
/// that does not exist, or a PDF without `pdftoppm`.
pub fn page_picture(bytes: &[u8], page: u32, engines: &Engines, max_width: u32) -> Option<PagePicture> {
    let format = super::sniff::sniff(bytes);
    let mut grey = match format {
        Format::Png | Format::Jpeg | Format::Tiff if page == 1 => decode(bytes, format).ok()?,
        Format::Pdf if (1..=super::MAX_PAGES).contains(&page) => engines.render(bytes, page).ok()?,
        _ => return None,
    };
    let _ = grey.prepare_for_ocr();
    let scale = (max_width as f32 / grey.width as f32).min(1.0);
    let small = grey.scaled(scale);
    let mut png = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut png, small.width as u32, small.height as u32);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().ok()?;
        writer.write_image_data(&small.pixels).ok()?;
    }
    Some(PagePicture { png, width: small.width as u32, height: small.height as u32, scale })
}

/// OCR of a scan or photo attached as an image.
pub(crate) fn ocr_image(bytes: &[u8], format: Format, engines: &Engines) -> Result<RawPage, NotADocument> {
    let mut grey = decode(bytes, format)?;
    if !engines.can_ocr() {
        return Ok(RawPage::none(engines.why_not()));
    }
    let cleaned = grey.prepare_for_ocr();
    let mut page = engines.recognise(&grey);
    cleaned.note_on(&mut page);
    Ok(page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seals_blue_is_lifted_and_print_under_it_stays_dark() {
        // Colours read off a phone photo of a page: the paper, the print, a seal's blue ink as the
        // JPEG left it, a violet seal, and the print where the seal lies over it.
        let (paper, print) = (ink_grey(150, 150, 152), ink_grey(60, 60, 60));
        let (blue_seal, violet_seal) = (ink_grey(80, 80, 112), ink_grey(110, 60, 165));
        let print_under_seal = ink_grey(52, 52, 62);
        assert_eq!(print, luma(60, 60, 60), "grey print is left as it was");
        assert!(blue_seal >= paper - 10, "a blue seal reads as near paper: {blue_seal} against {paper}");
        assert!(violet_seal >= paper, "a violet seal too: {violet_seal}");
        assert!(print_under_seal < 80, "print under the seal stays dark: {print_under_seal}");
    }

    #[test]
    fn a_shadow_is_divided_out_and_ink_stays_dark() {
        // Paper going from 250 on the left to 110 on the right, with dark strokes at 40% of it.
        let (w, h) = (1024, 256);
        let mut pixels = Vec::new();
        for y in 0..h {
            for x in 0..w {
                let paper = 250.0 - 140.0 * x as f32 / w as f32;
                let ink = (x % 16 < 2) && (y % 16 < 10);
                pixels.push(if ink { paper * 0.4 } else { paper } as u8);
            }
        }
        let mut g = Grey { width: w, height: h, pixels };
        g.flatten_background();
        let paper_right = g.pixels[20 * w + 1000];
        let ink_right = g.pixels[2 * w + 992];
        assert!(paper_right > 235, "paper on the dark side became {paper_right}");
        assert!(ink_right < 130, "ink on the dark side became {ink_right}");
    }

    /// Lines of ink drawn at a lean are measured at that lean, and turning the page back levels them.
    #[test]
    fn a_page_taken_askew_is_measured_and_levelled() {
        let (w, h) = (1200usize, 1600usize);
        let lines = |lean: f32| {
            let mut g = Grey { width: w, height: h, pixels: vec![255; w * h] };
            let slope = lean.to_radians().tan();
            for line in 0..30 {
                let base = 150.0 + line as f32 * 40.0;
                for x in 100..1100 {
                    // Words: ink with gaps, three pixels thick.
                    if (x / 37) % 5 == 4 {
                        continue;
                    }
                    for t in 0..3 {
                        let y = (base + x as f32 * slope) as usize + t;
                        if y < h {
                            g.pixels[y * w + x] = 0;
                        }
                    }
                }
            }
            g
        };
        for lean in [-4.0f32, -2.5, 0.0, 3.0, 5.0] {
            let mut g = lines(lean);
            let measured = g.skew_degrees();
            assert!((measured - lean).abs() <= 0.3, "drawn at {lean}°, measured {measured}°");
            g.deskew();
            assert!(g.skew_degrees().abs() <= 0.3, "levelled from {lean}°");
        }
    }

    #[test]
    fn pgm_round_trips() {
        let g = Grey { width: 3, height: 2, pixels: vec![1, 2, 3, 4, 5, 6] };
        let back = from_pgm(&g.to_pgm()).unwrap();
        assert_eq!((back.width, back.height, back.pixels), (3, 2, vec![1, 2, 3, 4, 5, 6]));
        assert!(from_pgm(b"P5\n3 2\n255\n\x01").is_none());
    }
}
