//! Timing a command under GNU time, for the benchmarks that run rollcall and nvchecker side by
//! side (`nvchecker.rs`, `distribution.rs`).

use std::path::Path;
use std::process::Command;

/// One run of a command: wall seconds, user+system seconds, peak RSS.
pub struct Measured {
    pub wall: f64,
    pub cpu: f64,
    pub max_rss_kib: u64,
}

/// Runs `args` under GNU time with `env`; returns wall seconds, user+system seconds and peak RSS.
pub fn timed(dir: &Path, args: &[&str], env: &[(&str, String)]) -> Measured {
    let out = Command::new("/usr/bin/time")
        .args(["-f", "%e %U %S %M"])
        .args(args)
        .current_dir(dir)
        .env("XDG_DATA_HOME", dir)
        .env("XDG_CACHE_HOME", dir)
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .expect("run /usr/bin/time (apt-get install time)");
    let stderr = String::from_utf8_lossy(&out.stderr);
    if std::env::var_os("ROLLCALL_LOG").is_some() {
        // Where the time went: the run's phase lines (`polls … done`, `judged`, `stored`).
        for line in stderr.lines().filter(|l| {
            l.contains(" done")
                || l.contains("judged")
                || l.contains("stored")
                || l.contains("loaded")
        }) {
            println!("  {line}");
        }
    }
    let last = stderr.lines().last().unwrap_or_default();
    let f: Vec<f64> = last
        .split_whitespace()
        .filter_map(|x| x.parse().ok())
        .collect();
    assert_eq!(f.len(), 4, "{} failed: {stderr}", args[0]);
    Measured {
        wall: f[0],
        cpu: f[1] + f[2],
        max_rss_kib: f[3] as u64,
    }
}

/// The middle of `v`.
pub fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}
