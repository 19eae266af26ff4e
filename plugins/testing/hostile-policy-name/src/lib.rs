//! A policy whose `name` never returns: the host must stop it at the plugin's wall-time limit
//! when it loads the policy, and run every other watch. Built by the test build only.

mod bindings {
    wit_bindgen::generate!({
        world: "policy",
        path: "../../../wit",
    });
}

use bindings::exports::rollcall::plugin::rules::{Finding, Guest, VerdictFacts};
use bindings::rollcall::plugin::types::{Release, ReleaseLine};

struct SpinningName;

impl Guest for SpinningName {
    fn name() -> String {
        let mut n: u64 = 0;
        loop {
            n = std::hint::black_box(n.wrapping_add(1));
        }
    }

    fn check(
        _facts: VerdictFacts,
        _releases: Vec<Release>,
        _lines: Vec<ReleaseLine>,
        _settings: Vec<(String, String)>,
    ) -> Result<Vec<Finding>, String> {
        Ok(Vec::new())
    }
}

bindings::export!(SpinningName with_types_in bindings);
