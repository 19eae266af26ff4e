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

/// The record's file: named by the distro and a hash of its configuration, so editing the URLs
/// never reuses a list read from elsewhere.
fn record_path(dir: &Path, name: &str, distro: &Distro) -> PathBuf {
    let mut hasher = Sha256::new();
    hasher.update(
        format!(
            "{:?}{:?}{:?}{:?}{:?}{:?}",
            distro.kind, distro.urls, distro.url, distro.suites, distro.components, distro.index
        )
        .as_bytes(),
    );
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
