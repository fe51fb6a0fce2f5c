//! Acts of response: drafting one from its Word template with the card's facts and the norms
//! catalog's period (marked a draft: date, version, journal entry), checking templates, and
//! recording an act as issued with its control-of-execution task. The template in force for a
//! kind and language is the office's own (`<database>.acts/<kind>.<lang>.docx`) when there is
//! one, else the one shipped in `assets/acts/`.

pub mod checklists;
pub mod outcomes;
pub mod precedents;

use crate::api::session::handles::{Journal, Kernel, Read};
use std::path::PathBuf;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::acts::template::{self, TemplateCheck};
use crate::acts::{
    builtin_template, template_file_name, ActData, ActKind, ActLang, AppealRef, AppealRow, Control, DraftMark, Facts,
    IllegalRow, Norms, ObjectIdentity, Office, PeriodText, Person, Requirement, ViolationRow,
};
use crate::api::acts::checklists::MissingItem;
use crate::api::deadlines::{counting_of, period_under};
use crate::api::tasks::NewTaskRequest;
use crate::api::{ApiError, ErrorCode};
use crate::domain::card::Card;
use crate::domain::deadline::{compute_counted, Period, Unit};
use crate::domain::journal::Entry;
use crate::domain::privacy::mask_personal_data;
use crate::domain::procedure::{CardFacts, Procedure};
use crate::domain::tasks::TaskKind;
use crate::store::{About, IssuedAct, NewIssuedAct};

/// The acts of response: templates, drafts and their preview, issuing, outcomes with verification, checklists and precedents. `Session::acts` lends it; it holds the kernel and nothing else.
pub struct Acts<'s> {
    kernel: Kernel<'s>,
}

impl<'s> Acts<'s> {
    pub(in crate::api) fn new(kernel: Kernel<'s>) -> Acts<'s> {
        Acts { kernel }
    }

    pub(in crate::api) fn read(&self) -> Read<'_> {
        self.kernel.read()
    }

    pub(in crate::api) fn journal(&mut self) -> Journal<'_> {
        self.kernel.journal()
    }
}

/// What a person asks a draft to say; whatever is not given stays a bracketed prompt.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default, deny_unknown_fields)]
pub struct ActDraftRequest {
    pub bin: String,
    pub kind: Option<ActKind>,
    pub lang: Option<ActLang>,
    /// The task the act answers (its appeal, for an answer).
    pub task: Option<i64>,
    /// The appeal an answer is about; the task's, else the oldest undecided one.
    pub appeal_no: Option<String>,
    pub addressee: Option<String>,
    pub addressee_position: Option<String>,
    pub norms_breached: Option<String>,
    pub requirements: Vec<String>,
    pub prosecutor: Option<String>,
    pub prosecutor_position: Option<String>,
    /// The period the act itself sets, where its norm lets it (a resolution's, a protest's own).
    #[serde(default)]
    pub period: Option<Period>,
}

/// A draft written: what it was made from, its digest and journal entry, and what the checklist
/// still misses. The document itself travels beside it (`docx`), not in the JSON.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ActDraft {
    pub subject_bin: String,
    pub kind: ActKind,
    pub lang: ActLang,
    pub file_name: String,
    /// `builtin` or the office's template file.
    pub template: String,
    pub template_sha256: String,
    pub sha256: String,
    pub journal_seq: i64,
    pub data: ActData,
    pub missing: Vec<MissingItem>,
    /// The placeholders left for the prosecutor (`addressee`, `addressee_position`,
    /// `norms_breached`, `requirements`, `prosecutor`, `prosecutor_position`, `office`): an act
    /// issued from this draft counts as filled only when none is left.
    pub unfilled: Vec<String>,
    #[serde(skip)]
    #[ts(skip)]
    pub docx: Vec<u8>,
}

/// Recording an act as issued.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default, deny_unknown_fields)]
pub struct ActIssueRequest {
    pub bin: String,
    pub kind: Option<ActKind>,
    pub issued_on: Option<NaiveDate>,
    pub number: Option<String>,
    pub addressee: String,
    pub requirements: Vec<String>,
    /// Who checks its execution, and the unit (the preferences' when not given).
    pub assignee: Option<String>,
    pub unit: Option<String>,
    /// An attached document (SHA-256) that is the issued act.
    pub document: Option<String>,
    /// The violation's category (the appeals taxonomy's code or a name in any language), so the
    /// act's later appeals of that category and its precedents can be found.
    pub category: Option<String>,
    /// The journal entry of the draft it is issued from; when not given, the object's latest
    /// draft of this kind that no act was issued from yet.
    pub draft_seq: Option<i64>,
    /// The period the act itself sets, where its norm lets it (a resolution's, a protest's own).
    #[serde(default)]
    pub period: Option<Period>,
}

/// What recording an act did.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ActIssued {
    pub act: IssuedAct,
    pub control_task: Option<crate::api::TaskView>,
    /// The norm the addressee's period comes from, and whether the catalog has it confirmed.
    pub norm_id: Option<String>,
    pub norm_verified: Option<bool>,
    pub missing: Vec<MissingItem>,
}

/// The most rows of each kind an act's tables cite (the latest ones). An act citing a thousand
/// inspections is not one a prosecutor would sign, and the filler's time grows with each row.
pub const MAX_CITED_ROWS: usize = 50;

/// Bounded text a person types into an act (an addressee, a requirement, a norm).
fn checked_text(text: &str, what: &str, limit: usize) -> Result<String, ApiError> {
    let text = text.trim();
    if text.chars().count() > limit {
        return Err(ApiError::invalid(format!("the {what} is longer than {limit} characters")));
    }
    Ok(text.to_string())
}

fn day(date: NaiveDate) -> String {
    date.format("%d.%m.%Y").to_string()
}

/// A Russian noun's form for a count (1 день, 2 дня, 5 дней).
fn ru_plural(n: u32, one: &str, few: &str, many: &str) -> String {
    let (tens, units) = (n % 100, n % 10);
    let word = if (11..=14).contains(&tens) {
        many
    } else if units == 1 {
        one
    } else if (2..=4).contains(&units) {
        few
    } else {
        many
    };
    format!("{n} {word}")
}

/// A period in the act's language ("1 месяц", "10 күнтізбелік күн").
pub(crate) fn period_words(period: Period, lang: ActLang) -> String {
    let n = period.amount;
    match (lang, period.unit) {
        (ActLang::Ru, Unit::WorkingDays) => ru_plural(n, "рабочий день", "рабочих дня", "рабочих дней"),
        (ActLang::Ru, Unit::CalendarDays) => ru_plural(n, "календарный день", "календарных дня", "календарных дней"),
        (ActLang::Ru, Unit::Months) => ru_plural(n, "месяц", "месяца", "месяцев"),
        (ActLang::Kk, Unit::WorkingDays) => format!("{n} жұмыс күні"),
        (ActLang::Kk, Unit::CalendarDays) => format!("{n} күнтізбелік күн"),
        (ActLang::Kk, Unit::Months) => format!("{n} ай"),
    }
}

/// The prompts a draft shows where the prosecutor has not spoken.
struct Prompts {
    addressee: &'static str,
    position: &'static str,
    norms: &'static str,
    requirement: &'static str,
    prosecutor: &'static str,
    prosecutor_position: &'static str,
    office: &'static str,
}

/// The placeholders a draft's data still carry, by name (see `ActDraft::unfilled`).
fn unfilled(data: &ActData, lang: ActLang) -> Vec<String> {
    let words = prompts(lang);
    [
        ("office", data.office.name == words.office),
        ("addressee", data.addressee.name == words.addressee),
        ("addressee_position", data.addressee.position == words.position),
        ("norms_breached", data.norms.breached == words.norms),
        ("requirements", data.requirements.iter().any(|r| r.text == words.requirement)),
        ("prosecutor", data.prosecutor.name == words.prosecutor),
        ("prosecutor_position", data.prosecutor.position == words.prosecutor_position),
    ]
    .into_iter()
    .filter(|(_, left)| *left)
    .map(|(name, _)| name.to_string())
    .collect()
}

fn prompts(lang: ActLang) -> Prompts {
    match lang {
        ActLang::Ru => Prompts {
            addressee: "[адресат — указывает прокурор]",
            position: "[должность адресата]",
            norms: "[нарушенные нормы со ссылками на статьи — указывает прокурор]",
            requirement: "[требование — формулирует прокурор]",
            prosecutor: "[фамилия и инициалы прокурора]",
            prosecutor_position: "[должность прокурора]",
            office: "[наименование органа прокуратуры]",
        },
        ActLang::Kk => Prompts {
            addressee: "[адресат — прокурор көрсетеді]",
            position: "[адресаттың лауазымы]",
            norms: "[бұзылған нормалар баптарына сілтемелермен — прокурор көрсетеді]",
            requirement: "[талапты прокурор тұжырымдайды]",
            prosecutor: "[прокурордың тегі мен аты-жөнінің бас әріптері]",
            prosecutor_position: "[прокурордың лауазымы]",
            office: "[прокуратура органының атауы]",
        },
    }
}

impl Acts<'_> {
    /// Where the office keeps its own templates: beside the database.
    pub fn office_templates_dir(&self) -> PathBuf {
        crate::store::files::DbFiles::of(self.read().database()).acts
    }

    /// The template in force for a kind and language: `(label, bytes)`.
    fn template_in_force(&self, kind: ActKind, lang: ActLang) -> Result<(String, Vec<u8>), ApiError> {
        let office = self.office_templates_dir().join(template_file_name(kind, lang));
        if office.is_file() {
            let bytes = crate::disk::read(&office)
                .map_err(|e| ApiError::new(ErrorCode::Io, format!("{}: {e}", office.display())))?;
            return Ok((office.display().to_string(), bytes));
        }
        Ok(("builtin".into(), builtin_template(kind, lang).to_vec()))
    }

    /// Checks a template file (its kind and language read from a name like `protest.kk.docx`),
    /// or, with none, every template in force.
    pub fn check_templates(&self, file: Option<(&str, &[u8])>) -> Result<Vec<TemplateCheck>, ApiError> {
        if let Some((name, bytes)) = file {
            let base =
                std::path::Path::new(name).file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            let kind = base.split('.').next().and_then(ActKind::parse);
            return Ok(vec![template::check(name, kind, bytes)]);
        }
        let mut checks = Vec::new();
        for kind in ActKind::ALL {
            for lang in ActLang::ALL {
                let (label, bytes) = self.template_in_force(kind, lang)?;
                let label =
                    if label == "builtin" { format!("builtin:{}", template_file_name(kind, lang)) } else { label };
                checks.push(template::check(&label, Some(kind), &bytes));
            }
        }
        Ok(checks)
    }

    /// The data a template of `kind` is filled with, from the card, the norms catalog and what
    /// the person asked; `journal_seq` is the entry the draft will be journaled as.
    fn act_data(
        &self,
        card: &Card,
        request: &ActDraftRequest,
        kind: ActKind,
        lang: ActLang,
        journal_seq: i64,
    ) -> Result<ActData, ApiError> {
        let today = self.read().today();
        let words = prompts(lang);
        let preferences = self.read().preferences()?;
        let given = |value: &Option<String>, what: &str, fallback: &str| -> Result<String, ApiError> {
            match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                Some(v) => checked_text(v, what, 1000),
                None => Ok(fallback.to_string()),
            }
        };
        let task = match request.task {
            Some(id) => {
                let graph = self.read().graph()?;
                let task = graph
                    .task(id)
                    .cloned()
                    .ok_or_else(|| ApiError::new(ErrorCode::NotFound, format!("no task {id}")))?;
                if task.subject_bin.as_deref() != Some(card.subject.bin.as_str()) {
                    return Err(ApiError::invalid(format!("task {id} is not about {}", card.subject.bin)));
                }
                Some(task)
            }
            None => None,
        };

        let with_violations: Vec<_> = card.inspections.iter().filter(|i| i.violations > 0).collect();
        let illegal: Vec<_> = card.inspections.iter().filter(|i| i.declared_illegal == Some(true)).collect();
        let open = card.appeals.iter().filter(|a| a.decided.is_none()).count();
        // An act cites the latest rows; the whole history is the card's (and the package's).
        let longest = with_violations.len().max(illegal.len()).max(card.appeals.len());
        let cut = |n: usize| n.saturating_sub(MAX_CITED_ROWS);
        let mut summary = match lang {
            ActLang::Ru => format!(
                "проверок — {}, из них с нарушениями — {}, признано незаконными — {}; обращений — {}, из них не рассмотрено — {}.",
                card.inspections.len(),
                with_violations.len(),
                illegal.len(),
                card.appeals.len(),
                open
            ),
            ActLang::Kk => format!(
                "тексерулер — {}, оның ішінде бұзушылық анықталғаны — {}, заңсыз деп танылғаны — {}; өтініштер — {}, оның ішінде қаралмағаны — {}.",
                card.inspections.len(),
                with_violations.len(),
                illegal.len(),
                card.appeals.len(),
                open
            ),
        };
        if longest > MAX_CITED_ROWS {
            summary.push_str(&match lang {
                ActLang::Ru => format!(
                    " В таблицах — последние {MAX_CITED_ROWS} записей каждого вида; полный перечень — в карточке объекта."
                ),
                ActLang::Kk => format!(
                    " Кестелерде — әр түрдің соңғы {MAX_CITED_ROWS} жазбасы; толық тізбе — объект картасында."
                ),
            });
        }
        let facts = Facts {
            summary,
            violations: with_violations[cut(with_violations.len())..]
                .iter()
                .map(|i| ViolationRow {
                    no: i.registry_no.clone(),
                    date: day(i.start_date),
                    body: i.control_body.clone(),
                    count: i.violations,
                    sanctions: i.sanctions.clone().unwrap_or_default(),
                })
                .collect(),
            illegal: illegal[cut(illegal.len())..]
                .iter()
                .map(|i| IllegalRow {
                    no: i.registry_no.clone(),
                    date: day(i.start_date),
                    body: i.control_body.clone(),
                    kind: i.kind.code().to_string(),
                })
                .collect(),
            appeals: card.appeals[cut(card.appeals.len())..]
                .iter()
                .map(|a| AppealRow {
                    no: a.appeal_no.clone(),
                    date: day(a.received),
                    category: a.category.clone().unwrap_or_default(),
                    status: a.status.clone().unwrap_or_default(),
                })
                .collect(),
        };

        // The appeal an answer is about: the one named, the task's, else the oldest undecided.
        let appeal_no = request.appeal_no.clone().or_else(|| task.as_ref().and_then(|t| t.appeal_no.clone()));
        let appeal = match &appeal_no {
            Some(no) => Some(
                card.appeals
                    .iter()
                    .find(|a| &a.appeal_no == no)
                    .ok_or_else(|| ApiError::invalid(format!("appeal {no} is not about {}", card.subject.bin)))?,
            ),
            None => card.appeals.iter().find(|a| a.decided.is_none()),
        };
        if kind == ActKind::AppealAnswer && appeal.is_none() {
            return Err(ApiError::invalid(format!(
                "{} has no undecided appeal to answer; name one with --appeal",
                card.subject.bin
            )));
        }
        let appeal = appeal
            .map(|a| AppealRef {
                no: a.appeal_no.clone(),
                received: day(a.received),
                category: a.category.clone().unwrap_or_default(),
            })
            .unwrap_or_default();

        // The addressee's period from the norms catalog, unconfirmed said so in the act itself.
        let procedure = Procedure::builtin();
        let norm_id = procedure.act(kind.code()).and_then(|a| a.norm.clone());
        let norms = self.read().norms()?;
        let calendar = self.read().calendar()?;
        let norm = norm_id.as_deref().and_then(|id| norms.at(id, today));
        // What may have changed the version since the edition it was read from (a new
        // Constitution in force on the act's date), said in the act beside the period.
        let caveat = |norm: &crate::domain::norms::Norm| -> String {
            norm.caveats
                .iter()
                .filter(|c| today >= c.from)
                .map(|c| if lang == ActLang::Ru { c.text.ru.clone() } else { c.text.kk.clone() })
                .collect::<Vec<_>>()
                .join(" ")
        };
        let act_period = norm.as_ref().map(|n| (n, period_under(n, request.period, today, &calendar)));
        let (period, control) = match act_period {
            // The act sets its period and the draft does not say it yet: the law's words stand in.
            Some((norm, Err(_))) if norm.period().is_none() && norm.version.set_by_act.is_some() => {
                let set = norm.version.set_by_act.as_ref().expect("checked");
                let basis = norm.basis();
                let (text, basis) = match lang {
                    ActLang::Ru => (set.text.ru.clone(), basis.ru),
                    ActLang::Kk => (set.text.kk.clone(), basis.kk),
                };
                (PeriodText { text, basis, note: caveat(norm) }, None)
            }
            Some((_, Err(e))) => return Err(e),
            Some((norm, Ok(act_period))) => {
                let basis = norm.basis();
                let note = if norm.verified() {
                    caveat(norm)
                } else {
                    let note = norm.note().map(|n| if lang == ActLang::Ru { n.ru } else { n.kk });
                    note.unwrap_or_else(|| match lang {
                        ActLang::Ru => "НЕ ПОДТВЕРЖДЕНО: срок не сверен с текстом закона.".into(),
                        ActLang::Kk => "РАСТАЛМАҒАН: мерзім заң мәтінімен салыстырылмаған.".into(),
                    })
                };
                let (trigger, basis) = match lang {
                    ActLang::Ru => (norm.trigger.ru.clone(), basis.ru),
                    ActLang::Kk => (norm.trigger.kk.clone(), basis.kk),
                };
                let text = format!("{} {trigger}", period_words(act_period, lang));
                // Control falls after the addressee's period counted from today (the act's date).
                let due = compute_counted(&calendar, today, act_period, &[], counting_of(norm))
                    .map_err(|e| ApiError::invalid(e.to_string()))?
                    .due;
                let control_due = match norms.at(&Procedure::builtin().norms.control_of_execution, due) {
                    Some(c) => match c.period() {
                        Some(p) => {
                            compute_counted(&calendar, due, p, &[], counting_of(&c))
                                .map_err(|e| ApiError::invalid(e.to_string()))?
                                .due
                        }
                        None => due,
                    },
                    None => due,
                };
                (PeriodText { text, basis, note }, Some((due, control_due)))
            }
            None => {
                let text = match lang {
                    ActLang::Ru => "срок законом не установлен".to_string(),
                    ActLang::Kk => "мерзім заңмен белгіленбеген".to_string(),
                };
                (PeriodText { text, basis: String::new(), note: String::new() }, None)
            }
        };
        let control = match control {
            Some((due, control_due)) => Control {
                metrics: match lang {
                    ActLang::Ru => format!(
                        "письменный ответ адресата о результатах рассмотрения (срок адресата — {}), документы об устранении каждого указанного нарушения, число устранённых нарушений из указанных, лица, привлечённые к ответственности.",
                        day(due)
                    ),
                    ActLang::Kk => format!(
                        "адресаттың қарау нәтижелері туралы жазбаша жауабы (адресаттың мерзімі — {}), көрсетілген әрбір бұзушылықтың жойылғаны туралы құжаттар, жойылған бұзушылықтар саны, жауапкершілікке тартылған тұлғалар.",
                        day(due)
                    ),
                },
                deadline: day(control_due),
            },
            None => Control::default(),
        };

        let requirements: Vec<Requirement> = if request.requirements.iter().all(|r| r.trim().is_empty()) {
            vec![Requirement { n: 1, text: words.requirement.to_string() }]
        } else {
            request
                .requirements
                .iter()
                .filter(|r| !r.trim().is_empty())
                .enumerate()
                .map(|(i, r)| Ok(Requirement { n: i as u32 + 1, text: checked_text(r, "requirement", 2000)? }))
                .collect::<Result<_, ApiError>>()?
        };
        if requirements.len() > 100 {
            return Err(ApiError::invalid("an act carries at most 100 requirements"));
        }
        let version = env!("CARGO_PKG_VERSION");
        let draft = match lang {
            ActLang::Ru => DraftMark {
                mark: "ПРОЕКТ".into(),
                footer: format!(
                    "Проект сформирован ЭКН {version} {}, запись журнала № {journal_seq}. Не является актом прокурора до подписания; выводы и требования — только те, что указал прокурор.",
                    day(today)
                ),
            },
            ActLang::Kk => DraftMark {
                mark: "ЖОБА".into(),
                footer: format!(
                    "Жобаны ЭКН {version} {} жасады, журнал жазбасы № {journal_seq}. Прокурор қол қойғанға дейін прокурор актісі болып табылмайды; қорытындылар мен талаптар — тек прокурор көрсеткендері.",
                    day(today)
                ),
            },
        };
        let subject = &card.subject;
        Ok(ActData {
            office: Office { name: preferences.unit.clone().unwrap_or_else(|| words.office.to_string()) },
            draft,
            date: day(today),
            addressee: Person {
                name: given(&request.addressee, "addressee", words.addressee)?,
                position: given(&request.addressee_position, "addressee's position", words.position)?,
            },
            object: ObjectIdentity {
                name: subject.name.clone().unwrap_or_else(|| "—".into()),
                bin: subject.bin.clone(),
                kato: subject.kato.clone().unwrap_or_else(|| "—".into()),
                oked: subject.oked.clone().unwrap_or_else(|| "—".into()),
            },
            facts,
            appeal,
            norms: Norms { breached: given(&request.norms_breached, "norms breached", words.norms)? },
            period,
            requirements,
            control,
            prosecutor: Person {
                name: given(
                    &request.prosecutor,
                    "prosecutor",
                    preferences.assignee.as_deref().unwrap_or(words.prosecutor),
                )?,
                position: given(&request.prosecutor_position, "prosecutor's position", words.prosecutor_position)?,
            },
        })
    }

    /// Drafts an act: fills the template in force and journals the draft (its footer names the
    /// entry). Nothing is concluded for the prosecutor: norms breached and requirements are what
    /// the request gives, or bracketed prompts.
    pub fn draft(&mut self, request: &ActDraftRequest) -> Result<ActDraft, ApiError> {
        let kind = request.kind.ok_or_else(|| ApiError::invalid("name the kind of act"))?;
        let lang = request.lang.unwrap_or(ActLang::Ru);
        let (bin, subject_id) = self.read().subject_id_of(&request.bin)?;
        let card = self.read().card_content(&bin)?;
        let (template_label, template_bytes) = self.template_in_force(kind, lang)?;
        let template_sha256 = crate::api::sha256_hex(&template_bytes);
        // The entry's number goes into the draft's footer; the write is exclusive, so the number
        // read is the number written.
        let next_seq = self.read().store().journal_head()?.map_or(1, |(seq, _)| seq + 1);
        let data = self.act_data(&card, request, kind, lang, next_seq)?;
        let docx = template::fill(&template_bytes, &data).map_err(|e| {
            ApiError::invalid(format!(
                "{template_label} ({}): {e}; run `ekn act templates check`",
                template_file_name(kind, lang)
            ))
        })?;
        let sha256 = crate::api::sha256_hex(&docx);
        let missing = self.read().missing_for_act(subject_id, &CardFacts::of(&card), kind)?;
        let unfilled = unfilled(&data, lang);
        let entry = Entry::ActDrafted {
            subject_bin: bin.clone(),
            act_kind: kind.code().into(),
            lang: lang.code().into(),
            template: template_label.clone(),
            template_sha256: template_sha256.clone(),
            sha256: sha256.clone(),
            task_id: request.task,
            unfilled: unfilled.clone(),
        };
        let stored = self
            .journal()
            .run(|w| Ok(w.append(&entry, About { subject_bin: Some(bin.clone()), appeal_no: None }, None)?))?;
        if stored.seq != next_seq {
            // Only another writer between the read and the write could cause this; say so.
            return Err(ApiError::new(
                ErrorCode::Internal,
                "the journal moved while the draft was made; draft it again",
            ));
        }
        let file_name = format!("{}-{}-{}.docx", kind.code(), bin, lang.code());
        // A drafted act carries the card's content out of the program: the office logs it.
        self.read().logged().export(Some(&bin), &format!("act {file_name}, journal entry {}", stored.seq))?;
        Ok(ActDraft {
            subject_bin: bin.clone(),
            kind,
            lang,
            file_name,
            template: template_label,
            template_sha256,
            sha256,
            journal_seq: stored.seq,
            data,
            missing,
            unfilled,
            docx,
        })
    }

    /// The PDF preview of a filled act.
    pub fn preview_pdf(&self, docx: &[u8]) -> Result<Vec<u8>, ApiError> {
        template::pdf_preview(docx).map_err(|e| ApiError::invalid(e.to_string()))
    }

    /// The draft an act is issued from and the placeholders it left: the one named (it must be a
    /// draft of this kind for this object), else the object's latest draft of the kind that no
    /// act was issued from yet; none when no draft was made here.
    fn draft_issued_from(
        &self,
        bin: &str,
        subject_id: i64,
        kind: ActKind,
        named: Option<i64>,
    ) -> Result<Option<(i64, Vec<String>)>, ApiError> {
        let drafts = self.read().store().journal_entries(&crate::store::JournalFilter {
            subject_bin: Some(bin.to_string()),
            kind: Some("act_drafted".into()),
            ..Default::default()
        })?;
        let used: Vec<i64> = self.read().store().issued_acts(subject_id)?.iter().filter_map(|a| a.draft_seq).collect();
        let of_kind = drafts.iter().rev().filter_map(|e| match serde_json::from_str::<Entry>(&e.payload) {
            Ok(Entry::ActDrafted { act_kind, unfilled, subject_bin, .. })
                if act_kind == kind.code() && subject_bin == bin =>
            {
                Some((e.seq, unfilled))
            }
            _ => None,
        });
        match named {
            Some(seq) => of_kind.into_iter().find(|(s, _)| *s == seq).map(Some).ok_or_else(|| {
                ApiError::invalid(format!("journal entry {seq} is not a draft of a {} for {bin}", kind.code()))
            }),
            None => Ok(of_kind.into_iter().find(|(s, _)| !used.contains(s))),
        }
    }

    /// Records an act as issued: journaled, and, when the act gives the addressee a period, its
    /// control-of-execution task due after that period (both from the norms catalog).
    pub fn issue(&mut self, request: &ActIssueRequest) -> Result<ActIssued, ApiError> {
        let kind = request.kind.ok_or_else(|| ApiError::invalid("name the kind of act"))?;
        let (bin, subject_id) = self.read().subject_id_of(&request.bin)?;
        let card = self.read().card_content(&bin)?;
        let issued_on = request.issued_on.unwrap_or_else(|| self.read().today());
        // The addressee may be a citizen (an answer): masked at the door like any personal data.
        let addressee = checked_text(&request.addressee, "addressee", 1000)?;
        if addressee.is_empty() {
            return Err(ApiError::invalid("an issued act needs its addressee (--addressee)"));
        }
        let (addressee, _) = mask_personal_data(&addressee);
        let requirements: Vec<String> = request
            .requirements
            .iter()
            .filter(|r| !r.trim().is_empty())
            .map(|r| checked_text(r, "requirement", 2000).map(|t| mask_personal_data(&t).0))
            .collect::<Result<_, _>>()?;
        let number = request.number.as_deref().map(|n| checked_text(n, "number", 100)).transpose()?;
        let category = request
            .category
            .as_deref()
            .map(|c| checked_text(c, "category", 200))
            .transpose()?
            .filter(|c| !c.is_empty())
            .map(|c| crate::domain::triage::Taxonomy::builtin().code_or_label(&c));
        let draft = self.draft_issued_from(&bin, subject_id, kind, request.draft_seq)?;
        if let Some(document) = &request.document {
            if !self.read().store().attachments(subject_id)?.iter().any(|a| &a.sha256 == document) {
                return Err(ApiError::invalid(format!(
                    "document {document} is not attached to {bin}; attach it first"
                )));
            }
        }
        let procedure = Procedure::builtin();
        let norm_id = procedure.act(kind.code()).and_then(|a| a.norm.clone());
        let norms = self.read().norms()?;
        let calendar = self.read().calendar()?;
        let norm = norm_id.as_deref().and_then(|id| norms.at(id, issued_on));
        // An answer to an appeal closes the matter; a warning has no period: neither has control.
        // An act whose norm lets it set its own period carries it (`period`); without it, one
        // that has no period of the law's own is refused in words.
        let response_due = match (&norm, kind.is_response()) {
            (Some(norm), true) => {
                let period = period_under(norm, request.period, issued_on, &calendar)?;
                Some(
                    compute_counted(&calendar, issued_on, period, &[], counting_of(norm))
                        .map_err(|e| ApiError::invalid(e.to_string()))?
                        .due,
                )
            }
            _ => None,
        };
        let missing = self.read().missing_for_act(subject_id, &CardFacts::of(&card), kind)?;
        let control_task = match response_due {
            Some(due) => {
                let preferences = self.read().preferences()?;
                let assignee = request
                    .assignee
                    .clone()
                    .or(preferences.assignee)
                    .unwrap_or_else(|| self.read().actor().map(|a| a.person).unwrap_or_default());
                let unit = request.unit.clone().or(preferences.unit).unwrap_or_else(|| "—".into());
                let name = procedure.act(kind.code()).map(|a| a.name_ru.clone()).unwrap_or_else(|| kind.code().into());
                Some(self.read().plan_task(&NewTaskRequest {
                    kind: TaskKind::ControlExecution,
                    title: Some(format!(
                        "Контроль исполнения: {name}{} от {} — срок адресата {}",
                        number.as_deref().map(|n| format!(" № {n}")).unwrap_or_default(),
                        day(issued_on),
                        day(due)
                    )),
                    subject_bin: Some(bin.clone()),
                    appeal_no: None,
                    assignee,
                    unit,
                    norm: Some(Procedure::builtin().norms.control_of_execution.clone()),
                    period: None,
                    event_date: Some(due),
                    depends_on: Vec::new(),
                })?)
            }
            None => None,
        };
        let missing_ids: Vec<String> = missing.iter().map(|m| m.id.clone()).collect();
        let (act_id, task_ids) = self.journal().run(|w| {
            let task_ids = match &control_task {
                Some(plan) => crate::api::tasks::write_task(w, plan)?,
                None => Vec::new(),
            };
            let act_id = w.insert_issued_act(&NewIssuedAct {
                subject_id,
                kind: kind.code(),
                number: number.as_deref(),
                issued_on: &issued_on.to_string(),
                addressee: &addressee,
                requirements: &requirements,
                norm_id: norm_id.as_deref(),
                response_due: response_due.map(|d| d.to_string()).as_deref(),
                control_task_id: task_ids.first().copied(),
                document: request.document.as_deref(),
                category: category.as_deref(),
                trigger_registry_no: None,
                import: None,
                checklist_missing: Some(&missing_ids),
                draft: draft.as_ref().map(|(seq, unfilled)| (*seq, unfilled.as_slice())),
            })?;
            let entry = Entry::ActIssued {
                act_id,
                subject_bin: bin.clone(),
                act_kind: kind.code().into(),
                number: number.clone(),
                issued_on,
                addressee: addressee.clone(),
                requirements: requirements.len(),
                response_due,
                control_task_id: task_ids.first().copied(),
                missing: missing_ids.clone(),
                import_id: None,
                draft_seq: draft.as_ref().map(|(seq, _)| *seq),
                category: category.clone(),
                trigger_registry_no: None,
            };
            w.append(&entry, About { subject_bin: Some(bin.clone()), appeal_no: None }, None)?;
            Ok((act_id, task_ids))
        })?;
        let created =
            if task_ids.is_empty() { None } else { self.read().created(task_ids)?.created.into_iter().next() };
        let act = self
            .read()
            .store()
            .issued_acts(subject_id)?
            .into_iter()
            .find(|a| a.id == act_id)
            .ok_or_else(|| ApiError::new(ErrorCode::Internal, "the act just recorded is not found"))?;
        Ok(ActIssued {
            act,
            control_task: created,
            norm_verified: norm.as_ref().map(|n| n.verified()),
            norm_id,
            missing,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_worded_with_the_right_russian_forms() {
        let p = |amount, unit| Period { amount, unit };
        assert_eq!(period_words(p(1, Unit::Months), ActLang::Ru), "1 месяц");
        assert_eq!(period_words(p(3, Unit::Months), ActLang::Ru), "3 месяца");
        assert_eq!(period_words(p(10, Unit::CalendarDays), ActLang::Ru), "10 календарных дней");
        assert_eq!(period_words(p(21, Unit::WorkingDays), ActLang::Ru), "21 рабочий день");
        assert_eq!(period_words(p(12, Unit::WorkingDays), ActLang::Ru), "12 рабочих дней");
        assert_eq!(period_words(p(15, Unit::WorkingDays), ActLang::Kk), "15 жұмыс күні");
    }
}
