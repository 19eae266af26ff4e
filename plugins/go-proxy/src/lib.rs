//! Generic tracker: a Go module's versions from a module proxy (the GOPROXY protocol:
//! `GET {registry}/{module}/@v/list`, then `{version}.info` for dates and the newest version's
//! `.mod` for retractions). The proxy's address is a setting. Paths and versions are sent with
//! the protocol's case escaping (`github.com/BurntSushi/toml` → `github.com/!burnt!sushi/toml`).
//!
//! - The list holds tagged versions; lines that are not canonical `vX.Y.Z[-pre][+build]`
//!   versions, and pseudo-versions (`v0.0.0-20190101000000-abcdefabcdef`) a proxy may add,
//!   are skipped, as the `go` command does.
//! - `+incompatible` (a v2+ tag of a module without a `/vN` path) is dropped from the version:
//!   the tag is `v2.0.0`. One module path is one major version: `…/v2` is another watch.
//! - Pre-releases are semver's (`-rc.1`). Versions the newest version's `go.mod` retracts are
//!   left out, as `go list -m -versions` leaves them out; the rest is the whole history.
//! - A list line may carry a time after the version (some proxies write one); otherwise a date
//!   costs a `.info` request, so only the newest `dates` versions get one. A rate limit fails
//!   the poll; any other failure leaves the remaining versions undated.

use std::cmp::Ordering;

use rollcall_sdk::{Error, Guest, PluginInfo, Release, Settings, UpstreamData};
use serde::Deserialize;

/// Versions dated by default: with the list and the `.mod`, 22 of a poll's default 64 requests.
const DEFAULT_DATES: u32 = 20;

#[derive(Deserialize)]
struct Info {
    #[serde(rename = "Time", default)]
    time: Option<String>,
}

/// One version from the list, with the date the list or its `.info` gave.
struct Listed {
    version: String,
    date: Option<String>,
}

/// A `retract` directive's version or closed interval.
enum Retracted {
    One(String),
    Range(String, String),
}

struct GoProxy;

impl Guest for GoProxy {
    fn describe() -> PluginInfo {
        PluginInfo {
            name: "go-proxy".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            summary: "a Go module's versions from a module proxy (the GOPROXY protocol)".into(),
            hosts: Vec::new(),
            settings: vec![
                rollcall_sdk::required_setting(
                    "registry",
                    "the module proxy's base URL, one `GOPROXY` entry (the public one is `https://proxy.golang.org`); its host is granted",
                ),
                rollcall_sdk::required_setting(
                    "module",
                    "the module path (`golang.org/x/text`, `github.com/owner/repo/v2`)",
                ),
                rollcall_sdk::setting(
                    "dates",
                    "how many of the newest versions without a date in the list get one from their `.info`, one request each",
                    Some("20"),
                ),
            ],
        }
    }

    fn poll(settings: Vec<(String, String)>) -> Result<UpstreamData, Error> {
        let settings = Settings::new(settings);
        let registry = rollcall_sdk::http_url(&settings, "registry")?;
        let module = settings.require("module")?.trim();
        if !is_module_path(module) {
            return Err(Error::config(format!(
                "setting `module` = `{module}` is not a Go module path (`golang.org/x/text`, `github.com/owner/repo`)"
            )));
        }
        let dates: u32 = settings.parse_or("dates", DEFAULT_DATES)?;
        let base = format!("{registry}/{}/@v", escape(module));
        let list_url = format!("{base}/list");
        let body = rollcall_sdk::http::get_text(&list_url)?;
        let (mut listed, skipped) = parse_list(&body);
        for version in skipped {
            rollcall_sdk::log::debug(&format!(
                "skipped list line `{version}`: not a tagged version"
            ));
        }
        if listed.is_empty() {
            return Err(Error::parse(format!(
                "`{list_url}` lists no tagged versions (a module with pseudo-versions only has no releases)"
            )));
        }
        listed.sort_by(|a, b| compare(&b.version, &a.version));
        listed.dedup_by(|later, kept| later.version == kept.version);

        let retracted = match newest(&listed).map(str::to_owned) {
            Some(latest) => retractions(&format!("{base}/{}.mod", escape(&latest)))?,
            None => Vec::new(),
        };
        let before = listed.len();
        listed.retain(|l| !is_retracted(&l.version, &retracted));
        let left_out = before - listed.len();

        for entry in listed
            .iter_mut()
            .filter(|l| l.date.is_none())
            .take(dates as usize)
        {
            let url = format!("{base}/{}.info", escape(&entry.version));
            match info_date(&url) {
                Ok(date) => entry.date = date,
                Err(Error::RateLimited(limit)) => return Err(Error::RateLimited(limit)),
                Err(e) => {
                    rollcall_sdk::log::warn(&format!(
                        "older versions stay undated: `{url}` failed: {e:?}"
                    ));
                    break;
                }
            }
        }

        let releases = listed
            .into_iter()
            .map(|l| {
                let prerelease = is_prerelease(&l.version);
                let mut version = l.version;
                if let Some(tag_len) = version.strip_suffix("+incompatible").map(str::len) {
                    version.truncate(tag_len);
                }
                let mut release = Release::new(version, l.date);
                release.prerelease = prerelease;
                release
            })
            .collect();
        let what = if left_out > 0 {
            format!("`{list_url}` ({left_out} retracted versions left out)")
        } else {
            format!("`{list_url}`")
        };
        UpstreamData::releases_only(releases, &what).map(UpstreamData::whole_history)
    }
}

/// A module path the proxy protocol can carry: slash-separated elements of letters, digits and
/// `-._~`, none empty, `.` or `..`.
fn is_module_path(module: &str) -> bool {
    !module.is_empty()
        && !module.starts_with('-')
        && module.split('/').all(|element| {
            !element.is_empty()
                && element != "."
                && element != ".."
                && element
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~'))
        })
}

/// The protocol's case escaping: each upper-case letter becomes `!` and its lower case.
fn escape(path: &str) -> String {
    let mut escaped = String::with_capacity(path.len());
    for c in path.chars() {
        if c.is_ascii_uppercase() {
            escaped.push('!');
            escaped.push(c.to_ascii_lowercase());
        } else {
            escaped.push(c);
        }
    }
    escaped
}

/// The tagged versions of a `list` body, each with the time a line may carry after it, and
/// the lines skipped (logged by the caller: this stays a pure function the tests can run).
fn parse_list(body: &str) -> (Vec<Listed>, Vec<String>) {
    let mut listed = Vec::new();
    let mut skipped = Vec::new();
    for line in body.lines() {
        let mut fields = line.split_whitespace();
        let Some(version) = fields.next() else {
            continue;
        };
        if !is_semver(version) || is_pseudo(version) {
            skipped.push(version.to_owned());
            continue;
        }
        let date = fields
            .next()
            .and_then(|t| rollcall_sdk::date::iso_date(t).ok());
        listed.push(Listed {
            version: version.to_owned(),
            date,
        });
    }
    (listed, skipped)
}

/// `vMAJOR.MINOR.PATCH` with an optional `-pre-release` and `+build` of dot-separated
/// identifiers: the canonical versions a proxy lists.
fn is_semver(version: &str) -> bool {
    let Some(rest) = version.strip_prefix('v') else {
        return false;
    };
    let (rest, build) = match rest.split_once('+') {
        Some((rest, build)) => (rest, Some(build)),
        None => (rest, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((core, pre)) => (core, Some(pre)),
        None => (rest, None),
    };
    let numeric = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    let identifiers = |part: &str| {
        part.split('.')
            .all(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
    };
    core.split('.').count() == 3
        && core.split('.').all(numeric)
        && pre.is_none_or(identifiers)
        && build.is_none_or(identifiers)
}

/// A pseudo-version: its pre-release ends in a 14-digit UTC time and a 12-digit commit hash
/// (`v0.0.0-20190101000000-abcdefabcdef`, `v1.2.4-0.20190101000000-abcdefabcdef`).
fn is_pseudo(version: &str) -> bool {
    let core = version.split('+').next().unwrap_or(version);
    let Some((_, pre)) = core.split_once('-') else {
        return false;
    };
    let Some((rest, hash)) = pre.rsplit_once('-') else {
        return false;
    };
    let stamp = rest.rsplit('.').next().unwrap_or(rest);
    hash.len() == 12
        && hash.bytes().all(|b| b.is_ascii_hexdigit())
        && stamp.len() == 14
        && stamp.bytes().all(|b| b.is_ascii_digit())
}

/// Semver's pre-release mark: a `-` before any `+build`.
fn is_prerelease(version: &str) -> bool {
    version.split('+').next().unwrap_or(version).contains('-')
}

/// Semver precedence (build metadata ignored).
fn compare(a: &str, b: &str) -> Ordering {
    let (a_core, a_pre) = split(a);
    let (b_core, b_pre) = split(b);
    a_core.cmp(&b_core).then_with(|| match (a_pre, b_pre) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(x), Some(y)) => compare_pre_releases(x, y),
    })
}

/// A version's three numbers and its pre-release, if any.
fn split(version: &str) -> ([u64; 3], Option<&str>) {
    let rest = version.strip_prefix('v').unwrap_or(version);
    let rest = rest.split('+').next().unwrap_or(rest);
    let (core, pre) = match rest.split_once('-') {
        Some((core, pre)) => (core, Some(pre)),
        None => (rest, None),
    };
    let mut numbers = [0u64; 3];
    for (slot, part) in numbers.iter_mut().zip(core.split('.')) {
        *slot = part.parse().unwrap_or(0);
    }
    (numbers, pre)
}

/// Semver's pre-release order: identifier by identifier, numbers below words, fewer first.
fn compare_pre_releases(a: &str, b: &str) -> Ordering {
    let mut left = a.split('.');
    let mut right = b.split('.');
    loop {
        let (x, y) = match (left.next(), right.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => (x, y),
        };
        let order = match (x.parse::<u64>(), y.parse::<u64>()) {
            (Ok(m), Ok(n)) => m.cmp(&n),
            (Ok(_), Err(_)) => Ordering::Less,
            (Err(_), Ok(_)) => Ordering::Greater,
            (Err(_), Err(_)) => x.cmp(y),
        };
        if order != Ordering::Equal {
            return order;
        }
    }
}

/// The version whose `go.mod` states the module's retractions, as the `go` command picks it:
/// the highest release, preferring one with a `go.mod` (not `+incompatible`), else the highest
/// pre-release. `listed` is sorted newest first.
fn newest(listed: &[Listed]) -> Option<&str> {
    let release = |l: &&Listed| !is_prerelease(&l.version);
    listed
        .iter()
        .find(|l| release(l) && !l.version.ends_with("+incompatible"))
        .or_else(|| listed.iter().find(release))
        .or_else(|| listed.first())
        .map(|l| l.version.as_str())
}

/// The retractions in the `go.mod` at `url`; none when the proxy has no such file. Only a rate
/// limit is an error: without the file every version is kept.
fn retractions(url: &str) -> Result<Vec<Retracted>, Error> {
    match fetch(url, "text/plain") {
        Ok(Some(body)) => Ok(parse_retractions(&String::from_utf8_lossy(&body))),
        Ok(None) => Ok(Vec::new()),
        Err(Error::RateLimited(limit)) => Err(Error::RateLimited(limit)),
        Err(e) => {
            rollcall_sdk::log::warn(&format!(
                "retractions not read, every version kept: `{url}` failed: {e:?}"
            ));
            Ok(Vec::new())
        }
    }
}

/// The `retract` directives of a `go.mod`: single lines (`retract v1.0.0`, `retract [v1.0.0,
/// v1.0.5]`) and blocks (`retract (` … `)`), comments and quotes removed.
fn parse_retractions(gomod: &str) -> Vec<Retracted> {
    let mut found = Vec::new();
    let mut in_block = false;
    for raw in gomod.lines() {
        let line = raw.split("//").next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        if in_block {
            if line == ")" {
                in_block = false;
            } else {
                found.extend(parse_spec(line));
            }
            continue;
        }
        let Some(rest) = line.strip_prefix("retract") else {
            continue;
        };
        if !(rest.is_empty() || rest.starts_with(|c: char| c.is_whitespace() || c == '(')) {
            continue;
        }
        let rest = rest.trim();
        match rest.strip_prefix('(') {
            Some(inner) => {
                let inner = inner.trim();
                if inner == ")" {
                    continue;
                }
                in_block = true;
                if !inner.is_empty() {
                    found.extend(parse_spec(inner));
                }
            }
            None => found.extend(parse_spec(rest)),
        }
    }
    found
}

/// One retraction: `v1.0.0` or `[v1.0.0, v1.0.5]`.
fn parse_spec(spec: &str) -> Option<Retracted> {
    let unquote = |s: &str| s.trim().trim_matches('"').to_owned();
    match spec.strip_prefix('[') {
        Some(inner) => {
            let (low, high) = inner.strip_suffix(']')?.split_once(',')?;
            Some(Retracted::Range(unquote(low), unquote(high)))
        }
        None if !spec.is_empty() => Some(Retracted::One(unquote(spec))),
        None => None,
    }
}

fn is_retracted(version: &str, retracted: &[Retracted]) -> bool {
    retracted.iter().any(|r| match r {
        Retracted::One(v) => compare(v, version).is_eq(),
        Retracted::Range(low, high) => {
            compare(low, version).is_le() && compare(version, high).is_le()
        }
    })
}

/// The time in a version's `.info`, or `None` when the proxy has no such file.
fn info_date(url: &str) -> Result<Option<String>, Error> {
    let Some(body) = fetch(url, "application/json")? else {
        return Ok(None);
    };
    let info: Info = rollcall_sdk::http::parse_json(url, &body)?;
    Ok(info
        .time
        .as_deref()
        .and_then(|t| rollcall_sdk::date::iso_date(t).ok()))
}

/// The body at `url`, or `None` for the protocol's "not here" answers (404, 410).
fn fetch(url: &str, accept: &str) -> Result<Option<Vec<u8>>, Error> {
    let response = rollcall_sdk::http::get(url, &[("accept", accept)])?;
    if matches!(response.status, 404 | 410) {
        return Ok(None);
    }
    rollcall_sdk::http::check_status(url, &response)?;
    Ok(Some(response.body))
}

rollcall_sdk::export!(GoProxy);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_versions_are_case_escaped() {
        assert_eq!(
            escape("github.com/BurntSushi/toml"),
            "github.com/!burnt!sushi/toml"
        );
        assert_eq!(escape("v1.0.0-RC1"), "v1.0.0-!r!c1");
        assert!(is_module_path("golang.org/x/text") && is_module_path("example.com/a/v2"));
        for bad in ["", "/x", "x//y", "x/../y", "x@v1.0.0", "-x"] {
            assert!(!is_module_path(bad), "{bad}");
        }
    }

    #[test]
    fn only_tagged_versions_are_listed() {
        for tagged in [
            "v1.2.3",
            "v1.2.3-rc.1",
            "v2.0.0+incompatible",
            "v0.1.0-alpha-1",
        ] {
            assert!(is_semver(tagged) && !is_pseudo(tagged), "{tagged}");
        }
        for pseudo in [
            "v0.0.0-20190101000000-abcdefabcdef",
            "v1.2.4-0.20190101000000-abcdefabcdef",
            "v1.2.3-pre.0.20190101000000-abcdefabcdef",
        ] {
            assert!(is_semver(pseudo) && is_pseudo(pseudo), "{pseudo}");
        }
        for junk in ["1.2.3", "v1.2", "v1.2.x", "v1.2.3-", "{\"a\":1}"] {
            assert!(!is_semver(junk), "{junk}");
        }
        let (listed, skipped) = parse_list("v1.0.0 2024-03-01T10:00:00Z\n\nlatest\nv1.1.0\n");
        assert_eq!(skipped, ["latest"]);
        assert_eq!(listed.len(), 2);
        assert_eq!(listed[0].date.as_deref(), Some("2024-03-01"));
    }

    #[test]
    fn versions_follow_semver_precedence() {
        let mut versions = [
            "v1.0.0",
            "v1.0.0-rc.10",
            "v1.0.0-rc.2",
            "v1.0.0-beta",
            "v0.9.9",
            "v1.10.0",
        ];
        versions.sort_by(|a, b| compare(a, b));
        assert_eq!(
            versions,
            [
                "v0.9.9",
                "v1.0.0-beta",
                "v1.0.0-rc.2",
                "v1.0.0-rc.10",
                "v1.0.0",
                "v1.10.0"
            ]
        );
        assert!(is_prerelease("v1.0.0-rc.1") && !is_prerelease("v2.0.0+incompatible"));
    }

    #[test]
    fn retract_directives_are_read() {
        let gomod = "module example.com/m\n\nretract v1.0.0 // oops\nretract [v1.1.0, v1.1.5]\n\
                     retract (\n\t\"v1.2.0\"\n\t[v1.3.0-rc.0, v1.3.0-rc.9] // bad RCs\n)\nretracted v9.9.9\n";
        let retracted = parse_retractions(gomod);
        assert_eq!(retracted.len(), 4);
        for out in [
            "v1.0.0",
            "v1.1.0",
            "v1.1.3",
            "v1.1.5",
            "v1.2.0",
            "v1.3.0-rc.1",
        ] {
            assert!(is_retracted(out, &retracted), "{out}");
        }
        for kept in ["v1.0.1", "v1.1.6", "v1.3.0", "v9.9.9"] {
            assert!(!is_retracted(kept, &retracted), "{kept}");
        }
    }
}
