//! Drawing. Every screen is a function of [`App`]; only the cursors' offsets and the page size
//! are written back, so the selection stays visible whatever the terminal's size.
//!
//! One module per screen ([`overview`], [`trackers`], [`changes`], [`detail`]); this one draws
//! what every screen shares: the header, the tabs, the status bar and the help.

mod changes;
mod detail;
mod overview;
mod trackers;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use crate::app::{App, Screen};
use crate::clock;
use crate::keys::KEYS;
use crate::model::Status;

/// Draws the whole screen.
pub fn render(frame: &mut Frame<'_>, app: &mut App) {
    app.rows_at = None;
    let [head, tabs, body, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    header(frame, head, app);
    tab_line(frame, tabs, app);
    match app.screen {
        Screen::Overview => overview::draw(frame, body, app),
        Screen::Detail => detail::draw(frame, body, app),
        Screen::Trackers => trackers::draw(frame, body, app),
        Screen::Changes => changes::draw(frame, body, app),
    }
    status_bar(frame, status, app);
    if app.help {
        help(frame, frame.area(), app);
    }
}

pub(super) struct Theme {
    color: bool,
}

impl Theme {
    fn status(&self, status: Status) -> Style {
        if !self.color {
            return match status {
                Status::Eol | Status::Error => Style::new().add_modifier(Modifier::BOLD),
                _ => Style::new(),
            };
        }
        let color = match status {
            Status::Current => Color::Green,
            Status::Behind => Color::Yellow,
            Status::Superseded => Color::Cyan,
            Status::EolSoon => Color::LightRed,
            Status::Eol => Color::Red,
            Status::Ahead => Color::Blue,
            Status::Missing | Status::Unknown => Color::Magenta,
            Status::Error => Color::LightMagenta,
        };
        let style = Style::new().fg(color);
        if matches!(status, Status::Eol | Status::Error) {
            style.add_modifier(Modifier::BOLD)
        } else {
            style
        }
    }

    fn dim(&self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new()
        }
    }

    fn accent(&self) -> Style {
        if self.color {
            Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        }
    }

    fn title(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    fn bar(&self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }
}

fn header(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let theme = Theme { color: app.color };
    let mut spans = vec![Span::styled("rollcall", theme.accent()), Span::raw(" ")];
    let counts = app.counts();
    if counts.is_empty() {
        spans.push(Span::styled("no verdicts", theme.dim()));
    }
    // Words when they fit, symbols alone when they do not.
    let long: usize = counts
        .iter()
        .map(|(s, n)| 4 + n.to_string().len() + s.as_str().len())
        .sum();
    let words = 9 + long <= area.width as usize;
    for (status, n) in counts {
        let text = if words {
            format!(" {} {n} {}", status.symbol(), status.as_str())
        } else {
            format!(" {}{n}", status.symbol())
        };
        spans.push(Span::styled(text, theme.status(status)));
    }
    // The distro-wide figure, per distro: each one whole, while it fits.
    let mut used: usize = spans.iter().map(|s| s.content.chars().count()).sum();
    for d in &app.snapshot.distros {
        let packages = d.packages.map_or_else(String::new, |n| format!("/{n}"));
        let days = d
            .median_days_behind
            .map_or_else(String::new, |m| format!(", median {m}d behind"));
        let text = format!(
            "  │ {} {}{packages}: {}% behind, {}% eol{days}",
            d.name, d.watched, d.behind_pct, d.eol_pct
        );
        used += text.chars().count();
        if used > area.width as usize {
            break;
        }
        spans.push(Span::styled(text, theme.dim()));
    }
    frame.render_widget(Line::from(spans), area);
}

fn tab_line(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let theme = Theme { color: app.color };
    let current = if app.screen == Screen::Detail {
        app.list
    } else {
        app.screen
    };
    let mut spans = Vec::new();
    for (key, name, screen) in [
        ("1", "Overview", Screen::Overview),
        ("2", "Trackers", Screen::Trackers),
        ("3", "Changes", Screen::Changes),
    ] {
        let text = format!(" {key} {name} ");
        spans.push(if screen == current {
            Span::styled(text, theme.selected())
        } else {
            Span::raw(text)
        });
    }
    let run = app.snapshot.last_run.as_deref().map_or_else(
        || "no run yet".to_owned(),
        |at| format!("last run {} ago", clock::age(at, app.now)),
    );
    spans.push(Span::styled(format!("  {run}"), theme.dim()));
    let failing = app.failing_trackers();
    if failing > 0 {
        spans.push(Span::styled(
            format!(
                " · {failing} of {} tracker{} failing",
                app.snapshot.trackers.len(),
                if app.snapshot.trackers.len() == 1 {
                    ""
                } else {
                    "s"
                }
            ),
            theme.status(Status::Error),
        ));
    } else if !app.snapshot.trackers.is_empty() {
        spans.push(Span::styled(" · trackers ok", theme.dim()));
    }
    frame.render_widget(Line::from(spans), area);
}

/// `text` cut to `width` characters, with an ellipsis when it was longer.
fn cut(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn status_bar(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let theme = Theme { color: app.color };
    let mut spans = Vec::new();
    if let Some(job) = &app.job {
        let progress = match (job.done * 10).checked_div(job.total) {
            Some(filled) => format!(
                "checking {} {}/{} [{}{}] ",
                job.what,
                job.done,
                job.total,
                "█".repeat(filled.min(10)),
                "░".repeat(10 - filled.min(10))
            ),
            None => format!("checking {}… ", job.what),
        };
        spans.push(Span::styled(progress, theme.accent()));
    } else if let Some(message) = &app.message {
        spans.push(Span::styled(format!("{message}  "), theme.accent()));
    }
    let mut hints = app.hints();
    // Help and quit first: they must survive a narrow terminal.
    hints.sort_by_key(|(key, _)| !matches!(*key, "?" | "q"));
    for (key, hint) in hints {
        spans.push(Span::styled(key.to_owned(), theme.accent()));
        spans.push(Span::raw(format!(" {hint}  ")));
    }
    frame.render_widget(Line::from(spans), area);
}

fn help(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let theme = Theme { color: app.color };
    let width = area.width.saturating_sub(4).min(90);
    let height = (KEYS.len() as u16 + 4).min(area.height.saturating_sub(2));
    let popup = Rect {
        x: area.x + (area.width.saturating_sub(width)) / 2,
        y: area.y + (area.height.saturating_sub(height)) / 2,
        width,
        height,
    };
    let mut lines: Vec<Line<'static>> = KEYS
        .iter()
        .map(|b| {
            Line::from(vec![
                Span::styled(format!(" {:<14}", b.label), theme.accent()),
                Span::raw(b.help),
            ])
        })
        .collect();
    lines.push(Line::from(""));
    lines.push(Line::styled(
        " Mouse: wheel scrolls, click selects, click again opens. Any key closes this help.",
        theme.dim(),
    ));
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::bordered().title(Line::styled(" keys ", theme.title()))),
        popup,
    );
}
