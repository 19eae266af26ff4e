//! `rollcall plugin list`, `rollcall plugin run` and `rollcall plugin test`.

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
    /// Create a tracker crate that builds for wasm32-wasip2 and passes its test as created
    #[command(
        after_help = "Example:\n  rollcall plugin new my-forge\n  cd my-forge && cargo build --target wasm32-wasip2 --release

The crate vendors this rollcall's guest SDK and contract, a recorded response and the
result `plugin test` must see; its README.md has the commands."
    )]
    New {
        /// The tracker's name (lower-case letters, digits, `-`); also the crate's
        name: String,
        /// Where to create it [default: ./NAME]
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Run one tracker against recorded responses and compare what it returns with a JSON file
    #[command(after_help = TEST_HELP)]
    Test {
        /// A tracker name (built-in or from the config) or the path of a `.wasm` component
        target: String,
        /// A setting for the tracker, repeatable
        #[arg(long = "set", value_name = "KEY=VALUE", value_parser = parse_setting)]
        settings: Vec<(String, String)>,
        /// Grant a host to a `.wasm` file given by path (it must also declare it), repeatable
        #[arg(long = "allow-host", value_name = "HOST")]
        allow_hosts: Vec<String>,
        /// The data the tracker must return (the `data` of `plugin run`, as JSON)
        #[arg(long, value_name = "FILE")]
        expect: Option<PathBuf>,
        /// Write what the tracker returned to the `--expect` file instead of comparing
        #[arg(long, requires = "expect")]
        bless: bool,
    },
}

const TEST_HELP: &str = "\
Examples:
  # once, with the network: record the responses and the expected result
  rollcall --record tests/cassette plugin test ./my_tracker.wasm --allow-host releases.example.org \\
      --set project=tool --expect tests/expected.json --bless
  # from then on, offline: replay and compare
  rollcall --replay tests/cassette plugin test ./my_tracker.wasm --allow-host releases.example.org \\
      --set project=tool --expect tests/expected.json

Exit status: 0 the result matches (or was written with --bless), 1 it differs (the differing
lines are printed), 2 bad arguments, 3 the tracker failed or a response was not recorded.";

/// What `plugin test` does with the tracker's data.
#[derive(Debug, Clone, Copy)]
enum Check<'a> {
    /// Print it (`plugin run`).
    Print,
    /// Compare it with, or with `bless` write it to, a file (`plugin test`).
    Against {
        expect: Option<&'a std::path::Path>,
        bless: bool,
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
        } => run_one(cli, target, settings, allow_hosts, Check::Print).await,
        PluginCommand::New { name, dir } => super::plugin_new::run(name, dir.as_deref()),
        PluginCommand::Test {
            target,
            settings,
            allow_hosts,
            expect,
            bless,
        } => {
            if cli.replay.is_none() && cli.record.is_none() {
                eprintln!(
                    "note: neither --replay nor --record was given: this test reads the live upstream"
                );
            }
            let check = Check::Against {
                expect: expect.as_deref(),
                bless: *bless,
            };
            run_one(cli, target, settings, allow_hosts, check).await
        }
    }
}

/// Compares (or writes) the data with the `--expect` file; returns the exit status.
fn compare(
    data: &UpstreamData,
    tracker: &str,
    expect: Option<&std::path::Path>,
    bless: bool,
) -> u8 {
    let actual = serde_json::to_value(data).unwrap_or_default();
    let pretty = |v: &serde_json::Value| serde_json::to_string_pretty(v).unwrap_or_default() + "\n";
    let summary = format!(
        "{} releases, {} lines",
        data.releases.len(),
        data.lines.len()
    );
    let Some(path) = expect else {
        print(&pretty(&actual));
        eprintln!("ok: `{tracker}` returned {summary} (pass --expect FILE to compare)");
        return exit::OK;
    };
    if bless {
        return match std::fs::write(path, pretty(&actual)) {
            Ok(()) => {
                eprintln!("wrote `{}`: {summary}", path.display());
                exit::OK
            }
            Err(e) => {
                eprintln!("error: cannot write `{}`: {e}", path.display());
                exit::INCOMPLETE
            }
        };
    }
    let expected: serde_json::Value = match std::fs::read(path)
        .map_err(|e| e.to_string())
        .and_then(|b| serde_json::from_slice(&b).map_err(|e| format!("not JSON: {e}")))
    {
        Ok(v) => v,
        Err(e) => {
            eprintln!(
                "error: cannot read the expected result `{}`: {e}\nhelp: `--bless` writes it from what the tracker returns",
                path.display()
            );
            return exit::USAGE;
        }
    };
    if expected == actual {
        eprintln!(
            "ok: `{tracker}` returned what `{}` expects ({summary})",
            path.display()
        );
        return exit::OK;
    }
    let (want, got) = (pretty(&expected), pretty(&actual));
    let (want, got): (Vec<&str>, Vec<&str>) = (want.lines().collect(), got.lines().collect());
    let mut out = format!(
        "`{tracker}` returned something else than `{}` expects:\n--- expected\n+++ returned\n",
        path.display()
    );
    for line in diff(&want, &got) {
        out.push_str(&line);
        out.push('\n');
    }
    print(&out);
    eprintln!("help: if the new result is right, rerun with `--bless` to write it");
    exit::FINDINGS
}

/// A line diff, only the changed lines with one line of context. The common head and tail are
/// cut first (a tracker's output changes in a few places); the rest is aligned by longest common
/// subsequence when that is small enough, else shown as removed then added, cut to 200 lines
/// each (a kernel history is 35,000 lines: a full table would need gigabytes).
fn diff(a: &[&str], b: &[&str]) -> Vec<String> {
    const MAX_CELLS: usize = 4_000_000;
    const MAX_SHOWN: usize = 200;
    let head = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let tail = a[head..]
        .iter()
        .rev()
        .zip(b[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (mid_a, mid_b) = (&a[head..a.len() - tail], &b[head..b.len() - tail]);
    let mut ops: Vec<(char, &str)> = Vec::new();
    if head > 0 {
        ops.push((' ', a[head - 1]));
    }
    let (n, m) = (mid_a.len(), mid_b.len());
    if n.saturating_mul(m) <= MAX_CELLS {
        let mut lcs = vec![vec![0u32; m + 1]; n + 1];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                lcs[i][j] = if mid_a[i] == mid_b[j] {
                    lcs[i + 1][j + 1] + 1
                } else {
                    lcs[i + 1][j].max(lcs[i][j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n || j < m {
            if i < n && j < m && mid_a[i] == mid_b[j] {
                ops.push((' ', mid_a[i]));
                i += 1;
                j += 1;
            } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
                ops.push(('-', mid_a[i]));
                i += 1;
            } else {
                ops.push(('+', mid_b[j]));
                j += 1;
            }
        }
    } else {
        ops.extend(mid_a.iter().take(MAX_SHOWN).map(|l| ('-', *l)));
        if n > MAX_SHOWN {
            ops.push(('-', "… (more removed lines)"));
        }
        ops.extend(mid_b.iter().take(MAX_SHOWN).map(|l| ('+', *l)));
        if m > MAX_SHOWN {
            ops.push(('+', "… (more added lines)"));
        }
    }
    if tail > 0 {
        ops.push((' ', a[a.len() - tail]));
    }
    let near = |k: usize| {
        ops[k.saturating_sub(1)..(k + 2).min(ops.len())]
            .iter()
            .any(|(c, _)| *c != ' ')
    };
    ops.iter()
        .enumerate()
        .filter(|(k, (c, _))| *c != ' ' || near(*k))
        .map(|(_, (c, line))| format!("{c}{line}"))
        .collect()
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
    /// Distinct reasons, at most `runtime::MAX_DENIALS`.
    denials: &'a [String],
    /// Calls refused, repeats included.
    denied: u32,
    data: &'a UpstreamData,
}

async fn run_one(
    cli: &Cli,
    target: &str,
    settings: &[(String, String)],
    allow_hosts: &[String],
    check: Check<'_>,
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
        // A name from the config runs only when its pin matches, as in a check; a path given
        // on the command line is the user's own choice.
        TrackerSource::File(path) => {
            let read = match &config {
                Some(config) => trackers::read_pinned(config, target, path),
                None => std::fs::read(path)
                    .map_err(|e| format!("cannot read `{}`: {e}", path.display())),
            };
            match read {
                Ok(b) => b,
                Err(e) => {
                    eprintln!("error: {e}");
                    return exit::USAGE;
                }
            }
        }
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
    match (&outcome.result, check) {
        (Ok(data), Check::Against { expect, bless }) => compare(data, &info.name, expect, bless),
        (Ok(data), Check::Print) => {
            let out = RunOutput {
                tracker: &info.name,
                version: &info.version,
                duration_ms: outcome.duration.as_millis() as u64,
                http_calls: usage.calls,
                bytes_in: usage.bytes_in,
                peak_memory_bytes: outcome.peak_memory,
                denials: &usage.denials,
                denied: usage.denied,
                data,
            };
            print(&(serde_json::to_string_pretty(&out).unwrap_or_default() + "\n"));
            exit::OK
        }
        (Err(e), _) => {
            eprintln!("error: tracker `{}` {e}", info.name);
            for denial in &usage.denials {
                eprintln!("note: denied: {denial}");
            }
            if usage.denied as usize > usage.denials.len() {
                eprintln!(
                    "note: {} calls were refused in all (each reason is listed once)",
                    usage.denied
                );
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

#[cfg(test)]
mod tests {
    use super::diff;

    #[test]
    fn diffs_show_changes_with_context_even_in_long_outputs() {
        let a = ["{", "  \"a\": 1,", "  \"b\": 2,", "  \"c\": 3", "}"];
        let b = ["{", "  \"a\": 1,", "  \"b\": 5,", "  \"c\": 3", "}"];
        assert_eq!(
            diff(&a, &b),
            [
                "   \"a\": 1,",
                "-  \"b\": 2,",
                "+  \"b\": 5,",
                "   \"c\": 3"
            ]
        );
        // 40,000 lines with one changed: the common head and tail are cut, nothing quadratic.
        let long_a: Vec<String> = (0..40_000).map(|i| format!("line {i}")).collect();
        let mut long_b = long_a.clone();
        long_b[20_000] = "changed".to_owned();
        let (x, y): (Vec<&str>, Vec<&str>) = (
            long_a.iter().map(String::as_str).collect(),
            long_b.iter().map(String::as_str).collect(),
        );
        assert_eq!(
            diff(&x, &y),
            [" line 19999", "-line 20000", "+changed", " line 20001"]
        );
        // Everything different: shown cut, not aligned.
        let other: Vec<String> = (0..40_000).map(|i| format!("other {i}")).collect();
        let z: Vec<&str> = other.iter().map(String::as_str).collect();
        let shown = diff(&x, &z);
        assert_eq!(shown.len(), 402, "{:?}", &shown[..3]);
    }
}
