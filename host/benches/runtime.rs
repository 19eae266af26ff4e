//! Benchmarks of the plugin runtime (`cargo bench --bench runtime`). Figures go to
//! BENCHMARKS.md; the machine is noisy, so every comparison is made side by side in one run and
//! reported as medians.
//!
//! 1. One poll without network: fresh store + instantiate + poll + one host call (`log`), and
//!    the same with no host call, on the test tracker; then a full `kernel-org` poll against a
//!    loopback server (one real HTTP round trip and JSON parsing in the guest).
//! 2. Process start: `rollcall plugin list` (loads both built-in trackers) with a cold
//!    compiled-component cache (`--no-cache`) and a warm one, interleaved.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rollcall::net::{Grant, HostRule, HttpClient};
use rollcall::runtime::{Limits, Runtime, RuntimeOptions, Services};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn median(mut samples: Vec<Duration>) -> (Duration, Duration, Duration) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    (at(0.1), at(0.5), at(0.9))
}

fn show(label: &str, samples: Vec<Duration>) -> Duration {
    let n = samples.len();
    let (p10, p50, p90) = median(samples);
    println!(
        "{label:<52} n={n:<5} p10={:>9.1} µs  median={:>9.1} µs  p90={:>9.1} µs",
        p10.as_secs_f64() * 1e6,
        p50.as_secs_f64() * 1e6,
        p90.as_secs_f64() * 1e6
    );
    p50
}

fn settings(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).into(), (*v).into()))
        .collect()
}

/// A loopback server that answers every request with `body`.
async fn serve(body: Vec<u8>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let body = Arc::new(body);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let body = body.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let mut head = Vec::new();
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let reply = format!(
                    "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(reply.as_bytes()).await;
                let _ = socket.write_all(&body).await;
            });
        }
    });
    format!("http://{addr}")
}

async fn polls() {
    let runtime = Runtime::new(RuntimeOptions {
        cache_dir: None,
        max_memory_bytes: Limits::default().memory_bytes,
        services: Arc::new(Services {
            http: HttpClient::new().expect("client"),
            github: None,
        }),
    })
    .expect("runtime");
    let hostile = std::fs::read(rollcall::artifacts::TEST_HOSTILE).expect("test tracker");
    let plugin = runtime.load(&hostile).await.expect("load");
    let rounds = 3000;
    for (label, mode) in [
        ("poll, one host call (log)", "log"),
        ("poll, no host call", "ok"),
    ] {
        let s = settings(&[("mode", mode)]);
        for _ in 0..300 {
            let _ = runtime
                .poll(&plugin, &s, Grant::default(), Limits::default())
                .await;
        }
        let mut samples = Vec::with_capacity(rounds);
        for _ in 0..rounds {
            let started = Instant::now();
            let outcome = runtime
                .poll(&plugin, &s, Grant::default(), Limits::default())
                .await;
            samples.push(started.elapsed());
            assert!(outcome.result.is_ok());
        }
        show(label, samples);
    }

    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let releases =
        std::fs::read(root.join("tests/fixtures/kernel.org/releases-2020-12-14.excerpt.json"))
            .expect("fixture");
    let base = serve(releases).await;
    let kernel = runtime
        .load(rollcall::trackers::builtin("kernel-org").expect("built-in"))
        .await
        .expect("load");
    let grant = Grant::new(vec![
        HostRule::for_url(&base.parse().expect("url")).expect("rule"),
    ]);
    let s = settings(&[("base-url", &base)]);
    let mut samples = Vec::new();
    for i in 0..1100 {
        let started = Instant::now();
        let outcome = runtime
            .poll(&kernel, &s, grant.clone(), Limits::default())
            .await;
        if i >= 100 {
            samples.push(started.elapsed());
        }
        assert!(outcome.result.is_ok(), "{:?}", outcome.result);
    }
    show("kernel-org poll incl. loopback HTTP + JSON parse", samples);
}

fn process_start() {
    let bin = env!("CARGO_BIN_EXE_rollcall");
    let cache = std::env::temp_dir().join(format!("rollcall-bench-{}", std::process::id()));
    let run = |args: &[&str]| {
        let started = Instant::now();
        let out = std::process::Command::new(bin)
            .args(args)
            .env("ROLLCALL_LOG", "error")
            .output()
            .expect("run rollcall");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        started.elapsed()
    };
    let cache_arg = cache.display().to_string();
    run(&["plugin", "list", "--cache-dir", &cache_arg]); // fills the cache
    let (mut cold, mut warm, mut version) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..15 {
        cold.push(run(&["plugin", "list", "--no-cache"]));
        warm.push(run(&["plugin", "list", "--cache-dir", &cache_arg]));
        version.push(run(&["--version"]));
    }
    let c = show(
        "process start, plugin list, cold (compiles every built-in tracker)",
        cold,
    );
    let w = show("process start, plugin list, warm compiled cache", warm);
    let v = show("process start, --version (no plugin loaded)", version);
    println!(
        "warm/cold = {:.3}; warm - bare start = {:.1} ms",
        w.as_secs_f64() / c.as_secs_f64(),
        (w.as_secs_f64() - v.as_secs_f64()) * 1e3
    );
    let _ = std::fs::remove_dir_all(&cache);
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing we need.
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio");
    rt.block_on(polls());
    process_start();
}
