//! Generic tracker: versions from any JSON document, selected with a small path language.
//!
//! `items` selects the list of entries: field names separated by dots, `*` for every element of
//! an array or every value of an object (`releases`, `data.*.versions`); empty or `$` is the
//! document itself. Then, inside each entry, `version` selects the version (a path, or `@key`
//! for the entry's key in an object), and `date` (optional) its date, `YYYY-MM-DD` or RFC 3339.
//! With `prerelease`, a path to a boolean marks pre-releases.
//!
//! Examples: a top-level array of `{"version": …, "date": …}` is `version = "version"`,
//! `date = "date"`; `{"versions": {"1.2": {"date": …}}}` is `items = "versions.*"`,
//! `version = "@key"`, `date = "date"`.

use rollcall_sdk::serde_json::Value;
use rollcall_sdk::version::is_prerelease;
use rollcall_sdk::{Error, Guest, PluginInfo, Release, Settings, UpstreamData};

struct JsonTracker;

impl Guest for JsonTracker {
    fn describe() -> PluginInfo {
        PluginInfo {
            name: "json".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            summary: "versions and dates from any JSON document, selected by path".into(),
            hosts: Vec::new(),
            settings: vec![
                rollcall_sdk::required_setting("url", "the document to read; its host is granted"),
                rollcall_sdk::setting(
                    "items",
                    "path to the entries: fields separated by `.`, `*` for every element",
                    Some("$"),
                ),
                rollcall_sdk::required_setting(
                    "version",
                    "path to the version inside an entry, or `@key` for the entry's key",
                ),
                rollcall_sdk::setting("date", "path to the entry's date", None),
                rollcall_sdk::setting(
                    "prerelease",
                    "path to a boolean that marks pre-releases",
                    None,
                ),
            ],
        }
    }

    fn poll(settings: Vec<(String, String)>) -> Result<UpstreamData, Error> {
        let settings = Settings::new(settings);
        let url = rollcall_sdk::http_url(&settings, "url")?;
        let doc: Value = rollcall_sdk::http::get_json(&url)?;
        let items = select(&doc, settings.get_or("items", "$"));
        let version_path = settings.require("version")?;
        let mut releases = Vec::new();
        for (key, item) in &items {
            let version = if version_path == "@key" {
                key.clone()
            } else {
                select(item, version_path)
                    .into_iter()
                    .next()
                    .and_then(|(_, v)| scalar(v))
            };
            let Some(version) = version.filter(|v| !v.is_empty()) else {
                continue;
            };
            let date = match settings.get("date") {
                Some(path) => select(item, path)
                    .into_iter()
                    .next()
                    .and_then(|(_, v)| scalar(v))
                    .map(|d| {
                        rollcall_sdk::date::iso_date(&d).map_err(|_| {
                            Error::parse(format!(
                                "`{url}`: version `{version}` has date `{d}`, not YYYY-MM-DD"
                            ))
                        })
                    })
                    .transpose()?,
                None => None,
            };
            let flagged = settings
                .get("prerelease")
                .and_then(|path| select(item, path).into_iter().next())
                .is_some_and(|(_, v)| v.as_bool() == Some(true));
            releases.push(Release {
                prerelease: flagged || is_prerelease(&version),
                version,
                date,
                line: None,
                url: None,
            });
        }
        if releases.is_empty() {
            return Err(Error::parse(format!(
                "`{url}`: `items` = `{}` with `version` = `{version_path}` selects no versions ({} entries found)",
                settings.get_or("items", "$"),
                items.len()
            )));
        }
        Ok(UpstreamData {
            releases,
            lines: Vec::new(),
            listing: rollcall_sdk::Listing::Window,
        })
    }
}

/// The values a path selects, each with its key when it came from an object's `*`.
fn select<'a>(doc: &'a Value, path: &str) -> Vec<(Option<String>, &'a Value)> {
    let path = path.trim().trim_start_matches('$').trim_start_matches('.');
    let mut current: Vec<(Option<String>, &Value)> = vec![(None, doc)];
    for segment in path.split('.').filter(|s| !s.is_empty()) {
        let mut next = Vec::new();
        for (_, value) in current {
            match (segment, value) {
                ("*", Value::Array(items)) => next.extend(items.iter().map(|v| (None, v))),
                ("*", Value::Object(map)) => {
                    next.extend(map.iter().map(|(k, v)| (Some(k.clone()), v)))
                }
                (field, Value::Object(map)) => next.extend(map.get(field).map(|v| (None, v))),
                (index, Value::Array(items)) => next.extend(
                    index
                        .parse::<usize>()
                        .ok()
                        .and_then(|i| items.get(i))
                        .map(|v| (None, v)),
                ),
                _ => {}
            }
        }
        current = next;
    }
    // A path ending at an array means its elements.
    if let [(_, Value::Array(items))] = current.as_slice() {
        return items.iter().map(|v| (None, v)).collect();
    }
    current
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

rollcall_sdk::export!(JsonTracker);
