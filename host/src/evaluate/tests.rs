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

/// Python-like upstream: line 3.6 (its newest release 3.6.15), a supported 3.12 and, in some
/// cases, an unsupported newer line; the end of 3.6 given by date or by flag.
fn python(end: Option<&str>, flag: bool, newer: &[(&str, Option<&str>, &str)]) -> UpstreamData {
    let mut lines = vec![ReleaseLine {
        is_eol: flag,
        ..line("3.6", "2016-12-23", end, false, "3.6.15")
    }];
    let mut releases = vec![
        release("3.6.13", "2021-02-15"),
        release("3.6.14", "2021-06-28"),
        release("3.6.15", "2021-09-04"),
    ];
    for (name, eol, latest) in newer {
        lines.push(line(name, "2023-10-02", *eol, false, latest));
        releases.push(release(latest, "2026-10-01"));
    }
    UpstreamData {
        lines,
        releases,
        ..UpstreamData::default()
    }
}

/// Every shape a distro ships a version of an ended line in, under every scheme and with
/// every kind of newer line: the status is `eol`, never `ahead`, `behind`, `superseded` or
/// `current` (or `unknown` where the scheme cannot read the version at all).
#[test]
fn no_combination_of_facts_hides_an_ended_line() {
    let shipped: &[(&str, Family)] = &[
        ("3.6.10-150300.10.72.1", Family::Rpm),
        ("3.6.14-150300.10.72.1", Family::Rpm),
        ("3.6.15-150300.10.72.1", Family::Rpm),
        ("3.6.15.1-150300.10.72.1", Family::Rpm),
        ("3.6.16-lp156.1.1", Family::Rpm),
        ("3.6.15.94+g1d1ee06-150500.1.1", Family::Rpm),
        ("3.6.15+git20250101.abc1234-1.1", Family::Rpm),
        ("3.6.16~rc1-1.1", Family::Rpm),
        ("3.6.15-1+deb9u3", Family::Deb),
        ("3.6.15+dfsg+~cs1.2.3-2", Family::Deb),
        ("3.7.0+really3.6.15-1", Family::Deb),
        ("1:3.6.99+git20240101.abc-1", Family::Deb),
    ];
    let newer_sets: &[&[(&str, Option<&str>, &str)]] = &[
        &[],
        &[("3.12", Some("2028-10-31"), "3.12.8")],
        &[("3.7", Some("2023-06-27"), "3.7.17")],
        &[
            ("3.7", Some("2023-06-27"), "3.7.17"),
            ("3.12", None, "3.12.8"),
        ],
    ];
    let ends: &[(Option<&str>, bool)] = &[
        (Some("2021-12-23"), false),
        (Some("2026-11-26"), false),
        (None, true),
        (Some("2030-01-01"), true),
    ];
    let mut checked = 0;
    for scheme in Scheme::ALL {
        for prereleases in [false, true] {
            for (end, flag) in ends {
                for newer in newer_sets {
                    let upstream = python(*end, *flag, newer);
                    for (version, family) in shipped {
                        let mut f = facts();
                        f.scheme = scheme;
                        f.family = *family;
                        f.prereleases = prereleases;
                        let v = evaluate(&f, &upstream, version);
                        let readable = v
                            .shipped_upstream
                            .as_deref()
                            .is_some_and(|u| scheme.parse(u).is_ok());
                        if readable {
                            assert_eq!(
                                v.status,
                                Status::Eol,
                                "{scheme}, {version}, end {end:?}/{flag}, newer {newer:?}: {}",
                                v.explanation
                            );
                            assert_eq!(v.severity, Severity::Critical);
                            checked += 1;
                        } else {
                            assert_eq!(v.status, Status::Unknown, "{scheme}, {version}");
                        }
                    }
                }
            }
        }
    }
    assert!(checked > 500, "{checked} combinations judged");
}

/// A line that ends within its warning window is `eol-soon` wherever the shipped version sits
/// in it; a supported line gives the position's status.
#[test]
fn an_ending_line_is_eol_soon_and_a_current_one_keeps_its_position() {
    let cases = [
        ("3.6.14-1.1", Some("2026-12-20"), Status::EolSoon),
        ("3.6.15.1-1.1", Some("2026-12-20"), Status::EolSoon),
        (
            "3.6.15.94+g1d1ee06-1.1",
            Some("2026-12-20"),
            Status::EolSoon,
        ),
        ("3.6.14-1.1", Some("2029-12-20"), Status::Behind),
        ("3.6.15-1.1", Some("2029-12-20"), Status::Superseded),
        ("3.6.15.1-1.1", Some("2029-12-20"), Status::Ahead),
    ];
    for (version, end, want) in cases {
        let upstream = python(end, false, &[("3.12", Some("2030-10-31"), "3.12.8")]);
        let v = evaluate(&facts(), &upstream, version);
        assert_eq!(v.status, want, "{version}, end {end:?}: {}", v.explanation);
    }
}

/// The openSUSE shapes of the review: the explanation says both that the line ended and where
/// the shipped version sits.
#[test]
fn opensuse_shapes_on_ended_lines_say_both_facts() {
    let upstream = python(
        Some("2021-12-23"),
        false,
        &[("3.12", Some("2028-10-31"), "3.12.8")],
    );
    let v = evaluate(&facts(), &upstream, "3.6.15.1-150300.10.72.1");
    assert_eq!(v.status, Status::Eol);
    assert_eq!(v.shipped_upstream.as_deref(), Some("3.6.15.1"));
    assert!(
        v.explanation.contains("end of life 2021-12-23")
            && v.explanation
                .contains("newer than the newest release of its line (3.6.15)"),
        "{}",
        v.explanation
    );
    let v = evaluate(&facts(), &upstream, "3.6.15.94+g1d1ee06-150500.1.1");
    assert_eq!(v.status, Status::Eol);
    assert!(v.snapshot);
    assert!(
        v.explanation.starts_with(
            "ships 3.6.15 (a snapshot after 3.6.15) (line 3.6, end of life 2021-12-23"
        ),
        "{}",
        v.explanation
    );
}

/// A version that a line's `latest` and the release list both name is one candidate in the
/// trace, with the date either gave.
#[test]
fn a_candidate_named_twice_is_listed_once() {
    let trace = super::evaluate(&facts(), &kernel(), "6.12.58").trace;
    let mentions: Vec<&Candidate> = trace
        .candidates
        .iter()
        .filter(|c| c.version == "6.12.60")
        .collect();
    assert_eq!(mentions.len(), 1, "{mentions:?}");
    assert_eq!(mentions[0].decision, "kept");
    assert_eq!(mentions[0].date, Some(day("2026-11-10")));
}
