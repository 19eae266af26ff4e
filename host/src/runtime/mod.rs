//! The sandboxed plugin runtime: wasmtime's component model, narrowed to what rollcall uses.
//!
//! One [`Runtime`] per process holds the engine, the linker and the loaded plugins. Loading a
//! plugin compiles it (or takes it from the on-disk cache), pre-instantiates it once and asks it
//! to `describe` itself. Each poll then gets a fresh `Store` from the cached `InstancePre`: no
//! state survives between polls, and a trapped instance is never reused.
//!
//! Sandbox: WASI is linked with an empty context (no preopened directories, no environment, no
//! arguments, sockets and name lookup denied; stderr into a bounded buffer that truncates, stdout
//! discarded); the network is only reachable through the `http` and `github` imports, under the
//! watch's [`Grant`].

mod cache;
mod engine;
mod error;
mod host;
mod limits;
mod policy;
mod stderr;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::{Engine, Store};
use wasmtime_wasi::WasiCtxBuilder;

pub use self::cache::{CacheOutcome, ComponentCache, sha256_hex};
pub use self::engine::MAX_CONCURRENT_POLLS;
pub use self::error::{ErrorKind, PollError, TrackerError};
use self::host::HostState;
pub use self::host::{MAX_DENIALS, MAX_LOG_BYTES, MAX_LOG_MESSAGES, Services, Usage};
use self::limits::MemoryCap;
pub use self::limits::{Limits, MAX_MEMORY_BYTES, MemoryLimitExceeded};
pub use self::policy::{MAX_FINDING_BYTES, MAX_FINDINGS, PolicyFacts, PolicyFinding, PolicyPlugin};
use self::stderr::StderrPipe;
use crate::model::{self, PluginInfo, UpstreamData};
use crate::net::Grant;

mod bindings {
    wasmtime::component::bindgen!({
        path: "../wit",
        world: "tracker",
        imports: { default: async | trappable },
        exports: { default: async },
    });
}

use bindings::rollcall::plugin::types;

/// Bytes of guest stderr kept (the first and the last half); enough for a panic message and
/// some context. Writes past it are dropped, never refused.
const STDERR_CAPACITY: usize = 8 << 10;

/// Options for [`Runtime::new`].
#[derive(Debug, Clone)]
pub struct RuntimeOptions {
    /// Where compiled components are cached; `None` compiles every time.
    pub cache_dir: Option<std::path::PathBuf>,
    /// The largest memory cap any plugin will get.
    pub max_memory_bytes: usize,
    /// Network services.
    pub services: Arc<Services>,
}

/// The engine, the linker and the loaded plugins.
pub struct Runtime {
    engine: Engine,
    linker: Linker<HostState>,
    policy_linker: Linker<HostState>,
    cache: ComponentCache,
    services: Arc<Services>,
    loaded: Mutex<Vec<Arc<Plugin>>>,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("cache", &self.cache)
            .finish_non_exhaustive()
    }
}

/// The version of the `rollcall:plugin` package this host links (`wit/tracker.wit`).
pub const CONTRACT_VERSION: &str = "0.3.0";

/// The versions of `rollcall:plugin` a component imports or exports, as written in its
/// interface names (`rollcall:plugin/http@0.2.0`).
fn contract_versions(component: &Component, engine: &Engine) -> Vec<String> {
    let ty = component.component_type();
    let mut versions: Vec<String> = ty
        .imports(engine)
        .map(|(name, _)| name)
        .chain(ty.exports(engine).map(|(name, _)| name))
        .filter(|name| name.starts_with("rollcall:plugin/"))
        .filter_map(|name| Some(name.split_once('@')?.1.to_owned()))
        .collect();
    versions.sort();
    versions.dedup();
    versions
}

/// A compiled, pre-instantiated tracker.
pub struct Plugin {
    pre: bindings::TrackerPre<HostState>,
    info: PluginInfo,
    sha256: String,
    cache: CacheOutcome,
}

impl std::fmt::Debug for Plugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Plugin")
            .field("info", &self.info)
            .field("sha256", &self.sha256)
            .field("cache", &self.cache)
            .finish_non_exhaustive()
    }
}

impl Plugin {
    /// What the tracker said about itself.
    pub fn info(&self) -> &PluginInfo {
        &self.info
    }

    /// SHA-256 of the component, hex.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// Whether loading compiled it or reused compiled code.
    pub fn cache_outcome(&self) -> CacheOutcome {
        self.cache
    }
}

/// The result of one poll, successful or not, with what it consumed.
#[derive(Debug, Clone)]
pub struct PollOutcome {
    /// The data, or why there is none.
    pub result: Result<UpstreamData, PollError>,
    /// Wall time of the poll.
    pub duration: Duration,
    /// Calls, bytes and denials.
    pub usage: Usage,
    /// Largest memory reached, bytes.
    pub peak_memory: usize,
}

impl Runtime {
    /// Builds the engine and links the contract and an empty WASI.
    pub fn new(options: RuntimeOptions) -> anyhow::Result<Self> {
        let engine = engine::new_engine(options.max_memory_bytes)?;
        let mut linker = Linker::new(&engine);
        bindings::Tracker::add_to_linker::<HostState, wasmtime::component::HasSelf<HostState>>(
            &mut linker,
            |state| state,
        )
        .map_err(|e| anyhow::anyhow!("linking the tracker contract: {e}"))?;
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)
            .map_err(|e| anyhow::anyhow!("linking WASI: {e}"))?;
        let cache = ComponentCache::new(&engine, options.cache_dir);
        let policy_linker = policy::linker(&engine)?;
        Ok(Self {
            engine,
            linker,
            policy_linker,
            cache,
            services: options.services,
            loaded: Mutex::new(Vec::new()),
        })
    }

    /// Where the host keeps what it read besides compiled plugins (distro package lists): a
    /// `distros` directory beside the component cache; none when caching is off.
    pub fn state_dir(&self) -> Option<std::path::PathBuf> {
        let components = self.cache.dir()?;
        Some(components.parent().unwrap_or(components).join("distros"))
    }

    /// The HTTP client, for fetches the host makes itself (distro indexes).
    pub fn http(&self) -> &crate::net::HttpClient {
        &self.services.http
    }

    /// The client behind the `github` import, when it could be built.
    pub fn github(&self) -> Option<&crate::net::github::GithubClient> {
        self.services.github.as_ref()
    }

    /// Compiles (or loads from the cache) and describes a component. Loading the same bytes
    /// twice returns the same plugin.
    pub async fn load(&self, bytes: &[u8]) -> anyhow::Result<Arc<Plugin>> {
        let sha256 = sha256_hex(bytes);
        if let Some(found) = self.find(&sha256) {
            return Ok(found);
        }
        let (engine, cache, owned, key) = (
            self.engine.clone(),
            self.cache.clone(),
            bytes.to_vec(),
            sha256.clone(),
        );
        let (component, outcome) =
            tokio::task::spawn_blocking(move || cache.load(&engine, &owned, &key))
                .await
                .map_err(|e| anyhow::anyhow!("compilation task failed: {e}"))??;
        let pre = self.pre_instantiate(&component)?;
        let info = self.describe(&pre).await?;
        let plugin = Arc::new(Plugin {
            pre,
            info,
            sha256,
            cache: outcome,
        });
        let mut loaded = self.loaded.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(found) = loaded.iter().find(|p| p.sha256 == plugin.sha256) {
            return Ok(found.clone());
        }
        loaded.push(plugin.clone());
        Ok(plugin)
    }

    fn find(&self, sha256: &str) -> Option<Arc<Plugin>> {
        let loaded = self.loaded.lock().unwrap_or_else(|p| p.into_inner());
        loaded.iter().find(|p| p.sha256 == sha256).cloned()
    }

    fn pre_instantiate(
        &self,
        component: &Component,
    ) -> anyhow::Result<bindings::TrackerPre<HostState>> {
        let mismatch = || {
            contract_versions(component, &self.engine)
                .into_iter()
                .find(|v| v != CONTRACT_VERSION)
                .map(|v| {
                    format!(
                        "\nthe component was built against `rollcall:plugin@{v}`; this rollcall links `rollcall:plugin@{CONTRACT_VERSION}` (0.3.0 added `upstream-data.listing`)"
                    )
                })
                .unwrap_or_default()
        };
        let pre = self.linker.instantiate_pre(component).map_err(|e| {
            anyhow::anyhow!(
                "the component does not fit the `rollcall:plugin/tracker` world: {e}{}\n\
                 help: build it against this rollcall's `wit/tracker.wit`",
                mismatch()
            )
        })?;
        bindings::TrackerPre::new(pre).map_err(|e| {
            anyhow::anyhow!(
                "the component does not export `rollcall:plugin/tracking@{CONTRACT_VERSION}`: {e}{}\n\
                 help: build it against this rollcall's `wit/tracker.wit`",
                mismatch()
            )
        })
    }

    fn new_store(
        &self,
        grant: Arc<Grant>,
        limits: Limits,
        plugin: &str,
    ) -> (Store<HostState>, StderrPipe) {
        let stderr = StderrPipe::new(STDERR_CAPACITY);
        let wasi = WasiCtxBuilder::new()
            .stderr(stderr.clone())
            .allow_tcp(false)
            .allow_udp(false)
            .allow_ip_name_lookup(false)
            .build();
        let state = HostState {
            wasi,
            table: ResourceTable::new(),
            memory: MemoryCap::new(limits.memory_bytes),
            services: self.services.clone(),
            grant,
            limits,
            plugin: Arc::from(plugin),
            usage: Usage::default(),
        };
        let mut store = Store::new(&self.engine, state);
        store.limiter(|state| &mut state.memory);
        store.set_epoch_deadline(1);
        store.epoch_deadline_async_yield_and_update(1);
        (store, stderr)
    }

    async fn describe(&self, pre: &bindings::TrackerPre<HostState>) -> anyhow::Result<PluginInfo> {
        let limits = Limits {
            max_http_calls: 0,
            max_regex_calls: 0,
            timeout: Duration::from_secs(10),
            ..Limits::default()
        };
        let (mut store, stderr) = self.new_store(Arc::new(Grant::default()), limits, "describe");
        let call = async {
            let instance = pre.instantiate_async(&mut store).await?;
            instance
                .rollcall_plugin_tracking()
                .call_describe(&mut store)
                .await
        };
        let info = match tokio::time::timeout(limits.timeout, call).await {
            Err(_) => anyhow::bail!("`describe` did not return within {:?}", limits.timeout),
            Ok(Err(e)) => {
                let why = PollError::from_wasm(&e, &stderr.contents());
                anyhow::bail!("`describe` failed: {why}")
            }
            Ok(Ok(info)) => info,
        };
        plugin_info(info)
    }

    /// Polls `plugin` once with `settings`, reaching only what `grant` allows, within `limits`.
    pub async fn poll(
        &self,
        plugin: &Plugin,
        settings: &[(String, String)],
        grant: Grant,
        limits: Limits,
    ) -> PollOutcome {
        let started = Instant::now();
        let (mut store, stderr) = self.new_store(Arc::new(grant), limits, &plugin.info.name);
        let result = {
            let call = async {
                let instance = plugin.pre.instantiate_async(&mut store).await?;
                instance
                    .rollcall_plugin_tracking()
                    .call_poll(&mut store, settings)
                    .await
            };
            tokio::time::timeout(limits.timeout, call).await
        };
        let stderr = stderr.contents();
        let result = match result {
            Err(_elapsed) => Err(PollError::Timeout {
                limit: limits.timeout,
            }),
            Ok(Err(trap)) => Err(PollError::from_wasm(&trap, &stderr)),
            Ok(Ok(Err(e))) => Err(PollError::Tracker(tracker_error(e))),
            Ok(Ok(Ok(data))) => upstream_data(data).and_then(|data| {
                let size = data.approx_size();
                if size > limits.max_output_bytes {
                    Err(PollError::OutputTooLarge {
                        size,
                        limit: limits.max_output_bytes,
                    })
                } else {
                    Ok(data)
                }
            }),
        };
        if !stderr.trim().is_empty() && result.is_ok() {
            tracing::debug!(plugin = %plugin.info.name, "stderr: {}", stderr.trim());
        }
        let state = store.into_data();
        state.usage.report_dropped_logs(&plugin.info.name);
        PollOutcome {
            result,
            duration: started.elapsed(),
            peak_memory: state.memory.peak(),
            usage: state.usage,
        }
    }
}

fn tracker_error(e: types::Error) -> TrackerError {
    match e {
        types::Error::Network(m) => TrackerError::Network(m),
        types::Error::Status(s) => TrackerError::Status {
            url: s.url,
            status: s.status,
        },
        types::Error::RateLimited(r) => TrackerError::RateLimited {
            url: r.url,
            status: r.status,
            retry_after: r.retry_after,
        },
        types::Error::Parse(m) => TrackerError::Parse(m),
        types::Error::Config(m) => TrackerError::Config(m),
        types::Error::Denied(m) => TrackerError::Denied(m),
        types::Error::Other(m) => TrackerError::Other(m),
    }
}

fn plugin_info(info: types::PluginInfo) -> anyhow::Result<PluginInfo> {
    let name_ok = !info.name.is_empty()
        && info
            .name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !name_ok {
        anyhow::bail!(
            "the plugin calls itself `{}`; names are lower-case kebab-case",
            info.name
        );
    }
    Ok(PluginInfo {
        name: info.name,
        version: info.version,
        summary: info.summary,
        hosts: info.hosts,
        settings: info
            .settings
            .into_iter()
            .map(|s| model::SettingInfo {
                name: s.name,
                description: s.description,
                required: s.required,
                default: s.default,
            })
            .collect(),
    })
}

fn upstream_data(data: types::UpstreamData) -> Result<UpstreamData, PollError> {
    let bad = PollError::BadOutput;
    let mut releases = Vec::with_capacity(data.releases.len());
    for r in data.releases {
        if r.version.trim().is_empty() {
            return Err(bad("a release has an empty version".into()));
        }
        let what = format!("release `{}` date", r.version);
        releases.push(model::Release {
            date: model::tracker_day(r.date, &what).map_err(bad)?,
            version: r.version,
            prerelease: r.prerelease,
            line: r.line,
            url: r.url,
        });
    }
    let mut lines = Vec::with_capacity(data.lines.len());
    for l in data.lines {
        if l.name.trim().is_empty() {
            return Err(bad("a release line has an empty name".into()));
        }
        let day = |raw: Option<String>, field: &str| {
            model::tracker_day(raw, &format!("line `{}` {field}", l.name))
                .map_err(PollError::BadOutput)
        };
        lines.push(model::ReleaseLine {
            release_date: day(l.release_date, "release-date")?,
            end_of_active_support: day(l.end_of_active_support, "end-of-active-support")?,
            end_of_life: day(l.end_of_life, "end-of-life")?,
            latest_date: day(l.latest_date, "latest-date")?,
            name: l.name,
            label: l.label,
            is_eol: l.is_eol,
            eol_source: match l.eol_source {
                types::DateSource::Announced => model::DateSource::Announced,
                types::DateSource::Projected => model::DateSource::Projected,
            },
            lts: l.lts,
            latest: l.latest,
            eol_from: None,
        });
    }
    Ok(UpstreamData {
        releases,
        lines,
        complete: data.listing == types::Listing::Complete,
        ..UpstreamData::default()
    })
}
