//! A store filled by the engine itself, the way a few days of `rollcall check` fill it: the
//! verdicts, poll health and host budgets are what `rollcall::run::check_with` makes of the
//! recorded upstream feeds in tests/fixtures (see SOURCES.md), served by loopback servers, one
//! per real host. No verdict is written here; where a feed is old (Ceph's release index is of
//! December 2023) the verdicts say what that data implies (Tumbleweed's Ceph 19 is `ahead`).
//! Shared by the dashboard tests and its benchmark.
//!
//! The config has the shape of the embedded default (host/src/default.toml): the same ten
//! watches with the same names, trackers and support sources, each pointed at its loopback
//! server, over `static` distros that list versions as Tumbleweed, Leap 16.0, Leap 15.6, the
//! Uyuni images and Debian 12 write them (Debian's from its bookworm `Sources`). The feeds end
//! in August 2026, so the runs evaluate as of late November 2026. Three runs:
//! - [`EARLIER`], three days before: Tumbleweed had the 7.1 kernel and Salt 3008.1, Debian
//!   glibc `deb12u13`, the Uyuni image 2024.10;
//! - [`NOW`], the same watches with those packages updated;
//! - [`NOW`], `cloudfoundry-cli` alone (the daemon stores one run per due set of watches),
//!   which GitHub refuses with a spent rate limit (403, `x-ratelimit-remaining: 0`). No
//!   recorded feed of `cloudfoundry/cli` exists, so it is the one refused; and it runs alone
//!   because a rate limit pauses the whole host: beside the other GitHub trackers, which of
//!   them failed would depend on timing.
//!
//! [`glibc_moves_on`] adds a fourth, an hour later, in which glibc's ref advertisement has
//! gained a `glibc-2.43` tag; [`fill_large`] repeats [`fill`]'s newest verdicts for size.
//!
//! The runs happen now. Afterwards each is moved to its fixed time and the loopback addresses
//! are given the names of the hosts they stand for, by SQL on the store's tables, so the
//! screens do not change from one run of the tests to the next. Poll durations are measured
//! and left as they are (the trackers snapshot blanks them).

use std::path::PathBuf;
use std::sync::Arc;

use rollcall::evaluate::Verdict;
use rollcall::net::HttpClient;
use rollcall::net::github::GithubClient;
use rollcall::report::Report;
use rollcall::run::Keep;
use rollcall::runtime::{Runtime, RuntimeOptions, Services};
use rollcall::store::{RunRecord, Store};

use crate::support::{self, Reply, Server};

/// The moment the newest run finished; the dashboard tests look at the store from here.
pub const NOW: &str = "2026-11-26T09:00:00Z";
/// Unix seconds of [`NOW`].
pub const NOW_UNIX: i64 = 1_795_683_600;
/// The older run.
pub const EARLIER: &str = "2026-11-23T06:00:00Z";
/// The day of [`NOW`], which the newest runs evaluate as of.
pub const TODAY: &str = "2026-11-26";
/// Between the two runs: what the changes screen starts from.
pub const SINCE: &str = "2026-11-24T00:00:00Z";

/// What each distro ships: (distro, package, at [`EARLIER`], at [`NOW`]).
#[rustfmt::skip]
const SHIPPED: &[(&str, &str, &str, &str)] = &[
    ("tumbleweed", "kernel-default", "7.1.9-1.1", "7.2.0-1.1"),
    ("tumbleweed", "glibc", "2.42-4.1", "2.42-4.1"),
    ("tumbleweed", "kubernetes1.35-client", "1.35.7-1.1", "1.35.7-1.1"),
    ("tumbleweed", "kubernetes1.36-client", "1.36.4-1.1", "1.36.4-1.1"),
    ("tumbleweed", "ceph", "19.2.3.1+g1a2b3c4-1.1", "19.2.3.1+g1a2b3c4-1.1"),
    ("tumbleweed", "salt", "3008.1-1.1", "3008.2-1.1"),
    ("tumbleweed", "podman", "6.1.0-1.1", "6.1.0-1.1"),
    ("tumbleweed", "skopeo", "1.20.0+git20251101.4a1b2c3-1.1", "1.20.0+git20251101.4a1b2c3-1.1"),
    ("tumbleweed", "buildah", "1.38.0-1.1", "1.38.0-1.1"),
    ("tumbleweed", "cf-cli", "8.17.0-1.1", "8.17.0-1.1"),
    ("leap-16.0", "kernel-default", "6.12.0-160000.5.1", "6.12.0-160000.5.1"),
    ("leap-16.0", "glibc", "2.40-160000.2.2", "2.40-160000.2.2"),
    ("leap-16.0", "kubernetes1.33-client", "1.33.4-160000.1.1", "1.33.4-160000.1.1"),
    ("leap-16.0", "salt", "3006.0-160000.3.1", "3006.0-160000.3.1"),
    ("leap-16.0", "podman", "5.4.2-160000.1.3", "5.4.2-160000.1.3"),
    ("leap-16.0", "skopeo", "1.17.0-160000.1.2", "1.17.0-160000.1.2"),
    ("leap-16.0", "buildah", "1.37.5-160000.1.1", "1.37.5-160000.1.1"),
    ("leap-15.6", "kernel-default", "6.4.0-150600.23.25.1", "6.4.0-150600.23.25.1"),
    ("leap-15.6", "glibc", "2.38-150600.14.17.2", "2.38-150600.14.17.2"),
    ("leap-15.6", "ceph", "16.2.15.94+g1d1ee06-150500.1.1", "16.2.15.94+g1d1ee06-150500.1.1"),
    ("leap-15.6", "salt", "3006.0-150500.4.56.1", "3006.0-150500.4.56.1"),
    ("leap-15.6", "podman", "4.9.5-150500.3.9.1", "4.9.5-150500.3.9.1"),
    ("leap-15.6", "skopeo", "1.14.4-150300.11.13.1", "1.14.4-150300.11.13.1"),
    ("leap-15.6", "buildah", "1.35.4-150500.3.25.1", "1.35.4-150500.3.25.1"),
    ("leap-15.6", "cf-cli", "8.17.0-1.1", "8.17.0-1.1"),
    ("uyuni-images", "uyuni/server", "2024.10", "2024.12"),
    ("debian-12", "linux", "6.1.176-1", "6.1.176-1"),
    ("debian-12", "glibc", "2.36-9+deb12u13", "2.36-9+deb12u14"),
    ("debian-12", "kubernetes", "1.20.5+really1.20.2-1.1+deb12u1", "1.20.5+really1.20.2-1.1+deb12u1"),
    ("debian-12", "ceph", "16.2.15+ds-0+deb12u2", "16.2.15+ds-0+deb12u2"),
    ("debian-12", "libpod", "4.3.1+ds1-8+deb12u1", "4.3.1+ds1-8+deb12u1"),
    ("debian-12", "skopeo", "1.9.3+ds1-1", "1.9.3+ds1-1"),
    ("debian-12", "golang-github-containers-buildah", "1.28.2+ds1-3+deb12u1", "1.28.2+ds1-3+deb12u1"),
];

/// The distros: (name, title, extra keys).
const DISTROS: &[(&str, &str, &str)] = &[
    ("tumbleweed", "openSUSE Tumbleweed", ""),
    ("leap-16.0", "openSUSE Leap 16.0", ""),
    ("leap-15.6", "openSUSE Leap 15.6", ""),
    ("uyuni-images", "Uyuni server images", ""),
    ("debian-12", "Debian 12 (bookworm)", "family = \"deb\"\n"),
];

/// The GitHub repositories the trackers read, and the recorded releases of each.
const GITHUB: &[(&str, &str)] = &[
    ("kubernetes/kubernetes", "github/kubernetes-releases.json"),
    ("saltstack/salt", "github/salt-releases.json"),
    ("containers/podman", "github/podman-releases.json"),
    ("containers/skopeo", "github/skopeo-releases.json"),
    ("containers/buildah", "github/buildah-releases.json"),
    ("uyuni-project/uyuni", "github/uyuni-releases.json"),
];

/// Which state of the world a run sees.
#[derive(Clone, Copy, PartialEq)]
enum When {
    Earlier,
    Now,
}

/// The loopback upstreams, one server per host the trackers really read.
struct Upstreams {
    kernel: Server,
    sourceware: Server,
    raw_github: Server,
    endoflife: Server,
    github: Server,
}

impl Upstreams {
    /// Every recorded feed; glibc's with a `glibc-2.43` tag added when `glibc_2_43`.
    async fn start(glibc_2_43: bool) -> Self {
        let feed = |path: &str| Reply::ok(support::fixture(path));
        let mut refs = support::fixture("git/glibc.info-refs");
        if glibc_2_43 {
            // One more pkt-line before the closing flush, as the advertisement has it for
            // every tag.
            let line = "0f2d1a57e3b4a7d8c1f2e3d4c5b6a7980a1b2c3d refs/tags/glibc-2.43\n";
            let end = refs.len() - 4;
            assert_eq!(&refs[end..], b"0000", "the advertisement ends with a flush");
            let flush = refs.split_off(end);
            refs.extend(format!("{:04x}{line}", line.len() + 4).into_bytes());
            refs.extend(flush);
        }
        let github = Server::start(vec![]).await;
        for (repo, fixture) in GITHUB {
            github.set(&format!("/repos/{repo}/releases"), feed(fixture));
        }
        github.set("/repos/cloudfoundry/cli/releases", spent_rate_limit());
        Self {
            kernel: Server::start(vec![(
                "/releases.json",
                feed("kernel.org/releases-2020-12-14.excerpt.json"),
            )])
            .await,
            sourceware: Server::start(vec![("/git/glibc.git/info/refs", Reply::ok(refs))]).await,
            raw_github: Server::start(vec![(
                "/ceph/ceph/main/doc/releases/releases.yml",
                feed("ceph/releases.yml"),
            )])
            .await,
            endoflife: Server::start(vec![
                (
                    "/api/linux-kernel.json",
                    feed("endoflife/linux-kernel.json"),
                ),
                ("/api/kubernetes.json", feed("endoflife/kubernetes.json")),
                ("/api/salt.json", feed("endoflife/salt.json")),
                ("/api/podman.json", feed("endoflife/podman.json")),
            ])
            .await,
            github,
        }
    }

    /// Each server's address (`127.0.0.1:PORT`) and the host it stands for.
    fn names(&self) -> Vec<(String, &'static str)> {
        let addr = |s: &Server| s.url("").trim_start_matches("http://").to_owned();
        vec![
            (addr(&self.kernel), "www.kernel.org"),
            (addr(&self.sourceware), "sourceware.org"),
            (addr(&self.raw_github), "raw.githubusercontent.com"),
            (addr(&self.endoflife), "endoflife.date"),
            (addr(&self.github), "api.github.com"),
        ]
    }

    /// The config: the default's watches for which `wanted` holds, over the static distros.
    fn config(&self, when: When, wanted: impl Fn(&str) -> bool) -> String {
        let mut text = String::new();
        for (name, title, extra) in DISTROS {
            let packages: Vec<String> = SHIPPED
                .iter()
                .filter(|s| s.0 == *name)
                .map(|(_, package, earlier, now)| {
                    let version = if when == When::Earlier { earlier } else { now };
                    format!("{package:?} = {version:?}")
                })
                .collect();
            text.push_str(&format!(
                "[distros.{name:?}]\nkind = \"static\"\ntitle = {title:?}\n{extra}packages = {{ {} }}\n\n",
                packages.join(", ")
            ));
        }
        let endoflife = self.endoflife.url("");
        let support = |product: &str| {
            format!(
                "support = {{ tracker = \"endoflife\", settings = {{ product = \"{product}\", base-url = \"{endoflife}\" }} }}\n"
            )
        };
        let watches = [
            (
                "linux",
                "kernel-org",
                format!(
                    "settings = {{ base-url = \"{}\" }}\n{}policies = [\"lts-only\"]\n",
                    self.kernel.url(""),
                    support("linux-kernel")
                ),
                "tumbleweed = \"kernel-default\", \"leap-16.0\" = \"kernel-default\", \"leap-15.6\" = \"kernel-default\", debian-12 = \"linux\"",
            ),
            (
                "glibc",
                "glibc",
                format!(
                    "settings = {{ base-url = \"{}\" }}\n",
                    self.sourceware.url("/git/glibc.git")
                ),
                "tumbleweed = \"glibc\", \"leap-16.0\" = \"glibc\", \"leap-15.6\" = \"glibc\", debian-12 = \"glibc\"",
            ),
            (
                "kubernetes",
                "kubernetes",
                format!("{}scheme = \"semver\"\n", support("kubernetes")),
                "tumbleweed = \"kubernetes1.*-client\", \"leap-16.0\" = \"kubernetes1.*-client\", \"leap-15.6\" = \"kubernetes1.*-client\", debian-12 = \"kubernetes\"",
            ),
            (
                "ceph",
                "ceph",
                format!(
                    "settings = {{ base-url = \"{}\" }}\nline = \"major\"\n",
                    self.raw_github
                        .url("/ceph/ceph/main/doc/releases/releases.yml")
                ),
                "tumbleweed = \"ceph\", \"leap-15.6\" = \"ceph\", debian-12 = \"ceph\"",
            ),
            (
                "salt",
                "salt",
                format!("{}line = \"major\"\n", support("salt")),
                "tumbleweed = \"salt\", \"leap-16.0\" = \"salt\", \"leap-15.6\" = \"salt\"",
            ),
            (
                "uyuni",
                "uyuni",
                String::new(),
                "uyuni-images = \"uyuni/server\"",
            ),
            (
                "podman",
                "podman",
                support("podman"),
                "tumbleweed = \"podman\", \"leap-16.0\" = \"podman\", \"leap-15.6\" = \"podman\", debian-12 = \"libpod\"",
            ),
            (
                "skopeo",
                "skopeo",
                String::new(),
                "tumbleweed = \"skopeo\", \"leap-16.0\" = \"skopeo\", \"leap-15.6\" = \"skopeo\", debian-12 = \"skopeo\"",
            ),
            (
                "buildah",
                "buildah",
                String::new(),
                "tumbleweed = \"buildah\", \"leap-16.0\" = \"buildah\", \"leap-15.6\" = \"buildah\", debian-12 = \"golang-github-containers-buildah\"",
            ),
            (
                "cloudfoundry-cli",
                "cloudfoundry",
                "settings = { repository = \"cloudfoundry/cli\" }\n".to_owned(),
                "tumbleweed = \"cf-cli\", \"leap-15.6\" = \"cf-cli\"",
            ),
        ];
        for (name, tracker, extra, packages) in watches {
            if wanted(name) {
                text.push_str(&format!(
                    "[[watch]]\nname = \"{name}\"\ntracker = \"{tracker}\"\n{extra}packages = {{ {packages} }}\n\n"
                ));
            }
        }
        text
    }

    /// A runtime of its own for each run, as each `rollcall check` has (budgets are counted per
    /// client), with GitHub reached anonymously, as by a user who set no token. Compiled
    /// trackers are kept in the target directory, so only the first run compiles them.
    fn runtime(&self) -> Arc<Runtime> {
        let http = HttpClient::new().expect("http client");
        let base = self.github.url("/").parse().expect("a URL");
        let github = GithubClient::new(http.clone(), &base, None).expect("github client");
        Arc::new(
            Runtime::new(RuntimeOptions {
                cache_dir: Some(
                    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("dashboard-components"),
                ),
                max_memory_bytes: 256 << 20,
                services: Arc::new(Services {
                    http,
                    github: Some(github),
                }),
            })
            .expect("runtime"),
        )
    }

    /// Runs `config` as of `today` into `store`, then moves the run to `at` and names the
    /// servers by their hosts.
    async fn check(&self, store: &Store, config: &str, today: &str, at: &str) {
        let config = support::config(config);
        let report = rollcall::run::check_with(
            &config,
            self.runtime(),
            today.parse().expect("a day"),
            Some(Keep {
                store,
                retention: rollcall::store::Retention::ALL,
            }),
            None,
        )
        .await
        .expect("the run completes");
        settle(store, &report, at, &self.names());
    }
}

/// GitHub's answer once the anonymous hourly budget is spent.
fn spent_rate_limit() -> Reply {
    Reply::status(
        403,
        r#"{"message":"API rate limit exceeded for 203.0.113.7. (But here's the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)","documentation_url":"https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"}"#,
    )
    .with_header("x-ratelimit-limit", "60")
    .with_header("x-ratelimit-remaining", "0")
    .with_header("x-ratelimit-used", "60")
    .with_header("x-ratelimit-reset", &(NOW_UNIX + 3600).to_string())
    .with_header("retry-after", "3600")
}

/// Columns the store fills with the time of the run.
const TIMES: &[(&str, &str)] = &[
    ("shipped", "first_seen"),
    ("shipped", "last_seen"),
    ("upstream", "fetched_at"),
    ("poll_latest", "at"),
    ("releases", "first_seen"),
    ("releases", "last_seen"),
    ("releases", "gone_since"),
    ("releases", "unlisted_since"),
    ("lines", "first_seen"),
    ("lines", "last_seen"),
    ("lines", "gone_since"),
    ("lines", "unlisted_since"),
];

/// Columns whose text can carry a URL or a host.
const TEXTS: &[(&str, &str)] = &[
    ("runs", "report"),
    ("verdict_spans", "verdict"),
    ("poll_latest", "error"),
    ("poll_latest", "denials"),
    ("hosts", "host"),
];

/// Moves the newest run from the wall clock to `at` (a refused host's pause, asked for an hour,
/// ends an hour after it), and gives each loopback address the name of its host.
fn settle(store: &Store, report: &Report, at: &str, names: &[(String, &str)]) {
    let db = rusqlite::Connection::open(store.path()).expect("a second connection");
    let sql = |statement: &str, params: &[&dyn rusqlite::ToSql]| {
        db.execute(statement, params)
            .unwrap_or_else(|e| panic!("{statement}: {e}"));
    };
    let run: i64 = db
        .query_row("SELECT max(id) FROM runs", [], |r| r.get(0))
        .expect("the run was stored");
    let real = report.generated_at.as_str();
    sql(
        "UPDATE runs SET started_at = ?2, finished_at = ?2, report = replace(report, ?3, ?2) WHERE id = ?1",
        &[&run, &at, &real],
    );
    for (table, column) in TIMES {
        sql(
            &format!("UPDATE {table} SET {column} = ?2 WHERE {column} = ?1"),
            &[&real, &at],
        );
    }
    let at_unix = time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339)
        .expect("an RFC 3339 time");
    let hour_later = (at_unix + time::Duration::hours(1))
        .format(&time::format_description::well_known::Rfc3339)
        .expect("formats");
    sql(
        "UPDATE hosts SET paused_until = ?2 WHERE run_id = ?1 AND paused_until IS NOT NULL",
        &[&run, &hour_later],
    );
    // The upstream data is kept compressed: renamed in Rust, row by row.
    let rows: Vec<(String, String, Vec<u8>)> = {
        let mut stmt = db
            .prepare("SELECT watch, role, data FROM upstream")
            .expect("select");
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("rows")
    };
    for (watch, role, data) in rows {
        let value: serde_json::Value = rollcall::store::unpack(&data).expect("stored data");
        let mut text = value.to_string();
        for (addr, host) in names {
            text = text
                .replace(&format!("http://{addr}"), &format!("https://{host}"))
                .replace(addr.as_str(), &format!("{host}:443"));
        }
        let renamed: serde_json::Value = serde_json::from_str(&text).expect("json");
        sql(
            "UPDATE upstream SET data = ?3 WHERE watch = ?1 AND role = ?2",
            &[&watch, &role, &rollcall::store::pack(&renamed)],
        );
    }
    for (addr, host) in names {
        for (table, column) in TEXTS {
            sql(
                &format!(
                    "UPDATE {table} SET {column} = replace(replace({column}, ?1, ?2), ?3, ?4)"
                ),
                &[
                    &format!("http://{addr}"),
                    &format!("https://{host}"),
                    addr,
                    &format!("{host}:443"),
                ],
            );
        }
    }
}

/// Runs `f` on a Tokio runtime of its own: the callers are plain tests and a benchmark.
fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a Tokio runtime")
        .block_on(f)
}

/// Fills `store` with the three runs.
pub fn fill(store: &Store) {
    block_on(async {
        let up = Upstreams::start(false).await;
        let all_but_refused = |name: &str| name != "cloudfoundry-cli";
        up.check(
            store,
            &up.config(When::Earlier, all_but_refused),
            &EARLIER[..10],
            EARLIER,
        )
        .await;
        up.check(store, &up.config(When::Now, all_but_refused), TODAY, NOW)
            .await;
        up.check(
            store,
            &up.config(When::Now, |name| name == "cloudfoundry-cli"),
            TODAY,
            NOW,
        )
        .await;
    });
}

/// A store with `rows` verdicts, for the benchmark and the live-update tests: [`fill`]'s newest
/// verdicts (and each watch's merged upstream data), repeated over watches renamed `NAME-0000`,
/// `NAME-0001`, … in one run at [`NOW`].
pub fn fill_large(store: &Store, rows: usize) {
    let dir = tempfile::tempdir().expect("tempdir");
    let filled = Store::open(&dir.path().join("filled.db")).expect("store");
    fill(&filled);
    let newest: Vec<Verdict> = filled
        .current_verdicts()
        .expect("verdicts")
        .into_iter()
        .map(|v| v.verdict)
        .collect();
    let mut names: Vec<&str> = newest.iter().map(|v| v.watch.as_str()).collect();
    names.dedup();
    let mut verdicts = Vec::with_capacity(rows);
    let mut merged = Vec::new();
    let mut copy = 0;
    while verdicts.len() < rows {
        for v in newest.iter().take(rows - verdicts.len()) {
            let mut verdict = v.clone();
            verdict.watch = format!("{}-{copy:04}", v.watch);
            verdicts.push(verdict);
        }
        for name in &names {
            if let Some(data) = filled.merged_data(name).expect("merged data") {
                merged.push((
                    format!("{name}-{copy:04}"),
                    rollcall::store::Packed::of(&data.data),
                ));
            }
        }
        copy += 1;
    }
    let mut report = Report::new(
        "rollcall.toml".to_owned(),
        verdicts,
        Vec::new(),
        copy as u32,
    );
    report.generated_at = NOW.to_owned();
    let run = RunRecord {
        started_at: NOW.to_owned(),
        today: TODAY.to_owned(),
        report: &report,
        polls: Vec::new(),
        answered: Vec::new(),
        merged,
        hosts: Vec::new(),
    };
    store
        .record_run(&run, rollcall::store::Retention::ALL)
        .expect("the run is stored");
}

/// A run an hour after [`fill`]'s newest, as the daemon would store it: glibc alone, whose
/// repository has gained the `glibc-2.43` tag.
pub fn glibc_moves_on(store: &Store) {
    block_on(async {
        let up = Upstreams::start(true).await;
        up.check(
            store,
            &up.config(When::Now, |name| name == "glibc"),
            TODAY,
            "2026-11-26T10:00:00Z",
        )
        .await;
    });
}

/// The store holds what the dashboard is there to show, all from the engine: every status, a
/// rate-limited poll, a spent host budget, and no loopback address left.
#[test]
fn dashboard_data_has_every_status_a_failing_poll_and_real_host_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("rollcall.db")).expect("store");
    fill(&store);
    let verdicts = store.current_verdicts().expect("verdicts");
    for status in [
        "eol",
        "eol-soon",
        "error",
        "behind",
        "missing",
        "unknown",
        "superseded",
        "ahead",
        "current",
    ] {
        assert!(
            verdicts.iter().any(|v| v.verdict.status.as_str() == status),
            "no `{status}` verdict"
        );
    }
    assert!(verdicts.iter().all(|v| v.at == NOW));
    let failing: Vec<_> = store
        .latest_polls()
        .expect("polls")
        .into_iter()
        .filter(|p| p.poll.error.is_some())
        .collect();
    assert_eq!(failing.len(), 1, "{failing:?}");
    assert_eq!(failing[0].poll.outcome, "rate-limited");
    assert_eq!(failing[0].poll.watch, "cloudfoundry-cli");
    let github = store
        .host_budgets()
        .expect("budgets")
        .into_iter()
        .find(|h| h.host == "api.github.com:443")
        .expect("GitHub's budget");
    assert_eq!((github.remaining, github.quota), (Some(0), Some(60)));
    assert_eq!(github.paused_until.as_deref(), Some("2026-11-26T10:00:00Z"));
    assert_eq!(
        (github.refused, github.github),
        (1, true),
        "the refused poll is counted on GitHub's API host"
    );

    let db = rusqlite::Connection::open(store.path()).expect("connection");
    for (table, column) in TEXTS {
        let left: i64 = db
            .query_row(
                &format!("SELECT count(*) FROM {table} WHERE {column} LIKE '%127.0.0.1%'"),
                [],
                |r| r.get(0),
            )
            .expect("counts");
        assert_eq!(left, 0, "a loopback address is left in {table}.{column}");
    }
    let mut stmt = db.prepare("SELECT data FROM upstream").expect("select");
    let data: Vec<Vec<u8>> = stmt
        .query_map([], |r| r.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert!(!data.is_empty());
    for d in data {
        assert!(d.starts_with(&[0x28, 0xB5, 0x2F, 0xFD]), "kept compressed");
        let value: serde_json::Value = rollcall::store::unpack(&d).expect("unpacks");
        assert!(
            !value.to_string().contains("127.0.0.1"),
            "a loopback address is left in upstream.data"
        );
    }
}
