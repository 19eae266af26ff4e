//! The `github` import: GitHub's REST API through octocrab.
//!
//! The host owns the token (`GITHUB_TOKEN`), adds it to requests and never hands it to a tracker
//! or writes it to a log; octocrab keeps it as a `SecretString`. The base URL can be changed
//! (`ROLLCALL_GITHUB_API`) so tests and GitHub Enterprise users can point it elsewhere. Pages go
//! through the same cassette as the `http` import (`--record`, `--replay`), keyed by their full
//! URL, so a GitHub tracker can be tested offline like any other.

use std::sync::Arc;

use octocrab::Octocrab;
use url::Url;

/// Most items a tracker can ask for in one call.
pub const MAX_ITEMS: u32 = 1_000;
const PER_PAGE: u8 = 100;

/// One release, as the import returns it.
#[derive(Debug, Clone)]
pub struct GithubRelease {
    /// The tag, as written.
    pub tag: String,
    /// The release title.
    pub name: Option<String>,
    /// RFC 3339.
    pub published_at: Option<String>,
    /// GitHub's pre-release flag.
    pub prerelease: bool,
    /// Only visible with push access.
    pub draft: bool,
    /// The release page.
    pub url: String,
}

/// One tag.
#[derive(Debug, Clone)]
pub struct GithubTag {
    /// The tag name.
    pub name: String,
    /// The commit it points at.
    pub commit: String,
}

/// Why a GitHub call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GithubError {
    /// GitHub refused because the rate limit is spent (403 or 429 saying so).
    RateLimited {
        /// The API path that was refused.
        url: String,
        /// 403 or 429.
        status: u16,
        /// The message, with the fix.
        message: String,
    },
    /// GitHub answered with another error status (a 404 for an unknown repository).
    Status {
        /// The API path.
        url: String,
        /// The status.
        status: u16,
    },
    /// GitHub's answer did not have the expected shape.
    Parse(String),
    /// Anything else: a bad name, a network failure.
    Other(String),
}

impl std::fmt::Display for GithubError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GithubError::RateLimited { message, .. }
            | GithubError::Parse(message)
            | GithubError::Other(message) => f.write_str(message),
            GithubError::Status { url, status } => {
                write!(f, "GitHub answered HTTP {status} for `{url}`")
            }
        }
    }
}

/// A tag as the tags API lists it, read leniently: older responses have no `node_id`, which
/// octocrab's model requires.
#[derive(serde::Deserialize)]
struct LenientTag {
    name: String,
    commit: LenientCommit,
}

#[derive(serde::Deserialize)]
struct LenientCommit {
    sha: String,
}

/// A GitHub API client; cheap to clone.
#[derive(Clone)]
pub struct GithubClient {
    api: Arc<Octocrab>,
    base: Url,
    cassette: super::Cassette,
    /// What GitHub's `x-ratelimit-*` headers said, for the dashboard's budget per host.
    gates: Arc<super::gate::Gates>,
}

impl std::fmt::Debug for GithubClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GithubClient")
            .field("base", &self.base.as_str())
            .finish_non_exhaustive()
    }
}

impl GithubClient {
    /// A client for `base` (normally `https://api.github.com`), authenticated when `token` is
    /// given.
    pub fn new(base: &Url, token: Option<String>) -> anyhow::Result<Self> {
        let mut builder = Octocrab::builder().base_uri(base.as_str())?;
        if let Some(token) = token.filter(|t| !t.trim().is_empty()) {
            builder = builder.personal_token(token);
        }
        Ok(Self {
            api: Arc::new(builder.build()?),
            base: base.clone(),
            cassette: super::Cassette::Off,
            gates: Arc::new(super::gate::Gates::default()),
        })
    }

    /// Records every page to, or answers every page from, a cassette directory.
    pub fn with_cassette(mut self, cassette: super::Cassette) -> Self {
        self.cassette = cassette;
        self
    }

    /// The API host's rate-limit budget, once a request was made.
    pub fn budgets(&self) -> Vec<super::gate::HostBudget> {
        self.gates.budgets()
    }

    /// One page of `/repos/{owner}/{repo}/{what}`: its items and whether another follows. Live,
    /// the rate-limit headers are noted and, with `--record`, the exchange is written; with
    /// `--replay` it comes from the cassette and nothing reaches the network.
    async fn page<T: serde::de::DeserializeOwned>(
        &self,
        owner: &str,
        repo: &str,
        what: &str,
        page: u32,
    ) -> Result<(Vec<T>, bool), GithubError> {
        let route = format!("/repos/{owner}/{repo}/{what}?per_page={PER_PAGE}&page={page}");
        let url = format!("{}{route}", self.base.as_str().trim_end_matches('/'));
        let fetched = match &self.cassette {
            super::Cassette::Replay(dir) => {
                super::cassette::replay(dir, &url).map_err(GithubError::Other)?
            }
            cassette => {
                let response = self
                    .api
                    ._get(route)
                    .await
                    .map_err(|e| transport(owner, repo, &e))?;
                let status = response.status().as_u16();
                let headers: Vec<(String, String)> = response
                    .headers()
                    .iter()
                    .filter_map(|(k, v)| Some((k.as_str().to_owned(), v.to_str().ok()?.to_owned())))
                    .collect();
                self.gates
                    .get(&super::gate::host_key(&self.base), 1)
                    .observe(headers.iter().map(|(k, v)| (k.as_str(), v.as_str())));
                let body = self
                    .api
                    .body_to_string(response)
                    .await
                    .map_err(|e| transport(owner, repo, &e))?;
                let fetched = super::Fetched {
                    status,
                    headers,
                    body: body.into_bytes(),
                    revalidated: false,
                };
                if let super::Cassette::Record(dir) = cassette
                    && let Err(e) = super::cassette::record(dir, &url, &fetched)
                {
                    tracing::warn!(dir = %dir.display(), "could not record a GitHub page: {e}");
                }
                fetched
            }
        };
        self.read_page(owner, repo, what, &fetched)
    }

    /// A page's items, or the error its status means.
    fn read_page<T: serde::de::DeserializeOwned>(
        &self,
        owner: &str,
        repo: &str,
        what: &str,
        fetched: &super::Fetched,
    ) -> Result<(Vec<T>, bool), GithubError> {
        let header = |name: &str| {
            fetched
                .headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        };
        let status = fetched.status;
        if !(200..300).contains(&status) {
            let url = format!(
                "{}/repos/{owner}/{repo}/{what}",
                self.base.as_str().trim_end_matches('/')
            );
            let message = serde_json::from_slice::<serde_json::Value>(&fetched.body)
                .ok()
                .and_then(|v| v["message"].as_str().map(str::to_owned))
                .unwrap_or_default();
            let limited = status == 429
                || (status == 403
                    && (message.to_ascii_lowercase().contains("rate limit")
                        || header("x-ratelimit-remaining") == Some("0")));
            if limited {
                return Err(GithubError::RateLimited {
                    message: format!(
                        "GitHub's rate limit is spent (HTTP {status} for `{owner}/{repo}`): {message}; \
                         set GITHUB_TOKEN to a token (no scopes needed) for 5,000 requests an hour"
                    ),
                    url,
                    status,
                });
            }
            return Err(GithubError::Status { url, status });
        }
        let items: Vec<T> = serde_json::from_slice(&fetched.body).map_err(|e| {
            GithubError::Parse(format!(
                "GitHub's answer for `{owner}/{repo}` is not what the API returns: {e}"
            ))
        })?;
        let next = header("link").is_some_and(|l| l.contains("rel=\"next\""));
        Ok((items, next))
    }

    /// The API's base URL; a tracker must be granted its host to use this import.
    pub fn base(&self) -> &Url {
        &self.base
    }

    /// Releases of `owner/repo`, newest first, at most `limit`.
    pub async fn releases(
        &self,
        owner: &str,
        repo: &str,
        limit: u32,
    ) -> Result<Vec<GithubRelease>, GithubError> {
        check_name(owner)?;
        check_name(repo)?;
        let limit = limit.clamp(1, MAX_ITEMS) as usize;
        let mut out = Vec::new();
        for page in 1u32.. {
            let (items, next): (Vec<octocrab::models::repos::Release>, bool) =
                self.page(owner, repo, "releases", page).await?;
            let done = !next || items.len() < usize::from(PER_PAGE);
            out.extend(items.into_iter().map(|r| GithubRelease {
                tag: r.tag_name,
                name: r.name,
                published_at: r.published_at.map(|d| d.to_rfc3339()),
                prerelease: r.prerelease,
                draft: r.draft,
                url: r.html_url.to_string(),
            }));
            if done || out.len() >= limit {
                break;
            }
        }
        out.truncate(limit);
        Ok(out)
    }

    /// Tags of `owner/repo`, in GitHub's order, at most `limit`.
    pub async fn tags(
        &self,
        owner: &str,
        repo: &str,
        limit: u32,
    ) -> Result<Vec<GithubTag>, GithubError> {
        check_name(owner)?;
        check_name(repo)?;
        let limit = limit.clamp(1, MAX_ITEMS) as usize;
        let mut out = Vec::new();
        for page in 1u32.. {
            let (items, next): (Vec<LenientTag>, bool) =
                self.page(owner, repo, "tags", page).await?;
            let done = !next || items.len() < usize::from(PER_PAGE);
            out.extend(items.into_iter().map(|t| GithubTag {
                name: t.name,
                commit: t.commit.sha,
            }));
            if done || out.len() >= limit {
                break;
            }
        }
        out.truncate(limit);
        Ok(out)
    }
}

/// Owner and repository names are path segments: keep them to GitHub's alphabet.
fn check_name(name: &str) -> Result<(), GithubError> {
    let ok = !name.is_empty()
        && name != "."
        && name != ".."
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(GithubError::Other(format!(
            "`{name}` is not a GitHub owner or repository name"
        )))
    }
}

/// A request that failed before GitHub's answer could be read (connection, TLS, body). Status
/// and shape errors are read from the answer itself (`read_page`).
fn transport(owner: &str, repo: &str, error: &octocrab::Error) -> GithubError {
    GithubError::Other(format!(
        "GitHub request for `{owner}/{repo}` failed: {error}"
    ))
}
