//! Scale-out through the real binary: `check --shard K/N` on three "machines", their stores
//! joined by `rollcall store merge`, give verdict for verdict what one unsharded run gives; and
//! `rollcall store gc` keeps the store in its bound.

use std::path::Path;
use std::process::Output;

use crate::support::{Reply, Server};

const WATCHES: usize = 12;

fn feed(i: usize) -> String {
    // Each upstream a line of its own: 6.i.0 … 6.i.(i+1), the newest released in November.
    let entries: Vec<String> = (0..=i + 1)
        .map(|p| {
            format!(
                r#"{{"iseol": false, "version": "6.{i}.{p}", "moniker": "stable", "source": null, "pgp": null,
                   "released": {{"timestamp": 0, "isodate": "2026-{:02}-01"}}, "gitweb": "", "changelog": null,
                   "diffview": "", "patch": {{"full": "", "incremental": null}}}}"#,
                (p % 11) + 1
            )
        })
        .collect();
    format!(
        r#"{{"latest_stable": {{"version": "x"}}, "releases": [{}]}}"#,
        entries.join(",")
    )
}

fn write_config(dir: &Path, server: &Server) -> String {
    let mut text = String::from("[distros.lab]\nkind = \"static\"\npackages = { ");
    let packages: Vec<String> = (0..WATCHES)
        .map(|i| format!("k{i} = \"6.{i}.{}\"", i % 3))
        .collect();
    text.push_str(&packages.join(", "));
    text.push_str(
        " }\n\n[distros.old]\nkind = \"static\"\npackages = { k1 = \"6.1.0\", k5 = \"6.5.6\" }\n",
    );
    for i in 0..WATCHES {
        text.push_str(&format!(
            "\n[[watch]]\nname = \"upstream-{i}\"\ntracker = \"kernel-org\"\nsettings = {{ base-url = \"{}\" }}\npackages = {{ lab = \"k{i}\", old = \"k{i}\" }}\n",
            server.url(&format!("/u{i}"))
        ));
    }
    let path = dir.join("rollcall.toml");
    std::fs::write(&path, text).expect("config");
    path.display().to_string()
}

/// One upstream a watch, each at its own path.
async fn serve() -> Server {
    let routes: Vec<(String, Reply)> = (0..WATCHES)
        .map(|i| (format!("/u{i}/releases.json"), Reply::ok(feed(i))))
        .collect();
    Server::start(
        routes
            .iter()
            .map(|(p, r)| (p.as_str(), r.clone()))
            .collect(),
    )
    .await
}

async fn rollcall(dir: &Path, db: &str, args: &[&str]) -> Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_rollcall"))
        .args(args)
        .arg("--db")
        .arg(dir.join(db))
        .arg("--cache-dir")
        .arg(dir.join("cache"))
        .env("XDG_DATA_HOME", dir)
        .env_remove("ROLLCALL_LOG")
        .output()
        .await
        .expect("run rollcall")
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "status {:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Verdicts keyed by (watch, distro, package), as JSON values.
fn keyed(verdicts: &[serde_json::Value]) -> Vec<(String, serde_json::Value)> {
    let mut out: Vec<(String, serde_json::Value)> = verdicts
        .iter()
        .map(|v| {
            (
                format!("{} {} {}", v["watch"], v["distro"], v["package"]),
                v.clone(),
            )
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn three_shards_merged_are_one_unsharded_run() {
    let server = serve().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let config = write_config(dir.path(), &server);
    let today = ["--config", &config, "--today", "2026-12-03"];

    let whole = ok(&rollcall(
        dir.path(),
        "whole.db",
        &[&["check", "--format", "json"][..], &today[..]].concat(),
    )
    .await);
    let whole: serde_json::Value = serde_json::from_str(&whole).expect("json");
    let whole_verdicts = whole["verdicts"].as_array().expect("verdicts").clone();
    assert!(
        whole_verdicts.len() >= WATCHES,
        "{} verdicts",
        whole_verdicts.len()
    );

    let mut shard_watches = 0;
    for k in 0..3 {
        let shard = format!("{k}/3");
        let out = ok(&rollcall(
            dir.path(),
            &format!("shard-{k}.db"),
            &[
                &["check", "--format", "json", "--shard", &shard][..],
                &today[..],
            ]
            .concat(),
        )
        .await);
        let report: serde_json::Value = serde_json::from_str(&out).expect("json");
        let n = report["summary"]["watches"].as_u64().expect("watches");
        assert!(
            n >= 1 && n < WATCHES as u64,
            "shard {shard} has {n} watches"
        );
        shard_watches += n;
    }
    assert_eq!(
        shard_watches, WATCHES as u64,
        "every watch in exactly one shard"
    );

    let shards: Vec<String> = (0..3)
        .map(|k| {
            dir.path()
                .join(format!("shard-{k}.db"))
                .display()
                .to_string()
        })
        .collect();
    let merged_db = dir.path().join("merged.db");
    let merged_path = merged_db.display().to_string();
    let out = ok(&rollcall(
        dir.path(),
        "unused.db",
        &[
            "store",
            "merge",
            &shards[0],
            &shards[1],
            &shards[2],
            "--into",
            &merged_path,
        ],
    )
    .await);
    assert!(out.contains("merged 3 stores"), "{out}");
    assert!(out.contains(&format!("{WATCHES} watches")), "{out}");

    let merged = rollcall::store::Store::open(&merged_db).expect("open");
    let report = merged.latest_report().expect("query").expect("a run");
    let merged_verdicts: Vec<serde_json::Value> = report
        .verdicts
        .iter()
        .map(|v| serde_json::to_value(v).expect("json"))
        .collect();
    assert_eq!(keyed(&merged_verdicts), keyed(&whole_verdicts));
    assert_eq!(u64::from(report.summary.watches), WATCHES as u64);
    assert_eq!(
        serde_json::to_value(&report.summary.distros).expect("json"),
        whole["summary"]["distros"]
    );
    // The history came along: every release of every upstream, first seen in its shard.
    let whole_store = rollcall::store::Store::open(&dir.path().join("whole.db")).expect("open");
    for i in 0..WATCHES {
        let name = format!("upstream-{i}");
        let mine: Vec<String> = merged
            .releases(&name)
            .expect("releases")
            .into_iter()
            .map(|r| r.0)
            .collect();
        let theirs: Vec<String> = whole_store
            .releases(&name)
            .expect("releases")
            .into_iter()
            .map(|r| r.0)
            .collect();
        assert_eq!(mine, theirs, "{name}");
        assert!(
            merged
                .last_good(&name, "releases")
                .expect("query")
                .is_some(),
            "{name}"
        );
    }
    // And it reads like any store: `report` knows each watch's first run.
    let out = ok(&rollcall(dir.path(), "merged.db", &["report", "--since", "30d"]).await);
    assert_eq!(out.matches("first run:").count(), WATCHES, "{out}");

    // Bad input: a shard that is not there, the target among the shards, a malformed shard.
    let out = rollcall(
        dir.path(),
        "unused.db",
        &["store", "merge", "nope.db", "--into", &merged_path],
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
    let out = rollcall(
        dir.path(),
        "unused.db",
        &["store", "merge", &merged_path, "--into", &merged_path],
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    let out = rollcall(
        dir.path(),
        "x.db",
        &[&["check", "--shard", "3/3"][..], &today[..]].concat(),
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("K/N"));
}

#[tokio::test(flavor = "multi_thread")]
async fn store_gc_keeps_the_newest_runs_and_vacuums() {
    let server = serve().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let config = write_config(dir.path(), &server);
    for _ in 0..4 {
        ok(&rollcall(
            dir.path(),
            "rollcall.db",
            &["check", "--config", &config, "--today", "2026-12-03"],
        )
        .await);
    }
    let out = ok(&rollcall(
        dir.path(),
        "rollcall.db",
        &["store", "gc", "--config", &config, "--keep-runs", "2"],
    )
    .await);
    assert!(out.contains("runs 4 → 2"), "{out}");
    let store = rollcall::store::Store::open(&dir.path().join("rollcall.db")).expect("open");
    assert_eq!(store.run_count().expect("runs"), 2);
    assert!(
        store
            .latest_report()
            .expect("query")
            .expect("report")
            .verdicts
            .len()
            >= WATCHES
    );
}
