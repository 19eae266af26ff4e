//! A watch's detail: its support timeline, releases, shipped history and errors.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::overview::cell_text;
use super::{Theme, cut};
use crate::app::{App, Column};
use crate::clock;
use crate::model::{Detail, LineInfo, Status};

pub(super) fn draw(frame: &mut Frame<'_>, area: Rect, app: &mut App) {
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
