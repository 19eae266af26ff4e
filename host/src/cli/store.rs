//! `rollcall store`: keep the store's size in bound, and merge the stores of shards.

use std::path::PathBuf;

use clap::Subcommand;

use super::{Cli, load_config, open_store};
use crate::exit;
use crate::store::{Retention, Store};

/// The `store` subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum StoreCommand {
    /// Prune runs past `[store]`'s retention (or the bounds given), then give free pages back
    #[command(
        after_help = "Examples:\n  rollcall store gc                    # [store] retention-days and keep-runs of the config\n  rollcall store gc --keep-runs 30     # the newest 30 runs\n  rollcall store gc --days 0 --keep-runs 0   # nothing pruned, only VACUUM"
    )]
    Gc {
        /// Keep runs of this many days (0: no bound) [default: the config's `retention-days`]
        #[arg(long, value_name = "N")]
        days: Option<u32>,
        /// Keep at most this many runs, the newest (0: no bound) [default: the config's `keep-runs`]
        #[arg(long, value_name = "N")]
        keep_runs: Option<u32>,
    },
    /// Merge the stores of shards (`check --shard K/N`) into one, as if one machine ran them all
    #[command(
        after_help = "Examples:\n  rollcall store merge shard-0.db shard-1.db shard-2.db --into rollcall.db\n  rollcall --db rollcall.db report --since 1d   # then read it as usual"
    )]
    Merge {
        /// The shards' store files
        #[arg(required = true, value_name = "SHARD.db")]
        shards: Vec<PathBuf>,
        /// The store to merge into (created when missing; its own runs are kept)
        #[arg(long, value_name = "FILE")]
        into: PathBuf,
    },
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

/// Runs a `store` subcommand and returns the exit status.
pub fn run(cli: &Cli, command: &StoreCommand) -> u8 {
    match command {
        StoreCommand::Gc { days, keep_runs } => {
            let configured = match (days, keep_runs) {
                (Some(_), Some(_)) => None,
                _ => match load_config(cli) {
                    Ok(c) => Some(c.store.retention()),
                    Err(code) => return code,
                },
            };
            let retention = Retention {
                days: days.or(configured.map(|r| r.days)).unwrap_or(0),
                runs: keep_runs.or(configured.map(|r| r.runs)).unwrap_or(0),
            };
            let store = match open_store(cli) {
                Ok(Some(s)) => s,
                Ok(None) => {
                    eprintln!("error: `store gc` needs a store\nhelp: drop `--no-store`");
                    return exit::USAGE;
                }
                Err(code) => return code,
            };
            let runs_before = store.run_count().unwrap_or(0);
            match store.gc(retention) {
                Ok((before, after)) => {
                    println!(
                        "{}: {} → {}; runs {} → {}",
                        store.path().display(),
                        megabytes(before),
                        megabytes(after),
                        runs_before,
                        store.run_count().unwrap_or(0)
                    );
                    exit::OK
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    exit::INCOMPLETE
                }
            }
        }
        StoreCommand::Merge { shards, into } => {
            if let Some(same) = shards.iter().find(|s| *s == into) {
                eprintln!(
                    "error: `{}` is both a shard and the store to merge into\nhelp: pass another file to `--into`",
                    same.display()
                );
                return exit::USAGE;
            }
            if let Some(missing) = shards.iter().find(|s| !s.is_file()) {
                eprintln!(
                    "error: the shard store `{}` does not exist\nhelp: give the files each `check --shard K/N --db FILE` wrote",
                    missing.display()
                );
                return exit::USAGE;
            }
            let target = match Store::open(into) {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("error: {e}");
                    return exit::INCOMPLETE;
                }
            };
            let paths: Vec<&std::path::Path> = shards.iter().map(PathBuf::as_path).collect();
            match target.merge_from(&paths) {
                Ok(m) => {
                    for empty in &m.empty {
                        eprintln!(
                            "warning: the shard store `{empty}` has no run yet; nothing of it was merged"
                        );
                    }
                    println!(
                        "merged {} stores into {}: {} watches, {} verdicts",
                        m.stores,
                        into.display(),
                        m.watches,
                        m.verdicts
                    );
                    exit::OK
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    exit::INCOMPLETE
                }
            }
        }
    }
}
