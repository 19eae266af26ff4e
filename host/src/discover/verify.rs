//! `--verify`: ask each registry whether the proposed project exists, under which of its
//! spellings, and whether the registry's own links (homepage, source repository) match the
//! distro's homepage. A match is the strongest evidence discovery has.

use std::time::Duration;

use serde_json::Value;

use super::rules::{Confidence, Kind, Proposal};
use crate::net::{Grant, HttpClient, RequestLimits};

const LIMITS: RequestLimits = RequestLimits {
    timeout: Duration::from_secs(60),
    max_bytes: 64 << 20,
};

/// What the registry said about one proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The project exists under `id`, and its links name the distro's homepage or it has
    /// released the version the distro ships (`how` says which).
    Confirmed { id: String, how: String },
    /// The project exists under `id`; neither its links nor its versions say it is this one.
    Exists { id: String },
    /// None of the spellings exists.
    Missing { tried: Vec<String> },
    /// The registry could not be asked.
    Failed(String),
}

/// One registry answer: the project's canonical name and its links.
struct Found {
    name: String,
    links: Vec<String>,
    /// Every version the registry lists (empty when the answer does not say).
    versions: Vec<String>,
}

/// Whether the registry's `listed` is the distro's upstream `shipped` (`v1.2` and `1.2.0` too).
fn same_version(listed: &str, shipped: &str) -> bool {
    let clean = |v: &str| {
        let v = v.trim().trim_start_matches('v').to_ascii_lowercase();
        let mut v = v.as_str();
        while let Some(s) = v.strip_suffix(".0") {
            v = s;
        }
        v.to_owned()
    };
    clean(listed) == clean(shipped)
}

/// A URL reduced for comparison: no scheme, `www.`, `.git`, trailing `/`, `git+` or case.
pub fn normalise(url: &str) -> String {
    let u = url.trim().to_ascii_lowercase();
    let u = u.strip_prefix("git+").unwrap_or(&u);
    // npm's shorthands: `github:owner/repo`, `gitlab:owner/repo`.
    let expanded;
    let u = if let Some(rest) = u.strip_prefix("github:") {
        expanded = format!("github.com/{rest}");
        expanded.as_str()
    } else if let Some(rest) = u.strip_prefix("gitlab:") {
        expanded = format!("gitlab.com/{rest}");
        expanded.as_str()
    } else {
        u
    };
    let u = u.split_once("://").map_or(u, |(_, rest)| rest);
    let u = u.strip_prefix("www.").unwrap_or(u);
    let u = u.split(['#', '?']).next().unwrap_or(u);
    u.trim_end_matches('/')
        .trim_end_matches(".git")
        .trim_end_matches('/')
        .to_owned()
}

/// Whether a registry link and the distro's homepage name the same place: equal, or one is
/// the other's repository root (`github.com/o/r/issues` matches `github.com/o/r`).
pub fn links_match(link: &str, homepage: &str) -> bool {
    let (a, b) = (normalise(link), normalise(homepage));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let root = |s: &str| s.split('/').take(3).collect::<Vec<_>>().join("/");
    a == b || (a.starts_with("github.com/") || a.starts_with("gitlab.com/")) && root(&a) == root(&b)
}

/// Asks `registry` (the tracker's endpoint) about `proposal`; `homepage` and `version` (its
/// upstream part) are the distro's. Every spelling is scored: having released the shipped
/// version counts most (an old project of a similar name has not: `Jinja` against `Jinja2`),
/// then a link to the homepage; the first best one wins, and a spelling with both ends the search.
pub async fn verify(
    http: &HttpClient,
    registry: &str,
    proposal: &Proposal,
    homepage: Option<&str>,
    version: Option<&str>,
) -> Verdict {
    let mut candidates = vec![proposal.id.clone()];
    candidates.extend(proposal.alternatives.iter().cloned());
    let mut best: Option<(u8, String, String)> = None;
    let mut tried = Vec::new();
    for candidate in candidates {
        if tried.contains(&candidate) {
            continue;
        }
        tried.push(candidate.clone());
        let found = match lookup(http, registry, proposal.kind, &candidate).await {
            Ok(Some(found)) => found,
            Ok(None) => continue,
            Err(e) => return Verdict::Failed(e),
        };
        let link = homepage.and_then(|h| found.links.iter().find(|l| links_match(l, h)));
        let released = version.filter(|v| found.versions.iter().any(|l| same_version(l, v)));
        let score = u8::from(released.is_some()) * 2 + u8::from(link.is_some());
        let how = match (released, link) {
            (Some(v), Some(l)) => {
                format!("it has released {v}, and its link {l} matches the homepage")
            }
            (Some(v), None) => format!("it has released {v}"),
            (None, Some(l)) => format!("its link {l} matches the homepage"),
            (None, None) => String::new(),
        };
        if best.as_ref().is_none_or(|(b, _, _)| score > *b) {
            best = Some((score, found.name, how));
        }
        if score == 3 {
            break;
        }
    }
    match best {
        Some((0, id, _)) => Verdict::Exists { id },
        Some((_, id, how)) => Verdict::Confirmed { id, how },
        None => Verdict::Missing { tried },
    }
}

impl Verdict {
    /// The confidence a proposal has after this answer (`None`: drop it).
    pub fn confidence(&self, before: Confidence) -> Option<Confidence> {
        match self {
            Verdict::Confirmed { .. } => Some(Confidence::High),
            // A project of that name exists, but nothing says it is this one (`bleachbit` on
            // the Python index is somebody's fork): a name alone is no evidence.
            Verdict::Exists { .. } => Some(Confidence::Low),
            Verdict::Missing { .. } => None,
            Verdict::Failed(_) => Some(before),
        }
    }

    /// In words, for the watch's `discovered.verified`.
    pub fn describe(&self) -> String {
        match self {
            Verdict::Confirmed { id, how } => format!("`{id}` exists; {how}"),
            Verdict::Exists { id } => {
                format!("`{id}` exists; neither its links nor its versions match the distro's")
            }
            Verdict::Missing { tried } => {
                format!("not on the registry (tried {})", tried.join(", "))
            }
            Verdict::Failed(e) => format!("could not ask the registry: {e}"),
        }
    }
}

async fn lookup(
    http: &HttpClient,
    registry: &str,
    kind: Kind,
    id: &str,
) -> Result<Option<Found>, String> {
    let base = registry.trim_end_matches('/');
    let url = match kind {
        Kind::Pypi => format!("{base}/pypi/{id}/json"),
        Kind::Crates => {
            let lower = id.to_ascii_lowercase();
            let prefix = match lower.len() {
                1 => "1".to_owned(),
                2 => "2".to_owned(),
                3 => format!("3/{}", &lower[..1]),
                _ => format!("{}/{}", &lower[..2], &lower[2..4]),
            };
            format!("{base}/{prefix}/{lower}")
        }
        Kind::Npm => format!("{base}/{}", id.replace('/', "%2F")),
        Kind::Rubygems => format!("{base}/api/v1/gems/{id}.json"),
        Kind::Metacpan => format!("{base}/v1/release/{id}"),
        Kind::Hackage => format!("{base}/package/{id}/preferred"),
        Kind::Cran => format!("{base}/{id}"),
        Kind::Go => format!("{base}/{}/@v/list", go_escape(id)),
        Kind::Gnome => format!("{base}/sources/{id}/cache.json"),
        Kind::Github | Kind::Gitlab | Kind::Git | Kind::Gnu => return Ok(None),
    };
    if !id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@' | '/'))
    {
        return Ok(None);
    }
    let fetched = http
        .get(
            &Grant::trusted(),
            &url,
            &[("accept".into(), "application/json".into())],
            LIMITS,
        )
        .await
        .map_err(|e| format!("{url}: {e}"))?;
    match fetched.status {
        200..=299 => {}
        404 | 410 => return Ok(None),
        s => return Err(format!("{url}: HTTP {s}")),
    }
    let body = &fetched.body;
    let found = match kind {
        Kind::Crates => {
            // One JSON object per line; the name is the crate's own spelling.
            let entries: Vec<Value> = std::str::from_utf8(body)
                .unwrap_or_default()
                .lines()
                .filter_map(|l| serde_json::from_str::<Value>(l).ok())
                .collect();
            let name = entries
                .first()
                .and_then(|v| v.get("name").and_then(Value::as_str).map(str::to_owned));
            match name {
                // The index is case-insensitive and keyed on the lower-case name; `-` and `_`
                // are not interchangeable in its paths, so the answer is exactly this crate.
                Some(name) => Found {
                    name,
                    links: Vec::new(),
                    versions: entries
                        .iter()
                        .filter_map(|v| v.get("vers").and_then(Value::as_str).map(str::to_owned))
                        .collect(),
                },
                None => return Err(format!("{url}: not a crate index entry")),
            }
        }
        Kind::Go | Kind::Gnome | Kind::Cran | Kind::Hackage => Found {
            name: id.to_owned(),
            links: Vec::new(),
            versions: Vec::new(),
        },
        _ => {
            let doc: Value =
                serde_json::from_slice(body).map_err(|e| format!("{url}: not JSON: {e}"))?;
            from_document(kind, id, &doc)
        }
    };
    Ok(Some(found))
}

/// The canonical name and links of a registry's project document.
fn from_document(kind: Kind, id: &str, doc: &Value) -> Found {
    let s = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
    let mut links = Vec::new();
    let name = match kind {
        Kind::Pypi => {
            let info = doc.get("info");
            let info = info.unwrap_or(&Value::Null);
            links.extend(s(info.get("home_page")));
            links.extend(s(info.get("download_url")));
            if let Some(urls) = info.get("project_urls").and_then(Value::as_object) {
                links.extend(urls.values().filter_map(|v| v.as_str().map(str::to_owned)));
            }
            s(info.get("name"))
        }
        Kind::Npm => {
            // The links are the package's, and a registry may give them only inside each
            // version: read the top level and the `latest` version's.
            let latest = doc
                .get("dist-tags")
                .and_then(|t| t.get("latest"))
                .and_then(Value::as_str)
                .and_then(|v| doc.get("versions").and_then(|vs| vs.get(v)));
            for place in std::iter::once(doc).chain(latest) {
                links.extend(s(place.get("homepage")));
                let repo = place.get("repository");
                links.extend(s(repo).or_else(|| s(repo.and_then(|r| r.get("url")))));
                links.extend(s(place.get("bugs").and_then(|b| b.get("url"))));
            }
            s(doc.get("name"))
        }
        Kind::Rubygems => {
            for key in [
                "homepage_uri",
                "source_code_uri",
                "project_uri",
                "bug_tracker_uri",
            ] {
                links.extend(s(doc.get(key)));
            }
            s(doc.get("name"))
        }
        Kind::Metacpan => {
            if let Some(resources) = doc.get("resources") {
                links.extend(s(resources.get("homepage")));
                links.extend(s(resources.get("repository").and_then(|r| r.get("web"))));
                links.extend(s(resources.get("repository").and_then(|r| r.get("url"))));
            }
            s(doc.get("distribution"))
        }
        _ => None,
    };
    links.retain(|l| !l.trim().is_empty());
    // Pypi's `releases` and npm's `versions` are maps keyed by version; RubyGems' and
    // MetaCPAN's project documents name only the newest.
    let versions = ["releases", "versions"]
        .iter()
        .filter_map(|k| doc.get(*k).and_then(Value::as_object))
        .flat_map(|m| m.keys().cloned())
        .chain(s(doc.get("version")))
        .collect();
    Found {
        name: name.unwrap_or_else(|| id.to_owned()),
        links,
        versions,
    }
}

/// A module proxy's case escaping: `github.com/Azure/x` → `github.com/!azure/x`.
pub fn go_escape(module: &str) -> String {
    let mut out = String::with_capacity(module.len() + 4);
    for c in module.chars() {
        if c.is_ascii_uppercase() {
            out.push('!');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_compare_as_places() {
        assert!(links_match(
            "git+https://github.com/pyca/pynacl.git",
            "https://github.com/pyca/pynacl/"
        ));
        assert!(links_match(
            "https://github.com/pallets/click/issues",
            "https://github.com/pallets/click"
        ));
        assert!(links_match("http://www.pyyaml.org/", "https://pyyaml.org"));
        assert!(!links_match(
            "https://github.com/a/b",
            "https://github.com/a/c"
        ));
        assert!(!links_match("", "https://x"));
        assert!(links_match(
            "github:jsdom/abab",
            "https://github.com/jsdom/abab#readme"
        ));
    }

    #[test]
    fn versions_compare_as_releases() {
        assert!(same_version("v1.2", "1.2.0"));
        assert!(same_version("3.1.2", "3.1.2"));
        assert!(!same_version("3.1.2", "3.1.20"));
    }

    #[test]
    fn go_modules_escape_upper_case() {
        assert_eq!(
            go_escape("github.com/Azure/go-autorest"),
            "github.com/!azure/go-autorest"
        );
    }
}
