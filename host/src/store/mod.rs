//! The store: what rollcall remembers between runs, in one SQLite file.
//!
//! - **runs**, each with its verdicts and the health of every poll (duration, HTTP calls, bytes,
//!   outcome, error), written in one transaction when the run ends: a run is visible whole or
//!   not at all, whatever kills the process;
//! - every upstream **release** and **release line** a watch ever saw, with first-seen,
//!   last-seen and gone-since (a deleted tag is noticed, never kept as "latest");
//! - every **shipped** version per distro and package, with first-seen and last-seen;
//! - the **last good upstream data** of each watch's sources, served (with its age) when an
//!   upstream fails;
//! - the **HTTP cache**: validators (`ETag`, `Last-Modified`) and bodies, so an unchanged
//!   upstream costs a `304`.
//!
//! SQLite in WAL mode with a busy timeout, so `rollcall check` can run while the daemon does;
//! the schema is migrated by `PRAGMA user_version`. The default file is
//! `$XDG_DATA_HOME/rollcall/rollcall.db` (`~/.local/share/rollcall/rollcall.db`).

mod merge;
mod migrations;
mod queries;
mod views;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::Connection;

pub use self::merge::Merged;
pub use self::queries::{Change, Changes, PollRecord, Retention, RunRecord, StaleData};
pub use self::views::{ShippedVersion, StoredPoll, StoredRelease, StoredVerdict};

/// Why the store could not be used.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file could not be opened or created.
    #[error(
        "cannot open the store `{path}`: {message}\nhelp: check the directory's permissions, or pass another file with `--db FILE`"
    )]
    Open {
        /// The database file.
        path: PathBuf,
        /// What SQLite said.
        message: String,
    },
    /// The file is a newer schema than this binary knows.
    #[error(
        "the store `{path}` has schema version {found}, newer than this rollcall understands ({known})\nhelp: upgrade rollcall, or pass another file with `--db FILE`"
    )]
    TooNew {
        /// The database file.
        path: PathBuf,
        /// Its `user_version`.
        found: i64,
        /// The newest this binary knows.
        known: i64,
    },
    /// A query failed.
    #[error("store `{path}`: {message}")]
    Query {
        /// The database file.
        path: PathBuf,
        /// What SQLite said.
        message: String,
    },
}

/// An open store; cheap to share behind an `Arc`.
#[derive(Debug)]
pub struct Store {
    conn: Mutex<Connection>,
    path: PathBuf,
}

/// How long a writer waits for another process's transaction before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

impl Store {
    /// Opens (creating and migrating as needed) the store at `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let fail = |e: &dyn std::fmt::Display| StoreError::Open {
            path: path.to_owned(),
            message: e.to_string(),
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| fail(&e))?;
        }
        let conn = Connection::open(path).map_err(|e| fail(&e))?;
        Self::setup(conn, path.to_owned())
    }

    /// A store that lives in memory (tests, `--no-store`).
    pub fn in_memory() -> Result<Self, StoreError> {
        let conn = Connection::open_in_memory().map_err(|e| StoreError::Open {
            path: PathBuf::from(":memory:"),
            message: e.to_string(),
        })?;
        Self::setup(conn, PathBuf::from(":memory:"))
    }

    fn setup(conn: Connection, path: PathBuf) -> Result<Self, StoreError> {
        let fail = |e: rusqlite::Error| StoreError::Open {
            path: path.clone(),
            message: e.to_string(),
        };
        conn.busy_timeout(BUSY_TIMEOUT).map_err(fail)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(fail)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(fail)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(fail)?;
        let store = Self {
            conn: Mutex::new(conn),
            path,
        };
        store.migrate()?;
        Ok(store)
    }

    /// Where the store lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The default file: `$XDG_DATA_HOME/rollcall/rollcall.db`, else
    /// `~/.local/share/rollcall/rollcall.db`.
    pub fn default_path() -> Option<PathBuf> {
        std::env::var_os("XDG_DATA_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
            .map(|dir| dir.join("rollcall").join("rollcall.db"))
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves the connection usable: SQLite rolls back an
        // unfinished transaction when the next one begins.
        self.conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn query_error(&self, e: rusqlite::Error) -> StoreError {
        StoreError::Query {
            path: self.path.clone(),
            message: e.to_string(),
        }
    }

    /// `PRAGMA integrity_check`: `ok`, or what is wrong.
    pub fn integrity_check(&self) -> Result<String, StoreError> {
        self.conn()
            .query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0))
            .map_err(|e| self.query_error(e))
    }
}

/// Runs `f`, a store call that blocks on SQLite, without holding up an async worker: on a
/// multi-threaded runtime the worker hands its other tasks on first (`block_in_place`).
pub fn blocking<R>(f: impl FnOnce() -> R) -> R {
    match tokio::runtime::Handle::try_current() {
        Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(f)
        }
        _ => f(),
    }
}

/// zstd's frame magic: a stored value that starts with it is compressed.
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xB5, 0x2F, 0xFD];

/// A value as the store keeps large JSON (an upstream's last good answer): serialised and
/// zstd-compressed at its fastest regular level (registry data shrinks about tenfold).
pub fn pack<T: serde::Serialize>(value: &T) -> Vec<u8> {
    let json = serde_json::to_vec(value).unwrap_or_default();
    zstd::bulk::compress(&json, 1).unwrap_or(json)
}

/// The value [`pack`] kept, or JSON text an older store kept as it was; `None` if it is neither.
pub fn unpack<T: serde::de::DeserializeOwned>(stored: &[u8]) -> Option<T> {
    if stored.starts_with(&ZSTD_MAGIC) {
        let json = zstd::stream::decode_all(stored).ok()?;
        serde_json::from_slice(&json).ok()
    } else {
        serde_json::from_slice(stored).ok()
    }
}

/// Upstream data as a run keeps it for the store until the run is written: packed, so a run of
/// 35,000 watches holds megabytes of answers, not gigabytes of release lists.
#[derive(Debug, Clone)]
pub struct Packed(Vec<u8>);

impl Packed {
    /// `data`, packed.
    pub fn of(data: &crate::model::UpstreamData) -> Self {
        Self(pack(data))
    }

    /// The bytes the store keeps.
    pub fn bytes(&self) -> &[u8] {
        &self.0
    }

    /// The data again.
    pub fn unpack(&self) -> Option<crate::model::UpstreamData> {
        unpack(&self.0)
    }
}

/// The bytes of a TEXT or BLOB column.
fn bytes_of(value: rusqlite::types::ValueRef<'_>) -> Vec<u8> {
    match value {
        rusqlite::types::ValueRef::Text(b) | rusqlite::types::ValueRef::Blob(b) => b.to_vec(),
        _ => Vec::new(),
    }
}

/// Now, RFC 3339 UTC, to the second.
pub fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc());
    now.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Whole seconds since an RFC 3339 time (0 when it does not parse or is in the future).
pub fn age_seconds(rfc3339: &str) -> u64 {
    time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
        .map(|then| {
            (time::OffsetDateTime::now_utc() - then)
                .whole_seconds()
                .max(0) as u64
        })
        .unwrap_or(0)
}

/// `3 days`, `5 hours`, `12 minutes`, `40 seconds`.
pub fn human_age(seconds: u64) -> String {
    let (n, unit) = match seconds {
        s if s >= 2 * 86_400 => (s / 86_400, "days"),
        s if s >= 86_400 => (1, "day"),
        s if s >= 7_200 => (s / 3_600, "hours"),
        s if s >= 3_600 => (1, "hour"),
        s if s >= 120 => (s / 60, "minutes"),
        s => (s, if s == 1 { "second" } else { "seconds" }),
    };
    format!("{n} {unit}")
}

#[cfg(test)]
mod tests;
