//! `rollcall daemon`: every watch polled on its own schedule, for years, politely.
//!
//! - Each watch runs on its cron `schedule` (default every six hours), spread over the
//!   schedule's interval: a watch's polls fall at a stable offset after each scheduled time,
//!   drawn from its name, so 35,000 watches of `0 */6 * * *` make about 1.6 polls a second, not
//!   35,000 requests at 06:00 (`[daemon] spread = false` keeps the scheduled times, with a random
//!   delay of up to a tenth of the interval, at most five minutes). At start, a watch never
//!   polled (or last polled more than two intervals ago) is polled at once; the others wait for
//!   their offset.
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

/// The schedule's interval at `t`: from its next time to the one after.
fn interval(
    schedule: &Schedule,
    t: DateTime<Utc>,
    zone: crate::schedule::Zone,
) -> chrono::Duration {
    match (
        schedule.nth_after(t, 1, zone),
        schedule.nth_after(t, 2, zone),
    ) {
        (Some(a), Some(b)) if b > a => b - a,
        _ => chrono::Duration::hours(6),
    }
}

/// Where in an interval a watch's polls fall: a stable offset in `[0, interval)` from its name
/// (FNV-1a), the same in every run and on every machine.
pub fn phase(name: &str, interval: chrono::Duration) -> chrono::Duration {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in name.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    let ms = interval.num_milliseconds().max(1) as u64;
    chrono::Duration::milliseconds((hash % ms) as i64)
}

/// The first of the schedule's `stride`-th times, each moved `phase` later, that falls after
/// `now`.
pub fn next_phased(
    schedule: &Schedule,
    now: DateTime<Utc>,
    phase: chrono::Duration,
    stride: usize,
    zone: crate::schedule::Zone,
) -> Option<DateTime<Utc>> {
    schedule
        .nth_after(now - phase, stride, zone)
        .map(|t| t + phase)
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
    let zone = config.daemon.timezone;
    let spread = config.daemon.spread;
    // When each watch was last polled, from the store: a watch polled recently waits for its
    // place in the interval instead of joining a burst at start.
    let mut last_polled: BTreeMap<String, DateTime<Utc>> = BTreeMap::new();
    if spread {
        for p in crate::store::blocking(|| store.latest_polls()).unwrap_or_default() {
            if let Ok(at) = DateTime::parse_from_rfc3339(&p.at) {
                let at = at.with_timezone(&Utc);
                let entry = last_polled.entry(p.poll.watch).or_insert(at);
                *entry = (*entry).max(at);
            }
        }
    }
    let mut slots: BTreeMap<String, Slot> = config
        .watches
        .iter()
        .map(|w| {
            let schedule = w
                .schedule
                .clone()
                .unwrap_or_else(Schedule::default_schedule);
            let name = w.name.get_ref().to_string();
            let due = match last_polled.get(&name) {
                Some(&last) if now - last < interval(&schedule, now, zone) * 2 => {
                    let phase = phase(&name, interval(&schedule, now, zone));
                    next_phased(&schedule, now, phase, 1, zone).unwrap_or(now)
                }
                _ => now,
            };
            (
                name,
                Slot {
                    schedule,
                    due,
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
            let every = stride(slot.quiet);
            slot.due = if spread {
                let phase = phase(name, interval(&slot.schedule, now, zone));
                next_phased(&slot.schedule, now, phase, every, zone)
                    .unwrap_or(now + chrono::Duration::hours(6))
            } else {
                let next = slot
                    .schedule
                    .nth_after(now, every, zone)
                    .unwrap_or(now + chrono::Duration::hours(6));
                next + jitter(&slot.schedule, next)
            };
        }
    }
    summary
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Duration, Timelike, Utc};

    use super::{interval, next_phased, phase, quiet_after, stride};
    use crate::schedule::{Schedule, Zone};

    /// 35,000 watches of one six-hourly schedule: every quarter hour of the interval gets its
    /// share (within a fifth of the mean), and a watch's offset is the same every time.
    #[test]
    fn polls_spread_evenly_over_the_interval() {
        let six_hours = Duration::hours(6);
        let mut buckets = [0u32; 24];
        for i in 0..35_000 {
            let p = phase(&format!("python-package-{i}"), six_hours);
            assert!(p >= Duration::zero() && p < six_hours);
            buckets[(p.num_minutes() / 15) as usize] += 1;
        }
        let mean = 35_000 / 24;
        for (n, b) in buckets.iter().enumerate() {
            assert!(
                b.abs_diff(mean) < mean / 5,
                "quarter {n}: {b} polls, mean {mean}: {buckets:?}"
            );
        }
        assert_eq!(phase("linux", six_hours), phase("linux", six_hours));
        assert_ne!(phase("linux", six_hours), phase("glibc", six_hours));
    }

    /// A phased time is a scheduled time plus the phase, the first after now; a stride skips
    /// slots as before.
    #[test]
    fn the_next_poll_is_the_scheduled_time_plus_the_phase() {
        let utc = Zone::Named(chrono_tz::UTC);
        let schedule = Schedule::parse("0 */6 * * *").expect("schedule");
        let now: DateTime<Utc> = "2026-12-04T07:00:00Z".parse().expect("time");
        assert_eq!(interval(&schedule, now, utc), Duration::hours(6));
        let at = |p: Duration, stride: usize| {
            next_phased(&schedule, now, p, stride, utc).expect("a time")
        };
        // 06:00 + 2 h is still ahead; 06:00 + 30 min has passed, so 12:00 + 30 min.
        assert_eq!(
            at(Duration::hours(2), 1).to_rfc3339(),
            "2026-12-04T08:00:00+00:00"
        );
        assert_eq!(
            at(Duration::minutes(30), 1).to_rfc3339(),
            "2026-12-04T12:30:00+00:00"
        );
        assert_eq!(
            at(Duration::minutes(30), 2).to_rfc3339(),
            "2026-12-04T18:30:00+00:00"
        );
        assert_eq!(at(Duration::zero(), 1).hour(), 12);
        for minutes in [0, 1, 59, 61, 359] {
            let next = at(Duration::minutes(minutes), 1);
            assert!(
                next > now && next <= now + Duration::hours(6),
                "{minutes}: {next}"
            );
        }
    }

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
