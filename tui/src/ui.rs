//! Drawing. Every screen is a function of [`App`]; only the cursors' offsets and the page size
//! are written back, so the selection stays visible whatever the terminal's size.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Clear, Paragraph, Row as TableRow, Table, Wrap};

use crate::app::{App, Column, Screen};
use crate::clock;
use crate::keys::KEYS;
use crate::model::{Detail, LineInfo, Row, Status};

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
        Screen::Overview => overview(frame, body, app),
        Screen::Detail => detail(frame, body, app),
        Screen::Trackers => trackers(frame, body, app),
        Screen::Changes => changes(frame, body, app),
    }
    status_bar(frame, status, app);
    if app.help {
        help(frame, frame.area(), app);
    }
}

struct Theme {
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

fn cut(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn overview(frame: &mut Frame<'_>, area: Rect, app: &mut App) {
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

fn human_bytes(bytes: u64) -> String {
    match bytes {
        b if b >= 10 * 1024 * 1024 => format!("{} MiB", b / (1024 * 1024)),
        b if b >= 10 * 1024 => format!("{} KiB", b / 1024),
        b => format!("{b} B"),
    }
}

fn trackers(frame: &mut Frame<'_>, area: Rect, app: &mut App) {
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

fn changes(frame: &mut Frame<'_>, area: Rect, app: &mut App) {
    let theme = Theme { color: app.color };
    let [title, list_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    frame.render_widget(
        Line::styled(
            format!(
                "Changes since {}, newest first ({})",
                app.snapshot.changes_since,
                app.snapshot.changes.len()
            ),
            theme.dim(),
        ),
        title,
    );
    if app.snapshot.changes.is_empty() {
        frame.render_widget(Paragraph::new("Nothing changed.").centered(), list_area);
        return;
    }
    let height = list_area.height as usize;
    app.page = height.max(1);
    app.rows_at = Some((list_area.y, height as u16));
    app.changes
        .scroll_into_view(app.snapshot.changes.len(), height);
    let selected = app.changes.selected;
    let rows = app
        .snapshot
        .changes
        .iter()
        .enumerate()
        .skip(app.changes.offset)
        .take(height)
        .map(|(n, c)| {
            let style = match c.kind.as_str() {
                "eol" => theme.status(Status::Eol),
                "gone" => theme.status(Status::Error),
                "release" => theme.status(Status::Current),
                _ => theme.status(Status::Behind),
            };
            let row = TableRow::new(vec![
                Cell::from(c.when.get(..10).unwrap_or(&c.when).to_owned()),
                Cell::from(c.kind.clone()).style(style),
                Cell::from(c.text.clone()),
            ]);
            if n == selected {
                row.style(theme.selected())
            } else {
                row
            }
        });
    frame.render_widget(
        Table::new(
            rows,
            [
                Constraint::Length(10),
                Constraint::Length(7),
                Constraint::Fill(1),
            ],
        )
        .column_spacing(1),
        list_area,
    );
}

fn detail(frame: &mut Frame<'_>, area: Rect, app: &mut App) {
    let Some(d) = app.detail.as_ref() else {
        return;
    };
    let lines = detail_lines(d, area.width as usize, app.color);
    // Long lines wrap; count the rows they take so the last one can be scrolled to.
    let width = (area.width as usize).max(1);
    let rows: usize = lines.iter().map(|l| l.width().div_ceil(width).max(1)).sum();
    app.detail_len = rows;
    app.page = (area.height as usize).max(1);
    app.detail_scroll = app
        .detail_scroll
        .min(rows.saturating_sub(area.height as usize));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((app.detail_scroll.min(u16::MAX as usize) as u16, 0)),
        area,
    );
}

/// The detail screen's lines for a terminal `width` wide.
pub fn detail_lines(d: &Detail, width: usize, color: bool) -> Vec<Line<'static>> {
    let theme = Theme { color };
    let mut out: Vec<Line<'static>> = Vec::new();
    out.push(Line::from(vec![
        Span::styled(d.watch.clone(), theme.accent()),
        Span::styled(format!("  tracker {}", d.tracker), theme.dim()),
    ]));
    out.push(Line::from(""));

    out.push(Line::styled("Verdicts", theme.title()));
    for r in &d.verdicts {
        out.push(Line::from(vec![
            Span::styled(
                format!("  {:<12}", cell_text(Column::Status, r)),
                theme.status(r.status),
            ),
            Span::raw(format!(
                "{:<14} {:<30} {}",
                cut(&r.distro, 14),
                cut(r.shipped.as_deref().unwrap_or("—"), 30),
                r.line
                    .as_deref()
                    .map_or(String::new(), |l| format!("line {l}"))
            )),
        ]));
        out.push(Line::styled(format!("    {}", r.explanation), theme.dim()));
    }
    out.push(Line::from(""));

    let today = clock::day_number(&d.today);
    out.push(Line::from(vec![
        Span::styled("Release lines", theme.title()),
        Span::styled(
            format!(
                "   █ active support  ▒ maintained  ┄ end not announced  │ today {}",
                d.today
            ),
            theme.dim(),
        ),
    ]));
    let shipped_lines: Vec<&str> = d
        .verdicts
        .iter()
        .filter_map(|r| r.line.as_deref())
        .collect();
    let shown: Vec<&LineInfo> = d
        .lines
        .iter()
        .filter(|l| {
            let recent = match (l.eol.as_deref().and_then(clock::day_number), today) {
                (Some(eol), Some(t)) => eol >= t - 730,
                _ => !l.is_eol,
            };
            recent || shipped_lines.contains(&l.name.as_str())
        })
        .take(16)
        .collect();
    if shown.is_empty() {
        out.push(Line::styled(
            "  upstream publishes no release lines",
            theme.dim(),
        ));
    }
    let label_width = shown
        .iter()
        .map(|l| line_label(l).chars().count())
        .max()
        .unwrap_or(4)
        .min(16);
    let text_width = 40;
    let bar_width = width.saturating_sub(label_width + text_width + 4).max(10);
    let start = shown
        .iter()
        .filter_map(|l| l.release.as_deref().and_then(clock::day_number))
        .min()
        .or(today.map(|t| t - 365))
        .unwrap_or(0);
    let end = shown
        .iter()
        .filter_map(|l| l.eol.as_deref().and_then(clock::day_number))
        .chain(today.map(|t| t + 90))
        .max()
        .unwrap_or(start + 365)
        .max(start + 1);
    for l in &shown {
        let mut spans = vec![Span::styled(
            format!("  {:<label_width$} ", cut(&line_label(l), label_width)),
            if shipped_lines.contains(&l.name.as_str()) {
                theme.accent()
            } else {
                Style::new()
            },
        )];
        spans.extend(bar(l, start, end, today, bar_width, &theme));
        let from = l.release.as_deref().unwrap_or("?");
        let to = match (&l.eol, l.is_eol) {
            (Some(eol), _) => format!("EOL {eol} {}", l.eol_source),
            (None, true) => "EOL (date unknown)".to_owned(),
            (None, false) => "end not announced".to_owned(),
        };
        spans.push(Span::styled(format!(" {from} → {to}"), theme.dim()));
        out.push(Line::from(spans));
    }
    out.push(Line::from(""));

    out.push(Line::styled("Releases", theme.title()));
    if d.releases.is_empty() {
        out.push(Line::styled("  none recorded yet", theme.dim()));
    }
    for r in d.releases.iter().take(40) {
        let mut flags = Vec::new();
        if r.prerelease {
            flags.push("pre-release");
        }
        if r.gone {
            flags.push("gone upstream");
        }
        let shipped = if r.shipped_by.is_empty() {
            String::new()
        } else {
            format!("shipped by {}", r.shipped_by.join(", "))
        };
        out.push(Line::from(vec![
            Span::raw(format!(
                "  {:<18} {:<10} {:<8} ",
                cut(&r.version, 18),
                r.date.as_deref().unwrap_or("—"),
                cut(r.line.as_deref().unwrap_or(""), 8)
            )),
            Span::styled(shipped, theme.accent()),
            Span::styled(
                if flags.is_empty() {
                    String::new()
                } else {
                    format!(" {}", flags.join(", "))
                },
                theme.dim(),
            ),
        ]));
    }
    if d.releases.len() > 40 {
        out.push(Line::styled(
            format!("  … and {} older", d.releases.len() - 40),
            theme.dim(),
        ));
    }
    out.push(Line::from(""));

    out.push(Line::styled("Shipped history", theme.title()));
    if d.shipped.is_empty() {
        out.push(Line::styled("  nothing recorded yet", theme.dim()));
    }
    for s in &d.shipped {
        out.push(Line::raw(format!(
            "  {:<14} {:<18} {:<24} {} → {}",
            cut(&s.distro, 14),
            cut(&s.package, 18),
            cut(&s.version, 24),
            s.first_seen.get(..10).unwrap_or(&s.first_seen),
            s.last_seen.get(..10).unwrap_or(&s.last_seen)
        )));
    }
    out.push(Line::from(""));

    out.push(Line::styled("Tracker errors", theme.title()));
    if d.errors.is_empty() {
        out.push(Line::styled("  none in the newest poll", theme.dim()));
    }
    for e in &d.errors {
        out.push(Line::styled(format!("  {e}"), theme.status(Status::Error)));
    }
    out
}

fn line_label(l: &LineInfo) -> String {
    let mut label = l.name.clone();
    if let Some(extra) = &l.label {
        label.push_str(&format!(" {extra}"));
    }
    if l.lts {
        label.push_str(" LTS");
    }
    label
}

/// A line's bar from `start` to `end` (day numbers), `width` cells.
fn bar(
    l: &LineInfo,
    start: i64,
    end: i64,
    today: Option<i64>,
    width: usize,
    theme: &Theme,
) -> Vec<Span<'static>> {
    let release = l.release.as_deref().and_then(clock::day_number);
    let active = l.active_until.as_deref().and_then(clock::day_number);
    let eol = l.eol.as_deref().and_then(clock::day_number);
    let span = (end - start).max(1);
    let day_at = |i: usize| start + (i as i64 * span) / (width.max(2) as i64 - 1);
    let today_cell = today.map(|t| ((t - start) * (width as i64 - 1) / span) as usize);
    let ended = l.is_eol || eol.zip(today).is_some_and(|(e, t)| e < t);
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut push = |c: char, style: Style| match spans.last_mut() {
        Some(last) if last.style == style => last.content.to_mut().push(c),
        _ => spans.push(Span::styled(c.to_string(), style)),
    };
    for i in 0..width {
        let day = day_at(i);
        if Some(i) == today_cell {
            push('│', theme.bar(Color::White).add_modifier(Modifier::BOLD));
            continue;
        }
        let started = release.is_none_or(|r| day >= r);
        let (c, color) = if !started {
            (' ', Color::Reset)
        } else if let Some(e) = eol {
            if day > e {
                (' ', Color::Reset)
            } else if active.is_some_and(|a| day > a) {
                ('▒', Color::Yellow)
            } else {
                ('█', Color::Green)
            }
        } else if active.is_some_and(|a| day > a) {
            ('▒', Color::Yellow)
        } else if today.is_some_and(|t| day > t) {
            ('┄', Color::Gray)
        } else {
            ('█', Color::Green)
        };
        let style = if ended && c != ' ' {
            theme.dim()
        } else {
            theme.bar(color)
        };
        push(c, style);
    }
    spans
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
