//! What became of an act of response (issue 39, tier 1 — recorded facts, never estimates): the
//! stages an act goes through after it is issued and the results each stage can have, the measures
//! an answer reports, and which results count as the act having worked. Plain values and rules;
//! the store keeps the rows, `api::acts::outcomes` records them.

use serde::{Deserialize, Serialize};

/// Where an act is in its life after issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ActStage {
    /// The addressee's answer (to a submission, an order, a protest).
    Answer,
    /// The act considered by the body it went to (a protest at a session, a submission at a meeting).
    Consideration,
    /// A court's decision on a protest or on the act appealed.
    Court,
}

/// A stage's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ActResult {
    Satisfied,
    Partly,
    Rejected,
    /// The act (or the appeal against it) was withdrawn.
    Withdrawn,
    /// A court upheld the act (or the protest).
    Upheld,
    /// A court overturned it.
    Overturned,
}

impl ActStage {
    pub const ALL: [ActStage; 3] = [ActStage::Answer, ActStage::Consideration, ActStage::Court];

    pub fn code(self) -> &'static str {
        match self {
            ActStage::Answer => "answer",
            ActStage::Consideration => "consideration",
            ActStage::Court => "court",
        }
    }

    pub fn from_code(code: &str) -> Option<ActStage> {
        ActStage::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Reads the stage an export names (English code, Russian or Kazakh word, any case).
    pub fn from_label(label: &str) -> Option<ActStage> {
        let l = crate::records::normalise_label(label);
        Some(match l.as_str() {
            "answer" | "ответ" | "жауап" => ActStage::Answer,
            "consideration" | "рассмотрение" | "қарау" => ActStage::Consideration,
            "court" | "суд" | "сот" => ActStage::Court,
            _ => return None,
        })
    }

    /// The stage a result belongs to when an export gives no stage: a court's words for a court,
    /// an answer's otherwise.
    pub fn of_result(result: ActResult) -> ActStage {
        match result {
            ActResult::Upheld | ActResult::Overturned => ActStage::Court,
            _ => ActStage::Answer,
        }
    }

    /// The results this stage can have: an answer or a consideration satisfies or not; a court
    /// upholds or overturns; any may be withdrawn.
    pub fn results(self) -> &'static [ActResult] {
        match self {
            ActStage::Answer | ActStage::Consideration => {
                &[ActResult::Satisfied, ActResult::Partly, ActResult::Rejected, ActResult::Withdrawn]
            }
            ActStage::Court => &[ActResult::Upheld, ActResult::Overturned, ActResult::Withdrawn],
        }
    }
}

impl ActResult {
    pub const ALL: [ActResult; 6] = [
        ActResult::Satisfied,
        ActResult::Partly,
        ActResult::Rejected,
        ActResult::Withdrawn,
        ActResult::Upheld,
        ActResult::Overturned,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ActResult::Satisfied => "satisfied",
            ActResult::Partly => "partly",
            ActResult::Rejected => "rejected",
            ActResult::Withdrawn => "withdrawn",
            ActResult::Upheld => "upheld",
            ActResult::Overturned => "overturned",
        }
    }

    pub fn from_code(code: &str) -> Option<ActResult> {
        ActResult::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Reads the result an export names: the English code, or the Russian or Kazakh wording
    /// registries use (any case, ё as е).
    pub fn from_label(label: &str) -> Option<ActResult> {
        let l = crate::records::normalise_label(label);
        Some(match l.as_str() {
            "satisfied" | "удовлетворено" | "удовлетворен" | "удовлетворено полностью" | "қанағаттандырылды" => {
                ActResult::Satisfied
            }
            "partly"
            | "partially"
            | "удовлетворено частично"
            | "частично удовлетворено"
            | "частично"
            | "ішінара қанағаттандырылды"
            | "ішінара" => ActResult::Partly,
            "rejected"
            | "отклонено"
            | "отклонен"
            | "оставлено без удовлетворения"
            | "отказано"
            | "қанағаттандырусыз қалдырылды"
            | "қабылданбады" => ActResult::Rejected,
            "withdrawn" | "отозвано" | "отозван" | "кері қайтарылды" | "кері шақырылды" => {
                ActResult::Withdrawn
            }
            "upheld" | "оставлено в силе" | "оставлен в силе" | "поддержано судом" | "күшінде қалдырылды" => {
                ActResult::Upheld
            }
            "overturned" | "отменено" | "отменен" | "отменено судом" | "күші жойылды" | "жойылды" => {
                ActResult::Overturned
            }
            _ => return None,
        })
    }
}

/// What an answer says was done: people disciplined, administrative cases opened, money restored
/// (tiyn), the violation eliminated. Each is absent when the answer does not say.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default, deny_unknown_fields)]
pub struct Measures {
    pub disciplined: Option<u32>,
    pub admin_cases: Option<u32>,
    pub restored_tiyn: Option<i64>,
    pub eliminated: Option<bool>,
}

/// Why a stage and result cannot go together, or `None` when they can.
pub fn mismatch(stage: ActStage, result: ActResult) -> Option<String> {
    (!stage.results().contains(&result)).then(|| {
        let allowed: Vec<&str> = stage.results().iter().map(|r| r.code()).collect();
        format!("a {} is {}, not {}", stage.code(), allowed.join(", "), result.code())
    })
}

/// Whether a result can say the act failed on its form: the addressee returned it (rejected or
/// withdrawn, the act sent back) or a court overturned it. A satisfied or upheld act had no
/// defect that counted.
pub fn defect_mismatch(result: ActResult) -> Option<String> {
    (!matches!(result, ActResult::Rejected | ActResult::Withdrawn | ActResult::Overturned)).then(|| {
        format!("only an act rejected, withdrawn or overturned can be for a formal defect, not {}", result.code())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_rejected_withdrawn_or_overturned_act_can_be_for_a_formal_defect() {
        assert!(defect_mismatch(ActResult::Overturned).is_none());
        assert!(defect_mismatch(ActResult::Rejected).is_none());
        assert!(defect_mismatch(ActResult::Satisfied).unwrap().contains("not satisfied"));
        assert!(defect_mismatch(ActResult::Upheld).is_some());
    }

    #[test]
    fn each_stage_takes_only_its_own_results() {
        assert!(mismatch(ActStage::Answer, ActResult::Partly).is_none());
        assert!(mismatch(ActStage::Court, ActResult::Overturned).is_none());
        assert!(mismatch(ActStage::Consideration, ActResult::Withdrawn).is_none());
        assert_eq!(
            mismatch(ActStage::Court, ActResult::Satisfied).unwrap(),
            "a court is upheld, overturned, withdrawn, not satisfied"
        );
        assert!(mismatch(ActStage::Answer, ActResult::Upheld).is_some());
        for s in ActStage::ALL {
            assert_eq!(ActStage::from_code(s.code()), Some(s));
        }
        for r in ActResult::ALL {
            assert_eq!(ActResult::from_code(r.code()), Some(r));
            assert_eq!(ActResult::from_label(r.code()), Some(r));
        }
    }

    #[test]
    fn registries_words_for_results_and_stages_are_read_in_three_languages() {
        assert_eq!(ActResult::from_label(" Удовлетворено  частично"), Some(ActResult::Partly));
        assert_eq!(ActResult::from_label("ҚАНАҒАТТАНДЫРЫЛДЫ"), Some(ActResult::Satisfied));
        assert_eq!(ActResult::from_label("Оставлено без удовлетворения"), Some(ActResult::Rejected));
        assert_eq!(ActResult::from_label("отменён"), Some(ActResult::Overturned));
        assert_eq!(ActResult::from_label("maybe"), None);
        assert_eq!(ActStage::from_label("Сот"), Some(ActStage::Court));
        assert_eq!(ActStage::of_result(ActResult::Upheld), ActStage::Court);
        assert_eq!(ActStage::of_result(ActResult::Partly), ActStage::Answer);
    }
}
