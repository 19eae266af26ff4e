//! Release lines built from a list of releases, and support windows from a policy.
//!
//! Most upstreams publish releases but not lines; a tracker groups its releases (`1.31.4` goes
//! to line `1.31`), then applies what the upstream's policy says about support: a fixed window
//! after a line's first release ([`project_window`]) or "until the next line ships"
//! ([`supported_until_next`]). Dates computed this way are marked [`DateSource::Projected`].

use std::collections::BTreeMap;

use crate::version::cmp_dotted;
use crate::{DateSource, Error, Release, ReleaseLine};

/// An empty line called `name`.
pub fn empty_line(name: &str) -> ReleaseLine {
    ReleaseLine {
        name: name.to_owned(),
        label: None,
        release_date: None,
        end_of_active_support: None,
        end_of_life: None,
        is_eol: false,
        eol_source: DateSource::Announced,
        lts: false,
        latest: None,
        latest_date: None,
    }
}

/// Groups releases into lines by their `line` field: each line gets its newest final release
/// as `latest` and the date of its oldest final release as `release_date`. Pre-releases and
/// releases without a line are left out. Lines come back oldest first.
///
/// ```
/// use rollcall_sdk::Release;
///
/// let mut releases = vec![
///     Release::new("1.31.0".into(), Some("2024-08-13".into())),
///     Release::new("1.31.4".into(), Some("2024-12-10".into())),
///     Release::new("1.32.0-rc.1".into(), None),
/// ];
/// for r in &mut releases {
///     r.line = Some(rollcall_sdk::major_minor(&r.version).to_owned());
/// }
/// let lines = rollcall_sdk::lines::group(&releases);
/// assert_eq!(lines.len(), 1);
/// assert_eq!(lines[0].latest.as_deref(), Some("1.31.4"));
/// assert_eq!(lines[0].release_date.as_deref(), Some("2024-08-13"));
/// ```
pub fn group(releases: &[Release]) -> Vec<ReleaseLine> {
    let mut lines: BTreeMap<&str, ReleaseLine> = BTreeMap::new();
    for release in releases.iter().filter(|r| !r.prerelease) {
        let Some(name) = release.line.as_deref() else {
            continue;
        };
        let line = lines.entry(name).or_insert_with(|| empty_line(name));
        let newer = line
            .latest
            .as_deref()
            .is_none_or(|cur| cmp_dotted(&release.version, cur).is_gt());
        if newer {
            line.latest = Some(release.version.clone());
            line.latest_date = release.date.clone();
        }
        if let Some(date) = &release.date
            && line.release_date.as_ref().is_none_or(|d| date < d)
        {
            line.release_date = Some(date.clone());
        }
    }
    let mut out: Vec<ReleaseLine> = lines.into_values().collect();
    out.sort_by(|a, b| cmp_dotted(&a.name, &b.name));
    out
}

/// Policy "each line is supported for `months` after its first release": sets `end_of_life`
/// (projected) on every line with a release date and none announced.
pub fn project_window(
    lines: &mut [ReleaseLine],
    months: impl Fn(&ReleaseLine) -> u32,
) -> Result<(), Error> {
    for line in lines.iter_mut() {
        if line.end_of_life.is_some() {
            continue;
        }
        if let Some(start) = &line.release_date {
            line.end_of_life = Some(crate::date::add_months(start, months(line))?);
            line.eol_source = DateSource::Projected;
        }
    }
    Ok(())
}

/// Policy "only the newest line is maintained": each line ends when the next one is first
/// released (projected). `lines` must be oldest first, as [`group`] returns them.
pub fn supported_until_next(lines: &mut [ReleaseLine]) {
    for i in 1..lines.len() {
        let next_start = lines[i].release_date.clone();
        let line = &mut lines[i - 1];
        if line.end_of_life.is_none()
            && let Some(date) = next_start
        {
            line.end_of_life = Some(date);
            line.eol_source = DateSource::Projected;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn release(version: &str, date: &str, line: &str, prerelease: bool) -> Release {
        Release {
            version: version.into(),
            date: Some(date.into()),
            prerelease,
            line: Some(line.into()),
            url: None,
        }
    }

    #[test]
    fn lines_take_their_newest_final_release_and_first_date() {
        let releases = [
            release("1.10.1", "2024-03-01", "1.10", false),
            release("1.9.2", "2024-02-01", "1.9", false),
            release("1.10.0", "2024-01-15", "1.10", false),
            release("1.11.0-rc.1", "2024-04-01", "1.11", true),
            release("1.9.10", "2024-05-01", "1.9", false),
        ];
        let lines = group(&releases);
        let names: Vec<&str> = lines.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["1.9", "1.10"]);
        assert_eq!(lines[0].latest.as_deref(), Some("1.9.10"));
        assert_eq!(lines[1].latest.as_deref(), Some("1.10.1"));
        assert_eq!(lines[1].release_date.as_deref(), Some("2024-01-15"));
    }

    #[test]
    fn policies_project_end_of_life() {
        let releases = [
            release("5.1.0", "2024-05-01", "5.1", false),
            release("5.0.0", "2024-01-10", "5.0", false),
        ];
        let mut lines = group(&releases);
        supported_until_next(&mut lines);
        assert_eq!(lines[0].end_of_life.as_deref(), Some("2024-05-01"));
        assert_eq!(lines[0].eol_source, DateSource::Projected);
        assert_eq!(lines[1].end_of_life, None);
        project_window(&mut lines, |_| 14).expect("dates");
        assert_eq!(lines[1].end_of_life.as_deref(), Some("2025-07-01"));
        assert_eq!(lines[0].end_of_life.as_deref(), Some("2024-05-01"));
    }
}
