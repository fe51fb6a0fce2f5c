//! The demo data built into the program: the files `ekn fixtures --scale demo --seed 2024` writes,
//! committed under fixtures/demo/ and embedded here, so `ekn init --demo` works from any directory
//! and goes through the same importer as a real export.

use crate::domain::records::DataKind;

pub static DEMO_FILES: &[(DataKind, &str, &[u8])] = &[
    (DataKind::Inspections, "fixtures/demo/inspections.csv", include_bytes!("../../fixtures/demo/inspections.csv")),
    (DataKind::Appeals, "fixtures/demo/appeals.csv", include_bytes!("../../fixtures/demo/appeals.csv")),
    (DataKind::Risk, "fixtures/demo/risk.csv", include_bytes!("../../fixtures/demo/risk.csv")),
];
