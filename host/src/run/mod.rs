//! One run of `rollcall check`: plan the watches, poll their trackers concurrently, read what the
//! distros ship, evaluate, and assemble the report.
//!
//! Failures stay local: a tracker that cannot be compiled, times out or returns garbage turns
//! its own watch's verdicts into `error` and adds an entry to the report's `errors`; every other
//! watch completes. Only a config mistake stops the run before it starts.

mod judge;
mod load;
pub mod shard;

use std::collections::BTreeMap;
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use self::judge::Judge;
pub use self::judge::{ShippedLists, fetch_distros};
use self::load::Loaded;
pub use self::load::{load_policies, load_trackers};
use crate::config::{Config, ConfigError, Source, Watch};
use crate::day::Day;
use crate::evaluate::Evaluation;
use crate::model::{Role, UpstreamData};
use crate::report::{FailureKind, Report, RunError};
use crate::runtime::{MAX_CONCURRENT_POLLS, Plugin, PollError, PollOutcome, Runtime, TrackerError};
use crate::store::Store;
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
    /// The run finished but could not be written to the store.
    #[error("{0}")]
    Store(String),
}

/// Why a watch has no upstream data: (error kind, message).
type Failure = (FailureKind, String);

/// A poll ready to run: the plugin, the source's settings, its grant and its limits.
struct PreparedPoll {
    plugin: Arc<Plugin>,
    settings: Vec<(String, String)>,
    grant: crate::net::Grant,
    limits: crate::runtime::Limits,
}

/// Settings whose value is a URL the user wrote: their hosts are granted.
pub fn is_url_setting(key: &str) -> bool {
    matches!(key, "base-url" | "url" | "registry") || key.ends_with("-url")
}

/// What one source's poll needs, or why it cannot run.
fn prepare(
    config: &Config,
    loaded: &BTreeMap<String, Loaded>,
    source: Source<'_>,
) -> Result<PreparedPoll, Failure> {
    let name = source.tracker.get_ref();
    let (tracker_source, plugin) = match loaded.get(name) {
        Some(Ok(found)) => found,
        Some(Err(e)) => return Err((FailureKind::Host, e.clone())),
        None => {
            return Err((
                FailureKind::Host,
                format!("tracker `{name}` was not loaded"),
            ));
        }
    };
    let settings: Vec<(String, String)> = source
        .settings
        .iter()
        .map(|(k, v)| (k.get_ref().clone(), v.0.clone()))
        .collect();
    let urls: Vec<(&str, &str)> = settings
        .iter()
        .filter(|(k, _)| is_url_setting(k))
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let grant = trackers::grant(
        name,
        tracker_source,
        plugin.info(),
        config.plugins.get(name),
        &urls,
    )
    .map_err(|e| (FailureKind::Denied, e))?;
    Ok(PreparedPoll {
        plugin: plugin.clone(),
        settings,
        grant,
        limits: config.limits(name),
    })
}

/// Turns a poll's outcome into upstream data or a failure, logging what it cost.
fn settle(
    watch: &Watch,
    tracker: &str,
    result: Result<PollOutcome, Failure>,
) -> Result<UpstreamData, Failure> {
    let outcome = result?;
    tracing::info!(
        watch = %watch.name.get_ref(),
        tracker = %tracker,
        ms = outcome.duration.as_millis() as u64,
        calls = outcome.usage.calls,
        bytes = outcome.usage.bytes_in,
        ok = outcome.result.is_ok(),
        "polled"
    );
    let denied = outcome.usage.denial_summary();
    if let Some(summary) = &denied {
        tracing::warn!(
            "watch `{}`: tracker `{tracker}`: {summary}",
            watch.name.get_ref()
        );
    }
    outcome.result.map_err(|e| {
        let kind = e.kind();
        let mut message = e.to_string();
        // A tracker that failed after swallowing refusals: say what the host refused, unless
        // the failure is that one refusal.
        let only_this = outcome.usage.denied == 1
            && outcome
                .usage
                .denials
                .iter()
                .all(|d| message.contains(d.as_str()));
        if let Some(summary) = denied.filter(|_| !only_this) {
            message.push_str(&format!(" ({summary})"));
        }
        (kind, message)
    })
}

/// Adds what the host refused a watch's trackers to each of its verdicts' explanations, so
/// refusals a tracker swallowed show in the report.
fn note_denials(evaluations: &mut [Evaluation], notes: &[String]) {
    if notes.is_empty() {
        return;
    }
    let note = notes.join("; ");
    for evaluation in evaluations {
        evaluation
            .verdict
            .explanation
            .push_str(&format!(" [{note}]"));
    }
}

/// What polling one watch's sources produced: per source, its outcome.
type Polled = Vec<(Role, Result<PollOutcome, Failure>)>;

/// Polls every source of `watch`, one after the other, in a task that owns what it needs.
fn spawn_watch(
    config: &Config,
    loaded: &BTreeMap<String, Loaded>,
    runtime: &Arc<Runtime>,
    limit: &Arc<Semaphore>,
    watch: &Watch,
) -> impl std::future::Future<Output = Polled> + Send + 'static {
    let prepared: Vec<(Role, Result<PreparedPoll, Failure>)> = watch
        .sources()
        .into_iter()
        .map(|source| (source.role, prepare(config, loaded, source)))
        .collect();
    let runtime = runtime.clone();
    let limit = limit.clone();
    async move {
        let _permit = limit.acquire_owned().await;
        let mut out = Vec::new();
        for (role, prepared) in prepared {
            let result = match prepared {
                Ok(p) => Ok(runtime
                    .poll(&p.plugin, &p.settings, p.grant, p.limits)
                    .await),
                Err(e) => Err(e),
            };
            out.push((role, result));
        }
        out
    }
}

/// What a run keeps for the store besides its report.
#[derive(Default)]
struct Memory {
    polls: Vec<crate::store::PollRecord>,
    answered: Vec<(String, String, String, crate::store::Packed)>,
    merged: Vec<(String, crate::store::Packed)>,
    /// What the host refused the last combined watch's trackers in polls that succeeded.
    denied: Vec<String>,
    /// Polls refused because a host's rate limit was spent, by `host:port`.
    refused: BTreeMap<String, u32>,
}

/// The watch's upstream data: the releases source filtered, merged with the support source.
/// A failing source is reported in `errors`; when the store has its last good answer, that
/// stands in (and every verdict says how old it is). A failing support source leaves the
/// releases to judge.
fn combine(
    watch: &Watch,
    polled: Polled,
    errors: &mut Vec<RunError>,
    store: Option<&Store>,
    memory: &mut Memory,
) -> Result<UpstreamData, Failure> {
    let mut releases: Result<UpstreamData, Failure> =
        Err((FailureKind::Host, "the poll did not finish".into()));
    let mut support = None;
    let mut stale_notes = Vec::new();
    memory.denied.clear();
    for (role, result) in polled {
        let tracker = match (role, &watch.support) {
            (Role::Support, Some(s)) => s.tracker.get_ref(),
            _ => watch.tracker.get_ref(),
        };
        if let Ok(PollOutcome {
            result: Err(PollError::Tracker(TrackerError::RateLimited { url, .. })),
            ..
        }) = &result
            && let Ok(url) = url::Url::parse(url)
        {
            *memory
                .refused
                .entry(crate::net::gate::host_key(&url))
                .or_default() += 1;
        }
        if let Ok(outcome) = &result {
            memory.polls.push(crate::store::PollRecord {
                watch: watch.name.get_ref().to_string(),
                role: role.as_str().to_owned(),
                tracker: tracker.clone(),
                duration_ms: outcome.duration.as_millis() as u64,
                calls: outcome.usage.calls,
                bytes: outcome.usage.bytes_in,
                revalidated: outcome.usage.revalidated,
                outcome: match &outcome.result {
                    Ok(_) => "ok".to_owned(),
                    Err(e) => e.kind().as_str().to_owned(),
                },
                error: outcome.result.as_ref().err().map(ToString::to_string),
                denied: outcome.usage.denied,
                denials: outcome.usage.denials.clone(),
            });
            if outcome.result.is_ok()
                && let Some(summary) = outcome.usage.denial_summary()
            {
                memory
                    .denied
                    .push(format!("tracker `{tracker}`: {summary}"));
            }
        }
        let mut settled = settle(watch, tracker, result);
        match &settled {
            Ok(data) => memory.answered.push((
                watch.name.get_ref().to_string(),
                role.as_str().to_owned(),
                tracker.clone(),
                crate::store::Packed::of(data),
            )),
            Err((kind, message)) => {
                let last = store.and_then(|s| {
                    crate::store::blocking(|| {
                        s.last_good(watch.name.get_ref().as_str(), role.as_str())
                    })
                    .ok()
                    .flatten()
                });
                errors.push(RunError {
                    watch: watch.name.get_ref().to_string(),
                    tracker: Some(tracker.clone()),
                    kind: *kind,
                    message: message.clone(),
                    stale_from: last.as_ref().map(|l| l.fetched_at.clone()),
                });
                if let Some(last) = last {
                    let age = crate::store::human_age(crate::store::age_seconds(&last.fetched_at));
                    stale_notes.push(format!(
                        "{role} from `{}` as of {}, {age} old: the last poll failed: {message}",
                        last.tracker, last.fetched_at
                    ));
                    settled = Ok(last.data);
                }
            }
        }
        if role == Role::Support {
            support = Some((tracker.clone(), settled));
        } else {
            releases = settled;
        }
    }
    let mut data = watch.filters().apply_to(releases?);
    match support {
        Some((tracker, Ok(lines))) => {
            data = crate::upstream::merge(watch.tracker.get_ref(), data, &tracker, lines);
        }
        Some((tracker, Err((_, message)))) => data.notes.push(format!(
            "support source `{tracker}` failed, so only `{}` is used: {message}",
            watch.tracker.get_ref()
        )),
        None => {}
    }
    if !stale_notes.is_empty() {
        data.notes.extend(stale_notes.iter().cloned());
        data.stale = Some(stale_notes.join("; "));
    }
    data.notes.extend(memory.denied.iter().cloned());
    memory.merged.push((
        watch.name.get_ref().to_string(),
        crate::store::Packed::of(&data),
    ));
    Ok(data)
}

/// Reports how many watches have been polled, of how many.
pub type Progress<'a> = &'a (dyn Fn(usize, usize) + Sync);

/// Where a run keeps what it learned, and how long.
#[derive(Clone, Copy)]
pub struct Keep<'a> {
    /// The store.
    pub store: &'a Store,
    /// How much history to keep.
    pub retention: crate::store::Retention,
}

/// Runs every watch of `config` and evaluates them as of `today`, keeping nothing.
pub async fn check(
    config: &Config,
    runtime: Arc<Runtime>,
    today: Day,
) -> Result<Report, RunFailure> {
    check_with(config, runtime, today, None, None).await
}

/// Runs every watch, with a store (last good data for failing upstreams; the run, its verdicts,
/// releases and poll health written in one transaction at the end) and a progress callback.
pub async fn check_with(
    config: &Config,
    runtime: Arc<Runtime>,
    today: Day,
    keep: Option<Keep<'_>>,
    progress: Option<Progress<'_>>,
) -> Result<Report, RunFailure> {
    let started_at = crate::store::now_rfc3339();
    let clock = std::time::Instant::now();
    let loaded = load_trackers(config, &runtime).await?;
    let policies = load_policies(config, &runtime).await?;
    let limit = Arc::new(Semaphore::new(MAX_CONCURRENT_POLLS));
    let mut polls: JoinSet<(usize, Polled)> = JoinSet::new();
    for (index, watch) in config.watches.iter().enumerate() {
        let task = spawn_watch(config, &loaded, &runtime, &limit, watch);
        polls.spawn(async move { (index, task.await) });
    }

    // The polls run in their tasks while the distros are read; then each watch is judged as
    // its polls end, and only its verdicts and its packed answers are kept: a run of 35,000
    // watches never holds every release list at once.
    let shipped_lists = fetch_distros(config, &runtime, None).await;
    let judge = Judge {
        config,
        runtime: &runtime,
        policies: &policies,
        shipped: &shipped_lists,
        today,
    };
    let mut errors = Vec::new();
    for (name, result) in &shipped_lists {
        let failure = match result {
            Err(e) => Some((format!("distro `{name}` could not be read: {e}"), None)),
            Ok(list) => list.stale.as_ref().map(|e| {
                (
                    format!(
                        "distro `{name}` could not be read, so its package list of {} is used: {e}",
                        list.fetched_at.as_deref().unwrap_or("?")
                    ),
                    Some(list.fetched_at.clone().unwrap_or_default()),
                )
            }),
        };
        if let Some((message, stale_from)) = failure {
            for watch in config
                .watches
                .iter()
                .filter(|w| w.packages.contains_key(name.as_str()))
            {
                errors.push(RunError {
                    watch: watch.name.get_ref().to_string(),
                    tracker: None,
                    kind: FailureKind::Distro,
                    message: message.clone(),
                    stale_from: stale_from.clone(),
                });
            }
        }
    }
    let mut memory = Memory::default();
    let mut judged: BTreeMap<usize, (Vec<crate::evaluate::Verdict>, Vec<RunError>)> =
        BTreeMap::new();
    let total = config.watches.len();
    let store = keep.map(|k| k.store);
    let judge_one = async |index: usize, polled: Polled, memory: &mut Memory| {
        let watch = &config.watches[index];
        let mut watch_errors = Vec::new();
        let outcome = combine(watch, polled, &mut watch_errors, store, memory);
        let mut evaluations = judge.watch(watch, &outcome, None, &mut watch_errors).await;
        note_denials(&mut evaluations, &memory.denied);
        let verdicts = evaluations.into_iter().map(|e| e.verdict).collect();
        (verdicts, watch_errors)
    };
    while let Some(joined) = polls.join_next().await {
        match joined {
            Ok((index, polled)) => {
                let result = judge_one(index, polled, &mut memory).await;
                judged.insert(index, result);
            }
            Err(e) => tracing::error!("a poll task failed: {e}"),
        }
        if let Some(report_progress) = progress {
            report_progress(judged.len(), total);
        }
    }
    // A task that died says so through its watch ("the poll did not finish").
    for index in 0..total {
        if let std::collections::btree_map::Entry::Vacant(slot) = judged.entry(index) {
            slot.insert(judge_one(index, Polled::default(), &mut memory).await);
        }
    }
    tracing::info!(
        ms = clock.elapsed().as_millis() as u64,
        "polls, distros and judging done"
    );
    let mut verdicts = Vec::new();
    for (_, (v, e)) in judged {
        verdicts.extend(v);
        errors.extend(e);
    }
    let mut report = Report::new(
        config.origin.to_string(),
        verdicts,
        errors,
        config.watches.len() as u32,
    );
    let sizes = shipped_lists
        .iter()
        .map(|(name, list)| {
            (
                name.clone(),
                list.as_ref().ok().map(|l| l.packages().len() as u32),
            )
        })
        .collect();
    report.summarise_distros(&sizes);
    // The `github` import goes through the same client: one budget per host.
    let mut hosts = runtime.http().budgets();
    let github = runtime
        .github()
        .map(|g| crate::net::gate::host_key(g.base()));
    for h in &mut hosts {
        h.refused = memory.refused.get(&h.host).copied().unwrap_or(0);
        h.github = github.as_deref() == Some(h.host.as_str());
    }
    report.rate_limited = hosts.iter().filter(|h| h.refused > 0).cloned().collect();
    tracing::info!(ms = clock.elapsed().as_millis() as u64, "judged");
    if let Some(keep) = keep {
        let record = crate::store::RunRecord {
            started_at,
            today: today.to_string(),
            report: &report,
            polls: memory.polls,
            answered: memory.answered,
            merged: memory.merged,
            hosts,
        };
        let stored = crate::store::blocking(|| keep.store.record_run(&record, keep.retention));
        if let Err(e) = stored {
            tracing::error!("the run was not stored: {e}");
            return Err(RunFailure::Store(e.to_string()));
        }
        tracing::info!(ms = clock.elapsed().as_millis() as u64, "stored");
    }
    Ok(report)
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
    let limit = Arc::new(Semaphore::new(1));
    let polled = spawn_watch(config, &loaded, &runtime, &limit, watch).await;
    let duration = polled
        .iter()
        .filter_map(|(_, r)| r.as_ref().ok().map(|o| o.duration))
        .sum();
    let mut errors = Vec::new();
    let mut memory = Memory::default();
    let outcome = combine(watch, polled, &mut errors, None, &mut memory);
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
    let mut evaluations = judge.watch(watch, &outcome, distro, &mut errors).await;
    note_denials(&mut evaluations, &memory.denied);
    Ok(Explanation {
        polled,
        evaluations,
        errors,
    })
}
