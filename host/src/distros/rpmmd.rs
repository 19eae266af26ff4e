//! rpm-md repositories: `repodata/repomd.xml` (where `primary` is, with its checksum) and
//! `primary.xml` (every package: name, arch, epoch/version/release, source RPM), parsed as a
//! stream of XML events so a 60,000-package index never sits in memory as a tree.

use std::io::BufRead;

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};

use super::ShippedPackage;

/// Where `repomd.xml` says the primary index is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrimaryRef {
    /// `location href`, relative to the repository's base URL.
    pub href: String,
    /// Checksum algorithm as written (`sha256`, `sha`, `sha512`).
    pub checksum_type: String,
    /// Hex checksum of the file as stored (compressed).
    pub checksum: String,
}

pub(super) fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| {
            a.normalized_value(XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// Finds the `primary` entry of a `repomd.xml`.
pub fn parse_repomd(xml: &[u8]) -> Result<PrimaryRef, String> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    let (mut in_primary, mut in_checksum) = (false, false);
    let (mut href, mut checksum_type, mut checksum) = (None, None, None);
    let mut saw_repomd = false;
    loop {
        match reader.read_event_into(&mut buf) {
            Err(e) => {
                return Err(format!(
                    "malformed repomd.xml at byte {}: {e}",
                    reader.buffer_position()
                ));
            }
            Ok(Event::Eof) => break,
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match e.local_name().as_ref() {
                "repomd" => saw_repomd = true,
                "data" => in_primary = attr(&e, "type").as_deref() == Some("primary"),
                "location" if in_primary => href = attr(&e, "href"),
                "checksum" if in_primary => {
                    checksum_type = attr(&e, "type");
                    in_checksum = true;
                }
                _ => {}
            },
            Ok(Event::Text(t)) if in_checksum => {
                checksum = Some(t.xml10_content().trim().to_owned())
            }
            Ok(Event::End(e)) => match e.local_name().as_ref() {
                "checksum" => in_checksum = false,
                "data" => in_primary = false,
                _ => {}
            },
            Ok(_) => {}
        }
        buf.clear();
    }
    if !saw_repomd {
        return Err("not an rpm-md repomd.xml (no <repomd> element)".into());
    }
    match (href, checksum_type, checksum) {
        (Some(href), Some(checksum_type), Some(checksum)) => Ok(PrimaryRef {
            href,
            checksum_type: checksum_type.to_ascii_lowercase(),
            checksum: checksum.to_ascii_lowercase(),
        }),
        _ => Err("repomd.xml has no primary entry with a location and a checksum".into()),
    }
}

/// The source package's name from an RPM file name: `glibc-2.40-1.1.src.rpm` → `glibc`.
pub fn source_name(sourcerpm: &str) -> Option<&str> {
    let base = sourcerpm
        .strip_suffix(".src.rpm")
        .or_else(|| sourcerpm.strip_suffix(".nosrc.rpm"))?;
    let mut parts = base.rsplitn(3, '-');
    let (_release, _version, name) = (parts.next()?, parts.next()?, parts.next()?);
    (!name.is_empty()).then_some(name)
}

/// A package whose element has not closed yet.
#[derive(Default)]
struct Partial {
    name: Option<String>,
    version: Option<String>,
    arch: Option<String>,
    sourcerpm: Option<String>,
    url: Option<String>,
}

/// Parses `primary.xml`; `src` and `nosrc` packages are skipped (their binaries carry the source
/// name). Versions are `[epoch:]version-release`, the epoch only when it is not 0.
pub fn parse_primary(reader: impl BufRead) -> Result<Vec<ShippedPackage>, String> {
    let mut reader = quick_xml::Reader::from_reader(reader);
    let mut buf = Vec::new();
    let mut out = Vec::new();
    let mut current: Option<Partial> = None;
    let mut text_target: Option<u8> = None;
    let mut saw_metadata = false;
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|e| {
            format!(
                "malformed primary.xml at byte {}: {e}",
                reader.buffer_position()
            )
        })?;
        match event {
            Event::Eof if current.is_some() => {
                return Err("primary.xml ends inside a package; the file is truncated".into());
            }
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "metadata" => saw_metadata = true,
                "package" => current = Some(Partial::default()),
                "name" if current.is_some() => text_target = Some(b'n'),
                "arch" if current.is_some() => text_target = Some(b'a'),
                "sourcerpm" if current.is_some() => text_target = Some(b's'),
                "url" if current.is_some() => text_target = Some(b'u'),
                "version" => {
                    if let Some(pkg) = current.as_mut() {
                        let epoch = attr(&e, "epoch").filter(|e| !e.is_empty() && e != "0");
                        let ver = attr(&e, "ver").unwrap_or_default();
                        let rel = attr(&e, "rel").filter(|r| !r.is_empty());
                        let mut evr = epoch.map(|e| format!("{e}:")).unwrap_or_default();
                        evr.push_str(&ver);
                        if let Some(rel) = rel {
                            evr.push('-');
                            evr.push_str(&rel);
                        }
                        pkg.version = Some(evr);
                    }
                }
                _ => {}
            },
            Event::Text(t) => {
                if let (Some(target), Some(pkg)) = (text_target, current.as_mut()) {
                    let text = t.xml10_content().trim().to_owned();
                    match target {
                        b'n' => pkg.name = Some(text),
                        b'a' => pkg.arch = Some(text),
                        b'u' => pkg.url = (!text.is_empty()).then_some(text),
                        _ => pkg.sourcerpm = Some(text),
                    }
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                "name" | "arch" | "sourcerpm" | "url" => text_target = None,
                "package" => {
                    if let Some(Partial {
                        name,
                        version,
                        arch,
                        sourcerpm,
                        url,
                    }) = current.take()
                    {
                        let (Some(name), Some(version)) = (name, version) else {
                            return Err(format!(
                                "a package ending at byte {} has no name or version",
                                reader.buffer_position()
                            ));
                        };
                        if matches!(arch.as_deref(), Some("src" | "nosrc")) {
                            continue;
                        }
                        out.push(ShippedPackage {
                            source: sourcerpm
                                .as_deref()
                                .and_then(source_name)
                                .map(str::to_owned),
                            name,
                            version,
                            arch,
                            homepage: url,
                            ..ShippedPackage::default()
                        });
                    }
                }
                _ => {}
            },
            _ => {}
        }
        buf.clear();
    }
    if !saw_metadata {
        return Err("not an rpm-md primary.xml (no <metadata> element)".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::distros::test_fixture as fixture;

    #[test]
    fn reads_real_obs_primary() {
        let list =
            parse_primary(&fixture("opensuse/OBS_zypp_svn-11.1/primary.xml")[..]).expect("parses");
        assert_eq!(
            list.len(),
            42 - list_src_count(),
            "42 packages minus source RPMs"
        );
        let p = list
            .iter()
            .find(|p| p.name == "libqdialogsolver1")
            .expect("listed");
        assert_eq!(p.version, "1.2.0-4.76");
        assert!(
            list.iter().any(|p| p.homepage.as_deref()
                == Some("http://svn.opensuse.org/svn/zypp/trunk/sat-solver")),
            "`<url>` is read as the homepage"
        );
        assert_eq!(p.arch.as_deref(), Some("i586"));
        assert_eq!(p.source.as_deref(), Some("libqdialogsolver1"));
        let vbox = parse_primary(&fixture("opensuse/obs_virtualbox_11_1/primary.xml")[..])
            .expect("parses");
        assert!(!vbox.is_empty());
    }

    fn list_src_count() -> usize {
        let xml = String::from_utf8_lossy(&fixture("opensuse/OBS_zypp_svn-11.1/primary.xml"))
            .into_owned();
        xml.matches("<arch>src</arch>").count() + xml.matches("<arch>nosrc</arch>").count()
    }

    #[test]
    fn reads_real_repomd() {
        let r = parse_repomd(&fixture("opensuse/OBS_zypp_svn-11.1/repomd.xml")).expect("parses");
        assert_eq!(r.href, "repodata/primary.xml.gz");
        assert_eq!(r.checksum_type, "sha");
        assert_eq!(r.checksum, "f586852ceffd230cd6e7b15a880494a9e2f7a8a5");
    }

    #[test]
    fn epochs_and_source_names() {
        let xml = br#"<metadata><package type="rpm"><name>vim</name><arch>x86_64</arch>
            <version epoch="2" ver="9.1.0" rel="150600.1.2"/><format><rpm:sourcerpm xmlns:rpm="x">vim-9.1.0-150600.1.2.src.rpm</rpm:sourcerpm></format></package></metadata>"#;
        let list = parse_primary(&xml[..]).expect("parses");
        assert_eq!(list[0].version, "2:9.1.0-150600.1.2");
        assert_eq!(list[0].source.as_deref(), Some("vim"));
        assert_eq!(
            source_name("kernel-default-base-6.4.0-150600.23.25.1.src.rpm"),
            Some("kernel-default-base")
        );
        assert_eq!(source_name("notanrpm"), None);
    }

    #[test]
    fn malformed_input_is_an_error() {
        assert!(parse_primary(&b"<html><body>"[..]).is_err());
        let err = parse_primary(&b"<metadata><package><name>x</name>"[..]).expect_err("truncated");
        assert!(err.contains("truncated"), "{err}");
        assert!(parse_repomd(b"<repomd></repomd>").is_err());
        assert!(parse_repomd(b"garbage").is_err());
    }
}
