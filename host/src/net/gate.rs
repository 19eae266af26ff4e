//! Politeness per host: a concurrency limit, a delay between requests, and a pause when the
//! host says it is rate-limiting (429, or GitHub's 403 with `x-ratelimit-remaining: 0`). A
//! pause stops that host only; every other host goes on.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{Semaphore, SemaphorePermit};

/// Longest pause a host can ask for (`Retry-After`, `X-RateLimit-Reset`): a longer one, or one
/// of millions of years from a broken or hostile server, is cut to this, and the log says so.
/// GitHub's windows last an hour, so its resets are honoured exactly.
pub const MAX_PAUSE: Duration = Duration::from_secs(3600);

/// How the client treats upstreams.
#[derive(Debug, Clone, Copy)]
pub struct NetPolicy {
    /// Retries after a connection error, a broken body or a 5xx (so `retries + 1` attempts).
    pub retries: u32,
    /// First back-off delay; doubled each retry, plus up to as much again of jitter.
    pub backoff: Duration,
    /// Requests in flight per host.
    pub per_host: usize,
    /// Least time between two requests to one host.
    pub politeness: Duration,
    /// Longest `Retry-After` waited for inside a run; a longer one fails the request at once
    /// with the rate-limit error (the host stays paused for the rest of the run, at most
    /// [`MAX_PAUSE`]).
    pub max_wait: Duration,
}

impl Default for NetPolicy {
    fn default() -> Self {
        Self {
            retries: 2,
            backoff: Duration::from_millis(200),
            per_host: 4,
            politeness: Duration::ZERO,
            max_wait: Duration::from_secs(60),
        }
    }
}

/// One host's state.
#[derive(Debug)]
pub struct Gate {
    slots: Semaphore,
    paused_until: Mutex<Option<Instant>>,
    last_request: Mutex<Option<Instant>>,
    seen: Mutex<Seen>,
}

/// What the host's responses said about its rate limit.
#[derive(Debug, Default, Clone, Copy)]
struct Seen {
    responses: u32,
    remaining: Option<u64>,
    quota: Option<u64>,
    reset_unix: Option<i64>,
}

/// A host's rate-limit budget as this process last saw it (the model's type).
pub use crate::model::HostBudget;

impl Gate {
    /// Waits for a slot and the politeness delay.
    pub async fn enter(&self, politeness: Duration) -> Option<SemaphorePermit<'_>> {
        let permit = self.slots.acquire().await.ok();
        if !politeness.is_zero() {
            let wait = {
                let mut last = self
                    .last_request
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                let now = Instant::now();
                let politeness = politeness.min(MAX_PAUSE);
                let next = last.map_or(now, |l| l.checked_add(politeness).unwrap_or(now).max(now));
                *last = Some(next);
                next - now
            };
            tokio::time::sleep(wait).await;
        }
        permit
    }

    /// How long the host asked to be left alone, from now.
    pub fn paused_for(&self) -> Option<Duration> {
        let until = *self
            .paused_until
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        until.and_then(|u| u.checked_duration_since(Instant::now()))
    }

    /// Notes a response's rate-limit headers (GitHub's `x-ratelimit-*`, the IETF draft's and
    /// GitLab's `ratelimit-*`).
    pub fn observe<'h>(&self, headers: impl Iterator<Item = (&'h str, &'h str)>) {
        let mut seen = self
            .seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        seen.responses = seen.responses.saturating_add(1);
        for (name, value) in headers {
            let name = name.to_ascii_lowercase();
            let name = name.strip_prefix("x-").unwrap_or(&name);
            let Ok(number) = value.trim().parse::<i64>() else {
                continue;
            };
            match name {
                "ratelimit-remaining" => seen.remaining = u64::try_from(number).ok(),
                "ratelimit-limit" => seen.quota = u64::try_from(number).ok(),
                // Unix seconds (GitHub, GitLab) or, in the IETF draft, seconds from now.
                "ratelimit-reset" if number > 1_000_000_000 => seen.reset_unix = Some(number),
                "ratelimit-reset" => {
                    seen.reset_unix = Some(
                        time::OffsetDateTime::now_utc()
                            .unix_timestamp()
                            .saturating_add(number),
                    );
                }
                _ => {}
            }
        }
    }

    /// Pauses the host for `wait`, at most [`MAX_PAUSE`] (never shortens a longer pause);
    /// returns the pause applied.
    pub fn pause(&self, wait: Duration) -> Duration {
        let wait = wait.min(MAX_PAUSE);
        let mut until = self
            .paused_until
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = Instant::now();
        let new = now.checked_add(wait).unwrap_or(now);
        if until.is_none_or(|u| u < new) {
            *until = Some(new);
        }
        wait
    }
}

/// The key a host's gate and budget are kept under: `host:port`.
pub fn host_key(url: &url::Url) -> String {
    format!(
        "{}:{}",
        url.host_str().unwrap_or_default(),
        url.port_or_known_default().unwrap_or_default()
    )
}

/// Every host's gate.
#[derive(Debug, Default)]
pub struct Gates {
    hosts: Mutex<HashMap<String, Arc<Gate>>>,
}

impl Gates {
    /// The gate of `host` (`example.org:443`).
    pub fn get(&self, host: &str, per_host: usize) -> Arc<Gate> {
        let mut hosts = self
            .hosts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        hosts
            .entry(host.to_owned())
            .or_insert_with(|| {
                Arc::new(Gate {
                    slots: Semaphore::new(per_host.max(1)),
                    paused_until: Mutex::new(None),
                    last_request: Mutex::new(None),
                    seen: Mutex::new(Seen::default()),
                })
            })
            .clone()
    }

    /// Every host's budget, by host name.
    pub fn budgets(&self) -> Vec<HostBudget> {
        let hosts = self
            .hosts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let rfc3339 = |t: time::OffsetDateTime| {
            t.replace_nanosecond(0)
                .unwrap_or(t)
                .format(&time::format_description::well_known::Rfc3339)
                .ok()
        };
        let mut budgets: Vec<HostBudget> = hosts
            .iter()
            .map(|(host, gate)| {
                let seen = *gate
                    .seen
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                HostBudget {
                    host: host.clone(),
                    requests: seen.responses,
                    remaining: seen.remaining,
                    quota: seen.quota,
                    reset: seen
                        .reset_unix
                        .and_then(|t| time::OffsetDateTime::from_unix_timestamp(t).ok())
                        .and_then(rfc3339),
                    paused_until: gate
                        .paused_for()
                        .and_then(|d| time::Duration::try_from(d).ok())
                        .and_then(|d| time::OffsetDateTime::now_utc().checked_add(d))
                        .and_then(rfc3339),
                    refused: 0,
                    github: false,
                }
            })
            .collect();
        budgets.sort_by(|a, b| a.host.cmp(&b.host));
        budgets
    }
}

/// The wait a rate-limited response asks for: `Retry-After` (seconds or an HTTP date), else
/// `X-RateLimit-Reset` (Unix seconds), else one minute. Saturates: a number too large for any
/// clock is [`Duration::MAX`], for the caller to cap.
pub fn requested_wait(headers: &[(String, String)]) -> Duration {
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    };
    if let Some(value) = header("retry-after") {
        if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
            return value
                .parse::<u64>()
                .map_or(Duration::MAX, Duration::from_secs);
        }
        if let Ok(when) =
            time::OffsetDateTime::parse(value, &time::format_description::well_known::Rfc2822)
        {
            let left = when - time::OffsetDateTime::now_utc();
            return Duration::from_secs(left.whole_seconds().max(0) as u64);
        }
    }
    if let Some(reset) = header("x-ratelimit-reset").and_then(|v| v.parse::<i64>().ok()) {
        let left = reset.saturating_sub(time::OffsetDateTime::now_utc().unix_timestamp());
        return Duration::from_secs(left.max(0).unsigned_abs());
    }
    Duration::from_secs(60)
}

/// True for a response that says the client is over its rate limit.
pub fn is_rate_limited(status: u16, headers: &[(String, String)]) -> bool {
    let spent = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("x-ratelimit-remaining") && v.trim() == "0");
    status == 429 || (status == 403 && spent)
}

/// `base × 2^attempt`, plus up to as much again of jitter, at most 30 seconds.
pub fn backoff(base: Duration, attempt: u32) -> Duration {
    use std::hash::{BuildHasher, Hasher};
    const CEILING: Duration = Duration::from_secs(30);
    let exp = base.saturating_mul(1 << attempt.min(8)).min(CEILING);
    let noise = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    let jitter = exp.mul_f64((noise % 1_000) as f64 / 1_000.0);
    exp.saturating_add(jitter).min(CEILING)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_come_from_retry_after_or_the_reset_time() {
        let h = |k: &str, v: &str| vec![(k.to_owned(), v.to_owned())];
        assert_eq!(
            requested_wait(&h("retry-after", "7")),
            Duration::from_secs(7)
        );
        let reset = time::OffsetDateTime::now_utc().unix_timestamp() + 30;
        let wait = requested_wait(&h("x-ratelimit-reset", &reset.to_string()));
        assert!((28..=30).contains(&wait.as_secs()), "{wait:?}");
        assert_eq!(requested_wait(&[]), Duration::from_secs(60));
        assert!(is_rate_limited(429, &[]));
        assert!(is_rate_limited(403, &h("x-ratelimit-remaining", "0")));
        assert!(!is_rate_limited(403, &[]));
    }

    #[test]
    fn absurd_waits_saturate_and_pauses_are_capped() {
        let h = |k: &str, v: &str| vec![(k.to_owned(), v.to_owned())];
        for huge in ["18446744073709551615", "99999999999999999999999999"] {
            let wait = requested_wait(&h("Retry-After", huge));
            assert!(wait >= Duration::from_secs(u64::MAX), "{wait:?}");
        }
        assert!(
            requested_wait(&h("x-ratelimit-reset", &i64::MAX.to_string())).as_secs()
                > i64::MAX.unsigned_abs() / 2
        );
        assert_eq!(
            requested_wait(&h("x-ratelimit-reset", &i64::MIN.to_string())),
            Duration::ZERO
        );
        let far = requested_wait(&h("retry-after", "Fri, 31 Dec 9999 23:59:59 GMT"));
        assert!(far.as_secs() / 86_400 > 365 * 7000, "{far:?}");

        let gates = Gates::default();
        let gate = gates.get("slow.example:443", 1);
        assert_eq!(gate.pause(Duration::MAX), MAX_PAUSE);
        assert_eq!(gate.pause(Duration::from_secs(5)), Duration::from_secs(5));
        let left = gate.paused_for().expect("paused");
        assert!(
            left <= MAX_PAUSE && left > MAX_PAUSE - Duration::from_secs(60),
            "{left:?}"
        );
        gate.observe(
            [
                ("x-ratelimit-reset", "999999999"),
                ("ratelimit-reset", &i64::MAX.to_string()),
            ]
            .into_iter(),
        );
        let budgets = gates.budgets();
        assert!(budgets[0].paused_until.is_some());
        assert_eq!(budgets[0].reset, None, "no date that far ahead");
        assert_eq!(backoff(Duration::MAX, u32::MAX), Duration::from_secs(30));
    }

    #[test]
    fn budgets_read_both_header_families() {
        let gates = Gates::default();
        let github = gates.get("api.example:443", 1);
        github.observe(
            [
                ("X-RateLimit-Remaining", "4990"),
                ("X-RateLimit-Limit", "5000"),
                ("X-RateLimit-Reset", "1800000000"),
            ]
            .into_iter(),
        );
        github.observe([("x-ratelimit-remaining", "4989")].into_iter());
        let gitlab = gates.get("gitlab.example:443", 1);
        gitlab.observe([("RateLimit-Remaining", "12"), ("RateLimit-Limit", "2000")].into_iter());
        gitlab.pause(Duration::from_secs(90));
        let budgets = gates.budgets();
        assert_eq!(budgets.len(), 2);
        assert_eq!(budgets[0].host, "api.example:443");
        assert_eq!(budgets[0].requests, 2);
        assert_eq!(budgets[0].remaining, Some(4989));
        assert_eq!(budgets[0].quota, Some(5000));
        assert_eq!(budgets[0].reset.as_deref(), Some("2027-01-15T08:00:00Z"));
        assert!(budgets[0].paused_until.is_none());
        assert_eq!(budgets[1].remaining, Some(12));
        assert!(budgets[1].paused_until.is_some());
    }

    #[test]
    fn backoff_doubles_with_jitter_and_a_ceiling() {
        let base = Duration::from_millis(100);
        for attempt in 0..4 {
            let d = backoff(base, attempt);
            let exp = base * (1 << attempt);
            assert!(d >= exp && d <= exp * 2, "{attempt}: {d:?}");
        }
        assert!(backoff(base, 30) <= Duration::from_secs(30));
    }
}
