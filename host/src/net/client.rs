//! The one HTTP client, used by the `http` import on behalf of trackers and by the distro
//! sources.
//!
//! Redirects are followed here, not by reqwest, so that every hop is checked against the
//! tracker's [`Grant`], and `Authorization` goes on only within one origin. A name a tracker was
//! granted must resolve to public addresses ([`super::resolve`]). Bodies are read in chunks and
//! abandoned as soon as they pass the cap, so a hostile or broken upstream cannot make the host
//! buffer more than the cap.
//!
//! Politeness and resilience live here too, once for every caller: a concurrency limit and a
//! delay per host; retries with exponential back-off and jitter after connection errors, broken
//! bodies and 5xx; `Retry-After` / `X-RateLimit-Reset` honoured by pausing that host only;
//! conditional requests (`If-None-Match`, `If-Modified-Since`) from the store's HTTP cache, so an
//! unchanged upstream costs a `304`; gzip, brotli and zstd; record and replay.

use std::sync::Arc;
use std::time::Duration;

use super::cache::{CachedResponse, HttpCache};
use super::cassette::{self, Cassette};
use super::gate::{self, Gates, NetPolicy};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, LOCATION};
use url::Url;

use super::policy::{Grant, credentials_may_follow, redact};
use super::resolve::{NonPublicAddress, PublicOnly};

const MAX_REDIRECTS: usize = 5;

/// Largest body kept in the HTTP cache: release indexes are small; a distro's package index
/// (tens of MiB) has its own freshness check and is not worth a copy in the store.
const MAX_CACHED_BODY: usize = 4 << 20;

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
    /// Served from the HTTP cache after the upstream answered `304 Not Modified`.
    pub revalidated: bool,
}

/// Per-request limits.
#[derive(Debug, Clone, Copy)]
pub struct RequestLimits {
    /// Whole-request timeout (connect, headers and body).
    pub timeout: Duration,
    /// Largest body accepted, after decompression.
    pub max_bytes: u64,
}

/// The shared client; cheap to clone (clones share gates, cache and cassette).
#[derive(Debug, Clone)]
pub struct HttpClient {
    /// Connects wherever a name resolves: trusted fetches and private hosts granted on purpose.
    client: reqwest::Client,
    /// Connects to public addresses only: every other tracker request ([`super::resolve`]).
    public: reqwest::Client,
    policy: NetPolicy,
    gates: Arc<Gates>,
    cache: Option<Arc<dyn HttpCache>>,
    cassette: Cassette,
}

impl HttpClient {
    /// Builds the client: rustls, no automatic redirects, compressed transfers, the default
    /// [`NetPolicy`], no cache.
    pub fn new() -> anyhow::Result<Self> {
        Ok(Self {
            client: builder().build()?,
            public: builder().dns_resolver(PublicOnly::system()).build()?,
            policy: NetPolicy::default(),
            gates: Arc::new(Gates::default()),
            cache: None,
            cassette: Cassette::Off,
        })
    }

    /// Answers each host with its address on the public-only path instead of asking the
    /// system, as a wildcard or rebinding DNS record would: for tests, which may not touch DNS.
    #[doc(hidden)]
    pub fn with_resolved(mut self, answers: &[(&str, std::net::IpAddr)]) -> anyhow::Result<Self> {
        let resolver = answers.iter().fold(PublicOnly::system(), |r, (host, ip)| {
            r.with_override(host, vec![*ip])
        });
        self.public = builder().dns_resolver(resolver).build()?;
        Ok(self)
    }

    /// Each host's rate-limit budget as seen so far.
    pub fn budgets(&self) -> Vec<crate::net::gate::HostBudget> {
        self.gates.budgets()
    }

    /// Uses `policy` for retries, per-host limits and rate-limit waits.
    pub fn with_policy(mut self, policy: NetPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Revalidates with, and fills, `cache` (the store's HTTP cache).
    pub fn with_cache(mut self, cache: Arc<dyn HttpCache>) -> Self {
        self.cache = Some(cache);
        self
    }

    /// Records or replays exchanges.
    pub fn with_cassette(mut self, cassette: Cassette) -> Self {
        self.cassette = cassette;
        self
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
        self.get_with(grant, url, headers, limits, false).await
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
        self.get_with(grant, url, map, limits, false).await
    }

    /// GET `url` under `grant` with a long-lived token the host holds for the user
    /// (`GITHUB_TOKEN`), sent as `Authorization: Bearer`, never shown to a tracker and dropped on
    /// a redirect to another host. Unlike a registry's one-off token, its answers are worth
    /// revalidating, so they are cached under the URL and a hash of the token: a request without
    /// that token never reads them.
    pub async fn get_with_token(
        &self,
        grant: &Grant,
        url: &str,
        headers: &[(String, String)],
        token: &str,
        limits: RequestLimits,
    ) -> Result<Fetched, FetchError> {
        let mut map = request_headers(headers, grant.is_trusted());
        if let Ok(mut value) = HeaderValue::from_str(&format!("Bearer {token}")) {
            value.set_sensitive(true);
            map.insert(reqwest::header::AUTHORIZATION, value);
        }
        self.get_with(grant, url, map, limits, true).await
    }

    /// `cache_by_credential`: whether a credentialed request may use the cache under a key that
    /// includes the credential (see [`cache_key`]).
    async fn get_with(
        &self,
        grant: &Grant,
        url: &str,
        mut headers: HeaderMap,
        limits: RequestLimits,
        cache_by_credential: bool,
    ) -> Result<Fetched, FetchError> {
        let mut url = grant.check_str(url).map_err(FetchError::Denied)?;
        for _ in 0..=MAX_REDIRECTS {
            let reach = if grant.may_reach_private(&url) {
                Reach::Any
            } else {
                Reach::PublicOnly
            };
            let response = self
                .send(&url, &headers, limits, cache_by_credential, reach)
                .await?;
            let location = (300..400)
                .contains(&response.status)
                .then(|| {
                    response
                        .headers
                        .iter()
                        .find(|(k, _)| k.as_str() == LOCATION.as_str())
                        .map(|(_, v)| v.clone())
                })
                .flatten();
            if let Some(location) = location {
                let next = url.join(&location).ok().ok_or_else(|| {
                    FetchError::Denied(format!(
                        "`{}` redirected to an unreadable location",
                        redact(&url)
                    ))
                })?;
                grant.check(&next).map_err(|why| {
                    FetchError::Denied(format!("redirect from `{}`: {why}", redact(&url)))
                })?;
                if !credentials_may_follow(&url, &next) {
                    headers.remove(reqwest::header::AUTHORIZATION);
                }
                url = next;
                continue;
            }
            return Ok(response);
        }
        Err(FetchError::Denied(format!(
            "`{}` redirected more than {MAX_REDIRECTS} times",
            redact(&url)
        )))
    }
}

impl HttpClient {
    /// One request (no redirect following): replayed, or sent through the host's gate with
    /// retries, rate-limit pauses and revalidation; recorded when recording.
    async fn send(
        &self,
        url: &Url,
        headers: &HeaderMap,
        limits: RequestLimits,
        cache_by_credential: bool,
        reach: Reach,
    ) -> Result<Fetched, FetchError> {
        if let Cassette::Replay(dir) = &self.cassette {
            return cassette::replay(dir, url.as_str()).map_err(|message| FetchError::Network {
                url: redact(url),
                message,
            });
        }
        let fetched = self
            .send_live(url, headers, limits, cache_by_credential, reach)
            .await?;
        if let Cassette::Record(dir) = &self.cassette
            && let Err(e) = cassette::record(dir, url.as_str(), &fetched)
        {
            tracing::warn!(url = %redact(url), "could not record the exchange: {e}");
        }
        Ok(fetched)
    }

    async fn send_live(
        &self,
        url: &Url,
        headers: &HeaderMap,
        limits: RequestLimits,
        cache_by_credential: bool,
        reach: Reach,
    ) -> Result<Fetched, FetchError> {
        let client = match reach {
            Reach::Any => &self.client,
            Reach::PublicOnly => &self.public,
        };
        let host = gate::host_key(url);
        let gate = self.gates.get(&host, self.policy.per_host);
        let key = cache_key(url, headers, cache_by_credential);
        let cached = self
            .cache
            .as_ref()
            .zip(key.as_deref())
            .and_then(|(cache, key)| cache.cached(key));
        let mut attempt = 0;
        loop {
            if let Some(wait) = gate.paused_for() {
                if wait > self.policy.max_wait {
                    return Ok(rate_limited_locally(&host, wait));
                }
                tracing::info!(%host, secs = wait.as_secs(), "waiting for the host's rate limit");
                tokio::time::sleep(wait).await;
            }
            let permit = gate.enter(self.policy.politeness).await;
            let mut request_headers = headers.clone();
            if let Some(c) = &cached {
                if let Some(etag) = c
                    .etag
                    .as_deref()
                    .and_then(|v| HeaderValue::from_str(v).ok())
                {
                    request_headers.insert(reqwest::header::IF_NONE_MATCH, etag);
                }
                if let Some(lm) = c
                    .last_modified
                    .as_deref()
                    .and_then(|v| HeaderValue::from_str(v).ok())
                {
                    request_headers.insert(reqwest::header::IF_MODIFIED_SINCE, lm);
                }
            }
            let sent = client
                .get(url.clone())
                .headers(request_headers)
                .timeout(limits.timeout)
                .send()
                .await;
            let retry = attempt < self.policy.retries;
            let response = match sent.map_err(|e| network(url, &e)) {
                Ok(r) => r,
                Err(e @ FetchError::Network { .. }) if retry => {
                    drop(permit);
                    tracing::info!(url = %redact(url), attempt, "retrying after: {e}");
                    tokio::time::sleep(gate::backoff(self.policy.backoff, attempt)).await;
                    attempt += 1;
                    continue;
                }
                Err(e) => return Err(e),
            };
            let status = response.status().as_u16();
            gate.observe(
                response
                    .headers()
                    .iter()
                    .filter_map(|(k, v)| Some((k.as_str(), v.to_str().ok()?))),
            );
            if status == 304
                && let (Some(c), Some(store)) = (&cached, &self.cache)
            {
                if let Some(key) = &key {
                    store.touch(key);
                }
                return Ok(Fetched {
                    status: 200,
                    headers: c.headers.clone(),
                    body: c.body.clone(),
                    revalidated: true,
                });
            }
            let fetched = match read_body(url.clone(), response, limits.max_bytes).await {
                Ok(f) => f,
                Err(e @ FetchError::Network { .. }) if retry => {
                    drop(permit);
                    tracing::info!(url = %redact(url), attempt, "retrying after: {e}");
                    tokio::time::sleep(gate::backoff(self.policy.backoff, attempt)).await;
                    attempt += 1;
                    continue;
                }
                Err(e) => return Err(e),
            };
            drop(permit);
            if gate::is_rate_limited(status, &fetched.headers) {
                let wait = gate::requested_wait(&fetched.headers);
                let paused = gate.pause(wait);
                if paused < wait {
                    tracing::warn!(
                        %host,
                        status,
                        "rate-limited; the host asked for a pause of {} s and rollcall caps it at {} s",
                        wait.as_secs(),
                        paused.as_secs()
                    );
                } else {
                    tracing::warn!(%host, secs = wait.as_secs(), status, "rate-limited; pausing this host");
                }
                if retry && wait <= self.policy.max_wait {
                    attempt += 1;
                    continue;
                }
                return Ok(fetched);
            }
            if status >= 500 && retry {
                tracing::info!(url = %redact(url), attempt, status, "retrying after a server error");
                tokio::time::sleep(gate::backoff(self.policy.backoff, attempt)).await;
                attempt += 1;
                continue;
            }
            if status == 200
                && fetched.body.len() <= MAX_CACHED_BODY
                && let (Some(store), Some(key)) = (&self.cache, &key)
            {
                let header = |name: &str| {
                    fetched
                        .headers
                        .iter()
                        .find(|(k, _)| k == name)
                        .map(|(_, v)| v.clone())
                };
                let (etag, last_modified) = (header("etag"), header("last-modified"));
                if etag.is_some() || last_modified.is_some() {
                    let response = CachedResponse {
                        etag,
                        last_modified,
                        headers: fetched.headers.clone(),
                        body: fetched.body.clone(),
                        fetched_at: String::new(),
                    };
                    store.put(key, response);
                }
            }
            return Ok(fetched);
        }
    }
}

/// The key of `url`'s entry in the HTTP cache, or `None` when it must not be cached. The cache is
/// shared by every tracker, so a credentialed answer is kept only under a key that includes a
/// hash of the credential (a URL never contains a space, so no URL's key can equal it), and only
/// for the host's long-lived tokens: a registry's one-off tokens would leave an entry per token.
fn cache_key(url: &Url, headers: &HeaderMap, by_credential: bool) -> Option<String> {
    use sha2::Digest;
    match headers.get(reqwest::header::AUTHORIZATION) {
        None => Some(url.as_str().to_owned()),
        Some(credential) if by_credential => {
            let digest = sha2::Sha256::digest(credential.as_bytes());
            Some(format!("{url} credential-sha256={}", hex::encode(digest)))
        }
        Some(_) => None,
    }
}

/// The answer for a host paused longer than the run will wait: a `429` made here, with the
/// time left, so trackers report it as the rate limit it is.
fn rate_limited_locally(host: &str, wait: Duration) -> Fetched {
    Fetched {
        status: 429,
        headers: vec![
            ("retry-after".to_owned(), wait.as_secs().to_string()),
            ("x-rollcall-paused".to_owned(), host.to_owned()),
        ],
        body: format!(
            "rollcall paused requests to {host} for {} s at its request",
            wait.as_secs()
        )
        .into_bytes(),
        revalidated: false,
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
        revalidated: false,
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

/// rustls, no automatic redirects, compressed transfers, a connect timeout.
fn builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .user_agent(concat!("rollcall/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(10))
}

/// Which addresses a request may connect to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// Only public ones: a tracker's request to a host it was granted by name.
    PublicOnly,
    /// Any: trusted fetches and hosts granted as loopback or private on purpose.
    Any,
}

fn network(url: &Url, error: &reqwest::Error) -> FetchError {
    // reqwest's own message repeats the URL; the root cause is what tells the user something.
    let mut root: &dyn std::error::Error = error;
    while let Some(inner) = root.source() {
        if let Some(refused) = inner.downcast_ref::<NonPublicAddress>() {
            return FetchError::Denied(format!(
                "{refused}; trackers may reach only public addresses\nhelp: if `{}` is a \
                 server of yours on this machine or network, write its URL in the watch's \
                 `base-url` setting (a host the config names there may be private)",
                refused.host
            ));
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentialed_answers_are_cached_only_under_their_credential() {
        let url: Url = "https://api.example/repos/o/r/releases?page=1"
            .parse()
            .expect("url");
        let with = |token: &str| {
            let mut map = HeaderMap::new();
            map.insert(
                reqwest::header::AUTHORIZATION,
                HeaderValue::from_str(&format!("Bearer {token}")).expect("header"),
            );
            map
        };
        let anonymous = cache_key(&url, &HeaderMap::new(), true);
        assert_eq!(anonymous.as_deref(), Some(url.as_str()));
        let a = cache_key(&url, &with("a"), true).expect("cached by credential");
        let b = cache_key(&url, &with("b"), true).expect("cached by credential");
        assert_ne!(
            Some(&a),
            anonymous.as_ref(),
            "anonymous never reads a token's answer"
        );
        assert_ne!(a, b, "one token never reads another's");
        assert!(!a.contains("Bearer") && !a.contains(" a"), "{a}");
        assert_eq!(cache_key(&url, &with("a"), false), None, "one-off tokens");
    }
}
