//! Fetching a distro's package list: the metadata chain of each kind, checksums verified at
//! every step, one [`DistroError`] naming the URL when anything is off.

use std::collections::BTreeMap;
use std::time::Duration;

use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};

use super::{Shipped, ShippedPackage, deb, decompress, rpmmd};
use crate::config::{DebIndex, Distro, DistroKind};
use crate::net::{FetchError, Grant, HttpClient, RequestLimits};
use crate::versions::Scheme;

/// Limits for index downloads: Tumbleweed's compressed `primary.xml` is tens of MB.
const LIMITS: RequestLimits = RequestLimits {
    timeout: Duration::from_secs(300),
    max_bytes: 512 << 20,
};

/// Why a distro's package list could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DistroError {
    /// The mirror could not be reached or answered with an error.
    #[error("cannot fetch `{url}`: {message}")]
    Fetch {
        /// What was requested.
        url: String,
        /// Why it failed.
        message: String,
    },
    /// The file does not match the checksum the metadata gives.
    #[error(
        "checksum mismatch for `{url}`: the metadata says {algorithm} {expected}, the file has {actual}; the mirror may be mid-sync, try again later or pick another mirror"
    )]
    Checksum {
        /// The file.
        url: String,
        /// The algorithm.
        algorithm: String,
        /// What the metadata says.
        expected: String,
        /// What the file has.
        actual: String,
    },
    /// The file is not what it should be (wrong format, truncated, corrupt compression).
    #[error("cannot read `{url}`: {message}")]
    Format {
        /// The file.
        url: String,
        /// What is wrong.
        message: String,
    },
}

/// Reads what `distro` ships. `static` distros need no network.
pub async fn fetch(distro: &Distro, http: &HttpClient) -> Result<Shipped, DistroError> {
    match distro.kind.unwrap_or(DistroKind::Static) {
        DistroKind::Static => Ok(Shipped::new(
            distro
                .packages
                .iter()
                .map(|(name, version)| ShippedPackage {
                    name: name.clone(),
                    version: version.clone(),
                    source: None,
                    arch: None,
                    ..ShippedPackage::default()
                })
                .collect(),
            Scheme::Rpm,
        )),
        DistroKind::Installed => {
            let tool = distro
                .tool
                .or_else(super::installed::Tool::detect)
                .ok_or_else(|| DistroError::Fetch {
                    url: "the local package database".into(),
                    message:
                        "neither `dpkg-query` nor `rpm` is on PATH; set `tool` or use another kind"
                            .into(),
                })?;
            let packages =
                super::installed::read(tool)
                    .await
                    .map_err(|message| DistroError::Fetch {
                        url: "the local package database".into(),
                        message,
                    })?;
            let scheme = match tool {
                super::installed::Tool::Dpkg => Scheme::Deb,
                super::installed::Tool::Rpm => Scheme::Rpm,
            };
            Ok(Shipped::new(packages, scheme))
        }
        DistroKind::Obs => {
            let api = distro
                .api
                .as_ref()
                .map(|a| a.get_ref().clone())
                .unwrap_or_default();
            let project = distro.project.clone().unwrap_or_default();
            let variable = distro
                .password_env
                .as_deref()
                .unwrap_or("ROLLCALL_OBS_PASSWORD");
            let credentials = distro
                .user
                .clone()
                .map(|user| (user, std::env::var(variable).unwrap_or_default()));
            let packages = super::obs::fetch(http, &api, &project, credentials).await?;
            Ok(Shipped::new(packages, Scheme::Rpm))
        }
        DistroKind::Oci => {
            let registry = distro
                .registry
                .as_ref()
                .map(|r| r.get_ref().clone())
                .unwrap_or_default();
            let mut all = Vec::new();
            for image in &distro.images {
                all.extend(super::oci::tags(http, &registry, image).await?);
            }
            Ok(Shipped::new(all, Scheme::Generic))
        }
        DistroKind::Flathub => {
            let url = distro
                .url
                .as_ref()
                .map(|u| u.get_ref().clone())
                .unwrap_or_default();
            let bytes = get(http, &url).await?;
            let parsed = parse_off_thread(url, bytes, |r| super::flathub::parse_catalog(r)).await?;
            Ok(Shipped::new(parsed, Scheme::Generic))
        }
        DistroKind::RpmMd | DistroKind::Deb => {
            let metadata = fetch_metadata(distro, http).await?;
            fetch_indexes(distro, http, &metadata).await
        }
    }
}

/// The small files that describe a repository (`repomd.xml`, `InRelease`): their checksums tell
/// whether the big indexes changed.
#[derive(Debug, Clone)]
pub struct Metadata {
    files: Vec<(String, Vec<u8>)>,
}

impl Metadata {
    /// SHA-256 over every metadata file, in order: equal fingerprints mean equal indexes.
    pub fn fingerprint(&self) -> String {
        let mut hasher = Sha256::new();
        for (url, bytes) in &self.files {
            hasher.update(url.as_bytes());
            hasher.update(Sha256::digest(bytes));
        }
        hex::encode(hasher.finalize())
    }
}

/// Fetches the metadata files of an `rpm-md` or `deb` distro.
pub async fn fetch_metadata(distro: &Distro, http: &HttpClient) -> Result<Metadata, DistroError> {
    let mut files = Vec::new();
    match distro.kind {
        Some(DistroKind::RpmMd) => {
            for base in &distro.urls {
                let url = join(base.get_ref(), "repodata/repomd.xml");
                let bytes = get(http, &url).await?;
                files.push((url, bytes));
            }
        }
        Some(DistroKind::Deb) => {
            let base = distro
                .url
                .as_ref()
                .map(|u| u.get_ref().clone())
                .unwrap_or_default();
            for entry in &distro.suites {
                // `SUITE`, or `URL SUITE` for a suite served by another archive (security).
                let (archive, suite) = match entry.split_once(char::is_whitespace) {
                    Some((url, suite)) => (url.to_owned(), suite.trim().to_owned()),
                    None => (base.clone(), entry.clone()),
                };
                let dists = join(&archive, &format!("dists/{suite}"));
                let file = match get(http, &join(&dists, "InRelease")).await {
                    Ok(bytes) => (join(&dists, "InRelease"), bytes),
                    Err(_) => {
                        let url = join(&dists, "Release");
                        let bytes = get(http, &url).await?;
                        (url, bytes)
                    }
                };
                files.push(file);
            }
        }
        _ => {}
    }
    Ok(Metadata { files })
}

/// Fetches and parses the indexes `metadata` points at.
pub async fn fetch_indexes(
    distro: &Distro,
    http: &HttpClient,
    metadata: &Metadata,
) -> Result<Shipped, DistroError> {
    let mut all = Vec::new();
    if distro.kind == Some(DistroKind::Deb) {
        let components: Vec<String> = if distro.components.is_empty() {
            vec!["main".to_owned()]
        } else {
            distro.components.clone()
        };
        let arch = distro.arch.as_deref().unwrap_or("amd64");
        for (release_url, bytes) in &metadata.files {
            all.extend(
                fetch_deb_suite(http, release_url, bytes, &components, distro.index, arch).await?,
            );
        }
        Ok(Shipped::new(all, Scheme::Deb))
    } else {
        for (repomd_url, bytes) in &metadata.files {
            all.extend(fetch_rpmmd(http, repomd_url, bytes).await?);
        }
        Ok(Shipped::new(all, Scheme::Rpm))
    }
}

async fn get(http: &HttpClient, url: &str) -> Result<Vec<u8>, DistroError> {
    let fail = |message: String| DistroError::Fetch {
        url: url.to_owned(),
        message,
    };
    let fetched = http
        .get(&Grant::trusted(), url, &[], LIMITS)
        .await
        .map_err(|e| match e {
            FetchError::Network { message, .. } => fail(message),
            other => fail(other.to_string()),
        })?;
    if !(200..300).contains(&fetched.status) {
        return Err(fail(format!("HTTP {}", fetched.status)));
    }
    Ok(fetched.body)
}

fn join(base: &str, path: &str) -> String {
    format!(
        "{}/{}",
        base.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

fn verify(url: &str, bytes: &[u8], algorithm: &str, expected: &str) -> Result<(), DistroError> {
    let actual = match algorithm {
        "sha256" => hex::encode(Sha256::digest(bytes)),
        "sha" | "sha1" => hex::encode(Sha1::digest(bytes)),
        "sha512" => hex::encode(Sha512::digest(bytes)),
        other => {
            return Err(DistroError::Format {
                url: url.to_owned(),
                message: format!("unsupported checksum type `{other}`"),
            });
        }
    };
    if actual.eq_ignore_ascii_case(expected) {
        Ok(())
    } else {
        Err(DistroError::Checksum {
            url: url.to_owned(),
            algorithm: algorithm.to_owned(),
            expected: expected.to_owned(),
            actual,
        })
    }
}

async fn fetch_rpmmd(
    http: &HttpClient,
    repomd_url: &str,
    repomd: &[u8],
) -> Result<Vec<ShippedPackage>, DistroError> {
    let primary = rpmmd::parse_repomd(repomd).map_err(|message| DistroError::Format {
        url: repomd_url.to_owned(),
        message,
    })?;
    let base = repomd_url
        .strip_suffix("repodata/repomd.xml")
        .unwrap_or(repomd_url);
    let url = join(base, &primary.href);
    let bytes = get(http, &url).await?;
    verify(&url, &bytes, &primary.checksum_type, &primary.checksum)?;
    parse_off_thread(url, bytes, |r| rpmmd::parse_primary(r)).await
}

/// Decompresses and parses a downloaded index on a blocking thread (an index is tens of MB:
/// never on the async workers); a failure names `url`.
async fn parse_off_thread<T: Send + 'static>(
    url: String,
    bytes: Vec<u8>,
    parse: impl FnOnce(Box<dyn std::io::BufRead + '_>) -> Result<T, String> + Send + 'static,
) -> Result<T, DistroError> {
    tokio::task::spawn_blocking(move || {
        let reader = decompress::reader(&bytes).map_err(|e| e.to_string())?;
        parse(reader)
    })
    .await
    .map_err(|e| DistroError::Format {
        url: url.clone(),
        message: format!("the parser task failed: {e}"),
    })?
    .map_err(|message| DistroError::Format { url, message })
}

async fn fetch_deb_suite(
    http: &HttpClient,
    release_url: &str,
    release_text: &[u8],
    components: &[String],
    index: DebIndex,
    arch: &str,
) -> Result<Vec<ShippedPackage>, DistroError> {
    let dists = release_url
        .rsplit_once('/')
        .map_or(release_url, |(dir, _)| dir)
        .to_owned();
    let release =
        deb::parse_release(&String::from_utf8_lossy(release_text)).map_err(|message| {
            DistroError::Format {
                url: release_url.to_owned(),
                message,
            }
        })?;
    let mut out = Vec::new();
    for component in components {
        let stem = match index {
            DebIndex::Sources => format!("{component}/source/Sources"),
            DebIndex::Packages => format!("{component}/binary-{arch}/Packages"),
        };
        let Some((path, entry)) = [".xz", ".gz", ".zst", ""].iter().find_map(|ext| {
            let path = format!("{stem}{ext}");
            release.files.get(&path).map(|e| (path, e.clone()))
        }) else {
            return Err(DistroError::Format {
                url: release_url.to_owned(),
                message: format!(
                    "lists no `{stem}` index (components: {})",
                    release.components.join(", ")
                ),
            });
        };
        let url = join(&dists, &path);
        let bytes = get(http, &url).await?;
        if bytes.len() as u64 != entry.size {
            return Err(DistroError::Format {
                url,
                message: format!(
                    "is {} bytes, the Release file says {}: truncated or mid-sync",
                    bytes.len(),
                    entry.size
                ),
            });
        }
        verify(&url, &bytes, "sha256", &entry.sha256)?;
        let sources = index == DebIndex::Sources;
        let parsed = parse_off_thread(url, bytes, move |r| deb::parse_index(r, sources)).await?;
        out.extend(parsed);
    }
    Ok(out)
}

/// Keeps the newest version of each (name, arch), ordering with `scheme`.
pub(super) fn newest(packages: Vec<ShippedPackage>, scheme: Scheme) -> Vec<ShippedPackage> {
    let mut best: BTreeMap<(String, Option<String>), ShippedPackage> = BTreeMap::new();
    for p in packages {
        let key = (p.name.clone(), p.arch.clone());
        match best.get(&key) {
            Some(existing) if scheme.compare(&existing.version, &p.version).is_ge() => {}
            _ => {
                best.insert(key, p);
            }
        }
    }
    best.into_values().collect()
}
