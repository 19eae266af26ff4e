//! `rollcall version`: the version logic on the command line.

use std::cmp::Ordering;

use clap::Subcommand;

use super::Format;
use crate::exit;
use crate::versions::{self, Family, Scheme};

const SCHEMES: &str =
    "generic (libversion, the default), semver (lenient), rpm (rpmvercmp), deb (dpkg), pep440";

/// The `version` subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum VersionCommand {
    /// Compare two versions: prints `<`, `=` or `>`
    #[command(
        after_help = "Examples:\n  rollcall version cmp 6.12.10 6.12.9            # >\n  rollcall version cmp 1.0~rc1 1.0 --scheme deb   # <\n  rollcall version cmp v1.31 1.31.0 --scheme semver  # ="
    )]
    Cmp {
        /// The first version
        a: String,
        /// The second version
        b: String,
        /// How to order them
        #[arg(long, default_value = "generic", value_parser = parse_scheme, help = format!("How to order them: {SCHEMES}"))]
        scheme: Scheme,
    },
    /// Print the upstream part of a packaged version (epoch, release and distro markers removed)
    #[command(
        after_help = "Examples:\n  rollcall version upstream 6.4.0-150600.23.25.1 --from rpm       # 6.4.0\n  rollcall version upstream 1.20.5+really1.20.2-1.1+deb12u1 --from deb  # 1.20.2"
    )]
    Upstream {
        /// The version as the distro writes it
        version: String,
        /// The packaging conventions it follows
        #[arg(long, value_parser = parse_family)]
        from: Family,
        /// `json` also shows the epoch, the release and what was removed
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

fn parse_scheme(raw: &str) -> Result<Scheme, String> {
    raw.parse()
}

fn parse_family(raw: &str) -> Result<Family, String> {
    raw.parse()
}

/// Runs a `version` subcommand and returns the exit status.
pub fn run(command: &VersionCommand) -> u8 {
    match command {
        VersionCommand::Cmp { a, b, scheme } => match scheme.try_compare(a, b) {
            Ok(order) => {
                println!(
                    "{}",
                    match order {
                        Ordering::Less => "<",
                        Ordering::Equal => "=",
                        Ordering::Greater => ">",
                    }
                );
                exit::OK
            }
            Err(e) => {
                eprintln!("error: {e}\nhelp: try another `--scheme` ({SCHEMES})");
                exit::USAGE
            }
        },
        VersionCommand::Upstream {
            version,
            from,
            format,
        } => {
            let reduced = versions::reduce(version, *from);
            match format {
                Format::Table => println!("{}", reduced.upstream),
                Format::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&reduced).unwrap_or_default()
                ),
            }
            exit::OK
        }
    }
}
