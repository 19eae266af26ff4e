use super::*;

#[test]
fn migrating_twice_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("nested/rollcall.db");
    let store = Store::open(&path).expect("creates and migrates");
    let version: i64 = store
        .conn()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    assert_eq!(version, migrations::CURRENT);
    drop(store);
    let again = Store::open(&path).expect("opens again");
    let version: i64 = again
        .conn()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    assert_eq!(version, migrations::CURRENT);
    assert_eq!(again.integrity_check().expect("check"), "ok");
    let mode: String = again
        .conn()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("mode");
    assert_eq!(mode, "wal");
}

#[test]
fn a_newer_schema_is_refused_with_the_fix() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("rollcall.db");
    drop(Store::open(&path).expect("creates"));
    let conn = Connection::open(&path).expect("raw open");
    conn.pragma_update(None, "user_version", 99).expect("bump");
    drop(conn);
    let err = Store::open(&path).expect_err("too new");
    assert!(err.to_string().contains("schema version 99"), "{err}");
    assert!(err.to_string().contains("help:"), "{err}");
}

#[test]
fn ages_read_like_people_write_them() {
    assert_eq!(human_age(30), "30 seconds");
    assert_eq!(human_age(3_600), "1 hour");
    assert_eq!(human_age(7_300), "2 hours");
    assert_eq!(human_age(90_000), "1 day");
    assert_eq!(human_age(3 * 86_400), "3 days");
}

fn run_with(store: &Store, versions: &[&str]) -> i64 {
    run_listing(store, versions, true)
}

fn run_listing(store: &Store, versions: &[&str], complete: bool) -> i64 {
    let report = crate::report::Report::new("test.toml".into(), Vec::new(), Vec::new(), 1);
    let data = crate::model::UpstreamData {
        releases: versions
            .iter()
            .map(|v| crate::model::Release {
                version: (*v).to_owned(),
                date: None,
                prerelease: false,
                line: None,
                url: None,
            })
            .collect(),
        complete,
        ..Default::default()
    };
    let record = RunRecord {
        started_at: now_rfc3339(),
        today: "2026-11-26".into(),
        report: &report,
        polls: Vec::new(),
        answered: vec![("w".into(), "releases".into(), "t".into(), Packed::of(&data))],
        merged: vec![("w".into(), Packed::of(&data))],
        hosts: Vec::new(),
    };
    store
        .record_run(&record, Retention { days: 30, runs: 0 })
        .expect("stored")
}

#[test]
fn vanished_releases_get_a_gone_since_and_old_runs_are_pruned() {
    let store = Store::in_memory().expect("store");
    let first = run_with(&store, &["1.0", "1.1"]);
    // The first run is 40 days old by the time of the second one.
    store
        .conn()
        .execute(
            "UPDATE runs SET finished_at = '2000-01-01T00:00:00Z' WHERE id = ?1",
            [first],
        )
        .expect("age the run");
    store
        .conn()
        .execute("UPDATE releases SET last_seen = '2000-01-01T00:00:00Z'", [])
        .expect("age the sightings");
    run_with(&store, &["1.0"]);
    let releases = store.releases("w").expect("releases");
    let gone: Vec<(&str, bool)> = releases
        .iter()
        .map(|(v, _, g)| (v.as_str(), g.is_some()))
        .collect();
    assert_eq!(gone, [("1.0", false), ("1.1", true)]);
    assert_eq!(
        store.run_count().expect("runs"),
        1,
        "the 40-day-old run is pruned"
    );
    assert!(store.last_good("w", "releases").expect("query").is_some());
    let report = store.latest_report().expect("query").expect("a report");
    assert_eq!(report.config, "test.toml");
}

/// A release missing from a window (a feed of the newest releases, a first page) is no longer
/// listed, not gone; only a whole-history listing can say it was withdrawn. The first run of a
/// watch is one baseline line, and the releases of later runs sort by version, newest first.
#[test]
fn windows_never_lose_releases_and_a_first_run_is_a_baseline() {
    let store = Store::in_memory().expect("store");
    run_listing(&store, &["1.8.4", "10.24.1", "11.15.0", "2.5.0"], false);
    let first = store
        .changes_since("2000-01-01T00:00:00Z")
        .expect("changes");
    let sentences: Vec<String> = first.changes.iter().map(Change::sentence).collect();
    assert_eq!(sentences, ["w: first run: 4 releases recorded"]);

    store
        .conn()
        .execute("UPDATE releases SET last_seen = '2000-01-01T00:00:00Z', first_seen = '2000-01-01T00:00:00Z'", [])
        .expect("age the sightings");
    let since = "2001-01-01T00:00:00Z";
    run_listing(&store, &["11.15.0", "9.0.0", "12.1.0", "2.10.0"], false);
    let mut changes = store.changes_since(since).expect("changes");
    assert!(
        !changes
            .changes
            .iter()
            .any(|c| matches!(c, Change::GoneRelease { .. })),
        "{:?}",
        changes.changes
    );
    changes.sort_releases(|_| crate::versions::Scheme::Generic);
    let new: Vec<String> = changes.changes.iter().map(Change::sentence).collect();
    assert_eq!(
        new,
        [
            "w: new release 12.1.0",
            "w: new release 9.0.0",
            "w: new release 2.10.0"
        ]
    );
    // From before the first run: its baseline, then what the second run added.
    let mut both = store
        .changes_since("1999-01-01T00:00:00Z")
        .expect("changes");
    both.sort_releases(|_| crate::versions::Scheme::Generic);
    let both: Vec<String> = both.changes.iter().map(Change::sentence).collect();
    assert_eq!(
        both,
        [
            "w: new release 12.1.0",
            "w: new release 9.0.0",
            "w: new release 2.10.0",
            "w: first run: 4 releases recorded"
        ]
    );
    let unlisted: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM releases WHERE unlisted_since IS NOT NULL AND gone_since IS NULL",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(unlisted, 3, "1.8.4, 10.24.1 and 2.5.0 are no longer listed");

    store
        .conn()
        .execute("UPDATE releases SET last_seen = '2000-01-01T00:00:00Z'", [])
        .expect("age the sightings");
    run_listing(&store, &["11.15.0"], true);
    let gone: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM releases WHERE gone_since IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(
        gone, 6,
        "a whole-history list says the others were withdrawn"
    );
}

fn run_judging(store: &Store, verdicts: Vec<crate::evaluate::Verdict>, keep: Retention) -> i64 {
    let report = crate::report::Report::new("test.toml".into(), verdicts, Vec::new(), 3);
    let polls = report
        .verdicts
        .iter()
        .map(|v| PollRecord {
            watch: v.watch.clone(),
            role: "releases".into(),
            tracker: "t".into(),
            duration_ms: 5,
            calls: 1,
            bytes: 100,
            revalidated: 0,
            outcome: "ok".into(),
            error: None,
            denied: 0,
            denials: Vec::new(),
        })
        .collect();
    let record = RunRecord {
        started_at: now_rfc3339(),
        today: "2026-12-03".into(),
        report: &report,
        polls,
        answered: Vec::new(),
        merged: Vec::new(),
        hosts: Vec::new(),
    };
    store.record_run(&record, keep).expect("stored")
}

fn count(store: &Store, sql: &str) -> i64 {
    store
        .conn()
        .query_row(sql, [], |r| r.get(0))
        .expect("count")
}

/// Thirty runs that change nothing store each verdict and each poll once; a verdict that
/// changes starts a new span, and `changes_since` still says what moved and from what.
#[test]
fn unchanged_runs_add_no_verdicts_and_changes_are_still_known() {
    use crate::evaluate::Status;
    use crate::report::testing::verdict;
    let store = Store::in_memory().expect("store");
    let three = |b: Status| {
        vec![
            verdict("a", "deb", Status::Current, None, "1"),
            verdict("b", "deb", b, Some(12), "2"),
            verdict("c", "deb", Status::Eol, None, "3"),
        ]
    };
    for _ in 0..30 {
        run_judging(&store, three(Status::Behind), Retention::ALL);
    }
    assert_eq!(count(&store, "SELECT count(*) FROM runs"), 30);
    assert_eq!(count(&store, "SELECT count(*) FROM verdict_spans"), 3);
    assert_eq!(count(&store, "SELECT count(*) FROM poll_latest"), 3);
    store
        .conn()
        .execute("UPDATE runs SET finished_at = '2000-01-01T00:00:00Z'", [])
        .expect("age the runs");
    let since = "2001-01-01T00:00:00Z";
    run_judging(&store, three(Status::Superseded), Retention::ALL);
    assert_eq!(count(&store, "SELECT count(*) FROM verdict_spans"), 4);
    let changes = store.changes_since(since).expect("changes");
    let sentences: Vec<String> = changes.changes.iter().map(Change::sentence).collect();
    assert_eq!(
        sentences,
        [
            "b in deb (b): behind → superseded: ",
            "c in deb (c): line 3 reached end of life (date not announced)"
        ]
    );
    // The newest run's report is the newest spans, in the run's order.
    let latest = store.latest_report().expect("query").expect("report");
    let statuses: Vec<&str> = latest.verdicts.iter().map(|v| v.status.as_str()).collect();
    assert_eq!(statuses, ["current", "superseded", "eol"]);
    let current: Vec<String> = store
        .current_verdicts()
        .expect("current")
        .into_iter()
        .map(|v| format!("{} {}", v.verdict.watch, v.verdict.status.as_str()))
        .collect();
    assert_eq!(current, ["a current", "b superseded", "c eol"]);

    // Keeping 2 runs drops the 29 oldest and the span only they gave.
    run_judging(
        &store,
        three(Status::Superseded),
        Retention { days: 0, runs: 2 },
    );
    assert_eq!(count(&store, "SELECT count(*) FROM runs"), 2);
    assert_eq!(count(&store, "SELECT count(*) FROM verdict_spans"), 3);
    let everything = store
        .changes_since("1999-01-01T00:00:00Z")
        .expect("changes");
    assert!(
        everything
            .changes
            .iter()
            .any(|c| matches!(c, Change::VerdictChanged { from, .. } if from == "none")),
        "with the old runs gone, the verdicts are new: {:?}",
        everything.changes
    );
}

/// A store written by the previous schema (a verdict row per run, a poll row per run) opens
/// with its history as spans and newest polls.
#[test]
fn a_store_of_schema_4_keeps_its_history() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("old.db");
    let conn = Connection::open(&path).expect("open");
    for sql in &migrations::MIGRATIONS[..4] {
        conn.execute_batch(sql).expect("old schema");
    }
    conn.pragma_update(None, "user_version", 4)
        .expect("version");
    let v =
        crate::report::testing::verdict("w", "deb", crate::evaluate::Status::Behind, Some(3), "1");
    let json = serde_json::to_string(&v).expect("json");
    for (id, at) in [(1, "2026-12-01T00:00:00Z"), (2, "2026-12-02T00:00:00Z")] {
        conn.execute(
            "INSERT INTO runs VALUES (?1, ?2, ?2, '2026-12-01', 'c.toml', 1, '{\"schema\":1,\"generated_at\":\"x\",\"config\":\"c.toml\",\"errors\":[],\"summary\":{}}')",
            rusqlite::params![id, at],
        )
        .expect("run");
        conn.execute(
            "INSERT INTO verdicts VALUES (?1, 'w', 'deb', 'w', 'behind', 'ok', ?2)",
            rusqlite::params![id, json],
        )
        .expect("verdict");
        conn.execute(
            "INSERT INTO polls VALUES (?1, 'w', 'releases', 't', ?1, 1, 10, 0, 'ok', NULL, 0, '[]')",
            rusqlite::params![id],
        )
        .expect("poll");
    }
    drop(conn);
    let store = Store::open(&path).expect("migrates");
    assert_eq!(count(&store, "SELECT count(*) FROM verdict_spans"), 2);
    let polls = store.latest_polls().expect("polls");
    assert_eq!(polls.len(), 1);
    assert_eq!(
        (polls[0].poll.duration_ms, polls[0].at.as_str()),
        (2, "2026-12-02T00:00:00Z")
    );
    let current = store.current_verdicts().expect("current");
    assert_eq!(current.len(), 1);
    assert_eq!(current[0].at, "2026-12-02T00:00:00Z");
}

/// Cached bodies are kept compressed and come back byte for byte; a row that does not
/// decompress is a miss, not an error.
#[test]
fn cached_bodies_are_compressed_and_a_broken_one_is_a_miss() {
    use crate::net::{CachedResponse, HttpCache};
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("rollcall.db")).expect("store");
    let body: Vec<u8> = (0..2_000)
        .flat_map(|i| format!("{{\"version\":\"1.{i}.0\",\"yanked\":false}},").into_bytes())
        .collect();
    store.put(
        "https://registry.invalid/p",
        CachedResponse {
            etag: Some("\"v1\"".into()),
            last_modified: None,
            headers: vec![("etag".into(), "\"v1\"".into())],
            body: body.clone(),
            fetched_at: String::new(),
        },
    );
    let kept = count(&store, "SELECT length(body) FROM http_cache");
    assert!(
        (kept as usize) < body.len() / 5,
        "{kept} bytes kept for {}",
        body.len()
    );
    let back = store.cached("https://registry.invalid/p").expect("cached");
    assert_eq!(back.body, body);
    assert_eq!(back.etag.as_deref(), Some("\"v1\""));
    assert!(!back.fetched_at.is_empty(), "stamped when stored");

    store
        .conn()
        .execute("UPDATE http_cache SET body = x'00010203'", [])
        .expect("break it");
    assert!(store.cached("https://registry.invalid/p").is_none());
}

/// Last good answers are kept compressed; one an older store kept as JSON text still reads.
#[test]
fn last_good_answers_are_compressed_and_old_text_still_reads() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("rollcall.db")).expect("store");
    let versions: Vec<String> = (0..200).map(|i| format!("1.{i}.0")).collect();
    let refs: Vec<&str> = versions.iter().map(String::as_str).collect();
    run_listing(&store, &refs, true);
    let kept = count(
        &store,
        "SELECT length(data) FROM upstream WHERE role = 'releases'",
    );
    let json = serde_json::to_vec(
        &store
            .last_good("w", "releases")
            .expect("reads")
            .expect("kept")
            .data,
    )
    .expect("json");
    assert!(
        (kept as usize) * 4 < json.len(),
        "{kept} bytes for {}",
        json.len()
    );
    store
        .conn()
        .execute(
            "UPDATE upstream SET data = ?1 WHERE role = 'releases'",
            [String::from_utf8(json).expect("utf-8")],
        )
        .expect("old form");
    let old = store
        .last_good("w", "releases")
        .expect("reads")
        .expect("kept");
    assert_eq!(old.data.releases.len(), 200);
    assert_eq!(old.data.releases[199].version, "1.199.0");
}

/// A run whose listing is byte for byte the last one's leaves the release rows alone; a
/// changed listing updates them and marks what went missing.
#[test]
fn an_unchanged_listing_leaves_its_release_rows_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("rollcall.db")).expect("store");
    run_listing(&store, &["1.0", "1.1"], true);
    let old = "2000-01-01T00:00:00Z";
    store
        .conn()
        .execute("UPDATE releases SET last_seen = ?1", [old])
        .expect("age the rows");
    run_listing(&store, &["1.0", "1.1"], true);
    let aged = count(
        &store,
        "SELECT count(*) FROM releases WHERE last_seen = '2000-01-01T00:00:00Z'",
    );
    assert_eq!(aged, 2, "an unchanged listing rewrote its rows");
    run_listing(&store, &["1.1", "1.2"], true);
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM releases WHERE last_seen = '2000-01-01T00:00:00Z'"
        ),
        1,
        "only the release that went is left as it was"
    );
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM releases WHERE version = '1.0' AND gone_since IS NOT NULL"
        ),
        1
    );
    assert_eq!(count(&store, "SELECT count(*) FROM releases"), 3);
}
