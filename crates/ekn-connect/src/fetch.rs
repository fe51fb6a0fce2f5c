//! One HTTP GET that answers JSON, tried until it does or until trying again is pointless: the
//! portal's own words decide. Retried: a connection refused or reset, a timeout (the portal
//! "periodically stops answering": connection established, no data), a body cut off, 408, 429 and
//! 5xx — after the wait its `Retry-After` asks for (seconds or an HTTP date; more than the cap
//! stops the run, to be rescheduled), else after an exponential backoff with full jitter — and
//! a 200 whose body is an error object. Not retried: 400 (the query is wrong), 401/403 (the key),
//! 404 (the dataset or version is gone), a TLS failure (the certificate; verification is never
//! turned off), a body over the size cap. URLs carry the API key, so no message here names one.
//! Over reqwest (blocking) with a rustls configuration of ours (`connect::tls`).

use std::io::Read;
use std::time::{Duration, Instant};

use backon::{BackoffBuilder, ExponentialBuilder};
use chrono::{DateTime, Utc};

use crate::network::NetworkSettingsExt;

/// How patient and how polite a connector is. The defaults are what the research on the real
/// portal found to work (a 45 s read timeout, 8 attempts, backoff from 1 s to 60 s).
#[derive(Debug, Clone)]
pub struct FetchPolicy {
    pub connect_timeout: Duration,
    /// The longest silence while waiting for the answer's head or its body.
    pub read_timeout: Duration,
    /// The longest one request may take, whatever it does.
    pub total_timeout: Duration,
    /// The largest body accepted.
    pub max_body: u64,
    /// Attempts per request, the first included.
    pub attempts: usize,
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// The longest `Retry-After` honoured; a portal asking for more stops the run.
    pub retry_after_cap: Duration,
    /// The least time between two requests to one portal.
    pub min_interval: Duration,
    pub user_agent: String,
    /// The roots trusted (Mozilla's, plus an office's extra bundle: `network`).
    pub tls: rustls::ClientConfig,
    /// The proxy: `None` the environment's, `Some(None)` straight to the portal, `Some(p)` through `p`.
    pub proxy: Option<Option<reqwest::Proxy>>,
}

impl FetchPolicy {
    /// The default patience over the network as set (`connectors.network`).
    pub fn on(network: &crate::network::NetworkSettings) -> Result<FetchPolicy, crate::network::NetworkError> {
        Ok(FetchPolicy { tls: network.tls_config()?, proxy: network.proxy()?, ..FetchPolicy::default() })
    }
}

impl Default for FetchPolicy {
    fn default() -> Self {
        FetchPolicy {
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(45),
            total_timeout: Duration::from_secs(120),
            max_body: 64 * 1024 * 1024,
            attempts: 8,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(60),
            retry_after_cap: Duration::from_secs(600),
            min_interval: Duration::from_millis(500),
            user_agent: format!("EKN/{} (supervision map; registry connector)", env!("CARGO_PKG_VERSION")),
            tls: crate::network::NetworkSettings::default()
                .tls_config()
                .expect("Mozilla's roots make a TLS configuration"),
            proxy: None,
        }
    }
}

/// What the requests of a run cost.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FetchStats {
    pub requests: u32,
    pub retries: u32,
    /// Answers 429 (too many requests).
    pub too_many: u32,
}

/// Why a request gave no JSON.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// Trying again would not help: what the portal said and what to fix.
    #[error("{0}")]
    Refused(String),
    /// Every attempt failed with something worth retrying; the last one's reason.
    #[error("no answer after {attempts} attempts: {last}")]
    GaveUp { attempts: usize, last: String },
    /// The portal asks to wait longer than the cap: the run stops and is tried again later.
    #[error("the portal asks to wait {seconds} s before the next request; run the connector again later")]
    WaitTooLong { seconds: u64 },
}

/// One attempt's outcome when it gave no JSON.
enum Failure {
    Transient { reason: String, retry_after: Option<Duration> },
    Permanent(String),
}

/// Fetches JSON over HTTP with the policy's patience. `now` is the clock `Retry-After`'s HTTP
/// dates are read against (injected, like every clock in the core).
pub struct Fetcher {
    client: Result<reqwest::blocking::Client, String>,
    policy: FetchPolicy,
    now: Box<dyn Fn() -> DateTime<Utc> + Send>,
    last_request: Option<Instant>,
    pub stats: FetchStats,
}

impl Fetcher {
    pub fn new(policy: FetchPolicy, now: Box<dyn Fn() -> DateTime<Utc> + Send>) -> Fetcher {
        // reqwest's blocking timeout bounds each wait (for the answer's head, for each piece of
        // its body): the longest silence. The whole request's limit is kept by `attempt`.
        let mut builder = reqwest::blocking::Client::builder()
            .connect_timeout(policy.connect_timeout)
            .timeout(policy.read_timeout)
            .user_agent(policy.user_agent.as_str())
            .gzip(true)
            .tls_backend_preconfigured(policy.tls.clone());
        match &policy.proxy {
            None => {}
            Some(None) => builder = builder.no_proxy(),
            Some(Some(proxy)) => builder = builder.proxy(proxy.clone()),
        }
        // A client that cannot be built (a broken TLS setting) fails each request with why.
        let client = builder.build().map_err(|e| format!("the HTTP client cannot be set up: {e}"));
        Fetcher { client, policy, now, last_request: None, stats: FetchStats::default() }
    }

    /// GETs `url` with the `query` pairs (encoded here) until it answers JSON. `what` names the
    /// request in messages (the query holds the API key and is never repeated).
    pub fn get_json(&mut self, url: &str, query: &[(&str, &str)], what: &str) -> Result<serde_json::Value, FetchError> {
        self.with_retries(what, |me| {
            let answer = me.attempt(url, query, &[("Accept", "application/json")])?;
            let value: serde_json::Value = serde_json::from_slice(&answer.body).map_err(|e| Failure::Transient {
                reason: format!("the answer is not whole JSON ({e}): cut off?"),
                retry_after: None,
            })?;
            // The portal reports some failures as a 200 whose body is an error object.
            if let Some(error) = value.as_object().and_then(|o| o.get("error")) {
                let text = error.as_str().map_or_else(|| error.to_string(), str::to_string);
                return Err(Failure::Transient {
                    reason: format!("an error inside a 200: {}", clip(&text)),
                    retry_after: answer.retry_after,
                });
            }
            Ok(value)
        })
    }

    /// GETs a published file, sending the validators of the copy already imported: `None` when
    /// the server says it has not changed (304).
    pub fn get_file(
        &mut self,
        url: &str,
        validators: &Validators,
        what: &str,
    ) -> Result<Option<(Vec<u8>, Validators)>, FetchError> {
        let mut headers: Vec<(&str, &str)> = Vec::new();
        if let Some(etag) = &validators.etag {
            headers.push(("If-None-Match", etag));
        }
        if let Some(modified) = &validators.last_modified {
            headers.push(("If-Modified-Since", modified));
        }
        self.with_retries(what, |me| {
            let answer = me.attempt(url, &[], &headers)?;
            Ok((answer.status != 304).then_some((answer.body, answer.validators)))
        })
    }

    /// Runs `attempt` until it succeeds, fails for good, or the attempts are spent.
    fn with_retries<T>(
        &mut self,
        what: &str,
        mut attempt: impl FnMut(&mut Self) -> Result<T, Failure>,
    ) -> Result<T, FetchError> {
        let mut delays = ExponentialBuilder::new()
            .with_min_delay(self.policy.base_delay)
            .with_max_delay(self.policy.max_delay)
            .with_factor(2.0)
            .with_jitter()
            .with_max_times(self.policy.attempts.saturating_sub(1))
            .build();
        let mut tries = 0;
        loop {
            tries += 1;
            match attempt(self) {
                Ok(value) => return Ok(value),
                Err(Failure::Permanent(message)) => return Err(FetchError::Refused(format!("{what}: {message}"))),
                Err(Failure::Transient { reason, retry_after }) => {
                    let Some(backoff) = delays.next() else {
                        return Err(FetchError::GaveUp { attempts: tries, last: format!("{what}: {reason}") });
                    };
                    let wait = match retry_after {
                        Some(asked) if asked > self.policy.retry_after_cap => {
                            return Err(FetchError::WaitTooLong { seconds: asked.as_secs() });
                        }
                        Some(asked) => asked,
                        None => backoff,
                    };
                    tracing::warn!(
                        what,
                        attempt = tries,
                        reason = reason.as_str(),
                        wait_ms = wait.as_millis() as u64,
                        "retrying"
                    );
                    self.stats.retries += 1;
                    std::thread::sleep(wait);
                }
            }
        }
    }

    /// One GET: a 200 (or a 304) with its body read whole under the cap, or why not.
    fn attempt(&mut self, url: &str, query: &[(&str, &str)], headers: &[(&str, &str)]) -> Result<Answer, Failure> {
        if let Some(last) = self.last_request {
            let since = last.elapsed();
            if since < self.policy.min_interval {
                std::thread::sleep(self.policy.min_interval - since);
            }
        }
        let started = Instant::now();
        self.last_request = Some(started);
        self.stats.requests += 1;
        let client = self.client.as_ref().map_err(|e| Failure::Permanent(e.clone()))?;
        let mut request = client.get(url).query(query);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let mut response = request.send().map_err(transport)?;
        let status = response.status().as_u16();
        let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
        let retry_after = header("retry-after").and_then(|v| parse_retry_after(&v, (self.now)()));
        let validators = Validators { etag: header("etag"), last_modified: header("last-modified") };
        let mut body = Vec::new();
        let read = read_until(&mut response, self.policy.max_body + 1, started + self.policy.total_timeout, &mut body);
        match read {
            Ok(_) if body.len() as u64 > self.policy.max_body => {
                return Err(Failure::Permanent(format!(
                    "the answer is larger than {} bytes; raise the cap",
                    self.policy.max_body
                )));
            }
            Ok(_) => {}
            // A body cut off, or a silence in the middle of it: the next attempt reads it whole.
            Err(e) if status == 200 => return Err(Failure::Transient { reason: describe_read(&e), retry_after: None }),
            Err(_) => body.clear(),
        }
        match status {
            200 | 304 => Ok(Answer { status, retry_after, validators, body }),
            429 => {
                self.stats.too_many += 1;
                Err(Failure::Transient { reason: "429 too many requests".into(), retry_after })
            }
            408 | 500..=599 => Err(Failure::Transient { reason: format!("{status} {}", snippet(&body)), retry_after }),
            400 => Err(Failure::Permanent(format!(
                "400: the portal refused the query ({}); check the dataset's key field and version",
                snippet(&body)
            ))),
            401 | 403 => Err(Failure::Permanent(format!(
                "{status}: the portal refused the API key ({}); set a valid key in the connector's key variable",
                snippet(&body)
            ))),
            404 => Err(Failure::Permanent(format!(
                "404: no such dataset, version or file ({}); check the connector's address",
                snippet(&body)
            ))),
            other => Err(Failure::Permanent(format!("{other}: {}", snippet(&body)))),
        }
    }
}

/// Reads at most `limit` bytes of `body` into `out`, giving up at `deadline` (a portal trickling
/// a byte at a time stays within each read's silence limit, not within the whole request's).
fn read_until(body: &mut impl Read, limit: u64, deadline: Instant, out: &mut Vec<u8>) -> std::io::Result<()> {
    let mut piece = vec![0u8; 64 * 1024];
    while (out.len() as u64) < limit {
        if Instant::now() > deadline {
            return Err(std::io::Error::new(std::io::ErrorKind::TimedOut, "the whole request took too long"));
        }
        let most = piece.len().min((limit - out.len() as u64) as usize);
        let n = body.read(&mut piece[..most])?;
        if n == 0 {
            break;
        }
        out.extend_from_slice(&piece[..n]);
    }
    Ok(())
}

/// What a server said identifies its copy of a file: sent back, it answers 304 when unchanged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// One answer read whole.
struct Answer {
    status: u16,
    retry_after: Option<Duration>,
    validators: Validators,
    body: Vec<u8>,
}

/// A transport failure: worth retrying unless it is the certificate or the address itself.
fn transport(e: reqwest::Error) -> Failure {
    if let Some(reason) = crate::tls::tls_reason(&e) {
        return Failure::Permanent(format!(
            "TLS: {reason}; if the office inspects traffic, add its CA to the connectors' certificate bundle \
             (ekn connect network --ca-bundle FILE)"
        ));
    }
    if e.is_builder() || e.url().is_some_and(|u| u.host().is_none()) {
        return Failure::Permanent(format!("the address: {}", describe(&e)));
    }
    Failure::Transient { reason: describe(&e), retry_after: None }
}

/// An HTTP error in words, without its URL (which carries the API key).
fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        return "no answer in time (the connection opened and stayed silent)".into();
    }
    let mut reason = String::new();
    let mut source = std::error::Error::source(e);
    while let Some(inner) = source {
        reason = inner.to_string();
        source = inner.source();
    }
    let lower = reason.to_ascii_lowercase();
    if lower.contains("dns") || lower.contains("failed to lookup") || lower.contains("name or service not known") {
        "the portal's host name does not resolve".into()
    } else if e.is_connect() {
        format!("the connection failed ({reason})")
    } else if reason.is_empty() {
        "the request failed".into()
    } else {
        reason
    }
}

/// A failure while reading a body, in words (a timeout is a silence in the middle of it).
fn describe_read(e: &std::io::Error) -> String {
    let timed_out = e.kind() == std::io::ErrorKind::TimedOut
        || std::error::Error::source(e)
            .and_then(|s| s.downcast_ref::<reqwest::Error>())
            .is_some_and(|r| r.is_timeout());
    if timed_out {
        "no answer in time (the connection opened and stayed silent)".into()
    } else {
        format!("the answer was cut off ({e})")
    }
}

/// `Retry-After` (RFC 9110): delta-seconds or an HTTP date, read against `now`. A date in the
/// past means now; anything else unreadable is ignored (the backoff applies).
pub fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = DateTime::parse_from_rfc2822(value).ok()?.with_timezone(&Utc);
    Some((at - now).to_std().unwrap_or(Duration::ZERO))
}

/// The start of a body, for a message: at most 200 characters, on one line.
fn snippet(body: &[u8]) -> String {
    clip(&String::from_utf8_lossy(body))
}

fn clip(text: &str) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(200) {
        Some((cut, _)) => format!("{}…", &one_line[..cut]),
        None => one_line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = DateTime::parse_from_rfc3339("2026-11-23T10:00:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(parse_retry_after("120", now), Some(Duration::from_secs(120)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("Mon, 23 Nov 2026 10:00:30 GMT", now), Some(Duration::from_secs(30)));
        assert_eq!(parse_retry_after("Mon, 23 Nov 2026 09:00:00 GMT", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-5", now), None);
    }

    #[test]
    fn a_snippet_is_one_short_line() {
        assert_eq!(clip("a\n  b\tc"), "a b c");
        assert_eq!(clip(&"я".repeat(300)).chars().count(), 201);
    }
}
