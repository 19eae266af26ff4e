//! Generic tracker: a Haskell package's versions from a Hackage server
//! (`GET {registry}/package/{name}/preferred`, JSON: `normal-version` and `deprecated-version`
//! lists). The server's address is a setting.
//!
//! - Deprecated versions (outside the maintainers' preferred range: broken or withdrawn
//!   releases the solver avoids) are left out, as the other registry trackers leave out
//!   yanked ones; the rest is the whole history, so a version deprecated later counts as
//!   withdrawn upstream.
//! - Hackage versions are numeric (PVP), so none is a pre-release.
//! - Dates cost a request per version (`/package/{name}-{version}/revisions/`, the first
//!   revision's upload time), so only the newest `dates` versions get one; a rate limit fails
//!   the poll, any other failure leaves the remaining versions undated.

use rollcall_sdk::{Error, Guest, PluginInfo, Release, Settings, UpstreamData};
use serde::Deserialize;

/// Versions dated by default: with the first request, 21 of a poll's default 64.
const DEFAULT_DATES: u32 = 20;

#[derive(Deserialize)]
struct Preferred {
    #[serde(rename = "normal-version", default)]
    normal: Vec<String>,
    #[serde(rename = "deprecated-version", default)]
    deprecated: Vec<String>,
}

#[derive(Deserialize)]
struct Revision {
    time: String,
}

struct Hackage;

impl Guest for Hackage {
    fn describe() -> PluginInfo {
        PluginInfo {
            name: "hackage".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            summary: "a Haskell package's versions from a Hackage server".into(),
            hosts: Vec::new(),
            settings: vec![
                rollcall_sdk::required_setting(
                    "registry",
                    "the Hackage server's base URL, the part before `/package/` (the public one is `https://hackage.haskell.org`); its host is granted",
                ),
                rollcall_sdk::required_setting("package", "the package's name (`aeson`)"),
                rollcall_sdk::setting(
                    "dates",
                    "how many of the newest versions get an upload date, one request each",
                    Some("20"),
                ),
            ],
        }
    }

    fn poll(settings: Vec<(String, String)>) -> Result<UpstreamData, Error> {
        let settings = Settings::new(settings);
        let registry = rollcall_sdk::http_url(&settings, "registry")?;
        let name = settings.require("package")?.trim();
        // Cabal's rule: words of letters and digits joined by single hyphens.
        let valid = !name.is_empty()
            && name.split('-').all(|word| {
                !word.is_empty()
                    && word.chars().all(|c| c.is_ascii_alphanumeric())
                    && word.chars().any(|c| c.is_ascii_alphabetic())
            });
        if !valid {
            return Err(Error::config(format!(
                "setting `package` = `{name}` is not a Hackage package name"
            )));
        }
        let dates: u32 = settings.parse_or("dates", DEFAULT_DATES)?;
        let url = format!("{registry}/package/{name}/preferred");
        let doc: Preferred = rollcall_sdk::http::get_json(&url)?;
        let what = if doc.deprecated.is_empty() {
            format!("`{url}`")
        } else {
            format!(
                "`{url}` ({} deprecated versions left out)",
                doc.deprecated.len()
            )
        };
        let mut releases: Vec<Release> = doc
            .normal
            .into_iter()
            .map(|version| {
                let mut release = Release::new(version, None);
                release.prerelease = false;
                release
            })
            .collect();
        if releases.is_empty() {
            return UpstreamData::releases_only(releases, &what);
        }

        releases.sort_by(|a, b| rollcall_sdk::version::cmp_dotted(&b.version, &a.version));
        for release in releases
            .iter_mut()
            .filter(|r| is_numeric(r.version.as_str()))
            .take(dates as usize)
        {
            let revisions = format!("{registry}/package/{name}-{}/revisions/", release.version);
            match upload_date(&revisions) {
                Ok(date) => release.date = date,
                Err(Error::RateLimited(limit)) => return Err(Error::RateLimited(limit)),
                Err(e) => {
                    rollcall_sdk::log::warn(&format!(
                        "older versions stay undated: `{revisions}` failed: {e:?}"
                    ));
                    break;
                }
            }
        }
        UpstreamData::releases_only(releases, &what).map(UpstreamData::whole_history)
    }
}

/// Digits and dots only: safe to put in a URL as it is.
fn is_numeric(version: &str) -> bool {
    !version.is_empty() && version.chars().all(|c| c.is_ascii_digit() || c == '.')
}

/// The first upload time in a version's revision list, or `None` when the server has no such
/// list (404, 410).
fn upload_date(url: &str) -> Result<Option<String>, Error> {
    let response = rollcall_sdk::http::get(url, &[("accept", "application/json")])?;
    if matches!(response.status, 404 | 410) {
        return Ok(None);
    }
    rollcall_sdk::http::check_status(url, &response)?;
    let revisions: Vec<Revision> = rollcall_sdk::http::parse_json(url, &response.body)?;
    Ok(revisions
        .iter()
        .filter_map(|r| rollcall_sdk::date::iso_date(&r.time).ok())
        .min())
}

rollcall_sdk::export!(Hackage);
