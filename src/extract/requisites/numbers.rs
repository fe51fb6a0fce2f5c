//! Numbers written in words, Russian and Kazakh («пятьсот тысяч», «бес жүз мың», «десяти»), and
//! dates in their three written shapes, turned into values. The words come from the rules file.

use chrono::NaiveDate;

use super::rules::Rules;

/// The value of a run of number words, or `None` if a word is not one.
///
/// Russian names hundreds in one word («пятьсот»); Kazakh multiplies («бес жүз» = 5 × 100), so
/// `hundreds` multiply what is pending below a thousand. Thousands and millions close a group.
pub fn words_value(words: &str, rules: &Rules) -> Option<u64> {
    let mut total: u64 = 0;
    let mut group: u64 = 0;
    let mut any = false;
    for word in words.split(|c: char| c.is_whitespace() || c == '-').filter(|w| !w.is_empty()) {
        let word = word.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
        if word.is_empty() {
            continue;
        }
        if let Some(v) = rules.units.get(&word) {
            group = group.checked_add(*v)?;
        } else if let Some(v) = rules.hundreds.get(&word) {
            let below = group % 100;
            group = group - below + below.max(1) * v;
        } else if let Some(v) = rules.multipliers.get(&word) {
            total = total.checked_add(group.max(1).checked_mul(*v)?)?;
            group = 0;
        } else {
            return None;
        }
        any = true;
    }
    any.then_some(total + group)
}

/// A date from its parts, checked (no 31 February).
pub fn date(year: &str, month: u32, day: &str) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year.parse().ok()?, month, day.parse().ok()?)
}

/// Every date written in `text`: (byte start, byte end, date).
pub fn dates(text: &str, rules: &Rules) -> Vec<(usize, usize, NaiveDate)> {
    let mut found: Vec<(usize, usize, NaiveDate)> = Vec::new();
    for caps in rules.date_numeric.captures_iter(text) {
        let (Some(day), Some(mon), Some(year)) = (caps.name("day"), caps.name("mon"), caps.name("year")) else {
            continue;
        };
        let month: u32 = mon.as_str().parse().unwrap_or(0);
        if let Some(d) = date(year.as_str(), month, day.as_str()) {
            found.push((day.start(), year.end(), d));
        }
    }
    for re in [&rules.date_words, &rules.date_kk] {
        for caps in re.captures_iter(text) {
            let (Some(day), Some(month), Some(year)) = (caps.name("day"), caps.name("month"), caps.name("year")) else {
                continue;
            };
            let Some(m) = rules.month(month.as_str()) else { continue };
            if let Some(d) = date(year.as_str(), m, day.as_str()) {
                let start = day.start().min(year.start());
                let end = month.end().max(year.end());
                found.push((start, end, d));
            }
        }
    }
    found.sort_by_key(|f| (f.0, std::cmp::Reverse(f.1)));
    // Overlaps are one date written once.
    let mut out: Vec<(usize, usize, NaiveDate)> = Vec::new();
    for f in found {
        if out.last().is_some_and(|last| f.0 < last.1) {
            continue;
        }
        out.push(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_in_russian_and_kazakh() {
        let r = Rules::shipped();
        assert_eq!(words_value("пятьсот тысяч", r), Some(500_000));
        assert_eq!(words_value("бес жүз мың", r), Some(500_000));
        assert_eq!(words_value("тоғыз жүз миллион", r), Some(900_000_000));
        assert_eq!(words_value("восемнадцать миллионов триста пятьдесят тысяч четыреста", r), Some(18_350_400));
        assert_eq!(words_value("екі жүз елу мың бес жүз", r), Some(250_500));
        assert_eq!(words_value("десяти", r), Some(10));
        assert_eq!(words_value("тысяча", r), Some(1000));
        assert_eq!(words_value("пятьсот рублей", r), None);
    }

    #[test]
    fn dates_in_every_shape() {
        let r = Rules::shipped();
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let text = "от 14.03.2025 г.; «5» апреля 2024 года; 2025 жылғы 14 наурыздағы; 1 желтоқсан 2023 ж.; 31.02.2025; 14,03.2025";
        let found: Vec<NaiveDate> = dates(text, r).into_iter().map(|f| f.2).collect();
        assert_eq!(found, vec![d(2025, 3, 14), d(2024, 4, 5), d(2025, 3, 14), d(2023, 12, 1), d(2025, 3, 14)]);
    }
}
