//! The workstation's HTTP client for the office: JSON over HTTPS (plain HTTP only to this very
//! machine), with timeouts; requests signed with the workstation's key (the one that signs its
//! journal's checkpoints) and a fresh nonce; every answer to a signed request checked to be signed
//! by the office key learnt at joining — nothing the office did not say is applied, and nothing
//! it said is taken from anyone else; every answer that is not a success turned into an error
//! that repeats the office's own reason, or says the office could not be reached.
//!
//! Whom the client trusts is fixed at joining (`OfficeTrust`): the office's own CA given then (an
//! office behind a national or internal CA), or its certificate pinned by the fingerprint a person
//! confirmed, or — for an office with a publicly trusted certificate — Mozilla's roots with the
//! certificate seen at joining pinned.

use std::io::Read;
use std::time::Duration;

use chrono::{DateTime, Utc};
use ed25519_dalek::SigningKey;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::api::{ApiError, ErrorCode};
use crate::connect::tls;
use crate::domain::sync::{
    sign_request, verify_reply, Refusal, HEADER_NONCE, HEADER_OFFICE_SIGNATURE, HEADER_SIGNATURE, HEADER_TIME,
    HEADER_WORKSTATION,
};

/// The most an answer may weigh (a pull page of 1,000 entries with their notes is far less).
const MAX_ANSWER: u64 = 64 * 1024 * 1024;
/// The most an office connector's run may weigh, checked before anything is allocated for it
/// (the import's own cap on an unpacked file).
pub const MAX_DOWNLOAD: u64 = crate::ingest::MAX_IMPORT_BYTES;

/// How the workstation trusts the office's TLS certificate, as fixed at joining.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct OfficeTrust {
    /// The office's own CA certificates (PEM), trusted alone.
    pub ca_pem: Option<String>,
    /// The SHA-256 of the office's certificate, accepted alone.
    pub pin: Option<String>,
}

pub struct OfficeClient {
    client: reqwest::blocking::Client,
    base: String,
    /// The office's key learnt at joining: answers to signed requests must carry its signature.
    office_key: Option<String>,
    /// Added to the workstation's clock for a signed request's time, once the office said how far
    /// apart they are.
    clock_offset: std::cell::Cell<chrono::Duration>,
}

/// How the request is authenticated.
pub enum Auth<'a> {
    None,
    Bearer(&'a str),
    /// Signed by the workstation's key at `at` (the session's clock).
    Workstation {
        id: &'a str,
        key: &'a SigningKey,
        at: DateTime<Utc>,
    },
}

/// Whether `url` may be spoken to in plain HTTP: only this machine (a password, tokens and case
/// notes never cross a network in clear).
fn loopback(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else { return false };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The office's address, checked: `https://…`, or `http://` to this machine only.
pub fn office_url(base: &str) -> Result<reqwest::Url, ApiError> {
    let base = base.trim().trim_end_matches('/');
    let url = reqwest::Url::parse(base).map_err(|e| ApiError::invalid(format!("the office's address {base}: {e}")))?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if loopback(&url) => Ok(url),
        "http" => Err(ApiError::invalid(format!(
            "the office at {base} is reached over plain HTTP, which anyone on the network can read and alter (the \
             password, the case notes): use its https:// address"
        ))),
        _ => Err(ApiError::invalid(format!("the office's address must begin with https://: {base}"))),
    }
}

impl OfficeClient {
    /// A client of the office at `base`, trusting its certificate as `trust` says (Mozilla's
    /// roots when it says nothing), and requiring answers to signed requests to be signed by
    /// `office_key` when one is known.
    pub fn new(base: &str, trust: &OfficeTrust, office_key: Option<&str>) -> Result<OfficeClient, ApiError> {
        let url = office_url(base)?;
        let config = tls_config(trust)?;
        let client = reqwest::blocking::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            // A push of 500 entries is one transaction on the office; two minutes is generous.
            .timeout(Duration::from_secs(120))
            .tls_backend_preconfigured(config)
            // The office is not followed elsewhere: an answer is the office's, or none.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| ApiError::new(ErrorCode::Internal, format!("the HTTP client: {e}")))?;
        Ok(OfficeClient {
            client,
            base: url.as_str().trim_end_matches('/').to_string(),
            office_key: office_key.map(str::to_string),
            clock_offset: std::cell::Cell::new(chrono::Duration::zero()),
        })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// Sends a request and reads its JSON answer. A signed request the office refused for the
    /// workstation's clock is sent once more with the office's time.
    pub fn call<T: DeserializeOwned>(
        &self,
        method: &str,
        path_and_query: &str,
        body: Option<&impl Serialize>,
        auth: Auth<'_>,
    ) -> Result<T, ApiError> {
        let bytes = match body {
            Some(b) => serde_json::to_vec(b).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?,
            None => Vec::new(),
        };
        let answer = match self.send(method, path_and_query, &bytes, body.is_some(), &auth) {
            Err(Refused::Clock) => {
                self.learn_clock(&auth)?;
                self.send(method, path_and_query, &bytes, body.is_some(), &auth)
            }
            other => other,
        }
        .map_err(Refused::into_error)?;
        serde_json::from_slice(&answer)
            .map_err(|e| ApiError::new(ErrorCode::OfficeRefused, format!("the office's answer is not understood: {e}")))
    }

    /// Sends a request whose answer has no body (a success is enough).
    pub fn call_empty(
        &self,
        method: &str,
        path_and_query: &str,
        body: Option<&impl Serialize>,
        auth: Auth<'_>,
    ) -> Result<(), ApiError> {
        let bytes = match body {
            Some(b) => serde_json::to_vec(b).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?,
            None => Vec::new(),
        };
        match self.send(method, path_and_query, &bytes, body.is_some(), &auth) {
            Err(Refused::Clock) => {
                self.learn_clock(&auth)?;
                self.send(method, path_and_query, &bytes, body.is_some(), &auth)
            }
            other => other,
        }
        .map(|_| ())
        .map_err(Refused::into_error)
    }

    /// How far the office's clock is from this workstation's, from its health answer.
    fn learn_clock(&self, auth: &Auth<'_>) -> Result<(), ApiError> {
        let Auth::Workstation { at, .. } = auth else { return Ok(()) };
        #[derive(Deserialize)]
        struct Health {
            server_time: String,
        }
        let health: Health =
            self.send("GET", "/v1/health", &[], false, &Auth::None).map_err(Refused::into_error).and_then(|b| {
                serde_json::from_slice(&b)
                    .map_err(|e| ApiError::new(ErrorCode::OfficeRefused, format!("the office's health: {e}")))
            })?;
        let office = DateTime::parse_from_rfc3339(&health.server_time)
            .map_err(|e| ApiError::new(ErrorCode::OfficeRefused, format!("the office's time: {e}")))?
            .with_timezone(&Utc);
        self.clock_offset.set(office - *at);
        Ok(())
    }

    /// Sends one request and reads its answer (at most `MAX_ANSWER` bytes): the body of a
    /// success, or why not.
    fn send(&self, method: &str, path: &str, body: &[u8], json: bool, auth: &Auth<'_>) -> Result<Vec<u8>, Refused> {
        let method = reqwest::Method::from_bytes(method.as_bytes())
            .map_err(|e| Refused::Error(ApiError::invalid(e.to_string())))?;
        let mut request = self
            .client
            .request(method.clone(), format!("{}{path}", self.base))
            .header("accept", "application/json")
            .body(body.to_vec());
        if json {
            request = request.header("content-type", "application/json");
        }
        let mut nonce = None;
        match auth {
            Auth::None => {}
            Auth::Bearer(token) => request = request.header("authorization", format!("Bearer {token}")),
            Auth::Workstation { id, key, at } => {
                let time = (*at + self.clock_offset.get()).to_rfc3339();
                let signed = sign_request(key, method.as_str(), path, &time, fresh_nonce(), body);
                nonce = Some(signed.nonce.clone());
                request = request
                    .header(HEADER_WORKSTATION, *id)
                    .header(HEADER_TIME, signed.time)
                    .header(HEADER_NONCE, signed.nonce)
                    .header(HEADER_SIGNATURE, signed.signature);
            }
        }
        let mut response = request.send().map_err(|e| Refused::Error(self.unreachable(&e)))?;
        let status = response.status();
        let signature =
            response.headers().get(HEADER_OFFICE_SIGNATURE).and_then(|v| v.to_str().ok()).map(str::to_string);
        let mut answer = Vec::new();
        (&mut response)
            .take(MAX_ANSWER + 1)
            .read_to_end(&mut answer)
            .map_err(|e| Refused::Error(self.cut_off(&e.to_string())))?;
        if answer.len() as u64 > MAX_ANSWER {
            return Err(Refused::Error(ApiError::new(
                ErrorCode::OfficeRefused,
                format!("the office's answer is larger than {} MiB; nothing was applied", MAX_ANSWER >> 20),
            )));
        }
        // An answer to a signed request is the office's only if its key signed it over this request.
        if let (Some(nonce), Some(office_key)) = (&nonce, &self.office_key) {
            let Some(signature) = &signature else {
                return Err(Refused::Error(ApiError::new(
                    ErrorCode::OfficeUnreachable,
                    format!(
                        "the answer from {} is not signed by the office: something between this machine and the office \
                         answered instead; nothing was applied",
                        self.base
                    ),
                )));
            };
            verify_reply(office_key, signature, nonce, status.as_u16(), &answer).map_err(|e| {
                Refused::Error(ApiError::new(ErrorCode::OfficeUnreachable, format!("{e}; nothing was applied")))
            })?;
        }
        if status.is_success() {
            return Ok(answer);
        }
        Err(self.refused(status, &answer))
    }

    /// Downloads a body of exactly `size` bytes (the records of an office connector's run) with a
    /// signed GET. The size, which the signed pull named, is checked against the cap before any
    /// memory is taken for it; the buffer grows as bytes arrive, and a longer or shorter body is
    /// refused. Its own, longer timeout for the body.
    pub fn download(&self, path: &str, auth: Auth<'_>, size: u64) -> Result<std::sync::Arc<[u8]>, ApiError> {
        if size > MAX_DOWNLOAD {
            return Err(ApiError::new(
                ErrorCode::OfficeRefused,
                format!(
                    "the office names a run of {size} bytes, more than the {} GiB an import takes",
                    MAX_DOWNLOAD >> 30
                ),
            ));
        }
        let mut request = self.client.get(format!("{}{path}", self.base)).timeout(Duration::from_secs(30 * 60));
        if let Auth::Workstation { id, key, at } = auth {
            let time = (at + self.clock_offset.get()).to_rfc3339();
            let signed = sign_request(key, "GET", path, &time, fresh_nonce(), b"");
            request = request
                .header(HEADER_WORKSTATION, id)
                .header(HEADER_TIME, signed.time)
                .header(HEADER_NONCE, signed.nonce)
                .header(HEADER_SIGNATURE, signed.signature);
        }
        let mut response = request.send().map_err(|e| self.unreachable(&e))?;
        if !response.status().is_success() {
            let status = response.status();
            let mut answer = Vec::new();
            let _ = (&mut response).take(MAX_ANSWER).read_to_end(&mut answer);
            return Err(self.refused(status, &answer).into_error());
        }
        let mut body = Vec::with_capacity(size.min(64 << 20) as usize);
        (&mut response)
            .take(size + 1)
            .read_to_end(&mut body)
            .map_err(|e| self.cut_off(&format!("after {} bytes of {size}: {e}", body.len())))?;
        match (body.len() as u64).cmp(&size) {
            std::cmp::Ordering::Less => Err(ApiError::new(
                ErrorCode::OfficeUnreachable,
                format!("the office sent {} bytes of {size}; nothing was imported, sync again later", body.len()),
            )),
            std::cmp::Ordering::Greater => Err(ApiError::new(
                ErrorCode::OfficeRefused,
                format!("the office's records are longer than the {size} bytes its pull named; nothing was imported"),
            )),
            std::cmp::Ordering::Equal => Ok(body.into()),
        }
    }

    /// The error for an answer that is not a success: the office's own refusal when it gave one.
    fn refused(&self, status: reqwest::StatusCode, answer: &[u8]) -> Refused {
        let refusal: Option<Refusal> = serde_json::from_slice(answer).ok();
        match refusal {
            Some(r) if r.error == "clock" => Refused::Clock,
            Some(r) if matches!(r.error.as_str(), "revoked" | "person_blocked") => Refused::Error(ApiError::new(
                ErrorCode::OfficeRevoked,
                format!("the office refused ({} {}): {}", status.as_u16(), r.error, r.message),
            )),
            Some(r) => Refused::Error(ApiError::new(
                ErrorCode::OfficeRefused,
                format!("the office refused ({} {}): {}", status.as_u16(), r.error, r.message),
            )),
            None if status.is_server_error() => Refused::Error(ApiError::new(
                ErrorCode::OfficeUnreachable,
                format!("the office at {} answered {}; nothing was lost, sync again later", self.base, status.as_u16()),
            )),
            None => Refused::Error(ApiError::new(
                ErrorCode::OfficeRefused,
                format!("the office answered {}", status.as_u16()),
            )),
        }
    }

    fn unreachable(&self, e: &reqwest::Error) -> ApiError {
        if let Some(reason) = tls::tls_reason(e) {
            return ApiError::new(
                ErrorCode::OfficeRefused,
                format!(
                    "the office at {} did not prove who it is ({reason}); nothing was sent — if its certificate \
                     changed, the administrator gives its new fingerprint and the workstation joins again",
                    self.base
                ),
            );
        }
        let why = if e.is_timeout() { "no answer in time".to_string() } else { inner_reason(e) };
        ApiError::new(
            ErrorCode::OfficeUnreachable,
            format!("the office at {} could not be reached ({why}); nothing was lost, sync again later", self.base),
        )
    }

    fn cut_off(&self, why: &str) -> ApiError {
        ApiError::new(
            ErrorCode::OfficeUnreachable,
            format!("the office's answer was cut off ({why}); nothing was lost, sync again later"),
        )
    }
}

/// Why one request gave no answer to use.
enum Refused {
    /// The office refused the request's time: sent again with the office's clock.
    Clock,
    Error(ApiError),
}

impl Refused {
    fn into_error(self) -> ApiError {
        match self {
            Refused::Clock => ApiError::new(
                ErrorCode::OfficeRefused,
                "the office refused this workstation's clock twice: set the computer's clock",
            ),
            Refused::Error(e) => e,
        }
    }
}

/// The innermost reason of an HTTP error (reqwest's own text names the URL).
fn inner_reason(e: &reqwest::Error) -> String {
    let mut reason = String::from("the request failed");
    let mut source = std::error::Error::source(e);
    while let Some(inner) = source {
        reason = inner.to_string();
        source = inner.source();
    }
    reason
}

/// 16 random bytes in hex, for a signed request's nonce.
fn fresh_nonce() -> String {
    use rand::TryRngCore;
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.try_fill_bytes(&mut bytes).expect("the operating system's random generator works");
    hex::encode(bytes)
}

/// The rustls configuration `trust` asks for.
fn tls_config(trust: &OfficeTrust) -> Result<rustls::ClientConfig, ApiError> {
    let bad = |e: tls::TlsError| ApiError::invalid(format!("the office's certificate setting: {}", e.0));
    if let Some(pin) = &trust.pin {
        return tls::pinned(pin).map_err(bad);
    }
    let roots = match &trust.ca_pem {
        Some(pem) => {
            let read = tls::read_pem(pem).map_err(bad)?;
            if read.has_private_key {
                return Err(ApiError::invalid("the office's CA file holds a private key: give its certificate only"));
            }
            tls::roots_only(&read.certificates).map_err(bad)?
        }
        None => tls::roots_with(&[]).map_err(bad)?,
    };
    tls::verifying(roots).map_err(bad)
}

/// What the office's server presents: its certificate's fingerprint, read without trusting it
/// (a person compares it with what the administrator announced before confirming a pin).
pub fn presented_fingerprint(base: &str) -> Result<String, ApiError> {
    let url = office_url(base)?;
    if url.scheme() != "https" {
        return Err(ApiError::invalid("a plain-HTTP office on this machine has no certificate"));
    }
    // A pin nobody has: the handshake fails with the fingerprint the server presented in the error.
    let probe = OfficeClient::new(base, &OfficeTrust { ca_pem: None, pin: Some("0".repeat(64)) }, None)?;
    match probe.client.get(format!("{}/v1/health", probe.base)).send() {
        Ok(_) => Err(ApiError::new(ErrorCode::Internal, "the office's certificate could not be read")),
        Err(e) => {
            let reason = tls::tls_reason(&e).unwrap_or_default();
            reason
                .split("fingerprint ")
                .nth(1)
                .and_then(|rest| rest.get(..64))
                .map(str::to_string)
                .ok_or_else(|| probe.unreachable(&e))
        }
    }
}
