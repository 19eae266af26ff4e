//! The built-in trackers against loopback servers serving real-format data.

use std::collections::HashMap;

use rollcall::model::{DateSource, UpstreamData};
use rollcall::net::{Grant, HostRule};
use rollcall::runtime::Limits;
use rollcall::trackers;

use crate::support::{self, Reply, Server};

async fn poll_builtin(name: &str, settings: &[(&str, &str)], server: &Server) -> UpstreamData {
    let runtime = support::runtime();
    let bytes = trackers::builtin(name).expect("built-in tracker");
    let plugin = runtime.load(bytes).await.expect("loads");
    let settings: Vec<(String, String)> = settings
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let grant = Grant::new(vec![
        HostRule::for_url(&server.url("/").parse().expect("url")).expect("rule"),
    ]);
    let outcome = runtime
        .poll(&plugin, &settings, grant, Limits::default())
        .await;
    outcome
        .result
        .unwrap_or_else(|e| panic!("{name} failed: {e}"))
}

fn day(s: &str) -> Option<rollcall::day::Day> {
    Some(s.parse().expect("test day"))
}

#[tokio::test(flavor = "multi_thread")]
async fn kernel_org_reads_a_real_releases_json() {
    let server = Server::start(vec![(
        "/releases.json",
        Reply::ok(support::fixture(
            "kernel.org/releases-2020-12-14.excerpt.json",
        )),
    )])
    .await;
    let data = poll_builtin("kernel-org", &[("base-url", &server.url(""))], &server).await;
    let versions: Vec<(&str, Option<rollcall::day::Day>)> = data
        .releases
        .iter()
        .map(|r| (r.version.as_str(), r.date))
        .collect();
    assert_eq!(
        versions,
        [("5.10", day("2020-12-13")), ("5.10.1", day("2020-12-14"))]
    );
    assert!(
        data.releases
            .iter()
            .all(|r| r.line.as_deref() == Some("5.10") && !r.prerelease)
    );
    assert_eq!(data.lines.len(), 1);
    let line = &data.lines[0];
    assert_eq!(line.name, "5.10");
    assert_eq!(line.release_date, day("2020-12-13"));
    assert_eq!(line.latest.as_deref(), Some("5.10.1"));
    assert_eq!(line.latest_date, day("2020-12-14"));
    assert!(!line.lts && !line.is_eol);
    assert_eq!(server.seen()[0].target, "/releases.json");
}

/// Every moniker kernel.org uses, in its format, built by the test.
#[tokio::test(flavor = "multi_thread")]
async fn kernel_org_maps_monikers_to_lines() {
    let entry = |moniker: &str, version: &str, date: &str, eol: bool| {
        format!(
            r#"{{"iseol": {eol}, "version": "{version}", "moniker": "{moniker}", "source": null, "pgp": null,
               "released": {{"timestamp": 0, "isodate": "{date}"}}, "gitweb": "", "changelog": null,
               "diffview": "", "patch": {{"full": "", "incremental": null}}}}"#
        )
    };
    let doc = format!(
        r#"{{"latest_stable": {{"version": "6.12.6"}}, "releases": [{}]}}"#,
        [
            entry("mainline", "6.13-rc3", "2024-12-15", false),
            entry("stable", "6.12.6", "2024-12-19", false),
            entry("stable", "6.11.11", "2024-12-05", true),
            entry("longterm", "6.6.67", "2024-12-19", false),
            entry("longterm", "5.4.288", "2024-12-19", false),
            entry("linux-next", "next-20241220", "2024-12-20", false),
        ]
        .join(",")
    );
    let server = Server::start(vec![("/releases.json", Reply::ok(doc))]).await;
    let data = poll_builtin("kernel-org", &[("base-url", &server.url(""))], &server).await;

    let rc = data
        .releases
        .iter()
        .find(|r| r.version == "6.13-rc3")
        .expect("rc listed");
    assert!(rc.prerelease);
    assert!(
        data.releases.iter().all(|r| !r.version.starts_with("next")),
        "linux-next skipped"
    );
    let lines: HashMap<&str, &rollcall::model::ReleaseLine> =
        data.lines.iter().map(|l| (l.name.as_str(), l)).collect();
    assert_eq!(lines.len(), 5, "{:?}", lines.keys());
    assert_eq!(
        lines["6.13"].latest, None,
        "a release candidate is not a line's latest"
    );
    assert_eq!(lines["6.12"].latest.as_deref(), Some("6.12.6"));
    assert!(lines["6.11"].is_eol && !lines["6.11"].lts);
    assert!(lines["6.6"].lts && lines["5.4"].lts && !lines["6.6"].is_eol);
    assert!(
        lines
            .values()
            .all(|l| l.eol_source == DateSource::Announced)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn endoflife_reads_product_cycles() {
    let server = Server::start(vec![
        (
            "/api/linux-kernel.json",
            Reply::ok(support::fixture("endoflife/linux-kernel.json")),
        ),
        (
            "/api/eks.json",
            Reply::ok(support::fixture("endoflife/eks.json")),
        ),
        (
            "/api/apache-cassandra.json",
            Reply::ok(support::fixture("endoflife/apache-cassandra.json")),
        ),
    ])
    .await;
    let base = server.url("");

    let kernel = poll_builtin(
        "endoflife",
        &[("product", "linux-kernel"), ("base-url", &base)],
        &server,
    )
    .await;
    let lines: HashMap<&str, &rollcall::model::ReleaseLine> =
        kernel.lines.iter().map(|l| (l.name.as_str(), l)).collect();
    assert_eq!(lines.len(), 37);
    assert_eq!(lines["6.4"].end_of_life, day("2023-09-13"));
    assert_eq!(lines["6.4"].latest.as_deref(), Some("6.4.16"));
    assert!(lines["6.12"].lts && !lines["6.4"].lts);
    assert_eq!(lines["6.12"].end_of_life, day("2028-12-31"));
    assert_eq!(lines["6.12"].release_date, day("2024-11-17"));
    assert_eq!(lines["7.2"].end_of_life, None);
    assert!(!lines["7.2"].is_eol);
    let r = kernel
        .releases
        .iter()
        .find(|r| r.version == "6.12.104")
        .expect("latest as a release");
    assert_eq!(r.line.as_deref(), Some("6.12"));
    assert_eq!(r.date, day("2026-08-19"));

    let eks = poll_builtin(
        "endoflife",
        &[("product", "eks"), ("base-url", &base)],
        &server,
    )
    .await;
    assert_eq!(eks.lines[0].name, "1.26");
    assert_eq!(eks.lines[0].latest.as_deref(), Some("1.26-eks-1"));
    assert_eq!(eks.lines[1].end_of_life, day("2024-05-01"));

    let cassandra = poll_builtin(
        "endoflife",
        &[("product", "apache-cassandra"), ("base-url", &base)],
        &server,
    )
    .await;
    let c = &cassandra.lines[0];
    assert_eq!((c.name.as_str(), c.end_of_life), ("4.1", day("2025-05-01")));
    assert_eq!(
        c.end_of_active_support, None,
        "`support: true` is not a date"
    );
}

/// 404, 500 and malformed JSON each fail their own watch, with a clear message; the good watch
/// beside them completes.
#[tokio::test(flavor = "multi_thread")]
async fn upstream_errors_stay_on_their_watch() {
    let server = Server::start(vec![
        (
            "/ok/releases.json",
            Reply::ok(support::fixture(
                "kernel.org/releases-2020-12-14.excerpt.json",
            )),
        ),
        (
            "/broken/releases.json",
            Reply::status(500, "internal error"),
        ),
        (
            "/garbled/releases.json",
            Reply::ok("{\"releases\": [ {\"version\": "),
        ),
        ("/api/salt.json", Reply::ok("<html>not json</html>")),
    ])
    .await;
    let watch = |name: &str, tracker: &str, settings: String| {
        format!(
            "[[watch]]\nname = \"{name}\"\ntracker = \"{tracker}\"\nsettings = {{ {settings} }}\npackages = {{ lab = \"linux\" }}\n"
        )
    };
    let kernel = |path: &str| format!("base-url = \"{}\"", server.url(path));
    let text = [
        "[distros.lab]\nkind = \"static\"\npackages = { linux = \"5.10.1\" }\n".to_owned(),
        watch("good", "kernel-org", kernel("/ok")),
        watch("missing", "kernel-org", kernel("/missing")),
        watch("broken", "kernel-org", kernel("/broken")),
        watch("garbled", "kernel-org", kernel("/garbled")),
        watch(
            "not-json",
            "endoflife",
            format!("product = \"salt\", base-url = \"{}\"", server.url("")),
        ),
        watch(
            "unknown-product",
            "endoflife",
            format!("product = \"nope\", base-url = \"{}\"", server.url("")),
        ),
    ]
    .concat();
    let report = rollcall::run::check(
        &support::config(&text),
        support::runtime(),
        support::today(),
    )
    .await
    .expect("the run completes");
    let errors: HashMap<&str, (&str, &str)> = report
        .errors
        .iter()
        .map(|e| (e.watch.as_str(), (e.kind.as_str(), e.message.as_str())))
        .collect();
    let expect = |watch: &str, kind: &str, needle: String| {
        let (k, m) = errors
            .get(watch)
            .unwrap_or_else(|| panic!("{watch} should fail: {errors:#?}"));
        assert_eq!(*k, kind, "{watch}: {m}");
        assert!(m.contains(&needle), "{watch}: `{needle}` not in `{m}`");
    };
    expect(
        "missing",
        "upstream-status",
        format!("HTTP 404 for `{}`", server.url("/missing/releases.json")),
    );
    expect("broken", "upstream-status", "HTTP 500".into());
    expect(
        "garbled",
        "parse",
        format!(
            "`{}`: EOF while parsing",
            server.url("/garbled/releases.json")
        ),
    );
    expect(
        "not-json",
        "parse",
        "expected value at line 1 column 1".into(),
    );
    expect("unknown-product", "upstream-status", "HTTP 404".into());
    assert_eq!(errors.len(), 5);
    let good = report
        .verdicts
        .iter()
        .find(|v| v.watch == "good")
        .expect("good verdict");
    assert_eq!(good.status.as_str(), "current", "{}", good.explanation);
    let bad = report
        .verdicts
        .iter()
        .find(|v| v.watch == "broken")
        .expect("broken verdict");
    assert_eq!(bad.status.as_str(), "error");
    assert!(bad.explanation.contains("HTTP 500"), "{}", bad.explanation);
}
