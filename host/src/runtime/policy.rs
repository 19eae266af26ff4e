//! Policy plugins: components of world `policy` that refine a verdict with findings.
//!
//! They run in the same engine, with the same limits, as trackers, through a linker of their
//! own that offers only `log` and an empty WASI: a policy has no network at all. `name` and
//! `check` both run under the plugin's wall time and memory caps; findings are capped in number
//! and size. A policy that times out or crashes is not called again in the same run (it is
//! loaded afresh for each run), so a spinning policy costs one timeout, not one per verdict.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use wasmtime::component::{Component, Linker};

use super::error::PollError;
use super::host::HostState;
use super::{Limits, Runtime, cache::sha256_hex};
use crate::evaluate::Severity;
use crate::model;
use crate::net::Grant;

pub(super) mod bindings {
    wasmtime::component::bindgen!({
        path: "../wit",
        world: "policy",
        imports: { default: async | trappable },
        exports: { default: async },
    });
}

use bindings::exports::rollcall::plugin::rules;
use bindings::rollcall::plugin::{log, types};

/// Most findings one `check` may return.
pub const MAX_FINDINGS: usize = 64;

/// Longest finding message, bytes.
pub const MAX_FINDING_BYTES: usize = 2_000;

/// Longest name a policy may give itself.
const MAX_NAME_BYTES: usize = 64;

/// A compiled, pre-instantiated policy.
pub struct PolicyPlugin {
    pre: bindings::PolicyPre<HostState>,
    name: String,
    sha256: String,
    /// Set when a `check` timed out or crashed: later calls in the run fail at once with it.
    broken: Mutex<Option<PollError>>,
}

impl std::fmt::Debug for PolicyPlugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PolicyPlugin")
            .field("name", &self.name)
            .field("sha256", &self.sha256)
            .finish_non_exhaustive()
    }
}

impl PolicyPlugin {
    /// The name the policy gives itself.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// The verdict a policy refines, in the host's terms.
#[derive(Debug, Clone)]
pub struct PolicyFacts {
    /// Watch, distro and package.
    pub watch: String,
    /// The distro's name.
    pub distro: String,
    /// The package.
    pub package: String,
    /// The version as the distro writes it.
    pub shipped: String,
    /// Its upstream part.
    pub shipped_upstream: String,
    /// Its line.
    pub line: Option<String>,
    /// The built-in status.
    pub status: String,
    /// Metrics of the built-in verdict.
    pub releases_behind: Option<u32>,
    /// See [`crate::evaluate::Verdict::lines_behind`].
    pub lines_behind: Option<u32>,
    /// See [`crate::evaluate::Verdict::days_behind`].
    pub days_behind: Option<i64>,
    /// See [`crate::evaluate::Verdict::support_days_left`].
    pub support_days_left: Option<i64>,
    /// Today.
    pub today: crate::day::Day,
}

/// One finding of a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyFinding {
    /// How much it matters.
    pub severity: Severity,
    /// What it says.
    pub message: String,
}

pub(super) fn linker(engine: &wasmtime::Engine) -> anyhow::Result<Linker<HostState>> {
    let mut linker = Linker::new(engine);
    bindings::Policy::add_to_linker::<HostState, wasmtime::component::HasSelf<HostState>>(
        &mut linker,
        |state| state,
    )
    .map_err(|e| anyhow::anyhow!("linking the policy contract: {e}"))?;
    wasmtime_wasi::p2::add_to_linker_async(&mut linker)
        .map_err(|e| anyhow::anyhow!("linking WASI: {e}"))?;
    Ok(linker)
}

impl types::Host for HostState {}

impl log::Host for HostState {
    async fn log(&mut self, level: log::Level, message: String) -> wasmtime::Result<()> {
        use super::bindings::rollcall::plugin::log::{Host as TrackerLog, Level};
        let level = match level {
            log::Level::Trace => Level::Trace,
            log::Level::Debug => Level::Debug,
            log::Level::Info => Level::Info,
            log::Level::Warn => Level::Warn,
            log::Level::Error => Level::Error,
        };
        <HostState as TrackerLog>::log(self, level, message).await
    }
}

impl Runtime {
    /// Compiles (or loads from the cache) a policy component and asks its name, within
    /// `limits` (the plugin's `[plugins.NAME]` limits: wall time and memory).
    pub async fn load_policy(
        &self,
        bytes: &[u8],
        limits: Limits,
    ) -> anyhow::Result<Arc<PolicyPlugin>> {
        let sha256 = sha256_hex(bytes);
        let (engine, cache, owned, key) = (
            self.engine.clone(),
            self.cache.clone(),
            bytes.to_vec(),
            sha256.clone(),
        );
        let (component, _) = tokio::task::spawn_blocking(move || cache.load(&engine, &owned, &key))
            .await
            .map_err(|e| anyhow::anyhow!("compilation task failed: {e}"))??;
        let pre = self.pre_policy(&component)?;
        let (mut store, stderr) = self.new_store(Arc::new(Grant::default()), limits, "policy");
        let call = async {
            let instance = pre.instantiate_async(&mut store).await?;
            instance.rollcall_plugin_rules().call_name(&mut store).await
        };
        let name = match tokio::time::timeout(limits.timeout, call).await {
            Err(_) => anyhow::bail!(
                "`name` did not return within {}s\nhelp: a policy's `name` only returns a constant; raise `timeout-secs` for this plugin if the machine is very slow",
                limits.timeout.as_secs_f64()
            ),
            Ok(Err(e)) => {
                let why = PollError::from_wasm(&e, &stderr.contents());
                anyhow::bail!("`name` failed: {why}")
            }
            Ok(Ok(name)) => name,
        };
        store.data().usage.report_dropped_logs("policy");
        let kebab = name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if name.is_empty() || name.len() > MAX_NAME_BYTES || !kebab {
            let shown: String = name.chars().take(MAX_NAME_BYTES).collect();
            anyhow::bail!(
                "the policy calls itself `{shown}`{}; names are lower-case kebab-case, at most {MAX_NAME_BYTES} bytes",
                if shown.len() < name.len() { "…" } else { "" }
            );
        }
        Ok(Arc::new(PolicyPlugin {
            pre,
            name,
            sha256,
            broken: Mutex::new(None),
        }))
    }

    fn pre_policy(&self, component: &Component) -> anyhow::Result<bindings::PolicyPre<HostState>> {
        let pre = self.policy_linker.instantiate_pre(component).map_err(|e| {
            anyhow::anyhow!(
                "the component does not fit the `rollcall:plugin/policy` world: {e}\n\
                 help: build it against this rollcall's `wit/policy.wit`"
            )
        })?;
        bindings::PolicyPre::new(pre).map_err(|e| {
            anyhow::anyhow!("the component does not export `rollcall:plugin/rules`: {e}")
        })
    }

    /// Runs one policy on one verdict, within `limits`; findings are checked against
    /// [`MAX_FINDINGS`], [`MAX_FINDING_BYTES`] and `max-output-mib`.
    pub async fn check_policy(
        &self,
        plugin: &PolicyPlugin,
        facts: &PolicyFacts,
        upstream: &model::UpstreamData,
        settings: &[(String, String)],
        limits: Limits,
    ) -> Result<Vec<PolicyFinding>, PollError> {
        if let Some(earlier) = plugin
            .broken
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
        {
            return Err(earlier);
        }
        let started = Instant::now();
        let (mut store, stderr) = self.new_store(Arc::new(Grant::default()), limits, &plugin.name);
        let input = verdict_facts(facts);
        let releases: Vec<types::Release> = upstream.releases.iter().map(release).collect();
        let lines: Vec<types::ReleaseLine> = upstream.lines.iter().map(release_line).collect();
        let result = {
            let call = async {
                let instance = plugin.pre.instantiate_async(&mut store).await?;
                instance
                    .rollcall_plugin_rules()
                    .call_check(&mut store, &input, &releases, &lines, settings)
                    .await
            };
            tokio::time::timeout(limits.timeout, call).await
        };
        tracing::debug!(policy = %plugin.name, us = started.elapsed().as_micros() as u64, "policy checked");
        store.data().usage.report_dropped_logs(&plugin.name);
        let outcome = match result {
            Err(_) => Err(PollError::Timeout {
                limit: limits.timeout,
            }),
            Ok(Err(trap)) => Err(PollError::from_wasm(&trap, &stderr.contents())),
            Ok(Ok(Err(message))) => {
                let message = if message.len() > MAX_FINDING_BYTES {
                    format!("{}…", cut(&message, MAX_FINDING_BYTES))
                } else {
                    message
                };
                return Err(PollError::Tracker(super::TrackerError::Other(message)));
            }
            Ok(Ok(Ok(findings))) => findings_within(findings, limits.max_output_bytes),
        };
        if let Err(
            e @ (PollError::Timeout { .. }
            | PollError::MemoryLimit(_)
            | PollError::Panic { .. }
            | PollError::Trap { .. }),
        ) = &outcome
        {
            *plugin.broken.lock().unwrap_or_else(PoisonError::into_inner) = Some(e.clone());
        }
        outcome
    }
}

/// The longest prefix of `text` of at most `max` bytes, on a character boundary.
fn cut(text: &str, max: usize) -> &str {
    let mut end = max.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The findings, if they fit the caps: their number, each message's length and their total
/// size (`max-output-mib`, as for a tracker's data).
fn findings_within(
    findings: Vec<rules::Finding>,
    max_output_bytes: u64,
) -> Result<Vec<PolicyFinding>, PollError> {
    let size: u64 = findings.iter().map(|f| 16 + f.message.len() as u64).sum();
    if size > max_output_bytes {
        return Err(PollError::OutputTooLarge {
            size,
            limit: max_output_bytes,
        });
    }
    if findings.len() > MAX_FINDINGS {
        return Err(PollError::BadOutput(format!(
            "{} findings for one verdict, more than the {MAX_FINDINGS} a policy may return",
            findings.len()
        )));
    }
    if let Some((i, f)) = findings
        .iter()
        .enumerate()
        .find(|(_, f)| f.message.len() > MAX_FINDING_BYTES)
    {
        return Err(PollError::BadOutput(format!(
            "finding {} has a message of {} bytes, more than the {MAX_FINDING_BYTES}-byte cap (a finding is one line: `{}…`)",
            i + 1,
            f.message.len(),
            cut(&f.message, 60)
        )));
    }
    Ok(findings
        .into_iter()
        .map(|f| PolicyFinding {
            severity: match f.severity {
                rules::Severity::Ok => Severity::Ok,
                rules::Severity::Info => Severity::Info,
                rules::Severity::Warning => Severity::Warning,
                rules::Severity::Critical => Severity::Critical,
            },
            message: f.message,
        })
        .collect())
}

fn verdict_facts(f: &PolicyFacts) -> rules::VerdictFacts {
    rules::VerdictFacts {
        watch: f.watch.clone(),
        distro: f.distro.clone(),
        package_name: f.package.clone(),
        shipped: f.shipped.clone(),
        shipped_upstream: f.shipped_upstream.clone(),
        line: f.line.clone(),
        status: f.status.clone(),
        releases_behind: f.releases_behind,
        lines_behind: f.lines_behind,
        days_behind: f.days_behind,
        support_days_left: f.support_days_left,
        today: f.today.to_string(),
    }
}

fn day(d: Option<crate::day::Day>) -> Option<String> {
    d.map(|d| d.to_string())
}

fn release(r: &model::Release) -> types::Release {
    types::Release {
        version: r.version.clone(),
        date: day(r.date),
        prerelease: r.prerelease,
        line: r.line.clone(),
        url: r.url.clone(),
    }
}

fn release_line(l: &model::ReleaseLine) -> types::ReleaseLine {
    types::ReleaseLine {
        name: l.name.clone(),
        label: l.label.clone(),
        release_date: day(l.release_date),
        end_of_active_support: day(l.end_of_active_support),
        end_of_life: day(l.end_of_life),
        is_eol: l.is_eol,
        eol_source: match l.eol_source {
            model::DateSource::Announced => types::DateSource::Announced,
            model::DateSource::Projected => types::DateSource::Projected,
        },
        lts: l.lts,
        latest: l.latest.clone(),
        latest_date: day(l.latest_date),
    }
}
