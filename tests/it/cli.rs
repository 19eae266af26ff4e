//! The `rollcall` executable: exit statuses, the JSON report against its schema, `plugin run`.

use std::path::Path;
use std::process::Output;

use crate::support::{self, Reply, Server};

const BIN: &str = env!("CARGO_BIN_EXE_rollcall");

async fn rollcall(cache: &Path, args: &[&str]) -> Output {
    tokio::process::Command::new(BIN)
        .args(args)
        .arg("--cache-dir")
        .arg(cache)
        .env("XDG_DATA_HOME", cache)
        .env_remove("ROLLCALL_LOG")
        .env("RUST_BACKTRACE", "0")
        .output()
        .await
        .expect("run rollcall")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn write_config(dir: &Path, body: &str) -> String {
    let path = dir.join("rollcall.toml");
    std::fs::write(&path, body).expect("write config");
    path.display().to_string()
}

pub(crate) fn validate_report(json: &serde_json::Value) {
    let schema: serde_json::Value = serde_json::from_slice(
        &std::fs::read(support::root().join("docs/report.schema.json")).expect("schema file"),
    )
    .expect("schema is JSON");
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.enable_format_assertions();
    compiler
        .add_resource("https://rollcall.invalid/schemas/report-v1.json", schema)
        .expect("add schema");
    let index = compiler
        .compile(
            "https://rollcall.invalid/schemas/report-v1.json",
            &mut schemas,
        )
        .expect("the schema compiles");
    if let Err(e) = schemas.validate(json, index) {
        panic!("report does not match docs/report.schema.json: {e:#}\n{json:#}");
    }
}

/// Leap-like distro against endoflife.date's real kernel data, served on loopback.
fn kernel_config(server: &Server) -> String {
    format!(
        "[distros.leap]\nkind = \"static\"\npackages = {{ kernel-default = \"6.4.0-150600.23.25.1\", newer = \"6.12.104-1.1\" }}\n\
         [[watch]]\nname = \"linux\"\ntracker = \"endoflife\"\n\
         settings = {{ product = \"linux-kernel\", base-url = \"{}\" }}\n\
         packages = {{ leap = [\"kernel-default\", \"newer\", \"absent\"] }}\n",
        server.url("")
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn check_prints_a_report_that_matches_its_schema_and_exits_by_severity() {
    let server = Server::start(vec![(
        "/api/linux-kernel.json",
        Reply::ok(support::fixture("endoflife/linux-kernel.json")),
    )])
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let config = write_config(dir.path(), &kernel_config(&server));
    let args = [
        "check",
        "--config",
        &config,
        "--format",
        "json",
        "--today",
        "2026-11-26",
    ];

    let out = rollcall(dir.path(), &args).await;
    assert_eq!(
        out.status.code(),
        Some(1),
        "an eol line is critical: {}",
        text(&out.stderr)
    );
    let report: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("stdout is JSON only");
    validate_report(&report);
    let typed: rollcall::report::Report = serde_json::from_value(report.clone())
        .expect("the report reads back into the typed schema");
    assert_eq!(
        serde_json::to_value(&typed).expect("serialise"),
        report,
        "round trip is lossless"
    );
    assert_eq!(typed.worst(), Some(rollcall::evaluate::Severity::Critical));
    assert_eq!(report["schema"], "rollcall.report/v1");
    let verdicts = report["verdicts"].as_array().expect("verdicts");
    assert_eq!(verdicts.len(), 3);
    let eol = &verdicts[0];
    assert_eq!(eol["status"], "eol");
    assert_eq!(eol["severity"], "critical");
    assert_eq!(eol["scheme"], "generic");
    assert_eq!(eol["eol_source"], "announced");
    assert_eq!(
        eol["eol_warning_days"], 26,
        "a third of the 6.4 line's 80 days"
    );
    assert_eq!(eol["shipped"], "6.4.0-150600.23.25.1");
    assert_eq!(eol["shipped_upstream"], "6.4.0");
    assert_eq!(eol["line"], "6.4");
    assert_eq!(eol["eol"], "2023-09-13");
    assert_eq!(eol["latest_in_line"], "6.4.16");
    assert_eq!(eol["latest"], "7.2.0");
    assert_eq!(eol["support_days_left"], -1170);
    let explanation = eol["explanation"].as_str().expect("explanation");
    assert!(
        explanation.starts_with("ships 6.4.0 (line 6.4, end of life 2023-09-13, 1,170 days ago)"),
        "{explanation}"
    );
    assert!(explanation.contains("newest LTS 6.18.45"), "{explanation}");
    assert_eq!(verdicts[1]["status"], "superseded");
    assert_eq!(verdicts[1]["lts"], true);
    assert_eq!(verdicts[2]["status"], "missing");

    let never = rollcall(dir.path(), &[&args[..], &["--fail-on", "never"]].concat()).await;
    assert_eq!(never.status.code(), Some(0));

    let table = rollcall(
        dir.path(),
        &["check", "--config", &config, "--today", "2026-11-26"],
    )
    .await;
    let shown = text(&table.stdout);
    assert!(shown.starts_with("WATCH  DISTRO  PACKAGE"), "{shown}");
    assert!(shown.contains("eol"), "{shown}");
    assert!(
        text(&table.stderr).contains("3 verdicts from 1 watch"),
        "{}",
        text(&table.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn exit_statuses_for_bad_config_and_failed_runs() {
    let dir = tempfile::tempdir().expect("tempdir");

    let bad = write_config(
        dir.path(),
        "[[watch]]\nname = \"linux\"\ntrackr = \"kernel-org\"\n",
    );
    let out = rollcall(dir.path(), &["check", "--config", &bad]).await;
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("rollcall.toml:3:1: unknown field `trackr`"),
        "{err}"
    );
    assert!(err.contains("help: "), "{err}");
    assert!(out.stdout.is_empty());

    let out = rollcall(dir.path(), &["check", "--config", "/nonexistent.toml"]).await;
    assert_eq!(out.status.code(), Some(2));

    let out = rollcall(dir.path(), &["check", "--fail-on", "sometimes"]).await;
    assert_eq!(out.status.code(), Some(2), "clap usage errors are status 2");

    let server = Server::start(vec![("/api/linux-kernel.json", Reply::status(500, "down"))]).await;
    let failing = write_config(dir.path(), &kernel_config(&server));
    let out = rollcall(
        dir.path(),
        &["check", "--config", &failing, "--format", "json"],
    )
    .await;
    assert_eq!(
        out.status.code(),
        Some(3),
        "every tracker failed: {}",
        text(&out.stderr)
    );
    let report: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("still a JSON report");
    validate_report(&report);
    assert_eq!(report["errors"][0]["kind"], "upstream-status");
}

#[tokio::test(flavor = "multi_thread")]
async fn plugin_run_prints_what_the_tracker_returned() {
    let server = support::kernel_server().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let base = format!("base-url={}", server.url(""));
    let out = rollcall(dir.path(), &["plugin", "run", "kernel-org", "--set", &base]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["tracker"], "kernel-org");
    assert_eq!(json["http_calls"], 1);
    assert_eq!(json["data"]["releases"][1]["version"], "5.10.1");
    assert_eq!(json["data"]["lines"][0]["name"], "5.10");

    let out = rollcall(dir.path(), &["plugin", "run", "kernel.org"]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("help: known trackers: appstream, buildah,"));
    assert!(text(&out.stderr).contains(" kernel-org,"));

    let out = rollcall(
        dir.path(),
        &["plugin", "run", "endoflife", "--set", "prodcut=x"],
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("has no setting `prodcut`"));

    let hostile = rollcall::artifacts::TEST_HOSTILE;
    let out = rollcall(dir.path(), &["plugin", "run", hostile, "--set", "mode=ok"]).await;
    assert_eq!(
        out.status.code(),
        Some(2),
        "a file must be granted its hosts"
    );
    assert!(
        text(&out.stderr).contains("--allow-host"),
        "{}",
        text(&out.stderr)
    );
    let out = rollcall(
        dir.path(),
        &[
            "plugin",
            "run",
            hostile,
            "--set",
            "mode=panic",
            "--allow-host",
            "allowed.example",
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(3));
    assert!(
        text(&out.stderr).contains("panicked: upstream JSON missing field"),
        "{}",
        text(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn help_and_version_teach() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = rollcall(dir.path(), &["--version"]).await;
    assert_eq!(
        text(&out.stdout).trim(),
        format!("rollcall {}", env!("CARGO_PKG_VERSION"))
    );
    let out = rollcall(dir.path(), &["check", "--help"]).await;
    let help = text(&out.stdout);
    for needle in [
        "--format",
        "--fail-on",
        "Exit status",
        "rollcall check --format json",
    ] {
        assert!(
            help.contains(needle),
            "`{needle}` missing from check --help:\n{help}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_process_start_compiles_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("cache");
    let first = support::runtime_with(Some(&cache), None);
    let bytes = rollcall::trackers::builtin("kernel-org").expect("built-in");
    let plugin = first.load(bytes).await.expect("load");
    assert_eq!(
        plugin.cache_outcome(),
        rollcall::runtime::CacheOutcome::Compiled
    );
    let second = support::runtime_with(Some(&cache), None);
    let plugin = second.load(bytes).await.expect("load again");
    assert_eq!(plugin.cache_outcome(), rollcall::runtime::CacheOutcome::Hit);
    assert_eq!(plugin.info().name, "kernel-org");
    let entries = std::fs::read_dir(&cache).expect("cache dir").count();
    assert_eq!(entries, 1, "one entry, no temporary files left");
}

#[tokio::test(flavor = "multi_thread")]
async fn version_commands_compare_and_reduce() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases: &[(&[&str], &str)] = &[
        (&["version", "cmp", "6.12.10", "6.12.9"], ">"),
        (
            &["version", "cmp", "1.0~rc1", "1.0", "--scheme", "deb"],
            "<",
        ),
        (
            &["version", "cmp", "v1.31", "1.31.0", "--scheme", "semver"],
            "=",
        ),
        (
            &["version", "cmp", "1.0.post1", "1.0", "--scheme", "pep440"],
            ">",
        ),
        (
            &["version", "cmp", "1.0^git1", "1.0", "--scheme", "rpm"],
            ">",
        ),
        (
            &[
                "version",
                "upstream",
                "6.4.0-150600.23.25.1",
                "--from",
                "rpm",
            ],
            "6.4.0",
        ),
        (
            &[
                "version",
                "upstream",
                "1.20.5+really1.20.2-1.1+deb12u1",
                "--from",
                "deb",
            ],
            "1.20.2",
        ),
    ];
    for (args, want) in cases {
        let out = rollcall(dir.path(), args).await;
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert_eq!(text(&out.stdout).trim(), *want, "{args:?}");
    }
    let out = rollcall(dir.path(), &["version", "cmp", "latest", "1.0"]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("`latest` is not a valid generic version"));
    let out = rollcall(
        dir.path(),
        &["version", "cmp", "1", "2", "--scheme", "semverr"],
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
}

#[tokio::test(flavor = "multi_thread")]
async fn explain_shows_candidates_line_and_policy() {
    let server = Server::start(vec![(
        "/api/linux-kernel.json",
        Reply::ok(support::fixture("endoflife/linux-kernel.json")),
    )])
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let config = write_config(dir.path(), &kernel_config(&server));
    let out = rollcall(
        dir.path(),
        &[
            "explain",
            "linux",
            "--config",
            &config,
            "--today",
            "2026-11-26",
            "--distro",
            "leap",
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    for needle in [
        "the tracker returned 37 releases and 37 lines",
        "leap / kernel-default: eol (critical)",
        "read as an RPM version: upstream `6.4.0`, release `150600.23.25.1`",
        "shipped version is in line 6.4",
        "policy: max-releases-behind 0",
        "6.4.16  line 6.4",
    ] {
        assert!(shown.contains(needle), "`{needle}` missing:\n{shown}");
    }
    let out = rollcall(dir.path(), &["explain", "nope", "--config", &config]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("help: watches: linux"),
        "{}",
        text(&out.stderr)
    );

    let out = rollcall(
        dir.path(),
        &[
            "explain",
            "linux",
            "--config",
            &config,
            "--format",
            "json",
            "--today",
            "2026-11-26",
        ],
    )
    .await;
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json[0]["verdict"]["status"], "eol");
    // Each version once, though a line's `latest` and the release list both name it.
    let candidates = json[0]["trace"]["candidates"]
        .as_array()
        .expect("candidates");
    let versions: std::collections::BTreeSet<&str> = candidates
        .iter()
        .filter_map(|c| c["version"].as_str())
        .collect();
    assert_eq!(versions.len(), candidates.len(), "{candidates:#?}");
    assert!(candidates.len() > 30, "{}", candidates.len());
}

/// `plugin test`: record once with `--bless`, then replay offline and compare; a changed result
/// fails with the differing lines, a missing expectation says how to write it.
#[tokio::test(flavor = "multi_thread")]
async fn plugin_test_records_once_then_replays_and_compares() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cassette = dir.path().join("cassette");
    let expected = dir.path().join("expected.json");
    let run = |args: Vec<String>| {
        let dir = dir.path().to_owned();
        async move {
            tokio::process::Command::new(BIN)
                .args(&args)
                .current_dir(&dir)
                .env("XDG_CONFIG_HOME", &dir)
                .env("XDG_DATA_HOME", &dir)
                .env("ROLLCALL_CACHE_DIR", dir.join("cache"))
                .env_remove("ROLLCALL_LOG")
                .output()
                .await
                .expect("run rollcall")
        }
    };
    let server = Server::start(vec![(
        "/releases.json",
        Reply::ok(support::fixture(
            "kernel.org/releases-2020-12-14.excerpt.json",
        )),
    )])
    .await;
    let base = server.url("");
    let test_args = |mode: &str, dir: &Path, extra: &[&str]| -> Vec<String> {
        let mut args: Vec<String> = vec![
            mode.into(),
            dir.display().to_string(),
            "plugin".into(),
            "test".into(),
            "kernel-org".into(),
            "--set".into(),
            format!("base-url={base}"),
        ];
        args.extend(extra.iter().map(|s| (*s).to_owned()));
        args
    };
    let expect = expected.display().to_string();

    // Once, live: record and bless.
    let out = run(test_args(
        "--record",
        &cassette,
        &["--expect", &expect, "--bless"],
    ))
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("wrote"), "{}", text(&out.stderr));
    let written: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&expected).expect("written")).expect("JSON");
    assert!(
        written["releases"]
            .as_array()
            .is_some_and(|r| !r.is_empty()),
        "{written}"
    );
    drop(server);

    // Offline from then on: the replay matches.
    let out = run(test_args("--replay", &cassette, &["--expect", &expect])).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("returned what"),
        "{}",
        text(&out.stderr)
    );

    // An expectation that differs fails with the lines that differ.
    let mut changed = written.clone();
    let first = changed["releases"][0]["version"]
        .as_str()
        .expect("a version")
        .to_owned();
    changed["releases"][0]["version"] = serde_json::json!("0.0.1");
    std::fs::write(
        &expected,
        serde_json::to_vec_pretty(&changed).expect("JSON"),
    )
    .expect("write");
    let out = run(test_args("--replay", &cassette, &["--expect", &expect])).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    assert!(shown.contains("-      \"version\": \"0.0.1\""), "{shown}");
    assert!(
        shown.contains(&format!("+      \"version\": \"{first}\"")),
        "{shown}"
    );
    assert!(
        text(&out.stderr).contains("--bless"),
        "{}",
        text(&out.stderr)
    );

    // A missing expectation, and a response that was never recorded.
    let missing = dir.path().join("none.json").display().to_string();
    let out = run(test_args("--replay", &cassette, &["--expect", &missing])).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("`--bless` writes it"),
        "{}",
        text(&out.stderr)
    );
    let empty = dir.path().join("empty-cassette");
    std::fs::create_dir_all(&empty).expect("dir");
    let out = run(test_args("--replay", &empty, &["--expect", &expect])).await;
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
}

/// From nothing to a passing tracker with no manual step: `plugin new`, a wasm32-wasip2 build
/// of what it wrote, and `plugin test` against the recorded response it ships.
#[tokio::test(flavor = "multi_thread")]
async fn plugin_new_builds_and_passes_its_own_test() {
    let dir = tempfile::tempdir().expect("tempdir");
    let crate_dir = dir.path().join("my-forge");
    let out = std::process::Command::new(BIN)
        .args(["plugin", "new", "my-forge", "--dir"])
        .arg(&crate_dir)
        .output()
        .expect("plugin new");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("cargo build --target wasm32-wasip2 --release"));
    // It refuses to write over a crate.
    let again = std::process::Command::new(BIN)
        .args(["plugin", "new", "my-forge", "--dir"])
        .arg(&crate_dir)
        .output()
        .expect("plugin new again");
    assert_eq!(again.status.code(), Some(2));
    assert!(
        text(&again.stderr).contains("is not empty"),
        "{}",
        text(&again.stderr)
    );

    // The build shares a target directory between test runs (the first one compiles the SDK's
    // dependencies, about 20 s on two cores).
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("plugin-new");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let build = std::process::Command::new(cargo)
        .args([
            "build",
            "--target",
            "wasm32-wasip2",
            "--release",
            "--manifest-path",
        ])
        .arg(crate_dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .expect("cargo runs");
    assert!(
        build.status.success(),
        "the new crate does not build:\n{}\nhelp: rustup target add wasm32-wasip2",
        text(&build.stderr)
    );
    let wasm = target.join("wasm32-wasip2/release/my_forge.wasm");
    let out = std::process::Command::new(BIN)
        .arg("--replay")
        .arg(crate_dir.join("tests/cassette"))
        .args(["plugin", "test"])
        .arg(&wasm)
        .args([
            "--allow-host",
            "releases.example.org",
            "--set",
            "project=my-forge",
            "--expect",
        ])
        .arg(crate_dir.join("tests/expected.json"))
        .current_dir(dir.path())
        .env("XDG_CONFIG_HOME", dir.path())
        .env("ROLLCALL_CACHE_DIR", dir.path().join("cache"))
        .output()
        .expect("plugin test");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("`my-forge` returned what"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        text(&out.stderr).contains("4 releases"),
        "{}",
        text(&out.stderr)
    );

    // Without the grant, the third-party file does not run and the error says what to add.
    let out = std::process::Command::new(BIN)
        .arg("--replay")
        .arg(crate_dir.join("tests/cassette"))
        .args(["plugin", "test"])
        .arg(&wasm)
        .args(["--set", "project=my-forge"])
        .current_dir(dir.path())
        .env("XDG_CONFIG_HOME", dir.path())
        .env("ROLLCALL_CACHE_DIR", dir.path().join("cache"))
        .output()
        .expect("plugin test");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("--allow-host HOST"),
        "{}",
        text(&out.stderr)
    );
}

/// The `github` import records and replays like the `http` import, so a GitHub tracker can be
/// tested offline with `plugin test`.
#[tokio::test(flavor = "multi_thread")]
async fn a_github_tracker_records_and_replays() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cassette = dir.path().join("cassette");
    let expected = dir.path().join("expected.json").display().to_string();
    let server = Server::start(vec![(
        "/repos/facebook/react/releases",
        Reply::ok(support::fixture(
            "github/releases_with_mixed_tag_formats.json",
        )),
    )])
    .await;
    let api = server.url("/");
    let run = |mode: &'static str, extra: &'static [&'static str]| {
        let dir = dir.path().to_owned();
        let cassette = cassette.clone();
        let expected = expected.clone();
        let api = api.clone();
        async move {
            tokio::process::Command::new(BIN)
                .arg(mode)
                .arg(&cassette)
                .args(["plugin", "test", "github-releases", "--set"])
                .arg("repository=facebook/react")
                .arg("--expect")
                .arg(&expected)
                .args(extra)
                .current_dir(&dir)
                .env("ROLLCALL_GITHUB_API", api)
                .env("XDG_CONFIG_HOME", &dir)
                .env("ROLLCALL_CACHE_DIR", dir.join("cache"))
                .env_remove("GITHUB_TOKEN")
                .output()
                .await
                .expect("run rollcall")
        }
    };
    let out = run("--record", &["--bless"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let recorded = std::fs::read_dir(&cassette).map_or(0, Iterator::count);
    assert_eq!(recorded, 1, "one page recorded");
    let hits = server
        .seen()
        .iter()
        .filter(|s| s.target.starts_with("/repos/facebook/react/releases"))
        .count();
    drop(server);

    let out = run("--replay", &[]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("returned what"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(hits, 1);
}

/// A run served from the last good answer is a warning with its age (exit 0 when nothing
/// reaches `--fail-on`); a distro that cannot be read leaves its verdicts without data, so the
/// run is incomplete (exit 3), and its failure is printed once, however many watches it feeds.
#[tokio::test(flavor = "multi_thread")]
async fn stale_data_is_a_warning_and_a_broken_distro_is_a_failure_named_once() {
    let server = Server::start(vec![(
        "/api/linux-kernel.json",
        Reply::ok(support::fixture("endoflife/linux-kernel.json")),
    )])
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let config = write_config(dir.path(), &kernel_config(&server));
    let args = [
        "check",
        "--config",
        &config,
        "--format",
        "json",
        "--fail-on",
        "never",
    ];
    let first = rollcall(dir.path(), &args).await;
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));

    server.set("/api/linux-kernel.json", Reply::status(500, "down"));
    let stale = rollcall(dir.path(), &args).await;
    let err = text(&stale.stderr);
    assert_eq!(
        stale.status.code(),
        Some(0),
        "stale is not a failure: {err}"
    );
    assert!(!err.contains("incomplete"), "{err}");
    let report: serde_json::Value = serde_json::from_slice(&stale.stdout).expect("JSON");
    validate_report(&report);
    assert_eq!(report["summary"]["stale_watches"], 1);
    assert_eq!(report["summary"]["failed_watches"], 0);
    assert!(report["errors"][0]["stale_from"].is_string(), "{report:#}");
    let table = rollcall(
        dir.path(),
        &["check", "--config", &config, "--fail-on", "never"],
    )
    .await;
    let err = text(&table.stderr);
    assert!(err.contains("warning: watch `linux`:"), "{err}");
    assert!(err.contains("1 watch on earlier data"), "{err}");

    let mirror = Server::start(vec![]).await;
    let broken = format!(
        "[distros.debian]\nkind = \"deb\"\nfamily = \"deb\"\nurl = \"{}\"\nsuites = [\"bookwrom\"]\n\
         [distros.leap]\nkind = \"static\"\npackages = {{ kernel-default = \"6.12.104-1.1\" }}\n\
         [[watch]]\nname = \"a\"\ntracker = \"endoflife\"\nsettings = {{ product = \"linux-kernel\", base-url = \"{}\" }}\npackages = {{ debian = \"linux\", leap = \"kernel-default\" }}\n\
         [[watch]]\nname = \"b\"\ntracker = \"endoflife\"\nsettings = {{ product = \"linux-kernel\", base-url = \"{}\" }}\npackages = {{ debian = \"linux\" }}\n",
        mirror.url("/debian"),
        server.url(""),
        server.url(""),
    );
    server.set(
        "/api/linux-kernel.json",
        Reply::ok(support::fixture("endoflife/linux-kernel.json")),
    );
    let broken = write_config(dir.path(), &broken);
    let out = rollcall(dir.path(), &["check", "--config", &broken, "--no-store"]).await;
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert_eq!(
        err.matches("distro `debian` could not be read").count(),
        1,
        "one line for one failure: {err}"
    );
    assert!(err.contains("watches `a`, `b`"), "{err}");
    assert!(err.contains("2 of 3 verdicts have no data"), "{err}");
}

/// A `--since` too far back for the calendar is a usage error with a way out, never a panic
/// (issue 13, item 11).
#[tokio::test(flavor = "multi_thread")]
async fn report_since_a_huge_duration_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    for since in [
        "999999999d",
        "99999999999999999999d",
        "9223372036854775807s",
    ] {
        let out = rollcall(dir.path(), &["report", "--since", since]).await;
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{since}: {stderr}");
        assert!(
            stderr.contains(&format!("`{since}` reaches back before the year 1"))
                && stderr.contains("help:")
                && !stderr.contains("panicked"),
            "{since}: {stderr}"
        );
    }
    let out = rollcall(dir.path(), &["report", "--since", "36500d"]).await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "a century back works: {}",
        text(&out.stderr)
    );
}
