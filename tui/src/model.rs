//! What the dashboard shows, as plain data. The engine fills it (from the store) through
//! [`Source`]; the dashboard never fetches and never evaluates.

use std::sync::mpsc::Sender;

pub use rollcall_model::data::HostBudget;
pub use rollcall_model::verdict::{Severity, Status};

/// One overview row: a watch's verdict for one distro's package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The watch (the upstream, as the config names it).
    pub watch: String,
    /// The tracker that read the upstream.
    pub tracker: String,
    /// The distro.
    pub distro: String,
    /// The package in the distro.
    pub package: String,
    /// The version as the distro writes it.
    pub shipped: Option<String>,
    /// The release line it belongs to.
    pub line: Option<String>,
    /// Whether that line is a long-term-support line.
    pub lts: bool,
    /// The newest release of that line.
    pub latest_in_line: Option<String>,
    /// The newest release upstream.
    pub latest: Option<String>,
    /// Newer releases in the line.
    pub releases_behind: Option<u32>,
    /// Age in days of the oldest release of the line the distro lacks.
    pub days_behind: Option<i64>,
    /// End of life of the line, `YYYY-MM-DD`.
    pub eol: Option<String>,
    /// Days until that end of life (negative once passed).
    pub days_left: Option<i64>,
    /// The status.
    pub status: Status,
    /// How much it matters.
    pub severity: Severity,
    /// One line a human can act on.
    pub explanation: String,
}

/// The newest poll of one tracker for one watch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackerRow {
    /// The watch.
    pub watch: String,
    /// `releases` or `support`.
    pub role: String,
    /// The tracker.
    pub tracker: String,
    /// When its run finished, RFC 3339.
    pub at: String,
    /// Wall time of the poll.
    pub duration_ms: u64,
    /// HTTP calls.
    pub calls: u32,
    /// Bytes received.
    pub bytes: u64,
    /// Responses revalidated with a `304`.
    pub revalidated: u32,
    /// `ok`, or the error kind.
    pub outcome: String,
    /// The error message.
    pub error: Option<String>,
    /// Calls the host refused the tracker.
    pub denied: u32,
    /// Why, each distinct reason once.
    pub denials: Vec<String>,
}

impl TrackerRow {
    /// Whether the poll failed.
    pub fn failed(&self) -> bool {
        self.outcome != "ok"
    }

    /// What the host refused, in one line; `None` when it refused nothing.
    pub fn denied_line(&self) -> Option<String> {
        if self.denied == 0 {
            return None;
        }
        let calls = if self.denied == 1 { "call" } else { "calls" };
        Some(format!(
            "{} {calls} refused: {}",
            self.denied,
            self.denials.join("; ")
        ))
    }
}

/// One entry of the changes screen (the content of `rollcall report`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeRow {
    /// When it happened or was noticed, RFC 3339 or `YYYY-MM-DD`.
    pub when: String,
    /// `release`, `gone`, `verdict`, `eol`.
    pub kind: String,
    /// The sentence `rollcall report` prints.
    pub text: String,
}

/// Everything the list screens show, read at once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// Overview rows, in any order (the dashboard sorts).
    pub rows: Vec<Row>,
    /// When the newest run finished, RFC 3339.
    pub last_run: Option<String>,
    /// The newest poll of every source.
    pub trackers: Vec<TrackerRow>,
    /// Rate-limit budgets per host.
    pub hosts: Vec<HostBudget>,
    /// What changed, newest first.
    pub changes: Vec<ChangeRow>,
    /// How far back the changes go, as the user wrote it (`7d`).
    pub changes_since: String,
    /// The distro-wide figures of the newest run, by distro name.
    pub distros: Vec<DistroFigure>,
}

/// One distro as a whole, for the overview's header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DistroFigure {
    /// The distro's name.
    pub name: String,
    /// Packages in its index, when it was read.
    pub packages: Option<u32>,
    /// Packages with a verdict.
    pub watched: u32,
    /// Percent of verdicts with data that are behind.
    pub behind_pct: u32,
    /// Percent at or near end of life.
    pub eol_pct: u32,
    /// Median days behind.
    pub median_days_behind: Option<i64>,
    /// Lines shipped past their end of life.
    pub lines_past_eol: u32,
}

/// A release line of a watch, for the timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineInfo {
    /// The line (`6.12`).
    pub name: String,
    /// A label (`squid`), when upstream gives one.
    pub label: Option<String>,
    /// Long-term support.
    pub lts: bool,
    /// First release, `YYYY-MM-DD`.
    pub release: Option<String>,
    /// End of active support, `YYYY-MM-DD`.
    pub active_until: Option<String>,
    /// End of life, `YYYY-MM-DD`.
    pub eol: Option<String>,
    /// Announced (`announced`) or projected (`projected`).
    pub eol_source: String,
    /// Upstream says the line is over.
    pub is_eol: bool,
    /// The line's newest release.
    pub latest: Option<String>,
}

/// An upstream release, for the detail screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseInfo {
    /// The version.
    pub version: String,
    /// Publication day.
    pub date: Option<String>,
    /// Its line.
    pub line: Option<String>,
    /// A pre-release.
    pub prerelease: bool,
    /// Vanished upstream.
    pub gone: bool,
    /// The distros shipping exactly this version.
    pub shipped_by: Vec<String>,
}

/// A version a distro shipped, for the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShippedInfo {
    /// The distro.
    pub distro: String,
    /// The package.
    pub package: String,
    /// The version as the distro writes it.
    pub version: String,
    /// First seen, RFC 3339.
    pub first_seen: String,
    /// Last seen, RFC 3339.
    pub last_seen: String,
}

/// Everything the detail screen shows about one watch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Detail {
    /// The watch.
    pub watch: String,
    /// Its release tracker.
    pub tracker: String,
    /// The day the timeline marks, `YYYY-MM-DD`.
    pub today: String,
    /// Release lines, newest first.
    pub lines: Vec<LineInfo>,
    /// Releases, newest first.
    pub releases: Vec<ReleaseInfo>,
    /// The verdicts per distro.
    pub verdicts: Vec<Row>,
    /// Shipped-version history, newest first.
    pub shipped: Vec<ShippedInfo>,
    /// The trackers' last errors.
    pub errors: Vec<String>,
}

/// What a background check reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobEvent {
    /// Watches polled so far, of how many.
    Progress {
        /// Done.
        done: usize,
        /// In all.
        total: usize,
    },
    /// The check ended: a summary line, or why it failed.
    Finished(Result<String, String>),
}

/// Where the dashboard's data comes from, and how it asks for fresh data.
pub trait Source {
    /// Reads everything the list screens show.
    fn load(&mut self) -> Result<Snapshot, String>;

    /// Reads one watch's detail.
    fn detail(&mut self, watch: &str) -> Result<Detail, String>;

    /// A number that changes when someone else wrote new data (another process's run).
    fn generation(&mut self) -> Option<i64>;

    /// Starts a check of one watch (`Some`) or of every watch in the background; events go to
    /// `events`, ending with [`JobEvent::Finished`]. Returns at once.
    fn start_check(&mut self, watch: Option<&str>, events: Sender<JobEvent>) -> Result<(), String>;
}
