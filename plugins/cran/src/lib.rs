//! Generic tracker: an R package's releases from a crandb service, the CRAN metadata database
//! r-hub runs (`GET {registry}/{package}/all`: every version ever on CRAN with its DESCRIPTION,
//! and a `timeline` of publication times). The service's address is a setting.
//!
//! - A version's date is its `timeline` entry, else its DESCRIPTION's `date` (crandb writes
//!   `Invalid date` in the timeline when it could not read CRAN's), else none.
//! - A package CRAN archived keeps its versions (they were released); its timeline's extra
//!   `archived` key is not a version.
//! - CRAN publishes no pre-releases (development versions such as `1.0.0.9000` stay off it), so
//!   none is one.
//! - The answer is the whole history: crandb keeps every version from CRAN's archive.

use std::collections::BTreeMap;

use rollcall_sdk::serde_json::Value;
use rollcall_sdk::{Error, Guest, PluginInfo, Release, Settings, UpstreamData};
use serde::Deserialize;

#[derive(Deserialize)]
struct Package {
    #[serde(default)]
    versions: BTreeMap<String, Value>,
    #[serde(default)]
    timeline: BTreeMap<String, Value>,
}

struct Cran;

impl Guest for Cran {
    fn describe() -> PluginInfo {
        PluginInfo {
            name: "cran".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            summary: "an R package's releases from a crandb service (CRAN's metadata database)"
                .into(),
            hosts: Vec::new(),
            settings: vec![
                rollcall_sdk::required_setting(
                    "registry",
                    "the crandb service's base URL (the public one is `https://crandb.r-pkg.org`); its host is granted",
                ),
                rollcall_sdk::required_setting("package", "the package's name on CRAN (`ggplot2`)"),
            ],
        }
    }

    fn poll(settings: Vec<(String, String)>) -> Result<UpstreamData, Error> {
        let settings = Settings::new(settings);
        let registry = rollcall_sdk::http_url(&settings, "registry")?;
        let package = settings.require("package")?.trim();
        // R's rule: letters, digits and dots, starting with a letter, not ending with a dot.
        let valid = package.starts_with(|c: char| c.is_ascii_alphabetic())
            && !package.ends_with('.')
            && package
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.');
        if !valid {
            return Err(Error::config(format!(
                "setting `package` = `{package}` is not an R package name"
            )));
        }
        let url = format!("{registry}/{package}/all");
        let doc: Package = rollcall_sdk::http::get_json(&url)?;
        let releases = doc
            .versions
            .iter()
            .map(|(version, description)| {
                let date =
                    date_in(doc.timeline.get(version)).or_else(|| date_in(description.get("date")));
                let mut release = Release::new(version.clone(), date);
                release.prerelease = false;
                release
            })
            .collect();
        UpstreamData::releases_only(releases, &format!("`{url}`")).map(UpstreamData::whole_history)
    }
}

/// A `YYYY-MM-DD` date from a crandb time (`2014-05-15T21:12:27+00:00`); `None` for a missing
/// value or crandb's `Invalid date`.
fn date_in(value: Option<&Value>) -> Option<String> {
    value
        .and_then(Value::as_str)
        .and_then(|t| rollcall_sdk::date::iso_date(t).ok())
}

rollcall_sdk::export!(Cran);
