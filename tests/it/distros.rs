//! Distro sources against whole repositories built by the tests and served on loopback: an
//! rpm-md repository and a Debian archive in their real formats, and every way they break.

use std::io::Write;

use rollcall::evaluate::Status;
use sha2::{Digest, Sha256};

use crate::support::{self, Reply, Server};

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(bytes).expect("gzip");
    gz.finish().expect("gzip")
}

fn xz(bytes: &[u8]) -> Vec<u8> {
    let mut xz = liblzma::write::XzEncoder::new(Vec::new(), 6);
    xz.write_all(bytes).expect("xz");
    xz.finish().expect("xz")
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A primary.xml in the real rpm-md format (namespaces and layout as createrepo writes them).
fn primary(packages: &[(&str, &str, &str, &str, &str)]) -> Vec<u8> {
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<metadata xmlns=\"http://linux.duke.edu/metadata/common\" xmlns:rpm=\"http://linux.duke.edu/metadata/rpm\" packages=\"{}\">\n",
        packages.len()
    );
    for (name, arch, ver, rel, src) in packages {
        xml.push_str(&format!(
            "<package type=\"rpm\"><name>{name}</name><arch>{arch}</arch><version epoch=\"0\" ver=\"{ver}\" rel=\"{rel}\"/><checksum type=\"sha256\" pkgid=\"YES\">00</checksum><summary>x</summary><location href=\"{arch}/{name}-{ver}-{rel}.{arch}.rpm\"/><format><rpm:license>GPL-2.0</rpm:license><rpm:sourcerpm>{src}-{ver}-{rel}.src.rpm</rpm:sourcerpm></format></package>\n"
        ));
    }
    xml.push_str("</metadata>\n");
    xml.into_bytes()
}

fn repomd(href: &str, checksum: &str) -> Vec<u8> {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<repomd xmlns=\"http://linux.duke.edu/metadata/repo\" xmlns:rpm=\"http://linux.duke.edu/metadata/rpm\">\n  <revision>1732600000</revision>\n  <data type=\"primary\">\n    <checksum type=\"sha256\">{checksum}</checksum>\n    <location href=\"{href}\"/>\n    <timestamp>1732600000</timestamp>\n  </data>\n</repomd>\n"
    )
    .into_bytes()
}

/// A Debian archive: `dists/SUITE/InRelease` listing `main/source/Sources.xz`.
pub(crate) fn deb_suite(suite: &str, sources: &[u8]) -> Vec<(String, Reply)> {
    deb_suite_at("/debian", suite, sources)
}

/// The same, under another archive root (a security archive on its own host).
fn deb_suite_at(root: &str, suite: &str, sources: &[u8]) -> Vec<(String, Reply)> {
    let compressed = xz(sources);
    let release = format!(
        "Origin: Debian\nLabel: Debian\nSuite: {suite}\nCodename: {suite}\nComponents: main\nSHA256:\n {} {:>16} main/source/Sources.xz\n",
        sha256(&compressed),
        compressed.len()
    );
    vec![
        (
            format!("{root}/dists/{suite}/InRelease"),
            Reply::ok(release),
        ),
        (
            format!("{root}/dists/{suite}/main/source/Sources.xz"),
            Reply::ok(compressed),
        ),
    ]
}

fn kernel_watch(server: &Server, distros: &[(&str, &str)]) -> String {
    let packages: Vec<String> = distros
        .iter()
        .map(|(d, p)| format!("\"{d}\" = \"{p}\""))
        .collect();
    format!(
        "[[watch]]\nname = \"linux\"\ntracker = \"endoflife\"\nsettings = {{ product = \"linux-kernel\", base-url = \"{}\" }}\npackages = {{ {} }}\n",
        server.url(""),
        packages.join(", ")
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn rpm_md_and_deb_repositories_feed_verdicts_and_failures_stay_local() {
    // A Leap-like rpm-md repository with a gzip primary, and an update repository beside it.
    let leap_primary = gzip(&primary(&[
        (
            "kernel-default",
            "x86_64",
            "6.4.0",
            "150600.23.25.1",
            "kernel-default",
        ),
        (
            "kernel-default",
            "aarch64",
            "6.4.0",
            "150600.23.25.1",
            "kernel-default",
        ),
        (
            "kernel-default-devel",
            "x86_64",
            "6.4.0",
            "150600.23.25.1",
            "kernel-default",
        ),
        ("podman", "x86_64", "4.9.5", "150500.3.25.1", "podman"),
    ]));
    let update_primary = gzip(&primary(&[(
        "kernel-default",
        "x86_64",
        "6.4.0",
        "150600.23.30.1",
        "kernel-default",
    )]));
    // A Debian archive: bookworm plus bookworm-updates carrying a newer linux.
    let bookworm = b"Package: linux\nBinary: linux-image-amd64\nVersion: 6.1.112-1\nDirectory: pool/main/l/linux\n\nPackage: salt\nVersion: 3004.1+dfsg-2\n";
    let updates = b"Package: linux\nVersion: 6.1.115-1\n";
    let mut routes: Vec<(String, Reply)> = vec![
        (
            "/api/linux-kernel.json".into(),
            Reply::ok(support::fixture("endoflife/linux-kernel.json")),
        ),
        (
            "/leap/repodata/repomd.xml".into(),
            Reply::ok(repomd(
                "repodata/abc-primary.xml.gz",
                &sha256(&leap_primary),
            )),
        ),
        (
            "/leap/repodata/abc-primary.xml.gz".into(),
            Reply::ok(leap_primary.clone()),
        ),
        (
            "/update/repodata/repomd.xml".into(),
            Reply::ok(repomd(
                "repodata/def-primary.xml.gz",
                &sha256(&update_primary),
            )),
        ),
        (
            "/update/repodata/def-primary.xml.gz".into(),
            Reply::ok(update_primary),
        ),
        // Broken mirrors.
        (
            "/mismatch/repodata/repomd.xml".into(),
            Reply::ok(repomd("repodata/p.xml.gz", &sha256(b"something else"))),
        ),
        (
            "/mismatch/repodata/p.xml.gz".into(),
            Reply::ok(leap_primary.clone()),
        ),
        (
            "/truncated/repodata/repomd.xml".into(),
            Reply::ok(repomd(
                "repodata/p.xml.gz",
                &sha256(&leap_primary[..leap_primary.len() / 2]),
            )),
        ),
        (
            "/truncated/repodata/p.xml.gz".into(),
            Reply::ok(leap_primary[..leap_primary.len() / 2].to_vec()),
        ),
        (
            "/html/repodata/repomd.xml".into(),
            Reply::ok("<html><body>mirror maintenance</body></html>"),
        ),
    ];
    routes.extend(deb_suite("bookworm", bookworm));
    routes.extend(deb_suite("bookworm-updates", updates));
    routes.extend(deb_suite_at(
        "/security",
        "bookworm-security",
        b"Package: linux\nVersion: 6.1.119-1\n",
    ));
    let server = Server::start(
        routes
            .iter()
            .map(|(p, r)| (p.as_str(), r.clone()))
            .collect(),
    )
    .await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let unreachable = format!("http://{}/repo", closed.local_addr().expect("addr"));
    drop(closed);

    let repo = |path: &str| format!("\"{}\"", server.url(path));
    let text = [
        format!("[distros.leap]\nkind = \"rpm-md\"\nurls = [{}, {}]\n", repo("/leap"), repo("/update")),
        format!(
            "[distros.debian]\nkind = \"deb\"\nfamily = \"deb\"\nurl = {}\nsuites = [\"bookworm\", \"bookworm-updates\", \"{} bookworm-security\"]\n",
            repo("/debian"),
            server.url("/security")
        ),
        format!("[distros.mismatch]\nkind = \"rpm-md\"\nurls = [{}]\n", repo("/mismatch")),
        format!("[distros.truncated]\nkind = \"rpm-md\"\nurls = [{}]\n", repo("/truncated")),
        format!("[distros.html]\nkind = \"rpm-md\"\nurls = [{}]\n", repo("/html")),
        format!("[distros.down]\nkind = \"rpm-md\"\nurls = [\"{unreachable}\"]\n"),
        kernel_watch(
            &server,
            &[("leap", "kernel-default"), ("debian", "linux"), ("mismatch", "kernel-default"), ("truncated", "kernel-default"), ("html", "kernel-default"), ("down", "kernel-default")],
        ),
    ]
    .concat();
    let report = rollcall::run::check(
        &support::config(&text),
        support::runtime(),
        support::today(),
    )
    .await
    .expect("runs");
    let verdict = |distro: &str| {
        report
            .verdicts
            .iter()
            .find(|v| v.distro == distro)
            .unwrap_or_else(|| panic!("a verdict for {distro}: {:#?}", report.verdicts))
    };

    let leap = verdict("leap");
    assert_eq!(
        leap.shipped.as_deref(),
        Some("6.4.0-150600.23.30.1"),
        "the update repository's newer build wins"
    );
    assert_eq!(leap.status, Status::Eol, "{}", leap.explanation);
    assert_eq!(
        report
            .verdicts
            .iter()
            .filter(|v| v.distro == "leap")
            .count(),
        1,
        "one verdict, not one per architecture"
    );

    let debian = verdict("debian");
    assert_eq!(
        debian.shipped.as_deref(),
        Some("6.1.119-1"),
        "updates and the security archive merged over bookworm"
    );
    assert_eq!(debian.line.as_deref(), Some("6.1"));
    assert_ne!(debian.status, Status::Error, "{}", debian.explanation);

    for (distro, needle) in [
        ("mismatch", "checksum mismatch"),
        ("truncated", "cannot read"),
        ("html", "not an rpm-md repomd.xml"),
        ("down", "cannot fetch"),
    ] {
        let v = verdict(distro);
        assert_eq!(v.status, Status::Error, "{distro}");
        assert!(
            v.explanation.contains(needle),
            "{distro}: `{needle}` not in {}",
            v.explanation
        );
        let e = report
            .errors
            .iter()
            .find(|e| e.kind == "distro" && e.message.contains(&format!("distro `{distro}`")))
            .unwrap_or_else(|| panic!("a run error for {distro}: {:#?}", report.errors));
        assert!(e.tracker.is_none());
    }
    // A distro failure is a failure of every verdict it feeds (issue 18): counted, not hidden
    // behind a tracker that did fine.
    let broken = report
        .verdicts
        .iter()
        .filter(|v| v.status == Status::Error)
        .count() as u32;
    assert!(broken >= 2, "{broken}");
    assert_eq!(report.summary.verdicts_without_data, broken);
    assert!(report.summary.failed_watches >= 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_size_mismatch_in_a_debian_index_is_caught() {
    let sources = xz(b"Package: linux\nVersion: 6.1.112-1\n");
    let release = format!(
        "Suite: bookworm\nComponents: main\nSHA256:\n {} {} main/source/Sources.xz\n",
        sha256(&sources),
        sources.len() + 10
    );
    let server = Server::start(vec![
        ("/debian/dists/bookworm/InRelease", Reply::ok(release)),
        (
            "/debian/dists/bookworm/main/source/Sources.xz",
            Reply::ok(sources),
        ),
    ])
    .await;
    let text = format!(
        "[distros.debian]\nkind = \"deb\"\nfamily = \"deb\"\nurl = \"{}\"\nsuites = [\"bookworm\"]\n[[watch]]\nname = \"w\"\ntracker = \"kernel-org\"\npackages = {{ debian = \"linux\" }}\n",
        server.url("/debian")
    );
    let config = support::config(&text);
    let lists = rollcall::run::fetch_distros(&config, &support::runtime(), None).await;
    let err = lists["debian"].as_ref().expect_err("size mismatch");
    assert!(err.to_string().contains("the Release file says"), "{err}");
}

#[test]
fn distro_tables_need_their_keys() {
    for (text, needle, help) in [
        (
            "[distros.tw]\nkind = \"rpm-md\"\n",
            "is `rpm-md` but has no `urls`",
            "repodata",
        ),
        (
            "[distros.d]\nkind = \"deb\"\nsuites = [\"bookworm\"]\n",
            "is `deb` but has no `url`",
            "Debian mirror",
        ),
        (
            "[distros.d]\nkind = \"deb\"\nurl = \"https://mirror.example/debian\"\n",
            "has no `suites`",
            "suites",
        ),
        (
            "[distros.tw]\nkind = \"rpm-md\"\nurls = [\"ftp://x\"]\n",
            "is not an http(s) URL",
            "base URL",
        ),
    ] {
        let err =
            rollcall::config::Config::parse(text, rollcall::config::Origin::File("t.toml".into()))
                .expect_err(text)
                .to_string();
        assert!(err.contains(needle), "{err}");
        assert!(err.contains("help: ") && err.contains(help), "{err}");
        assert!(err.starts_with("invalid config t.toml:"), "{err}");
    }
}

#[test]
fn presets_fill_what_the_table_leaves_out() {
    let parse = |text: &str| {
        rollcall::config::Config::parse(text, rollcall::config::Origin::File("t.toml".into()))
    };
    let config = parse("[distros.tw]\npreset = \"tumbleweed\"\n").expect("preset");
    let tw = &config.distros["tw"];
    assert_eq!(tw.kind, Some(rollcall::config::DistroKind::RpmMd));
    assert_eq!(
        tw.urls[0].get_ref(),
        "https://download.opensuse.org/tumbleweed/repo/oss/"
    );
    assert_eq!(tw.title.as_deref(), Some("openSUSE Tumbleweed"));

    let config =
        parse("[distros.tw]\npreset = \"tumbleweed\"\nurls = [\"https://mirror.example/tw/\"]\n")
            .expect("override");
    assert_eq!(config.distros["tw"].urls.len(), 1);
    assert_eq!(
        config.distros["tw"].urls[0].get_ref(),
        "https://mirror.example/tw/"
    );

    let leap = parse("[distros.leap]\npreset = \"leap-15.6\"\n").expect("preset");
    assert_eq!(
        leap.distros["leap"].urls.len(),
        4,
        "the release and its update repositories"
    );

    let err = parse("[distros.d]\npreset = \"debian-stable\"\n")
        .expect_err("no url")
        .to_string();
    assert!(
        err.contains("has no `url`") && err.contains("Debian mirror"),
        "{err}"
    );
    let ok =
        parse("[distros.d]\npreset = \"debian-stable\"\nurl = \"https://mirror.example/debian\"\n")
            .expect("with url");
    assert_eq!(ok.distros["d"].suites, ["stable", "stable-updates"]);
    assert_eq!(ok.distros["d"].family(), rollcall::versions::Family::Deb);

    let err = parse("[distros.x]\npreset = \"tumbelweed\"\n")
        .expect_err("typo")
        .to_string();
    assert!(
        err.contains("t.toml:2:10: unknown preset `tumbelweed`")
            && err.contains("presets: tumbleweed"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn distro_show_prints_what_a_repository_ships() {
    let body = gzip(&primary(&[
        (
            "kubernetes1.33-client",
            "x86_64",
            "1.33.4",
            "1.1",
            "kubernetes1.33",
        ),
        (
            "kubernetes1.34-client",
            "x86_64",
            "1.34.1",
            "1.1",
            "kubernetes1.34",
        ),
        ("podman", "x86_64", "5.4.2", "1.1", "podman"),
    ]));
    let server = Server::start(vec![
        (
            "/tw/repodata/repomd.xml",
            Reply::ok(repomd("repodata/p.xml.gz", &sha256(&body))),
        ),
        ("/tw/repodata/p.xml.gz", Reply::ok(body)),
    ])
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("rollcall.toml");
    std::fs::write(
        &config,
        format!(
            "[distros.tw]\npreset = \"tumbleweed\"\nurls = [\"{}\"]\n",
            server.url("/tw/")
        ),
    )
    .expect("write");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_rollcall"))
            .args(args)
            .arg("--no-cache")
            .arg("--config")
            .arg(&config)
            .output()
            .expect("runs")
    };
    let out = tokio::task::block_in_place(|| {
        run(&["distro", "show", "tw", "--package", "kubernetes1.*-client"])
    });
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.starts_with("PACKAGE"), "{shown}");
    assert!(
        shown.contains("kubernetes1.33-client  1.33.4-1.1  kubernetes1.33"),
        "{shown}"
    );
    assert!(shown.contains("kubernetes1.34-client"), "{shown}");
    assert!(!shown.contains("podman"), "{shown}");

    let out = tokio::task::block_in_place(|| run(&["distro", "list"]));
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.contains("tw (rpm-md, preset tumbleweed): openSUSE Tumbleweed"),
        "{shown}"
    );
    let out = tokio::task::block_in_place(|| run(&["distro", "show", "nope"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("help: distros: `tw`"));
}

/// `distro show` uses the package-list cache as `check` does: a second call fetches only the
/// unchanged `repomd.xml`. `distro list` shows each source as it is read: a security suite with
/// its own archive, an `oci` distro's registry and images.
#[tokio::test(flavor = "multi_thread")]
async fn distro_show_uses_the_cache_and_distro_list_names_every_source() {
    let body = gzip(&primary(&[("podman", "x86_64", "5.4.2", "1.1", "podman")]));
    let server = Server::start(vec![
        (
            "/tw/repodata/repomd.xml",
            Reply::ok(repomd("repodata/p.xml.gz", &sha256(&body))),
        ),
        ("/tw/repodata/p.xml.gz", Reply::ok(body)),
    ])
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("rollcall.toml");
    std::fs::write(
        &config,
        format!(
            "[distros.tw]\npreset = \"tumbleweed\"\nurls = [\"{}\"]\n\
             [distros.debian]\nkind = \"deb\"\nurl = \"https://deb.example/debian\"\n\
             suites = [\"bookworm\", \"https://security.example/debian-security bookworm-security\"]\n\
             [distros.images]\nkind = \"oci\"\nregistry = \"https://registry.example\"\nimages = [\"uyuni/server\"]\n",
            server.url("/tw/")
        ),
    )
    .expect("write");
    let cache = dir.path().join("cache");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_rollcall"))
            .args(args)
            .arg("--cache-dir")
            .arg(&cache)
            .arg("--config")
            .arg(&config)
            .output()
            .expect("runs")
    };
    for _ in 0..2 {
        let out = tokio::task::block_in_place(|| run(&["distro", "show", "tw"]));
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("podman"));
    }
    let paths: Vec<String> = server.seen().iter().map(|r| r.target.clone()).collect();
    assert_eq!(
        paths.iter().filter(|p| p.ends_with("p.xml.gz")).count(),
        1,
        "the second call reused the list: {paths:?}"
    );

    let out = tokio::task::block_in_place(|| run(&["distro", "list"]));
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.contains("  https://deb.example/debian bookworm main\n"),
        "{shown}"
    );
    assert!(
        shown.contains("  https://security.example/debian-security bookworm-security main\n"),
        "{shown}"
    );
    assert!(
        shown.contains("  https://registry.example uyuni/server\n"),
        "{shown}"
    );
    assert!(!shown.contains("0 packages written"), "{shown}");
}

/// The machine the tests run on is a Debian system: its own dpkg database is a real `installed`
/// distro.
#[tokio::test(flavor = "multi_thread")]
async fn the_installed_kind_reads_this_machines_database() {
    let truth = std::process::Command::new("dpkg-query")
        .args(["-W", "-f", "${Version}", "dpkg"])
        .output()
        .expect(
            "dpkg-query runs on the test machine (a Debian system); install dpkg to run this test",
        );
    let truth = String::from_utf8(truth.stdout).expect("utf-8");
    assert!(!truth.is_empty());
    let config = support::config(
        "[distros.here]\nkind = \"installed\"\ntool = \"dpkg\"\n[[watch]]\nname = \"w\"\ntracker = \"kernel-org\"\npackages = { here = \"dpkg\" }\n",
    );
    assert_eq!(
        config.distros["here"].family(),
        rollcall::versions::Family::Deb
    );
    let lists = rollcall::run::fetch_distros(&config, &support::runtime(), None).await;
    let here = lists["here"].as_ref().expect("reads the database");
    let found = here.find("dpkg").expect("pattern");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].version, truth);
    assert!(
        here.packages().len() > 50,
        "a real system has many packages"
    );
}

/// A second run re-reads only the small metadata; a failing mirror leaves the last good list in
/// use, with its date and the error.
#[tokio::test(flavor = "multi_thread")]
async fn unchanged_repositories_are_not_downloaded_again_and_failures_keep_the_last_list() {
    let body = gzip(&primary(&[(
        "kernel-default",
        "x86_64",
        "6.4.0",
        "150600.23.25.1",
        "kernel-default",
    )]));
    let server = Server::start(vec![
        (
            "/api/linux-kernel.json",
            Reply::ok(support::fixture("endoflife/linux-kernel.json")),
        ),
        (
            "/leap/repodata/repomd.xml",
            Reply::ok(repomd("repodata/p.xml.gz", &sha256(&body))),
        ),
        ("/leap/repodata/p.xml.gz", Reply::ok(body)),
    ])
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("components");
    let text = format!(
        "[distros.leap]\nkind = \"rpm-md\"\nurls = [\"{}\"]\n{}",
        server.url("/leap/"),
        kernel_watch(&server, &[("leap", "kernel-default")])
    );
    let config = support::config(&text);
    let primaries = || {
        server
            .seen()
            .iter()
            .filter(|s| s.target.ends_with("p.xml.gz"))
            .count()
    };

    let first =
        rollcall::run::fetch_distros(&config, &support::runtime_with(Some(&cache), None), None)
            .await;
    assert!(
        first["leap"]
            .as_ref()
            .is_ok_and(|l| l.stale.is_none() && l.fetched_at.is_some())
    );
    assert_eq!(primaries(), 1);
    let second =
        rollcall::run::fetch_distros(&config, &support::runtime_with(Some(&cache), None), None)
            .await;
    assert_eq!(
        primaries(),
        1,
        "the metadata did not change: the index is not downloaded again"
    );
    assert_eq!(
        second["leap"].as_ref().map(|l| l.packages().len()).ok(),
        Some(1)
    );

    server.set(
        "/leap/repodata/repomd.xml",
        Reply::status(503, "maintenance"),
    );
    let report = rollcall::run::check(
        &config,
        support::runtime_with(Some(&cache), None),
        support::today(),
    )
    .await
    .expect("runs");
    let v = &report.verdicts[0];
    assert_eq!(
        v.status,
        Status::Eol,
        "still evaluated from the last good list: {}",
        v.explanation
    );
    assert!(
        v.explanation.contains("[package list of 20"),
        "{}",
        v.explanation
    );
    assert!(v.explanation.contains("HTTP 503"), "{}", v.explanation);
    assert!(
        v.explanation.contains(", 0 days old: the mirror failed"),
        "{}",
        v.explanation
    );
    let e = report
        .errors
        .iter()
        .find(|e| e.kind == "distro")
        .expect("the failure is reported");
    assert!(e.message.contains("its package list of"), "{}", e.message);
}

/// A registry that wants an anonymous bearer token and pages its tag list with `Link`, serving
/// real tag lists (Docker Hub's library/ubuntu, in dependabot's fixtures).
#[tokio::test(flavor = "multi_thread")]
async fn oci_registries_page_and_authenticate() {
    let ubuntu: serde_json::Value =
        serde_json::from_slice(&support::fixture("oci/ubuntu.json")).expect("tags JSON");
    let tags: Vec<String> = ubuntu["tags"]
        .as_array()
        .expect("tags")
        .iter()
        .filter_map(|t| t.as_str().map(str::to_owned))
        .collect();
    let (first, second) = tags.split_at(tags.len() / 2);
    let page =
        |tags: &[String]| serde_json::json!({ "name": "library/ubuntu", "tags": tags }).to_string();
    let server = Server::start(vec![]).await;
    let challenge = format!(
        "Bearer realm=\"{}\",service=\"registry.test\",scope=\"repository:library/ubuntu:pull\"",
        server.url("/token")
    );
    server.set("/token", Reply::ok(r#"{"token": "t0ken"}"#));
    let mut page_one = Reply::ok(page(first));
    page_one.headers.push((
        "link".into(),
        "</v2/library/ubuntu/tags/list?last=x&n=1000>; rel=\"next\"".into(),
    ));
    // Without the token: 401 and a challenge.
    let mut unauthorized = Reply::status(401, "{}");
    unauthorized
        .headers
        .push(("www-authenticate".into(), challenge));
    server.set("/v2/library/ubuntu/tags/list?n=1000", unauthorized);
    let http = rollcall::net::HttpClient::new().expect("client");

    // The registry's answer depends on the token, which the loopback server cannot check; serve
    // the first page once the challenge has been answered.
    let seen_token = {
        let err = rollcall::distros::oci::tags(&http, &server.url(""), "library/ubuntu")
            .await
            .expect_err("the 401 repeats");
        assert!(err.to_string().contains("HTTP 401"), "{err}");
        server.seen().iter().any(|s| {
            s.target.starts_with("/token?")
                && s.target
                    .contains("scope=repository%3Alibrary%2Fubuntu%3Apull")
        })
    };
    assert!(
        seen_token,
        "the challenge was answered: {:?}",
        server.seen().iter().map(|s| &s.target).collect::<Vec<_>>()
    );
    assert!(
        server.seen().iter().any(|s| s
            .headers
            .get("authorization")
            .is_some_and(|a| a == "Bearer t0ken")),
        "the retry carries the token"
    );

    server.set("/v2/library/ubuntu/tags/list?n=1000", page_one);
    server.set(
        "/v2/library/ubuntu/tags/list?last=x&n=1000",
        Reply::ok(page(second)),
    );
    let listed = rollcall::distros::oci::tags(&http, &server.url(""), "library/ubuntu")
        .await
        .expect("pages");
    let expected = tags
        .iter()
        .filter(|t| t.bytes().any(|b| b.is_ascii_digit()))
        .count();
    assert_eq!(listed.len(), expected, "both pages, version tags only");
    assert!(listed.iter().all(|p| p.name == "library/ubuntu"));

    let text = format!(
        "[distros.hub]\nkind = \"oci\"\nregistry = \"{}\"\nimages = [\"library/ubuntu\"]\n[[watch]]\nname = \"w\"\ntracker = \"kernel-org\"\npackages = {{ hub = \"library/ubuntu\" }}\n",
        server.url("")
    );
    let lists =
        rollcall::run::fetch_distros(&support::config(&text), &support::runtime(), None).await;
    let newest = lists["hub"]
        .as_ref()
        .expect("read")
        .find("library/ubuntu")
        .expect("glob");
    assert_eq!(newest.len(), 1, "the newest version tag is what ships");
    let max = tags
        .iter()
        .filter(|t| t.bytes().any(|b| b.is_ascii_digit()))
        .max_by(|a, b| rollcall::versions::Scheme::Generic.compare(a, b))
        .expect("tags");
    assert_eq!(&newest[0].version, max);
}

/// An Open Build Service project's source packages, with basic auth from the environment.
#[tokio::test(flavor = "multi_thread")]
async fn obs_projects_list_their_packages() {
    let list = r#"<sourceinfolist>
  <sourceinfo package="kernel-default" rev="1" srcmd5="c"><name>kernel-default</name><version>6.12.4</version><release>1.1</release></sourceinfo>
  <sourceinfo package="salt" rev="7" srcmd5="d"><name>salt</name><version>3006.0</version><release>0</release></sourceinfo>
</sourceinfolist>"#;
    let server = Server::start(vec![("/source/openSUSE%3AFactory", Reply::ok(list))]).await;
    // The test process's own PATH stands in for a password variable (tests may not set any).
    let home = std::env::var("PATH").expect("PATH is set");
    let text = format!(
        "[distros.factory]\nkind = \"obs\"\napi = \"{}\"\nproject = \"openSUSE:Factory\"\nuser = \"tester\"\npassword-env = \"PATH\"\n\
         [[watch]]\nname = \"w\"\ntracker = \"kernel-org\"\npackages = {{ factory = \"salt\" }}\n",
        server.url("")
    );
    let lists =
        rollcall::run::fetch_distros(&support::config(&text), &support::runtime(), None).await;
    let factory = lists["factory"].as_ref().expect("read");
    assert_eq!(factory.find("salt").expect("glob")[0].version, "3006.0-0");
    assert_eq!(factory.packages().len(), 2);
    let seen = server.seen();
    assert_eq!(
        seen[0].target,
        "/source/openSUSE%3AFactory?view=info&parse=1"
    );
    use base64::Engine as _;
    let expected = base64::engine::general_purpose::STANDARD.encode(format!("tester:{home}"));
    assert_eq!(
        seen[0].headers.get("authorization"),
        Some(&format!("Basic {expected}"))
    );

    server.set(
        "/source/openSUSE%3AFactory",
        Reply::status(401, "<status code=\"authorization_failed\"/>"),
    );
    let lists =
        rollcall::run::fetch_distros(&support::config(&text), &support::runtime(), None).await;
    let err = lists["factory"].as_ref().expect_err("401").to_string();
    assert!(
        err.contains("wants credentials") && err.contains("password-env"),
        "{err}"
    );
    assert!(
        !err.contains(&home),
        "the password never appears in messages"
    );
}

/// The kept package list belongs to one architecture: switching `arch` reads the other
/// architecture's index instead of reusing the list read for the first (issue 13, item 15).
#[tokio::test(flavor = "multi_thread")]
async fn changing_the_architecture_does_not_reuse_the_kept_list() {
    let index = |version: &str, arch: &str| {
        xz(
            format!("Package: hello\nVersion: {version}\nArchitecture: {arch}\nSource: hello\n\n")
                .as_bytes(),
        )
    };
    let (amd64, arm64) = (index("2.10-3", "amd64"), index("2.9-1", "arm64"));
    let release = format!(
        "Origin: Debian\nSuite: bookworm\nCodename: bookworm\nComponents: main\nArchitectures: amd64 arm64\nSHA256:\n {} {:>16} main/binary-amd64/Packages.xz\n {} {:>16} main/binary-arm64/Packages.xz\n",
        sha256(&amd64),
        amd64.len(),
        sha256(&arm64),
        arm64.len()
    );
    let server = Server::start(vec![
        ("/debian/dists/bookworm/InRelease", Reply::ok(release)),
        (
            "/debian/dists/bookworm/main/binary-amd64/Packages.xz",
            Reply::ok(amd64),
        ),
        (
            "/debian/dists/bookworm/main/binary-arm64/Packages.xz",
            Reply::ok(arm64),
        ),
    ])
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("components");
    let config = |arch: &str| {
        support::config(&format!(
            "[distros.deb]\nkind = \"deb\"\nurl = \"{}\"\nsuites = [\"bookworm\"]\nindex = \"packages\"\narch = \"{arch}\"\n\
             [[watch]]\nname = \"w\"\ntracker = \"kernel-org\"\npackages = {{ deb = \"hello\" }}\n",
            server.url("/debian/")
        ))
    };
    let shipped = |lists: &rollcall::run::ShippedLists| {
        let list = lists["deb"].as_ref().expect("read");
        list.find("hello").expect("glob")[0].version.clone()
    };
    let runtime = || support::runtime_with(Some(&cache), None);

    let first = rollcall::run::fetch_distros(&config("amd64"), &runtime(), None).await;
    assert_eq!(shipped(&first), "2.10-3");
    let again = rollcall::run::fetch_distros(&config("amd64"), &runtime(), None).await;
    assert_eq!(shipped(&again), "2.10-3");
    let indexes = |arch: &str| {
        server
            .seen()
            .iter()
            .filter(|s| s.target.ends_with(&format!("binary-{arch}/Packages.xz")))
            .count()
    };
    assert_eq!(
        indexes("amd64"),
        1,
        "unchanged metadata: the list is reused"
    );

    let switched = rollcall::run::fetch_distros(&config("arm64"), &runtime(), None).await;
    assert_eq!(
        shipped(&switched),
        "2.9-1",
        "the arm64 list, not the one kept for amd64"
    );
    assert_eq!(indexes("arm64"), 1);
}

/// The build service's basic auth follows a redirect only within one origin: another port of
/// the same machine, or another host, gets the request without it (issue 13, item 14; the
/// https → http downgrade on one host is covered by `net::policy`'s unit tests, as a loopback
/// test cannot serve https that the client trusts).
#[tokio::test(flavor = "multi_thread")]
async fn obs_credentials_do_not_follow_a_redirect_to_another_origin() {
    let list = r#"<sourceinfolist><sourceinfo package="salt"><name>salt</name><version>3006.0</version><release>0</release></sourceinfo></sourceinfolist>"#;
    let path = "/source/openSUSE%3AFactory";
    let other = Server::start(vec![(path, Reply::ok(list))]).await;
    let api = Server::start(vec![(path, Reply::ok(list))]).await;
    let text = format!(
        "[distros.factory]\nkind = \"obs\"\napi = \"{}\"\nproject = \"openSUSE:Factory\"\nuser = \"tester\"\npassword-env = \"PATH\"\n\
         [[watch]]\nname = \"w\"\ntracker = \"kernel-org\"\npackages = {{ factory = \"salt\" }}\n",
        api.url("")
    );
    let config = support::config(&text);
    let read = || async {
        let lists = rollcall::run::fetch_distros(&config, &support::runtime(), None).await;
        let list = lists["factory"].as_ref().expect("read").packages().len();
        assert_eq!(list, 1);
    };
    let authorized = |server: &Server| {
        server
            .seen()
            .last()
            .map(|s| s.headers.contains_key("authorization"))
    };

    // The same origin keeps it.
    api.set(path, Reply::redirect(&api.url("/moved")));
    api.set("/moved", Reply::ok(list));
    read().await;
    assert_eq!(authorized(&api), Some(true), "{:?}", api.seen());

    // Another port on the same host does not.
    api.set(path, Reply::redirect(&other.url(path)));
    read().await;
    assert_eq!(authorized(&other), Some(false), "{:?}", other.seen());

    // Nor another host name for the same machine.
    let elsewhere = other.url(path).replace("127.0.0.1", "localhost");
    api.set(path, Reply::redirect(&elsewhere));
    read().await;
    assert_eq!(other.seen().len(), 2);
    assert_eq!(authorized(&other), Some(false), "{:?}", other.seen());
    assert!(
        api.seen()
            .iter()
            .all(|s| s.headers.contains_key("authorization")),
        "the API itself always gets it"
    );
}
