//! The command line: arguments, logging, and the mapping of results to exit statuses. One file
//! per subcommand; none of them holds business logic.

mod check;
mod daemon;
mod discover;
mod distro;
mod explain;
mod plugin;
mod plugin_new;
mod report;
mod store;
mod tui;
mod version;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand, ValueEnum};

use crate::config::Config;
use crate::exit;
use crate::net::github::GithubClient;
use crate::net::{Cassette, HttpClient};
use crate::runtime::{ComponentCache, Runtime, RuntimeOptions, Services};
use crate::store::Store;

const AFTER_HELP: &str = "\
Exit status:
  0  nothing at or above --fail-on
  1  findings at or above --fail-on
  2  bad command line or config
  3  the run could not complete (every tracker failed)

Environment:
  GITHUB_TOKEN        token for the `github` import of built-in trackers and of those
                      whose config says `github-token = true` (never shown to plugins)
  ROLLCALL_LOG        log filter, e.g. `info` or `rollcall=debug` (logs go to stderr)
  ROLLCALL_CACHE_DIR  where compiled plugins are cached
  ROLLCALL_DB         the store file (like --db)";

/// rollcall takes the roll of a distribution's upstreams.
///
/// Sandboxed WebAssembly trackers read what upstreams released and how long each release line
/// is supported; rollcall compares that with what distributions ship and reports divergence and
/// end of life as a table, as JSON, and as an exit status.
#[derive(Debug, Clone, Parser)]
#[command(name = "rollcall", version, after_help = AFTER_HELP)]
pub struct Cli {
    /// Config file [default: ./rollcall.toml, then ~/.config/rollcall/rollcall.toml, then the
    /// embedded default]
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Directory for compiled plugins; distro package lists are kept beside it, in `distros`
    /// [default: ~/.cache/rollcall/components]
    #[arg(long, global = true, value_name = "DIR", env = "ROLLCALL_CACHE_DIR")]
    pub cache_dir: Option<PathBuf>,

    /// Keep nothing on disk: compile plugins and read distro indexes every time
    #[arg(long, global = true)]
    pub no_cache: bool,

    /// The store: runs, release history, last good upstream data, HTTP cache
    /// [default: ~/.local/share/rollcall/rollcall.db]
    #[arg(long, global = true, value_name = "FILE", env = "ROLLCALL_DB")]
    pub db: Option<PathBuf>,

    /// Use no store: remember nothing between runs (no history, no revalidation)
    #[arg(long, global = true)]
    pub no_store: bool,

    /// Write every HTTP exchange to a cassette directory (replay it with `--replay`)
    #[arg(long, global = true, value_name = "DIR", conflicts_with = "replay")]
    pub record: Option<PathBuf>,

    /// Answer every HTTP request from a cassette directory; no network at all
    #[arg(long, global = true, value_name = "DIR")]
    pub replay: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Evaluate every watch: what distros ship against what upstream released and supports
    Check(check::CheckArgs),
    /// Poll every watch on its schedule until stopped, storing each run
    Daemon(daemon::DaemonArgs),
    /// Propose a watch for every package of a distro, from its own metadata and naming rules
    Discover(discover::DiscoverArgs),
    /// List the configured distros and show what one ships
    #[command(subcommand)]
    Distro(distro::DistroCommand),
    /// Show how one watch's verdicts were reached: candidates kept and dropped, line, policy
    Explain(explain::ExplainArgs),
    /// List, run and inspect trackers
    #[command(subcommand)]
    Plugin(plugin::PluginCommand),
    /// What changed since a moment: new releases, end of life, verdicts that moved (from the store)
    Report(report::ReportArgs),
    /// Keep the store in bound (`gc`) and merge the stores of shards (`merge`)
    #[command(subcommand)]
    Store(store::StoreCommand),
    /// The terminal dashboard: every verdict worst first, details, trackers, changes; live
    Tui(tui::TuiArgs),
    /// Compare versions and reduce distro versions to upstream ones
    #[command(subcommand)]
    Version(version::VersionCommand),
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns for people
    Table,
    /// One JSON document on stdout, nothing else
    Json,
}

/// Parses the command line, runs it, and returns the exit status.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // The dashboard owns the terminal: logs would scribble over it unless asked for.
    if !matches!(cli.command, Command::Tui(_)) || std::env::var_os("ROLLCALL_LOG").is_some() {
        init_logging();
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(exit::INCOMPLETE);
        }
    };
    let code = runtime.block_on(async {
        match cli.command {
            Command::Check(ref args) => check::run(&cli, args).await,
            Command::Daemon(ref args) => daemon::run(&cli, args).await,
            Command::Discover(ref args) => discover::run(&cli, args).await,
            Command::Distro(ref command) => distro::run(&cli, command).await,
            Command::Explain(ref args) => explain::run(&cli, args).await,
            Command::Plugin(ref command) => plugin::run(&cli, command).await,
            Command::Report(ref args) => report::run(&cli, args).await,
            Command::Store(ref command) => store::run(&cli, command),
            Command::Tui(ref args) => tui::run(&cli, args),
            Command::Version(ref command) => version::run(command),
        }
    });
    // Exit without tearing the async runtime down: every output is flushed and the store's
    // transaction committed by now, and the teardown (worker threads, the plugin pool's
    // reservations) costs a long-running job nothing but a short `check` tens of milliseconds.
    std::process::exit(i32::from(code))
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("ROLLCALL_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(colour_on_stderr(
            std::io::IsTerminal::is_terminal(&std::io::stderr()),
            std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        ))
        .try_init();
}

/// Colour codes only for a person at a terminal who has not asked for none (`NO_COLOR`, as
/// no-color.org defines it: set and not empty); never into a file or a pipe.
fn colour_on_stderr(terminal: bool, no_color: bool) -> bool {
    terminal && !no_color
}

/// Loads the config or prints why not.
fn load_config(cli: &Cli) -> Result<Config, u8> {
    Config::discover(cli.config.as_deref()).map_err(|e| {
        eprintln!("error: {e}");
        exit::USAGE
    })
}

/// Opens the store `--db` names (or the default one), unless `--no-store`.
fn open_store(cli: &Cli) -> Result<Option<Arc<Store>>, u8> {
    if cli.no_store {
        return Ok(None);
    }
    let Some(path) = cli.db.clone().or_else(Store::default_path) else {
        eprintln!(
            "error: no place for the store: HOME is not set\nhelp: pass `--db FILE` or `--no-store`"
        );
        return Err(exit::USAGE);
    };
    Store::open(&path).map(|s| Some(Arc::new(s))).map_err(|e| {
        eprintln!("error: {e}");
        exit::INCOMPLETE
    })
}

/// The plugin runtime for this config; its HTTP client revalidates with `store`'s cache.
fn build_runtime(cli: &Cli, config: Option<&Config>) -> Result<Arc<Runtime>, u8> {
    build_runtime_with(cli, config, None)
}

/// [`build_runtime`] with a store for the HTTP cache.
fn build_runtime_with(
    cli: &Cli,
    config: Option<&Config>,
    store: Option<Arc<Store>>,
) -> Result<Arc<Runtime>, u8> {
    runtime_for(cli, config, store).map_err(|e| {
        eprintln!("error: {e}");
        exit::INCOMPLETE
    })
}

/// [`build_runtime_with`] without printing: the error says what could not be done.
fn runtime_for(
    cli: &Cli,
    config: Option<&Config>,
    store: Option<Arc<Store>>,
) -> Result<Arc<Runtime>, String> {
    let fail = |what: &str, e: anyhow::Error| format!("cannot {what}: {e:#}");
    let mut http = HttpClient::new().map_err(|e| fail("build the HTTP client", e))?;
    if let Some(config) = config {
        http = http.with_policy(config.network.policy());
    }
    if let Some(store) = store {
        http = http.with_cache(store);
    }
    if let Some(dir) = &cli.record {
        http = http.with_cassette(Cassette::Record(dir.clone()));
    } else if let Some(dir) = &cli.replay {
        http = http.with_cassette(Cassette::Replay(dir.clone()));
    }
    let github_base = std::env::var("ROLLCALL_GITHUB_API")
        .unwrap_or_else(|_| "https://api.github.com".to_owned());
    // The `github` import shares the HTTP client: its gates, cache, cassette and caps.
    let github = url::Url::parse(&github_base)
        .map_err(anyhow::Error::from)
        .and_then(|base| GithubClient::new(http.clone(), &base, std::env::var("GITHUB_TOKEN").ok()))
        .map_err(|e| tracing::warn!("the `github` import is unavailable: {e:#}"))
        .ok();
    let cache_dir = if cli.no_cache {
        None
    } else {
        cli.cache_dir.clone().or_else(ComponentCache::default_dir)
    };
    let options = RuntimeOptions {
        cache_dir,
        max_memory_bytes: config.map_or(
            crate::runtime::Limits::default().memory_bytes,
            Config::max_memory_bytes,
        ),
        services: Arc::new(Services { http, github }),
    };
    Runtime::new(options)
        .map(Arc::new)
        .map_err(|e| fail("start the plugin runtime", e))
}

#[cfg(test)]
mod tests {
    #[test]
    fn colour_only_on_a_terminal_without_no_color() {
        assert!(super::colour_on_stderr(true, false));
        assert!(!super::colour_on_stderr(true, true));
        assert!(!super::colour_on_stderr(false, false));
    }
}
