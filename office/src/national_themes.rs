//! Themes across regions on the national read-side (issue 41; docs/NATIONAL.md, "Themes across
//! regions"): every category × district cell of appeals in the country — or in one region, the
//! drill-down — its last months judged against the same months of earlier years with a trend,
//! by the method and code the workstations and offices use (`analytics::themes::judge_cells`,
//! Farrington-flexible with exact tails and one false-discovery family), read from the published
//! counts (`national_appeal_counts`: region, district, category code, month, how many — no appeal,
//! no person). A district's KATO code names its region, so a cell is the same cell at the office
//! and here: one region's cells judged here are the figures its office's own scan gives.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use ekn_analytics::themes::{judge_cells, judged_months, month_number, ScanParams};

use crate::error::OfficeError;

pub use ekn_analytics::national_reports::NationalCells;

/// Judges the cells of the country (or of `region`) as of `as_of`, over the `months` full months
/// before it (3 when not said, at most 24).
pub async fn cells(
    client: &deadpool_postgres::Client,
    as_of: NaiveDate,
    months: Option<u32>,
    region: Option<&str>,
) -> Result<NationalCells, OfficeError> {
    if region.is_some_and(|r| r.len() != 2 || !r.bytes().all(|b| b.is_ascii_digit())) {
        return Err(OfficeError::bad_request("--region: two digits of KATO (19)"));
    }
    let params = ScanParams { months: months.unwrap_or(3).clamp(1, 24), ..ScanParams::default() };
    let judged = judged_months(as_of, params.months);
    let last = *judged.last().unwrap_or(&month_number(as_of));
    let rows = client
        .query(
            "SELECT region, district, category, month, sum(n)::bigint FROM national_appeal_counts \
             WHERE $1::text IS NULL OR region = $1 GROUP BY 1, 2, 3, 4",
            &[&region],
        )
        .await?;
    // The series start at the first month any appeal in scope was received, as the office's do.
    let first = rows.iter().map(|r| month_number(r.get::<_, NaiveDate>(3))).min().unwrap_or(last);
    let length = (last - first + 1).max(0) as usize;
    let mut regions = std::collections::BTreeSet::new();
    let mut cells: BTreeMap<(String, String), Vec<u32>> = BTreeMap::new();
    for row in &rows {
        regions.insert(row.get::<_, String>(0));
        let (Some(district), Some(category)) = (row.get::<_, Option<String>>(1), row.get::<_, Option<String>>(2))
        else {
            continue;
        };
        let month = month_number(row.get::<_, NaiveDate>(3));
        if month > last {
            continue;
        }
        let n = u32::try_from(row.get::<_, i64>(4).max(0)).unwrap_or(u32::MAX);
        let series = cells.entry((category, district)).or_insert_with(|| vec![0; length]);
        series[(month - first) as usize] += n;
    }
    Ok(NationalCells {
        as_of,
        method: ekn_analytics::farrington::METHOD.into(),
        cells: judge_cells(first, cells, &judged, &params),
        params,
        region: region.map(str::to_string),
        regions: regions.into_iter().collect(),
        note: ekn_analytics::themes::note(),
    })
}
