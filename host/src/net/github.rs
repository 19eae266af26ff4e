//! The `github` import: GitHub's REST API through octocrab.
//!
//! The host owns the token (`GITHUB_TOKEN`), adds it to requests and never hands it to a tracker
//! or writes it to a log; octocrab keeps it as a `SecretString`. The base URL can be changed
//! (`ROLLCALL_GITHUB_API`) so tests and GitHub Enterprise users can point it elsewhere.

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

/// A GitHub API client; cheap to clone.
#[derive(Clone)]
pub struct GithubClient {
    api: Arc<Octocrab>,
    base: Url,
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
        })
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
    ) -> Result<Vec<GithubRelease>, String> {
        check_name(owner)?;
        check_name(repo)?;
        let limit = limit.clamp(1, MAX_ITEMS) as usize;
        let mut out = Vec::new();
        for page in 1u32.. {
            let batch = self
                .api
                .repos(owner, repo)
                .releases()
                .list()
                .per_page(PER_PAGE)
                .page(page)
                .send()
                .await
                .map_err(|e| describe(owner, repo, &e))?;
            let done = batch.next.is_none() || batch.items.len() < usize::from(PER_PAGE);
            out.extend(batch.items.into_iter().map(|r| GithubRelease {
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
    ) -> Result<Vec<GithubTag>, String> {
        check_name(owner)?;
        check_name(repo)?;
        let limit = limit.clamp(1, MAX_ITEMS) as usize;
        let mut out = Vec::new();
        for page in 1u32.. {
            let batch = self
                .api
                .repos(owner, repo)
                .list_tags()
                .per_page(PER_PAGE)
                .page(page)
                .send()
                .await
                .map_err(|e| describe(owner, repo, &e))?;
            let done = batch.next.is_none() || batch.items.len() < usize::from(PER_PAGE);
            out.extend(batch.items.into_iter().map(|t| GithubTag {
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
fn check_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name != "."
        && name != ".."
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(format!("`{name}` is not a GitHub owner or repository name"))
    }
}

fn describe(owner: &str, repo: &str, error: &octocrab::Error) -> String {
    match error {
        octocrab::Error::GitHub { source, .. } => format!(
            "GitHub answered {} for `{owner}/{repo}`: {}",
            source.status_code, source.message
        ),
        other => format!("GitHub request for `{owner}/{repo}` failed: {other}"),
    }
}
