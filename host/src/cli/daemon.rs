//! `rollcall daemon`.

use clap::Args;

use super::{Cli, build_runtime_with, load_config, open_store};
use crate::exit;

const DAEMON_HELP: &str = "\
Polls every watch on its `schedule` (cron, default every six hours) and stores each run.
Stop it with SIGTERM or Ctrl-C: a run in progress finishes and is stored first.
One daemon per store (a lock file beside the database); `rollcall check` may run meanwhile.

Examples:
  rollcall daemon
  ROLLCALL_LOG=info rollcall daemon --db /var/lib/rollcall/rollcall.db";

/// Arguments of `rollcall daemon`.
#[derive(Debug, Clone, Args)]
#[command(after_help = DAEMON_HELP)]
pub struct DaemonArgs {}

/// Runs the daemon until a signal; returns the exit status.
pub async fn run(cli: &Cli, _args: &DaemonArgs) -> u8 {
    let config = match load_config(cli) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let store = match open_store(cli) {
        Ok(Some(s)) => s,
        Ok(None) => {
            eprintln!("error: the daemon keeps its runs in the store; drop `--no-store`");
            return exit::USAGE;
        }
        Err(code) => return code,
    };
    let _lock = match crate::daemon::InstanceLock::take(store.path()) {
        Ok(lock) => lock,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::INCOMPLETE;
        }
    };
    let runtime = match build_runtime_with(cli, Some(&config), Some(store.clone())) {
        Ok(r) => r,
        Err(code) => return code,
    };
    eprintln!(
        "rollcall daemon: {} watches, store {}; stop with SIGTERM or Ctrl-C",
        config.watches.len(),
        store.path().display()
    );
    let summary = crate::daemon::run(&config, runtime, &store, shutdown_signal()).await;
    eprintln!(
        "rollcall daemon: stopped after {} stored run(s){}",
        summary.runs,
        if summary.failed > 0 {
            format!(", {} failed", summary.failed)
        } else {
            String::new()
        }
    );
    exit::OK
}

/// Resolves on SIGTERM or SIGINT.
async fn shutdown_signal() {
    let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!("cannot listen for SIGTERM: {e}");
            let _ = tokio::signal::ctrl_c().await;
            return;
        }
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
}
