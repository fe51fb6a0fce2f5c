//! Telling what kind of file a document is by its first bytes, never by its name: a scan named
//! `.pdf` that is a JPEG is read as a JPEG, and random bytes named `.pdf` are not a document.

use serde::Serialize;

/// The kinds of file ЭКН reads text from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Docx,
    Pdf,
    Png,
    Jpeg,
    Tiff,
    Unknown,
}

impl Format {
    pub fn code(self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Pdf => "pdf",
            Format::Png => "png",
            Format::Jpeg => "jpeg",
            Format::Tiff => "tiff",
            Format::Unknown => "unknown",
        }
    }
}

/// The format of `bytes` by its signature. A ZIP counts as DOCX only when it holds
/// `word/document.xml` (checked by the DOCX reader; here the signature is enough to try).
pub fn sniff(bytes: &[u8]) -> Format {
    // PDF lets a little junk precede the header (some scanners write a byte-order mark).
    let head = &bytes[..bytes.len().min(1024)];
    if head.windows(5).any(|w| w == b"%PDF-") {
        Format::Pdf
    } else if bytes.starts_with(b"PK\x03\x04") {
        Format::Docx
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Format::Png
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Format::Jpeg
    } else if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        Format::Tiff
    } else {
        Format::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_by_their_bytes() {
        assert_eq!(sniff(b"%PDF-1.7\n"), Format::Pdf);
        assert_eq!(sniff(b"\xef\xbb\xbf%PDF-1.4"), Format::Pdf);
        assert_eq!(sniff(b"PK\x03\x04rest"), Format::Docx);
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nxx"), Format::Png);
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Format::Jpeg);
        assert_eq!(sniff(b"II*\0...."), Format::Tiff);
        assert_eq!(sniff(b"random bytes"), Format::Unknown);
        assert_eq!(sniff(b""), Format::Unknown);
    }
}
