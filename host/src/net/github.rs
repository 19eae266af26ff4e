//! The `github` import: GitHub's REST API (a repository's releases and tags) through the shared
//! [`HttpClient`], so a GitHub page gets everything an `http` request gets: the tracker's grant
//! (re-checked on every redirect: renamed repositories answer `301`), the per-host gate and its
//! rate-limit pauses, retries with back-off, the response-size cap and timeout of the tracker,
//! conditional requests (GitHub does not count a `304` against the rate limit), and the cassette.
//!
//! The host owns the token (`GITHUB_TOKEN`): it is sent as `Authorization: Bearer` only for the
//! trackers the caller says may use it, never handed to a tracker or written to a log. The base
//! URL can be changed (`ROLLCALL_GITHUB_API`) so tests and GitHub Enterprise users can point it
//! elsewhere. Pages are followed by their `Link: rel="next"` header; the caller decides how many
//! it may fetch (each one is a request of the poll's budget).

use std::sync::Arc;

use url::Url;

use super::client::{FetchError, Fetched, HttpClient, RequestLimits};
use super::gate;
use super::policy::Grant;

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
    /// RFC 3339, in UTC.
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
    /// GitHub refused because the rate limit is spent (429, or 403 saying so).
    RateLimited {
        /// The API path that was refused.
        url: String,
        /// 403 or 429.
        status: u16,
        /// Seconds to wait, when GitHub said (`retry-after`, `x-ratelimit-reset`).
        retry_after: Option<u32>,
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
    /// The owner or repository is not a name GitHub accepts.
    Name(String),
    /// The host refused the request: a redirect outside the grant, a body over the cap.
    Denied(String),
    /// The request failed before an answer could be read: connection, TLS, timeout, cut body.
    Network(String),
}

impl std::fmt::Display for GithubError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GithubError::RateLimited { message, .. }
            | GithubError::Parse(message)
            | GithubError::Name(message)
            | GithubError::Denied(message)
            | GithubError::Network(message) => f.write_str(message),
            GithubError::Status { url, status } => {
                write!(f, "GitHub answered HTTP {status} for `{url}`")
            }
        }
    }
}

/// What the import lists: each kind of item is read from its own JSON shape.
pub trait Listing: Sized + Send {
    /// The path after `/repos/{owner}/{repo}/`.
    const PATH: &'static str;
    /// The items of one page.
    fn read(body: &[u8]) -> Result<Vec<Self>, String>;
}

/// A release as the releases API lists it; only what the import returns is read.
#[derive(serde::Deserialize)]
struct RawRelease {
    tag_name: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    published_at: Option<String>,
    #[serde(default)]
    prerelease: bool,
    #[serde(default)]
    draft: bool,
    html_url: String,
}

impl Listing for GithubRelease {
    const PATH: &'static str = "releases";

    fn read(body: &[u8]) -> Result<Vec<Self>, String> {
        use time::format_description::well_known::Rfc3339;
        let raw: Vec<RawRelease> = serde_json::from_slice(body).map_err(|e| e.to_string())?;
        raw.into_iter()
            .map(|r| {
                let published_at = r
                    .published_at
                    .map(|at| {
                        time::OffsetDateTime::parse(&at, &Rfc3339)
                            .ok()
                            .and_then(|t| t.to_offset(time::UtcOffset::UTC).format(&Rfc3339).ok())
                            .ok_or_else(|| {
                                format!(
                                    "release `{}` has `published_at` = `{at}`, not an RFC 3339 time",
                                    r.tag_name
                                )
                            })
                    })
                    .transpose()?;
                Ok(GithubRelease {
                    tag: r.tag_name,
                    name: r.name,
                    published_at,
                    prerelease: r.prerelease,
                    draft: r.draft,
                    url: r.html_url,
                })
            })
            .collect()
    }
}

/// A tag as the tags API lists it, read leniently: older responses have no `node_id`.
#[derive(serde::Deserialize)]
struct RawTag {
    name: String,
    commit: RawCommit,
}

#[derive(serde::Deserialize)]
struct RawCommit {
    sha: String,
}

impl Listing for GithubTag {
    const PATH: &'static str = "tags";

    fn read(body: &[u8]) -> Result<Vec<Self>, String> {
        let raw: Vec<RawTag> = serde_json::from_slice(body).map_err(|e| e.to_string())?;
        Ok(raw
            .into_iter()
            .map(|t| GithubTag {
                name: t.name,
                commit: t.commit.sha,
            })
            .collect())
    }
}

/// Where a listing stands: the page to fetch next, and the names its errors use.
#[derive(Debug, Clone)]
pub struct Cursor {
    /// `{base}/repos/{owner}/{repo}/{what}`, for messages (a page's own URL may be a renamed
    /// repository's `/repositories/ID/…`).
    route: String,
    /// `owner/repo`.
    repository: String,
    next: Url,
}

/// One page of a listing.
#[derive(Debug)]
pub struct Page<T> {
    /// Its items, in GitHub's order.
    pub items: Vec<T>,
    /// The next page, when GitHub's `Link` header names one.
    pub next: Option<Cursor>,
    /// Body bytes received.
    pub bytes: u64,
    /// Served from the HTTP cache after GitHub answered `304 Not Modified`.
    pub revalidated: bool,
}

/// A GitHub API client over the shared HTTP client; cheap to clone.
#[derive(Clone)]
pub struct GithubClient {
    http: HttpClient,
    base: Url,
    token: Option<Arc<str>>,
}

impl std::fmt::Debug for GithubClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GithubClient")
            .field("base", &self.base.as_str())
            .field("token", &self.token.as_ref().map(|_| "…"))
            .finish_non_exhaustive()
    }
}

impl GithubClient {
    /// A client for `base` (normally `https://api.github.com`) over `http` (whose gates, cache
    /// and cassette it shares), with the user's `token` when given.
    pub fn new(http: HttpClient, base: &Url, token: Option<String>) -> anyhow::Result<Self> {
        if !matches!(base.scheme(), "https" | "http") || base.host_str().is_none() {
            anyhow::bail!("`{base}` is not an http(s) URL with a host");
        }
        Ok(Self {
            http,
            base: base.clone(),
            token: token
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty())
                .map(Arc::from),
        })
    }

    /// The API's base URL; a tracker must be granted its host (or `api.github.com`) to use this
    /// import.
    pub fn base(&self) -> &Url {
        &self.base
    }

    /// The first page of `owner/repo`'s releases or tags.
    pub fn start<T: Listing>(&self, owner: &str, repo: &str) -> Result<Cursor, GithubError> {
        check_name(owner)?;
        check_name(repo)?;
        let route = format!(
            "{}/repos/{owner}/{repo}/{}",
            self.base.as_str().trim_end_matches('/'),
            T::PATH
        );
        let next = Url::parse(&format!("{route}?per_page={PER_PAGE}&page=1"))
            .map_err(|e| GithubError::Name(format!("`{owner}/{repo}` makes a bad URL: {e}")))?;
        Ok(Cursor {
            route,
            repository: format!("{owner}/{repo}"),
            next,
        })
    }

    /// Fetches the page `cursor` points at, under `grant` and within `limits` (which apply to
    /// each page); with the user's token when `lend_token` and there is one.
    pub async fn page<T: Listing>(
        &self,
        cursor: &Cursor,
        grant: &Grant,
        limits: RequestLimits,
        lend_token: bool,
    ) -> Result<Page<T>, GithubError> {
        let headers = [(
            "accept".to_owned(),
            "application/vnd.github+json".to_owned(),
        )];
        let url = cursor.next.as_str();
        let fetched = match self.token.as_deref().filter(|_| lend_token) {
            Some(token) => {
                self.http
                    .get_with_token(grant, url, &headers, token, limits)
                    .await
            }
            None => self.http.get(grant, url, &headers, limits).await,
        }
        .map_err(|e| match e {
            FetchError::Denied(why) => GithubError::Denied(format!("github import: {why}")),
            e @ FetchError::TooLarge { .. } => GithubError::Denied(e.to_string()),
            e @ FetchError::Network { .. } => GithubError::Network(e.to_string()),
        })?;
        read_page(cursor, &fetched)
    }
}

/// A page's items and the link to the next one, or the error its status means.
fn read_page<T: Listing>(cursor: &Cursor, fetched: &Fetched) -> Result<Page<T>, GithubError> {
    let header = |name: &str| {
        fetched
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let status = fetched.status;
    let repository = &cursor.repository;
    if !(200..300).contains(&status) {
        let url = cursor.route.clone();
        let message = serde_json::from_slice::<serde_json::Value>(&fetched.body)
            .ok()
            .and_then(|v| v["message"].as_str().map(str::to_owned))
            .unwrap_or_default();
        let limited = gate::is_rate_limited(status, &fetched.headers)
            || (status == 403 && message.to_ascii_lowercase().contains("rate limit"));
        if limited {
            let retry_after = (header("retry-after").is_some()
                || header("x-ratelimit-reset").is_some())
            .then(|| {
                let secs = gate::requested_wait(&fetched.headers).as_secs();
                u32::try_from(secs).unwrap_or(u32::MAX)
            });
            return Err(GithubError::RateLimited {
                message: format!(
                    "GitHub's rate limit is spent (HTTP {status} for `{repository}`): {message}; \
                     set GITHUB_TOKEN to a token (no scopes needed) for 5,000 requests an hour \
                     (a third-party tracker gets it only with `github-token = true` in its `[plugins.NAME]`)"
                ),
                url,
                status,
                retry_after,
            });
        }
        return Err(GithubError::Status { url, status });
    }
    let items = T::read(&fetched.body).map_err(|e| {
        GithubError::Parse(format!(
            "GitHub's answer for `{repository}` is not what the API returns: {e}"
        ))
    })?;
    let next = header("link")
        .and_then(|link| next_link(link, &cursor.next))
        .map(|next| Cursor {
            next,
            ..cursor.clone()
        });
    Ok(Page {
        items,
        next,
        bytes: fetched.body.len() as u64,
        revalidated: fetched.revalidated,
    })
}

/// The `rel="next"` target of a `Link` header (RFC 8288), resolved against the page's URL.
/// Split on commas: GitHub's page URLs contain none.
fn next_link(link: &str, page: &Url) -> Option<Url> {
    link.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        let target = target.trim().strip_prefix('<')?.strip_suffix('>')?;
        let next = params.split(';').any(|param| {
            param.trim().strip_prefix("rel=").is_some_and(|rel| {
                rel.trim_matches('"')
                    .split_whitespace()
                    .any(|r| r == "next")
            })
        });
        if next { page.join(target).ok() } else { None }
    })
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
        Err(GithubError::Name(format!(
            "`{name}` is not a GitHub owner or repository name"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_page_comes_from_the_link_header() {
        let page: Url = "https://api.github.com/repos/o/r/releases?per_page=100&page=1"
            .parse()
            .expect("url");
        let link = "<https://api.github.com/repositories/1/releases?per_page=100&page=2>; rel=\"next\", \
                    <https://api.github.com/repositories/1/releases?per_page=100&page=9>; rel=\"last\"";
        assert_eq!(
            next_link(link, &page).map(String::from).as_deref(),
            Some("https://api.github.com/repositories/1/releases?per_page=100&page=2")
        );
        let last = "<https://api.github.com/x?page=1>; rel=\"prev\", <https://api.github.com/x?page=1>; rel=\"first\"";
        assert_eq!(next_link(last, &page), None);
        assert_eq!(
            next_link("</r?page=3>; rel=next", &page)
                .map(String::from)
                .as_deref(),
            Some("https://api.github.com/r?page=3")
        );
        assert_eq!(next_link("garbage", &page), None);
    }

    #[test]
    fn releases_are_read_leniently_and_dates_checked() {
        let body = br#"[{"tag_name": "v1", "html_url": "https://x/1", "published_at": "2024-05-06T07:08:09+02:00"},
                        {"tag_name": "v2", "html_url": "https://x/2", "published_at": null, "draft": true}]"#;
        let list = GithubRelease::read(body).expect("reads");
        assert_eq!(
            list[0].published_at.as_deref(),
            Some("2024-05-06T05:08:09Z")
        );
        assert!(list[1].draft && list[1].published_at.is_none());
        let bad =
            br#"[{"tag_name": "v1", "html_url": "https://x/1", "published_at": "yesterday"}]"#;
        let e = GithubRelease::read(bad).expect_err("not a time");
        assert!(e.contains("`yesterday`"), "{e}");
        let tags = GithubTag::read(br#"[{"name": "v1", "commit": {"sha": "abc"}}]"#).expect("tags");
        assert_eq!(tags[0].commit, "abc");
    }

    #[test]
    fn spent_limits_are_rate_limited_with_the_wait_when_known() {
        let client = GithubClient::new(
            HttpClient::new().expect("client"),
            &"https://api.github.com".parse().expect("url"),
            None,
        )
        .expect("github client");
        let cursor = client.start::<GithubTag>("o", "r").expect("names");
        let answer = |status: u16, headers: &[(&str, &str)], body: &str| Fetched {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            body: body.as_bytes().to_vec(),
            revalidated: false,
        };
        let spent = answer(
            403,
            &[("x-ratelimit-remaining", "0")],
            r#"{"message": "API rate limit exceeded"}"#,
        );
        match read_page::<GithubTag>(&cursor, &spent) {
            Err(GithubError::RateLimited {
                status: 403,
                retry_after: None,
                url,
                message,
            }) => {
                assert_eq!(url, "https://api.github.com/repos/o/r/tags");
                assert!(message.contains("GITHUB_TOKEN"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        let slow = answer(429, &[("retry-after", "30")], "");
        assert!(matches!(
            read_page::<GithubTag>(&cursor, &slow),
            Err(GithubError::RateLimited {
                retry_after: Some(30),
                ..
            })
        ));
        let secondary = answer(
            403,
            &[],
            r#"{"message": "You have exceeded a secondary rate limit"}"#,
        );
        assert!(matches!(
            read_page::<GithubTag>(&cursor, &secondary),
            Err(GithubError::RateLimited { .. })
        ));
        let forbidden = answer(403, &[], r#"{"message": "Resource not accessible"}"#);
        assert!(matches!(
            read_page::<GithubTag>(&cursor, &forbidden),
            Err(GithubError::Status { status: 403, .. })
        ));
        let shape = answer(200, &[], r#"{"not": "a list"}"#);
        assert!(matches!(
            read_page::<GithubTag>(&cursor, &shape),
            Err(GithubError::Parse(_))
        ));
        assert!(matches!(
            client.start::<GithubTag>("..", "r"),
            Err(GithubError::Name(_))
        ));
    }
}
