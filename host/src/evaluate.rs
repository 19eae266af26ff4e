//! From facts to verdicts: what a distro ships, against what upstream released and supports.
//!
//! Pure functions of their inputs (today's date included), so every rule is unit-tested. The
//! statuses and their precedence are those of DESIGN.md: `eol` > `eol-soon` > `behind` >
//! `superseded` > `current`; `ahead`, `missing`, `unknown` and `error` stand alone.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::day::Day;
use crate::model::{Release, ReleaseLine, UpstreamData};
use crate::versions::{self, Scheme};

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
    /// The default severity of each status (the policy issue makes this configurable).
    pub fn of(status: Status) -> Self {
        match status {
            Status::Current => Severity::Ok,
            Status::Superseded | Status::Ahead => Severity::Info,
            Status::Behind
            | Status::EolSoon
            | Status::Missing
            | Status::Unknown
            | Status::Error => Severity::Warning,
            Status::Eol => Severity::Critical,
        }
    }

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
    /// The version as the distro writes it.
    pub shipped: Option<String>,
    /// Its upstream part (epoch and package release removed).
    pub shipped_upstream: Option<String>,
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
    /// Newer releases in the shipped line.
    pub releases_behind: Option<u32>,
    /// Newer release lines.
    pub lines_behind: Option<u32>,
    /// Age in days of the oldest release of the line the distro lacks.
    pub days_behind: Option<i64>,
    /// Days until the line's end of life (negative once passed).
    pub support_days_left: Option<i64>,
    /// One line a human can act on.
    pub explanation: String,
}

/// What one verdict is computed from.
#[derive(Debug, Clone)]
pub struct Facts<'a> {
    /// Watch name.
    pub watch: &'a str,
    /// Tracker name.
    pub tracker: &'a str,
    /// Distro name.
    pub distro: &'a str,
    /// Package name.
    pub package: &'a str,
    /// How versions are ordered.
    pub scheme: Scheme,
    /// Whether pre-releases count as newer.
    pub prereleases: bool,
    /// Today.
    pub today: Day,
}

impl Facts<'_> {
    fn verdict(&self, status: Status, explanation: String) -> Verdict {
        Verdict {
            watch: self.watch.to_owned(),
            distro: self.distro.to_owned(),
            package: self.package.to_owned(),
            tracker: self.tracker.to_owned(),
            shipped: None,
            shipped_upstream: None,
            line: None,
            lts: None,
            status,
            severity: Severity::of(status),
            latest_in_line: None,
            latest: None,
            eol: None,
            releases_behind: None,
            lines_behind: None,
            days_behind: None,
            support_days_left: None,
            explanation,
        }
    }

    /// The verdict for a package the distro does not have.
    pub fn missing(&self) -> Verdict {
        self.verdict(
            Status::Missing,
            format!("package `{}` is not in `{}`", self.package, self.distro),
        )
    }

    /// The verdict when the tracker failed.
    pub fn error(&self, shipped: Option<&str>, message: &str) -> Verdict {
        let mut v = self.verdict(
            Status::Error,
            format!("tracker `{}` failed: {message}", self.tracker),
        );
        v.shipped = shipped.map(str::to_owned);
        v.shipped_upstream = shipped.map(|s| versions::upstream_part(s).to_owned());
        v
    }
}

/// A line as evaluation sees it: what the tracker said about it, and its releases.
struct LineFacts<'a> {
    info: Option<&'a ReleaseLine>,
    versions: Vec<(&'a str, Option<Day>)>,
}

/// Evaluates one shipped version against the upstream data.
pub fn evaluate(facts: &Facts<'_>, upstream: &UpstreamData, shipped: &str) -> Verdict {
    let scheme = facts.scheme;
    let shipped_up = versions::upstream_part(shipped);
    let cmp = |a: &str, b: &str| scheme.compare(a, b);
    let counts =
        |r: &Release| facts.prereleases || !(r.prerelease || scheme.is_prerelease(&r.version));

    let line_names: Vec<&str> = upstream.lines.iter().map(|l| l.name.as_str()).collect();
    let line_of = |version: &str| -> String {
        line_names
            .iter()
            .filter(|name| versions::in_line(version, name))
            .max_by_key(|name| name.len())
            .map_or_else(
                || versions::major_minor(version).to_owned(),
                |n| (*n).to_owned(),
            )
    };

    let mut lines: BTreeMap<String, LineFacts<'_>> = BTreeMap::new();
    for info in &upstream.lines {
        let entry = lines.entry(info.name.clone()).or_insert(LineFacts {
            info: None,
            versions: Vec::new(),
        });
        entry.info = Some(info);
        if let Some(latest) = &info.latest
            && (facts.prereleases || !scheme.is_prerelease(latest))
        {
            entry.versions.push((latest.as_str(), info.latest_date));
        }
    }
    for release in upstream.releases.iter().filter(|r| counts(r)) {
        let name = release
            .line
            .clone()
            .unwrap_or_else(|| line_of(&release.version));
        let entry = lines.entry(name).or_insert(LineFacts {
            info: None,
            versions: Vec::new(),
        });
        match entry
            .versions
            .iter_mut()
            .find(|(v, _)| cmp(v, &release.version).is_eq())
        {
            Some(existing) => existing.1 = existing.1.or(release.date),
            None => entry
                .versions
                .push((release.version.as_str(), release.date)),
        }
    }

    let mut verdict = facts.verdict(Status::Unknown, String::new());
    verdict.shipped = Some(shipped.to_owned());
    verdict.shipped_upstream = Some(shipped_up.to_owned());

    let latest = lines
        .values()
        .flat_map(|l| l.versions.iter().map(|(v, _)| *v))
        .max_by(|a, b| cmp(a, b));
    verdict.latest = latest.map(str::to_owned);
    let Some(latest) = latest else {
        verdict.explanation = format!(
            "ships {shipped_up}; tracker `{}` returned no releases to compare with",
            facts.tracker
        );
        return verdict;
    };

    let line_name = line_of(shipped_up);
    verdict.line = Some(line_name.clone());
    if cmp(shipped_up, latest) == Ordering::Greater {
        verdict.status = Status::Ahead;
        verdict.severity = Severity::of(Status::Ahead);
        verdict.explanation = format!(
            "ships {shipped_up}, newer than anything upstream released (newest {latest}); a snapshot, a pre-release or a wrong version"
        );
        return verdict;
    }

    let Some(line) = lines.get(&line_name) else {
        let listed: Vec<&str> = lines.keys().map(String::as_str).collect();
        verdict.explanation = format!(
            "ships {shipped_up}; its line {line_name} is not among the lines upstream lists ({}); it may no longer be maintained",
            listed.join(", ")
        );
        return verdict;
    };

    let info = line.info;
    verdict.lts = info.map(|i| i.lts);
    let latest_in_line = line
        .versions
        .iter()
        .map(|(v, _)| *v)
        .max_by(|a, b| cmp(a, b));
    verdict.latest_in_line = latest_in_line.map(str::to_owned);
    let newer_in_line: Vec<&(&str, Option<Day>)> = line
        .versions
        .iter()
        .filter(|(v, _)| cmp(v, shipped_up) == Ordering::Greater)
        .collect();
    let newer_lines: Vec<(&String, &LineFacts<'_>)> = lines
        .iter()
        .filter(|(name, l)| cmp(name, &line_name) == Ordering::Greater && !l.versions.is_empty())
        .collect();
    verdict.releases_behind = Some(newer_in_line.len() as u32);
    verdict.lines_behind = Some(newer_lines.len() as u32);
    verdict.days_behind = newer_in_line
        .iter()
        .filter_map(|(_, d)| *d)
        .min()
        .map(|oldest| oldest.days_until(facts.today).max(0));

    if newer_in_line.is_empty()
        && latest_in_line.is_some_and(|l| cmp(shipped_up, l) == Ordering::Greater)
    {
        verdict.status = Status::Ahead;
        verdict.severity = Severity::of(Status::Ahead);
        verdict.explanation = format!(
            "ships {shipped_up}, newer than the newest release of line {line_name} ({}); a snapshot, a pre-release or a wrong version",
            latest_in_line.unwrap_or_default()
        );
        return verdict;
    }

    let eol_day = info.and_then(|i| i.end_of_life);
    verdict.eol = eol_day;
    verdict.support_days_left = eol_day.map(|d| facts.today.days_until(d));
    let eol_reached = info.is_some_and(|i| i.is_eol) || eol_day.is_some_and(|d| d <= facts.today);
    let warning_days = warning_window(info);
    let eol_soon =
        !eol_reached && eol_day.is_some_and(|d| facts.today.days_until(d) <= warning_days);

    verdict.status = if eol_reached {
        Status::Eol
    } else if eol_soon {
        Status::EolSoon
    } else if !newer_in_line.is_empty() {
        Status::Behind
    } else if !newer_lines.is_empty() {
        Status::Superseded
    } else {
        Status::Current
    };
    verdict.severity = Severity::of(verdict.status);

    // The explanation: what ships, its line and support, then what is newer.
    let mut line_part = format!("line {line_name}");
    if info.is_some_and(|i| i.lts) {
        line_part.push_str(", LTS");
    }
    match (eol_day, eol_reached) {
        (Some(d), true) => {
            let ago = d.days_until(facts.today);
            line_part.push_str(&format!(
                ", end of life {d}, {} {} ago",
                thousands(ago),
                days(ago)
            ));
        }
        (None, true) => line_part.push_str(", end of life"),
        (Some(d), false) => {
            let left = facts.today.days_until(d);
            line_part.push_str(&format!(
                ", end of life {d}, in {} {}",
                thousands(left),
                days(left)
            ));
        }
        (None, false) => {}
    }
    let mut text = format!("ships {shipped_up} ({line_part})");
    if let Some(newest) = newer_in_line
        .iter()
        .map(|(v, _)| *v)
        .max_by(|a, b| cmp(a, b))
    {
        let n = newer_in_line.len();
        text.push_str(&format!(
            "; {n} newer release{} in the line, newest {newest}",
            plural(n)
        ));
        if let Some(d) = verdict.days_behind {
            text.push_str(&format!(", first one {} {} ago", thousands(d), days(d)));
        }
    } else if verdict.status != Status::Eol {
        text.push_str("; newest release of its line");
    }
    if !newer_lines.is_empty() {
        let n = newer_lines.len();
        text.push_str(&format!("; {n} newer line{}", plural(n)));
    }
    if matches!(
        verdict.status,
        Status::Eol | Status::EolSoon | Status::Superseded
    ) {
        let newest_lts = newer_lines
            .iter()
            .filter(|(_, l)| {
                l.info.is_some_and(|i| {
                    i.lts && !i.is_eol && i.end_of_life.is_none_or(|d| d > facts.today)
                })
            })
            .filter_map(|(_, l)| l.versions.iter().map(|(v, _)| *v).max_by(|a, b| cmp(a, b)))
            .max_by(|a, b| cmp(a, b));
        if let Some(lts) = newest_lts {
            text.push_str(&format!("; newest LTS {lts}"));
        } else if let Some(latest) = verdict.latest.as_deref()
            && cmp(latest, shipped_up) == Ordering::Greater
        {
            text.push_str(&format!("; newest release {latest}"));
        }
    }
    verdict.explanation = text;
    verdict
}

/// Days before end of life that count as "soon": a third of the line's life, at most 120.
fn warning_window(info: Option<&ReleaseLine>) -> i64 {
    const CAP: i64 = 120;
    match info.and_then(|i| Some((i.release_date?, i.end_of_life?))) {
        Some((start, end)) => (start.days_until(end) / 3).clamp(1, CAP),
        None => CAP,
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn days(n: i64) -> &'static str {
    if n.abs() == 1 { "day" } else { "days" }
}

/// `1198` → `1,198`.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests;
