//! Generic tracker: versions scraped from any page with a regular expression.
//!
//! `pattern` is matched against the whole page; each match's first capture group (or the group
//! named `version`) is a version. An optional group named `date` (`YYYY-MM-DD`) gives its date.
//! Duplicates are dropped, first match wins. The syntax is that of the `regex` crate (no
//! look-around, no backreferences); the host runs it (`rollcall_sdk::text`).

use rollcall_sdk::{Error, Guest, PluginInfo, Release, Settings, UpstreamData};

struct RegexTracker;

impl Guest for RegexTracker {
    fn describe() -> PluginInfo {
        PluginInfo {
            name: "regex".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            summary: "versions scraped from any page with a regular expression".into(),
            hosts: Vec::new(),
            settings: vec![
                rollcall_sdk::required_setting("url", "the page to read; its host is granted"),
                rollcall_sdk::required_setting(
                    "pattern",
                    "a regular expression whose first group (or group `version`) is a version; an optional group `date` gives its date",
                ),
            ],
        }
    }

    fn poll(settings: Vec<(String, String)>) -> Result<UpstreamData, Error> {
        let settings = Settings::new(settings);
        let url = rollcall_sdk::http_url(&settings, "url")?;
        let pattern = settings.require("pattern")?;
        let text = rollcall_sdk::http::get_text(&url)?;
        let found = rollcall_sdk::text::find_all(pattern, &text, 100_000)?;
        if found.groups < 2 {
            return Err(Error::config(format!(
                "setting `pattern` = `{pattern}` has no capture group; put the version in parentheses, as in `foo-([0-9.]+)\\.tar`"
            )));
        }
        let mut releases: Vec<Release> = Vec::new();
        for captures in &found.list {
            let Some(version) = captures.name("version").or_else(|| captures.get(1)) else {
                continue;
            };
            let version = version.trim();
            if version.is_empty() || releases.iter().any(|r| r.version == version) {
                continue;
            }
            let date = captures
                .name("date")
                .map(rollcall_sdk::date::iso_date)
                .transpose()?;
            releases.push(Release::new(version.to_owned(), date));
        }
        if releases.is_empty() {
            return Err(Error::parse(format!(
                "`pattern` matched nothing in `{url}` ({} bytes)",
                text.len()
            )));
        }
        Ok(UpstreamData {
            releases,
            lines: Vec::new(),
            listing: rollcall_sdk::Listing::Window,
        })
    }
}

rollcall_sdk::export!(RegexTracker);
