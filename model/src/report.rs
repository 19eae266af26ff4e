//! The report of one run: the JSON document (`rollcall.report/v1`, schema in
//! `docs/report.schema.json`) and the human table. Renderers only read verdicts.
//!
//! Compatibility: fields are added, never renamed or removed, within `v1`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::verdict::{Severity, Status, Verdict};

/// The schema identifier of the JSON report.
pub const SCHEMA: &str = "rollcall.report/v1";

/// What kind of failure kept a watch (or a part of it) from being evaluated: a stable
/// kebab-case word in reports and in the store.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FailureKind {
    /// The poll ran out of time.
    Timeout,
    /// The tracker used more memory than it may.
    MemoryLimit,
    /// The tracker panicked.
    Panic,
    /// The tracker trapped (fuel, a bad instruction).
    Trap,
    /// The tracker's answer was larger than allowed.
    OutputTooLarge,
    /// The tracker's answer broke the contract.
    BadOutput,
    /// The upstream could not be reached.
    Network,
    /// The upstream answered with an error status.
    UpstreamStatus,
    /// The upstream is rate-limiting.
    RateLimited,
    /// The upstream's answer could not be read.
    Parse,
    /// The watch's settings are wrong.
    Config,
    /// The sandbox refused a request.
    Denied,
    /// The tracker failed for a reason of its own.
    #[default]
    Plugin,
    /// rollcall itself could not run the poll (the tracker did not load, the poll did not end).
    Host,
    /// The distro source could not be read.
    Distro,
}

impl FailureKind {
    /// The word in reports and in the store.
    pub fn as_str(self) -> &'static str {
        match self {
            FailureKind::Timeout => "timeout",
            FailureKind::MemoryLimit => "memory-limit",
            FailureKind::Panic => "panic",
            FailureKind::Trap => "trap",
            FailureKind::OutputTooLarge => "output-too-large",
            FailureKind::BadOutput => "bad-output",
            FailureKind::Network => "network",
            FailureKind::UpstreamStatus => "upstream-status",
            FailureKind::RateLimited => "rate-limited",
            FailureKind::Parse => "parse",
            FailureKind::Config => "config",
            FailureKind::Denied => "denied",
            FailureKind::Plugin => "plugin",
            FailureKind::Host => "host",
            FailureKind::Distro => "distro",
        }
    }
}

impl std::fmt::Display for FailureKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for FailureKind {
    fn eq(&self, word: &&str) -> bool {
        self.as_str() == *word
    }
}

/// A failure that kept a watch (or a part of it) from being evaluated.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunError {
    /// The watch concerned.
    pub watch: String,
    /// The tracker, when a tracker failed.
    pub tracker: Option<String>,
    /// What kind of failure.
    pub kind: FailureKind,
    /// What went wrong, with the fix when known.
    pub message: String,
    /// When the failing source last answered, if its answer was used instead (RFC 3339): the
    /// verdicts have data, only older. Absent when nothing stood in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stale_from: Option<String>,
}

/// Counts of verdicts, for dashboards and cron mail subjects.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Verdicts per status.
    pub statuses: BTreeMap<Status, u32>,
    /// Verdicts per severity.
    pub severities: BTreeMap<Severity, u32>,
    /// Watches evaluated.
    pub watches: u32,
    /// Watches left without data somewhere: a verdict of theirs is `error` (their tracker or a
    /// distro failed with nothing earlier to use), or their tracker failed with no stored answer.
    pub failed_watches: u32,
    /// Watches judged on an earlier answer because a source failed this time.
    #[serde(default)]
    pub stale_watches: u32,
    /// Verdicts without data (status `error`).
    #[serde(default)]
    pub verdicts_without_data: u32,
    /// The distro-wide figures, per distro.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub distros: BTreeMap<String, DistroSummary>,
}

/// One distro as a whole: the figure a release engineer quotes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DistroSummary {
    /// Packages in its index (source packages for a `Sources` index), when it was read.
    pub packages: Option<u32>,
    /// Distinct packages with a verdict.
    pub watched: u32,
    /// Verdicts per status.
    pub statuses: BTreeMap<Status, u32>,
    /// Share of verdicts with data that are `behind` (0–1).
    pub behind_share: f64,
    /// Share of verdicts with data whose line has ended or ends soon (0–1).
    pub eol_share: f64,
    /// Median of `days_behind` over the verdicts that are behind.
    pub median_days_behind: Option<i64>,
    /// 90th percentile of the same.
    pub p90_days_behind: Option<i64>,
    /// Distinct (watch, line) pairs shipped past their end of life.
    pub lines_past_eol: u32,
}

impl Eq for DistroSummary {}

/// The distro-wide figures of `verdicts`; `sizes` gives each distro's package count when its
/// index was read (a distro there with no verdict gets its count and zeros).
pub fn distro_figures<'a>(
    verdicts: impl IntoIterator<Item = &'a Verdict>,
    sizes: &BTreeMap<String, Option<u32>>,
) -> BTreeMap<String, DistroSummary> {
    let mut out: BTreeMap<String, DistroSummary> = sizes
        .iter()
        .map(|(name, n)| {
            (
                name.clone(),
                DistroSummary {
                    packages: *n,
                    ..DistroSummary::default()
                },
            )
        })
        .collect();
    let mut days: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    let mut packages: BTreeMap<&str, std::collections::BTreeSet<&str>> = BTreeMap::new();
    let mut ended: BTreeMap<&str, std::collections::BTreeSet<(&str, Option<&str>)>> =
        BTreeMap::new();
    let mut with_data: BTreeMap<&str, (u32, u32, u32)> = BTreeMap::new();
    for v in verdicts {
        let d = out.entry(v.distro.clone()).or_default();
        *d.statuses.entry(v.status).or_default() += 1;
        packages.entry(&v.distro).or_default().insert(&v.package);
        if matches!(v.status, Status::Error | Status::Missing | Status::Unknown) {
            continue;
        }
        let counts = with_data.entry(&v.distro).or_default();
        counts.0 += 1;
        if v.status == Status::Behind {
            counts.1 += 1;
            if let Some(n) = v.days_behind {
                days.entry(&v.distro).or_default().push(n);
            }
        }
        if matches!(v.status, Status::Eol | Status::EolSoon) {
            counts.2 += 1;
        }
        if v.status == Status::Eol {
            ended
                .entry(&v.distro)
                .or_default()
                .insert((&v.watch, v.line.as_deref()));
        }
    }
    for (name, d) in &mut out {
        d.watched = packages.get(name.as_str()).map_or(0, |p| p.len() as u32);
        if let Some(&(all, behind, eol)) = with_data.get(name.as_str())
            && all > 0
        {
            d.behind_share = f64::from(behind) / f64::from(all);
            d.eol_share = f64::from(eol) / f64::from(all);
        }
        if let Some(values) = days.get_mut(name.as_str()) {
            values.sort_unstable();
            d.median_days_behind = quantile(values, 0.5);
            d.p90_days_behind = quantile(values, 0.9);
        }
        d.lines_past_eol = ended.get(name.as_str()).map_or(0, |e| e.len() as u32);
    }
    out
}

/// The `q`-quantile (0–1) of sorted values, nearest rank.
fn quantile(sorted: &[i64], q: f64) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(sorted[rank - 1])
}

/// One run's report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// When the run finished, RFC 3339 UTC.
    pub generated_at: String,
    /// The config the run used (a path, or `<embedded default config>`).
    pub config: String,
    /// One per (watch, distro, package).
    pub verdicts: Vec<Verdict>,
    /// Failures, one per failed watch.
    pub errors: Vec<RunError>,
    /// Counts.
    pub summary: Summary,
    /// Hosts whose rate limit was spent before every poll was answered: what the run could not
    /// do, and when it can (absent when every host answered).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rate_limited: Vec<crate::data::HostBudget>,
}

impl Report {
    /// A report of these verdicts and errors, stamped now.
    pub fn new(
        config: String,
        verdicts: Vec<Verdict>,
        errors: Vec<RunError>,
        watches: u32,
    ) -> Self {
        let without_data: Vec<&Verdict> = verdicts
            .iter()
            .filter(|v| v.status == Status::Error)
            .collect();
        let failed: std::collections::BTreeSet<&str> = errors
            .iter()
            .filter(|e| e.tracker.is_some() && e.stale_from.is_none())
            .map(|e| e.watch.as_str())
            .chain(without_data.iter().map(|v| v.watch.as_str()))
            .collect();
        let stale: std::collections::BTreeSet<&str> = errors
            .iter()
            .filter(|e| e.stale_from.is_some())
            .map(|e| e.watch.as_str())
            .collect();
        let mut summary = Summary {
            watches,
            failed_watches: failed.len() as u32,
            stale_watches: stale.len() as u32,
            verdicts_without_data: without_data.len() as u32,
            ..Summary::default()
        };
        for v in &verdicts {
            *summary.statuses.entry(v.status).or_default() += 1;
            *summary.severities.entry(v.severity).or_default() += 1;
        }
        let generated_at = time::OffsetDateTime::now_utc()
            .replace_nanosecond(0)
            .unwrap_or_else(|_| time::OffsetDateTime::now_utc())
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        Self {
            schema: SCHEMA.to_owned(),
            generated_at,
            config,
            verdicts,
            errors,
            summary,
            rate_limited: Vec::new(),
        }
    }

    /// Fills the distro-wide figures; `sizes` gives each distro's package count when its index
    /// was read.
    pub fn summarise_distros(&mut self, sizes: &BTreeMap<String, Option<u32>>) {
        self.summary.distros = distro_figures(&self.verdicts, sizes);
    }

    /// One line per distro: packages, watched, share behind and past end of life, days behind.
    pub fn distro_lines(&self) -> Vec<String> {
        self.summary
            .distros
            .iter()
            .map(|(name, d)| {
                let packages = d
                    .packages
                    .map_or_else(|| "? packages".to_owned(), |n| format!("{n} packages"));
                let days = match (d.median_days_behind, d.p90_days_behind) {
                    (Some(m), Some(p)) => format!(", days behind median {m} / p90 {p}"),
                    _ => String::new(),
                };
                format!(
                    "{name}: {packages}, {} watched; {:.0}% behind, {:.0}% at or near end of life, {} line{} past end of life{days}",
                    d.watched,
                    d.behind_share * 100.0,
                    d.eol_share * 100.0,
                    d.lines_past_eol,
                    if d.lines_past_eol == 1 { "" } else { "s" },
                )
            })
            .collect()
    }

    /// One sentence per host whose spent rate limit left polls unanswered.
    pub fn rate_limit_lines(&self) -> Vec<String> {
        self.rate_limited.iter().filter_map(|h| h.plan()).collect()
    }

    /// The worst severity of any verdict.
    pub fn worst(&self) -> Option<Severity> {
        self.verdicts.iter().map(|v| v.severity).max()
    }

    /// The JSON document, pretty-printed, with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut out = serde_json::to_string_pretty(self).unwrap_or_else(|e| {
            format!("{{\"schema\": \"{SCHEMA}\", \"error\": \"cannot serialise the report: {e}\"}}")
        });
        out.push('\n');
        out
    }

    /// The human table: one row per verdict, the explanation last.
    pub fn to_table(&self) -> String {
        const HEAD: [&str; 8] = [
            "WATCH",
            "DISTRO",
            "PACKAGE",
            "SHIPPED",
            "LINE",
            "LATEST",
            "STATUS",
            "EXPLANATION",
        ];
        let dash = |s: &Option<String>| s.clone().unwrap_or_else(|| "-".to_owned());
        let rows: Vec<[String; 8]> = self
            .verdicts
            .iter()
            .map(|v| {
                [
                    v.watch.clone(),
                    v.distro.clone(),
                    v.package.clone(),
                    dash(&v.shipped_upstream),
                    dash(&v.line),
                    dash(&v.latest),
                    v.status.as_str().to_owned(),
                    v.explanation.clone(),
                ]
            })
            .collect();
        let mut widths = HEAD.map(str::len);
        for row in &rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let mut out = String::new();
        let mut line = |cells: &[String]| {
            let last = cells.len() - 1;
            for (i, cell) in cells.iter().enumerate() {
                if i == last {
                    out.push_str(cell);
                } else {
                    let pad = widths[i] - cell.chars().count();
                    let _ = write!(out, "{cell}{}  ", " ".repeat(pad));
                }
            }
            out.push('\n');
        };
        line(&HEAD.map(str::to_owned));
        for row in &rows {
            line(row);
        }
        out
    }

    /// One line for stderr: counts per status and failures.
    pub fn summary_line(&self) -> String {
        let parts: Vec<String> = self
            .summary
            .statuses
            .iter()
            .map(|(status, n)| format!("{n} {}", status.as_str()))
            .collect();
        let mut line = format!(
            "{} verdict{} from {} watch{}",
            self.verdicts.len(),
            if self.verdicts.len() == 1 { "" } else { "s" },
            self.summary.watches,
            if self.summary.watches == 1 { "" } else { "es" },
        );
        if !parts.is_empty() {
            let _ = write!(line, ": {}", parts.join(", "));
        }
        if self.summary.failed_watches > 0 {
            let n = self.summary.failed_watches;
            let _ = write!(
                line,
                "; {n} watch{} without data",
                if n == 1 { "" } else { "es" }
            );
        }
        if self.summary.stale_watches > 0 {
            let n = self.summary.stale_watches;
            let _ = write!(
                line,
                "; {n} watch{} on earlier data",
                if n == 1 { "" } else { "es" }
            );
        }
        line
    }

    /// The failures, one line each however many watches share one (a distro that cannot be
    /// read fails every watch it feeds): `error:` when something has no data, `warning:` when
    /// an earlier answer stood in.
    pub fn failure_lines(&self) -> Vec<String> {
        let mut grouped: BTreeMap<(bool, Option<&str>, &str), Vec<&str>> = BTreeMap::new();
        for e in &self.errors {
            let watches = grouped
                .entry((
                    e.stale_from.is_some(),
                    e.tracker.as_deref(),
                    e.message.as_str(),
                ))
                .or_default();
            if !watches.contains(&e.watch.as_str()) {
                watches.push(&e.watch);
            }
        }
        grouped
            .into_iter()
            .map(|((stale, _, message), watches)| {
                let level = if stale { "warning" } else { "error" };
                let whose = match watches.as_slice() {
                    [one] => format!("watch `{one}`"),
                    many if many.len() <= 3 => format!(
                        "watches {}",
                        many.iter()
                            .map(|w| format!("`{w}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    many => format!("{} watches (`{}`, …)", many.len(), many[0]),
                };
                format!("{level}: {whose}: {message}")
            })
            .collect()
    }
}

/// Fixtures for tests of code that reads verdicts (the engine's store tests use them too).
#[doc(hidden)]
pub mod testing {
    use crate::verdict::{Severity, Status, Verdict};

    /// A verdict with only what the figures read (the store's tests use it too).
    pub fn verdict(
        watch: &str,
        distro: &str,
        status: Status,
        days: Option<i64>,
        line: &str,
    ) -> Verdict {
        Verdict {
            watch: watch.into(),
            distro: distro.into(),
            package: watch.into(),
            tracker: "t".into(),
            scheme: rollcall_versions::Scheme::Generic,
            shipped: None,
            shipped_upstream: None,
            distro_markers: Vec::new(),
            snapshot: false,
            prerelease: false,
            line: Some(line.into()),
            lts: None,
            status,
            severity: Severity::Ok,
            latest_in_line: None,
            latest: None,
            eol: None,
            eol_source: None,
            releases_behind: None,
            lines_behind: None,
            days_behind: days,
            support_days_left: None,
            eol_warning_days: None,
            findings: Vec::new(),
            explanation: String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::verdict;
    use super::*;

    /// Shares count only verdicts with data; the quantiles are nearest-rank over the verdicts
    /// that are behind; a line past its end counts once however many packages ship it.
    #[test]
    fn distro_figures_are_computed_from_the_verdicts() {
        let mut verdicts: Vec<Verdict> = (1..=10)
            .map(|d| verdict(&format!("w{d}"), "deb", Status::Behind, Some(d * 10), "1.0"))
            .collect();
        verdicts.push(verdict("old", "deb", Status::Eol, None, "2.4"));
        verdicts.push(verdict("old-too", "deb", Status::Eol, None, "2.4"));
        verdicts.push(verdict("gone", "deb", Status::Error, None, "1"));
        verdicts.push(verdict("ok", "deb", Status::Current, None, "3"));
        verdicts.push(verdict("ok", "tw", Status::Current, None, "3"));
        let mut report = Report::new("t".into(), verdicts, Vec::new(), 14);
        report.summarise_distros(&BTreeMap::from([
            ("deb".to_owned(), Some(34_289)),
            ("tw".to_owned(), None),
            ("unused".to_owned(), Some(5)),
        ]));
        let deb = &report.summary.distros["deb"];
        assert_eq!(deb.packages, Some(34_289));
        assert_eq!(deb.watched, 14);
        assert_eq!(deb.statuses[&Status::Behind], 10);
        // 13 verdicts with data (the error has none): 10 behind, 2 at end of life.
        assert!((deb.behind_share - 10.0 / 13.0).abs() < 1e-9);
        assert!((deb.eol_share - 2.0 / 13.0).abs() < 1e-9);
        assert_eq!(deb.median_days_behind, Some(50));
        assert_eq!(deb.p90_days_behind, Some(90));
        assert_eq!(deb.lines_past_eol, 2, "two watches ship line 2.4");
        let tw = &report.summary.distros["tw"];
        assert_eq!(
            (tw.packages, tw.watched, tw.median_days_behind),
            (None, 1, None)
        );
        assert_eq!(report.summary.distros["unused"].watched, 0);
        let lines = report.distro_lines();
        assert!(
            lines[0].starts_with("deb: 34289 packages, 14 watched; 77% behind, 15% at or near end of life, 2 lines past end of life, days behind median 50 / p90 90"),
            "{lines:?}"
        );
    }
}
