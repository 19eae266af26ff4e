//! What the rest of rollcall asks of the store.

use std::collections::BTreeMap;

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::{Store, StoreError};
use crate::evaluate::Verdict;
use crate::model::UpstreamData;
use crate::net::cache::{CachedResponse, HttpCache};
use crate::report::Report;

/// The role under which a watch's merged data is kept in the `upstream` table.
pub const MERGED: &str = "merged";

/// The health of one poll, as the run saw it.
#[derive(Debug, Clone, Serialize)]
pub struct PollRecord {
    /// The watch.
    pub watch: String,
    /// `releases` or `support`.
    pub role: String,
    /// The tracker.
    pub tracker: String,
    /// Wall time.
    pub duration_ms: u64,
    /// HTTP calls made.
    pub calls: u32,
    /// Bytes received.
    pub bytes: u64,
    /// Responses served from the HTTP cache after a `304`.
    pub revalidated: u32,
    /// `ok`, or the error kind.
    pub outcome: String,
    /// The error message.
    pub error: Option<String>,
    /// Calls the host refused.
    pub denied: u32,
    /// Why, each distinct reason once.
    pub denials: Vec<String>,
}

/// One finished run, written in one transaction.
#[derive(Debug)]
pub struct RunRecord<'a> {
    /// When it started, RFC 3339.
    pub started_at: String,
    /// The day it evaluated as of.
    pub today: String,
    /// The report it produced.
    pub report: &'a Report,
    /// Every poll's health.
    pub polls: Vec<PollRecord>,
    /// Each source that answered: (watch, role, tracker, what it returned).
    pub answered: Vec<(String, String, String, super::Packed)>,
    /// Each watch's merged data, for release and line history: (watch, data).
    pub merged: Vec<(String, super::Packed)>,
    /// Each host's rate-limit budget at the end of the run.
    pub hosts: Vec<crate::model::HostBudget>,
}

/// How much history the store keeps: runs older than `days` and beyond the newest `runs` are
/// pruned, with the verdict spans no kept run gave and cached responses nothing has asked for
/// in `days`. 0 lifts either bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Days of runs kept.
    pub days: u32,
    /// Runs kept.
    pub runs: u32,
}

impl Retention {
    /// Keeps everything.
    pub const ALL: Retention = Retention { days: 0, runs: 0 };

    pub(super) fn apply(self, conn: &rusqlite::Connection) -> rusqlite::Result<()> {
        if self.days > 0 {
            let cutoff = time::OffsetDateTime::now_utc() - time::Duration::days(self.days.into());
            let cutoff = cutoff
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default();
            conn.execute("DELETE FROM runs WHERE finished_at < ?1", params![cutoff])?;
            conn.execute(
                "DELETE FROM http_cache WHERE fetched_at < ?1",
                params![cutoff],
            )?;
        }
        if self.runs > 0 {
            conn.execute(
                "DELETE FROM runs WHERE id <= (SELECT id FROM runs ORDER BY id DESC LIMIT 1 OFFSET ?1)",
                params![self.runs],
            )?;
        }
        conn.execute(
            "DELETE FROM verdict_spans WHERE last_run < coalesce((SELECT min(id) FROM runs), 0)",
            [],
        )?;
        Ok(())
    }
}

/// The last good answer of a watch's source.
#[derive(Debug, Clone)]
pub struct StaleData {
    /// The tracker that gave it.
    pub tracker: String,
    /// When, RFC 3339.
    pub fetched_at: String,
    /// What it returned.
    pub data: UpstreamData,
}

/// One change for `rollcall report`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Change {
    /// An upstream release seen for the first time.
    NewRelease {
        /// The watch.
        watch: String,
        /// The version.
        version: String,
        /// Its publication day, when known.
        date: Option<String>,
        /// When rollcall first saw it.
        first_seen: String,
    },
    /// The first observation of a watch: every release it listed was recorded, none is news.
    FirstRun {
        /// The watch.
        watch: String,
        /// How many releases were recorded.
        releases: u32,
        /// When.
        first_seen: String,
    },
    /// A release that disappeared upstream.
    GoneRelease {
        /// The watch.
        watch: String,
        /// The version.
        version: String,
        /// When rollcall noticed.
        gone_since: String,
    },
    /// A verdict whose status changed between the two runs compared.
    VerdictChanged {
        /// The watch.
        watch: String,
        /// The distro.
        distro: String,
        /// The package.
        package: String,
        /// Status before (`none` when the verdict is new).
        from: String,
        /// Status now.
        to: String,
        /// The explanation now.
        explanation: String,
    },
    /// A line at or near its end of life in the newest run.
    EndOfLife {
        /// The watch.
        watch: String,
        /// The distro.
        distro: String,
        /// The package.
        package: String,
        /// `eol` or `eol-soon`.
        status: String,
        /// The line.
        line: Option<String>,
        /// The end-of-life day.
        eol: Option<String>,
    },
}

impl Change {
    /// The sentence `rollcall report` prints for it.
    pub fn sentence(&self) -> String {
        match self {
            Change::NewRelease {
                watch,
                version,
                date,
                ..
            } => format!(
                "{watch}: new release {version}{}",
                date.as_ref().map(|d| format!(" ({d})")).unwrap_or_default()
            ),
            Change::FirstRun {
                watch, releases, ..
            } => format!(
                "{watch}: first run: {releases} release{} recorded",
                if *releases == 1 { "" } else { "s" }
            ),
            Change::GoneRelease {
                watch,
                version,
                gone_since,
            } => {
                format!("{watch}: release {version} disappeared upstream (noticed {gone_since})")
            }
            Change::VerdictChanged {
                watch,
                distro,
                package,
                from,
                to,
                explanation,
            } => {
                format!("{watch} in {distro} ({package}): {from} → {to}: {explanation}")
            }
            Change::EndOfLife {
                watch,
                distro,
                package,
                status,
                line,
                eol,
            } => format!(
                "{watch} in {distro} ({package}): line {} {} {}",
                line.as_deref().unwrap_or("?"),
                if status == "eol" {
                    "reached end of life"
                } else {
                    "reaches end of life"
                },
                eol.as_deref().unwrap_or("(date not announced)")
            ),
        }
    }
}

/// What changed since a moment.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Changes {
    /// The moment, RFC 3339.
    pub since: String,
    /// The newest run compared, RFC 3339.
    pub latest_run: Option<String>,
    /// The run it is compared with (the last one before `since`), RFC 3339.
    pub baseline_run: Option<String>,
    /// The changes, newest first within each kind.
    pub changes: Vec<Change>,
}

impl Changes {
    /// Orders the new releases of each watch newest first by the watch's version scheme (text
    /// order puts `10.24.1` before `2.5.0`); watches in name order. Other changes keep their
    /// place.
    pub fn sort_releases(&mut self, scheme_of: impl Fn(&str) -> crate::versions::Scheme) {
        let is_release = |c: &Change| matches!(c, Change::NewRelease { .. });
        let mut releases: Vec<Change> = self
            .changes
            .iter()
            .filter(|c| is_release(c))
            .cloned()
            .collect();
        releases.sort_by(|a, b| match (a, b) {
            (
                Change::NewRelease {
                    watch: wa,
                    version: va,
                    ..
                },
                Change::NewRelease {
                    watch: wb,
                    version: vb,
                    ..
                },
            ) => wa.cmp(wb).then_with(|| scheme_of(wa).compare(vb, va)),
            _ => std::cmp::Ordering::Equal,
        });
        let mut sorted = releases.into_iter();
        for change in &mut self.changes {
            if is_release(change)
                && let Some(next) = sorted.next()
            {
                *change = next;
            }
        }
    }
}

impl Store {
    /// Writes a finished run and everything learned in it, in one transaction, and applies
    /// `retention` (first-seen dates are kept: they live in other tables).
    pub fn record_run(&self, run: &RunRecord<'_>, retention: Retention) -> Result<i64, StoreError> {
        let mut conn = self.conn();
        let fail = |e: rusqlite::Error| self.query_error(e);
        let tx = conn.transaction().map_err(fail)?;
        let now = run.report.generated_at.clone();
        // The verdicts go to their own table; the run keeps the rest of the report.
        let head = serde_json::json!({
            "schema": run.report.schema,
            "generated_at": run.report.generated_at,
            "config": run.report.config,
            "errors": run.report.errors,
            "summary": run.report.summary,
        });
        let report_json = head.to_string();
        tx.execute(
            "INSERT INTO runs (started_at, finished_at, today, config, watches, report) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![run.started_at, now, run.today, run.report.config, run.report.summary.watches, report_json],
        )
        .map_err(fail)?;
        let run_id = tx.last_insert_rowid();
        {
            // A verdict the same as its key's newest span extends that span; any other starts
            // a new one. An unchanged run adds no verdict row.
            let mut newest = tx
                .prepare("SELECT first_run, verdict FROM verdict_spans WHERE watch = ?1 AND distro = ?2 AND package = ?3 ORDER BY first_run DESC LIMIT 1")
                .map_err(fail)?;
            let mut extend = tx
                .prepare("UPDATE verdict_spans SET last_run = ?5, ord = ?6 WHERE watch = ?1 AND distro = ?2 AND package = ?3 AND first_run = ?4")
                .map_err(fail)?;
            let mut insert = tx
                .prepare("INSERT INTO verdict_spans (watch, distro, package, first_run, last_run, ord, status, severity, verdict) VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7, ?8)")
                .map_err(fail)?;
            let mut shipped = tx
                .prepare("INSERT INTO shipped (distro, package, version, first_seen, last_seen) VALUES (?1, ?2, ?3, ?4, ?4)
                          ON CONFLICT (distro, package, version) DO UPDATE SET last_seen = excluded.last_seen")
                .map_err(fail)?;
            for (ord, v) in run.report.verdicts.iter().enumerate() {
                let json = serde_json::to_string(v).unwrap_or_default();
                let previous: Option<(i64, String)> = newest
                    .query_row(params![v.watch, v.distro, v.package], |r| {
                        Ok((r.get(0)?, r.get(1)?))
                    })
                    .optional()
                    .map_err(fail)?;
                match previous {
                    Some((first, same)) if same == json => {
                        extend
                            .execute(params![v.watch, v.distro, v.package, first, run_id, ord])
                            .map_err(fail)?;
                    }
                    _ => {
                        insert
                            .execute(params![
                                v.watch,
                                v.distro,
                                v.package,
                                run_id,
                                ord,
                                v.status.as_str(),
                                v.severity.as_str(),
                                json
                            ])
                            .map_err(fail)?;
                    }
                }
                if let Some(version) = &v.shipped {
                    shipped
                        .execute(params![v.distro, v.package, version, now])
                        .map_err(fail)?;
                }
            }
            let mut poll = tx
                .prepare("INSERT INTO poll_latest (watch, role, at, tracker, duration_ms, calls, bytes, revalidated, outcome, error, denied, denials) VALUES (?2, ?3, ?1, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
                          ON CONFLICT (watch, role) DO UPDATE SET at = excluded.at, tracker = excluded.tracker, duration_ms = excluded.duration_ms,
                              calls = excluded.calls, bytes = excluded.bytes, revalidated = excluded.revalidated, outcome = excluded.outcome,
                              error = excluded.error, denied = excluded.denied, denials = excluded.denials")
                .map_err(fail)?;
            for p in &run.polls {
                poll.execute(params![
                    now,
                    p.watch,
                    p.role,
                    p.tracker,
                    p.duration_ms,
                    p.calls,
                    p.bytes,
                    p.revalidated,
                    p.outcome,
                    p.error,
                    p.denied,
                    serde_json::to_string(&p.denials).unwrap_or_else(|_| "[]".into())
                ])
                .map_err(fail)?;
            }
            let mut upstream = tx
                .prepare("INSERT INTO upstream (watch, role, tracker, fetched_at, data) VALUES (?1, ?2, ?3, ?4, ?5)
                          ON CONFLICT (watch, role) DO UPDATE SET tracker = excluded.tracker, fetched_at = excluded.fetched_at, data = excluded.data")
                .map_err(fail)?;
            for (watch, role, tracker, data) in &run.answered {
                upstream
                    .execute(params![watch, role, tracker, now, data.bytes()])
                    .map_err(fail)?;
            }
            let mut release = tx
                .prepare("INSERT INTO releases (watch, version, date, prerelease, line, first_seen, last_seen) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
                          ON CONFLICT (watch, version) DO UPDATE SET last_seen = excluded.last_seen, gone_since = NULL, unlisted_since = NULL,
                              date = coalesce(excluded.date, releases.date), line = coalesce(excluded.line, releases.line)")
                .map_err(fail)?;
            // Missing from a whole-history list: withdrawn. Missing from a window: no longer
            // listed, which is no news.
            let mut gone = tx
                .prepare("UPDATE releases SET gone_since = ?2 WHERE watch = ?1 AND last_seen < ?2 AND gone_since IS NULL")
                .map_err(fail)?;
            let mut unlisted = tx
                .prepare("UPDATE releases SET unlisted_since = ?2 WHERE watch = ?1 AND last_seen < ?2 AND gone_since IS NULL AND unlisted_since IS NULL")
                .map_err(fail)?;
            let mut line = tx
                .prepare("INSERT INTO lines (watch, name, end_of_life, is_eol, lts, latest, first_seen, last_seen) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)
                          ON CONFLICT (watch, name) DO UPDATE SET end_of_life = excluded.end_of_life, is_eol = excluded.is_eol,
                              lts = excluded.lts, latest = excluded.latest, last_seen = excluded.last_seen, gone_since = NULL, unlisted_since = NULL")
                .map_err(fail)?;
            let mut gone_line = tx
                .prepare("UPDATE lines SET gone_since = ?2 WHERE watch = ?1 AND last_seen < ?2 AND gone_since IS NULL")
                .map_err(fail)?;
            let mut unlisted_line = tx
                .prepare("UPDATE lines SET unlisted_since = ?2 WHERE watch = ?1 AND last_seen < ?2 AND gone_since IS NULL AND unlisted_since IS NULL")
                .map_err(fail)?;
            let mut host = tx
                .prepare("INSERT INTO hosts (run_id, host, requests, remaining, quota, reset, paused_until, refused, github) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
                .map_err(fail)?;
            for h in &run.hosts {
                host.execute(params![
                    run_id,
                    h.host,
                    h.requests,
                    h.remaining.map(|n| n as i64),
                    h.quota.map(|n| n as i64),
                    h.reset,
                    h.paused_until,
                    h.refused,
                    h.github
                ])
                .map_err(fail)?;
            }
            let mut previous = tx
                .prepare("SELECT data FROM upstream WHERE watch = ?1 AND role = ?2")
                .map_err(fail)?;
            for (watch, packed) in &run.merged {
                // A listing byte for byte the one the last run stored lists nothing new and
                // lost nothing: its releases' and lines' rows stay as they are (`last_seen` is
                // the newest run whose listing changed or first showed them).
                let unchanged = previous
                    .query_row(params![watch, MERGED], |r| {
                        Ok(super::bytes_of(r.get_ref(0)?))
                    })
                    .optional()
                    .map_err(fail)?
                    .is_some_and(|old| old == packed.bytes());
                // The merged data (support sources folded in) is what the dashboard draws.
                upstream
                    .execute(params![watch, MERGED, "merged", now, packed.bytes()])
                    .map_err(fail)?;
                if unchanged {
                    continue;
                }
                // Unpacked one watch at a time, for its release and line history.
                let Some(data) = packed.unpack() else {
                    continue;
                };
                for r in &data.releases {
                    release
                        .execute(params![
                            watch,
                            r.version,
                            r.date.map(|d| d.to_string()),
                            r.prerelease,
                            r.line,
                            now
                        ])
                        .map_err(fail)?;
                }
                if data.complete {
                    gone.execute(params![watch, now]).map_err(fail)?;
                } else {
                    unlisted.execute(params![watch, now]).map_err(fail)?;
                }
                for l in &data.lines {
                    line.execute(params![
                        watch,
                        l.name,
                        l.end_of_life.map(|d| d.to_string()),
                        l.is_eol,
                        l.lts,
                        l.latest,
                        now
                    ])
                    .map_err(fail)?;
                }
                if data.complete {
                    gone_line.execute(params![watch, now]).map_err(fail)?;
                } else {
                    unlisted_line.execute(params![watch, now]).map_err(fail)?;
                }
            }
        }
        retention.apply(&tx).map_err(fail)?;
        tx.commit().map_err(fail)?;
        Ok(run_id)
    }

    /// The last good answer of `watch`'s `role` source, if any.
    pub fn last_good(&self, watch: &str, role: &str) -> Result<Option<StaleData>, StoreError> {
        let conn = self.conn();
        let row: Option<(String, String, Vec<u8>)> = conn
            .query_row(
                "SELECT tracker, fetched_at, data FROM upstream WHERE watch = ?1 AND role = ?2",
                params![watch, role],
                |r| Ok((r.get(0)?, r.get(1)?, super::bytes_of(r.get_ref(2)?))),
            )
            .optional()
            .map_err(|e| self.query_error(e))?;
        Ok(row.and_then(|(tracker, fetched_at, data)| {
            Some(StaleData {
                tracker,
                fetched_at,
                data: super::unpack(&data)?,
            })
        }))
    }

    /// How many complete runs the store holds.
    pub fn run_count(&self) -> Result<i64, StoreError> {
        self.conn()
            .query_row("SELECT count(*) FROM runs", [], |r| r.get(0))
            .map_err(|e| self.query_error(e))
    }

    /// Each distro's package count in the newest run (its summary only: no verdict is read).
    pub fn latest_distro_sizes(&self) -> Result<BTreeMap<String, Option<u32>>, StoreError> {
        let head: Option<String> = self
            .conn()
            .query_row(
                "SELECT report FROM runs ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.query_error(e))?;
        let head: serde_json::Value = head
            .and_then(|h| serde_json::from_str(&h).ok())
            .unwrap_or_default();
        Ok(head["summary"]["distros"]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(name, d)| {
                        let n = d["packages"].as_u64().and_then(|n| u32::try_from(n).ok());
                        (name.clone(), n)
                    })
                    .collect()
            })
            .unwrap_or_default())
    }

    /// The report of the newest run, if any (its verdicts from the verdicts table).
    pub fn latest_report(&self) -> Result<Option<Report>, StoreError> {
        let conn = self.conn();
        let fail = |e: rusqlite::Error| self.query_error(e);
        let row: Option<(i64, String)> = conn
            .query_row(
                "SELECT id, report FROM runs ORDER BY id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(fail)?;
        let Some((id, head)) = row else {
            return Ok(None);
        };
        let mut head: serde_json::Value = serde_json::from_str(&head).unwrap_or_default();
        let mut stmt = conn
            .prepare("SELECT verdict FROM verdict_spans WHERE last_run = ?1 ORDER BY ord")
            .map_err(fail)?;
        let verdicts: Vec<serde_json::Value> = stmt
            .query_map(params![id], |r| r.get::<_, String>(0))
            .map_err(fail)?
            .filter_map(|v| v.ok().and_then(|v| serde_json::from_str(&v).ok()))
            .collect();
        head["verdicts"] = serde_json::Value::Array(verdicts);
        Ok(serde_json::from_value(head).ok())
    }

    /// Every release of `watch` the store knows: (version, first_seen, gone_since).
    pub fn releases(
        &self,
        watch: &str,
    ) -> Result<Vec<(String, String, Option<String>)>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare("SELECT version, first_seen, gone_since FROM releases WHERE watch = ?1 ORDER BY first_seen, version")
            .map_err(|e| self.query_error(e))?;
        let rows = stmt
            .query_map(params![watch], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .map_err(|e| self.query_error(e))?;
        rows.collect::<Result<_, _>>()
            .map_err(|e| self.query_error(e))
    }

    /// What changed since `since` (RFC 3339): new and vanished releases, verdicts whose status
    /// moved between the last run before `since` and the newest run, and lines at or near their
    /// end of life in the newest run.
    pub fn changes_since(&self, since: &str) -> Result<Changes, StoreError> {
        let conn = self.conn();
        let fail = |e: rusqlite::Error| self.query_error(e);
        let mut out = Changes {
            since: since.to_owned(),
            ..Changes::default()
        };
        // A watch's first observation is a baseline: what it recorded then is not news. Each
        // watch's first observation is found by a seek on (watch, first_seen); its new releases
        // by a range on the same index, so a first run of 35,000 watches is 35,000 baselines,
        // not millions of rows to read back and sort.
        conn.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS firsts (watch TEXT PRIMARY KEY, first TEXT NOT NULL) WITHOUT ROWID;
             DELETE FROM temp.firsts;
             INSERT INTO temp.firsts
                 SELECT w.watch, (SELECT min(m.first_seen) FROM releases m WHERE m.watch = w.watch)
                 FROM (SELECT DISTINCT watch FROM releases) w;",
        )
        .map_err(fail)?;
        let mut stmt = conn
            .prepare(
                "SELECT r.watch, r.version, r.date, r.first_seen
                 FROM temp.firsts f CROSS JOIN releases r
                   ON r.watch = f.watch AND r.first_seen > f.first AND r.first_seen >= ?1
                 ORDER BY r.first_seen DESC, r.watch, r.version",
            )
            .map_err(fail)?;
        let rows = stmt
            .query_map(params![since], |r| {
                Ok(Change::NewRelease {
                    watch: r.get(0)?,
                    version: r.get(1)?,
                    date: r.get(2)?,
                    first_seen: r.get(3)?,
                })
            })
            .map_err(fail)?;
        for row in rows {
            out.changes.push(row.map_err(fail)?);
        }
        let mut stmt = conn
            .prepare(
                "SELECT f.watch, f.first,
                        (SELECT count(*) FROM releases r WHERE r.watch = f.watch AND r.first_seen = f.first)
                 FROM temp.firsts f WHERE f.first >= ?1 ORDER BY f.watch",
            )
            .map_err(fail)?;
        let rows = stmt
            .query_map(params![since], |r| {
                Ok(Change::FirstRun {
                    watch: r.get(0)?,
                    first_seen: r.get(1)?,
                    releases: r.get(2)?,
                })
            })
            .map_err(fail)?;
        for row in rows {
            out.changes.push(row.map_err(fail)?);
        }
        let mut stmt = conn
            .prepare("SELECT watch, version, gone_since FROM releases WHERE gone_since >= ?1 ORDER BY gone_since DESC, watch, version")
            .map_err(fail)?;
        let rows = stmt
            .query_map(params![since], |r| {
                Ok(Change::GoneRelease {
                    watch: r.get(0)?,
                    version: r.get(1)?,
                    gone_since: r.get(2)?,
                })
            })
            .map_err(fail)?;
        for row in rows {
            out.changes.push(row.map_err(fail)?);
        }
        let latest: Option<String> = conn
            .query_row(
                "SELECT finished_at FROM runs ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(fail)?;
        let Some(latest_at) = latest else {
            return Ok(out);
        };
        out.latest_run = Some(latest_at);
        let baseline: Option<String> = conn
            .query_row(
                "SELECT finished_at FROM runs WHERE finished_at < ?1 ORDER BY id DESC LIMIT 1",
                params![since],
                |r| r.get(0),
            )
            .optional()
            .map_err(fail)?;
        // The newest verdict of each (watch, distro, package) seen since `since`, against the
        // newest seen before it: daemon runs cover only the watches that were due, so runs are
        // not compared whole. Only verdicts that moved or sit at an end of life are read.
        let first_since: Option<i64> = conn
            .query_row(
                "SELECT min(id) FROM runs WHERE finished_at >= ?1",
                params![since],
                |r| r.get(0),
            )
            .map_err(fail)?;
        out.baseline_run = baseline;
        let Some(first_since) = first_since else {
            return Ok(out);
        };
        let mut stmt = conn
            .prepare(
                "SELECT verdict, before FROM (
                     SELECT n.verdict, n.status, n.last_run, n.ord,
                            (SELECT b.status FROM verdict_spans b
                              WHERE b.watch = n.watch AND b.distro = n.distro AND b.package = n.package
                                AND b.first_run < ?1
                              ORDER BY b.first_run DESC LIMIT 1) AS before
                     FROM verdict_spans n
                     WHERE n.last_run >= ?1
                       AND n.first_run = (SELECT max(t.first_run) FROM verdict_spans t
                                          WHERE t.watch = n.watch AND t.distro = n.distro AND t.package = n.package))
                 WHERE before IS NULL OR before != status OR status IN ('eol', 'eol-soon')
                 ORDER BY last_run DESC, ord",
            )
            .map_err(fail)?;
        let rows = stmt
            .query_map(params![first_since], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
            })
            .map_err(fail)?;
        for row in rows {
            let (json, before) = row.map_err(fail)?;
            // A verdict this binary cannot read (written by a newer one) is skipped.
            let Ok(v) = serde_json::from_str::<Verdict>(&json) else {
                continue;
            };
            let from = before.as_deref().unwrap_or("none");
            if from != v.status.as_str() {
                out.changes.push(Change::VerdictChanged {
                    watch: v.watch.clone(),
                    distro: v.distro.clone(),
                    package: v.package.clone(),
                    from: from.to_owned(),
                    to: v.status.as_str().to_owned(),
                    explanation: v.explanation.clone(),
                });
            }
            if matches!(
                v.status,
                crate::evaluate::Status::Eol | crate::evaluate::Status::EolSoon
            ) {
                out.changes.push(Change::EndOfLife {
                    watch: v.watch.clone(),
                    distro: v.distro.clone(),
                    package: v.package.clone(),
                    status: v.status.as_str().to_owned(),
                    line: v.line.clone(),
                    eol: v.eol.map(|d| d.to_string()),
                });
            }
        }
        Ok(out)
    }

    /// The cached response for `url`: (etag, last-modified, headers, body, fetched_at).
    pub fn http_cached(&self, url: &str) -> Option<CachedResponse> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare_cached(
                "SELECT etag, last_modified, headers, body, fetched_at FROM http_cache WHERE url = ?1",
            )
            .ok()?;
        let found = stmt
            .query_row(params![url], |r| {
                Ok(CachedResponse {
                    etag: r.get(0)?,
                    last_modified: r.get(1)?,
                    headers: serde_json::from_str(&r.get::<_, String>(2)?).unwrap_or_default(),
                    body: r.get(3)?,
                    fetched_at: r.get(4)?,
                })
            })
            .optional()
            .ok()
            .flatten()?;
        // A body that does not decompress is no cached response: the request goes out whole.
        match zstd::stream::decode_all(&found.body[..]) {
            Ok(body) => Some(CachedResponse { body, ..found }),
            Err(e) => {
                tracing::warn!(%url, "a cached response does not decompress: {e}");
                None
            }
        }
    }

    /// Marks the cached response for `url` as confirmed at `at` (a `304`): the body is not
    /// written again.
    pub fn http_touch(&self, url: &str, at: &str) {
        let conn = self.conn();
        let result = conn.execute(
            "UPDATE http_cache SET fetched_at = ?2 WHERE url = ?1",
            params![url, at],
        );
        if let Err(e) = result {
            tracing::warn!(%url, "could not refresh a cached response: {e}");
        }
    }

    /// Remembers a `200` response that carries a validator, its body zstd-compressed.
    pub fn http_store(&self, url: &str, response: &CachedResponse) {
        let body = match zstd::bulk::compress(&response.body, CACHE_LEVEL) {
            Ok(body) => body,
            Err(e) => {
                tracing::warn!(%url, "could not compress a response to cache it: {e}");
                return;
            }
        };
        let conn = self.conn();
        let result = conn.execute(
            "INSERT INTO http_cache (url, etag, last_modified, headers, body, fetched_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,
                 headers = excluded.headers, body = excluded.body, fetched_at = excluded.fetched_at",
            params![
                url,
                response.etag,
                response.last_modified,
                serde_json::to_string(&response.headers).unwrap_or_default(),
                body,
                response.fetched_at
            ],
        );
        if let Err(e) = result {
            tracing::warn!(%url, "could not cache a response: {e}");
        }
    }
}

/// zstd's level for cached bodies: its fastest regular level; registry JSON still shrinks
/// about tenfold.
const CACHE_LEVEL: i32 = 1;

/// The client's cache is the store's `http_cache` table; each call steps off the async workers.
impl HttpCache for Store {
    fn cached(&self, key: &str) -> Option<CachedResponse> {
        super::blocking(|| self.http_cached(key))
    }

    fn touch(&self, key: &str) {
        let now = super::now_rfc3339();
        super::blocking(|| self.http_touch(key, &now));
    }

    fn put(&self, key: &str, mut response: CachedResponse) {
        response.fetched_at = super::now_rfc3339();
        super::blocking(|| self.http_store(key, &response));
    }
}
