//! The store as the dashboard's [`Source`]: verdicts, polls, budgets and changes turned into
//! `rollcall-tui`'s plain rows. Reading never blocks on a writer (WAL); a check asked for from
//! the dashboard runs on its own thread with its own connection, and the dashboard notices its
//! commit the same way it notices the daemon's.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::sync::mpsc::Sender;

use rollcall_tui::{
    ChangeRow, Detail, JobEvent, LineInfo, ReleaseInfo, Row, ShippedInfo, Snapshot, Source,
    TrackerRow,
};

use crate::day::Day;
use crate::evaluate::Verdict;
use crate::model::DateSource;
use crate::store::{Change, Store, StoredPoll};

/// Starts a check of one watch (`Some`) or all, reporting to the sender; returns at once.
pub type Checker = Box<dyn FnMut(Option<&str>, Sender<JobEvent>) -> Result<(), String>>;

/// The store, read for the dashboard.
pub struct StoreSource {
    store: Arc<Store>,
    /// Only these watches (the config's), when known: the store remembers removed ones too.
    watches: Option<HashSet<String>>,
    /// The changes screen's start, RFC 3339, and how the user wrote it.
    since: (String, String),
    today: Day,
    checker: Option<Checker>,
    verdicts: Vec<Verdict>,
    polls: Vec<StoredPoll>,
}

impl std::fmt::Debug for StoreSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreSource")
            .field("store", &self.store.path())
            .finish_non_exhaustive()
    }
}

impl StoreSource {
    /// Reads `store`; changes since `since` (RFC 3339; `label` is how the user wrote it).
    pub fn new(store: Arc<Store>, since: String, label: String, today: Day) -> Self {
        Self {
            store,
            watches: None,
            since: (since, label),
            today,
            checker: None,
            verdicts: Vec::new(),
            polls: Vec::new(),
        }
    }

    /// Shows only these watches.
    pub fn only(mut self, watches: impl IntoIterator<Item = String>) -> Self {
        self.watches = Some(watches.into_iter().collect());
        self
    }

    /// Lets `r` and `R` run checks.
    pub fn with_checker(mut self, checker: Checker) -> Self {
        self.checker = Some(checker);
        self
    }

    fn wanted(&self, watch: &str) -> bool {
        self.watches.as_ref().is_none_or(|w| w.contains(watch))
    }
}

/// A verdict as an overview row.
pub fn row(v: &Verdict) -> Row {
    Row {
        watch: v.watch.clone(),
        tracker: v.tracker.clone(),
        distro: v.distro.clone(),
        package: v.package.clone(),
        shipped: v.shipped.clone(),
        line: v.line.clone(),
        lts: v.lts.unwrap_or(false),
        latest_in_line: v.latest_in_line.clone(),
        latest: v.latest.clone(),
        releases_behind: v.releases_behind,
        days_behind: v.days_behind,
        eol: v.eol.map(|d| d.to_string()),
        days_left: v.support_days_left,
        status: v.status,
        severity: v.severity,
        explanation: v.explanation.clone(),
    }
}

fn change_row(change: &Change, latest_run: &str) -> ChangeRow {
    let (when, kind) = match change {
        Change::NewRelease { first_seen, .. } => (first_seen.clone(), "release"),
        Change::FirstRun { first_seen, .. } => (first_seen.clone(), "first-run"),
        Change::GoneRelease { gone_since, .. } => (gone_since.clone(), "gone"),
        Change::VerdictChanged { .. } => (latest_run.to_owned(), "verdict"),
        Change::EndOfLife { .. } => (latest_run.to_owned(), "eol"),
    };
    ChangeRow {
        when,
        kind: kind.to_owned(),
        text: change.sentence(),
    }
}

impl Source for StoreSource {
    fn load(&mut self) -> Result<Snapshot, String> {
        let fail = |e: crate::store::StoreError| e.to_string();
        let stored = self.store.current_verdicts().map_err(fail)?;
        let mut rows = Vec::with_capacity(stored.len());
        self.verdicts.clear();
        for s in stored {
            if self.wanted(&s.verdict.watch) {
                rows.push(row(&s.verdict));
                self.verdicts.push(s.verdict);
            }
        }
        self.polls = self.store.latest_polls().map_err(fail)?;
        self.polls.retain(|p| {
            self.watches
                .as_ref()
                .is_none_or(|w| w.contains(&p.poll.watch))
        });
        let trackers = self
            .polls
            .iter()
            .map(|p| TrackerRow {
                watch: p.poll.watch.clone(),
                role: p.poll.role.clone(),
                tracker: p.poll.tracker.clone(),
                at: p.at.clone(),
                duration_ms: p.poll.duration_ms,
                calls: p.poll.calls,
                bytes: p.poll.bytes,
                revalidated: p.poll.revalidated,
                outcome: p.poll.outcome.clone(),
                error: p.poll.error.clone(),
                denied: p.poll.denied,
                denials: p.poll.denials.clone(),
            })
            .collect();
        let hosts = self.store.host_budgets().map_err(fail)?;
        let changes = self.store.changes_since(&self.since.0).map_err(fail)?;
        let latest = changes.latest_run.clone().unwrap_or_default();
        let mut changes: Vec<ChangeRow> = changes
            .changes
            .iter()
            .filter(|c| self.wanted(change_watch(c)))
            .map(|c| change_row(c, &latest))
            .collect();
        // Newest first; RFC 3339 UTC strings sort as times.
        changes.sort_by(|a, b| b.when.cmp(&a.when));
        Ok(Snapshot {
            rows,
            last_run: self.store.latest_run_at().map_err(fail)?,
            trackers,
            hosts,
            changes,
            changes_since: self.since.1.clone(),
            distros: {
                // The figures of the verdicts on screen (every watch's newest), with each
                // distro's package count from the newest run's summary.
                let sizes = self.store.latest_distro_sizes().map_err(fail)?;
                crate::report::distro_figures(&self.verdicts, &sizes)
                    .into_iter()
                    .map(|(name, d)| rollcall_tui::model::DistroFigure {
                        name,
                        packages: d.packages,
                        watched: d.watched,
                        behind_pct: (d.behind_share * 100.0).round() as u32,
                        eol_pct: (d.eol_share * 100.0).round() as u32,
                        median_days_behind: d.median_days_behind,
                        lines_past_eol: d.lines_past_eol,
                    })
                    .collect()
            },
        })
    }

    fn detail(&mut self, watch: &str) -> Result<Detail, String> {
        let fail = |e: crate::store::StoreError| e.to_string();
        let verdicts: Vec<&Verdict> = self.verdicts.iter().filter(|v| v.watch == watch).collect();
        let mut shipped_by: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for v in &verdicts {
            if let Some(version) = &v.shipped_upstream {
                shipped_by
                    .entry(version.as_str())
                    .or_default()
                    .push(v.distro.clone());
            }
        }
        let merged = self.store.merged_data(watch).map_err(fail)?;
        let mut lines: Vec<LineInfo> = merged
            .as_ref()
            .map(|m| {
                m.data
                    .lines
                    .iter()
                    .map(|l| LineInfo {
                        name: l.name.clone(),
                        label: l.label.clone(),
                        lts: l.lts,
                        release: l.release_date.map(|d| d.to_string()),
                        active_until: l.end_of_active_support.map(|d| d.to_string()),
                        eol: l.end_of_life.map(|d| d.to_string()),
                        eol_source: match l.eol_source {
                            DateSource::Announced => "announced",
                            DateSource::Projected => "projected",
                        }
                        .to_owned(),
                        is_eol: l.is_eol,
                        latest: l.latest.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        lines.sort_by(|a, b| {
            b.release
                .cmp(&a.release)
                .then_with(|| rollcall_tui::app::version_cmp(&b.name, &a.name))
        });
        let releases = self
            .store
            .release_history(watch)
            .map_err(fail)?
            .into_iter()
            .map(|r| ReleaseInfo {
                shipped_by: shipped_by
                    .get(r.version.as_str())
                    .cloned()
                    .unwrap_or_default(),
                version: r.version,
                date: r.date,
                line: r.line,
                prerelease: r.prerelease,
                gone: r.gone_since.is_some(),
            })
            .collect();
        let mut shipped = Vec::new();
        for v in &verdicts {
            for s in self
                .store
                .shipped_history(&v.distro, &v.package)
                .map_err(fail)?
            {
                shipped.push(ShippedInfo {
                    distro: v.distro.clone(),
                    package: v.package.clone(),
                    version: s.version,
                    first_seen: s.first_seen,
                    last_seen: s.last_seen,
                });
            }
        }
        let errors = self
            .polls
            .iter()
            .filter(|p| p.poll.watch == watch)
            .filter_map(|p| {
                let e = p.poll.error.as_ref()?;
                Some(format!("{} ({}): {e}", p.poll.role, p.poll.tracker))
            })
            .collect();
        Ok(Detail {
            watch: watch.to_owned(),
            tracker: verdicts
                .first()
                .map(|v| v.tracker.clone())
                .or_else(|| merged.map(|m| m.tracker))
                .unwrap_or_default(),
            today: self.today.to_string(),
            lines,
            releases,
            verdicts: verdicts.iter().map(|v| row(v)).collect(),
            shipped,
            errors,
        })
    }

    fn generation(&mut self) -> Option<i64> {
        self.store.data_version().ok()
    }

    fn start_check(&mut self, watch: Option<&str>, events: Sender<JobEvent>) -> Result<(), String> {
        match &mut self.checker {
            Some(check) => check(watch, events),
            None => Err("this dashboard was started without a config to check".to_owned()),
        }
    }
}

fn change_watch(change: &Change) -> &str {
    match change {
        Change::NewRelease { watch, .. }
        | Change::FirstRun { watch, .. }
        | Change::GoneRelease { watch, .. }
        | Change::VerdictChanged { watch, .. }
        | Change::EndOfLife { watch, .. } => watch,
    }
}
