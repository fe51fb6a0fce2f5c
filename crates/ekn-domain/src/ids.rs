//! Kazakhstan's 12-digit identifiers: BIN (organisations) and IIN (individuals).
//!
//! Both share one check-digit algorithm (weights 1..11, then 3..11,1,2 when the first pass gives 10).
//! A subject of supervision is keyed by its BIN, or by the IIN of an individual entrepreneur; the
//! structure of the number tells them apart (a BIN carries the type digit 4, 5 or 6 in position 5,
//! where an IIN carries the first digit of a day of the month, 0–3).

use std::fmt;

/// Why a 12-digit identifier was refused. The wording is shown to people, so it says what to check.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("must be exactly 12 digits, found {0}")]
    Length(usize),
    #[error("must contain digits only")]
    NotDigits,
    #[error("check digit is wrong (expected {expected}, found {found})")]
    CheckDigit { expected: u8, found: u8 },
    #[error("check digit cannot be computed for this number (both weightings give 10)")]
    NoCheckDigit,
    #[error("is neither a BIN (type digit 4/5/6 in position 5) nor an IIN (a birth date and a century digit 1–6)")]
    Structure,
}

/// Which kind of identifier a valid number is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum IdKind {
    /// Business identification number of a legal entity or branch.
    Bin,
    /// Individual identification number (for subjects: an individual entrepreneur).
    Iin,
}

/// A validated BIN or IIN, stored as its 12 ASCII digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SubjectId {
    digits: String,
    kind: IdKind,
}

impl SubjectId {
    /// Parses and validates a subject identifier (spaces around it are ignored).
    pub fn parse(text: &str) -> Result<Self, IdError> {
        let digits = text.trim();
        let bytes = check_digits(digits)?;
        let kind = classify(&bytes).ok_or(IdError::Structure)?;
        Ok(SubjectId { digits: digits.to_string(), kind })
    }

    pub fn as_str(&self) -> &str {
        &self.digits
    }

    pub fn kind(&self) -> IdKind {
        self.kind
    }
}

impl fmt::Display for SubjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.digits)
    }
}

/// Validates an applicant's IIN: check digit and IIN structure. The value itself is never kept.
pub fn validate_iin(text: &str) -> Result<(), IdError> {
    let bytes = check_digits(text.trim())?;
    match classify(&bytes) {
        Some(IdKind::Iin) => Ok(()),
        _ => Err(IdError::Structure),
    }
}

/// The check digit of the first 11 digits, or `None` when the algorithm gives 10 twice
/// (such numbers are never issued).
pub fn check_digit(first11: &[u8; 11]) -> Option<u8> {
    const FIRST: [u32; 11] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    const SECOND: [u32; 11] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];
    let weighted =
        |weights: &[u32; 11]| -> u32 { first11.iter().zip(weights).map(|(d, w)| u32::from(*d) * w).sum::<u32>() % 11 };
    let first = weighted(&FIRST);
    if first != 10 {
        return Some(first as u8);
    }
    let second = weighted(&SECOND);
    (second != 10).then_some(second as u8)
}

/// True when `text` is a 12-digit number with a correct check digit and a BIN's structure.
pub fn is_valid_bin(text: &str) -> bool {
    matches!(SubjectId::parse(text), Ok(id) if id.kind() == IdKind::Bin)
}

fn check_digits(digits: &str) -> Result<[u8; 12], IdError> {
    let count = digits.chars().count();
    if count != 12 {
        return Err(IdError::Length(count));
    }
    let mut bytes = [0u8; 12];
    for (slot, ch) in bytes.iter_mut().zip(digits.bytes()) {
        if !ch.is_ascii_digit() {
            return Err(IdError::NotDigits);
        }
        *slot = ch - b'0';
    }
    let first11: [u8; 11] = bytes[..11].try_into().expect("12 digits have 11 leading ones");
    let expected = check_digit(&first11).ok_or(IdError::NoCheckDigit)?;
    if expected != bytes[11] {
        return Err(IdError::CheckDigit { expected, found: bytes[11] });
    }
    Ok(bytes)
}

fn classify(d: &[u8; 12]) -> Option<IdKind> {
    let month = d[2] * 10 + d[3];
    if !(1..=12).contains(&month) {
        return None;
    }
    if matches!(d[4], 4..=6) {
        return Some(IdKind::Bin);
    }
    let day = d[4] * 10 + d[5];
    if (1..=31).contains(&day) && (1..=6).contains(&d[6]) {
        return Some(IdKind::Iin);
    }
    None
}

/// Completes 11 leading digits into a valid identifier, or `None` when no check digit exists.
/// The demo-data generator uses it; real data never needs it.
pub fn with_check_digit(first11: [u8; 11]) -> Option<String> {
    let check = check_digit(&first11)?;
    let mut text: String = first11.iter().map(|d| char::from(b'0' + d)).collect();
    text.push(char::from(b'0' + check));
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_a_bin_and_an_iin_with_correct_check_digits() {
        let bin = with_check_digit([0, 4, 0, 1, 4, 0, 0, 0, 1, 2, 3]).unwrap();
        assert_eq!(SubjectId::parse(&bin).unwrap().kind(), IdKind::Bin);
        let iin = with_check_digit([8, 5, 0, 3, 1, 5, 3, 0, 0, 1, 2]).unwrap();
        assert_eq!(SubjectId::parse(&iin).unwrap().kind(), IdKind::Iin);
        assert!(validate_iin(&iin).is_ok());
        assert!(validate_iin(&bin).is_err());
    }

    #[test]
    fn the_second_weighting_applies_when_the_first_gives_ten() {
        // Hand-computed: digits 0 0 0 0 0 0 0 0 0 1 0 give 10*1 = 10 under the first weights,
        // and 1*1 = 1 under the second.
        assert_eq!(check_digit(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]), Some(1));
    }

    #[test]
    fn refuses_wrong_length_letters_and_check_digit() {
        assert_eq!(SubjectId::parse("12345"), Err(IdError::Length(5)));
        assert_eq!(SubjectId::parse("12345678901a"), Err(IdError::NotDigits));
        let mut bin = with_check_digit([0, 4, 0, 1, 4, 0, 0, 0, 1, 2, 3]).unwrap();
        let last = bin.pop().unwrap().to_digit(10).unwrap() as u8;
        bin.push(char::from(b'0' + (last + 1) % 10));
        assert!(matches!(SubjectId::parse(&bin), Err(IdError::CheckDigit { .. })));
    }
}
