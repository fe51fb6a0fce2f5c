//! The measuring commands of the command line: each prints figures and asserts nothing
//! (docs/PERFORMANCE.md has them, with the commands and the machine).

use ekn::api::CardBench;

pub fn render_bench(b: &CardBench) -> String {
    let busiest: Vec<String> = b
        .busiest
        .iter()
        .map(|c| format!("{} inspections, {} appeals: {:.3} ms", c.inspections, c.appeals, c.ms))
        .collect();
    format!(
        "Card assembly over {} objects ({:.1} inspections per card on average)\n  p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms\n  busiest objects: {}\n  database: {} objects, {} inspections, {} appeals\n",
        b.cards,
        b.mean_inspections_per_card,
        b.p50_ms,
        b.p99_ms,
        b.max_ms,
        busiest.join("; "),
        b.counts.subjects,
        b.counts.inspections,
        b.counts.appeals
    )
}
