//! `rollcall discover`: propose a watch for every package of a distro.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{Cli, load_config};
use crate::discover;
use crate::exit;

/// Output formats of `discover`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiscoverFormat {
    /// A watch file to include from the config
    Toml,
    /// Every proposal with its evidence, the unplaced packages and the counts
    Json,
    /// Aligned columns for people, then the counts by rule
    Table,
}

/// Arguments of `rollcall discover`.
#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Examples:\n  rollcall discover bookworm --output watches/bookworm.toml\n  rollcall discover bookworm --verify --format json > bookworm.json\n\nThen add `include = [\"watches/*.toml\"]` to the config. Registry endpoints come from\n`[discover.registries]` (pypi, crates, npm, metacpan, cran, hackage, rubygems, go-proxy, gnome)."
)]
pub struct DiscoverArgs {
    /// The distro, as named in the config
    pub distro: String,
    /// Write the result here instead of stdout
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Ask each registry whether the proposed project exists and links to the homepage
    #[arg(long)]
    pub verify: bool,
    /// Registry requests in flight with --verify (each host's own limit still applies)
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub parallel: u16,
    /// Output format
    #[arg(long, value_enum, default_value_t = DiscoverFormat::Toml)]
    pub format: DiscoverFormat,
}

/// Runs `discover` and returns the exit status.
pub async fn run(cli: &Cli, args: &DiscoverArgs) -> u8 {
    let config = match load_config(cli) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let (distro, shipped, runtime) = match super::distro::read(cli, &config, &args.distro).await {
        Ok(read) => read,
        Err(code) => return code,
    };
    let registries = discover::registries(
        config
            .discover
            .registries
            .iter()
            .map(|(k, v)| (k.clone(), v.get_ref().clone())),
    );
    let mut found = discover::discover(
        &args.distro,
        shipped.packages(),
        distro.family(),
        &registries,
    );
    if args.verify {
        discover::verify_all(
            &mut found,
            shipped.packages(),
            distro.family(),
            runtime.http(),
            &registries,
            usize::from(args.parallel),
        )
        .await;
    }
    let text = match args.format {
        DiscoverFormat::Toml => found.to_toml(),
        DiscoverFormat::Table => found.to_table(),
        DiscoverFormat::Json => {
            #[derive(serde::Serialize)]
            struct Out<'a> {
                counts: discover::Counts,
                #[serde(flatten)]
                discovery: &'a discover::Discovery,
            }
            let out = Out {
                counts: found.counts(),
                discovery: &found,
            };
            serde_json::to_string_pretty(&out).unwrap_or_default() + "\n"
        }
    };
    match &args.output {
        Some(path) => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
                && let Err(e) = std::fs::create_dir_all(dir)
            {
                eprintln!("error: cannot create {}: {e}", dir.display());
                return exit::INCOMPLETE;
            }
            if let Err(e) = std::fs::write(path, text) {
                eprintln!("error: cannot write {}: {e}", path.display());
                return exit::INCOMPLETE;
            }
            let c = found.counts();
            eprintln!(
                "{}: {} of {} source packages placed ({} not placed); wrote {}",
                args.distro,
                c.placed,
                c.packages,
                c.unplaced,
                path.display()
            );
        }
        None => print!("{text}"),
    }
    exit::OK
}
