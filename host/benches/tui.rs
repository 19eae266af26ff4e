//! The dashboard with 5,000 rows (`cargo bench --bench tui`). Figures go to BENCHMARKS.md.
//!
//! Three questions, each answered side by side for the store of the tests (the engine's
//! verdicts over the fixtures) and a 5,000-row one (the same verdicts repeated):
//! - frame: drawing the overview into ratatui's `TestBackend` (200×50 and 80×24);
//! - key press to frame: one key handled (move, jump, sort, filter, search, open a detail from
//!   the store) and the next frame drawn;
//! - start to first frame: opening the store, reading every verdict and drawing, in process;
//!   and the real binary in a pseudo-terminal (util-linux `script`) from spawn to the first
//!   frame on its output.

use std::io::{Read, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rollcall::dashboard::StoreSource;
use rollcall::store::Store;
use rollcall_tui::{Dashboard, Options};

// The store is filled by the engine over the test fixtures, served by the tests' loopback
// servers.
#[path = "../../tests/it/dashboard_data.rs"]
#[allow(dead_code)]
mod dashboard_data;
#[path = "../../tests/it/support.rs"]
#[allow(dead_code)]
mod support;

/// `median (p90)` in milliseconds.
fn median(mut runs: Vec<Duration>) -> String {
    runs.sort();
    let at = |q: usize| runs[(runs.len() - 1) * q / 100].as_secs_f64() * 1e3;
    format!("{:.3} ms ({:.3})", at(50), at(90))
}

fn open(path: &std::path::Path) -> Dashboard<StoreSource> {
    let store = Arc::new(Store::open(path).expect("store"));
    let source = StoreSource::new(
        store,
        dashboard_data::SINCE.to_owned(),
        dashboard_data::SINCE[..10].to_owned(),
        dashboard_data::TODAY.parse().expect("day"),
    );
    let options = Options {
        color: true,
        poll_every: Duration::from_secs(3600),
    };
    Dashboard::new(source, options).expect("loads")
}

fn frame(terminal: &mut Terminal<TestBackend>, d: &mut Dashboard<StoreSource>) {
    terminal
        .draw(|f| rollcall_tui::render(f, &mut d.app))
        .expect("draws");
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// The embedded default config with each watch repeated as `NAME-0000` … (the names
/// `fill_large` writes), so the binary shows the large store's rows.
fn large_config(dir: &std::path::Path, copies: usize) -> std::path::PathBuf {
    let default = include_str!("../src/default.toml");
    let mut parts = default.split("[[watch]]");
    let mut out = parts.next().unwrap_or_default().to_owned();
    let watches: Vec<&str> = parts.collect();
    for n in 0..copies {
        for w in &watches {
            let renamed = w.replacen("\"\n", &format!("-{n:04}\"\n"), 1);
            out.push_str("[[watch]]");
            out.push_str(&renamed);
        }
    }
    let path = dir.join(format!("large-{copies}.toml"));
    std::fs::write(&path, out).expect("config");
    path
}

/// Spawn to first frame of the real binary in a 200×50 pseudo-terminal.
fn binary_start(
    db: &std::path::Path,
    config: Option<&std::path::Path>,
    home: &std::path::Path,
) -> Option<Duration> {
    let bin = env!("CARGO_BIN_EXE_rollcall");
    let config = config.map_or(String::new(), |c| format!("--config '{}'", c.display()));
    let command = format!(
        "stty rows 50 cols 200; exec '{bin}' {config} --db '{}' --cache-dir '{}/cache' tui",
        db.display(),
        home.display()
    );
    let start = Instant::now();
    let mut child = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(home)
        .env("HOME", home)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .ok()?;
    let mut out = child.stdout.take()?;
    let mut seen = Vec::new();
    let mut buffer = [0u8; 65_536];
    let first = loop {
        let n = out.read(&mut buffer).ok()?;
        if n == 0 {
            return None;
        }
        seen.extend_from_slice(&buffer[..n]);
        // The tab line is drawn with the first frame.
        if String::from_utf8_lossy(&seen).contains("last run") {
            break start.elapsed();
        }
    };
    child.stdin.as_mut()?.write_all(b"q").ok()?;
    let _ = child.wait();
    Some(first)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let small = dir.path().join("small.db");
    let large = dir.path().join("large.db");
    dashboard_data::fill(&Store::open(&small).expect("store"));
    dashboard_data::fill_large(&Store::open(&large).expect("store"), 5_000);

    // The small store has as many rows as the engine's verdicts over the fixtures.
    let small_rows = open(&small).app.snapshot.rows.len();
    let small_name = format!("{small_rows} rows");
    let small_name = small_name.as_str();
    let mut dashboards = [(small_name, open(&small)), ("5,000 rows", open(&large))];
    assert_eq!(dashboards[1].1.app.snapshot.rows.len(), 5_000);

    println!("frame: the overview drawn into a TestBackend, median of 301");
    for (width, height) in [(200, 50), (80, 24)] {
        let mut line = format!("  {width}x{height}:");
        for (name, d) in &mut dashboards {
            let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
            let runs = (0..301)
                .map(|_| {
                    let t = Instant::now();
                    frame(&mut terminal, d);
                    t.elapsed()
                })
                .collect();
            line.push_str(&format!("  {name} {}", median(runs)));
        }
        println!("{line}");
    }

    println!("key press to frame (200x50), median of 101");
    type Press = (&'static str, &'static [KeyCode]);
    let presses: &[Press] = &[
        ("j (next row)", &[KeyCode::Char('j')]),
        ("G (last row)", &[KeyCode::Char('G')]),
        ("s (sort by the next column)", &[KeyCode::Char('s')]),
        ("d (filter one distro)", &[KeyCode::Char('d')]),
        ("a letter typed into / search", &[KeyCode::Char('l')]),
        ("Enter (open a detail)", &[KeyCode::Enter]),
    ];
    for (what, keys) in presses {
        let mut line = format!("  {what:<30}");
        for (name, d) in &mut dashboards {
            let mut terminal = Terminal::new(TestBackend::new(200, 50)).expect("terminal");
            let mut runs = Vec::new();
            for _ in 0..101 {
                // The same state before every press: the overview, no filter, a search begun
                // for the search case.
                d.press(key(KeyCode::Char('1')));
                d.press(key(KeyCode::Char('c')));
                if what.contains("search") {
                    d.press(key(KeyCode::Char('/')));
                }
                frame(&mut terminal, d);
                let t = Instant::now();
                for code in *keys {
                    d.press(key(*code));
                }
                frame(&mut terminal, d);
                runs.push(t.elapsed());
                if what.contains("search") {
                    d.press(key(KeyCode::Esc));
                }
                if what.contains("detail") {
                    d.press(key(KeyCode::Esc));
                }
            }
            line.push_str(&format!("  {name} {}", median(runs)));
        }
        println!("{line}");
    }

    println!("start to first frame, median of 21");
    let mut line = "  in process (open store, read, draw 200x50):".to_owned();
    for (name, path) in [(small_name, &small), ("5,000 rows", &large)] {
        let runs = (0..21)
            .map(|_| {
                let t = Instant::now();
                let mut d = open(path);
                let mut terminal = Terminal::new(TestBackend::new(200, 50)).expect("terminal");
                frame(&mut terminal, &mut d);
                t.elapsed()
            })
            .collect();
        line.push_str(&format!("  {name} {}", median(runs)));
    }
    println!("{line}");
    let mut line = "  the binary in a pty (spawn to first frame):".to_owned();
    let config = large_config(dir.path(), 5_000usize.div_ceil(small_rows));
    for (name, path, config) in [
        (small_name, &small, None),
        ("5,000 rows", &large, Some(config.as_path())),
    ] {
        let runs: Vec<Duration> = (0..21)
            .filter_map(|_| binary_start(path, config, dir.path()))
            .collect();
        if runs.is_empty() {
            line.push_str(&format!("  {name} (util-linux `script` is needed)"));
        } else {
            line.push_str(&format!("  {name} {}", median(runs)));
        }
    }
    println!("{line}");
}
