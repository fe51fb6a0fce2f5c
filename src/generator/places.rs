//! Where the generator's objects stand: real places of the official classifier (КАТО НК РК 11-2025),
//! so that a generated registry passes the import's KATO check and its districts have names, shapes
//! and neighbours on the map.
//!
//! The generator draws a region and an ordinal (which unit, which place) as it always has; here an
//! ordinal becomes the region's unit in code order and the unit's place in code order, taken round
//! when it runs past the end. No random number is drawn here, so every other value of a seed's data
//! stays as it was.

use crate::domain::classifier::classifier;
use crate::domain::districts::districts;

/// The four-digit code of the region's `ordinal`-th unit (1-based, taken round the region's units).
pub(super) fn unit_in(region: &str, ordinal: u32) -> String {
    let region: u16 = region.parse().unwrap_or(0);
    let units: Vec<u16> = districts().keys().copied().filter(|code| code / 100 == region).collect();
    match units.len() {
        0 => format!("{region:02}{ordinal}0"),
        n => units[(ordinal.max(1) as usize - 1) % n].to_string(),
    }
}

/// The nine-digit code of the unit's `ordinal`-th place (1-based, taken round the classifier's codes
/// under the unit: the unit itself, its rural districts and settlements).
pub(super) fn place_in(unit: &str, ordinal: u32) -> String {
    let codes = classifier().codes_under(unit);
    match codes.len() {
        0 => format!("{unit}{:05}", ordinal),
        n => codes[(ordinal.max(1) as usize - 1) % n].to_string(),
    }
}

/// The unit's own nine-digit code (an appeal placed in a district but no particular place).
pub(super) fn unit_code(unit: &str) -> String {
    unit.parse::<u16>()
        .ok()
        .and_then(|code| districts().get(&code))
        .map_or_else(|| format!("{unit}00000"), |d| d.kato.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::classifier::KatoStatus;

    #[test]
    fn every_region_and_ordinal_gives_a_place_the_classifier_knows() {
        for region in crate::domain::territory::REGIONS {
            for unit_ordinal in 1..=6 {
                let unit = unit_in(region.code, unit_ordinal);
                assert!(unit.starts_with(region.code), "{unit} outside {}", region.code);
                assert_eq!(classifier().status(&unit_code(&unit)), KatoStatus::Current, "{unit}");
                for ordinal in [1, 2, 17, 40] {
                    let place = place_in(&unit, ordinal);
                    assert!(place.starts_with(&unit), "{place} outside {unit}");
                    assert_eq!(classifier().status(&place), KatoStatus::Current, "{place}");
                }
            }
        }
    }
}
