//! Reading single cells the way registry exports write them: dates as ISO or dd.mm.yyyy, numbers
//! with a decimal point or comma (and spaces between thousands), yes/no in three languages.
//! Each function returns a reason a person can act on; the caller adds the file, line and field.

use chrono::NaiveDate;

/// `2024-03-15`, `15.03.2024`, and either followed by a time (`15.03.2024 10:30`, `2024-03-15T10:30:00`),
/// whose time part is dropped: the legal dates are calendar dates.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let t = text.trim();
    let date_part = t.split(['T', ' ']).next().unwrap_or(t);
    let parsed = if date_part.contains('.') {
        NaiveDate::parse_from_str(date_part, "%d.%m.%Y")
    } else {
        NaiveDate::parse_from_str(date_part, "%Y-%m-%d")
    };
    match parsed {
        Ok(date) if (1991..=2100).contains(&chrono::Datelike::year(&date)) => Ok(date),
        Ok(_) => Err(format!("'{t}' is outside the years 1991–2100")),
        Err(_) => Err(format!("'{t}' is not a date (expected dd.mm.yyyy or yyyy-mm-dd)")),
    }
}

/// `1234.5`, `1234,5`, `1 234,50` (normal or no-break spaces between thousands).
pub fn parse_decimal(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let compact: String = t.chars().filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}')).collect();
    if compact.contains(',') && compact.contains('.') {
        return Err(format!("'{t}' mixes a decimal comma and a decimal point"));
    }
    let normal = compact.replace(',', ".");
    let valid = !normal.is_empty()
        && normal.chars().all(|c| c.is_ascii_digit() || c == '.' || c == '-')
        && normal.matches('.').count() <= 1
        && normal.rfind('-').is_none_or(|at| at == 0);
    match normal.parse::<f64>() {
        Ok(value) if valid && value.is_finite() => Ok(value),
        _ => Err(format!("'{t}' is not a number")),
    }
}

/// An amount of tenge as whole tiyn, so sums stay exact.
pub fn parse_tenge(text: &str) -> Result<i64, String> {
    let value = parse_decimal(text)?;
    if value < 0.0 {
        return Err(format!("'{}' is negative", text.trim()));
    }
    let tiyn = (value * 100.0).round();
    if (tiyn / 100.0 - value).abs() > 1e-6 {
        return Err(format!("'{}' has more than two decimal places", text.trim()));
    }
    Ok(tiyn as i64)
}

/// A whole count, zero or more (`3`, `3,0`, `3.0` as Excel sometimes writes it).
pub fn parse_count(text: &str) -> Result<u32, String> {
    let value = parse_decimal(text)?;
    if value < 0.0 || value.fract() != 0.0 || value > f64::from(u32::MAX) {
        return Err(format!("'{}' is not a whole number of zero or more", text.trim()));
    }
    Ok(value as u32)
}

/// да/нет, иә/жоқ, yes/no, true/false, 1/0 in any case.
pub fn parse_yes_no(text: &str) -> Result<bool, String> {
    match ekn_domain::records::normalise_label(text).as_str() {
        "да" | "иә" | "ия" | "yes" | "true" | "1" | "y" | "д" => Ok(true),
        "нет" | "жоқ" | "жок" | "no" | "false" | "0" | "n" | "н" => Ok(false),
        _ => Err(format!("'{}' is not yes or no (да/нет, иә/жоқ, 1/0, true/false)", text.trim())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_both_written_forms() {
        let d = NaiveDate::from_ymd_opt(2024, 3, 15).unwrap();
        assert_eq!(parse_date("15.03.2024"), Ok(d));
        assert_eq!(parse_date("2024-03-15"), Ok(d));
        assert_eq!(parse_date("15.03.2024 10:30"), Ok(d));
        assert_eq!(parse_date("2024-03-15T10:30:00"), Ok(d));
        assert!(parse_date("31.02.2024").is_err());
        assert!(parse_date("15/03/2024").is_err());
        assert!(parse_date("15.03.1890").is_err());
    }

    #[test]
    fn numbers_with_point_comma_and_spaces() {
        assert_eq!(parse_decimal("1 234,50"), Ok(1234.5));
        assert_eq!(parse_decimal("1\u{a0}234.5"), Ok(1234.5));
        assert!(parse_decimal("1.234,5").is_err());
        assert!(parse_decimal("12a").is_err());
        assert!(parse_decimal("1-2").is_err());
        assert_eq!(parse_tenge("150 000,25"), Ok(15_000_025));
        assert!(parse_tenge("1,005").is_err());
        assert_eq!(parse_count("3,0"), Ok(3));
        assert!(parse_count("2,5").is_err());
    }

    #[test]
    fn yes_and_no_in_three_languages() {
        for yes in ["да", "Иә", "TRUE", "1", "yes"] {
            assert_eq!(parse_yes_no(yes), Ok(true), "{yes}");
        }
        for no in ["Нет", "жоқ", "false", "0", "no"] {
            assert_eq!(parse_yes_no(no), Ok(false), "{no}");
        }
        assert!(parse_yes_no("может быть").is_err());
    }
}
