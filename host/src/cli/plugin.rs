//! `rollcall plugin list` and `rollcall plugin run`.

use std::io::Write;
use std::path::PathBuf;

use clap::Subcommand;
use serde::Serialize;

use super::{Cli, Format, build_runtime};
use crate::config::Config;
use crate::exit;
use crate::model::{PluginInfo, UpstreamData};
use crate::net::HostRule;
use crate::runtime::Usage;
use crate::trackers::{self, TrackerSource};

/// The `plugin` subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum PluginCommand {
    /// List the built-in trackers and those the config adds, with their settings
    List {
        /// Output format
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Run one tracker and print what it returned as JSON (the plugin author's first tool)
    #[command(
        after_help = "Examples:\n  rollcall plugin run kernel-org\n  rollcall plugin run endoflife --set product=kubernetes\n  rollcall plugin run ./target/wasm32-wasip2/release/my_tracker.wasm --allow-host releases.example.org"
    )]
    Run {
        /// A tracker name (built-in or from the config) or the path of a `.wasm` component
        target: String,
        /// A setting for the tracker, repeatable
        #[arg(long = "set", value_name = "KEY=VALUE", value_parser = parse_setting)]
        settings: Vec<(String, String)>,
        /// Grant a host to a `.wasm` file given by path (it must also declare it), repeatable
        #[arg(long = "allow-host", value_name = "HOST")]
        allow_hosts: Vec<String>,
    },
}

fn parse_setting(raw: &str) -> Result<(String, String), String> {
    match raw.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_owned(), v.to_owned())),
        _ => Err(format!(
            "`{raw}` is not KEY=VALUE (for example `--set product=kubernetes`)"
        )),
    }
}

/// Runs a `plugin` subcommand and returns the exit status.
pub async fn run(cli: &Cli, command: &PluginCommand) -> u8 {
    match command {
        PluginCommand::List { format } => list(cli, *format).await,
        PluginCommand::Run {
            target,
            settings,
            allow_hosts,
        } => run_one(cli, target, settings, allow_hosts).await,
    }
}

#[derive(Serialize)]
struct Listed {
    source: String,
    #[serde(flatten)]
    info: PluginInfo,
}

async fn list(cli: &Cli, format: Format) -> u8 {
    let config = match super::load_config(cli) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let runtime = match build_runtime(cli, Some(&config)) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let mut listed = Vec::new();
    let mut failed = false;
    for name in trackers::known_names(&config) {
        let Some(source) = trackers::resolve(&config, &name) else {
            continue;
        };
        let (label, bytes) = match &source {
            TrackerSource::Builtin(b) => ("built-in".to_owned(), Ok(b.to_vec())),
            TrackerSource::File(p) => (p.display().to_string(), std::fs::read(p)),
        };
        let loaded = match bytes {
            Ok(bytes) => runtime.load(&bytes).await.map_err(|e| format!("{e:#}")),
            Err(e) => Err(e.to_string()),
        };
        match loaded {
            Ok(plugin) => listed.push(Listed {
                source: label,
                info: PluginInfo {
                    name: name.clone(),
                    ..plugin.info().clone()
                },
            }),
            Err(e) => {
                eprintln!("error: tracker `{name}` ({label}): {e}");
                failed = true;
            }
        }
    }
    let text = match format {
        Format::Json => serde_json::to_string_pretty(&listed).unwrap_or_default() + "\n",
        Format::Table => {
            let mut out = String::new();
            for p in &listed {
                let from_settings: Vec<&str> = p
                    .info
                    .settings
                    .iter()
                    .map(|s| s.name.as_str())
                    .filter(|n| crate::run::is_url_setting(n))
                    .collect();
                let mut hosts = p.info.hosts.join(", ");
                if !from_settings.is_empty() {
                    let named = format!("the host of `{}`", from_settings.join("`, `"));
                    hosts = if hosts.is_empty() {
                        named
                    } else {
                        format!("{hosts}, or {named}")
                    };
                }
                out.push_str(&format!(
                    "{} {} ({})\n  {}\n  hosts: {hosts}\n",
                    p.info.name, p.info.version, p.source, p.info.summary,
                ));
                for s in &p.info.settings {
                    let default = s
                        .default
                        .as_deref()
                        .map(|d| format!(" [default: {d}]"))
                        .unwrap_or_default();
                    let required = if s.required { " (required)" } else { "" };
                    out.push_str(&format!(
                        "  --set {}=…{required}  {}{default}\n",
                        s.name, s.description
                    ));
                }
                out.push('\n');
            }
            out
        }
    };
    print(&text);
    if failed { exit::INCOMPLETE } else { exit::OK }
}

#[derive(Serialize)]
struct RunOutput<'a> {
    tracker: &'a str,
    version: &'a str,
    duration_ms: u64,
    http_calls: u32,
    bytes_in: u64,
    peak_memory_bytes: usize,
    denials: &'a [String],
    data: &'a UpstreamData,
}

async fn run_one(
    cli: &Cli,
    target: &str,
    settings: &[(String, String)],
    allow_hosts: &[String],
) -> u8 {
    // A path runs that file; a name is resolved like a watch's tracker.
    let as_path = PathBuf::from(target);
    let config = if target.ends_with(".wasm") {
        None
    } else {
        match super::load_config(cli) {
            Ok(c) => Some(c),
            Err(code) => return code,
        }
    };
    let source = match &config {
        None => TrackerSource::File(as_path),
        Some(config) => match trackers::resolve(config, target) {
            Some(source) => source,
            None => {
                eprintln!(
                    "error: there is no tracker `{target}`\nhelp: known trackers: {}; or pass the path of a `.wasm` file",
                    trackers::known_names(config).join(", ")
                );
                return exit::USAGE;
            }
        },
    };
    let bytes = match &source {
        TrackerSource::Builtin(b) => b.to_vec(),
        TrackerSource::File(path) => match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("error: cannot read `{}`: {e}", path.display());
                return exit::USAGE;
            }
        },
    };
    let runtime = match build_runtime(cli, config.as_ref()) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let plugin = match runtime.load(&bytes).await {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: cannot load `{target}`: {e:#}");
            return exit::INCOMPLETE;
        }
    };
    let info = plugin.info();
    for (key, _) in settings {
        if info.setting(key).is_none() {
            let known: Vec<&str> = info.settings.iter().map(|s| s.name.as_str()).collect();
            eprintln!(
                "error: tracker `{}` has no setting `{key}`\nhelp: its settings are: {}",
                info.name,
                known.join(", ")
            );
            return exit::USAGE;
        }
    }
    let mut plugin_config = config
        .as_ref()
        .and_then(|c| c.plugins.get(target).cloned())
        .unwrap_or_default();
    for host in allow_hosts {
        if let Err(e) = HostRule::parse(host) {
            eprintln!("error: --allow-host {e}");
            return exit::USAGE;
        }
        plugin_config
            .allow_hosts
            .push(toml::Spanned::new(0..0, host.clone()));
    }
    let urls: Vec<(&str, &str)> = settings
        .iter()
        .filter(|(k, _)| crate::run::is_url_setting(k))
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let grant = match trackers::grant(target, &source, info, Some(&plugin_config), &urls) {
        Ok(g) => g,
        Err(e) => {
            eprintln!(
                "error: {e}\nhelp: for a file given by path, grant hosts with `--allow-host HOST`"
            );
            return exit::USAGE;
        }
    };
    let limits = config
        .as_ref()
        .map_or_else(Default::default, |c: &Config| c.limits(target));
    let outcome = runtime.poll(&plugin, settings, grant, limits).await;
    let usage: &Usage = &outcome.usage;
    match &outcome.result {
        Ok(data) => {
            let out = RunOutput {
                tracker: &info.name,
                version: &info.version,
                duration_ms: outcome.duration.as_millis() as u64,
                http_calls: usage.calls,
                bytes_in: usage.bytes_in,
                peak_memory_bytes: outcome.peak_memory,
                denials: &usage.denials,
                data,
            };
            print(&(serde_json::to_string_pretty(&out).unwrap_or_default() + "\n"));
            exit::OK
        }
        Err(e) => {
            eprintln!("error: tracker `{}` {e}", info.name);
            for denial in &usage.denials {
                eprintln!("note: denied: {denial}");
            }
            exit::INCOMPLETE
        }
    }
}

fn print(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
}
