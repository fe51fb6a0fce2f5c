//! How often logins may fail before the office pauses them: per name (guessing one person's
//! password), per address (one machine trying many names) and overall (many machines at once),
//! each over a sliding window. The tables forget what is older than their window and hold a
//! bounded number of keys, so no stream of requests — however many distinct names or addresses —
//! grows the server's memory: when a table is full, the key seen longest ago goes.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures remembered per key over a window, with at most `max_keys` keys.
pub struct Window {
    limit: usize,
    window: Duration,
    max_keys: usize,
    seen: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl Window {
    pub fn new(limit: usize, window: Duration, max_keys: usize) -> Window {
        Window { limit, window, max_keys, seen: Mutex::new(HashMap::new()) }
    }

    /// Whether `key` may try again now (fewer than `limit` failures within the window).
    pub fn allows(&self, key: &str) -> bool {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        match seen.get_mut(key) {
            Some(times) => {
                prune(times, self.window);
                let allowed = times.len() < self.limit;
                if times.is_empty() {
                    seen.remove(key);
                }
                allowed
            }
            None => true,
        }
    }

    /// Records a failure of `key`.
    pub fn fail(&self, key: &str) {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if !seen.contains_key(key) && seen.len() >= self.max_keys {
            // Forget what has aged out everywhere; if the table is still full, the key whose
            // newest failure is oldest goes (a flood of fresh keys cannot grow the table).
            seen.retain(|_, times| {
                prune(times, self.window);
                !times.is_empty()
            });
            if seen.len() >= self.max_keys {
                let oldest = seen.iter().min_by_key(|(_, t)| t.back().copied()).map(|(k, _)| k.clone());
                if let Some(oldest) = oldest {
                    seen.remove(&oldest);
                }
            }
        }
        let times = seen.entry(key.to_string()).or_default();
        prune(times, self.window);
        times.push_back(Instant::now());
        while times.len() > self.limit {
            times.pop_front();
        }
    }

    /// How many keys the table holds now.
    pub fn keys(&self) -> usize {
        self.seen.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}

fn prune(times: &mut VecDeque<Instant>, window: Duration) {
    while times.front().is_some_and(|t| t.elapsed() >= window) {
        times.pop_front();
    }
}

/// The login throttles the server keeps.
pub struct LoginThrottle {
    pub per_name: Window,
    pub per_address: Window,
    pub overall: Window,
}

/// Failures per name before it pauses (a person mistyping is not locked out by a few).
pub const PER_NAME: usize = 5;
/// Failures per address (a machine spraying one password over many names).
pub const PER_ADDRESS: usize = 30;
/// Failures over the whole office in the window before logins pause for everyone.
pub const OVERALL: usize = 600;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

impl Default for LoginThrottle {
    fn default() -> Self {
        LoginThrottle {
            per_name: Window::new(PER_NAME, WINDOW, 10_000),
            per_address: Window::new(PER_ADDRESS, WINDOW, 10_000),
            overall: Window::new(OVERALL, WINDOW, 1),
        }
    }
}

impl LoginThrottle {
    /// Why a login may not be tried now, if it may not.
    pub fn refuses(&self, name: &str, address: &str) -> Option<&'static str> {
        if !self.overall.allows("") {
            Some("too many failed logins at the office just now; wait a few minutes")
        } else if !self.per_address.allows(address) {
            Some("too many failed logins from this machine; wait 15 minutes")
        } else if !self.per_name.allows(name) {
            Some("too many failed logins for this name; wait 15 minutes")
        } else {
            None
        }
    }

    pub fn failed(&self, name: &str, address: &str) {
        self.overall.fail("");
        self.per_address.fail(address);
        self.per_name.fail(name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_pauses_after_its_limit_and_the_table_never_outgrows_its_bound() {
        let w = Window::new(2, Duration::from_secs(60), 3);
        assert!(w.allows("a"));
        w.fail("a");
        w.fail("a");
        assert!(!w.allows("a"));
        for key in ["b", "c", "d", "e", "f"] {
            w.fail(key);
        }
        assert_eq!(w.keys(), 3, "a flood of fresh keys evicts old ones instead of growing");
    }

    #[test]
    fn what_ages_out_is_forgotten() {
        let w = Window::new(1, Duration::from_millis(20), 10);
        w.fail("a");
        assert!(!w.allows("a"));
        std::thread::sleep(Duration::from_millis(30));
        assert!(w.allows("a"));
        assert_eq!(w.keys(), 0, "an empty key leaves the table");
    }
}
