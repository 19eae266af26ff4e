//! One run of `rollcall check`: plan the watches, poll their trackers concurrently, read what the
//! distros ship, evaluate, and assemble the report.
//!
//! Failures stay local: a tracker that cannot be compiled, times out or returns garbage turns
//! its own watch's verdicts into `error` and adds an entry to the report's `errors`; every other
//! watch completes. Only a config mistake stops the run before it starts.

use std::collections::BTreeMap;
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::config::{Config, ConfigError, Watch};
use crate::day::Day;
use crate::distros::{self, DistroError, Shipped};
use crate::evaluate::{self, Evaluation, Facts, Finding, Status, Trace};
use crate::model::{PluginInfo, UpstreamData};
use crate::report::{Report, RunError};
use crate::runtime::{
    MAX_CONCURRENT_POLLS, Plugin, PolicyFacts, PolicyPlugin, PollOutcome, Runtime,
};
use crate::trackers::{self, TrackerSource};

/// Why a run did not produce a report.
#[derive(Debug, thiserror::Error)]
pub enum RunFailure {
    /// The config is wrong; nothing ran.
    #[error("{0}")]
    Config(#[from] ConfigError),
    /// The command names something the config does not have.
    #[error("{0}")]
    Usage(String),
}

/// Why a watch has no upstream data: (error kind, message).
type Failure = (String, String);

/// A plugin ready to poll, or why it is not.
type Loaded = Result<(TrackerSource, Arc<Plugin>), String>;

/// Loads every tracker the config's watches name; checks tracker names and settings.
pub async fn load_trackers(
    config: &Config,
    runtime: &Runtime,
) -> Result<BTreeMap<String, Loaded>, ConfigError> {
    let mut loaded: BTreeMap<String, Loaded> = BTreeMap::new();
    for watch in &config.watches {
        let name = watch.tracker.get_ref();
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
            return Err(config.error_at(
                watch.tracker.span(),
                format!("watch `{}` names tracker `{name}`, which does not exist", watch.name.get_ref()),
                Some(format!(
                    "known trackers: {known}; a third-party tracker needs `[plugins.{key}] path = \"….wasm\"`"
                )),
            ));
        };
        let bytes = match &source {
            TrackerSource::Builtin(bytes) => Ok(bytes.to_vec()),
            TrackerSource::File(path) => std::fs::read(path)
                .map_err(|e| format!("cannot read plugin `{}`: {e}", path.display())),
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
        if let Some(Ok((_, plugin))) = loaded.get(watch.tracker.get_ref()) {
            check_settings(config, watch, plugin.info())?;
        }
    }
    Ok(loaded)
}

/// Every setting a watch gives must be one the tracker reads, and every required one given.
fn check_settings(config: &Config, watch: &Watch, info: &PluginInfo) -> Result<(), ConfigError> {
    let known = || {
        info.settings
            .iter()
            .map(|s| format!("`{}`", s.name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    for key in watch.settings.keys() {
        if info.setting(key.get_ref()).is_none() {
            return Err(config.error_at(
                key.span(),
                format!(
                    "tracker `{}` has no setting `{}`",
                    watch.tracker.get_ref(),
                    key.get_ref()
                ),
                Some(format!("its settings are: {}", known())),
            ));
        }
    }
    for setting in info.settings.iter().filter(|s| s.required) {
        if !watch.settings.contains_key(setting.name.as_str()) {
            return Err(config.error_at(
                watch.name.span(),
                format!(
                    "watch `{}` does not give setting `{}`, which tracker `{}` requires",
                    watch.name.get_ref(),
                    setting.name,
                    watch.tracker.get_ref()
                ),
                Some(format!(
                    "add `{} = \"…\"` under the watch's `settings` ({})",
                    setting.name, setting.description
                )),
            ));
        }
    }
    Ok(())
}

/// A poll ready to run: the plugin, the watch's settings, its grant and its limits.
struct PreparedPoll {
    plugin: Arc<Plugin>,
    settings: Vec<(String, String)>,
    grant: crate::net::Grant,
    limits: crate::runtime::Limits,
}

/// What one watch's poll needs, or why it cannot run.
fn prepare(
    config: &Config,
    loaded: &BTreeMap<String, Loaded>,
    watch: &Watch,
) -> Result<PreparedPoll, Failure> {
    let name = watch.tracker.get_ref();
    let (source, plugin) = match loaded.get(name) {
        Some(Ok(found)) => found,
        Some(Err(e)) => return Err(("host".to_owned(), e.clone())),
        None => {
            return Err((
                "host".to_owned(),
                format!("tracker `{name}` was not loaded"),
            ));
        }
    };
    let settings: Vec<(String, String)> = watch
        .settings
        .iter()
        .map(|(k, v)| (k.get_ref().clone(), v.0.clone()))
        .collect();
    let base_url = settings
        .iter()
        .find(|(k, _)| k == "base-url")
        .map(|(_, v)| v.as_str());
    let grant = trackers::grant(
        name,
        source,
        plugin.info(),
        config.plugins.get(name),
        base_url,
    )
    .map_err(|e| ("denied".to_owned(), e))?;
    Ok(PreparedPoll {
        plugin: plugin.clone(),
        settings,
        grant,
        limits: config.limits(name),
    })
}

/// Turns a poll's outcome into upstream data or a failure, logging what it cost.
fn settle(watch: &Watch, result: Result<PollOutcome, Failure>) -> Result<UpstreamData, Failure> {
    let outcome = result?;
    tracing::info!(
        watch = %watch.name.get_ref(),
        tracker = %watch.tracker.get_ref(),
        ms = outcome.duration.as_millis() as u64,
        calls = outcome.usage.calls,
        bytes = outcome.usage.bytes_in,
        ok = outcome.result.is_ok(),
        "polled"
    );
    outcome.result.map_err(|e| {
        let kind = serde_json::to_value(e.kind())
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_else(|| "plugin".into());
        (kind, e.to_string())
    })
}

/// What each distro ships, or why it could not be read.
pub type ShippedLists = BTreeMap<String, Result<Shipped, DistroError>>;

/// Reads every distro the watches use, concurrently; one failing distro leaves the others.
pub async fn fetch_distros(config: &Config, runtime: &Runtime, only: Option<&str>) -> ShippedLists {
    let state_dir = runtime.state_dir();
    let mut wanted: Vec<&String> = config
        .watches
        .iter()
        .flat_map(|w| w.packages.keys().map(|k| k.get_ref()))
        .filter(|name| only.is_none_or(|o| o == name.as_str()))
        .collect();
    wanted.sort();
    wanted.dedup();
    let mut tasks = JoinSet::new();
    for name in wanted {
        let Some(distro) = config.distros.get(name).cloned() else {
            continue;
        };
        let http = runtime.http().clone();
        let name = name.clone();
        let dir = state_dir.clone();
        tasks.spawn(async move {
            let started = std::time::Instant::now();
            let result = distros::cache::fetch(&name, &distro, &http, dir.as_deref()).await;
            tracing::info!(
                distro = %name,
                ms = started.elapsed().as_millis() as u64,
                packages = result.as_ref().map_or(0, |s| s.packages().len()),
                ok = result.is_ok(),
                "distro read"
            );
            (name, result)
        });
    }
    let mut out = BTreeMap::new();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((name, result)) => {
                out.insert(name, result);
            }
            Err(e) => tracing::error!("a distro task failed: {e}"),
        }
    }
    out
}

/// Whole days since an RFC 3339 timestamp.
fn age_days(rfc3339: &str) -> Option<i64> {
    let then = time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
        .ok()?;
    Some((time::OffsetDateTime::now_utc() - then).whole_days())
}

/// Evaluates every (distro, package) of `watch`; `only_distro` narrows it to one distro.
fn evaluate_watch(
    config: &Config,
    watch: &Watch,
    outcome: &Result<UpstreamData, Failure>,
    shipped_lists: &ShippedLists,
    only_distro: Option<&str>,
    today: Day,
) -> Vec<Evaluation> {
    let mut out = Vec::new();
    let plain = |verdict| Evaluation {
        verdict,
        trace: Trace::default(),
    };
    for (distro_name, patterns) in &watch.packages {
        let distro_name = distro_name.get_ref();
        if only_distro.is_some_and(|d| d != distro_name) {
            continue;
        }
        let Some(distro) = config.distros.get(distro_name) else {
            continue;
        };
        let policy = config.policy_for(watch, distro_name);
        for pattern in &patterns.0 {
            let base = Facts {
                watch: watch.name.get_ref().as_str(),
                tracker: watch.tracker.get_ref(),
                distro: distro_name,
                package: pattern,
                scheme: watch.scheme,
                family: distro.family(),
                prereleases: watch.prereleases,
                line_rule: &watch.line,
                policy: &policy,
                today,
            };
            let matches = match shipped_lists.get(distro_name) {
                None => Err(format!("distro `{distro_name}` was not read")),
                Some(Err(e)) => Err(format!("distro `{distro_name}` could not be read: {e}")),
                Some(Ok(list)) => list.find(pattern),
            };
            let matches = match matches {
                Ok(m) => m,
                Err(message) => {
                    out.push(plain(base.distro_error(&message)));
                    continue;
                }
            };
            if matches.is_empty() {
                out.push(plain(match outcome {
                    Err((_, message)) => base.error(None, message),
                    Ok(_) => base.missing(),
                }));
            }
            let stale = shipped_lists
                .get(distro_name)
                .and_then(|r| r.as_ref().ok())
                .and_then(|list| {
                    Some((
                        list.stale.as_ref()?,
                        list.fetched_at.as_deref().unwrap_or("?"),
                    ))
                });
            for found in matches {
                let f = Facts {
                    package: &found.name,
                    ..base.clone()
                };
                let mut evaluation = match outcome {
                    Err((_, message)) => plain(f.error(Some(&found.version), message)),
                    Ok(data) => evaluate::evaluate(&f, data, &found.version),
                };
                if let Some((error, fetched_at)) = stale {
                    evaluation.verdict.explanation.push_str(&format!(
                        " [package list of {fetched_at}{}: the mirror failed: {error}]",
                        age_days(fetched_at)
                            .map(|d| format!(", {d} days old"))
                            .unwrap_or_default()
                    ));
                }
                out.push(evaluation);
            }
        }
    }
    out
}

/// A policy ready to run, or why it is not.
type LoadedPolicy = Result<Arc<PolicyPlugin>, String>;

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
                return Err(config.error_at(
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
                TrackerSource::File(path) => std::fs::read(path)
                    .map_err(|e| format!("cannot read policy `{}`: {e}", path.display())),
            };
            let result = match bytes {
                Ok(bytes) => runtime
                    .load_policy(&bytes)
                    .await
                    .map_err(|e| format!("cannot load policy `{}`: {e:#}", name.get_ref())),
                Err(e) => Err(e),
            };
            loaded.insert(name.get_ref().clone(), result);
        }
    }
    Ok(loaded)
}

/// Runs the watch's policy plugins on its evaluations: findings join the verdict, raising its
/// severity to the worst of them; a failing policy becomes a run error, the verdict stays.
/// Everything judging a watch needs besides the watch: evaluation, then policy plugins.
struct Judge<'a> {
    config: &'a Config,
    runtime: &'a Runtime,
    policies: &'a BTreeMap<String, LoadedPolicy>,
    shipped: &'a ShippedLists,
    today: Day,
}

impl Judge<'_> {
    /// The watch's evaluations, policy findings included; failing policies go to `errors`.
    async fn watch(
        &self,
        watch: &Watch,
        outcome: &Result<UpstreamData, Failure>,
        only_distro: Option<&str>,
        errors: &mut Vec<RunError>,
    ) -> Vec<Evaluation> {
        let mut evaluations = evaluate_watch(
            self.config,
            watch,
            outcome,
            self.shipped,
            only_distro,
            self.today,
        );
        if let Ok(data) = outcome {
            apply_policies(self, watch, data, &mut evaluations, errors).await;
        }
        evaluations
    }
}

async fn apply_policies(
    run: &Judge<'_>,
    watch: &Watch,
    data: &UpstreamData,
    evaluations: &mut [Evaluation],
    errors: &mut Vec<RunError>,
) {
    let Judge {
        config,
        runtime,
        policies,
        today,
        ..
    } = *run;
    for name in &watch.policies {
        let name = name.get_ref();
        let plugin = match policies.get(name) {
            Some(Ok(p)) => p,
            Some(Err(e)) => {
                errors.push(policy_error(watch, "host", e.clone()));
                continue;
            }
            None => continue,
        };
        let settings: Vec<(String, String)> = config
            .plugins
            .get(name)
            .map(|p| {
                p.settings
                    .iter()
                    .map(|(k, v)| (k.clone(), v.0.clone()))
                    .collect()
            })
            .unwrap_or_default();
        for evaluation in evaluations.iter_mut() {
            let v = &mut evaluation.verdict;
            let (Some(shipped), Some(upstream)) = (v.shipped.clone(), v.shipped_upstream.clone())
            else {
                continue;
            };
            if matches!(v.status, Status::Error | Status::Missing) {
                continue;
            }
            let facts = PolicyFacts {
                watch: v.watch.clone(),
                distro: v.distro.clone(),
                package: v.package.clone(),
                shipped,
                shipped_upstream: upstream,
                line: v.line.clone(),
                status: v.status.as_str().to_owned(),
                releases_behind: v.releases_behind,
                lines_behind: v.lines_behind,
                days_behind: v.days_behind,
                support_days_left: v.support_days_left,
                today,
            };
            match runtime
                .check_policy(plugin, &facts, data, &settings, config.limits(name))
                .await
            {
                Ok(findings) => {
                    for f in findings {
                        v.severity = v.severity.max(f.severity);
                        v.explanation.push_str(&format!("; {name}: {}", f.message));
                        evaluation.trace.steps.push(format!(
                            "policy plugin `{name}`: {} — {}",
                            f.severity.as_str(),
                            f.message
                        ));
                        v.findings.push(Finding {
                            policy: name.clone(),
                            severity: f.severity,
                            message: f.message,
                        });
                    }
                }
                Err(e) => {
                    let kind = serde_json::to_value(e.kind())
                        .ok()
                        .and_then(|k| k.as_str().map(str::to_owned))
                        .unwrap_or_else(|| "plugin".into());
                    errors.push(policy_error(
                        watch,
                        &kind,
                        format!("policy `{name}` failed: {e}"),
                    ));
                    break;
                }
            }
        }
    }
}

fn policy_error(watch: &Watch, kind: &str, message: String) -> RunError {
    RunError {
        watch: watch.name.get_ref().to_string(),
        tracker: None,
        kind: kind.to_owned(),
        message,
    }
}

/// Runs every watch of `config` and evaluates them as of `today`.
pub async fn check(
    config: &Config,
    runtime: Arc<Runtime>,
    today: Day,
) -> Result<Report, RunFailure> {
    let loaded = load_trackers(config, &runtime).await?;
    let policies = load_policies(config, &runtime).await?;
    let limit = Arc::new(Semaphore::new(MAX_CONCURRENT_POLLS));
    let mut polls: JoinSet<(usize, Result<PollOutcome, Failure>)> = JoinSet::new();
    for (index, watch) in config.watches.iter().enumerate() {
        let prepared = match prepare(config, &loaded, watch) {
            Ok(p) => p,
            Err(e) => {
                polls.spawn(async move { (index, Err(e)) });
                continue;
            }
        };
        let runtime = runtime.clone();
        let limit = limit.clone();
        polls.spawn(async move {
            let _permit = limit.acquire_owned().await;
            let p = prepared;
            let outcome = runtime
                .poll(&p.plugin, &p.settings, p.grant, p.limits)
                .await;
            (index, Ok(outcome))
        });
    }

    // The polls run in their tasks while the distros are read.
    let shipped_lists = fetch_distros(config, &runtime, None).await;
    let mut outcomes: BTreeMap<usize, Result<UpstreamData, Failure>> = BTreeMap::new();
    while let Some(joined) = polls.join_next().await {
        match joined {
            Ok((index, result)) => {
                outcomes.insert(index, settle(&config.watches[index], result));
            }
            Err(e) => tracing::error!("a poll task failed: {e}"),
        }
    }

    let judge = Judge {
        config,
        runtime: &runtime,
        policies: &policies,
        shipped: &shipped_lists,
        today,
    };
    let mut verdicts = Vec::new();
    let mut errors = Vec::new();
    for (name, result) in &shipped_lists {
        let failure = match result {
            Err(e) => Some(format!("distro `{name}` could not be read: {e}")),
            Ok(list) => list.stale.as_ref().map(|e| {
                format!(
                    "distro `{name}` could not be read, so its package list of {} is used: {e}",
                    list.fetched_at.as_deref().unwrap_or("?")
                )
            }),
        };
        if let Some(message) = failure {
            for watch in config
                .watches
                .iter()
                .filter(|w| w.packages.contains_key(name.as_str()))
            {
                errors.push(RunError {
                    watch: watch.name.get_ref().to_string(),
                    tracker: None,
                    kind: "distro".to_owned(),
                    message: message.clone(),
                });
            }
        }
    }
    for (index, watch) in config.watches.iter().enumerate() {
        let outcome = outcomes
            .remove(&index)
            .unwrap_or_else(|| Err(("host".into(), "the poll did not finish".into())));
        if let Err((kind, message)) = &outcome {
            errors.push(RunError {
                watch: watch.name.get_ref().to_string(),
                tracker: Some(watch.tracker.get_ref().clone()),
                kind: kind.clone(),
                message: message.clone(),
            });
        }
        let evaluations = judge.watch(watch, &outcome, None, &mut errors).await;
        verdicts.extend(evaluations.into_iter().map(|e| e.verdict));
    }
    Ok(Report::new(
        config.origin.to_string(),
        verdicts,
        errors,
        config.watches.len() as u32,
    ))
}

/// What `rollcall explain` shows for one watch.
#[derive(Debug)]
pub struct Explanation {
    /// How many releases and lines the tracker returned, and how long it took.
    pub polled: Result<(usize, usize, std::time::Duration), Failure>,
    /// One evaluation per (distro, package).
    pub evaluations: Vec<Evaluation>,
    /// Policy plugins that failed.
    pub errors: Vec<RunError>,
}

/// Polls one watch and evaluates it with its trace; `distro` narrows it to one distro.
pub async fn explain(
    config: &Config,
    runtime: Arc<Runtime>,
    watch_name: &str,
    distro: Option<&str>,
    today: Day,
) -> Result<Explanation, RunFailure> {
    let Some(watch) = config
        .watches
        .iter()
        .find(|w| w.name.get_ref().as_str() == watch_name)
    else {
        return Err(RunFailure::Usage(format!(
            "there is no watch `{watch_name}` in {}\nhelp: watches: {}",
            config.origin,
            config
                .watches
                .iter()
                .map(|w| w.name.get_ref().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    };
    if let Some(d) = distro
        && !watch.packages.keys().any(|k| k.get_ref() == d)
    {
        return Err(RunFailure::Usage(format!(
            "watch `{watch_name}` maps no packages in distro `{d}`\nhelp: its distros: {}",
            watch
                .packages
                .keys()
                .map(|k| k.get_ref().clone())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let loaded = load_trackers(config, &runtime).await?;
    let policies = load_policies(config, &runtime).await?;
    let shipped_lists = fetch_distros(config, &runtime, distro).await;
    let result = match prepare(config, &loaded, watch) {
        Ok(p) => Ok(runtime
            .poll(&p.plugin, &p.settings, p.grant, p.limits)
            .await),
        Err(e) => Err(e),
    };
    let duration = result.as_ref().map(|o| o.duration).unwrap_or_default();
    let outcome = settle(watch, result);
    let polled = outcome
        .as_ref()
        .map(|data| (data.releases.len(), data.lines.len(), duration))
        .map_err(Clone::clone);
    let judge = Judge {
        config,
        runtime: &runtime,
        policies: &policies,
        shipped: &shipped_lists,
        today,
    };
    let mut errors = Vec::new();
    let evaluations = judge.watch(watch, &outcome, distro, &mut errors).await;
    Ok(Explanation {
        polled,
        evaluations,
        errors,
    })
}
