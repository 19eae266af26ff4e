//! Tracker for Salt, from the GitHub releases of `saltstack/salt` (tags `v3006.9`).
//!
//! A line is a major version (`3006`). Salt supports a major release for about 18 months after
//! its `.0` release (the Salt version support lifecycle; LTS releases such as 3006 get longer,
//! announced dates); the dates here are projected. Announced dates come from a `support` source
//! such as `endoflife`.

use rollcall_sdk::forge::{github_upstream, github_upstream_info};
use rollcall_sdk::{Error, Guest, PluginInfo, Settings, UpstreamData};

const REPOSITORY: &str = "saltstack/salt";

struct Tracker;

impl Guest for Tracker {
    fn describe() -> PluginInfo {
        github_upstream_info(
            "salt",
            "Salt releases from GitHub; each major line's support projected from the policy",
            REPOSITORY,
        )
    }

    fn poll(settings: Vec<(String, String)>) -> Result<UpstreamData, Error> {
        let settings = Settings::new(settings);
        let (releases, mut lines) = github_upstream(&settings, REPOSITORY, "", 1)?;
        rollcall_sdk::lines::project_window(&mut lines, |_| 18)?;
        Ok(UpstreamData {
            releases,
            lines,
            listing: rollcall_sdk::Listing::Window,
        })
    }
}

rollcall_sdk::export!(Tracker);
