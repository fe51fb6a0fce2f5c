//! The shipped territory files are what the sources give (rebuilt here byte for byte), and what
//! they say holds: every pair once and ordered, every unit with a neighbour, the code fixes made,
//! the units without a shape marked approximate, and borders checked against a map read by hand.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde_json::Value;

fn assets() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../assets/geo")
}

fn built() -> BTreeMap<&'static str, Vec<u8>> {
    ekn_geo::build(&assets().join("source")).expect("the sources build").into_iter().collect()
}

#[test]
fn the_shipped_files_are_what_the_sources_give_and_say_what_they_claim() {
    let files = built();
    for (name, bytes) in &files {
        let shipped = ekn_disk::read(assets().join(name)).expect("shipped");
        assert!(shipped == *bytes, "assets/geo/{name} differs from what `ekn-geo build` gives: rebuild it");
    }
    let json = |name: &str| -> Value { serde_json::from_slice(&files[name]).expect("json") };
    let (districts, adjacency, kato) = (json("districts.json"), json("adjacency.json"), json("kato.json"));

    let features = districts["features"].as_array().expect("features");
    assert_eq!(features.len(), 224);
    let codes: BTreeSet<&str> = features.iter().map(|f| f["properties"]["kato"].as_str().expect("kato")).collect();
    assert_eq!(codes.len(), 224, "each unit once");
    // The two codes the shapes print wrong are the classifier's.
    assert!(codes.contains("104100000") && codes.contains("622000000"));
    assert!(!codes.contains("101010000") && !codes.contains("622010000"));
    for text in [&districts, &adjacency] {
        assert!(text["attribution"].as_str().expect("attribution").contains("CC BY 4.0"));
    }

    // Pairs once, ordered, between known units; every unit borders another.
    let pairs = adjacency["pairs"].as_array().expect("pairs");
    let mut seen = BTreeSet::new();
    let mut neighbours: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for p in pairs {
        let (a, b) = (p["a"].as_str().expect("a"), p["b"].as_str().expect("b"));
        assert!(a < b && codes.contains(a) && codes.contains(b), "{p}");
        assert!(seen.insert((a, b)), "{a}-{b} twice");
        let corner = p["corner"].as_bool().expect("corner");
        assert_eq!(corner, p["border_km"].as_f64().expect("km") < 1.0, "{p}");
        if !corner {
            neighbours.entry(a).or_default().insert(b);
            neighbours.entry(b).or_default().insert(a);
        }
    }
    for code in &codes {
        assert!(neighbours.get(code).is_some_and(|n| !n.is_empty()), "{code} has no neighbour");
    }
    // Read off a map by hand (docs/MAPS.md): a city enclosed by its district, borders across a
    // region's edge, a capital's districts with the region around it.
    let borders = |a: &str, b: &str| neighbours.get(a).is_some_and(|n| n.contains(b));
    assert!(borders("101000000", "104100000"), "Семей Г.А. lies inside район Жаңасемей");
    assert_eq!(neighbours["101000000"].len(), 1, "and borders nothing else");
    assert!(borders("751210000", "196800000"), "Алатауский район of Almaty borders Илийский район");
    assert!(borders("751210000", "195200000"), "and Карасайский район");
    assert!(borders("711210000", "116600000"), "район Есиль of Astana borders Целиноградский район");
    assert!(borders("591000000", "595000000"), "Петропавловск Г.А. lies inside Кызылжарский район");
    assert!(!borders("711210000", "751210000"), "Astana and Almaty are a thousand kilometres apart");

    // The units without a shape: their parent's neighbours and the parent, approximate.
    let approximate = adjacency["approximate"].as_array().expect("approximate");
    assert_eq!(approximate.len(), 4);
    for unit in approximate {
        let parent = unit["parent"].as_str().expect("parent");
        let listed: BTreeSet<&str> =
            unit["neighbours"].as_array().expect("list").iter().map(|v| v.as_str().expect("code")).collect();
        assert!(listed.contains(parent));
        assert!(neighbours[parent].iter().all(|n| listed.contains(n)));
        assert!(unit["note"].as_str().expect("note").contains("approximate"));
    }

    // The classifier as data: the regions, every unit with names in both languages, all codes.
    assert_eq!(kato["regions"].as_array().expect("regions").len(), 20);
    let units = kato["units"].as_array().expect("units");
    assert_eq!(units.len(), 228);
    assert!(units
        .iter()
        .all(|u| !u["ru"].as_str().unwrap_or("").is_empty() && !u["kk"].as_str().unwrap_or("").is_empty()));
    assert_eq!(units.iter().filter(|u| u["shape"] == false).count(), 4);
    assert_eq!(kato["codes"].as_array().expect("codes").len(), 15_594);
}
