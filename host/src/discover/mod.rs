//! `rollcall discover`: watches proposed for every package of a distro, from the distro's own
//! metadata (homepage, VCS and Go import path fields) and the ecosystems' naming rules, each with
//! the rule that matched and how sure it is; `--verify` asks the registries.
//!
//! The output is a watch file a config includes (`include = ["watches/*.toml"]`): sorted and
//! free of timestamps, so the same index gives byte-identical output, and a hand-written watch
//! of the same name or package always wins over it (see [`crate::config`]).

pub mod rules;
pub mod verify;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

pub use self::rules::{Confidence, Kind, Placement, Proposal, place};
use crate::distros::ShippedPackage;
use crate::net::HttpClient;
use crate::versions::Family;

/// The tracker that reads a kind, the setting naming the registry's endpoint (registries
/// only), and the setting naming the project.
pub fn tracker_of(kind: Kind) -> (&'static str, Option<&'static str>, &'static str) {
    match kind {
        Kind::Github => ("github-tags", None, "repository"),
        Kind::Gitlab => ("gitlab-tags", None, "project"),
        Kind::Git => ("git-tags", None, "url"),
        Kind::Gnu => ("regex", None, "url"),
        Kind::Pypi => ("pypi", Some("registry"), "project"),
        Kind::Crates => ("crates", Some("registry"), "crate"),
        Kind::Npm => ("npm", Some("registry"), "package"),
        Kind::Metacpan => ("metacpan", Some("registry"), "distribution"),
        Kind::Cran => ("cran", Some("registry"), "package"),
        Kind::Hackage => ("hackage", Some("registry"), "package"),
        Kind::Rubygems => ("rubygems", Some("registry"), "gem"),
        Kind::Go => ("go-proxy", Some("registry"), "module"),
        Kind::Gnome => ("gnome", Some("registry"), "module"),
    }
}

/// Public endpoints of the registries whose trackers have one everybody uses; `[discover.registries]`
/// overrides them. The Python index, crates and npm have none here: each user's own client names
/// the one to use (a mirror, a proxy), and so must the config.
pub const DEFAULT_REGISTRIES: &[(&str, &str)] = &[
    ("metacpan", "https://fastapi.metacpan.org"),
    ("cran", "https://crandb.r-pkg.org"),
    ("hackage", "https://hackage.haskell.org"),
    ("rubygems", "https://rubygems.org"),
    ("go-proxy", "https://proxy.golang.org"),
    ("gnome", "https://download.gnome.org"),
];

/// The registries' endpoints: the defaults, then the config's.
pub fn registries(
    configured: impl IntoIterator<Item = (String, String)>,
) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = DEFAULT_REGISTRIES
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    out.extend(
        configured
            .into_iter()
            .map(|(k, v)| (k, v.trim_end_matches('/').to_owned())),
    );
    out
}

/// One discovered watch.
#[derive(Debug, Clone, Serialize)]
pub struct Found {
    /// The watch's name: the source package's, made a valid name.
    pub name: String,
    /// The source package.
    pub package: String,
    /// Its version in the distro.
    pub version: String,
    /// How many binary packages of it the index lists (1 for a `Sources` index).
    pub binaries: usize,
    /// The upstream proposed.
    pub proposal: Proposal,
    /// The tracker and its settings.
    pub tracker: &'static str,
    /// Settings, sorted by key.
    pub settings: BTreeMap<&'static str, String>,
    /// What `--verify` found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verified: Option<String>,
}

/// A package no rule placed.
#[derive(Debug, Clone, Serialize)]
pub struct Unplaced {
    /// The source package.
    pub package: String,
    /// Its version.
    pub version: String,
    /// Why.
    pub reason: String,
}

/// Everything discovered for one distro.
#[derive(Debug, Clone, Serialize)]
pub struct Discovery {
    /// The distro, as configured.
    pub distro: String,
    /// Source packages read.
    pub packages: usize,
    /// Watches proposed, by name.
    pub found: Vec<Found>,
    /// Packages not placed, by name.
    pub unplaced: Vec<Unplaced>,
}

/// The packages of a distro grouped by source: one entry per source name, the first binary's
/// fields standing for all (they share a homepage), with the count of binaries.
fn by_source(packages: &[ShippedPackage]) -> BTreeMap<&str, (&ShippedPackage, usize)> {
    let mut out: BTreeMap<&str, (&ShippedPackage, usize)> = BTreeMap::new();
    for p in packages {
        let source = p.source.as_deref().unwrap_or(&p.name);
        out.entry(source)
            .and_modify(|(first, n)| {
                *n += 1;
                if first.homepage.is_none() && p.homepage.is_some() {
                    *first = p;
                }
            })
            .or_insert((p, 1));
    }
    out
}

/// A watch name from a package name: lower case, `+` spelled `plus`, anything else not allowed
/// in a name made `-`.
pub fn watch_name(package: &str) -> String {
    let mut out = String::with_capacity(package.len());
    for c in package.chars() {
        match c {
            'a'..='z' | '0'..='9' | '-' | '_' | '.' => out.push(c),
            'A'..='Z' => out.push(c.to_ascii_lowercase()),
            '+' => out.push_str("plus"),
            _ => out.push('-'),
        }
    }
    if !out.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        out.insert(0, 'x');
    }
    out
}

/// The settings of a proposal, or why none can be written (a registry with no endpoint).
fn settings_of(
    proposal: &Proposal,
    registries: &BTreeMap<String, String>,
) -> Result<BTreeMap<&'static str, String>, String> {
    let (tracker, endpoint, key) = tracker_of(proposal.kind);
    let mut settings = BTreeMap::new();
    match proposal.kind {
        Kind::Gitlab => {
            let (host, path) = proposal
                .id
                .split_once('/')
                .unwrap_or(("gitlab.com", &proposal.id));
            settings.insert("project", path.to_owned());
            if host != "gitlab.com" {
                settings.insert("base-url", format!("https://{host}"));
            }
        }
        Kind::Git => {
            settings.insert("url", format!("{}.git", proposal.id));
        }
        Kind::Gnu => {
            settings.insert("url", format!("https://ftp.gnu.org/gnu/{}/", proposal.id));
            settings.insert(
                "pattern",
                format!(r"{}-([0-9][0-9.]*[0-9])\.tar", regex::escape(&proposal.id)),
            );
        }
        _ => {
            settings.insert(key, proposal.id.clone());
        }
    }
    if let Some(endpoint) = endpoint {
        let Some(url) = registries.get(tracker) else {
            return Err(format!(
                "its upstream is on {} (`{}`), but no endpoint is configured for it: add `{tracker} = \"URL\"` under `[discover.registries]`",
                proposal.kind.name(),
                proposal.id
            ));
        };
        settings.insert(endpoint, url.clone());
    }
    Ok(settings)
}

/// Places every package of `packages` (no network).
pub fn discover(
    distro: &str,
    packages: &[ShippedPackage],
    family: Family,
    registries: &BTreeMap<String, String>,
) -> Discovery {
    let grouped = by_source(packages);
    let mut found = Vec::new();
    let mut unplaced = Vec::new();
    for (source, (pkg, binaries)) in &grouped {
        match place(pkg, family) {
            Placement::Placed(proposal) => match settings_of(&proposal, registries) {
                Ok(settings) => found.push(Found {
                    name: watch_name(source),
                    package: (*source).to_owned(),
                    version: pkg.version.clone(),
                    binaries: *binaries,
                    tracker: tracker_of(proposal.kind).0,
                    settings,
                    proposal,
                    verified: None,
                }),
                Err(reason) => unplaced.push(Unplaced {
                    package: (*source).to_owned(),
                    version: pkg.version.clone(),
                    reason,
                }),
            },
            Placement::Unplaced(reason) => unplaced.push(Unplaced {
                package: (*source).to_owned(),
                version: pkg.version.clone(),
                reason,
            }),
        }
    }
    Discovery {
        distro: distro.to_owned(),
        packages: grouped.len(),
        found,
        unplaced,
    }
}

/// Asks the registries about every registry proposal, `parallel` at a time (the client's
/// per-host gates still apply). A proposal none of whose spellings exists becomes unplaced;
/// a registry that cannot be asked leaves the proposal as it was, saying so.
pub async fn verify_all(
    discovery: &mut Discovery,
    packages: &[ShippedPackage],
    family: Family,
    http: &HttpClient,
    registries: &BTreeMap<String, String>,
    parallel: usize,
) {
    let homepages: BTreeMap<&str, &str> = packages
        .iter()
        .filter_map(|p| {
            Some((
                p.source.as_deref().unwrap_or(&p.name),
                p.homepage.as_deref()?,
            ))
        })
        .collect();
    let semaphore = std::sync::Arc::new(tokio::sync::Semaphore::new(parallel.max(1)));
    // A registry that cannot be reached fails every proposal on it: after a few failures and no
    // answer at all, the rest are not asked (each would wait for its retries).
    let health: std::sync::Arc<std::sync::Mutex<BTreeMap<String, (u32, u32)>>> =
        std::sync::Arc::default();
    let mut tasks = tokio::task::JoinSet::new();
    for (i, f) in discovery.found.iter().enumerate() {
        let (tracker, endpoint, _) = tracker_of(f.proposal.kind);
        let Some(registry) = endpoint.and_then(|_| registries.get(tracker)).cloned() else {
            continue;
        };
        let proposal = f.proposal.clone();
        let homepage = homepages.get(f.package.as_str()).map(|h| (*h).to_owned());
        let version = crate::versions::reduce(&f.version, family).upstream;
        let http = http.clone();
        let semaphore = semaphore.clone();
        let health = health.clone();
        tasks.spawn(async move {
            let _permit = semaphore.acquire_owned().await;
            let unreachable = |h: &BTreeMap<String, (u32, u32)>| {
                h.get(&registry)
                    .is_some_and(|(ok, failed)| *ok == 0 && *failed >= 3)
            };
            if health.lock().map(|h| unreachable(&h)).unwrap_or(false) {
                return (
                    i,
                    verify::Verdict::Failed(format!(
                        "{registry} answered none of the first requests"
                    )),
                );
            }
            let verdict = verify::verify(
                &http,
                &registry,
                &proposal,
                homepage.as_deref(),
                Some(&version),
            )
            .await;
            if let Ok(mut h) = health.lock() {
                let entry = h.entry(registry.clone()).or_default();
                if matches!(verdict, verify::Verdict::Failed(_)) {
                    entry.1 += 1;
                } else {
                    entry.0 += 1;
                }
            }
            (i, verdict)
        });
    }
    let mut verdicts = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        if let Ok(v) = joined {
            verdicts.push(v);
        }
    }
    let mut drop = vec![false; discovery.found.len()];
    for (i, verdict) in verdicts {
        let f = &mut discovery.found[i];
        match verdict.confidence(f.proposal.confidence) {
            Some(c) => {
                f.proposal.confidence = c;
                if let verify::Verdict::Confirmed { id, .. } | verify::Verdict::Exists { id } =
                    &verdict
                {
                    let (_, _, key) = tracker_of(f.proposal.kind);
                    f.proposal.id = id.clone();
                    f.settings.insert(key, id.clone());
                }
                f.verified = Some(verdict.describe());
            }
            None => {
                drop[i] = true;
                discovery.unplaced.push(Unplaced {
                    package: f.package.clone(),
                    version: f.version.clone(),
                    reason: format!(
                        "{} by rule `{}`, but {}",
                        f.proposal.kind.name(),
                        f.proposal.rule,
                        verdict.describe()
                    ),
                });
            }
        }
    }
    let mut i = 0;
    discovery.found.retain(|_| {
        i += 1;
        !drop[i - 1]
    });
    discovery.unplaced.sort_by(|a, b| a.package.cmp(&b.package));
}

fn quote(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

impl Discovery {
    /// Counts of proposals by rule, by kind and by confidence, and of unplaced packages.
    pub fn counts(&self) -> Counts {
        let mut counts = Counts {
            packages: self.packages,
            placed: self.found.len(),
            unplaced: self.unplaced.len(),
            verified: self.found.iter().filter(|f| f.verified.is_some()).count(),
            ..Counts::default()
        };
        for f in &self.found {
            *counts.by_rule.entry(f.proposal.rule).or_default() += 1;
            *counts.by_kind.entry(f.proposal.kind.name()).or_default() += 1;
            *counts
                .by_confidence
                .entry(f.proposal.confidence.name())
                .or_default() += 1;
        }
        counts
    }

    /// The watch file: one `[[watch]]` per proposal, sorted by name, then the unplaced packages
    /// as comments. No timestamp: the same input gives the same bytes.
    pub fn to_toml(&self) -> String {
        let c = self.counts();
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# Watches discovered by `rollcall discover {}`: {} of {} source packages placed.\n\
             # Review them, then include this file from the config: include = [\"watches/*.toml\"].\n\
             # A hand-written watch of the same name or package always wins over one of these.\n",
            self.distro, c.placed, c.packages
        );
        for f in &self.found {
            let _ = writeln!(out, "[[watch]]");
            let _ = writeln!(out, "name = {}", quote(&f.name));
            let _ = writeln!(out, "tracker = {}", quote(f.tracker));
            let scheme = f.proposal.kind.scheme();
            if scheme != crate::versions::Scheme::Generic {
                let _ = writeln!(out, "scheme = {}", quote(scheme.name()));
            }
            let settings: Vec<String> = f
                .settings
                .iter()
                .map(|(k, v)| format!("{k} = {}", quote(v)))
                .collect();
            let _ = writeln!(out, "settings = {{ {} }}", settings.join(", "));
            let _ = writeln!(
                out,
                "packages = {{ {} = {} }}",
                self.distro,
                quote(&f.package)
            );
            let mut discovered = vec![
                format!("rule = {}", quote(f.proposal.rule)),
                format!("evidence = {}", quote(&f.proposal.evidence)),
                format!("confidence = {}", quote(f.proposal.confidence.name())),
            ];
            if let Some(v) = &f.verified {
                discovered.push(format!("verified = {}", quote(v)));
            }
            let _ = writeln!(out, "discovered = {{ {} }}\n", discovered.join(", "));
        }
        if !self.unplaced.is_empty() {
            let _ = writeln!(out, "# Not placed ({}):", self.unplaced.len());
            for u in &self.unplaced {
                let _ = writeln!(out, "#   {} {}: {}", u.package, u.version, u.reason);
            }
        }
        out
    }

    /// Aligned columns: every proposal, then the counts.
    pub fn to_table(&self) -> String {
        let mut out = String::new();
        let w = self
            .found
            .iter()
            .map(|f| f.package.len())
            .max()
            .unwrap_or(7)
            .max(7);
        let k = 8;
        let _ = writeln!(
            out,
            "{:w$}  {:k$}  {:10}  {:24}  UPSTREAM",
            "PACKAGE", "KIND", "CONFIDENCE", "RULE"
        );
        for f in &self.found {
            let _ = writeln!(
                out,
                "{:w$}  {:k$}  {:10}  {:24}  {}",
                f.package,
                f.proposal.kind.name(),
                f.proposal.confidence.name(),
                f.proposal.rule,
                f.proposal.id
            );
        }
        let c = self.counts();
        let _ = writeln!(
            out,
            "\n{} of {} source packages placed, {} not placed",
            c.placed, c.packages, c.unplaced
        );
        for (rule, n) in &c.by_rule {
            let _ = writeln!(out, "  {n:>6}  {rule}");
        }
        out
    }
}

/// Counts of a discovery.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Counts {
    /// Source packages read.
    pub packages: usize,
    /// Placed.
    pub placed: usize,
    /// Not placed.
    pub unplaced: usize,
    /// Placed and asked about at the registry.
    pub verified: usize,
    /// By rule.
    pub by_rule: BTreeMap<&'static str, usize>,
    /// By kind of upstream.
    pub by_kind: BTreeMap<&'static str, usize>,
    /// By confidence.
    pub by_confidence: BTreeMap<&'static str, usize>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rpm(name: &str, source: &str, url: Option<&str>) -> ShippedPackage {
        ShippedPackage {
            name: name.into(),
            version: "1.0-150600.1.1".into(),
            source: Some(source.into()),
            arch: Some("x86_64".into()),
            homepage: url.map(Into::into),
            ..ShippedPackage::default()
        }
    }

    /// openSUSE's names, and several binaries of one source as one watch.
    #[test]
    fn an_rpm_md_distro_is_placed_by_source() {
        let packages = [
            rpm(
                "python311-requests",
                "python-requests",
                Some("https://requests.readthedocs.io"),
            ),
            rpm("python312-requests", "python-requests", None),
            rpm("perl-Moose", "perl-Moose", None),
            rpm("ruby3.4-rubygem-rack", "rubygem-rack", None),
            rpm(
                "podman",
                "podman",
                Some("https://github.com/containers/podman"),
            ),
            rpm(
                "podman-remote",
                "podman",
                Some("https://github.com/containers/podman"),
            ),
            rpm(
                "aaa_base",
                "aaa_base",
                Some("https://github.com/openSUSE/aaa_base"),
            ),
            rpm("filesystem", "filesystem", None),
        ];
        let registries = registries([("pypi".to_owned(), "http://py.invalid/".to_owned())]);
        let d = discover("tw", &packages, Family::Rpm, &registries);
        let by: BTreeMap<&str, &Found> = d.found.iter().map(|f| (f.package.as_str(), f)).collect();
        assert_eq!(d.packages, 6, "eight binaries of six sources");
        let requests = by["python-requests"];
        assert_eq!((requests.tracker, requests.binaries), ("pypi", 2));
        assert_eq!(requests.settings["project"], "requests");
        assert_eq!(
            requests.settings["registry"], "http://py.invalid",
            "no trailing slash"
        );
        assert_eq!(by["perl-Moose"].settings["distribution"], "Moose");
        assert_eq!(by["rubygem-rack"].settings["gem"], "rack");
        assert_eq!(by["podman"].settings["repository"], "containers/podman");
        assert_eq!(by["podman"].binaries, 2);
        assert!(by.contains_key("aaa_base"));
        assert_eq!(d.unplaced.len(), 1);
        assert_eq!(d.unplaced[0].package, "filesystem");
        // Names become valid watch names.
        assert_eq!(watch_name("libxml++2.6"), "libxmlplusplus2.6");
        assert_eq!(watch_name("_private"), "x_private");
    }
}
