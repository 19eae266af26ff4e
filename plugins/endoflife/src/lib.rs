//! Tracker for endoflife.date, the community database of support windows.
//!
//! Reads `GET {base-url}/api/{product}.json`, an array of release cycles. In that API a date
//! field may also be a boolean: `eol: true` means "ended, date unknown", `eol: false` means "no
//! end announced"; `support` is the end of active support; `lts` is `true` or the date a cycle
//! becomes LTS. Each cycle becomes a release line, and its `latest` a release.

use rollcall_sdk::{
    DateSource, Error, Guest, PluginInfo, Release, ReleaseLine, Settings, UpstreamData,
};
use serde::Deserialize;
use serde::de::IgnoredAny;

const DEFAULT_BASE_URL: &str = "https://endoflife.date";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Cycle {
    cycle: Scalar,
    #[serde(default)]
    codename: Option<String>,
    #[serde(default)]
    release_date: Option<String>,
    #[serde(default)]
    eol: DateOrFlag,
    #[serde(default)]
    support: DateOrFlag,
    #[serde(default)]
    lts: DateOrFlag,
    #[serde(default)]
    latest: Option<Scalar>,
    #[serde(default)]
    latest_release_date: Option<String>,
    #[serde(default, rename = "link")]
    _link: Option<IgnoredAny>,
}

/// endoflife.date writes cycles and versions as strings, and in older entries as numbers.
#[derive(Deserialize)]
#[serde(untagged)]
enum Scalar {
    Text(String),
    Number(rollcall_sdk::serde_json::Number),
}

impl Scalar {
    fn into_string(self) -> String {
        match self {
            Scalar::Text(s) => s,
            Scalar::Number(n) => n.to_string(),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(untagged)]
enum DateOrFlag {
    Flag(bool),
    Date(String),
    #[default]
    Absent,
}

struct EndOfLife;

impl Guest for EndOfLife {
    fn describe() -> PluginInfo {
        PluginInfo {
            name: "endoflife".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            summary: "release lines and support windows from endoflife.date".into(),
            hosts: vec!["endoflife.date".into()],
            settings: vec![
                rollcall_sdk::required_setting(
                    "product",
                    "the product's name on endoflife.date, as in its URL (`kubernetes`, `salt`)",
                ),
                rollcall_sdk::base_url_setting(DEFAULT_BASE_URL),
            ],
        }
    }

    fn poll(settings: Vec<(String, String)>) -> Result<UpstreamData, Error> {
        let settings = Settings::new(settings);
        let product = settings.require("product")?;
        let valid = product
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '.' | '_'));
        if !valid {
            return Err(Error::config(format!(
                "setting `product` = `{product}` is not an endoflife.date product name (lower case, digits, `-`, `.`)"
            )));
        }
        let url = format!(
            "{}/api/{product}.json",
            settings.base_url(DEFAULT_BASE_URL)?
        );
        let cycles: Vec<Cycle> = rollcall_sdk::http::get_json(&url)?;
        convert(product, cycles)
    }
}

fn convert(product: &str, cycles: Vec<Cycle>) -> Result<UpstreamData, Error> {
    if cycles.is_empty() {
        return Err(Error::parse(format!(
            "endoflife.date lists no cycles for `{product}`"
        )));
    }
    let mut releases = Vec::new();
    let mut lines = Vec::new();
    for cycle in cycles {
        let name = cycle.cycle.into_string();
        let date = |field: &str, raw: Option<String>| -> Result<Option<String>, Error> {
            raw.map(|d| {
                rollcall_sdk::date::iso_date(&d).map_err(|_| {
                    Error::parse(format!("cycle `{name}`: `{field}` = `{d}` is not a date"))
                })
            })
            .transpose()
        };
        let (end_of_life, is_eol) = match cycle.eol {
            DateOrFlag::Date(d) => (date("eol", Some(d))?, false),
            DateOrFlag::Flag(ended) => (None, ended),
            DateOrFlag::Absent => (None, false),
        };
        let end_of_active_support = match cycle.support {
            DateOrFlag::Date(d) => date("support", Some(d))?,
            _ => None,
        };
        let lts = matches!(cycle.lts, DateOrFlag::Flag(true) | DateOrFlag::Date(_));
        let latest = cycle.latest.map(Scalar::into_string);
        let latest_date = date("latestReleaseDate", cycle.latest_release_date)?;
        if let Some(version) = &latest {
            releases.push(Release {
                version: version.clone(),
                date: latest_date.clone(),
                prerelease: false,
                line: Some(name.clone()),
                url: None,
            });
        }
        lines.push(ReleaseLine {
            release_date: date("releaseDate", cycle.release_date)?,
            label: cycle.codename,
            name,
            end_of_active_support,
            end_of_life,
            is_eol,
            eol_source: DateSource::Announced,
            lts,
            latest,
            latest_date,
        });
    }
    Ok(UpstreamData {
        releases,
        lines,
        listing: rollcall_sdk::Listing::Window,
    })
}

rollcall_sdk::export!(EndOfLife);
