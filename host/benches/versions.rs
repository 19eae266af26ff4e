//! Version comparison throughput per scheme (`cargo bench --bench versions`). Figures go to
//! BENCHMARKS.md.
//!
//! Input: the real Linux kernel versions endoflife.date's bots saw that every scheme parses (all
//! but the four-part 2.6.x.y ones), compared pairwise in a fixed shuffled order. Two figures per scheme:
//! comparing strings (parse both sides + compare, what one-off comparisons cost) and comparing
//! already-parsed values (what sorting a release list costs after one parse per version).

use std::path::Path;
use std::time::{Duration, Instant};

use rollcall::versions::{Family, Scheme, Version, reduce};

fn versions() -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/endoflife/release-data/linux-kernel.json");
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(path).expect("fixture")).expect("JSON");
    let mut out: Vec<String> = doc["versions"]
        .as_object()
        .expect("versions")
        .keys()
        .cloned()
        .collect();
    // A fixed pseudo-random order, so neighbours are unrelated versions.
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    for i in (1..out.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.swap(i, (state % (i as u64 + 1)) as usize);
    }
    out
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let all = versions();
    // Semver has no four-part versions (2.6.16.6): keep what every scheme parses, so every
    // scheme orders the same list.
    let input: Vec<String> = all
        .iter()
        .filter(|v| Scheme::ALL.iter().all(|s| s.parse(v).is_ok()))
        .cloned()
        .collect();
    let pairs = input.len() - 1;
    println!(
        "{} of {} kernel versions parse under every scheme; {pairs} comparisons per pass, median of 9 passes",
        input.len(),
        all.len()
    );
    println!(
        "{:<8} {:>16} {:>16} {:>10}",
        "scheme", "strings/s", "parsed/s", "parse µs"
    );
    for scheme in Scheme::ALL {
        let mut string_runs = Vec::new();
        let mut parsed_runs = Vec::new();
        let mut parse_runs = Vec::new();
        for _ in 0..9 {
            let started = Instant::now();
            let mut greater = 0usize;
            for w in input.windows(2) {
                if scheme.try_compare(&w[0], &w[1]).expect("parses").is_gt() {
                    greater += 1;
                }
            }
            string_runs.push(started.elapsed());
            std::hint::black_box(greater);

            let started = Instant::now();
            let parsed: Vec<Version> = input
                .iter()
                .map(|v| scheme.parse(v).expect("parses"))
                .collect();
            parse_runs.push(started.elapsed());
            let started = Instant::now();
            let mut greater = 0usize;
            for w in parsed.windows(2) {
                if w[0] > w[1] {
                    greater += 1;
                }
            }
            parsed_runs.push(started.elapsed());
            std::hint::black_box(greater);
        }
        let per_sec = |d: Duration| pairs as f64 / d.as_secs_f64();
        println!(
            "{:<8} {:>16.0} {:>16.0} {:>10.3}",
            scheme.name(),
            per_sec(median(string_runs)),
            per_sec(median(parsed_runs)),
            median(parse_runs).as_secs_f64() * 1e6 / input.len() as f64
        );
    }

    let distro: Vec<String> = input
        .iter()
        .map(|v| format!("1:{v}-150600.23.25.1"))
        .collect();
    let mut runs = Vec::new();
    for _ in 0..9 {
        let started = Instant::now();
        for v in &distro {
            std::hint::black_box(reduce(v, Family::Rpm));
        }
        runs.push(started.elapsed());
    }
    println!(
        "reduce (rpm, `1:V-150600.23.25.1`): {:.0} versions/s",
        distro.len() as f64 / median(runs).as_secs_f64()
    );
}
