//! Reference classifiers: KATO (territory) and OKED (economic activity).
//!
//! Exports carry full codes; the card and the analytics group by the top level. We keep the code
//! exactly as the registry gave it (normalised) and derive the region from the first two KATO
//! digits and the OKED section (A–U) from the two-digit division, as the classifiers define them.

use serde::Serialize;

/// One of Kazakhstan's 20 top-level administrative units (17 regions and 3 cities of republican
/// significance), with the two-digit KATO prefix that opens every code inside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Region {
    pub code: &'static str,
    pub name_ru: &'static str,
    pub name_kk: &'static str,
    pub name_en: &'static str,
}

/// The top-level units as of 2022 (Abai, Zhetysu and Ulytau regions created that year).
/// The codes agree with ISO 3166-2:KZ, which adopted the KATO prefixes.
pub const REGIONS: [Region; 20] = [
    Region {
        code: "10", name_ru: "Абайская область", name_kk: "Абай облысы", name_en: "Abai Region"
    },
    Region {
        code: "11", name_ru: "Акмолинская область", name_kk: "Ақмола облысы", name_en: "Akmola Region"
    },
    Region {
        code: "15", name_ru: "Актюбинская область", name_kk: "Ақтөбе облысы", name_en: "Aktobe Region"
    },
    Region {
        code: "19", name_ru: "Алматинская область", name_kk: "Алматы облысы", name_en: "Almaty Region"
    },
    Region {
        code: "23", name_ru: "Атырауская область", name_kk: "Атырау облысы", name_en: "Atyrau Region"
    },
    Region {
        code: "27",
        name_ru: "Западно-Казахстанская область",
        name_kk: "Батыс Қазақстан облысы",
        name_en: "West Kazakhstan Region",
    },
    Region {
        code: "31", name_ru: "Жамбылская область", name_kk: "Жамбыл облысы", name_en: "Zhambyl Region"
    },
    Region {
        code: "33", name_ru: "Жетысуская область", name_kk: "Жетісу облысы", name_en: "Zhetysu Region"
    },
    Region {
        code: "35", name_ru: "Карагандинская область", name_kk: "Қарағанды облысы", name_en: "Karaganda Region"
    },
    Region {
        code: "39", name_ru: "Костанайская область", name_kk: "Қостанай облысы", name_en: "Kostanay Region"
    },
    Region {
        code: "43", name_ru: "Кызылординская область", name_kk: "Қызылорда облысы", name_en: "Kyzylorda Region"
    },
    Region {
        code: "47", name_ru: "Мангистауская область", name_kk: "Маңғыстау облысы", name_en: "Mangystau Region"
    },
    Region {
        code: "55", name_ru: "Павлодарская область", name_kk: "Павлодар облысы", name_en: "Pavlodar Region"
    },
    Region {
        code: "59",
        name_ru: "Северо-Казахстанская область",
        name_kk: "Солтүстік Қазақстан облысы",
        name_en: "North Kazakhstan Region",
    },
    Region {
        code: "61", name_ru: "Туркестанская область", name_kk: "Түркістан облысы", name_en: "Turkistan Region"
    },
    Region {
        code: "62", name_ru: "Улытауская область", name_kk: "Ұлытау облысы", name_en: "Ulytau Region"
    },
    Region {
        code: "63",
        name_ru: "Восточно-Казахстанская область",
        name_kk: "Шығыс Қазақстан облысы",
        name_en: "East Kazakhstan Region",
    },
    Region { code: "71", name_ru: "город Астана", name_kk: "Астана қаласы", name_en: "Astana" },
    Region { code: "75", name_ru: "город Алматы", name_kk: "Алматы қаласы", name_en: "Almaty" },
    Region {
        code: "79", name_ru: "город Шымкент", name_kk: "Шымкент қаласы", name_en: "Shymkent"
    },
];

/// Looks a region up by its two-digit KATO prefix.
pub fn region_by_code(code: &str) -> Option<&'static Region> {
    REGIONS.iter().find(|r| r.code == code)
}

/// A validated 9-digit KATO code and the region it lies in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kato {
    pub code: String,
    pub region: &'static Region,
}

/// Parses a full KATO code: exactly 9 digits whose first two name one of the 20 top-level units.
pub fn parse_kato(text: &str) -> Result<Kato, String> {
    let code = text.trim();
    if code.len() != 9 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("'{code}' is not a KATO code (expected 9 digits)"));
    }
    let region = region_by_code(&code[..2])
        .ok_or_else(|| format!("'{code}' starts with {}, which is not a region of Kazakhstan", &code[..2]))?;
    Ok(Kato { code: code.to_string(), region })
}

/// A validated OKED code in its canonical dotted form (`47`, `47.1`, `47.11`, `47.11.0`) and its section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Oked {
    pub code: String,
    pub section: char,
}

/// Parses an OKED code written as `47.11`, `47.11.0` or `47110` (2 to 5 digits, dots optional).
pub fn parse_oked(text: &str) -> Result<Oked, String> {
    let raw = text.trim();
    let digits: String = raw.chars().filter(|c| *c != '.').collect();
    let well_formed = (2..=5).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && raw.chars().all(|c| c.is_ascii_digit() || c == '.');
    if !well_formed {
        return Err(format!("'{raw}' is not an OKED code (expected 2–5 digits such as 47.11 or 47110)"));
    }
    let division: u8 = digits[..2].parse().expect("two ASCII digits");
    let section =
        oked_section(division).ok_or_else(|| format!("'{raw}': division {division:02} does not exist in OKED"))?;
    let code = match digits.len() {
        2 => digits.clone(),
        3 => format!("{}.{}", &digits[..2], &digits[2..]),
        4 => format!("{}.{}", &digits[..2], &digits[2..]),
        _ => format!("{}.{}.{}", &digits[..2], &digits[2..4], &digits[4..]),
    };
    Ok(Oked { code, section })
}

/// The OKED section letter of a two-digit division (OKED follows NACE Rev. 2).
pub fn oked_section(division: u8) -> Option<char> {
    Some(match division {
        1..=3 => 'A',
        5..=9 => 'B',
        10..=33 => 'C',
        35 => 'D',
        36..=39 => 'E',
        41..=43 => 'F',
        45..=47 => 'G',
        49..=53 => 'H',
        55..=56 => 'I',
        58..=63 => 'J',
        64..=66 => 'K',
        68 => 'L',
        69..=75 => 'M',
        77..=82 => 'N',
        84 => 'O',
        85 => 'P',
        86..=88 => 'Q',
        90..=93 => 'R',
        94..=96 => 'S',
        97..=98 => 'T',
        99 => 'U',
        _ => return None,
    })
}

/// Names of the OKED sections in Russian, Kazakh and English, for cards and reports.
pub fn oked_section_names(section: char) -> Option<(&'static str, &'static str, &'static str)> {
    Some(match section {
        'A' => (
            "Сельское, лесное и рыбное хозяйство",
            "Ауыл, орман және балық шаруашылығы",
            "Agriculture, forestry and fishing",
        ),
        'B' => ("Горнодобывающая промышленность", "Тау-кен өндіру өнеркәсібі", "Mining and quarrying"),
        'C' => ("Обрабатывающая промышленность", "Өңдеу өнеркәсібі", "Manufacturing"),
        'D' => (
            "Электроснабжение, подача газа, пара",
            "Электрмен, газбен, бумен жабдықтау",
            "Electricity, gas, steam supply",
        ),
        'E' => ("Водоснабжение, отходы", "Сумен жабдықтау, қалдықтар", "Water supply, waste management"),
        'F' => ("Строительство", "Құрылыс", "Construction"),
        'G' => ("Оптовая и розничная торговля", "Көтерме және бөлшек сауда", "Wholesale and retail trade"),
        'H' => ("Транспорт и складирование", "Көлік және қоймалау", "Transportation and storage"),
        'I' => ("Услуги по проживанию и питанию", "Тұру және тамақтану қызметтері", "Accommodation and food service"),
        'J' => ("Информация и связь", "Ақпарат және байланыс", "Information and communication"),
        'K' => (
            "Финансовая и страховая деятельность",
            "Қаржы және сақтандыру қызметі",
            "Financial and insurance activities",
        ),
        'L' => ("Операции с недвижимым имуществом", "Жылжымайтын мүлікпен операциялар", "Real estate activities"),
        'M' => (
            "Профессиональная, научная и техническая деятельность",
            "Кәсіби, ғылыми және техникалық қызмет",
            "Professional, scientific and technical activities",
        ),
        'N' => (
            "Административное и вспомогательное обслуживание",
            "Әкімшілік және қосалқы қызмет көрсету",
            "Administrative and support service activities",
        ),
        'O' => (
            "Государственное управление и оборона",
            "Мемлекеттік басқару және қорғаныс",
            "Public administration and defence",
        ),
        'P' => ("Образование", "Білім беру", "Education"),
        'Q' => (
            "Здравоохранение и социальные услуги",
            "Денсаулық сақтау және әлеуметтік қызметтер",
            "Human health and social work",
        ),
        'R' => {
            ("Искусство, развлечения и отдых", "Өнер, ойын-сауық және демалыс", "Arts, entertainment and recreation")
        }
        'S' => ("Предоставление прочих видов услуг", "Басқа да қызмет түрлерін ұсыну", "Other service activities"),
        'T' => ("Деятельность домашних хозяйств", "Үй шаруашылықтарының қызметі", "Activities of households"),
        'U' => (
            "Деятельность экстерриториальных организаций",
            "Экстерриториялық ұйымдардың қызметі",
            "Extraterritorial organisations",
        ),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_are_twenty_distinct_top_level_units() {
        let mut codes: Vec<_> = REGIONS.iter().map(|r| r.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), 20);
    }

    #[test]
    fn kato_gives_its_region() {
        assert_eq!(parse_kato("751110000").unwrap().region.name_en, "Almaty");
        assert!(parse_kato("991110000").is_err());
        assert!(parse_kato("7511").is_err());
    }

    #[test]
    fn oked_in_every_written_form_gives_the_same_code_and_section() {
        assert_eq!(parse_oked("47.11").unwrap(), Oked { code: "47.11".into(), section: 'G' });
        assert_eq!(parse_oked("47.11.0").unwrap(), Oked { code: "47.11.0".into(), section: 'G' });
        assert_eq!(parse_oked("47110").unwrap(), Oked { code: "47.11.0".into(), section: 'G' });
        assert_eq!(parse_oked("01.11").unwrap().section, 'A');
        assert!(parse_oked("04.1").is_err());
        assert!(parse_oked("4x.11").is_err());
    }
}
