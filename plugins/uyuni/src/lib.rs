//! Tracker for Uyuni, from the GitHub releases of `uyuni-project/uyuni` (tags `Uyuni-2024.10`).
//!
//! Uyuni ships a release every month or two and maintains only the newest one, so each release
//! is its own line (`2024.10`) that ends, projected, when the next one is published.

use rollcall_sdk::forge::{github_upstream, github_upstream_info};
use rollcall_sdk::{Error, Guest, PluginInfo, Settings, UpstreamData};

const REPOSITORY: &str = "uyuni-project/uyuni";

struct Tracker;

impl Guest for Tracker {
    fn describe() -> PluginInfo {
        github_upstream_info(
            "uyuni",
            "Uyuni releases from GitHub; only the newest release is maintained",
            REPOSITORY,
        )
    }

    fn poll(settings: Vec<(String, String)>) -> Result<UpstreamData, Error> {
        let settings = Settings::new(settings);
        let (releases, mut lines) = github_upstream(&settings, REPOSITORY, "Uyuni-", 2)?;
        rollcall_sdk::lines::supported_until_next(&mut lines);
        Ok(UpstreamData {
            releases,
            lines,
            listing: rollcall_sdk::Listing::Window,
        })
    }
}

rollcall_sdk::export!(Tracker);
