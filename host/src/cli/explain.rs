//! `rollcall explain`: how one watch's verdicts were reached.

use clap::Args;
use serde::Serialize;

use super::{Cli, Format, build_runtime, load_config};
use crate::day::Day;
use crate::evaluate::{Candidate, Trace, Verdict};
use crate::exit;
use crate::run::{self, RunFailure};

/// Arguments of `rollcall explain`.
#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Examples:\n  rollcall explain linux\n  rollcall explain linux --distro leap-15.6 --all"
)]
pub struct ExplainArgs {
    /// The watch to explain
    pub watch: String,
    /// Only this distro
    #[arg(long, value_name = "NAME")]
    pub distro: Option<String>,
    /// Show every upstream candidate, not only those of the shipped line and the dropped ones
    #[arg(long)]
    pub all: bool,
    /// Output format; `json` prints every verdict with its trace
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Evaluate as of this day (YYYY-MM-DD) instead of today
    #[arg(long, value_name = "DATE", value_parser = |s: &str| s.parse::<Day>())]
    pub today: Option<Day>,
}

#[derive(Serialize)]
struct Explained<'a> {
    verdict: &'a Verdict,
    trace: &'a Trace,
    /// Why `rollcall discover` proposed the watch, when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    discovered: Option<&'a crate::config::Discovered>,
}

/// Runs `explain` and returns the exit status.
pub async fn run(cli: &Cli, args: &ExplainArgs) -> u8 {
    let config = match load_config(cli) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let runtime = match build_runtime(cli, Some(&config)) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let today = args.today.unwrap_or_else(Day::today);
    let explanation =
        match run::explain(&config, runtime, &args.watch, args.distro.as_deref(), today).await {
            Ok(e) => e,
            Err(e @ (RunFailure::Config(_) | RunFailure::Usage(_))) => {
                eprintln!("error: {e}");
                return exit::USAGE;
            }
            Err(e @ RunFailure::Store(_)) => {
                eprintln!("error: {e}");
                return exit::INCOMPLETE;
            }
        };
    let discovered = config
        .watches
        .iter()
        .find(|w| w.name.get_ref().as_str() == args.watch)
        .and_then(|w| w.discovered.as_ref());
    if args.format == Format::Json {
        let list: Vec<Explained<'_>> = explanation
            .evaluations
            .iter()
            .map(|e| Explained {
                verdict: &e.verdict,
                trace: &e.trace,
                discovered,
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&list).unwrap_or_default()
        );
    } else {
        if let Some(d) = discovered {
            println!(
                "discovered by rule `{}` ({} confidence) from {}{}",
                d.rule,
                d.confidence,
                d.evidence,
                d.verified
                    .as_deref()
                    .map(|v| format!("; verified: {v}"))
                    .unwrap_or_default()
            );
        }
        print!("{}", render(&args.watch, &explanation, args.all));
    }
    if explanation.polled.is_err() {
        exit::INCOMPLETE
    } else {
        exit::OK
    }
}

fn render(watch: &str, explanation: &run::Explanation, all: bool) -> String {
    let mut out = String::new();
    match &explanation.polled {
        Ok((releases, lines, duration)) => out.push_str(&format!(
            "watch `{watch}`: the tracker returned {releases} releases and {lines} lines in {} ms\n",
            duration.as_millis()
        )),
        Err((kind, message)) => out.push_str(&format!("watch `{watch}`: the tracker failed ({kind}): {message}\n")),
    }
    for error in &explanation.errors {
        out.push_str(&format!("error: {}\n", error.message));
    }
    for e in &explanation.evaluations {
        let v = &e.verdict;
        out.push_str(&format!(
            "\n{} / {}: {} ({})\n  {}\n",
            v.distro,
            v.package,
            v.status.as_str(),
            v.severity.as_str(),
            v.explanation
        ));
        if !e.trace.steps.is_empty() {
            out.push_str("  how:\n");
            for step in &e.trace.steps {
                out.push_str(&format!("    - {step}\n"));
            }
        }
        let shown: Vec<&Candidate> = e
            .trace
            .candidates
            .iter()
            .filter(|c| all || !c.decision.starts_with("kept") || c.line == v.line)
            .collect();
        if !e.trace.candidates.is_empty() {
            out.push_str(&format!(
                "  candidates ({} of {}{}):\n",
                shown.len(),
                e.trace.candidates.len(),
                if all {
                    ""
                } else {
                    "; the shipped line and every dropped one, `--all` for the rest"
                }
            ));
            let width = shown.iter().map(|c| c.version.len()).max().unwrap_or(0);
            for c in shown {
                out.push_str(&format!(
                    "    {:width$}  line {:8}  {:10}  {}\n",
                    c.version,
                    c.line.as_deref().unwrap_or("-"),
                    c.date.map(|d| d.to_string()).unwrap_or_else(|| "-".into()),
                    c.decision
                ));
            }
        }
    }
    out
}
