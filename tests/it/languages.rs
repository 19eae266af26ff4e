//! The contract is language-neutral: a tracker written in Python (componentize-py) builds from
//! `plugins/python/json-list` and runs under the same host, sandbox and grants as the Rust
//! ones, returning the same result as the Rust tracker `plugin new` writes, for the same
//! recorded response.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support;

const BIN: &str = env!("CARGO_BIN_EXE_rollcall");
/// The version `.ci/run` and the README install.
const COMPONENTIZE_PY: &str = "componentize-py==0.25.1";

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// componentize-py: `$COMPONENTIZE_PY`, else the README's `target/py` environment, else `PATH`.
fn componentize_py() -> PathBuf {
    let candidates = [
        std::env::var_os("COMPONENTIZE_PY").map(PathBuf::from),
        Some(support::root().join("target/py/bin/componentize-py")),
        Some(PathBuf::from("componentize-py")),
    ];
    for candidate in candidates.into_iter().flatten() {
        let found = Command::new(&candidate)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if found {
            return candidate;
        }
    }
    panic!(
        "componentize-py is needed to build the Python tracker and was not found\n\
         help: python3 -m venv target/py && target/py/bin/pip install {COMPONENTIZE_PY} \
         (or set COMPONENTIZE_PY to its path); `.ci/run` does this"
    );
}

fn build_python_tracker(out: &Path) {
    let source = support::root().join("plugins/python/json-list");
    let built = Command::new(componentize_py())
        .arg("-d")
        .arg(support::root().join("wit"))
        .args(["-w", "tracker", "componentize", "app", "-o"])
        .arg(out)
        .current_dir(&source)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("componentize-py runs");
    assert!(
        built.status.success(),
        "the Python tracker does not build:\n{}{}",
        text(&built.stdout),
        text(&built.stderr)
    );
}

#[test]
fn a_python_tracker_runs_under_the_same_host_with_the_same_result() {
    let dir = tempfile::tempdir().expect("tempdir");
    let wasm = dir.path().join("json_list.wasm");
    build_python_tracker(&wasm);

    // The Rust sample's recorded response and expected result.
    let sample = dir.path().join("sample");
    let out = Command::new(BIN)
        .args(["plugin", "new", "sample", "--dir"])
        .arg(&sample)
        .output()
        .expect("plugin new");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    let rollcall = |args: &[&str]| {
        Command::new(BIN)
            .arg("--replay")
            .arg(sample.join("tests/cassette"))
            .args(args)
            .current_dir(dir.path())
            .env("XDG_CONFIG_HOME", dir.path())
            .env("ROLLCALL_CACHE_DIR", dir.path().join("cache"))
            .output()
            .expect("rollcall runs")
    };
    let wasm_arg = wasm.display().to_string();
    let expect = sample.join("tests/expected.json").display().to_string();
    let out = rollcall(&[
        "plugin",
        "test",
        &wasm_arg,
        "--allow-host",
        "releases.example.org",
        "--set",
        "project=sample",
        "--expect",
        &expect,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("`json-list-py` returned what"),
        "{}",
        text(&out.stderr)
    );

    // `plugin run` describes it like any tracker, and the sandbox holds: a setting it does not
    // declare is refused, and without the grant it does not run.
    let out = rollcall(&[
        "plugin",
        "run",
        &wasm_arg,
        "--allow-host",
        "releases.example.org",
        "--set",
        "project=sample",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["tracker"], "json-list-py");
    assert_eq!(json["http_calls"], 1);
    assert_eq!(json["data"]["releases"][0]["prerelease"], true);
    let out = rollcall(&["plugin", "run", &wasm_arg, "--set", "project=sample"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("releases.example.org"),
        "{}",
        text(&out.stderr)
    );
    let out = rollcall(&[
        "plugin",
        "run",
        &wasm_arg,
        "--allow-host",
        "releases.example.org",
        "--set",
        "nope=1",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("has no setting `nope`"),
        "{}",
        text(&out.stderr)
    );
}
