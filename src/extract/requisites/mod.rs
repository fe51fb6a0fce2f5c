//! Requisites as candidate facts: the document's kind, its own number and date, the issuing body
//! and the addressee, what it replies to, BINs and IINs (IINs masked), the articles it cites, the
//! amounts in tenge, the periods it sets and, for an answer to an act, its outcome. Each fact has
//! a normalised value (the JSON contract of docs/DOCUMENTS.md), its page and character span, the
//! rule that found it (with the rules' version) and a confidence. Rules are data
//! (`assets/extract/rules.json`, see `rules`); this file only walks the text with them.
//!
//! A fact is a proposal: a person confirms, corrects or rejects it. Precision matters more than
//! recall for the document's own number and date (a cited protocol's number is never reported as
//! the document's own), so those need a lead the rules know.

mod body;
pub mod calibration;
mod header;
mod misread;
pub mod numbers;
mod parties;
mod rules;

use serde::Serialize;
use serde_json::Value;

pub use rules::Rules;

/// A requisite found in a document, before a person has judged it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CandidateFact {
    /// `doc_type`, `number`, `date`, `issuer`, `addressee`, `in_reply_to_number`,
    /// `in_reply_to_date`, `bin`, `iin`, `article`, `amount`, `period`, `outcome`.
    pub kind: String,
    /// Normalised (see docs/DOCUMENTS.md).
    pub value: Value,
    /// 1-based.
    pub page: u32,
    /// Character offsets in the page's text (after masking, once `read_document` returns).
    pub span: (usize, usize),
    /// For OCR: the box on the page image (left, top, width, height at 300 dpi).
    pub bbox: Option<[u32; 4]>,
    /// The rule's id and the rules' version: `number.with_date@requisites-2026.11.7`.
    pub rule: String,
    /// 0–1: the chance the fact is right, calibrated (`calibration`) once the page is read.
    pub confidence: f32,
    /// The rule's own score before calibration (× the OCR words' confidence), for measuring
    /// what calibration changed (`ekn docs measure`).
    #[serde(skip)]
    pub score: f32,
    /// The confidence (0–100) of the weakest OCR word the fact was read from.
    #[serde(skip)]
    pub word_confidence: Option<f32>,
    /// The masked words around the span.
    pub context: String,
}

impl CandidateFact {
    /// The rule's id without the rules' version (`number.with_date`): what calibration is kept by.
    pub fn rule_id(&self) -> &str {
        self.rule.split('@').next().unwrap_or_default()
    }
}

/// One page's text and how to turn its byte offsets into character offsets.
pub(crate) struct PageText<'a> {
    pub number: u32,
    pub text: &'a str,
}

impl PageText<'_> {
    pub fn chars(&self, byte: usize) -> usize {
        let mut byte = byte.min(self.text.len());
        while !self.text.is_char_boundary(byte) {
            byte -= 1;
        }
        self.text[..byte].chars().count()
    }

    /// A fact found by rule `rule` with the confidence the rules give `confidence`.
    pub fn found(
        &self,
        rules: &Rules,
        kind: &str,
        value: Value,
        bytes: (usize, usize),
        rule: &str,
        confidence: &str,
    ) -> CandidateFact {
        self.fact(kind, value, bytes, rules.rule(rule), rules.confidence(confidence))
    }

    pub fn fact(
        &self,
        kind: &str,
        value: Value,
        bytes: (usize, usize),
        rule: String,
        confidence: f32,
    ) -> CandidateFact {
        CandidateFact {
            kind: kind.to_string(),
            value,
            page: self.number,
            span: (self.chars(bytes.0), self.chars(bytes.1)),
            bbox: None,
            rule,
            confidence,
            score: confidence,
            word_confidence: None,
            context: String::new(),
        }
    }
}

/// Every candidate fact in a document's pages (raw text, before masking).
pub fn find(pages: &[&str], rules: &Rules) -> Vec<CandidateFact> {
    let pages: Vec<PageText> =
        pages.iter().enumerate().map(|(i, text)| PageText { number: i as u32 + 1, text }).collect();
    let mut facts = Vec::new();
    let Some(first) = pages.iter().find(|p| !p.text.trim().is_empty()) else {
        return facts;
    };
    let doc_type = header::doc_type(&pages, rules);
    if let Some(t) = &doc_type {
        facts.push(t.clone());
    }
    let kind = doc_type.as_ref().and_then(|f| f.value.as_str()).unwrap_or("");
    facts.extend(header::numbers_and_dates(first, kind, rules));
    facts.extend(parties::issuer_and_addressee(first, kind, rules));
    for page in &pages {
        facts.extend(body::ids(page, rules));
        facts.extend(body::articles(page, rules));
        facts.extend(body::amounts(page, rules));
        facts.extend(body::periods(page, rules));
    }
    if kind == "answer" {
        facts.extend(body::outcome(&pages, rules));
    }
    // One fact per value: the first place a value is written is where it is shown.
    let mut seen: Vec<(String, Value)> = Vec::new();
    facts.retain(|f| {
        let key = (f.kind.clone(), f.value.clone());
        if seen.contains(&key) {
            false
        } else {
            seen.push(key);
            true
        }
    });
    facts
}

#[cfg(test)]
mod tests;
