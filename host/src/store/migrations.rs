//! The schema, as a list of migrations applied in order; `PRAGMA user_version` records how
//! many have run. A migration is never edited once released: changes are new entries.

use super::{Store, StoreError};

/// Each entry moves the schema from version `index` to `index + 1`.
pub(super) const MIGRATIONS: &[&str] = &[
    // 1: runs, verdicts, poll health, releases, lines, shipped versions, last good data, HTTP cache.
    "
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        today TEXT NOT NULL,
        config TEXT NOT NULL,
        watches INTEGER NOT NULL,
        report TEXT NOT NULL
    );
    CREATE TABLE verdicts (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        watch TEXT NOT NULL,
        distro TEXT NOT NULL,
        package TEXT NOT NULL,
        status TEXT NOT NULL,
        severity TEXT NOT NULL,
        verdict TEXT NOT NULL
    );
    CREATE INDEX verdicts_by_run ON verdicts(run_id);
    CREATE TABLE polls (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        watch TEXT NOT NULL,
        role TEXT NOT NULL,
        tracker TEXT NOT NULL,
        duration_ms INTEGER NOT NULL,
        calls INTEGER NOT NULL,
        bytes INTEGER NOT NULL,
        revalidated INTEGER NOT NULL,
        outcome TEXT NOT NULL,
        error TEXT
    );
    CREATE INDEX polls_by_run ON polls(run_id);
    CREATE TABLE releases (
        watch TEXT NOT NULL,
        version TEXT NOT NULL,
        date TEXT,
        prerelease INTEGER NOT NULL,
        line TEXT,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        gone_since TEXT,
        PRIMARY KEY (watch, version)
    );
    CREATE TABLE lines (
        watch TEXT NOT NULL,
        name TEXT NOT NULL,
        end_of_life TEXT,
        is_eol INTEGER NOT NULL,
        lts INTEGER NOT NULL,
        latest TEXT,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        gone_since TEXT,
        PRIMARY KEY (watch, name)
    );
    CREATE TABLE shipped (
        distro TEXT NOT NULL,
        package TEXT NOT NULL,
        version TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        PRIMARY KEY (distro, package, version)
    );
    CREATE TABLE upstream (
        watch TEXT NOT NULL,
        role TEXT NOT NULL,
        tracker TEXT NOT NULL,
        fetched_at TEXT NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (watch, role)
    );
    CREATE TABLE http_cache (
        url TEXT PRIMARY KEY,
        etag TEXT,
        last_modified TEXT,
        headers TEXT NOT NULL,
        body BLOB NOT NULL,
        fetched_at TEXT NOT NULL
    );
    ",
    // 2: the dashboard's reads (newest verdicts and polls per watch) and each host's rate-limit
    // budget as the run last saw it.
    "
    CREATE INDEX verdicts_by_watch ON verdicts(watch, run_id);
    CREATE INDEX polls_by_watch ON polls(watch, role, run_id);
    CREATE TABLE hosts (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        host TEXT NOT NULL,
        requests INTEGER NOT NULL,
        remaining INTEGER,
        quota INTEGER,
        reset TEXT,
        paused_until TEXT
    );
    CREATE INDEX hosts_by_host ON hosts(host, run_id);
    ",
    // 3: a release or line that a windowed listing (a feed of the newest, a first page) stops
    // showing is "no longer listed", not gone: only a tracker whose list is the upstream's
    // whole history can say a release was withdrawn.
    "
    ALTER TABLE releases ADD COLUMN unlisted_since TEXT;
    ALTER TABLE lines ADD COLUMN unlisted_since TEXT;
    ",
    // 4: what the host refused each poll: how many calls, and the distinct reasons (a JSON
    // array of strings, at most `runtime::MAX_DENIALS`).
    "
    ALTER TABLE polls ADD COLUMN denied INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE polls ADD COLUMN denials TEXT NOT NULL DEFAULT '[]';
    ",
    // 5: history that grows with what changes, not with how often rollcall runs. A verdict is
    // kept once per span of runs that gave it unchanged (a run that changes nothing updates
    // `last_run`); a poll's health only as its newest; releases indexed for `changes_since`.
    "
    CREATE TABLE verdict_spans (
        watch TEXT NOT NULL,
        distro TEXT NOT NULL,
        package TEXT NOT NULL,
        first_run INTEGER NOT NULL,
        last_run INTEGER NOT NULL,
        ord INTEGER NOT NULL,
        status TEXT NOT NULL,
        severity TEXT NOT NULL,
        verdict TEXT NOT NULL,
        PRIMARY KEY (watch, distro, package, first_run)
    ) WITHOUT ROWID;
    CREATE INDEX verdict_spans_by_last ON verdict_spans(last_run, ord);
    INSERT OR IGNORE INTO verdict_spans
        SELECT watch, distro, package, run_id, run_id, rowid, status, severity, verdict FROM verdicts;
    DROP TABLE verdicts;
    CREATE TABLE poll_latest (
        watch TEXT NOT NULL,
        role TEXT NOT NULL,
        at TEXT NOT NULL,
        tracker TEXT NOT NULL,
        duration_ms INTEGER NOT NULL,
        calls INTEGER NOT NULL,
        bytes INTEGER NOT NULL,
        revalidated INTEGER NOT NULL,
        outcome TEXT NOT NULL,
        error TEXT,
        denied INTEGER NOT NULL,
        denials TEXT NOT NULL,
        PRIMARY KEY (watch, role)
    );
    INSERT OR REPLACE INTO poll_latest
        SELECT p.watch, p.role, r.finished_at, p.tracker, p.duration_ms, p.calls, p.bytes,
               p.revalidated, p.outcome, p.error, p.denied, p.denials
        FROM polls p JOIN runs r ON r.id = p.run_id ORDER BY p.run_id, p.rowid;
    DROP TABLE polls;
    CREATE INDEX releases_by_seen ON releases(first_seen);
    CREATE INDEX releases_by_watch_seen ON releases(watch, first_seen);
    CREATE INDEX releases_by_gone ON releases(gone_since);
    ",
    // 6: how many polls each host's spent budget refused in a run; cached bodies are kept
    // zstd-compressed (a distribution's registry documents and release pages are gigabytes
    // raw), so the uncompressed ones go: each costs one unconditional request.
    "
    ALTER TABLE hosts ADD COLUMN refused INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE hosts ADD COLUMN github INTEGER NOT NULL DEFAULT 0;
    DELETE FROM http_cache;
    ",
];

/// The schema version this binary writes.
pub const CURRENT: i64 = MIGRATIONS.len() as i64;

impl Store {
    /// Applies the migrations the file has not seen, in one `IMMEDIATE` transaction: the
    /// version is read under the write lock, so two processes opening a new store at once (a
    /// daemon and a `check`) never both migrate it.
    pub(super) fn migrate(&self) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| self.query_error(e))?;
        let found: i64 = tx
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| self.query_error(e))?;
        if found > CURRENT {
            return Err(StoreError::TooNew {
                path: self.path.clone(),
                found,
                known: CURRENT,
            });
        }
        if found == CURRENT {
            return Ok(());
        }
        for sql in MIGRATIONS.iter().skip(found as usize) {
            tx.execute_batch(sql).map_err(|e| self.query_error(e))?;
        }
        tx.pragma_update(None, "user_version", CURRENT)
            .map_err(|e| self.query_error(e))?;
        tx.commit().map_err(|e| self.query_error(e))
    }
}
