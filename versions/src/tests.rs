use std::cmp::Ordering::{Equal, Greater, Less};

use super::*;

#[test]
fn every_scheme_orders_the_basics() {
    for scheme in Scheme::ALL {
        assert_eq!(
            scheme.try_compare("1.2.10", "1.2.9"),
            Ok(Greater),
            "{scheme}"
        );
        assert_eq!(scheme.try_compare("1.2.3", "1.2.3"), Ok(Equal), "{scheme}");
        assert_eq!(scheme.try_compare("1.9", "1.10"), Ok(Less), "{scheme}");
    }
}

#[test]
fn schemes_differ_where_they_should() {
    for (scheme, a, b, want) in [
        (Scheme::Generic, "1.0rc1", "1.0", Less),
        (Scheme::Generic, "1.0", "1.0.0", Equal),
        (Scheme::Semver, "v1.31", "1.31.0", Equal),
        (Scheme::Semver, "1.0.0-rc.2", "1.0.0-rc.10", Less),
        (Scheme::Rpm, "1.0~rc1", "1.0", Less),
        (Scheme::Rpm, "1.0^git1", "1.0", Greater),
        (Scheme::Deb, "1:1.0", "2.0", Greater),
        (Scheme::Deb, "1.0~rc1-1", "1.0-1", Less),
        (Scheme::Pep440, "1.0.dev1", "1.0a1", Less),
        (Scheme::Pep440, "1.0.post1", "1.0", Greater),
        // Debian's `~` pre-releases, as the reduction leaves them, under every scheme.
        (Scheme::Pep440, "0.4.8~rc2", "0.4.8rc2", Equal),
        (Scheme::Pep440, "0.4.8~rc2", "0.4.8", Less),
        (Scheme::Pep440, "1.0.0~rc~12", "1.0.0rc12", Equal),
        (Scheme::Semver, "1.0.0~rc~12", "1.0.0-rc.12", Equal),
        (Scheme::Semver, "1.0.0~rc~12", "1.0.0", Less),
        (Scheme::Generic, "0.4.8~rc2", "0.4.8", Less),
        (Scheme::Deb, "0.4.8~rc2", "0.4.8", Less),
        (Scheme::Rpm, "0.4.8~rc2", "0.4.8", Less),
    ] {
        assert_eq!(scheme.try_compare(a, b), Ok(want), "{scheme}: {a} vs {b}");
    }
}

#[test]
fn unparseable_versions_are_errors_that_name_them() {
    for (scheme, bad) in [
        (Scheme::Generic, "latest"),
        (Scheme::Semver, "1.2.3.4"),
        (Scheme::Deb, "1:2:3 x"),
        (Scheme::Pep440, "1.0-foo-bar"),
        (Scheme::Rpm, "..."),
    ] {
        let err = scheme.parse(bad).expect_err(bad);
        assert!(
            err.to_string()
                .starts_with(&format!("`{bad}` is not a valid {scheme} version")),
            "{err}"
        );
        assert!(scheme.try_compare(bad, "1.0").is_err());
    }
}

#[test]
fn prereleases_are_recognised_per_scheme() {
    for (scheme, version, pre) in [
        (Scheme::Generic, "6.13-rc3", true),
        (Scheme::Generic, "1.0~rc1", true),
        (Scheme::Generic, "3.0a1", true),
        (Scheme::Generic, "2.0.0-beta.2", true),
        (Scheme::Generic, "6.12.4", false),
        (Scheme::Generic, "1.0a", false),
        (Scheme::Generic, "2.3.4-build5", false),
        (Scheme::Semver, "v1.2.0-beta.1", true),
        (Scheme::Semver, "v1.2.0", false),
        (Scheme::Pep440, "1.0.dev3", true),
        (Scheme::Pep440, "1.0rc1", true),
        (Scheme::Pep440, "1.0.post1", false),
        (Scheme::Deb, "1.0~rc1-1", true),
        (Scheme::Deb, "1.0-1~deb12u1", false),
        (Scheme::Rpm, "1.0~beta2", true),
    ] {
        assert_eq!(scheme.is_prerelease(version), pre, "{scheme}: {version}");
    }
}

#[test]
fn lines_are_prefixes_on_component_boundaries() {
    assert_eq!(major_minor("6.12.4"), "6.12");
    assert_eq!(major_minor("6.13-rc3"), "6.13");
    assert_eq!(major_minor("3006"), "3006");
    assert!(in_line("6.12.4", "6.12"));
    assert!(in_line("6.12", "6.12"));
    assert!(!in_line("6.120.1", "6.12"));
    assert!(in_line("3006.9", "3006"));
}

#[test]
fn schemes_parse_from_their_names() {
    for scheme in Scheme::ALL {
        assert_eq!(scheme.name().parse::<Scheme>(), Ok(scheme));
    }
    assert!("semverr".parse::<Scheme>().is_err());
}
