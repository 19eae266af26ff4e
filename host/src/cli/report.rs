//! `rollcall report --since 7d`: what changed, from the store, for a person or a mail.

use clap::{Args, ValueEnum};

use super::{Cli, open_store};
use crate::exit;
use crate::report::Report;
use crate::store::{Change, Changes};

/// Output formats of `report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Plain text, one change per line
    Text,
    /// One JSON document
    Json,
    /// Markdown sections, for a mail or an issue
    Markdown,
}

const REPORT_HELP: &str = "\
Examples:
  rollcall report --since 7d
  rollcall report --since 24h --format markdown | mail -s 'rollcall: this week' team@example.org
  rollcall report --since 2026-11-01 --format json

It reads the store that `rollcall check` and `rollcall daemon` write: new upstream releases,
releases that vanished, lines at or near end of life, and verdicts whose status changed since
the last run before the moment given.";

/// Arguments of `rollcall report`.
#[derive(Debug, Clone, Args)]
#[command(after_help = REPORT_HELP)]
pub struct ReportArgs {
    /// How far back: `7d`, `24h`, `90m`, `30s`, or a date (`2026-11-01`) or RFC 3339 time
    #[arg(long, value_name = "WHEN", default_value = "7d", value_parser = parse_since)]
    pub since: String,

    /// Output format
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
}

/// `7d` / `24h` / `90m` / `2026-11-01` / RFC 3339 → an RFC 3339 UTC time. A duration reaching
/// back before the year 1 is an error, not an overflow.
pub fn parse_since(raw: &str) -> Result<String, String> {
    use time::format_description::well_known::Rfc3339;
    let raw = raw.trim();
    let when = match relative_seconds(raw) {
        Some(seconds) => i64::try_from(seconds)
            .ok()
            .and_then(|s| time::OffsetDateTime::now_utc().checked_sub(time::Duration::seconds(s)))
            .filter(|when| when.year() >= 1)
            .ok_or_else(|| {
                format!(
                    "`{raw}` reaches back before the year 1\nhelp: to report everything the store \
                     holds, give an early date such as `--since 1970-01-01`"
                )
            })?,
        None => time::OffsetDateTime::parse(raw, &Rfc3339)
            .ok()
            .or_else(|| {
                raw.parse::<crate::day::Day>().ok().and_then(|d| {
                    time::OffsetDateTime::parse(&format!("{d}T00:00:00Z"), &Rfc3339).ok()
                })
            })
            .ok_or_else(|| {
                format!("`{raw}` is not a duration (`7d`, `24h`, `90m`) or a date (`2026-11-01`)")
            })?,
    };
    let utc = when
        .checked_to_offset(time::UtcOffset::UTC)
        .ok_or_else(|| format!("`{raw}` is out of the calendar's range in UTC"))?;
    utc.replace_nanosecond(0)
        .unwrap_or(utc)
        .format(&Rfc3339)
        .map_err(|e| format!("`{raw}` cannot be written as an RFC 3339 time: {e}"))
}

/// `7d` → the seconds it spans (saturating: `99999999999999999999d` is `u64::MAX`); `None` when
/// `raw` is not a number of days, hours, minutes or seconds.
fn relative_seconds(raw: &str) -> Option<u64> {
    [('d', 86_400), ('h', 3_600), ('m', 60), ('s', 1)]
        .into_iter()
        .find_map(|(unit, seconds)| {
            let digits = raw.strip_suffix(unit)?;
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let n = digits.parse::<u64>().unwrap_or(u64::MAX);
            Some(n.saturating_mul(seconds))
        })
}

/// Runs `report` and returns the exit status.
pub async fn run(cli: &Cli, args: &ReportArgs) -> u8 {
    let store = match open_store(cli) {
        Ok(Some(s)) => s,
        Ok(None) => {
            eprintln!("error: `report` reads the store; drop `--no-store`");
            return exit::USAGE;
        }
        Err(code) => return code,
    };
    let mut changes = match store.changes_since(&args.since) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::INCOMPLETE;
        }
    };
    // Releases sort by their watch's scheme; a watch the config no longer has (or a config
    // that does not load) falls back to the generic one.
    let config = crate::config::Config::discover(cli.config.as_deref()).ok();
    changes.sort_releases(|watch| {
        config
            .as_ref()
            .and_then(|c| {
                c.watches
                    .iter()
                    .find(|w| w.name.get_ref().as_str() == watch)
            })
            .map_or_else(Default::default, |w| w.scheme)
    });
    if changes.latest_run.is_none() {
        eprintln!(
            "note: the store `{}` has no run yet; run `rollcall check` (or `rollcall daemon`) first",
            store.path().display()
        );
    }
    // The distro-wide figures of the newest run: the figure a release engineer quotes.
    let newest = store.latest_report().ok().flatten();
    let lines = newest
        .as_ref()
        .map(Report::distro_lines)
        .unwrap_or_default();
    let text = match args.format {
        ReportFormat::Json => {
            #[derive(serde::Serialize)]
            struct Out<'a> {
                #[serde(flatten)]
                changes: &'a Changes,
                distros: &'a std::collections::BTreeMap<String, crate::report::DistroSummary>,
            }
            let empty = std::collections::BTreeMap::new();
            let out = Out {
                changes: &changes,
                distros: newest.as_ref().map_or(&empty, |r| &r.summary.distros),
            };
            serde_json::to_string_pretty(&out).unwrap_or_default() + "\n"
        }
        ReportFormat::Text => {
            let mut out = text(&changes);
            if !lines.is_empty() {
                out.push_str("\nDistros (newest run):\n");
                for l in &lines {
                    out.push_str(&format!("  {l}\n"));
                }
            }
            out
        }
        ReportFormat::Markdown => {
            let mut out = markdown(&changes);
            if !lines.is_empty() {
                out.push_str("\n## Distros (newest run)\n\n");
                for l in &lines {
                    out.push_str(&format!("- {l}\n"));
                }
            }
            out
        }
    };
    print!("{text}");
    exit::OK
}

fn sections(changes: &Changes) -> [(&'static str, Vec<String>); 5] {
    let pick = |f: fn(&Change) -> bool| {
        changes
            .changes
            .iter()
            .filter(|c| f(c))
            .map(Change::sentence)
            .collect()
    };
    [
        (
            "New upstream releases",
            pick(|c| matches!(c, Change::NewRelease { .. })),
        ),
        (
            "Watches seen for the first time",
            pick(|c| matches!(c, Change::FirstRun { .. })),
        ),
        (
            "End of life",
            pick(|c| matches!(c, Change::EndOfLife { .. })),
        ),
        (
            "Verdicts that changed",
            pick(|c| matches!(c, Change::VerdictChanged { .. })),
        ),
        (
            "Releases that disappeared",
            pick(|c| matches!(c, Change::GoneRelease { .. })),
        ),
    ]
}

fn text(changes: &Changes) -> String {
    let mut out = format!(
        "Changes since {} (newest run {}):\n",
        changes.since,
        changes.latest_run.as_deref().unwrap_or("none")
    );
    for (title, lines) in sections(changes) {
        if lines.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{title}:\n"));
        for l in lines {
            out.push_str(&format!("  {l}\n"));
        }
    }
    if changes.changes.is_empty() {
        out.push_str("  nothing changed\n");
    }
    out
}

fn markdown(changes: &Changes) -> String {
    let mut out = format!(
        "# rollcall: changes since {}\n\nNewest run: {}.\n",
        changes.since,
        changes.latest_run.as_deref().unwrap_or("none")
    );
    for (title, lines) in sections(changes) {
        if lines.is_empty() {
            continue;
        }
        out.push_str(&format!("\n## {title}\n\n"));
        for l in lines {
            out.push_str(&format!("- {l}\n"));
        }
    }
    if changes.changes.is_empty() {
        out.push_str("\nNothing changed.\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::parse_since;

    #[test]
    fn since_takes_durations_and_dates() {
        assert!(parse_since("7d").is_ok_and(|s| s.ends_with('Z')));
        assert_eq!(
            parse_since("2026-11-01").as_deref(),
            Ok("2026-11-01T00:00:00Z")
        );
        assert_eq!(
            parse_since("2026-11-01T10:00:00Z").as_deref(),
            Ok("2026-11-01T10:00:00Z")
        );
        assert!(parse_since("last week").is_err());
    }

    #[test]
    fn durations_too_long_for_the_calendar_are_errors_not_panics() {
        for raw in [
            "999999999d",
            "99999999999999999999d",
            "18446744073709551615s",
            "9223372036854775807m",
            "900000000h",
        ] {
            let err = parse_since(raw).expect_err(raw);
            assert!(
                err.contains("reaches back before the year 1") && err.contains("help:"),
                "{raw}: {err}"
            );
        }
        assert!(parse_since("700000d").is_ok(), "some 1,900 years back");
        assert!(parse_since("800000d").is_err(), "some 2,190 years back");
        assert!(parse_since("9999-12-31T23:59:59-05:00").is_err());
        for raw in ["-5d", "+5d", "d", "5 d", "5w", "5é"] {
            assert!(parse_since(raw).is_err(), "{raw}");
        }
        assert_eq!(
            parse_since("2026-11-01T10:00:00+02:00").as_deref(),
            Ok("2026-11-01T08:00:00Z"),
            "offsets are turned into UTC, so times compare as text in the store"
        );
    }
}
