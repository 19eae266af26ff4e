//! What trackers tell the host, in the host's own types.
//!
//! The generated bindings stay private to the runtime; everything downstream (evaluation,
//! reports, `plugin run`) works with these types, which are validated on the way in: dates must
//! be real `YYYY-MM-DD` days and versions must not be empty.

use serde::{Deserialize, Serialize};

use crate::day::Day;

/// What a tracker is polled for: a watch's releases (its `tracker`) or the support windows of
/// its lines (its `support` source).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// The releases source.
    Releases,
    /// The support (end-of-life) source.
    Support,
}

impl Role {
    /// The word in the store and on the dashboard.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Releases => "releases",
            Role::Support => "support",
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who said when a release line ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DateSource {
    /// The upstream published the date.
    Announced,
    /// Computed from the upstream's support policy.
    Projected,
}

/// One upstream version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Release {
    /// The version, tag prefix removed.
    pub version: String,
    /// Publication day.
    pub date: Option<Day>,
    /// Alpha, beta, release candidate, snapshot.
    pub prerelease: bool,
    /// The line, when the tracker says it.
    pub line: Option<String>,
    /// A page about the release.
    pub url: Option<String>,
}

/// Releases maintained together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseLine {
    /// The prefix versions of the line start with (`6.12`).
    pub name: String,
    /// A codename (`Squid`).
    pub label: Option<String>,
    /// First release of the line.
    pub release_date: Option<Day>,
    /// End of active support.
    pub end_of_active_support: Option<Day>,
    /// End of life.
    pub end_of_life: Option<Day>,
    /// The upstream says the line is dead, with or without a date.
    pub is_eol: bool,
    /// Who gave `end_of_life`.
    pub eol_source: DateSource,
    /// Long-term support.
    pub lts: bool,
    /// Newest release of the line, when the tracker says it.
    pub latest: Option<String>,
    /// Publication day of `latest`.
    pub latest_date: Option<Day>,
    /// The tracker that gave `end_of_life` or `is_eol`, when a watch has more than one source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eol_from: Option<String>,
}

/// Everything one poll found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpstreamData {
    /// Releases, in the tracker's order.
    pub releases: Vec<Release>,
    /// Release lines, in the tracker's order.
    pub lines: Vec<ReleaseLine>,
    /// The tracker says `releases` is the upstream's whole history (a registry's version list),
    /// not a window of the newest: only then does a release missing from a later poll count as
    /// withdrawn upstream. Old stored answers lack it: a window.
    #[serde(default)]
    pub complete: bool,
    /// Versions the watch's filters dropped, with the reason (host-side, for `explain`).
    #[serde(skip)]
    pub dropped: Vec<(String, String)>,
    /// How the sources of a watch were merged (host-side, for `explain`).
    #[serde(skip)]
    pub notes: Vec<String>,
    /// Set when a source failed and its last good answer stands in: what to tell the reader
    /// (`upstream data of 2026-11-25T06:00:00Z, 1 day old; the poll failed: …`).
    #[serde(skip)]
    pub stale: Option<String>,
}

/// A setting a tracker reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SettingInfo {
    /// kebab-case key.
    pub name: String,
    /// One sentence.
    pub description: String,
    /// A watch must give it.
    pub required: bool,
    /// Used when absent.
    pub default: Option<String>,
}

/// What a tracker says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PluginInfo {
    /// The name watches use.
    pub name: String,
    /// The tracker's version.
    pub version: String,
    /// One line.
    pub summary: String,
    /// Hosts it needs.
    pub hosts: Vec<String>,
    /// Settings it reads.
    pub settings: Vec<SettingInfo>,
}

impl PluginInfo {
    /// The setting called `name`, if the tracker reads one.
    pub fn setting(&self, name: &str) -> Option<&SettingInfo> {
        self.settings.iter().find(|s| s.name == name)
    }
}

/// Parses an optional date a tracker returned; `what` names it in the error.
pub fn tracker_day(raw: Option<String>, what: &str) -> Result<Option<Day>, String> {
    raw.map(|d| d.parse::<Day>().map_err(|e| format!("{what}: {e}")))
        .transpose()
}

impl UpstreamData {
    /// Approximate size in bytes, for the output cap.
    pub fn approx_size(&self) -> u64 {
        let opt = |s: &Option<String>| s.as_ref().map_or(0, String::len);
        let releases: usize = self
            .releases
            .iter()
            .map(|r| 32 + r.version.len() + opt(&r.line) + opt(&r.url))
            .sum();
        let lines: usize = self
            .lines
            .iter()
            .map(|l| 64 + l.name.len() + opt(&l.label) + opt(&l.latest))
            .sum();
        (releases + lines) as u64
    }
}

/// A host's rate-limit budget as a run left it, and what the run could not do within it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostBudget {
    /// `host:port`.
    pub host: String,
    /// Responses received from it.
    pub requests: u32,
    /// Requests left in the current window (`x-ratelimit-remaining` or `ratelimit-remaining`).
    pub remaining: Option<u64>,
    /// The window's size (`x-ratelimit-limit` or `ratelimit-limit`).
    pub quota: Option<u64>,
    /// When the window resets, RFC 3339.
    pub reset: Option<String>,
    /// When a pause the host asked for ends, RFC 3339.
    pub paused_until: Option<String>,
    /// Polls that failed because this host's budget was spent.
    #[serde(default)]
    pub refused: u32,
    /// Whether this is the GitHub API the `github` import calls, whose budget is counted per
    /// hour (5,000 requests with a token, 60 without).
    #[serde(default)]
    pub github: bool,
}

/// GitHub's REST budgets: with a token, and without.
const GITHUB_WITH_TOKEN: u64 = 5_000;

impl HostBudget {
    /// Hours the refused polls need at this budget (one request each), when the budget is
    /// known per hour (GitHub's): `None` otherwise, or when nothing was refused.
    pub fn hours_needed(&self, quota: u64) -> Option<u64> {
        (self.refused > 0 && self.github && quota > 0)
            .then(|| u64::from(self.refused).div_ceil(quota))
    }

    /// The polls waiting for this host's budget, shortly: `3 polls wait: 1 h at this budget`.
    pub fn waiting(&self) -> Option<String> {
        (self.refused > 0).then(|| {
            let polls = if self.refused == 1 {
                "poll waits"
            } else {
                "polls wait"
            };
            match self.quota.and_then(|q| self.hours_needed(q)) {
                Some(h) => format!("{} {polls}: {h} h at this budget", self.refused),
                None => format!("{} {polls} for the window", self.refused),
            }
        })
    }

    /// What the run could not do within this host's budget, and when it can, in a sentence;
    /// `None` when nothing was refused.
    pub fn plan(&self) -> Option<String> {
        if self.refused == 0 {
            return None;
        }
        let until = self
            .reset
            .as_deref()
            .or(self.paused_until.as_deref())
            .map_or(String::new(), |t| format!(" until {t}"));
        let polls = if self.refused == 1 { "poll" } else { "polls" };
        let mut out = format!(
            "{}: {} {polls} not answered: its rate limit{} is spent{until}",
            self.host,
            self.refused,
            self.quota.map_or(String::new(), |q| format!(
                " ({q} requests {})",
                if self.github { "an hour" } else { "a window" }
            )),
        );
        if let Some(hours) = self.quota.and_then(|q| self.hours_needed(q)) {
            out.push_str(&format!(
                "; at that budget they need {hours} more hour{} of runs",
                if hours == 1 { "" } else { "s" }
            ));
            if self.quota.is_some_and(|q| q < GITHUB_WITH_TOKEN) {
                let with_token = self.hours_needed(GITHUB_WITH_TOKEN).unwrap_or(1);
                out.push_str(&format!(
                    " (with GITHUB_TOKEN, {GITHUB_WITH_TOKEN} an hour: {with_token} hour{})",
                    if with_token == 1 { "" } else { "s" }
                ));
            }
        }
        out.push_str("; their last good answers stand in where the store has them, and the next run after the reset asks again");
        Some(out)
    }
}
