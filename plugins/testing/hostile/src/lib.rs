//! A tracker that misbehaves on purpose, chosen by the `mode` setting. The host's tests run it
//! to prove the sandbox; it is built by the test build and never embedded in `rollcall`.
//!
//! Modes: `ok` (one release), `log` (one `log` call, then one release), `spin` (endless loop), `hog` (allocates until stopped), `panic`,
//! `probe` (tries files, directories and environment variables, and reports what it saw), `fetch`
//! (GETs the `url` setting and reports the status), `github` (lists `owner/repo`'s releases
//! through the host), `flood` (returns `count` large releases), `regex` (runs `pattern` over
//! `haystack` repeated `count` times, `calls` times, asking for `limit` matches; reports the
//! matches as the version and the bytes returned as the URL; with `swallow = "true"` errors are
//! ignored), `swallow` (GETs `url`, with `{i}` replaced by the attempt, `count` times, ignoring
//! every error, then returns one release, or panics with `then = "panic"`), `log-flood`
//! (`count` log messages of `size` bytes), `stderr-flood` (`count` KiB to stderr, then one
//! release, or a panic with `then = "panic"`).

use rollcall_sdk::{Error, Guest, PluginInfo, Release, Settings, UpstreamData};

struct Hostile;

fn release(version: String, url: Option<String>) -> Release {
    Release {
        version,
        date: None,
        prerelease: false,
        line: None,
        url,
    }
}

fn data(releases: Vec<Release>) -> UpstreamData {
    UpstreamData {
        releases,
        lines: Vec::new(),
        listing: rollcall_sdk::Listing::Window,
    }
}

impl Guest for Hostile {
    fn describe() -> PluginInfo {
        PluginInfo {
            name: "test-hostile".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            summary: "misbehaves on purpose to prove the sandbox".into(),
            hosts: vec!["allowed.example".into()],
            settings: vec![
                rollcall_sdk::required_setting(
                    "mode",
                    "ok, log, spin, hog, panic, probe, fetch, github, flood, regex, swallow, log-flood or stderr-flood",
                ),
                rollcall_sdk::setting("url", "what `fetch` requests", None),
                rollcall_sdk::setting("count", "how many releases `flood` returns", Some("1000")),
                rollcall_sdk::setting("owner", "GitHub owner for `github`", None),
                rollcall_sdk::setting("repo", "GitHub repository for `github`", None),
                rollcall_sdk::setting("pattern", "the regular expression of `regex`", Some("a")),
                rollcall_sdk::setting(
                    "haystack",
                    "the text `regex` repeats `count` times",
                    Some("a"),
                ),
                rollcall_sdk::setting("limit", "the matches `regex` asks for", Some("100000")),
                rollcall_sdk::setting("calls", "how many times `regex` searches", Some("1")),
                rollcall_sdk::setting("swallow", "`regex` ignores errors", Some("false")),
                rollcall_sdk::setting("size", "bytes per `log-flood` message", Some("100")),
                rollcall_sdk::setting(
                    "then",
                    "`ok` or `panic`: how `swallow` and `stderr-flood` end",
                    Some("ok"),
                ),
                rollcall_sdk::base_url_setting("https://allowed.example"),
            ],
        }
    }

    fn poll(settings: Vec<(String, String)>) -> Result<UpstreamData, Error> {
        let settings = Settings::new(settings);
        match settings.require("mode")? {
            "ok" => Ok(data(vec![release("1.0.0".into(), None)])),
            "log" => {
                rollcall_sdk::log::debug("one host call");
                Ok(data(vec![release("1.0.0".into(), None)]))
            }
            "spin" => spin(),
            "hog" => hog(),
            "panic" => panic!("upstream JSON missing field `tag_name`"),
            "probe" => Ok(data(vec![release("1.0.0".into(), Some(probe()))])),
            "fetch" => {
                let url = settings.require("url")?;
                let response = rollcall_sdk::http::get(url, &[])?;
                Ok(data(vec![release(
                    format!("{}.0.0", response.status),
                    Some(format!("bytes={}", response.body.len())),
                )]))
            }
            "github" => {
                let owner = settings.require("owner")?;
                let repo = settings.require("repo")?;
                let releases = rollcall_sdk::github::releases(owner, repo, 50)?;
                Ok(data(
                    releases
                        .into_iter()
                        .filter(|r| !r.draft)
                        .map(|r| Release {
                            version: r.tag.trim_start_matches('v').to_owned(),
                            date: r.published_at.map(|d| d.chars().take(10).collect()),
                            prerelease: r.prerelease,
                            line: None,
                            url: Some(r.url),
                        })
                        .collect(),
                ))
            }
            "flood" => {
                let count: usize = settings.parse_or("count", 1000)?;
                let filler = "x".repeat(4096);
                Ok(data(
                    (0..count)
                        .map(|i| release(format!("{i}.0.0"), Some(filler.clone())))
                        .collect(),
                ))
            }
            "regex" => regex(&settings),
            "swallow" => {
                let url = settings.require("url")?;
                let count: usize = settings.parse_or("count", 1000)?;
                for i in 0..count {
                    let _ = rollcall_sdk::http::get(&url.replace("{i}", &i.to_string()), &[]);
                }
                if settings.get_or("then", "ok") == "panic" {
                    panic!("swallowed every refusal");
                }
                Ok(data(vec![release("1.0.0".into(), None)]))
            }
            "log-flood" => {
                let count: usize = settings.parse_or("count", 1000)?;
                let size: usize = settings.parse_or("size", 100)?;
                let message = "l".repeat(size);
                for _ in 0..count {
                    rollcall_sdk::log::warn(&message);
                }
                Ok(data(vec![release("1.0.0".into(), None)]))
            }
            "stderr-flood" => {
                use std::io::Write as _;
                let count: usize = settings.parse_or("count", 1024)?;
                let chunk = [b'e'; 1024];
                let mut stderr = std::io::stderr();
                for _ in 0..count {
                    stderr
                        .write_all(&chunk)
                        .map_err(|e| Error::Other(format!("stderr refused a write: {e}")))?;
                }
                if settings.get_or("then", "ok") == "panic" {
                    panic!("flooded stderr first");
                }
                Ok(data(vec![release("1.0.0".into(), None)]))
            }
            other => Err(Error::config(format!("unknown mode `{other}`"))),
        }
    }
}

/// `count` repetitions of `haystack`, searched `calls` times: the number of matches of the last
/// search is the version, the bytes of text it returned the URL.
fn regex(settings: &Settings) -> Result<UpstreamData, Error> {
    let pattern = settings.get_or("pattern", "a");
    let count: usize = settings.parse_or("count", 1)?;
    let haystack = settings.get_or("haystack", "a").repeat(count);
    let limit: u32 = settings.parse_or("limit", 100_000)?;
    let calls: usize = settings.parse_or("calls", 1)?;
    let swallow = settings.flag("swallow", false)?;
    let mut last = (0, 0);
    for _ in 0..calls {
        match rollcall_sdk::text::find_all(pattern, &haystack, limit) {
            Ok(found) => {
                let bytes: usize = found
                    .list
                    .iter()
                    .flat_map(|m| (0..m.len()).filter_map(|i| m.get(i)))
                    .map(str::len)
                    .sum();
                last = (found.list.len(), bytes);
            }
            Err(_) if swallow => {}
            Err(e) => return Err(e),
        }
    }
    Ok(data(vec![release(
        format!("{}.0.0", last.0),
        Some(format!("bytes={}", last.1)),
    )]))
}

fn spin() -> Result<UpstreamData, Error> {
    let mut n: u64 = 0;
    loop {
        n = std::hint::black_box(n.wrapping_add(1));
    }
}

fn hog() -> Result<UpstreamData, Error> {
    let mut hoard: Vec<Vec<u8>> = Vec::new();
    loop {
        hoard.push(vec![1u8; 1 << 20]);
        std::hint::black_box(&hoard);
    }
}

/// Everything an escaped plugin would try first; each answer is what the sandbox let it see.
fn probe() -> String {
    let file = match std::fs::read_to_string("/etc/passwd") {
        Ok(text) => format!("read {} bytes", text.len()),
        Err(e) => format!("{:?}", e.kind()),
    };
    let dir = match std::fs::read_dir("/") {
        Ok(entries) => format!("{} entries", entries.count()),
        Err(e) => format!("{:?}", e.kind()),
    };
    let env = std::env::vars().count();
    let home = std::env::var("HOME").unwrap_or_else(|_| "absent".into());
    let args = std::env::args().count();
    let cwd = std::env::current_dir()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|e| format!("{:?}", e.kind()));
    let tcp = match std::net::TcpStream::connect("127.0.0.1:22") {
        Ok(_) => "connected".to_owned(),
        Err(e) => format!("{:?}", e.kind()),
    };
    format!("file={file};dir={dir};env={env};home={home};args={args};cwd={cwd};tcp={tcp}")
}

rollcall_sdk::export!(Hostile);
