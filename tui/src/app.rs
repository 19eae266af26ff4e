//! The dashboard's state and what keys do to it. Rendering reads it (see `ui`); nothing here
//! draws or touches the terminal, so every behaviour is testable with plain calls.

use std::cmp::Ordering;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, MouseEvent, MouseEventKind};

use crate::keys::{self, Action, Place};
use crate::model::{Detail, JobEvent, Row, Severity, Snapshot, Source, Status};

/// The screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// Every verdict, worst first.
    Overview,
    /// One watch.
    Detail,
    /// Poll health and host budgets.
    Trackers,
    /// What changed.
    Changes,
}

/// The overview's columns, in display order; `s` cycles the sort through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// Severity, then status, then the nearest end of life (the default).
    Worst,
    /// The watch.
    Upstream,
    /// The distro.
    Distro,
    /// The shipped version.
    Shipped,
    /// The shipped line.
    Line,
    /// Newest in that line.
    InLine,
    /// Newest upstream.
    Newest,
    /// Releases and days behind.
    Behind,
    /// End of life.
    Support,
    /// Status.
    Status,
    /// Severity.
    Severity,
}

impl Column {
    /// The sort cycle.
    pub const CYCLE: [Column; 11] = [
        Column::Worst,
        Column::Upstream,
        Column::Distro,
        Column::Shipped,
        Column::Line,
        Column::InLine,
        Column::Newest,
        Column::Behind,
        Column::Support,
        Column::Status,
        Column::Severity,
    ];

    /// How the sort is named in the filter line.
    pub fn name(self) -> &'static str {
        match self {
            Column::Worst => "worst first",
            Column::Upstream => "upstream",
            Column::Distro => "distro",
            Column::Shipped => "shipped",
            Column::Line => "line",
            Column::InLine => "newest in line",
            Column::Newest => "newest",
            Column::Behind => "behind",
            Column::Support => "support",
            Column::Status => "status",
            Column::Severity => "severity",
        }
    }
}

/// A selected row and the first row shown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cursor {
    /// Index of the selected row among those shown.
    pub selected: usize,
    /// First row drawn (kept by the renderer so the selection stays visible).
    pub offset: usize,
}

impl Cursor {
    fn apply(&mut self, action: Action, len: usize, page: usize) {
        let last = len.saturating_sub(1);
        self.selected = match action {
            Action::Up => self.selected.saturating_sub(1),
            Action::Down => (self.selected + 1).min(last),
            Action::PageUp => self.selected.saturating_sub(page.max(1)),
            Action::PageDown => (self.selected + page.max(1)).min(last),
            Action::Top => 0,
            Action::Bottom => last,
            _ => self.selected,
        };
    }

    /// Moves `offset` so that `selected` is within `height` rows.
    pub fn scroll_into_view(&mut self, len: usize, height: usize) {
        self.selected = self.selected.min(len.saturating_sub(1));
        if height == 0 {
            return;
        }
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
        self.offset = self.offset.min(len.saturating_sub(height));
    }
}

/// A background check in progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// What is being checked (`every watch`, `kernel`).
    pub what: String,
    /// Watches polled.
    pub done: usize,
    /// Of how many (0 until the first report).
    pub total: usize,
}

/// How the dashboard starts.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Draw with colours (off under `NO_COLOR`).
    pub color: bool,
    /// How often to ask the source whether someone else wrote.
    pub poll_every: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
            poll_every: Duration::from_millis(500),
        }
    }
}

/// The dashboard's state.
#[derive(Debug)]
pub struct App {
    /// The data shown.
    pub snapshot: Snapshot,
    /// The screen shown.
    pub screen: Screen,
    /// The list screen the detail returns to.
    pub list: Screen,
    /// The help popup is open.
    pub help: bool,
    /// Overview rows shown, as indices into `snapshot.rows`, in display order.
    pub visible: Vec<usize>,
    /// Lower-case search text of each row.
    haystacks: Vec<String>,
    /// Overview cursor.
    pub overview: Cursor,
    /// Trackers cursor.
    pub trackers: Cursor,
    /// Changes cursor.
    pub changes: Cursor,
    /// Tracker rows, failures first, as indices into `snapshot.trackers`.
    pub tracker_order: Vec<usize>,
    /// Sort column.
    pub sort: Column,
    /// Sort reversed.
    pub reversed: bool,
    /// Only this distro.
    pub distro: Option<String>,
    /// Only this status.
    pub status: Option<Status>,
    /// Only this severity or worse.
    pub severity: Option<Severity>,
    /// The search.
    pub search: String,
    /// The search is being typed.
    pub typing: bool,
    /// The open detail.
    pub detail: Option<Detail>,
    /// The detail's first line shown.
    pub detail_scroll: usize,
    /// The detail's length in lines (kept by the renderer).
    pub detail_len: usize,
    /// A background check.
    pub job: Option<Job>,
    /// The status bar's message.
    pub message: Option<String>,
    /// Now, Unix seconds (ages in the header are relative to it).
    pub now: i64,
    /// Colours on.
    pub color: bool,
    /// Leave at the next turn.
    pub quit: bool,
    /// Rows per page (kept by the renderer).
    pub page: usize,
    /// Where the list's first row is drawn and how many rows fit (kept by the renderer, for
    /// mouse clicks).
    pub rows_at: Option<(u16, u16)>,
}

/// What a key asks of the source; the [`Dashboard`] carries it out.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Request {
    Detail(String),
    Check(Option<String>),
}

impl App {
    /// A dashboard over `snapshot`, as of `now` (Unix seconds).
    pub fn new(snapshot: Snapshot, color: bool, now: i64) -> Self {
        let mut app = Self {
            snapshot: Snapshot::default(),
            screen: Screen::Overview,
            list: Screen::Overview,
            help: false,
            visible: Vec::new(),
            haystacks: Vec::new(),
            overview: Cursor::default(),
            trackers: Cursor::default(),
            changes: Cursor::default(),
            tracker_order: Vec::new(),
            sort: Column::Worst,
            reversed: false,
            distro: None,
            status: None,
            severity: None,
            search: String::new(),
            typing: false,
            detail: None,
            detail_scroll: 0,
            detail_len: 0,
            job: None,
            message: None,
            now,
            color,
            quit: false,
            page: 10,
            rows_at: None,
        };
        app.replace(snapshot);
        app
    }

    /// Takes new data, keeping the selected row (by watch, distro and package) and the filters.
    pub fn replace(&mut self, snapshot: Snapshot) {
        let selected = self.selected_row().map(key_of);
        self.haystacks = snapshot
            .rows
            .iter()
            .map(|r| {
                let mut text = format!(
                    "{} {} {} {} {} {} {}",
                    r.watch,
                    r.distro,
                    r.package,
                    r.tracker,
                    r.shipped.as_deref().unwrap_or(""),
                    r.latest.as_deref().unwrap_or(""),
                    r.status.as_str()
                );
                text.make_ascii_lowercase();
                text
            })
            .collect();
        let mut order: Vec<usize> = (0..snapshot.trackers.len()).collect();
        order.sort_by(|&a, &b| {
            let (a, b) = (&snapshot.trackers[a], &snapshot.trackers[b]);
            b.failed()
                .cmp(&a.failed())
                .then_with(|| a.watch.cmp(&b.watch))
                .then_with(|| a.role.cmp(&b.role))
        });
        self.tracker_order = order;
        self.snapshot = snapshot;
        self.refilter();
        if let Some(key) = selected
            && let Some(at) = self
                .visible
                .iter()
                .position(|&i| key_of(&self.snapshot.rows[i]) == key)
        {
            self.overview.selected = at;
        }
    }

    /// The selected overview row.
    pub fn selected_row(&self) -> Option<&Row> {
        self.visible
            .get(self.overview.selected)
            .map(|&i| &self.snapshot.rows[i])
    }

    /// The watch keys act on: the detail's, the selected row's or the selected poll's.
    pub fn selected_watch(&self) -> Option<String> {
        match self.screen {
            Screen::Detail => self.detail.as_ref().map(|d| d.watch.clone()),
            Screen::Overview => self.selected_row().map(|r| r.watch.clone()),
            Screen::Trackers => self
                .tracker_order
                .get(self.trackers.selected)
                .map(|&i| self.snapshot.trackers[i].watch.clone()),
            Screen::Changes => None,
        }
    }

    fn place(&self) -> Place {
        match self.screen {
            Screen::Overview => Place::Overview,
            Screen::Detail => Place::Detail,
            Screen::Trackers => Place::Trackers,
            Screen::Changes => Place::Changes,
        }
    }

    /// Where keys are read, for the status bar's hints.
    pub fn hints(&self) -> Vec<(&'static str, &'static str)> {
        keys::hints(self.place()).collect()
    }

    /// Recomputes the shown rows after a filter, search or sort change.
    pub fn refilter(&mut self) {
        let terms: Vec<String> = self
            .search
            .split_whitespace()
            .map(str::to_ascii_lowercase)
            .collect();
        let rows = &self.snapshot.rows;
        let mut visible: Vec<usize> = (0..rows.len())
            .filter(|&i| {
                let r = &rows[i];
                self.distro.as_ref().is_none_or(|d| &r.distro == d)
                    && self.status.is_none_or(|s| r.status == s)
                    && self.severity.is_none_or(|s| r.severity >= s)
                    && terms.iter().all(|t| self.haystacks[i].contains(t.as_str()))
            })
            .collect();
        let sort = self.sort;
        visible.sort_by(|&a, &b| {
            let ordering = compare(sort, &rows[a], &rows[b]);
            if self.reversed {
                ordering.reverse()
            } else {
                ordering
            }
        });
        self.visible = visible;
        self.overview.selected = self
            .overview
            .selected
            .min(self.visible.len().saturating_sub(1));
    }

    /// Counts per status over every row (not only those shown).
    pub fn counts(&self) -> Vec<(Status, usize)> {
        let mut counts = [0usize; 9];
        for r in &self.snapshot.rows {
            counts[r.status.rank()] += 1;
        }
        Status::WORST_FIRST
            .iter()
            .zip(counts)
            .filter(|(_, n)| *n > 0)
            .map(|(s, n)| (*s, n))
            .collect()
    }

    /// How many sources failed their newest poll.
    pub fn failing_trackers(&self) -> usize {
        self.snapshot.trackers.iter().filter(|t| t.failed()).count()
    }

    /// Applies a key; returns what the source must do.
    fn key(&mut self, key: KeyEvent) -> Option<Request> {
        if self.typing {
            match key.code {
                KeyCode::Esc => {
                    self.typing = false;
                    self.search.clear();
                }
                KeyCode::Enter => self.typing = false,
                KeyCode::Backspace => {
                    self.search.pop();
                }
                KeyCode::Char(c)
                    if !key
                        .modifiers
                        .contains(crossterm::event::KeyModifiers::CONTROL) =>
                {
                    self.search.push(c);
                }
                _ => return None,
            }
            self.overview.selected = 0;
            self.refilter();
            return None;
        }
        if self.help {
            // Any key closes the help; `q` still quits.
            self.help = false;
            if keys::action_for(self.place(), key) == Some(Action::Quit) {
                self.quit = true;
            }
            return None;
        }
        let action = keys::action_for(self.place(), key)?;
        self.act(action)
    }

    fn act(&mut self, action: Action) -> Option<Request> {
        match action {
            Action::Quit => self.quit = true,
            Action::Help => self.help = true,
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom => self.navigate(action),
            Action::Open => {
                return self
                    .selected_row()
                    .map(|r| Request::Detail(r.watch.clone()));
            }
            Action::Back => match self.screen {
                Screen::Detail => {
                    self.screen = self.list;
                    self.detail = None;
                }
                Screen::Overview if !self.search.is_empty() => {
                    self.search.clear();
                    self.refilter();
                }
                _ => {}
            },
            Action::NextScreen => {
                self.screen = match self.screen {
                    Screen::Overview | Screen::Detail => Screen::Trackers,
                    Screen::Trackers => Screen::Changes,
                    Screen::Changes => Screen::Overview,
                };
            }
            Action::Overview => self.screen = Screen::Overview,
            Action::Trackers => self.screen = Screen::Trackers,
            Action::Changes => self.screen = Screen::Changes,
            Action::Sort => {
                let at = Column::CYCLE
                    .iter()
                    .position(|c| *c == self.sort)
                    .unwrap_or(0);
                self.sort = Column::CYCLE[(at + 1) % Column::CYCLE.len()];
                self.reversed = false;
                self.refilter();
            }
            Action::Reverse => {
                self.reversed = !self.reversed;
                self.refilter();
            }
            Action::FilterDistro => {
                let mut distros: Vec<String> = self
                    .snapshot
                    .rows
                    .iter()
                    .map(|r| r.distro.clone())
                    .collect();
                distros.sort();
                distros.dedup();
                self.distro = next_of(&distros, self.distro.as_ref()).cloned();
                self.overview.selected = 0;
                self.refilter();
            }
            Action::FilterStatus => {
                let present: Vec<Status> = Status::WORST_FIRST
                    .into_iter()
                    .filter(|s| self.snapshot.rows.iter().any(|r| r.status == *s))
                    .collect();
                self.status = next_of(&present, self.status.as_ref()).copied();
                self.overview.selected = 0;
                self.refilter();
            }
            Action::FilterSeverity => {
                let steps = [Severity::Info, Severity::Warning, Severity::Critical];
                self.severity = next_of(&steps, self.severity.as_ref()).copied();
                self.overview.selected = 0;
                self.refilter();
            }
            Action::Search => {
                self.typing = true;
                self.search.clear();
                self.refilter();
            }
            Action::ClearFilters => {
                self.distro = None;
                self.status = None;
                self.severity = None;
                self.search.clear();
                self.refilter();
            }
            Action::Refresh => {
                return self.selected_watch().map(|w| Request::Check(Some(w)));
            }
            Action::CheckAll => return Some(Request::Check(None)),
        }
        None
    }

    fn navigate(&mut self, action: Action) {
        let page = self.page;
        match self.screen {
            Screen::Overview => self.overview.apply(action, self.visible.len(), page),
            Screen::Trackers => self
                .trackers
                .apply(action, self.snapshot.trackers.len(), page),
            Screen::Changes => self
                .changes
                .apply(action, self.snapshot.changes.len(), page),
            Screen::Detail => {
                let last = self.detail_len.saturating_sub(page.max(1));
                self.detail_scroll = match action {
                    Action::Up => self.detail_scroll.saturating_sub(1),
                    Action::Down => (self.detail_scroll + 1).min(last),
                    Action::PageUp => self.detail_scroll.saturating_sub(page.max(1)),
                    Action::PageDown => (self.detail_scroll + page.max(1)).min(last),
                    Action::Top => 0,
                    _ => last,
                };
            }
        }
    }
}

/// The cycle `None → first → … → last → None`.
fn next_of<'a, T: PartialEq>(items: &'a [T], current: Option<&T>) -> Option<&'a T> {
    match current {
        None => items.first(),
        Some(c) => {
            let at = items.iter().position(|i| i == c)?;
            items.get(at + 1)
        }
    }
}

fn key_of(r: &Row) -> (String, String, String) {
    (r.watch.clone(), r.distro.clone(), r.package.clone())
}

fn compare(column: Column, a: &Row, b: &Row) -> Ordering {
    let names = |a: &Row, b: &Row| {
        a.watch
            .cmp(&b.watch)
            .then_with(|| a.distro.cmp(&b.distro))
            .then_with(|| a.package.cmp(&b.package))
    };
    let versions = |x: &Option<String>, y: &Option<String>| match (x, y) {
        (Some(x), Some(y)) => version_cmp(x, y),
        (x, y) => y.is_none().cmp(&x.is_none()).reverse(),
    };
    // Unknown numbers sort after known ones, whatever the direction.
    let numbers = |x: Option<i64>, y: Option<i64>| match (x, y) {
        (Some(x), Some(y)) => x.cmp(&y),
        (x, y) => x.is_none().cmp(&y.is_none()),
    };
    let worst = |a: &Row, b: &Row| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.status.rank().cmp(&b.status.rank()))
            .then_with(|| numbers(a.days_left, b.days_left))
            .then_with(|| numbers(b.days_behind, a.days_behind))
    };
    let primary = match column {
        Column::Worst => worst(a, b),
        Column::Upstream => a.watch.cmp(&b.watch),
        Column::Distro => a.distro.cmp(&b.distro),
        Column::Shipped => versions(&a.shipped, &b.shipped),
        Column::Line => versions(&a.line, &b.line),
        Column::InLine => versions(&a.latest_in_line, &b.latest_in_line),
        Column::Newest => versions(&a.latest, &b.latest),
        Column::Behind => numbers(
            b.releases_behind.map(i64::from),
            a.releases_behind.map(i64::from),
        )
        .then_with(|| numbers(b.days_behind, a.days_behind)),
        Column::Support => numbers(a.days_left, b.days_left),
        Column::Status => a.status.rank().cmp(&b.status.rank()),
        Column::Severity => b.severity.cmp(&a.severity),
    };
    primary.then_with(|| worst(a, b)).then_with(|| names(a, b))
}

/// Orders versions as the engine's default scheme does (libversion's algorithm, from
/// `rollcall-versions`): the dashboard sorts a column the way verdicts are judged.
pub fn version_cmp(a: &str, b: &str) -> Ordering {
    rollcall_versions::Scheme::Generic.compare(a, b)
}

/// The dashboard: its state, its source, and the background check's channel.
pub struct Dashboard<S: Source> {
    /// The state the renderer draws.
    pub app: App,
    source: S,
    events: Receiver<JobEvent>,
    sender: Sender<JobEvent>,
    generation: Option<i64>,
    polled_at: Instant,
    poll_every: Duration,
}

impl<S: Source> std::fmt::Debug for Dashboard<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dashboard").field("app", &self.app).finish()
    }
}

/// Now, Unix seconds.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

impl<S: Source> Dashboard<S> {
    /// Loads the first snapshot.
    pub fn new(mut source: S, options: Options) -> Result<Self, String> {
        let generation = source.generation();
        let snapshot = source.load()?;
        let (sender, events) = channel();
        Ok(Self {
            app: App::new(snapshot, options.color, unix_now()),
            source,
            events,
            sender,
            generation,
            polled_at: Instant::now(),
            poll_every: options.poll_every,
        })
    }

    /// Handles a key press.
    pub fn press(&mut self, key: KeyEvent) {
        if let Some(request) = self.app.key(key) {
            self.serve(request);
        }
    }

    /// Handles the mouse: the wheel scrolls, a click selects a row, a click on the selected
    /// row opens it.
    pub fn mouse(&mut self, event: MouseEvent) {
        if self.app.help || self.app.typing {
            return;
        }
        let action = match event.kind {
            MouseEventKind::ScrollDown => Action::Down,
            MouseEventKind::ScrollUp => Action::Up,
            MouseEventKind::Down(crossterm::event::MouseButton::Left) => {
                self.click(event.row);
                return;
            }
            _ => return,
        };
        for _ in 0..3 {
            self.app.navigate(action);
        }
    }

    fn click(&mut self, row: u16) {
        let Some((top, height)) = self.app.rows_at else {
            return;
        };
        if row < top || row >= top + height {
            return;
        }
        let at = usize::from(row - top);
        let (cursor, len) = match self.app.screen {
            Screen::Overview => (&mut self.app.overview, self.app.visible.len()),
            Screen::Trackers => (&mut self.app.trackers, self.app.tracker_order.len()),
            Screen::Changes => (&mut self.app.changes, self.app.snapshot.changes.len()),
            Screen::Detail => return,
        };
        let index = cursor.offset + at;
        if index >= len {
            return;
        }
        if cursor.selected == index {
            if let Some(request) = self.app.act(Action::Open) {
                self.serve(request);
            }
        } else {
            cursor.selected = index;
        }
    }

    fn serve(&mut self, request: Request) {
        match request {
            Request::Detail(watch) => match self.source.detail(&watch) {
                Ok(detail) => {
                    if self.app.screen != Screen::Detail {
                        self.app.list = self.app.screen;
                    }
                    self.app.detail = Some(detail);
                    self.app.detail_scroll = 0;
                    self.app.screen = Screen::Detail;
                }
                Err(e) => self.app.message = Some(format!("cannot open `{watch}`: {e}")),
            },
            Request::Check(watch) => {
                if let Some(job) = &self.app.job {
                    self.app.message = Some(format!(
                        "a check of {} is running; wait for it to finish",
                        job.what
                    ));
                    return;
                }
                let what = watch
                    .as_ref()
                    .map_or_else(|| "every watch".to_owned(), |w| format!("`{w}`"));
                match self
                    .source
                    .start_check(watch.as_deref(), self.sender.clone())
                {
                    Ok(()) => {
                        self.app.message = None;
                        self.app.job = Some(Job {
                            what,
                            done: 0,
                            total: 0,
                        });
                    }
                    Err(e) => self.app.message = Some(format!("cannot check {what}: {e}")),
                }
            }
        }
    }

    /// Takes the background check's news and, every `poll_every`, looks for data someone else
    /// wrote. Returns whether anything changed on screen.
    pub fn tick(&mut self) -> bool {
        let mut changed = false;
        let mut reload = false;
        while let Ok(event) = self.events.try_recv() {
            changed = true;
            match event {
                JobEvent::Progress { done, total } => {
                    if let Some(job) = &mut self.app.job {
                        job.done = done;
                        job.total = total;
                    }
                }
                JobEvent::Finished(result) => {
                    let what = self
                        .app
                        .job
                        .take()
                        .map_or_else(|| "the check".to_owned(), |j| j.what);
                    self.app.message = Some(match result {
                        Ok(summary) => format!("checked {what}: {summary}"),
                        Err(e) => format!("the check of {what} failed: {e}"),
                    });
                    reload = true;
                }
            }
        }
        if reload || self.polled_at.elapsed() >= self.poll_every {
            self.polled_at = Instant::now();
            let generation = self.source.generation();
            if reload || generation != self.generation {
                self.generation = generation;
                self.reload();
                changed = true;
            }
        }
        let now = unix_now();
        if now != self.app.now {
            self.app.now = now;
            changed = true;
        }
        changed
    }

    /// Reads everything again (the open detail too).
    pub fn reload(&mut self) {
        match self.source.load() {
            Ok(snapshot) => self.app.replace(snapshot),
            Err(e) => self.app.message = Some(format!("cannot read the store: {e}")),
        }
        if let Some(watch) = self.app.detail.as_ref().map(|d| d.watch.clone())
            && let Ok(detail) = self.source.detail(&watch)
        {
            self.app.detail = Some(detail);
        }
    }

    /// The source (tests look at what it was asked).
    pub fn source(&self) -> &S {
        &self.source
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_sort_as_the_engine_orders_them() {
        let mut v = vec!["6.12.10", "6.12.9", "6.6.1", "6.12.9-rc1", "10.0", "6.12"];
        v.sort_by(|a, b| version_cmp(a, b));
        // A pre-release comes before its release, as in every verdict.
        assert_eq!(
            v,
            ["6.6.1", "6.12", "6.12.9-rc1", "6.12.9", "6.12.10", "10.0"]
        );
    }

    #[test]
    fn cursor_stays_in_view() {
        let mut c = Cursor {
            selected: 30,
            offset: 0,
        };
        c.scroll_into_view(100, 10);
        assert_eq!(c.offset, 21);
        c.selected = 5;
        c.scroll_into_view(100, 10);
        assert_eq!(c.offset, 5);
        c.selected = 99;
        c.scroll_into_view(8, 10);
        assert_eq!((c.selected, c.offset), (7, 0));
    }
}
