//! Numbers written in words, Russian and Kazakh («пятьсот тысяч», «бес жүз мың», «десяти»), and
//! dates in their written shapes — figures, a month's name, and Kazakh dates said in words
//! («екі мың жиырмасыншы жылдың бірінші қаңтарында») — turned into values. The words come from the
//! rules file.

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
    found.extend(spoken_dates(text, rules));
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

/// A word of the text with its byte range, lower-cased and without the marks around it.
struct Token {
    start: usize,
    end: usize,
    word: String,
}

fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut at = 0;
    for piece in text.split_inclusive(char::is_whitespace) {
        let trimmed = piece.trim_end();
        let word = trimmed.trim_matches(|c: char| !c.is_alphanumeric() && c != '-');
        if !word.is_empty() {
            let start = at + trimmed.find(word).unwrap_or(0);
            out.push(Token { start, end: start + word.len(), word: word.to_lowercase() });
        }
        at += piece.len();
    }
    out
}

/// A token as a number: figures with an optional ending («2020-сыншы», «1-інші»), or a number
/// word with its ordinal or genitive ending taken off; `None` if it is neither.
enum Number {
    Figures(u64),
    Word(String),
}

fn number(token: &str, rules: &Rules) -> Option<Number> {
    let digits: String = token.chars().take_while(char::is_ascii_digit).collect();
    if !digits.is_empty() {
        let rest = &token[digits.len()..];
        let ending_ok = rest.is_empty() || (rest.starts_with('-') && rest[1..].chars().all(char::is_alphabetic));
        return (ending_ok && digits.len() <= 4).then(|| digits.parse().ok().map(Number::Figures)).flatten();
    }
    let known =
        |w: &str| rules.units.contains_key(w) || rules.hundreds.contains_key(w) || rules.multipliers.contains_key(w);
    if known(token) {
        return Some(Number::Word(token.to_string()));
    }
    rules
        .number_endings
        .iter()
        .filter_map(|ending| token.strip_suffix(ending.as_str()))
        .find(|stem| known(stem))
        .map(|stem| Number::Word(stem.to_string()))
}

/// The value of the run of number tokens `run` (figures alone, or words alone).
fn run_value(run: &[&Token], rules: &Rules) -> Option<u64> {
    let numbers: Vec<Number> = run.iter().map(|t| number(&t.word, rules)).collect::<Option<_>>()?;
    match numbers.as_slice() {
        [Number::Figures(v)] => Some(*v),
        _ if numbers.iter().all(|n| matches!(n, Number::Word(_))) => {
            let words: Vec<&str> =
                numbers.iter().filter_map(|n| if let Number::Word(w) = n { Some(w.as_str()) } else { None }).collect();
            words_value(&words.join(" "), rules)
        }
        _ => None,
    }
}

/// Kazakh dates said in words or ordinal figures: a year closed by «жыл…» and then a day and a
/// month («екі мың он бірінші жылдың он екінші қарашасындағы»), or a day and a month, perhaps
/// «күні», and then the year («үшінші ақпан екі мың он бесінші жылда»). A range («маусымның 8-і
/// мен 11-і аралығында») names no one day and gives nothing.
fn spoken_dates(text: &str, rules: &Rules) -> Vec<(usize, usize, NaiveDate)> {
    let tokens = tokens(text);
    let is_number = |i: usize| tokens.get(i).is_some_and(|t| number(&t.word, rules).is_some());
    let is_year_word = |i: usize| tokens.get(i).is_some_and(|t| rules.year_words.iter().any(|y| t.word.starts_with(y)));
    // The run of number tokens that ends just before `end` (at most `most` of them).
    let run_before = |end: usize, most: usize| {
        let mut start = end;
        while start > 0 && end - start < most && is_number(start - 1) {
            start -= 1;
        }
        start
    };
    let run_after = |start: usize, most: usize| {
        let mut end = start;
        while end < tokens.len() && end - start < most && is_number(end) {
            end += 1;
        }
        end
    };
    let value = |from: usize, to: usize| {
        let run: Vec<&Token> = tokens[from..to].iter().collect();
        (from < to).then(|| run_value(&run, rules)).flatten()
    };
    let mut found = Vec::new();
    for (m, token) in tokens.iter().enumerate() {
        let Some(month) = rules.month(&token.word) else { continue };
        let day_start = run_before(m, 3);
        let Some(day) = value(day_start, m) else { continue };
        // The year before: «… жылдың» just before the day.
        let year_before = (day_start > 0 && is_year_word(day_start - 1))
            .then(|| {
                let year_start = run_before(day_start - 1, 6);
                value(year_start, day_start - 1).map(|y| (y, year_start))
            })
            .flatten();
        let date_of = |year: u64| {
            NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, u32::try_from(day).ok()?)
                .filter(|d| (1900..2100).contains(&chrono::Datelike::year(d)))
        };
        if let Some((year, year_start)) = year_before {
            if let Some(date) = date_of(year) {
                found.push((tokens[year_start].start, token.end, date));
                continue;
            }
        }
        // The year after: «… [күні] … жылы».
        let mut next = m + 1;
        if tokens.get(next).is_some_and(|t| rules.day_words.contains(&t.word)) {
            next += 1;
        }
        let year_end = run_after(next, 6);
        if year_end > next && is_year_word(year_end) {
            if let Some(date) = value(next, year_end).and_then(date_of) {
                found.push((tokens[day_start].start, tokens[year_end].end, date));
            }
        }
    }
    found
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

    #[test]
    fn kazakh_dates_said_in_words_or_ordinal_figures() {
        let r = Rules::shipped();
        let one = |text: &str| dates(text, r).into_iter().map(|f| f.2.to_string()).collect::<Vec<_>>();
        // Made up here, not KazNERD's spans (those measure it: scripts/documents/kaznerd_dates.py).
        assert_eq!(one("Екі мың жиырма үшінші жылдың он бесінші наурызында шешім шықты"), ["2023-03-15"]);
        assert_eq!(one("отыз бірінші мамыр күні екі мың он жетінші жылы"), ["2017-05-31"]);
        assert_eq!(one("2018-інші жылғы 9-ыншы қазанда"), ["2018-10-09"]);
        assert_eq!(one("5-інші шілде 2016-ыншы жылы"), ["2016-07-05"]);
        // Not one day, or not a date at all.
        assert!(one("екі мың жиырмасыншы жылы маусымның сегізі мен он бірі аралығында").is_empty());
        assert!(one("екі мың он тоғызыншы жылдың желтоқсанында").is_empty());
        assert!(one("отыз екінші ақпан екі мың он бесінші жылы").is_empty());
        assert!(one("бес жүз мың теңге айыппұл").is_empty());
    }
}
