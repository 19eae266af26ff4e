//! What the store remembers across runs, through the real binary: `report --since`, releases
//! that disappear, and record/replay of every HTTP exchange.

use std::path::Path;
use std::process::Output;

use crate::support::{self, Reply, Server};

fn kernel(versions: &[(&str, &str)]) -> String {
    let entries: Vec<String> = versions
        .iter()
        .map(|(v, d)| {
            format!(
                r#"{{"iseol": false, "version": "{v}", "moniker": "stable", "source": null, "pgp": null,
                   "released": {{"timestamp": 0, "isodate": "{d}"}}, "gitweb": "", "changelog": null,
                   "diffview": "", "patch": {{"full": "", "incremental": null}}}}"#
            )
        })
        .collect();
    format!(
        r#"{{"latest_stable": {{"version": "x"}}, "releases": [{}]}}"#,
        entries.join(",")
    )
}

fn write_config(dir: &Path, base: &str) -> String {
    let path = dir.join("rollcall.toml");
    std::fs::write(
        &path,
        format!(
            "[distros.lab]\nkind = \"static\"\npackages = {{ kernel = \"6.12.4\" }}\n\n\
             [[watch]]\nname = \"linux\"\ntracker = \"kernel-org\"\nsettings = {{ base-url = \"{base}\" }}\n\
             packages = {{ lab = \"kernel\" }}\n"
        ),
    )
    .expect("config");
    path.display().to_string()
}

async fn rollcall(dir: &Path, args: &[&str]) -> Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_rollcall"))
        .args(args)
        .arg("--db")
        .arg(dir.join("rollcall.db"))
        .arg("--cache-dir")
        .arg(dir.join("cache"))
        .env("XDG_DATA_HOME", dir)
        .env_remove("ROLLCALL_LOG")
        .output()
        .await
        .expect("run rollcall")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn report_since_lists_new_releases_and_changed_verdicts() {
    let server = Server::start(vec![(
        "/releases.json",
        Reply::ok(kernel(&[("6.12.4", "2026-11-01")])),
    )])
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let config = write_config(dir.path(), &server.url(""));
    let first = rollcall(
        dir.path(),
        &["check", "--config", &config, "--today", "2026-11-26"],
    )
    .await;
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );

    // Before the second run, 6.12.5 is released and 6.12.4's entry disappears (kernel.org
    // lists only the newest of each line).
    server.set(
        "/releases.json",
        Reply::ok(kernel(&[("6.12.5", "2026-11-20")])),
    );
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let since = rollcall::store::now_rfc3339();
    let second = rollcall(
        dir.path(),
        &["check", "--config", &config, "--today", "2026-11-26"],
    )
    .await;
    assert_eq!(
        second.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );

    let text = rollcall(dir.path(), &["report", "--since", &since]).await;
    assert_eq!(
        text.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&text.stderr)
    );
    let shown = stdout(&text);
    assert!(
        shown.contains("linux: new release 6.12.5 (2026-11-20)"),
        "{shown}"
    );
    assert!(
        shown.contains("linux in lab (kernel): current → behind"),
        "{shown}"
    );
    // kernel.org's feed is a window (the newest release of each line): 6.12.4 only scrolled
    // out of it, which is no news.
    assert!(!shown.contains("disappeared"), "{shown}");
    assert!(
        !shown.contains("new release 6.12.4"),
        "6.12.4 was seen before --since: {shown}"
    );

    let md = stdout(
        &rollcall(
            dir.path(),
            &["report", "--since", &since, "--format", "markdown"],
        )
        .await,
    );
    assert!(md.starts_with("# rollcall: changes since "), "{md}");
    assert!(
        md.contains("## New upstream releases\n\n- linux: new release 6.12.5"),
        "{md}"
    );

    let json: serde_json::Value = serde_json::from_slice(
        &rollcall(dir.path(), &["report", "--since", "1h", "--format", "json"])
            .await
            .stdout,
    )
    .expect("JSON");
    let kinds: Vec<&str> = json["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter_map(|c| c["kind"].as_str())
        .collect();
    assert!(
        kinds.contains(&"new-release") && kinds.contains(&"verdict-changed"),
        "{kinds:?}"
    );

    let bad = rollcall(dir.path(), &["report", "--since", "last week"]).await;
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("is not a duration"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_recorded_run_replays_without_the_network() {
    let server = support::kernel_server().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let config = write_config(dir.path(), &server.url(""));
    let cassette = dir.path().join("cassette");
    let cassette = cassette.display().to_string();
    let args = [
        "check",
        "--config",
        &config,
        "--today",
        "2026-11-26",
        "--format",
        "json",
        "--no-store",
    ];
    let live = rollcall(dir.path(), &[&args[..], &["--record", &cassette]].concat()).await;
    assert!(
        live.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&live.stderr)
    );
    drop(server); // the upstream is gone
    let replayed = rollcall(dir.path(), &[&args[..], &["--replay", &cassette]].concat()).await;
    let verdicts = |out: &Output| {
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        json["verdicts"].clone()
    };
    assert_eq!(verdicts(&live), verdicts(&replayed));
    assert!(
        verdicts(&replayed)[0]["status"] != "error",
        "{}",
        verdicts(&replayed)
    );

    // A request that was never recorded says how to record it.
    let other = write_config(dir.path(), "http://127.0.0.1:9/elsewhere");
    let missing = rollcall(
        dir.path(),
        &[
            "check",
            "--config",
            &other,
            "--no-store",
            "--replay",
            &cassette,
        ],
    )
    .await;
    assert!(
        String::from_utf8_lossy(&missing.stderr).contains("is not in the cassette"),
        "{}",
        String::from_utf8_lossy(&missing.stderr)
    );
}

/// The progress bar shows on a terminal (here a pseudo-terminal from util-linux `script`) and
/// never when stderr is piped, under CI, or with `--format json`.
#[tokio::test(flavor = "multi_thread")]
async fn progress_shows_on_a_terminal_only() {
    let server = support::kernel_server().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let config = write_config(dir.path(), &server.url(""));
    let bin = env!("CARGO_BIN_EXE_rollcall");
    let command = |format: &str| {
        format!(
            "{bin} check --config {config} --no-store --cache-dir {} --format {format}",
            dir.path().join("cache").display()
        )
    };
    let under_script = |format: &str, ci: bool| {
        let mut cmd = std::process::Command::new("script");
        cmd.args(["-qec", &command(format), "/dev/null"]);
        cmd.env_remove("CI").env_remove("NO_PROGRESS");
        if ci {
            cmd.env("CI", "true");
        }
        cmd.output()
            .expect("util-linux `script` is installed (apt-get install util-linux)")
    };
    let shown = tokio::task::block_in_place(|| under_script("table", false));
    let text = String::from_utf8_lossy(&shown.stdout);
    assert!(text.contains("1/1 watches polled"), "{text}");
    for (format, ci) in [("json", false), ("table", true)] {
        let quiet = tokio::task::block_in_place(|| under_script(format, ci));
        let text = String::from_utf8_lossy(&quiet.stdout);
        assert!(
            !text.contains("watches polled"),
            "{format}, CI={ci}: {text}"
        );
    }
    let piped = rollcall(dir.path(), &["check", "--config", &config, "--no-store"]).await;
    assert!(!String::from_utf8_lossy(&piped.stderr).contains("watches polled"));
}
