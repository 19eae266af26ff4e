//! The store's data and the host side of the contract's imports (`http`, `github`, `log`).
//!
//! Every import checks the per-poll call budget and the tracker's [`Grant`] before doing
//! anything, and records what it refused, so a tracker that swallows a denial still shows up in
//! the poll's report.

use std::sync::Arc;

use wasmtime::component::ResourceTable;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use super::bindings::rollcall::plugin::{github, http, log, text, types};
use super::limits::{Limits, MemoryCap};
use crate::net::github::GithubClient;
use crate::net::{FetchError, Grant, HttpClient, RequestLimits};

/// Longest log message kept from a tracker.
const MAX_LOG_MESSAGE: usize = 2_000;

/// Services the host offers to every store.
#[derive(Debug, Clone)]
pub struct Services {
    /// The HTTP client behind the `http` import.
    pub http: HttpClient,
    /// The GitHub client behind the `github` import.
    pub github: Option<GithubClient>,
}

/// Counters of one poll.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Usage {
    /// `http.get` and `github.*` calls made (denied ones included).
    pub calls: u32,
    /// Body bytes received.
    pub bytes_in: u64,
    /// Calls the host refused, with the reason.
    pub denials: Vec<String>,
    /// Responses served from the HTTP cache after a `304`.
    pub revalidated: u32,
}

/// Per-store state: one per poll, dropped with the store.
pub struct HostState {
    pub(super) wasi: WasiCtx,
    pub(super) table: ResourceTable,
    pub(super) memory: MemoryCap,
    pub(super) services: Arc<Services>,
    pub(super) grant: Arc<Grant>,
    pub(super) limits: Limits,
    pub(super) plugin: Arc<str>,
    pub(super) usage: Usage,
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl HostState {
    /// Counts a call; refuses it once the budget is spent.
    fn spend_call(&mut self) -> Result<(), types::Error> {
        if self.usage.calls >= self.limits.max_http_calls {
            let why = format!(
                "the budget of {} requests per poll is spent (raise `max-http-calls` for this plugin)",
                self.limits.max_http_calls
            );
            return Err(self.deny(why));
        }
        self.usage.calls += 1;
        Ok(())
    }

    fn deny(&mut self, why: String) -> types::Error {
        tracing::warn!(plugin = %self.plugin, "denied: {why}");
        self.usage.denials.push(why.clone());
        types::Error::Denied(why)
    }

    /// The GitHub client, if this tracker may reach it.
    fn github(&mut self) -> Result<GithubClient, types::Error> {
        let Some(client) = self.services.github.clone() else {
            return Err(types::Error::Other(
                "the GitHub client is not available".into(),
            ));
        };
        // A tracker granted `api.github.com` may use the import wherever the user pointed it
        // (`ROLLCALL_GITHUB_API`, GitHub Enterprise); so may one granted that base's host.
        let canonical = url::Url::parse(GITHUB_API).expect("a valid URL");
        if self.grant.check(&canonical).is_err() {
            self.grant
                .check(client.base())
                .map_err(|why| self.deny(format!("github import: {why}")))?;
        }
        Ok(client)
    }
}

/// The public GitHub API, the host a tracker declares to use the `github` import.
const GITHUB_API: &str = "https://api.github.com/";

impl types::Host for HostState {}

impl http::Host for HostState {
    async fn get(
        &mut self,
        url: String,
        headers: Vec<(String, String)>,
    ) -> wasmtime::Result<Result<types::Response, types::Error>> {
        if let Err(e) = self.spend_call() {
            return Ok(Err(e));
        }
        let limits = RequestLimits {
            timeout: self.limits.request_timeout,
            max_bytes: self.limits.max_response_bytes,
        };
        tracing::debug!(plugin = %self.plugin, %url, "http get");
        let mut result = self
            .services
            .http
            .get(&self.grant, &url, &headers, limits)
            .await;
        // A registry's anonymous token challenge is answered here: a tracker may not send
        // credentials, and the token stays in the host. The realm must be granted too.
        if let Ok(first) = &result
            && let Some(challenge) = crate::net::bearer::challenge(first)
        {
            if let Err(e) = self.spend_call() {
                return Ok(Err(e));
            }
            let http = self.services.http.clone();
            result = match crate::net::bearer::token(&http, &self.grant, &challenge, limits).await {
                Ok(token) => {
                    http.get_with_bearer(&self.grant, &url, &headers, &token, limits)
                        .await
                }
                Err(e) => Err(e),
            };
        }
        Ok(match result {
            Ok(fetched) => {
                self.usage.bytes_in += fetched.body.len() as u64;
                self.usage.revalidated += u32::from(fetched.revalidated);
                Ok(types::Response {
                    status: fetched.status,
                    headers: fetched.headers,
                    body: fetched.body,
                })
            }
            Err(FetchError::Denied(why)) => Err(self.deny(why)),
            Err(e @ FetchError::TooLarge { .. }) => Err(self.deny(e.to_string())),
            Err(e @ FetchError::Network { .. }) => Err(types::Error::Network(e.to_string())),
        })
    }
}

impl github::Host for HostState {
    async fn releases(
        &mut self,
        owner: String,
        repo: String,
        limit: u32,
    ) -> wasmtime::Result<Result<Vec<github::GithubRelease>, types::Error>> {
        if let Err(e) = self.spend_call() {
            return Ok(Err(e));
        }
        let client = match self.github() {
            Ok(c) => c,
            Err(e) => return Ok(Err(e)),
        };
        Ok(client
            .releases(&owner, &repo, limit)
            .await
            .map(|list| {
                list.into_iter()
                    .map(|r| github::GithubRelease {
                        tag: r.tag,
                        name: r.name,
                        published_at: r.published_at,
                        prerelease: r.prerelease,
                        draft: r.draft,
                        url: r.url,
                    })
                    .collect()
            })
            .map_err(github_error))
    }

    async fn tags(
        &mut self,
        owner: String,
        repo: String,
        limit: u32,
    ) -> wasmtime::Result<Result<Vec<github::GithubTag>, types::Error>> {
        if let Err(e) = self.spend_call() {
            return Ok(Err(e));
        }
        let client = match self.github() {
            Ok(c) => c,
            Err(e) => return Ok(Err(e)),
        };
        Ok(client
            .tags(&owner, &repo, limit)
            .await
            .map(|list| {
                list.into_iter()
                    .map(|t| github::GithubTag {
                        name: t.name,
                        commit: t.commit,
                    })
                    .collect()
            })
            .map_err(github_error))
    }
}

/// Most matches `regex-find-all` returns.
const MAX_REGEX_MATCHES: u32 = 100_000;

/// Compiled patterns, shared by every poll: a watch's pattern is compiled once per process.
/// `regex-lite` (a PikeVM with a small compiled form): trackers' patterns are many and
/// distinct and their pages small, so compile time and memory matter more than search speed;
/// the full `regex` crate's automata cost more to build than they save here (BENCHMARKS.md,
/// "1,000 watches").
static REGEX_CACHE: std::sync::LazyLock<
    std::sync::Mutex<std::collections::HashMap<String, regex_lite::Regex>>,
> = std::sync::LazyLock::new(Default::default);

/// Most patterns kept compiled.
const MAX_CACHED_PATTERNS: usize = 1_024;

fn compiled(pattern: &str) -> Result<regex_lite::Regex, String> {
    let mut cache = REGEX_CACHE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(re) = cache.get(pattern) {
        return Ok(re.clone());
    }
    // A size limit keeps a hostile pattern from costing the host much memory or time.
    let re = regex_lite::RegexBuilder::new(pattern)
        .size_limit(1 << 20)
        .build()
        .map_err(|e| format!("`{pattern}` is not a regular expression the host accepts: {e}"))?;
    if cache.len() >= MAX_CACHED_PATTERNS {
        cache.clear();
    }
    cache.insert(pattern.to_owned(), re.clone());
    Ok(re)
}

impl text::Host for HostState {
    async fn regex_find_all(
        &mut self,
        pattern: String,
        haystack: String,
        limit: u32,
    ) -> wasmtime::Result<Result<text::RegexMatches, types::Error>> {
        let re = match compiled(&pattern) {
            Ok(re) => re,
            Err(e) => return Ok(Err(types::Error::Config(e))),
        };
        let names = re.capture_names().map(|n| n.map(str::to_owned)).collect();
        let limit = limit.clamp(1, MAX_REGEX_MATCHES) as usize;
        let matches = re
            .captures_iter(&haystack)
            .take(limit)
            .map(|caps| {
                caps.iter()
                    .map(|group| group.map(|m| m.as_str().to_owned()))
                    .collect()
            })
            .collect();
        Ok(Ok(text::RegexMatches { names, matches }))
    }
}

impl log::Host for HostState {
    async fn log(&mut self, level: log::Level, message: String) -> wasmtime::Result<()> {
        let mut message = message;
        if message.len() > MAX_LOG_MESSAGE {
            let mut cut = MAX_LOG_MESSAGE;
            while !message.is_char_boundary(cut) {
                cut -= 1;
            }
            message.truncate(cut);
            message.push('…');
        }
        let plugin = &*self.plugin;
        match level {
            log::Level::Trace => tracing::trace!(plugin, "{message}"),
            log::Level::Debug => tracing::debug!(plugin, "{message}"),
            log::Level::Info => tracing::info!(plugin, "{message}"),
            log::Level::Warn => tracing::warn!(plugin, "{message}"),
            log::Level::Error => tracing::error!(plugin, "{message}"),
        }
        Ok(())
    }
}

fn github_error(e: crate::net::github::GithubError) -> types::Error {
    use crate::net::github::GithubError;
    match e {
        GithubError::RateLimited { url, status, .. } => {
            types::Error::RateLimited(types::RateLimitError {
                url,
                status,
                retry_after: None,
            })
        }
        GithubError::Status { url, status } => {
            types::Error::Status(types::HttpStatusError { url, status })
        }
        GithubError::Parse(message) => types::Error::Parse(message),
        GithubError::Other(message) => types::Error::Network(message),
    }
}
