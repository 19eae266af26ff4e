//! `rollcall store merge`: the stores of N shards (`check --shard K/N`, each on its own machine)
//! become one, as if one machine had run every watch: one run whose verdicts are the union of
//! each shard's newest run, and the history (releases, lines, shipped versions, last good
//! data, cached responses) of all of them, each fact with its earliest first sighting.

use std::collections::BTreeMap;
use std::path::Path;

use rusqlite::params;

use super::{RunRecord, Store, StoreError};
use crate::report::Report;

/// What a merge did.
#[derive(Debug, Default)]
pub struct Merged {
    /// Stores read.
    pub stores: usize,
    /// Verdicts in the merged run.
    pub verdicts: usize,
    /// Watches in the merged run.
    pub watches: u32,
    /// Stores that had no run, by path.
    pub empty: Vec<String>,
}

/// The history tables, and how a row of a shard meets the same row already merged.
const HISTORY: &[&str] = &[
    "INSERT INTO main.releases SELECT * FROM shard.releases WHERE true
     ON CONFLICT (watch, version) DO UPDATE SET
         first_seen = min(releases.first_seen, excluded.first_seen),
         last_seen = max(releases.last_seen, excluded.last_seen),
         gone_since = CASE WHEN excluded.last_seen >= releases.last_seen THEN excluded.gone_since ELSE releases.gone_since END,
         unlisted_since = CASE WHEN excluded.last_seen >= releases.last_seen THEN excluded.unlisted_since ELSE releases.unlisted_since END,
         date = coalesce(releases.date, excluded.date),
         line = coalesce(releases.line, excluded.line)",
    "INSERT INTO main.lines SELECT * FROM shard.lines WHERE true
     ON CONFLICT (watch, name) DO UPDATE SET
         first_seen = min(lines.first_seen, excluded.first_seen),
         last_seen = max(lines.last_seen, excluded.last_seen),
         end_of_life = CASE WHEN excluded.last_seen >= lines.last_seen THEN excluded.end_of_life ELSE lines.end_of_life END,
         is_eol = CASE WHEN excluded.last_seen >= lines.last_seen THEN excluded.is_eol ELSE lines.is_eol END,
         lts = CASE WHEN excluded.last_seen >= lines.last_seen THEN excluded.lts ELSE lines.lts END,
         latest = CASE WHEN excluded.last_seen >= lines.last_seen THEN excluded.latest ELSE lines.latest END,
         gone_since = CASE WHEN excluded.last_seen >= lines.last_seen THEN excluded.gone_since ELSE lines.gone_since END,
         unlisted_since = CASE WHEN excluded.last_seen >= lines.last_seen THEN excluded.unlisted_since ELSE lines.unlisted_since END",
    "INSERT INTO main.shipped SELECT * FROM shard.shipped WHERE true
     ON CONFLICT (distro, package, version) DO UPDATE SET
         first_seen = min(shipped.first_seen, excluded.first_seen),
         last_seen = max(shipped.last_seen, excluded.last_seen)",
    "INSERT INTO main.upstream SELECT * FROM shard.upstream WHERE true
     ON CONFLICT (watch, role) DO UPDATE SET tracker = excluded.tracker,
         fetched_at = excluded.fetched_at, data = excluded.data
     WHERE excluded.fetched_at >= upstream.fetched_at",
    "INSERT INTO main.http_cache SELECT * FROM shard.http_cache WHERE true
     ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,
         headers = excluded.headers, body = excluded.body, fetched_at = excluded.fetched_at
     WHERE excluded.fetched_at >= http_cache.fetched_at",
    "INSERT INTO main.poll_latest SELECT * FROM shard.poll_latest WHERE true
     ON CONFLICT (watch, role) DO UPDATE SET at = excluded.at, tracker = excluded.tracker,
         duration_ms = excluded.duration_ms, calls = excluded.calls, bytes = excluded.bytes,
         revalidated = excluded.revalidated, outcome = excluded.outcome, error = excluded.error,
         denied = excluded.denied, denials = excluded.denials
     WHERE excluded.at >= poll_latest.at",
];

impl Store {
    /// Merges the stores at `shards` into this one (see the module's documentation). Every
    /// shard is migrated to this binary's schema first; none is changed otherwise.
    pub fn merge_from(&self, shards: &[&Path]) -> Result<Merged, StoreError> {
        let mut merged = Merged::default();
        let mut verdicts = Vec::new();
        let mut errors = Vec::new();
        let mut watches = 0;
        let mut sizes: BTreeMap<String, Option<u32>> = BTreeMap::new();
        let mut config = None;
        let mut today = None;
        for path in shards {
            let shard = Store::open(path)?;
            merged.stores += 1;
            let Some(report) = shard.latest_report()? else {
                merged.empty.push(path.display().to_string());
                continue;
            };
            let shard_today: Option<String> = shard
                .conn()
                .query_row("SELECT today FROM runs ORDER BY id DESC LIMIT 1", [], |r| {
                    r.get(0)
                })
                .map_err(|e| shard.query_error(e))?;
            today = today.max(shard_today);
            watches += report.summary.watches;
            for (name, d) in &report.summary.distros {
                let size = sizes.entry(name.clone()).or_insert(d.packages);
                *size = (*size).max(d.packages);
            }
            config.get_or_insert(report.config.clone());
            verdicts.extend(report.verdicts);
            errors.extend(report.errors);
        }
        verdicts.sort_by(|a, b| {
            (&a.watch, &a.distro, &a.package).cmp(&(&b.watch, &b.distro, &b.package))
        });
        let mut report = Report::new(
            config.unwrap_or_else(|| "merged".to_owned()),
            verdicts,
            errors,
            watches,
        );
        report.summarise_distros(&sizes);
        merged.verdicts = report.verdicts.len();
        merged.watches = watches;
        let record = RunRecord {
            started_at: super::now_rfc3339(),
            today: today.unwrap_or_default(),
            report: &report,
            polls: Vec::new(),
            answered: Vec::new(),
            merged: Vec::new(),
            hosts: Vec::new(),
        };
        self.record_run(&record, super::Retention::ALL)?;
        let conn = self.conn();
        let fail = |e: rusqlite::Error| self.query_error(e);
        for path in shards {
            conn.execute(
                "ATTACH DATABASE ?1 AS shard",
                params![path.to_string_lossy()],
            )
            .map_err(fail)?;
            let copied = (|| {
                let tx = conn.unchecked_transaction()?;
                for sql in HISTORY {
                    tx.execute(sql, [])?;
                }
                tx.commit()
            })();
            conn.execute("DETACH DATABASE shard", []).map_err(fail)?;
            copied.map_err(fail)?;
        }
        Ok(merged)
    }

    /// Applies `retention` now, then gives the file's free pages back (`VACUUM`): (bytes
    /// before, bytes after).
    pub fn gc(&self, retention: super::Retention) -> Result<(u64, u64), StoreError> {
        let size = || {
            std::fs::metadata(&self.path).map_or(0, |m| m.len())
                + std::fs::metadata(format!("{}-wal", self.path.display())).map_or(0, |m| m.len())
        };
        let before = size();
        let conn = self.conn();
        let fail = |e: rusqlite::Error| self.query_error(e);
        {
            let tx = conn.unchecked_transaction().map_err(fail)?;
            retention.apply(&tx).map_err(fail)?;
            tx.commit().map_err(fail)?;
        }
        conn.execute_batch("VACUUM; PRAGMA wal_checkpoint(TRUNCATE);")
            .map_err(fail)?;
        Ok((before, size()))
    }
}
