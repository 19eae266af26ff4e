//! What distributions ship: parsers for the package indexes the package managers use.
//!
//! Debian archives (`Release`/`InRelease`, `Sources`, `Packages`) in [`deb`], rpm-md
//! repositories (`repomd.xml`, `primary.xml`) in [`rpmmd`], all read as streams through
//! [`decompress`]. Fetching, checksums, presets and package mapping build on these.

pub mod cache;
pub mod deb;
pub mod decompress;
pub mod fetch;
pub mod flathub;
pub mod installed;
pub mod obs;
pub mod oci;
pub mod rpmmd;

use serde::{Deserialize, Serialize};

pub use self::fetch::{DistroError, fetch};
use crate::versions::Scheme;

/// One package a distro ships.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippedPackage {
    /// Binary package name (for a `Sources` index, the source name).
    pub name: String,
    /// The version as the distro writes it.
    pub version: String,
    /// The source package it is built from, when the index says.
    pub source: Option<String>,
    /// Architecture.
    pub arch: Option<String>,
    /// Where the upstream lives, as the index says: Debian's `Homepage`, rpm-md's `<url>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub homepage: Option<String>,
    /// The version-control repository the index names (Debian's `Vcs-Git`, else
    /// `Vcs-Browser`): often the packaging repository, not the upstream's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vcs: Option<String>,
    /// A Go package's import path (Debian's `Go-Import-Path`): the module's own name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub go_import_path: Option<String>,
    /// The language ecosystem the index says the package belongs to (`python`, `ruby`, `node`,
    /// `perl`, `r`, `haskell`, `go`, `rust`, `gnome`): from Debian's `Testsuite`
    /// (`autopkgtest-pkg-python`) and `Build-Depends` (`dh-python`, `gem2deb`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ecosystem: Option<String>,
}

/// Everything a distro ships, newest version per (name, architecture).
#[derive(Debug, Clone)]
pub struct Shipped {
    packages: Vec<ShippedPackage>,
    scheme: Scheme,
    /// When the list was read from the mirror (for repository distros).
    pub fetched_at: Option<String>,
    /// Set when the mirror failed and this is the last good list: the error.
    pub stale: Option<String>,
}

impl Shipped {
    /// The list, keeping the newest version of each (name, arch) under `scheme`.
    pub fn new(packages: Vec<ShippedPackage>, scheme: Scheme) -> Self {
        Self {
            packages: fetch::newest(packages, scheme),
            scheme,
            fetched_at: None,
            stale: None,
        }
    }

    /// Every package, sorted by name.
    pub fn packages(&self) -> &[ShippedPackage] {
        &self.packages
    }

    /// Packages whose binary name matches `pattern` (a glob: `kubernetes1.*-client`,
    /// `postgresql1?`), or, when none does, whose source name matches. One entry per distinct
    /// name, its newest version across architectures (an architecture that lags is not a second
    /// line).
    pub fn find(&self, pattern: &str) -> Result<Vec<&ShippedPackage>, String> {
        let literal = !pattern.contains(['*', '?', '[', '{', '\\']);
        // Compiling a glob builds a regex: only for patterns that need one.
        let glob = if literal {
            None
        } else {
            Some(
                globset::Glob::new(pattern)
                    .map_err(|e| format!("`{pattern}` is not a valid package pattern: {e}"))?
                    .compile_matcher(),
            )
        };
        let is_match = |name: &str| match &glob {
            Some(g) => g.is_match(name),
            None => name == pattern,
        };
        let mut by_name: Vec<&ShippedPackage> = if literal {
            // The list is sorted by name: a plain name is a binary search, not a scan of every
            // package (a distro has tens of thousands; a config, hundreds of names).
            let start = self.packages.partition_point(|p| p.name.as_str() < pattern);
            self.packages[start..]
                .iter()
                .take_while(|p| p.name == pattern)
                .collect()
        } else {
            self.packages.iter().filter(|p| is_match(&p.name)).collect()
        };
        if by_name.is_empty() {
            by_name = self
                .packages
                .iter()
                .filter(|p| p.source.as_deref().is_some_and(&is_match))
                .collect();
        }
        let mut newest: std::collections::BTreeMap<&str, &ShippedPackage> = Default::default();
        for p in by_name {
            match newest.get(p.name.as_str()) {
                Some(best) if self.scheme.compare(&best.version, &p.version).is_ge() => {}
                _ => {
                    newest.insert(p.name.as_str(), p);
                }
            }
        }
        Ok(newest.into_values().collect())
    }
}

/// A file of `tests/fixtures/distro-metadata`, for the parsers' unit tests.
#[cfg(test)]
pub(crate) fn test_fixture(path: &str) -> Vec<u8> {
    let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/distro-metadata")
        .join(path);
    std::fs::read(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pkg(name: &str, version: &str, source: Option<&str>, arch: &str) -> ShippedPackage {
        ShippedPackage {
            name: name.into(),
            version: version.into(),
            source: source.map(Into::into),
            arch: Some(arch.into()),
            ..ShippedPackage::default()
        }
    }

    #[test]
    fn globs_match_binaries_then_sources() {
        let shipped = Shipped::new(
            vec![
                pkg(
                    "kubernetes1.33-client",
                    "1.33.4-1.1",
                    Some("kubernetes1.33"),
                    "x86_64",
                ),
                pkg(
                    "kubernetes1.34-client",
                    "1.34.1-1.1",
                    Some("kubernetes1.34"),
                    "x86_64",
                ),
                pkg(
                    "kubernetes1.34-client",
                    "1.34.0-1.1",
                    Some("kubernetes1.34"),
                    "x86_64",
                ),
                pkg(
                    "kernel-default",
                    "6.17.7-1.1",
                    Some("kernel-source"),
                    "x86_64",
                ),
                pkg(
                    "kernel-default",
                    "6.17.7-1.1",
                    Some("kernel-source"),
                    "aarch64",
                ),
            ],
            Scheme::Rpm,
        );
        let k8s = shipped.find("kubernetes1.*-client").expect("glob");
        let versions: Vec<&str> = k8s.iter().map(|p| p.version.as_str()).collect();
        assert_eq!(
            versions,
            ["1.33.4-1.1", "1.34.1-1.1"],
            "newest per package, one per line"
        );
        assert_eq!(
            shipped.find("kernel-default").expect("exact").len(),
            1,
            "one per name, not per arch"
        );
        assert_eq!(
            shipped.find("kernel-source").expect("source").len(),
            1,
            "falls back to source names"
        );
        assert!(shipped.find("nothing").expect("glob").is_empty());
        assert!(shipped.find("a[").is_err());
    }
}
