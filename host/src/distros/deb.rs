//! Debian archive indexes: `Release`/`InRelease` (which files exist, with their SHA-256) and
//! `Sources`/`Packages` (deb822 paragraphs), parsed as a stream of lines.

use std::collections::BTreeMap;
use std::io::BufRead;

use super::ShippedPackage;

/// One file a `Release` lists: SHA-256 and size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseEntry {
    /// Hex SHA-256.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
}

/// The fields of a `Release` file rollcall uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Release {
    /// `Suite` (`stable`, `bookworm-security`).
    pub suite: Option<String>,
    /// `Codename`.
    pub codename: Option<String>,
    /// `Components`.
    pub components: Vec<String>,
    /// The `SHA256` list: path relative to the suite → entry.
    pub files: BTreeMap<String, ReleaseEntry>,
}

/// Parses a `Release` or `InRelease` file (the clear-signed wrapper is skipped; the signature is
/// not checked: rollcall reads metadata, it does not install from it).
pub fn parse_release(text: &str) -> Result<Release, String> {
    let mut release = Release::default();
    let mut in_sha256 = false;
    let mut in_body = !text.starts_with("-----BEGIN PGP SIGNED MESSAGE-----");
    let mut seen_fields = false;
    for line in text.lines() {
        if !in_body {
            // Clear-signed: the header block ends at the first empty line.
            if line.is_empty() {
                in_body = true;
            }
            continue;
        }
        if line.starts_with("-----BEGIN PGP SIGNATURE-----") {
            break;
        }
        if let Some(rest) = line.strip_prefix(' ') {
            if in_sha256 {
                let parts: Vec<&str> = rest.split_whitespace().collect();
                if let [sha, size, path] = parts[..] {
                    let size = size.parse().map_err(|_| {
                        format!("bad size `{size}` for `{path}` in the SHA256 list")
                    })?;
                    release.files.insert(
                        path.to_owned(),
                        ReleaseEntry {
                            sha256: sha.to_ascii_lowercase(),
                            size,
                        },
                    );
                }
            }
            continue;
        }
        in_sha256 = false;
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        seen_fields = true;
        let value = value.trim();
        match key {
            "Suite" => release.suite = Some(value.to_owned()),
            "Codename" => release.codename = Some(value.to_owned()),
            "Components" => {
                release.components = value.split_whitespace().map(str::to_owned).collect();
            }
            "SHA256" => in_sha256 = true,
            _ => {}
        }
    }
    if !seen_fields {
        return Err("not a Debian Release file (no fields)".into());
    }
    if release.files.is_empty() {
        return Err("the Release file lists no files with SHA256 checksums".into());
    }
    Ok(release)
}

/// Parses a `Sources` or `Packages` index. A `Packages` stanza names its source in `Source:`
/// (`Source: foo` or `Source: foo (1.2-3)` when the versions differ); a `Sources` stanza is the
/// source itself.
pub fn parse_index(reader: impl BufRead, sources: bool) -> Result<Vec<ShippedPackage>, String> {
    let mut out = Vec::new();
    let mut stanza = Stanza::default();
    let mut line_no = 0usize;
    let mut flush = |stanza: &mut Stanza, at: usize| -> Result<(), String> {
        let Stanza {
            name,
            version,
            source,
            arch,
            homepage,
            vcs_git,
            vcs_browser,
            go_import_path,
            testsuite,
            built_with,
            in_build_depends: _,
        } = std::mem::take(stanza);
        match (name, version) {
            (Some(n), Some(v)) => {
                // A `Sources` stanza's `Architecture` lists what the source builds for (`any`,
                // `amd64 arm64`), not what this entry is: one source is one entry per suite,
                // however its stanzas spell that field (thunderbird has three).
                out.push(ShippedPackage {
                    source: if sources { Some(n.clone()) } else { source },
                    name: n,
                    version: v,
                    arch: if sources { None } else { arch },
                    homepage,
                    vcs: vcs_git.or(vcs_browser),
                    go_import_path,
                    ecosystem: testsuite
                        .as_deref()
                        .and_then(ecosystem_of_testsuite)
                        .or(built_with)
                        .map(str::to_owned),
                });
                Ok(())
            }
            (Some(n), None) => Err(format!("stanza `{n}` ending at line {at} has no Version")),
            (None, Some(_)) => Err(format!("a stanza ending at line {at} has no Package")),
            (None, None) => Ok(()),
        }
    };
    for line in reader.lines() {
        line_no += 1;
        let line = line.map_err(|e| format!("reading line {line_no}: {e}"))?;
        if line.is_empty() {
            flush(&mut stanza, line_no)?;
            continue;
        }
        if line.starts_with([' ', '\t']) {
            if stanza.in_build_depends {
                stanza.built_with = stronger(stanza.built_with, ecosystem_of_build_depends(&line));
            }
            continue;
        }
        stanza.in_build_depends = false;
        let Some((key, value)) = line.split_once(':') else {
            return Err(format!(
                "line {line_no} is neither `Field: value` nor a continuation: `{line}`"
            ));
        };
        let value = value.trim();
        let keep = || (!value.is_empty()).then(|| value.to_owned());
        match key {
            "Package" => stanza.name = Some(value.to_owned()),
            "Version" => stanza.version = Some(value.to_owned()),
            "Architecture" => stanza.arch = Some(value.to_owned()),
            "Homepage" => stanza.homepage = keep(),
            "Vcs-Git" => stanza.vcs_git = keep(),
            "Vcs-Browser" => stanza.vcs_browser = keep(),
            "Go-Import-Path" => stanza.go_import_path = keep(),
            "Testsuite" => stanza.testsuite = keep(),
            "Build-Depends" | "Build-Depends-Indep" if sources => {
                stanza.in_build_depends = true;
                stanza.built_with = stronger(stanza.built_with, ecosystem_of_build_depends(value));
            }
            "Source" if !sources => {
                // `Source: foo (1.2-3)`: the name is before the space.
                stanza.source = value.split_whitespace().next().map(str::to_owned);
            }
            _ => {}
        }
    }
    flush(&mut stanza, line_no)?;
    Ok(out)
}

/// The fields of one stanza read so far.
#[derive(Default)]
struct Stanza {
    name: Option<String>,
    version: Option<String>,
    source: Option<String>,
    arch: Option<String>,
    homepage: Option<String>,
    vcs_git: Option<String>,
    vcs_browser: Option<String>,
    go_import_path: Option<String>,
    testsuite: Option<String>,
    built_with: Option<&'static str>,
    in_build_depends: bool,
}

/// `autopkgtest-pkg-python` and its kind: the team's generic test names the ecosystem.
fn ecosystem_of_testsuite(value: &str) -> Option<&'static str> {
    value.split([',', ' ']).find_map(|t| match t.trim() {
        "autopkgtest-pkg-python" | "autopkgtest-pkg-pybuild" => Some("python"),
        "autopkgtest-pkg-ruby" => Some("ruby"),
        "autopkgtest-pkg-nodejs" => Some("node"),
        "autopkgtest-pkg-perl" => Some("perl"),
        "autopkgtest-pkg-r" => Some("r"),
        "autopkgtest-pkg-go" => Some("go"),
        "autopkgtest-pkg-haskell" => Some("haskell"),
        _ => None,
    })
}

/// Of two ecosystems a package builds with, the one that says more: GNOME's tools over the
/// languages (GLib builds with Python), Python last (many packages only build with it).
fn stronger(a: Option<&'static str>, b: Option<&'static str>) -> Option<&'static str> {
    const ORDER: [&str; 8] = [
        "gnome", "ruby", "node", "r", "haskell", "go", "rust", "python",
    ];
    let rank = |e: Option<&str>| {
        e.and_then(|e| ORDER.iter().position(|o| *o == e))
            .unwrap_or(usize::MAX)
    };
    if rank(b) < rank(a) { b } else { a }
}

/// The build helper that names an ecosystem (`dh-python`, `gem2deb`, `dh-sequence-nodejs`…).
fn ecosystem_of_build_depends(text: &str) -> Option<&'static str> {
    text.split(',')
        .map(|dep| {
            let name = dep.split_whitespace().next()?.split(':').next()?;
            match name {
                // Not `dh-python` or `gem2deb`: C projects use them for their bindings (kitty,
                // inkscape, grpc); Python and Ruby packages say so in `Testsuite` or their team.
                "dh-sequence-nodejs" | "pkg-js-tools" | "dh-nodejs" => Some("node"),
                "dh-r" => Some("r"),
                "haskell-devscripts" | "haskell-devscripts-minimal" => Some("haskell"),
                "dh-golang" | "dh-sequence-golang" => Some("go"),
                "dh-cargo" => Some("rust"),
                "dh-sequence-gnome" | "gnome-pkg-tools" => Some("gnome"),
                _ => None,
            }
        })
        .fold(None, stronger)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::distros::test_fixture as fixture;

    #[test]
    fn reads_real_sources_stanzas() {
        let list = parse_index(&fixture("debian/test_Sources")[..], true).expect("parses");
        let pairs: Vec<(&str, &str)> = list
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str()))
            .collect();
        assert!(
            pairs.contains(&("binutils", "2.18.1~cvs20080103-6")),
            "{pairs:?}"
        );
        assert!(
            pairs.contains(&("apache2-mpm-itk", "2.2.6-01-3")),
            "{pairs:?}"
        );
        assert!(
            list.iter()
                .all(|p| p.source.as_deref() == Some(p.name.as_str()))
        );
    }

    /// Three stanzas of one source with different `Architecture` lists (as thunderbird has in
    /// bookworm) are one source package, the newest version winning.
    #[test]
    fn one_source_is_one_entry_whatever_its_architecture_lists() {
        let text = "Package: thunderbird\nVersion: 1:115.3.1-1\nArchitecture: any\n\n\
                    Package: thunderbird\nVersion: 1:115.4.1-1~deb12u1\nArchitecture: amd64 arm64\n\n\
                    Package: thunderbird\nVersion: 1:115.2.0-1\nArchitecture: i386\n";
        let parsed = parse_index(text.as_bytes(), true).expect("parses");
        assert!(parsed.iter().all(|p| p.arch.is_none()));
        let shipped = crate::distros::Shipped::new(parsed, crate::versions::Scheme::Deb);
        let names: Vec<(&str, &str)> = shipped
            .packages()
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str()))
            .collect();
        assert_eq!(names, [("thunderbird", "1:115.4.1-1~deb12u1")]);
    }

    #[test]
    fn reads_real_packages_with_their_sources() {
        let list = parse_index(&fixture("debian/Packages")[..], false).expect("parses");
        assert_eq!(list.len(), 4, "the excerpt has four stanzas");
        let album = list.iter().find(|p| p.name == "album").expect("album");
        assert_eq!(album.version, "4.15-1");
        assert_eq!(album.arch.as_deref(), Some("all"));
        let gz = fixture("debian/Packages.gz");
        let from_gz =
            parse_index(super::super::decompress::reader(&gz).expect("gz"), false).expect("parses");
        assert_eq!(from_gz.len(), 718, "the real index has 718 stanzas");
    }

    #[test]
    fn reads_release_and_inrelease() {
        let release = parse_release(&String::from_utf8_lossy(&fixture("debian/InRelease")))
            .expect("InRelease");
        assert_eq!(release.codename.as_deref(), Some("bullseye"));
        assert_eq!(release.components, ["main", "contrib", "non-free"]);
        let entry = release
            .files
            .get("main/source/Sources.xz")
            .expect("Sources.xz listed");
        assert_eq!(entry.sha256.len(), 64);
        let plain = parse_release(&String::from_utf8_lossy(&fixture("debian/test_Release")))
            .expect("Release");
        assert!(!plain.files.is_empty());
    }

    #[test]
    fn malformed_indexes_say_where() {
        let err = parse_index(&b"Package: a\n\nVersion: 1\n"[..], true).expect_err("bad");
        assert!(err.contains("ending at line 2 has no Version"), "{err}");
        let err = parse_index(&b"<html>\n"[..], true).expect_err("bad");
        assert!(err.contains("line 1"), "{err}");
        assert!(parse_release("<html></html>").is_err());
    }
}
