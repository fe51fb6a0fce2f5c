//! The guide's topics built into the program: every file under `docs/guide/`, by path. A test
//! checks that the list and the folder agree, so a topic added there is never left out here.

/// `(path under docs/guide/, its Markdown)`.
pub const SOURCES: &[(&str, &str)] = &[
    ("ru/first-day.md", include_str!("../../docs/guide/ru/first-day.md")),
    ("ru/extend-deadline.md", include_str!("../../docs/guide/ru/extend-deadline.md")),
    ("ru/issue-act.md", include_str!("../../docs/guide/ru/issue-act.md")),
    ("ru/confirm-fact.md", include_str!("../../docs/guide/ru/confirm-fact.md")),
    ("ru/sync-office.md", include_str!("../../docs/guide/ru/sync-office.md")),
    ("ru/office-figures.md", include_str!("../../docs/guide/ru/office-figures.md")),
    ("ru/forgotten-passphrase.md", include_str!("../../docs/guide/ru/forgotten-passphrase.md")),
    ("ru/deadlines.md", include_str!("../../docs/guide/ru/deadlines.md")),
    ("ru/risk-and-anomalies.md", include_str!("../../docs/guide/ru/risk-and-anomalies.md")),
    ("ru/journal.md", include_str!("../../docs/guide/ru/journal.md")),
    ("ru/screens.md", include_str!("../../docs/guide/ru/screens.md")),
    ("ru/errors.md", include_str!("../../docs/guide/ru/errors.md")),
    ("ru/roles-and-statuses.md", include_str!("../../docs/guide/ru/roles-and-statuses.md")),
    ("ru/keep-theme.md", include_str!("../../docs/guide/ru/keep-theme.md")),
    ("kk/first-day.md", include_str!("../../docs/guide/kk/first-day.md")),
    ("kk/extend-deadline.md", include_str!("../../docs/guide/kk/extend-deadline.md")),
    ("kk/issue-act.md", include_str!("../../docs/guide/kk/issue-act.md")),
    ("kk/confirm-fact.md", include_str!("../../docs/guide/kk/confirm-fact.md")),
    ("kk/sync-office.md", include_str!("../../docs/guide/kk/sync-office.md")),
    ("kk/office-figures.md", include_str!("../../docs/guide/kk/office-figures.md")),
    ("kk/forgotten-passphrase.md", include_str!("../../docs/guide/kk/forgotten-passphrase.md")),
    ("kk/deadlines.md", include_str!("../../docs/guide/kk/deadlines.md")),
    ("kk/risk-and-anomalies.md", include_str!("../../docs/guide/kk/risk-and-anomalies.md")),
    ("kk/journal.md", include_str!("../../docs/guide/kk/journal.md")),
    ("kk/screens.md", include_str!("../../docs/guide/kk/screens.md")),
    ("kk/errors.md", include_str!("../../docs/guide/kk/errors.md")),
    ("kk/roles-and-statuses.md", include_str!("../../docs/guide/kk/roles-and-statuses.md")),
    ("kk/keep-theme.md", include_str!("../../docs/guide/kk/keep-theme.md")),
    ("en/first-day.md", include_str!("../../docs/guide/en/first-day.md")),
    ("en/extend-deadline.md", include_str!("../../docs/guide/en/extend-deadline.md")),
    ("en/issue-act.md", include_str!("../../docs/guide/en/issue-act.md")),
    ("en/confirm-fact.md", include_str!("../../docs/guide/en/confirm-fact.md")),
    ("en/sync-office.md", include_str!("../../docs/guide/en/sync-office.md")),
    ("en/office-figures.md", include_str!("../../docs/guide/en/office-figures.md")),
    ("en/forgotten-passphrase.md", include_str!("../../docs/guide/en/forgotten-passphrase.md")),
    ("en/deadlines.md", include_str!("../../docs/guide/en/deadlines.md")),
    ("en/risk-and-anomalies.md", include_str!("../../docs/guide/en/risk-and-anomalies.md")),
    ("en/journal.md", include_str!("../../docs/guide/en/journal.md")),
    ("en/screens.md", include_str!("../../docs/guide/en/screens.md")),
    ("en/errors.md", include_str!("../../docs/guide/en/errors.md")),
    ("en/roles-and-statuses.md", include_str!("../../docs/guide/en/roles-and-statuses.md")),
    ("en/keep-theme.md", include_str!("../../docs/guide/en/keep-theme.md")),
];

#[cfg(test)]
mod tests {
    #[test]
    fn every_file_of_the_guide_is_built_in() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/guide");
        let mut on_disk = Vec::new();
        for lang in super::super::LANGS {
            for entry in std::fs::read_dir(root.join(lang)).unwrap() {
                let name = entry.unwrap().file_name().to_string_lossy().to_string();
                if name.ends_with(".md") {
                    on_disk.push(format!("{lang}/{name}"));
                }
            }
        }
        on_disk.sort();
        let mut built: Vec<String> = super::SOURCES.iter().map(|(p, _)| p.to_string()).collect();
        built.sort();
        assert_eq!(built, on_disk);
    }
}
