//! Tracker for Cloud Foundry, from the GitHub releases of `cloudfoundry/cf-deployment` (tags
//! `v40.1.0`), the release that pins every Cloud Foundry component.
//!
//! A line is a major version; Cloud Foundry supports only the newest release, so a line ends,
//! projected, when the next major is published. Point `repository` at another Cloud Foundry
//! repository (`cloudfoundry/cli`) to watch it instead.

use rollcall_sdk::forge::{github_upstream, github_upstream_info};
use rollcall_sdk::{Error, Guest, PluginInfo, Settings, UpstreamData};

const REPOSITORY: &str = "cloudfoundry/cf-deployment";

struct Tracker;

impl Guest for Tracker {
    fn describe() -> PluginInfo {
        github_upstream_info(
            "cloudfoundry",
            "Cloud Foundry cf-deployment releases from GitHub; only the newest major is maintained",
            REPOSITORY,
        )
    }

    fn poll(settings: Vec<(String, String)>) -> Result<UpstreamData, Error> {
        let settings = Settings::new(settings);
        let (releases, mut lines) = github_upstream(&settings, REPOSITORY, "", 1)?;
        rollcall_sdk::lines::supported_until_next(&mut lines);
        Ok(UpstreamData {
            releases,
            lines,
            listing: rollcall_sdk::Listing::Window,
        })
    }
}

rollcall_sdk::export!(Tracker);
