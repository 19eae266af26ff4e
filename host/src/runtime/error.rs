//! Why a poll failed, classified for users.
//!
//! A trap's `Display` is only "error while executing at wasm backtrace …"; the cause is found by
//! downcasting (our [`MemoryLimitExceeded`], wasmtime's `Trap`) and, for panics, in the guest's
//! stderr, which the runtime captures in a bounded buffer.

use std::time::Duration;

use super::limits::MemoryLimitExceeded;

/// How a poll failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PollError {
    /// The poll ran past its wall-time limit.
    #[error("timed out after {}s (raise `timeout-secs` for this plugin if the upstream is slow)", .limit.as_secs_f64())]
    Timeout {
        /// The limit.
        limit: Duration,
    },
    /// The guest tried to grow its memory past the cap.
    #[error("exceeded its memory limit: wanted {} MiB, the cap is {} MiB (set `memory-mib` for this plugin)", .0.requested >> 20, .0.limit >> 20)]
    MemoryLimit(MemoryLimitExceeded),
    /// The guest panicked.
    #[error("panicked: {message}")]
    Panic {
        /// The panic message from the guest's stderr.
        message: String,
    },
    /// The guest trapped for another reason.
    #[error("crashed: {message}")]
    Trap {
        /// The trap, and the guest's stderr when it wrote any.
        message: String,
    },
    /// The guest returned more data than allowed.
    #[error(
        "returned {size} bytes of data, more than the {limit}-byte cap (set `max-output-mib` for this plugin)"
    )]
    OutputTooLarge {
        /// Approximate size returned.
        size: u64,
        /// The cap.
        limit: u64,
    },
    /// The guest returned data the host cannot use (a bad date, an empty version).
    #[error("returned bad data: {0}")]
    BadOutput(String),
    /// The tracker reported an error.
    #[error("{0}")]
    Tracker(TrackerError),
    /// The host could not run the plugin at all.
    #[error("could not run the plugin: {0}")]
    Host(String),
}

/// An error a tracker returned, mirroring the contract's `error` variant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrackerError {
    /// The upstream could not be reached.
    #[error("network error: {0}")]
    Network(String),
    /// The upstream answered with an unexpected status.
    #[error("upstream answered HTTP {status} for `{url}`")]
    Status {
        /// URL requested.
        url: String,
        /// Status code.
        status: u16,
    },
    /// The upstream refused: too many requests.
    #[error("{}", rate_limited_message(url, *status, *retry_after))]
    RateLimited {
        /// URL refused.
        url: String,
        /// 429, or 403 with a spent rate limit.
        status: u16,
        /// Seconds the upstream asks to wait.
        retry_after: Option<u32>,
    },
    /// The upstream's data could not be understood.
    #[error("could not parse the upstream's data: {0}")]
    Parse(String),
    /// A setting is missing or bad.
    #[error("bad setting: {0}")]
    Config(String),
    /// The host refused a request.
    #[error("denied: {0}")]
    Denied(String),
    /// Anything else.
    #[error("{0}")]
    Other(String),
}

fn rate_limited_message(url: &str, status: u16, retry_after: Option<u32>) -> String {
    let wait = match retry_after {
        Some(s) => format!("; it asks to wait {s} s"),
        None => String::new(),
    };
    let github = if url.contains("/repos/") {
        "; set GITHUB_TOKEN to a token (no scopes needed) for 5,000 requests an hour (a third-party tracker gets it only with `github-token = true` in its `[plugins.NAME]`)"
    } else {
        "; poll it less often"
    };
    format!("upstream is rate-limiting (HTTP {status} for `{url}`){wait}{github}")
}

/// The kinds of error, for reports: `rollcall-model`'s failure kinds.
pub use rollcall_model::report::FailureKind as ErrorKind;

impl PollError {
    /// The kind, for reports.
    pub fn kind(&self) -> ErrorKind {
        match self {
            PollError::Timeout { .. } => ErrorKind::Timeout,
            PollError::MemoryLimit(_) => ErrorKind::MemoryLimit,
            PollError::Panic { .. } => ErrorKind::Panic,
            PollError::Trap { .. } => ErrorKind::Trap,
            PollError::OutputTooLarge { .. } => ErrorKind::OutputTooLarge,
            PollError::BadOutput(_) => ErrorKind::BadOutput,
            PollError::Tracker(TrackerError::Network(_)) => ErrorKind::Network,
            PollError::Tracker(TrackerError::Status { .. }) => ErrorKind::UpstreamStatus,
            PollError::Tracker(TrackerError::RateLimited { .. }) => ErrorKind::RateLimited,
            PollError::Tracker(TrackerError::Parse(_)) => ErrorKind::Parse,
            PollError::Tracker(TrackerError::Config(_)) => ErrorKind::Config,
            PollError::Tracker(TrackerError::Denied(_)) => ErrorKind::Denied,
            PollError::Tracker(TrackerError::Other(_)) => ErrorKind::Plugin,
            PollError::Host(_) => ErrorKind::Host,
        }
    }

    /// Classifies an error that came out of instantiating or calling a guest.
    pub(super) fn from_wasm(error: &wasmtime::Error, stderr: &str) -> Self {
        if let Some(limit) = error.downcast_ref::<MemoryLimitExceeded>() {
            return PollError::MemoryLimit(*limit);
        }
        if let Some(message) = panic_message(stderr) {
            return PollError::Panic { message };
        }
        let trap = error
            .downcast_ref::<wasmtime::Trap>()
            .map(|t| t.to_string())
            .unwrap_or_else(|| format!("{:#}", error.root_cause()));
        let stderr = stderr.trim();
        let message = if stderr.is_empty() {
            trap
        } else {
            format!("{trap}; stderr: {stderr}")
        };
        PollError::Trap { message }
    }
}

/// The message of a Rust panic as the default hook prints it:
/// `thread '<unnamed>' panicked at src/lib.rs:10:9:\n<message>`.
fn panic_message(stderr: &str) -> Option<String> {
    let at = stderr.find("panicked at ")?;
    let rest = &stderr[at + "panicked at ".len()..];
    let (location, message) = match rest.split_once(":\n") {
        Some((location, message)) => (location.trim(), message),
        None => ("", rest),
    };
    let message = message
        .lines()
        .take_while(|l| !l.starts_with("note: "))
        .collect::<Vec<_>>()
        .join(" ");
    let message = message.trim();
    Some(if location.is_empty() {
        message.to_owned()
    } else {
        format!("{message} (at {location})")
    })
}

#[cfg(test)]
mod tests {
    use super::panic_message;

    #[test]
    fn finds_the_panic_message_in_stderr() {
        let stderr = "thread '<unnamed>' panicked at src/lib.rs:10:9:\nupstream JSON missing field `tag_name`\nnote: run with `RUST_BACKTRACE=1`\n";
        assert_eq!(
            panic_message(stderr).as_deref(),
            Some("upstream JSON missing field `tag_name` (at src/lib.rs:10:9)")
        );
        assert_eq!(panic_message("just some logging\n"), None);
    }
}
