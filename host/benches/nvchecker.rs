//! rollcall against nvchecker, side by side in one run, on the same loopback fixture server:
//! 1,000 upstream pages, each checked with a regular expression (rollcall's `regex` tracker,
//! nvchecker's `regex` source), compared with a known version and the result stored (rollcall's
//! SQLite store, nvchecker's `newver` file). Both get 16 requests in flight.
//!
//! `cargo bench --bench nvchecker` (needs `nvchecker` on PATH: `pip install nvchecker`, and
//! GNU time at /usr/bin/time). Prints wall time, CPU time and peak memory of each of 9 rounds,
//! alternating the tools, then medians and ratios. Figures go to BENCHMARKS.md.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[path = "support/measure.rs"]
mod measure;
use measure::{Measured, median, timed};

const WATCHES: usize = 1_000;
const ROUNDS: usize = 9;
const CONCURRENCY: usize = 16;

fn page(i: usize) -> String {
    let mut body = String::from("<html><body><h1>Downloads</h1><ul>\n");
    for patch in 0..=(i % 7 + 3) {
        body.push_str(&format!(
            "<li><a href=\"/dl/foo-{i}.{patch}.0.tar.gz\">foo-{i}.{patch}.0.tar.gz</a> 2026-11-{:02}</li>\n",
            patch + 1
        ));
    }
    body.push_str("</ul></body></html>\n");
    body
}

/// A loopback server answering `/p/N` with page N, keeping connections alive as real servers
/// do (both tools reuse connections); counts requests.
async fn serve(listener: TcpListener, served: Arc<AtomicU64>) {
    loop {
        let Ok((mut socket, _)) = listener.accept().await else {
            return;
        };
        let served = served.clone();
        tokio::spawn(async move {
            let mut buf: Vec<u8> = Vec::with_capacity(8192);
            let mut chunk = [0u8; 4096];
            loop {
                let end = loop {
                    if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        break at + 4;
                    }
                    match socket.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                };
                let head = String::from_utf8_lossy(&buf[..end]).into_owned();
                buf.drain(..end);
                let target = head.split_whitespace().nth(1).unwrap_or("/");
                let n: usize = target.trim_start_matches("/p/").parse().unwrap_or(0);
                let body = page(n);
                let reply = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\n\r\n{body}",
                    body.len()
                );
                if socket.write_all(reply.as_bytes()).await.is_err() {
                    return;
                }
                served.fetch_add(1, Ordering::Relaxed);
            }
        });
    }
}

fn main() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let listener = rt.block_on(TcpListener::bind("127.0.0.1:0")).expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let served = Arc::new(AtomicU64::new(0));
    rt.spawn(serve(listener, served.clone()));

    let dir = tempfile::tempdir().expect("tempdir");

    let mut rollcall = format!(
        "[network]\nper-host = {CONCURRENCY}\n\n[distros.lab]\nkind = \"static\"\npackages = {{ {} }}\n\n",
        (0..WATCHES)
            .map(|i| format!("pkg{i} = \"{i}.1.0\""))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut nvchecker = format!(
        "[__config__]\noldver = \"old.json\"\nnewver = \"new.json\"\nmax_concurrency = {CONCURRENCY}\n\n"
    );
    let mut old = serde_json::Map::new();
    for i in 0..WATCHES {
        let url = format!("http://127.0.0.1:{port}/p/{i}");
        // A pattern of its own per package, as in a real config: neither tool may reuse one
        // compiled expression for all 1,000.
        let pattern = format!(r"foo-({i}\.[0-9.]+)\.tar\.gz");
        rollcall.push_str(&format!(
            "[[watch]]\nname = \"pkg{i}\"\ntracker = \"regex\"\nsettings = {{ url = \"{url}\", pattern = '{pattern}' }}\npackages = {{ lab = \"pkg{i}\" }}\n\n"
        ));
        nvchecker.push_str(&format!(
            "[pkg{i}]\nsource = \"regex\"\nurl = \"{url}\"\nregex = '{pattern}'\n\n"
        ));
        old.insert(format!("pkg{i}"), serde_json::json!(format!("{i}.1.0")));
    }
    std::fs::write(dir.path().join("rollcall.toml"), rollcall).expect("write");
    std::fs::write(dir.path().join("nvchecker.toml"), nvchecker).expect("write");
    let old = serde_json::json!({ "version": 2, "data": old.into_iter().map(|(k, v)| (k, serde_json::json!({"version": v}))).collect::<serde_json::Map<_, _>>() });
    std::fs::write(dir.path().join("old.json"), old.to_string()).expect("write");

    let bin = env!("CARGO_BIN_EXE_rollcall");
    let db = dir.path().join("rollcall.db");
    let cache = dir.path().join("cache");
    let rollcall_args = [
        bin,
        "check",
        "--config",
        "rollcall.toml",
        "--db",
        db.to_str().expect("utf-8"),
        "--cache-dir",
        cache.to_str().expect("utf-8"),
        "--format",
        "json",
        "--fail-on",
        "never",
    ];
    let nvchecker_args = ["nvchecker", "-c", "nvchecker.toml", "--logger", "json"];

    // Warm-up: compiles the tracker into rollcall's cache and warms Python's imports.
    timed(dir.path(), &rollcall_args, &[]);
    timed(dir.path(), &nvchecker_args, &[]);
    served.store(0, Ordering::Relaxed);

    let (mut r, mut n) = (Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        let a = timed(dir.path(), &rollcall_args, &[]);
        let b = timed(dir.path(), &nvchecker_args, &[]);
        println!(
            "round {round}: rollcall {:.3} s wall, {:.3} s CPU, {} MiB | nvchecker {:.3} s wall, {:.3} s CPU, {} MiB",
            a.wall,
            a.cpu,
            a.max_rss_kib / 1024,
            b.wall,
            b.cpu,
            b.max_rss_kib / 1024
        );
        r.push(a);
        n.push(b);
    }
    let served = served.load(Ordering::Relaxed);
    assert_eq!(
        served,
        (2 * ROUNDS * WATCHES) as u64,
        "every check fetched its page"
    );
    let m = |v: &[Measured], f: fn(&Measured) -> f64| median(v.iter().map(f).collect());
    let (rw, nw) = (m(&r, |x| x.wall), m(&n, |x| x.wall));
    let (rc, nc) = (m(&r, |x| x.cpu), m(&n, |x| x.cpu));
    let (rm, nm) = (
        m(&r, |x| x.max_rss_kib as f64),
        m(&n, |x| x.max_rss_kib as f64),
    );
    println!("\n{WATCHES} checks, {CONCURRENCY} in flight, medians of {ROUNDS} rounds:");
    println!("| | wall | CPU (user+sys) | peak RSS |");
    println!("|---|---|---|---|");
    println!(
        "| rollcall | {rw:.3} s | {rc:.3} s | {:.1} MiB |",
        rm / 1024.0
    );
    println!(
        "| nvchecker | {nw:.3} s | {nc:.3} s | {:.1} MiB |",
        nm / 1024.0
    );
    println!(
        "| ratio nvchecker / rollcall | {:.1}× | {:.1}× | {:.1}× |",
        nw / rw,
        nc / rc,
        nm / rm
    );
}
