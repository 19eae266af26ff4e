//! `rollcall distro list` and `rollcall distro show`.

use clap::Subcommand;
use serde::Serialize;

use super::{Cli, Format, build_runtime, load_config};
use crate::config::DistroKind;
use crate::distros::{self, ShippedPackage};
use crate::exit;

/// The `distro` subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum DistroCommand {
    /// List the configured distros and where their package lists come from
    List {
        /// Output format
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Read a distro's package list and print package, version and source
    #[command(
        after_help = "Examples:\n  rollcall distro show leap-15.6 --package 'kernel-*'\n  rollcall distro show tumbleweed --package 'kubernetes1.*-client' --format json"
    )]
    Show {
        /// The distro, as named in the config
        name: String,
        /// Only packages whose binary or source name matches this glob
        #[arg(long, value_name = "PATTERN")]
        package: Option<String>,
        /// Output format
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(Serialize)]
struct Listed<'a> {
    name: &'a str,
    kind: Option<DistroKind>,
    title: Option<&'a str>,
    family: crate::versions::Family,
    preset: Option<&'a str>,
    sources: Vec<String>,
}

/// Runs a `distro` subcommand and returns the exit status.
pub async fn run(cli: &Cli, command: &DistroCommand) -> u8 {
    let config = match load_config(cli) {
        Ok(c) => c,
        Err(code) => return code,
    };
    match command {
        DistroCommand::List { format } => {
            let listed: Vec<Listed<'_>> = config
                .distros
                .iter()
                .map(|(name, d)| Listed {
                    name,
                    kind: d.kind,
                    title: d.title.as_deref(),
                    family: d.family(),
                    preset: d.preset.as_ref().map(|p| p.get_ref().as_str()),
                    sources: sources_of(d),
                })
                .collect();
            match format {
                Format::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&listed).unwrap_or_default()
                ),
                Format::Table => {
                    for d in &listed {
                        println!(
                            "{} ({}{}){}",
                            d.name,
                            d.kind.map(DistroKind::as_str).unwrap_or_default(),
                            d.preset
                                .map(|p| format!(", preset {p}"))
                                .unwrap_or_default(),
                            d.title.map(|t| format!(": {t}")).unwrap_or_default()
                        );
                        for source in &d.sources {
                            println!("  {source}");
                        }
                    }
                }
            }
            exit::OK
        }
        DistroCommand::Show {
            name,
            package,
            format,
        } => {
            let (_, shipped, _) = match read(cli, &config, name).await {
                Ok(read) => read,
                Err(code) => return code,
            };
            let list: Vec<&ShippedPackage> = match package {
                Some(pattern) => match shipped.find(pattern) {
                    Ok(l) => l,
                    Err(e) => {
                        eprintln!("error: {e}");
                        return exit::USAGE;
                    }
                },
                None => shipped.packages().iter().collect(),
            };
            match format {
                Format::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&list).unwrap_or_default()
                ),
                Format::Table => {
                    let width = list.iter().map(|p| p.name.len()).max().unwrap_or(7).max(7);
                    let vwidth = list
                        .iter()
                        .map(|p| p.version.len())
                        .max()
                        .unwrap_or(7)
                        .max(7);
                    println!("{:width$}  {:vwidth$}  SOURCE", "PACKAGE", "VERSION");
                    for p in &list {
                        println!(
                            "{:width$}  {:vwidth$}  {}",
                            p.name,
                            p.version,
                            p.source.as_deref().unwrap_or("-")
                        );
                    }
                    eprintln!("{} of {} packages", list.len(), shipped.packages().len());
                }
            }
            exit::OK
        }
    }
}

/// Where a distro's versions come from, one line per source, as `distro list` prints them.
fn sources_of(d: &crate::config::Distro) -> Vec<String> {
    let text = |s: &Option<toml::Spanned<String>>| {
        s.as_ref().map_or("?".to_owned(), |u| u.get_ref().clone())
    };
    match d.kind {
        Some(DistroKind::RpmMd) => d.urls.iter().map(|u| u.get_ref().clone()).collect(),
        Some(DistroKind::Deb) => {
            let components = if d.components.is_empty() {
                "main".to_owned()
            } else {
                d.components.join(" ")
            };
            d.suites
                .iter()
                .map(|suite| {
                    // A suite may carry its own archive (`URL bookworm-security`).
                    let (url, suite) = match suite.split_once(char::is_whitespace) {
                        Some((url, suite)) => (url.to_owned(), suite.trim().to_owned()),
                        None => (text(&d.url), suite.clone()),
                    };
                    format!("{url} {suite} {components}")
                })
                .collect()
        }
        Some(DistroKind::Flathub) => vec![format!("{} (AppStream catalogue)", text(&d.url))],
        Some(DistroKind::Oci) => d
            .images
            .iter()
            .map(|image| format!("{} {image}", text(&d.registry)))
            .collect(),
        Some(DistroKind::Obs) => vec![format!(
            "{} project {}",
            text(&d.api),
            d.project.as_deref().unwrap_or("?")
        )],
        Some(DistroKind::Installed) => vec![format!(
            "the packages installed on this machine ({})",
            d.tool
                .map_or("dpkg or rpm, whichever is here", |t| t.as_str())
        )],
        Some(DistroKind::Static) | None => {
            vec![format!(
                "{} packages written in the config",
                d.packages.len()
            )]
        }
    }
}

/// The distro `name` of `config`, read through the package-list cache as `check` reads it
/// (unchanged metadata costs one small fetch), with the runtime whose client read it; or the
/// exit status after saying why not.
pub(super) async fn read<'a>(
    cli: &Cli,
    config: &'a crate::config::Config,
    name: &str,
) -> Result<
    (
        &'a crate::config::Distro,
        distros::Shipped,
        std::sync::Arc<crate::runtime::Runtime>,
    ),
    u8,
> {
    let Some(distro) = config.distros.get(name) else {
        eprintln!(
            "error: there is no distro `{name}` in {}\nhelp: distros: {}",
            config.origin,
            crate::config::join_names(config.distros.keys())
        );
        return Err(exit::USAGE);
    };
    let runtime = build_runtime(cli, Some(config))?;
    let state_dir = runtime.state_dir();
    match distros::cache::fetch(name, distro, runtime.http(), state_dir.as_deref()).await {
        Ok(shipped) => Ok((distro, shipped, runtime)),
        Err(e) => {
            eprintln!("error: distro `{name}`: {e}");
            Err(exit::INCOMPLETE)
        }
    }
}
