//! Freshness and last good data for distro package lists.
//!
//! Each repository distro's parsed package list is kept on disk with the fingerprint of the
//! metadata it came from (`repomd.xml`, `InRelease`) and the time it was taken. A run fetches only
//! the small metadata files; the big indexes are downloaded and parsed again only when the
//! fingerprint changed. When the mirror fails, the last good list is used and marked stale with
//! its age and the error, so verdicts stay visible. (The store of the state work will hold these
//! records; until then they are JSON files beside the compiled-plugin cache.)

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::fetch::{self, DistroError};
use super::{Shipped, ShippedPackage};
use crate::config::{Distro, DistroKind};
use crate::net::HttpClient;

#[derive(Serialize, Deserialize)]
struct Record {
    fingerprint: String,
    fetched_at: String,
    scheme: crate::versions::Scheme,
    packages: Vec<ShippedPackage>,
}

fn now() -> String {
    time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc())
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Everything in a distro's table that changes the list a repository yields, by value (a key's
/// position in the file is not part of it). The destructuring names every field on purpose: a
/// new key of [`Distro`] does not compile until it is sorted in or out here.
fn list_key(distro: &Distro) -> String {
    let Distro {
        kind,
        urls,
        url,
        suites,
        components,
        index,
        arch,
        // Applied already (a preset fills the keys above), or not read by the repository
        // fetchers: display, evaluation, and the keys of other kinds.
        preset: _,
        title: _,
        family: _,
        policy: _,
        packages: _,
        tool: _,
        registry: _,
        images: _,
        api: _,
        project: _,
        user: _,
        password_env: _,
    } = distro;
    let urls: Vec<&String> = urls.iter().map(|u| u.get_ref()).collect();
    let url = url.as_ref().map(|u| u.get_ref());
    format!(
        "format={RECORD_FORMAT}\nkind={kind:?}\nurls={urls:?}\nurl={url:?}\nsuites={suites:?}\ncomponents={components:?}\nindex={index:?}\narch={arch:?}"
    )
}

/// Bumped when a record's packages gain fields (format 2: homepage, VCS and Go import path),
/// so a list kept by an older rollcall is read again rather than used without them.
const RECORD_FORMAT: u32 = 2;

/// The record's file: named by the distro and a hash of [`list_key`], so a changed URL, suite
/// or architecture never reuses a list read for another.
fn record_path(dir: &Path, name: &str, distro: &Distro) -> PathBuf {
    let mut hasher = Sha256::new();
    hasher.update(list_key(distro).as_bytes());
    let key = hex::encode(&hasher.finalize()[..8]);
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    dir.join(format!("{safe}-{key}.json"))
}

fn load(path: &Path) -> Option<Record> {
    let bytes = std::fs::read(path).ok()?;
    serde_json::from_slice(&bytes)
        .map_err(
            |e| tracing::warn!(path = %path.display(), "ignoring an unreadable distro record: {e}"),
        )
        .ok()
}

fn save(path: &Path, record: &Record) {
    let write = || -> std::io::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        std::fs::write(
            &tmp,
            serde_json::to_vec(record).map_err(std::io::Error::other)?,
        )?;
        std::fs::rename(&tmp, path)
    };
    if let Err(e) = write() {
        tracing::warn!(path = %path.display(), "could not keep the distro's package list: {e}");
    }
}

fn from_record(record: Record, stale: Option<String>) -> Shipped {
    let mut shipped = Shipped::new(record.packages, record.scheme);
    shipped.fetched_at = Some(record.fetched_at);
    shipped.stale = stale;
    shipped
}

/// Reads `distro`, reusing or falling back to the record in `dir` (none: always fetch).
pub async fn fetch(
    name: &str,
    distro: &Distro,
    http: &HttpClient,
    dir: Option<&Path>,
) -> Result<Shipped, DistroError> {
    let repository = matches!(distro.kind, Some(DistroKind::RpmMd | DistroKind::Deb));
    let Some(dir) = dir.filter(|_| repository) else {
        return fetch::fetch(distro, http).await;
    };
    let path = record_path(dir, name, distro);
    let previous = load(&path);
    let fresh = async {
        let metadata = fetch::fetch_metadata(distro, http).await?;
        let fingerprint = metadata.fingerprint();
        if let Some(previous) = previous.as_ref().filter(|r| r.fingerprint == fingerprint) {
            tracing::info!(
                distro = name,
                "metadata unchanged since {}; reusing the package list",
                previous.fetched_at
            );
            return Ok(None);
        }
        let shipped = fetch::fetch_indexes(distro, http, &metadata).await?;
        Ok::<_, DistroError>(Some((fingerprint, shipped)))
    }
    .await;
    match (fresh, previous) {
        (Ok(None), Some(previous)) => Ok(from_record(previous, None)),
        (Ok(Some((fingerprint, shipped))), _) => {
            let record = Record {
                fingerprint,
                fetched_at: now(),
                scheme: shipped.scheme,
                packages: shipped.packages().to_vec(),
            };
            save(&path, &record);
            Ok(from_record(record, None))
        }
        (Err(e), Some(previous)) => Ok(from_record(previous, Some(e.to_string()))),
        (Err(e), None) => Err(e),
        // Unchanged needs a previous record; should it be gone, read everything again.
        (Ok(None), None) => fetch::fetch(distro, http).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn distro(text: &str) -> Distro {
        let config = crate::config::Config::parse(
            &format!("{text}\n[[watch]]\nname = \"w\"\ntracker = \"kernel-org\"\npackages = {{ d = \"x\" }}\n"),
            crate::config::Origin::Embedded,
        )
        .expect("valid config");
        config.distros["d"].clone()
    }

    #[test]
    fn every_key_that_changes_the_list_changes_the_record() {
        let dir = Path::new("/cache");
        let base = "[distros.d]\nkind = \"deb\"\nurl = \"http://127.0.0.1:1/debian\"\nsuites = [\"bookworm\"]\nindex = \"packages\"\narch = \"amd64\"";
        let path = record_path(dir, "d", &distro(base));
        for changed in [
            base.replace("amd64", "arm64"),
            base.replace("bookworm", "trixie"),
            base.replace("/debian", "/mirror"),
            base.replace("\"packages\"", "\"sources\""),
            format!("{base}\ncomponents = [\"main\", \"contrib\"]"),
        ] {
            assert_ne!(record_path(dir, "d", &distro(&changed)), path, "{changed}");
        }
        for same in [
            // Moving the table, a title or a policy changes nothing the fetch reads.
            format!("# a comment that moves every span\n\n{base}"),
            format!("{base}\ntitle = \"Debian\""),
            format!("{base}\n[distros.d.policy]\nmax-releases-behind = 3"),
        ] {
            assert_eq!(record_path(dir, "d", &distro(&same)), path, "{same}");
        }
        let rpm = "[distros.d]\nkind = \"rpm-md\"\nurls = [\"http://127.0.0.1:1/a/\"]";
        assert_ne!(
            record_path(dir, "d", &distro(rpm)),
            record_path(dir, "d", &distro(&rpm.replace("/a/", "/b/")))
        );
    }
}
