//! What the dashboard reads: the newest verdicts of every watch (whichever run wrote them: the
//! daemon stores one run per due set of watches), the newest poll of every source, each host's
//! rate-limit budget, release and shipped-version history, and a cheap way to notice that
//! another process wrote.

use rusqlite::{OptionalExtension, params};

use super::queries::{MERGED, PollRecord, StaleData};
use super::{Store, StoreError};
use crate::evaluate::Verdict;
use crate::model::HostBudget;

/// A verdict and when the run that reached it finished.
#[derive(Debug, Clone)]
pub struct StoredVerdict {
    /// When the run finished, RFC 3339.
    pub at: String,
    /// The verdict.
    pub verdict: Verdict,
}

/// A poll and when its run finished.
#[derive(Debug, Clone)]
pub struct StoredPoll {
    /// When the run finished, RFC 3339.
    pub at: String,
    /// The poll's health.
    pub poll: PollRecord,
}

/// An upstream release as the store remembers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRelease {
    /// The version.
    pub version: String,
    /// Its publication day, when known.
    pub date: Option<String>,
    /// A pre-release.
    pub prerelease: bool,
    /// Its line, when the tracker said.
    pub line: Option<String>,
    /// When rollcall first saw it, RFC 3339.
    pub first_seen: String,
    /// When rollcall noticed it was gone, RFC 3339.
    pub gone_since: Option<String>,
}

/// A version a distro shipped, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShippedVersion {
    /// The version as the distro writes it.
    pub version: String,
    /// First run that saw it, RFC 3339.
    pub first_seen: String,
    /// Last run that saw it, RFC 3339.
    pub last_seen: String,
}

impl Store {
    /// A number that changes whenever another connection (another process, or another `Store`
    /// on the same file) commits: cheap enough to ask several times a second.
    pub fn data_version(&self) -> Result<i64, StoreError> {
        self.conn()
            .query_row("PRAGMA data_version", [], |r| r.get(0))
            .map_err(|e| self.query_error(e))
    }

    /// When the newest run finished, RFC 3339.
    pub fn latest_run_at(&self) -> Result<Option<String>, StoreError> {
        self.conn()
            .query_row(
                "SELECT finished_at FROM runs ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.query_error(e))
    }

    /// The newest verdicts of every watch, in the order their run wrote them.
    pub fn current_verdicts(&self) -> Result<Vec<StoredVerdict>, StoreError> {
        let conn = self.conn();
        let fail = |e: rusqlite::Error| self.query_error(e);
        let mut stmt = conn
            .prepare(
                "SELECT r.finished_at, v.verdict FROM verdict_spans v
                 JOIN (SELECT watch, max(last_run) AS run_id FROM verdict_spans GROUP BY watch) newest
                   ON newest.watch = v.watch AND newest.run_id = v.last_run
                 JOIN runs r ON r.id = v.last_run
                 ORDER BY v.last_run, v.ord",
            )
            .map_err(fail)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .map_err(fail)?;
        let mut verdicts = Vec::new();
        for row in rows {
            let (at, json) = row.map_err(fail)?;
            // A verdict this binary cannot read (written by a newer one) is skipped, not fatal.
            if let Ok(verdict) = serde_json::from_str(&json) {
                verdicts.push(StoredVerdict { at, verdict });
            }
        }
        Ok(verdicts)
    }

    /// The newest poll of every (watch, role).
    pub fn latest_polls(&self) -> Result<Vec<StoredPoll>, StoreError> {
        let conn = self.conn();
        let fail = |e: rusqlite::Error| self.query_error(e);
        let mut stmt = conn
            .prepare(
                "SELECT at, watch, role, tracker, duration_ms, calls, bytes, revalidated, outcome,
                        error, denied, denials
                 FROM poll_latest ORDER BY watch, role",
            )
            .map_err(fail)?;
        let rows = stmt
            .query_map([], |r| {
                Ok(StoredPoll {
                    at: r.get(0)?,
                    poll: PollRecord {
                        watch: r.get(1)?,
                        role: r.get(2)?,
                        tracker: r.get(3)?,
                        duration_ms: r.get(4)?,
                        calls: r.get(5)?,
                        bytes: r.get(6)?,
                        revalidated: r.get(7)?,
                        outcome: r.get(8)?,
                        error: r.get(9)?,
                        denied: r.get(10)?,
                        denials: serde_json::from_str(&r.get::<_, String>(11)?).unwrap_or_default(),
                    },
                })
            })
            .map_err(fail)?;
        rows.collect::<Result<_, _>>().map_err(fail)
    }

    /// Each host's rate-limit budget as the newest run that talked to it left it.
    pub fn host_budgets(&self) -> Result<Vec<HostBudget>, StoreError> {
        let conn = self.conn();
        let fail = |e: rusqlite::Error| self.query_error(e);
        let mut stmt = conn
            .prepare(
                "SELECT h.host, h.requests, h.remaining, h.quota, h.reset, h.paused_until, h.refused, h.github FROM hosts h
                 JOIN (SELECT host, max(run_id) AS run_id FROM hosts GROUP BY host) newest
                   ON newest.host = h.host AND newest.run_id = h.run_id
                 ORDER BY h.host",
            )
            .map_err(fail)?;
        let rows = stmt
            .query_map([], |r| {
                Ok(HostBudget {
                    host: r.get(0)?,
                    requests: r.get(1)?,
                    remaining: r.get::<_, Option<i64>>(2)?.map(|n| n.max(0) as u64),
                    quota: r.get::<_, Option<i64>>(3)?.map(|n| n.max(0) as u64),
                    reset: r.get(4)?,
                    paused_until: r.get(5)?,
                    refused: r.get(6)?,
                    github: r.get(7)?,
                })
            })
            .map_err(fail)?;
        rows.collect::<Result<_, _>>().map_err(fail)
    }

    /// Every release of `watch` the store has seen, newest first seen first.
    pub fn release_history(&self, watch: &str) -> Result<Vec<StoredRelease>, StoreError> {
        let conn = self.conn();
        let fail = |e: rusqlite::Error| self.query_error(e);
        let mut stmt = conn
            .prepare(
                "SELECT version, date, prerelease, line, first_seen, gone_since FROM releases
                 WHERE watch = ?1 ORDER BY coalesce(date, first_seen) DESC, first_seen DESC",
            )
            .map_err(fail)?;
        let rows = stmt
            .query_map(params![watch], |r| {
                Ok(StoredRelease {
                    version: r.get(0)?,
                    date: r.get(1)?,
                    prerelease: r.get(2)?,
                    line: r.get(3)?,
                    first_seen: r.get(4)?,
                    gone_since: r.get(5)?,
                })
            })
            .map_err(fail)?;
        rows.collect::<Result<_, _>>().map_err(fail)
    }

    /// The versions `distro` shipped as `package`, newest first.
    pub fn shipped_history(
        &self,
        distro: &str,
        package: &str,
    ) -> Result<Vec<ShippedVersion>, StoreError> {
        let conn = self.conn();
        let fail = |e: rusqlite::Error| self.query_error(e);
        let mut stmt = conn
            .prepare(
                "SELECT version, first_seen, last_seen FROM shipped
                 WHERE distro = ?1 AND package = ?2 ORDER BY first_seen DESC, last_seen DESC",
            )
            .map_err(fail)?;
        let rows = stmt
            .query_map(params![distro, package], |r| {
                Ok(ShippedVersion {
                    version: r.get(0)?,
                    first_seen: r.get(1)?,
                    last_seen: r.get(2)?,
                })
            })
            .map_err(fail)?;
        rows.collect::<Result<_, _>>().map_err(fail)
    }

    /// The newest merged upstream data of `watch` (releases, and lines with support folded in).
    pub fn merged_data(&self, watch: &str) -> Result<Option<StaleData>, StoreError> {
        self.last_good(watch, MERGED)
    }
}
