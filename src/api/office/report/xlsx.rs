//! A report as an XLSX workbook (`rust_xlsxwriter`): the first sheet holds the title, the offline
//! warning, what produced the figures and the summary table; then a sheet per table.

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::{Cell, Report, Table};
use crate::api::{ApiError, ErrorCode};
use crate::i18n::text_in;

fn xlsx_error(e: XlsxError) -> ApiError {
    ApiError::new(ErrorCode::Internal, format!("the workbook: {e}"))
}

/// Writes `table`'s heads (bold) on `row` and its rows under them; returns the row after the last.
fn write_table(sheet: &mut Worksheet, row: u32, table: &Table) -> Result<u32, XlsxError> {
    let bold = Format::new().set_bold();
    for (col, head) in table.heads.iter().enumerate() {
        sheet.write_string_with_format(row, col as u16, head, &bold)?;
    }
    for (i, cells) in table.rows.iter().enumerate() {
        let at = row + 1 + i as u32;
        for (col, cell) in cells.iter().enumerate() {
            match cell {
                Cell::Text(text) => sheet.write_string(at, col as u16, text)?,
                Cell::Number(n) => sheet.write_number(at, col as u16, *n)?,
                Cell::Empty => sheet,
            };
        }
    }
    for (col, width) in &table.wide {
        sheet.set_column_width(*col, *width)?;
    }
    Ok(row + 1 + table.rows.len() as u32)
}

fn write(report: &Report) -> Result<Vec<u8>, XlsxError> {
    let bold = Format::new().set_bold();
    let mut book = Workbook::new();
    {
        let sheet = book.add_worksheet();
        sheet.set_name(text_in(report.lang, "cli.xlsx.sheet.about", &[]))?;
        sheet.write_string_with_format(0, 0, &report.title, &bold)?;
        let mut row = 1;
        if let Some(note) = &report.offline {
            sheet.write_string_with_format(row, 0, note, &bold)?;
            row += 1;
        }
        for (label, value) in &report.lines {
            row += 1;
            sheet.write_string(row, 0, label)?;
            sheet.write_string(row, 1, value)?;
        }
        if let Some(summary) = &report.summary {
            write_table(sheet, row + 2, summary)?;
        }
        sheet.set_column_width(0, 34)?;
        sheet.set_column_width(1, 60)?;
    }
    for table in &report.tables {
        let sheet = book.add_worksheet();
        sheet.set_name(&table.title)?;
        write_table(sheet, 0, table)?;
    }
    book.save_to_buffer()
}

/// The workbook's bytes.
pub fn workbook(report: &Report) -> Result<Vec<u8>, ApiError> {
    write(report).map_err(xlsx_error)
}
