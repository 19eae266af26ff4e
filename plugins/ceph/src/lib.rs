//! Tracker for Ceph, from `doc/releases/releases.yml` in the Ceph repository: the file the
//! Ceph documentation's release pages are generated from.
//!
//! Each named release (`reef`, `squid`) is a line with the stable versions under it and its end
//! of life: `actual_eol` when it has ended, else `target_eol` (both announced by Ceph). A line is
//! named by its major version (`18`), or `0.94` for the pre-10 releases, with the codename as its
//! label. The `development` section lists release candidates, returned as pre-releases.
//!
//! The file is a small, regular YAML document; it is read line by line rather than with a YAML
//! library, and anything unexpected is a parse error naming the line.

use rollcall_sdk::lines::empty_line;
use rollcall_sdk::version::components;
use rollcall_sdk::{Error, Guest, PluginInfo, Release, ReleaseLine, Settings, UpstreamData};

const DEFAULT_URL: &str =
    "https://raw.githubusercontent.com/ceph/ceph/main/doc/releases/releases.yml";

struct Ceph;

impl Guest for Ceph {
    fn describe() -> PluginInfo {
        PluginInfo {
            name: "ceph".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            summary: "Ceph releases and end-of-life dates from Ceph's releases.yml".into(),
            hosts: vec!["raw.githubusercontent.com".into()],
            settings: vec![rollcall_sdk::base_url_setting(DEFAULT_URL)],
        }
    }

    fn poll(settings: Vec<(String, String)>) -> Result<UpstreamData, Error> {
        let settings = Settings::new(settings);
        let url = settings.base_url(DEFAULT_URL)?;
        let text = rollcall_sdk::http::get_text(&url)?;
        parse(&text).map_err(|e| Error::parse(format!("`{url}`: {e}")))
    }
}

/// A named release being read.
struct Named {
    codename: String,
    target_eol: Option<String>,
    actual_eol: Option<String>,
    releases: Vec<Release>,
}

fn parse(text: &str) -> Result<UpstreamData, String> {
    let mut section = "";
    let mut named: Vec<Named> = Vec::new();
    let mut development: Vec<Release> = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let at = |what: &str| format!("line {}: {what}: `{}`", n + 1, raw.trim());
        let content = raw.split(" #").next().unwrap_or_default().trim_end();
        if content.trim().is_empty() || content.trim_start().starts_with('#') {
            continue;
        }
        let indent = content.len() - content.trim_start().len();
        let item = content.trim_start();
        let (key, value) = match item.trim_start_matches("- ").split_once(':') {
            Some((k, v)) => (k.trim(), unquote(v.trim())),
            None => return Err(at("expected `key: value`")),
        };
        match indent {
            0 => section = key,
            2 if section == "releases" => named.push(Named {
                codename: key.to_owned(),
                target_eol: None,
                actual_eol: None,
                releases: Vec::new(),
            }),
            _ => {
                let list = match section {
                    "releases" => match named.last_mut() {
                        Some(current) => {
                            match key {
                                "target_eol" => current.target_eol = Some(date(value, &at)?),
                                "actual_eol" => current.actual_eol = Some(date(value, &at)?),
                                _ => {}
                            }
                            &mut current.releases
                        }
                        None => return Err(at("a value outside any named release")),
                    },
                    "development" => &mut development,
                    _ => continue,
                };
                if item.starts_with("- ") && key == "version" {
                    list.push(Release {
                        version: value.to_owned(),
                        date: None,
                        prerelease: section == "development",
                        line: None,
                        url: None,
                    });
                } else if key == "released" {
                    let release = list
                        .last_mut()
                        .ok_or_else(|| at("`released` before any `version`"))?;
                    release.date = Some(date(value, &at)?);
                }
            }
        }
    }
    if named.is_empty() {
        return Err("no named releases under `releases:`".into());
    }
    let mut releases = Vec::new();
    let mut lines = Vec::new();
    for entry in named {
        let Some(first) = entry.releases.first() else {
            continue;
        };
        let parts = if first.version.starts_with("0.") {
            2
        } else {
            1
        };
        let name = components(&first.version, parts).to_owned();
        let mut line_releases: Vec<Release> = entry
            .releases
            .into_iter()
            .map(|r| Release {
                line: Some(name.clone()),
                ..r
            })
            .collect();
        let grouped = rollcall_sdk::lines::group(&line_releases);
        let mut line: ReleaseLine = grouped
            .into_iter()
            .next()
            .unwrap_or_else(|| empty_line(&name));
        line.name = name;
        line.label = Some(capitalized(&entry.codename));
        line.is_eol = entry.actual_eol.is_some();
        line.end_of_life = entry.actual_eol.or(entry.target_eol);
        lines.push(line);
        releases.append(&mut line_releases);
    }
    releases.extend(development);
    Ok(UpstreamData {
        releases,
        lines,
        listing: rollcall_sdk::Listing::Complete,
    })
}

fn unquote(value: &str) -> &str {
    value.trim_matches(|c| c == '\'' || c == '"')
}

fn date(value: &str, at: &dyn Fn(&str) -> String) -> Result<String, String> {
    rollcall_sdk::date::iso_date(value).map_err(|_| at("not a YYYY-MM-DD date"))
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

rollcall_sdk::export!(Ceph);
