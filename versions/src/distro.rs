//! Packaged versions reduced to the upstream version they package.
//!
//! A distro version carries more than the upstream version: an epoch (`2:`), a package release
//! or Debian revision (`-150600.23.25.1`, `-1+deb12u1`), dist tags (`.fc41`, `lp156.2.1`),
//! repack markers (`+dfsg`, `+ds1`, `+repack`), distro tags on native packages (`1.112ubuntu5`,
//! `+rpi2`), `+really<v>` (which means `<v>`), snapshot markers (`+git20240101.abc`,
//! `^20240101git…`) and pre-releases hidden in a Fedora release (`3.9.0-0.12.rc2.fc33` is
//! 3.9.0 release candidate 2). The rules follow what Repology's `parsers/versions.py` meets in the
//! wild; `tests/fixtures/distro-versions/repology-origversion.tsv` holds Repology's own answers
//! for 783 real versions, and the tests compare against all of them.

use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

/// Which packaging conventions a version follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    /// RPM: `[epoch:]version[-release]` (openSUSE, SLE, Fedora, RHEL, Mageia).
    Rpm,
    /// Debian: `[epoch:]upstream[-revision]` (Debian, Ubuntu and derivatives).
    Deb,
}

impl std::str::FromStr for Family {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "rpm" => Ok(Family::Rpm),
            "deb" => Ok(Family::Deb),
            other => Err(format!(
                "unknown package family `{other}`; use `rpm` or `deb`"
            )),
        }
    }
}

/// A distro version taken apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reduced {
    /// The upstream version it packages.
    pub upstream: String,
    /// The epoch, if any.
    pub epoch: Option<String>,
    /// The package release or Debian revision, if any.
    pub release: Option<String>,
    /// Distro markers removed from the version part, in the order found.
    pub stripped: Vec<String>,
    /// The upstream version is a pre-release (`~rc1`, a Fedora `0.N.rcM` release).
    pub prerelease: bool,
    /// The package is a snapshot past the upstream version (`+git…`, `^…`).
    pub snapshot: bool,
}

/// Distro tags that native Debian-family packages append (`1.112ubuntu5`, `1.181+rpi2`).
static DEB_DISTRO_TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:[+~]?(?:ubuntu|deb\d+u|bpo|rpi|build|nmu|trisquel|deepin|astra|eagle|mx)\d|\+b\d|\+(?:eagle|ci)).*$")
        .expect("valid regex")
});

/// Repacked upstream tarballs and Debian's own marks on them: `+dfsg`, `~ds1`, `.dfsg.1`,
/// `-dfsg`, `+repack2`, `+repacked`, `+debian`, `+debian2`, `+gh` (a forge tarball), `+pristine`,
/// `+cleaned1`. A match
/// counts only when it ends the version or a separator follows it, so `+debug` stays.
static REPACK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"[+~.\-](?:dfsg|ds|repack(?:ed)?|nodoc|nojs|orig|debian|deb|gh|pristine|cleaned)\d*(?:\.\d+)*",
    )
    .expect("valid regex")
});

/// A repack mark written straight after the version's last digit (`8.5dfsg`, `1.3repack`,
/// `0.12.10dfsg2`).
static REPACK_GLUED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[0-9](dfsg|repack(?:ed)?)\d*(?:\.\d+)*$").expect("valid regex"));

/// Debian's bundled-component suffix (`+~cs8.31.198`, `+~16.0.4`, `+~1.2.3+~4.5.6`): the
/// versions of other tarballs packed beside the main one, never part of the upstream version.
static DEB_BUNDLE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\+~.*$").expect("valid regex"));

/// `+really<v>` and its variants (`+really.4.3.1`, `+really+2.0.2`, `+0.really.8.1.8`,
/// `-really-5.3.5`, `+is-really-1.2.7`, `~really2.0.2`, `+real1.5`): the package holds `<v>`, an
/// older upstream version, under a higher number. Only when a version follows.
static REALLY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[+~.\-](?:\d+\.|is-)?real(?:ly)?[.+~\-]?(\d)").expect("valid regex")
});

/// A `+real` or `really` left without a version after it (`1.12.13+real`, `2.2really`): a
/// Debian mark, not upstream's.
static REAL_MARK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[+~.\-]?real(?:ly)?$").expect("valid regex"));

/// Snapshot markers: `+git20240101.abc`, `~svn1234`, `+20240101`, `^20240101git…`, and
/// git-describe's `+g<hash>` with the commit count before it (`16.2.15.94+g1d1ee06`,
/// `0.3.2+74+g2f62b17`: 94 and 74 commits after the tag).
static SNAPSHOT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:(?:[+.~]\d+)?[+.~]g[0-9a-f]{7,40}(?:[+.~].*)?$|[+~](?:git|svn|hg|bzr|cvs|darcs|snapshot|snap|vcs)|[+~]\d{8}|\^).*$",
    )
    .expect("valid regex")
});

/// A pre-release inside a Fedora-style release: `0.12.rc2.fc33`.
static RPM_PRE_RELEASE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^0\.[0-9.]*\.((?:alpha|beta|rc|pre|a|b)\d*)(?:\.|$)").expect("valid regex")
});

/// Takes `version` apart according to `family`.
pub fn reduce(version: &str, family: Family) -> Reduced {
    let mut out = Reduced {
        upstream: String::new(),
        epoch: None,
        release: None,
        stripped: Vec::new(),
        prerelease: false,
        snapshot: false,
    };
    let mut rest = version.trim();
    if let Some((epoch, after)) = rest.split_once(':')
        && !epoch.is_empty()
        && epoch.bytes().all(|b| b.is_ascii_digit())
    {
        out.epoch = Some(epoch.to_owned());
        rest = after;
    }
    let mut upstream = match rest.rsplit_once('-') {
        Some((upstream, release)) if !upstream.is_empty() && !release.is_empty() => {
            out.release = Some(release.to_owned());
            upstream.to_owned()
        }
        _ => rest.to_owned(),
    };

    if family == Family::Deb {
        if let Some(m) = DEB_DISTRO_TAG.find(&upstream)
            && m.start() > 0
        {
            out.stripped.push(m.as_str().to_owned());
            upstream.truncate(m.start());
        }
        if let Some(m) = DEB_BUNDLE.find(&upstream)
            && m.start() > 0
        {
            out.stripped.push(m.as_str().to_owned());
            upstream.truncate(m.start());
        }
        if let Some(caps) = REALLY.captures(&upstream)
            && let Some(whole) = caps.get(0)
            && whole.start() > 0
        {
            let version_at = caps.get(1).map_or(whole.end(), |d| d.start());
            out.stripped.push(upstream[..version_at].to_owned());
            upstream = upstream[version_at..].to_owned();
        } else if let Some(m) = REAL_MARK.find(&upstream)
            && m.start() > 0
            && !upstream.as_bytes()[m.start() - 1].is_ascii_alphabetic()
        {
            out.stripped.push(m.as_str().to_owned());
            upstream.truncate(m.start());
        }
    }
    let mut from = 0;
    while let Some(m) = REPACK.find_at(&upstream, from) {
        let at_boundary = upstream[m.end()..]
            .chars()
            .next()
            .is_none_or(|c| matches!(c, '+' | '~' | '.' | '-'));
        if m.start() == 0 || !at_boundary {
            from = m.start() + 1;
            continue;
        }
        let range = m.range();
        out.stripped.push(m.as_str().to_owned());
        upstream.replace_range(range.clone(), "");
        from = range.start;
    }
    if let Some(mark) = REPACK_GLUED.captures(&upstream).and_then(|c| c.get(1)) {
        let at = mark.start();
        out.stripped.push(upstream[at..].to_owned());
        upstream.truncate(at);
    }
    if let Some(m) = SNAPSHOT.find(&upstream)
        && m.start() > 0
    {
        out.stripped.push(m.as_str().to_owned());
        out.snapshot = true;
        upstream.truncate(m.start());
    }
    if family == Family::Rpm
        && let Some(release) = &out.release
        && let Some(caps) = RPM_PRE_RELEASE.captures(release)
    {
        upstream = format!("{upstream}-{}", &caps[1]);
        out.prerelease = true;
    }
    // `~b1`, `~a7`: a short keyword right after `~` counts as if it followed a number.
    if let Some((_, pre)) = upstream.split_once('~')
        && super::prerelease_words(&format!("0{pre}"))
    {
        out.prerelease = true;
    }
    out.prerelease |= super::prerelease_words(&upstream);
    out.upstream = upstream;
    out
}

#[cfg(test)]
mod tests {
    use super::{Family, reduce};

    #[test]
    fn takes_versions_apart() {
        let cases: &[(&str, Family, &str, bool, bool)] = &[
            ("6.4.0-150600.23.25.1", Family::Rpm, "6.4.0", false, false),
            ("2:1.19~1-1", Family::Deb, "1.19~1", false, false),
            (
                "1.20.5+really1.20.2-1.1+deb12u1",
                Family::Deb,
                "1.20.2",
                false,
                false,
            ),
            ("1.2.3+dfsg-2", Family::Deb, "1.2.3", false, false),
            ("2.0~ds1-1", Family::Deb, "2.0", false, false),
            ("1.0+dfsg.1-3", Family::Deb, "1.0", false, false),
            ("1:2.3.4+repack2-1+b1", Family::Deb, "2.3.4", false, false),
            ("3.10.0~b1-3~21.04", Family::Deb, "3.10.0~b1", true, false),
            ("1.112ubuntu5", Family::Deb, "1.112", false, false),
            ("1.181+rpi2", Family::Deb, "1.181", false, false),
            (
                "0.9.1+git20230101.abcdef-1",
                Family::Deb,
                "0.9.1",
                false,
                true,
            ),
            ("3.9.0-0.12.rc2.fc33", Family::Rpm, "3.9.0-rc2", true, false),
            ("3.11.0~a3-1.fc35", Family::Rpm, "3.11.0~a3", true, false),
            (
                "1.2.3+git20240101.abc-lp156.2.1",
                Family::Rpm,
                "1.2.3",
                false,
                true,
            ),
            (
                "5.3^20240101git1a2b3c-1.fc40",
                Family::Rpm,
                "5.3",
                false,
                true,
            ),
            (
                "2.7.18-7.module+el8.5.0+706+735ec4b3.rocky.0.1",
                Family::Rpm,
                "2.7.18",
                false,
                false,
            ),
            ("1.0", Family::Rpm, "1.0", false, false),
            // openSUSE's git-describe snapshots and four-component versions.
            (
                "16.2.15.94+g1d1ee06-150500.1.1",
                Family::Rpm,
                "16.2.15",
                false,
                true,
            ),
            (
                "3.6.15.1-150300.10.72.1",
                Family::Rpm,
                "3.6.15.1",
                false,
                false,
            ),
            ("19.2.3.1+g1a2b3c4-1.1", Family::Rpm, "19.2.3", false, true),
            (
                "1.20.0+git20251101.4a5b6c7-1.1",
                Family::Rpm,
                "1.20.0",
                false,
                true,
            ),
            ("0.3.2+74+g2f62b17-1", Family::Deb, "0.3.2", false, true),
            // Debian's bundled components, `+debian`, and every spelling of `+really`.
            (
                "4.17.21+dfsg+~cs8.31.198.20210220-9",
                Family::Deb,
                "4.17.21",
                false,
                false,
            ),
            ("16.2.0+~16.0.4-7", Family::Deb, "16.2.0", false, false),
            (
                "1.0.0~rc~12+~cs2.1.0-1",
                Family::Deb,
                "1.0.0~rc~12",
                true,
                false,
            ),
            ("0.4.0+debian-1", Family::Deb, "0.4.0", false, false),
            ("2.1+debian2-3", Family::Deb, "2.1", false, false),
            ("5.0.0+really.4.3.1-1", Family::Deb, "4.3.1", false, false),
            ("2.0.3+really+2.0.2-1", Family::Deb, "2.0.2", false, false),
            ("8.2.0+0.really.8.1.8-1", Family::Deb, "8.1.8", false, false),
            ("7.0.0-really-5.3.5-1", Family::Deb, "5.3.5", false, false),
            (
                "1.3.0+is-really-1.2.7-1",
                Family::Deb,
                "1.2.7",
                false,
                false,
            ),
            (
                "2.0.16.1~really2.0.2-0.2",
                Family::Deb,
                "2.0.2",
                false,
                false,
            ),
            ("1.12+real1.5-4", Family::Deb, "1.5", false, false),
            ("0.4.8~rc2-1", Family::Deb, "0.4.8~rc2", true, false),
            ("1.2+debug3-1", Family::Deb, "1.2+debug3", false, false),
            ("1.11-dfsg+20-2", Family::Deb, "1.11+20", false, false),
            ("1.543+repacked-1", Family::Deb, "1.543", false, false),
            ("2.2really-4", Family::Deb, "2.2", false, false),
            ("8.5dfsg-5", Family::Deb, "8.5", false, false),
            ("0.12.10dfsg2-6", Family::Deb, "0.12.10", false, false),
            ("1.0+unreal-1", Family::Deb, "1.0+unreal", false, false),
        ];
        for (version, family, upstream, pre, snapshot) in cases {
            let r = reduce(version, *family);
            assert_eq!(
                (r.upstream.as_str(), r.prerelease, r.snapshot),
                (*upstream, *pre, *snapshot),
                "{version}: {r:?}"
            );
        }
    }

    #[test]
    fn records_what_was_removed() {
        let r = reduce("1:1.20.5+really1.20.2-1.1+deb12u1", Family::Deb);
        assert_eq!(r.epoch.as_deref(), Some("1"));
        assert_eq!(r.release.as_deref(), Some("1.1+deb12u1"));
        assert_eq!(r.stripped, ["1.20.5+really"]);
    }
}
