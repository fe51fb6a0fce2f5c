//! The text of a Word document (`word/document.xml`), paragraph by paragraph, split into pages
//! where the author put a page break (a DOCX has no pages of its own until it is laid out).
//! Table cells are separated by tabs so a row reads as a line. Sizes are bounded before reading:
//! a DOCX is a ZIP, and a small ZIP can hold a huge XML.

use std::io::{Cursor, Read};

use quick_xml::events::Event;
use quick_xml::Reader;

use super::NotADocument;

/// The largest `word/document.xml` read (an act of a hundred pages is a few MB).
const MAX_XML_BYTES: u64 = 64 << 20;

pub(crate) fn pages(bytes: &[u8]) -> Result<Vec<String>, NotADocument> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| NotADocument(format!("the file is not a readable ZIP/DOCX ({e})")))?;
    let mut file = archive
        .by_name("word/document.xml")
        .map_err(|_| NotADocument("the ZIP holds no word/document.xml, so it is not a Word document".into()))?;
    if file.size() > MAX_XML_BYTES {
        return Err(NotADocument(format!(
            "word/document.xml unpacks to {} bytes, more than the {} MiB read",
            file.size(),
            MAX_XML_BYTES >> 20
        )));
    }
    let mut xml = String::new();
    (&mut file)
        .take(MAX_XML_BYTES + 1)
        .read_to_string(&mut xml)
        .map_err(|e| NotADocument(format!("word/document.xml cannot be read as UTF-8 XML ({e})")))?;
    if xml.len() as u64 > MAX_XML_BYTES {
        return Err(NotADocument(format!("word/document.xml is more than {} MiB", MAX_XML_BYTES >> 20)));
    }
    text_of(&xml).map_err(|e| NotADocument(format!("word/document.xml is not well-formed XML ({e})")))
}

/// Pages of text from the body's XML.
fn text_of(xml: &str) -> Result<Vec<String>, quick_xml::Error> {
    let mut reader = Reader::from_str(xml);
    let mut pages = vec![String::new()];
    let mut in_text = false;
    let mut cells_in_row = 0usize;
    loop {
        let page = pages.last_mut().expect("there is always a page");
        match reader.read_event()? {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "t" => in_text = true,
                "tab" => page.push('\t'),
                "br" | "cr" => {
                    let is_page_break =
                        e.attributes().flatten().any(|a| a.key.local_name().as_ref() == "type" && &*a.value == "page");
                    if is_page_break {
                        pages.push(String::new());
                    } else {
                        page.push('\n');
                    }
                }
                "tr" => cells_in_row = 0,
                "tc" => {
                    if cells_in_row > 0 {
                        page.push('\t');
                    }
                    cells_in_row += 1;
                }
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                "t" => in_text = false,
                // A paragraph inside a cell ends the cell's line only at the row's end.
                "p" if cells_in_row == 0 => page.push('\n'),
                "p" => page.push(' '),
                "tr" => {
                    page.push('\n');
                    cells_in_row = 0;
                }
                _ => {}
            },
            Event::Text(t) if in_text => page.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if in_text => match r.resolve_char_ref() {
                Ok(Some(c)) => page.push(c),
                _ => page.push_str(quick_xml::escape::resolve_predefined_entity(&r).unwrap_or("")),
            },
            _ => {}
        }
    }
    // A trailing page break leaves an empty page that is not one.
    if pages.len() > 1 && pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    Ok(pages)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_tables_and_page_breaks() {
        let xml = r#"<w:document xmlns:w="w"><w:body>
            <w:p><w:r><w:t>ПРЕДСТАВЛЕНИЕ</w:t></w:r></w:p>
            <w:p><w:r><w:t xml:space="preserve">№ 12 от </w:t></w:r><w:r><w:t>14.03.2025</w:t></w:r></w:p>
            <w:tbl><w:tr><w:tc><w:p><w:r><w:t>БИН</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>123</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
            <w:p><w:r><w:br w:type="page"/><w:t>Страница 2 &amp; ещё</w:t></w:r></w:p>
        </w:body></w:document>"#;
        let pages = text_of(xml).unwrap();
        assert_eq!(pages.len(), 2);
        assert!(pages[0].contains("ПРЕДСТАВЛЕНИЕ\n№ 12 от 14.03.2025\n"), "{:?}", pages[0]);
        assert!(pages[0].contains("БИН \t123 \n"), "{:?}", pages[0]);
        assert_eq!(pages[1].trim(), "Страница 2 & ещё");
    }

    #[test]
    fn a_zip_that_is_not_word_is_not_a_document() {
        assert!(pages(b"PK\x03\x04 broken").is_err());
    }
}
