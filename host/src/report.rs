//! The report of one run: the JSON document (`rollcall.report/v1`, schema in
//! `docs/report.schema.json`) and the human table. Renderers only read verdicts.
//!
//! Compatibility: fields are added, never renamed or removed, within `v1`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::evaluate::{Severity, Status, Verdict};

/// The schema identifier of the JSON report.
pub const SCHEMA: &str = "rollcall.report/v1";

/// A failure that kept a watch (or a part of it) from being evaluated.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunError {
    /// The watch concerned.
    pub watch: String,
    /// The tracker, when a tracker failed.
    pub tracker: Option<String>,
    /// A stable kebab-case kind: `timeout`, `memory-limit`, `panic`, `network`, …
    pub kind: String,
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
        }
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
