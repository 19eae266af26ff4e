//! `rollcall tui`: the dashboard over the store.

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::mpsc::Sender;

use clap::Args;
use rollcall_tui::JobEvent;

use super::report::parse_since;
use super::{Cli, open_store, runtime_for};
use crate::config::Config;
use crate::dashboard::StoreSource;
use crate::day::Day;
use crate::exit;
use crate::run::{self, Keep};
use crate::store::Store;

const TUI_HELP: &str = "\
Screens (Tab cycles, 1 2 3 jump):
  1 Overview   every verdict, worst first: status, versions, behind, support, why
  2 Trackers   each poll's time, calls, bytes and error; each host's rate-limit budget
  3 Changes    what `rollcall report` says, newest first
  Enter        a watch's detail: release-line timeline, releases and who ships them,
               shipped-version history, tracker errors

Keys: j/k or arrows move, s sorts, d/f/v filter by distro/status/severity, / searches,
r checks the selected watch and R every watch in the background, ? shows every key, q quits.

The dashboard reads the store that `rollcall check` and `rollcall daemon` write and follows
it: when another process stores a run, the screen updates. Colours follow NO_COLOR. Logs are
off unless ROLLCALL_LOG is set (then send stderr to a file: `2>rollcall.log`).

Examples:
  rollcall tui
  rollcall tui --since 30d
  rollcall --db /var/lib/rollcall/rollcall.db tui";

/// Arguments of `rollcall tui`.
#[derive(Debug, Clone, Args)]
#[command(after_help = TUI_HELP)]
pub struct TuiArgs {
    /// How far back the changes screen goes: `7d`, `24h`, or a date (`2026-11-01`)
    #[arg(long, value_name = "WHEN", default_value = "7d", value_parser = parse_since_kept)]
    pub since: (String, String),
}

/// Keeps what the user wrote beside the time it means.
fn parse_since_kept(raw: &str) -> Result<(String, String), String> {
    parse_since(raw).map(|when| (when, raw.trim().to_owned()))
}

/// Runs the dashboard and returns the exit status.
pub fn run(cli: &Cli, args: &TuiArgs) -> u8 {
    if cli.no_store {
        eprintln!("error: `tui` reads the store; drop `--no-store`");
        return exit::USAGE;
    }
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        eprintln!(
            "error: `rollcall tui` needs a terminal\nhelp: for scripts and cron use `rollcall check --format json` or `rollcall report`"
        );
        return exit::USAGE;
    }
    let config = match Config::discover(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    let store = match open_store(cli) {
        Ok(Some(s)) => s,
        Ok(None) => return exit::USAGE,
        Err(code) => return code,
    };
    let (since, label) = args.since.clone();
    let source = StoreSource::new(store.clone(), since, label, Day::today())
        .only(config.watches.iter().map(|w| w.name.get_ref().to_string()))
        .with_checker(checker(cli.clone(), store.path().to_owned()));
    match rollcall_tui::run(source, rollcall_tui::Options::default()) {
        Ok(()) => exit::OK,
        Err(e) => {
            eprintln!("error: the dashboard stopped: {e}");
            exit::INCOMPLETE
        }
    }
}

/// Checks run on their own thread, runtime and store connection, so the dashboard stays
/// responsive and sees their commit like any other writer's.
fn checker(cli: Cli, db: std::path::PathBuf) -> crate::dashboard::Checker {
    Box::new(move |watch: Option<&str>, events: Sender<JobEvent>| {
        let cli = cli.clone();
        let db = db.clone();
        let watch = watch.map(str::to_owned);
        std::thread::Builder::new()
            .name("rollcall-check".to_owned())
            .spawn(move || {
                let result = check(&cli, &db, watch.as_deref(), &events);
                let _ = events.send(JobEvent::Finished(result));
            })
            .map(drop)
            .map_err(|e| format!("cannot start a thread: {e}"))
    })
}

fn check(
    cli: &Cli,
    db: &std::path::Path,
    watch: Option<&str>,
    events: &Sender<JobEvent>,
) -> Result<String, String> {
    // The config is read again: it may have been edited since the dashboard started.
    let mut config = Config::discover(cli.config.as_deref()).map_err(|e| e.to_string())?;
    if let Some(watch) = watch {
        config
            .watches
            .retain(|w| w.name.get_ref().to_string() == watch);
        if config.watches.is_empty() {
            return Err(format!("`{watch}` is no longer in the config"));
        }
    }
    let store = Arc::new(Store::open(db).map_err(|e| e.to_string())?);
    let tokio = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    tokio.block_on(async {
        let runtime = runtime_for(cli, Some(&config), Some(store.clone()))?;
        let progress = |done: usize, total: usize| {
            let _ = events.send(JobEvent::Progress { done, total });
        };
        let keep = Keep {
            store: &store,
            retention: config.store.retention(),
        };
        let report = run::check_with(&config, runtime, Day::today(), Some(keep), Some(&progress))
            .await
            .map_err(|e| e.to_string())?;
        Ok(report.summary_line())
    })
}
