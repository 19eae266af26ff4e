//! The network layer under faults, against loopback servers: retries, rate limits that pause
//! one host only, broken and truncated bodies, a server that never answers; the last good data
//! standing in with its age; conditional requests that make an unchanged upstream cost a 304.

use std::sync::Arc;
use std::time::Duration;

use rollcall::evaluate::Status;
use rollcall::net::{HttpClient, NetPolicy};
use rollcall::report::Report;
use rollcall::run::Keep;
use rollcall::store::Store;

use crate::support::{self, Reply, Server};

fn kernel_json() -> Vec<u8> {
    support::fixture("kernel.org/releases-2020-12-14.excerpt.json")
}

/// One `kernel-org` watch per server, each shipping 5.10.1 in a static distro.
fn config(servers: &[(&str, &Server)], extra: &str) -> String {
    let mut text = format!(
        "[distros.lab]\nkind = \"static\"\npackages = {{ kernel = \"5.10.1\" }}\n\n[plugins.kernel-org]\nrequest-timeout-secs = 1\n\n{extra}\n"
    );
    for (name, server) in servers {
        text.push_str(&format!(
            "[[watch]]\nname = \"{name}\"\ntracker = \"kernel-org\"\nsettings = {{ base-url = \"{}\" }}\npackages = {{ lab = \"kernel\" }}\n\n",
            server.url("")
        ));
    }
    text
}

fn policy() -> NetPolicy {
    NetPolicy {
        retries: 2,
        backoff: Duration::from_millis(20),
        ..NetPolicy::default()
    }
}

async fn check(text: &str, store: &Arc<Store>, policy: NetPolicy) -> Report {
    let config = support::config(text);
    let http = HttpClient::new()
        .expect("client")
        .with_policy(policy)
        .with_cache(store.clone());
    let runtime = support::runtime_with_http(http);
    rollcall::run::check_with(
        &config,
        runtime,
        support::today(),
        Some(Keep {
            store,
            retention: rollcall::store::Retention::ALL,
        }),
        None,
    )
    .await
    .expect("the run completes")
}

fn store() -> (tempfile::TempDir, Arc<Store>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("rollcall.db")).expect("store");
    (dir, Arc::new(store))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_error_is_retried() {
    let server = Server::start(vec![]).await;
    server.sequence(
        "/releases.json",
        vec![
            Reply::status(500, "oops"),
            Reply::status(503, "busy"),
            Reply::ok(kernel_json()),
        ],
    );
    let (_dir, store) = store();
    let report = check(&config(&[("linux", &server)], ""), &store, policy()).await;
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    assert_eq!(report.verdicts[0].status, Status::Current);
    assert_eq!(server.seen().len(), 3, "two retries, then success");
}

#[tokio::test(flavor = "multi_thread")]
async fn retry_after_pauses_only_the_host_that_asked() {
    let limited = Server::start(vec![]).await;
    limited.sequence(
        "/releases.json",
        vec![
            Reply::status(429, "slow down").with_header("retry-after", "1"),
            Reply::ok(kernel_json()),
        ],
    );
    let other = Server::start(vec![("/releases.json", Reply::ok(kernel_json()))]).await;
    // The other host is polled after the first refusal and long before the pause ends.
    let (_dir, store) = store();
    let text = config(&[("limited", &limited), ("other", &other)], "");
    let started = std::time::Instant::now();
    let report = check(&text, &store, policy()).await;
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    let seen = limited.seen();
    assert_eq!(seen.len(), 2);
    let waited = seen[1].at - seen[0].at;
    assert!(
        waited >= Duration::from_millis(950),
        "Retry-After honoured: {waited:?}"
    );
    let other_at = other.seen()[0].at;
    assert!(other_at < seen[1].at, "the other host was not paused");
    assert!(
        other_at - started < Duration::from_millis(900),
        "{:?}",
        other_at - started
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_long_rate_limit_fails_fast_with_its_own_kind() {
    let server = Server::start(vec![(
        "/releases.json",
        Reply::status(429, "slow down").with_header("retry-after", "3600"),
    )])
    .await;
    let (_dir, store) = store();
    let report = check(&config(&[("linux", &server)], ""), &store, policy()).await;
    assert_eq!(
        report.errors[0].kind, "rate-limited",
        "{:#?}",
        report.errors
    );
    assert!(
        report.errors[0].message.contains("3600"),
        "{}",
        report.errors[0].message
    );
    assert_eq!(
        server.seen().len(),
        1,
        "no request while the host is paused"
    );
}

/// A good run, then each fault: the fault is an error of the right kind, and the verdict is
/// still computed from the last good data, saying how old it is.
#[tokio::test(flavor = "multi_thread")]
async fn broken_transfers_fall_back_to_the_last_good_data_with_its_age() {
    let truncated_gzip = {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&kernel_json()).expect("gzip");
        let full = gz.finish().expect("gzip");
        full[..full.len() / 2].to_vec()
    };
    let faults: Vec<(&str, Reply, &str)> = vec![
        (
            "a body cut mid-way",
            Reply::raw(b"HTTP/1.1 200 OK\r\ncontent-length: 5000\r\ncontent-type: application/json\r\n\r\n{\"releases\": [".to_vec()),
            "network",
        ),
        (
            "a truncated gzip body",
            Reply::raw(
                [
                    format!(
                        "HTTP/1.1 200 OK\r\ncontent-encoding: gzip\r\ncontent-length: {}\r\n\r\n",
                        truncated_gzip.len()
                    )
                    .into_bytes(),
                    truncated_gzip.clone(),
                ]
                .concat(),
            ),
            "network",
        ),
        ("a server that never answers", Reply::hang(), "network"),
        ("a 500 that does not go away", Reply::status(500, "down"), "upstream-status"),
    ];
    for (what, fault, kind) in faults {
        let server = Server::start(vec![("/releases.json", Reply::ok(kernel_json()))]).await;
        let (_dir, store) = store();
        let text = config(&[("linux", &server)], "");
        let good = check(&text, &store, policy()).await;
        assert!(good.errors.is_empty(), "{what}: {:#?}", good.errors);

        server.set("/releases.json", fault);
        let fast = NetPolicy {
            retries: 1,
            ..policy()
        };
        let report = check(&text, &store, fast).await;
        assert_eq!(report.errors.len(), 1, "{what}: {:#?}", report.errors);
        assert_eq!(
            report.errors[0].kind, kind,
            "{what}: {}",
            report.errors[0].message
        );
        let v = &report.verdicts[0];
        assert_eq!(v.status, Status::Current, "{what}: {}", v.explanation);
        assert!(
            v.explanation.contains("old: the last poll failed"),
            "{what}: {}",
            v.explanation
        );
        assert_eq!(store.run_count().expect("runs"), 2, "{what}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unchanged_upstream_costs_a_304() {
    let server = Server::start(vec![(
        "/releases.json",
        Reply::ok(kernel_json()).with_header("etag", "\"v1\""),
    )])
    .await;
    let (_dir, store) = store();
    let text = config(&[("linux", &server)], "");
    let first = check(&text, &store, policy()).await;
    let second = check(&text, &store, policy()).await;
    assert!(first.errors.is_empty() && second.errors.is_empty());
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].status, 200);
    assert_eq!(
        seen[1].headers.get("if-none-match").map(String::as_str),
        Some("\"v1\"")
    );
    assert_eq!(seen[1].status, 304, "the second run revalidated");
    assert_eq!(
        first.verdicts, second.verdicts,
        "same answer from the cache"
    );
}
