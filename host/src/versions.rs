//! Version comparison and the reduction of distro versions to upstream versions.
//!
//! Two schemes for now: `generic`, libversion's algorithm (from the Repology authors; the
//! default, right for almost every upstream), and `semver` (lenient: a `v` prefix and two-part
//! versions are accepted). The `rpm`, `deb` and `pep440` schemes and the full distro-version
//! reduction (dist tags, `+dfsg`, `~deb12u1`, `+really`) come with the versions issue; the
//! reduction here strips what every packaged version has: an epoch and a release.

use std::cmp::Ordering;

use serde::Deserialize;

/// How a watch's versions are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scheme {
    /// libversion's algorithm: numeric components, pre-release and post-release keywords.
    #[default]
    Generic,
    /// Semantic versioning, leniently parsed; falls back to `generic` for what is not semver.
    Semver,
}

impl Scheme {
    /// Orders two versions.
    pub fn compare(self, a: &str, b: &str) -> Ordering {
        match self {
            Scheme::Generic => libversion::version_compare2(a, b),
            Scheme::Semver => match (lenient_semver(a), lenient_semver(b)) {
                (Some(a), Some(b)) => a.cmp_precedence(&b),
                _ => libversion::version_compare2(a, b),
            },
        }
    }

    /// Whether `version` looks like a pre-release under this scheme.
    pub fn is_prerelease(self, version: &str) -> bool {
        match self {
            Scheme::Semver if lenient_semver(version).is_some() => {
                lenient_semver(version).is_some_and(|v| !v.pre.is_empty())
            }
            _ => generic_prerelease(version),
        }
    }
}

/// libversion's pre-release keywords, and `~` (Debian and RPM's "sorts before").
fn generic_prerelease(version: &str) -> bool {
    if version.contains('~') {
        return true;
    }
    let lower = version.to_ascii_lowercase();
    lower.split(|c: char| !c.is_ascii_alphabetic()).any(|word| {
        matches!(
            word,
            "alpha" | "beta" | "rc" | "pre" | "dev" | "a" | "b" | "snapshot"
        )
    })
}

/// Parses `v1.2`, `1.2`, `1.2.3-rc.1`; missing components are zero.
fn lenient_semver(raw: &str) -> Option<semver::Version> {
    let raw = raw.trim().trim_start_matches(['v', 'V']);
    if let Ok(v) = semver::Version::parse(raw) {
        return Some(v);
    }
    let split = raw.find(['-', '+']).unwrap_or(raw.len());
    let (core, rest) = raw.split_at(split);
    let parts: Vec<&str> = core.split('.').collect();
    if parts.is_empty() || parts.len() > 3 || parts.iter().any(|p| p.parse::<u64>().is_err()) {
        return None;
    }
    let mut padded = parts.join(".");
    for _ in parts.len()..3 {
        padded.push_str(".0");
    }
    semver::Version::parse(&format!("{padded}{rest}")).ok()
}

/// The upstream part of a packaged version: without the epoch (`2:`) and the package release
/// (`-150600.23.25.1`, `-1`). `6.4.0-150600.23.25.1` → `6.4.0`, `1:2.3-4` → `2.3`.
pub fn upstream_part(distro_version: &str) -> &str {
    let v = distro_version.trim();
    let v = match v.split_once(':') {
        Some((epoch, rest)) if !epoch.is_empty() && epoch.chars().all(|c| c.is_ascii_digit()) => {
            rest
        }
        _ => v,
    };
    match v.rsplit_once('-') {
        Some((upstream, release))
            if !upstream.is_empty() && release.starts_with(|c: char| c.is_ascii_digit()) =>
        {
            upstream
        }
        _ => v,
    }
}

/// The `major.minor` prefix of a version: `6.12.4` → `6.12`, `3006.9` → `3006.9`, `7` → `7`.
pub fn major_minor(version: &str) -> &str {
    let end = version
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(version.len());
    let numeric = version[..end].trim_end_matches('.');
    match numeric.match_indices('.').nth(1) {
        Some((at, _)) => &numeric[..at],
        None => numeric,
    }
}

/// Whether `version` belongs to the line called `line` (`6.12.4` and `6.12` are in `6.12`;
/// `6.120` is not).
pub fn in_line(version: &str, line: &str) -> bool {
    version == line
        || version
            .strip_prefix(line)
            .is_some_and(|rest| rest.starts_with(['.', '-', '+', '~', '_']))
}

#[cfg(test)]
mod tests {
    use std::cmp::Ordering::{Equal, Greater, Less};

    use super::*;

    #[test]
    fn generic_orders_like_libversion() {
        for (a, b, want) in [
            ("6.12.10", "6.12.9", Greater),
            ("1.0", "1.0.0", Equal),
            ("1.0rc1", "1.0", Less),
            ("1.0alpha", "1.0beta", Less),
            ("6.13-rc3", "6.12.4", Greater),
            ("3006.9", "3007.1", Less),
        ] {
            assert_eq!(Scheme::Generic.compare(a, b), want, "{a} vs {b}");
        }
    }

    #[test]
    fn semver_is_lenient() {
        for (a, b, want) in [
            ("v1.31.4", "1.31.4", Equal),
            ("1.31", "1.31.0", Equal),
            ("1.31.0-rc.1", "1.31.0", Less),
            ("1.31.0-rc.2", "1.31.0-rc.10", Less),
            ("2", "1.99.99", Greater),
        ] {
            assert_eq!(Scheme::Semver.compare(a, b), want, "{a} vs {b}");
        }
        assert!(Scheme::Semver.is_prerelease("v1.2.0-beta.1"));
        assert!(!Scheme::Semver.is_prerelease("v1.2.0"));
    }

    #[test]
    fn prereleases_are_recognised() {
        for v in ["6.13-rc3", "1.0~rc1", "2.0.0-beta.2", "3.0a1", "1.0-alpha"] {
            assert!(Scheme::Generic.is_prerelease(v), "{v}");
        }
        for v in ["6.12.4", "3006.9", "1.31.0", "2.40"] {
            assert!(!Scheme::Generic.is_prerelease(v), "{v}");
        }
    }

    #[test]
    fn distro_versions_lose_epoch_and_release() {
        for (distro, upstream) in [
            ("6.4.0-150600.23.25.1", "6.4.0"),
            ("2:1.19~1", "1.19~1"),
            ("1:2.3-4", "2.3"),
            ("6.12.4", "6.12.4"),
            ("1.2.3-rc1", "1.2.3-rc1"),
        ] {
            assert_eq!(upstream_part(distro), upstream, "{distro}");
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
}
