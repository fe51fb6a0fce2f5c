//! The measuring commands of the command line: each prints figures and asserts nothing
//! (docs/PERFORMANCE.md has them, with the commands and the machine).

use ekn::api::CardBench;

pub fn render_bench(b: &CardBench) -> String {
    use ekn::i18n::tr_with;
    let busiest: Vec<String> = b
        .busiest
        .iter()
        .map(|c| {
            let vars: [(&str, &dyn std::fmt::Display); 3] =
                [("inspections", &c.inspections), ("appeals", &c.appeals), ("ms", &format!("{:.3}", c.ms))];
            tr_with("cli.bench.busiest", &vars)
        })
        .collect();
    let vars: [(&str, &dyn std::fmt::Display); 9] = [
        ("cards", &b.cards),
        ("mean", &format!("{:.1}", b.mean_inspections_per_card)),
        ("p50", &format!("{:.3}", b.p50_ms)),
        ("p99", &format!("{:.3}", b.p99_ms)),
        ("max", &format!("{:.3}", b.max_ms)),
        ("busiest", &busiest.join("; ")),
        ("objects", &b.counts.subjects),
        ("inspections", &b.counts.inspections),
        ("appeals", &b.counts.appeals),
    ];
    format!("{}\n", tr_with("cli.bench.cards", &vars))
}
