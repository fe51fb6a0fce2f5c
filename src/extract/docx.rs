//! The text of a Word document (`word/document.xml`), paragraph by paragraph, split into pages
//! where the author put a page break (a DOCX has no pages of its own until it is laid out).
//! A table row of one-line cells reads as a line, cells separated by tabs; a row of cells that run
//! over several lines (a letterhead in two languages) reads cell by cell. Sizes are bounded before reading:
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
///
/// A table row whose cells are one line each reads as one line, its cells separated by tabs
/// («БИН\t123»). A row where a cell runs over several lines — a bilingual letterhead, Kazakh on the
/// left and Russian on the right, each name on three lines — is read cell after cell, each its own
/// block between empty lines, so a name is never interleaved line by line with its translation.
fn text_of(xml: &str) -> Result<Vec<String>, quick_xml::Error> {
    let mut reader = Reader::from_str(xml);
    let mut pages = vec![String::new()];
    let mut in_text = false;
    // The row being read, a cell at a time; `None` outside tables.
    let mut row: Option<Vec<String>> = None;
    let mut depth = 0usize;
    loop {
        let event = reader.read_event()?;
        // Where text goes: the current cell of the row, or the page.
        macro_rules! sink {
            () => {
                match row.as_mut().and_then(|cells| cells.last_mut()) {
                    Some(cell) => cell,
                    None => pages.last_mut().expect("there is always a page"),
                }
            };
        }
        match event {
            Event::Eof => {
                // A row the XML never closed still gives its text.
                if let Some(cells) = row.take() {
                    write_row(pages.last_mut().expect("there is always a page"), &cells);
                }
                break;
            }
            // An empty row (`<w:tr/>`) opens nothing: only a row with an end is counted.
            Event::Empty(e) if e.local_name().as_ref() == "tr" => {}
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "t" => in_text = true,
                "tab" => sink!().push('\t'),
                "br" | "cr" => {
                    let is_page_break =
                        e.attributes().flatten().any(|a| a.key.local_name().as_ref() == "type" && &*a.value == "page");
                    if is_page_break && row.is_none() {
                        pages.push(String::new());
                    } else {
                        sink!().push('\n');
                    }
                }
                "tr" => {
                    depth += 1;
                    if depth == 1 {
                        row = Some(Vec::new());
                    }
                }
                "tc" if depth == 1 => {
                    if let Some(cells) = row.as_mut() {
                        cells.push(String::new());
                    }
                }
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                "t" => in_text = false,
                "p" => sink!().push('\n'),
                "tr" => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        if let Some(cells) = row.take() {
                            write_row(pages.last_mut().expect("there is always a page"), &cells);
                        }
                    }
                }
                _ => {}
            },
            Event::Text(t) if in_text => sink!().push_str(&t.xml10_content()),
            Event::GeneralRef(r) if in_text => match r.resolve_char_ref() {
                Ok(Some(c)) => sink!().push(c),
                _ => sink!().push_str(quick_xml::escape::resolve_predefined_entity(&r).unwrap_or("")),
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

/// One table row onto the page: a line of tab-separated cells, or, when a cell holds several
/// lines, each non-empty cell as a block of its own.
fn write_row(page: &mut String, cells: &[String]) {
    let cells: Vec<Vec<&str>> =
        cells.iter().map(|c| c.lines().map(str::trim).filter(|l| !l.is_empty()).collect()).collect();
    if cells.iter().all(|c| c.len() <= 1) {
        let line: Vec<&str> = cells.iter().map(|c| c.first().copied().unwrap_or("")).collect();
        page.push_str(&line.join(" \t"));
        page.push_str(" \n");
        return;
    }
    for cell in cells.iter().filter(|c| !c.is_empty()) {
        if !page.is_empty() && !page.ends_with("\n\n") {
            page.push('\n');
        }
        page.push_str(&cell.join("\n"));
        page.push_str("\n\n");
    }
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

    /// A bilingual letterhead: each cell's lines stay together, never interleaved with the other's.
    #[test]
    fn a_letterhead_of_several_lines_a_cell_reads_cell_by_cell() {
        let cell =
            |lines: &[&str]| lines.iter().map(|l| format!("<w:p><w:r><w:t>{l}</w:t></w:r></w:p>")).collect::<String>();
        let xml = format!(
            r#"<w:document xmlns:w="w"><w:body><w:tbl><w:tr><w:tc>{}</w:tc><w:tc>{}</w:tc></w:tr></w:tbl>
               <w:p><w:r><w:t>ПРЕДСТАВЛЕНИЕ</w:t></w:r></w:p></w:body></w:document>"#,
            cell(&["ҚАЗАҚСТАН РЕСПУБЛИКАСЫ", "ЖАМБЫЛ ОБЛЫСЫНЫҢ ПРОКУРАТУРАСЫ"]),
            cell(&["ГЕНЕРАЛЬНАЯ ПРОКУРАТУРА", "ПРОКУРАТУРА ЖАМБЫЛСКОЙ ОБЛАСТИ"])
        );
        let page = &text_of(&xml).unwrap()[0];
        assert_eq!(
            page,
            "ҚАЗАҚСТАН РЕСПУБЛИКАСЫ\nЖАМБЫЛ ОБЛЫСЫНЫҢ ПРОКУРАТУРАСЫ\n\n\
             ГЕНЕРАЛЬНАЯ ПРОКУРАТУРА\nПРОКУРАТУРА ЖАМБЫЛСКОЙ ОБЛАСТИ\n\nПРЕДСТАВЛЕНИЕ\n"
        );
    }

    /// A row written empty (`<w:tr/>`) opens no row: a letterhead table after it is still read
    /// cell by cell, not taken for a table nested in a row that never ends.
    #[test]
    fn an_empty_row_opens_no_row() {
        let xml = r#"<w:document xmlns:w="w"><w:body><w:tbl><w:tr/></w:tbl>
            <w:tbl><w:tr><w:tc><w:p><w:r><w:t>А1</w:t></w:r></w:p><w:p><w:r><w:t>А2</w:t></w:r></w:p></w:tc>
            <w:tc><w:p><w:r><w:t>Б1</w:t></w:r></w:p><w:p><w:r><w:t>Б2</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
            </w:body></w:document>"#;
        assert_eq!(text_of(xml).unwrap()[0], "А1\nА2\n\nБ1\nБ2\n\n");
    }

    #[test]
    fn a_zip_that_is_not_word_is_not_a_document() {
        assert!(pages(b"PK\x03\x04 broken").is_err());
    }
}
