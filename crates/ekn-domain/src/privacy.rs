//! Personal data handling at the door: applicants' IINs become keyed pseudonyms, and the personal
//! markers written inside appeal texts — IINs, phone numbers, e-mail addresses, people's names and
//! home addresses down to the flat — are masked before anything is stored or learns from them.
//!
//! Law No. 94-V asks for minimisation and pseudonymisation. A keyed hash (HMAC-SHA256) keeps
//! "the same applicant wrote again" visible while making the IIN unrecoverable without the key;
//! the key lives outside the database file (see `store::secret`), so the file alone reveals nothing.
//!
//! Masking finds spans with rules that each have a name (shown on the appeal card as the reason,
//! never the value) and replaces them with a mark of their kind. Organisations (ТОО «…», ИП …)
//! and officials' positions are kept: they are what supervision is about. The rules are measured on
//! a labelled sample kept as a test (tests/core/privacy.rs, fixtures/privacy/).

use std::sync::LazyLock;

use hmac::{Hmac, Mac};
use regex::Regex;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::ids::is_valid_bin;

/// Replacement written where an IIN (or any 12-digit number that is not a valid BIN) stood.
pub const IIN_MASK: &str = "[ИИН]";
/// Replacement written where a phone number stood.
pub const PHONE_MASK: &str = "[ТЕЛЕФОН]";
/// Replacement written where an e-mail address stood.
pub const EMAIL_MASK: &str = "[EMAIL]";
/// Replacement written where a person's name stood.
pub const NAME_MASK: &str = "[ФИО]";
/// Replacement written where a home address stood.
pub const ADDRESS_MASK: &str = "[АДРЕС]";

/// Turns applicant IINs into stable pseudonyms with a per-database secret key — and, once the
/// workstation has joined an office, also with the office's key, which every workstation of the
/// office holds, so the office can tell the same applicant writing to two prosecutors.
#[derive(Clone)]
pub struct Pseudonymiser {
    key: [u8; 32],
    office: Option<[u8; 32]>,
}

impl Pseudonymiser {
    pub fn new(key: [u8; 32]) -> Self {
        Pseudonymiser { key, office: None }
    }

    /// With the office's pseudonym key (handed out when the workstation joined).
    pub fn with_office(self, office: Option<[u8; 32]>) -> Self {
        Pseudonymiser { office, ..self }
    }

    /// `p:` and 24 hex digits (96 bits of the HMAC): short, and collisions are out of reach at any
    /// realistic number of applicants.
    pub fn pseudonym(&self, iin: &str) -> String {
        format!("p:{}", keyed(&self.key, iin))
    }

    /// `o:` and 24 hex digits under the office's key: the same on every workstation of the office.
    /// `None` before the workstation joined one.
    pub fn office_pseudonym(&self, iin: &str) -> Option<String> {
        self.office.map(|key| format!("o:{}", keyed(&key, iin)))
    }
}

/// 24 hex digits of HMAC-SHA256 over the trimmed text (an IIN, a BIN): a pseudonym nobody
/// without the key can turn back, however small the space of values.
pub fn keyed(key: &[u8; 32], iin: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(iin.trim().as_bytes());
    hex::encode(&mac.finalize().into_bytes()[..12])
}

/// The kinds of personal marker masked in texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum MarkerKind {
    Iin,
    Phone,
    Email,
    Name,
    Address,
}

impl MarkerKind {
    pub const ALL: [MarkerKind; 5] =
        [MarkerKind::Iin, MarkerKind::Phone, MarkerKind::Email, MarkerKind::Name, MarkerKind::Address];

    pub fn mask(self) -> &'static str {
        match self {
            MarkerKind::Iin => IIN_MASK,
            MarkerKind::Phone => PHONE_MASK,
            MarkerKind::Email => EMAIL_MASK,
            MarkerKind::Name => NAME_MASK,
            MarkerKind::Address => ADDRESS_MASK,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            MarkerKind::Iin => "iin",
            MarkerKind::Phone => "phone",
            MarkerKind::Email => "email",
            MarkerKind::Name => "name",
            MarkerKind::Address => "address",
        }
    }
}

/// A personal marker found in a text: where (byte offsets), what kind, and which rule found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub kind: MarkerKind,
    pub rule: &'static str,
}

/// What was masked in one text, by kind and rule, without the values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Masked {
    pub kind: MarkerKind,
    /// The rule that found it (`surname_initials`, `signature`, `phone_kz`…).
    pub rule: String,
    pub count: usize,
}

/// How many personal markers one text had, by kind.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct MaskCounts {
    pub iins: usize,
    pub phones: usize,
    pub emails: usize,
    pub names: usize,
    pub addresses: usize,
}

impl MaskCounts {
    pub fn total(&self) -> usize {
        self.iins + self.phones + self.emails + self.names + self.addresses
    }

    pub fn add(&mut self, other: &MaskCounts) {
        self.iins += other.iins;
        self.phones += other.phones;
        self.emails += other.emails;
        self.names += other.names;
        self.addresses += other.addresses;
    }

    fn count(&mut self, kind: MarkerKind) {
        match kind {
            MarkerKind::Iin => self.iins += 1,
            MarkerKind::Phone => self.phones += 1,
            MarkerKind::Email => self.emails += 1,
            MarkerKind::Name => self.names += 1,
            MarkerKind::Address => self.addresses += 1,
        }
    }
}

/// Letters of Russian and Kazakh, upper and lower.
const UP: &str = "А-ЯЁӘҒҚҢӨҰҮҺІ";
const LO: &str = "а-яёәғқңөұүһі";

fn re(pattern: &str) -> Regex {
    let pattern = pattern.replace("{UP}", UP).replace("{LO}", LO);
    Regex::new(&pattern).expect("the masking patterns are valid (checked by tests)")
}

static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| re(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"));

/// Phones as people write them in Kazakhstan and Russia: a +7 or 8 trunk prefix and ten digits in
/// any grouping (+7 701 123 45 67, 8(727)250-10-20, 8 912 345 67 89, 87011234567), or a mobile
/// number without the prefix (701 123 45 67).
static PHONE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:\+\s?7|\b8|\b7)(?:[\s\-.()]{0,3}\d){10}\b|\b7\d\d[\s\-]?\d{3}[\s\-]?\d{2}[\s\-]?\d{2}\b"));

/// How surnames end in Kazakhstan (Russian, Russified Kazakh, Ukrainian, Kazakh -ұлы/-қызы/-бай):
/// a capitalised word before initials or a first name counts as a surname only with one of these,
/// so "Сосед А." or "Уважаемый Ерлан Серикович" do not take the word before the name.
const SURNAME: &str = r"[{UP}][{LO}]+(?:ов|ев|ёв|ин|ын|ова|ева|ёва|ина|ына|ой|ий|ский|цкий|ская|цкая|ко|ук|юк|ич|бай|бек|баев|баева|бекова|ұлы|қызы|улы|кызы)(?:-[{UP}][{LO}]+)?";

/// Surname then initials: Иванова Т.Л., Иванова Т. Л., Ахмедов Т.
static SURNAME_THEN_INITIALS: LazyLock<Regex> =
    LazyLock::new(|| re(&format!(r"\b{SURNAME}\s+[{{UP}}]\.\s?(?:[{{UP}}]\.?)?")));

/// Initials then surname: Т.Л. Иванова, А. Серікбаев, Т. Иванова.
static INITIALS_THEN_SURNAME: LazyLock<Regex> =
    LazyLock::new(|| re(&format!(r"\b[{{UP}}]\.\s?(?:[{{UP}}]\.\s?)?{SURNAME}\b")));

/// A patronymic, Russian or Kazakh (joined or as a separate word).
const PATRONYMIC: &str = r"[{UP}][{LO}]+(?:ович|евич|овн|евн|ичн)(?:а|у|ем|е|ы|ой)?\b|[{UP}][{LO}]+ич\b|[{UP}][{LO}]+\s?(?:ұлы|қызы|улы|кызы|Ұлы|Қызы)";

/// Full names with a patronymic, in either order: Иванов Пётр Сергеевич, Пётр Сергеевич Иванов,
/// Ерлан Серікұлы, Серікбаев Ерлан Маратұлы.
static FULL_NAME: LazyLock<Regex> =
    LazyLock::new(|| re(&format!(r"\b(?:{SURNAME}\s+)?[{{UP}}][{{LO}}]+\s+(?:{PATRONYMIC})(?:\s+{SURNAME})?\b")));

/// A first name and a surname in any case (Кулпан Абдрахмановой, Айгерим Сапарова, Марат Оспанову):
/// the second word must end like a Russified surname, declined.
static NAME_PAIR: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b[{UP}][{LO}]{2,}\s+[{UP}][{LO}]+(?:ов|ев|ёв|ин|ын)(?:а|у|ой|ым|е|ых)?\b"));

/// A name after a salutation or a signature line: С уважением, Айгерим Сапарова; Құрметпен, Ерлан;
/// Заявитель: Петров Иван; от гражданки Абеновой Д. — one to three capitalised words.
static AFTER_SIGNATURE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i:с уважением|құрметпен|құрметпенен|заявитель|өтініш беруші|подпись|меня зовут|менің атым|от гражданина|от гражданки|гражданин|гражданка|азамат|азаматша|мен,|я,)\s*[:,]?\s*((?-i:[{UP}][{LO}]+(?:\s+[{UP}][{LO}]+){0,2}(?:\s+[{UP}]\.\s?(?:[{UP}]\.)?)?))",
    )
});

/// Home addresses from the street to the flat: ул. Абая, д. 10, кв. 5; мкр. Самал-2, 58-12;
/// Абай көшесі, 10 үй, 5 пәтер; пр. Республики 24/1 кв 15.
static ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i:\b(?:ул\.|улица|ул\s|пр\.|пр-т|проспект|мкр\.?|микрорайон|б-р|бульвар|пер\.|переулок|шоссе|жилой массив|ж\.м\.|ж/м)\s*[{UP}0-9][{UP}{LO}0-9\-]*(?:\s+[{UP}{LO}0-9][{UP}{LO}0-9\-]*){0,2}|[{UP}][{LO}]+\s+(?:көшесі|даңғылы|ықшамауданы|шағын ауданы))(?:[\s,]+(?:(?:д\.|дом|үй|уч\.|корп\.|корпус|кв\.|кв|квартира|пәтер)\s*)?\d+[\p{L}]?(?:[/\-]\d+[\p{L}]?)?(?:\s*(?:үй|пәтер))?){0,3}",
    )
});

/// Legal forms that start an organisation's name: a person's name right after one is the
/// organisation's (ИП Галымжанова А., ТОО «…»), and is kept. An official's position is kept too, but
/// as a word: the official's own name after it is a person's name and is masked.
const KEEP_AFTER: &[&str] = &["ИП", "ТОО", "ЖШС", "АО", "АҚ", "ГУ", "КГУ", "РГУ", "ГКП", "КГП", "ОО", "ПК", "КХ", "ШҚ"];

/// Finds every personal marker in `text`, non-overlapping, in order.
pub fn find_personal_data(text: &str) -> Vec<Span> {
    let mut found: Vec<Span> = Vec::new();
    let add = |start: usize, end: usize, kind: MarkerKind, rule: &'static str, found: &mut Vec<Span>| {
        if end > start && !found.iter().any(|s| s.start < end && start < s.end) {
            found.push(Span { start, end, kind, rule });
        }
    };
    for m in EMAIL.find_iter(text) {
        add(m.start(), m.end(), MarkerKind::Email, "email", &mut found);
    }
    for (start, end) in twelve_digit_runs(text) {
        add(start, end, MarkerKind::Iin, "twelve_digits", &mut found);
    }
    for m in PHONE.find_iter(text) {
        add(m.start(), m.end(), MarkerKind::Phone, "phone", &mut found);
    }
    // An address carries a house number: a text without a digit skips the costliest pattern.
    if text.bytes().any(|b| b.is_ascii_digit()) {
        for m in ADDRESS.find_iter(text) {
            // A street word alone ("ул. Абая" without a number) is a place, not an address.
            if m.as_str().chars().any(|c| c.is_ascii_digit()) {
                add(m.start(), trim_end(text, m.start(), m.end()), MarkerKind::Address, "address", &mut found);
            }
        }
    }
    for caps in AFTER_SIGNATURE.captures_iter(text) {
        if let Some(name) = caps.get(1) {
            if !kept(text, name.start()) {
                add(name.start(), name.end(), MarkerKind::Name, "signature", &mut found);
            }
        }
    }
    for m in FULL_NAME.find_iter(text) {
        if !kept(text, m.start()) {
            add(m.start(), m.end(), MarkerKind::Name, "full_name", &mut found);
        }
    }
    for pattern in [&*INITIALS_THEN_SURNAME, &*SURNAME_THEN_INITIALS] {
        for m in pattern.find_iter(text) {
            if !kept(text, m.start()) && !inside_quotes(text, m.start()) {
                add(m.start(), trim_end(text, m.start(), m.end()), MarkerKind::Name, "surname_initials", &mut found);
            }
        }
    }
    // After the initials rules: in "Соседка Иванова Т.Л." the name is "Иванова Т.Л.".
    for m in NAME_PAIR.find_iter(text) {
        if !kept(text, m.start()) && !inside_quotes(text, m.start()) && !place_word(m.as_str()) {
            add(m.start(), m.end(), MarkerKind::Name, "name_pair", &mut found);
        }
    }
    found.sort_by_key(|s| s.start);
    found
}

/// Capitalised words that start names of places and bodies, not people ("Республика Казахстан",
/// "Управление Иванова" is rare; "Город Аксу" is not): a pair starting with one is no name.
fn place_word(pair: &str) -> bool {
    const PLACES: &[&str] = &[
        "Республика",
        "Республики",
        "Город",
        "Города",
        "Область",
        "Области",
        "Район",
        "Района",
        "Улица",
        "Проспект",
        "Село",
        "Поселок",
        "Посёлок",
        "Управление",
        "Департамент",
        "Министерство",
        "Акимат",
        "Прокуратура",
        "Суд",
        "Школа",
        "Больница",
        "Поликлиника",
    ];
    pair.split_whitespace().next().is_some_and(|first| PLACES.contains(&first))
}

/// Drops trailing separators a greedy pattern took.
fn trim_end(text: &str, start: usize, end: usize) -> usize {
    start + text[start..end].trim_end_matches([' ', ',', '-', '\u{a0}']).len()
}

/// True when the word before `at` is an organisation's legal form.
fn kept(text: &str, at: usize) -> bool {
    let before = text[..at].trim_end();
    let word = before.rsplit(|c: char| c.is_whitespace() || c == ',' || c == '(').next().unwrap_or("");
    KEEP_AFTER.iter().any(|k| word == *k || word.eq_ignore_ascii_case(k))
}

/// True inside «…» or "…": an organisation's name.
fn inside_quotes(text: &str, at: usize) -> bool {
    let before = &text[..at];
    let open = before.matches('«').count() + before.matches('“').count();
    let close = before.matches('»').count() + before.matches('”').count();
    open > close
}

/// Every maximal run of exactly 12 ASCII digits that is not a valid BIN: an IIN, valid or
/// mistyped, because a mistyped IIN is still personal data.
fn twelve_digit_runs(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            if i - start == 12 && !is_valid_bin(&text[start..i]) {
                out.push((start, i));
            }
        } else {
            i += 1;
        }
    }
    out
}

/// Masks every personal marker; returns the text and the counts by kind (the import's path: no
/// reasons are gathered).
pub fn mask_personal_data(text: &str) -> (String, MaskCounts) {
    let spans = find_personal_data(text);
    let mut counts = MaskCounts::default();
    for span in &spans {
        counts.count(span.kind);
    }
    (replace_spans(text, &spans), counts)
}

/// Masks every personal marker, with what was masked by kind and rule (for the appeal card).
pub fn mask_with_reasons(text: &str) -> (String, MaskCounts, Vec<Masked>) {
    let spans = find_personal_data(text);
    let mut counts = MaskCounts::default();
    let mut reasons: Vec<Masked> = Vec::new();
    for span in &spans {
        counts.count(span.kind);
        match reasons.iter_mut().find(|r| r.kind == span.kind && r.rule == span.rule) {
            Some(r) => r.count += 1,
            None => reasons.push(Masked { kind: span.kind, rule: span.rule.to_string(), count: 1 }),
        }
    }
    (replace_spans(text, &spans), counts, reasons)
}

/// The text with each span replaced by the mark of its kind.
fn replace_spans(text: &str, spans: &[Span]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for span in spans {
        out.push_str(&text[copied..span.start]);
        out.push_str(span.kind.mask());
        copied = span.end;
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::with_check_digit;

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
        assert_eq!((counts.iins, counts.phones, counts.emails), (1, 2, 1));
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

    #[test]
    fn names_and_addresses_are_masked_and_organisations_kept() {
        let text =
            "Прошу проверить ТОО «Кайнар Алем» и ИП Галымжанова А. Проживаю: г. Алматы, ул. Абая, д. 10, кв. 5. \
                    Соседка Иванова Т.Л. и Пётр Сергеевич Смирнов подтвердят. С уважением, Айгерим Сапарова";
        let (masked, counts, reasons) = mask_with_reasons(text);
        assert!(masked.contains("ТОО «Кайнар Алем»") && masked.contains("ИП Галымжанова А."), "{masked}");
        assert!(masked.contains("г. Алматы, [АДРЕС]"), "{masked}");
        for raw in ["Абая, д. 10", "Иванова Т.Л.", "Сергеевич", "Айгерим Сапарова"]
        {
            assert!(!masked.contains(raw), "{raw} survived in {masked}");
        }
        assert_eq!((counts.names, counts.addresses), (3, 1));
        assert!(reasons.iter().any(|r| r.kind == MarkerKind::Name && r.rule == "signature"));
    }

    #[test]
    fn kazakh_names_and_addresses_too() {
        let text = "Құрметпен, Ерлан Серікұлы. Мекенжайым: Абай көшесі, 10 үй, 5 пәтер. Тел: 8 701 555 44 33";
        let (masked, counts) = mask_personal_data(text);
        assert_eq!((counts.names, counts.addresses, counts.phones), (1, 1, 1), "{masked}");
        assert!(!masked.contains("Серікұлы") && !masked.contains("Абай көшесі"), "{masked}");
    }
}
