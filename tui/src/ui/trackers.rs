//! The trackers screen: each poll's health, its error, and each host's rate-limit budget.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row as TableRow, Table, Wrap};

use super::Theme;
use crate::app::App;
use crate::clock;
use crate::model::Status;

fn human_bytes(bytes: u64) -> String {
    match bytes {
        b if b >= 10 * 1024 * 1024 => format!("{} MiB", b / (1024 * 1024)),
        b if b >= 10 * 1024 => format!("{} KiB", b / 1024),
        b => format!("{b} B"),
    }
}

pub(super) fn draw(frame: &mut Frame<'_>, area: Rect, app: &mut App) {
    let theme = Theme { color: app.color };
    let hosts_height = (app.snapshot.hosts.len() as u16 + 2)
        .min(area.height / 3)
        .max(3);
    let [list_area, error_area, hosts_area] = Layout::vertical([
        Constraint::Min(3),
        Constraint::Length(2),
        Constraint::Length(hosts_height),
    ])
    .areas(area);
    let height = list_area.height.saturating_sub(1) as usize;
    app.page = height.max(1);
    app.rows_at = Some((list_area.y + 1, height as u16));
    app.trackers
        .scroll_into_view(app.tracker_order.len(), height);
    let selected = app.trackers.selected;
    let rows = app
        .tracker_order
        .iter()
        .enumerate()
        .skip(app.trackers.offset)
        .take(height)
        .map(|(n, &i)| {
            let t = &app.snapshot.trackers[i];
            let outcome_style = if t.failed() {
                theme.status(Status::Error)
            } else {
                theme.status(Status::Current)
            };
            let row = TableRow::new(vec![
                Cell::from(t.watch.clone()),
                Cell::from(t.role.clone()),
                Cell::from(t.tracker.clone()),
                Cell::from(format!("{} ago", clock::age(&t.at, app.now))),
                Cell::from(format!("{} ms", t.duration_ms)),
                Cell::from(t.calls.to_string()),
                Cell::from(human_bytes(t.bytes)),
                Cell::from(t.revalidated.to_string()),
                Cell::from(t.outcome.clone()).style(outcome_style),
                // A poll that answered can still have been refused calls it swallowed.
                Cell::from(
                    t.error
                        .clone()
                        .or_else(|| t.denied_line())
                        .unwrap_or_default(),
                ),
            ]);
            if n == selected {
                row.style(theme.selected())
            } else {
                row
            }
        });
    let header = TableRow::new(
        [
            "WATCH", "ROLE", "TRACKER", "POLLED", "TIME", "CALLS", "BYTES", "304", "OUTCOME",
            "ERROR",
        ]
        .map(|t| Cell::from(t).style(theme.title())),
    );
    let widths = [
        Constraint::Max(16),
        Constraint::Length(8),
        Constraint::Max(15),
        Constraint::Length(10),
        Constraint::Length(8),
        Constraint::Length(5),
        Constraint::Length(8),
        Constraint::Length(3),
        Constraint::Length(12),
        Constraint::Fill(1),
    ];
    if app.snapshot.trackers.is_empty() {
        frame.render_widget(
            Paragraph::new("No poll recorded yet: run `rollcall check`, or press R.").centered(),
            list_area,
        );
    } else {
        frame.render_widget(
            Table::new(rows, widths).header(header).column_spacing(1),
            list_area,
        );
    }

    // The selected poll's whole error (and what the host refused it), which the table cuts.
    if let Some(t) = app
        .tracker_order
        .get(app.trackers.selected)
        .map(|&i| &app.snapshot.trackers[i])
    {
        let mut spans = Vec::new();
        if let Some(error) = &t.error {
            spans.push(Span::styled("error ", theme.status(Status::Error)));
            spans.push(Span::raw(format!(
                "{} {} ({}): {error}",
                t.watch, t.role, t.tracker
            )));
        }
        if let Some(denied) = t.denied_line() {
            if spans.is_empty() {
                spans.push(Span::raw(format!(
                    "{} {} ({}): ",
                    t.watch, t.role, t.tracker
                )));
            } else {
                spans.push(Span::raw("; "));
            }
            spans.push(Span::styled("sandbox ", theme.status(Status::Behind)));
            spans.push(Span::raw(denied));
        }
        if !spans.is_empty() {
            frame.render_widget(
                Paragraph::new(Line::from(spans)).wrap(Wrap { trim: true }),
                error_area,
            );
        }
    }

    let budget_rows = app.snapshot.hosts.iter().map(|h| {
        let budget = match (h.remaining, h.quota) {
            (Some(r), Some(q)) => format!("{r} of {q} left"),
            (Some(r), None) => format!("{r} left"),
            _ => "not announced".to_owned(),
        };
        let low = h.remaining.zip(h.quota).is_some_and(|(r, q)| r * 10 < q);
        TableRow::new(vec![
            Cell::from(h.host.clone()),
            Cell::from(h.requests.to_string()),
            Cell::from(budget).style(if low || h.paused_until.is_some() {
                theme.status(Status::EolSoon)
            } else {
                Style::new()
            }),
            Cell::from(
                h.reset
                    .as_deref()
                    .map_or(String::new(), |r| format!("resets {r}")),
            ),
            Cell::from(
                h.paused_until
                    .as_deref()
                    .map_or(String::new(), |p| format!("paused until {p}")),
            ),
        ])
    });
    frame.render_widget(
        Table::new(
            budget_rows,
            [
                Constraint::Max(28),
                Constraint::Length(8),
                Constraint::Length(20),
                Constraint::Length(27),
                Constraint::Fill(1),
            ],
        )
        .header(
            TableRow::new(["HOST", "REQUESTS", "RATE LIMIT", "WINDOW", "PAUSE"])
                .style(theme.title()),
        )
        .block(Block::new().title(hosts_title(app, &theme)))
        .column_spacing(1),
        hosts_area,
    );
}

/// "Hosts", and the polls each spent budget left waiting: what the last run could not do, and
/// how long it takes at that budget.
fn hosts_title(app: &App, theme: &Theme) -> Line<'static> {
    let mut spans = vec![Span::styled("Hosts", theme.accent())];
    for h in &app.snapshot.hosts {
        if let Some(waiting) = h.waiting() {
            spans.push(Span::raw(" · "));
            spans.push(Span::styled(
                format!("{}: {waiting}", h.host),
                theme.status(Status::EolSoon),
            ));
        }
    }
    Line::from(spans)
}
