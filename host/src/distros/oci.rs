//! Container registries (OCI distribution API v2): for container-first systems whose "packages"
//! are images, the tags of each configured image are what ships.
//!
//! `GET {registry}/v2/{image}/tags/list?n=…`, following `Link: <…>; rel="next"` pages, with the
//! anonymous bearer-token challenge most registries use (`401` + `WWW-Authenticate: Bearer
//! realm=…,service=…,scope=…` → fetch a token → retry). Signature and attestation tags
//! (`sha256-….sig`) and tags without a digit (`latest`) are not versions and are skipped.

use serde::Deserialize;

use super::ShippedPackage;
use super::fetch::DistroError;
use crate::net::{Grant, HttpClient, RequestLimits};

const LIMITS: RequestLimits = RequestLimits {
    timeout: std::time::Duration::from_secs(60),
    max_bytes: 32 << 20,
};
const PAGE: u32 = 1000;
const MAX_PAGES: usize = 100;

#[derive(Deserialize)]
struct TagList {
    #[serde(default)]
    tags: Option<Vec<String>>,
}

/// The `next` target of an RFC 8288 `Link` header, if any.
pub fn next_link(link: &str) -> Option<String> {
    link.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        params
            .split(';')
            .any(|p| p.trim().trim_start_matches("rel=").trim_matches('"') == "next")
            .then(|| {
                target
                    .trim()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_owned()
            })
    })
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Lists the version tags of `image` on `registry`.
pub async fn tags(
    http: &HttpClient,
    registry: &str,
    image: &str,
) -> Result<Vec<ShippedPackage>, DistroError> {
    let registry = registry.trim_end_matches('/');
    let mut url = format!("{registry}/v2/{image}/tags/list?n={PAGE}");
    let mut token: Option<String> = None;
    let mut out = Vec::new();
    let grant = Grant::trusted();
    let fail = |url: &str, message: String| DistroError::Fetch {
        url: url.to_owned(),
        message,
    };
    for _ in 0..MAX_PAGES {
        let fetched = match &token {
            Some(t) => http.get_with_bearer(&grant, &url, &[], t, LIMITS).await,
            None => http.get(&grant, &url, &[], LIMITS).await,
        };
        let mut response = fetched.map_err(|e| fail(&url, e.to_string()))?;
        if token.is_none() {
            if let Some(challenge) = crate::net::bearer::challenge(&response) {
                let fresh = crate::net::bearer::token(http, &grant, &challenge, LIMITS)
                    .await
                    .map_err(|e| fail(&challenge.realm, e.to_string()))?;
                response = http
                    .get_with_bearer(&grant, &url, &[], &fresh, LIMITS)
                    .await
                    .map_err(|e| fail(&url, e.to_string()))?;
                token = Some(fresh);
            } else if response.status == 401 {
                return Err(fail(
                    &url,
                    "HTTP 401 without a bearer challenge; the image may be private".into(),
                ));
            }
        }
        if !(200..300).contains(&response.status) {
            return Err(fail(&url, format!("HTTP {}", response.status)));
        }
        let list: TagList =
            serde_json::from_slice(&response.body).map_err(|e| DistroError::Format {
                url: url.clone(),
                message: format!("not a registry tags list: {e}"),
            })?;
        out.extend(
            list.tags
                .unwrap_or_default()
                .into_iter()
                .filter(|t| t.bytes().any(|b| b.is_ascii_digit()) && !t.starts_with("sha256-"))
                .map(|tag| ShippedPackage {
                    name: image.to_owned(),
                    version: tag,
                    source: None,
                    arch: None,
                    ..ShippedPackage::default()
                }),
        );
        match header(&response.headers, "link").and_then(next_link) {
            Some(next) if next.starts_with('/') => url = format!("{registry}{next}"),
            Some(next) => url = next,
            None => return Ok(out),
        }
    }
    Err(fail(&url, format!("more than {MAX_PAGES} pages of tags")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_link_headers() {
        let link = r#"</v2/library/ubuntu/tags/list?last=abc&n=3>; rel="next""#;
        assert_eq!(
            next_link(link).as_deref(),
            Some("/v2/library/ubuntu/tags/list?last=abc&n=3")
        );
        assert_eq!(next_link(r#"<https://x/a>; rel="prev""#), None);
    }
}
