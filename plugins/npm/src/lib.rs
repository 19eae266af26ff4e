//! Generic tracker: a package's versions from a JavaScript package registry's metadata document
//! (`GET {registry}/{package}`; a scoped `@scope/name` is requested as `@scope%2fname`). The
//! registry's address is a setting. Dates come from the document's `time` map; deprecated
//! versions are kept (they are released) and pre-releases are recognised by their semver tag.

use std::collections::BTreeMap;

use rollcall_sdk::serde_json::Value;
use rollcall_sdk::{Error, Guest, PluginInfo, Release, Settings, UpstreamData};
use serde::Deserialize;

#[derive(Deserialize)]
struct Package {
    #[serde(default)]
    versions: BTreeMap<String, Value>,
    #[serde(default)]
    time: BTreeMap<String, String>,
}

struct Npm;

impl Guest for Npm {
    fn describe() -> PluginInfo {
        PluginInfo {
            name: "npm".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            summary: "a package's versions from a JavaScript package registry".into(),
            hosts: Vec::new(),
            settings: vec![
                rollcall_sdk::required_setting(
                    "registry",
                    "the registry's base URL; its host is granted",
                ),
                rollcall_sdk::required_setting(
                    "package",
                    "the package's name (`left-pad`, `@scope/name`)",
                ),
            ],
        }
    }

    fn poll(settings: Vec<(String, String)>) -> Result<UpstreamData, Error> {
        let settings = Settings::new(settings);
        let registry = rollcall_sdk::http_url(&settings, "registry")?;
        let name = settings.require("package")?.trim();
        let valid = name.chars().all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.' | '@' | '/')
        });
        if !valid {
            return Err(Error::config(format!(
                "setting `package` = `{name}` is not a package name"
            )));
        }
        let url = format!("{registry}/{}", name.replace('/', "%2f"));
        let doc: Package = rollcall_sdk::http::get_json(&url)?;
        let mut releases = Vec::new();
        for version in doc.versions.into_keys() {
            let date = doc
                .time
                .get(&version)
                .map(|t| rollcall_sdk::date::iso_date(t))
                .transpose()?;
            releases.push(Release::new(version, date));
        }
        UpstreamData::releases_only(releases, &format!("`{url}`")).map(UpstreamData::whole_history)
    }
}

rollcall_sdk::export!(Npm);
