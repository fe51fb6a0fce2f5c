//! An object's evidence package: its case card (JSON and a readable HTML page), the analytic
//! extract (the local risk estimate with the model's passport, the anomalies naming the object,
//! the digests of the imports they used) and the journal's excerpt for the object with the signed
//! checkpoint, packed as a BagIt bag signed by the office (`evidence::bag`), and the check of such
//! a package. Packing and checking are journaled.

use super::Evidence;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use serde::Serialize;

use crate::analytics::practices::DetectParams;
use crate::api::{ApiError, ErrorCode, JournalQuery};
use crate::domain::card::Card;
use crate::domain::journal::Entry;
use crate::evidence::bag::{self, BagInfo, BagProblem, BagReport};
use crate::guide::site::escape;
use crate::store::About;

/// What packing wrote.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct EvidencePackReport {
    pub subject_bin: String,
    pub path: String,
    pub zip: bool,
    pub external_identifier: String,
    pub payload_files: usize,
    pub payload_octets: u64,
    /// The payload's paths under `data/`.
    pub contents: Vec<String>,
    pub tagmanifest_sha256: String,
    /// The office key that signed the tag manifest (hex).
    pub signer: String,
    pub seconds: f64,
}

/// What checking a package found: every problem, each naming its file.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct EvidenceVerification {
    pub path: String,
    #[serde(flatten)]
    pub report: BagReport,
    /// The problems in words (English; the UI words them itself).
    pub messages: Vec<String>,
    /// Signed by this office's own key.
    pub signed_by_this_office: bool,
    pub seconds: f64,
}

/// Where a package goes: a directory or a zip the person named, or a zip in memory for download.
enum PackTarget<'a> {
    Dir(&'a Path),
    Zip(&'a Path),
    Download(&'a str),
}

fn json(value: &impl Serialize) -> Result<Vec<u8>, ApiError> {
    serde_json::to_vec_pretty(value).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))
}

/// The card as a page a judge can read without the product (Kazakh and Russian letters as UTF-8).
fn card_html(card: &Card, generated: &str) -> String {
    let s = &card.subject;
    let mut html = format!(
        "<!doctype html>\n<html lang=\"ru\"><head><meta charset=\"utf-8\"><title>{bin}</title>\
         <style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}\
         td,th{{border:1px solid #999;padding:2px 6px;font-size:90%}}</style></head><body>\n\
         <h1>{name} — {bin}</h1>\n<p>Карточка объекта · Объект картасы · Case card. {generated}</p>\n\
         <p>КАТО {kato} · ОКЭД {oked}</p>\n",
        bin = escape(&s.bin),
        name = escape(s.name.as_deref().unwrap_or("—")),
        kato = escape(s.kato.as_deref().unwrap_or("—")),
        oked = escape(s.oked.as_deref().unwrap_or("—")),
    );
    html.push_str(
        "<h2>Проверки · Тексерулер · Inspections</h2>\n<table><tr><th>№</th><th>Дата</th><th>Орган</th>\
         <th>Вид</th><th>Нарушений</th><th>Меры</th><th>Обжаловано</th><th>Незаконна</th></tr>\n",
    );
    let yes_no = |v: Option<bool>| match v {
        Some(true) => "да",
        Some(false) => "нет",
        None => "—",
    };
    for i in &card.inspections {
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            escape(&i.registry_no),
            i.start_date.format("%d.%m.%Y"),
            escape(&i.control_body),
            i.kind.code(),
            i.violations,
            escape(i.sanctions.as_deref().unwrap_or("")),
            yes_no(i.appealed),
            yes_no(i.declared_illegal)
        ));
    }
    html.push_str(
        "</table>\n<h2>Обращения · Өтініштер · Appeals</h2>\n<table><tr><th>№</th><th>Дата</th>\
         <th>Категория</th><th>Статус</th><th>Текст (маскирован)</th></tr>\n",
    );
    for a in &card.appeals {
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            escape(&a.appeal_no),
            a.received.format("%d.%m.%Y"),
            escape(a.category.as_deref().unwrap_or("—")),
            escape(a.status.as_deref().unwrap_or("—")),
            escape(a.text.as_deref().unwrap_or(""))
        ));
    }
    html.push_str("</table>\n</body></html>\n");
    html
}

/// Where an attached document goes in the package: under its digest's first 12 digits (names
/// repeat; digests do not), with the name made safe for a path.
fn attachment_path(sha256: &str, file_name: &str) -> String {
    let safe: String = file_name
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' | '%') {
                '_'
            } else {
                c
            }
        })
        .collect();
    format!("attachments/{}-{}", &sha256[..12], safe.trim_start_matches('.'))
}

const README: &str = "Пакет доказательств ЭКН (BagIt 1.0, RFC 8493). Содержимое: card.json и card.html — карточка \
объекта; acts/issued.json — акты, внесённые как вынесенные; attachments/ — приобщённые документы; checklist.json — \
перечни доказательств с отметками (кто и когда); analytics/ — локальная оценка риска с паспортом модели, аномалии, где назван объект, и дайджесты импортов, \
на которых они построены (оценки — гипотезы, а не выводы); journal/ — выписка журнала по объекту и подписанная \
контрольная точка журнала. Целостность: manifest-sha256.txt, tagmanifest-sha256.txt и подпись ed25519 \
tagmanifest-sha256.txt.sig (проверка: ekn evidence verify или любой валидатор BagIt).\n\n\
ЭКН дәлелдер пакеті (BagIt 1.0, RFC 8493): card.json және card.html — объект картасы; acts/issued.json — шығарылған деп \
тіркелген актілер; attachments/ — қоса тіркелген құжаттар; checklist.json — дәлелдер тізбесі (кім, қашан белгіледі); analytics/ — тәуекел бағасы \
модель паспортымен, ауытқулар және импорт дайджесттері (бағалар — болжам, қорытынды емес); journal/ — журнал \
үзіндісі және қол қойылған бақылау нүктесі. Тұтастығы: манифесттер және ed25519 қолтаңбасы.\n\n\
EKN evidence package (BagIt 1.0, RFC 8493): card.json and card.html — the case card; acts/issued.json — the \
acts recorded as issued; attachments/ — the documents attached; checklist.json — the evidence checklists with who \
ticked what and when; analytics/ — the local risk \
estimate with the model's passport, the anomalies naming the object and the digests of the imports they used \
(estimates are hypotheses, not findings); journal/ — the journal's excerpt for the object and its signed \
checkpoint. Integrity: the manifests and the ed25519 signature over the tag manifest (ekn evidence verify, or any \
BagIt validator for the manifests).\n";

impl Evidence<'_> {
    /// Assembles and writes the evidence package of `bin` into the directory `out` (which must not
    /// exist or be empty), or into the zip `out` when `zip`: a place the person chose.
    pub fn package(&mut self, bin: &str, out: &Path, zip: bool) -> Result<EvidencePackReport, ApiError> {
        let target = if zip { PackTarget::Zip(out) } else { PackTarget::Dir(out) };
        Ok(self.build_package(bin, target)?.0)
    }

    /// Assembles the package of `bin` as a zip in memory, for the UI to hand to the person as a
    /// download: nothing is written to disk, since the package holds the attached documents
    /// decrypted and a copy left beside the database would undo their encryption at rest.
    /// Returns the report, the file name offered, and the zip's bytes.
    pub fn package_download(&mut self, bin: &str) -> Result<(EvidencePackReport, String, Vec<u8>), ApiError> {
        let (bin, _) = self.read().subject_id_of(bin)?;
        let stamp: String =
            self.read().clock().stamp().chars().filter(|c| c.is_ascii_alphanumeric()).take(15).collect();
        let name = format!("evidence-{bin}-{stamp}.zip");
        let (report, bytes) = self.build_package(&bin, PackTarget::Download(&name))?;
        let bytes = bytes.ok_or_else(|| ApiError::new(ErrorCode::Internal, "the package was not zipped"))?;
        Ok((report, name, bytes))
    }

    fn build_package(
        &mut self,
        bin: &str,
        target: PackTarget<'_>,
    ) -> Result<(EvidencePackReport, Option<Vec<u8>>), ApiError> {
        let started = Instant::now();
        self.read().logged().package(bin)?;
        let card = self.read().card_content(bin)?;
        let bin = card.subject.bin.clone();
        let today = self.read().today();
        let mut payload: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        let generated = format!("Сформировано ЭКН {today} · ЭКН жасаған · Generated by EKN.");
        payload.insert("README.txt".into(), README.as_bytes().to_vec());
        payload.insert("card.json".into(), json(&card)?);
        payload.insert("card.html".into(), card_html(&card, &generated).into_bytes());

        // The analytic extract: the local estimate (logged as a prediction exported), its model's
        // passport, the anomalies naming the object, and the imports they were computed from.
        let risk = self.kernel.lend().analytics().explain_risk(&bin)?;
        if let Some(local) = &risk.local {
            let passport = self.kernel.lend().models().passport(&local.model)?;
            for (lang, text) in
                [("ru", passport.markdown.ru), ("kk", passport.markdown.kk), ("en", passport.markdown.en)]
            {
                payload.insert(format!("analytics/passport-{}.{lang}.md", local.model), text.into_bytes());
            }
        }
        payload.insert("analytics/risk.json".into(), json(&risk)?);
        let report = self.kernel.lend().analytics().anomalies(&DetectParams::default(), None)?;
        let naming: Vec<_> = report.anomalies.iter().filter(|a| a.anomaly.subject_bins.contains(&bin)).collect();
        let anomalies = serde_json::json!({
            "method": report.method,
            "window": report.window,
            "params": report.params,
            "anomalies": naming,
            "note": report.note,
        });
        payload.insert("analytics/anomalies.json".into(), json(&anomalies)?);
        let imports: Vec<_> = self
            .read()
            .analytics_registry()?
            .imports
            .iter()
            .map(|(id, sha256)| serde_json::json!({ "import_id": id, "sha256": sha256 }))
            .collect();
        payload.insert("analytics/imports.json".into(), json(&imports)?);

        // The journal's excerpt for the object and the journal's signed checkpoint.
        let excerpt =
            self.read().journal_lines(&JournalQuery { object: Some(bin.clone()), ..JournalQuery::default() })?;
        payload.insert("journal/excerpt.json".into(), json(&excerpt)?);
        if let Some(checkpoint) = crate::store::seal::read_checkpoint(self.read().database())? {
            payload.insert("journal/checkpoint.txt".into(), checkpoint.into_bytes());
        }

        // What the prosecutor gathered: the checklists as they stand, the acts recorded as issued
        // and every attached document (decrypted; the package is what goes to court).
        let (_, subject_id) = self.read().subject_id_of(&bin)?;
        let attachments = self.read().store().attachments(subject_id)?;
        for a in &attachments {
            let bytes = self.attachment_bytes(&a.sha256)?;
            payload.insert(attachment_path(&a.sha256, &a.file_name), bytes);
        }
        if !attachments.is_empty() {
            let index: Vec<_> = attachments
                .iter()
                .map(|a| serde_json::json!({ "path": attachment_path(&a.sha256, &a.file_name), "attachment": a }))
                .collect();
            payload.insert("attachments/index.json".into(), json(&index)?);
        }
        payload.insert("acts/issued.json".into(), json(&self.read().store().issued_acts(subject_id)?)?);
        let screen = self.kernel.lend().screens().case_screen(&bin, today)?;
        let checklists =
            serde_json::json!({ "stage": screen.stage, "items": screen.checklist, "acts": screen.act_checklists });
        payload.insert("checklist.json".into(), json(&checklists)?);

        let external_identifier = format!("ekn:{bin}:{today}:{}", excerpt.last().map_or(0, |l| l.seq));
        let info = BagInfo {
            source_organization: "ЭКН — электронная карта надзора".into(),
            bagging_date: today,
            external_identifier: external_identifier.clone(),
            description: format!("Evidence package of {bin}"),
        };
        let contents: Vec<String> = payload.keys().cloned().collect();
        let files = bag::build(payload, &info, self.sealer.key());
        let root = external_identifier.replace(':', "-");
        let (label, zip, bytes) = match target {
            PackTarget::Dir(out) => {
                bag::write_dir(&files, out).map_err(|e| ApiError::invalid(format!("{}: {e}", out.display())))?;
                (out.display().to_string(), false, None)
            }
            PackTarget::Zip(out) => {
                bag::write_zip(&files, out, &root).map_err(|e| ApiError::invalid(format!("{}: {e}", out.display())))?;
                (out.display().to_string(), true, None)
            }
            PackTarget::Download(name) => {
                let bytes =
                    bag::zip_bytes(&files, &root).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
                (format!("download:{name}"), true, Some(bytes))
            }
        };
        let tagmanifest_sha256 = crate::api::sha256_hex(&files[bag::TAG_MANIFEST_FILE]);
        let payload_octets: u64 =
            files.iter().filter(|(k, _)| k.starts_with("data/")).map(|(_, v)| v.len() as u64).sum();
        let entry = Entry::EvidencePacked {
            subject_bin: bin.clone(),
            external_identifier: external_identifier.clone(),
            path: label.clone(),
            payload_files: contents.len(),
            payload_octets,
            tagmanifest_sha256: tagmanifest_sha256.clone(),
        };
        self.journal().run(|w| {
            w.append(&entry, About { subject_bin: Some(bin.clone()), appeal_no: None }, None)?;
            Ok(())
        })?;
        let report = EvidencePackReport {
            subject_bin: bin,
            path: label,
            zip,
            external_identifier,
            payload_files: contents.len(),
            payload_octets,
            contents,
            tagmanifest_sha256,
            signer: self.sealer.public_hex(),
            seconds: started.elapsed().as_secs_f64(),
        };
        Ok((report, bytes))
    }

    /// Checks a package (a bag directory or a zip) against its manifests and its signature; the
    /// signature must be by this office's key. Every problem is reported, each naming its file.
    pub fn verify(&mut self, path: &Path) -> Result<EvidenceVerification, ApiError> {
        self.verify_files(&path.display().to_string(), bag::read(path))
    }

    /// Checks a zipped package a person uploaded (`name` is what they called it).
    pub fn verify_bytes(&mut self, name: &str, bytes: &[u8]) -> Result<EvidenceVerification, ApiError> {
        self.verify_files(name, bag::read_zip_bytes(bytes))
    }

    fn verify_files(
        &mut self,
        label: &str,
        read: Result<bag::BagFiles, String>,
    ) -> Result<EvidenceVerification, ApiError> {
        let started = Instant::now();
        let office = self.sealer.key().verifying_key();
        let (report, tagmanifest_sha256) = match read {
            Ok(files) => {
                let digest = files.get(bag::TAG_MANIFEST_FILE).map(crate::api::sha256_hex);
                (bag::verify(&files, &[office]), digest)
            }
            Err(reason) => (
                BagReport {
                    ok: false,
                    payload_files: 0,
                    payload_octets: 0,
                    external_identifier: None,
                    bagging_date: None,
                    signer: None,
                    problems: vec![BagProblem::NotABag { reason }],
                },
                None,
            ),
        };
        let entry = Entry::EvidenceVerified {
            path: label.to_string(),
            external_identifier: report.external_identifier.clone(),
            ok: report.ok,
            problems: report.problems.len(),
            tagmanifest_sha256,
        };
        self.journal().run(|w| {
            w.append(&entry, About::default(), None)?;
            Ok(())
        })?;
        let office_key = hex::encode(office.as_bytes());
        Ok(EvidenceVerification {
            path: label.to_string(),
            messages: report.problems.iter().map(BagProblem::text).collect(),
            signed_by_this_office: report.signer.as_deref() == Some(office_key.as_str())
                && !report.problems.iter().any(|p| matches!(p, BagProblem::SignatureInvalid { .. })),
            report,
            seconds: started.elapsed().as_secs_f64(),
        })
    }
}
