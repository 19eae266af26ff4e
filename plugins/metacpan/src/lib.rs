//! Generic tracker: a Perl distribution's releases from a MetaCPAN API
//! (`GET {registry}/v1/release/versions/{distribution}`, the list MetaCPAN's own pages use: up to
//! 1,000 releases, newest first, with the `total` the index holds). The API's address is a
//! setting.
//!
//! - A release's version is its name without the distribution's prefix (`perl-5.28.0-RC4` →
//!   `5.28.0-RC4`, `Moose-2.2207` → `2.2207`): the `version` field repeats the final release's
//!   number for trial releases (every perl 5.28.0 RC says `5.028000`), so it cannot tell them
//!   apart. `version` is used only when the name has another shape.
//! - `maturity: developer` (trial and `_` releases) is a pre-release.
//! - `status: backpan` releases were deleted from the CPAN mirrors but stay on BackPAN: they were
//!   released, so they are kept.
//! - `authorized: false` releases were uploaded by someone without permission for the
//!   distribution: not the project's, so they are left out.
//! - The list is the whole history when `total` is no more than what was returned.

use std::collections::BTreeMap;

use rollcall_sdk::serde_json::Value;
use rollcall_sdk::{Error, Guest, PluginInfo, Release, Settings, UpstreamData};
use serde::Deserialize;

#[derive(Deserialize)]
struct Versions {
    releases: Vec<Entry>,
    #[serde(default)]
    total: Option<Value>,
}

#[derive(Deserialize)]
struct Entry {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    version: Option<Value>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    maturity: Option<String>,
    #[serde(default)]
    authorized: Option<bool>,
}

struct Metacpan;

impl Guest for Metacpan {
    fn describe() -> PluginInfo {
        PluginInfo {
            name: "metacpan".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            summary: "a Perl distribution's releases from a MetaCPAN API".into(),
            hosts: Vec::new(),
            settings: vec![
                rollcall_sdk::required_setting(
                    "registry",
                    "the MetaCPAN API's base URL, the part before `/v1/` (the public one is `https://fastapi.metacpan.org`); its host is granted",
                ),
                rollcall_sdk::required_setting(
                    "distribution",
                    "the distribution's name (`Moose`, `libwww-perl`), not a module name",
                ),
            ],
        }
    }

    fn poll(settings: Vec<(String, String)>) -> Result<UpstreamData, Error> {
        let settings = Settings::new(settings);
        let registry = rollcall_sdk::http_url(&settings, "registry")?;
        let distribution = settings.require("distribution")?.trim();
        if distribution.contains("::") {
            return Err(Error::config(format!(
                "setting `distribution` = `{distribution}` is a module name; use its distribution's, `{}`",
                distribution.replace("::", "-")
            )));
        }
        if !distribution
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '+'))
        {
            return Err(Error::config(format!(
                "setting `distribution` = `{distribution}` is not a CPAN distribution name"
            )));
        }
        let url = format!("{registry}/v1/release/versions/{distribution}");
        let doc: Versions = rollcall_sdk::http::get_json(&url)?;
        let listed = doc.releases.len() as u64;
        let total = doc.total.as_ref().and_then(|t| {
            t.as_u64()
                .or_else(|| t.get("value").and_then(Value::as_u64))
        });

        // One entry per version: the earliest upload wins a re-upload's date.
        let mut by_version: BTreeMap<String, (Option<String>, bool)> = BTreeMap::new();
        let mut unauthorized = 0;
        for entry in &doc.releases {
            if entry.authorized == Some(false) {
                unauthorized += 1;
                continue;
            }
            let Some(version) = version_of(entry, distribution) else {
                rollcall_sdk::log::debug(&format!(
                    "skipped release `{}`: no version",
                    entry.name.as_deref().unwrap_or("?")
                ));
                continue;
            };
            let date = entry
                .date
                .as_deref()
                .map(rollcall_sdk::date::iso_date)
                .transpose()?;
            let developer = entry.maturity.as_deref() == Some("developer");
            let slot = by_version.entry(version).or_insert((None, developer));
            slot.0 = match (slot.0.take(), date) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        let releases = by_version
            .into_iter()
            .map(|(version, (date, developer))| {
                let mut release = Release::new(version, date);
                release.prerelease = developer;
                release
            })
            .collect();
        let what = if unauthorized > 0 {
            format!("`{url}` ({unauthorized} unauthorized releases left out)")
        } else {
            format!("`{url}`")
        };
        let data = UpstreamData::releases_only(releases, &what)?;
        Ok(match total {
            Some(total) if total <= listed => data.whole_history(),
            _ => data,
        })
    }
}

/// The version a release is known by: its name after the distribution's prefix when that is a
/// version (`perl-5.28.0-RC4`, `perl5.005_04`), else its `version` field.
fn version_of(entry: &Entry, distribution: &str) -> Option<String> {
    let from_name = entry
        .name
        .as_deref()
        .and_then(|name| name.strip_prefix(distribution))
        .map(|rest| rest.strip_prefix('-').unwrap_or(rest))
        .filter(|rest| {
            rollcall_sdk::version::strip_v(rest).starts_with(|c: char| c.is_ascii_digit())
        });
    if let Some(version) = from_name {
        return Some(version.to_owned());
    }
    match entry.version.as_ref()? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

rollcall_sdk::export!(Metacpan);
