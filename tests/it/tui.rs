//! The dashboard: every screen rendered into ratatui's `TestBackend` from a store the engine
//! filled from the recorded upstream feeds (`dashboard_data`), before and after key presses
//! (snapshots in `snapshots/`, reviewed with `cargo insta review`); live updates from another
//! writer; background checks; and the real binary driven in a pseudo-terminal (tmux).

use std::sync::Arc;
use std::sync::mpsc::Sender;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEvent, MouseEventKind};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use rollcall::dashboard::StoreSource;
use rollcall::store::Store;
use rollcall_tui::{Dashboard, JobEvent, Options, Screen, Status};

use crate::dashboard_data::{self, NOW_UNIX};

fn filled_store() -> (tempfile::TempDir, Arc<Store>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("rollcall.db")).expect("store");
    dashboard_data::fill(&store);
    (dir, Arc::new(store))
}

fn source(store: Arc<Store>) -> StoreSource {
    StoreSource::new(
        store,
        dashboard_data::SINCE.to_owned(),
        dashboard_data::SINCE[..10].to_owned(),
        dashboard_data::TODAY.parse().expect("day"),
    )
}

fn dashboard_over(source: StoreSource, color: bool) -> Dashboard<StoreSource> {
    let options = Options {
        color,
        poll_every: Duration::ZERO,
    };
    let mut dashboard = Dashboard::new(source, options).expect("the store reads");
    dashboard.app.now = NOW_UNIX;
    dashboard
}

fn dashboard(store: Arc<Store>) -> Dashboard<StoreSource> {
    dashboard_over(source(store), true)
}

/// The screen as text, trailing blanks trimmed.
fn draw(dashboard: &mut Dashboard<StoreSource>, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal
        .draw(|frame| rollcall_tui::render(frame, &mut dashboard.app))
        .expect("draws");
    text_of(terminal.backend().buffer())
}

fn text_of(buffer: &ratatui::buffer::Buffer) -> String {
    let width = buffer.area.width as usize;
    let mut out = String::new();
    for row in buffer.content.chunks(width) {
        let line: String = row.iter().map(|c| c.symbol()).collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The trackers screen with its poll durations blanked: they are measured, so differ from one
/// run of the tests to the next.
fn without_durations(screen: &str) -> String {
    let took = regex::Regex::new(r"(ago +)\d+ ms").expect("a pattern");
    took.replace_all(screen, |c: &regex::Captures<'_>| {
        let width = c[0].len() - c[1].len();
        format!("{}{:<width$}", &c[1], "… ms")
    })
    .into_owned()
}

fn press(dashboard: &mut Dashboard<StoreSource>, keys: &str) {
    for c in keys.chars() {
        dashboard.press(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }
}

fn press_code(dashboard: &mut Dashboard<StoreSource>, code: KeyCode) {
    dashboard.press(KeyEvent::new(code, KeyModifiers::NONE));
}

#[test]
fn overview_in_80_by_24_is_worst_first() {
    let (_dir, store) = filled_store();
    let mut d = dashboard(store);
    let screen = draw(&mut d, 80, 24);
    insta::assert_snapshot!("overview_80x24", screen);
    // Worst first: the end-of-life rows lead, current rows come last.
    let statuses: Vec<Status> = d
        .app
        .visible
        .iter()
        .map(|&i| d.app.snapshot.rows[i].status)
        .collect();
    assert_eq!(&statuses[..2], &[Status::Eol, Status::Eol]);
    assert_eq!(statuses.last(), Some(&Status::Current));
    assert!(screen.contains("last run 0 s ago"), "{screen}");
    // Ten release sources and four support sources; GitHub refused one.
    assert!(screen.contains("1 of 14 trackers failing"), "{screen}");
}

#[test]
fn overview_in_a_wide_terminal_shows_every_column() {
    let (_dir, store) = filled_store();
    let mut d = dashboard(store);
    let screen = draw(&mut d, 160, 30);
    insta::assert_snapshot!("overview_160x30", screen);
    for title in ["LINE", "IN LINE", "NEWEST", "BEHIND", "SUPPORT", "SEVERITY"] {
        assert!(screen.contains(title), "{title} missing:\n{screen}");
    }
}

#[test]
fn navigating_sorting_and_filtering() {
    let (_dir, store) = filled_store();
    let mut d = dashboard(store);
    press(&mut d, "jj");
    assert_eq!(d.app.overview.selected, 2);
    press_code(&mut d, KeyCode::End);
    assert_eq!(d.app.overview.selected, d.app.visible.len() - 1);
    press(&mut d, "g");
    assert_eq!(d.app.overview.selected, 0);

    // `s` sorts by upstream.
    press(&mut d, "s");
    let first = &d.app.snapshot.rows[d.app.visible[0]];
    assert_eq!(first.watch, "buildah");
    insta::assert_snapshot!("overview_sorted_by_upstream", draw(&mut d, 100, 24));
    press(&mut d, "S");
    assert_eq!(d.app.snapshot.rows[d.app.visible[0]].watch, "uyuni");

    // `d` shows one distro; `v` warning and worse.
    press(&mut d, "cd");
    assert_eq!(d.app.distro.as_deref(), Some("debian-12"));
    assert!(
        d.app
            .visible
            .iter()
            .all(|&i| d.app.snapshot.rows[i].distro == "debian-12")
    );
    press(&mut d, "c");
    press(&mut d, "vv");
    assert!(
        d.app
            .visible
            .iter()
            .all(|&i| d.app.snapshot.rows[i].severity >= rollcall_tui::Severity::Warning)
    );
    insta::assert_snapshot!("overview_warning_and_worse", draw(&mut d, 100, 24));

    // `f` cycles through the statuses present, worst first.
    press(&mut d, "cf");
    assert_eq!(d.app.status, Some(Status::Eol));
    assert_eq!(d.app.visible.len(), 9);
    press(&mut d, "f");
    assert_eq!(d.app.status, Some(Status::EolSoon));
    assert_eq!(d.app.visible.len(), 1);
}

#[test]
fn search_narrows_as_you_type_and_escape_clears() {
    let (_dir, store) = filled_store();
    let mut d = dashboard(store);
    press(&mut d, "/linux");
    assert!(d.app.typing);
    assert_eq!(d.app.visible.len(), 4);
    // Two terms must both match.
    press(&mut d, " leap");
    assert_eq!(d.app.visible.len(), 2);
    // Letters typed into the search are not commands.
    assert!(!d.app.quit);
    insta::assert_snapshot!("overview_search", draw(&mut d, 80, 24));
    press_code(&mut d, KeyCode::Enter);
    assert!(!d.app.typing);
    assert_eq!(d.app.visible.len(), 2);
    press_code(&mut d, KeyCode::Esc);
    assert_eq!(d.app.visible.len(), d.app.snapshot.rows.len());
}

#[test]
fn detail_shows_timeline_releases_history_and_errors() {
    let (_dir, store) = filled_store();
    let mut d = dashboard(store);
    // The kernel (`linux`): its first row is Leap 15.6's 6.4 (end of life).
    press(&mut d, "/linux");
    press_code(&mut d, KeyCode::Enter);
    press_code(&mut d, KeyCode::Enter);
    assert_eq!(d.app.screen, Screen::Detail);
    let screen = draw(&mut d, 100, 50);
    insta::assert_snapshot!("detail_linux", screen);
    assert!(screen.contains("Release lines"), "{screen}");
    assert!(screen.contains("shipped by tumbleweed"), "{screen}");
    assert!(screen.contains("6.12 LTS"), "{screen}");
    // Today is marked on the bars.
    assert!(screen.matches('│').count() >= 5, "{screen}");
    press(&mut d, "h");
    assert_eq!(d.app.screen, Screen::Overview);
    press_code(&mut d, KeyCode::Esc);

    // A failed tracker's error is on its detail.
    press(&mut d, "/cloudfoundry");
    press_code(&mut d, KeyCode::Enter);
    press_code(&mut d, KeyCode::Enter);
    let screen = draw(&mut d, 100, 40);
    assert!(
        screen.contains("releases (cloudfoundry): upstream is rate-limiting"),
        "{screen}"
    );
}

#[test]
fn trackers_changes_and_help_screens() {
    let (_dir, store) = filled_store();
    let mut d = dashboard(store);
    press(&mut d, "2");
    let trackers = draw(&mut d, 120, 24);
    insta::assert_snapshot!("trackers", without_durations(&trackers));
    // Failures first; budgets per host.
    assert!(
        trackers
            .lines()
            .nth(3)
            .is_some_and(|l| l.contains("cloudfoundry-cli")),
        "{trackers}"
    );
    assert!(trackers.contains("0 of 60 left"), "{trackers}");
    assert!(
        trackers.contains("paused until 2026-11-26T10:00:00Z"),
        "{trackers}"
    );

    press_code(&mut d, KeyCode::Tab);
    assert_eq!(d.app.screen, Screen::Changes);
    let changes = draw(&mut d, 120, 24);
    insta::assert_snapshot!("changes", changes);
    // Tumbleweed updated the kernel and Salt, the Uyuni image moved on; cloudfoundry-cli
    // was never answered.
    for moved in [
        "linux in tumbleweed (kernel-default): superseded → current",
        "salt in tumbleweed (salt): behind → current",
        "uyuni in uyuni-images (uyuni/server): eol → current",
        "cloudfoundry-cli in tumbleweed (cf-cli): none → error",
    ] {
        assert!(changes.contains(moved), "{moved} missing:\n{changes}");
    }

    press(&mut d, "?");
    assert!(d.app.help);
    let help = draw(&mut d, 100, 32);
    insta::assert_snapshot!("help", help);
    for binding in rollcall_tui::keys::KEYS {
        assert!(
            help.contains(binding.help),
            "{} missing from the help",
            binding.help
        );
    }
    // Any key closes the help without acting.
    press(&mut d, "1");
    assert!(!d.app.help);
    assert_eq!(d.app.screen, Screen::Changes);
}

#[test]
fn mouse_wheel_scrolls() {
    let (_dir, store) = filled_store();
    let mut d = dashboard(store);
    let wheel = |kind| MouseEvent {
        kind,
        column: 10,
        row: 10,
        modifiers: KeyModifiers::NONE,
    };
    d.mouse(wheel(MouseEventKind::ScrollDown));
    assert_eq!(d.app.overview.selected, 3);
    d.mouse(wheel(MouseEventKind::ScrollUp));
    assert_eq!(d.app.overview.selected, 0);

    // A click selects the row under it (rows start under the header, the tab line, the filter
    // line and the column titles); a click on the selected row opens it.
    draw(&mut d, 100, 24);
    let click = |row| MouseEvent {
        kind: MouseEventKind::Down(crossterm::event::MouseButton::Left),
        column: 20,
        row,
        modifiers: KeyModifiers::NONE,
    };
    d.mouse(click(4 + 2));
    assert_eq!(d.app.overview.selected, 2);
    assert_eq!(
        d.app.selected_row().map(|r| r.watch.as_str()),
        Some("linux")
    );
    d.mouse(click(1));
    assert_eq!(
        d.app.overview.selected, 2,
        "a click outside the rows changes nothing"
    );
    d.mouse(click(4 + 2));
    assert_eq!(d.app.screen, Screen::Detail);
    assert_eq!(
        d.app.detail.as_ref().map(|x| x.watch.as_str()),
        Some("linux")
    );
}

#[test]
fn no_color_draws_without_colours_but_keeps_symbols_and_words() {
    let (_dir, store) = filled_store();
    let mut d = dashboard_over(source(store), false);
    let mut terminal = Terminal::new(TestBackend::new(100, 24)).expect("terminal");
    terminal
        .draw(|frame| rollcall_tui::render(frame, &mut d.app))
        .expect("draws");
    let buffer = terminal.backend().buffer();
    assert!(
        buffer
            .content
            .iter()
            .all(|c| c.fg == Color::Reset && c.bg == Color::Reset),
        "a colour was drawn under NO_COLOR"
    );
    let text = text_of(buffer);
    assert!(
        text.contains("✗ eol") && text.contains("‼ error") && text.contains("↓ behind"),
        "{text}"
    );

    // With colours, end of life is red.
    let mut d = dashboard(filled_store().1);
    let mut terminal = Terminal::new(TestBackend::new(100, 24)).expect("terminal");
    terminal
        .draw(|frame| rollcall_tui::render(frame, &mut d.app))
        .expect("draws");
    assert!(
        terminal
            .backend()
            .buffer()
            .content
            .iter()
            .any(|c| c.fg == Color::Red)
    );
}

#[test]
fn another_writer_shows_up_without_a_key() {
    let (dir, store) = filled_store();
    let mut d = dashboard(store);
    let before = d.app.snapshot.rows.len();
    assert!(!d.tick() || d.app.snapshot.rows.len() == before);

    // Another connection (as the daemon would) stores a run with one more watch.
    let writer = Store::open(&dir.path().join("rollcall.db")).expect("second connection");
    dashboard_data::fill_large(&writer, 3);
    assert!(d.tick(), "the new run was not noticed");
    // The newest verdicts of every watch: the three new watches join the others.
    assert_eq!(d.app.snapshot.rows.len(), before + 3);
}

#[test]
fn the_selection_survives_a_reload() {
    let (dir, store) = filled_store();
    let mut d = dashboard(store);
    press(&mut d, "jjj");
    let chosen = d.app.selected_row().cloned().expect("a row");
    let writer = Store::open(&dir.path().join("rollcall.db")).expect("second connection");
    dashboard_data::fill_large(&writer, 40);
    assert!(d.tick());
    assert_eq!(d.app.selected_row(), Some(&chosen));
}

#[test]
fn background_check_reports_progress_and_the_result() {
    let (_dir, store) = filled_store();
    let (keep, take) = std::sync::mpsc::channel::<(Option<String>, Sender<JobEvent>)>();
    let checker = Box::new(move |watch: Option<&str>, events: Sender<JobEvent>| {
        let _ = events.send(JobEvent::Progress { done: 3, total: 10 });
        keep.send((watch.map(str::to_owned), events))
            .map_err(|e| e.to_string())
    });
    let mut d = dashboard_over(source(store).with_checker(checker), true);
    press(&mut d, "R");
    let (watch, events) = take.try_recv().expect("a check was started");
    assert_eq!(watch, None);
    assert!(d.tick());
    let screen = draw(&mut d, 100, 24);
    assert!(screen.contains("checking every watch 3/10"), "{screen}");
    // Keys still work while it runs, and a second check waits its turn.
    press(&mut d, "j");
    assert_eq!(d.app.overview.selected, 1);
    press(&mut d, "R");
    assert!(take.try_recv().is_err());
    assert!(
        d.app
            .message
            .as_deref()
            .is_some_and(|m| m.contains("is running"))
    );

    events
        .send(JobEvent::Finished(Ok("10 watches: 2 eol".to_owned())))
        .expect("sends");
    assert!(d.tick());
    assert!(d.app.job.is_none());
    let screen = draw(&mut d, 100, 24);
    assert!(
        screen.contains("checked every watch: 10 watches: 2 eol"),
        "{screen}"
    );

    // `r` checks the selected watch only.
    press(&mut d, "gr");
    let (watch, events) = take.try_recv().expect("a second check");
    assert_eq!(watch.as_deref(), Some("kubernetes"));
    events
        .send(JobEvent::Finished(Err("every tracker failed".to_owned())))
        .expect("sends");
    d.tick();
    assert!(
        d.app
            .message
            .as_deref()
            .is_some_and(|m| m.contains("the check of `kubernetes` failed: every tracker failed"))
    );
}

#[test]
fn an_empty_store_says_what_to_do() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(Store::open(&dir.path().join("rollcall.db")).expect("store"));
    let mut d = dashboard(store);
    let screen = draw(&mut d, 80, 24);
    assert!(screen.contains("no verdicts yet"), "{screen}");
    assert!(screen.contains("no run yet"), "{screen}");
    press(&mut d, "R");
    assert!(
        d.app
            .message
            .as_deref()
            .is_some_and(|m| m.contains("without a config")),
        "{:?}",
        d.app.message
    );
}

/// A tmux server of its own, driving the real binary in a 100×30 pseudo-terminal.
struct Tmux {
    socket: std::path::PathBuf,
}

impl Tmux {
    fn start(dir: &std::path::Path, script: &str) -> Self {
        let version = std::process::Command::new("tmux").arg("-V").output();
        assert!(
            version.is_ok_and(|o| o.status.success()),
            "this test drives the dashboard in tmux, which is not installed\nhelp: apt-get install tmux (`.ci/run` installs it)"
        );
        let tmux = Self {
            socket: dir.join("tmux.sock"),
        };
        tmux.run(&[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-x",
            "100",
            "-y",
            "30",
            "sh",
            "-c",
            script,
        ]);
        tmux
    }

    fn run(&self, args: &[&str]) -> String {
        let out = std::process::Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs");
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p"])
    }

    fn flag(&self, name: &str) -> String {
        self.run(&["display-message", "-p", &format!("#{{{name}}}")])
            .trim()
            .to_owned()
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys"];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    /// Waits until the screen shows `text`; the screen on failure.
    fn wait_for(&self, text: &str) -> String {
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "`{text}` never appeared; the screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = std::process::Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .arg("kill-server")
            .output();
    }
}

/// The shell line that runs the dashboard on the filled store, then reports how the terminal
/// was left: the exit status and the line discipline's flags.
fn tui_script(dir: &std::path::Path, env: &str) -> String {
    let db = dir.join("rollcall.db");
    dashboard_data::fill(&Store::open(&db).expect("store"));
    format!(
        "cd '{dir}' && HOME='{dir}' XDG_CONFIG_HOME='{dir}/config' {env} '{bin}' --db '{db}' --cache-dir '{dir}/cache' tui; \
         echo \"exited $?\"; echo \"tty: $(stty -a | tr ' ;' '\\n\\n' | grep -E '^-?(icanon|echo|isig)$' | tr '\\n' ' ')\"; sleep 60",
        dir = dir.display(),
        db = db.display(),
        bin = env!("CARGO_BIN_EXE_rollcall"),
    )
}

/// The terminal is back in cooked mode: line editing, signals and echo on.
fn assert_cooked(screen: &str) {
    let flags: Vec<&str> = screen
        .lines()
        .find_map(|l| l.strip_prefix("tty: "))
        .unwrap_or_else(|| panic!("no tty line:\n{screen}"))
        .split_whitespace()
        .collect();
    for flag in ["icanon", "isig", "echo"] {
        assert!(
            flags.contains(&flag),
            "`{flag}` is off: raw mode was left on:\n{screen}"
        );
    }
}

#[test]
fn the_real_binary_runs_in_a_terminal_and_restores_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tmux = Tmux::start(dir.path(), &tui_script(dir.path(), ""));
    let screen = tmux.wait_for("last run");
    assert!(
        screen.contains("✗ eol") && screen.contains("linux"),
        "{screen}"
    );
    assert_eq!(
        tmux.flag("alternate_on"),
        "1",
        "the dashboard uses the alternate screen"
    );
    assert_eq!(
        tmux.flag("cursor_flag"),
        "0",
        "the cursor is hidden while it runs"
    );

    // Another process stores a run (as the daemon would): the screen follows without a key.
    // glibc 2.43 opens a line, so Tumbleweed's 2.42 is superseded.
    assert!(
        !screen.contains("2.43") && screen.contains("»3"),
        "{screen}"
    );
    dashboard_data::glibc_moves_on(
        &Store::open(&dir.path().join("rollcall.db")).expect("second writer"),
    );
    let live = tmux.wait_for("2.43");
    assert!(live.contains("»4"), "{live}");

    // Down to the fourth row (ceph in Debian 12), into its detail, back, to the help.
    tmux.keys(&["j", "j", "j", "Enter"]);
    let detail = tmux.wait_for("Release lines");
    assert!(
        detail.contains("ceph") && detail.contains("Pacific"),
        "{detail}"
    );
    tmux.keys(&["h", "2"]);
    tmux.wait_for("RATE LIMIT");
    tmux.keys(&["?"]);
    tmux.wait_for("Any key closes this help");
    tmux.keys(&["x", "q"]);

    let after = tmux.wait_for("tty: ");
    assert!(after.contains("exited 0"), "{after}");
    assert_cooked(&after);
    assert_eq!(
        tmux.flag("alternate_on"),
        "0",
        "still on the alternate screen"
    );
    assert_eq!(tmux.flag("cursor_flag"), "1", "the cursor is still hidden");
    assert_eq!(
        tmux.flag("mouse_any_flag"),
        "0",
        "mouse reporting is still on"
    );
}

#[test]
fn a_panic_restores_the_terminal_and_says_why() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tmux = Tmux::start(
        dir.path(),
        &tui_script(
            dir.path(),
            &format!("RUST_BACKTRACE=0 {}=1", rollcall_tui::term::TEST_PANIC_ENV),
        ),
    );
    let after = tmux.wait_for("tty: ");
    assert!(after.contains("panicking after the first frame"), "{after}");
    assert!(!after.contains("exited 0"), "{after}");
    assert_cooked(&after);
    assert_eq!(tmux.flag("alternate_on"), "0");
    assert_eq!(tmux.flag("cursor_flag"), "1");
    assert_eq!(tmux.flag("mouse_any_flag"), "0");
}

#[test]
fn without_a_terminal_it_says_what_to_use_instead() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rollcall"))
        .current_dir(dir.path())
        .env("HOME", dir.path())
        .arg("--db")
        .arg(dir.path().join("rollcall.db"))
        .arg("tui")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("needs a terminal") && stderr.contains("--format json"),
        "{stderr}"
    );
}

/// The README's capture of the overview is what the dashboard draws for this store.
#[test]
fn the_readme_capture_is_what_the_dashboard_draws() {
    let (_dir, store) = filled_store();
    let mut d = dashboard(store);
    let screen = draw(&mut d, 100, 24);
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("README");
    let block = readme
        .split("<!-- tui-overview: generated by tests/it/tui.rs -->\n```text\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .unwrap_or_default();
    assert_eq!(
        block, screen,
        "README.md's overview capture is stale; replace its block with:\n{screen}"
    );
}

/// docs/tui.md lists every key exactly as the key table has it.
#[test]
fn the_key_docs_are_the_key_table() {
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/tui.md"))
        .expect("docs/tui.md");
    let table: String = rollcall_tui::keys::KEYS
        .iter()
        .map(|b| {
            format!(
                "| `{}` | {} | {} |\n",
                b.label,
                b.help,
                rollcall_tui::keys::places(b)
            )
        })
        .collect();
    let table = format!("| keys | what | where |\n|---|---|---|\n{table}");
    assert!(
        docs.contains(&table),
        "docs/tui.md's key table is stale; replace it with:\n{table}"
    );
}

#[test]
fn a_failing_poll_can_be_checked_again_from_the_trackers_screen() {
    let (_dir, store) = filled_store();
    let (keep, take) = std::sync::mpsc::channel::<Option<String>>();
    let checker = Box::new(move |watch: Option<&str>, _events: Sender<JobEvent>| {
        keep.send(watch.map(str::to_owned))
            .map_err(|e| e.to_string())
    });
    let mut d = dashboard_over(source(store).with_checker(checker), true);
    // Failures come first on the trackers screen: cloudfoundry-cli's rate-limited poll.
    press(&mut d, "2r");
    assert_eq!(
        take.try_recv().ok().flatten().as_deref(),
        Some("cloudfoundry-cli")
    );
    // On the changes screen there is no watch to check.
    press(&mut d, "3");
    d.app.job = None;
    press(&mut d, "r");
    assert!(take.try_recv().is_err());
}
