//! The store's data and the host side of the contract's imports (`http`, `github`, `log`).
//!
//! Every import checks the per-poll call budget and the tracker's [`Grant`] before doing
//! anything, and records what it refused, so a tracker that swallows a denial still shows up in
//! the poll's report. Every counter is bounded: a refusal is recorded once per distinct reason
//! (the rest only counted), and `log` keeps a fixed number of messages and bytes per poll.

use std::sync::Arc;

use wasmtime::component::ResourceTable;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use super::bindings::rollcall::plugin::{github, http, log, text, types};
use super::limits::{Limits, MemoryCap};
use crate::net::github::{GithubClient, GithubError, GithubRelease, GithubTag, Listing};
use crate::net::{FetchError, Grant, HostRule, HttpClient, RequestLimits};

/// Longest log message kept from a tracker.
const MAX_LOG_MESSAGE: usize = 2_000;

/// Log messages kept per poll; later ones are counted and dropped.
pub const MAX_LOG_MESSAGES: u32 = 100;

/// Bytes of log messages kept per poll.
pub const MAX_LOG_BYTES: usize = 64 << 10;

/// Distinct refusal reasons recorded per poll; later ones are only counted.
pub const MAX_DENIALS: usize = 16;

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
    /// Why the host refused calls: each distinct reason once, in the order first seen, at most
    /// [`MAX_DENIALS`].
    pub denials: Vec<String>,
    /// Calls the host refused, repeats and reasons past the list's cap included.
    pub denied: u32,
    /// Responses served from the HTTP cache after a `304`.
    pub revalidated: u32,
    /// `text.regex-find-all` calls counted against `max-regex-calls` (those refused for the
    /// budget are in `denied` only).
    pub regex_calls: u32,
    /// Log messages kept.
    pub logs: u32,
    /// Bytes of the log messages kept.
    pub log_bytes: usize,
    /// Log messages dropped because the poll's log budget was spent.
    pub logs_dropped: u32,
}

impl Usage {
    /// One sentence about what the host refused, for reports; `None` when it refused nothing.
    pub fn denial_summary(&self) -> Option<String> {
        if self.denied == 0 {
            return None;
        }
        let calls = if self.denied == 1 { "call" } else { "calls" };
        let mut out = format!(
            "the host refused {} {calls}: {}",
            self.denied,
            self.denials.join("; ")
        );
        let listed = self.denials.len();
        if listed >= MAX_DENIALS {
            out.push_str(&format!(" (only the first {listed} reasons are kept)"));
        }
        Some(out)
    }

    /// Says once, after the poll, how many log messages were dropped.
    pub(super) fn report_dropped_logs(&self, plugin: &str) {
        if self.logs_dropped > 0 {
            tracing::warn!(
                plugin,
                "dropped {} log messages past the budget of {MAX_LOG_MESSAGES} messages or {} KiB per poll",
                self.logs_dropped,
                MAX_LOG_BYTES >> 10
            );
        }
    }
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

    /// Records a refusal (each distinct reason once, at most [`MAX_DENIALS`]; every one
    /// counted) and returns it as the tracker sees it. The run reports the poll's refusals
    /// once, at its end, so nothing here logs above `debug`.
    fn deny(&mut self, why: String) -> types::Error {
        tracing::debug!(plugin = %self.plugin, "denied: {why}");
        self.usage.denied = self.usage.denied.saturating_add(1);
        if self.usage.denials.len() < MAX_DENIALS && !self.usage.denials.contains(&why) {
            self.usage.denials.push(why.clone());
        }
        types::Error::Denied(why)
    }

    /// The GitHub client and the grant its requests go under, if this tracker may reach it.
    fn github(&mut self) -> Result<(GithubClient, Grant), types::Error> {
        let Some(client) = self.services.github.clone() else {
            return Err(types::Error::Other(
                "the GitHub client is not available".into(),
            ));
        };
        // A tracker granted `api.github.com` may use the import wherever the user pointed it
        // (`ROLLCALL_GITHUB_API`, GitHub Enterprise); so may one granted that base's host.
        let mut grant = (*self.grant).clone();
        let canonical = url::Url::parse(GITHUB_API).ok();
        if canonical.is_some_and(|api| self.grant.check(&api).is_ok()) {
            if let Some(rule) = HostRule::for_url(client.base()) {
                grant.add(rule);
            }
        } else {
            self.grant
                .check(client.base())
                .map_err(|why| self.deny(format!("github import: {why}")))?;
        }
        Ok((client, grant))
    }

    /// Up to `limit` of `owner/repo`'s releases or tags. Every page is a request of the poll's
    /// budget and gets the tracker's per-request limits; the user's token goes only with a
    /// grant that lends it.
    async fn github_list<T: Listing>(
        &mut self,
        owner: &str,
        repo: &str,
        limit: u32,
    ) -> Result<Vec<T>, types::Error> {
        self.spend_call()?;
        let (client, grant) = self.github()?;
        let limits = RequestLimits {
            timeout: self.limits.request_timeout,
            max_bytes: self.limits.max_response_bytes,
        };
        let lend_token = grant.lends_github_token();
        let limit = limit.clamp(1, crate::net::github::MAX_ITEMS) as usize;
        let mut cursor = client
            .start::<T>(owner, repo)
            .map_err(|e| self.github_error(e))?;
        tracing::debug!(plugin = %self.plugin, %owner, %repo, what = T::PATH, "github list");
        let mut out = Vec::new();
        loop {
            let page = client
                .page::<T>(&cursor, &grant, limits, lend_token)
                .await
                .map_err(|e| self.github_error(e))?;
            self.usage.bytes_in += page.bytes;
            self.usage.revalidated += u32::from(page.revalidated);
            let empty = page.items.is_empty();
            out.extend(page.items);
            match page.next {
                Some(next) if !empty && out.len() < limit => {
                    self.spend_call()?;
                    cursor = next;
                }
                _ => break,
            }
        }
        out.truncate(limit);
        Ok(out)
    }

    /// The contract's error for a failed GitHub call; refusals are recorded as denials.
    fn github_error(&mut self, e: GithubError) -> types::Error {
        match e {
            GithubError::RateLimited {
                url,
                status,
                retry_after,
                ..
            } => types::Error::RateLimited(types::RateLimitError {
                url,
                status,
                retry_after,
            }),
            GithubError::Status { url, status } => {
                types::Error::Status(types::HttpStatusError { url, status })
            }
            GithubError::Parse(message) => types::Error::Parse(message),
            GithubError::Name(message) => types::Error::Config(message),
            GithubError::Denied(why) => self.deny(why),
            GithubError::Network(message) => types::Error::Network(message),
        }
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
        let list = self
            .github_list::<GithubRelease>(&owner, &repo, limit)
            .await;
        Ok(list.map(|list| {
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
        }))
    }

    async fn tags(
        &mut self,
        owner: String,
        repo: String,
        limit: u32,
    ) -> wasmtime::Result<Result<Vec<github::GithubTag>, types::Error>> {
        let list = self.github_list::<GithubTag>(&owner, &repo, limit).await;
        Ok(list.map(|list| {
            list.into_iter()
                .map(|t| github::GithubTag {
                    name: t.name,
                    commit: t.commit,
                })
                .collect()
        }))
    }
}

/// Most matches `regex-find-all` returns.
const MAX_REGEX_MATCHES: u32 = 100_000;

/// Longest pattern `regex-find-all` compiles.
const MAX_REGEX_PATTERN: usize = 64 << 10;

/// Longest pattern kept compiled in [`REGEX_CACHE`]; longer ones are compiled per call.
const MAX_CACHED_PATTERN: usize = 4 << 10;

/// What each capture group costs against the cap on returned bytes besides its text: an
/// absent or empty group still takes a list entry in the guest.
const REGEX_GROUP_COST: usize = 16;

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

/// Searches that may run at once in the process. A search is not preemptible: one still
/// running when its poll's deadline passes finishes (or stops at its next match) on the
/// blocking pool, holding its slot, so abandoned searches cannot pile up without bound.
static REGEX_SLOTS: std::sync::LazyLock<Arc<tokio::sync::Semaphore>> =
    std::sync::LazyLock::new(|| {
        Arc::new(tokio::sync::Semaphore::new(
            super::engine::MAX_CONCURRENT_POLLS,
        ))
    });

fn compiled(pattern: &str) -> Result<regex_lite::Regex, String> {
    let cacheable = pattern.len() <= MAX_CACHED_PATTERN;
    if cacheable {
        let cache = REGEX_CACHE
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(re) = cache.get(pattern) {
            return Ok(re.clone());
        }
    }
    // A size limit keeps a hostile pattern from costing the host much memory or time.
    let re = regex_lite::RegexBuilder::new(pattern)
        .size_limit(1 << 20)
        .build()
        .map_err(|e| format!("`{pattern}` is not a regular expression the host accepts: {e}"))?;
    if cacheable {
        let mut cache = REGEX_CACHE
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if cache.len() >= MAX_CACHED_PATTERNS {
            cache.clear();
        }
        cache.insert(pattern.to_owned(), re.clone());
    }
    Ok(re)
}

/// Why a search gave no matches.
enum SearchFailure {
    /// The pattern does not compile.
    Pattern(String),
    /// The matches would exceed the cap on returned bytes.
    TooLarge { matches: usize },
    /// The poll was abandoned while the search ran.
    Cancelled,
}

/// Sets the flag when dropped: the poll's future is dropped at its deadline, and the search
/// on the blocking pool then stops at its next match.
struct CancelOnDrop(Arc<std::sync::atomic::AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// The search itself, on the blocking pool: at most `limit` matches and `max_bytes` bytes of
/// capture text, checking `cancel` between matches.
fn search(
    pattern: &str,
    haystack: &str,
    limit: usize,
    max_bytes: usize,
    cancel: &std::sync::atomic::AtomicBool,
) -> Result<text::RegexMatches, SearchFailure> {
    let re = compiled(pattern).map_err(SearchFailure::Pattern)?;
    let names: Vec<Option<String>> = re.capture_names().map(|n| n.map(str::to_owned)).collect();
    let mut bytes: usize = names
        .iter()
        .map(|n| REGEX_GROUP_COST + n.as_ref().map_or(0, String::len))
        .sum();
    let mut matches = Vec::new();
    for caps in re.captures_iter(haystack).take(limit) {
        if cancel.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(SearchFailure::Cancelled);
        }
        let mut groups = Vec::with_capacity(caps.len());
        for group in caps.iter() {
            let text = group.map(|m| m.as_str());
            bytes = bytes.saturating_add(REGEX_GROUP_COST + text.map_or(0, str::len));
            if bytes > max_bytes {
                return Err(SearchFailure::TooLarge {
                    matches: matches.len(),
                });
            }
            groups.push(text.map(str::to_owned));
        }
        matches.push(groups);
    }
    Ok(text::RegexMatches { names, matches })
}

impl text::Host for HostState {
    /// Runs on the blocking pool, so the poll's deadline (the `timeout` around the whole poll)
    /// applies while it runs; counted against `max-regex-calls`; the haystack and the returned
    /// text are capped at `max-response-mib`, like one response.
    async fn regex_find_all(
        &mut self,
        pattern: String,
        haystack: String,
        limit: u32,
    ) -> wasmtime::Result<Result<text::RegexMatches, types::Error>> {
        let budget = self.limits.max_regex_calls;
        if self.usage.regex_calls >= budget {
            let why = format!(
                "the budget of {budget} `text.regex-find-all` calls per poll is spent (raise `max-regex-calls` for this plugin)"
            );
            return Ok(Err(self.deny(why)));
        }
        self.usage.regex_calls += 1;
        let cap = self.limits.max_response_bytes;
        if haystack.len() as u64 > cap {
            let why = format!(
                "`text.regex-find-all` was given a haystack of {} bytes, more than the {cap}-byte cap (raise `max-response-mib` for this plugin)",
                haystack.len()
            );
            return Ok(Err(self.deny(why)));
        }
        if pattern.len() > MAX_REGEX_PATTERN {
            let why = format!(
                "`text.regex-find-all` was given a pattern of {} bytes, more than the {MAX_REGEX_PATTERN}-byte cap",
                pattern.len()
            );
            return Ok(Err(self.deny(why)));
        }
        let limit = limit.clamp(1, MAX_REGEX_MATCHES) as usize;
        let max_bytes = usize::try_from(cap).unwrap_or(usize::MAX);
        let Ok(slot) = REGEX_SLOTS.clone().acquire_owned().await else {
            return Ok(Err(types::Error::Other(
                "the host's regular-expression pool is closed".into(),
            )));
        };
        let cancel = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let _cancel_on_drop = CancelOnDrop(cancel.clone());
        let job = tokio::task::spawn_blocking(move || {
            let _slot = slot;
            search(&pattern, &haystack, limit, max_bytes, &cancel)
        });
        Ok(match job.await {
            Ok(Ok(found)) => Ok(found),
            Ok(Err(SearchFailure::Pattern(e))) => Err(types::Error::Config(e)),
            Ok(Err(SearchFailure::TooLarge { matches })) => Err(self.deny(format!(
                "`text.regex-find-all` would return more than the {cap}-byte cap after {matches} matches (raise `max-response-mib` for this plugin, or ask for fewer matches)"
            ))),
            Ok(Err(SearchFailure::Cancelled)) => {
                Err(types::Error::Other("the search was cancelled".into()))
            }
            Err(e) => Err(types::Error::Other(format!(
                "the regular-expression search failed: {e}"
            ))),
        })
    }
}

impl log::Host for HostState {
    /// Keeps at most [`MAX_LOG_MESSAGES`] messages and [`MAX_LOG_BYTES`] bytes per poll; the
    /// rest are counted, and the runtime says how many once the poll ends.
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
        let usage = &mut self.usage;
        if usage.logs >= MAX_LOG_MESSAGES || usage.log_bytes + message.len() > MAX_LOG_BYTES {
            usage.logs_dropped = usage.logs_dropped.saturating_add(1);
            return Ok(());
        }
        usage.logs += 1;
        usage.log_bytes += message.len();
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

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicBool;

    use super::{SearchFailure, search};

    #[test]
    fn a_search_stops_at_its_next_match_once_cancelled() {
        let haystack = "ab".repeat(1_000);
        let found = search("a", &haystack, 100, 1 << 20, &AtomicBool::new(false));
        assert!(matches!(found, Ok(m) if m.matches.len() == 100));
        let cancelled = search("a", &haystack, 100, 1 << 20, &AtomicBool::new(true));
        assert!(matches!(cancelled, Err(SearchFailure::Cancelled)));
    }

    #[test]
    fn a_search_stops_at_the_byte_cap() {
        // Each match costs 16 + 1 bytes; the names list 16.
        let found = search(
            "a",
            &"a".repeat(100),
            100,
            16 + 17 * 10,
            &AtomicBool::new(false),
        );
        assert!(matches!(
            found,
            Err(SearchFailure::TooLarge { matches: 10 })
        ));
        let bad = search("(", "", 1, 1 << 20, &AtomicBool::new(false));
        assert!(matches!(bad, Err(SearchFailure::Pattern(m)) if m.contains("`(`")));
    }
}
