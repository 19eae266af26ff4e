//! Loading what a run needs before it starts: the trackers and policy plugins the watches name,
//! with the checks that make a bad name or setting a config error with its position.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::config::{Config, ConfigError, Source, Watch};
use crate::model::PluginInfo;
use crate::runtime::{Plugin, PolicyPlugin, Runtime};
use crate::trackers::{self, TrackerSource};

/// A plugin ready to poll, or why it is not.
pub(super) type Loaded = Result<(TrackerSource, Arc<Plugin>), String>;

/// Loads every tracker the config's watches name; checks tracker names and settings.
pub async fn load_trackers(
    config: &Config,
    runtime: &Runtime,
) -> Result<BTreeMap<String, Loaded>, ConfigError> {
    let mut loaded: BTreeMap<String, Loaded> = BTreeMap::new();
    for (watch, source) in config
        .watches
        .iter()
        .flat_map(|w| w.sources().into_iter().map(move |s| (w, s)))
    {
        let name = source.tracker.get_ref();
        if loaded.contains_key(name) {
            continue;
        }
        let Some(source) = trackers::resolve(config, name) else {
            let known = trackers::known_names(config).join(", ");
            let key = if name.contains('.') {
                format!("\"{name}\"")
            } else {
                name.clone()
            };
            return Err(config.watch_error(
                watch,
                source.tracker.span(),
                format!("watch `{}` names tracker `{name}`, which does not exist", watch.name.get_ref()),
                Some(format!(
                    "known trackers: {known}; a third-party tracker needs `[plugins.{key}] path = \"….wasm\"`"
                )),
            ));
        };
        let bytes = match &source {
            TrackerSource::Builtin(bytes) => Ok(bytes.to_vec()),
            TrackerSource::File(path) => trackers::read_pinned(config, name, path),
        };
        let result = match bytes {
            Ok(bytes) => runtime
                .load(&bytes)
                .await
                .map(|plugin| (source, plugin))
                .map_err(|e| format!("cannot load tracker `{name}`: {e:#}")),
            Err(e) => Err(e),
        };
        loaded.insert(name.clone(), result);
    }
    for watch in &config.watches {
        for source in watch.sources() {
            if let Some(Ok((_, plugin))) = loaded.get(source.tracker.get_ref()) {
                check_settings(config, watch, source, plugin.info())?;
            }
        }
    }
    Ok(loaded)
}

/// Every setting a watch gives must be one the tracker reads, and every required one given.
fn check_settings(
    config: &Config,
    watch: &Watch,
    source: Source<'_>,
    info: &PluginInfo,
) -> Result<(), ConfigError> {
    let table = if source.role == crate::model::Role::Support {
        "`support.settings`"
    } else {
        "`settings`"
    };
    let known = || {
        info.settings
            .iter()
            .map(|s| format!("`{}`", s.name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    for key in source.settings.keys() {
        if info.setting(key.get_ref()).is_none() {
            return Err(config.watch_error(
                watch,
                key.span(),
                format!(
                    "tracker `{}` has no setting `{}`",
                    source.tracker.get_ref(),
                    key.get_ref()
                ),
                Some(format!("its settings are: {}", known())),
            ));
        }
    }
    for setting in info.settings.iter().filter(|s| s.required) {
        if !source.settings.contains_key(setting.name.as_str()) {
            return Err(config.watch_error(
                watch,
                watch.name.span(),
                format!(
                    "watch `{}` does not give setting `{}`, which tracker `{}` requires",
                    watch.name.get_ref(),
                    setting.name,
                    source.tracker.get_ref()
                ),
                Some(format!(
                    "add `{} = \"…\"` under the watch's {table} ({})",
                    setting.name, setting.description
                )),
            ));
        }
    }
    Ok(())
}

/// A policy ready to run, or why it is not.
pub(super) type LoadedPolicy = Result<Arc<PolicyPlugin>, String>;

/// Loads every policy plugin the config's watches name.
pub async fn load_policies(
    config: &Config,
    runtime: &Runtime,
) -> Result<BTreeMap<String, LoadedPolicy>, ConfigError> {
    let mut loaded = BTreeMap::new();
    for watch in &config.watches {
        for name in &watch.policies {
            if loaded.contains_key(name.get_ref()) {
                continue;
            }
            let Some(source) = trackers::resolve_policy(config, name.get_ref()) else {
                return Err(config.watch_error(
                    watch,
                    name.span(),
                    format!(
                        "watch `{}` names policy `{}`, which does not exist",
                        watch.name.get_ref(),
                        name.get_ref()
                    ),
                    Some(format!(
                        "known policies: {}; a third-party policy needs `[plugins.{}] path = \"….wasm\"`",
                        trackers::known_policies(config).join(", "),
                        name.get_ref()
                    )),
                ));
            };
            let bytes = match &source {
                TrackerSource::Builtin(bytes) => Ok(bytes.to_vec()),
                TrackerSource::File(path) => trackers::read_pinned(config, name.get_ref(), path),
            };
            let result = match bytes {
                Ok(bytes) => runtime
                    .load_policy(&bytes, config.limits(name.get_ref()))
                    .await
                    .map_err(|e| format!("cannot load policy `{}`: {e:#}", name.get_ref())),
                Err(e) => Err(e),
            };
            loaded.insert(name.get_ref().clone(), result);
        }
    }
    Ok(loaded)
}
