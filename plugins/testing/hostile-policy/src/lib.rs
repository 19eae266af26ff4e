//! A policy that misbehaves on purpose in `check`, chosen by the `mode` setting
//! (`[plugins.NAME] settings`). The host's tests run it to prove that a policy gets the same
//! limits as a tracker; it is built by the test build and never embedded in `rollcall`.
//!
//! Modes: `ok` (one info finding), `spin` (endless loop), `hog` (allocates until stopped),
//! `huge` (one finding of `size` bytes), `many` (`count` findings), `log-flood` (`count` log
//! messages, then one finding). `name` behaves; `policy-test-spinning-name` is the one whose
//! `name` never returns, since `name` gets no settings to choose a mode from.

mod bindings {
    wit_bindgen::generate!({
        world: "policy",
        path: "../../../wit",
    });
}

use bindings::exports::rollcall::plugin::rules::{Finding, Guest, Severity, VerdictFacts};
use bindings::rollcall::plugin::log::{Level, log};
use bindings::rollcall::plugin::types::{Release, ReleaseLine};

struct Hostile;

fn setting<'a>(settings: &'a [(String, String)], name: &str, default: &'a str) -> &'a str {
    settings
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map_or(default, |(_, v)| v.as_str())
}

fn number(settings: &[(String, String)], name: &str, default: usize) -> Result<usize, String> {
    let raw = setting(settings, name, "");
    if raw.is_empty() {
        return Ok(default);
    }
    raw.parse()
        .map_err(|e| format!("setting `{name}` = `{raw}`: {e}"))
}

fn finding(message: String) -> Finding {
    Finding {
        severity: Severity::Info,
        message,
    }
}

impl Guest for Hostile {
    fn name() -> String {
        "test-hostile-policy".into()
    }

    fn check(
        facts: VerdictFacts,
        _releases: Vec<Release>,
        _lines: Vec<ReleaseLine>,
        settings: Vec<(String, String)>,
    ) -> Result<Vec<Finding>, String> {
        match setting(&settings, "mode", "ok") {
            "ok" => Ok(vec![finding(format!("looked at {}", facts.shipped))]),
            "spin" => {
                let mut n: u64 = 0;
                loop {
                    n = std::hint::black_box(n.wrapping_add(1));
                }
            }
            "hog" => {
                let mut hoard: Vec<Vec<u8>> = Vec::new();
                loop {
                    hoard.push(vec![1u8; 1 << 20]);
                    std::hint::black_box(&hoard);
                }
            }
            "huge" => {
                let size = number(&settings, "size", 16 << 20)?;
                Ok(vec![finding("h".repeat(size))])
            }
            "many" => {
                let count = number(&settings, "count", 10_000)?;
                Ok((0..count)
                    .map(|i| finding(format!("finding {i}")))
                    .collect())
            }
            "log-flood" => {
                let count = number(&settings, "count", 10_000)?;
                for i in 0..count {
                    log(Level::Warn, &format!("policy log line {i}"));
                }
                Ok(vec![finding("logged a lot".into())])
            }
            other => Err(format!("unknown mode `{other}`")),
        }
    }
}

bindings::export!(Hostile with_types_in bindings);
