//! The `github` import under faults, against a loopback GitHub: it goes through the same HTTP
//! client as the `http` import, so rate limits pause and retry, unchanged pages cost a `304`
//! (with a token too, never shared with an anonymous tracker), renamed repositories are
//! followed within the grant, broken, oversized and silent answers fail the one watch, every
//! page is a request of the poll's budget, and the user's token goes only to trackers trusted
//! with it.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use rollcall::net::github::GithubClient;
use rollcall::net::{HttpClient, NetPolicy};
use rollcall::report::Report;
use rollcall::runtime::{Runtime, RuntimeOptions, Services};
use rollcall::store::Store;

use crate::support::{self, Reply, Server};

const TOKEN: &str = "s3cret-token";

/// The recorded `GET /repos/XAMPPRocky/octocrab/releases` (v0.38.0, v0.37.0).
fn releases() -> Vec<u8> {
    support::fixture("github/repos_releases_list.json")
}

/// One release in the API's shape.
fn one_release(tag: &str) -> String {
    format!(
        r#"[{{"tag_name": "{tag}", "name": null, "published_at": "2024-04-09T10:50:08Z", "prerelease": false, "draft": false, "html_url": "https://github.com/o/r/releases/tag/{tag}"}}]"#
    )
}

fn policy(retries: u32) -> NetPolicy {
    NetPolicy {
        retries,
        backoff: Duration::from_millis(20),
        ..NetPolicy::default()
    }
}

/// A runtime whose `github` import points at `server` with the user's token, over one client
/// (with the store's HTTP cache when given).
fn runtime(server: &Server, policy: NetPolicy, cache: Option<&Arc<Store>>) -> Arc<Runtime> {
    let mut http = HttpClient::new().expect("client").with_policy(policy);
    if let Some(store) = cache {
        http = http.with_cache(store.clone());
    }
    let base = server.url("/").parse().expect("base");
    let github = GithubClient::new(http.clone(), &base, Some(TOKEN.to_owned())).expect("github");
    Arc::new(
        Runtime::new(RuntimeOptions {
            cache_dir: None,
            max_memory_bytes: 256 << 20,
            services: Arc::new(Services {
                http,
                github: Some(github),
            }),
        })
        .expect("runtime"),
    )
}

/// A static distro shipping `pkg` 0.38.0, then the plugin tables and watches given.
fn config(parts: &[String]) -> String {
    let mut text =
        "[distros.lab]\nkind = \"static\"\npackages = { pkg = \"0.38.0\" }\n\n".to_owned();
    for part in parts {
        text.push_str(part);
        text.push('\n');
    }
    text
}

/// A watch of `o/{repo}` through the hostile tracker's `github` mode, configured as `plugin`.
fn hostile_watch(name: &str, plugin: &str, server: &Server, repo: &str) -> String {
    format!(
        "[[watch]]\nname = \"{name}\"\ntracker = \"{plugin}\"\n\
         settings = {{ mode = \"github\", owner = \"o\", repo = \"{repo}\", base-url = \"{}\" }}\n\
         packages = {{ lab = \"pkg\" }}\n",
        server.url("")
    )
}

/// A watch of `o/{repo}` through the built-in `github-releases` tracker.
fn builtin_watch(name: &str, repo: &str) -> String {
    format!(
        "[[watch]]\nname = \"{name}\"\ntracker = \"github-releases\"\n\
         settings = {{ repository = \"o/{repo}\" }}\npackages = {{ lab = \"pkg\" }}\n"
    )
}

async fn check(text: &str, runtime: Arc<Runtime>) -> Report {
    rollcall::run::check_with(
        &support::config(text),
        runtime,
        support::today(),
        None,
        None,
    )
    .await
    .expect("the run completes")
}

/// Each failed watch's (kind, message).
fn errors(report: &Report) -> HashMap<String, (String, String)> {
    report
        .errors
        .iter()
        .map(|e| {
            (
                e.watch.clone(),
                (e.kind.as_str().to_owned(), e.message.clone()),
            )
        })
        .collect()
}

fn expect_error(report: &Report, watch: &str, kind: &str, needle: &str) {
    let errors = errors(report);
    let (got, message) = errors
        .get(watch)
        .unwrap_or_else(|| panic!("watch `{watch}` should have failed: {errors:#?}"));
    assert_eq!(got, kind, "{watch}: {message}");
    assert!(
        message.contains(needle),
        "{watch}: `{needle}` not in: {message}"
    );
}

fn latest<'r>(report: &'r Report, watch: &str) -> Option<&'r str> {
    report
        .verdicts
        .iter()
        .find(|v| v.watch == watch)
        .unwrap_or_else(|| panic!("no verdict for `{watch}`"))
        .latest
        .as_deref()
}

/// The requests the server saw for `path` (query ignored).
fn seen_for(server: &Server, path: &str) -> Vec<support::Seen> {
    server
        .seen()
        .into_iter()
        .filter(|s| s.target.split('?').next() == Some(path))
        .collect()
}

fn moved(to: &str) -> Reply {
    Reply {
        status: 301,
        ..Reply::redirect(to)
    }
}

/// A 429 with a short `Retry-After` pauses the host and is retried after the wait; one over
/// the longest wait fails at once as `rate-limited`, saying how long GitHub asked for. Only
/// that watch fails.
#[tokio::test(flavor = "multi_thread")]
async fn a_429_is_waited_out_or_reported_as_rate_limited() {
    let server = Server::start(vec![]).await;
    server.sequence(
        "/repos/o/r/releases",
        vec![
            Reply::status(429, r#"{"message": "slow down"}"#).with_header("retry-after", "1"),
            Reply::ok(releases()),
        ],
    );
    let text = config(&[
        support::hostile_plugin("hostile", ""),
        hostile_watch("waited", "hostile", &server, "r"),
    ]);
    let report = check(&text, runtime(&server, policy(2), None)).await;
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    assert_eq!(latest(&report, "waited"), Some("0.38.0"));
    let seen = seen_for(&server, "/repos/o/r/releases");
    assert_eq!(seen.len(), 2, "{seen:?}");
    let waited = seen[1].at - seen[0].at;
    assert!(
        waited >= Duration::from_millis(950),
        "Retry-After honoured: {waited:?}"
    );

    let server = Server::start(vec![(
        "/repos/o/r/releases",
        Reply::status(429, r#"{"message": "slow down"}"#).with_header("retry-after", "3600"),
    )])
    .await;
    let text = config(&[
        support::hostile_plugin("hostile", ""),
        hostile_watch("limited", "hostile", &server, "r"),
        "[[watch]]\nname = \"fine\"\ntracker = \"hostile\"\nsettings = { mode = \"ok\" }\npackages = { lab = \"pkg\" }\n"
            .to_owned(),
    ]);
    let started = std::time::Instant::now();
    let report = check(&text, runtime(&server, policy(2), None)).await;
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "no hour-long wait"
    );
    expect_error(&report, "limited", "rate-limited", "3600 s");
    expect_error(&report, "limited", "rate-limited", "GITHUB_TOKEN");
    assert_eq!(report.errors.len(), 1, "{:#?}", report.errors);
    assert_eq!(
        seen_for(&server, "/repos/o/r/releases").len(),
        1,
        "no retry"
    );
}

/// A 403 with `x-ratelimit-remaining: 0` is GitHub's spent hourly limit: `rate-limited` with the
/// wait until the reset and the `GITHUB_TOKEN` hint, not an upstream status.
#[tokio::test(flavor = "multi_thread")]
async fn a_spent_403_is_rate_limited() {
    let reset = time::OffsetDateTime::now_utc().unix_timestamp() + 3_600;
    let server = Server::start(vec![(
        "/repos/o/r/releases",
        Reply::status(
            403,
            r#"{"message": "API rate limit exceeded for 127.0.0.1."}"#,
        )
        .with_header("x-ratelimit-limit", "60")
        .with_header("x-ratelimit-remaining", "0")
        .with_header("x-ratelimit-reset", &reset.to_string()),
    )])
    .await;
    let text = config(&[builtin_watch("spent", "r")]);
    let runtime = runtime(&server, policy(2), None);
    let report = check(&text, runtime.clone()).await;
    expect_error(&report, "spent", "rate-limited", "HTTP 403");
    expect_error(&report, "spent", "rate-limited", "GITHUB_TOKEN");
    assert_eq!(seen_for(&server, "/repos/o/r/releases").len(), 1);
    // The budget is the HTTP client's, shown once for the host.
    let budgets = runtime.http().budgets();
    assert_eq!(budgets.len(), 1, "{budgets:?}");
    assert_eq!(budgets[0].remaining, Some(0));
    assert_eq!(budgets[0].quota, Some(60));
    assert!(budgets[0].paused_until.is_some(), "{budgets:?}");
}

/// With GitHub's anonymous budget spent, the run says what it could not do and when it can:
/// the refused polls are counted on the host, with the hours they need at 60 an hour and with a
/// token, in the report and in the store the trackers screen reads.
#[tokio::test(flavor = "multi_thread")]
async fn a_spent_budget_says_what_waits_and_for_how_long() {
    let reset = time::OffsetDateTime::now_utc().unix_timestamp() + 1_800;
    let spent = || {
        Reply::status(
            403,
            r#"{"message": "API rate limit exceeded for 127.0.0.1."}"#,
        )
        .with_header("x-ratelimit-limit", "60")
        .with_header("x-ratelimit-remaining", "0")
        .with_header("x-ratelimit-reset", &reset.to_string())
    };
    let paths: Vec<String> = (0..70).map(|i| format!("/repos/o/r{i}/releases")).collect();
    let server = Server::start(paths.iter().map(|p| (p.as_str(), spent())).collect()).await;
    let watches: Vec<String> = (0..70)
        .map(|i| builtin_watch(&format!("w{i}"), &format!("r{i}")))
        .collect();
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(Store::open(&dir.path().join("rollcall.db")).expect("store"));
    let runtime = runtime(&server, policy(0), None);
    let report = rollcall::run::check_with(
        &support::config(&config(&watches)),
        runtime,
        support::today(),
        Some(rollcall::run::Keep {
            store: &store,
            retention: rollcall::store::Retention::ALL,
        }),
        None,
    )
    .await
    .expect("the run completes");
    assert_eq!(report.errors.len(), 70);
    assert!(report.errors.iter().all(|e| e.kind == "rate-limited"));
    // The first refusal pauses the host: the other polls are refused without a request.
    assert!(server.seen().len() < 70, "{} requests", server.seen().len());
    assert_eq!(report.rate_limited.len(), 1, "{:?}", report.rate_limited);
    let host = &report.rate_limited[0];
    assert!(host.github, "the GitHub API host is known as such");
    assert_eq!((host.refused, host.quota), (70, Some(60)));
    assert_eq!(host.hours_needed(60), Some(2));
    let lines = report.rate_limit_lines();
    assert_eq!(lines.len(), 1, "{lines:?}");
    let line = &lines[0];
    for part in [
        "70 polls not answered",
        "(60 requests an hour)",
        "is spent until ",
        "they need 2 more hours of runs",
        "with GITHUB_TOKEN, 5000 an hour: 1 hour",
    ] {
        assert!(line.contains(part), "`{part}` not in: {line}");
    }
    // The JSON report carries it, and the store keeps it for the trackers screen.
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).expect("json");
    assert_eq!(json["rate_limited"][0]["refused"], 70);
    crate::cli::validate_report(&json);
    let kept = store.host_budgets().expect("budgets");
    assert_eq!(kept.len(), 1);
    assert_eq!((kept[0].refused, kept[0].github), (70, true));
    assert_eq!(
        kept[0].waiting().as_deref(),
        Some("70 polls wait: 2 h at this budget")
    );
}

/// A second poll sends `If-None-Match` and uses the cached body on a `304`, anonymous or with
/// the token; the two are cached apart, so an anonymous tracker never reads what the token
/// fetched.
#[tokio::test(flavor = "multi_thread")]
async fn an_unchanged_repository_costs_a_304_with_or_without_a_token() {
    let server = Server::start(vec![(
        "/repos/o/r/releases",
        Reply::ok(releases()).with_header("etag", "\"v1\""),
    )])
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(Store::open(&dir.path().join("rollcall.db")).expect("store"));
    let runtime = runtime(&server, policy(0), Some(&store));
    let with_token = config(&[builtin_watch("builtin", "r")]);
    let anonymous = config(&[
        support::hostile_plugin("hostile", ""),
        hostile_watch("anonymous", "hostile", &server, "r"),
    ]);
    let mut reports = Vec::new();
    for text in [&with_token, &with_token, &anonymous, &anonymous] {
        reports.push(check(text, runtime.clone()).await);
    }
    for report in &reports {
        assert!(report.errors.is_empty(), "{:#?}", report.errors);
        assert_eq!(report.verdicts[0].latest.as_deref(), Some("0.38.0"));
    }
    let seen = seen_for(&server, "/repos/o/r/releases");
    assert_eq!(seen.len(), 4, "{seen:?}");
    let summary: Vec<(bool, Option<&str>, u16)> = seen
        .iter()
        .map(|s| {
            (
                s.headers.contains_key("authorization"),
                s.headers.get("if-none-match").map(String::as_str),
                s.status,
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (true, None, 200),
            (true, Some("\"v1\""), 304),
            (false, None, 200),
            (false, Some("\"v1\""), 304),
        ],
        "the token's entry is not the anonymous one"
    );
}

/// A renamed repository answers `301` to its new address: followed (with the token, on the same
/// host). A redirect to a host outside the grant is refused before any request reaches it.
#[tokio::test(flavor = "multi_thread")]
async fn a_renamed_repository_is_followed_within_the_grant() {
    let outside = Server::start(vec![("/repositories/7/releases", Reply::ok(releases()))]).await;
    let server = Server::start(vec![("/repositories/42/releases", Reply::ok(releases()))]).await;
    server.set(
        "/repos/o/old/releases",
        moved(&server.url("/repositories/42/releases?per_page=100&page=1")),
    );
    server.set(
        "/repos/o/away/releases",
        moved(&outside.url("/repositories/7/releases?per_page=100&page=1")),
    );
    let text = config(&[
        builtin_watch("renamed", "old"),
        builtin_watch("away", "away"),
    ]);
    let report = check(&text, runtime(&server, policy(0), None)).await;
    assert_eq!(latest(&report, "renamed"), Some("0.38.0"));
    expect_error(&report, "away", "denied", "redirect from");
    assert_eq!(report.errors.len(), 1, "{:#?}", report.errors);
    let followed = seen_for(&server, "/repositories/42/releases");
    assert_eq!(followed.len(), 1);
    assert!(
        followed[0].headers.contains_key("authorization"),
        "the token follows a redirect on the same host"
    );
    assert!(
        outside.seen().is_empty(),
        "nothing reached the ungranted host"
    );
}

/// Broken, oversized and silent answers each fail their own watch with the right kind (a cut
/// body is retried first), and every page is a request of the poll's budget.
#[tokio::test(flavor = "multi_thread")]
async fn faults_and_page_budgets_fail_only_their_own_watch() {
    let cut = || {
        Reply::raw(b"HTTP/1.1 200 OK\r\ncontent-length: 5000\r\ncontent-type: application/json\r\n\r\n[{\"tag_name\": ".to_vec())
    };
    let server = Server::start(vec![
        ("/repos/o/good/releases", Reply::ok(releases())),
        ("/repos/o/cut/releases", cut()),
        ("/repos/o/big/releases", Reply::ok(vec![b' '; 2 << 20])),
        ("/repos/o/silent/releases", Reply::hang()),
    ])
    .await;
    server.sequence(
        "/repos/o/cut-once/releases",
        vec![cut(), Reply::ok(releases())],
    );
    // Three pages of one release each, linked by `Link: rel="next"`.
    for repo in ["paged", "over-budget"] {
        let page = |n: u32| format!("/repos/o/{repo}/releases?per_page=100&page={n}");
        for n in 1..=3 {
            let mut reply = Reply::ok(one_release(&format!("v0.3{}.0", 9 - n)));
            if n < 3 {
                let next = server.url(&page(n + 1));
                reply = reply.with_header("link", &format!("<{next}>; rel=\"next\""));
            }
            server.set(&page(n), reply);
        }
    }
    let text = config(&[
        support::hostile_plugin("hostile", ""),
        support::hostile_plugin("hostile-small", "max-response-mib = 1"),
        support::hostile_plugin(
            "hostile-impatient",
            "request-timeout-secs = 1\ntimeout-secs = 20",
        ),
        support::hostile_plugin("hostile-three", "max-http-calls = 3"),
        support::hostile_plugin("hostile-two", "max-http-calls = 2"),
        hostile_watch("good", "hostile", &server, "good"),
        hostile_watch("cut-once", "hostile", &server, "cut-once"),
        hostile_watch("cut", "hostile", &server, "cut"),
        hostile_watch("big", "hostile-small", &server, "big"),
        hostile_watch("silent", "hostile-impatient", &server, "silent"),
        hostile_watch("paged", "hostile-three", &server, "paged"),
        hostile_watch("over-budget", "hostile-two", &server, "over-budget"),
    ]);
    let started = std::time::Instant::now();
    let report = check(&text, runtime(&server, policy(1), None)).await;

    assert_eq!(latest(&report, "good"), Some("0.38.0"));
    assert_eq!(
        latest(&report, "cut-once"),
        Some("0.38.0"),
        "retried after the cut"
    );
    assert_eq!(seen_for(&server, "/repos/o/cut-once/releases").len(), 2);
    expect_error(&report, "cut", "network", "broke off");
    assert_eq!(
        seen_for(&server, "/repos/o/cut/releases").len(),
        2,
        "one retry"
    );
    expect_error(&report, "big", "denied", "larger than the 1048576-byte cap");
    expect_error(&report, "silent", "network", "timed out");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "the request timeout fired, not the poll's: {:?}",
        started.elapsed()
    );
    assert_eq!(seen_for(&server, "/repos/o/silent/releases").len(), 2);
    assert_eq!(latest(&report, "paged"), Some("0.38.0"));
    assert_eq!(
        seen_for(&server, "/repos/o/paged/releases").len(),
        3,
        "three pages"
    );
    expect_error(&report, "over-budget", "denied", "budget of 2 requests");
    assert_eq!(
        seen_for(&server, "/repos/o/over-budget/releases").len(),
        2,
        "the third page is not fetched"
    );
    assert_eq!(report.errors.len(), 4, "{:#?}", report.errors);
}

/// The user's token goes to built-in trackers and to third-party ones whose config says
/// `github-token = true`; any other tracker calls GitHub anonymously.
#[tokio::test(flavor = "multi_thread")]
async fn only_trusted_trackers_get_the_token() {
    let server = Server::start(vec![
        ("/repos/o/anonymous/releases", Reply::ok(releases())),
        ("/repos/o/trusted/releases", Reply::ok(releases())),
        ("/repos/o/builtin/releases", Reply::ok(releases())),
    ])
    .await;
    let text = config(&[
        support::hostile_plugin("hostile", ""),
        support::hostile_plugin("hostile-trusted", "github-token = true"),
        hostile_watch("anonymous", "hostile", &server, "anonymous"),
        hostile_watch("trusted", "hostile-trusted", &server, "trusted"),
        builtin_watch("builtin", "builtin"),
    ]);
    let report = check(&text, runtime(&server, policy(0), None)).await;
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    let authorization = |repo: &str| {
        let seen = seen_for(&server, &format!("/repos/o/{repo}/releases"));
        assert_eq!(seen.len(), 1, "{repo}: {seen:?}");
        seen[0].headers.get("authorization").cloned()
    };
    assert_eq!(authorization("anonymous"), None);
    let bearer = format!("Bearer {TOKEN}");
    assert_eq!(authorization("trusted").as_deref(), Some(bearer.as_str()));
    assert_eq!(authorization("builtin").as_deref(), Some(bearer.as_str()));
    assert!(
        !format!("{report:?}").contains(TOKEN),
        "the token reaches no report"
    );
}
