//! From facts to verdicts: what a distro ships, against what upstream released and supports.
//!
//! Pure functions of their inputs (today's date included), so every rule is unit-tested. The
//! statuses and their precedence are those of DESIGN.md: `eol` > `eol-soon` > `behind` >
//! `superseded` > `current`; `ahead`, `missing`, `unknown` and `error` stand alone. Every
//! evaluation also returns a [`Trace`]: which upstream versions were kept or dropped and why, the
//! line chosen and the thresholds applied (`rollcall explain` prints it).

use std::cmp::Ordering;
use std::collections::BTreeMap;

use crate::day::Day;
use crate::model::{DateSource, ReleaseLine, UpstreamData};
use crate::policy::Policy;
use crate::versions::{self, Family, LineRule, Scheme, Version};
pub use rollcall_model::verdict::{Candidate, Finding, Severity, Status, Trace, Verdict};

/// What one verdict is computed from, besides the upstream data and the shipped version.
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
    /// How the distro writes versions.
    pub family: Family,
    /// Whether pre-releases count as newer.
    pub prereleases: bool,
    /// How versions are placed in lines when the tracker does not say.
    pub line_rule: &'a LineRule,
    /// Thresholds and severities.
    pub policy: &'a Policy,
    /// Today.
    pub today: Day,
}

/// A verdict and how it was reached.
#[derive(Debug, Clone)]
pub struct Evaluation {
    /// The verdict.
    pub verdict: Verdict,
    /// The reasoning.
    pub trace: Trace,
}

impl Facts<'_> {
    fn verdict(&self, status: Status, explanation: String) -> Verdict {
        Verdict {
            watch: self.watch.to_owned(),
            distro: self.distro.to_owned(),
            package: self.package.to_owned(),
            tracker: self.tracker.to_owned(),
            scheme: self.scheme,
            shipped: None,
            shipped_upstream: None,
            distro_markers: Vec::new(),
            snapshot: false,
            prerelease: false,
            line: None,
            lts: None,
            status,
            severity: self.policy.severity(status, 0, None),
            latest_in_line: None,
            latest: None,
            eol: None,
            eol_source: None,
            releases_behind: None,
            lines_behind: None,
            days_behind: None,
            support_days_left: None,
            eol_warning_days: None,
            findings: Vec::new(),
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

    /// The verdict when the distro's package list could not be read.
    pub fn distro_error(&self, message: &str) -> Verdict {
        self.verdict(Status::Error, message.to_owned())
    }

    /// The verdict when the tracker failed.
    pub fn error(&self, shipped: Option<&str>, message: &str) -> Verdict {
        let mut v = self.verdict(
            Status::Error,
            format!("tracker `{}` failed: {message}", self.tracker),
        );
        if let Some(shipped) = shipped {
            let reduced = versions::reduce(shipped, self.family);
            v.shipped = Some(shipped.to_owned());
            v.shipped_upstream = Some(reduced.upstream);
        }
        v
    }
}

/// A line as evaluation sees it: what the tracker said about it, and its kept versions.
struct LineFacts<'a> {
    info: Option<&'a ReleaseLine>,
    versions: Vec<(Version, Option<Day>)>,
}

impl LineFacts<'_> {
    fn newest(&self) -> Option<&Version> {
        self.versions.iter().map(|(v, _)| v).max()
    }
}

/// Evaluates one shipped version against the upstream data.
pub fn evaluate(facts: &Facts<'_>, upstream: &UpstreamData, shipped: &str) -> Evaluation {
    let scheme = facts.scheme;
    let mut trace = Trace::default();
    let reduced = versions::reduce(shipped, facts.family);
    let mut verdict = facts.verdict(Status::Unknown, String::new());
    verdict.shipped = Some(shipped.to_owned());
    verdict.shipped_upstream = Some(reduced.upstream.clone());
    verdict.distro_markers = reduced.stripped.clone();
    verdict.snapshot = reduced.snapshot;
    verdict.prerelease = reduced.prerelease || scheme.is_prerelease(&reduced.upstream);
    trace.steps.push(format!(
        "`{shipped}` read as {} version: upstream `{}`{}{}{}",
        match facts.family {
            Family::Rpm => "an RPM",
            Family::Deb => "a Debian",
        },
        reduced.upstream,
        reduced
            .epoch
            .as_ref()
            .map(|e| format!(", epoch {e}"))
            .unwrap_or_default(),
        reduced
            .release
            .as_ref()
            .map(|r| format!(", release `{r}`"))
            .unwrap_or_default(),
        if reduced.stripped.is_empty() {
            String::new()
        } else {
            format!(
                ", removed {}",
                reduced
                    .stripped
                    .iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        },
    ));
    let shipped_up = match scheme.parse(&reduced.upstream) {
        Ok(v) => v,
        Err(e) => {
            verdict.explanation = format!("ships {shipped}, which cannot be compared: {e}");
            trace.steps.push(verdict.explanation.clone());
            return Evaluation { verdict, trace };
        }
    };

    // Which line a version belongs to: the tracker's word, else its longest line name that the
    // version starts with, else the watch's rule.
    let tracker_lines: Vec<&str> = upstream.lines.iter().map(|l| l.name.as_str()).collect();
    let line_of = |version: &str| -> Option<String> {
        tracker_lines
            .iter()
            .filter(|name| versions::in_line(version, name))
            .max_by_key(|name| name.len())
            .map(|n| (*n).to_owned())
            .or_else(|| facts.line_rule.line_of(version))
    };

    let mut lines: BTreeMap<String, LineFacts<'_>> = BTreeMap::new();
    for info in &upstream.lines {
        lines
            .entry(info.name.clone())
            .or_insert(LineFacts {
                info: None,
                versions: Vec::new(),
            })
            .info = Some(info);
    }
    let candidates = upstream
        .lines
        .iter()
        .filter_map(|l| {
            Some((
                l.latest.as_deref()?,
                l.latest_date,
                Some(l.name.clone()),
                false,
            ))
        })
        .chain(
            upstream
                .releases
                .iter()
                .map(|r| (r.version.as_str(), r.date, r.line.clone(), r.prerelease)),
        );
    for (raw, why) in &upstream.dropped {
        trace.candidates.push(Candidate {
            version: raw.clone(),
            line: None,
            date: None,
            decision: why.clone(),
        });
    }
    trace.steps.extend(upstream.notes.iter().cloned());
    for (raw, date, line, flagged_pre) in candidates {
        let line = line.or_else(|| line_of(raw));
        let decision = match scheme.parse(raw) {
            Err(e) => format!("dropped: not a valid {scheme} version ({})", e.reason),
            Ok(_) if (flagged_pre || scheme.is_prerelease(raw)) && !facts.prereleases => {
                "dropped: pre-release (set `prereleases = true` on the watch to count them)"
                    .to_owned()
            }
            Ok(parsed) => match &line {
                None => format!(
                    "dropped: the line rule ({}) gives it no line",
                    facts.line_rule
                ),
                Some(name) => {
                    let entry = lines.entry(name.clone()).or_insert(LineFacts {
                        info: None,
                        versions: Vec::new(),
                    });
                    match entry.versions.iter_mut().find(|(v, _)| *v == parsed) {
                        Some(existing) => {
                            existing.1 = existing.1.or(date);
                            // The same text from a line's `latest` and from the releases is
                            // one candidate: merge it into the first mention.
                            if let Some(first) =
                                trace.candidates.iter_mut().find(|c| c.version == raw)
                            {
                                first.date = first.date.or(date);
                                continue;
                            }
                            format!("kept (the same version as `{}`)", existing.0.as_str())
                        }
                        None => {
                            entry.versions.push((parsed, date));
                            "kept".to_owned()
                        }
                    }
                }
            },
        };
        if let Some(same) = trace
            .candidates
            .iter_mut()
            .find(|c| c.version == raw && c.decision == decision)
        {
            same.date = same.date.or(date);
            continue;
        }
        trace.candidates.push(Candidate {
            version: raw.to_owned(),
            line,
            date,
            decision,
        });
    }

    let latest = lines.values().filter_map(LineFacts::newest).max().cloned();
    verdict.latest = latest.as_ref().map(|v| v.as_str().to_owned());
    let Some(latest) = latest else {
        verdict.explanation = format!(
            "ships {}; tracker `{}` returned no releases to compare with",
            reduced.upstream, facts.tracker
        );
        trace.steps.push(verdict.explanation.clone());
        return Evaluation { verdict, trace };
    };

    let shipped_text = shipped_description(&reduced.upstream, &reduced);
    let Some(line_name) = line_of(&reduced.upstream) else {
        verdict.explanation = format!(
            "ships {shipped_text}; the line rule ({}) gives it no line",
            facts.line_rule
        );
        trace.steps.push(verdict.explanation.clone());
        return Evaluation { verdict, trace };
    };
    verdict.line = Some(line_name.clone());
    trace
        .steps
        .push(format!("shipped version is in line {line_name}"));

    // The shipped line comes first: its end of life outranks where the shipped version sits
    // in it (a patched `3.6.15.1` or a snapshot past 3.6.15 on the ended 3.6 line is `eol`).
    let ahead_of_all = shipped_up > latest;
    let Some(line) = lines.get(&line_name) else {
        if ahead_of_all {
            set_status(&mut verdict, facts, Status::Ahead, 0, None);
            verdict.explanation = ahead_of_everything(&shipped_text, &latest, &verdict);
            trace.steps.push(verdict.explanation.clone());
            return Evaluation { verdict, trace };
        }
        let listed: Vec<&str> = lines.keys().map(String::as_str).collect();
        verdict.explanation = format!(
            "ships {shipped_text}; its line {line_name} is not among the lines upstream lists ({}); it may no longer be maintained",
            listed.join(", ")
        );
        trace.steps.push(verdict.explanation.clone());
        return Evaluation { verdict, trace };
    };

    let info = line.info;
    verdict.lts = info.map(|i| i.lts);
    let latest_in_line = line.newest();
    verdict.latest_in_line = latest_in_line.map(|v| v.as_str().to_owned());
    let mut newer_in_line: Vec<&(Version, Option<Day>)> = line
        .versions
        .iter()
        .filter(|(v, _)| *v > shipped_up)
        .collect();
    newer_in_line.sort_by(|a, b| a.0.cmp(&b.0));
    let line_key = |name: &str, l: &LineFacts<'_>| -> Option<Version> {
        scheme.parse(name).ok().or_else(|| l.newest().cloned())
    };
    let this_key = line_key(&line_name, line);
    let newer_lines: Vec<(&String, &LineFacts<'_>)> = lines
        .iter()
        .filter(|(name, l)| {
            !l.versions.is_empty()
                && line_key(name, l)
                    .zip(this_key.as_ref())
                    .is_some_and(|(k, this)| k.cmp(this) == Ordering::Greater)
        })
        .collect();
    let releases_behind = newer_in_line.len() as u32;
    verdict.releases_behind = Some(releases_behind);
    verdict.lines_behind = Some(newer_lines.len() as u32);
    verdict.days_behind = newer_in_line
        .iter()
        .filter_map(|(_, d)| *d)
        .min()
        .map(|oldest| oldest.days_until(facts.today).max(0));

    let ahead_of_line = newer_in_line.is_empty() && latest_in_line.is_some_and(|l| shipped_up > *l);

    let eol_day = info.and_then(|i| i.end_of_life);
    verdict.eol = eol_day;
    verdict.eol_source = info.filter(|i| i.end_of_life.is_some()).map(|i| {
        match i.eol_source {
            DateSource::Announced => "announced",
            DateSource::Projected => "projected",
        }
        .to_owned()
    });
    verdict.support_days_left = eol_day.map(|d| facts.today.days_until(d));
    let lifetime = info.and_then(|i| Some(i.release_date?.days_until(i.end_of_life?)));
    let window = facts.policy.eol_window(lifetime);
    verdict.eol_warning_days = eol_day.map(|_| window);
    let eol_reached = info.is_some_and(|i| i.is_eol) || eol_day.is_some_and(|d| d <= facts.today);
    let eol_soon = !eol_reached && eol_day.is_some_and(|d| facts.today.days_until(d) <= window);

    let status = if eol_reached {
        Status::Eol
    } else if eol_soon {
        Status::EolSoon
    } else if ahead_of_line || ahead_of_all {
        Status::Ahead
    } else if !newer_in_line.is_empty() {
        Status::Behind
    } else if !newer_lines.is_empty() {
        Status::Superseded
    } else {
        Status::Current
    };
    let days_behind = verdict.days_behind;
    set_status(&mut verdict, facts, status, releases_behind, days_behind);
    if status == Status::Ahead {
        verdict.explanation = if ahead_of_all {
            ahead_of_everything(&shipped_text, &latest, &verdict)
        } else {
            format!(
                "ships {shipped_text}, newer than the newest release of line {line_name} ({}); a snapshot, a pre-release or a wrong version",
                latest_in_line.map(Version::as_str).unwrap_or_default()
            )
        };
        trace.steps.push(verdict.explanation.clone());
        return Evaluation { verdict, trace };
    }
    trace.steps.push(format!(
        "line {line_name}: {} release(s) kept, newest {}; end of life {}; warning window {window} days",
        line.versions.len(),
        verdict.latest_in_line.as_deref().unwrap_or("-"),
        eol_day.map_or_else(|| if eol_reached { "passed (no date)".to_owned() } else { "not announced".to_owned() }, |d| d.to_string()),
    ));
    trace.steps.push(format!(
        "policy: max-releases-behind {}, max-days-behind {}; status {} → severity {}",
        facts.policy.max_releases_behind,
        facts.policy.max_days_behind,
        status.as_str(),
        verdict.severity.as_str()
    ));

    verdict.explanation = explain(
        facts,
        info,
        &verdict,
        &shipped_text,
        &line_name,
        eol_reached,
        ahead_of_line,
        &newer_in_line,
        &newer_lines,
    );
    Evaluation { verdict, trace }
}

fn set_status(
    verdict: &mut Verdict,
    facts: &Facts<'_>,
    status: Status,
    behind: u32,
    days: Option<i64>,
) {
    verdict.status = status;
    verdict.severity = facts.policy.severity(status, behind, days);
}

/// The explanation of a version newer than every release upstream made.
fn ahead_of_everything(shipped_text: &str, latest: &Version, verdict: &Verdict) -> String {
    format!(
        "ships {shipped_text}, newer than anything upstream released (newest {}); {}",
        latest.as_str(),
        if verdict.prerelease || verdict.snapshot {
            "a pre-release or snapshot ahead of upstream's releases"
        } else {
            "a snapshot, a pre-release or a wrong version"
        }
    )
}

/// `6.4.0`, or `0.9.1 (a git snapshot after 0.9.1)`.
fn shipped_description(upstream: &str, reduced: &versions::Reduced) -> String {
    if reduced.snapshot {
        format!("{upstream} (a snapshot after {upstream})")
    } else {
        upstream.to_owned()
    }
}

/// The one-line explanation: what ships, its line and support, then what is newer.
#[expect(
    clippy::too_many_arguments,
    reason = "each argument is one fact the sentence states; a struct would only rename them"
)]
fn explain(
    facts: &Facts<'_>,
    line_info: Option<&ReleaseLine>,
    verdict: &Verdict,
    shipped_text: &str,
    line_name: &str,
    eol_reached: bool,
    ahead_of_line: bool,
    newer_in_line: &[&(Version, Option<Day>)],
    newer_lines: &[(&String, &LineFacts<'_>)],
) -> String {
    let mut line_part = format!("line {line_name}");
    if verdict.lts == Some(true) {
        line_part.push_str(", LTS");
    }
    let provenance = line_info.and_then(crate::upstream::provenance);
    let projected = match &provenance {
        Some(p) => format!(" ({p})"),
        None if verdict.eol_source.as_deref() == Some("projected") => " (projected)".to_owned(),
        None => String::new(),
    };
    match (verdict.eol, eol_reached) {
        (Some(d), true) => {
            let ago = d.days_until(facts.today);
            line_part.push_str(&format!(
                ", end of life {d}{projected}, {} {} ago",
                thousands(ago),
                days(ago)
            ));
        }
        (None, true) => line_part.push_str(", end of life"),
        (Some(d), false) => {
            let left = facts.today.days_until(d);
            line_part.push_str(&format!(
                ", end of life {d}{projected}, in {} {}",
                thousands(left),
                days(left)
            ));
        }
        (None, false) => {}
    }
    let mut text = format!("ships {shipped_text} ({line_part})");
    if let Some((newest, _)) = newer_in_line.last() {
        let n = newer_in_line.len();
        text.push_str(&format!(
            "; {n} newer release{} in the line, newest {}",
            plural(n),
            newest.as_str()
        ));
        if let Some(d) = verdict.days_behind {
            text.push_str(&format!(", first one {} {} ago", thousands(d), days(d)));
        }
        if verdict.status == Status::Behind && verdict.severity == Severity::Ok {
            text.push_str(&format!(
                " (within policy: up to {} releases and {} days)",
                facts.policy.max_releases_behind, facts.policy.max_days_behind
            ));
        }
    } else if ahead_of_line {
        text.push_str(&format!(
            "; newer than the newest release of its line ({}): a distro patch level, a snapshot or a pre-release",
            verdict.latest_in_line.as_deref().unwrap_or("-")
        ));
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
            .filter_map(|(_, l)| l.newest())
            .max();
        if let Some(lts) = newest_lts {
            text.push_str(&format!("; newest LTS {}", lts.as_str()));
        } else if let Some(latest) = verdict.latest.as_deref()
            && verdict.latest_in_line.as_deref() != Some(latest)
        {
            text.push_str(&format!("; newest release {latest}"));
        }
    }
    text
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
