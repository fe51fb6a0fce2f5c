//! The appeals taxonomy (assets/appeals/taxonomy.json): groups and their categories in three
//! languages, with the office's own label strings as aliases, so a label from an export or a model
//! resolves to a category code that routing understands.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use super::fold;

/// One node of the taxonomy: a group (no parent) or a category within one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub code: String,
    pub parent: Option<String>,
    pub name_ru: String,
    pub name_kk: String,
    pub name_en: String,
    #[serde(default)]
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Taxonomy {
    #[serde(rename = "_comment", default, skip_serializing)]
    #[ts(skip)]
    pub comment: String,
    pub version: String,
    pub categories: Vec<Category>,
    /// Every folded code, name and alias → the category's index (categories before groups), built
    /// once at parse: resolving a label is a lookup, not a fold of every name.
    #[serde(skip)]
    #[ts(skip)]
    index: std::collections::HashMap<String, usize>,
}

static BUILTIN: LazyLock<Taxonomy> = LazyLock::new(|| {
    Taxonomy::parse(include_str!("../../../../assets/appeals/taxonomy.json"))
        .expect("assets/appeals/taxonomy.json is valid (checked by a test)")
});

impl Taxonomy {
    pub fn builtin() -> &'static Taxonomy {
        &BUILTIN
    }

    /// Reads a taxonomy and checks that codes are unique and parents exist.
    pub fn parse(json: &str) -> Result<Taxonomy, String> {
        let mut t: Taxonomy = serde_json::from_str(json).map_err(|e| e.to_string())?;
        for (i, c) in t.categories.iter().enumerate() {
            if t.categories[..i].iter().any(|o| o.code == c.code) {
                return Err(format!("category '{}' is listed twice", c.code));
            }
            if let Some(p) = &c.parent {
                if !t.categories.iter().any(|o| &o.code == p) {
                    return Err(format!("category '{}': parent '{p}' is not in the taxonomy", c.code));
                }
            }
        }
        // Groups first, so a category that shares a name with a group overwrites it.
        let mut order: Vec<usize> = (0..t.categories.len()).collect();
        order.sort_by_key(|&i| t.categories[i].parent.is_some());
        for i in order {
            let c = &t.categories[i];
            for name in [&c.code, &c.name_ru, &c.name_kk, &c.name_en].into_iter().chain(&c.aliases) {
                t.index.insert(fold(name.trim()), i);
            }
        }
        Ok(t)
    }

    pub fn get(&self, code: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.code == code)
    }

    /// The category a label means: its code, a name in any language, or an alias, ignoring case
    /// and ё/е. Categories win over groups when both carry the same name.
    pub fn resolve(&self, label: &str) -> Option<&Category> {
        self.index.get(&fold(label.trim())).map(|&i| &self.categories[i])
    }

    /// The code a label means, or the label itself (trimmed) when the taxonomy does not know it:
    /// how an act's violation category is kept and compared.
    pub fn code_or_label(&self, label: &str) -> String {
        self.resolve(label).map(|c| c.code.clone()).unwrap_or_else(|| label.trim().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_taxonomy_resolves_the_generators_labels_and_names_in_every_language() {
        let t = Taxonomy::builtin();
        for (label, code) in [
            ("жилищно-коммунальное хозяйство", "social.housing"),
            ("Предпринимательство", "economy.business"),
            ("Процессуальные жалобы", "justice.procedural"),
            ("Еңбек құқықтары", "social.labour"),
            ("Ecology", "environment.ecology"),
            ("economy.consumer", "economy.consumer"),
        ] {
            assert_eq!(t.resolve(label).map(|c| c.code.as_str()), Some(code), "{label}");
        }
        assert!(t.resolve("вопросы космоса").is_none());
        for c in &t.categories {
            assert!(!c.name_kk.is_empty() && !c.name_en.is_empty() && !c.name_ru.is_empty(), "{}", c.code);
        }
    }

    #[test]
    fn a_dangling_parent_or_a_twice_listed_code_is_refused() {
        let text = include_str!("../../../../assets/appeals/taxonomy.json");
        assert!(Taxonomy::parse(&text.replacen("\"parent\": \"social\"", "\"parent\": \"socal\"", 1))
            .unwrap_err()
            .contains("socal"));
        assert!(Taxonomy::parse(&text.replacen("\"code\": \"social.education\"", "\"code\": \"social.payments\"", 1))
            .unwrap_err()
            .contains("twice"));
    }
}
