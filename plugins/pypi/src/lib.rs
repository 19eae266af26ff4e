//! Generic tracker: a project's releases from a Python package index's JSON API
//! (`GET {registry}/pypi/{project}/json`). The index's address is a setting: the public index, a
//! mirror or a private one. A release's date is its first file's upload time; releases whose
//! files are all yanked are skipped; pre-releases are recognised by their PEP 440 spelling.

use std::collections::BTreeMap;

use rollcall_sdk::{Error, Guest, PluginInfo, Release, Settings, UpstreamData};
use serde::Deserialize;

#[derive(Deserialize)]
struct Project {
    releases: BTreeMap<String, Vec<File>>,
}

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    upload_time_iso_8601: Option<String>,
    #[serde(default)]
    upload_time: Option<String>,
    #[serde(default)]
    yanked: bool,
}

struct Pypi;

impl Guest for Pypi {
    fn describe() -> PluginInfo {
        PluginInfo {
            name: "pypi".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            summary: "a project's releases from a Python package index's JSON API".into(),
            hosts: Vec::new(),
            settings: vec![
                rollcall_sdk::required_setting(
                    "registry",
                    "the index's base URL (the part before `/pypi/`); its host is granted",
                ),
                rollcall_sdk::required_setting("project", "the project's name on the index"),
            ],
        }
    }

    fn poll(settings: Vec<(String, String)>) -> Result<UpstreamData, Error> {
        let settings = Settings::new(settings);
        let registry = rollcall_sdk::http_url(&settings, "registry")?;
        let project = settings.require("project")?.trim();
        if !project
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            return Err(Error::config(format!(
                "setting `project` = `{project}` is not a Python project name"
            )));
        }
        let url = format!("{registry}/pypi/{project}/json");
        let doc: Project = rollcall_sdk::http::get_json(&url)?;
        let mut releases = Vec::new();
        for (version, files) in doc.releases {
            if !files.is_empty() && files.iter().all(|f| f.yanked) {
                continue;
            }
            let date = files
                .iter()
                .filter_map(|f| {
                    f.upload_time_iso_8601
                        .as_deref()
                        .or(f.upload_time.as_deref())
                })
                .filter_map(|t| rollcall_sdk::date::iso_date(t).ok())
                .min();
            releases.push(Release::new(version, date));
        }
        UpstreamData::releases_only(releases, &format!("`{url}`")).map(UpstreamData::whole_history)
    }
}

rollcall_sdk::export!(Pypi);
