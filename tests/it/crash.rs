//! Crash consistency: `rollcall check` killed with SIGKILL at random points of a run, again and
//! again. Afterwards the store passes `PRAGMA integrity_check`, holds only whole runs (every
//! run has all its verdicts, no verdict lacks its run), and the next run succeeds.

use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, Instant};

use rollcall::store::Store;

use crate::support;

const WATCHES: usize = 100;
const KILLS: usize = 24;

fn random_below(n: u64) -> u64 {
    std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish()
        % n.max(1)
}

fn whole_runs_only(db: &std::path::Path) -> i64 {
    let store = Store::open(db).expect("the store opens after a kill");
    assert_eq!(store.integrity_check().expect("check"), "ok");
    let conn = rusqlite::Connection::open(db).expect("open");
    let orphans: i64 = conn
        .query_row(
            "SELECT count(*) FROM verdict_spans WHERE last_run NOT IN (SELECT id FROM runs)",
            [],
            |r| r.get(0),
        )
        .expect("query");
    assert_eq!(orphans, 0, "verdicts without their run");
    let partial: i64 = conn
        .query_row(
            "SELECT count(*) FROM runs r WHERE (SELECT count(*) FROM verdict_spans v WHERE v.first_run <= r.id AND v.last_run >= r.id) != ?1",
            [WATCHES as i64],
            |r| r.get(0),
        )
        .expect("query");
    assert_eq!(partial, 0, "a run is visible without all its verdicts");
    store.run_count().expect("runs")
}

#[tokio::test(flavor = "multi_thread")]
async fn sigkill_at_random_points_leaves_only_whole_runs() {
    let server = support::kernel_server().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut text =
        String::from("[distros.lab]\nkind = \"static\"\npackages = { kernel = \"5.10.1\" }\n\n");
    for i in 0..WATCHES {
        text.push_str(&format!(
            "[[watch]]\nname = \"linux-{i}\"\ntracker = \"kernel-org\"\nsettings = {{ base-url = \"{}\" }}\npackages = {{ lab = \"kernel\" }}\n\n",
            server.url("")
        ));
    }
    let config = dir.path().join("rollcall.toml");
    std::fs::write(&config, text).expect("config");
    let db = dir.path().join("rollcall.db");
    let spawn = || {
        tokio::process::Command::new(env!("CARGO_BIN_EXE_rollcall"))
            .args(["check", "--format", "json", "--fail-on", "never"])
            .arg("--config")
            .arg(&config)
            .arg("--db")
            .arg(&db)
            .arg("--cache-dir")
            .arg(dir.path().join("cache"))
            .env("XDG_DATA_HOME", dir.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("spawn rollcall")
    };

    // Two whole runs first: the first compiles the tracker into the cache, the second times a
    // run as the killed ones will go.
    let status = spawn().wait().await.expect("wait");
    assert!(status.success(), "{status:?}");
    let started = Instant::now();
    let status = spawn().wait().await.expect("wait");
    assert!(status.success(), "{status:?}");
    // The window shrinks whenever a kill comes too late: under a loaded machine the timed run
    // may have been slower than the ones being killed.
    let mut window = started.elapsed();
    let mut runs = whole_runs_only(&db);
    assert_eq!(runs, 2);

    let mut killed_mid_run = 0;
    for _ in 0..KILLS {
        let mut child = spawn();
        let at = Duration::from_micros(random_below(window.as_micros() as u64));
        tokio::time::sleep(at).await;
        let finished = child.try_wait().expect("try_wait").is_some();
        child.start_kill().ok();
        child.wait().await.expect("wait");
        if finished {
            window = window * 3 / 4;
        } else {
            killed_mid_run += 1;
        }
        let now = whole_runs_only(&db);
        assert!(now == runs || now == runs + 1, "{runs} → {now}");
        runs = now;
    }
    assert!(
        killed_mid_run >= KILLS / 2,
        "only {killed_mid_run} kills landed mid-run"
    );

    let status = spawn().wait().await.expect("wait");
    assert!(status.success(), "the next run succeeds: {status:?}");
    assert_eq!(whole_runs_only(&db), runs + 1);
}
