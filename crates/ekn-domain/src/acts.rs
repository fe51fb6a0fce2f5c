//! The kinds of act of prosecutorial response and the languages they are drafted in: plain values
//! the registry's records (`records::ActRecord`), the procedure and the templates (`crate::acts`)
//! all name, so they live on the floor every layer may stand on. The ids are those of
//! `assets/procedure.json`.

use serde::{Deserialize, Serialize};

/// A kind of act the product drafts; the ids are those of `assets/procedure.json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "kebab-case")]
pub enum ActKind {
    Submission,
    Protest,
    /// «Предписание»: not an act of prosecutorial supervision under 155-VII art. 32; kept so the acts
    /// issued before read back, never issued again (`procedure.json` marks it retired).
    Order,
    /// «Постановление» (155-VII art. 37): executed within the period the act itself sets.
    Resolution,
    Warning,
    AppealAnswer,
}

impl ActKind {
    pub const ALL: [ActKind; 6] = [
        ActKind::Submission,
        ActKind::Protest,
        ActKind::Order,
        ActKind::Resolution,
        ActKind::Warning,
        ActKind::AppealAnswer,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ActKind::Submission => "submission",
            ActKind::Protest => "protest",
            ActKind::Order => "order",
            ActKind::Resolution => "resolution",
            ActKind::Warning => "warning",
            ActKind::AppealAnswer => "appeal-answer",
        }
    }

    pub fn parse(code: &str) -> Option<ActKind> {
        ActKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Reads the kind an export names (the English code, or the Russian or Kazakh name, any case).
    /// An answer to an appeal is not an act of response and is not read here.
    pub fn from_label(label: &str) -> Option<ActKind> {
        let l = super::records::normalise_label(label);
        Some(match l.as_str() {
            "submission" | "представление" | "ұсыну" | "ұсыным" => ActKind::Submission,
            "protest" | "протест" | "наразылық" => ActKind::Protest,
            "order" | "предписание" | "нұсқама" => ActKind::Order,
            "resolution" | "постановление" | "қаулы" => ActKind::Resolution,
            "warning" | "предостережение" | "ескерту" => ActKind::Warning,
            _ => return None,
        })
    }

    /// An act demanding that violations be remedied carries a period and control of execution.
    pub fn is_response(self) -> bool {
        matches!(self, ActKind::Submission | ActKind::Protest | ActKind::Order | ActKind::Resolution)
    }
}

/// The languages acts are drafted in (the official ones; English is the UI's only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum ActLang {
    Ru,
    Kk,
}

impl ActLang {
    pub const ALL: [ActLang; 2] = [ActLang::Ru, ActLang::Kk];

    pub fn code(self) -> &'static str {
        match self {
            ActLang::Ru => "ru",
            ActLang::Kk => "kk",
        }
    }

    pub fn parse(code: &str) -> Option<ActLang> {
        ActLang::ALL.into_iter().find(|l| l.code() == code)
    }
}
