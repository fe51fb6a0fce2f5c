//! The office's access log — who looked at whom — as it crosses the wire: one line type for the
//! office that writes the chain and the workstation that shows it (issue 64), the hash every line
//! is chained with, and the check a reader can make of the lines it was given.
//!
//! Why a reader checks: the log is the office's answer to "who opened this person's card", and a
//! supervisor reads it on a workstation. Each line carries the hash of the line before it and its
//! own; a line whose own hash does not hold was changed, and two consecutive lines (by number) whose
//! link does not hold mean one between them was changed or removed. A supervisor sees only the
//! lines of their districts, so only the lines that follow each other can be linked; an
//! administrator's window is contiguous and its links are all checked.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// One line of the access log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct AccessLine {
    pub seq: i64,
    #[ts(type = "string")]
    pub at: DateTime<Utc>,
    pub person: String,
    pub role: String,
    pub action: String,
    pub subject: Option<String>,
    pub district: Option<String>,
    pub outcome: String,
    pub ws: Option<String>,
    pub local_id: Option<i64>,
    pub detail: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// SHA-256 over fields each preceded by its length (so no two field lists hash alike): the office's
/// chains — its journal and the access log — hash their lines with it.
pub fn length_prefixed_sha256(fields: &[String]) -> String {
    let mut h = Sha256::new();
    for field in fields {
        h.update((field.len() as u64).to_le_bytes());
        h.update(field.as_bytes());
    }
    hex::encode(h.finalize())
}

/// The hash of a line: SHA-256 over the previous hash and every field, length-prefixed.
pub fn line_hash(line: &AccessLine) -> String {
    let none = "\u{0}".to_string();
    let fields = [
        line.prev_hash.clone(),
        line.seq.to_string(),
        line.at.to_rfc3339(),
        line.person.clone(),
        line.role.clone(),
        line.action.clone(),
        line.subject.clone().unwrap_or_else(|| none.clone()),
        line.district.clone().unwrap_or_else(|| none.clone()),
        line.outcome.clone(),
        line.ws.clone().unwrap_or_else(|| none.clone()),
        line.local_id.map_or_else(|| none.clone(), |l| l.to_string()),
        line.detail.clone().unwrap_or_else(|| none.clone()),
    ];
    length_prefixed_sha256(&fields)
}

/// What a reader could check of the lines it was given.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ChainCheck {
    /// Lines whose own hash holds, of all given.
    pub hashes_hold: usize,
    pub lines: usize,
    /// Pairs of lines that follow each other by number, and how many of them are linked.
    pub adjacent_pairs: usize,
    pub linked_pairs: usize,
    /// The numbers of the lines whose own hash fails, or whose link to the line before fails.
    pub broken: Vec<i64>,
}

impl ChainCheck {
    /// Whether everything that could be checked holds.
    pub fn holds(&self) -> bool {
        self.broken.is_empty()
    }
}

/// Checks each line's own hash and the link of each line to the one numbered just before it,
/// when that one is among the lines given (in any order).
pub fn check_lines(lines: &[AccessLine]) -> ChainCheck {
    check_chain(lines, |l| (l.seq, l.prev_hash.as_str(), l.hash.as_str()), |l| line_hash(l) == l.hash)
}

/// The same check over any of the office's chains (the access log, the office's journal): `links`
/// gives an item's number, previous hash and own hash, `holds` whether its own hash holds.
pub fn check_chain<T>(items: &[T], links: impl Fn(&T) -> (i64, &str, &str), holds: impl Fn(&T) -> bool) -> ChainCheck {
    let mut sorted: Vec<&T> = items.iter().collect();
    sorted.sort_by_key(|item| links(item).0);
    let mut check = ChainCheck { lines: items.len(), ..ChainCheck::default() };
    for (i, item) in sorted.iter().enumerate() {
        let (seq, prev_hash, _) = links(item);
        let own = holds(item);
        check.hashes_hold += usize::from(own);
        let linked = match i.checked_sub(1).map(|j| links(sorted[j])) {
            Some((before_seq, _, before_hash)) if before_seq + 1 == seq => {
                check.adjacent_pairs += 1;
                let linked = prev_hash == before_hash;
                check.linked_pairs += usize::from(linked);
                linked
            }
            _ => true,
        };
        if !own || !linked {
            check.broken.push(seq);
        }
    }
    check
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three chained lines.
    fn chain() -> Vec<AccessLine> {
        let mut lines = Vec::new();
        let mut prev = "0".repeat(64);
        for seq in 1..=3 {
            let mut line = AccessLine {
                seq,
                at: DateTime::parse_from_rfc3339("2026-11-28T09:00:00Z").unwrap().with_timezone(&Utc),
                person: "Saule".into(),
                role: "supervisor".into(),
                action: "card".into(),
                subject: Some(format!("06104002649{seq}")),
                district: Some("1940".into()),
                outcome: "allowed".into(),
                ws: None,
                local_id: None,
                detail: None,
                prev_hash: prev.clone(),
                hash: String::new(),
            };
            line.hash = line_hash(&line);
            prev = line.hash.clone();
            lines.push(line);
        }
        lines
    }

    #[test]
    fn a_whole_chain_holds_and_a_changed_or_removed_line_is_named() {
        let lines = chain();
        let check = check_lines(&lines);
        assert!(check.holds() && check.hashes_hold == 3 && check.linked_pairs == 2, "{check:?}");
        // A subject changed after the fact: its own hash fails.
        let mut changed = chain();
        changed[1].subject = Some("000000000000".into());
        assert_eq!(check_lines(&changed).broken, [2]);
        // A line rewritten whole (its hash recomputed) breaks the next line's link.
        let mut rewritten = chain();
        rewritten[1].detail = Some("—".into());
        rewritten[1].hash = line_hash(&rewritten[1]);
        assert_eq!(check_lines(&rewritten).broken, [3]);
        // Lines that do not follow each other (a supervisor's districts only) are checked alone.
        let gap = vec![lines[0].clone(), lines[2].clone()];
        let check = check_lines(&gap);
        assert!(check.holds() && check.adjacent_pairs == 0, "{check:?}");
    }
}
