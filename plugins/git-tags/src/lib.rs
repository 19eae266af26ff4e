//! Generic tracker: the tags of any git repository served over HTTP(S), read from the ref
//! advertisement (`{url}/info/refs?service=git-upload-pack`), as `git ls-remote --tags` does.
//! Works with any smart-HTTP server (cgit, GitWeb hosts, Gitea, Forgejo, GitLab, GitHub) and
//! with "dumb" servers that publish `info/refs`. Tags carry no dates.

use rollcall_sdk::{Error, Guest, PluginInfo, Settings, UpstreamData};

struct GitTags;

impl Guest for GitTags {
    fn describe() -> PluginInfo {
        PluginInfo {
            name: "git-tags".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            summary: "the tags of any git repository over HTTP(S) (smart or dumb protocol)".into(),
            hosts: Vec::new(),
            settings: vec![rollcall_sdk::required_setting(
                "url",
                "the repository's clone URL (`https://git.example.org/project.git`); its host is granted",
            )],
        }
    }

    fn poll(settings: Vec<(String, String)>) -> Result<UpstreamData, Error> {
        let settings = Settings::new(settings);
        let url = rollcall_sdk::http_url(&settings, "url")?;
        let tags = rollcall_sdk::git::tags(&url)?;
        let releases = rollcall_sdk::forge::from_tags(
            tags.iter().map(|t| t.name.as_str()),
            |t| Some(t.to_owned()),
            |_| None,
        );
        if releases.is_empty() {
            return Err(Error::parse(format!("`{url}` has no tags")));
        }
        Ok(UpstreamData {
            releases,
            lines: Vec::new(),
            listing: rollcall_sdk::Listing::Complete,
        })
    }
}

rollcall_sdk::export!(GitTags);
