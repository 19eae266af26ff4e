//! Verdicts for every status, from real release-line data: endoflife.date's kernel, Kubernetes,
//! Salt, Podman and Ceph pages (read by the real `endoflife` tracker from a loopback server) plus
//! endoflife.date's release history for the dates of every release.

use std::collections::BTreeMap;

use rollcall::day::Day;
use rollcall::evaluate::{self, Facts, Severity, Status, Verdict};
use rollcall::model::{Release, UpstreamData};
use rollcall::net::{Grant, HostRule};
use rollcall::policy::{Policy, PolicyConfig};
use rollcall::runtime::Limits;
use rollcall::versions::{Family, LineRule, Scheme};

use crate::support::{self, Reply, Server};

/// The `endoflife` tracker's view of `product`, plus every release endoflife.date's bots saw.
async fn upstream(product: &str) -> UpstreamData {
    let path = format!("/api/{product}.json");
    let server = Server::start(vec![(
        path.as_str(),
        Reply::ok(support::fixture(&format!("endoflife/{product}.json"))),
    )])
    .await;
    let runtime = support::runtime();
    let plugin = runtime
        .load(rollcall::trackers::builtin("endoflife").expect("built-in"))
        .await
        .expect("loads");
    let grant = Grant::new(vec![
        HostRule::for_url(&server.url("/").parse().expect("url")).expect("rule"),
    ]);
    let settings = vec![
        ("product".to_owned(), product.to_owned()),
        ("base-url".to_owned(), server.url("")),
    ];
    let mut data = runtime
        .poll(&plugin, &settings, grant, Limits::default())
        .await
        .result
        .expect("endoflife poll");
    let history_file = format!("endoflife/release-data/{product}.json");
    if support::root()
        .join("tests/fixtures")
        .join(&history_file)
        .exists()
    {
        let history: serde_json::Value =
            serde_json::from_slice(&support::fixture(&history_file)).expect("release data");
        for (version, entry) in history["versions"].as_object().expect("versions") {
            data.releases.push(Release {
                version: version.clone(),
                date: entry["date"].as_str().and_then(|d| d.parse().ok()),
                prerelease: false,
                line: None,
                url: None,
            });
        }
    }
    data
}

struct Case {
    product: &'static str,
    shipped: &'static str,
    family: Family,
    scheme: Scheme,
    status: Status,
    line: Option<&'static str>,
    check: fn(&Verdict),
}

fn today() -> Day {
    support::today()
}

fn judge(case: &Case, data: &UpstreamData, policy: &Policy, prereleases: bool) -> Verdict {
    let rule = LineRule::default();
    let facts = Facts {
        watch: case.product,
        tracker: "endoflife",
        distro: "test",
        package: "pkg",
        scheme: case.scheme,
        family: case.family,
        prereleases,
        line_rule: &rule,
        policy,
        today: today(),
    };
    evaluate::evaluate(&facts, data, case.shipped).verdict
}

#[tokio::test(flavor = "multi_thread")]
async fn every_status_from_real_release_lines() {
    let mut data = BTreeMap::new();
    for product in ["linux-kernel", "kubernetes", "salt", "podman", "ceph"] {
        data.insert(product, upstream(product).await);
    }
    let none: fn(&Verdict) = |_| {};
    let cases = [
        // Leap 15.6's kernel: its line ended on 2023-09-13.
        Case {
            product: "linux-kernel",
            shipped: "6.4.0-150600.23.25.1",
            family: Family::Rpm,
            scheme: Scheme::Generic,
            status: Status::Eol,
            line: Some("6.4"),
            check: |v| {
                assert_eq!(v.eol.map(|d| d.to_string()).as_deref(), Some("2023-09-13"));
                assert_eq!(v.support_days_left, Some(-1170));
                assert_eq!(v.severity, Severity::Critical);
                assert!(
                    v.explanation.contains("newest LTS 6.18.45"),
                    "{}",
                    v.explanation
                );
            },
        },
        // Leap 16.0's kernel: an LTS line far from its end, 104 releases behind its newest.
        Case {
            product: "linux-kernel",
            shipped: "6.12.0-160000.5.1",
            family: Family::Rpm,
            scheme: Scheme::Generic,
            status: Status::Behind,
            line: Some("6.12"),
            check: |v| {
                assert_eq!(v.lts, Some(true));
                assert_eq!(v.latest_in_line.as_deref(), Some("6.12.104"));
                assert_eq!(v.releases_behind, Some(104));
                assert_eq!(
                    v.days_behind,
                    Some(today().days_until("2024-11-22".parse().expect("day"))).map(|d| -d)
                );
            },
        },
        // A distro shipping two kernel lines at once: each package gets its own line and verdict.
        Case {
            product: "linux-kernel",
            shipped: "7.2-1.1",
            family: Family::Rpm,
            scheme: Scheme::Generic,
            status: Status::Current,
            line: Some("7.2"),
            check: none,
        },
        Case {
            product: "linux-kernel",
            shipped: "6.18.45-1.1",
            family: Family::Rpm,
            scheme: Scheme::Generic,
            status: Status::Superseded,
            line: Some("6.18"),
            check: |v| {
                assert_eq!(v.lts, Some(true));
                assert_eq!(v.severity, Severity::Info);
            },
        },
        // Ahead of upstream: a version nobody released.
        Case {
            product: "linux-kernel",
            shipped: "7.9.1-1.1",
            family: Family::Rpm,
            scheme: Scheme::Generic,
            status: Status::Ahead,
            line: Some("7.9"),
            check: none,
        },
        // Unparseable.
        Case {
            product: "linux-kernel",
            shipped: "latest",
            family: Family::Rpm,
            scheme: Scheme::Generic,
            status: Status::Unknown,
            line: None,
            check: |v| {
                assert!(
                    v.explanation.contains("cannot be compared"),
                    "{}",
                    v.explanation
                );
            },
        },
        // Kubernetes, semver scheme: 1.33 ended 2026-06-28; 1.35 ends within the window; 1.36.4 is newest.
        Case {
            product: "kubernetes",
            shipped: "1.33.4-150000.1.1",
            family: Family::Rpm,
            scheme: Scheme::Semver,
            status: Status::Eol,
            line: Some("1.33"),
            check: none,
        },
        Case {
            product: "kubernetes",
            shipped: "1.35.2",
            family: Family::Rpm,
            scheme: Scheme::Semver,
            status: Status::EolSoon,
            line: Some("1.35"),
            check: |v| {
                assert_eq!(v.support_days_left, Some(94));
                assert_eq!(v.eol_warning_days, Some(120));
                assert_eq!(v.releases_behind, Some(6));
            },
        },
        Case {
            product: "kubernetes",
            shipped: "1.36.4",
            family: Family::Rpm,
            scheme: Scheme::Semver,
            status: Status::Current,
            line: Some("1.36"),
            check: none,
        },
        // Salt: 3006 is LTS until 2027-06-30; 3007 ended 2026-07-31. Debian packaging.
        Case {
            product: "salt",
            shipped: "3006.0+ds-1+deb12u1",
            family: Family::Deb,
            scheme: Scheme::Generic,
            status: Status::Behind,
            line: Some("3006"),
            check: |v| {
                assert_eq!(v.shipped_upstream.as_deref(), Some("3006.0"));
                assert_eq!(v.distro_markers, ["+ds"]);
            },
        },
        Case {
            product: "salt",
            shipped: "3007.1-1",
            family: Family::Deb,
            scheme: Scheme::Generic,
            status: Status::Eol,
            line: Some("3007"),
            check: none,
        },
        // Podman in Leap 15.6 and 16.0.
        Case {
            product: "podman",
            shipped: "4.9.5-150500.3.25.1",
            family: Family::Rpm,
            scheme: Scheme::Generic,
            status: Status::Eol,
            line: Some("4.9"),
            check: none,
        },
        Case {
            product: "podman",
            shipped: "5.8.6-1.1",
            family: Family::Rpm,
            scheme: Scheme::Generic,
            status: Status::Eol,
            line: Some("5.8"),
            check: none,
        },
        Case {
            product: "podman",
            shipped: "6.1.0-1.1",
            family: Family::Rpm,
            scheme: Scheme::Generic,
            status: Status::Current,
            line: Some("6.1"),
            check: none,
        },
        // Ceph: lines are major versions with codenames; Squid (19) ended 2026-09-26.
        Case {
            product: "ceph",
            shipped: "19.2.1-150700.1.1",
            family: Family::Rpm,
            scheme: Scheme::Generic,
            status: Status::Eol,
            line: Some("19"),
            check: none,
        },
        Case {
            product: "ceph",
            shipped: "20.2.0",
            family: Family::Rpm,
            scheme: Scheme::Generic,
            status: Status::Current,
            line: Some("20"),
            check: none,
        },
        Case {
            product: "ceph",
            shipped: "20.1.0",
            family: Family::Rpm,
            scheme: Scheme::Generic,
            status: Status::Behind,
            line: Some("20"),
            check: none,
        },
    ];
    let policy = Policy::default();
    for case in &cases {
        let v = judge(case, &data[case.product], &policy, false);
        assert_eq!(
            v.status, case.status,
            "{} {}: {}",
            case.product, case.shipped, v.explanation
        );
        assert_eq!(
            v.line.as_deref(),
            case.line,
            "{} {}",
            case.product,
            case.shipped
        );
        assert!(!v.explanation.is_empty());
        (case.check)(&v);
    }
    let statuses: std::collections::BTreeSet<Status> = cases.iter().map(|c| c.status).collect();
    for status in [
        Status::Current,
        Status::Behind,
        Status::Superseded,
        Status::EolSoon,
        Status::Eol,
        Status::Ahead,
        Status::Unknown,
    ] {
        assert!(statuses.contains(&status), "no case for {status:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn prereleases_count_only_when_the_watch_opts_in() {
    let mut data = upstream("kubernetes").await;
    for (version, date) in [
        ("1.37.0-rc.1", "2026-11-10"),
        ("1.37.0-alpha.3", "2026-10-01"),
    ] {
        data.releases.push(Release {
            version: version.into(),
            date: date.parse().ok(),
            prerelease: false,
            line: None,
            url: None,
        });
    }
    let case = Case {
        product: "kubernetes",
        shipped: "1.36.4",
        family: Family::Rpm,
        scheme: Scheme::Semver,
        status: Status::Current,
        line: Some("1.36"),
        check: |_| {},
    };
    let policy = Policy::default();
    let without = judge(&case, &data, &policy, false);
    assert_eq!(without.status, Status::Current, "{}", without.explanation);
    assert_eq!(without.latest.as_deref(), Some("1.36.4"));
    let with = judge(&case, &data, &policy, true);
    assert_eq!(with.status, Status::Superseded, "{}", with.explanation);
    assert_eq!(with.latest.as_deref(), Some("1.37.0-rc.1"));

    // A distro shipping the release candidate is ahead of upstream's releases.
    let rc = Case {
        shipped: "1.37.0~rc.1-1.1",
        ..case
    };
    let v = judge(&rc, &data, &policy, false);
    assert_eq!(v.status, Status::Ahead, "{}", v.explanation);
    assert!(v.prerelease);
}

#[tokio::test(flavor = "multi_thread")]
async fn policy_thresholds_change_severity_not_status() {
    let data = upstream("kubernetes").await;
    let case = Case {
        product: "kubernetes",
        shipped: "1.36.2",
        family: Family::Rpm,
        scheme: Scheme::Semver,
        status: Status::Behind,
        line: Some("1.36"),
        check: |_| {},
    };
    let strict = judge(&case, &data, &Policy::default(), false);
    assert_eq!(
        (strict.status, strict.severity),
        (Status::Behind, Severity::Warning)
    );
    let tolerant = Policy::layered([&PolicyConfig {
        max_releases_behind: Some(2),
        max_days_behind: Some(365),
        ..PolicyConfig::default()
    }]);
    let v = judge(&case, &data, &tolerant, false);
    assert_eq!(
        (v.status, v.severity),
        (Status::Behind, Severity::Ok),
        "{}",
        v.explanation
    );
    assert!(v.explanation.contains("within policy"), "{}", v.explanation);
}

/// The example policy plugin, `lts-only`, judging real kernel lines: findings join the verdict
/// and raise its severity; a misconfigured policy fails alone.
#[tokio::test(flavor = "multi_thread")]
async fn a_policy_plugin_adds_findings() {
    let server = Server::start(vec![(
        "/api/linux-kernel.json",
        Reply::ok(support::fixture("endoflife/linux-kernel.json")),
    )])
    .await;
    let text = format!(
        "[distros.tw]\nkind = \"static\"\npackages = {{ kernel-default = \"7.2.0-1.1\", kernel-longterm = \"6.18.45-1.1\" }}\n\
         [plugins.lts-only]\nsettings = {{ severity = \"critical\" }}\n\
         [[watch]]\nname = \"linux\"\ntracker = \"endoflife\"\npolicies = [\"lts-only\"]\n\
         settings = {{ product = \"linux-kernel\", base-url = \"{}\" }}\n\
         packages = {{ tw = [\"kernel-default\", \"kernel-longterm\"] }}\n",
        server.url("")
    );
    let report = rollcall::run::check(
        &support::config(&text),
        support::runtime(),
        support::today(),
    )
    .await
    .expect("runs");
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    let mainline = &report.verdicts[0];
    assert_eq!(
        mainline.status,
        Status::Current,
        "the built-in status stays"
    );
    assert_eq!(
        mainline.severity,
        Severity::Critical,
        "raised by the finding"
    );
    assert_eq!(mainline.findings.len(), 1);
    assert_eq!(mainline.findings[0].policy, "lts-only");
    assert!(
        mainline.findings[0]
            .message
            .starts_with("line 7.2 is not a long-term-support line; supported LTS lines: "),
        "{}",
        mainline.findings[0].message
    );
    assert!(
        mainline.explanation.contains("; lts-only: line 7.2"),
        "{}",
        mainline.explanation
    );
    let longterm = &report.verdicts[1];
    assert!(
        longterm.findings.is_empty(),
        "6.18 is LTS: {:?}",
        longterm.findings
    );
    assert_eq!(longterm.severity, Severity::Info);

    let bad = text.replace("severity = \"critical\"", "severity = \"loud\"");
    let report = rollcall::run::check(&support::config(&bad), support::runtime(), support::today())
        .await
        .expect("runs");
    assert_eq!(report.errors.len(), 1, "{:#?}", report.errors);
    assert!(
        report.errors[0]
            .message
            .contains("policy `lts-only` failed: setting `severity` = `loud`"),
        "{}",
        report.errors[0].message
    );
    assert_eq!(
        report.verdicts[0].status,
        Status::Current,
        "the verdict survives a failing policy"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_policy_lists_the_known_ones() {
    let config = support::config(
        "[[watch]]\nname = \"w\"\ntracker = \"kernel-org\"\npolicies = [\"lts-onyl\"]\n",
    );
    let err = rollcall::run::load_policies(&config, &support::runtime())
        .await
        .expect_err("unknown policy");
    let shown = err.to_string();
    assert!(
        shown.starts_with("invalid config test.toml:4:13: watch `w` names policy `lts-onyl`"),
        "{shown}"
    );
    assert!(shown.contains("help: known policies: lts-only"), "{shown}");
}
