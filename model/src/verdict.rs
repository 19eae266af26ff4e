//! The vocabulary of results: statuses, severities, verdicts, and the trace `explain` prints.

use serde::{Deserialize, Serialize};

use crate::day::Day;
use rollcall_versions::Scheme;

/// The status of a verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Ships the newest release of a supported line.
    Current,
    /// A newer release exists in the same line.
    Behind,
    /// The line is supported, but newer lines exist.
    Superseded,
    /// The line's end of life is near.
    EolSoon,
    /// The line's end of life has passed.
    Eol,
    /// Ships a version upstream has not released.
    Ahead,
    /// The package is not in the distro.
    Missing,
    /// The shipped version cannot be placed.
    Unknown,
    /// The tracker or the distro source failed.
    Error,
}

impl Status {
    /// Every status.
    pub const ALL: [Status; 9] = [
        Status::Current,
        Status::Behind,
        Status::Superseded,
        Status::EolSoon,
        Status::Eol,
        Status::Ahead,
        Status::Missing,
        Status::Unknown,
        Status::Error,
    ];

    /// The word used in tables and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Current => "current",
            Status::Behind => "behind",
            Status::Superseded => "superseded",
            Status::EolSoon => "eol-soon",
            Status::Eol => "eol",
            Status::Ahead => "ahead",
            Status::Missing => "missing",
            Status::Unknown => "unknown",
            Status::Error => "error",
        }
    }

    /// Every status, worst first (the order of the dashboard's counts).
    pub const WORST_FIRST: [Status; 9] = [
        Status::Eol,
        Status::EolSoon,
        Status::Error,
        Status::Behind,
        Status::Missing,
        Status::Unknown,
        Status::Superseded,
        Status::Ahead,
        Status::Current,
    ];

    /// A one-column symbol, so a status reads without colour.
    pub fn symbol(self) -> char {
        match self {
            Status::Current => '✓',
            Status::Behind => '↓',
            Status::Superseded => '»',
            Status::EolSoon => '!',
            Status::Eol => '✗',
            Status::Ahead => '↑',
            Status::Missing => '∅',
            Status::Unknown => '?',
            Status::Error => '‼',
        }
    }

    /// 0 for the worst status ([`Status::WORST_FIRST`]).
    pub fn rank(self) -> usize {
        Status::WORST_FIRST
            .iter()
            .position(|s| *s == self)
            .unwrap_or(Status::WORST_FIRST.len())
    }
}

/// How much a verdict matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Nothing to do.
    Ok,
    /// Worth knowing.
    Info,
    /// Needs attention.
    Warning,
    /// Needs action now.
    Critical,
}

impl Severity {
    /// Every severity, mildest first.
    pub const ALL: [Severity; 4] = [
        Severity::Ok,
        Severity::Info,
        Severity::Warning,
        Severity::Critical,
    ];

    /// The word used in tables and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Ok => "ok",
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }
}

/// A finding a policy plugin added to a verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The policy that found it.
    pub policy: String,
    /// How much it matters; the verdict's severity is raised to it.
    pub severity: Severity,
    /// What it says.
    pub message: String,
}

/// The result for one (watch, distro, package).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    /// The watch's name.
    pub watch: String,
    /// The distro's name.
    pub distro: String,
    /// The package's name in the distro.
    pub package: String,
    /// The tracker that read the upstream.
    pub tracker: String,
    /// The version scheme used.
    #[serde(default)]
    pub scheme: Scheme,
    /// The version as the distro writes it.
    pub shipped: Option<String>,
    /// Its upstream part (epoch, release and distro markers removed).
    pub shipped_upstream: Option<String>,
    /// What was removed besides epoch and release (`+dfsg`, `ubuntu5`, `1.20.5+really`).
    #[serde(default)]
    pub distro_markers: Vec<String>,
    /// The shipped version is a snapshot past `shipped_upstream` (`+git…`).
    #[serde(default)]
    pub snapshot: bool,
    /// The shipped version is a pre-release.
    #[serde(default)]
    pub prerelease: bool,
    /// The release line the shipped version belongs to.
    pub line: Option<String>,
    /// Whether that line is a long-term-support line.
    pub lts: Option<bool>,
    /// The status.
    pub status: Status,
    /// How much it matters.
    pub severity: Severity,
    /// The newest release of the shipped line.
    pub latest_in_line: Option<String>,
    /// The newest release upstream.
    pub latest: Option<String>,
    /// End of life of the shipped line.
    pub eol: Option<Day>,
    /// Who gave the end-of-life date (`announced`, `projected`).
    #[serde(default)]
    pub eol_source: Option<String>,
    /// Newer releases in the shipped line.
    pub releases_behind: Option<u32>,
    /// Newer release lines.
    pub lines_behind: Option<u32>,
    /// Age in days of the oldest release of the line the distro lacks.
    pub days_behind: Option<i64>,
    /// Days until the line's end of life (negative once passed).
    pub support_days_left: Option<i64>,
    /// Days before end of life that count as `eol-soon` for this line.
    #[serde(default)]
    pub eol_warning_days: Option<i64>,
    /// Findings of policy plugins.
    #[serde(default)]
    pub findings: Vec<Finding>,
    /// One line a human can act on.
    pub explanation: String,
}

/// What evaluation did with one candidate upstream version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Candidate {
    /// The version.
    pub version: String,
    /// Its line, when one could be given.
    pub line: Option<String>,
    /// Its date.
    pub date: Option<Day>,
    /// `kept`, or why it was dropped.
    pub decision: String,
}

/// How a verdict was reached, for `rollcall explain`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Trace {
    /// Every upstream version considered.
    pub candidates: Vec<Candidate>,
    /// The steps, in order.
    pub steps: Vec<String>,
}
