//! `rollcall plugin new NAME`: a tracker crate that builds and passes its test as created.
//!
//! The crate carries what it needs to build offline from the registry's cache: the guest SDK
//! and the contract (`wit/`) of this rollcall, vendored, and the lock file the built-in
//! trackers are built with. Its test is a recorded response (a cassette in `--replay` format)
//! and the result `plugin test` must see.

use std::path::{Path, PathBuf};

use crate::day::Day;
use crate::exit;
use crate::model::{Release, UpstreamData};
use crate::net::Fetched;

/// The SDK's sources, embedded at build time (`plugins/sdk`).
const SDK_FILES: &[(&str, &str)] = &[
    ("lib.rs", include_str!("../../../plugins/sdk/src/lib.rs")),
    ("date.rs", include_str!("../../../plugins/sdk/src/date.rs")),
    (
        "forge.rs",
        include_str!("../../../plugins/sdk/src/forge.rs"),
    ),
    ("git.rs", include_str!("../../../plugins/sdk/src/git.rs")),
    ("http.rs", include_str!("../../../plugins/sdk/src/http.rs")),
    (
        "lines.rs",
        include_str!("../../../plugins/sdk/src/lines.rs"),
    ),
    (
        "settings.rs",
        include_str!("../../../plugins/sdk/src/settings.rs"),
    ),
    ("text.rs", include_str!("../../../plugins/sdk/src/text.rs")),
    (
        "version.rs",
        include_str!("../../../plugins/sdk/src/version.rs"),
    ),
];
const WIT_FILES: &[(&str, &str)] = &[
    ("tracker.wit", include_str!("../../../wit/tracker.wit")),
    ("policy.wit", include_str!("../../../wit/policy.wit")),
];
const PLUGINS_MANIFEST: &str = include_str!("../../../plugins/Cargo.toml");
const PLUGINS_LOCK: &str = include_str!("../../../plugins/Cargo.lock");

/// The sample upstream's host: the tracker declares it and `plugin test` grants it.
pub const SAMPLE_HOST: &str = "releases.example.org";

/// The recorded sample: what `{base-url}/{project}/releases.json` answered.
const SAMPLE_BODY: &str = r#"[
  {"version": "1.3.0-rc1", "date": "2025-11-20"},
  {"version": "1.2.1", "date": "2025-10-02"},
  {"version": "1.2.0", "date": "2025-09-01"},
  {"version": "1.1.4"}
]
"#;

/// A `[workspace.dependencies]` line of the built-in trackers' manifest, so the new crate
/// builds with the same versions.
fn dependency(name: &str) -> String {
    PLUGINS_MANIFEST
        .lines()
        .find(|l| l.starts_with(&format!("{name} = ")))
        .map_or_else(|| format!("{name} = \"*\""), str::to_owned)
}

/// Whether `name` can be a crate and a tracker name.
fn check_name(name: &str) -> Result<(), String> {
    let ok = name.len() <= 40
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{name}` is not a tracker name: use lower-case letters, digits and `-`, starting with a letter (for example `my-forge`)"
        ))
    }
}

/// The sample's URL for `name`.
pub fn sample_url(name: &str) -> String {
    format!("https://{SAMPLE_HOST}/{name}/releases.json")
}

/// The files of a new tracker crate, relative to its directory.
pub fn files(name: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let lib = name.replace('-', "_");
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    let mut add = |path: &str, text: String| files.push((PathBuf::from(path), text.into_bytes()));
    add(
        "Cargo.toml",
        format!(
            r#"[package]
name = "{name}"
version = "0.1.0"
edition = "2024"
publish = false

[lib]
crate-type = ["cdylib"]

[dependencies]
rollcall-sdk = {{ path = "vendor/rollcall-sdk" }}
{serde}

# A workspace of its own: it builds wherever it is copied.
[workspace]

[profile.release]
opt-level = "s"
lto = true
codegen-units = 1
panic = "abort"
strip = true
"#,
            serde = dependency("serde"),
        ),
    );
    add("Cargo.lock", PLUGINS_LOCK.to_owned());
    add(".gitignore", "/target\n".to_owned());
    add(
        "src/lib.rs",
        format!(
            r#"//! `{name}`: a rollcall tracker. It reads `{{base-url}}/{{project}}/releases.json`, a list like
//! `[{{"version": "1.2.0", "date": "2025-09-01"}}]`, and returns the releases. Change `describe`
//! and `poll` for your upstream; `README.md` says how to build, test and use it.

use rollcall_sdk::{{Error, Guest, PluginInfo, Release, Settings, UpstreamData}};
use serde::Deserialize;

/// Where the upstream lives unless a watch sets `base-url`.
const DEFAULT_BASE: &str = "https://{SAMPLE_HOST}";

/// One entry of the upstream's list.
#[derive(Deserialize)]
struct Entry {{
    version: String,
    #[serde(default)]
    date: Option<String>,
}}

struct Tracker;

impl Guest for Tracker {{
    fn describe() -> PluginInfo {{
        PluginInfo {{
            name: "{name}".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            summary: "a project's releases from a JSON list".into(),
            // Every host the tracker may fetch from; the config must grant each one.
            hosts: vec!["{SAMPLE_HOST}".into()],
            settings: vec![
                rollcall_sdk::base_url_setting(DEFAULT_BASE),
                rollcall_sdk::required_setting("project", "the project's name"),
            ],
        }}
    }}

    fn poll(settings: Vec<(String, String)>) -> Result<UpstreamData, Error> {{
        let settings = Settings::new(settings);
        let base = settings.base_url(DEFAULT_BASE)?;
        let project = settings.require("project")?;
        let url = format!("{{base}}/{{project}}/releases.json");
        // A 4xx, 5xx or a body that is not this JSON becomes a typed error the user sees.
        let entries: Vec<Entry> = rollcall_sdk::http::get_json(&url)?;
        let releases = entries
            .into_iter()
            .map(|e| Release::new(e.version, e.date))
            .collect();
        UpstreamData::releases_only(releases, &format!("`{{url}}`"))
    }}
}}

rollcall_sdk::export!(Tracker);
"#
        ),
    );
    add(
        "vendor/rollcall-sdk/Cargo.toml",
        format!(
            "# The rollcall guest SDK, vendored by `rollcall plugin new` (rollcall {}).\n[package]\nname = \"rollcall-sdk\"\nversion = \"{}\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\n{}\n{}\n{}\n",
            env!("CARGO_PKG_VERSION"),
            env!("CARGO_PKG_VERSION"),
            dependency("serde"),
            dependency("serde_json"),
            dependency("wit-bindgen"),
        ),
    );
    for (file, text) in SDK_FILES {
        add(
            &format!("vendor/rollcall-sdk/src/{file}"),
            (*text).to_owned(),
        );
    }
    for (file, text) in WIT_FILES {
        add(&format!("wit/{file}"), (*text).to_owned());
    }
    let url = sample_url(name);
    add(
        "README.md",
        format!(
            r#"# {name}

A [rollcall](https://example.invalid/rollcall) tracker, created by `rollcall plugin new {name}`.
`src/lib.rs` reads a JSON list of releases from `{{base-url}}/{{project}}/releases.json`; change it
for your upstream. The guest SDK and the contract (`wit/`) are vendored in `vendor/` and `wit/`.

## Build

```sh
rustup target add wasm32-wasip2
cargo build --target wasm32-wasip2 --release
# the component: target/wasm32-wasip2/release/{lib}.wasm
```

## Test

`tests/cassette` holds the recorded answer of `{url}`, and
`tests/expected.json` what the tracker must return for it:

```sh
rollcall --replay tests/cassette plugin test target/wasm32-wasip2/release/{lib}.wasm \
    --allow-host {SAMPLE_HOST} --set project={name} --expect tests/expected.json
```

Once `poll` reads your upstream, record its answer once and write the expected result:

```sh
rollcall --record tests/cassette plugin test target/wasm32-wasip2/release/{lib}.wasm \
    --allow-host YOUR.HOST --set project=… --expect tests/expected.json --bless
```

Check `tests/expected.json` by eye, then commit both: from then on the test runs offline.

## Use

```toml
[plugins.{name}]
path = "trackers/{lib}.wasm"
sha256 = "…"                      # sha256sum trackers/{lib}.wasm
allow-hosts = ["{SAMPLE_HOST}"]   # every host `describe` declares

[[watch]]
name = "…"
tracker = "{name}"
settings = {{ project = "…" }}
packages = {{ tumbleweed = "…" }}
```
"#
        ),
    );
    files
}

/// The cassette entry and the expected result of the sample.
fn sample_test(name: &str, dir: &Path) -> Result<(), String> {
    let fetched = Fetched {
        status: 200,
        headers: vec![("content-type".into(), "application/json".into())],
        body: SAMPLE_BODY.as_bytes().to_vec(),
        revalidated: false,
    };
    crate::net::cassette::record(&dir.join("tests/cassette"), &sample_url(name), &fetched)
        .map_err(|e| format!("cannot write the test's cassette: {e}"))?;
    let day = |d: &str| d.parse::<Day>().ok();
    let release = |version: &str, date: Option<&str>, prerelease: bool| Release {
        version: version.to_owned(),
        date: date.and_then(day),
        prerelease,
        line: None,
        url: None,
    };
    let expected = UpstreamData {
        releases: vec![
            release("1.3.0-rc1", Some("2025-11-20"), true),
            release("1.2.1", Some("2025-10-02"), false),
            release("1.2.0", Some("2025-09-01"), false),
            release("1.1.4", None, false),
        ],
        ..UpstreamData::default()
    };
    let text = serde_json::to_string_pretty(&expected).unwrap_or_default() + "\n";
    std::fs::write(dir.join("tests/expected.json"), text)
        .map_err(|e| format!("cannot write tests/expected.json: {e}"))
}

/// Runs `plugin new` and returns the exit status.
pub fn run(name: &str, dir: Option<&Path>) -> u8 {
    if let Err(e) = check_name(name) {
        eprintln!("error: {e}");
        return exit::USAGE;
    }
    let dir = dir.map_or_else(|| PathBuf::from(name), Path::to_owned);
    if std::fs::read_dir(&dir).is_ok_and(|mut d| d.next().is_some()) {
        eprintln!(
            "error: `{}` exists and is not empty\nhelp: choose another name or `--dir`",
            dir.display()
        );
        return exit::USAGE;
    }
    let written = files(name).into_iter().try_for_each(|(path, bytes)| {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, bytes)
    });
    if let Err(e) = written {
        eprintln!("error: cannot write `{}`: {e}", dir.display());
        return exit::INCOMPLETE;
    }
    if let Err(e) = sample_test(name, &dir) {
        eprintln!("error: {e}");
        return exit::INCOMPLETE;
    }
    let lib = name.replace('-', "_");
    println!(
        "created tracker `{name}` in `{shown}`\n\nnext:\n  cd {shown}\n  cargo build --target wasm32-wasip2 --release\n  rollcall --replay tests/cassette plugin test target/wasm32-wasip2/release/{lib}.wasm \\\n      --allow-host {SAMPLE_HOST} --set project={name} --expect tests/expected.json",
        shown = dir.display()
    );
    exit::OK
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked_and_versions_follow_the_built_in_trackers() {
        assert!(check_name("my-forge").is_ok());
        for bad in ["", "My", "1x", "a_b", "a-", "a/b", "ünï"] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
        assert!(
            dependency("wit-bindgen").contains("0.61"),
            "{}",
            dependency("wit-bindgen")
        );
        let files = files("my-forge");
        let manifest = String::from_utf8_lossy(&files[0].1).into_owned();
        assert!(manifest.contains("name = \"my-forge\""), "{manifest}");
        assert!(files.iter().any(|(p, _)| p.ends_with("wit/tracker.wit")));
        assert_eq!(
            files
                .iter()
                .filter(|(p, _)| p.starts_with("vendor/rollcall-sdk/src"))
                .count(),
            std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../plugins/sdk/src"))
                .map(Iterator::count)
                .unwrap_or(0),
            "every SDK source file is vendored"
        );
    }
}
