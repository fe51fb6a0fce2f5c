//! The workstation's HTTP client for the office: JSON over HTTP(S) with timeouts, requests signed
//! with the workstation's key (the one that signs its journal's checkpoints), and every answer
//! that is not a success turned into an error that repeats the office's own reason — a fork, a
//! gap, a restored database not yet re-admitted — or says the office could not be reached.

use std::time::Duration;

use ed25519_dalek::SigningKey;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::api::{ApiError, ErrorCode};
use crate::domain::sync::{sign_request, Refusal, HEADER_SIGNATURE, HEADER_TIME, HEADER_WORKSTATION};

/// The most an answer may weigh (a pull page of 1,000 entries with their notes is far less).
const MAX_ANSWER: u64 = 64 * 1024 * 1024;

pub struct OfficeClient {
    agent: ureq::Agent,
    base: String,
}

/// How the request is authenticated.
pub enum Auth<'a> {
    None,
    Bearer(&'a str),
    /// Signed by the workstation's key at `at` (the session's clock, RFC 3339).
    Workstation {
        id: &'a str,
        key: &'a SigningKey,
        at: String,
    },
}

impl OfficeClient {
    /// A client of the office at `base` (`http://host:port`, or `https://…` behind a proxy).
    pub fn new(base: &str) -> Result<OfficeClient, ApiError> {
        let base = base.trim_end_matches('/').to_string();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(ApiError::invalid(format!("the office's address must begin with http:// or https://: {base}")));
        }
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(10)))
            // A push of 500 entries is one transaction on the office; a minute is generous.
            .timeout_global(Some(Duration::from_secs(120)))
            .build();
        Ok(OfficeClient { agent: ureq::Agent::new_with_config(config), base })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// Sends a request and reads its JSON answer.
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
        let url = format!("{}{path_and_query}", self.base);
        let mut request = ureq::http::Request::builder().method(method).uri(&url).header("accept", "application/json");
        if body.is_some() {
            request = request.header("content-type", "application/json");
        }
        match auth {
            Auth::None => {}
            Auth::Bearer(token) => request = request.header("authorization", format!("Bearer {token}")),
            Auth::Workstation { id, key, at: time } => {
                let signature = sign_request(key, method, path_and_query, &time, &bytes);
                request = request
                    .header(HEADER_WORKSTATION, id)
                    .header(HEADER_TIME, time)
                    .header(HEADER_SIGNATURE, signature);
            }
        }
        let request = request.body(bytes).map_err(|e| ApiError::invalid(format!("the office's address: {e}")))?;
        let answer = self.send(&self.agent, request, MAX_ANSWER)?;
        serde_json::from_slice(&answer)
            .map_err(|e| ApiError::new(ErrorCode::OfficeRefused, format!("the office's answer is not understood: {e}")))
    }

    /// Downloads a body of exactly `size` bytes (the records of an office connector's run) with a
    /// signed GET, straight into a buffer of that size (hundreds of megabytes for a million
    /// records: never twice); the office's refusals are read as `call` reads them. Its own, longer
    /// timeout for the body.
    pub fn download(&self, path: &str, auth: Auth<'_>, size: u64) -> Result<std::sync::Arc<[u8]>, ApiError> {
        use std::io::Read;
        let url = format!("{}{path}", self.base);
        let mut request = ureq::http::Request::builder().method("GET").uri(&url);
        if let Auth::Workstation { id, key, at: time } = auth {
            let signature = sign_request(key, "GET", path, &time, b"");
            request =
                request.header(HEADER_WORKSTATION, id).header(HEADER_TIME, time).header(HEADER_SIGNATURE, signature);
        }
        let request = request.body(Vec::new()).map_err(|e| ApiError::invalid(format!("the office's address: {e}")))?;
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(10)))
            .timeout_recv_response(Some(Duration::from_secs(120)))
            .timeout_recv_body(Some(Duration::from_secs(30 * 60)))
            .build();
        let agent = ureq::Agent::new_with_config(config);
        let mut response = agent.run(request).map_err(|e| unreachable(&self.base, &e))?;
        if !response.status().is_success() {
            let status = response.status();
            let answer = response.body_mut().with_config().limit(MAX_ANSWER).read_to_vec().unwrap_or_default();
            return Err(self.refused(status, &answer));
        }
        let short = |got: u64| {
            ApiError::new(
                ErrorCode::OfficeUnreachable,
                format!("the office sent {got} bytes of {size}; nothing was imported, sync again later"),
            )
        };
        let length = usize::try_from(size).map_err(|_| short(0))?;
        let mut body: std::sync::Arc<[u8]> = std::iter::repeat_n(0u8, length).collect();
        let buffer = std::sync::Arc::get_mut(&mut body).expect("a buffer just made has one owner");
        let mut reader = response.body_mut().with_config().limit(size + 1).reader();
        let mut got = 0usize;
        while got < length {
            match reader.read(&mut buffer[got..]) {
                Ok(0) => return Err(short(got as u64)),
                Ok(n) => got += n,
                Err(e) => {
                    return Err(ApiError::new(
                        ErrorCode::OfficeUnreachable,
                        format!("the office's records stopped after {got} bytes of {size} ({e}); sync again later"),
                    ))
                }
            }
        }
        // Nothing may follow: a longer body is not the one the pull named.
        if !matches!(reader.read(&mut [0u8; 1]), Ok(0)) {
            return Err(ApiError::new(
                ErrorCode::OfficeRefused,
                format!("the office's records are longer than the {size} bytes its pull named; nothing was imported"),
            ));
        }
        Ok(body)
    }

    /// Sends a request and reads its answer (at most `limit` bytes): the body of a success, or
    /// the office's refusal as an error.
    fn send(
        &self,
        agent: &ureq::Agent,
        request: ureq::http::Request<Vec<u8>>,
        limit: u64,
    ) -> Result<Vec<u8>, ApiError> {
        let mut response = agent.run(request).map_err(|e| unreachable(&self.base, &e))?;
        let status = response.status();
        let answer =
            response.body_mut().with_config().limit(limit).read_to_vec().map_err(|e| unreachable(&self.base, &e))?;
        if status.is_success() {
            return Ok(answer);
        }
        Err(self.refused(status, &answer))
    }

    /// The error for an answer that is not a success: the office's own refusal when it gave one.
    fn refused(&self, status: ureq::http::StatusCode, answer: &[u8]) -> ApiError {
        let refusal: Option<Refusal> = serde_json::from_slice(answer).ok();
        match refusal {
            Some(r) => ApiError::new(
                ErrorCode::OfficeRefused,
                format!("the office refused ({} {}): {}", status.as_u16(), r.error, r.message),
            ),
            None if status.is_server_error() => ApiError::new(
                ErrorCode::OfficeUnreachable,
                format!("the office at {} answered {}; nothing was lost, sync again later", self.base, status.as_u16()),
            ),
            None => ApiError::new(ErrorCode::OfficeRefused, format!("the office answered {}", status.as_u16())),
        }
    }
}

fn unreachable(base: &str, e: &ureq::Error) -> ApiError {
    ApiError::new(
        ErrorCode::OfficeUnreachable,
        format!("the office at {base} could not be reached ({e}); nothing was lost, sync again later"),
    )
}
