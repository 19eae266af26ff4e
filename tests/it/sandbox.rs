//! The sandbox, proven with a hostile tracker compiled by the test build (not mocked).

use std::collections::HashMap;
use std::time::Duration;

use rollcall::net::{Grant, HostRule};
use rollcall::runtime::{Limits, PollError, TrackerError};

use crate::support::{self, Reply, Server};

fn settings(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

async fn hostile(
    runtime: &rollcall::runtime::Runtime,
) -> std::sync::Arc<rollcall::runtime::Plugin> {
    let bytes = std::fs::read(rollcall::artifacts::TEST_HOSTILE).expect(
        "the hostile test tracker was built by host/build.rs; a missing file means the build is broken",
    );
    runtime.load(&bytes).await.expect("hostile tracker loads")
}

/// Every misbehaviour in one run, beside a well-behaved kernel-org watch: each fails on its own
/// with the right kind of error, and the others complete.
#[tokio::test(flavor = "multi_thread")]
async fn hostile_watches_fail_alone_and_the_run_completes() {
    let outside = Server::start(vec![("/secret", Reply::ok("you should not see this"))]).await;
    let releases_json = support::fixture("kernel.org/releases-2020-12-14.excerpt.json");
    let big = vec![b'x'; 2 << 20];
    let upstream = Server::start(vec![
        ("/ok", Reply::ok("hello")),
        ("/releases.json", Reply::ok(releases_json)),
        ("/redirect-out", Reply::redirect(&outside.url("/secret"))),
        ("/big", Reply::ok(big)),
    ])
    .await;
    let base = upstream.url("");
    let watch = |name: &str, plugin: &str, mode: &str, extra: &str| {
        format!(
            "[[watch]]\nname = \"{name}\"\ntracker = \"{plugin}\"\nsettings = {{ mode = \"{mode}\", base-url = \"{base}\"{extra} }}\npackages = {{ lab = \"pkg\" }}\n"
        )
    };
    let text = [
        "[distros.lab]\nkind = \"static\"\npackages = { pkg = \"5.10.1\" }\n".to_owned(),
        support::hostile_plugin("hostile", ""),
        support::hostile_plugin("hostile-spin", "timeout-secs = 1"),
        support::hostile_plugin("hostile-hog", "memory-mib = 32"),
        support::hostile_plugin("hostile-small", "max-response-mib = 1\nmax-output-mib = 1"),
        watch("spin", "hostile-spin", "spin", ""),
        watch("hog", "hostile-hog", "hog", ""),
        watch("panic", "hostile", "panic", ""),
        watch("undeclared", "hostile", "fetch", &format!(", url = \"{}\"", outside.url("/secret"))),
        watch("userinfo", "hostile", "fetch", ", url = \"https://allowed.example@evil.example/\""),
        watch("redirect", "hostile", "fetch", &format!(", url = \"{}\"", upstream.url("/redirect-out"))),
        watch("too-big", "hostile-small", "fetch", &format!(", url = \"{}\"", upstream.url("/big"))),
        watch("flood", "hostile-small", "flood", ", count = 1000"),
        watch("fetch-ok", "hostile", "fetch", &format!(", url = \"{}\"", upstream.url("/ok"))),
        format!("[[watch]]\nname = \"linux\"\ntracker = \"kernel-org\"\nsettings = {{ base-url = \"{base}\" }}\npackages = {{ lab = \"pkg\" }}\n"),
    ]
    .concat();
    let config = support::config(&text);
    let runtime = support::runtime();

    let report = rollcall::run::check(&config, runtime.clone(), support::today())
        .await
        .expect("the run completes");

    let errors: HashMap<&str, (&str, &str)> = report
        .errors
        .iter()
        .map(|e| (e.watch.as_str(), (e.kind.as_str(), e.message.as_str())))
        .collect();
    let expect = |watch: &str, kind: &str, needle: &str| {
        let (got_kind, message) = errors
            .get(watch)
            .unwrap_or_else(|| panic!("watch `{watch}` should have failed; errors: {errors:#?}"));
        assert_eq!(*got_kind, kind, "{watch}: {message}");
        assert!(
            message.contains(needle),
            "{watch}: `{needle}` not in: {message}"
        );
    };
    expect("spin", "timeout", "timed out after 1s");
    expect("hog", "memory-limit", "the cap is 32 MiB");
    expect("panic", "panic", "upstream JSON missing field `tag_name`");
    expect("undeclared", "denied", "is not allowed for this tracker");
    expect("userinfo", "denied", "carries credentials");
    expect("redirect", "denied", "redirect from");
    expect("too-big", "denied", "larger than the 1048576-byte cap");
    expect(
        "flood",
        "output-too-large",
        "more than the 1048576-byte cap",
    );
    assert_eq!(
        errors.len(),
        8,
        "only the hostile watches fail: {errors:#?}"
    );
    assert!(
        outside.seen().is_empty(),
        "no request reached the undeclared host"
    );

    let verdict = |watch: &str| {
        report
            .verdicts
            .iter()
            .find(|v| v.watch == watch)
            .unwrap_or_else(|| panic!("a verdict for {watch}"))
    };
    assert_eq!(
        verdict("linux").status.as_str(),
        "current",
        "{}",
        verdict("linux").explanation
    );
    assert_eq!(verdict("fetch-ok").latest.as_deref(), Some("200.0.0"));
    assert_eq!(verdict("spin").status.as_str(), "error");

    // The host is still healthy: the same runtime polls again.
    let linux_only = format!(
        "[distros.lab]\nkind = \"static\"\npackages = {{ pkg = \"5.10.1\" }}\n\
         [[watch]]\nname = \"linux\"\ntracker = \"kernel-org\"\n\
         settings = {{ base-url = \"{base}\" }}\npackages = {{ lab = \"pkg\" }}\n"
    );
    let again = rollcall::run::check(&support::config(&linux_only), runtime, support::today())
        .await
        .expect("second run");
    assert!(again.errors.is_empty(), "{:#?}", again.errors);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_endless_loop_stops_at_the_configured_limit() {
    let runtime = support::runtime();
    let plugin = hostile(&runtime).await;
    let limits = Limits {
        timeout: Duration::from_millis(800),
        ..Limits::default()
    };
    let outcome = runtime
        .poll(
            &plugin,
            &settings(&[("mode", "spin")]),
            Grant::default(),
            limits,
        )
        .await;
    assert!(
        matches!(outcome.result, Err(PollError::Timeout { .. })),
        "{:?}",
        outcome.result
    );
    assert!(
        outcome.duration >= Duration::from_millis(800),
        "{:?}",
        outcome.duration
    );
    assert!(
        outcome.duration < Duration::from_secs(5),
        "stopped long after the limit: {:?}",
        outcome.duration
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_memory_hog_is_stopped_with_a_typed_error() {
    let runtime = support::runtime();
    let plugin = hostile(&runtime).await;
    let limits = Limits {
        memory_bytes: 24 << 20,
        ..Limits::default()
    };
    let outcome = runtime
        .poll(
            &plugin,
            &settings(&[("mode", "hog")]),
            Grant::default(),
            limits,
        )
        .await;
    match outcome.result {
        Err(PollError::MemoryLimit(e)) => {
            assert_eq!(e.limit, 24 << 20);
            assert!(e.requested > e.limit);
        }
        other => panic!("expected a memory-limit error, got {other:?}"),
    }
    assert!(
        outcome.peak_memory <= 24 << 20,
        "peak {} over the cap",
        outcome.peak_memory
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn files_environment_and_sockets_are_invisible() {
    // The test process has an environment to leak.
    assert!(std::env::var_os("PATH").is_some());
    let runtime = support::runtime();
    let plugin = hostile(&runtime).await;
    let outcome = runtime
        .poll(
            &plugin,
            &settings(&[("mode", "probe")]),
            Grant::default(),
            Limits::default(),
        )
        .await;
    let data = outcome.result.expect("the probe itself succeeds");
    let seen = data.releases[0].url.clone().expect("probe report");
    let fields: HashMap<&str, &str> = seen
        .split(';')
        .filter_map(|kv| kv.split_once('='))
        .collect();
    assert!(
        !fields["file"].starts_with("read"),
        "read /etc/passwd: {seen}"
    );
    assert!(!fields["dir"].contains("entries"), "listed /: {seen}");
    assert_eq!(fields["env"], "0", "{seen}");
    assert_eq!(fields["home"], "absent", "{seen}");
    assert_ne!(fields["tcp"], "connected", "{seen}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_panic_carries_its_message() {
    let runtime = support::runtime();
    let plugin = hostile(&runtime).await;
    let outcome = runtime
        .poll(
            &plugin,
            &settings(&[("mode", "panic")]),
            Grant::default(),
            Limits::default(),
        )
        .await;
    match outcome.result {
        Err(PollError::Panic { message }) => {
            assert!(
                message.contains("upstream JSON missing field `tag_name`"),
                "{message}"
            );
            assert!(
                message.contains("src/lib.rs"),
                "the location is kept: {message}"
            );
        }
        other => panic!("expected a panic, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_call_budget_is_enforced_and_denials_are_recorded() {
    let server = Server::start(vec![("/ok", Reply::ok("hi"))]).await;
    let runtime = support::runtime();
    let plugin = hostile(&runtime).await;
    let grant = Grant::new(vec![
        HostRule::for_url(&server.url("/").parse().expect("url")).expect("rule"),
    ]);
    let limits = Limits {
        max_http_calls: 0,
        ..Limits::default()
    };
    let outcome = runtime
        .poll(
            &plugin,
            &settings(&[("mode", "fetch"), ("url", &server.url("/ok"))]),
            grant,
            limits,
        )
        .await;
    assert!(
        matches!(&outcome.result, Err(PollError::Tracker(TrackerError::Denied(m))) if m.contains("max-http-calls")),
        "{:?}",
        outcome.result
    );
    assert_eq!(outcome.usage.denials.len(), 1);
    assert!(server.seen().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_github_import_adds_the_token_the_plugin_never_sees() {
    let github = Server::start(vec![(
        "/repos/octo/tool/releases",
        Reply::ok(support::fixture("github/repos_releases_list.json")),
    )])
    .await;
    let base = github.url("/");
    let runtime = support::runtime_with(None, Some((&base, "s3cret-token")));
    let plugin = hostile(&runtime).await;
    let grant = Grant::new(vec![
        HostRule::for_url(&base.parse().expect("url")).expect("rule"),
    ]);
    let outcome = runtime
        .poll(
            &plugin,
            &settings(&[("mode", "github"), ("owner", "octo"), ("repo", "tool")]),
            grant,
            Limits::default(),
        )
        .await;
    let data = outcome.result.expect("github releases");
    let versions: Vec<&str> = data.releases.iter().map(|r| r.version.as_str()).collect();
    assert_eq!(versions, ["0.38.0", "0.37.0"]);
    assert!(data.releases[0].date.is_some());
    let seen = github.seen();
    assert_eq!(seen.len(), 1, "one page: {seen:?}");
    assert!(
        seen[0]
            .headers
            .get("authorization")
            .is_some_and(|a| a.contains("s3cret-token")),
        "the host adds the token: {:?}",
        seen[0].headers
    );
    let output = format!("{data:?}");
    assert!(
        !output.contains("s3cret"),
        "the token never reaches the plugin"
    );

    // Not granted: denied before any request.
    let outcome = runtime
        .poll(
            &plugin,
            &settings(&[("mode", "github"), ("owner", "octo"), ("repo", "tool")]),
            Grant::default(),
            Limits::default(),
        )
        .await;
    assert!(
        matches!(&outcome.result, Err(PollError::Tracker(TrackerError::Denied(m))) if m.contains("github import")),
        "{:?}",
        outcome.result
    );
    assert_eq!(github.seen().len(), 1);
}
