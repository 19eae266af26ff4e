use super::*;
use crate::model::Release;

fn day(s: &str) -> Day {
    s.parse().expect("test date")
}

fn line(name: &str, released: &str, eol: Option<&str>, lts: bool, latest: &str) -> ReleaseLine {
    ReleaseLine {
        name: name.into(),
        label: None,
        release_date: Some(day(released)),
        end_of_active_support: None,
        end_of_life: eol.map(day),
        is_eol: false,
        eol_source: DateSource::Announced,
        lts,
        latest: Some(latest.into()),
        latest_date: None,
        eol_from: None,
    }
}

fn release(version: &str, date: &str) -> Release {
    Release {
        version: version.into(),
        date: Some(day(date)),
        prerelease: false,
        line: None,
        url: None,
    }
}

/// A kernel-like upstream as of 2026-11-26.
fn kernel() -> UpstreamData {
    UpstreamData {
        lines: vec![
            line("6.4", "2023-06-25", Some("2023-08-16"), false, "6.4.16"),
            line("6.6", "2023-10-30", Some("2026-12-31"), true, "6.6.70"),
            line("6.12", "2024-11-17", Some("2028-12-31"), true, "6.12.60"),
            line("7.2", "2026-08-16", None, false, "7.2.3"),
        ],
        releases: vec![
            release("6.12.58", "2026-10-01"),
            release("6.12.59", "2026-10-20"),
            release("6.12.60", "2026-11-10"),
            release("7.2.3", "2026-11-20"),
            Release {
                prerelease: true,
                ..release("7.3-rc5", "2026-11-23")
            },
        ],
        ..UpstreamData::default()
    }
}

static RULE: std::sync::LazyLock<LineRule> = std::sync::LazyLock::new(LineRule::default);
static POLICY: std::sync::LazyLock<Policy> = std::sync::LazyLock::new(Policy::default);

fn facts() -> Facts<'static> {
    Facts {
        watch: "linux",
        tracker: "endoflife",
        distro: "leap",
        package: "kernel-default",
        scheme: Scheme::Generic,
        family: Family::Rpm,
        prereleases: false,
        line_rule: &RULE,
        policy: &POLICY,
        today: day("2026-11-26"),
    }
}

fn evaluate(facts: &Facts<'_>, upstream: &UpstreamData, shipped: &str) -> Verdict {
    super::evaluate(facts, upstream, shipped).verdict
}

#[test]
fn statuses_follow_the_design_table() {
    let cases = [
        ("6.4.0-150600.23.25.1", Status::Eol, Some("6.4")),
        ("6.6.70", Status::EolSoon, Some("6.6")),
        ("6.12.58-160000.1.1", Status::Behind, Some("6.12")),
        ("6.12.60", Status::Superseded, Some("6.12")),
        ("7.2.3", Status::Current, Some("7.2")),
        ("7.4.1", Status::Ahead, Some("7.4")),
        ("7.2.9", Status::Ahead, Some("7.2")),
        ("5.3.18", Status::Unknown, Some("5.3")),
    ];
    for (shipped, status, line) in cases {
        let v = evaluate(&facts(), &kernel(), shipped);
        assert_eq!(v.status, status, "{shipped}: {}", v.explanation);
        assert_eq!(v.line.as_deref(), line, "{shipped}");
        assert_eq!(v.severity, crate::policy::default_severity(status));
    }
}

#[test]
fn eol_explanation_reads_like_the_issue() {
    let v = evaluate(&facts(), &kernel(), "6.4.0-150600.23.25.1");
    assert_eq!(v.shipped_upstream.as_deref(), Some("6.4.0"));
    assert_eq!(v.support_days_left, Some(-1198));
    assert_eq!(v.lines_behind, Some(3));
    assert_eq!(
        v.explanation,
        "ships 6.4.0 (line 6.4, end of life 2023-08-16, 1,198 days ago); 1 newer release in the line, newest 6.4.16; 3 newer lines; newest LTS 6.12.60"
    );
}

#[test]
fn behind_counts_releases_and_days() {
    let v = evaluate(&facts(), &kernel(), "6.12.58");
    assert_eq!(v.releases_behind, Some(2));
    assert_eq!(v.latest_in_line.as_deref(), Some("6.12.60"));
    assert_eq!(
        v.latest.as_deref(),
        Some("7.2.3"),
        "the release candidate is not newest"
    );
    assert_eq!(v.days_behind, Some(37), "2026-10-20 → 2026-11-26");
    assert!(
        v.explanation
            .contains("2 newer releases in the line, newest 6.12.60"),
        "{}",
        v.explanation
    );
}

#[test]
fn prereleases_count_only_when_the_watch_opts_in() {
    let mut f = facts();
    f.prereleases = true;
    let v = evaluate(&f, &kernel(), "7.2.3");
    assert_eq!(v.latest.as_deref(), Some("7.3-rc5"));
    assert_eq!(v.status, Status::Superseded);
}

#[test]
fn eol_flag_without_date_is_eol() {
    let mut up = kernel();
    up.lines[3].is_eol = true;
    let v = evaluate(&facts(), &up, "7.2.3");
    assert_eq!(v.status, Status::Eol);
    assert!(
        v.explanation.contains("line 7.2, end of life)"),
        "{}",
        v.explanation
    );
}

#[test]
fn empty_upstream_is_unknown_and_says_so() {
    let v = evaluate(&facts(), &UpstreamData::default(), "1.0");
    assert_eq!(v.status, Status::Unknown);
    assert!(
        v.explanation.contains("returned no releases"),
        "{}",
        v.explanation
    );
}

#[test]
fn thousands_separates() {
    assert_eq!(thousands(1198), "1,198");
    assert_eq!(thousands(-1_234_567), "-1,234,567");
    assert_eq!(thousands(12), "12");
}
