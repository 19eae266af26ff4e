//! Generic tracker: a gem's versions from a RubyGems registry's JSON API
//! (`GET {registry}/api/v1/versions/{gem}.json`: every indexed version, newest first). The
//! registry's address is a setting.
//!
//! - One number pushed for several platforms (`ruby`, `java`, `x86_64-linux`) is one release;
//!   its date is the earliest push (`created_at`; `built_at` is the gemspec's date, often
//!   midnight or a reproducible-build constant).
//! - Pre-releases are the registry's own `prerelease` flag (a letter in the number).
//! - Yanked versions are not indexed, so the API does not list them: the answer is the whole
//!   history of versions that can still be installed.

use std::collections::BTreeMap;

use rollcall_sdk::{Error, Guest, PluginInfo, Release, Settings, UpstreamData};
use serde::Deserialize;

#[derive(Deserialize)]
struct Version {
    number: String,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    prerelease: Option<bool>,
}

struct Rubygems;

impl Guest for Rubygems {
    fn describe() -> PluginInfo {
        PluginInfo {
            name: "rubygems".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            summary: "a gem's versions from a RubyGems registry's JSON API".into(),
            hosts: Vec::new(),
            settings: vec![
                rollcall_sdk::required_setting(
                    "registry",
                    "the registry's base URL, the part before `/api/v1/` (the public one is `https://rubygems.org`); its host is granted",
                ),
                rollcall_sdk::required_setting("gem", "the gem's name (`rails`, `nokogiri`)"),
            ],
        }
    }

    fn poll(settings: Vec<(String, String)>) -> Result<UpstreamData, Error> {
        let settings = Settings::new(settings);
        let registry = rollcall_sdk::http_url(&settings, "registry")?;
        let gem = settings.require("gem")?.trim();
        if !gem
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            return Err(Error::config(format!(
                "setting `gem` = `{gem}` is not a gem name"
            )));
        }
        let url = format!("{registry}/api/v1/versions/{gem}.json");
        let versions: Vec<Version> = rollcall_sdk::http::get_json(&url)?;
        let mut by_number: BTreeMap<String, (Option<String>, bool)> = BTreeMap::new();
        for version in versions {
            let date = version
                .created_at
                .as_deref()
                .map(rollcall_sdk::date::iso_date)
                .transpose()?;
            let prerelease = version
                .prerelease
                .unwrap_or_else(|| version.number.chars().any(|c| c.is_ascii_alphabetic()));
            let slot = by_number
                .entry(version.number)
                .or_insert((None, prerelease));
            slot.0 = match (slot.0.take(), date) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        let releases = by_number
            .into_iter()
            .map(|(number, (date, prerelease))| {
                let mut release = Release::new(number, date);
                release.prerelease = prerelease;
                release
            })
            .collect();
        UpstreamData::releases_only(releases, &format!("`{url}`")).map(UpstreamData::whole_history)
    }
}

rollcall_sdk::export!(Rubygems);
