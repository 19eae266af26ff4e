//! Every upstream and generic tracker against a loopback server serving recorded responses in
//! its upstream's format (see tests/fixtures/SOURCES.md), then the error responses each can
//! meet: 404, rate limits (429 with `Retry-After`, GitHub's 403 with `X-RateLimit-Remaining: 0`),
//! malformed bodies and empty lists.

use std::collections::HashMap;

use rollcall::model::{DateSource, ReleaseLine, UpstreamData};
use rollcall::net::{Grant, HostRule};
use rollcall::runtime::{ErrorKind, Limits, PollError};
use rollcall::trackers;

use crate::support::{self, Reply, Server};

/// Polls built-in tracker `name` with `settings`; its `http` and `github` imports both point at
/// `server`.
pub async fn poll(
    name: &str,
    settings: &[(&str, &str)],
    server: &Server,
) -> Result<UpstreamData, PollError> {
    let runtime = support::runtime_with(None, Some((&server.url("/"), "test-token")));
    let plugin = runtime
        .load(trackers::builtin(name).expect("built-in tracker"))
        .await
        .expect("loads");
    let settings: Vec<(String, String)> = settings
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    // Built-in trackers are lent the GitHub token, as `trackers::grant` does for them.
    let grant = Grant::new(vec![
        HostRule::for_url(&server.url("/").parse().expect("url")).expect("rule"),
    ])
    .with_github_token(true);
    runtime
        .poll(&plugin, &settings, grant, Limits::default())
        .await
        .result
}

async fn ok(name: &str, settings: &[(&str, &str)], server: &Server) -> UpstreamData {
    poll(name, settings, server)
        .await
        .unwrap_or_else(|e| panic!("{name} failed: {e}"))
}

fn day(s: &str) -> Option<rollcall::day::Day> {
    Some(s.parse().expect("test day"))
}

fn lines(data: &UpstreamData) -> HashMap<&str, &ReleaseLine> {
    data.lines.iter().map(|l| (l.name.as_str(), l)).collect()
}

fn versions(data: &UpstreamData) -> Vec<&str> {
    data.releases.iter().map(|r| r.version.as_str()).collect()
}

fn github(repo: &str, fixture: &str) -> (String, Reply) {
    (
        format!("/repos/{repo}/releases"),
        Reply::ok(support::fixture(fixture)),
    )
}

async fn github_server(repo: &str, fixture: &str) -> Server {
    let (path, reply) = github(repo, fixture);
    Server::start(vec![(&path, reply)]).await
}

#[tokio::test(flavor = "multi_thread")]
async fn kubernetes_projects_fourteen_months_per_minor() {
    let server = github_server("kubernetes/kubernetes", "github/kubernetes-releases.json").await;
    let data = ok("kubernetes", &[], &server).await;
    assert_eq!(data.releases.len(), 100);
    assert_eq!(data.releases[0].version, "1.36.4", "the `v` is removed");
    assert_eq!(data.releases[0].date, day("2026-08-20"));
    let l = lines(&data);
    assert_eq!(l["1.36"].latest.as_deref(), Some("1.36.4"));
    assert_eq!(l["1.36"].release_date, day("2026-04-22"));
    assert_eq!(
        l["1.36"].end_of_life,
        day("2027-06-22"),
        "1.36.0 + 14 months"
    );
    assert_eq!(l["1.31"].end_of_life, day("2025-10-13"));
    assert!(
        data.lines
            .iter()
            .all(|l| l.end_of_life.is_none() || l.eol_source == DateSource::Projected)
    );
    assert!(
        server.seen()[0]
            .headers
            .get("authorization")
            .is_some_and(|a| a.contains("test-token"))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn salt_lines_are_majors_with_eighteen_months() {
    let server = github_server("saltstack/salt", "github/salt-releases.json").await;
    let data = ok("salt", &[], &server).await;
    let l = lines(&data);
    assert_eq!(l["3008"].latest.as_deref(), Some("3008.2"));
    assert_eq!(l["3006"].latest.as_deref(), Some("3006.27"));
    assert_eq!(
        l["3007"].end_of_life,
        day("2025-09-06"),
        "3007.0 + 18 months"
    );
    assert_eq!(l["3008"].end_of_life, day("2027-11-27"));
}

#[tokio::test(flavor = "multi_thread")]
async fn podman_skopeo_and_buildah_end_a_minor_when_the_next_ships() {
    let server = Server::start(vec![
        {
            let (p, r) = github("containers/podman", "github/podman-releases.json");
            (Box::leak(p.into_boxed_str()) as &str, r)
        },
        {
            let (p, r) = github("containers/skopeo", "github/skopeo-releases.json");
            (Box::leak(p.into_boxed_str()) as &str, r)
        },
        {
            let (p, r) = github("containers/buildah", "github/buildah-releases.json");
            (Box::leak(p.into_boxed_str()) as &str, r)
        },
    ])
    .await;
    let podman = ok("podman", &[], &server).await;
    let l = lines(&podman);
    assert_eq!(l["5.8"].latest.as_deref(), Some("5.8.2"));
    assert_eq!(
        l["5.7"].end_of_life,
        day("2026-02-12"),
        "ends when 5.8.0 ships"
    );
    assert_eq!(l["5.7"].eol_source, DateSource::Projected);
    assert_eq!(l["5.8"].end_of_life, None);
    let rc = podman
        .releases
        .iter()
        .find(|r| r.version == "5.8.0-rc1")
        .expect("rc listed");
    assert!(rc.prerelease);

    let skopeo = ok("skopeo", &[], &server).await;
    let l = lines(&skopeo);
    assert_eq!(l["1.16"].end_of_life, day("2024-11-21"));
    assert!(!l.contains_key("1.18"), "a release candidate opens no line");
    let buildah = ok("buildah", &[], &server).await;
    assert_eq!(lines(&buildah)["1.37"].latest.as_deref(), Some("1.37.5"));
}

#[tokio::test(flavor = "multi_thread")]
async fn uyuni_and_cloudfoundry_maintain_only_the_newest() {
    let server = Server::start(vec![
        {
            let (p, r) = github("uyuni-project/uyuni", "github/uyuni-releases.json");
            (Box::leak(p.into_boxed_str()) as &str, r)
        },
        {
            let (p, r) = github(
                "cloudfoundry/cf-deployment",
                "github/cloudfoundry-releases.json",
            );
            (Box::leak(p.into_boxed_str()) as &str, r)
        },
    ])
    .await;
    let uyuni = ok("uyuni", &[], &server).await;
    assert_eq!(
        versions(&uyuni),
        ["2024.12", "2024.10", "2024.08"],
        "the `Uyuni-` prefix is removed"
    );
    let l = lines(&uyuni);
    assert_eq!(l["2024.10"].end_of_life, day("2024-12-19"));
    assert_eq!(l["2024.12"].end_of_life, None);
    let cf = ok("cloudfoundry", &[], &server).await;
    let l = lines(&cf);
    assert_eq!(l["40"].latest.as_deref(), Some("40.4.0"));
    assert_eq!(l["40"].end_of_life, day("2024-09-16"));
    assert_eq!(l["42"].end_of_life, None);
}

#[tokio::test(flavor = "multi_thread")]
async fn glibc_reads_release_tags_from_the_ref_advertisement() {
    let server = Server::start(vec![(
        "/git/glibc.git/info/refs",
        Reply::ok(support::fixture("git/glibc.info-refs")),
    )])
    .await;
    let data = ok(
        "glibc",
        &[("base-url", &server.url("/git/glibc.git"))],
        &server,
    )
    .await;
    let v = versions(&data);
    assert!(v.contains(&"2.42") && v.contains(&"2.2.5"), "{v:?}");
    assert!(
        !v.iter().any(|v| v.ends_with(".9000")),
        "development markers are not releases"
    );
    assert!(
        !v.iter().any(|v| v.contains('/') || v.contains('_')),
        "cvs/* tags are skipped"
    );
    assert_eq!(lines(&data)["2.42"].latest.as_deref(), Some("2.42"));
    assert_eq!(
        server.seen()[0].target,
        "/git/glibc.git/info/refs?service=git-upload-pack"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn ceph_names_lines_by_major_with_announced_end_of_life() {
    let server = Server::start(vec![(
        "/releases.yml",
        Reply::ok(support::fixture("ceph/releases.yml")),
    )])
    .await;
    let data = ok(
        "ceph",
        &[("base-url", &server.url("/releases.yml"))],
        &server,
    )
    .await;
    let l = lines(&data);
    assert_eq!(l["18"].label.as_deref(), Some("Reef"));
    assert_eq!(l["18"].latest.as_deref(), Some("18.2.1"));
    assert_eq!(l["18"].release_date, day("2023-08-07"));
    assert_eq!(l["18"].end_of_life, day("2025-08-01"), "target_eol");
    assert!(!l["18"].is_eol);
    assert_eq!(
        l["15"].end_of_life,
        day("2022-08-09"),
        "actual_eol wins over target_eol"
    );
    assert!(l["15"].is_eol);
    assert_eq!(l["0.94"].label.as_deref(), Some("Hammer"));
    assert!(
        data.lines
            .iter()
            .all(|l| l.eol_source == DateSource::Announced)
    );
    let dev = data
        .releases
        .iter()
        .find(|r| r.version == "15.1.0")
        .expect("development release");
    assert!(dev.prerelease);
}

#[tokio::test(flavor = "multi_thread")]
async fn github_releases_and_tags_return_tags_as_written() {
    let server = Server::start(vec![
        (
            "/repos/facebook/react/releases",
            Reply::ok(support::fixture(
                "github/releases_with_mixed_tag_formats.json",
            )),
        ),
        (
            "/repos/jonschlinkert/is-number/tags",
            Reply::ok(support::fixture("github/is_number_tags.json")),
        ),
    ])
    .await;
    let react = ok(
        "github-releases",
        &[("repository", "facebook/react")],
        &server,
    )
    .await;
    let v = versions(&react);
    assert!(
        v.contains(&"v18.3.1") && v.contains(&"eslint-plugin-react-hooks@5.0.0"),
        "{v:?}"
    );
    assert!(
        react
            .releases
            .iter()
            .all(|r| r.date.is_some() && r.url.is_some())
    );
    let tags = ok(
        "github-tags",
        &[("repository", "jonschlinkert/is-number")],
        &server,
    )
    .await;
    assert_eq!(
        versions(&tags),
        [
            "4.0.0", "3.0.0", "2.0.2", "2.0.1", "2.0.0", "1.1.0", "1.0.0"
        ]
    );
    assert!(tags.releases.iter().all(|r| r.date.is_none()));
}

#[tokio::test(flavor = "multi_thread")]
async fn gitlab_tags_follow_pages_and_carry_dates() {
    let server = Server::start(vec![(
        "/api/v4/projects/GNOME%2Fgnome-video-arcade/repository/tags",
        Reply::ok(support::fixture(
            "gitlab/gnome-video-arcade.tags.page1.json",
        )),
    )])
    .await;
    let data = ok(
        "gitlab-tags",
        &[
            ("project", "GNOME/gnome-video-arcade"),
            ("base-url", &server.url("")),
        ],
        &server,
    )
    .await;
    assert_eq!(data.releases[0].version, "0.8.8");
    assert!(data.releases.iter().all(|r| r.date.is_some()));
    assert_eq!(data.releases.len(), 20);

    // A `Link: rel="next"` header is followed, relative to the server.
    let mut first =
        Reply::ok(r#"[{"name":"v2.0","commit":{"created_at":"2024-02-01T00:00:00Z"}}]"#);
    first.headers.push((
        "link".into(),
        format!("<{}>; rel=\"next\"", server.url("/page2")),
    ));
    server.set("/api/v4/projects/7/repository/tags", first);
    server.set(
        "/page2",
        Reply::ok(r#"[{"name":"v1.0","created_at":"2023-01-01T00:00:00Z"}]"#),
    );
    let paged = ok(
        "gitlab-tags",
        &[("project", "7"), ("base-url", &server.url(""))],
        &server,
    )
    .await;
    assert_eq!(versions(&paged), ["v2.0", "v1.0"]);
    assert_eq!(paged.releases[1].date, day("2023-01-01"));
}

#[tokio::test(flavor = "multi_thread")]
async fn git_tags_read_real_smart_http_advertisements() {
    let server = Server::start(vec![
        (
            "/k8s/info/refs",
            Reply::ok(support::fixture(
                "git/k8s-apiextensions-apiserver.info-refs",
            )),
        ),
        (
            "/helm-docs/info/refs",
            Reply::ok(support::fixture("git/helm-docs.info-refs")),
        ),
    ])
    .await;
    let data = ok("git-tags", &[("url", &server.url("/k8s"))], &server).await;
    let v = versions(&data);
    assert!(v.contains(&"kubernetes-1.11.0"), "{v:?}");
    assert!(
        !v.iter().any(|t| t.ends_with("^{}")),
        "peeled lines are folded"
    );
    let helm = ok("git-tags", &[("url", &server.url("/helm-docs"))], &server).await;
    assert!(
        versions(&helm).contains(&"v1.11.0"),
        "{:?}",
        versions(&helm)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn regex_scrapes_a_cgit_tag_page() {
    let server = Server::start(vec![(
        "/cgit/refs/tags",
        Reply::ok(support::fixture("cgit/cgit.refs-tags.html")),
    )])
    .await;
    let data = ok(
        "regex",
        &[
            ("url", &server.url("/cgit/refs/tags")),
            ("pattern", r"tag/\?h=v([0-9.]+)'"),
        ],
        &server,
    )
    .await;
    assert_eq!(&versions(&data)[..4], ["1.2.3", "1.2.2", "1.2.1", "1.2"]);

    // Named groups give the version and its date; a pattern the host refuses is a config error.
    server.set(
        "/news",
        Reply::ok(
            "<li>2026-11-02: tool 1.4.2 released</li><li>2026-10-01: tool 1.4.1 released</li>",
        ),
    );
    let named = ok(
        "regex",
        &[
            ("url", &server.url("/news")),
            (
                "pattern",
                r"(?P<date>\d{4}-\d\d-\d\d): tool (?P<version>[0-9.]+) released",
            ),
        ],
        &server,
    )
    .await;
    assert_eq!(versions(&named), ["1.4.2", "1.4.1"]);
    assert_eq!(named.releases[0].date, day("2026-11-02"));
    let refused = poll(
        "regex",
        &[("url", &server.url("/news")), ("pattern", "(unclosed")],
        &server,
    )
    .await;
    assert!(
        matches!(&refused, Err(e) if e.kind() == ErrorKind::Config),
        "{refused:?}"
    );

    let no_group = poll(
        "regex",
        &[
            ("url", &server.url("/cgit/refs/tags")),
            ("pattern", "v[0-9.]+"),
        ],
        &server,
    )
    .await;
    assert!(
        matches!(&no_group, Err(e) if e.kind() == ErrorKind::Config && e.to_string().contains("capture group")),
        "{no_group:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn json_selects_versions_and_dates_by_path() {
    let server = Server::start(vec![
        (
            "/dist/index.json",
            Reply::ok(support::fixture("json/node-index.json")),
        ),
        (
            "/release-data/kubernetes.json",
            Reply::ok(support::fixture("endoflife/release-data/kubernetes.json")),
        ),
    ])
    .await;
    let node = ok(
        "json",
        &[
            ("url", &server.url("/dist/index.json")),
            ("version", "version"),
            ("date", "date"),
        ],
        &server,
    )
    .await;
    assert_eq!(node.releases[0].version, "v16.9.0");
    assert_eq!(node.releases[0].date, day("2021-09-07"));
    let k8s = ok(
        "json",
        &[
            ("url", &server.url("/release-data/kubernetes.json")),
            ("items", "versions.*"),
            ("version", "@key"),
            ("date", "date"),
        ],
        &server,
    )
    .await;
    assert_eq!(k8s.releases.len(), 511);
    let r = k8s
        .releases
        .iter()
        .find(|r| r.version == "1.36.4")
        .expect("1.36.4");
    assert_eq!(r.date, day("2026-08-20"));
}

#[tokio::test(flavor = "multi_thread")]
async fn oci_tags_page_and_answer_the_token_challenge_in_the_host() {
    let server = Server::start(vec![]).await;
    let challenge = format!(
        "Bearer realm=\"{}\",service=\"registry.test\",scope=\"repository:library/python:pull\"",
        server.url("/token")
    );
    let mut unauthorized = Reply::status(401, r#"{"errors":[{"code":"UNAUTHORIZED"}]}"#);
    unauthorized
        .headers
        .push(("www-authenticate".into(), challenge));
    server.set("/v2/library/python/tags/list", unauthorized);
    server.set("/token", Reply::ok(r#"{"token":"registry-token-1"}"#));
    let data = poll(
        "oci-tags",
        &[("registry", &server.url("")), ("image", "library/python")],
        &server,
    )
    .await;
    // The retry carries the token, but this server answers 401 again: a clear error.
    assert!(
        matches!(&data, Err(e) if e.kind() == ErrorKind::Denied),
        "{data:?}"
    );
    let seen = server.seen();
    assert_eq!(
        seen[1].target,
        "/token?service=registry.test&scope=repository%3Alibrary%2Fpython%3Apull"
    );
    assert_eq!(
        seen[2].headers.get("authorization").map(String::as_str),
        Some("Bearer registry-token-1")
    );

    // A registry that answers: two pages, `latest` and signature tags skipped.
    let mut page1 =
        Reply::ok(r#"{"name":"library/ubuntu","tags":["18.04","latest","sha256-abc.sig"]}"#);
    page1.headers.push((
        "link".into(),
        "</v2/library/ubuntu/tags/list?last=latest&n=3>; rel=\"next\"".into(),
    ));
    server.set("/v2/library/ubuntu/tags/list", page1);
    server.set(
        "/v2/library/ubuntu/tags/list?last=latest&n=3",
        Reply::ok(support::fixture("oci/ubuntu.json")),
    );
    let data = ok(
        "oci-tags",
        &[("registry", &server.url("")), ("image", "library/ubuntu")],
        &server,
    )
    .await;
    let v = versions(&data);
    assert_eq!(v[0], "18.04");
    assert!(v.contains(&"22.04") || v.len() > 10, "{v:?}");
    assert!(!v.contains(&"latest") && !v.iter().any(|t| t.starts_with("sha256-")));
}

#[tokio::test(flavor = "multi_thread")]
async fn appstream_reads_release_elements() {
    let server = Server::start(vec![
        ("/podman-desktop.xml", Reply::ok(support::fixture("appstream/io.podman_desktop.PodmanDesktop.flatpak-appdata.xml"))),
        ("/flatseal.xml", Reply::ok(support::fixture("appstream/com.github.tchx84.Flatseal.metainfo.xml.in"))),
        ("/stamped.xml", Reply::ok(r#"<component><releases><release version="2.0" timestamp="1732579200" type="stable"/><release version="2.1~beta" date="2024-12-01" type="development"/></releases></component>"#)),
    ])
    .await;
    let pd = ok(
        "appstream",
        &[("url", &server.url("/podman-desktop.xml"))],
        &server,
    )
    .await;
    assert_eq!(pd.releases.len(), 31);
    assert!(
        pd.releases
            .iter()
            .any(|r| r.version == "1.12.0" && r.date.is_some())
    );
    let fs = ok(
        "appstream",
        &[("url", &server.url("/flatseal.xml"))],
        &server,
    )
    .await;
    assert_eq!(versions(&fs), ["2.4.1"]);
    assert_eq!(fs.releases[0].date, day("2026-05-20"));
    let stamped = ok(
        "appstream",
        &[("url", &server.url("/stamped.xml"))],
        &server,
    )
    .await;
    assert_eq!(
        stamped.releases[0].date,
        day("2024-11-26"),
        "from the Unix timestamp"
    );
    assert!(stamped.releases[1].prerelease, "type=development");
}

#[tokio::test(flavor = "multi_thread")]
async fn package_registries_take_their_endpoint_from_a_setting() {
    let server = Server::start(vec![
        (
            "/pypi/salt/json",
            Reply::ok(support::fixture("registries/pypi-salt.json")),
        ),
        (
            "/se/mv/semver",
            Reply::ok(support::fixture("registries/crates-index-semver")),
        ),
        (
            "/is-number",
            Reply::ok(support::fixture("registries/npm-is-number.json")),
        ),
    ])
    .await;
    let base = server.url("");
    let pypi = ok("pypi", &[("registry", &base), ("project", "salt")], &server).await;
    let salt = pypi
        .releases
        .iter()
        .find(|r| r.version == "3006.0")
        .expect("3006.0");
    assert_eq!(salt.date, day("2023-04-18"));
    assert!(
        pypi.releases.iter().any(|r| r.prerelease),
        "release candidates are pre-releases"
    );

    let crates = ok(
        "crates",
        &[("registry", &base), ("crate", "semver")],
        &server,
    )
    .await;
    assert!(crates.releases.iter().any(|r| r.version == "1.0.0"));
    assert!(crates.releases.iter().all(|r| r.date.is_some()));

    let npm = ok(
        "npm",
        &[("registry", &base), ("package", "is-number")],
        &server,
    )
    .await;
    let seven = npm
        .releases
        .iter()
        .find(|r| r.version == "7.0.0")
        .expect("7.0.0");
    assert!(seven.date.is_some());
}

fn release<'a>(data: &'a UpstreamData, version: &str) -> &'a rollcall::model::Release {
    data.releases
        .iter()
        .find(|r| r.version == version)
        .unwrap_or_else(|| panic!("no release `{version}` in {:?}", versions(data)))
}

/// MetaCPAN: versions from the release names (perl's RCs all say `version: 5.028000`),
/// `developer` maturity as pre-release, BackPAN releases kept, unauthorized ones left out, and
/// the history complete only when `total` fits in the answer.
#[tokio::test(flavor = "multi_thread")]
async fn metacpan_names_releases_after_their_tarballs() {
    let server = Server::start(vec![
        (
            "/v1/release/versions/perl",
            Reply::ok(support::fixture("registries/metacpan-perl-versions.json")),
        ),
        // Built here in the same shape: an unauthorized upload and a complete `total`.
        (
            "/v1/release/versions/Acme-Tiny",
            Reply::ok(
                r#"{"releases":[{"name":"Acme-Tiny-0.02","version":"0.02","date":"2020-01-02T03:04:05","status":"latest","maturity":"released","authorized":true,"author":"A"},{"name":"Acme-Tiny-0.01_01","version":"0.01_01","date":"2019-12-01T00:00:00","status":"backpan","maturity":"developer","authorized":false,"author":"B"}],"total":2,"took":1}"#,
            ),
        ),
    ])
    .await;
    let base = server.url("");
    let perl = ok(
        "metacpan",
        &[("registry", &base), ("distribution", "perl")],
        &server,
    )
    .await;
    assert_eq!(perl.releases.len(), 42);
    let final_release = release(&perl, "5.28.0");
    assert_eq!(final_release.date, day("2018-06-23"));
    assert!(!final_release.prerelease);
    assert!(
        release(&perl, "5.28.0-RC4").prerelease,
        "maturity developer"
    );
    assert!(
        release(&perl, "5.27.0").prerelease,
        "a BackPAN dev release is kept"
    );
    assert!(
        !release(&perl, "5.005_04").prerelease,
        "`perl5.005_04` has no hyphen"
    );
    assert!(!perl.complete, "418 releases, 42 listed: a window");

    let tiny = ok(
        "metacpan",
        &[("registry", &base), ("distribution", "Acme-Tiny")],
        &server,
    )
    .await;
    assert_eq!(versions(&tiny), ["0.02"]);
    assert_eq!(tiny.releases[0].date, day("2020-01-02"));
    assert!(tiny.complete);

    let module = poll(
        "metacpan",
        &[("registry", &base), ("distribution", "Acme::Tiny")],
        &server,
    )
    .await;
    assert!(
        matches!(&module, Err(e) if e.kind() == ErrorKind::Config && e.to_string().contains("Acme-Tiny")),
        "{module:?}"
    );
}

/// crandb: every version with its timeline date; an archived package's `archived` key is not a
/// version, and a version crandb could not date falls back to its DESCRIPTION's `date`.
#[tokio::test(flavor = "multi_thread")]
async fn cran_reads_a_crandb_record_with_its_timeline() {
    let server = Server::start(vec![
        (
            "/magrittr/all",
            Reply::ok(support::fixture("registries/crandb-magrittr-all.json")),
        ),
        // Built here in crandb's shape (`R/couch.r`): an archived package.
        (
            "/igraph0/all",
            Reply::ok(
                r#"{"_id":"igraph0","name":"igraph0","versions":{"0.5.7":{"Package":"igraph0","Version":"0.5.7","date":"2013-05-23T10:20:29+00:00"}},"timeline":{"0.5.7":"Invalid date","archived":"2013-09-21T00:00:00+00:00"},"latest":"0.5.7","title":"Network analysis","archived":true}"#,
            ),
        ),
    ])
    .await;
    let base = server.url("");
    let magrittr = ok(
        "cran",
        &[("registry", &base), ("package", "magrittr")],
        &server,
    )
    .await;
    assert_eq!(versions(&magrittr), ["1.0.0", "1.0.1", "1.5"]);
    assert_eq!(release(&magrittr, "1.5").date, day("2014-11-22"));
    assert!(magrittr.releases.iter().all(|r| !r.prerelease));
    assert!(magrittr.complete);

    let archived = ok(
        "cran",
        &[("registry", &base), ("package", "igraph0")],
        &server,
    )
    .await;
    assert_eq!(versions(&archived), ["0.5.7"]);
    assert_eq!(archived.releases[0].date, day("2013-05-23"));

    let bad = poll("cran", &[("registry", &base), ("package", "1pkg")], &server).await;
    assert!(
        matches!(&bad, Err(e) if e.kind() == ErrorKind::Config),
        "{bad:?}"
    );
}

/// Hackage: deprecated versions left out, upload dates from the revision lists of the newest
/// `dates` versions only (a version without a list stays undated).
#[tokio::test(flavor = "multi_thread")]
async fn hackage_skips_deprecated_versions_and_dates_the_newest() {
    let server = Server::start(vec![
        (
            "/package/aeson/preferred",
            Reply::ok(support::fixture("registries/hackage-aeson-preferred.json")),
        ),
        // Revision lists in hackage-server's shape; the times are illustrative.
        (
            "/package/aeson-2.3.2.0/revisions/",
            Reply::ok(
                r#"[{"number":0,"user":"phadej","time":"2025-06-01T12:00:00Z","sha256":"00"},{"number":1,"user":"phadej","time":"2025-07-01T12:00:00Z","sha256":"01"}]"#,
            ),
        ),
        (
            "/package/aeson-2.3.0.0/revisions/",
            Reply::ok(r#"[{"number":0,"user":"phadej","time":"2025-02-01T08:00:00Z","sha256":"02"}]"#),
        ),
    ])
    .await;
    let base = server.url("");
    let aeson = ok(
        "hackage",
        &[("registry", &base), ("package", "aeson")],
        &server,
    )
    .await;
    assert_eq!(aeson.releases.len(), 85, "93 versions, 8 deprecated");
    assert!(!versions(&aeson).contains(&"0.7.0.0"), "deprecated");
    assert_eq!(
        release(&aeson, "2.3.2.0").date,
        day("2025-06-01"),
        "the first revision"
    );
    assert_eq!(release(&aeson, "2.3.0.0").date, day("2025-02-01"));
    assert_eq!(
        release(&aeson, "2.2.4.1").date,
        None,
        "no revision list served"
    );
    assert!(aeson.releases.iter().all(|r| !r.prerelease));
    assert!(aeson.complete);
    let revisions = |seen: Vec<support::Seen>| {
        seen.iter()
            .filter(|r| r.target.ends_with("/revisions/"))
            .count()
    };
    assert_eq!(revisions(server.seen()), 20, "the default `dates`");

    let before = revisions(server.seen());
    let one = ok(
        "hackage",
        &[("registry", &base), ("package", "aeson"), ("dates", "1")],
        &server,
    )
    .await;
    assert_eq!(revisions(server.seen()) - before, 1);
    assert_eq!(release(&one, "2.3.2.0").date, day("2025-06-01"));
    assert_eq!(release(&one, "2.3.0.0").date, None);
}

/// RubyGems: one release per number however many platforms it was pushed for, dated by the
/// earliest push; the registry's `prerelease` flag.
#[tokio::test(flavor = "multi_thread")]
async fn rubygems_merges_platforms_into_one_release() {
    let server = Server::start(vec![
        (
            "/api/v1/versions/rails.json",
            Reply::ok(support::fixture("registries/rubygems-rails-versions.json")),
        ),
        // Built here in the same shape: one number for three platforms (times illustrative).
        (
            "/api/v1/versions/nokogiri.json",
            Reply::ok(
                r#"[{"number":"1.16.0","platform":"x86_64-linux","prerelease":false,"created_at":"2023-12-28T01:02:03.000Z"},{"number":"1.16.0","platform":"java","prerelease":false,"created_at":"2023-12-27T23:50:00.000Z"},{"number":"1.16.0","platform":"ruby","prerelease":false,"created_at":"2023-12-28T00:10:00.000Z"},{"number":"1.16.0.rc1","platform":"ruby","prerelease":true,"created_at":"2023-12-20T10:00:00.000Z"}]"#,
            ),
        ),
    ])
    .await;
    let base = server.url("");
    let rails = ok(
        "rubygems",
        &[("registry", &base), ("gem", "rails")],
        &server,
    )
    .await;
    assert_eq!(rails.releases.len(), 22);
    assert_eq!(release(&rails, "5.2.2").date, day("2018-12-04"));
    assert!(!release(&rails, "5.2.2").prerelease);
    assert!(release(&rails, "5.2.2.rc1").prerelease);
    assert!(release(&rails, "5.2.0.beta1").prerelease);
    assert!(rails.complete);

    let nokogiri = ok(
        "rubygems",
        &[("registry", &base), ("gem", "nokogiri")],
        &server,
    )
    .await;
    assert_eq!(versions(&nokogiri), ["1.16.0", "1.16.0.rc1"]);
    assert_eq!(
        release(&nokogiri, "1.16.0").date,
        day("2023-12-27"),
        "the earliest push"
    );
}

/// A Go module proxy: the path case-escaped, dates from `.info`, retractions from the newest
/// version's `go.mod`, pseudo-versions and junk lines skipped, `+incompatible` dropped.
#[tokio::test(flavor = "multi_thread")]
async fn go_proxy_escapes_paths_and_reads_retractions() {
    let server = Server::start(vec![]).await;
    let dir = "registries/goproxy/github.com/!burnt!sushi/toml/@v";
    let list = String::from_utf8(support::fixture(&format!("{dir}/list"))).expect("UTF-8");
    server.set(
        "/github.com/!burnt!sushi/toml/@v/list",
        Reply::ok(list.clone()),
    );
    for version in list.lines() {
        server.set(
            &format!("/github.com/!burnt!sushi/toml/@v/{version}.info"),
            Reply::ok(support::fixture(&format!("{dir}/{version}.info"))),
        );
    }
    server.set(
        "/github.com/!burnt!sushi/toml/@v/v1.6.0.mod",
        Reply::ok(support::fixture(&format!("{dir}/v1.6.0.mod"))),
    );
    // Built here in the protocol's formats: a list with a time, a pre-release, a v2 tag of a
    // module without `/v2`, a pseudo-version and a junk line; a `go.mod` that retracts.
    server.set(
        "/example.com/!tool/@v/list",
        Reply::ok(
            "v1.0.0\nv1.1.0 2024-03-01T10:00:00Z\nv1.2.0-rc.1\nv1.2.0\nv2.0.0+incompatible\n\
             v0.0.0-20190101000000-abcdefabcdef\nnot-a-version\n",
        ),
    );
    server.set(
        "/example.com/!tool/@v/v1.2.0.mod",
        Reply::ok(
            "module example.com/Tool\n\ngo 1.21\n\nretract (\n\tv1.0.0 // published by mistake\n\t[v1.2.0-rc.0, v1.2.0-rc.9]\n)\n",
        ),
    );
    server.set(
        "/example.com/!tool/@v/v1.2.0.info",
        Reply::ok(r#"{"Version":"v1.2.0","Time":"2024-05-01T00:00:00Z"}"#),
    );
    let base = server.url("");
    let toml = ok(
        "go-proxy",
        &[
            ("registry", &base),
            ("module", "github.com/BurntSushi/toml"),
        ],
        &server,
    )
    .await;
    assert_eq!(toml.releases.len(), 16);
    assert_eq!(release(&toml, "v1.6.0").date, day("2025-12-18"));
    assert_eq!(release(&toml, "v0.1.0").date, day("2014-07-17"));
    assert!(toml.releases.iter().all(|r| !r.prerelease));
    assert!(toml.complete);

    let tool = ok(
        "go-proxy",
        &[("registry", &base), ("module", "example.com/Tool")],
        &server,
    )
    .await;
    let mut found = versions(&tool);
    found.sort_unstable();
    assert_eq!(
        found,
        ["v1.1.0", "v1.2.0", "v2.0.0"],
        "retracted and pseudo left out"
    );
    assert_eq!(
        release(&tool, "v1.1.0").date,
        day("2024-03-01"),
        "from the list"
    );
    assert_eq!(
        release(&tool, "v1.2.0").date,
        day("2024-05-01"),
        "from `.info`"
    );
    assert_eq!(release(&tool, "v2.0.0").date, None, "no `.info` served");

    let limited = ok(
        "go-proxy",
        &[
            ("registry", &base),
            ("module", "github.com/BurntSushi/toml"),
            ("dates", "2"),
        ],
        &server,
    )
    .await;
    let dated = limited.releases.iter().filter(|r| r.date.is_some()).count();
    assert_eq!(dated, 2, "only the newest `dates` versions are asked");
    assert!(release(&limited, "v1.5.0").date.is_some());

    let bad = poll(
        "go-proxy",
        &[("registry", &base), ("module", "example.com/x@v1.0.0")],
        &server,
    )
    .await;
    assert!(
        matches!(&bad, Err(e) if e.kind() == ErrorKind::Config),
        "{bad:?}"
    );
}

/// GNOME's `cache.json`: no dates; before 40 odd minors and `.90`s are development releases
/// (unless the module opts out), since 40 `.alpha`/`.beta`/`.rc`.
#[tokio::test(flavor = "multi_thread")]
async fn gnome_maps_both_version_schemes_to_pre_releases() {
    let server = Server::start(vec![
        (
            "/sources/evolution-data-server/cache.json",
            Reply::ok(support::fixture(
                "registries/gnome-evolution-data-server.cache.json",
            )),
        ),
        // Built here in the same format: names after GNOME 40.
        (
            "/sources/gnome-shell/cache.json",
            Reply::ok(
                r#"[4, {"gnome-shell": {}}, {"gnome-shell": ["45.0", "46.alpha", "46.beta", "46.rc", "46.0", "46.1", "47.alpha"]}, {}]"#,
            ),
        ),
    ])
    .await;
    let base = server.url("");
    let eds = ok(
        "gnome",
        &[("registry", &base), ("module", "evolution-data-server")],
        &server,
    )
    .await;
    assert_eq!(eds.releases.len(), 313);
    assert!(eds.releases.iter().all(|r| r.date.is_none()));
    assert!(!release(&eds, "3.16.2").prerelease);
    assert!(!release(&eds, "1.0.4").prerelease);
    assert!(release(&eds, "3.17.2").prerelease, "odd minor");
    assert!(release(&eds, "2.91.92").prerelease, "odd minor");
    assert!(release(&eds, "0.0.90").prerelease, "micro 90");
    assert!(eds.complete);

    let by_name_only = ok(
        "gnome",
        &[
            ("registry", &base),
            ("module", "evolution-data-server"),
            ("odd-minor-unstable", "false"),
        ],
        &server,
    )
    .await;
    assert!(!release(&by_name_only, "3.17.2").prerelease);

    let shell = ok(
        "gnome",
        &[("registry", &base), ("module", "gnome-shell")],
        &server,
    )
    .await;
    let pre: Vec<&str> = shell
        .releases
        .iter()
        .filter(|r| r.prerelease)
        .map(|r| r.version.as_str())
        .collect();
    assert_eq!(pre, ["46.alpha", "46.beta", "46.rc", "47.alpha"]);
}

/// The error responses every tracker can meet, each in its upstream's shape.
#[tokio::test(flavor = "multi_thread")]
async fn error_responses_become_the_right_error_kinds() {
    struct Case {
        tracker: &'static str,
        path: &'static str,
        settings: Vec<(&'static str, String)>,
        empty: &'static str,
    }
    let server = Server::start(vec![]).await;
    let base = server.url("");
    let cases = vec![
        Case {
            tracker: "salt",
            path: "/repos/saltstack/salt/releases",
            settings: vec![],
            empty: "[]",
        },
        Case {
            tracker: "uyuni",
            path: "/repos/uyuni-project/uyuni/releases",
            settings: vec![],
            empty: "[]",
        },
        Case {
            tracker: "podman",
            path: "/repos/containers/podman/releases",
            settings: vec![],
            empty: "[]",
        },
        Case {
            tracker: "skopeo",
            path: "/repos/containers/skopeo/releases",
            settings: vec![],
            empty: "[]",
        },
        Case {
            tracker: "buildah",
            path: "/repos/containers/buildah/releases",
            settings: vec![],
            empty: "[]",
        },
        Case {
            tracker: "cloudfoundry",
            path: "/repos/cloudfoundry/cf-deployment/releases",
            settings: vec![],
            empty: "[]",
        },
        Case {
            tracker: "kernel-org",
            path: "/releases.json",
            settings: vec![("base-url", base.clone())],
            empty: r#"{"latest_stable": {"version": "6.12.6"}, "releases": []}"#,
        },
        Case {
            tracker: "kubernetes",
            path: "/repos/kubernetes/kubernetes/releases",
            settings: vec![],
            empty: "[]",
        },
        Case {
            tracker: "github-releases",
            path: "/repos/o/r/releases",
            settings: vec![("repository", "o/r".into())],
            empty: "[]",
        },
        Case {
            tracker: "github-tags",
            path: "/repos/o/r/tags",
            settings: vec![("repository", "o/r".into())],
            empty: "[]",
        },
        Case {
            tracker: "glibc",
            path: "/g/info/refs",
            settings: vec![("base-url", format!("{base}/g"))],
            empty: "001e# service=git-upload-pack\n00000000",
        },
        Case {
            tracker: "git-tags",
            path: "/g/info/refs",
            settings: vec![("url", format!("{base}/g"))],
            empty: "001e# service=git-upload-pack\n00000000",
        },
        Case {
            tracker: "ceph",
            path: "/r.yml",
            settings: vec![("base-url", format!("{base}/r.yml"))],
            empty: "releases:\n",
        },
        Case {
            tracker: "gitlab-tags",
            path: "/api/v4/projects/a%2Fb/repository/tags",
            settings: vec![("project", "a/b".into()), ("base-url", base.clone())],
            empty: "[]",
        },
        Case {
            tracker: "json",
            path: "/d.json",
            settings: vec![
                ("url", format!("{base}/d.json")),
                ("version", "version".into()),
            ],
            empty: "[]",
        },
        Case {
            tracker: "regex",
            path: "/p",
            settings: vec![
                ("url", format!("{base}/p")),
                ("pattern", "v([0-9.]+)".into()),
            ],
            empty: "",
        },
        Case {
            tracker: "appstream",
            path: "/a.xml",
            settings: vec![("url", format!("{base}/a.xml"))],
            empty: "<component><releases/></component>",
        },
        Case {
            tracker: "oci-tags",
            path: "/v2/x/tags/list",
            settings: vec![("registry", base.clone()), ("image", "x".into())],
            empty: r#"{"name":"x","tags":[]}"#,
        },
        Case {
            tracker: "pypi",
            path: "/pypi/x/json",
            settings: vec![("registry", base.clone()), ("project", "x".into())],
            empty: r#"{"info":{},"releases":{}}"#,
        },
        Case {
            tracker: "crates",
            path: "/1/x",
            settings: vec![("registry", base.clone()), ("crate", "x".into())],
            empty: "",
        },
        Case {
            tracker: "npm",
            path: "/x",
            settings: vec![("registry", base.clone()), ("package", "x".into())],
            empty: r#"{"name":"x","versions":{},"time":{}}"#,
        },
        Case {
            tracker: "metacpan",
            path: "/v1/release/versions/x",
            settings: vec![("registry", base.clone()), ("distribution", "x".into())],
            empty: r#"{"releases":[],"total":0,"took":1}"#,
        },
        Case {
            tracker: "cran",
            path: "/x/all",
            settings: vec![("registry", base.clone()), ("package", "x".into())],
            empty: r#"{"_id":"x","name":"x","versions":{},"timeline":{},"archived":false}"#,
        },
        Case {
            tracker: "hackage",
            path: "/package/x/preferred",
            settings: vec![("registry", base.clone()), ("package", "x".into())],
            empty: r#"{"normal-version":[]}"#,
        },
        Case {
            tracker: "rubygems",
            path: "/api/v1/versions/x.json",
            settings: vec![("registry", base.clone()), ("gem", "x".into())],
            empty: "[]",
        },
        Case {
            tracker: "go-proxy",
            path: "/x.example/m/@v/list",
            settings: vec![("registry", base.clone()), ("module", "x.example/m".into())],
            empty: "",
        },
        Case {
            tracker: "gnome",
            path: "/sources/x/cache.json",
            settings: vec![("registry", base.clone()), ("module", "x".into())],
            empty: r#"[4, {"x": {}}, {"x": []}, {}]"#,
        },
        Case {
            tracker: "endoflife",
            path: "/api/x.json",
            settings: vec![("product", "x".into()), ("base-url", base.clone())],
            empty: "[]",
        },
    ];
    for name in rollcall::trackers::builtin_names() {
        assert!(
            cases.iter().any(|c| c.tracker == name),
            "tracker `{name}` has no error-response case"
        );
    }
    for case in &cases {
        let settings: Vec<(&str, &str)> = case
            .settings
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
            .collect();
        let mut kinds = Vec::new();
        let mut retry = Reply::status(429, r#"{"message":"Too many requests"}"#);
        retry.headers.push(("retry-after".into(), "120".into()));
        let mut spent = Reply::status(
            403,
            r#"{"message":"API rate limit exceeded for 127.0.0.1.","documentation_url":"https://docs.github.com/rest"}"#,
        );
        spent
            .headers
            .push(("x-ratelimit-remaining".into(), "0".into()));
        spent
            .headers
            .push(("x-ratelimit-reset".into(), "1764150000".into()));
        for reply in [
            Reply::status(404, r#"{"message":"Not Found"}"#),
            retry,
            spent,
            Reply::ok("{\"truncated\": [1, 2"),
            Reply::ok(case.empty),
        ] {
            server.set(case.path, reply);
            let result = poll(case.tracker, &settings, &server).await;
            let err = result.expect_err(&format!("{} should fail", case.tracker));
            kinds.push(err.kind());
            let message = err.to_string();
            assert!(!message.is_empty());
            if err.kind() == ErrorKind::RateLimited && !case.path.starts_with("/repos/") {
                assert!(
                    message.contains("429") || message.contains("403"),
                    "{message}"
                );
            }
        }
        assert_eq!(
            kinds,
            [
                ErrorKind::UpstreamStatus,
                ErrorKind::RateLimited,
                ErrorKind::RateLimited,
                ErrorKind::Parse,
                ErrorKind::Parse
            ],
            "{}",
            case.tracker
        );
    }
}

/// `rollcall plugin run NAME --set …` works for every built-in tracker against a loopback server
/// (the `github` import pointed at it with `ROLLCALL_GITHUB_API`), and `plugin list` shows each
/// with its summary and hosts.
#[tokio::test(flavor = "multi_thread")]
async fn plugin_run_works_for_every_built_in_tracker() {
    let fixture = |p: &str| Reply::ok(support::fixture(p));
    let server = Server::start(vec![
        (
            "/releases.json",
            fixture("kernel.org/releases-2020-12-14.excerpt.json"),
        ),
        ("/glibc.git/info/refs", fixture("git/glibc.info-refs")),
        (
            "/repos/kubernetes/kubernetes/releases",
            fixture("github/kubernetes-releases.json"),
        ),
        ("/releases.yml", fixture("ceph/releases.yml")),
        (
            "/repos/saltstack/salt/releases",
            fixture("github/salt-releases.json"),
        ),
        (
            "/repos/uyuni-project/uyuni/releases",
            fixture("github/uyuni-releases.json"),
        ),
        (
            "/repos/containers/podman/releases",
            fixture("github/podman-releases.json"),
        ),
        (
            "/repos/containers/skopeo/releases",
            fixture("github/skopeo-releases.json"),
        ),
        (
            "/repos/containers/buildah/releases",
            fixture("github/buildah-releases.json"),
        ),
        (
            "/repos/cloudfoundry/cf-deployment/releases",
            fixture("github/cloudfoundry-releases.json"),
        ),
        ("/api/kubernetes.json", fixture("endoflife/kubernetes.json")),
        (
            "/repos/facebook/react/releases",
            fixture("github/releases_with_mixed_tag_formats.json"),
        ),
        (
            "/repos/jonschlinkert/is-number/tags",
            fixture("github/is_number_tags.json"),
        ),
        (
            "/api/v4/projects/GNOME%2Fgnome-video-arcade/repository/tags",
            fixture("gitlab/gnome-video-arcade.tags.page1.json"),
        ),
        (
            "/k8s/info/refs",
            fixture("git/k8s-apiextensions-apiserver.info-refs"),
        ),
        ("/cgit/refs/tags", fixture("cgit/cgit.refs-tags.html")),
        ("/dist/index.json", fixture("json/node-index.json")),
        ("/v2/library/python/tags/list", fixture("oci/python.json")),
        (
            "/appdata.xml",
            fixture("appstream/io.podman_desktop.PodmanDesktop.flatpak-appdata.xml"),
        ),
        ("/pypi/salt/json", fixture("registries/pypi-salt.json")),
        ("/se/mv/semver", fixture("registries/crates-index-semver")),
        ("/is-number", fixture("registries/npm-is-number.json")),
        (
            "/v1/release/versions/perl",
            fixture("registries/metacpan-perl-versions.json"),
        ),
        (
            "/magrittr/all",
            fixture("registries/crandb-magrittr-all.json"),
        ),
        (
            "/package/aeson/preferred",
            fixture("registries/hackage-aeson-preferred.json"),
        ),
        (
            "/api/v1/versions/rails.json",
            fixture("registries/rubygems-rails-versions.json"),
        ),
        (
            "/github.com/!burnt!sushi/toml/@v/list",
            fixture("registries/goproxy/github.com/!burnt!sushi/toml/@v/list"),
        ),
        (
            "/sources/evolution-data-server/cache.json",
            fixture("registries/gnome-evolution-data-server.cache.json"),
        ),
    ])
    .await;
    let base = server.url("");
    let runs: Vec<(&str, Vec<String>)> = vec![
        ("kernel-org", vec![format!("base-url={base}")]),
        ("glibc", vec![format!("base-url={base}/glibc.git")]),
        ("kubernetes", vec![]),
        ("ceph", vec![format!("base-url={base}/releases.yml")]),
        ("salt", vec![]),
        ("uyuni", vec![]),
        ("podman", vec![]),
        ("skopeo", vec![]),
        ("buildah", vec![]),
        ("cloudfoundry", vec![]),
        (
            "endoflife",
            vec!["product=kubernetes".into(), format!("base-url={base}")],
        ),
        ("github-releases", vec!["repository=facebook/react".into()]),
        (
            "github-tags",
            vec!["repository=jonschlinkert/is-number".into()],
        ),
        (
            "gitlab-tags",
            vec![
                "project=GNOME/gnome-video-arcade".into(),
                format!("base-url={base}"),
            ],
        ),
        ("git-tags", vec![format!("url={base}/k8s")]),
        (
            "regex",
            vec![
                format!("url={base}/cgit/refs/tags"),
                r"pattern=tag/\?h=v([0-9.]+)'".into(),
            ],
        ),
        (
            "json",
            vec![
                format!("url={base}/dist/index.json"),
                "version=version".into(),
                "date=date".into(),
            ],
        ),
        (
            "oci-tags",
            vec![format!("registry={base}"), "image=library/python".into()],
        ),
        ("appstream", vec![format!("url={base}/appdata.xml")]),
        (
            "pypi",
            vec![format!("registry={base}"), "project=salt".into()],
        ),
        (
            "crates",
            vec![format!("registry={base}"), "crate=semver".into()],
        ),
        (
            "npm",
            vec![format!("registry={base}"), "package=is-number".into()],
        ),
        (
            "metacpan",
            vec![format!("registry={base}"), "distribution=perl".into()],
        ),
        (
            "cran",
            vec![format!("registry={base}"), "package=magrittr".into()],
        ),
        (
            "hackage",
            vec![format!("registry={base}"), "package=aeson".into()],
        ),
        (
            "rubygems",
            vec![format!("registry={base}"), "gem=rails".into()],
        ),
        (
            "go-proxy",
            vec![
                format!("registry={base}"),
                "module=github.com/BurntSushi/toml".into(),
            ],
        ),
        (
            "gnome",
            vec![
                format!("registry={base}"),
                "module=evolution-data-server".into(),
            ],
        ),
    ];
    let builtin: Vec<&str> = rollcall::trackers::builtin_names().collect();
    let covered: Vec<&str> = runs.iter().map(|(n, _)| *n).collect();
    for name in &builtin {
        assert!(
            covered.contains(name),
            "tracker `{name}` has no `plugin run` case"
        );
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let bin = env!("CARGO_BIN_EXE_rollcall");
    for (name, settings) in &runs {
        let mut cmd = tokio::process::Command::new(bin);
        cmd.args(["plugin", "run", name, "--no-cache"])
            .env("ROLLCALL_GITHUB_API", server.url("/"))
            .env("GITHUB_TOKEN", "test-token")
            .env("XDG_CONFIG_HOME", dir.path())
            .env("XDG_DATA_HOME", dir.path())
            .current_dir(dir.path());
        for s in settings {
            cmd.arg("--set").arg(s);
        }
        let out = cmd.output().await.expect("run rollcall");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        assert_eq!(json["tracker"], *name);
        let releases = json["data"]["releases"].as_array().expect("releases");
        assert!(!releases.is_empty(), "{name} returned no releases");
    }

    let out = tokio::process::Command::new(bin)
        .args(["plugin", "list", "--no-cache"])
        .env("XDG_CONFIG_HOME", dir.path())
        .env("XDG_DATA_HOME", dir.path())
        .current_dir(dir.path())
        .output()
        .await
        .expect("run rollcall");
    let listed = String::from_utf8_lossy(&out.stdout);
    for name in &builtin {
        assert!(
            listed.contains(&format!("\n{name} 0.1.0 (built-in)\n"))
                || listed.starts_with(&format!("{name} 0.1.0")),
            "{name} not listed:\n{listed}"
        );
    }
    assert!(listed.contains("Kubernetes releases from GitHub"));
    assert!(listed.contains("hosts: api.github.com"));
    assert!(listed.contains("hosts: the host of `url`"));
}

/// The README's tracker table names every built-in tracker and every setting it declares.
#[tokio::test(flavor = "multi_thread")]
async fn the_readme_table_documents_every_tracker_setting() {
    let readme =
        String::from_utf8(std::fs::read(support::root().join("README.md")).expect("README"))
            .expect("UTF-8");
    let runtime = support::runtime();
    for name in rollcall::trackers::builtin_names() {
        let row = readme
            .lines()
            .find(|l| {
                l.starts_with('|')
                    && l.split('|')
                        .nth(1)
                        .is_some_and(|c| c.contains(&format!("`{name}`")))
            })
            .unwrap_or_else(|| panic!("README has no table row for `{name}`"));
        let plugin = runtime
            .load(rollcall::trackers::builtin(name).expect("built-in"))
            .await
            .expect("loads");
        for setting in &plugin.info().settings {
            let settings_cell = row.rsplit('|').nth(1).unwrap_or_default();
            assert!(
                settings_cell.contains(&format!("`{}`", setting.name)),
                "README row for `{name}` does not list setting `{}`: {row}",
                setting.name
            );
        }
    }
}

/// Every response's rate-limit headers reach the dashboard's budget per host: GitHub's through
/// the `github` import, GitLab's draft headers through the `http` import.
#[tokio::test(flavor = "multi_thread")]
async fn rate_limit_headers_become_budgets_per_host() {
    let mut releases = Reply::ok(support::fixture(
        "github/releases_with_mixed_tag_formats.json",
    ));
    for (k, v) in [
        ("x-ratelimit-limit", "5000"),
        ("x-ratelimit-remaining", "4987"),
        ("x-ratelimit-reset", "1764150000"),
    ] {
        releases.headers.push((k.into(), v.into()));
    }
    let mut tags = Reply::ok(r#"[{"name": "v1.2.0", "commit": {"sha": "abc"}}]"#);
    tags.headers
        .push(("RateLimit-Remaining".into(), "1996".into()));
    tags.headers.push(("RateLimit-Limit".into(), "2000".into()));
    let github = Server::start(vec![("/repos/facebook/react/releases", releases)]).await;
    let gitlab = Server::start(vec![("/api/v4/projects/g%2Fp/repository/tags", tags)]).await;

    let runtime = support::runtime_with(None, Some((&github.url("/"), "test-token")));
    let run = |name: &'static str, settings: Vec<(String, String)>, server: &Server| {
        let runtime = runtime.clone();
        let grant = Grant::new(vec![
            HostRule::for_url(&server.url("/").parse().expect("url")).expect("rule"),
        ]);
        async move {
            let plugin = runtime
                .load(trackers::builtin(name).expect("built-in"))
                .await
                .expect("loads");
            runtime
                .poll(&plugin, &settings, grant, Limits::default())
                .await
                .result
                .unwrap_or_else(|e| panic!("{name}: {e}"))
        }
    };
    run(
        "github-releases",
        vec![("repository".into(), "facebook/react".into())],
        &github,
    )
    .await;
    run(
        "gitlab-tags",
        vec![
            ("project".into(), "g/p".into()),
            ("base-url".into(), gitlab.url("")),
        ],
        &gitlab,
    )
    .await;

    // One client behind both imports: each host's budget shows once.
    let from_http = runtime.http().budgets();
    assert_eq!(from_http.len(), 2, "{from_http:?}");
    let from_github = from_http
        .iter()
        .find(|b| github.url("/").contains(b.host.as_str()))
        .unwrap_or_else(|| panic!("no budget for the GitHub server: {from_http:?}"));
    assert_eq!(from_github.remaining, Some(4_987));
    assert_eq!(from_github.quota, Some(5_000));
    assert_eq!(from_github.reset.as_deref(), Some("2025-11-26T09:40:00Z"));
    let gitlab_host = from_http
        .iter()
        .find(|b| gitlab.url("/").contains(b.host.as_str()))
        .unwrap_or_else(|| panic!("no budget for the GitLab server: {from_http:?}"));
    assert_eq!(gitlab_host.remaining, Some(1_996));
    assert_eq!(gitlab_host.quota, Some(2_000));
    assert_eq!(gitlab_host.requests, 1);
}
