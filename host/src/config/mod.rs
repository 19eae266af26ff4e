//! `rollcall.toml`: watches, distros and plugins.
//!
//! Parsing is strict (`deny_unknown_fields`, typed values) so serde and toml report the line and
//! column of every mistake; checks that need more than one value (a watch naming an unknown
//! tracker or distro) keep the span of what they check, and report through [`ConfigError`] in
//! the same shape. See `docs/config.md` for the reference.

mod error;
pub mod presets;
mod values;

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

pub use self::error::ConfigError;
pub use self::values::{Name, PackageNames, SettingValue};
use crate::model::Role;
use crate::policy::PolicyConfig;
use crate::runtime::{Limits, MAX_MEMORY_BYTES};
use crate::upstream::{Filters, Pattern, Rewrite};
use crate::versions::{Family, LineRule, Scheme};

/// The config used when no file is given or found.
pub const DEFAULT_CONFIG: &str = include_str!("../default.toml");

/// Where a config came from, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A file on disk.
    File(PathBuf),
    /// The config built into the binary.
    Embedded,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::File(path) => write!(f, "{}", path.display()),
            Origin::Embedded => f.write_str("<embedded default config>"),
        }
    }
}

/// A parsed config, with its text kept for error positions.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where it came from.
    pub origin: Origin,
    source: Arc<str>,
    /// The watches, in file order.
    pub watches: Vec<Watch>,
    /// The distros, by name.
    pub distros: BTreeMap<String, Distro>,
    /// Plugin limits and third-party plugins, by name.
    pub plugins: BTreeMap<String, PluginConfig>,
    /// The policy defaults (`[policy]`).
    pub policy: PolicyConfig,
    /// How upstreams are treated (`[network]`).
    pub network: NetworkConfig,
    /// What the store keeps (`[store]`).
    pub store: StoreConfig,
    /// How the daemon reads schedules (`[daemon]`).
    pub daemon: DaemonConfig,
    /// What `rollcall discover` proposes (`[discover]`).
    pub discover: DiscoverConfig,
    /// The files `include` named, with their text (a watch's `file` indexes this, from 1).
    pub included: Vec<(Origin, Arc<str>)>,
    /// Discovered watches left out because a hand-written one covers the same name or package.
    pub shadowed: Vec<String>,
}

/// `[daemon]`: how `rollcall daemon` reads the watches' schedules.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct DaemonConfig {
    /// The time zone schedules are read in: the machine's own unless this names one.
    pub timezone: crate::schedule::Zone,
    /// Spread each schedule's polls over its interval (each watch at a stable offset after
    /// every scheduled time) instead of polling all at the scheduled time.
    pub spread: bool,
}

impl Default for DaemonConfig {
    fn default() -> Self {
        Self {
            timezone: crate::schedule::Zone::default(),
            spread: true,
        }
    }
}

/// `[network]`: retries, politeness and rate limits, for every upstream.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct NetworkConfig {
    /// Retries after a connection error, a broken body or a 5xx.
    pub retries: u32,
    /// First back-off delay, milliseconds (doubled each retry, with jitter).
    pub backoff_ms: u64,
    /// Requests in flight per host.
    pub per_host: usize,
    /// Least time between two requests to one host, milliseconds.
    pub politeness_ms: u64,
    /// Longest `Retry-After` a run waits for, seconds.
    pub max_retry_wait_secs: u64,
}

impl Default for NetworkConfig {
    fn default() -> Self {
        let d = crate::net::NetPolicy::default();
        Self {
            retries: d.retries,
            backoff_ms: d.backoff.as_millis() as u64,
            per_host: d.per_host,
            politeness_ms: d.politeness.as_millis() as u64,
            max_retry_wait_secs: d.max_wait.as_secs(),
        }
    }
}

impl NetworkConfig {
    /// The client policy.
    pub fn policy(&self) -> crate::net::NetPolicy {
        crate::net::NetPolicy {
            retries: self.retries.min(10),
            backoff: std::time::Duration::from_millis(self.backoff_ms),
            per_host: self.per_host.max(1),
            politeness: std::time::Duration::from_millis(self.politeness_ms),
            max_wait: std::time::Duration::from_secs(self.max_retry_wait_secs),
        }
    }
}

/// `[store]`: how long runs are kept.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct StoreConfig {
    /// Runs older than this many days are pruned (with the verdicts only they gave, and cached
    /// responses not asked for since; first-seen dates of releases and shipped versions are
    /// kept). 0: no bound in days.
    pub retention_days: u32,
    /// At most this many runs are kept, the newest. 0: no bound in runs.
    pub keep_runs: u32,
}

impl Default for StoreConfig {
    fn default() -> Self {
        Self {
            retention_days: 90,
            keep_runs: 0,
        }
    }
}

impl StoreConfig {
    /// The store's retention.
    pub fn retention(&self) -> crate::store::Retention {
        crate::store::Retention {
            days: self.retention_days,
            runs: self.keep_runs,
        }
    }
}

/// One `[[watch]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Watch {
    /// Unique name, kebab-case.
    pub name: Spanned<Name>,
    /// The tracker that reads the upstream.
    pub tracker: Spanned<String>,
    /// Settings passed to the tracker.
    #[serde(default)]
    pub settings: BTreeMap<Spanned<String>, SettingValue>,
    /// Package names per distro.
    #[serde(default)]
    pub packages: BTreeMap<Spanned<String>, PackageNames>,
    /// How versions are ordered.
    #[serde(default)]
    pub scheme: Scheme,
    /// Count pre-releases as newer versions.
    #[serde(default)]
    pub prereleases: bool,
    /// How versions are placed in lines when the tracker does not say: `major.minor`
    /// (default), `major`, or a regular expression with one capture group.
    #[serde(default)]
    pub line: LineRule,
    /// Policy for this watch, over the distro's and the defaults.
    #[serde(default)]
    pub policy: PolicyConfig,
    /// Policy plugins that judge this watch's verdicts (built-in, or `[plugins.NAME]` files).
    #[serde(default)]
    pub policies: Vec<Spanned<String>>,
    /// A second tracker for release lines and support dates (`endoflife`, say), merged with
    /// the releases of `tracker`.
    #[serde(default)]
    pub support: Option<SupportSource>,
    /// Keep only versions (as the tracker wrote them) matching this regular expression.
    #[serde(default)]
    pub include: Option<Pattern>,
    /// Drop versions (as the tracker wrote them) matching this regular expression.
    #[serde(default)]
    pub exclude: Option<Pattern>,
    /// Keep only tags starting with this, and remove it (`glibc-`, `Uyuni-`, `react@`).
    #[serde(default)]
    pub tag_prefix: Option<String>,
    /// A regular-expression replacement applied after the prefix is removed.
    #[serde(default)]
    pub rewrite: Option<Rewrite>,
    /// When `rollcall daemon` polls this watch (cron; default every six hours).
    #[serde(default)]
    pub schedule: Option<crate::schedule::Schedule>,
    /// Set by `rollcall discover`: the evidence this watch was proposed on. A watch without it
    /// is hand-written, and a hand-written watch of the same name or package always wins.
    #[serde(default)]
    pub discovered: Option<Discovered>,
    /// The file this watch was read from: 0 the config itself, `i` its `i`th included file.
    #[serde(skip)]
    pub file: usize,
}

/// A discovered watch's `discovered` table: why `rollcall discover` proposed it.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Discovered {
    /// The rule that placed the package (`homepage: github.com`, `name: rust-*`).
    pub rule: String,
    /// The field or name it matched, as the index wrote it.
    pub evidence: String,
    /// `high`, `medium` or `low`.
    pub confidence: String,
    /// What `--verify` found at the registry, when it was asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified: Option<String>,
}

/// `[discover]`: the registries `rollcall discover` proposes watches on, by tracker name.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct DiscoverConfig {
    /// Base URL per registry tracker (`pypi`, `crates`, `npm`, `metacpan`, `cran`, `hackage`,
    /// `rubygems`, `go-proxy`, `gnome`): the value of that tracker's endpoint setting.
    #[serde(default)]
    pub registries: BTreeMap<String, Spanned<String>>,
}

/// A watch's `support` table: the tracker that gives release lines and support dates.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SupportSource {
    /// The tracker.
    pub tracker: Spanned<String>,
    /// Its settings.
    #[serde(default)]
    pub settings: BTreeMap<Spanned<String>, SettingValue>,
}

/// One tracker a watch polls: its `tracker` (the releases source) or its `support` source.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// What it is polled for.
    pub role: Role,
    /// The tracker's name, with its position.
    pub tracker: &'a Spanned<String>,
    /// Its settings.
    pub settings: &'a BTreeMap<Spanned<String>, SettingValue>,
}

impl Watch {
    /// The trackers this watch polls: its releases source, then its support source if any.
    pub fn sources(&self) -> Vec<Source<'_>> {
        let mut out = vec![Source {
            role: Role::Releases,
            tracker: &self.tracker,
            settings: &self.settings,
        }];
        if let Some(support) = &self.support {
            out.push(Source {
                role: Role::Support,
                tracker: &support.tracker,
                settings: &support.settings,
            });
        }
        out
    }

    /// The filters applied to what the releases source returns.
    pub fn filters(&self) -> Filters<'_> {
        Filters {
            include: self.include.as_ref(),
            exclude: self.exclude.as_ref(),
            tag_prefix: self.tag_prefix.as_deref(),
            rewrite: self.rewrite.as_ref(),
        }
    }
}

/// The kinds of distro source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DistroKind {
    /// Versions written in the config.
    Static,
    /// rpm-md repositories (`repodata/repomd.xml` → `primary.xml`): openSUSE, SLE, Fedora.
    RpmMd,
    /// A Debian-style archive (`dists/SUITE/InRelease` → `Sources` or `Packages`).
    Deb,
    /// The local package database (`dpkg-query` or `rpm -qa`): what this machine has installed.
    Installed,
    /// A container registry (OCI distribution API v2): the tags of the listed images.
    Oci,
    /// An Open Build Service project: its source packages and their spec versions.
    Obs,
    /// A Flatpak remote's AppStream catalogue (Flathub's `appstream.xml.gz`): application id →
    /// the newest release it lists.
    Flathub,
}

impl DistroKind {
    /// The word in the config (`kind = "rpm-md"`).
    pub fn as_str(self) -> &'static str {
        match self {
            DistroKind::Static => "static",
            DistroKind::RpmMd => "rpm-md",
            DistroKind::Deb => "deb",
            DistroKind::Installed => "installed",
            DistroKind::Oci => "oci",
            DistroKind::Obs => "obs",
            DistroKind::Flathub => "flathub",
        }
    }
}

/// Which Debian index a `deb` distro reads.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DebIndex {
    /// `SUITE/COMPONENT/source/Sources`: source packages (the default; what upstreams release).
    #[default]
    Sources,
    /// `SUITE/COMPONENT/binary-ARCH/Packages`: binary packages.
    Packages,
}

/// One `[distros.NAME]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Distro {
    /// Where the versions come from; a preset may give it.
    #[serde(default)]
    pub kind: Option<DistroKind>,
    /// A preset (`tumbleweed`, `leap-15.6`, `debian-stable`, …) that fills the other keys.
    #[serde(default)]
    pub preset: Option<Spanned<String>>,
    /// A human name (`openSUSE Leap 15.6`).
    #[serde(default)]
    pub title: Option<String>,
    /// How the distro writes versions: `rpm` (the default) or `deb`.
    #[serde(default)]
    pub family: Option<Family>,
    /// Policy for this distro, over the defaults.
    #[serde(default)]
    pub policy: PolicyConfig,
    /// For `static`: package name → version, as the distro writes it.
    #[serde(default)]
    pub packages: BTreeMap<String, String>,
    /// For `rpm-md`: the repositories' base URLs (the directories holding `repodata/`).
    #[serde(default)]
    pub urls: Vec<Spanned<String>>,
    /// For `deb`: the archive's base URL (the directory holding `dists/`); for `flathub`, the
    /// AppStream catalogue's URL.
    #[serde(default)]
    pub url: Option<Spanned<String>>,
    /// For `deb`: suites, merged in order (`["bookworm", "bookworm-updates"]`).
    #[serde(default)]
    pub suites: Vec<String>,
    /// For `deb`: components (default `["main"]`).
    #[serde(default)]
    pub components: Vec<String>,
    /// For `deb`: `sources` (default) or `packages`.
    #[serde(default)]
    pub index: DebIndex,
    /// For `deb` with `index = "packages"`: the architecture (default `amd64`).
    #[serde(default)]
    pub arch: Option<String>,
    /// For `installed`: `dpkg` or `rpm` (default: whichever this machine has).
    #[serde(default)]
    pub tool: Option<Tool>,
    /// For `oci`: the registry's base URL.
    #[serde(default)]
    pub registry: Option<Spanned<String>>,
    /// For `oci`: the images whose tags count as shipped (`library/podman`, `opensuse/tumbleweed`).
    #[serde(default)]
    pub images: Vec<String>,
    /// For `obs`: the API's base URL (`https://api.opensuse.org`).
    #[serde(default)]
    pub api: Option<Spanned<String>>,
    /// For `obs`: the project (`openSUSE:Factory`).
    #[serde(default)]
    pub project: Option<String>,
    /// For `obs`: the user name for basic auth.
    #[serde(default)]
    pub user: Option<String>,
    /// For `obs`: the environment variable holding the password (default
    /// `ROLLCALL_OBS_PASSWORD`).
    #[serde(default)]
    pub password_env: Option<String>,
}

impl Distro {
    /// How the distro writes versions: as configured, else `deb` for a `deb` archive and `rpm`
    /// otherwise.
    pub fn family(&self) -> Family {
        self.family.unwrap_or(match self.kind {
            Some(DistroKind::Deb) => Family::Deb,
            Some(DistroKind::Installed) => match self.tool.or_else(Tool::detect) {
                Some(Tool::Dpkg) => Family::Deb,
                _ => Family::Rpm,
            },
            _ => Family::Rpm,
        })
    }
}

/// One `[plugins.NAME]`: limits for any plugin, and the file and grants of a third-party one.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PluginConfig {
    /// A third-party tracker: its `.wasm` file, relative to the config file.
    #[serde(default)]
    pub path: Option<Spanned<PathBuf>>,
    /// The SHA-256 of that file, hex: a third-party plugin runs only when its bytes match.
    #[serde(default)]
    pub sha256: Option<Spanned<String>>,
    /// Hosts a third-party tracker may reach (it must also declare them).
    #[serde(default)]
    pub allow_hosts: Vec<Spanned<String>>,
    /// Whether a third-party tracker's `github` calls carry the user's `GITHUB_TOKEN` (built-in
    /// trackers always do; others call GitHub anonymously unless this says `true`).
    #[serde(default)]
    pub github_token: bool,
    /// Memory cap of the whole store (every memory and table), MiB.
    #[serde(default)]
    pub memory_mib: Option<Spanned<u32>>,
    /// Wall time of a poll, seconds.
    #[serde(default)]
    pub timeout_secs: Option<Spanned<u32>>,
    /// Wall time of one HTTP request, seconds.
    #[serde(default)]
    pub request_timeout_secs: Option<Spanned<u32>>,
    /// Requests per poll.
    #[serde(default)]
    pub max_http_calls: Option<u32>,
    /// `text.regex-find-all` calls per poll.
    #[serde(default)]
    pub max_regex_calls: Option<u32>,
    /// Largest response body, MiB.
    #[serde(default)]
    pub max_response_mib: Option<Spanned<u32>>,
    /// Largest returned data, MiB.
    #[serde(default)]
    pub max_output_mib: Option<Spanned<u32>>,
    /// Settings passed to a policy plugin.
    #[serde(default)]
    pub settings: BTreeMap<String, SettingValue>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    /// Files of more watches, relative to the config: paths or globs (`watches/*.toml`).
    #[serde(default)]
    include: Vec<Spanned<String>>,
    #[serde(default)]
    discover: DiscoverConfig,
    #[serde(default)]
    policy: PolicyConfig,
    #[serde(default)]
    watch: Vec<Watch>,
    #[serde(default)]
    distros: BTreeMap<Spanned<Name>, Distro>,
    #[serde(default)]
    plugins: BTreeMap<Spanned<Name>, PluginConfig>,
    #[serde(default)]
    network: NetworkConfig,
    #[serde(default)]
    store: StoreConfig,
    #[serde(default)]
    daemon: DaemonConfig,
}

impl Config {
    /// Parses `source`; `origin` names it in errors.
    pub fn parse(source: &str, origin: Origin) -> Result<Self, ConfigError> {
        let source: Arc<str> = Arc::from(source);
        let raw: RawConfig =
            toml::from_str(&source).map_err(|e| ConfigError::from_toml(&origin, &source, &e))?;
        let mut distros = BTreeMap::new();
        for (name, mut distro) in raw.distros {
            if let Some(preset) = &distro.preset {
                let Some(found) = presets::find(preset.get_ref()) else {
                    return Err(ConfigError::at(
                        &origin,
                        &source,
                        preset.span(),
                        format!("unknown preset `{}`", preset.get_ref()),
                        Some(format!("presets: {}", presets::names())),
                    ));
                };
                presets::apply(&mut distro, found);
            }
            distros.insert(name.into_inner().into_string(), distro);
        }
        let (watches, included, shadowed) =
            Self::read_includes(&origin, &source, &raw.include, raw.watch)?;
        let config = Self {
            origin,
            source,
            watches,
            distros,
            plugins: raw
                .plugins
                .into_iter()
                .map(|(k, v)| (k.into_inner().into_string(), v))
                .collect(),
            policy: raw.policy,
            network: raw.network,
            store: raw.store,
            daemon: raw.daemon,
            discover: raw.discover,
            included,
            shadowed,
        };
        config.check()?;
        Ok(config)
    }

    /// Reads the files `include` names and merges their watches with `own`: a hand-written
    /// watch (one without `discovered`) wins over a discovered one of the same name or mapping
    /// any of the same packages.
    #[allow(clippy::type_complexity)]
    fn read_includes(
        origin: &Origin,
        source: &Arc<str>,
        patterns: &[Spanned<String>],
        own: Vec<Watch>,
    ) -> Result<(Vec<Watch>, Vec<(Origin, Arc<str>)>, Vec<String>), ConfigError> {
        if patterns.is_empty() {
            return Ok((own, Vec::new(), Vec::new()));
        }
        let base = match origin {
            Origin::File(path) => path
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| PathBuf::from(".")),
            Origin::Embedded => PathBuf::from("."),
        };
        let mut files: Vec<PathBuf> = Vec::new();
        for pattern in patterns {
            let text = pattern.get_ref();
            let full = base.join(text);
            let is_glob = text.contains(['*', '?', '[']);
            let fail = |message: String, help: &str| {
                ConfigError::at(
                    origin,
                    source,
                    pattern.span(),
                    message,
                    Some(help.to_owned()),
                )
            };
            let matched: Vec<PathBuf> = if is_glob {
                let entries = glob::glob(&full.to_string_lossy()).map_err(|e| {
                    fail(
                        format!("`include` pattern `{text}` is not a valid glob: {e}"),
                        "write a path or a glob such as `watches/*.toml`",
                    )
                })?;
                let mut found: Vec<PathBuf> = entries.filter_map(Result::ok).collect();
                found.sort();
                found
            } else if full.is_file() {
                vec![full]
            } else {
                return Err(fail(
                    format!("`include` names `{}`, which is not a file", full.display()),
                    "fix the path (relative to this config), or write `rollcall discover DISTRO --output FILE` first",
                ));
            };
            for path in matched {
                if !files.contains(&path) {
                    files.push(path);
                }
            }
        }
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Included {
            #[serde(default)]
            watch: Vec<Watch>,
        }
        let mut included = Vec::new();
        let mut theirs = Vec::new();
        for path in files {
            let text = std::fs::read_to_string(&path).map_err(|e| ConfigError::Io {
                path: path.clone(),
                message: e.to_string(),
            })?;
            let file_origin = Origin::File(path);
            let parsed: Included = toml::from_str(&text)
                .map_err(|e| ConfigError::from_toml(&file_origin, &text, &e))?;
            included.push((file_origin, Arc::from(text)));
            let index = included.len();
            theirs.extend(parsed.watch.into_iter().map(|mut w| {
                w.file = index;
                w
            }));
        }
        let mut watches = own;
        watches.extend(theirs);
        // What hand-written watches cover: names and (distro, package) pairs.
        let mut names = std::collections::BTreeSet::new();
        let mut pairs = std::collections::BTreeSet::new();
        for w in watches.iter().filter(|w| w.discovered.is_none()) {
            names.insert(w.name.get_ref().as_str().to_owned());
            for (distro, packages) in &w.packages {
                for p in &packages.0 {
                    pairs.insert((distro.get_ref().clone(), p.to_owned()));
                }
            }
        }
        let mut shadowed = Vec::new();
        watches.retain(|w| {
            if w.discovered.is_none() {
                return true;
            }
            let covered = names.contains(w.name.get_ref().as_str())
                || w.packages.iter().any(|(distro, packages)| {
                    packages
                        .0
                        .iter()
                        .any(|p| pairs.contains(&(distro.get_ref().clone(), p.to_owned())))
                });
            if covered {
                shadowed.push(w.name.get_ref().as_str().to_owned());
            }
            !covered
        });
        Ok((watches, included, shadowed))
    }

    /// The file `watch` was read from, and its text.
    pub fn source_of(&self, watch: &Watch) -> (&Origin, &str) {
        match watch.file.checked_sub(1).and_then(|i| self.included.get(i)) {
            Some((origin, text)) => (origin, text),
            None => (&self.origin, &self.source),
        }
    }

    /// An error pointing at `span` of the file `watch` was read from.
    pub fn watch_error(
        &self,
        watch: &Watch,
        span: Range<usize>,
        message: String,
        help: Option<String>,
    ) -> ConfigError {
        let (origin, source) = self.source_of(watch);
        ConfigError::at(origin, source, span, message, help)
    }

    /// Reads and parses a file.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Io {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
        Self::parse(&text, Origin::File(path.to_owned()))
    }

    /// `explicit` if given; else `./rollcall.toml`, else `$XDG_CONFIG_HOME/rollcall/rollcall.toml`
    /// (or `~/.config/…`), else the embedded default.
    pub fn discover(explicit: Option<&Path>) -> Result<Self, ConfigError> {
        if let Some(path) = explicit {
            return Self::load(path);
        }
        let user = std::env::var_os("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
            .map(|dir| dir.join("rollcall").join("rollcall.toml"));
        let candidates = std::iter::once(PathBuf::from("rollcall.toml")).chain(user);
        for path in candidates {
            if path.is_file() {
                return Self::load(&path);
            }
        }
        Self::parse(DEFAULT_CONFIG, Origin::Embedded)
    }

    /// An error pointing at `span` of this config.
    pub fn error_at(
        &self,
        span: Range<usize>,
        message: String,
        help: Option<String>,
    ) -> ConfigError {
        ConfigError::at(&self.origin, &self.source, span, message, help)
    }

    /// The directory relative paths are resolved against.
    pub fn base_dir(&self) -> PathBuf {
        match &self.origin {
            Origin::File(path) => path
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| PathBuf::from(".")),
            Origin::Embedded => PathBuf::from("."),
        }
    }

    /// The limits of plugin `name`: defaults, overridden by `[plugins.NAME]`.
    pub fn limits(&self, name: &str) -> Limits {
        let mut limits = Limits::default();
        let Some(p) = self.plugins.get(name) else {
            return limits;
        };
        let mib = |v: &Spanned<u32>| (*v.get_ref() as usize) << 20;
        if let Some(v) = &p.memory_mib {
            limits.memory_bytes = mib(v);
        }
        if let Some(v) = &p.timeout_secs {
            limits.timeout = std::time::Duration::from_secs((*v.get_ref()).into());
        }
        if let Some(v) = &p.request_timeout_secs {
            limits.request_timeout = std::time::Duration::from_secs((*v.get_ref()).into());
        }
        if let Some(v) = p.max_http_calls {
            limits.max_http_calls = v;
        }
        if let Some(v) = p.max_regex_calls {
            limits.max_regex_calls = v;
        }
        if let Some(v) = &p.max_response_mib {
            limits.max_response_bytes = mib(v) as u64;
        }
        if let Some(v) = &p.max_output_mib {
            limits.max_output_bytes = mib(v) as u64;
        }
        limits
    }

    /// The policy for `watch` in `distro`: defaults, `[policy]`, the distro's, the watch's.
    pub fn policy_for(&self, watch: &Watch, distro: &str) -> crate::policy::Policy {
        let distro_layer = self.distros.get(distro).map(|d| &d.policy);
        crate::policy::Policy::layered(
            std::iter::once(&self.policy)
                .chain(distro_layer)
                .chain(std::iter::once(&watch.policy)),
        )
    }

    /// The largest memory cap of any plugin.
    pub fn max_memory_bytes(&self) -> usize {
        self.plugins
            .keys()
            .map(|name| self.limits(name).memory_bytes)
            .chain([Limits::default().memory_bytes])
            .max()
            .unwrap_or(MAX_MEMORY_BYTES)
    }

    /// Checks that need the whole file: unique watch names, known distros, sane limits.
    fn check(&self) -> Result<(), ConfigError> {
        let mut seen: BTreeMap<&str, Range<usize>> = BTreeMap::new();
        for watch in &self.watches {
            let name = watch.name.get_ref().as_str();
            if seen.insert(name, watch.name.span()).is_some() {
                return Err(self.watch_error(
                    watch,
                    watch.name.span(),
                    format!("a second watch is called `{name}`"),
                    Some("give every watch a unique name".into()),
                ));
            }
            for distro in watch.packages.keys() {
                if !self.distros.contains_key(distro.get_ref()) {
                    let known = join_names(self.distros.keys());
                    return Err(self.watch_error(
                        watch,
                        distro.span(),
                        format!("watch `{name}` maps packages for distro `{}`, which is not configured", distro.get_ref()),
                        Some(format!("configured distros: {known}; add a `[distros.{}]` table or fix the name", distro.get_ref())),
                    ));
                }
            }
        }
        for (name, distro) in &self.distros {
            self.check_distro(name, distro)?;
        }
        const REGISTRIES: [&str; 9] = [
            "pypi", "crates", "npm", "metacpan", "cran", "hackage", "rubygems", "go-proxy", "gnome",
        ];
        for (key, url) in &self.discover.registries {
            if !REGISTRIES.contains(&key.as_str()) {
                return Err(self.error_at(
                    url.span(),
                    format!("`[discover.registries]` has `{key}`, which is not a registry tracker"),
                    Some(format!("registry trackers: {}", REGISTRIES.join(", "))),
                ));
            }
            if !(url.get_ref().starts_with("http://") || url.get_ref().starts_with("https://")) {
                return Err(self.error_at(
                    url.span(),
                    format!("`[discover.registries] {key}` = \"{}\" is not an http(s) URL", url.get_ref()),
                    Some("write the registry's base URL, as its tracker's `registry` setting takes it".into()),
                ));
            }
        }
        self.check_ranges()?;
        for plugin in self.plugins.values() {
            if let Some(pin) = &plugin.sha256 {
                let hex = pin.get_ref();
                if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(self.error_at(
                        pin.span(),
                        format!("`sha256` = \"{hex}\" is not a SHA-256 (64 hexadecimal digits)"),
                        Some("write the output of `sha256sum FILE.wasm` (the first column)".into()),
                    ));
                }
            }
            let limits = [
                (
                    &plugin.memory_mib,
                    1,
                    (MAX_MEMORY_BYTES >> 20) as u32,
                    "memory-mib",
                ),
                (&plugin.timeout_secs, 1, 3600, "timeout-secs"),
                (
                    &plugin.request_timeout_secs,
                    1,
                    3600,
                    "request-timeout-secs",
                ),
                (&plugin.max_response_mib, 1, 1024, "max-response-mib"),
                (&plugin.max_output_mib, 1, 1024, "max-output-mib"),
            ];
            for (value, min, max, key) in limits {
                if let Some(v) = value
                    && !(min..=max).contains(v.get_ref())
                {
                    return Err(self.error_at(
                        v.span(),
                        format!("`{key}` = {} is out of range", v.get_ref()),
                        Some(format!("use a value from {min} to {max}")),
                    ));
                }
            }
        }
        Ok(())
    }
}

impl Config {
    /// Durations of `[network]` and `[store]`: bounded, so that no clock arithmetic on them can
    /// overflow (`u64::MAX` milliseconds between two requests, runs kept for a billion days).
    fn check_ranges(&self) -> Result<(), ConfigError> {
        let max_pause = crate::net::gate::MAX_PAUSE.as_secs();
        let n = &self.network;
        let ranges = [
            ("network", "backoff-ms", n.backoff_ms, 30_000, "30 s"),
            (
                "network",
                "politeness-ms",
                n.politeness_ms,
                max_pause * 1000,
                "an hour",
            ),
            (
                "network",
                "max-retry-wait-secs",
                n.max_retry_wait_secs,
                max_pause,
                "an hour",
            ),
            (
                "store",
                "retention-days",
                u64::from(self.store.retention_days),
                36_500,
                "a century",
            ),
            (
                "store",
                "keep-runs",
                u64::from(self.store.keep_runs),
                1_000_000,
                "a million runs",
            ),
        ];
        for (table, key, value, max, what) in ranges {
            if value > max {
                return Err(self.error_at(
                    self.find_key(table, key),
                    format!("`{key}` = {value} is out of range"),
                    Some(format!("use a value from 0 to {max} ({what})")),
                ));
            }
        }
        Ok(())
    }

    /// Each kind of distro needs its own keys.
    fn check_distro(&self, name: &str, distro: &Distro) -> Result<(), ConfigError> {
        let table = self.find_table(&format!("distros.{name}"));
        let url_ok = |raw: &Spanned<String>| -> Result<(), ConfigError> {
            match url::Url::parse(raw.get_ref()) {
                Ok(u) if matches!(u.scheme(), "https" | "http") => Ok(()),
                _ => Err(self.error_at(
                    raw.span(),
                    format!("`{}` is not an http(s) URL", raw.get_ref()),
                    Some("write the repository's base URL, for example `https://download.opensuse.org/tumbleweed/repo/oss/`".into()),
                )),
            }
        };
        let Some(kind) = distro.kind else {
            return Err(self.error_at(
                table,
                format!("distro `{name}` has neither `kind` nor `preset`"),
                Some(format!(
                    "add `kind = \"static\"`, `\"rpm-md\"` or `\"deb\"`, or `preset = \"…\"` (one of {})",
                    presets::names()
                )),
            ));
        };
        match kind {
            DistroKind::Static | DistroKind::Installed => Ok(()),
            DistroKind::Flathub => {
                let Some(url) = &distro.url else {
                    return Err(self.error_at(
                        table,
                        format!("distro `{name}` is `flathub` but has no `url`"),
                        Some("add `url = \"https://…/appstream.xml.gz\"`: the remote's AppStream catalogue, or use `preset = \"flathub\"`".into()),
                    ));
                };
                url_ok(url)
            }
            DistroKind::Obs => {
                let Some(api) = &distro.api else {
                    return Err(self.error_at(
                        table,
                        format!("distro `{name}` is `obs` but has no `api`"),
                        Some(
                            "add `api = \"https://api.opensuse.org\"` (or your build service)"
                                .into(),
                        ),
                    ));
                };
                url_ok(api)?;
                if distro.project.is_none() {
                    return Err(self.error_at(
                        table,
                        format!("distro `{name}` is `obs` but has no `project`"),
                        Some("add `project = \"openSUSE:Factory\"`".into()),
                    ));
                }
                Ok(())
            }
            DistroKind::Oci => {
                let Some(registry) = &distro.registry else {
                    return Err(self.error_at(
                        table,
                        format!("distro `{name}` is `oci` but has no `registry`"),
                        Some("add `registry = \"https://…\"`: the registry's base URL (the one before `/v2/`)".into()),
                    ));
                };
                url_ok(registry)?;
                if distro.images.is_empty() {
                    return Err(self.error_at(
                        table,
                        format!("distro `{name}` is `oci` but lists no `images`"),
                        Some("add `images = [\"library/podman\"]`: the images whose tags count as shipped".into()),
                    ));
                }
                Ok(())
            }
            DistroKind::RpmMd => {
                if distro.urls.is_empty() {
                    return Err(self.error_at(
                        table,
                        format!("distro `{name}` is `rpm-md` but has no `urls`"),
                        Some("add `urls = [\"https://…/repo/oss/\"]`: the directories holding `repodata/`".into()),
                    ));
                }
                distro.urls.iter().try_for_each(url_ok)
            }
            DistroKind::Deb => {
                let Some(url) = &distro.url else {
                    return Err(self.error_at(
                        table,
                        format!("distro `{name}` is `deb` but has no `url`"),
                        Some("add `url = \"…\"`: your Debian mirror's base URL, the directory holding `dists/`".into()),
                    ));
                };
                url_ok(url)?;
                if distro.suites.is_empty() {
                    return Err(self.error_at(
                        table,
                        format!("distro `{name}` is `deb` but has no `suites`"),
                        Some("add `suites = [\"bookworm\", \"bookworm-updates\"]`".into()),
                    ));
                }
                Ok(())
            }
        }
    }

    /// The span of a `[table]` header, for errors about a whole table; the file start when not
    /// found (a dotted or inline table).
    /// Where `key` is written in `[table]`, else the table's header.
    fn find_key(&self, table: &str, key: &str) -> Range<usize> {
        let header = self.find_table(table);
        let body = &self.source[header.end..];
        let body = &body[..body.find("\n[").unwrap_or(body.len())];
        let end = header.end;
        body.find(key).map_or(header, |at| {
            let start = end + at;
            start..start + key.len()
        })
    }

    fn find_table(&self, dotted: &str) -> Range<usize> {
        let quoted = dotted
            .split_once('.')
            .map(|(head, tail)| format!("{head}.\"{tail}\""))
            .unwrap_or_default();
        for header in [format!("[{dotted}]"), format!("[{quoted}]")] {
            if let Some(at) = self.source.find(&header) {
                return at..at + header.len();
            }
        }
        0..0
    }
}

/// `a`, `b`, `c` — or `none`.
pub fn join_names<'a>(names: impl Iterator<Item = &'a String>) -> String {
    let list: Vec<String> = names.map(|n| format!("`{n}`")).collect();
    if list.is_empty() {
        "none".to_owned()
    } else {
        list.join(", ")
    }
}

/// Which package manager's database an `installed` distro reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tool {
    /// `dpkg-query` (Debian and derivatives).
    Dpkg,
    /// `rpm -qa` (openSUSE, SLE, Fedora, RHEL).
    Rpm,
}

impl Tool {
    /// The word in the config (`tool = "dpkg"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Tool::Dpkg => "dpkg",
            Tool::Rpm => "rpm",
        }
    }

    /// The tool present on this machine: `dpkg-query` first, then `rpm`.
    pub fn detect() -> Option<Tool> {
        let found = |cmd: &str| {
            std::env::var_os("PATH").is_some_and(|paths| {
                std::env::split_paths(&paths).any(|dir| dir.join(cmd).is_file())
            })
        };
        if found("dpkg-query") {
            Some(Tool::Dpkg)
        } else if found("rpm") {
            Some(Tool::Rpm)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests;
