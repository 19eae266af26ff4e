//! `rollcall daemon`: every watch polled on its own schedule, for years, politely.
//!
//! - Each watch runs on its cron `schedule` (default every six hours), plus a jitter of up to a
//!   tenth of its interval (at most five minutes) so that a fleet of daemons does not hit an
//!   upstream on the same second. Every watch is polled once at start.
//! - Due watches run together as one `check` run (the store records it), so polls share the
//!   runtime's concurrency cap and the HTTP client's per-host limits.
//! - A watch whose upstream rarely releases is polled less: after 4 runs in a row without a new
//!   release it skips every other slot, after 8 two of three, after 12 or more three of four
//!   (never less often than a quarter of its schedule). Any new release resets it.
//! - SIGTERM or SIGINT stops it cleanly: a run in progress finishes and is stored whole; no new
//!   one starts.
//! - One daemon per store: a lock file beside the database (`rollcall.db.lock`) is held while it
//!   runs. `rollcall check` does not take the lock and may run at the same time (SQLite's WAL
//!   and busy timeout serialise the writes).

use std::collections::BTreeMap;
use std::fs::File;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::day::Day;
use crate::run::{self, Keep};
use crate::runtime::Runtime;
use crate::schedule::Schedule;
use crate::store::Store;

/// Why the daemon stopped before it started.
#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
    /// Another daemon holds the store's lock.
    #[error(
        "another rollcall daemon is using the store: `{lock}` is locked{holder}\nhelp: stop it first, or give this one another store with `--db FILE`"
    )]
    Locked {
        /// The lock file.
        lock: PathBuf,
        /// ` by process N`, when the file says.
        holder: String,
    },
    /// The lock file could not be created.
    #[error("cannot create the lock file `{lock}`: {message}")]
    Lock {
        /// The lock file.
        lock: PathBuf,
        /// What went wrong.
        message: String,
    },
}

/// The single-instance lock; released when dropped (or when the process dies).
#[derive(Debug)]
pub struct InstanceLock {
    _file: File,
}

impl InstanceLock {
    /// Takes the lock beside `db`, or says who holds it.
    pub fn take(db: &Path) -> Result<Self, DaemonError> {
        use std::io::Write;
        let lock = PathBuf::from(format!("{}.lock", db.display()));
        let fail = |e: std::io::Error| DaemonError::Lock {
            lock: lock.clone(),
            message: e.to_string(),
        };
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&lock)
            .map_err(fail)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let holder = std::fs::read_to_string(&lock)
                    .ok()
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .map(|pid| format!(" by process {pid}"))
                    .unwrap_or_default();
                return Err(DaemonError::Locked { lock, holder });
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(fail(e)),
        }
        file.set_len(0).map_err(fail)?;
        writeln!(file, "{}", std::process::id()).map_err(fail)?;
        Ok(Self { _file: file })
    }
}

/// A watch's place in the schedule.
struct Slot {
    schedule: Schedule,
    due: DateTime<Utc>,
    quiet: u32,
}

/// How many slots a watch skips after `quiet` runs without a new release: 1 (none) up to 4.
pub fn stride(quiet: u32) -> usize {
    (1 + quiet / 4).min(4) as usize
}

/// A watch's quiet count after a run: a new release resets it; a poll that failed leaves it
/// as it was (it says nothing about the upstream); a quiet poll adds one.
fn quiet_after(quiet: u32, new_release: bool, failed: bool) -> u32 {
    if new_release {
        0
    } else if failed {
        quiet
    } else {
        quiet.saturating_add(1)
    }
}

/// Up to a tenth of the interval after `due`, at most five minutes.
fn jitter(schedule: &Schedule, due: DateTime<Utc>) -> chrono::Duration {
    use std::hash::{BuildHasher, Hasher};
    let interval = schedule
        .nth_after(due, 1, crate::schedule::Zone::Named(chrono_tz::UTC))
        .map_or(chrono::Duration::hours(6), |next| next - due);
    let cap = (interval / 10).min(chrono::Duration::minutes(5));
    let cap_ms = cap.num_milliseconds().max(0) as u64;
    let noise = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    chrono::Duration::milliseconds((noise % (cap_ms + 1)) as i64)
}

/// What the daemon did, for its exit message and the tests.
#[derive(Debug, Default, Clone, Copy)]
pub struct Summary {
    /// Runs completed and stored.
    pub runs: u32,
    /// Runs that failed before producing a report.
    pub failed: u32,
}

/// Runs until `shutdown` resolves; a run in progress then finishes first.
pub async fn run(
    config: &Config,
    runtime: Arc<Runtime>,
    store: &Store,
    shutdown: impl Future<Output = ()>,
) -> Summary {
    let now = Utc::now();
    let mut slots: BTreeMap<String, Slot> = config
        .watches
        .iter()
        .map(|w| {
            let schedule = w
                .schedule
                .clone()
                .unwrap_or_else(Schedule::default_schedule);
            (
                w.name.get_ref().to_string(),
                Slot {
                    schedule,
                    due: now,
                    quiet: 0,
                },
            )
        })
        .collect();
    tokio::pin!(shutdown);
    let mut summary = Summary::default();
    let mut stopping = false;
    while !stopping {
        let now = Utc::now();
        let due: Vec<String> = slots
            .iter()
            .filter(|(_, s)| s.due <= now)
            .map(|(n, _)| n.clone())
            .collect();
        if due.is_empty() {
            let next = slots
                .values()
                .map(|s| s.due)
                .min()
                .unwrap_or(now + chrono::Duration::hours(6));
            let wait = (next - now).to_std().unwrap_or(Duration::ZERO);
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = &mut shutdown => stopping = true,
            }
            continue;
        }
        let mut subset = config.clone();
        subset
            .watches
            .retain(|w| due.contains(&w.name.get_ref().to_string()));
        let before: BTreeMap<&String, usize> = due
            .iter()
            .map(|w| (w, store.releases(w).map_or(0, |r| r.len())))
            .collect();
        tracing::info!(watches = due.len(), "daemon run starting");
        let keep = Keep {
            store,
            retention: config.store.retention(),
        };
        let run = run::check_with(&subset, runtime.clone(), Day::today(), Some(keep), None);
        tokio::pin!(run);
        let result = loop {
            tokio::select! {
                result = &mut run => break result,
                () = &mut shutdown, if !stopping => {
                    stopping = true;
                    tracing::info!("stopping: the current run finishes first");
                }
            }
        };
        // A watch whose poll failed learned nothing about its upstream: it is not quiet.
        let failed: Vec<String> = match &result {
            Ok(report) => report
                .errors
                .iter()
                .filter(|e| e.tracker.is_some())
                .map(|e| e.watch.clone())
                .collect(),
            Err(_) => due.clone(),
        };
        match result {
            Ok(report) => {
                summary.runs += 1;
                tracing::info!(
                    verdicts = report.verdicts.len(),
                    errors = report.errors.len(),
                    "daemon run stored"
                );
            }
            Err(e) => {
                summary.failed += 1;
                tracing::error!("daemon run failed: {e}");
            }
        }
        let now = Utc::now();
        for name in &due {
            let Some(slot) = slots.get_mut(name) else {
                continue;
            };
            let after = store.releases(name).map_or(0, |r| r.len());
            slot.quiet = quiet_after(
                slot.quiet,
                after > before.get(name).copied().unwrap_or(0),
                failed.contains(name),
            );
            let next = slot
                .schedule
                .nth_after(now, stride(slot.quiet), config.daemon.timezone)
                .unwrap_or(now + chrono::Duration::hours(6));
            slot.due = next + jitter(&slot.schedule, next);
        }
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::{quiet_after, stride};

    #[test]
    fn a_failed_poll_is_not_a_quiet_upstream() {
        let mut quiet = 0;
        for _ in 0..10 {
            quiet = quiet_after(quiet, false, true);
        }
        assert_eq!(quiet, 0, "ten failures do not back off");
        assert_eq!(quiet_after(7, false, false), 8);
        assert_eq!(quiet_after(7, true, false), 0);
        assert_eq!(quiet_after(u32::MAX, false, false), u32::MAX);
    }

    #[test]
    fn quiet_upstreams_are_polled_less_but_at_least_every_fourth_slot() {
        let strides: Vec<usize> = [0, 3, 4, 7, 8, 12, 100]
            .iter()
            .map(|q| stride(*q))
            .collect();
        assert_eq!(strides, [1, 1, 2, 2, 3, 4, 4]);
    }
}
