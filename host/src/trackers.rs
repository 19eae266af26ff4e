//! Which tracker a watch names: a built-in one embedded in the binary, or a third-party `.wasm`
//! file configured under `[plugins.NAME]`. Also builds each watch's network [`Grant`].

use std::path::PathBuf;

use crate::artifacts;
use crate::config::{Config, PluginConfig};
use crate::model::PluginInfo;
use crate::net::{Grant, HostRule};

/// Where a tracker's component comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrackerSource {
    /// Embedded in the binary.
    Builtin(&'static [u8]),
    /// A file named in the config (path resolved against the config's directory).
    File(PathBuf),
}

/// Reads a configured plugin file and checks it against its `sha256` pin. A plugin without a
/// pin, or whose bytes changed, does not run; the error gives the line to write.
pub fn read_pinned(config: &Config, name: &str, path: &std::path::Path) -> Result<Vec<u8>, String> {
    use sha2::Digest;
    let bytes = std::fs::read(path)
        .map_err(|e| format!("cannot read plugin `{name}` (`{}`): {e}", path.display()))?;
    let actual = hex::encode(sha2::Sha256::digest(&bytes));
    let key = if name.contains('.') {
        format!("\"{name}\"")
    } else {
        name.to_owned()
    };
    match config.plugins.get(name).and_then(|p| p.sha256.as_ref()) {
        None => Err(format!(
            "plugin `{name}` (`{}`) is not pinned, so it does not run; \
             check where the file came from, then add `sha256 = \"{actual}\"` under `[plugins.{key}]`",
            path.display()
        )),
        Some(pin) if !pin.get_ref().eq_ignore_ascii_case(&actual) => Err(format!(
            "plugin `{name}` (`{}`) has SHA-256 {actual}, but the config pins {}, so it does not run; \
             if the file was rebuilt or updated on purpose, set `sha256 = \"{actual}\"` under `[plugins.{key}]`",
            path.display(),
            pin.get_ref()
        )),
        Some(_) => Ok(bytes),
    }
}

/// Names of the built-in trackers.
pub fn builtin_names() -> impl Iterator<Item = &'static str> {
    artifacts::BUILTIN.iter().map(|(name, _)| *name)
}

type Embedded = &'static [(&'static str, &'static [u8])];

fn find_in(list: Embedded, name: &str) -> Option<&'static [u8]> {
    list.iter()
        .find(|(n, _)| *n == name)
        .map(|(_, bytes)| *bytes)
}

/// A configured file wins over a built-in of the same name.
fn resolve_in(list: Embedded, config: &Config, name: &str) -> Option<TrackerSource> {
    if let Some(path) = config.plugins.get(name).and_then(|p| p.path.as_ref()) {
        return Some(TrackerSource::File(config.base_dir().join(path.get_ref())));
    }
    find_in(list, name).map(TrackerSource::Builtin)
}

/// The built-in names and every configured file, sorted.
fn known_in(list: Embedded, config: &Config) -> Vec<String> {
    let mut names: Vec<String> = list.iter().map(|(n, _)| (*n).to_owned()).collect();
    names.extend(
        config
            .plugins
            .iter()
            .filter(|(_, p)| p.path.is_some())
            .map(|(n, _)| n.clone()),
    );
    names.sort();
    names.dedup();
    names
}

/// The component of built-in tracker `name`.
pub fn builtin(name: &str) -> Option<&'static [u8]> {
    find_in(artifacts::BUILTIN, name)
}

/// Resolves a tracker name: a configured file wins over a built-in of the same name.
pub fn resolve(config: &Config, name: &str) -> Option<TrackerSource> {
    resolve_in(artifacts::BUILTIN, config, name)
}

/// Every tracker name a watch may use with this config, sorted.
pub fn known_names(config: &Config) -> Vec<String> {
    known_in(artifacts::BUILTIN, config)
}

/// The component of built-in policy `name`.
pub fn builtin_policy(name: &str) -> Option<&'static [u8]> {
    find_in(artifacts::POLICIES, name)
}

/// Resolves a policy name: a configured file wins over a built-in of the same name.
pub fn resolve_policy(config: &Config, name: &str) -> Option<TrackerSource> {
    resolve_in(artifacts::POLICIES, config, name)
}

/// Every policy name a watch may use with this config, sorted.
pub fn known_policies(config: &Config) -> Vec<String> {
    known_in(artifacts::POLICIES, config)
}

/// The hosts a watch's tracker may reach.
///
/// A built-in tracker gets the hosts it declares. A third-party tracker gets them only if the
/// config's `allow-hosts` grants every one; otherwise the error says what to add. The host of a
/// `base-url` setting is granted either way: the user wrote it. A built-in tracker is also
/// granted the hosts of its other URL settings (`url`, `registry`, `*-url`), whose meaning is
/// known; a third-party tracker is not, since only its author knows what it does with them.
///
/// The user's GitHub token is lent to built-in trackers, and to a third-party one only when
/// its config says `github-token = true`: a tracker could pass what it reads with the token
/// (private repositories included) to another granted host.
pub fn grant(
    name: &str,
    source: &TrackerSource,
    info: &PluginInfo,
    plugin_config: Option<&PluginConfig>,
    url_settings: &[(&str, &str)],
) -> Result<Grant, String> {
    let mut grant = Grant::default();
    let declared: Vec<HostRule> = info
        .hosts
        .iter()
        .filter_map(|h| match HostRule::parse(h) {
            Ok(rule) => Some(rule),
            Err(e) => {
                tracing::warn!(plugin = name, "ignoring a host the tracker declares: {e}");
                None
            }
        })
        .collect();
    match source {
        TrackerSource::Builtin(_) => declared.into_iter().for_each(|r| grant.add(r)),
        TrackerSource::File(_) => {
            let allowed: Vec<HostRule> = plugin_config
                .map(|p| {
                    p.allow_hosts
                        .iter()
                        .filter_map(|h| HostRule::parse(h.get_ref()).ok())
                        .collect()
                })
                .unwrap_or_default();
            let missing: Vec<String> = declared
                .iter()
                .filter(|r| !allowed.contains(r))
                .map(|r| format!("\"{r}\""))
                .collect();
            if !missing.is_empty() {
                return Err(format!(
                    "plugin `{name}` asks for hosts the config does not grant: {}; \
                     add them to `allow-hosts` under `[plugins.{name}]` if you trust it",
                    missing.join(", ")
                ));
            }
            declared.into_iter().for_each(|r| grant.add(r));
        }
    }
    let builtin = matches!(source, TrackerSource::Builtin(_));
    grant = grant.with_github_token(builtin || plugin_config.is_some_and(|p| p.github_token));
    for (key, value) in url_settings
        .iter()
        .filter(|(key, _)| builtin || *key == "base-url")
    {
        let url = url::Url::parse(value)
            .map_err(|e| format!("setting `{key}` = `{value}` is not a URL: {e}"))?;
        if let Some(rule) = HostRule::for_url(&url) {
            grant.add(rule);
        }
    }
    Ok(grant)
}
