//! Example policy: "only long-term-support lines are acceptable".
//!
//! A distro that ships a line the upstream does not support long-term gets a finding, with the
//! LTS lines still supported as the way out. Settings: `severity` (`info`, `warning` or
//! `critical`; default `warning`). Upstreams without any LTS line are left alone: the rule
//! cannot be met there, and saying so on every verdict would only be noise.

mod bindings {
    wit_bindgen::generate!({
        world: "policy",
        path: "../../../wit",
    });
}

use bindings::exports::rollcall::plugin::rules::{Finding, Guest, Severity, VerdictFacts};
use bindings::rollcall::plugin::types::{Release, ReleaseLine};

struct LtsOnly;

impl Guest for LtsOnly {
    fn name() -> String {
        "lts-only".into()
    }

    fn check(
        facts: VerdictFacts,
        _releases: Vec<Release>,
        lines: Vec<ReleaseLine>,
        settings: Vec<(String, String)>,
    ) -> Result<Vec<Finding>, String> {
        let severity = match settings
            .iter()
            .rev()
            .find(|(k, _)| k == "severity")
            .map(|(_, v)| v.as_str())
        {
            None | Some("warning") => Severity::Warning,
            Some("info") => Severity::Info,
            Some("critical") => Severity::Critical,
            Some(other) => {
                return Err(format!(
                    "setting `severity` = `{other}`: use `info`, `warning` or `critical`"
                ));
            }
        };
        let Some(line) = facts.line else {
            return Ok(Vec::new());
        };
        let supported_lts: Vec<&ReleaseLine> = lines
            .iter()
            .filter(|l| l.lts && !l.is_eol)
            .filter(|l| {
                l.end_of_life
                    .as_deref()
                    .is_none_or(|d| d > facts.today.as_str())
            })
            .collect();
        if supported_lts.is_empty() || lines.iter().any(|l| l.name == line && l.lts) {
            return Ok(Vec::new());
        }
        let names: Vec<&str> = supported_lts.iter().map(|l| l.name.as_str()).collect();
        Ok(vec![Finding {
            severity,
            message: format!(
                "line {line} is not a long-term-support line; supported LTS lines: {}",
                names.join(", ")
            ),
        }])
    }
}

bindings::export!(LtsOnly with_types_in bindings);
