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

#[derive(Deserialize)]
struct Token {
    #[serde(default)]
    token: Option<String>,
    #[serde(default)]
    access_token: Option<String>,
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

/// The parameters of a `WWW-Authenticate: Bearer k="v",…` challenge.
fn bearer_challenge(header: &str) -> Option<Vec<(String, String)>> {
    let rest = header.trim().strip_prefix("Bearer ")?;
    Some(
        rest.split(',')
            .filter_map(|kv| {
                let (k, v) = kv.split_once('=')?;
                Some((k.trim().to_owned(), v.trim().trim_matches('"').to_owned()))
            })
            .collect(),
    )
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
    let mut auth: Vec<(String, String)> = Vec::new();
    let mut out = Vec::new();
    let grant = Grant::trusted();
    let fail = |url: &str, message: String| DistroError::Fetch {
        url: url.to_owned(),
        message,
    };
    for _ in 0..MAX_PAGES {
        let mut response = http
            .get(&grant, &url, &auth, LIMITS)
            .await
            .map_err(|e| fail(&url, e.to_string()))?;
        if response.status == 401 && auth.is_empty() {
            let challenge = header(&response.headers, "www-authenticate")
                .and_then(bearer_challenge)
                .ok_or_else(|| {
                    fail(
                        &url,
                        "HTTP 401 without a bearer challenge; the image may be private".into(),
                    )
                })?;
            let realm = challenge
                .iter()
                .find(|(k, _)| k == "realm")
                .map(|(_, v)| v.clone())
                .ok_or_else(|| fail(&url, "the bearer challenge names no realm".into()))?;
            let query: Vec<String> = challenge
                .iter()
                .filter(|(k, _)| k != "realm")
                .map(|(k, v)| {
                    format!(
                        "{k}={}",
                        url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()
                    )
                })
                .collect();
            let token_url = format!("{realm}?{}", query.join("&"));
            let token = http
                .get(&grant, &token_url, &[], LIMITS)
                .await
                .map_err(|e| fail(&token_url, e.to_string()))?;
            let token: Token = serde_json::from_slice(&token.body)
                .map_err(|e| fail(&token_url, format!("not a token response: {e}")))?;
            let token = token
                .token
                .or(token.access_token)
                .ok_or_else(|| fail(&token_url, "the token response has no token".into()))?;
            auth = vec![("authorization".to_owned(), format!("Bearer {token}"))];
            response = http
                .get(&grant, &url, &auth, LIMITS)
                .await
                .map_err(|e| fail(&url, e.to_string()))?;
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
    fn reads_link_and_challenge_headers() {
        let link = r#"</v2/library/ubuntu/tags/list?last=abc&n=3>; rel="next""#;
        assert_eq!(
            next_link(link).as_deref(),
            Some("/v2/library/ubuntu/tags/list?last=abc&n=3")
        );
        assert_eq!(next_link(r#"<https://x/a>; rel="prev""#), None);
        let c = bearer_challenge(r#"Bearer realm="https://auth.example/token",service="registry.example",scope="repository:library/ubuntu:pull""#)
            .expect("challenge");
        assert_eq!(
            c[0],
            ("realm".to_owned(), "https://auth.example/token".to_owned())
        );
        assert_eq!(c[2].1, "repository:library/ubuntu:pull");
        assert_eq!(bearer_challenge("Basic realm=x"), None);
    }
}
