//! Tracker for the Linux kernel, from kernel.org's `releases.json`.
//!
//! kernel.org lists the newest release of every maintained line with a moniker: `mainline`
//! (Linus' tree, release candidates included), `stable`, `longterm` and `linux-next`. A line is
//! `major.minor`; it is LTS when its moniker is `longterm` and end of life when `iseol` is set.
//! `linux-next` snapshots are not releases and are skipped.

use std::collections::BTreeMap;

use rollcall_sdk::{Error, Guest, PluginInfo, Release, ReleaseLine, Settings, UpstreamData};
use serde::Deserialize;

const DEFAULT_BASE_URL: &str = "https://www.kernel.org";

#[derive(Deserialize)]
struct Index {
    releases: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    version: String,
    moniker: String,
    #[serde(default)]
    iseol: bool,
    released: Released,
    #[serde(default)]
    changelog: Option<String>,
}

#[derive(Deserialize)]
struct Released {
    isodate: String,
}

struct KernelOrg;

impl Guest for KernelOrg {
    fn describe() -> PluginInfo {
        PluginInfo {
            name: "kernel-org".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            summary: "Linux kernel releases and lines from kernel.org's releases.json".into(),
            hosts: vec!["www.kernel.org".into()],
            settings: vec![rollcall_sdk::base_url_setting(DEFAULT_BASE_URL)],
        }
    }

    fn poll(settings: Vec<(String, String)>) -> Result<UpstreamData, Error> {
        let settings = Settings::new(settings);
        let url = format!("{}/releases.json", settings.base_url(DEFAULT_BASE_URL)?);
        let index: Index = rollcall_sdk::http::get_json(&url)?;
        convert(index)
    }
}

fn convert(index: Index) -> Result<UpstreamData, Error> {
    let mut releases = Vec::new();
    let mut lines: BTreeMap<String, ReleaseLine> = BTreeMap::new();
    for entry in index.releases {
        if entry.moniker == "linux-next" {
            continue;
        }
        let date = rollcall_sdk::date::iso_date(&entry.released.isodate)
            .map_err(|e| Error::parse(format!("kernel `{}`: {e:?}", entry.version)))?;
        let prerelease = entry.version.contains("-rc");
        let numeric = entry.version.split('-').next().unwrap_or_default();
        let line_name = rollcall_sdk::major_minor(numeric).to_owned();
        if !line_name.contains('.') || !line_name.chars().all(|c| c.is_ascii_digit() || c == '.') {
            rollcall_sdk::log::warn(&format!(
                "skipping unexpected kernel version `{}`",
                entry.version
            ));
            continue;
        }
        let line = lines
            .entry(line_name.clone())
            .or_insert_with(|| rollcall_sdk::lines::empty_line(&line_name));
        line.lts |= entry.moniker == "longterm";
        line.is_eol |= entry.iseol;
        if !prerelease {
            if numeric == line_name {
                line.release_date = Some(date.clone());
            }
            let newer = line
                .latest
                .as_deref()
                .is_none_or(|cur| newer_than(numeric, cur));
            if newer {
                line.latest = Some(entry.version.clone());
                line.latest_date = Some(date.clone());
            }
        }
        releases.push(Release {
            version: entry.version,
            date: Some(date),
            prerelease,
            line: Some(line_name),
            url: entry.changelog,
        });
    }
    if releases.is_empty() {
        return Err(Error::parse("releases.json lists no kernel releases"));
    }
    Ok(UpstreamData {
        releases,
        lines: lines.into_values().collect(),
        listing: rollcall_sdk::Listing::Window,
    })
}

/// Dotted-numeric comparison, enough for kernel versions (`6.12.10` > `6.12.9`).
fn newer_than(a: &str, b: &str) -> bool {
    let parts = |v: &str| -> Vec<u64> { v.split('.').map(|p| p.parse().unwrap_or(0)).collect() };
    parts(a) > parts(b)
}

rollcall_sdk::export!(KernelOrg);
