//! A Word template's placeholders: reading them out of the document, header and footer parts
//! (paragraph by paragraph, across the runs Word splits text into), checking them against the
//! product's vocabulary, and filling the template in (`rdocx`, which also survives split runs
//! and fills headers, footers and repeated table rows) — plus the PDF preview of a filled act.
//!
//! The grammar is rdocx's: `{{ path }}` for a value; `{% for item in path %}` … `{% endfor %}` in
//! paragraphs or table rows of their own to repeat them; `{% if path %}` … `{% endif %}`.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;

use quick_xml::events::Event;
use quick_xml::Reader;
use serde::Serialize;

use super::{required, vocabulary, ActData, ActKind};

/// A placeholder as a template uses it: its path in the vocabulary's spelling (a loop item's
/// fields as `list[].field`), and the first part it appears in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct UsedPlaceholder {
    pub path: String,
    /// `body`, `header1`, `footer2`…
    pub part: String,
}

/// What checking a template found. `ok` only when nothing is unknown, missing or malformed.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct TemplateCheck {
    pub file: String,
    pub kind: Option<ActKind>,
    pub used: Vec<UsedPlaceholder>,
    /// Placeholders the product does not know (a typo, or a field it does not have).
    pub unknown: Vec<UsedPlaceholder>,
    /// Placeholders the kind must carry that the template lacks.
    pub missing: Vec<String>,
    /// Malformed tags, unbalanced loops, or the filler's refusal of a sample fill.
    pub errors: Vec<String>,
    pub ok: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("not a Word document (.docx): {0}")]
    NotDocx(String),
    #[error("the template could not be filled: {0}")]
    Fill(String),
    #[error("the PDF preview could not be made: {0}")]
    Pdf(String),
}

/// The parts of a .docx whose text a template may hold, with the name a person reads.
fn text_parts(docx: &[u8]) -> Result<Vec<(String, String)>, TemplateError> {
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(docx)).map_err(|e| TemplateError::NotDocx(e.to_string()))?;
    let mut parts = Vec::new();
    for index in 0..archive.len() {
        let mut file = archive.by_index(index).map_err(|e| TemplateError::NotDocx(e.to_string()))?;
        let name = file.name().to_string();
        let Some(stem) = name.strip_prefix("word/").and_then(|n| n.strip_suffix(".xml")) else { continue };
        let label = match stem {
            "document" => "body".to_string(),
            "footnotes" | "endnotes" => stem.to_string(),
            s if (s.starts_with("header") || s.starts_with("footer")) && !s.contains('/') => s.to_string(),
            _ => continue,
        };
        // A part bigger than any real template is refused rather than read into memory.
        if file.size() > 64 << 20 {
            return Err(TemplateError::NotDocx(format!("{name} is larger than 64 MiB")));
        }
        let mut xml = String::new();
        file.read_to_string(&mut xml).map_err(|e| TemplateError::NotDocx(format!("{name}: {e}")))?;
        parts.push((label, xml));
    }
    if !parts.iter().any(|(label, _)| label == "body") {
        return Err(TemplateError::NotDocx("no word/document.xml".into()));
    }
    // The body first, then headers and footers in name order, so messages read top-down.
    parts.sort_by_key(|(label, _)| (label != "body", label.clone()));
    Ok(parts)
}

/// The text of each paragraph of a part, runs joined (Word splits a placeholder across runs
/// whenever part of it is edited or formatted apart).
fn paragraphs(xml: &str) -> Result<Vec<String>, TemplateError> {
    let mut reader = Reader::from_str(xml);
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    let mut in_text = false;
    loop {
        match reader.read_event().map_err(|e| TemplateError::NotDocx(e.to_string()))? {
            Event::Start(e) if e.local_name().as_ref() == "p" => current = Some(String::new()),
            Event::End(e) if e.local_name().as_ref() == "p" => {
                if let Some(text) = current.take() {
                    out.push(text);
                }
            }
            Event::Start(e) if e.local_name().as_ref() == "t" => in_text = true,
            Event::End(e) if e.local_name().as_ref() == "t" => in_text = false,
            Event::Text(t) if in_text => {
                if let Some(text) = current.as_mut() {
                    // Entities arrive as their own events (below); this is the text between them.
                    text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) if in_text => {
                if let Some(text) = current.as_mut() {
                    match r.resolve_char_ref() {
                        Ok(Some(c)) => text.push(c),
                        _ => text.push_str(quick_xml::escape::resolve_predefined_entity(&r).unwrap_or("")),
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// A tag found in a paragraph.
#[derive(Debug)]
enum Tag {
    Value(String),
    For { item: String, path: String },
    EndFor,
    If(String),
    EndIf,
    Else,
}

/// The tags of one paragraph's text, or what is malformed in it.
fn tags(text: &str) -> Result<Vec<Tag>, String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(['{']) {
        let after = &rest[start..];
        let (close, structural) = if after.starts_with("{{") {
            ("}}", false)
        } else if after.starts_with("{%") {
            ("%}", true)
        } else {
            rest = &after[1..];
            continue;
        };
        let Some(end) = after[2..].find(close) else {
            return Err(format!("unclosed tag: «{}»", after.chars().take(40).collect::<String>()));
        };
        let inner = after[2..2 + end].trim();
        if inner.contains("{{") || inner.contains("{%") {
            return Err(format!("nested tag: «{inner}»"));
        }
        if structural {
            let words: Vec<&str> = inner.split_whitespace().collect();
            found.push(match words.as_slice() {
                ["for", item, "in", path] => Tag::For { item: item.to_string(), path: path.to_string() },
                ["endfor"] => Tag::EndFor,
                ["if", path] => Tag::If(path.to_string()),
                ["endif"] => Tag::EndIf,
                ["else"] => Tag::Else,
                _ => return Err(format!("unknown structural tag: «{{% {inner} %}}»")),
            });
        } else {
            // Filters (`| upper`, `| default("…")`) follow the path; the path is what must be known.
            let path = inner.split('|').next().unwrap_or("").trim();
            if path.is_empty() {
                return Err("an empty placeholder «{{ }}»".into());
            }
            found.push(Tag::Value(path.to_string()));
        }
        rest = &after[2 + end + 2..];
    }
    Ok(found)
}

/// Every placeholder a template uses, with loop items spelled `list[].field`, and every
/// malformed tag or unbalanced block, each naming its part and paragraph.
pub fn placeholders(docx: &[u8]) -> Result<(Vec<UsedPlaceholder>, Vec<String>), TemplateError> {
    let mut used: BTreeMap<String, String> = BTreeMap::new();
    let mut errors = Vec::new();
    for (part, xml) in text_parts(docx)? {
        // Loop items in scope, innermost last: (item, path of the list).
        let mut loops: Vec<(String, String)> = Vec::new();
        let mut ifs = 0usize;
        let resolve = |path: &str, loops: &[(String, String)]| -> String {
            let (head, tail) = path.split_once('.').map_or((path, None), |(h, t)| (h, Some(t)));
            match loops.iter().rev().find(|(item, _)| item == head) {
                Some((_, list)) => match tail {
                    Some(tail) => format!("{list}[].{tail}"),
                    None => format!("{list}[]"),
                },
                None => path.to_string(),
            }
        };
        for (index, text) in paragraphs(&xml)?.iter().enumerate() {
            let where_ = format!("{part}, paragraph {}", index + 1);
            match tags(text) {
                Err(problem) => errors.push(format!("{where_}: {problem}")),
                Ok(found) => {
                    for tag in found {
                        match tag {
                            Tag::Value(path) => {
                                used.entry(resolve(&path, &loops)).or_insert_with(|| part.clone());
                            }
                            Tag::For { item, path } => {
                                let list = resolve(&path, &loops);
                                used.entry(list.clone()).or_insert_with(|| part.clone());
                                loops.push((item, list));
                            }
                            Tag::EndFor => {
                                if loops.pop().is_none() {
                                    errors.push(format!("{where_}: «{{% endfor %}}» without its «{{% for %}}»"));
                                }
                            }
                            Tag::If(path) => {
                                used.entry(resolve(&path, &loops)).or_insert_with(|| part.clone());
                                ifs += 1;
                            }
                            Tag::Else => {}
                            Tag::EndIf => {
                                if ifs == 0 {
                                    errors.push(format!("{where_}: «{{% endif %}}» without its «{{% if %}}»"));
                                }
                                ifs = ifs.saturating_sub(1);
                            }
                        }
                    }
                }
            }
        }
        for (item, list) in loops {
            errors.push(format!("{part}: «{{% for {item} in {list} %}}» is never closed by «{{% endfor %}}»"));
        }
        if ifs > 0 {
            errors.push(format!("{part}: {ifs} «{{% if %}}» never closed by «{{% endif %}}»"));
        }
    }
    Ok((used.into_iter().map(|(path, part)| UsedPlaceholder { path, part }).collect(), errors))
}

/// A sample of the data, every list with one row, so a trial fill exercises every tag.
fn sample() -> ActData {
    let mut data = ActData::default();
    data.facts.violations.push(Default::default());
    data.facts.illegal.push(Default::default());
    data.facts.appeals.push(Default::default());
    data.requirements.push(Default::default());
    data
}

/// Checks a template: placeholders the product does not know, those `kind` requires that it
/// lacks, malformed tags, and whether the filler accepts it (a trial fill with sample data).
pub fn check(file: &str, kind: Option<ActKind>, docx: &[u8]) -> TemplateCheck {
    let (used, mut errors) = match placeholders(docx) {
        Ok(found) => found,
        Err(e) => (Vec::new(), vec![e.to_string()]),
    };
    let known = vocabulary();
    let unknown: Vec<UsedPlaceholder> = used.iter().filter(|u| !known.contains(&u.path)).cloned().collect();
    let present: BTreeSet<&str> = used.iter().map(|u| u.path.as_str()).collect();
    let missing: Vec<String> = kind
        .map(|k| required(k).into_iter().filter(|p| !present.contains(p)).map(str::to_string).collect())
        .unwrap_or_default();
    // The filler is the final judge of the grammar (a loop tag sharing its paragraph with text,
    // say); its refusal is reported too, but only when the reading above found nothing worse.
    if errors.is_empty() && unknown.is_empty() {
        if let Err(e) = fill(docx, &sample()) {
            errors.push(e.to_string());
        }
    }
    let ok = unknown.is_empty() && missing.is_empty() && errors.is_empty();
    TemplateCheck { file: file.to_string(), kind, used, unknown, missing, errors, ok }
}

/// Fills a template with the act's data, returning the filled .docx.
pub fn fill(docx: &[u8], data: &ActData) -> Result<Vec<u8>, TemplateError> {
    fill_with(docx, &serde_json::to_value(data).map_err(|e| TemplateError::Fill(e.to_string()))?)
}

/// Fills a template with any data (the destruction act has its own shape).
pub fn fill_with(docx: &[u8], value: &serde_json::Value) -> Result<Vec<u8>, TemplateError> {
    let mut document = rdocx::Document::from_bytes(docx).map_err(|e| TemplateError::NotDocx(e.to_string()))?;
    document.render_template(value).map_err(|e| TemplateError::Fill(e.to_string()))?;
    document.to_bytes().map_err(|e| TemplateError::Fill(e.to_string()))
}

/// The PDF preview of a filled act, laid out with the machine's fonts (Liberation or DejaVu
/// carry the Kazakh letters).
pub fn pdf_preview(docx: &[u8]) -> Result<Vec<u8>, TemplateError> {
    let document = rdocx::Document::from_bytes(docx).map_err(|e| TemplateError::NotDocx(e.to_string()))?;
    document.to_pdf().map_err(|e| TemplateError::Pdf(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::acts::{builtin_template, ActLang};

    #[test]
    fn tags_are_read_with_loops_resolved_and_malformed_ones_named() {
        let t = tags("{{ object.name }} and {{ r.text | upper }}").unwrap();
        assert!(matches!(&t[0], Tag::Value(p) if p == "object.name"));
        assert!(matches!(&t[1], Tag::Value(p) if p == "r.text"));
        assert!(tags("{{ object.name ").unwrap_err().contains("unclosed"));
        assert!(tags("{% loop x %}").unwrap_err().contains("unknown structural"));
    }

    #[test]
    fn every_shipped_template_passes_its_check() {
        for kind in ActKind::ALL {
            for lang in ActLang::ALL {
                let report = check("shipped", Some(kind), builtin_template(kind, lang));
                assert!(report.ok, "{kind:?} {lang:?}: {report:?}");
                assert!(report.used.iter().any(|u| u.part.starts_with("header")), "{kind:?} {lang:?}");
                assert!(report.used.iter().any(|u| u.part.starts_with("footer")), "{kind:?} {lang:?}");
            }
        }
    }
}
