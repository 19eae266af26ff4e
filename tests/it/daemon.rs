//! `rollcall daemon` through the real binary: watches polled on their schedules, one daemon per
//! store, `check` alongside it, and a clean stop on SIGTERM.

use std::time::{Duration, Instant};

use rollcall::store::Store;

use crate::support;

#[tokio::test(flavor = "multi_thread")]
async fn the_daemon_polls_on_schedule_and_stops_cleanly() {
    let server = support::kernel_server().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("rollcall.toml");
    std::fs::write(
        &config,
        format!(
            "[distros.lab]\nkind = \"static\"\npackages = {{ kernel = \"5.10.1\" }}\n\n\
             [[watch]]\nname = \"every-second\"\ntracker = \"kernel-org\"\nschedule = \"* * * * * *\"\n\
             settings = {{ base-url = \"{base}\" }}\npackages = {{ lab = \"kernel\" }}\n\n\
             [[watch]]\nname = \"six-hourly\"\ntracker = \"kernel-org\"\n\
             settings = {{ base-url = \"{base}\" }}\npackages = {{ lab = \"kernel\" }}\n",
            base = server.url("")
        ),
    )
    .expect("config");
    let db = dir.path().join("rollcall.db");
    let command = |args: &[&str]| {
        let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_rollcall"));
        cmd.args(args)
            .arg("--config")
            .arg(&config)
            .arg("--db")
            .arg(&db)
            .arg("--cache-dir")
            .arg(dir.path().join("cache"))
            .env("XDG_DATA_HOME", dir.path())
            .env("ROLLCALL_LOG", "info")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true);
        cmd
    };
    let mut daemon = command(&["daemon"]).spawn().expect("start the daemon");

    // Runs accumulate: the first covers both watches, later ones the every-second watch only.
    let started = Instant::now();
    loop {
        let runs = Store::open(&db)
            .ok()
            .and_then(|s| s.run_count().ok())
            .unwrap_or(0);
        if runs >= 3 {
            break;
        }
        if started.elapsed() > Duration::from_secs(60) || daemon.try_wait().ok().flatten().is_some()
        {
            daemon.start_kill().ok();
            let out = daemon.wait_with_output().await.expect("wait");
            panic!(
                "only {runs} runs after {:?}; the daemon said:\n{}",
                started.elapsed(),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    let second = command(&["daemon"]).output().await.expect("second daemon");
    assert_eq!(second.status.code(), Some(3));
    let said = String::from_utf8_lossy(&second.stderr);
    assert!(
        said.contains("another rollcall daemon is using the store"),
        "{said}"
    );
    assert!(
        said.contains(&format!("by process {}", daemon.id().expect("pid"))),
        "{said}"
    );

    let check = command(&["check", "--format", "json"])
        .output()
        .await
        .expect("check");
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );

    let pid = daemon.id().expect("pid").to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(killed.success());
    let out = tokio::time::timeout(Duration::from_secs(30), daemon.wait_with_output())
        .await
        .expect("the daemon stops within 30 s")
        .expect("wait");
    let log = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{log}");
    assert!(log.contains("stopped after"), "{log}");

    let store = Store::open(&db).expect("store");
    assert_eq!(store.integrity_check().expect("check"), "ok");
    let runs = store.run_count().expect("runs");
    assert!(runs >= 4, "{runs}");
    let seen = server.seen().len() as i64;
    assert!(
        seen < runs * 2,
        "the six-hourly watch was polled once, not every run ({seen} requests, {runs} runs)"
    );
}
