//! "Similar cases" for an inspection the risk model scores: the most recent earlier inspections of
//! the same object by the same body, then of the same practice (body, district and kind), found
//! through two indexes built once over the registry. Pure computation: it returns positions in
//! `Registry::inspections`, and the caller words them.

use rustc_hash::FxHashMap;

use super::risk::Visit;
use ekn_domain::facts::Registry;
use ekn_domain::records::InspectionKind;

/// Past inspections indexed by object and body, and by body, district and kind.
pub struct SimilarIndex {
    by_object: FxHashMap<(u32, u32), Vec<usize>>,
    by_practice: FxHashMap<(u32, Option<u16>, InspectionKind), Vec<usize>>,
}

impl SimilarIndex {
    pub fn new(registry: &Registry) -> SimilarIndex {
        let mut by_object: FxHashMap<(u32, u32), Vec<usize>> = FxHashMap::default();
        let mut by_practice: FxHashMap<(u32, Option<u16>, InspectionKind), Vec<usize>> = FxHashMap::default();
        for (i, f) in registry.inspections.iter().enumerate() {
            by_object.entry((f.subject, f.body)).or_default().push(i);
            by_practice.entry((f.body, f.district, f.kind)).or_default().push(i);
        }
        SimilarIndex { by_object, by_practice }
    }

    /// Up to `limit` inspections before `visit`'s day, most recent first: those of the same object
    /// by the same body, then those of the same practice. Each is its position in the registry and
    /// whether it is of the same object.
    pub fn pick(&self, registry: &Registry, visit: &Visit, limit: usize) -> Vec<(usize, bool)> {
        let facts = &registry.inspections;
        let mut picked: Vec<(usize, bool)> = Vec::new();
        let lists = [
            (self.by_object.get(&(visit.subject, visit.body)), true),
            (self.by_practice.get(&(visit.body, visit.district, visit.kind)), false),
        ];
        for (list, same_object) in lists {
            let Some(list) = list else { continue };
            // Inspections are in date order, so those before the visit are a prefix.
            let before = list.partition_point(|&i| facts[i].day < visit.day);
            for &i in list[..before].iter().rev() {
                if picked.len() == limit {
                    break;
                }
                if !picked.iter().any(|(p, _)| *p == i) {
                    picked.push((i, same_object));
                }
            }
        }
        picked
    }
}
