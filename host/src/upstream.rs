//! What the host does to a tracker's answer before judging it: the watch's filters (written
//! once here, so every tracker, built-in or third-party, gets them) and the merge of a watch's
//! `releases` and `support` sources.
//!
//! Filters run in this order on every version a tracker returned: `include` and `exclude`
//! (regular expressions on the version as the tracker wrote it, usually the raw tag), then
//! `tag-prefix` (a tag without it is dropped: that is how one package of a monorepo is picked),
//! then a `v` or `V` before a digit is removed, then `rewrite`. What is left must start with a
//! digit; anything else (`latest`, `nightly`, another package's `name@1.0` tag) is dropped.
//! Every drop keeps its reason, so `rollcall explain` shows it.

use std::fmt;

use regex::Regex;
use serde::{Deserialize, Deserializer};

use crate::model::{DateSource, ReleaseLine, UpstreamData};

/// A regular expression from the config.
#[derive(Debug, Clone)]
pub struct Pattern(pub Regex);

impl<'de> Deserialize<'de> for Pattern {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Regex::new(&raw).map(Pattern).map_err(|e| {
            serde::de::Error::custom(format!("`{raw}` is not a valid regular expression: {e}"))
        })
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str())
    }
}

/// `rewrite = { pattern = '…', to = '…' }`: a regular-expression replacement (`$1`, `${name}`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rewrite {
    /// What to match.
    pub pattern: Pattern,
    /// The replacement, with `$1` or `${name}` for groups.
    pub to: String,
}

/// A watch's filters.
#[derive(Debug, Clone, Default)]
pub struct Filters<'a> {
    /// Keep only versions matching this.
    pub include: Option<&'a Pattern>,
    /// Drop versions matching this.
    pub exclude: Option<&'a Pattern>,
    /// Keep only tags starting with this, and remove it.
    pub tag_prefix: Option<&'a str>,
    /// Rewrite what is left.
    pub rewrite: Option<&'a Rewrite>,
}

impl Filters<'_> {
    /// The version `raw` becomes, or why it is dropped.
    pub fn apply(&self, raw: &str) -> Result<String, String> {
        if let Some(include) = self.include
            && !include.0.is_match(raw)
        {
            return Err(format!("dropped: does not match `include` ({include})"));
        }
        if let Some(exclude) = self.exclude
            && exclude.0.is_match(raw)
        {
            return Err(format!("dropped: matches `exclude` ({exclude})"));
        }
        let mut version = raw.trim();
        if let Some(prefix) = self.tag_prefix {
            version = version
                .strip_prefix(prefix)
                .ok_or_else(|| format!("dropped: does not start with `tag-prefix` `{prefix}`"))?;
        }
        if let Some(rest) = version.strip_prefix(['v', 'V'])
            && rest.starts_with(|c: char| c.is_ascii_digit())
        {
            version = rest;
        }
        let version = match self.rewrite {
            Some(rewrite) => rewrite
                .pattern
                .0
                .replace(version, rewrite.to.as_str())
                .into_owned(),
            None => version.to_owned(),
        };
        if !version.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(format!(
                "dropped: `{version}` is not a version (it does not start with a digit); a monorepo's other packages look like this; set `tag-prefix` to pick one"
            ));
        }
        Ok(version)
    }

    /// Applies the filters to every release and every line's `latest`; what is dropped is kept
    /// in `data.dropped` with the reason.
    pub fn apply_to(&self, mut data: UpstreamData) -> UpstreamData {
        let mut kept = Vec::with_capacity(data.releases.len());
        for mut release in std::mem::take(&mut data.releases) {
            match self.apply(&release.version) {
                Ok(version) => {
                    release.version = version;
                    kept.push(release);
                }
                Err(why) => data.dropped.push((release.version, why)),
            }
        }
        data.releases = kept;
        for line in &mut data.lines {
            if let Some(latest) = line.latest.take() {
                match self.apply(&latest) {
                    Ok(version) => line.latest = Some(version),
                    Err(why) => {
                        line.latest_date = None;
                        data.dropped.push((latest, why));
                    }
                }
            }
        }
        data
    }
}

/// Merges a watch's `releases` source (tracker `releases_from`) with its `support` source:
/// releases are the union (the releases source first); lines are matched by name. For a line's
/// end of life an announced date wins over a projected one, and on a tie the support source
/// wins; the other support fields come from the support source when it has them, release
/// fields from the releases source. `notes` say which source said what.
pub fn merge(
    releases_from: &str,
    mut releases: UpstreamData,
    support_from: &str,
    support: UpstreamData,
) -> UpstreamData {
    for line in &mut releases.lines {
        if line.end_of_life.is_some() || line.is_eol {
            line.eol_from = Some(releases_from.to_owned());
        }
    }
    for release in support.releases {
        if !releases
            .releases
            .iter()
            .any(|r| r.version == release.version)
        {
            // A release only the support source lists may scroll out of its window: the
            // merged list is whole only when nothing was added to a whole list.
            releases.complete = false;
            releases.releases.push(release);
        }
    }
    for theirs in support.lines {
        let Some(ours) = releases.lines.iter_mut().find(|l| l.name == theirs.name) else {
            let mut line = theirs;
            if line.end_of_life.is_some() || line.is_eol {
                line.eol_from = Some(support_from.to_owned());
            }
            releases.notes.push(format!(
                "line {}: only `{support_from}` lists it{}",
                line.name,
                line.end_of_life
                    .map(|d| format!(", end of life {d} ({})", source_word(line.eol_source)))
                    .unwrap_or_default()
            ));
            releases.lines.push(line);
            continue;
        };
        if let Some(date) = theirs.end_of_life {
            let wins = ours.end_of_life.is_none()
                || theirs.eol_source == DateSource::Announced
                || ours.eol_source == DateSource::Projected;
            if wins {
                let over = ours
                    .end_of_life
                    .filter(|d| *d != date || ours.eol_source != theirs.eol_source)
                    .map(|d| {
                        format!(
                            ", over {d} {} by `{releases_from}`",
                            source_word(ours.eol_source)
                        )
                    })
                    .unwrap_or_default();
                releases.notes.push(format!(
                    "line {}: end of life {date} {} by `{support_from}`{over}",
                    ours.name,
                    source_word(theirs.eol_source)
                ));
                ours.end_of_life = Some(date);
                ours.eol_source = theirs.eol_source;
                ours.eol_from = Some(support_from.to_owned());
            } else if let Some(d) = ours.end_of_life {
                releases.notes.push(format!(
                    "line {}: end of life {d} {} by `{releases_from}`, over {date} {} by `{support_from}`",
                    ours.name,
                    source_word(ours.eol_source),
                    source_word(theirs.eol_source)
                ));
            }
        }
        if theirs.is_eol && !ours.is_eol {
            ours.is_eol = true;
            ours.eol_from = Some(support_from.to_owned());
            releases.notes.push(format!(
                "line {}: `{support_from}` says it has reached end of life",
                ours.name
            ));
        }
        ours.end_of_active_support = theirs.end_of_active_support.or(ours.end_of_active_support);
        ours.lts |= theirs.lts;
        ours.label = ours.label.take().or(theirs.label);
        ours.release_date = ours.release_date.or(theirs.release_date);
        if ours.latest.is_none() {
            ours.latest = theirs.latest;
            ours.latest_date = theirs.latest_date;
        }
    }
    releases.dropped.extend(support.dropped);
    releases
}

fn source_word(source: DateSource) -> &'static str {
    match source {
        DateSource::Announced => "announced",
        DateSource::Projected => "projected",
    }
}

/// A line's end-of-life provenance for explanations: `(announced by endoflife)`.
pub fn provenance(line: &ReleaseLine) -> Option<String> {
    line.eol_from
        .as_ref()
        .map(|from| format!("{} by {from}", source_word(line.eol_source)))
}

#[cfg(test)]
mod tests;
