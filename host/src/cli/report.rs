//! `rollcall report --since 7d`: what changed, from the store, for a person or a mail.

use clap::{Args, ValueEnum};

use super::{Cli, open_store};
use crate::exit;
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

/// `7d` / `24h` / `90m` / `2026-11-01` / RFC 3339 → an RFC 3339 UTC time.
pub fn parse_since(raw: &str) -> Result<String, String> {
    use time::format_description::well_known::Rfc3339;
    let raw = raw.trim();
    let now = time::OffsetDateTime::now_utc();
    let relative = |unit: char, seconds: i64| -> Option<time::OffsetDateTime> {
        let n: i64 = raw.strip_suffix(unit)?.parse().ok()?;
        Some(now - time::Duration::seconds(n.checked_mul(seconds)?))
    };
    let when = relative('d', 86_400)
        .or_else(|| relative('s', 1))
        .or_else(|| relative('h', 3_600))
        .or_else(|| relative('m', 60))
        .or_else(|| time::OffsetDateTime::parse(raw, &Rfc3339).ok())
        .or_else(|| {
            raw.parse::<crate::day::Day>()
                .ok()
                .and_then(|d| time::OffsetDateTime::parse(&format!("{d}T00:00:00Z"), &Rfc3339).ok())
        })
        .ok_or_else(|| {
            format!("`{raw}` is not a duration (`7d`, `24h`, `90m`) or a date (`2026-11-01`)")
        })?;
    when.replace_nanosecond(0)
        .unwrap_or(when)
        .format(&Rfc3339)
        .map_err(|e| e.to_string())
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
    let changes = match store.changes_since(&args.since) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::INCOMPLETE;
        }
    };
    if changes.latest_run.is_none() {
        eprintln!(
            "note: the store `{}` has no run yet; run `rollcall check` (or `rollcall daemon`) first",
            store.path().display()
        );
    }
    let text = match args.format {
        ReportFormat::Json => serde_json::to_string_pretty(&changes).unwrap_or_default() + "\n",
        ReportFormat::Text => text(&changes),
        ReportFormat::Markdown => markdown(&changes),
    };
    print!("{text}");
    exit::OK
}

fn sections(changes: &Changes) -> [(&'static str, Vec<String>); 4] {
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
}
