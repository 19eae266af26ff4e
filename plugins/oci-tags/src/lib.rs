//! Generic tracker: the tags of a container image, from a registry's OCI distribution API
//! (`GET {registry}/v2/{image}/tags/list`), following `Link: rel="next"` pages. The host answers
//! the registry's anonymous token challenge (the token never reaches the tracker); the realm's
//! host must be granted too, with the `auth-url` setting when it differs from the registry's.
//! Tags without a digit (`latest`, `stable`) and signature tags (`sha256-….sig`) are skipped.

use rollcall_sdk::{Error, Guest, PluginInfo, Release, Settings, UpstreamData};
use serde::Deserialize;

const MAX_PAGES: usize = 50;

#[derive(Deserialize)]
struct TagList {
    #[serde(default)]
    tags: Option<Vec<String>>,
}

struct OciTags;

impl Guest for OciTags {
    fn describe() -> PluginInfo {
        PluginInfo {
            name: "oci-tags".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            summary: "the tags of a container image from any OCI/Docker v2 registry".into(),
            hosts: Vec::new(),
            settings: vec![
                rollcall_sdk::required_setting(
                    "registry",
                    "the registry's base URL (the part before `/v2/`); its host is granted",
                ),
                rollcall_sdk::required_setting(
                    "image",
                    "the repository in the registry (`library/postgres`, `podman/stable`)",
                ),
                rollcall_sdk::setting(
                    "auth-url",
                    "the token service of the registry's bearer challenge, when on another host; its host is granted",
                    None,
                ),
            ],
        }
    }

    fn poll(settings: Vec<(String, String)>) -> Result<UpstreamData, Error> {
        let settings = Settings::new(settings);
        let registry = rollcall_sdk::http_url(&settings, "registry")?;
        let image = settings.require("image")?.trim().trim_matches('/');
        let valid = image.chars().all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '/' | '.' | '_' | '-')
        });
        if !valid {
            return Err(Error::config(format!(
                "setting `image` = `{image}` is not a repository name (lower case, digits, `/._-`)"
            )));
        }
        let mut url = Some(format!("{registry}/v2/{image}/tags/list?n=1000"));
        let mut releases = Vec::new();
        for _ in 0..MAX_PAGES {
            let Some(page) = url.take() else { break };
            let response = rollcall_sdk::http::get(&page, &[("accept", "application/json")])?;
            if response.status == 401 {
                return Err(Error::Denied(format!(
                    "`{page}` needs credentials: the image is private, or the registry's token service is not granted (set `auth-url`)"
                )));
            }
            rollcall_sdk::http::check_status(&page, &response)?;
            let list: TagList = rollcall_sdk::http::parse_json(&page, &response.body)?;
            for tag in list.tags.unwrap_or_default() {
                let signature = tag.starts_with("sha256-");
                if signature || !tag.chars().any(|c| c.is_ascii_digit()) {
                    continue;
                }
                releases.push(Release::new(tag, None));
            }
            url = rollcall_sdk::http::next_link(&page, &response);
        }
        // Every page read: the list is the repository's whole history. Cut at MAX_PAGES, it is
        // only a window.
        let whole = url.is_none();
        let data = UpstreamData::releases_only(
            releases,
            &format!("`{image}` in `{registry}` (tags without a digit left out)"),
        )?;
        Ok(if whole { data.whole_history() } else { data })
    }
}

rollcall_sdk::export!(OciTags);
