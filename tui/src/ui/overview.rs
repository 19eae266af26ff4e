//! The overview: one row per (watch, distro, package), worst first, and the filter line.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row as TableRow, Table, Wrap};

use super::{Theme, cut};
use crate::app::{App, Column};
use crate::model::{Row, Status};

/// The overview's columns, in display order, with their titles and the order they give way
/// in when the terminal is narrow (0 stays longest).
const COLUMNS: [(Column, &str, u8); 10] = [
    (Column::Status, "STATUS", 0),
    (Column::Upstream, "UPSTREAM", 0),
    (Column::Distro, "DISTRO", 0),
    (Column::Shipped, "SHIPPED", 0),
    (Column::Line, "LINE", 3),
    (Column::InLine, "IN LINE", 1),
    (Column::Newest, "NEWEST", 2),
    (Column::Behind, "BEHIND", 2),
    (Column::Support, "SUPPORT", 1),
    (Column::Severity, "SEVERITY", 3),
];

/// The widest a column grows before its text is cut.
fn cap(column: Column) -> usize {
    match column {
        Column::Upstream | Column::Shipped => 22,
        Column::Distro => 16,
        Column::Line => 9,
        _ => 18,
    }
}

/// The text of one overview cell.
pub fn cell_text(column: Column, r: &Row) -> String {
    let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".to_owned());
    match column {
        Column::Worst | Column::Status => format!("{} {}", r.status.symbol(), r.status.as_str()),
        Column::Upstream => r.watch.clone(),
        Column::Distro => r.distro.clone(),
        Column::Shipped => or_dash(&r.shipped),
        Column::Line => match (&r.line, r.lts) {
            (Some(l), true) => format!("{l} LTS"),
            (Some(l), false) => l.clone(),
            (None, _) => "—".to_owned(),
        },
        Column::InLine => or_dash(&r.latest_in_line),
        Column::Newest => or_dash(&r.latest),
        Column::Behind => match (r.releases_behind.filter(|n| *n > 0), r.days_behind) {
            (Some(n), Some(d)) => format!("{n} rel, {d} d"),
            (Some(n), None) => format!("{n} rel"),
            (None, Some(d)) if d > 0 => format!("{d} d"),
            _ => String::new(),
        },
        Column::Support => match (&r.eol, r.days_left) {
            (Some(eol), Some(d)) if d < 0 => format!("{eol} ended"),
            (Some(eol), Some(d)) => format!("{eol} {d} d"),
            (Some(eol), None) => eol.clone(),
            (None, _) => String::new(),
        },
        Column::Severity => r.severity.as_str().to_owned(),
    }
}

pub(super) fn draw(frame: &mut Frame<'_>, area: Rect, app: &mut App) {
    let theme = Theme { color: app.color };
    let [filters, table_area, why] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(2),
        Constraint::Length(2),
    ])
    .areas(area);
    filter_line(frame, filters, app);

    if app.snapshot.rows.is_empty() {
        let text = vec![
            Line::from(""),
            Line::styled("The store has no verdicts yet.", theme.title()),
            Line::from("Run `rollcall check` (or `rollcall daemon`), or press R to check now."),
        ];
        frame.render_widget(Paragraph::new(text).centered(), table_area);
        return;
    }
    let height = table_area.height.saturating_sub(1) as usize;
    app.page = height.max(1);
    app.rows_at = Some((table_area.y + 1, height as u16));
    app.overview.scroll_into_view(app.visible.len(), height);
    let window: Vec<usize> = app
        .visible
        .iter()
        .skip(app.overview.offset)
        .take(height)
        .copied()
        .collect();

    // Column widths from the rows on screen; the columns that fit, by priority, at their
    // narrowest; then the spare room widens the cut ones, and what is left shows the reason.
    let natural: Vec<usize> = COLUMNS
        .iter()
        .map(|(column, title, _)| {
            window
                .iter()
                .map(|&i| cell_text(*column, &app.snapshot.rows[i]).chars().count())
                .max()
                .unwrap_or(0)
                .max(title.len())
                .min(cap(*column).max(title.len()))
        })
        .collect();
    let mut widths: Vec<usize> = COLUMNS
        .iter()
        .zip(&natural)
        .map(|((column, _, _), n)| match column {
            Column::Shipped => (*n).min(14),
            Column::Upstream => (*n).min(12),
            _ => *n,
        })
        .collect();
    let available = table_area.width as usize + 1;
    let mut shown = [false; COLUMNS.len()];
    let mut used = 0;
    let mut place = |priority: u8, widths: &[usize], used: &mut usize| {
        for (i, (_, _, p)) in COLUMNS.iter().enumerate() {
            if *p == priority && *used + widths[i] < available {
                shown[i] = true;
                *used += widths[i] + 1;
            }
        }
    };
    place(0, &widths, &mut used);
    place(1, &widths, &mut used);
    // Whole versions and names matter more than the secondary columns.
    for i in [3, 1] {
        let grow = (natural[i] - widths[i]).min(available.saturating_sub(used));
        widths[i] += grow;
        used += grow;
    }
    place(2, &widths, &mut used);
    place(3, &widths, &mut used);
    let why_width = available.saturating_sub(used + 1);
    let show_why = why_width >= 24;

    let sorted = app.sort;
    let arrow = if app.reversed { '▲' } else { '▼' };
    let header = TableRow::new(COLUMNS.iter().enumerate().filter(|(i, _)| shown[*i]).map(
        |(_, (column, title, _))| {
            let marked =
                *column == sorted || (sorted == Column::Worst && *column == Column::Status);
            let text = if marked {
                format!("{title}{arrow}")
            } else {
                (*title).to_owned()
            };
            Cell::from(text).style(theme.title())
        },
    ));
    let selected_index = app.overview.selected.saturating_sub(app.overview.offset);
    let rows = window.iter().enumerate().map(|(n, &i)| {
        let r = &app.snapshot.rows[i];
        let cells =
            COLUMNS
                .iter()
                .enumerate()
                .filter(|(c, _)| shown[*c])
                .map(|(c, (column, _, _))| {
                    let text = cut(&cell_text(*column, r), widths[c]);
                    let style = match column {
                        Column::Status => theme.status(r.status),
                        Column::Support if r.days_left.is_some_and(|d| d < 0) => {
                            theme.status(Status::Eol)
                        }
                        _ => Style::new(),
                    };
                    Cell::from(text).style(style)
                });
        let row = TableRow::new(cells);
        if n == selected_index {
            row.style(theme.selected())
        } else {
            row
        }
    });
    let mut constraints: Vec<Constraint> = widths
        .iter()
        .enumerate()
        .filter(|(i, _)| shown[*i])
        .map(|(_, w)| Constraint::Length(*w as u16))
        .collect();
    if show_why {
        constraints.push(Constraint::Fill(1));
    }
    frame.render_widget(
        Table::new(rows, constraints)
            .header(header)
            .column_spacing(1),
        table_area,
    );

    let explanation = app.selected_row().map_or_else(String::new, |r| {
        format!(
            "{} in {} ({}): {}",
            r.watch, r.distro, r.package, r.explanation
        )
    });
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled("why ", theme.accent()),
            Span::raw(explanation),
        ]))
        .wrap(Wrap { trim: true }),
        why,
    );
}

fn filter_line(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let theme = Theme { color: app.color };
    let mut parts = vec![format!(
        "{} of {} rows",
        app.visible.len(),
        app.snapshot.rows.len()
    )];
    parts.push(format!(
        "sort {}{}",
        app.sort.name(),
        if app.reversed { ", reversed" } else { "" }
    ));
    if let Some(d) = &app.distro {
        parts.push(format!("distro {d}"));
    }
    if let Some(s) = app.status {
        parts.push(format!("status {}", s.as_str()));
    }
    if let Some(s) = app.severity {
        parts.push(format!("severity ≥ {}", s.as_str()));
    }
    let mut spans = vec![Span::styled(parts.join(" · "), theme.dim())];
    if app.typing || !app.search.is_empty() {
        spans.push(Span::raw(" · "));
        spans.push(Span::styled("/", theme.accent()));
        spans.push(Span::raw(app.search.clone()));
        if app.typing {
            spans.push(Span::styled("▏", theme.accent()));
        }
    }
    frame.render_widget(Line::from(spans), area);
}
