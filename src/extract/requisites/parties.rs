//! The parties of a document: the body that issued it (its letterhead, or a court's first
//! sentence) and whom it is addressed to (the «кому» block, or the organisation a form's «Кому:»
//! label names).
//! Read from the first page's top, as `header` reads the kind and the numbers.

use serde_json::json;

use super::header::{header, lines, names_kind, reads_as_sentence, title_text, TITLE_LINES};
use super::{CandidateFact, PageText, Rules};

/// Nouns that begin a body's own name in Russian (a parent's name stands on the lines above).
const RU_BODY_NOUNS: &[&str] = &[
    "ПРОКУРАТУРА",
    "ДЕПАРТАМЕНТ",
    "УПРАВЛЕНИЕ",
    "КОМИТЕТ",
    "МИНИСТЕРСТВО",
    "АКИМАТ",
    "АГЕНТСТВО",
    "ИНСПЕКЦИЯ",
    "ОТДЕЛ",
];
/// A parent body named in the genitive after the addressee's own («Начальнику управления … /
/// Департамента государственных доходов по … области»): the name runs on.
const RU_PARENT_GENITIVES: &[&str] = &[
    "ДЕПАРТАМЕНТА",
    "УПРАВЛЕНИЯ",
    "КОМИТЕТА",
    "МИНИСТЕРСТВА",
    "АКИМАТА",
    "ОТДЕЛА",
    "АГЕНТСТВА",
    "ИНСПЕКЦИИ",
    "ФИЛИАЛА",
    "ПРОКУРАТУРЫ",
];
/// The legal forms an organisation's name opens with in Russian and Kazakh texts.
/// (State enterprises' Kazakh forms — «МКК», «РМК», «МКҚК» … — from 2026.11.28f, the ninth set's
/// «… МКК директорына».)
const ORGANISATION_FORMS: &[&str] = &[
    "ТОО", "АО", "ИП", "ГУ", "КГУ", "РГУ", "РГП", "ГКП", "КГП", "ГККП", "КГКП", "РГКП", "НАО", "ПК", "ЖШС", "АҚ", "ЖК",
    "ММ", "КММ", "РММ", "МКК", "РМК", "КМК", "МКҚК", "КМҚК", "РМҚК", "КЕАҚ",
];
/// Nouns that end a body's own name in Kazakh («… ОБЛЫСЫНЫҢ ПРОКУРАТУРАСЫ»).
const KK_BODY_NOUNS: &[&str] = &[
    "ПРОКУРАТУРАСЫ",
    "ДЕПАРТАМЕНТІ",
    "БАСҚАРМАСЫ",
    "КОМИТЕТІ",
    "МИНИСТРЛІГІ",
    "ӘКІМДІГІ",
    "АГЕНТТІГІ",
    "ИНСПЕКЦИЯСЫ",
    "БӨЛІМІ",
    "СОТЫ",
];

/// The nouns a higher body's name ends with, in a block of its own above its territorial body's.
const PARENT_NOUNS: &[&str] = &["МИНИСТРЛІГІ", "КОМИТЕТІ", "МИНИСТЕРСТВО", "КОМИТЕТ"];
/// How large a place a Kazakh place word names, in the form that heads a name («Шымкент қаласы
/// Абай ауданының …») or in the genitive of a name it heads: a region over a city over a district
/// over a village.
fn place_rank(word: &str) -> Option<u8> {
    const RANKS: [(&str, u8); 6] = [("облыс", 4), ("қала", 3), ("аудан", 2), ("округ", 1), ("ауыл", 1), ("кент", 1)];
    let word = word.trim_end_matches([',', '.']);
    RANKS
        .iter()
        .find(|(stem, _)| word.starts_with(stem) && word.chars().count() <= stem.chars().count() + 5)
        .map(|(_, r)| *r)
}

/// The smallest territory a body's name names, ranked as `place_rank` (a region 4, a city 3, a
/// district 2, a village 1), in Russian («ПО ЖАМБЫЛСКОЙ ОБЛАСТИ», «ПО ГОРОДУ ТАРАЗ», «РАЙОНА») or
/// Kazakh («… ОБЛЫСЫ БОЙЫНША», «… АУДАНЫНЫҢ»); `None` when it names none.
fn territory_rank(name: &str) -> Option<u8> {
    const RU: [(&str, u8); 4] = [("област", 4), ("город", 3), ("район", 2), ("сельск", 1)];
    name.to_lowercase()
        .split_whitespace()
        .filter_map(|word| {
            let word = word.trim_matches(|c: char| !c.is_alphabetic());
            RU.iter().find(|(stem, _)| word.starts_with(stem)).map(|(_, r)| *r).or_else(|| place_rank(word))
        })
        .min()
}

/// A parent body's name in the Kazakh genitive, ending the line above a territorial body's own.
const KK_PARENT_GENITIVES: &[&str] =
    &["КОМИТЕТІНІҢ", "МИНИСТРЛІГІНІҢ", "ДЕПАРТАМЕНТІНІҢ", "АГЕНТТІГІНІҢ", "ПРОКУРАТУРАСЫНЫҢ", "ИНСПЕКЦИЯСЫНЫҢ"];

/// How many of a text's letters only Kazakh writes, and how many letters it has.
fn kazakh_letters(text: &str) -> (usize, usize) {
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    (text.chars().filter(|&c| crate::extract::kazakh::is_kazakh_letter(c)).count(), letters)
}

/// Whether a text is written in Kazakh: its letters include the ones Russian lacks.
fn is_kazakh(text: &str) -> bool {
    let (kazakh, letters) = kazakh_letters(text);
    letters > 0 && kazakh * 60 >= letters
}

/// Whether a word ends in the Kazakh genitive («ОБЛЫСЫНЫҢ», «прокурорының»), in either case.
pub(super) fn kazakh_genitive(word: &str) -> bool {
    let word = word.to_lowercase();
    ["ның", "нің", "дың", "дің", "тың", "тің"].iter().any(|g| word.ends_with(g))
}

/// Whether the document speaks Kazakh: its text below the title, or where no title was found, the
/// whole page — Kazakh prose has its own letters in one letter of seven or more (11–20 % in the
/// frozen sets' texts), Russian prose with Kazakh names and a bilingual letterhead under one in a
/// hundred, so one in twenty parts them. (Lines were once read only when long, as sentences are; an
/// OCR'd page wraps at five or six Russian words, and the letterhead's merged address line was all
/// that was left.)
fn speaks_kazakh(text: &str, title_at: Option<usize>) -> bool {
    if let Some(at) = title_at {
        return is_kazakh(&text[at..]);
    }
    let (kazakh, letters) = kazakh_letters(text);
    letters > 0 && kazakh * 20 >= letters
}

/// A word without the quotes a name puts round itself («ОТДЕЛ … КОСТАНАЯ»).
fn unquoted(word: &str) -> &str {
    word.trim_matches(['«', '»', '"'])
}

/// The body's own name in a letterhead block of lines (byte spans): the last name in it, after the
/// parents' names above it («ГЕНЕРАЛЬНАЯ ПРОКУРАТУРА / РЕСПУБЛИКИ КАЗАХСТАН / ПРОКУРАТУРА ЖАМБЫЛСКОЙ
/// ОБЛАСТИ»; «ҚАЗАҚСТАН РЕСПУБЛИКАСЫ / БАС ПРОКУРАТУРАСЫ / ЖАМБЫЛ ОБЛЫСЫНЫҢ ПРОКУРАТУРАСЫ»), its
/// wrapped lines joined.
fn own_name(top: &str, block: &[(usize, usize)]) -> Option<Vec<(usize, usize)>> {
    let block = split_after_parents(top, block);
    let block = &block[..];
    let mut names: Vec<Vec<(usize, usize)>> = vec![Vec::new()];
    let mut named = false;
    for (at, &(start, end)) in block.iter().enumerate() {
        let upper = top[start..end].trim().to_uppercase();
        let first = upper.split_whitespace().next().unwrap_or("");
        let last = upper.split_whitespace().last().unwrap_or("");
        // A body's own name opens with its noun, or with its legal form and the noun in quotes
        // («ГУ «ОТДЕЛ ПРЕДПРИНИМАТЕЛЬСТВА …»» under «АКИМАТ ГОРОДА КОСТАНАЯ»).
        let second = unquoted(upper.split_whitespace().nth(1).unwrap_or(""));
        let opens_body =
            RU_BODY_NOUNS.contains(&first) || (ORGANISATION_FORMS.contains(&first) && RU_BODY_NOUNS.contains(&second));
        if named && opens_body {
            names.push(Vec::new());
            named = false;
        }
        // A body's noun alone on its line is no name of its own but the end of the one above, whose
        // last word was a body's noun in the possessive («МЕМЛЕКЕТТІК ЕҢБЕК ИНСПЕКЦИЯСЫ⏎БАСҚАРМАСЫ»: the
        // inspection's administration; the fifteenth set's resolution, issuer read as «БАСҚАРМАСЫ»).
        let lone_noun = {
            let words: Vec<&str> = upper.split_whitespace().map(unquoted).collect();
            words.len() == 1 && KK_BODY_NOUNS.contains(&words[0])
        };
        if lone_noun && names.len() >= 2 && names.last().is_some_and(Vec::is_empty) {
            let above = names[names.len() - 2].last().map(|&(s, e)| top[s..e].to_uppercase());
            let ends_in_noun = above
                .as_deref()
                .and_then(|l| l.split_whitespace().last())
                .is_some_and(|w| KK_BODY_NOUNS.contains(&unquoted(w)));
            if ends_in_noun {
                names.pop();
                named = true;
            }
        }
        names.last_mut().expect("one name at least").push((start, end));
        named |=
            upper.split_whitespace().map(unquoted).any(|w| RU_BODY_NOUNS.contains(&w) || KK_BODY_NOUNS.contains(&w));
        // A parent in the genitive closing its line, over the body's own name («… КОМИТЕТІНІҢ /
        // МАҢҒЫСТАУ ОБЛЫСЫ БОЙЫНША ЭКОЛОГИЯ ДЕПАРТАМЕНТІ», «… МИНИСТРЛІГІНІҢ / ҚОСТАНАЙ ОБЛЫСЫНЫҢ …
        // ДЕПАРТАМЕНТІ»): the parent's name ends there. An akimat's department keeps it («… ОБЛЫСЫ
        // ӘКІМДІГІНІҢ / ВЕТЕРИНАРИЯ БАСҚАРМАСЫ»: not a parent genitive), and a name in quotes runs on.
        let more = at + 1 < block.len();
        let open_quote = {
            let name = names.last().expect("one name at least");
            let text: String = name.iter().map(|&(s, e)| &top[s..e]).collect();
            text.matches('«').count() > text.matches('»').count()
        };
        let parent_genitive = KK_PARENT_GENITIVES.contains(&last)
            && more
            && (!open_quote || {
                let name = names.last().expect("one name at least");
                name.iter().any(|&(s, e)| names_ministry(&top[s..e]))
            });
        // A name in quotes closed with its legal form after it («… БАСҚАРМАСЫ» ММ, «…» РГУ) ends
        // there: the line under it is the title's lead («Тексеруді тағайындау туралы»), never more
        // of the name.
        let closed_with_form = {
            let words: Vec<&str> = upper.split_whitespace().collect();
            words.len() >= 2
                && ORGANISATION_FORMS.contains(&words[words.len() - 1])
                && words[words.len() - 2].ends_with('»')
                && !open_quote
        };
        if KK_BODY_NOUNS.contains(&last) || parent_genitive || closed_with_form {
            names.push(Vec::new());
            named = false;
        }
    }
    // The last name that names a body: a line below it without one («Әкімшілік жаза қолдану
    // туралы», the first line of a Kazakh title) is not the issuer's.
    let names_a_body = |name: &&Vec<(usize, usize)>| {
        name.iter().any(|&(s, e)| {
            top[s..e]
                .to_uppercase()
                .split_whitespace()
                .map(unquoted)
                .any(|w| RU_BODY_NOUNS.contains(&w) || KK_BODY_NOUNS.contains(&w))
        })
    };
    let name = names
        .iter()
        .rev()
        .find(|n| !n.is_empty() && names_a_body(n))
        .or_else(|| names.iter().rev().find(|n| !n.is_empty()))?;
    Some(name.clone())
}

/// A letterhead's lines with a line cut after a Kazakh parent's genitive standing inside it, when
/// the words after it end in a body's noun and no quote is open («ҚАЗАҚСТАН РЕСПУБЛИКАСЫ ТӨТЕНШЕ
/// ЖАҒДАЙЛАР МИНИСТРЛІГІНІҢ ҚОСТАНАЙ ОБЛЫСЫНЫҢ ТӨТЕНШЕ ЖАҒДАЙЛАР ДЕПАРТАМЕНТІ» is two names). A
/// name wrapped over narrow lines (a table's cell in a PDF: «… РЕТТЕУ ЖӘНЕ БАҚЫЛАУ⏎КОМИТЕТІНІҢ
/// АТЫРАУ ОБЛЫСЫ⏎БОЙЫНША ЭКОЛОГИЯ⏎ДЕПАРТАМЕНТІ» РММ») is cut after the block's last such genitive
/// when the block's last line ends in the body's noun. Inside quotes only a state institution's
/// name that names its ministry is cut (`names_ministry`).
fn split_after_parents(top: &str, block: &[(usize, usize)]) -> Vec<(usize, usize)> {
    // The body's noun last, or before the quote and legal form closing a state institution's name
    // («… ДЕПАРТАМЕНТІ» РММ»).
    let ends_named = |line: &str| {
        let upper = line.to_uppercase();
        let mut words: Vec<&str> = upper.split_whitespace().collect();
        if words.len() >= 2 && ORGANISATION_FORMS.contains(&words[words.len() - 1]) {
            words.pop();
        }
        KK_BODY_NOUNS.contains(&words.last().map_or("", |w| w.trim_end_matches('»')))
    };
    // Where a parent's genitive ends inside each line (not at its end: `own_name` parts there).
    let inner_genitives = |line: &str| -> Vec<usize> {
        let mut offset = 0;
        let mut out = Vec::new();
        for word in line.split_whitespace() {
            let at = offset + line[offset..].find(word).unwrap_or(0);
            offset = at + word.len();
            if offset < line.trim_end().len() && KK_PARENT_GENITIVES.contains(&word.to_uppercase().as_str()) {
                out.push(offset);
            }
        }
        out
    };
    let block_text: String = block.iter().map(|&(s, e)| &top[s..e]).collect::<Vec<_>>().join(" ");
    let quotes_allow = |line: &str| !line.contains('«') || names_ministry(&block_text);
    // The last line ending in a body's noun (a title's lead may stand below it in the block).
    let named_at = block.iter().rposition(|&(s, e)| ends_named(&top[s..e]));
    // The last genitive above it, when no line between holds another at its end.
    let last_inner = block[..named_at.unwrap_or(0)].iter().enumerate().rev().find_map(|(i, &(s, e))| {
        let line = &top[s..e];
        let last_word = line.split_whitespace().last().unwrap_or("").to_uppercase();
        if KK_PARENT_GENITIVES.contains(&last_word.as_str()) && i + 1 < block.len() {
            return Some(None);
        }
        inner_genitives(line).last().map(|&at| Some((i, at)))
    });
    let mut out = Vec::with_capacity(block.len());
    for (i, &(start, end)) in block.iter().enumerate() {
        let line = &top[start..end];
        let mut cut = None;
        if ends_named(line) && quotes_allow(line) {
            cut = inner_genitives(line).last().copied();
        } else if named_at.is_some_and(|at| i < at) && quotes_allow(&block_text) {
            cut = match last_inner {
                Some(Some((at_line, at))) if at_line == i => Some(at),
                _ => None,
            };
        }
        match cut {
            Some(at) => {
                let rest = line[at..].len() - line[at..].trim_start().len();
                out.push((start, start + at));
                out.push((start + at + rest, end));
            }
            None => out.push((start, end)),
        }
    }
    out
}

/// Whether a Kazakh name names a ministry («ҚАРЖЫ МИНИСТРЛІГІ», «… МИНИСТРЛІГІНІҢ»): a state
/// institution's full name in quotes names its ministry and committee before its own («ҚАЗАҚСТАН
/// РЕСПУБЛИКАСЫ ҚАРЖЫ МИНИСТРЛІГІ МЕМЛЕКЕТТІК КІРІСТЕР КОМИТЕТІНІҢ ҚОСТАНАЙ ОБЛЫСЫ БОЙЫНША …
/// ДЕПАРТАМЕНТІ» РММ»), and the body is the last of them, as it is outside quotes. A name in quotes
/// without a ministry is one body's («ОРМАН … КОМИТЕТІНІҢ» stays whole inside its quotes).
fn names_ministry(text: &str) -> bool {
    text.to_uppercase().split_whitespace().any(|w| w.trim_matches(['«', '»']).starts_with("МИНИСТРЛІГІ"))
}

/// The non-empty cells of a table row (a line whose cells a tab separates), trimmed, as byte spans
/// of `text`; a line without tabs is one cell.
fn cells(text: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut at = start;
    for cell in text[start..end].split('\t') {
        let trimmed = cell.trim();
        if !trimmed.is_empty() {
            let offset = at + cell.find(trimmed).unwrap_or(0);
            out.push((offset, offset + trimmed.len()));
        }
        at += cell.len() + 1;
    }
    out
}

/// The court as its decision names it at the start of the first sentence: «Специализированный
/// межрайонный экономический суд Карагандинской области в составе …», «Специализированный
/// межрайонный суд по административным правонарушениям города Алматы, рассмотрев дело …» (the
/// fourteenth set's resolution), «Жамбыл облысының мамандандырылған ауданаралық әкімшілік соты
/// төрағалық етуші …».
pub(crate) fn court_named(top: &str) -> Option<(usize, usize)> {
    static RU: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    static KK: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let ru = RU.get_or_init(|| {
        // A justified PDF line may break the name word by word («Специализированный⏎межрайонный⏎…
        // суд⏎Атырауской области в составе»): before «суд» a break only into a lower-case word (so a
        // line above, «город Атырау», never joins), after it any; never a figure or «№».
        regex::Regex::new(r"(?m)^[ \t]*(\p{Lu}(?:[^\n№0-9]|\n\p{Ll}){0,150}?\n?\bсуд\b(?:[^\n№0-9]|\n[^\n№0-9]){0,80}?)(?:\s+в\s+составе|,\s+рассмотрев)")
            .expect("compiles")
    });
    let kk = KK.get_or_init(|| {
        regex::Regex::new(r"(?m)^[ \t]*(\p{Lu}(?:[^\n№0-9]|\n\p{Ll}){0,150}?\n?\bсоты)\b").expect("compiles")
    });
    [ru, kk]
        .iter()
        .filter_map(|re| re.captures(top).and_then(|c| c.get(1)))
        .filter(|m| m.as_str().split_whitespace().count() <= 14 && !m.as_str().contains('№'))
        .min_by_key(|m| m.start())
        .map(|m| (m.start(), m.end()))
}

/// The issuing body from the letterhead: the blocks above the title (lines between empty lines,
/// a table's cells), their address lines left out; in a bilingual letterhead, the block in the
/// document's own language. `None` when the letterhead names no body this way.
fn letterhead_issuer(page: &PageText, top: &str, rules: &Rules) -> Option<((usize, usize), String)> {
    let mut blocks: Vec<Vec<(usize, usize)>> = vec![Vec::new()];
    // Where the letterhead ends: the title, below which the document speaks its own language.
    let mut title_at = None;
    for (start, end) in lines(top).into_iter().take(TITLE_LINES + 6) {
        let line = &top[start..end];
        if !reads_as_sentence(line) && rules.doc_types.iter().any(|t| names_kind(&title_text(line, rules), t)) {
            title_at = Some(start);
            break;
        }
        if line.trim().is_empty() {
            blocks.push(Vec::new());
            continue;
        }
        // A table row of one-line cells: each cell a block of its own.
        if line.contains('\t') {
            blocks.extend(cells(top, start, end).into_iter().map(|cell| vec![cell]));
            blocks.push(Vec::new());
            continue;
        }
        blocks.last_mut().expect("a block").push((start, end));
    }
    let blocks = join_broken_blocks(top, blocks);
    let candidates: Vec<((usize, usize), String)> = blocks
        .iter()
        .filter_map(|block| {
            // The name's lines: up to the first with figures (an address, a phone, a date) or the
            // first that addresses someone.
            let addresses =
                |line: &str| rules.addressee_openers.is_match(line) || rules.addressee_endings.is_match(line);
            let name: Vec<(usize, usize)> = block
                .iter()
                .copied()
                .take_while(|&(s, e)| {
                    let line = &top[s..e];
                    !line.contains('№')
                        && !line.chars().any(|c| c.is_ascii_digit())
                        && !addresses(line.trim())
                        && !place_of_writing(line)
                })
                .collect();
            let lines = own_name(top, &name)?;
            let text = name_value(&lines.iter().map(|&(s, e)| &top[s..e]).collect::<Vec<_>>().join("\n"));
            let span = (lines.first()?.0, lines.last()?.1);
            (rules.issuer.is_match(&text) && text.split_whitespace().count() <= 16).then_some((span, text))
        })
        .collect();
    let document_kazakh = speaks_kazakh(page.text, title_at);
    let in_language: Vec<&((usize, usize), String)> =
        candidates.iter().filter(|(_, text)| is_kazakh(text) == document_kazakh).collect();
    // A parent body's block over its child's («ҚАРЖЫ МИНИСТРЛІГІНІҢ / МЕМЛЕКЕТТІК КІРІСТЕР КОМИТЕТІ»
    // above «ЖАМБЫЛ ОБЛЫСЫ БОЙЫНША … ДЕПАРТАМЕНТІ», set apart by an empty line) is not the issuer.
    // So is a ministry, a committee, the General Prosecutor's Office or an akimat named first in
    // Russian («МИНИСТЕРСТВО ТРУДА … РЕСПУБЛИКИ КАЗАХСТАН», «АКИМАТ МАНГИСТАУСКОЙ ОБЛАСТИ») or as
    // «… БАС ПРОКУРАТУРАСЫ», in a table's row of its own over the body's row (2026.11.28e).
    // Only over a name set as a letterhead sets one — in capitals, or opening with its legal form:
    // an akimat's own answer has the text's sentences below it, never its child's name.
    let capitals = |text: &str| text.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase);
    let letterhead_like =
        |text: &str| capitals(text) || ORGANISATION_FORMS.contains(&text.split_whitespace().next().unwrap_or(""));
    let parent = |text: &str, below: Option<&&((usize, usize), String)>| {
        let upper = text.to_uppercase();
        let words: Vec<&str> = upper.split_whitespace().collect();
        let last = words.last().copied().unwrap_or("");
        let first = words.first().copied().unwrap_or("");
        let named_first = matches!(first, "МИНИСТЕРСТВО" | "КОМИТЕТ" | "АКИМАТ")
            || upper.starts_with("ГЕНЕРАЛЬНАЯ ПРОКУРАТУРА")
            || upper.ends_with("БАС ПРОКУРАТУРАСЫ");
        match below {
            None => false,
            Some((_, below)) => PARENT_NOUNS.contains(&last) || named_first && letterhead_like(below),
        }
    };
    // A body over a smaller territory's body is its parent too: «ДЕПАРТАМЕНТ … ПО ЖАМБЫЛСКОЙ
    // ОБЛАСТИ» above «УПРАВЛЕНИЕ … ПО ГОРОДУ ТАРАЗ», set apart by OCR's empty line.
    // Both in capitals, as a letterhead's bodies are; an addressee's block in mixed case below a
    // letterhead («ГУ «Отдел образования района»») is not the issuer's child.
    let over_smaller = |text: &str, below: Option<&&((usize, usize), String)>| {
        let Some((_, below)) = below else { return false };
        capitals(text)
            && capitals(below)
            && matches!((territory_rank(text), territory_rank(below)), (Some(a), Some(b)) if a > b)
    };
    // The last candidate is never skipped: one is chosen whenever any speaks the page's language.
    let chosen = in_language
        .iter()
        .enumerate()
        .find(|(i, (_, text))| {
            let below = in_language.get(i + 1);
            !(parent(text, below) || over_smaller(text, below))
        })
        .map(|(_, c)| *c)
        .or(candidates.first());
    chosen.cloned()
}

/// A line naming the place of writing under a letterhead: «г. Костанай», «город Тараз», «Өскемен қ.»
/// (the fourteenth set's warning as a PDF set it on its own line, read into the name).
fn place_of_writing(line: &str) -> bool {
    let line = line.trim();
    let words = line.split_whitespace().count();
    (2..=3).contains(&words)
        && (line.starts_with("г. ") || line.starts_with("город ") || line.ends_with(" қ.") || line.ends_with(" қаласы"))
}

/// Whether a line opens a Russian letterhead's column: its first word a body's noun or a legal form.
fn opens_russian_column(line: &str) -> bool {
    let first = line.split_whitespace().next().unwrap_or("").to_uppercase();
    RU_BODY_NOUNS.contains(&first.as_str())
        || ["ГЕНЕРАЛЬНАЯ", "РЕСПУБЛИКАНСКОЕ", "ГОСУДАРСТВЕННОЕ", "ГОСУДАРСТВЕННАЯ", "РГУ", "ГУ", "КГУ"]
            .contains(&first.as_str())
}

/// A line in capitals, no figures: how a letterhead sets a name.
fn capitals(line: &str) -> bool {
    line.chars().filter(|c| c.is_alphabetic()).count() >= 3
        && line.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase)
        && !line.chars().any(|c| c.is_ascii_digit())
}

/// A letterhead name's line: a word or three in capitals, no figures («ЭПИДЕМИОЛОГИЯЛЫҚ»).
fn capitals_continuation(line: &str) -> bool {
    (1..=3).contains(&line.split_whitespace().count()) && capitals(line)
}

/// Letterhead blocks an empty line broke inside a name put back together: OCR sets Tesseract's
/// paragraphs apart by empty lines, and a name's lines may fall into two («ПРОКУРАТУРА⏎⏎Есильского
/// района города Астаны», «… КІРІСТЕР⏎КОМИТЕТІНІҢ⏎⏎ТҮРКІСТАН ОБЛЫСЫ БОЙЫНША …», «ГОСУДАРСТВЕННАЯ
/// ИНСПЕКЦИЯ ТРУДА⏎⏎УПРАВЛЕНИЯ ЗАНЯТОСТИ …»). A block is unfinished when it is a body's noun alone
/// or its last word is a genitive (a parent's name waits for the body it heads), and a block opening
/// with a parent in the Russian genitive carries the one above on. When two columns were read one
/// under the other, a Kazakh name's last line may come after the Russian column («АТЫРАУ
/// ОБЛЫСЫНЫҢ⏎⏎ГЕНЕРАЛЬНАЯ ПРОКУРАТУРА …⏎⏎ПРОКУРАТУРАСЫ»): the unfinished Kazakh block waits for a
/// line that is a Kazakh body's noun alone. Table cells stay their own.
fn join_broken_blocks(top: &str, blocks: Vec<Vec<(usize, usize)>>) -> Vec<Vec<(usize, usize)>> {
    let text_of = |&(s, e): &(usize, usize)| top[s..e].trim();
    let words = |line: &str| line.split_whitespace().map(str::to_uppercase).collect::<Vec<_>>();
    let genitive_end = |block: &[(usize, usize)]| {
        block.last().is_some_and(|l| {
            let line = text_of(l);
            !line.chars().any(|c| c.is_ascii_digit()) && line.split_whitespace().last().is_some_and(kazakh_genitive)
        })
    };
    let lone_noun = |block: &[(usize, usize)]| {
        block.len() == 1 && {
            let w = words(text_of(&block[0]));
            w.len() == 1 && RU_BODY_NOUNS.contains(&w[0].as_str())
        }
    };
    // A Russian name runs on in the genitive: its parent body's or its place's («ГОРОДА АСТАНЫ»,
    // and a region's or a district's name alone on its line, «ЖАМБЫЛСКОЙ ОБЛАСТИ» under
    // «ДЕПАРТАМЕНТ ПО ЧРЕЗВЫЧАЙНЫМ СИТУАЦИЯМ» — the thirteenth set's photo set an empty line between).
    let runs_on = |block: &[(usize, usize)]| {
        block.first().is_some_and(|l| {
            words(text_of(l)).first().is_some_and(|w| {
                RU_PARENT_GENITIVES.contains(&w.as_str()) || ["ГОРОДА", "ОБЛАСТИ", "РАЙОНА"].contains(&w.as_str())
            })
        })
    };
    let place_under = |previous: &[(usize, usize)], block: &[(usize, usize)]| {
        let line = text_of(&block[0]);
        let w = words(line);
        let above = previous.iter().map(text_of).collect::<Vec<_>>().join(" ");
        let above = above.as_str();
        block.len() == 1
            && w.len() == 2
            && capitals(line)
            && !is_kazakh(line)
            && ["ОБЛАСТИ", "РАЙОНА"].contains(&w[1].as_str())
            && capitals(above)
            && !is_kazakh(above)
            && words(above).first().is_some_and(|w| RU_BODY_NOUNS.contains(&w.as_str()))
            && territory_rank(above).is_none()
    };
    // A Kazakh region's or city's name alone on its line («ТҮРКІСТАН ОБЛЫСЫ») over a smaller
    // territory's body («САЙРАМ АУДАНЫНЫҢ ПРОКУРАТУРАСЫ»), set apart by OCR's empty line: the
    // body's name begins with it, as it does when no line parts them (the eighteenth set's
    // submission, read as the district's office alone on its scans).
    let kazakh_place_over = |previous: &[(usize, usize)], block: &[(usize, usize)]| {
        let above = text_of(&previous[0]);
        let below = text_of(&block[0]);
        let above_words = words(above);
        let rank_of = |w: &String| place_rank(&w.to_lowercase());
        let above_rank = above_words.get(1).and_then(rank_of);
        let below_rank = words(below).iter().filter_map(rank_of).max();
        previous.len() == 1
            && above_words.len() == 2
            && capitals(above)
            && capitals(below)
            && is_kazakh(&format!("{above} {below}"))
            && !above.chars().any(|c| c.is_ascii_digit())
            && matches!((above_rank, below_rank), (Some(a), Some(b)) if b < a)
            && words(below).last().is_some_and(|w| KK_BODY_NOUNS.contains(&w.as_str()))
    };
    // The Kazakh name's last line come after the other column: a few words ending in a body's noun
    // («ПРОКУРАТУРАСЫ», «БАҚЫЛАУ ДЕПАРТАМЕНТІ»), no figures.
    let kazakh_noun_line = |line: &(usize, usize)| {
        let text = text_of(line);
        let w = words(text);
        (1..=3).contains(&w.len())
            && w.last().is_some_and(|last| KK_BODY_NOUNS.contains(&last.as_str()))
            && (w.len() == 1 || is_kazakh(text))
            && !text.chars().any(|c| c.is_ascii_digit())
    };
    // A Kazakh block that names no body yet: its last line a genitive (a parent's name or a place
    // waiting for the body) or no body's noun in it at all («АҚМОЛА ОБЛЫСЫНЫҢ / САНИТАРИЯЛЫҚ- /
    // ЭПИДЕМИОЛОГИЯЛЫҚ», its «БАҚЫЛАУ ДЕПАРТАМЕНТІ» read after the Russian column).
    let unfinished_kazakh = |block: &[(usize, usize)]| {
        let text: String = block.iter().map(text_of).collect::<Vec<_>>().join(" ");
        let names_body = words(&text).iter().any(|w| KK_BODY_NOUNS.contains(&w.as_str()));
        is_kazakh(&text)
            && block.last().is_some_and(|l| !text_of(l).chars().any(|c| c.is_ascii_digit()))
            && (genitive_end(block) || !names_body)
    };
    // Whether a block is a table's cell: the line it stands on has tabs.
    let cell = |block: &[(usize, usize)]| {
        let (s, e) = block[0];
        let line_start = top[..s].rfind('\n').map_or(0, |i| i + 1);
        let line_end = top[e..].find('\n').map_or(top.len(), |i| e + i);
        top[line_start..line_end].contains('\t')
    };
    let mut out: Vec<Vec<(usize, usize)>> = Vec::new();
    // A Kazakh block left unfinished across the other column (its index in `out`).
    let mut waiting: Option<usize> = None;
    for mut block in blocks.into_iter().filter(|b| !b.is_empty()) {
        if cell(&block) {
            out.push(block);
            continue;
        }
        if let Some(at) = waiting {
            if kazakh_noun_line(&block[0]) {
                out[at].push(block.remove(0));
                waiting = None;
                if block.is_empty() {
                    continue;
                }
            } else if block.len() <= 2
                && block.iter().all(|l| capitals_continuation(text_of(l)) && is_kazakh(text_of(l)))
            {
                // A middle line of the name read after the other column's place and date
                // («САНИТАРИЯЛЫҚ- ⏎ Қарағанды қ. ⏎ 2025 жылғы … ⏎ ЭПИДЕМИОЛОГИЯЛЫҚ ⏎ БАҚЫЛАУ …»).
                out[at].extend(block);
                if !unfinished_kazakh(&out[at]) {
                    waiting = None;
                }
                continue;
            }
        }
        match out.last_mut() {
            Some(previous)
                if !cell(previous) && unfinished_kazakh(previous) && opens_russian_column(text_of(&block[0])) =>
            {
                // The other column stands between: wait for the Kazakh name's last line.
                waiting = Some(out.len() - 1);
                out.push(block);
            }
            Some(previous)
                if !cell(previous)
                    && unfinished_kazakh(previous)
                    && previous.iter().map(|l| text_of(l).split_whitespace().count()).sum::<usize>() >= 2
                    && previous.iter().all(|l| capitals(text_of(l)))
                    && text_of(&block[0]).chars().any(char::is_lowercase)
                    && block.iter().any(|l| text_of(l).chars().any(|c| c.is_ascii_digit())) =>
            {
                // The other column's place and date read between the name's lines (OCR of a
                // letterhead table, the tenth set's scans): wait for the rest of the name.
                waiting = Some(out.len() - 1);
                out.push(block);
            }
            Some(previous)
                if !cell(previous)
                    && (genitive_end(previous)
                        || lone_noun(previous)
                        || runs_on(&block)
                        || place_under(previous, &block)
                        || kazakh_place_over(previous, &block)) =>
            {
                previous.extend(block)
            }
            _ => out.push(block),
        }
    }
    out
}

/// The addressee's name as a narrow right-hand block wraps it: from the line that addresses
/// (`index`), the lines of its block that carry the name on — a Kazakh name ends with its dative
/// («Шымкент қаласының жер / қатынастары басқармасының / басшысына»), so the lines above it that
/// lead into it are its beginning; a Russian name begins with it («Руководителю Департамента
/// экологии по / Мангистауской области»), so the lines below that carry it on are its end. A rank
/// or a person's name on the next line («старшему советнику юстиции», «Ахметову Н.К.») is not.
fn addressee_lines(top: &str, all: &[(usize, usize)], index: usize, rules: &Rules) -> (usize, usize) {
    let text = |i: usize| top[all[i].0..all[i].1].trim();
    let plain = |line: &str| {
        !line.is_empty() && !line.contains('№') && !line.contains('\t') && !line.chars().any(|c| c.is_ascii_digit())
    };
    let starts_lower = |line: &str| line.chars().next().is_some_and(char::is_lowercase);
    let (mut first, mut last) = (index, index);
    let line = text(index);
    let opens = rules.addressee_openers.is_match(line);
    if !opens {
        // Kazakh: the lines above that lead into the dative, while they are the name's — whether
        // the dative's line opens in lower case («басшысына») or with a name of its own («Сарыағаш
        // ауданының прокурорына» under «Түркістан облысы»). OCR may set an empty line inside the
        // block (Tesseract's paragraphs); one is stepped over when the line below it goes on in
        // lower case, as only a continuation does.
        let mut moves = 0;
        while moves < 4 {
            let gap = first >= 2 && text(first - 1).is_empty() && starts_lower(text(first));
            let above_at = if gap {
                first - 2
            } else if first > 0 {
                first - 1
            } else {
                break;
            };
            let above = text(above_at);
            let last_word = above.split_whitespace().last().unwrap_or("").trim_end_matches([',', '.']);
            let genitive = kazakh_genitive(last_word);
            // «Шымкент қаласы / Абай ауданының / прокурорына»: a place in its own form («қаласы»,
            // «облысы») over a proper name leads into it too.
            // Only a larger place heads a smaller one: «Павлодар қаласы» over «Павлодар облысының …»
            // is the place the letter was written in, not the addressee's.
            let place = place_rank(&last_word.to_lowercase()).is_some_and(|above_rank| {
                let below = text(first);
                let below_rank =
                    below.split_whitespace().filter_map(|w| place_rank(&w.to_lowercase())).max().unwrap_or(0);
                below.chars().next().is_some_and(char::is_uppercase) && below_rank < above_rank
            });
            // «Алматы облысы бойынша / … департаментінің / басшысына»: «бойынша» (“for”) waits for
            // the body it qualifies. ««Маңғыстау Құрылыс Монтаж» / ЖШС директорына»: a name in
            // quotes over its legal form is the firm the post is of.
            let qualifies = last_word.to_lowercase() == "бойынша";
            let firm_over_form = above.starts_with('«')
                && above.ends_with('»')
                && ORGANISATION_FORMS.contains(&text(first).split_whitespace().next().unwrap_or(""));
            if !plain(above) || !(genitive || place || qualifies || firm_over_form || starts_lower(text(first))) {
                break;
            }
            first = above_at;
            moves += 1;
        }
    } else if opens {
        // Russian: the lines below that carry the name on; one empty line (OCR's paragraphs) is
        // stepped over when the line after it carries the name.
        let mut moves = 0;
        while moves < 4 {
            let gap = last + 2 < all.len() && text(last + 1).is_empty();
            let next_at = if gap { last + 2 } else { last + 1 };
            if next_at >= all.len() || !plain(text(next_at)) {
                break;
            }
            let next = text(next_at);
            let word = next.split_whitespace().next().unwrap_or("");
            let dative_rank = word.ends_with("ому") || word.ends_with("ему");
            let person =
                next.split_whitespace().count() <= 3 && next.contains('.') && next.chars().any(char::is_uppercase);
            let genitive_name = ["ской", "ого", "ой"].iter().any(|e| word.to_lowercase().ends_with(e))
                || RU_PARENT_GENITIVES.contains(&word.to_uppercase().as_str());
            // The firm or the body the addressee heads, on a line of its own («Директору / ТОО
            // «Экибастуз Жылу Сервис»», «Начальнику управления … / Департамента государственных доходов»).
            let organisation = word.starts_with('«')
                || word.starts_with('"')
                || ORGANISATION_FORMS.contains(&word.trim_end_matches([',', '.']));
            // A line ending in a word that waits for more: a preposition, or the place's kind
            // before its proper name («… по городу⏎Алматы», «Акиму города⏎Шымкент») — a name is a
            // word or three in capitals, never a sentence («Прокурору города⏎По результатам …»).
            let last_word = text(last).split_whitespace().last().map(str::to_lowercase).unwrap_or_default();
            let proper_name = {
                let words: Vec<&str> = next.split_whitespace().collect();
                words.len() <= 3
                    && words.iter().all(|w| w.chars().next().is_some_and(char::is_uppercase))
                    && !next.contains([',', '.', ':'])
            };
            let open_end = ["по", "и", "в", "при"].contains(&last_word.as_str())
                || ["городу", "города", "г."].contains(&last_word.as_str()) && proper_name;
            // A name's line in a narrow block is short: a line of the text's first sentence set
            // straight below the block («Прокуратурой области проведена проверка …», whose first word
            // ends like a genitive) carries nothing (2026.11.28f, the ninth set's photos).
            // Nor does a line far longer than the block's own once the block has two lines and
            // its quotes are closed: a narrow block's lines are short, the text below runs the
            // page's width (the tenth set: a seven-word line of the text under «… области»»).
            let block_width = (first..=last).map(|i| text(i).chars().count()).max().unwrap_or(0);
            let block_text: String = (first..=last).map(text).collect::<Vec<_>>().join(" ");
            let closed = block_text.matches('«').count() == block_text.matches('»').count();
            let page_wide = last > first
                && closed
                && next.split_whitespace().count() >= 5
                && next.chars().count() * 2 > block_width * 3;
            let short = next.split_whitespace().count() <= 7 && !page_wide;
            // A name whose quote is still open goes on to the line that closes it («Директору ТОО
            // «Каспий Жол⏎Құрылыс»», a narrow block's wrap; the fifteenth set's warning).
            let quote_open = !closed && next.contains('»');
            let carries = !dative_rank && (starts_lower(next) || genitive_name || organisation || quote_open) && short
                || open_end;
            // A class rank below the post («советнику юстиции», «старшему советнику юстиции») is
            // the person's, as the name below it is: the addressee is the post (the seventeenth
            // set's answer).
            if !carries || person || is_rank(next) {
                break;
            }
            last = next_at;
            moves += 1;
        }
    }
    // From the first line's first mark to the last line's last one.
    let (start, end) = all[first];
    let from = end - top[start..end].trim_start().len();
    let to = all[last].0 + top[all[last].0..all[last].1].trim_end().len();
    (from, to)
}

/// Where a person named in the Kazakh dative begins on an addressee's line — initials, then the
/// surname with its ending («орынбасары Б.С. Тәжібаевқа», «Ж.Т. Жақыповқа»): a Kazakh addressee
/// whose dative falls on the person, not on the post. A short line only; a sentence wrapped after
/// a name («… Қ.Т. Сыздықовқа⏎жүктелсін») is not an addressee.
fn kazakh_person_dative(line: &str) -> Option<usize> {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(r"(?:^|\s)(\p{Lu}\.\s?(?:\p{Lu}\.\s?)?\p{Lu}[\p{Ll}-]+(?:қа|ке|ға|ге|на|не))\s*[.,]?$")
            .expect("compiles")
    });
    (line.split_whitespace().count() <= 6).then(|| re.captures(line)).flatten()?.get(1).map(|m| m.start())
}

/// A class rank on a line of its own below a post («аға әділет кеңесшісі», «старшему советнику
/// юстиции»): not the addressee's name.
fn is_rank(line: &str) -> bool {
    let lower = line.to_lowercase();
    line.split_whitespace().count() <= 5 && ["кеңесшісі", "советник", "юстиции"].iter().any(|w| lower.contains(w))
}

/// The addressee of a Kazakh block whose dative falls on the person: the post before the person
/// (on the person's line, or the line above when the person stands alone) and the lines above that
/// lead into it («Ақтөбе облысы прокурорының / орынбасары Б.С. Тәжібаевқа» → «Ақтөбе облысы
/// прокурорының орынбасары»), the person left out as the contract says.
fn addressee_before_person(top: &str, all: &[(usize, usize)], index: usize, rules: &Rules) -> Option<(usize, usize)> {
    let (start, end) = all[index];
    let line = &top[start..end];
    let person = kazakh_person_dative(line)?;
    // A block's last line: a sentence that wraps after the name goes on in lower case below.
    let next = all.get(index + 1).map(|&(s, e)| top[s..e].trim()).unwrap_or("");
    if next.chars().next().is_some_and(char::is_lowercase) {
        return None;
    }
    let post = line[..person].trim_end();
    let post_line = if post.is_empty() {
        // The person alone: the post is the line above, past a rank between them («Өскемен
        // қаласының / прокуроры / аға әділет кеңесшісі / Т. Жақыпбековке»).
        let mut above = index.checked_sub(1)?;
        while is_rank(top[all[above].0..all[above].1].trim()) {
            above = above.checked_sub(1)?;
        }
        let text = top[all[above].0..all[above].1].trim();
        (!text.is_empty() && !text.contains('\t') && !text.chars().any(|c| c.is_ascii_digit())).then_some(above)?
    } else {
        index
    };
    let (from, mut to) = addressee_lines(top, all, post_line, rules);
    if post_line == index {
        to = to.min(start + line.find(post).unwrap_or(0) + post.len());
    }
    (from < to).then_some((from, to))
}

/// The addressee a form names after its label («Кому: ТОО «Сарыарқа Көмір» (БИН …), директору …»,
/// «Кімге: «Маңғыстау Теңіз Жолы» ЖШС (БСН …) директоры …»): the organisation, up to the first
/// bracket, comma or figure — the person after it is not the addressee. A label alone on its line
/// names the next line.
fn labelled_addressee(top: &str, all: &[(usize, usize)], index: usize, rules: &Rules) -> Option<(usize, usize)> {
    let (start, end) = all[index];
    let label = rules.addressee_labels.find(&top[start..end])?;
    let mut from = start + label.end();
    let mut to = end;
    if top[from..to].trim().is_empty() {
        let &(next_start, next_end) = all.get(index + 1)?;
        (from, to) = (next_start, next_end);
    }
    let text = &top[from..to];
    let stop = text.find(|c: char| c == '(' || c == ',' || c.is_ascii_digit()).unwrap_or(text.len());
    let name = text[..stop].trim();
    let lead = text.find(name).unwrap_or(0);
    from += lead;
    to = from + name.len();
    (!name.is_empty()).then_some((from, to))
}

/// Whether a text is one name in quotes: its opening quote closes at its last letter (quotes
/// inside it nest: «ДЕПАРТАМЕНТ «Береке»»).
fn one_quoted_name(text: &str) -> bool {
    if !text.starts_with('«') {
        return false;
    }
    let mut depth = 0usize;
    for (at, c) in text.char_indices() {
        match c {
            '«' => depth += 1,
            '»' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return at + c.len_utf8() == text.len();
                }
            }
            _ => {}
        }
    }
    false
}

/// An organisation's name as the contract gives it: without the legal form printed round it and
/// without the quotes that form puts the name in — a state body's («РЕСПУБЛИКАНСКОЕ ГОСУДАРСТВЕННОЕ
/// УЧРЕЖДЕНИЕ «ДЕПАРТАМЕНТ ЭКОЛОГИИ ПО ПАВЛОДАРСКОЙ ОБЛАСТИ»», ««… БАСҚАРМАСЫ» ММ») as well as a
/// company's («ТОО «Жайык Балык»», ««Жайық Балық» ЖШС»), so one organisation is one value whichever
/// form its letterhead prints or the clerk typed. Issuers and the organisation a «Кому:/Кімге:»
/// label names (2026.11.28d) alike; a company's letterhead from 2026.11.29h (the seventeenth set's
/// answer, «ТОО «ПАВЛОДАР ЭНЕРГО СБЫТ»»). (A «кому» block in the dative, «Директору ТОО «…»»,
/// names a person's post and stays as printed.)
fn organisation_name(value: &str) -> String {
    const LEADING: &[&str] = &[
        "ТОВАРИЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ",
        "АКЦИОНЕРНОЕ ОБЩЕСТВО",
        "РЕСПУБЛИКАНСКОЕ ГОСУДАРСТВЕННОЕ УЧРЕЖДЕНИЕ",
        "КОММУНАЛЬНОЕ ГОСУДАРСТВЕННОЕ УЧРЕЖДЕНИЕ",
        "ГОСУДАРСТВЕННОЕ УЧРЕЖДЕНИЕ",
    ];
    const TRAILING: &[&str] = &[
        "ЖАУАПКЕРШІЛІГІ ШЕКТЕУЛІ СЕРІКТЕСТІГІ",
        "АКЦИОНЕРЛІК ҚОҒАМЫ",
        "РЕСПУБЛИКАЛЫҚ МЕМЛЕКЕТТІК МЕКЕМЕСІ",
        "МЕМЛЕКЕТТІК МЕКЕМЕСІ",
    ];
    let leading: Vec<&str> = LEADING.iter().chain(ORGANISATION_FORMS).copied().collect();
    let trailing: Vec<&str> = TRAILING.iter().chain(ORGANISATION_FORMS).copied().collect();
    without_legal_form(value, &leading, &trailing)
}

/// A name without one legal form before its quoted name or after it, and without the quotes the
/// form put round it; a name printed otherwise is returned as it stands.
fn without_legal_form(value: &str, leading: &[&str], trailing: &[&str]) -> String {
    // Compared on the name's own bytes (`get` never cuts a letter): a letter whose capital is
    // longer in UTF-8 cannot shift an offset and panic.
    let mut name = value.trim();
    // A form stands before one quoted name only: «ТОО «Береке» и АО «Сункар»» names two firms.
    let after_form = leading.iter().find_map(|f| {
        let rest = name.get(f.len()..)?.trim_start();
        (name.get(..f.len())?.to_uppercase() == *f && one_quoted_name(rest)).then_some(rest)
    });
    if let Some(rest) = after_form {
        name = rest;
    }
    let before_form = trailing.iter().find_map(|f| {
        let cut = name.len().checked_sub(f.len())?;
        let rest = name.get(..cut)?.trim_end();
        (name.get(cut..)?.to_uppercase() == *f && rest.ends_with('»')).then_some(rest)
    });
    if let Some(rest) = before_form {
        name = rest;
    }
    // The quotes the form put round the name; quotes inside a name («… «Береке» …») stay. A
    // closing quote alone is the form's whose opening stood before the parents' names cut away
    // («…КОМИТЕТІНІҢ / ҚОСТАНАЙ … ДЕПАРТАМЕНТІ» РММ»).
    match name.strip_prefix('«').and_then(|n| n.strip_suffix('»')) {
        Some(inner) if !inner.contains('«') && !inner.contains('»') => inner.trim().to_string(),
        _ if !name.contains('«') && name.matches('»').count() == 1 && name.ends_with('»') => {
            name.trim_end_matches('»').trim().to_string()
        }
        _ => name.to_string(),
    }
}

/// The issuing body (the letterhead) and the addressee.
/// A name as one line: its words single-spaced, and a compound broken after its hyphen at a line's
/// end joined again («САНИТАРНО-⏎ЭПИДЕМИОЛОГИЧЕСКОГО» is one word; a dash standing alone is not).
fn name_value(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for word in raw.split_whitespace() {
        let joins = out.ends_with('-') && out.chars().rev().nth(1).is_some_and(char::is_alphabetic);
        if !out.is_empty() && !joins {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

pub(crate) fn issuer_and_addressee(page: &PageText, kind: &str, rules: &Rules) -> Vec<CandidateFact> {
    let top = &page.text[..header(page)];
    let mut out = Vec::new();
    let mut issuer = false;
    let mut addressee = false;
    // A court names itself in the decision's first sentence, not in a letterhead.
    if kind == "court_decision" {
        if let Some((from, to)) = court_named(top) {
            issuer = true;
            let value = name_value(&top[from..to]);
            out.push(page.found(rules, "issuer", json!(value), (from, to), "issuer.court", "issuer"));
        }
    }
    // The letterhead read as blocks first; the line walk below names the issuer only when it
    // finds none (a single letterhead line among others).
    if let Some(((offset, value_end), value)) = letterhead_issuer(page, top, rules).filter(|_| !issuer) {
        issuer = true;
        let value = organisation_name(value.trim_end_matches([',', '.', ':']).trim());
        out.push(page.found(rules, "issuer", json!(value), (offset, value_end), "issuer.letterhead_block", "issuer"));
    }
    let all_lines = lines(top);
    for (index, &(start, end)) in all_lines.iter().enumerate().take(TITLE_LINES + 6) {
        let line = top[start..end].trim();
        if line.is_empty() {
            continue;
        }
        let squeezed = title_text(line, rules);
        let is_title = !reads_as_sentence(line) && rules.doc_types.iter().any(|t| names_kind(&squeezed, t));
        let addresses = |text: &str| rules.addressee_openers.is_match(text) || rules.addressee_endings.is_match(text);
        if !addressee {
            if let Some((from, to)) = labelled_addressee(top, &all_lines, index, rules) {
                addressee = true;
                let value = organisation_name(&name_value(&top[from..to]));
                out.push(page.found(rules, "addressee", json!(value), (from, to), "addressee.label", "addressee"));
                continue;
            }
        }
        if !addressee && !line.contains('\t') && !is_title {
            if let Some((from, to)) = addressee_before_person(top, &all_lines, index, rules) {
                addressee = true;
                let raw = name_value(&top[from..to]);
                let value = raw.trim_end_matches([',', '.', ':']).trim();
                out.push(page.found(
                    rules,
                    "addressee",
                    json!(value),
                    (from, to),
                    "addressee.before_person",
                    "addressee",
                ));
                continue;
            }
        }
        if !addressee && line.split('\t').any(|cell| addresses(cell.trim())) {
            addressee = true;
            // In a table row (the date and number beside the addressee), the addressee's cell alone.
            let cell = cells(top, start, end).into_iter().find(|&(s, e)| addresses(&top[s..e]));
            let (from, to) = match cell.filter(|_| top[start..end].contains('\t')) {
                Some(span) => span,
                None => addressee_lines(top, &all_lines, index, rules),
            };
            let raw = name_value(&top[from..to]);
            let value = raw.trim_end_matches([',', '.', ':']).trim();
            out.push(page.found(rules, "addressee", json!(value), (from, to), "addressee.line", "addressee"));
            continue;
        }
        // The letterhead stands above the title; a body named below it is the text's, not the issuer.
        if is_title {
            issuer = true;
        }
        // A letterhead carries no number: a line with figures («Руководствуясь статьями 131, 132
        // АППК РК, суд») is the text's.
        let letterhead = !line.contains('№') && !line.chars().any(|c| c.is_ascii_digit());
        if !issuer && rules.issuer.is_match(line) && letterhead && line.split_whitespace().count() <= 14 {
            issuer = true;
            let offset = start + top[start..end].find(line).unwrap_or(0);
            let mut value_end = offset + line.len();
            // A long name wrapped onto the next line goes on in lower case («…Туркестанской» / «области»).
            let next = &top[(end + 1).min(top.len())..];
            let next_line = next.lines().next().unwrap_or("").trim();
            if next_line.chars().next().is_some_and(|c| c.is_lowercase()) && next_line.split_whitespace().count() <= 4 {
                value_end = end + 1 + next.find(next_line).unwrap_or(0) + next_line.len();
            }
            let raw = &top[offset..value_end];
            let value = name_value(raw);
            let value = organisation_name(value.trim_end_matches([',', '.', ':']).trim());
            out.push(page.found(rules, "issuer", json!(value), (offset, value_end), "issuer.letterhead", "issuer"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_compound_broken_at_a_lines_end_is_one_word_again() {
        assert_eq!(
            name_value("ДЕПАРТАМЕНТ САНИТАРНО-\nЭПИДЕМИОЛОГИЧЕСКОГО  КОНТРОЛЯ"),
            "ДЕПАРТАМЕНТ САНИТАРНО-ЭПИДЕМИОЛОГИЧЕСКОГО КОНТРОЛЯ"
        );
        assert_eq!(name_value("ТОО - поставщик\n«Береке»"), "ТОО - поставщик «Береке»");
    }

    /// A region over a district's body is part of the body's official name («Қызылорда облысы
    /// Жалағаш ауданының прокуратурасы»), not a parent's: it stays. (The seventh frozen set's truth
    /// left it out; the fifth's, and the official name, keep it — the reader follows the name.)
    #[test]
    fn a_region_over_a_kazakh_districts_body_stays_in_its_name() {
        let top = "ҚАЗАҚСТАН РЕСПУБЛИКАСЫНЫҢ\nБАС ПРОКУРАТУРАСЫ\nҚЫЗЫЛОРДА ОБЛЫСЫ\nЖАЛАҒАШ АУДАНЫНЫҢ ПРОКУРАТУРАСЫ\n";
        let block = lines(top).into_iter().filter(|&(s, e)| s < e).collect::<Vec<_>>();
        let own = own_name(top, &block).expect("a name");
        let name = name_value(&own.iter().map(|&(s, e)| &top[s..e]).collect::<Vec<_>>().join("\n"));
        assert_eq!(name, "ҚЫЗЫЛОРДА ОБЛЫСЫ ЖАЛАҒАШ АУДАНЫНЫҢ ПРОКУРАТУРАСЫ");
    }

    #[test]
    fn an_organisation_a_label_names_is_given_without_its_legal_form() {
        assert_eq!(organisation_name("ТОО «Сарыарқа Көмір»"), "Сарыарқа Көмір");
        assert_eq!(organisation_name("«Алтай Полиметалл Кен» АҚ"), "Алтай Полиметалл Кен");
        assert_eq!(organisation_name("АО «Восток Цинк Плавка»"), "Восток Цинк Плавка");
        assert_eq!(organisation_name("«Денсаулық сақтау басқармасы» ММ"), "Денсаулық сақтау басқармасы");
        assert_eq!(organisation_name("Отдел образования"), "Отдел образования", "no form: as printed");
        for odd in ["ТОО", "«»", "АО «", "» ЖШС", "ᲀТОО «Отдел»"] {
            let _ = organisation_name(odd);
        }
    }

    /// A state institution's name in quotes names its ministry and committee before the body's own,
    /// on two lines or wrapped over a cell's narrow lines; the body is the last of them (the
    /// thirteenth set's resolution, and the second spent set's answer as a PDF wraps it). A name in
    /// quotes without a ministry stays whole.
    #[test]
    fn a_state_institutions_quoted_name_is_its_last_bodys_under_its_ministry_and_committee() {
        let rules = Rules::shipped();
        let issuer = |text: &str| {
            let facts = super::super::find(&[text], rules);
            facts.iter().find(|f| f.kind == "issuer").map(|f| f.value.clone())
        };
        let body = "\nӘкімшілік құқық бұзушылық туралы іс бойынша\nҚАУЛЫ № 0917\nҚостанай қ.  2026 жылғы «16» қараша\n\nДепартамент басшысының орынбасары істі қарап, ҚАУЛЫ ЕТЕМІН: айыппұл салынсын.";
        let two_lines = format!(
            "«ҚАЗАҚСТАН РЕСПУБЛИКАСЫ ҚАРЖЫ МИНИСТРЛІГІ МЕМЛЕКЕТТІК КІРІСТЕР КОМИТЕТІНІҢ\nҚОСТАНАЙ ОБЛЫСЫ БОЙЫНША МЕМЛЕКЕТТІК КІРІСТЕР ДЕПАРТАМЕНТІ» РММ{body}"
        );
        assert_eq!(
            issuer(&two_lines),
            Some(serde_json::json!("ҚОСТАНАЙ ОБЛЫСЫ БОЙЫНША МЕМЛЕКЕТТІК КІРІСТЕР ДЕПАРТАМЕНТІ"))
        );
        let wrapped = format!(
            "«ҚАЗАҚСТАН РЕСПУБЛИКАСЫ\nЭКОЛОГИЯ ЖӘНЕ ТАБИҒИ РЕСУРСТАР\nМИНИСТРЛІГІНІҢ ЭКОЛОГИЯЛЫҚ\nРЕТТЕУ ЖӘНЕ БАҚЫЛАУ\nКОМИТЕТІНІҢ АТЫРАУ ОБЛЫСЫ\nБОЙЫНША ЭКОЛОГИЯ\nДЕПАРТАМЕНТІ» РММ{body}"
        );
        assert_eq!(issuer(&wrapped), Some(serde_json::json!("АТЫРАУ ОБЛЫСЫ БОЙЫНША ЭКОЛОГИЯ ДЕПАРТАМЕНТІ")));
        let no_ministry =
            format!("«ОРМАН ШАРУАШЫЛЫҒЫ КОМИТЕТІНІҢ\nШЫҒЫС ҚАЗАҚСТАН ОБЛЫСТЫҚ АУМАҚТЫҚ ИНСПЕКЦИЯСЫ» РММ{body}");
        assert_eq!(
            issuer(&no_ministry),
            Some(serde_json::json!("ОРМАН ШАРУАШЫЛЫҒЫ КОМИТЕТІНІҢ ШЫҒЫС ҚАЗАҚСТАН ОБЛЫСТЫҚ АУМАҚТЫҚ ИНСПЕКЦИЯСЫ"))
        );
    }

    /// A region's name alone on its line under a Russian body's name set apart by OCR's empty line
    /// is the name's end («ДЕПАРТАМЕНТ ПО ЧРЕЗВЫЧАЙНЫМ СИТУАЦИЯМ⏎⏎ЖАМБЫЛСКОЙ ОБЛАСТИ»).
    #[test]
    fn a_regions_name_set_apart_under_a_bodys_is_its_end() {
        let rules = Rules::shipped();
        let text = "ДЕПАРТАМЕНТ ПО ЧРЕЗВЫЧАЙНЫМ СИТУАЦИЯМ\n\nЖАМБЫЛСКОЙ ОБЛАСТИ\nПРОТОКОЛ\n\nоб административном правонарушении № 12-05/2291\n\n«24» ноября 2026 г.\n\nУстановлено, что выходы загромождены.";
        let facts = super::super::find(&[text], rules);
        let value = |kind: &str| facts.iter().find(|f| f.kind == kind).map(|f| f.value.clone());
        assert_eq!(
            value("issuer"),
            Some(serde_json::json!("ДЕПАРТАМЕНТ ПО ЧРЕЗВЫЧАЙНЫМ СИТУАЦИЯМ ЖАМБЫЛСКОЙ ОБЛАСТИ"))
        );
        assert_eq!(value("number"), Some(serde_json::json!("12-05/2291")));
    }

    #[test]
    fn a_name_closed_by_its_quote_and_legal_form_ends_there() {
        let rules = Rules::shipped();
        let text = "«ПАВЛОДАР ОБЛЫСЫНЫҢ ЕҢБЕК ИНСПЕКЦИЯСЫ БАСҚАРМАСЫ» ММ\nТексеруді тағайындау туралы\nБҰЙРЫҚ\n\n\
                    Павлодар қ.  2026 жылғы 4 қараша № 214\n\nТексеру тағайындалсын.";
        let facts = super::super::find(&[text], rules);
        let issuer = facts.iter().find(|f| f.kind == "issuer").expect("an issuer");
        assert_eq!(issuer.value, serde_json::json!("ПАВЛОДАР ОБЛЫСЫНЫҢ ЕҢБЕК ИНСПЕКЦИЯСЫ БАСҚАРМАСЫ"));
    }

    #[test]
    fn an_organisations_name_is_given_without_its_legal_form_and_the_quotes_it_puts_round_the_name() {
        assert_eq!(
            organisation_name(
                "РЕСПУБЛИКАНСКОЕ ГОСУДАРСТВЕННОЕ УЧРЕЖДЕНИЕ «ДЕПАРТАМЕНТ ЭКОЛОГИИ ПО ПАВЛОДАРСКОЙ ОБЛАСТИ»"
            ),
            "ДЕПАРТАМЕНТ ЭКОЛОГИИ ПО ПАВЛОДАРСКОЙ ОБЛАСТИ"
        );
        assert_eq!(organisation_name("ГУ «Отдел образования города Костаная»"), "Отдел образования города Костаная");
        assert_eq!(
            organisation_name("«ҚОСТАНАЙ ОБЛЫСЫНЫҢ ЕҢБЕК ИНСПЕКЦИЯСЫ БАСҚАРМАСЫ» ММ"),
            "ҚОСТАНАЙ ОБЛЫСЫНЫҢ ЕҢБЕК ИНСПЕКЦИЯСЫ БАСҚАРМАСЫ"
        );
        assert_eq!(organisation_name("ПРОКУРАТУРА ГОРОДА АЛМАТЫ"), "ПРОКУРАТУРА ГОРОДА АЛМАТЫ");
        assert_eq!(
            organisation_name("ТОО «Береке» и АО «Сункар»"),
            "ТОО «Береке» и АО «Сункар»",
            "a form before two quoted names is no one name's form: all stays"
        );
        assert_eq!(
            organisation_name("ГУБЕРНСКОЕ УПРАВЛЕНИЕ"),
            "ГУБЕРНСКОЕ УПРАВЛЕНИЕ",
            "a word that begins like a form"
        );
        // «ᲀ» (U+1C80) is three bytes and its capital «В» two: offsets of an upper-cased copy would
        // fall inside a letter. Any text gives a value, never a panic.
        for odd in ["ГОСУДАРСТᲀЕННОЕ УЧРЕЖДЕНИЕ «Отдел»", "ᲀГУ «Отдел»", "«Отдел» ᲀММ", "ГУ", "ММ", "«»", "ГУ «"]
        {
            let _ = organisation_name(odd);
        }
    }

    #[test]
    fn a_court_named_over_several_justified_lines_is_one_name_and_a_line_above_never_joins() {
        let text = "Дело № 2299-25-00-4/1876\nРЕШЕНИЕ\nИМЕНЕМ РЕСПУБЛИКИ КАЗАХСТАН\n«2» декабря 2025 года\n\nгород \
                    Атырау\n\nСпециализированный\nмежрайонный\nадминистративный\nсуд\nАтырауской области в составе \
                    председательствующего судьи";
        let (from, to) = court_named(text).expect("the court is named");
        assert_eq!(
            name_value(&text[from..to]),
            "Специализированный межрайонный административный суд Атырауской области"
        );
        let above = "город Атырау\nСпециализированный межрайонный суд в составе судьи";
        let (from, to) = court_named(above).expect("named on one line");
        assert_eq!(&above[from..to], "Специализированный межрайонный суд");
    }
}
