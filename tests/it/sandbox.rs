//! The sandbox, proven with a hostile tracker compiled by the test build (not mocked).

use std::collections::HashMap;
use std::time::Duration;

use rollcall::net::{Grant, HostRule};
use rollcall::runtime::{Limits, PollError, PollOutcome, TrackerError};

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
    ])
    .with_github_token(true);
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

/// A granted name that resolves to this machine (a rebinding or wildcard DNS record) is refused
/// after resolution, before any connection, with a denial naming the host and the address; a
/// grant of `localhost` itself, or of a `base-url` the user wrote, still reaches it (issue 13,
/// item 13).
#[tokio::test(flavor = "multi_thread")]
async fn a_granted_name_that_resolves_to_loopback_is_denied() {
    let server = Server::start(vec![("/ok", Reply::ok("hello"))]).await;
    let port = url::Url::parse(&server.url("/"))
        .expect("url")
        .port()
        .expect("port");
    let http = rollcall::net::HttpClient::new()
        .expect("client")
        .with_resolved(&[
            ("rebind.example", "127.0.0.1".parse().expect("ip")),
            ("mapped.example", "::ffff:127.0.0.1".parse().expect("ip")),
        ])
        .expect("client");
    let runtime = support::runtime_with_http(http);
    let plugin = hostile(&runtime).await;
    for host in ["rebind.example", "mapped.example"] {
        // What a tracker declares (and `allow-hosts` grants) must resolve to public addresses.
        let grant = Grant::new(vec![HostRule::parse(host).expect("rule")]);
        let url = format!("https://{host}:{port}/ok");
        let outcome = runtime
            .poll(
                &plugin,
                &settings(&[("mode", "fetch"), ("url", &url)]),
                grant,
                Limits::default(),
            )
            .await;
        match &outcome.result {
            Err(PollError::Tracker(TrackerError::Denied(m))) => {
                assert!(
                    m.contains(&format!("host `{host}` resolves to"))
                        && m.contains("127.0.0.1")
                        && m.contains("not a public address")
                        && m.contains("help:"),
                    "{m}"
                );
            }
            other => panic!("{host}: expected a denial, got {other:?}"),
        }
        assert_eq!(outcome.usage.denials.len(), 1, "the host records it");
    }
    assert!(server.seen().is_empty(), "refused before connecting");

    // Loopback granted on purpose: `localhost` as declared, and a `base-url` the user wrote.
    let by_name = format!("http://localhost:{port}/ok");
    for rule in [
        HostRule::parse("localhost").expect("rule"),
        HostRule::for_url(&by_name.parse().expect("url")).expect("rule"),
    ] {
        let outcome = runtime
            .poll(
                &plugin,
                &settings(&[("mode", "fetch"), ("url", &by_name)]),
                Grant::new(vec![rule]),
                Limits::default(),
            )
            .await;
        let data = outcome
            .result
            .expect("localhost is reachable when granted as such");
        assert_eq!(data.releases[0].version, "200.0.0");
    }
    assert_eq!(server.seen().len(), 2);
}

/// One poll of the hostile tracker with `pairs` as settings, granted nothing, within `limits`.
async fn poll_hostile(pairs: &[(&str, &str)], limits: Limits) -> PollOutcome {
    let runtime = support::runtime();
    let plugin = hostile(&runtime).await;
    runtime
        .poll(&plugin, &settings(pairs), Grant::default(), limits)
        .await
}

/// The denial a poll failed with.
fn denial(outcome: &PollOutcome) -> &str {
    match &outcome.result {
        Err(PollError::Tracker(TrackerError::Denied(m))) => m,
        other => panic!("expected a denial, got {other:?}"),
    }
}

/// A pattern whose every match costs the host's PikeVM a few milliseconds: 500 optional `a`s
/// then 500 `a`s keep about a thousand threads alive at each byte.
const SLOW_PATTERN: &str = "(?:a?){500}a{500}b";

fn slow_unit() -> String {
    format!("{}b", "a".repeat(500))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_regex_haystack_larger_than_one_response_is_denied() {
    let limits = Limits {
        max_response_bytes: 1 << 20,
        ..Limits::default()
    };
    let outcome = poll_hostile(&[("mode", "regex"), ("count", "2000000")], limits).await;
    let message = denial(&outcome);
    assert!(
        message.contains("haystack of 2000000 bytes, more than the 1048576-byte cap")
            && message.contains("raise `max-response-mib`"),
        "{message}"
    );
    assert_eq!(outcome.usage.denials.len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_regex_returns_at_most_100000_matches() {
    let outcome = poll_hostile(
        &[
            ("mode", "regex"),
            ("count", "250000"),
            ("limit", "4294967295"),
        ],
        Limits::default(),
    )
    .await;
    let data = outcome.result.expect("the search succeeds, capped");
    assert_eq!(data.releases[0].version, "100000.0.0");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_text_a_regex_returns_is_capped() {
    let limits = Limits {
        max_response_bytes: 1 << 20,
        ..Limits::default()
    };
    // Nine nested groups each capture the whole 600,000-byte run: 5.4 MB from a 0.6 MB page.
    let groups = ("pattern", "((((((((a+))))))))");
    let outcome = poll_hostile(&[("mode", "regex"), groups, ("count", "600000")], limits).await;
    let message = denial(&outcome);
    assert!(
        message.contains("would return more than the 1048576-byte cap after 0 matches")
            && message.contains("raise `max-response-mib`"),
        "{message}"
    );
    // Within the cap the same pattern answers in full.
    let outcome = poll_hostile(&[("mode", "regex"), groups, ("count", "10000")], limits).await;
    let data = outcome.result.expect("under the cap");
    assert_eq!(data.releases[0].url.as_deref(), Some("bytes=90000"));
}

#[tokio::test(flavor = "multi_thread")]
async fn regex_calls_count_against_their_own_budget() {
    let limits = Limits {
        max_regex_calls: 5,
        ..Limits::default()
    };
    let outcome = poll_hostile(&[("mode", "regex"), ("calls", "300")], limits).await;
    let message = denial(&outcome);
    assert!(
        message.contains("the budget of 5 `text.regex-find-all` calls per poll is spent")
            && message.contains("raise `max-regex-calls`"),
        "{message}"
    );
    assert_eq!(outcome.usage.regex_calls, 5);

    // A tracker that swallows the refusals: 295 refused, one reason kept.
    let pairs = [("mode", "regex"), ("calls", "300"), ("swallow", "true")];
    let outcome = poll_hostile(&pairs, limits).await;
    assert!(outcome.result.is_ok(), "{:?}", outcome.result);
    assert_eq!(outcome.usage.regex_calls, 5);
    assert_eq!(outcome.usage.denied, 295);
    assert_eq!(
        outcome.usage.denials.len(),
        1,
        "{:?}",
        outcome.usage.denials
    );
}

/// A search the host cannot interrupt runs on the blocking pool: the poll still ends at its
/// deadline, and another poll on the same runtime finishes meanwhile.
#[tokio::test(flavor = "multi_thread")]
async fn a_slow_regex_stops_at_the_deadline_and_stalls_nothing() {
    let runtime = support::runtime();
    let plugin = hostile(&runtime).await;
    let unit = slow_unit();
    let slow = settings(&[
        ("mode", "regex"),
        ("pattern", SLOW_PATTERN),
        ("haystack", &unit),
        ("count", "10000"),
    ]);
    let limits = Limits {
        timeout: Duration::from_secs(1),
        ..Limits::default()
    };
    let started = std::time::Instant::now();
    let hostile_poll = async {
        let outcome = runtime.poll(&plugin, &slow, Grant::default(), limits).await;
        (outcome, started.elapsed())
    };
    let other_poll = async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let outcome = runtime
            .poll(
                &plugin,
                &settings(&[("mode", "regex")]),
                Grant::default(),
                Limits::default(),
            )
            .await;
        (outcome, started.elapsed())
    };
    let ((slow, slow_done), (other, other_done)) = tokio::join!(hostile_poll, other_poll);
    assert!(
        matches!(slow.result, Err(PollError::Timeout { .. })),
        "{:?}",
        slow.result
    );
    assert!(
        slow.duration < Duration::from_secs(5),
        "stopped long after the limit: {:?}",
        slow.duration
    );
    assert_eq!(
        other.result.expect("the other poll").releases[0].version,
        "1.0.0"
    );
    assert!(
        other_done < slow_done,
        "the other poll waited for the slow search: {other_done:?} vs {slow_done:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn stderr_past_its_buffer_is_cut_not_a_crash() {
    // 1 MiB to an 8 KiB buffer.
    let outcome = poll_hostile(
        &[("mode", "stderr-flood"), ("count", "1024")],
        Limits::default(),
    )
    .await;
    let data = outcome
        .result
        .expect("the writes past the buffer are dropped");
    assert_eq!(data.releases[0].version, "1.0.0");
    // The buffer keeps its tail: a panic after the flood still carries its message.
    let pairs = [
        ("mode", "stderr-flood"),
        ("count", "1024"),
        ("then", "panic"),
    ];
    let outcome = poll_hostile(&pairs, Limits::default()).await;
    match outcome.result {
        Err(PollError::Panic { message }) => {
            assert!(message.contains("flooded stderr first"), "{message}");
        }
        other => panic!("expected a panic, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn log_messages_are_bounded_per_poll() {
    let outcome = poll_hostile(
        &[("mode", "log-flood"), ("count", "10000")],
        Limits::default(),
    )
    .await;
    assert!(outcome.result.is_ok(), "{:?}", outcome.result);
    assert_eq!(outcome.usage.logs, rollcall::runtime::MAX_LOG_MESSAGES);
    assert_eq!(
        outcome.usage.logs_dropped,
        10_000 - rollcall::runtime::MAX_LOG_MESSAGES
    );
    // Long messages spend the byte budget first.
    let pairs = [("mode", "log-flood"), ("count", "100"), ("size", "10000")];
    let outcome = poll_hostile(&pairs, Limits::default()).await;
    assert!(outcome.result.is_ok(), "{:?}", outcome.result);
    assert!(outcome.usage.log_bytes <= rollcall::runtime::MAX_LOG_BYTES);
    assert!(outcome.usage.logs < 100, "{:?}", outcome.usage);
    assert_eq!(outcome.usage.logs + outcome.usage.logs_dropped, 100);
}

#[tokio::test(flavor = "multi_thread")]
async fn refusals_are_counted_not_kept_one_by_one() {
    let server = Server::start(vec![("/ok", Reply::ok("hi"))]).await;
    let runtime = support::runtime();
    let plugin = hostile(&runtime).await;
    let grant = || {
        Grant::new(vec![
            HostRule::for_url(&server.url("/").parse().expect("url")).expect("rule"),
        ])
    };
    // The same refusal a thousand times: counted, kept once.
    let limits = Limits {
        max_http_calls: 2,
        ..Limits::default()
    };
    let pairs = [
        ("mode", "swallow"),
        ("url", &server.url("/ok")),
        ("count", "1000"),
    ];
    let outcome = runtime
        .poll(&plugin, &settings(&pairs), grant(), limits)
        .await;
    assert!(outcome.result.is_ok(), "{:?}", outcome.result);
    assert_eq!(outcome.usage.calls, 2);
    assert_eq!(server.seen().len(), 2);
    assert_eq!(outcome.usage.denied, 998);
    assert_eq!(
        outcome.usage.denials.len(),
        1,
        "{:?}",
        outcome.usage.denials
    );
    assert!(outcome.usage.denials[0].contains("max-http-calls"));

    // A hundred different refusals: counted, the first few kept, and the summary says so.
    let pairs = [
        ("mode", "swallow"),
        ("url", "https://h{i}.example/"),
        ("count", "100"),
    ];
    let outcome = runtime
        .poll(
            &plugin,
            &settings(&pairs),
            Grant::default(),
            Limits::default(),
        )
        .await;
    assert!(outcome.result.is_ok(), "{:?}", outcome.result);
    assert_eq!(outcome.usage.denied, 100);
    assert_eq!(outcome.usage.denials.len(), rollcall::runtime::MAX_DENIALS);
    let summary = outcome.usage.denial_summary().expect("a summary");
    assert!(
        summary.starts_with("the host refused 100 calls: host `h0.example` is not allowed")
            && summary.ends_with("(only the first 16 reasons are kept)"),
        "{summary}"
    );
}

/// The new limits in one `check`, beside well-behaved watches: each hostile watch fails on its
/// own with a denial or a timeout that names the setting, the others complete.
#[tokio::test(flavor = "multi_thread")]
async fn regex_log_and_stderr_abuse_fail_alone_in_a_run() {
    let unit = slow_unit();
    let watch = |name: &str, plugin: &str, extra: &str| {
        format!(
            "[[watch]]\nname = \"{name}\"\ntracker = \"{plugin}\"\nsettings = {{ {extra} }}\npackages = {{ lab = \"pkg\" }}\n"
        )
    };
    let text = [
        "[distros.lab]\nkind = \"static\"\npackages = { pkg = \"1.0.0\" }\n".to_owned(),
        support::hostile_plugin("hostile", ""),
        support::hostile_plugin(
            "hostile-regex",
            "timeout-secs = 1\nmax-response-mib = 1\nmax-regex-calls = 3",
        ),
        support::hostile_plugin("hostile-slow", "timeout-secs = 1"),
        watch("regex-haystack", "hostile-regex", "mode = \"regex\", count = \"2000000\""),
        watch(
            "regex-output",
            "hostile-regex",
            "mode = \"regex\", pattern = \"((((((((a+))))))))\", count = \"600000\"",
        ),
        watch("regex-calls", "hostile-regex", "mode = \"regex\", calls = \"10\""),
        watch(
            "regex-slow",
            "hostile-slow",
            &format!("mode = \"regex\", pattern = \"{SLOW_PATTERN}\", haystack = \"{unit}\", count = \"10000\""),
        ),
        watch("log-flood", "hostile", "mode = \"log-flood\", count = \"100000\""),
        watch("stderr-flood", "hostile", "mode = \"stderr-flood\", count = \"4096\""),
        watch("regex-ok", "hostile-regex", "mode = \"regex\""),
        watch("ok", "hostile", "mode = \"ok\""),
    ]
    .concat();
    let report = rollcall::run::check(
        &support::config(&text),
        support::runtime(),
        support::today(),
    )
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
    expect("regex-haystack", "denied", "raise `max-response-mib`");
    expect(
        "regex-output",
        "denied",
        "would return more than the 1048576-byte cap",
    );
    expect("regex-calls", "denied", "raise `max-regex-calls`");
    expect("regex-slow", "timeout", "timed out after 1s");
    assert_eq!(
        errors.len(),
        4,
        "only the hostile watches fail: {errors:#?}"
    );
    for watch in ["log-flood", "stderr-flood", "regex-ok", "ok"] {
        let verdict = report
            .verdicts
            .iter()
            .find(|v| v.watch == watch)
            .unwrap_or_else(|| panic!("a verdict for {watch}"));
        assert_eq!(
            verdict.status.as_str(),
            "current",
            "{watch}: {}",
            verdict.explanation
        );
    }
}

/// A tracker that swallows its refusals still shows them: in the report (the verdicts'
/// explanations, a failing poll's error), in the store with the run, and on the dashboard's
/// trackers screen.
#[tokio::test(flavor = "multi_thread")]
async fn refusals_show_in_the_report_the_store_and_the_dashboard() {
    let watch = |name: &str, extra: &str| {
        format!(
            "[[watch]]\nname = \"{name}\"\ntracker = \"hostile\"\nsettings = {{ mode = \"swallow\", url = \"https://allowed.example/\", count = \"5\"{extra} }}\npackages = {{ lab = \"pkg\" }}\n"
        )
    };
    let text = [
        "[distros.lab]\nkind = \"static\"\npackages = { pkg = \"1.0.0\" }\n".to_owned(),
        support::hostile_plugin("hostile", "max-http-calls = 0"),
        watch("swallower", ""),
        watch("swallow-then-panic", ", then = \"panic\""),
    ]
    .concat();
    let dir = tempfile::tempdir().expect("tempdir");
    let store = std::sync::Arc::new(
        rollcall::store::Store::open(&dir.path().join("rollcall.db")).expect("store"),
    );
    let keep = rollcall::run::Keep {
        store: &store,
        retention: rollcall::store::Retention::ALL,
    };
    let report = rollcall::run::check_with(
        &support::config(&text),
        support::runtime(),
        support::today(),
        Some(keep),
        None,
    )
    .await
    .expect("the run completes");

    let refused = "the host refused 5 calls: the budget of 0 requests per poll is spent";
    let verdict = report
        .verdicts
        .iter()
        .find(|v| v.watch == "swallower")
        .expect("a verdict");
    assert_eq!(
        verdict.status.as_str(),
        "current",
        "{}",
        verdict.explanation
    );
    assert!(
        verdict.explanation.contains(refused),
        "{}",
        verdict.explanation
    );
    assert_eq!(report.errors.len(), 1, "{:#?}", report.errors);
    let error = &report.errors[0];
    assert_eq!(error.watch, "swallow-then-panic");
    assert!(
        error.message.contains("swallowed every refusal") && error.message.contains(refused),
        "{}",
        error.message
    );

    let polls = store.latest_polls().expect("polls");
    let poll = polls
        .iter()
        .find(|p| p.poll.watch == "swallower")
        .expect("the poll is stored");
    assert_eq!(poll.poll.denied, 5);
    assert_eq!(poll.poll.denials.len(), 1);
    assert!(poll.poll.denials[0].contains("max-http-calls"));

    let source = rollcall::dashboard::StoreSource::new(
        store,
        "2000-01-01T00:00:00Z".to_owned(),
        "ever".to_owned(),
        support::today(),
    );
    let options = rollcall_tui::Options {
        color: false,
        poll_every: Duration::ZERO,
    };
    let mut dashboard = rollcall_tui::Dashboard::new(source, options).expect("the store reads");
    dashboard.press(crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char('2'),
        crossterm::event::KeyModifiers::NONE,
    ));
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(240, 20)).expect("terminal");
    terminal
        .draw(|frame| rollcall_tui::render(frame, &mut dashboard.app))
        .expect("draws");
    let screen: String = terminal
        .backend()
        .buffer()
        .content
        .iter()
        .map(|c| c.symbol())
        .collect();
    assert!(
        screen.contains("5 calls refused: the budget of 0"),
        "{screen}"
    );
}

/// The policy plugin that misbehaves in `check` and the one whose `name` never returns, each
/// on its own watch beside a well-behaved policy: each fails only its watch, with the limit in
/// the message, and `check` completes.
#[tokio::test(flavor = "multi_thread")]
async fn hostile_policies_fail_alone_and_check_completes() {
    use sha2::Digest as _;
    let policy = |name: &str, path: &str, extra: &str| {
        let sha = hex::encode(sha2::Sha256::digest(std::fs::read(path).expect(
            "the hostile test policies were built by host/build.rs; a missing file means the build is broken",
        )));
        format!("[plugins.{name}]\npath = {path:?}\nsha256 = \"{sha}\"\n{extra}\n")
    };
    let hostile = rollcall::artifacts::TEST_HOSTILE_POLICY;
    let watch = |name: &str, policies: &str| {
        format!(
            "[[watch]]\nname = \"{name}\"\ntracker = \"hostile\"\nsettings = {{ mode = \"ok\" }}\npackages = {{ lab = \"pkg\" }}\npolicies = [{policies}]\n"
        )
    };
    let text = [
        "[distros.lab]\nkind = \"static\"\npackages = { pkg = \"1.0.0\" }\n".to_owned(),
        support::hostile_plugin("hostile", ""),
        policy(
            "policy-spin",
            hostile,
            "timeout-secs = 3\nsettings = { mode = \"spin\" }",
        ),
        policy(
            "policy-name",
            rollcall::artifacts::TEST_HOSTILE_POLICY_NAME,
            "timeout-secs = 1",
        ),
        policy("policy-huge", hostile, "settings = { mode = \"huge\" }"),
        policy("policy-many", hostile, "settings = { mode = \"many\" }"),
        policy(
            "policy-long",
            hostile,
            "settings = { mode = \"huge\", size = \"100000\" }",
        ),
        policy(
            "policy-hog",
            hostile,
            "memory-mib = 32\nsettings = { mode = \"hog\" }",
        ),
        policy(
            "policy-logs",
            hostile,
            "settings = { mode = \"log-flood\" }",
        ),
        policy("policy-ok", hostile, "settings = { mode = \"ok\" }"),
        watch("spin-1", "\"policy-spin\""),
        watch("spin-2", "\"policy-spin\""),
        watch("spin-3", "\"policy-spin\""),
        watch("spin-4", "\"policy-spin\""),
        watch("name", "\"policy-name\""),
        watch("huge", "\"policy-huge\""),
        watch("many", "\"policy-many\""),
        watch("long", "\"policy-long\""),
        watch("hog", "\"policy-hog\""),
        watch("ok", "\"policy-ok\", \"policy-logs\""),
    ]
    .concat();
    let started = std::time::Instant::now();
    let report = rollcall::run::check(
        &support::config(&text),
        support::runtime(),
        support::today(),
    )
    .await
    .expect("the run completes");
    let elapsed = started.elapsed();

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
    for watch in ["spin-1", "spin-2", "spin-3", "spin-4"] {
        expect(
            watch,
            "timeout",
            "policy `policy-spin` failed: timed out after 3s",
        );
    }
    expect("name", "host", "`name` did not return within 1s");
    expect("huge", "output-too-large", "set `max-output-mib`");
    expect(
        "many",
        "bad-output",
        "10000 findings for one verdict, more than the 64",
    );
    expect(
        "long",
        "bad-output",
        "finding 1 has a message of 100000 bytes",
    );
    expect("hog", "memory-limit", "the cap is 32 MiB");
    assert_eq!(
        errors.len(),
        9,
        "only the hostile policies fail: {errors:#?}"
    );
    // A policy that timed out is not run again in the run: four watches cost one timeout.
    assert!(
        elapsed < Duration::from_secs(10),
        "the spinning policy ran once per watch: {elapsed:?}"
    );

    for verdict in &report.verdicts {
        assert_eq!(
            verdict.status.as_str(),
            "current",
            "{}: {}",
            verdict.watch,
            verdict.explanation
        );
    }
    let ok = report
        .verdicts
        .iter()
        .find(|v| v.watch == "ok")
        .expect("a verdict");
    let found: Vec<(&str, &str)> = ok
        .findings
        .iter()
        .map(|f| (f.policy.as_str(), f.message.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("policy-ok", "looked at 1.0.0"),
            ("policy-logs", "logged a lot")
        ]
    );
}
