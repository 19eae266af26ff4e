//! `rollcall check`.

use std::io::{IsTerminal, Write};

use clap::{Args, ValueEnum};

use super::{Cli, Format, build_runtime_with, load_config, open_store};
use crate::day::Day;
use crate::evaluate::Severity;
use crate::exit;
use crate::run::{self, RunFailure};

/// The lowest severity that makes `check` exit with status 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Any verdict, even `current`
    Ok,
    /// `info` and worse (superseded, ahead)
    Info,
    /// `warning` and worse (behind, eol-soon, missing, unknown, error)
    Warning,
    /// Only `critical` (end of life)
    Critical,
    /// Never: exit 0 whatever the verdicts
    Never,
}

impl FailOn {
    fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Ok => Some(Severity::Ok),
            FailOn::Info => Some(Severity::Info),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Critical => Some(Severity::Critical),
            FailOn::Never => None,
        }
    }
}

const CHECK_HELP: &str = "\
Examples:
  rollcall check
  rollcall check --format json > report.json
  rollcall check --fail-on warning   # for cron: non-zero when anything needs attention
  rollcall check --shard 0/3 --db shard-0.db   # one machine of three; then `rollcall store merge`

Exit status:
  0  nothing at or above --fail-on
  1  findings at or above --fail-on
  2  bad command line or config (the error names file, line and column)
  3  the run is incomplete: a verdict has no data (its tracker or distro failed with no
     earlier answer to use) and nothing reached --fail-on";

/// Arguments of `rollcall check`.
#[derive(Debug, Clone, Args)]
#[command(after_help = CHECK_HELP)]
pub struct CheckArgs {
    /// Output format; `json` prints the `rollcall.report/v1` document and nothing else on stdout
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// Exit with status 1 when a verdict has this severity or worse
    #[arg(long, value_enum, default_value_t = FailOn::Critical)]
    pub fail_on: FailOn,

    /// Evaluate as of this day (YYYY-MM-DD) instead of today, for reproducible reports
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    pub today: Option<Day>,

    /// Run only shard K of N (0 ≤ K < N): a stable partition of the watches by name, so N
    /// machines share a distribution; join their stores with `rollcall store merge`
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<run::shard::Shard>,
}

fn parse_shard(raw: &str) -> Result<run::shard::Shard, String> {
    raw.parse()
}

fn parse_day(raw: &str) -> Result<Day, String> {
    raw.parse()
}

/// Runs `check` and returns the exit status.
pub async fn run(cli: &Cli, args: &CheckArgs) -> u8 {
    let mut config = match load_config(cli) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if let Some(shard) = args.shard {
        let all = config.watches.len();
        config
            .watches
            .retain(|w| shard.contains(w.name.get_ref().as_str()));
        tracing::info!(%shard, watches = config.watches.len(), of = all, "shard");
    }
    let store = match open_store(cli) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let runtime = match build_runtime_with(cli, Some(&config), store.clone()) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let today = args.today.unwrap_or_else(Day::today);
    let keep = store.as_deref().map(|store| run::Keep {
        store,
        retention: config.store.retention(),
    });
    let bar = ProgressBar::new(args.format);
    let progress = |done: usize, total: usize| bar.show(done, total);
    // The engine outlives the run: the process exits right after, without unmapping the
    // plugin pool (see `cli::main`).
    std::mem::forget(runtime.clone());
    let report = match run::check_with(
        &config,
        runtime,
        today,
        keep,
        bar.enabled.then_some(&progress as run::Progress<'_>),
    )
    .await
    {
        Ok(report) => report,
        Err(e @ (RunFailure::Config(_) | RunFailure::Usage(_))) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
        Err(e @ RunFailure::Store(_)) => {
            bar.clear();
            eprintln!("error: {e}");
            return exit::INCOMPLETE;
        }
    };
    bar.clear();

    let text = match args.format {
        Format::Json => report.to_json(),
        Format::Table => report.to_table(),
    };
    let mut stdout = std::io::stdout().lock();
    let written = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
    if let Err(e) = written
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("error: cannot write the report: {e}");
        return exit::INCOMPLETE;
    }
    if args.format == Format::Table || std::io::stderr().is_terminal() {
        for line in report.failure_lines() {
            eprintln!("{line}");
        }
        for line in report.rate_limit_lines() {
            eprintln!("rate limit: {line}");
        }
        eprintln!("{}", report.summary_line());
        for line in report.distro_lines() {
            eprintln!("  {line}");
        }
    }
    exit_status(&report, args.fail_on.threshold())
}

/// Findings at or above the threshold give `1`; otherwise a verdict without data (or a run
/// where every tracker failed) gives `3`. Judging on an earlier answer is not a failure: every
/// such verdict has data and says how old it is.
fn exit_status(report: &crate::report::Report, threshold: Option<crate::evaluate::Severity>) -> u8 {
    if let (Some(threshold), Some(worst)) = (threshold, report.worst())
        && worst >= threshold
    {
        return exit::FINDINGS;
    }
    let summary = &report.summary;
    let nothing = summary.watches > 0 && summary.failed_watches == summary.watches;
    if summary.verdicts_without_data > 0 || nothing {
        eprintln!(
            "error: the run is incomplete: {} of {} verdicts have no data",
            summary.verdicts_without_data,
            report.verdicts.len()
        );
        return exit::INCOMPLETE;
    }
    exit::OK
}

/// A one-line progress bar on stderr, shown only to a person: stderr is a terminal, the output
/// is a table, and no CI system is driving the run.
struct ProgressBar {
    enabled: bool,
}

impl ProgressBar {
    fn new(format: Format) -> Self {
        let enabled = format == Format::Table
            && std::io::stderr().is_terminal()
            && std::env::var_os("CI").is_none()
            && std::env::var_os("NO_PROGRESS").is_none();
        Self { enabled }
    }

    fn show(&self, done: usize, total: usize) {
        if !self.enabled || total == 0 {
            return;
        }
        const WIDTH: usize = 30;
        let filled = done * WIDTH / total;
        eprint!(
            "\r[{}{}] {done}/{total} watches polled",
            "#".repeat(filled),
            " ".repeat(WIDTH - filled)
        );
    }

    fn clear(&self) {
        if self.enabled {
            eprint!("\r{}\r", " ".repeat(60));
        }
    }
}
