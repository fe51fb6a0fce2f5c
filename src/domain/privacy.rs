//! Personal data handling at the door: applicants' IINs become keyed pseudonyms, and IINs, phone
//! numbers and e-mail addresses written inside appeal texts are masked before anything is stored.
//!
//! Law No. 94-V asks for minimisation and pseudonymisation. A keyed hash (HMAC-SHA256) keeps
//! "the same applicant wrote again" visible while making the IIN unrecoverable without the key;
//! the key lives outside the database file (see `store::secret`), so the file alone reveals nothing.

use std::sync::LazyLock;

use hmac::{Hmac, Mac};
use regex::Regex;
use sha2::Sha256;

use super::ids::is_valid_bin;

/// Replacement written where an IIN (or any 12-digit number that is not a valid BIN) stood.
pub const IIN_MASK: &str = "[ИИН]";
/// Replacement written where a phone number stood.
pub const PHONE_MASK: &str = "[ТЕЛЕФОН]";
/// Replacement written where an e-mail address stood.
pub const EMAIL_MASK: &str = "[EMAIL]";

/// Turns applicant IINs into stable pseudonyms with a per-database secret key.
#[derive(Clone)]
pub struct Pseudonymiser {
    key: [u8; 32],
}

impl Pseudonymiser {
    pub fn new(key: [u8; 32]) -> Self {
        Pseudonymiser { key }
    }

    /// `p:` and 24 hex digits (96 bits of the HMAC): short, and collisions are out of reach at any
    /// realistic number of applicants.
    pub fn pseudonym(&self, iin: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes a key of any length");
        mac.update(iin.trim().as_bytes());
        let digest = mac.finalize().into_bytes();
        format!("p:{}", hex::encode(&digest[..12]))
    }
}

/// How many personal markers one text had.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct MaskCounts {
    pub iins: usize,
    pub phones: usize,
    pub emails: usize,
}

impl MaskCounts {
    pub fn total(&self) -> usize {
        self.iins + self.phones + self.emails
    }
}

static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}").unwrap());

/// Kazakhstan's numbers as people write them: +7 701 123 45 67, 8(701)1234567, 8-701-123-45-67,
/// 87011234567, and the same without the trunk prefix when it starts with 7.
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\+\s?7|\b8|\b7)[\s\-]?\(?\d{3}\)?[\s\-]?\d{3}[\s\-]?\d{2}[\s\-]?\d{2}\b").unwrap()
});

/// Masks personal markers inside free text. A 12-digit number that is a valid BIN is kept: it names
/// an organisation, which is what the prosecutor needs; any other 12-digit number is treated as an
/// IIN, valid or mistyped, because a mistyped IIN is still personal data.
pub fn mask_personal_data(text: &str) -> (String, MaskCounts) {
    let mut counts = MaskCounts::default();
    let without_emails = EMAIL.replace_all(text, |_: &regex::Captures| {
        counts.emails += 1;
        EMAIL_MASK
    });
    let without_iins = mask_twelve_digit_runs(&without_emails, &mut counts.iins);
    let without_phones = PHONE.replace_all(&without_iins, |_: &regex::Captures| {
        counts.phones += 1;
        PHONE_MASK
    });
    (without_phones.into_owned(), counts)
}

/// Replaces every maximal run of exactly 12 ASCII digits that is not a valid BIN.
fn mask_twelve_digit_runs(text: &str, masked: &mut usize) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied_up_to = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let run = &text[start..i];
            if run.len() == 12 && !is_valid_bin(run) {
                out.push_str(&text[copied_up_to..start]);
                out.push_str(IIN_MASK);
                copied_up_to = i;
                *masked += 1;
            }
        } else {
            i += 1;
        }
    }
    out.push_str(&text[copied_up_to..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::with_check_digit;

    #[test]
    fn pseudonyms_are_stable_per_key_and_differ_across_keys() {
        let a = Pseudonymiser::new([1; 32]);
        let b = Pseudonymiser::new([2; 32]);
        assert_eq!(a.pseudonym("850315300123"), a.pseudonym(" 850315300123 "));
        assert_ne!(a.pseudonym("850315300123"), b.pseudonym("850315300123"));
        assert!(!a.pseudonym("850315300123").contains("850315300123"));
    }

    #[test]
    fn masks_iins_phones_and_emails_but_keeps_bins() {
        let bin = with_check_digit([0, 4, 0, 1, 4, 0, 0, 0, 1, 2, 3]).unwrap();
        let text = format!(
            "Заявитель ИИН 850315300123, тел. +7 701 123-45-67 и 8(727)2501020, почта a.b@mail.kz; ТОО БИН {bin}."
        );
        let (masked, counts) = mask_personal_data(&text);
        assert_eq!(counts, MaskCounts { iins: 1, phones: 2, emails: 1 });
        assert!(masked.contains(&bin), "{masked}");
        for raw in ["850315300123", "701 123-45-67", "2501020", "a.b@mail.kz"] {
            assert!(!masked.contains(raw), "{raw} survived in {masked}");
        }
    }

    #[test]
    fn digits_glued_to_letters_are_still_found() {
        let (masked, counts) = mask_personal_data("ЖСН850315300123берілді");
        assert_eq!(counts.iins, 1);
        assert_eq!(masked, "ЖСН[ИИН]берілді");
    }
}
