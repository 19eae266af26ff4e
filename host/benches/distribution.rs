//! A whole distribution, side by side with nvchecker (`cargo bench --bench distribution`).
//! Figures go to BENCHMARKS.md.
//!
//! 35,000 watches in the proportions `discover` finds in Debian 12 main (half GitHub, then the
//! Python index, crates and npm; the rest, which nvchecker's sources here cannot read the same
//! way, as regular expressions over download pages), against one loopback server that answers
//! with real-shape bodies of real sizes: the Python index's JSON for `salt` cut to 20–278
//! releases, `semver`'s sparse-index file (and, for nvchecker, the same versions in the shape of the
//! crate registry's web API), `is-number`'s npm document, GitHub release pages of 30–100 entries, and
//! download pages of 150 files. rollcall reads the distro from a 35,000-paragraph Debian
//! `Sources.xz` on the same server; nvchecker compares with an `old.json` of the same versions.
//!
//! Measured: `check` wall, CPU and peak RSS (a first run on an empty store, nvchecker, and a run
//! over the kept store, whose requests are conditional: the server sends `ETag`s and answers
//! `If-None-Match` with `304`, as the real registries do; nvchecker sends no validators), in
//! alternating rounds; then the kept store's size after 1 and after 30 runs, `rollcall report`
//! over it, and the dashboard's first frame and key presses on it, in process.
//!
//! Needs `nvchecker` 2.x on PATH (`pip install 'nvchecker[pypi]'`) and GNU time at
//! /usr/bin/time. nvchecker's `pypi`, `cratesio` and `github` sources name their hosts in the
//! code; a `sitecustomize.py` the bench writes sends every `https://` request to the loopback
//! server by the shape of its path, so nvchecker runs its own parsing code on the same bodies. `ROLLCALL_BENCH_WATCHES`
//! picks another size, `ROLLCALL_BENCH_ROUNDS` another number of rounds (default 3).

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[path = "support/measure.rs"]
mod measure;
use measure::{Measured, median, timed};

const CONCURRENCY: usize = 16;

/// What kind of upstream watch `i` has: half GitHub, 7 % Python index, 6 % crates, 6 % npm,
/// 31 % download pages.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Eco {
    Github,
    Pypi,
    Crates,
    Npm,
    Page,
}

fn eco(i: usize) -> Eco {
    match i % 100 {
        0..50 => Eco::Github,
        50..57 => Eco::Pypi,
        57..63 => Eco::Crates,
        63..69 => Eco::Npm,
        _ => Eco::Page,
    }
}

fn fixture(path: &str) -> Vec<u8> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
    std::fs::read(root.join(path)).unwrap_or_else(|e| panic!("fixture {path}: {e}"))
}

/// The bodies the server answers with, built once.
struct Bodies {
    pypi: Vec<Vec<u8>>,
    sparse: Vec<Vec<u8>>,
    cratesio: Vec<Vec<u8>>,
    npm: Vec<u8>,
    github: Vec<Vec<u8>>,
    sources_xz: Vec<u8>,
    in_release: Vec<u8>,
}

/// A shipped version per kind, among the versions the bodies list (so verdicts vary: behind,
/// superseded, current).
fn shipped(i: usize) -> String {
    match eco(i) {
        Eco::Github => ["5.0.0", "4.9.4", "1.30.0", "3006.0"][i % 4].to_owned(),
        Eco::Pypi => ["3006.1", "3005.1", "2019.2.8"][i % 3].to_owned(),
        Eco::Crates => ["1.0.20", "1.0.0", "0.11.0"][i % 3].to_owned(),
        Eco::Npm => ["7.0.0", "6.0.0", "4.0.0"][i % 3].to_owned(),
        Eco::Page => format!("{i}.{}.0", i % 11),
    }
}

fn bodies(watches: usize) -> Bodies {
    // The Python index: `salt`'s JSON with the newest K releases (by upload time), K from 20
    // to all 278; `info` and `urls` as recorded.
    let salt: serde_json::Value =
        serde_json::from_slice(&fixture("registries/pypi-salt.json")).expect("pypi json");
    let releases = salt["releases"].as_object().expect("releases");
    let mut by_time: Vec<(&String, &serde_json::Value)> = releases.iter().collect();
    by_time.sort_by_key(|(_, files)| {
        files[0]["upload_time_iso_8601"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    });
    let pypi = [20, 60, 140, by_time.len()]
        .iter()
        .map(|&k| {
            let mut doc = salt.clone();
            let kept: serde_json::Map<String, serde_json::Value> = by_time
                [by_time.len().saturating_sub(k)..]
                .iter()
                .map(|(v, f)| ((*v).clone(), (*f).clone()))
                .collect();
            doc["releases"] = serde_json::Value::Object(kept);
            serde_json::to_vec(&doc).expect("json")
        })
        .collect();

    // crates: `semver`'s sparse-index file, its newest 20, 40 or all 66 versions; for nvchecker
    // the same versions as the crate registry's web API (`GET /api/v1/crates/NAME`) lists them.
    let index = String::from_utf8(fixture("registries/crates-index-semver")).expect("utf-8");
    let lines: Vec<&str> = index.lines().filter(|l| !l.trim().is_empty()).collect();
    let mut sparse = Vec::new();
    let mut cratesio = Vec::new();
    for k in [20, 40, lines.len()] {
        // The newest k: semver's first 20 versions are all yanked.
        let kept = &lines[lines.len().saturating_sub(k)..];
        sparse.push(
            kept.iter()
                .map(|l| format!("{l}\n"))
                .collect::<String>()
                .into_bytes(),
        );
        let versions: Vec<serde_json::Value> = kept
            .iter()
            .enumerate()
            .map(|(n, l)| {
                let v: serde_json::Value = serde_json::from_str(l).expect("index line");
                let num = v["vers"].as_str().unwrap_or_default();
                let at = v["pubtime"].as_str().unwrap_or("2017-01-01T00:00:00Z");
                serde_json::json!({
                    "id": 100_000 + n, "crate": "semver", "num": num,
                    "dl_path": format!("/api/v1/crates/semver/{num}/download"),
                    "readme_path": format!("/api/v1/crates/semver/{num}/readme"),
                    "updated_at": at, "created_at": at, "downloads": 1_000_000 + n * 7919,
                    "features": v["features"], "yanked": v["yanked"],
                    "license": "MIT OR Apache-2.0",
                    "links": {
                        "dependencies": format!("/api/v1/crates/semver/{num}/dependencies"),
                        "version_downloads": format!("/api/v1/crates/semver/{num}/downloads"),
                        "authors": format!("/api/v1/crates/semver/{num}/authors"),
                    },
                    "crate_size": 30_000 + n * 13, "published_by": null, "audit_actions": [],
                    "checksum": v["cksum"], "rust_version": v["rust_version"],
                })
            })
            .collect();
        let doc = serde_json::json!({
            "crate": {"id": "semver", "name": "semver", "max_version": versions.last().map(|v| v["num"].clone()),
                      "description": "Parser and evaluator for Cargo's flavor of Semantic Versioning",
                      "repository": "https://github.com/dtolnay/semver", "downloads": 400_000_000},
            "versions": versions,
        });
        cratesio.push(serde_json::to_vec(&doc).expect("json"));
    }

    // npm: `is-number`'s full document, compact as the registry sends it.
    let npm: serde_json::Value =
        serde_json::from_slice(&fixture("registries/npm-is-number.json")).expect("npm json");
    let npm = serde_json::to_vec(&npm).expect("json");

    // GitHub: release pages of 30, 60 and 100 entries from three repositories' pages.
    let mut github = Vec::new();
    for repo in ["podman", "kubernetes", "salt"] {
        let page: Vec<serde_json::Value> =
            serde_json::from_slice(&fixture(&format!("github/{repo}-releases.json")))
                .expect("releases json");
        for k in [30, 60, 100] {
            github.push(serde_json::to_vec(&page[..k.min(page.len())]).expect("json"));
        }
    }

    // The distro: one source paragraph per watch.
    let mut sources = String::new();
    for i in 0..watches {
        sources.push_str(&format!(
            "Package: w{i}\nBinary: w{i}, w{i}-doc\nVersion: {}-1\nMaintainer: Bench <bench@localhost>\n\
             Build-Depends: debhelper-compat (= 13)\nArchitecture: any\nFormat: 3.0 (quilt)\n\
             Directory: pool/main/w/w{i}\nPriority: optional\nSection: misc\n\n",
            shipped(i)
        ));
    }
    let mut xz = liblzma_compress(sources.as_bytes());
    xz.shrink_to_fit();
    let in_release = format!(
        "Origin: Debian\nLabel: Debian\nSuite: sid\nCodename: sid\nComponents: main\nSHA256:\n {} {:>16} main/source/Sources.xz\n",
        sha256_hex(&xz),
        xz.len()
    )
    .into_bytes();
    Bodies {
        pypi,
        sparse,
        cratesio,
        npm,
        github,
        sources_xz: xz,
        in_release,
    }
}

fn liblzma_compress(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut xz = liblzma::write::XzEncoder::new(Vec::new(), 6);
    xz.write_all(data).expect("xz");
    xz.finish().expect("xz")
}

fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(data))
}

/// A download page of 150 files for watch `i`, as a GNU-ftp-like listing.
fn page(i: usize) -> Vec<u8> {
    let mut body = String::from(
        "<!DOCTYPE html><html><head><title>Index of /releases</title></head><body><h1>Index of /releases</h1><table>\n",
    );
    for n in 0..150 {
        let (minor, patch) = (n / 12, n % 12);
        body.push_str(&format!(
            "<tr><td><a href=\"pkg{i}-{i}.{minor}.{patch}.tar.gz\">pkg{i}-{i}.{minor}.{patch}.tar.gz</a></td><td>2025-{:02}-{:02} 10:{:02}</td><td>{}K</td></tr>\n",
            1 + n % 12,
            1 + n % 28,
            n % 60,
            400 + n * 3
        ));
    }
    body.push_str("</table></body></html>\n");
    body.into_bytes()
}

/// What the server answered, per tool and status.
#[derive(Default)]
struct Counts {
    ok: AtomicU64,
    not_modified: AtomicU64,
    bytes: AtomicU64,
    other: AtomicU64,
}

fn number(s: &str) -> usize {
    s.trim_start_matches(|c: char| !c.is_ascii_digit())
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .and_then(|d| d.parse().ok())
        .unwrap_or(0)
}

/// The body for a request path, or `None` for a 404.
fn route(b: &Bodies, path: &str) -> Option<(Arc<[u8]>, String)> {
    let path = path.split('?').next().unwrap_or(path);
    let tag = |body: &[u8], key: &str| (Arc::from(body), format!("\"{key}-{}\"", body.len()));
    if let Some(rest) = path.strip_prefix("/pypi/pypi/") {
        let i = number(rest);
        return Some(tag(&b.pypi[(i / 7) % b.pypi.len()], "py"));
    }
    if let Some(rest) = path.strip_prefix("/crates-api/api/v1/crates/") {
        let i = number(rest);
        return Some(tag(&b.cratesio[(i / 7) % b.cratesio.len()], "cio"));
    }
    if let Some(rest) = path.strip_prefix("/crates/") {
        let i = number(rest.rsplit('/').next().unwrap_or_default());
        return Some(tag(&b.sparse[(i / 7) % b.sparse.len()], "cr"));
    }
    if path.starts_with("/npm/") {
        return Some(tag(&b.npm, "npm"));
    }
    if let Some(rest) = path.strip_prefix("/gh/repos/") {
        let i = number(rest);
        return Some(tag(&b.github[(i / 7) % b.github.len()], "gh"));
    }
    if let Some(rest) = path.strip_prefix("/p/") {
        let i = number(rest);
        let body = page(i);
        let etag = format!("\"p{i}-{}\"", body.len());
        return Some((Arc::from(body), etag));
    }
    match path {
        "/debian/dists/sid/InRelease" => Some(tag(&b.in_release, "rel")),
        "/debian/dists/sid/main/source/Sources.xz" => Some(tag(&b.sources_xz, "src")),
        _ => None,
    }
}

/// A loopback HTTP/1.1 server with keep-alive, ETags and `304`s.
async fn serve(listener: TcpListener, bodies: Arc<Bodies>, counts: Arc<Counts>) {
    loop {
        let Ok((mut socket, _)) = listener.accept().await else {
            return;
        };
        let (bodies, counts) = (bodies.clone(), counts.clone());
        tokio::spawn(async move {
            let mut buf: Vec<u8> = Vec::with_capacity(8192);
            let mut chunk = [0u8; 8192];
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
                let target = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
                let if_none_match = head
                    .lines()
                    .find_map(|l| {
                        let (k, v) = l.split_once(':')?;
                        k.eq_ignore_ascii_case("if-none-match")
                            .then(|| v.trim().to_owned())
                    })
                    .unwrap_or_default();
                let reply: Vec<u8> = match route(&bodies, &target) {
                    Some((_, etag)) if if_none_match == etag => {
                        counts.not_modified.fetch_add(1, Ordering::Relaxed);
                        format!(
                            "HTTP/1.1 304 Not Modified\r\netag: {etag}\r\ncontent-length: 0\r\n\r\n"
                        )
                        .into_bytes()
                    }
                    Some((body, etag)) => {
                        counts.ok.fetch_add(1, Ordering::Relaxed);
                        counts.bytes.fetch_add(body.len() as u64, Ordering::Relaxed);
                        let mut r = format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\netag: {etag}\r\ncontent-length: {}\r\n\r\n",
                            body.len()
                        )
                        .into_bytes();
                        r.extend_from_slice(&body);
                        r
                    }
                    None => {
                        counts.other.fetch_add(1, Ordering::Relaxed);
                        b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n".to_vec()
                    }
                };
                if socket.write_all(&reply).await.is_err() {
                    return;
                }
            }
        });
    }
}

/// Taken and reset: (200s, 304s, body bytes, 404s).
fn take(c: &Counts) -> (u64, u64, u64, u64) {
    (
        c.ok.swap(0, Ordering::Relaxed),
        c.not_modified.swap(0, Ordering::Relaxed),
        c.bytes.swap(0, Ordering::Relaxed),
        c.other.swap(0, Ordering::Relaxed),
    )
}

/// nvchecker's `pypi`, `cratesio` and `github` sources request fixed `https://` hosts; this
/// sends every `https://` request (and nothing else) to the loopback server, by the shape of its
/// path, before nvchecker's own client sends it. No host is named here.
const SITECUSTOMIZE: &str = r#"
import os, urllib.parse
_base = os.environ.get('NVC_BENCH_BASE')
if _base:
    from nvchecker.httpclient import base as _b
    _orig = _b.BaseSession.request
    async def _request(self, url, **kw):
        u = urllib.parse.urlsplit(url)
        if u.scheme == 'https':
            path = u.path + ('?' + u.query if u.query else '')
            if u.path.startswith('/pypi/'):
                url = _base + '/pypi' + path
            elif u.path.startswith('/api/v1/crates/'):
                url = _base + '/crates-api' + path
            elif u.path.startswith('/repos/'):
                url = _base + '/gh' + path
        return await _orig(self, url, **kw)
    _b.BaseSession.request = _request
"#;

fn configs(dir: &Path, base: &str, watches: usize) {
    let mut rollcall = format!(
        "[network]\nper-host = {CONCURRENCY}\n\n[distros.sid]\nkind = \"deb\"\nurl = \"{base}/debian\"\nsuites = [\"sid\"]\n\n"
    );
    let mut nvchecker = format!(
        "[__config__]\noldver = \"old.json\"\nnewver = \"new.json\"\nmax_concurrency = {CONCURRENCY}\n\n\
         [__config__.source.npm]\nregistry = \"{base}/npm\"\n\n"
    );
    let mut old = serde_json::Map::new();
    for i in 0..watches {
        let name = format!("w{i}");
        let (tracker, settings, nv) = match eco(i) {
            Eco::Github => (
                "github-releases",
                format!("repository = \"o{i}/r{i}\""),
                format!("source = \"github\"\ngithub = \"o{i}/r{i}\"\nuse_max_release = true"),
            ),
            Eco::Pypi => (
                "pypi",
                format!("registry = \"{base}/pypi\", project = \"p{i}\""),
                format!("source = \"pypi\"\npypi = \"p{i}\""),
            ),
            Eco::Crates => (
                "crates",
                format!("registry = \"{base}/crates\", crate = \"c{i}\""),
                format!("source = \"cratesio\"\ncratesio = \"c{i}\""),
            ),
            Eco::Npm => (
                "npm",
                format!("registry = \"{base}/npm\", package = \"n{i}\""),
                format!("source = \"npm\"\nnpm = \"n{i}\""),
            ),
            Eco::Page => {
                let pattern = format!(r"pkg{i}-({i}\.[0-9.]+)\.tar\.gz");
                (
                    "regex",
                    format!("url = \"{base}/p/{i}\", pattern = '{pattern}'"),
                    format!("source = \"regex\"\nurl = \"{base}/p/{i}\"\nregex = '{pattern}'"),
                )
            }
        };
        rollcall.push_str(&format!(
            "[[watch]]\nname = \"{name}\"\ntracker = \"{tracker}\"\nsettings = {{ {settings} }}\npackages = {{ sid = \"{name}\" }}\n\n"
        ));
        nvchecker.push_str(&format!("[{name}]\n{nv}\n\n"));
        old.insert(name, serde_json::json!({ "version": shipped(i) }));
    }
    std::fs::write(dir.join("rollcall.toml"), rollcall).expect("write");
    std::fs::write(dir.join("nvchecker.toml"), nvchecker).expect("write");
    let old = serde_json::json!({ "version": 2, "data": old });
    std::fs::write(dir.join("old.json"), old.to_string()).expect("write");
    std::fs::create_dir_all(dir.join("py")).expect("mkdir");
    std::fs::write(dir.join("py/sitecustomize.py"), SITECUSTOMIZE).expect("write");
}

/// The database file's size, MiB (its write-ahead log is folded back in when the last
/// connection closes; the run that wrote it has exited).
fn file_mib(path: &Path) -> f64 {
    std::fs::metadata(path).map_or(0, |m| m.len()) as f64 / (1024.0 * 1024.0)
}

fn main() {
    let watches: usize = std::env::var("ROLLCALL_BENCH_WATCHES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(35_000);
    let rounds: usize = std::env::var("ROLLCALL_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let listener = rt.block_on(TcpListener::bind("127.0.0.1:0")).expect("bind");
    let base = format!(
        "http://127.0.0.1:{}",
        listener.local_addr().expect("addr").port()
    );
    let built = Instant::now();
    let bodies = Arc::new(bodies(watches));
    let counts = Arc::new(Counts::default());
    rt.spawn(serve(listener, bodies.clone(), counts.clone()));
    let sizes: HashMap<&str, String> = [
        ("pypi", &bodies.pypi),
        ("sparse", &bodies.sparse),
        ("cratesio", &bodies.cratesio),
        ("github", &bodies.github),
    ]
    .into_iter()
    .map(|(k, v)| {
        (
            k,
            v.iter()
                .map(|b| format!("{} KiB", b.len() / 1024))
                .collect::<Vec<_>>()
                .join(", "),
        )
    })
    .collect();
    println!(
        "{watches} watches; bodies built in {:.1} s: pypi {}; sparse {}; crate API {}; npm {} KiB; github {}; page {} KiB; Sources.xz {} KiB",
        built.elapsed().as_secs_f64(),
        sizes["pypi"],
        sizes["sparse"],
        sizes["cratesio"],
        bodies.npm.len() / 1024,
        sizes["github"],
        page(12_345).len() / 1024,
        bodies.sources_xz.len() / 1024
    );

    let dir = tempfile::tempdir().expect("tempdir");
    if std::env::var_os("ROLLCALL_BENCH_KEEP").is_some() {
        println!("keeping {}", dir.path().display());
    }
    configs(dir.path(), &base, watches);
    let bin = env!("CARGO_BIN_EXE_rollcall");
    let cache = dir.path().join("cache");
    let kept = dir.path().join("kept.db");
    let gh = format!("{base}/gh");
    let rollcall_env = [("ROLLCALL_GITHUB_API", gh.clone())];
    let rollcall = |db: &Path| -> Measured {
        timed(
            dir.path(),
            &[
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
            ],
            &rollcall_env,
        )
    };
    let py = dir.path().join("py");
    let nv_env = [
        ("NVC_BENCH_BASE", base.clone()),
        ("PYTHONPATH", py.to_string_lossy().into_owned()),
    ];
    let nvchecker = || {
        timed(
            dir.path(),
            &["nvchecker", "-c", "nvchecker.toml", "--logger", "json"],
            &nv_env,
        )
    };

    // Warm-up: compiles the trackers into rollcall's cache (and fills the kept store with its
    // first run); warms Python's imports.
    let first = rollcall(&kept);
    let first_counts = take(&counts);
    let kept_after_1 = file_mib(&kept);
    println!(
        "warm-up: rollcall first run {:.2} s, {} MiB; server: {} ok, {} not modified, {} MiB, {} not found",
        first.wall,
        first.max_rss_kib / 1024,
        first_counts.0,
        first_counts.1,
        first_counts.2 / (1024 * 1024),
        first_counts.3
    );
    let n = nvchecker();
    let nv_counts = take(&counts);
    // nvchecker found a version for every watch: it read the same bodies, not error pages.
    let new: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("new.json")).expect("new.json"))
            .expect("new.json is JSON");
    let found = new["data"].as_object().map_or(0, |d| {
        d.values().filter(|v| v["version"].is_string()).count()
    });
    if found != watches {
        let without: Vec<String> = (0..watches)
            .map(|i| format!("w{i}"))
            .filter(|w| !new["data"][w.as_str()]["version"].is_string())
            .take(5)
            .collect();
        panic!("nvchecker found versions for {found} of {watches} watches; not for {without:?}");
    }
    println!(
        "warm-up: nvchecker {:.2} s, {} MiB; server: {} ok, {} not modified, {} MiB, {} not found",
        n.wall,
        n.max_rss_kib / 1024,
        nv_counts.0,
        nv_counts.1,
        nv_counts.2 / (1024 * 1024),
        nv_counts.3
    );

    let (mut cold, mut warm, mut nv) = (Vec::new(), Vec::new(), Vec::new());
    let mut served = Vec::new();
    for round in 0..rounds {
        let fresh = dir.path().join(format!("fresh-{round}.db"));
        let a = rollcall(&fresh);
        let ca = take(&counts);
        let b = nvchecker();
        let cb = take(&counts);
        let c = rollcall(&kept);
        let cc = take(&counts);
        println!(
            "round {round}: rollcall empty store {:.2} s wall, {:.2} s CPU, {} MiB ({} × 200) | nvchecker {:.2} s, {:.2} s, {} MiB ({} × 200) | rollcall kept store {:.2} s, {:.2} s, {} MiB ({} × 200, {} × 304)",
            a.wall,
            a.cpu,
            a.max_rss_kib / 1024,
            ca.0,
            b.wall,
            b.cpu,
            b.max_rss_kib / 1024,
            cb.0,
            c.wall,
            c.cpu,
            c.max_rss_kib / 1024,
            cc.0,
            cc.1
        );
        let _ = std::fs::remove_file(&fresh);
        served.push((ca, cb, cc));
        cold.push(a);
        nv.push(b);
        warm.push(c);
    }

    // The kept store up to 30 runs.
    let mut runs = 2 + rounds;
    let mut last = Duration::ZERO;
    while runs < 30 {
        let t = Instant::now();
        rollcall(&kept);
        last = t.elapsed();
        runs += 1;
    }
    take(&counts);
    let kept_after_30 = file_mib(&kept);

    // `report` over it.
    let mut report = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let out = Command::new(bin)
            .args([
                "report",
                "--db",
                kept.to_str().expect("utf-8"),
                "--since",
                "1d",
                "--format",
                "json",
            ])
            .current_dir(dir.path())
            .output()
            .expect("report");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        report.push(t.elapsed().as_secs_f64());
    }
    let tui = dashboard(&kept);

    let m = |v: &[Measured], f: fn(&Measured) -> f64| median(v.iter().map(f).collect());
    let row = |name: &str, v: &[Measured]| {
        println!(
            "| {name} | {:.2} s | {:.2} s | {:.1} MiB |",
            m(v, |x| x.wall),
            m(v, |x| x.cpu),
            m(v, |x| x.max_rss_kib as f64) / 1024.0
        );
    };
    println!("\n{watches} watches, {CONCURRENCY} in flight, medians of {rounds} rounds:");
    println!("| | wall | CPU (user+sys) | peak RSS |");
    println!("|---|---|---|---|");
    row("rollcall, empty store", &cold);
    row("rollcall, kept store (conditional requests)", &warm);
    row("nvchecker", &nv);
    let (cw, ww, nw) = (
        m(&cold, |x| x.wall),
        m(&warm, |x| x.wall),
        m(&nv, |x| x.wall),
    );
    println!(
        "| nvchecker / rollcall | {:.1}× (empty) · {:.1}× (kept) | {:.1}× · {:.1}× | |",
        nw / cw,
        nw / ww,
        m(&nv, |x| x.cpu) / m(&cold, |x| x.cpu),
        m(&nv, |x| x.cpu) / m(&warm, |x| x.cpu)
    );
    let (ca, cb, cc) = served[0];
    println!(
        "\nserved per run: rollcall empty store {} × 200 ({} MiB); nvchecker {} × 200 ({} MiB); rollcall kept store {} × 200, {} × 304",
        ca.0,
        ca.2 / (1024 * 1024),
        cb.0,
        cb.2 / (1024 * 1024),
        cc.0,
        cc.1
    );
    println!(
        "store: {kept_after_1:.1} MiB after 1 run, {kept_after_30:.1} MiB after {runs} runs ({:.3} MiB per unchanged run); the 30th run {:.2} s",
        (kept_after_30 - kept_after_1) / (runs - 1) as f64,
        last.as_secs_f64()
    );
    println!("report --since 1d over it: median {:.2} s", median(report));
    println!("{tui}");
    if std::env::var_os("ROLLCALL_BENCH_KEEP").is_some() {
        let _ = dir.keep();
    }
}

/// The dashboard over `db`, in process: start to first frame (open, read, draw), then key
/// presses (move, jump to either end, sort, filter, open a detail from the store and close it) each with the next frame.
fn dashboard(db: &Path) -> String {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use rollcall::dashboard::StoreSource;
    use rollcall::store::Store;
    use rollcall_tui::{Dashboard, Options};

    let open = || {
        let store = Arc::new(Store::open(db).expect("store"));
        let today = rollcall::day::Day::today();
        let source = StoreSource::new(
            store,
            "2000-01-01T00:00:00Z".to_owned(),
            "2000-01-01".to_owned(),
            today,
        );
        let options = Options {
            color: true,
            poll_every: Duration::from_secs(3600),
        };
        Dashboard::new(source, options).expect("loads")
    };
    let mut first = Vec::new();
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).expect("terminal");
    for _ in 0..7 {
        let t = Instant::now();
        let mut d = open();
        terminal
            .draw(|f| rollcall_tui::render(f, &mut d.app))
            .expect("draws");
        first.push(t.elapsed());
    }
    let mut d = open();
    let keys = [
        KeyCode::Down,
        KeyCode::End,
        KeyCode::Home,
        KeyCode::Char('s'),
        KeyCode::Char('f'),
        KeyCode::Char('j'),
        KeyCode::Enter,
        KeyCode::Char('h'),
    ];
    let mut presses = Vec::new();
    for round in 0..20 {
        for code in keys {
            let t = Instant::now();
            d.press(KeyEvent::new(code, KeyModifiers::NONE));
            terminal
                .draw(|f| rollcall_tui::render(f, &mut d.app))
                .expect("draws");
            if round > 0 {
                presses.push(t.elapsed());
            }
        }
    }
    first.sort();
    presses.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    format!(
        "dashboard over it: first frame median {:.0} ms (max {:.0}); key press to frame median {:.2} ms, p90 {:.2} ms, max {:.2} ms ({} presses)",
        ms(first[first.len() / 2]),
        ms(first[first.len() - 1]),
        ms(presses[presses.len() / 2]),
        ms(presses[presses.len() * 9 / 10]),
        ms(presses[presses.len() - 1]),
        presses.len()
    )
}
