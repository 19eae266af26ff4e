//! Tracker for Skopeo, from the GitHub releases of `containers/skopeo` (tags `v1.2.3`).
//!
//! A line is a minor version. The containers projects fix bugs on the newest minor release only
//! (older branches are kept by distributions' own maintainers), so a line ends, projected, when
//! the next minor is released.

use rollcall_sdk::forge::{github_upstream, github_upstream_info};
use rollcall_sdk::{Error, Guest, PluginInfo, Settings, UpstreamData};

const REPOSITORY: &str = "containers/skopeo";

struct Tracker;

impl Guest for Tracker {
    fn describe() -> PluginInfo {
        github_upstream_info(
            "skopeo",
            "Skopeo releases from GitHub; the newest minor line is the maintained one",
            REPOSITORY,
        )
    }

    fn poll(settings: Vec<(String, String)>) -> Result<UpstreamData, Error> {
        let settings = Settings::new(settings);
        let (releases, mut lines) = github_upstream(&settings, REPOSITORY, "", 2)?;
        rollcall_sdk::lines::supported_until_next(&mut lines);
        Ok(UpstreamData {
            releases,
            lines,
            listing: rollcall_sdk::Listing::Window,
        })
    }
}

rollcall_sdk::export!(Tracker);
