//! One run of `rollcall check`: plan the watches, poll their trackers concurrently, read what the
//! distros ship, evaluate, and assemble the report.
//!
//! Failures stay local: a tracker that cannot be compiled, times out or returns garbage turns
//! its own watch's verdicts into `error` and adds an entry to the report's `errors`; every other
//! watch completes. Only a config mistake stops the run before it starts.

mod judge;
mod load;

use std::collections::BTreeMap;
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use self::judge::Judge;
pub use self::judge::{ShippedLists, fetch_distros};
use self::load::Loaded;
pub use self::load::{load_policies, load_trackers};
use crate::config::{Config, ConfigError, Watch};
use crate::day::Day;
use crate::evaluate::Evaluation;
use crate::model::UpstreamData;
use crate::report::{Report, RunError};
use crate::runtime::{MAX_CONCURRENT_POLLS, Plugin, PollOutcome, Runtime};
use crate::trackers;

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
