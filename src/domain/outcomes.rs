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

#[cfg(test)]
mod tests {
    use super::*;

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
        }
    }
}
