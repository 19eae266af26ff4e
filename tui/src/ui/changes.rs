//! The changes screen: what `rollcall report --since` prints, newest first.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Paragraph, Row as TableRow, Table};

use super::Theme;
use crate::app::App;
use crate::model::Status;

pub(super) fn draw(frame: &mut Frame<'_>, area: Rect, app: &mut App) {
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
