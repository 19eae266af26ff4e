//! A store filled the way a week of `rollcall check` runs fills it: the default config's ten
//! watches (same names, so the real binary shows them with the embedded config), four distros,
//! every status, two runs (so the changes screen has verdicts that moved), poll health with a
//! rate-limited tracker, and host budgets. Shared by the dashboard tests and its benchmark.
//!
//! Versions, lines and dates follow the real upstreams (kernel.org, sourceware, Kubernetes,
//! Ceph, Salt, Podman, Uyuni, Cloud Foundry; see tests/fixtures/SOURCES.md); the distro versions
//! are written in each distro's real format. The combinations are chosen to show every status,
//! so they are not a record of what any distro shipped on one day.

use rollcall::evaluate::Verdict;
use rollcall::model::UpstreamData;
use rollcall::net::gate::HostBudget;
use rollcall::report::{Report, RunError};
use rollcall::store::{PollRecord, RunRecord, Store};
use serde_json::{Value, json};

/// The moment the newest run finished; the dashboard tests look at the store from here.
pub const NOW: &str = "2025-11-26T09:00:00Z";
/// Unix seconds of [`NOW`].
pub const NOW_UNIX: i64 = 1_764_147_600;
/// The older run.
pub const EARLIER: &str = "2025-11-23T06:00:00Z";

/// (watch, tracker, distro, package, shipped, shipped upstream, line, lts, status, severity,
/// newest in line, newest, behind, days behind, eol, days left, explanation)
type V<'a> = (
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    bool,
    &'a str,
    &'a str,
    Option<&'a str>,
    Option<&'a str>,
    Option<u32>,
    Option<i64>,
    Option<&'a str>,
    Option<i64>,
    &'a str,
);

#[rustfmt::skip]
const NEWEST: &[V<'static>] = &[
    ("linux", "kernel-org", "tumbleweed", "kernel-default", Some("6.17.8-1.1"), Some("6.17.8"), Some("6.17"), false, "behind", "warning", Some("6.17.9"), Some("6.17.9"), Some(1), Some(12), None, None, "6.17.9 is out (12 days ago); tumbleweed ships 6.17.8"),
    ("linux", "kernel-org", "leap-16.0", "kernel-default", Some("6.12.0-160000.5.1"), Some("6.12.0"), Some("6.12"), true, "behind", "warning", Some("6.12.59"), Some("6.17.9"), Some(59), Some(372), Some("2026-12-31"), Some(400), "6.12.59 is out; leap-16.0 ships 6.12.0, 59 releases behind in its line (the oldest missing is 372 days old)"),
    ("linux", "kernel-org", "leap-15.6", "kernel-default", Some("6.4.0-150600.23.25.1"), Some("6.4.0"), Some("6.4"), false, "eol", "critical", Some("6.4.16"), Some("6.17.9"), Some(16), Some(805), Some("2023-09-13"), Some(-805), "line 6.4 reached end of life on 2023-09-13 (805 days ago); move to a supported line such as 6.12"),
    ("linux", "kernel-org", "debian-12", "linux", Some("6.1.158-1"), Some("6.1.158"), Some("6.1"), true, "current", "ok", Some("6.1.158"), Some("6.17.9"), Some(0), None, Some("2027-12-31"), Some(765), "ships the newest 6.1 release; the line is supported until 2027-12-31"),
    ("glibc", "glibc", "tumbleweed", "glibc", Some("2.42-2.1"), Some("2.42"), Some("2.42"), false, "current", "ok", Some("2.42"), Some("2.42"), Some(0), None, None, None, "ships the newest release, 2.42"),
    ("glibc", "glibc", "leap-16.0", "glibc", Some("2.40-160000.2.2"), Some("2.40"), Some("2.40"), false, "superseded", "info", Some("2.40"), Some("2.42"), Some(0), None, None, None, "line 2.40 is current in itself; 2 newer lines exist (newest 2.42)"),
    ("glibc", "glibc", "leap-15.6", "glibc", Some("2.38-150600.14.17.2"), Some("2.38"), Some("2.38"), false, "superseded", "info", Some("2.38"), Some("2.42"), Some(0), None, None, None, "line 2.38 is current in itself; 4 newer lines exist (newest 2.42)"),
    ("glibc", "glibc", "debian-12", "glibc", Some("2.36-9+deb12u13"), Some("2.36"), Some("2.36"), false, "superseded", "info", Some("2.36"), Some("2.42"), Some(0), None, None, None, "line 2.36 is current in itself; 6 newer lines exist (newest 2.42); distro markers: deb12u13"),
    ("kubernetes", "kubernetes", "tumbleweed", "kubernetes1.34-client", Some("1.34.2-1.1"), Some("1.34.2"), Some("1.34"), false, "current", "ok", Some("1.34.2"), Some("1.34.2"), Some(0), None, Some("2026-10-27"), Some(335), "ships the newest 1.34 release; the line is supported until 2026-10-27"),
    ("kubernetes", "kubernetes", "leap-15.6", "kubernetes1.34-client", None, None, None, false, "missing", "warning", None, Some("1.34.2"), None, None, None, None, "leap-15.6 has no package `kubernetes1.34-client`; check the package name in the watch"),
    ("ceph", "ceph", "tumbleweed", "ceph", Some("19.2.3.1+g1a2b3c4-1.1"), Some("19.2.3"), Some("19"), false, "current", "ok", Some("19.2.3"), Some("20.2.0"), Some(0), None, Some("2026-09-19"), Some(297), "ships the newest squid release; the line is supported until 2026-09-19"),
    ("ceph", "ceph", "leap-15.6", "ceph", Some("16.2.15.94+g1d1ee06-150500.1.1"), Some("16.2.15"), Some("16"), false, "eol", "critical", Some("16.2.15"), Some("20.2.0"), Some(0), None, Some("2024-03-04"), Some(-632), "line 16 (pacific) reached end of life on 2024-03-04 (632 days ago; announced by ceph)"),
    ("salt", "salt", "tumbleweed", "salt", Some("3007.8-1.1"), Some("3007.8"), Some("3007"), false, "current", "ok", Some("3007.8"), Some("3007.8"), Some(0), None, Some("2026-03-31"), Some(125), "ships the newest 3007 release"),
    ("salt", "salt", "leap-15.6", "salt", Some("3006.0-150500.4.56.1"), Some("3006.0"), Some("3006"), true, "eol-soon", "warning", Some("3006.16"), Some("3007.8"), Some(16), Some(940), Some("2026-01-31"), Some(66), "line 3006 LTS ends 2026-01-31 (in 66 days, announced by endoflife); also 16 releases behind (3006.16 is out)"),
    ("podman", "podman", "tumbleweed", "podman", Some("5.7.0-1.1"), Some("5.7.0"), Some("5.7"), false, "current", "ok", Some("5.7.0"), Some("5.7.0"), Some(0), None, None, None, "ships the newest release, 5.7.0"),
    ("podman", "podman", "leap-16.0", "podman", Some("5.4.2-160000.1.3"), Some("5.4.2"), Some("5.4"), false, "superseded", "info", Some("5.4.2"), Some("5.7.0"), Some(0), None, None, None, "line 5.4 has no newer release; 3 newer lines exist (newest 5.7.0)"),
    ("skopeo", "skopeo", "tumbleweed", "skopeo", Some("1.20.0+git20251101.4a1b2c3-1.1"), None, None, false, "unknown", "warning", None, Some("1.20.0"), None, None, None, None, "the shipped version `1.20.0+git20251101.4a1b2c3` cannot be placed among skopeo's releases"),
    ("buildah", "buildah", "tumbleweed", "buildah", Some("1.41.5-1.1"), Some("1.41.5"), None, false, "error", "warning", None, None, None, None, None, None, "tracker `buildah` failed: rate-limited by api.github.example (retry after 3600 s)"),
    ("uyuni", "oci-tags", "tumbleweed", "uyuni/server", Some("2025.10"), Some("2025.10"), Some("2025.10"), false, "current", "ok", Some("2025.10"), Some("2025.10"), Some(0), None, None, None, "ships the newest release, 2025.10"),
    ("cloudfoundry-cli", "cloudfoundry", "leap-15.6", "cf-cli", Some("8.17.0-1.1"), Some("8.17.0"), Some("8"), false, "ahead", "info", Some("8.16.0"), Some("8.16.0"), None, None, None, None, "ships 8.17.0, which upstream has not released (newest 8.16.0)"),
];

fn verdict(v: &V<'_>) -> Verdict {
    let (
        watch,
        tracker,
        distro,
        package,
        shipped,
        up,
        line,
        lts,
        status,
        severity,
        in_line,
        latest,
        behind,
        days,
        eol,
        left,
        why,
    ) = *v;
    let value: Value = json!({
        "watch": watch, "distro": distro, "package": package, "tracker": tracker,
        "shipped": shipped, "shipped_upstream": up, "line": line, "lts": lts,
        "status": status, "severity": severity, "latest_in_line": in_line, "latest": latest,
        "eol": eol, "releases_behind": behind, "lines_behind": null, "days_behind": days,
        "support_days_left": left, "explanation": why,
    });
    serde_json::from_value(value).expect("a verdict")
}

fn lines_and_releases(watch: &str) -> UpstreamData {
    let value = match watch {
        "linux" => json!({
            "lines": [
                {"name": "6.17", "release_date": "2025-09-28", "end_of_life": null, "is_eol": false, "eol_source": "projected", "lts": false, "latest": "6.17.9"},
                {"name": "6.12", "release_date": "2024-11-17", "end_of_life": "2026-12-31", "is_eol": false, "eol_source": "announced", "lts": true, "latest": "6.12.59"},
                {"name": "6.6", "release_date": "2023-10-30", "end_of_life": "2026-12-31", "is_eol": false, "eol_source": "announced", "lts": true, "latest": "6.6.117"},
                {"name": "6.4", "release_date": "2023-06-25", "end_of_life": "2023-09-13", "is_eol": true, "eol_source": "announced", "lts": false, "latest": "6.4.16"},
                {"name": "6.1", "release_date": "2022-12-11", "end_of_active_support": "2026-12-31", "end_of_life": "2027-12-31", "is_eol": false, "eol_source": "announced", "lts": true, "latest": "6.1.158"},
                {"name": "5.15", "release_date": "2021-10-31", "end_of_life": "2026-12-31", "is_eol": false, "eol_source": "announced", "lts": true, "latest": "5.15.196"},
            ],
            "releases": [
                {"version": "6.17.9", "date": "2025-11-14", "prerelease": false, "line": "6.17"},
                {"version": "6.17.8", "date": "2025-11-13", "prerelease": false, "line": "6.17"},
                {"version": "6.18-rc6", "date": "2025-11-16", "prerelease": true, "line": "6.18"},
                {"version": "6.12.59", "date": "2025-11-24", "prerelease": false, "line": "6.12"},
                {"version": "6.6.117", "date": "2025-11-24", "prerelease": false, "line": "6.6"},
                {"version": "6.1.158", "date": "2025-11-13", "prerelease": false, "line": "6.1"},
                {"version": "5.15.196", "date": "2025-11-13", "prerelease": false, "line": "5.15"},
            ]
        }),
        "ceph" => json!({
            "lines": [
                {"name": "20", "label": "tentacle", "release_date": "2025-11-18", "end_of_life": null, "is_eol": false, "eol_source": "projected", "lts": false, "latest": "20.2.0"},
                {"name": "19", "label": "squid", "release_date": "2024-09-26", "end_of_life": "2026-09-19", "is_eol": false, "eol_source": "announced", "lts": false, "latest": "19.2.3"},
                {"name": "18", "label": "reef", "release_date": "2023-08-07", "end_of_life": "2025-08-01", "is_eol": true, "eol_source": "announced", "lts": false, "latest": "18.2.7"},
                {"name": "16", "label": "pacific", "release_date": "2021-03-31", "end_of_life": "2024-03-04", "is_eol": true, "eol_source": "announced", "lts": false, "latest": "16.2.15"},
            ],
            "releases": [
                {"version": "20.2.0", "date": "2025-11-18", "prerelease": false, "line": "20"},
                {"version": "19.2.3", "date": "2025-07-28", "prerelease": false, "line": "19"},
                {"version": "16.2.15", "date": "2024-03-04", "prerelease": false, "line": "16"},
            ]
        }),
        other => json!({
            "lines": [],
            "releases": [{"version": format!("{other}-newest"), "date": "2025-11-01", "prerelease": false, "line": null}]
        }),
    };
    serde_json::from_value(value).expect("upstream data")
}

fn poll(
    watch: &str,
    role: &str,
    tracker: &str,
    ms: u64,
    calls: u32,
    bytes: u64,
    error: Option<&str>,
) -> PollRecord {
    PollRecord {
        watch: watch.to_owned(),
        role: role.to_owned(),
        tracker: tracker.to_owned(),
        duration_ms: ms,
        calls,
        bytes,
        revalidated: calls.saturating_sub(1),
        outcome: if error.is_some() {
            "rate-limited"
        } else {
            "ok"
        }
        .to_owned(),
        error: error.map(str::to_owned),
    }
}

fn record(
    store: &Store,
    at: &str,
    verdicts: Vec<Verdict>,
    polls: Vec<PollRecord>,
    hosts: Vec<HostBudget>,
    watches: u32,
) {
    let errors = polls
        .iter()
        .filter_map(|p| {
            Some(RunError {
                watch: p.watch.clone(),
                tracker: Some(p.tracker.clone()),
                kind: p.outcome.clone(),
                message: p.error.clone()?,
            })
        })
        .collect();
    let mut report = Report::new("rollcall.toml".to_owned(), verdicts, errors, watches);
    report.generated_at = at.to_owned();
    let mut names: Vec<String> = report.verdicts.iter().map(|v| v.watch.clone()).collect();
    names.dedup();
    let merged = names
        .iter()
        .map(|w| (w.clone(), lines_and_releases(w)))
        .collect();
    let run = RunRecord {
        started_at: at.to_owned(),
        today: at[..10].to_owned(),
        report: &report,
        polls,
        answered: Vec::new(),
        merged,
        hosts,
    };
    store.record_run(&run, 0).expect("the run is stored");
}

/// Fills `store` with the two runs.
pub fn fill(store: &Store) {
    // Three days earlier: the kernel in Tumbleweed was current, Salt in Leap was not yet
    // judged, ceph in Leap was already at its end.
    let mut earlier: Vec<Verdict> = NEWEST.iter().map(verdict).collect();
    earlier[0].status = rollcall::evaluate::Status::Current;
    earlier[0].severity = rollcall::evaluate::Severity::Ok;
    earlier.retain(|v| !(v.watch == "salt" && v.distro == "leap-15.6"));
    let old_polls = vec![poll("linux", "releases", "kernel-org", 85, 1, 41_000, None)];
    record(store, EARLIER, earlier, old_polls, Vec::new(), 10);

    let verdicts: Vec<Verdict> = NEWEST.iter().map(verdict).collect();
    let polls = vec![
        poll("linux", "releases", "kernel-org", 92, 1, 41_233, None),
        poll("linux", "support", "endoflife", 48, 1, 9_120, None),
        poll("glibc", "releases", "glibc", 310, 1, 188_400, None),
        poll(
            "kubernetes",
            "releases",
            "kubernetes",
            640,
            3,
            912_000,
            None,
        ),
        poll("ceph", "releases", "ceph", 120, 1, 58_000, None),
        poll("salt", "releases", "salt", 450, 2, 301_000, None),
        poll("podman", "releases", "podman", 380, 2, 255_000, None),
        poll("skopeo", "releases", "skopeo", 200, 1, 120_000, None),
        poll(
            "buildah",
            "releases",
            "buildah",
            15,
            1,
            0,
            Some("rate-limited by api.github.example (retry after 3600 s)"),
        ),
        poll("uyuni", "releases", "oci-tags", 700, 4, 24_000, None),
        poll(
            "cloudfoundry-cli",
            "releases",
            "cloudfoundry",
            290,
            1,
            97_000,
            None,
        ),
    ];
    let hosts = vec![
        HostBudget {
            host: "api.github.example:443".to_owned(),
            requests: 9,
            remaining: Some(0),
            quota: Some(60),
            reset: Some("2025-11-26T10:00:00Z".to_owned()),
            paused_until: Some("2025-11-26T10:00:00Z".to_owned()),
        },
        HostBudget {
            host: "cdn.kernel.example:443".to_owned(),
            requests: 1,
            remaining: None,
            quota: None,
            reset: None,
            paused_until: None,
        },
        HostBudget {
            host: "gitlab.example:443".to_owned(),
            requests: 3,
            remaining: Some(1_996),
            quota: Some(2_000),
            reset: Some("2025-11-26T09:01:00Z".to_owned()),
            paused_until: None,
        },
    ];
    record(store, NOW, verdicts, polls, hosts, 10);
}

/// A store with `rows` verdicts over as many watches as needed (four distros each), for the
/// benchmark: the shape of [`fill`]'s newest run, repeated.
pub fn fill_large(store: &Store, rows: usize) {
    let mut verdicts = Vec::with_capacity(rows);
    let mut n = 0;
    while verdicts.len() < rows {
        for v in NEWEST {
            if verdicts.len() == rows {
                break;
            }
            let mut verdict = verdict(v);
            verdict.watch = format!("{}-{:04}", verdict.watch, n);
            verdicts.push(verdict);
        }
        n += 1;
    }
    record(store, NOW, verdicts, Vec::new(), Vec::new(), n as u32);
}

/// A run an hour after [`fill`]'s newest, as the daemon would store it: glibc alone, with 2.43
/// released and Tumbleweed now behind.
pub fn glibc_moves_on(store: &Store) {
    let mut verdicts: Vec<Verdict> = NEWEST
        .iter()
        .filter(|v| v.0 == "glibc")
        .map(verdict)
        .collect();
    for v in &mut verdicts {
        v.latest = Some("2.43".to_owned());
        if v.distro == "tumbleweed" {
            v.status = rollcall::evaluate::Status::Behind;
            v.severity = rollcall::evaluate::Severity::Warning;
            v.explanation = "2.43 is out (today); tumbleweed ships 2.42".to_owned();
        }
    }
    record(
        store,
        "2025-11-26T10:00:00Z",
        verdicts,
        Vec::new(),
        Vec::new(),
        1,
    );
}
