//! Generic tracker: the tags of any GitHub repository, through the host's `github` import.
//!
//! For projects that tag but do not publish GitHub releases. Tags carry no dates in GitHub's
//! list. Versions are the tags as written; the watch's filters pick and clean them.

use rollcall_sdk::forge::{DEFAULT_LIMIT, github_tags, limit_setting, owner_repo};
use rollcall_sdk::{Error, Guest, PluginInfo, Settings, UpstreamData};

struct GithubTags;

impl Guest for GithubTags {
    fn describe() -> PluginInfo {
        PluginInfo {
            name: "github-tags".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            summary: "the tags of any GitHub repository".into(),
            hosts: vec!["api.github.com".into()],
            settings: vec![
                rollcall_sdk::required_setting("repository", "the repository as OWNER/REPO"),
                limit_setting(),
            ],
        }
    }

    fn poll(settings: Vec<(String, String)>) -> Result<UpstreamData, Error> {
        let settings = Settings::new(settings);
        let (owner, repo) = owner_repo(settings.require("repository")?, "repository")?;
        let limit = settings.parse_or("limit", DEFAULT_LIMIT)?;
        let releases = github_tags(&owner, &repo, limit, |tag| Some(tag.to_owned()), |_| None)?;
        if releases.is_empty() {
            return Err(Error::parse(format!("`{owner}/{repo}` has no tags")));
        }
        Ok(UpstreamData {
            releases,
            lines: Vec::new(),
            listing: rollcall_sdk::Listing::Window,
        })
    }
}

rollcall_sdk::export!(GithubTags);
