//! The anonymous bearer-token challenge of container registries: a `401` with
//! `WWW-Authenticate: Bearer realm="…",service="…",scope="…"` asks the client to fetch a token
//! from the realm and retry with it. The host answers it for the distro sources and for
//! trackers (whose requests may not carry credentials), so tokens stay in the host.

use serde::Deserialize;

use super::client::{FetchError, Fetched, HttpClient, RequestLimits};
use super::policy::Grant;

/// A parsed challenge: where to get a token, and the token URL with its query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// The realm (the token endpoint).
    pub realm: String,
    /// `realm?service=…&scope=…`.
    pub token_url: String,
}

#[derive(Deserialize)]
struct Token {
    #[serde(default)]
    token: Option<String>,
    #[serde(default)]
    access_token: Option<String>,
}

/// The bearer challenge of a `401` response, if it has one.
pub fn challenge(response: &Fetched) -> Option<Challenge> {
    if response.status != 401 {
        return None;
    }
    let header = response
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("www-authenticate"))
        .map(|(_, v)| v.as_str())?;
    let params = parse(header)?;
    let realm = params.iter().find(|(k, _)| k == "realm")?.1.clone();
    let query: Vec<String> = params
        .iter()
        .filter(|(k, _)| k != "realm")
        .map(|(k, v)| {
            format!(
                "{k}={}",
                url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()
            )
        })
        .collect();
    let token_url = if query.is_empty() {
        realm.clone()
    } else {
        format!("{realm}?{}", query.join("&"))
    };
    Some(Challenge { realm, token_url })
}

/// The parameters of a `Bearer k="v",…` header.
pub fn parse(header: &str) -> Option<Vec<(String, String)>> {
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

/// Fetches an anonymous token for `challenge` under `grant` (the realm's host must be granted).
pub async fn token(
    http: &HttpClient,
    grant: &Grant,
    challenge: &Challenge,
    limits: RequestLimits,
) -> Result<String, FetchError> {
    let response = http.get(grant, &challenge.token_url, &[], limits).await?;
    let bad = |why: String| FetchError::Network {
        url: challenge.realm.clone(),
        message: why,
    };
    if !(200..300).contains(&response.status) {
        return Err(bad(format!(
            "the token endpoint answered HTTP {}; the image may be private",
            response.status
        )));
    }
    let token: Token = serde_json::from_slice(&response.body)
        .map_err(|e| bad(format!("not a token response: {e}")))?;
    token
        .token
        .or(token.access_token)
        .ok_or_else(|| bad("the token response has no token".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_challenge() {
        let response = Fetched {
            status: 401,
            headers: vec![(
                "www-authenticate".into(),
                r#"Bearer realm="https://auth.example/token",service="registry.example",scope="repository:library/ubuntu:pull""#.into(),
            )],
            body: Vec::new(),
            revalidated: false,
        };
        let c = challenge(&response).expect("a challenge");
        assert_eq!(c.realm, "https://auth.example/token");
        assert_eq!(
            c.token_url,
            "https://auth.example/token?service=registry.example&scope=repository%3Alibrary%2Fubuntu%3Apull"
        );
        assert_eq!(parse("Basic realm=x"), None);
    }
}
