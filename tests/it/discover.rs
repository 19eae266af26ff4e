//! `rollcall discover`: watches proposed from a distro's own index, checked at loopback
//! registries, written as a stable file that a config includes; and the rules' accuracy on real
//! Debian paragraphs whose upstreams were established by hand.

use std::collections::BTreeMap;
use std::path::Path;

use rollcall::config::Config;
use rollcall::discover::{self, Kind};
use rollcall::distros::deb;
use rollcall::versions::Family;

use crate::distros::deb_suite;
use crate::support::{self, Reply, Server};

/// Real bookworm paragraphs (trimmed to the fields discovery reads) for the tricky cases.
const SOURCES: &str = "\
Package: python-nacl
Binary: python3-nacl, python-nacl-doc
Version: 1.5.0-2
Homepage: https://github.com/pyca/pynacl/
Vcs-Git: https://salsa.debian.org/python-team/packages/python-nacl.git

Package: rust-serde-json
Binary: librust-serde-json-dev
Version: 1.0.87-1
Homepage: https://github.com/serde-rs/json
Vcs-Git: https://salsa.debian.org/rust-team/debcargo-conf.git [src/serde-json]

Package: node-babel7
Binary: node-babel7, node-babel7-runtime
Version: 7.20.15+ds1+~cs214.269.168-3
Homepage: https://babeljs.io/
Vcs-Git: https://salsa.debian.org/js-team/babel.git

Package: golang-github-pkg-errors
Binary: golang-github-pkg-errors-dev
Version: 0.9.1-3
Homepage: https://github.com/pkg/errors
Go-Import-Path: github.com/pkg/errors

Package: libmoose-perl
Binary: libmoose-perl
Version: 2.2203-1
Homepage: https://metacpan.org/release/Moose

Package: python-notthere
Binary: python3-notthere
Version: 1.0-1
Homepage: https://notthere.example.org/

Package: debhelper
Binary: debhelper, dh-autoreconf
Version: 13.11.4
Vcs-Git: https://salsa.debian.org/debian/debhelper.git

Package: jq
Binary: jq, libjq1, libjq-dev
Version: 1.6-2.1
Homepage: https://github.com/stedolan/jq
";

async fn registry() -> Server {
    Server::start(vec![
        // The Python index: `nacl` is not a project; `PyNaCl` is, and links to the homepage.
        (
            "/py/pypi/pynacl/json",
            Reply::ok(
                r#"{"info":{"name":"PyNaCl","home_page":"https://github.com/pyca/pynacl/","project_urls":{"Homepage":"https://github.com/pyca/pynacl/"}},"releases":{}}"#,
            ),
        ),
        // The crate index knows `serde_json`, not `serde-json`.
        (
            "/crates/se/rd/serde_json",
            Reply::ok("{\"name\":\"serde_json\",\"vers\":\"1.0.87\",\"deps\":[],\"cksum\":\"00\",\"features\":{},\"yanked\":false}\n"),
        ),
        // npm: `babel` is not the compiler; `@babel/core` is, and names the repository.
        (
            "/npm/@babel%2Fcore",
            Reply::ok(
                r#"{"name":"@babel/core","homepage":"https://babeljs.io/","repository":{"type":"git","url":"https://github.com/babel/babel.git"},"versions":{}}"#,
            ),
        ),
    ])
    .await
}

fn write_config(
    dir: &Path,
    archive: &Server,
    registry: &Server,
    extra: &str,
) -> std::path::PathBuf {
    let config = dir.join("rollcall.toml");
    std::fs::write(
        &config,
        format!(
            "{extra}\n[network]\nper-host = 16\n\n[distros.deb]\nkind = \"deb\"\nurl = \"{}\"\nsuites = [\"bookworm\"]\n\n\
             [discover.registries]\npypi = \"{}\"\ncrates = \"{}\"\nnpm = \"{}\"\nmetacpan = \"{}\"\ngo-proxy = \"{}\"\n\
             cran = \"{}\"\nhackage = \"{}\"\nrubygems = \"{}\"\ngnome = \"{}\"\n",
            archive.url("/debian"),
            registry.url("/py"),
            registry.url("/crates"),
            registry.url("/npm"),
            registry.url("/cpan"),
            registry.url("/go"),
            registry.url("/cran"),
            registry.url("/hackage"),
            registry.url("/gems"),
            registry.url("/gnome"),
        ),
    )
    .expect("write");
    config
}

/// `discover deb --verify --format json`, which must succeed.
fn verified(config: &Path) -> serde_json::Value {
    let out = rollcall(config, &["discover", "deb", "--verify", "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

fn rollcall(config: &Path, args: &[&str]) -> std::process::Output {
    tokio::task::block_in_place(|| {
        std::process::Command::new(env!("CARGO_BIN_EXE_rollcall"))
            .arg("--no-cache")
            .arg("--config")
            .arg(config)
            .args(args)
            .output()
            .expect("runs")
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn discover_writes_a_stable_watch_file_that_the_config_includes() {
    let routes = deb_suite("bookworm", SOURCES.as_bytes());
    let archive = Server::start(
        routes
            .iter()
            .map(|(p, r)| (p.as_str(), r.clone()))
            .collect(),
    )
    .await;
    let registry = registry().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let config = write_config(dir.path(), &archive, &registry, "");

    let first = dir.path().join("watches/deb.toml");
    let out = rollcall(
        &config,
        &[
            "discover",
            "deb",
            "--output",
            first.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("of 8 source packages placed"), "{stderr}");
    let written = std::fs::read_to_string(&first).expect("written");
    // Byte-identical on a second run.
    let out = rollcall(&config, &["discover", "deb"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), written);
    // The rules alone: the Go import path, the homepage on MetaCPAN, GitHub for jq.
    assert!(
        written.contains("name = \"golang-github-pkg-errors\"\ntracker = \"go-proxy\""),
        "{written}"
    );
    assert!(
        written.contains("module = \"github.com/pkg/errors\""),
        "{written}"
    );
    assert!(written.contains("distribution = \"Moose\""), "{written}");
    assert!(
        written.contains("repository = \"stedolan/jq\""),
        "{written}"
    );
    assert!(written.contains("confidence = \"high\""), "{written}");
    // Debian-native debhelper is not placed, and says why.
    assert!(
        written.contains("#   debhelper 13.11.4: Debian-native package"),
        "{written}"
    );

    // `--verify` asks the registries: PyNaCl, serde_json and @babel/core, each confirmed or
    // found under another spelling; a project no registry has is left out with the names tried.
    let doc = verified(&config);
    let id_of = |package: &str| {
        doc["found"]
            .as_array()
            .expect("found")
            .iter()
            .find(|f| f["package"] == package)
            .map(|f| {
                (
                    f["proposal"]["id"].as_str().unwrap_or_default().to_owned(),
                    f["proposal"]["confidence"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                )
            })
    };
    assert_eq!(
        id_of("python-nacl"),
        Some(("PyNaCl".into(), "high".into())),
        "{doc:#}"
    );
    assert_eq!(
        id_of("rust-serde-json"),
        Some(("serde_json".into(), "high".into())),
        "{doc:#}"
    );
    assert_eq!(
        id_of("node-babel7"),
        Some(("@babel/core".into(), "high".into())),
        "{doc:#}"
    );
    assert_eq!(id_of("python-notthere"), None);
    let why = doc["unplaced"]
        .as_array()
        .expect("unplaced")
        .iter()
        .find(|u| u["package"] == "python-notthere")
        .expect("listed");
    assert!(
        why["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("not on the registry (tried notthere, pynotthere"),
        "{why}"
    );
    assert_eq!(doc["counts"]["packages"], 8);

    // Included: a hand-written watch for jq wins over the discovered one, whatever its name.
    let hand = "include = [\"watches/*.toml\"]\n\n[[watch]]\nname = \"jq-by-hand\"\ntracker = \"github-releases\"\nsettings = { repository = \"jqlang/jq\" }\npackages = { deb = \"jq\" }\n";
    let config = write_config(dir.path(), &archive, &registry, hand);
    let loaded = Config::load(&config).expect("loads");
    assert!(
        loaded.shadowed.contains(&"jq".to_owned()),
        "{:?}",
        loaded.shadowed
    );
    let names: Vec<&str> = loaded
        .watches
        .iter()
        .map(|w| w.name.get_ref().as_str())
        .collect();
    assert!(
        names.contains(&"jq-by-hand") && !names.contains(&"jq"),
        "{names:?}"
    );
    assert!(names.contains(&"libmoose-perl"), "{names:?}");
    let moose = loaded
        .watches
        .iter()
        .find(|w| w.name.get_ref().as_str() == "libmoose-perl")
        .expect("moose");
    assert_eq!(
        moose.discovered.as_ref().map(|d| d.rule.as_str()),
        Some("homepage on the registry")
    );

    // An error in an included file names that file and its line.
    std::fs::write(
        dir.path().join("watches/broken.toml"),
        "[[watch]]\nname = \"x\"\ntrackr = \"pypi\"\n",
    )
    .expect("write");
    let err = Config::load(&config)
        .expect_err("broken include")
        .to_string();
    assert!(err.contains("broken.toml"), "{err}");
    assert!(err.contains("trackr"), "{err}");
    // A literal include that is not there says how to make it.
    let config = write_config(
        dir.path(),
        &archive,
        &registry,
        "include = [\"nope.toml\"]\n",
    );
    let err = Config::load(&config)
        .expect_err("missing include")
        .to_string();
    assert!(err.contains("rollcall discover"), "{err}");
    // A glob that matches nothing adds nothing.
    let config = write_config(
        dir.path(),
        &archive,
        &registry,
        "include = [\"none/*.toml\"]\n",
    );
    assert!(Config::load(&config).expect("loads").watches.is_empty());
    // A registry key that is no registry tracker, and an endpoint that is no URL, are errors.
    let config = write_config(dir.path(), &archive, &registry, "");
    let text = std::fs::read_to_string(&config).expect("read");
    std::fs::write(&config, text.replace("\npypi = ", "\npipy = ")).expect("write");
    let err = Config::load(&config)
        .expect_err("unknown registry")
        .to_string();
    assert!(
        err.contains("`pipy`") && err.contains("registry trackers: pypi"),
        "{err}"
    );
    std::fs::write(&config, text.replace("npm = \"http", "npm = \"ftp")).expect("write");
    let err = Config::load(&config).expect_err("not a URL").to_string();
    assert!(err.contains("is not an http(s) URL"), "{err}");
}

/// One line of the hand-established truth: package, kind, id.
fn truth() -> Vec<(String, String, String)> {
    let text = String::from_utf8(support::fixture("discover/debian-truth.tsv")).expect("utf-8");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let mut f = l.split('\t');
            let (p, k, id) = (f.next(), f.next(), f.next());
            (
                p.unwrap_or_default().to_owned(),
                k.unwrap_or_default().to_owned(),
                id.unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// The rules on real bookworm paragraphs of packages whose upstream was established by hand
/// (tests/fixtures/discover/): how many are placed where the truth says, and none of the
/// packages that must not be placed is.
#[test]
fn rules_place_real_debian_packages_where_a_person_would() {
    let truth = truth();
    assert!(truth.len() >= 200, "{} truth entries", truth.len());
    let sources = support::fixture("discover/bookworm-main-Sources.truth");
    let packages = deb::parse_index(&sources[..], true).expect("parses");
    let registries: BTreeMap<String, String> = [
        "pypi", "crates", "npm", "metacpan", "cran", "hackage", "rubygems", "go-proxy", "gnome",
    ]
    .iter()
    .map(|t| ((*t).to_owned(), "http://registry.invalid".to_owned()))
    .collect();
    let found = discover::discover("bookworm", &packages, Family::Deb, &registries);
    let by_package: BTreeMap<&str, &discover::Found> = found
        .found
        .iter()
        .map(|f| (f.package.as_str(), f))
        .collect();
    let mut right = 0;
    let mut reachable = 0;
    let mut wrong = Vec::new();
    let mut per_kind: BTreeMap<&str, (u32, u32)> = BTreeMap::new();
    for (package, kind, id) in &truth {
        let got = by_package.get(package.as_str());
        let hit = |spellings: usize| match (kind.as_str(), got) {
            ("none", None) => true,
            ("none", Some(_)) | (_, None) => false,
            (kind, Some(f)) => {
                let k = f.proposal.kind;
                let same_kind = k.name() == kind;
                let candidates = std::iter::once(&f.proposal.id).chain(&f.proposal.alternatives);
                same_kind
                    && candidates.take(spellings).any(|c| {
                        k.same_id(c, id) || k == Kind::Gitlab && c.eq_ignore_ascii_case(id)
                    })
            }
        };
        if hit(usize::MAX) {
            reachable += 1;
        } else {
            eprintln!(
                "  unreachable: {package}: truth {kind} {id}, got {:?}",
                got.map(|f| (f.proposal.kind, &f.proposal.id, f.proposal.rule))
            );
        }
        let ok = hit(1);
        let entry = per_kind.entry(kind.as_str()).or_default();
        entry.1 += 1;
        if ok {
            right += 1;
            entry.0 += 1;
        } else {
            wrong.push(format!(
                "{package}: truth {kind} {id}, got {}",
                got.map_or("nothing".to_owned(), |f| format!(
                    "{} {} ({})",
                    f.proposal.kind.name(),
                    f.proposal.id,
                    f.proposal.rule
                ))
            ));
        }
    }
    let share = f64::from(right) / truth.len() as f64;
    eprintln!(
        "rules alone: {right} of {} right ({:.1} %); per kind {per_kind:?}",
        truth.len(),
        share * 100.0
    );
    eprintln!(
        "the right spelling among the candidates --verify tries: {reachable} of {}",
        truth.len()
    );
    for w in &wrong {
        eprintln!("  {w}");
    }
    // Measured 2026-12-04 on 539 packages: 435 (80.7 %) first choices right, and the right
    // spelling among the candidates for 479 (88.9 %). Most misses are C projects whose homepage is their own
    // site (htop.dev, openssl.org): no rule can name their repository without asking a forge;
    // then CPAN's and CRAN's case (`DBI`, `gridExtra`) and gems' `_` where nothing in the index
    // spells them. `--verify` picks among the candidates (the next test).
    assert!(
        share >= 0.79,
        "{right} of {} right:\n{}",
        truth.len(),
        wrong.join("\n")
    );
    assert!(
        f64::from(reachable) / truth.len() as f64 >= 0.87,
        "the right spelling is among the candidates for only {reachable} of {}",
        truth.len()
    );
}

/// `--verify` on the same real paragraphs, against loopback registries that answer what the
/// real Python index, crate index and npm answered for every spelling tried (recorded live,
/// compacted to the fields discovery reads: tests/fixtures/discover/registry-answers.json).
#[tokio::test(flavor = "multi_thread")]
async fn verify_finds_the_registry_names_a_person_found() {
    let answers: serde_json::Value =
        serde_json::from_slice(&support::fixture("discover/registry-answers.json")).expect("json");
    let mut routes: Vec<(String, Reply)> = Vec::new();
    for (kind, prefix) in [("pypi", "/py/"), ("crates", "/crates/"), ("npm", "/npm/")] {
        for (key, answer) in answers[kind].as_object().expect("object") {
            let status = answer["status"].as_u64().unwrap_or(404) as u16;
            let body = match (kind, answer.get("body")) {
                (_, None) => "{}".to_owned(),
                ("crates", Some(b)) => b
                    .as_array()
                    .map(|lines| lines.iter().map(|l| format!("{l}\n")).collect())
                    .unwrap_or_default(),
                (_, Some(b)) => b.to_string(),
            };
            routes.push((format!("{prefix}{key}"), Reply::status(status, body)));
        }
    }
    let registry = Server::start(
        routes
            .iter()
            .map(|(p, r)| (p.as_str(), r.clone()))
            .collect(),
    )
    .await;
    let sources = support::fixture("discover/bookworm-main-Sources.truth");
    let archive_routes = deb_suite("bookworm", &sources);
    let archive = Server::start(
        archive_routes
            .iter()
            .map(|(p, r)| (p.as_str(), r.clone()))
            .collect(),
    )
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let config = write_config(dir.path(), &archive, &registry, "");
    let doc = verified(&config);
    let found: BTreeMap<&str, &serde_json::Value> = doc["found"]
        .as_array()
        .expect("found")
        .iter()
        .map(|f| (f["package"].as_str().unwrap_or_default(), f))
        .collect();
    let (mut right, mut all) = (0, 0);
    let mut wrong = Vec::new();
    for (package, kind, id) in truth() {
        let k = match kind.as_str() {
            "pypi" => Kind::Pypi,
            "crates" => Kind::Crates,
            "npm" => Kind::Npm,
            _ => continue,
        };
        all += 1;
        let got = found.get(package.as_str());
        let ok = got.is_some_and(|f| {
            f["proposal"]["kind"] == kind
                && k.same_id(f["proposal"]["id"].as_str().unwrap_or_default(), &id)
        });
        if ok {
            right += 1;
        } else {
            wrong.push(format!(
                "{package}: truth {kind} {id}, got {}",
                got.map_or("nothing".to_owned(), |f| format!(
                    "{} {} ({})",
                    f["proposal"]["kind"], f["proposal"]["id"], f["verified"]
                ))
            ));
        }
    }
    let share = f64::from(right) / f64::from(all);
    eprintln!(
        "with --verify, the Python index, crates and npm: {right} of {all} right ({:.1} %)",
        share * 100.0
    );
    for w in &wrong {
        eprintln!("  {w}");
    }
    assert!(all >= 200, "{all} registry packages in the truth");
    // Measured 2026-12-04: 234 of 243 (96.3 %). Of the 9 misses, 3 are packages no rule places
    // on the index (`pillow`'s homepage is on github.io, `scikit-learn` and `wxpython4.0` have
    // no prefix), 2 are spellings the rules do not try (`winapi-x86_64-pc-windows-gnu`,
    // `@yarn-tool/resolve-package`), and 4 are answers a person could defend (`babel`,
    // `lodash.reescape` twice and `python-termstyle`: each has released Debian's version and
    // links its homepage, beside the maintained project of another name).
    assert!(share >= 0.95, "{right} of {all}:\n{}", wrong.join("\n"));

    // A registry that cannot be reached: after its first failures the rest of its proposals
    // are not asked, and each says why; the proposals stay, with the rule's confidence.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let unreachable = format!("http://{}/cpan", closed.local_addr().expect("addr"));
    drop(closed);
    let text = std::fs::read_to_string(&config).expect("read");
    std::fs::write(&config, text.replace(&registry.url("/cpan"), &unreachable)).expect("write");
    let doc = verified(&config);
    let perl: Vec<&str> = doc["found"]
        .as_array()
        .expect("found")
        .iter()
        .filter(|f| f["proposal"]["kind"] == "metacpan")
        .map(|f| f["verified"].as_str().unwrap_or_default())
        .collect();
    assert!(perl.len() >= 30, "{} metacpan proposals", perl.len());
    assert!(
        perl.iter()
            .all(|v| v.starts_with("could not ask the registry")),
        "{perl:?}"
    );
    let skipped = perl
        .iter()
        .filter(|v| v.contains("answered none of the first requests"))
        .count();
    assert!(
        skipped >= perl.len() - 10,
        "only {skipped} of {} were not asked",
        perl.len()
    );
}

/// Flathub as a distro: a real catalogue (Flathub's x86_64 `appstream.xml` of 2018, trimmed)
/// served gzipped, read as application id → newest release, and discovered from its homepages.
#[tokio::test(flavor = "multi_thread")]
async fn flathub_ships_applications_and_their_homepages_place_them() {
    let xml = support::fixture("distro-metadata/flathub/appstream.xml");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, &xml).expect("gzip");
    let server = Server::start(vec![(
        "/repo/appstream/x86_64/appstream.xml.gz",
        Reply::ok(gz.finish().expect("gzip")),
    )])
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("rollcall.toml");
    std::fs::write(
        &config,
        format!(
            "[distros.flathub]\npreset = \"flathub\"\nurl = \"{}\"\n",
            server.url("/repo/appstream/x86_64/appstream.xml.gz")
        ),
    )
    .expect("write");
    let out = rollcall(&config, &["distro", "show", "flathub", "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shown: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("json");
    let pairs: Vec<(&str, &str)> = shown
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap_or_default(),
                p["version"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    // Seven applications list a release; LibreSprite, Lugaru and the GNOME runtime do not.
    assert_eq!(
        pairs,
        [
            ("com.github.alecaddd.sequeler", "0.5.5"),
            ("com.github.lainsce.notejot", "1.3.8"),
            ("de.haeckerfelix.gradio", "7.1"),
            ("io.github.Hexchat", "2.14.1"),
            ("io.github.guillaumechereau.Goxel", "v0.7.3"),
            ("org.gnome.Eolie", "0.9.35"),
            ("org.gnome.Fractal", "3.29.1"),
        ]
    );
    let out = rollcall(&config, &["discover", "flathub", "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let placed: BTreeMap<&str, (&str, &str)> = doc["found"]
        .as_array()
        .expect("found")
        .iter()
        .map(|f| {
            (
                f["package"].as_str().unwrap_or_default(),
                (
                    f["tracker"].as_str().unwrap_or_default(),
                    f["proposal"]["id"].as_str().unwrap_or_default(),
                ),
            )
        })
        .collect();
    assert_eq!(
        placed["com.github.alecaddd.sequeler"],
        ("github-tags", "Alecaddd/sequeler")
    );
    assert_eq!(
        placed["io.github.Hexchat"],
        ("github-tags", "hexchat/hexchat")
    );
    assert_eq!(
        placed["io.github.guillaumechereau.Goxel"],
        ("github-tags", "guillaumechereau/goxel")
    );
    assert_eq!(
        placed["org.gnome.Fractal"],
        ("gitlab-tags", "gitlab.gnome.org/World/fractal")
    );
    assert_eq!(doc["counts"]["packages"], 7);
}

/// Real rpm-md entries (two openSUSE Build Service repositories of 2008, their `primary.xml`
/// verbatim; tests/fixtures/distro-metadata/opensuse/): packages are grouped by their source
/// RPM, so the language bindings built from one C library are one watch of that library and are
/// never placed by their binary's `python-`/`perl-`/`ruby-` name.
#[test]
fn rpm_md_entries_are_placed_by_their_source_rpm() {
    let mut packages = Vec::new();
    for repo in ["OBS_zypp_svn-11.1", "obs_virtualbox_11_1"] {
        let xml = support::fixture(&format!("distro-metadata/opensuse/{repo}/primary.xml"));
        packages.extend(rollcall::distros::rpmmd::parse_primary(&xml[..]).expect("parses"));
    }
    let registries: BTreeMap<String, String> = ["pypi", "metacpan", "rubygems", "gnome"]
        .iter()
        .map(|t| ((*t).to_owned(), "http://registry.invalid".to_owned()))
        .collect();
    let found = discover::discover("obs", &packages, Family::Rpm, &registries);
    // 98 binary packages (i586 and x86_64; the 22 `src` entries are not shipped binaries) of 11
    // source RPMs; none of their homepages is a forge or a registry (project sites, an svn tree,
    // and OBS's `build15` where the spec had no URL).
    assert_eq!(packages.len(), 98);
    assert_eq!(found.packages, 11);
    assert!(
        found.found.is_empty(),
        "{:?}",
        found.found.first().map(|f| &f.package)
    );
    let unplaced: BTreeMap<&str, &str> = found
        .unplaced
        .iter()
        .map(|u| (u.package.as_str(), u.reason.as_str()))
        .collect();
    assert_eq!(unplaced.len(), 11);
    // python-zypp, perl-zypp and ruby-zypp are libzypp-bindings; python-satsolver and its
    // siblings are libsatsolver: not the Python index's, CPAN's or RubyGems' `zypp`.
    for binding in ["python-zypp", "perl-zypp", "ruby-zypp", "python-satsolver"] {
        assert!(packages.iter().any(|p| p.name == binding), "{binding}");
        assert!(!unplaced.contains_key(binding), "{binding} is not a source");
    }
    assert!(unplaced["libzypp-bindings"].contains("`build13` is not a URL"));
    assert!(
        unplaced["libsatsolver"].contains("svn.opensuse.org")
            && unplaced["libsatsolver"].contains("a project site"),
        "{}",
        unplaced["libsatsolver"]
    );
    assert!(unplaced["gcc41"].contains("http://gcc.gnu.org/"));
}
