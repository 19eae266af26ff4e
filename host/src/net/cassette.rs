//! Record and replay: `--record DIR` writes every exchange the client completes to a cassette
//! directory (one JSON file per URL); `--replay DIR` serves every request from it and touches
//! no network at all. Tests, demos and plugin authors use it. The `github` import's pages go
//! through the same client, so they are recorded and replayed the same way.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::client::Fetched;

/// Whether the client records, replays, or neither.
#[derive(Debug, Clone, Default)]
pub enum Cassette {
    /// Live network.
    #[default]
    Off,
    /// Live network, and every exchange is written to the directory.
    Record(PathBuf),
    /// No network: every request is answered from the directory.
    Replay(PathBuf),
}

#[derive(Serialize, Deserialize)]
struct Exchange {
    url: String,
    status: u16,
    headers: Vec<(String, String)>,
    body_base64: String,
}

/// The file an exchange for `url` lives in.
fn file_for(dir: &Path, url: &str) -> PathBuf {
    let digest = hex::encode(Sha256::digest(url.as_bytes()));
    dir.join(format!("{}.json", &digest[..24]))
}

/// Writes one exchange.
pub fn record(dir: &Path, url: &str, fetched: &Fetched) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let exchange = Exchange {
        url: url.to_owned(),
        status: fetched.status,
        headers: fetched.headers.clone(),
        body_base64: base64::engine::general_purpose::STANDARD.encode(&fetched.body),
    };
    let text = serde_json::to_string_pretty(&exchange).map_err(std::io::Error::other)?;
    let path = file_for(dir, url);
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text)?;
    std::fs::rename(tmp, path)
}

/// The recorded answer for `url`, or why there is none.
pub fn replay(dir: &Path, url: &str) -> Result<Fetched, String> {
    let path = file_for(dir, url);
    let text = std::fs::read_to_string(&path).map_err(|_| {
        format!(
            "`{url}` is not in the cassette `{}` (record it with `--record {}`)",
            dir.display(),
            dir.display()
        )
    })?;
    let exchange: Exchange = serde_json::from_str(&text)
        .map_err(|e| format!("cassette file `{}` is damaged: {e}", path.display()))?;
    let body = base64::engine::general_purpose::STANDARD
        .decode(exchange.body_base64)
        .map_err(|e| format!("cassette file `{}` is damaged: {e}", path.display()))?;
    Ok(Fetched {
        status: exchange.status,
        headers: exchange.headers,
        body,
        revalidated: false,
    })
}
