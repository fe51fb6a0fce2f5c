//! The analytics a person reads and answers: practices of control bodies and districts that stand
//! out from their peers (`anomalies`, dismissed with a reason), the local risk model trained,
//! explained and overridden (`risk`), and a plan of upcoming inspections scored against the
//! replayed history (`plan`). The computation itself is `crate::analytics`; this is its use.

pub mod anomalies;
pub mod effect;
pub mod effect_panel;
pub mod plan;
pub mod risk;
pub mod risk_study;
pub mod theme_members;
pub mod theme_notes;
pub mod theme_proposals;
pub mod theme_timeline;
pub mod themes;
pub mod words;

// The reports' words, worded below the api so the office prints them too.
pub use crate::i18n::{anomaly_lines, effect_lines, theme_lines};

use crate::api::session::handles::{Journal, Kernel, Read};

/// The analytics: the risk model and the plan it scores, themes, anomalies and the effect of acts. `Session::analytics` lends it; it holds the kernel and nothing else.
pub struct Analytics<'s> {
    kernel: Kernel<'s>,
}

impl<'s> Analytics<'s> {
    pub(in crate::api) fn new(kernel: Kernel<'s>) -> Analytics<'s> {
        Analytics { kernel }
    }

    pub(in crate::api) fn read(&self) -> Read<'_> {
        self.kernel.read()
    }

    pub(in crate::api) fn journal(&mut self) -> Journal<'_> {
        self.kernel.journal()
    }
}
