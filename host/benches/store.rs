//! The store at distribution size (`cargo bench --bench store`). Figures go to BENCHMARKS.md.
//!
//! 35,000 watches, each with one verdict, one poll and 30 releases (the shape `discover`
//! gives Debian 12 main): the store's size after the first run and after 30 runs that change
//! nothing, the time to record a run, and the reads the dashboard and `report` make
//! (`changes_since`, the newest report, every watch's newest verdicts). Beside them, what the
//! layout before schema 5 added per run: a row per verdict and per poll, measured as the
//! difference between a first run with and without them.

use std::path::Path;
use std::time::{Duration, Instant};

use rollcall::evaluate::Verdict;
use rollcall::model::{Release, UpstreamData};
use rollcall::report::Report;
use rollcall::store::{Packed, PollRecord, Retention, RunRecord, Store};

const WATCHES: usize = 35_000;

fn verdict(i: usize, status: &str) -> Verdict {
    let v = serde_json::json!({
        "watch": format!("python-package-{i}"),
        "distro": "bookworm",
        "package": format!("python-package-{i}"),
        "tracker": "pypi",
        "scheme": "pep440",
        "shipped": format!("1.{}.{}-2", i % 40, i % 7),
        "shipped_upstream": format!("1.{}.{}", i % 40, i % 7),
        "distro_markers": [],
        "snapshot": false,
        "prerelease": false,
        "line": format!("1.{}", i % 40),
        "lts": null,
        "status": status,
        "severity": if status == "current" { "ok" } else { "warning" },
        "latest_in_line": format!("1.{}.9", i % 40),
        "latest": "2.4.1",
        "eol": null,
        "eol_source": null,
        "releases_behind": i % 9,
        "lines_behind": i % 3,
        "days_behind": (i % 700) as i64,
        "support_days_left": null,
        "eol_warning_days": null,
        "findings": [],
        "explanation": format!("bookworm ships 1.{}.{}; 2.4.1 is the newest release, {} releases newer in the line", i % 40, i % 7, i % 9),
    });
    serde_json::from_value(v).expect("a verdict")
}

fn data(i: usize) -> UpstreamData {
    UpstreamData {
        releases: (0..30)
            .map(|r| Release {
                version: format!("1.{}.{r}", i % 40),
                date: "2026-01-15".parse().ok(),
                prerelease: false,
                line: None,
                url: None,
            })
            .collect(),
        complete: true,
        ..Default::default()
    }
}

fn poll(i: usize) -> PollRecord {
    PollRecord {
        watch: format!("python-package-{i}"),
        role: "releases".into(),
        tracker: "pypi".into(),
        duration_ms: (i % 300) as u64,
        calls: 1,
        bytes: 20_000 + i as u64,
        revalidated: 1,
        outcome: "ok".into(),
        error: None,
        denied: 0,
        denials: Vec::new(),
    }
}

fn size(path: &Path) -> u64 {
    // Checkpointed, so the WAL's pages are in the file.
    let conn = rusqlite::Connection::open(path).expect("open");
    let _: (i64, i64, i64) = conn
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .expect("checkpoint");
    std::fs::metadata(path).map_or(0, |m| m.len())
}

fn record(store: &Store, report: &Report, with_rows: bool) -> Duration {
    let record = RunRecord {
        started_at: rollcall::store::now_rfc3339(),
        today: "2026-12-03".into(),
        report,
        polls: if with_rows {
            (0..WATCHES).map(poll).collect()
        } else {
            Vec::new()
        },
        answered: Vec::new(),
        merged: (0..WATCHES)
            .map(|i| (format!("python-package-{i}"), Packed::of(&data(i))))
            .collect(),
        hosts: Vec::new(),
    };
    let clock = Instant::now();
    store
        .record_run(&record, Retention { days: 90, runs: 0 })
        .expect("recorded");
    clock.elapsed()
}

fn median(mut runs: Vec<Duration>) -> String {
    runs.sort();
    format!("{:.1} ms", runs[runs.len() / 2].as_secs_f64() * 1e3)
}

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let report = |status: &dyn Fn(usize) -> &'static str| {
        let verdicts = (0..WATCHES).map(|i| verdict(i, status(i))).collect();
        Report::new("bench.toml".into(), verdicts, Vec::new(), WATCHES as u32)
    };
    let steady = report(&|i| if i % 3 == 0 { "current" } else { "behind" });
    let empty = Report::new("bench.toml".into(), Vec::new(), Vec::new(), WATCHES as u32);

    // The old layout's cost per run: a first run with its verdict and poll rows, against one
    // without them.
    let bare_path = dir.path().join("bare.db");
    let bare = Store::open(&bare_path).expect("store");
    record(&bare, &empty, false);
    let bare_size = size(&bare_path);

    let path = dir.path().join("rollcall.db");
    let store = Store::open(&path).expect("store");
    let first = record(&store, &steady, true);
    let after_one = size(&path);
    let mut unchanged = Vec::new();
    for _ in 0..30 {
        unchanged.push(record(&store, &steady, true));
    }
    let after_31 = size(&path);
    // A run where 5 % of the verdicts move.
    let moved = report(&|i| match (i % 20, i % 3) {
        (0, _) => "superseded",
        (_, 0) => "current",
        _ => "behind",
    });
    let changed = record(&store, &moved, true);
    let after_changed = size(&path);

    let time = |f: &dyn Fn()| {
        let runs: Vec<Duration> = (0..7)
            .map(|_| {
                let clock = Instant::now();
                f();
                clock.elapsed()
            })
            .collect();
        median(runs)
    };
    let since = time(&|| {
        let c = store
            .changes_since("2000-01-01T00:00:00Z")
            .expect("changes");
        assert!(c.changes.len() >= WATCHES / 20);
    });
    let latest = time(&|| {
        let r = store.latest_report().expect("report").expect("a run");
        assert_eq!(r.verdicts.len(), WATCHES);
    });
    let current = time(&|| {
        assert_eq!(store.current_verdicts().expect("verdicts").len(), WATCHES);
    });

    println!("store at {WATCHES} watches (one verdict, one poll, 30 releases each)");
    println!(
        "  first run recorded:            {:.2} s",
        first.as_secs_f64()
    );
    println!(
        "  unchanged run recorded:        {} (median of 30)",
        median(unchanged)
    );
    println!(
        "  run with 5 % of verdicts moved: {:.2} s",
        changed.as_secs_f64()
    );
    println!("  size after 1 run:              {}", mb(after_one));
    println!(
        "  size after 31 runs:            {} (+{:.3} MB per unchanged run)",
        mb(after_31),
        (after_31 as f64 - after_one as f64) / 30.0 / 1e6
    );
    println!(
        "  after the 5 % run:             {} (+{})",
        mb(after_changed),
        mb(after_changed.saturating_sub(after_31))
    );
    println!(
        "  verdict and poll rows of one run (what schema 4 added every run): {}",
        mb(after_one.saturating_sub(bare_size))
    );
    println!("  changes_since over 32 runs:    {since} (median of 7)");
    println!("  latest_report:                 {latest}");
    println!("  current_verdicts:              {current}");
}
