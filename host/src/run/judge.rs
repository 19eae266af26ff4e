//! Judging a watch: what each distro ships (read concurrently, failures kept per distro), the
//! built-in evaluation per (distro, package), then the watch's policy plugins.

use std::collections::BTreeMap;

use tokio::task::JoinSet;

use super::Failure;
use super::load::LoadedPolicy;
use crate::config::{Config, Watch};
use crate::day::Day;
use crate::distros::{self, DistroError, Shipped};
use crate::evaluate::{self, Evaluation, Facts, Finding, Status, Trace};
use crate::model::UpstreamData;
use crate::report::{FailureKind, RunError};
use crate::runtime::{PolicyFacts, Runtime};

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
pub(super) fn evaluate_watch(
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
                if let Ok(UpstreamData {
                    stale: Some(note), ..
                }) = outcome
                {
                    evaluation
                        .verdict
                        .explanation
                        .push_str(&format!(" [{note}]"));
                }
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

/// Everything judging a watch needs besides the watch: evaluation, then policy plugins.
pub(super) struct Judge<'a> {
    pub(super) config: &'a Config,
    pub(super) runtime: &'a Runtime,
    pub(super) policies: &'a BTreeMap<String, LoadedPolicy>,
    pub(super) shipped: &'a ShippedLists,
    pub(super) today: Day,
}

impl Judge<'_> {
    /// The watch's evaluations, policy findings included; failing policies go to `errors`.
    pub(super) async fn watch(
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

/// Runs the watch's policy plugins on its evaluations: findings join the verdict, raising its
/// severity to the worst of them; a failing policy becomes a run error, the verdict stays.
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
                errors.push(policy_error(watch, FailureKind::Host, e.clone()));
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
                    let kind = e.kind();
                    errors.push(policy_error(
                        watch,
                        kind,
                        format!("policy `{name}` failed: {e}"),
                    ));
                    break;
                }
            }
        }
    }
}

fn policy_error(watch: &Watch, kind: FailureKind, message: String) -> RunError {
    RunError {
        watch: watch.name.get_ref().to_string(),
        tracker: None,
        kind,
        message,
        stale_from: None,
    }
}
