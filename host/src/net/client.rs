//! The one HTTP client, used by the `http` import on behalf of trackers.
//!
//! Redirects are followed here, not by reqwest, so that every hop is checked against the
//! tracker's [`Grant`]. Bodies are read in chunks and abandoned as soon as they pass the cap, so
//! a hostile or broken upstream cannot make the host buffer more than the cap.

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, LOCATION};
use url::Url;

use super::policy::{Grant, redact};

const MAX_REDIRECTS: usize = 5;

/// Headers a tracker may not set: credentials, and what would confuse the request.
const FORBIDDEN_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
];

/// Why a request did not produce a response.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The URL or a redirect target is not allowed; the message says why.
    #[error("{0}")]
    Denied(String),
    /// The body passed the size cap.
    #[error("response from `{url}` is larger than the {limit}-byte cap")]
    TooLarge {
        /// The URL that answered.
        url: String,
        /// The cap in bytes.
        limit: u64,
    },
    /// DNS, TLS, connection or timeout.
    #[error("request to `{url}` failed: {message}")]
    Network {
        /// The URL requested.
        url: String,
        /// What went wrong.
        message: String,
    },
}

/// A response as handed to a tracker.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The status code of the final response.
    pub status: u16,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body, decompressed.
    pub body: Vec<u8>,
}

/// Per-request limits.
#[derive(Debug, Clone, Copy)]
pub struct RequestLimits {
    /// Whole-request timeout (connect, headers and body).
    pub timeout: Duration,
    /// Largest body accepted, after decompression.
    pub max_bytes: u64,
}

/// The shared client.
#[derive(Debug, Clone)]
pub struct HttpClient {
    client: reqwest::Client,
}

impl HttpClient {
    /// Builds the client: rustls, no automatic redirects, compressed transfers.
    pub fn new() -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .user_agent(concat!("rollcall/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(10))
            .build()?;
        Ok(Self { client })
    }

    /// GET `url` under `grant`, following redirects that the grant also allows.
    pub async fn get(
        &self,
        grant: &Grant,
        url: &str,
        headers: &[(String, String)],
        limits: RequestLimits,
    ) -> Result<Fetched, FetchError> {
        let headers = request_headers(headers, grant.is_trusted());
        self.get_with(grant, url, headers, limits).await
    }

    /// GET `url` under `grant` with a bearer token the host obtained (a registry's anonymous
    /// token). The token never reaches a tracker and is dropped on a redirect to another host.
    pub async fn get_with_bearer(
        &self,
        grant: &Grant,
        url: &str,
        headers: &[(String, String)],
        token: &str,
        limits: RequestLimits,
    ) -> Result<Fetched, FetchError> {
        let mut map = request_headers(headers, grant.is_trusted());
        if let Ok(value) = HeaderValue::from_str(&format!("Bearer {token}")) {
            map.insert(reqwest::header::AUTHORIZATION, value);
        }
        self.get_with(grant, url, map, limits).await
    }

    async fn get_with(
        &self,
        grant: &Grant,
        url: &str,
        mut headers: HeaderMap,
        limits: RequestLimits,
    ) -> Result<Fetched, FetchError> {
        let mut url = grant.check_str(url).map_err(FetchError::Denied)?;
        for _ in 0..=MAX_REDIRECTS {
            let response = self
                .client
                .get(url.clone())
                .headers(headers.clone())
                .timeout(limits.timeout)
                .send()
                .await
                .map_err(|e| network(&url, &e))?;
            let status = response.status();
            if status.is_redirection()
                && let Some(location) = response.headers().get(LOCATION)
            {
                let next = location
                    .to_str()
                    .ok()
                    .and_then(|l| url.join(l).ok())
                    .ok_or_else(|| {
                        FetchError::Denied(format!(
                            "`{}` redirected to an unreadable location",
                            redact(&url)
                        ))
                    })?;
                grant.check(&next).map_err(|why| {
                    FetchError::Denied(format!("redirect from `{}`: {why}", redact(&url)))
                })?;
                if next.host_str() != url.host_str() {
                    headers.remove(reqwest::header::AUTHORIZATION);
                }
                url = next;
                continue;
            }
            return read_body(url, response, limits.max_bytes).await;
        }
        Err(FetchError::Denied(format!(
            "`{}` redirected more than {MAX_REDIRECTS} times",
            redact(&url)
        )))
    }
}

async fn read_body(
    url: Url,
    mut response: reqwest::Response,
    max_bytes: u64,
) -> Result<Fetched, FetchError> {
    let too_large = || FetchError::TooLarge {
        url: redact(&url),
        limit: max_bytes,
    };
    if response.content_length().is_some_and(|n| n > max_bytes) {
        return Err(too_large());
    }
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .filter_map(|(k, v)| Some((k.as_str().to_owned(), v.to_str().ok()?.to_owned())))
        .collect();
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| network(&url, &e))? {
        if body.len() as u64 + chunk.len() as u64 > max_bytes {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Fetched {
        status,
        headers,
        body,
    })
}

/// Headers for a request; credentials only on the host's own trusted fetches (a registry
/// token), never from a tracker.
fn request_headers(pairs: &[(String, String)], trusted: bool) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        let lower = name.to_ascii_lowercase();
        if FORBIDDEN_HEADERS.contains(&lower.as_str()) && !(trusted && lower == "authorization") {
            tracing::debug!(header = %lower, "dropped a header a tracker may not set");
            continue;
        }
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(lower.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            map.append(name, value);
        }
    }
    map
}

fn network(url: &Url, error: &reqwest::Error) -> FetchError {
    // reqwest's own message repeats the URL; the root cause is what tells the user something.
    let mut root: &dyn std::error::Error = error;
    while let Some(inner) = root.source() {
        root = inner;
    }
    let cause = root.to_string();
    let message = if error.is_timeout() {
        "timed out".to_owned()
    } else if error.is_connect() {
        format!("could not connect: {cause}")
    } else if error.is_body() || error.is_decode() {
        format!("the response body broke off: {cause}")
    } else {
        cause
    };
    FetchError::Network {
        url: redact(url),
        message,
    }
}
