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
        answered: vec![("w".into(), "releases".into(), "t".into(), data.clone())],
        merged: vec![("w".into(), data)],
        hosts: Vec::new(),
    };
    store.record_run(&record, 30).expect("stored")
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
