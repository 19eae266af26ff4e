//! Generic tracker: the tags of a GitLab project (gitlab.com or any self-hosted GitLab), from
//! the v4 API `GET {base-url}/api/v4/projects/{project}/repository/tags`, following the
//! `Link: rel="next"` pages. A tag's date is its release's or commit's creation time.

use rollcall_sdk::forge::{DEFAULT_LIMIT, limit_setting};
use rollcall_sdk::{Error, Guest, PluginInfo, Release, Settings, UpstreamData};
use serde::Deserialize;

const DEFAULT_BASE_URL: &str = "https://gitlab.com";

#[derive(Deserialize)]
struct Tag {
    name: String,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    commit: Option<Commit>,
}

#[derive(Deserialize)]
struct Commit {
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    committed_date: Option<String>,
}

struct GitlabTags;

impl Guest for GitlabTags {
    fn describe() -> PluginInfo {
        PluginInfo {
            name: "gitlab-tags".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            summary: "the tags of a GitLab project, with dates, from the GitLab v4 API".into(),
            hosts: vec!["gitlab.com".into()],
            settings: vec![
                rollcall_sdk::required_setting(
                    "project",
                    "the project's path (`GROUP/NAME`) or numeric id",
                ),
                rollcall_sdk::base_url_setting(DEFAULT_BASE_URL),
                limit_setting(),
            ],
        }
    }

    fn poll(settings: Vec<(String, String)>) -> Result<UpstreamData, Error> {
        let settings = Settings::new(settings);
        let project = settings.require("project")?.trim().trim_matches('/');
        let limit: usize = settings.parse_or("limit", DEFAULT_LIMIT)? as usize;
        let base = settings.base_url(DEFAULT_BASE_URL)?;
        let encoded = project.replace('/', "%2F");
        let mut url = Some(format!(
            "{base}/api/v4/projects/{encoded}/repository/tags?per_page=100&order_by=updated&sort=desc"
        ));
        let mut releases = Vec::new();
        while let Some(page) = url.take() {
            let response = rollcall_sdk::http::get(&page, &[("accept", "application/json")])?;
            rollcall_sdk::http::check_status(&page, &response)?;
            let tags: Vec<Tag> = rollcall_sdk::http::parse_json(&page, &response.body)?;
            for tag in tags {
                let date = tag
                    .created_at
                    .or_else(|| tag.commit.and_then(|c| c.created_at.or(c.committed_date)))
                    .map(|d| rollcall_sdk::date::iso_date(&d))
                    .transpose()?;
                releases.push(Release::new(tag.name, date));
            }
            if releases.len() < limit {
                url = rollcall_sdk::http::next_link(&page, &response);
            }
        }
        releases.truncate(limit);
        UpstreamData::releases_only(releases, &format!("GitLab project `{project}`"))
    }
}

rollcall_sdk::export!(GitlabTags);
