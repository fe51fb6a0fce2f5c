//! Calibrated confidence: a fact's confidence as the chance that it is right, not as the score its
//! rule was given by hand. The rules' scores (`confidence` in `assets/extract/rules.json`) order
//! findings sensibly but promise too much: a letterhead's issuer scored 0.7 was right on a third of
//! the documents nobody here wrote. `assets/extract/calibration.json` holds, per way of reading (a
//! text layer or OCR) and per rule, how often the rule's facts were right on the corpora it was
//! fitted on (`scripts/documents/calibrate.py`: the first generator and the spent frozen set, never
//! the second generator or the frozen set still unread), shrunk towards its kind and then towards
//! all rules of that way of reading where few facts stand behind it; and for OCR, how the chance
//! moves with the confidence of the words a fact was read from (a logistic slope).
//!
//! The viewer asks first about the facts this makes least certain. The fitted numbers are data
//! with their provenance; the shipped rules name the calibration's version, so a change of either
//! is a new version that facts record.

use std::collections::BTreeMap;

use serde::Deserialize;

/// The calibration shipped with the product.
const SHIPPED: &str = include_str!("../../../assets/extract/calibration.json");

/// What a fact's calibrated confidence is computed from.
#[derive(Debug, Clone, Deserialize)]
pub struct Calibration {
    pub version: String,
    /// `text|<rule>`, `text|kind:<kind>`, `text|*` and the same for `ocr|`: the chance of being
    /// right, with the facts it was counted from.
    groups: BTreeMap<String, Group>,
    /// For OCR: log-odds gained per 10 points of the weakest word's confidence above `ocr_centre`.
    ocr_slope_per_10: f64,
    ocr_centre: f64,
}

#[derive(Debug, Clone, Deserialize)]
struct Group {
    /// The smoothed chance of being right.
    p: f64,
}

impl Calibration {
    pub fn shipped() -> Result<Calibration, String> {
        Calibration::parse(SHIPPED)
    }

    pub fn parse(json: &str) -> Result<Calibration, String> {
        let c: Calibration = serde_json::from_str(json).map_err(|e| format!("assets/extract/calibration.json: {e}"))?;
        if let Some((key, _)) = c.groups.iter().find(|(_, g)| !(g.p > 0.0 && g.p < 1.0)) {
            return Err(format!("assets/extract/calibration.json: {key}: p must lie strictly between 0 and 1"));
        }
        if !c.ocr_slope_per_10.is_finite() || !c.ocr_centre.is_finite() {
            return Err("assets/extract/calibration.json: the OCR slope and centre must be numbers".to_string());
        }
        Ok(c)
    }

    /// No calibration: a fact keeps its rule's score (rules parsed from a file of one's own).
    pub fn none() -> Calibration {
        Calibration { version: String::new(), groups: BTreeMap::new(), ocr_slope_per_10: 0.0, ocr_centre: 0.0 }
    }

    /// The chance a fact is right: its rule's group (else its kind's, else its way of reading's),
    /// moved for OCR by the confidence of the words it was read from. `rule` is the rule's id
    /// without the version; `score` is what the fact carries when nothing is fitted.
    pub fn confidence(&self, ocr: bool, kind: &str, rule: &str, word_confidence: Option<f32>, score: f32) -> f32 {
        let way = if ocr { "ocr" } else { "text" };
        let group = [format!("{way}|{rule}"), format!("{way}|kind:{kind}"), format!("{way}|*")]
            .into_iter()
            .find_map(|key| self.groups.get(&key));
        let Some(group) = group else { return score };
        let mut logit = (group.p / (1.0 - group.p)).ln();
        if let (true, Some(conf)) = (ocr, word_confidence) {
            logit += self.ocr_slope_per_10 * (f64::from(conf) - self.ocr_centre) / 10.0;
        }
        (1.0 / (1.0 + (-logit).exp())) as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_calibration_parses_and_falls_back_from_rule_to_kind_to_way() {
        let c = Calibration::shipped().unwrap();
        assert!(!c.version.is_empty());
        for way in ["text", "ocr"] {
            assert!(c.groups.contains_key(&format!("{way}|*")), "{way}|* is the last fallback");
        }
        let json = r#"{"version": "t", "ocr_slope_per_10": 0.5, "ocr_centre": 80,
            "groups": {"text|number.alone": {"p": 0.6}, "text|kind:number": {"p": 0.9}, "text|*": {"p": 0.8},
                       "ocr|*": {"p": 0.5}}}"#;
        let c = Calibration::parse(json).unwrap();
        assert!((c.confidence(false, "number", "number.alone", None, 0.1) - 0.6).abs() < 1e-6);
        assert!((c.confidence(false, "number", "number.with_date", None, 0.1) - 0.9).abs() < 1e-6);
        assert!((c.confidence(false, "issuer", "issuer.letterhead", None, 0.1) - 0.8).abs() < 1e-6);
        // OCR: at the centre the group's chance; surer words raise it, unsure ones lower it.
        assert!((c.confidence(true, "date", "date.line", Some(80.0), 0.1) - 0.5).abs() < 1e-6);
        assert!(c.confidence(true, "date", "date.line", Some(95.0), 0.1) > 0.6);
        assert!(c.confidence(true, "date", "date.line", Some(40.0), 0.1) < 0.2);
        assert_eq!(Calibration::none().confidence(true, "date", "date.line", Some(40.0), 0.42), 0.42);
    }

    #[test]
    fn a_certainty_or_a_missing_slope_is_refused() {
        for bad in [
            r#"{"version": "t", "ocr_slope_per_10": 0, "ocr_centre": 80, "groups": {"text|*": {"p": 1.0}}}"#,
            r#"{"version": "t", "ocr_slope_per_10": 0, "ocr_centre": 80, "groups": {"text|*": {"p": 0}}}"#,
            r#"{"version": "t", "ocr_centre": 80, "groups": {}}"#,
        ] {
            assert!(Calibration::parse(bad).is_err(), "{bad}");
        }
    }
}
