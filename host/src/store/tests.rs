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
