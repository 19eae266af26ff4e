//! Versions: ordering schemes, distro versions reduced to upstream versions, release lines.
//!
//! Five schemes sit behind one [`Scheme`], each backed by a crate made for the job:
//! `generic` (libversion, Repology's algorithm; the default), `semver` (the `semver` crate behind
//! a lenient parser in [`semver_loose`]), `rpm` (`rpm-version`, rpmvercmp's ordering), `deb`
//! (`debversion`, dpkg's ordering) and `pep440` (`pep440_rs`). A version a scheme cannot parse
//! is an error, never silently ordered. [`distro`] reduces packaged versions (`2:1.19~1`,
//! `6.4.0-150600.23.25.1`, `1.20.5+really1.20.2-1.1+deb12u1`) to their upstream part; [`line`]
//! places versions in release lines.

pub mod distro;
pub mod line;
mod semver_loose;

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use self::distro::{Family, Reduced, reduce};
pub use self::line::LineRule;

/// How a watch's versions are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scheme {
    /// libversion's algorithm: numeric components, pre- and post-release keywords. Right for
    /// almost every upstream.
    #[default]
    Generic,
    /// Semantic versioning, parsed leniently (`v` and `=` prefixes, two-part versions,
    /// `1.2.3beta`).
    Semver,
    /// RPM's rpmvercmp (`~` sorts before, `^` after).
    Rpm,
    /// dpkg's ordering (epochs, revisions, `~`).
    Deb,
    /// Python's PEP 440.
    Pep440,
}

impl Scheme {
    /// Every scheme, for help texts and benchmarks.
    pub const ALL: [Scheme; 5] = [
        Scheme::Generic,
        Scheme::Semver,
        Scheme::Rpm,
        Scheme::Deb,
        Scheme::Pep440,
    ];

    /// The name used in configs.
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Generic => "generic",
            Scheme::Semver => "semver",
            Scheme::Rpm => "rpm",
            Scheme::Deb => "deb",
            Scheme::Pep440 => "pep440",
        }
    }

    /// Parses `raw` into a value that orders under this scheme.
    pub fn parse(self, raw: &str) -> Result<Version, VersionError> {
        let fail = |reason: String| VersionError {
            version: raw.to_owned(),
            scheme: self,
            reason,
        };
        if raw.trim().is_empty() {
            return Err(fail("it is empty".into()));
        }
        let key = match self {
            Scheme::Generic => {
                if !raw.bytes().any(|b| b.is_ascii_digit()) {
                    return Err(fail("it has no digit".into()));
                }
                Key::Generic(raw.to_owned())
            }
            Scheme::Semver => Key::Semver(semver_loose::parse(raw).map_err(fail)?),
            Scheme::Rpm => {
                if !raw.bytes().any(|b| b.is_ascii_alphanumeric()) {
                    return Err(fail("it has no letter or digit".into()));
                }
                Key::Rpm(rpm_version::version_sortkey(raw))
            }
            Scheme::Deb => Key::Deb(
                debversion::Version::from_str(raw.trim()).map_err(|e| fail(e.to_string()))?,
            ),
            Scheme::Pep440 => Key::Pep440(
                pep440_rs::Version::from_str(raw.trim())
                    .or_else(|e| {
                        // Debian writes `0.4.8~rc2` for PEP 440's `0.4.8rc2`: a `~` before a
                        // letter is a pre-release separator, which PEP 440 spells `-`.
                        let translated = tilde_before_letter(raw.trim(), "-").ok_or(e)?;
                        pep440_rs::Version::from_str(&translated)
                    })
                    .map_err(|e| fail(e.to_string()))?,
            ),
        };
        Ok(Version {
            raw: raw.to_owned(),
            key,
        })
    }

    /// Orders two versions; an unparseable one is an error naming it.
    pub fn try_compare(self, a: &str, b: &str) -> Result<Ordering, VersionError> {
        Ok(self.parse(a)?.cmp(&self.parse(b)?))
    }

    /// Orders two versions known to parse; an unparseable one sorts before every valid one
    /// (callers validate first, so this only keeps the order total).
    pub fn compare(self, a: &str, b: &str) -> Ordering {
        match (self.parse(a), self.parse(b)) {
            (Ok(a), Ok(b)) => a.cmp(&b),
            (Err(_), Ok(_)) => Ordering::Less,
            (Ok(_), Err(_)) => Ordering::Greater,
            (Err(_), Err(_)) => a.cmp(b),
        }
    }

    /// Whether `version` is a pre-release under this scheme: alpha, beta, release candidate,
    /// development or preview release, or a `~` pre-release.
    pub fn is_prerelease(self, version: &str) -> bool {
        match self.parse(version).map(|v| v.key) {
            Ok(Key::Semver(v)) => !v.pre.is_empty(),
            Ok(Key::Pep440(v)) => v.any_prerelease(),
            Ok(Key::Deb(v)) => prerelease_words(&v.upstream_version),
            _ => prerelease_words(version),
        }
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Scheme {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Scheme::ALL
            .into_iter()
            .find(|scheme| scheme.name() == s)
            .ok_or_else(|| {
                format!("unknown scheme `{s}`; use one of generic, semver, rpm, deb, pep440")
            })
    }
}

/// A version that does not parse under a scheme.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{version}` is not a valid {scheme} version: {reason}")]
pub struct VersionError {
    /// The text.
    pub version: String,
    /// The scheme it was parsed with.
    pub scheme: Scheme,
    /// Why not.
    pub reason: String,
}

/// A parsed version: orders under the scheme that parsed it.
#[derive(Debug, Clone)]
pub struct Version {
    raw: String,
    key: Key,
}

#[derive(Debug, Clone)]
enum Key {
    Generic(String),
    Semver(semver::Version),
    Rpm(Vec<u8>),
    Deb(debversion::Version),
    Pep440(pep440_rs::Version),
}

impl Version {
    /// The text it was parsed from.
    pub fn as_str(&self) -> &str {
        &self.raw
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        match (&self.key, &other.key) {
            (Key::Generic(a), Key::Generic(b)) => libversion::version_compare2(a, b),
            (Key::Semver(a), Key::Semver(b)) => a.cmp_precedence(b),
            (Key::Rpm(a), Key::Rpm(b)) => a.cmp(b),
            (Key::Deb(a), Key::Deb(b)) => a.cmp(b),
            (Key::Pep440(a), Key::Pep440(b)) => a.cmp(b),
            // Versions of different schemes never meet in one comparison; order by text to
            // stay total.
            _ => self.raw.cmp(&other.raw),
        }
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

/// Pre-release keywords as whole words or right after a number (`1.0rc1`, `3.0a2`, `2.0~beta`);
/// `~` followed by anything but a distro tag.
fn prerelease_words(version: &str) -> bool {
    let lower = version.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_alphabetic() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                i += 1;
            }
            let word = &lower[start..i];
            let after_digit = start > 0 && bytes[start - 1].is_ascii_digit();
            let followed_by_digit = bytes.get(i).is_some_and(u8::is_ascii_digit);
            let keyword = matches!(
                word,
                "alpha" | "beta" | "rc" | "pre" | "preview" | "dev" | "snapshot" | "cr"
            );
            let short = matches!(word, "a" | "b" | "c") && after_digit && followed_by_digit;
            if keyword || short {
                return true;
            }
        } else {
            i += 1;
        }
    }
    false
}

/// `raw` with every `~` that precedes a letter replaced by `sep` (`1.0~rc~1` → `1.0-rc~1`
/// with `-`), or `None` when it has none. A `~` before a digit (`1.19~1`) has no counterpart
/// outside Debian's and RPM's orderings and is left alone.
fn tilde_before_letter(raw: &str, sep: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    let mut changed = false;
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '~' && chars.peek().is_some_and(char::is_ascii_alphabetic) {
            out.push_str(sep);
            changed = true;
        } else if c == '~' && changed {
            // `~rc~12`: the number after a pre-release word, PEP 440's `rc-12`.
            out.push_str(sep);
        } else {
            out.push(c);
        }
    }
    changed.then_some(out)
}

/// The `major.minor` prefix of a version: `6.12.4` → `6.12`, `3006.9` → `3006.9`, `7` → `7`.
pub fn major_minor(version: &str) -> &str {
    numeric_prefix(version, 2)
}

/// The first `parts` numeric components of a version.
pub(crate) fn numeric_prefix(version: &str, parts: usize) -> &str {
    let version = version.trim_start_matches(['v', 'V']);
    let end = version
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(version.len());
    let numeric = version[..end].trim_end_matches('.');
    match numeric.match_indices('.').nth(parts - 1) {
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
mod tests;
