//! Generic tracker: a crate's versions from a Cargo registry's sparse index
//! (`GET {registry}/{prefix}/{crate}`, the protocol every Cargo registry serves: one JSON object
//! per line and version). The registry's address is a setting. Yanked versions are skipped; a
//! version's date is its `pubtime`, which registries add to entries published since 2025.

use rollcall_sdk::{Error, Guest, PluginInfo, Release, Settings, UpstreamData};
use serde::Deserialize;

#[derive(Deserialize)]
struct Entry {
    vers: String,
    #[serde(default)]
    yanked: bool,
    #[serde(default)]
    pubtime: Option<String>,
}

struct Crates;

impl Guest for Crates {
    fn describe() -> PluginInfo {
        PluginInfo {
            name: "crates".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            summary: "a crate's versions from a Cargo registry's sparse index".into(),
            hosts: Vec::new(),
            settings: vec![
                rollcall_sdk::required_setting(
                    "registry",
                    "the sparse index's base URL (the `sparse+` URL of a Cargo registry, without `sparse+`); its host is granted",
                ),
                rollcall_sdk::required_setting("crate", "the crate's name"),
            ],
        }
    }

    fn poll(settings: Vec<(String, String)>) -> Result<UpstreamData, Error> {
        let settings = Settings::new(settings);
        let registry = rollcall_sdk::http_url(&settings, "registry")?;
        let name = settings.require("crate")?.trim().to_ascii_lowercase();
        let valid = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
        if !valid {
            return Err(Error::config(format!(
                "setting `crate` = `{name}` is not a crate name"
            )));
        }
        let url = format!("{registry}/{}", index_path(&name));
        let body = rollcall_sdk::http::get_text(&url)?;
        let mut releases = Vec::new();
        for (n, line) in body
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let entry: Entry = rollcall_sdk::serde_json::from_str(line)
                .map_err(|e| Error::parse(format!("`{url}` line {}: {e}", n + 1)))?;
            if entry.yanked {
                continue;
            }
            let date = entry
                .pubtime
                .as_deref()
                .map(rollcall_sdk::date::iso_date)
                .transpose()?;
            releases.push(Release::new(entry.vers, date));
        }
        UpstreamData::releases_only(releases, &format!("`{url}` (yanked versions left out)"))
            .map(UpstreamData::whole_history)
    }
}

/// Where the index keeps a crate: `1/a`, `2/ab`, `3/a/abc`, `se/mv/semver`.
fn index_path(name: &str) -> String {
    match name.len() {
        1 => format!("1/{name}"),
        2 => format!("2/{name}"),
        3 => format!("3/{}/{name}", &name[..1]),
        _ => format!("{}/{}/{name}", &name[..2], &name[2..4]),
    }
}

rollcall_sdk::export!(Crates);
