//! Releases from forges, with the traps handled once for every tracker.
//!
//! - Draft releases are skipped: only a token with push access sees them, and they are not
//!   released.
//! - GitHub's "latest" badge is never read: it points at whatever was published last (often a
//!   backport to an old line). The host orders versions itself.
//! - A release is a pre-release when the forge flags it *or* its version looks like one.
//! - Tags the tracker cannot read as a version (`version_of` returns `None`) are skipped, so
//!   monorepo tags of other packages stay out.

use crate::bindings::rollcall::plugin::github;
use crate::version::is_prerelease;
use crate::{Error, Release};

/// The most releases or tags a tracker asks the host for.
pub const DEFAULT_LIMIT: u32 = 300;

/// The releases of `owner/repo` on GitHub, through the host (which adds the user's token).
/// `version_of` turns a tag into a version, or `None` to skip it; `line_of` names its line.
pub fn github_releases(
    owner: &str,
    repo: &str,
    limit: u32,
    version_of: impl Fn(&str) -> Option<String>,
    line_of: impl Fn(&str) -> Option<String>,
) -> Result<Vec<Release>, Error> {
    let list = github::releases(owner, repo, limit)?;
    let mut out = Vec::new();
    for release in list {
        if release.draft {
            crate::log::debug(&format!("skipping draft release `{}`", release.tag));
            continue;
        }
        let Some(version) = version_of(&release.tag) else {
            crate::log::debug(&format!("skipping tag `{}`: not a version", release.tag));
            continue;
        };
        let date = release
            .published_at
            .as_deref()
            .map(crate::date::iso_date)
            .transpose()?;
        out.push(Release {
            line: line_of(&version),
            prerelease: release.prerelease || is_prerelease(&version),
            version,
            date,
            url: Some(release.url),
        });
    }
    Ok(out)
}

/// The tags of `owner/repo` on GitHub as releases without dates (GitHub's tag list has none).
pub fn github_tags(
    owner: &str,
    repo: &str,
    limit: u32,
    version_of: impl Fn(&str) -> Option<String>,
    line_of: impl Fn(&str) -> Option<String>,
) -> Result<Vec<Release>, Error> {
    let tags = github::tags(owner, repo, limit)?;
    Ok(from_tags(
        tags.iter().map(|t| t.name.as_str()),
        version_of,
        line_of,
    ))
}

/// Releases from tag names (a git server's refs, a registry's tags): no dates, pre-releases by
/// their look.
pub fn from_tags<'a>(
    tags: impl IntoIterator<Item = &'a str>,
    version_of: impl Fn(&str) -> Option<String>,
    line_of: impl Fn(&str) -> Option<String>,
) -> Vec<Release> {
    tags.into_iter()
        .filter_map(|tag| {
            let version = version_of(tag)?;
            Some(Release {
                line: line_of(&version),
                prerelease: is_prerelease(&version),
                version,
                date: None,
                url: None,
            })
        })
        .collect()
}

/// `owner/repo` from a setting, checked.
pub fn owner_repo(raw: &str, setting: &str) -> Result<(String, String), Error> {
    let ok = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    match raw.trim().split_once('/') {
        Some((owner, repo)) if ok(owner) && ok(repo) => Ok((owner.to_owned(), repo.to_owned())),
        _ => Err(Error::config(format!(
            "setting `{setting}` = `{raw}` is not `OWNER/REPO` (for example `kubernetes/kubernetes`)"
        ))),
    }
}

/// What a tracker built on [`github_upstream`] says about itself: `api.github.com`, and the
/// `repository` (default `default_repo`) and `limit` settings.
pub fn github_upstream_info(name: &str, summary: &str, default_repo: &str) -> crate::PluginInfo {
    crate::PluginInfo {
        name: name.to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        summary: summary.to_owned(),
        hosts: vec!["api.github.com".to_owned()],
        settings: vec![repository_setting(default_repo), limit_setting()],
    }
}

/// The `repository` setting of a tracker that reads GitHub.
pub fn repository_setting(default: &str) -> crate::SettingInfo {
    crate::setting(
        "repository",
        "the GitHub repository as OWNER/REPO (a fork or mirror)",
        Some(default),
    )
}

/// The `limit` setting: how many releases or tags to read, newest first.
pub fn limit_setting() -> crate::SettingInfo {
    crate::setting(
        "limit",
        "how many releases or tags to read, newest first (at most 1000)",
        Some("300"),
    )
}

/// An upstream that publishes its releases on GitHub: reads `repository` (default
/// `default_repo`) and `limit`, keeps tags that start with `prefix` (then an optional `v`), puts
/// each version in the line of its first `line_parts` components, and groups the lines.
pub fn github_upstream(
    settings: &crate::Settings,
    default_repo: &str,
    prefix: &str,
    line_parts: usize,
) -> Result<(Vec<Release>, Vec<crate::ReleaseLine>), Error> {
    let (owner, repo) = owner_repo(settings.get_or("repository", default_repo), "repository")?;
    let limit = settings.parse_or("limit", DEFAULT_LIMIT)?;
    let releases = github_releases(
        &owner,
        &repo,
        limit,
        |tag| crate::version::version_in_tag(tag, prefix).map(str::to_owned),
        |version| Some(crate::version::components(version, line_parts).to_owned()),
    )?;
    if releases.is_empty() {
        return Err(Error::parse(format!(
            "`{owner}/{repo}` has no releases whose tag starts with `{prefix}` and a version"
        )));
    }
    let lines = crate::lines::group(&releases);
    Ok((releases, lines))
}
