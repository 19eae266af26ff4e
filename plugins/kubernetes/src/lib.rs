//! Tracker for Kubernetes, from the GitHub releases of `kubernetes/kubernetes` (tags `v1.31.4`).
//!
//! A line is a minor version (`1.31`). Kubernetes supports each minor with patch releases for
//! about 12 months plus a 2-month upgrade period since 1.19 (14 months after its `.0` release),
//! and 9 months before 1.19 (the "version skew policy"); those end-of-life dates are projected.
//! The published dates come from a `support` source such as `endoflife`.

use rollcall_sdk::forge::{github_upstream, github_upstream_info};
use rollcall_sdk::{Error, Guest, PluginInfo, Settings, UpstreamData};

const REPOSITORY: &str = "kubernetes/kubernetes";

struct Tracker;

impl Guest for Tracker {
    fn describe() -> PluginInfo {
        github_upstream_info(
            "kubernetes",
            "Kubernetes releases from GitHub; each minor line's patch support projected from the policy",
            REPOSITORY,
        )
    }

    fn poll(settings: Vec<(String, String)>) -> Result<UpstreamData, Error> {
        let settings = Settings::new(settings);
        let (releases, mut lines) = github_upstream(&settings, REPOSITORY, "", 2)?;
        rollcall_sdk::lines::project_window(&mut lines, |line| {
            let minor = line
                .name
                .split('.')
                .nth(1)
                .and_then(|m| m.parse::<u32>().ok());
            if minor.is_some_and(|m| m < 19) { 9 } else { 14 }
        })?;
        Ok(UpstreamData {
            releases,
            lines,
            listing: rollcall_sdk::Listing::Window,
        })
    }
}

rollcall_sdk::export!(Tracker);
