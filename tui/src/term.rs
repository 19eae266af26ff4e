//! The real terminal: raw mode, the alternate screen, mouse capture, and putting all of it back
//! on the way out, after a panic too.

use std::io::{self, Stdout, Write};
use std::time::Duration;

use crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event, KeyEventKind};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

use crate::app::{Dashboard, Options};
use crate::model::Source;

/// Set to make the dashboard panic after its first frame: how the tests prove a panic
/// restores the terminal. Not for users.
pub const TEST_PANIC_ENV: &str = "ROLLCALL_TUI_TEST_PANIC";

/// Runs the dashboard until `q`. The first snapshot is read before the terminal is touched, so
/// a store that cannot be read fails with a plain message.
pub fn run<S: Source>(source: S, options: Options) -> io::Result<()> {
    let mut dashboard = Dashboard::new(source, options).map_err(io::Error::other)?;
    let mut terminal = enter()?;
    let result = event_loop(&mut terminal, &mut dashboard);
    let restored = leave();
    terminal.show_cursor().ok();
    result.and(restored)
}

fn enter() -> io::Result<Terminal<CrosstermBackend<Stdout>>> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // Restore first, so the panic message lands on a normal screen.
        let _ = leave();
        previous(info);
    }));
    enable_raw_mode()?;
    let mut stdout = io::stdout();
    // Cleared here rather than with `Terminal::clear`, which asks the terminal where its cursor
    // is and fails (after two seconds) on one that does not answer.
    if let Err(e) = execute!(
        stdout,
        EnterAlternateScreen,
        EnableMouseCapture,
        crossterm::terminal::Clear(crossterm::terminal::ClearType::All)
    ) {
        let _ = leave();
        return Err(e);
    }
    let mut terminal = Terminal::new(CrosstermBackend::new(stdout))?;
    terminal.hide_cursor()?;
    Ok(terminal)
}

/// Puts the terminal back: cooked mode, the normal screen, no mouse reports, a cursor.
fn leave() -> io::Result<()> {
    let raw = disable_raw_mode();
    let mut stdout = io::stdout();
    let screen = execute!(
        stdout,
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    stdout.flush().ok();
    raw.and(screen)
}

fn event_loop<S: Source>(
    terminal: &mut Terminal<CrosstermBackend<Stdout>>,
    dashboard: &mut Dashboard<S>,
) -> io::Result<()> {
    let panic_for_test = std::env::var_os(TEST_PANIC_ENV).is_some();
    let mut dirty = true;
    loop {
        if dirty {
            terminal.draw(|frame| crate::ui::render(frame, &mut dashboard.app))?;
            dirty = false;
            if panic_for_test {
                panic!("{TEST_PANIC_ENV} is set: panicking after the first frame");
            }
        }
        if dashboard.app.quit {
            return Ok(());
        }
        // Every waiting event is handled before the next frame, so a burst of keys (a held
        // arrow, a paste) costs one frame, not one per key.
        let mut timeout = Duration::from_millis(100);
        while event::poll(timeout)? {
            timeout = Duration::ZERO;
            match event::read()? {
                Event::Key(key) if key.kind != KeyEventKind::Release => dashboard.press(key),
                Event::Mouse(mouse) => dashboard.mouse(mouse),
                Event::Resize(..) => {}
                _ => continue,
            }
            dirty = true;
            if dashboard.app.quit {
                return Ok(());
            }
        }
        dirty |= dashboard.tick();
    }
}
