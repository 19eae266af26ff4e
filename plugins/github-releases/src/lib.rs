//! Generic tracker: the releases of any GitHub repository, through the host's `github` import
//! (which adds the user's token and follows pages).
//!
//! Versions are the tags as written (`v1.2.3`, `eslint-plugin-react-hooks@5.0.0`); the watch's
//! filters (`tag-prefix`, `include`, `exclude`, `rewrite`) pick and clean them. Drafts are
//! skipped; GitHub's pre-release flag is kept; the "latest" badge is ignored (it marks the most
//! recently published release, which is often a backport to an old line).

use rollcall_sdk::forge::{DEFAULT_LIMIT, github_releases, limit_setting, owner_repo};
use rollcall_sdk::{Error, Guest, PluginInfo, Settings, UpstreamData};

struct GithubReleases;

impl Guest for GithubReleases {
    fn describe() -> PluginInfo {
        PluginInfo {
            name: "github-releases".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            summary:
                "the releases of any GitHub repository (drafts skipped, pre-release flag kept)"
                    .into(),
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
        let releases = github_releases(&owner, &repo, limit, |tag| Some(tag.to_owned()), |_| None)?;
        if releases.is_empty() {
            return Err(Error::parse(format!(
                "`{owner}/{repo}` has no published releases; try the `github-tags` tracker"
            )));
        }
        Ok(UpstreamData {
            releases,
            lines: Vec::new(),
            listing: rollcall_sdk::Listing::Window,
        })
    }
}

rollcall_sdk::export!(GithubReleases);
