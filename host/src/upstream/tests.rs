use super::*;
use crate::model::Release;

fn filters<'a>(
    include: Option<&'a Pattern>,
    exclude: Option<&'a Pattern>,
    prefix: Option<&'a str>,
    rewrite: Option<&'a Rewrite>,
) -> Filters<'a> {
    Filters {
        include,
        exclude,
        tag_prefix: prefix,
        rewrite,
    }
}

fn pattern(p: &str) -> Pattern {
    Pattern(Regex::new(p).expect("test regex"))
}

#[test]
fn a_v_before_a_digit_goes_and_words_are_dropped() {
    let f = Filters::default();
    assert_eq!(f.apply("v1.31.4").as_deref(), Ok("1.31.4"));
    assert_eq!(f.apply("6.12.4").as_deref(), Ok("6.12.4"));
    assert!(f.apply("latest").is_err());
    assert!(f.apply("nightly-2024").is_err());
}

#[test]
fn include_exclude_prefix_and_rewrite_apply_in_order() {
    let include = pattern(r"^glibc-2\.");
    let exclude = pattern(r"\.9000$");
    let rewrite = Rewrite {
        pattern: pattern(r"^(\d+)_(\d+)$"),
        to: "$1.$2".into(),
    };
    let f = filters(Some(&include), Some(&exclude), Some("glibc-"), None);
    assert_eq!(f.apply("glibc-2.40").as_deref(), Ok("2.40"));
    assert!(
        f.apply("glibc-2.40.9000")
            .is_err_and(|e| e.contains("exclude"))
    );
    assert!(
        f.apply("cvs/glibc-2_1")
            .is_err_and(|e| e.contains("include"))
    );
    let f = filters(None, None, Some("release-"), Some(&rewrite));
    assert_eq!(f.apply("release-1_2").as_deref(), Ok("1.2"));
    assert!(f.apply("v1_2").is_err_and(|e| e.contains("tag-prefix")));
}

fn release(version: &str) -> Release {
    Release {
        version: version.into(),
        date: None,
        prerelease: false,
        line: None,
        url: None,
    }
}

fn line(name: &str, eol: Option<&str>, source: DateSource) -> ReleaseLine {
    ReleaseLine {
        name: name.into(),
        label: None,
        release_date: None,
        end_of_active_support: None,
        end_of_life: eol.map(|d| d.parse().expect("test date")),
        is_eol: false,
        eol_source: source,
        lts: false,
        latest: None,
        latest_date: None,
        eol_from: None,
    }
}

#[test]
fn announced_dates_win_over_projected_ones_and_say_who() {
    let releases = UpstreamData {
        releases: vec![release("1.31.4"), release("1.30.9")],
        lines: vec![
            line("1.31", Some("2025-10-13"), DateSource::Projected),
            line("1.30", Some("2025-06-28"), DateSource::Announced),
        ],
        ..UpstreamData::default()
    };
    let support = UpstreamData {
        releases: vec![release("1.31.4"), release("1.29.15")],
        lines: vec![
            line("1.31", Some("2025-10-28"), DateSource::Announced),
            line("1.30", Some("2025-07-01"), DateSource::Projected),
            line("1.29", Some("2025-02-28"), DateSource::Announced),
        ],
        ..UpstreamData::default()
    };
    let merged = merge("kubernetes", releases, "endoflife", support);
    let versions: Vec<&str> = merged.releases.iter().map(|r| r.version.as_str()).collect();
    assert_eq!(versions, ["1.31.4", "1.30.9", "1.29.15"]);
    let find = |name: &str| merged.lines.iter().find(|l| l.name == name).expect("line");
    let l131 = find("1.31");
    assert_eq!(
        l131.end_of_life.map(|d| d.to_string()).as_deref(),
        Some("2025-10-28")
    );
    assert_eq!(l131.eol_source, DateSource::Announced);
    assert_eq!(provenance(l131).as_deref(), Some("announced by endoflife"));
    let l130 = find("1.30");
    assert_eq!(
        l130.end_of_life.map(|d| d.to_string()).as_deref(),
        Some("2025-06-28")
    );
    assert_eq!(provenance(l130).as_deref(), Some("announced by kubernetes"));
    assert_eq!(
        provenance(find("1.29")).as_deref(),
        Some("announced by endoflife")
    );
    assert!(
        merged.notes.iter().any(|n| n.contains(
            "2025-10-28 announced by `endoflife`, over 2025-10-13 projected by `kubernetes`"
        )),
        "{:?}",
        merged.notes
    );
}
