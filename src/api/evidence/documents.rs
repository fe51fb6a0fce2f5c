//! Documents that read themselves: reading an attached document (its bytes decrypted in memory,
//! handed to `extract`), storing its pages and candidate facts, and a person's decisions on the
//! facts — confirm (as proposed or corrected), reject with a reason — each journaled with its
//! author. Confirmed facts join the card's timeline; a confirmed period can open a task.
//!
//! The JSON of [`Session::document_facts`] is the contract of `ekn docs facts BIN --json`
//! (docs/DOCUMENTS.md).

use super::Evidence;
use crate::api::session::handles::Read;
use std::sync::OnceLock;

use serde::Serialize;
use serde_json::Value;

use crate::api::{ApiError, ErrorCode};
use crate::domain::journal::Entry;
use crate::domain::privacy::mask_personal_data;
use crate::extract::{self, Engines, Method, Progress, ReadDocument, Rules};
use crate::store::{About, Attachment, DocFact, DocPage, DocRead, DocumentHit, NewFact, NewPage, NewRead};

/// The OCR engines of this machine, found once per process.
pub fn engines() -> &'static Engines {
    static ENGINES: OnceLock<Engines> = OnceLock::new();
    ENGINES.get_or_init(Engines::detect)
}

/// A page as the contract lists it.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct PageSummary {
    pub page: i64,
    pub method: String,
    pub quality: f64,
    pub why: String,
}

/// A fact as the contract lists it.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct FactView {
    pub id: i64,
    pub kind: String,
    #[ts(type = "unknown")]
    pub value: Value,
    #[ts(type = "unknown")]
    pub proposed: Value,
    pub page: i64,
    pub span: (i64, i64),
    #[ts(type = "number[] | null")]
    pub bbox: Option<Value>,
    pub confidence: f64,
    pub status: String,
    pub corrected: bool,
    pub reason: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub rule: String,
    pub context: String,
    /// The task a person opened from this fact (a confirmed period), if any.
    pub task_id: Option<i64>,
}

/// A document with its reading: the contract's element of `documents`.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct DocumentView {
    /// The attachment's id.
    pub id: i64,
    pub subject_bin: String,
    pub file_name: String,
    pub sha256: String,
    pub octets: i64,
    /// `unread`, `read`, `partly` or `not_a_document`.
    pub state: String,
    pub why: String,
    /// `why` in the reader's language (`extract::reason`: the readers' forms worded with their figures;
    /// an engine's own error text stays as written).
    pub why_words: crate::domain::norms::Localized,
    pub format: Option<String>,
    pub engine: Option<String>,
    pub rules_version: Option<String>,
    pub read_at: Option<String>,
    pub pages: Vec<PageSummary>,
    pub facts: Vec<FactView>,
}

/// `ekn docs facts BIN --json`.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct DocumentFacts {
    pub bin: String,
    pub documents: Vec<DocumentView>,
}

/// One page's text, for the viewer and `ekn docs text`.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct PageText {
    pub page: i64,
    pub method: String,
    pub quality: f64,
    pub why: String,
    pub text: String,
    /// OCR words with their boxes (JSON array), for highlighting on the page image.
    #[ts(type = "unknown")]
    pub words: Value,
}

/// A document open in the viewer: its reading, facts and every page's text.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct DocumentOpen {
    pub document: DocumentView,
    pub pages: Vec<PageText>,
}

/// A page of a document as OCR saw it, to show with its facts' boxes drawn on it: a PNG small
/// enough for the viewer, and how its pixels relate to the boxes' (`bbox` × `scale`).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct DocumentPageImage {
    pub id: i64,
    pub page: u32,
    pub width: u32,
    pub height: u32,
    pub scale: f32,
    /// The PNG, base64: made in memory from the decrypted document, never written to disk.
    pub png_base64: String,
}

/// What reading a document did.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct DocumentReadReport {
    pub document: DocumentView,
    /// False when the same engines and rules had read it already (nothing recorded).
    pub new_reading: bool,
    pub seconds: f64,
}

fn json_of(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::String(text.to_string()))
}

fn fact_view(f: DocFact) -> FactView {
    FactView {
        id: f.id,
        kind: f.kind,
        value: json_of(&f.value),
        proposed: json_of(&f.proposed),
        page: f.page,
        span: f.span,
        bbox: f.bbox.as_deref().map(json_of),
        confidence: f.confidence,
        status: f.status,
        corrected: f.corrected,
        reason: f.reason,
        decided_by: f.decided_by,
        decided_at: f.decided_at,
        rule: f.rule,
        context: f.context,
        task_id: f.task_id,
    }
}

fn not_found(what: impl std::fmt::Display) -> ApiError {
    ApiError::new(ErrorCode::NotFound, what.to_string())
}

/// Checks a corrected value against its kind's shape, so a typo cannot become a fact.
fn checked_value(kind: &str, text: &str) -> Result<Value, ApiError> {
    let bad = |why: &str| ApiError::invalid(format!("value for {kind}: {why}"));
    let text = text.trim();
    if text.is_empty() || text.len() > 2000 {
        return Err(bad("empty or longer than 2000 characters"));
    }
    let parsed: Option<Value> = serde_json::from_str(text).ok();
    let value = match kind {
        "date" | "in_reply_to_date" => {
            chrono::NaiveDate::parse_from_str(text.trim_matches('"'), "%Y-%m-%d")
                .map_err(|_| bad("a date is written YYYY-MM-DD"))?;
            Value::String(text.trim_matches('"').to_string())
        }
        "bin" => {
            let t = text.trim_matches('"');
            if !crate::domain::ids::is_valid_bin(t) {
                return Err(bad("not a valid BIN (12 digits with its check digit)"));
            }
            Value::String(t.to_string())
        }
        "iin" => return Err(bad("an IIN is kept masked and cannot be typed in")),
        "amount" => {
            let v = parsed.ok_or_else(|| bad(r#"write {"tenge": 500000, "tiyn": 0}"#))?;
            let ok = v.get("tenge").is_some_and(Value::is_u64)
                && v.get("tiyn").is_some_and(|t| t.as_u64().is_some_and(|t| t < 100));
            if !ok {
                return Err(bad(r#"write {"tenge": 500000, "tiyn": 0}"#));
            }
            v
        }
        "period" => {
            let v = parsed.ok_or_else(|| bad(r#"write {"value": 10, "unit": "working_days"}"#))?;
            let unit_ok = v
                .get("unit")
                .and_then(Value::as_str)
                .is_some_and(|u| ["working_days", "calendar_days", "months"].contains(&u));
            if !unit_ok || !v.get("value").is_some_and(|n| n.as_u64().is_some_and(|n| (1..=3650).contains(&n))) {
                return Err(bad(r#"write {"value": 10, "unit": "working_days"}"#));
            }
            v
        }
        "article" => {
            let v =
                parsed.ok_or_else(|| bad(r#"write {"code": "КоАП", "article": "462", "part": "1", "item": null}"#))?;
            if !v.get("article").is_some_and(Value::is_string) {
                return Err(bad("an article needs its number"));
            }
            v
        }
        "doc_type" => {
            let t = text.trim_matches('"');
            const TYPES: [&str; 10] = [
                "resolution",
                "protocol",
                "inspection_act",
                "answer",
                "submission",
                "protest",
                "order",
                "warning",
                "court_decision",
                "appeal",
            ];
            if !TYPES.contains(&t) {
                return Err(bad(&format!("one of {}", TYPES.join(", "))));
            }
            Value::String(t.to_string())
        }
        "outcome" => {
            let t = text.trim_matches('"');
            if !["satisfied", "partly", "rejected"].contains(&t) {
                return Err(bad("one of satisfied, partly, rejected"));
            }
            Value::String(t.to_string())
        }
        // Numbers, names of bodies and addressees: text as printed, masked like any text.
        _ => Value::String(mask_personal_data(text.trim_matches('"')).0),
    };
    Ok(value)
}

impl Evidence<'_> {
    /// The attachment a document id names (`DOC` on the command line: the attachment's id).
    fn attachment_by_id(&self, id: i64) -> Result<(String, i64, Attachment), ApiError> {
        let (bin, subject_id) = self
            .read()
            .store()
            .attachment_subject(id)?
            .ok_or_else(|| not_found(format!("no attached document {id} (see `ekn docs list BIN`)")))?;
        let attachment = self
            .read()
            .store()
            .attachments(subject_id)?
            .into_iter()
            .find(|a| a.id == id)
            .ok_or_else(|| not_found(format!("no attached document {id}")))?;
        Ok((bin, subject_id, attachment))
    }

    fn document_view(&self, bin: &str, subject_id: i64, a: &Attachment) -> Result<DocumentView, ApiError> {
        let read: Option<DocRead> = self.read().store().current_read(&a.sha256)?;
        let mut view = DocumentView {
            id: a.id,
            subject_bin: bin.to_string(),
            file_name: a.file_name.clone(),
            sha256: a.sha256.clone(),
            octets: a.octets,
            state: "unread".into(),
            why: "not read yet: `ekn docs extract` reads it".into(),
            why_words: crate::domain::norms::Localized {
                ru: "ещё не прочитан".into(),
                kk: "әлі оқылмаған".into(),
                en: "not read yet".into(),
            },
            format: None,
            engine: None,
            rules_version: None,
            read_at: None,
            pages: Vec::new(),
            facts: Vec::new(),
        };
        if let Some(read) = read {
            view.state = read.state.clone();
            view.why = read.why.clone();
            view.why_words = crate::extract::reason::words(&read.why);
            view.format = Some(read.format.clone());
            view.engine = Some(read.engine.clone());
            view.rules_version = Some(read.rules_version.clone());
            view.read_at = Some(read.at.clone());
            view.pages = self
                .read()
                .store()
                .doc_pages(read.id)?
                .into_iter()
                .map(|p| PageSummary { page: p.page, method: p.method, quality: p.quality, why: p.why })
                .collect();
            view.facts = self.read().store().doc_facts(read.id, subject_id)?.into_iter().map(fact_view).collect();
        }
        Ok(view)
    }

    /// The documents attached to an object, each with its reading's state and facts.
    pub fn documents(&self, bin: &str) -> Result<Vec<DocumentView>, ApiError> {
        let (bin, subject_id) = self.read().subject_id_of(bin)?;
        self.read().store().attachments(subject_id)?.iter().map(|a| self.document_view(&bin, subject_id, a)).collect()
    }

    /// `ekn docs facts BIN --json`: every document of an object with its pages and facts.
    pub fn document_facts(&self, bin: &str) -> Result<DocumentFacts, ApiError> {
        let documents = self.documents(bin)?;
        let (bin, _) = self.read().subject_id_of(bin)?;
        self.read().logged().card_part(&bin, "documents")?;
        Ok(DocumentFacts { bin, documents })
    }

    /// One document with its reading and facts.
    pub fn document(&self, id: i64) -> Result<DocumentView, ApiError> {
        let (bin, subject_id, a) = self.attachment_by_id(id)?;
        self.document_view(&bin, subject_id, &a)
    }

    /// A document open in the viewer: its reading, facts and the text of every page.
    pub fn document_open(&self, id: i64) -> Result<DocumentOpen, ApiError> {
        let (bin, subject_id, a) = self.attachment_by_id(id)?;
        let document = self.document_view(&bin, subject_id, &a)?;
        let pages = match self.read().store().current_read(&a.sha256)? {
            Some(read) => self.read().store().doc_pages(read.id)?.into_iter().map(page_text).collect(),
            None => Vec::new(),
        };
        self.read().logged().card_part(&bin, &format!("document {id}"))?;
        Ok(DocumentOpen { document, pages })
    }

    /// Page `page` of a document as a picture, prepared as OCR prepared it (levelled, the light
    /// evened), so the boxes stored with its facts fall on their words. A DOCX has no pages to
    /// show; neither has a PDF on a machine without `pdftoppm`.
    pub fn document_page_image(&self, id: i64, page: u32) -> Result<DocumentPageImage, ApiError> {
        use base64::Engine as _;
        /// A picture as wide as a viewer's column at twice its density, a few hundred kB.
        const WIDTH: u32 = 1240;
        let (bin, _, a) = self.attachment_by_id(id)?;
        let bytes = self.attachment_bytes(&a.sha256)?;
        let picture = extract::page_picture(&bytes, page, engines(), WIDTH);
        drop(bytes);
        let picture = picture.ok_or_else(|| {
            ApiError::new(ErrorCode::NotFound, format!("{}: no picture of page {page} to show", a.file_name))
        })?;
        self.read().logged().card_part(&bin, &format!("document {id} page {page}"))?;
        Ok(DocumentPageImage {
            id,
            page,
            width: picture.width,
            height: picture.height,
            scale: picture.scale,
            png_base64: base64::engine::general_purpose::STANDARD.encode(&picture.png),
        })
    }

    /// The text of a document's pages (all, or one).
    pub fn document_text(&self, id: i64, page: Option<u32>) -> Result<Vec<PageText>, ApiError> {
        let open = self.document_open(id)?;
        if open.document.state == "unread" {
            return Err(ApiError::new(
                ErrorCode::NotFound,
                format!("document {id} has not been read yet (`ekn docs extract {id}`)"),
            ));
        }
        match page {
            None => Ok(open.pages),
            Some(n) => {
                let count = open.pages.len();
                let page = open.pages.into_iter().find(|p| p.page == n as i64);
                page.map(|p| vec![p]).ok_or_else(|| {
                    ApiError::invalid(format!("document {id} has {count} page(s); there is no page {n}"))
                })
            }
        }
    }

    /// Reads a document (decrypting it in memory) and records its pages and candidate facts.
    /// Reading again with the same engines and rules records nothing (idempotent); `progress`
    /// is told page by page and returns `false` to cancel, which records nothing either.
    pub fn read_document(
        &mut self,
        id: i64,
        progress: &mut dyn FnMut(Progress) -> bool,
    ) -> Result<DocumentReadReport, ApiError> {
        let started = std::time::Instant::now();
        let (bin, subject_id, a) = self.attachment_by_id(id)?;
        let rules = Rules::shipped();
        let engines = engines();
        if let Some(read) = self.read().store().current_read(&a.sha256)? {
            // Reading again changes something only with other rules, another OCR engine than the
            // one that read it, or OCR now at hand for pages that had none.
            let read_by_ocr = read.engine.contains("tesseract");
            let stale = read.rules_version != rules.version
                || (read_by_ocr && !read.engine.ends_with(&engines.describe()))
                || (read.state == "partly" && !read_by_ocr && engines.can_ocr());
            if !stale {
                return Ok(DocumentReadReport {
                    document: self.document_view(&bin, subject_id, &a)?,
                    new_reading: false,
                    seconds: started.elapsed().as_secs_f64(),
                });
            }
        }
        let bytes = self.attachment_bytes(&a.sha256)?;
        let read = extract::read_document(&bytes, engines, rules, progress)
            .map_err(|e| ApiError::new(ErrorCode::Cancelled, format!("{}: reading {e}", a.file_name)))?;
        drop(bytes);
        let new = to_new_read(&a.sha256, &read);
        let entry = Entry::DocumentRead {
            subject_bin: bin.clone(),
            sha256: a.sha256.clone(),
            state: read.state.code().to_string(),
            pages: read.pages.len() as u32,
            ocr_pages: read.pages.iter().filter(|p| p.method == Method::Ocr).count() as u32,
            facts: read.facts.len(),
            engine: read.engine.clone(),
            rules_version: read.rules_version.clone(),
        };
        self.journal().run(|w| {
            w.insert_doc_read(&new)?;
            w.append(&entry, About { subject_bin: Some(bin.clone()), appeal_no: None }, None)?;
            Ok(())
        })?;
        Ok(DocumentReadReport {
            document: self.document_view(&bin, subject_id, &a)?,
            new_reading: true,
            seconds: started.elapsed().as_secs_f64(),
        })
    }

    /// The object a fact is decided for: the one named, or the only one the document is attached to.
    pub(super) fn fact_subject(
        &self,
        fact_id: i64,
        bin: Option<&str>,
    ) -> Result<(String, i64, String, String, String), ApiError> {
        let (_, sha256, kind, _) = self
            .read()
            .store()
            .doc_fact(fact_id)?
            .ok_or_else(|| not_found(format!("no fact {fact_id} (see `ekn docs show DOC`)")))?;
        let holders = self.read().store().attachment_holders(&sha256)?;
        let (bin, subject_id) = match bin {
            Some(b) => {
                let (b, id) = self.read().subject_id_of(b)?;
                if !holders.iter().any(|(_, s)| *s == id) {
                    return Err(ApiError::invalid(format!("fact {fact_id} is from a document not attached to {b}")));
                }
                (b, id)
            }
            None if holders.len() == 1 => holders[0].clone(),
            None if holders.is_empty() => {
                return Err(not_found(format!("the document of fact {fact_id} is no longer attached")))
            }
            None => {
                return Err(ApiError::invalid(format!(
                    "the document of fact {fact_id} is attached to {} objects; name one with --bin",
                    holders.len()
                )))
            }
        };
        let file_name = self
            .read()
            .store()
            .attachments(subject_id)?
            .into_iter()
            .find(|a| a.sha256 == sha256)
            .map(|a| a.file_name)
            .unwrap_or_default();
        Ok((bin, subject_id, sha256, kind, file_name))
    }

    /// A fact with the decision in force on it for the object.
    pub(super) fn fact_row(&self, fact_id: i64, subject_id: i64) -> Result<DocFact, ApiError> {
        let (read_id, ..) =
            self.read().store().doc_fact(fact_id)?.ok_or_else(|| not_found(format!("no fact {fact_id}")))?;
        let facts = self.read().store().doc_facts(read_id, subject_id)?;
        facts.into_iter().find(|f| f.id == fact_id).ok_or_else(|| not_found(format!("no fact {fact_id}")))
    }

    fn fact_now(&self, fact_id: i64, subject_id: i64) -> Result<FactView, ApiError> {
        self.fact_row(fact_id, subject_id).map(fact_view)
    }

    /// Confirms a fact, as proposed or with a corrected value (checked against its kind).
    pub fn confirm_fact(&mut self, fact_id: i64, value: Option<&str>, bin: Option<&str>) -> Result<FactView, ApiError> {
        let (bin, subject_id, sha256, kind, _) = self.fact_subject(fact_id, bin)?;
        let proposed = self.fact_now(fact_id, subject_id)?.proposed;
        let value = match value {
            Some(v) => checked_value(&kind, v)?,
            None => proposed.clone(),
        };
        let corrected = value != proposed;
        let text = value.to_string();
        let entry = Entry::FactConfirmed {
            subject_bin: bin.clone(),
            sha256,
            fact_id,
            fact_kind: kind,
            value: text.clone(),
            corrected,
        };
        self.journal().run(|w| {
            w.insert_fact_decision(subject_id, fact_id, "confirmed", Some(&text), corrected, None)?;
            w.append(&entry, About { subject_bin: Some(bin.clone()), appeal_no: None }, None)?;
            Ok(())
        })?;
        self.fact_now(fact_id, subject_id)
    }

    /// Rejects a fact with the reason (masked like any typed text).
    pub fn reject_fact(&mut self, fact_id: i64, reason: &str, bin: Option<&str>) -> Result<FactView, ApiError> {
        let reason = crate::api::checked_note(Some(reason))?
            .filter(|r| !r.trim().is_empty())
            .ok_or_else(|| ApiError::invalid("rejecting a fact needs a reason"))?;
        let reason = mask_personal_data(&reason).0;
        let (bin, subject_id, sha256, kind, _) = self.fact_subject(fact_id, bin)?;
        let entry =
            Entry::FactRejected { subject_bin: bin.clone(), sha256, fact_id, fact_kind: kind, reason: reason.clone() };
        self.journal().run(|w| {
            w.insert_fact_decision(subject_id, fact_id, "rejected", None, false, Some(&reason))?;
            w.append(&entry, About { subject_bin: Some(bin.clone()), appeal_no: None }, None)?;
            Ok(())
        })?;
        self.fact_now(fact_id, subject_id)
    }

    /// Documents found by words of their text.
    pub fn search_documents(&self, text: &str, limit: usize) -> Result<Vec<DocumentHit>, ApiError> {
        Ok(self.read().store().search_documents(text, limit.clamp(1, 500))?)
    }
}

fn page_text(p: DocPage) -> PageText {
    PageText { page: p.page, method: p.method, quality: p.quality, why: p.why, text: p.text, words: json_of(&p.words) }
}

/// `extract`'s result as the store's rows.
fn to_new_read(sha256: &str, read: &ReadDocument) -> NewRead {
    NewRead {
        sha256: sha256.to_string(),
        format: read.format.code().to_string(),
        state: read.state.code().to_string(),
        why: read.why.clone(),
        engine: read.engine.clone(),
        rules_version: read.rules_version.clone(),
        pages: read
            .pages
            .iter()
            .map(|p| NewPage {
                page: p.page,
                method: p.method.code().to_string(),
                quality: p.quality,
                why: p.why.clone(),
                text: p.text.clone(),
                words: serde_json::to_string(&p.words).unwrap_or_else(|_| "[]".into()),
            })
            .collect(),
        facts: read
            .facts
            .iter()
            .map(|f| NewFact {
                kind: f.kind.clone(),
                value: f.value.to_string(),
                page: f.page,
                span: f.span,
                bbox: f.bbox.map(|b| serde_json::to_string(&b).unwrap_or_default()),
                rule: f.rule.clone(),
                confidence: f.confidence,
                context: f.context.clone(),
            })
            .collect(),
    }
}

impl Read<'_> {
    /// The facts confirmed on an object, for its card's timeline, oldest document date first
    /// (documents without a confirmed date last).
    pub(in crate::api) fn confirmed_document_facts(
        &self,
        bin: &str,
    ) -> Result<Vec<crate::domain::card::DocumentFactView>, ApiError> {
        let Some(subject_id) = self.store().subject_id(bin)? else { return Ok(Vec::new()) };
        let confirmed = self.store().confirmed_facts(subject_id)?;
        let date_of = |sha: &str| {
            confirmed
                .iter()
                .find(|(f, _, s)| s == sha && f.kind == "date")
                .and_then(|(f, _, _)| serde_json::from_str::<String>(&f.value).ok())
        };
        let mut out: Vec<crate::domain::card::DocumentFactView> = confirmed
            .iter()
            .map(|(f, file_name, sha256)| crate::domain::card::DocumentFactView {
                date: date_of(sha256),
                kind: f.kind.clone(),
                value: f.value.clone(),
                file_name: file_name.clone(),
                sha256: sha256.clone(),
                page: f.page,
                corrected: f.corrected,
                confirmed_by: f.decided_by.clone().unwrap_or_default(),
                confirmed_at: f.decided_at.clone().unwrap_or_default(),
            })
            .collect();
        out.sort_by(|a, b| (a.date.is_none(), &a.date, &a.file_name).cmp(&(b.date.is_none(), &b.date, &b.file_name)));
        Ok(out)
    }
}
