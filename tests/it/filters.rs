//! The watch's filters and the traps of forges, end to end through `check` and `explain`: a
//! "latest" badge on an old release, monorepo tags, drafts, tags that disappear, prefixes and
//! rewrites; and a watch with a `releases` and a `support` source.

use std::sync::Arc;

use rollcall::evaluate::{Status, Verdict};
use rollcall::runtime::Runtime;
use serde_json::{Value, json};

use crate::support::{self, Reply, Server};

/// A GitHub release object in the API's shape (from the recorded octocrab fixture), changed.
fn gh_release(tag: &str, published: &str, draft: bool, prerelease: bool) -> Value {
    let template: Vec<Value> =
        serde_json::from_slice(&support::fixture("github/repos_releases_list.json"))
            .expect("fixture");
    let mut r = template[0].clone();
    r["tag_name"] = json!(tag);
    r["name"] = json!(tag);
    r["published_at"] = json!(published);
    r["created_at"] = json!(published);
    r["draft"] = json!(draft);
    r["prerelease"] = json!(prerelease);
    r
}

fn runtime(server: &Server) -> Arc<Runtime> {
    support::runtime_with(None, Some((&server.url("/"), "test-token")))
}

async fn check(text: &str, server: &Server) -> Vec<Verdict> {
    let config = support::config(text);
    let report = rollcall::run::check(&config, runtime(server), support::today())
        .await
        .expect("the run completes");
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    report.verdicts
}

fn watch(tracker_settings: &str, extra: &str, ships: &str) -> String {
    format!(
        "[distros.lab]\nkind = \"static\"\npackages = {{ pkg = \"{ships}\" }}\n\n\
         [[watch]]\nname = \"w\"\ntracker = \"github-releases\"\nsettings = {{ {tracker_settings} }}\n\
         packages = {{ lab = \"pkg\" }}\n{extra}\n"
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn the_latest_badge_on_a_backport_is_ignored() {
    // The most recently published release is a backport to an old line: GitHub's "latest".
    let list = json!([
        gh_release("v5.4.10", "2026-11-20T00:00:00Z", false, false),
        gh_release("v6.1.0", "2026-10-01T00:00:00Z", false, false),
        gh_release("v6.0.2", "2026-09-01T00:00:00Z", false, false),
    ]);
    let server = Server::start(vec![
        ("/repos/o/r/releases", Reply::ok(list.to_string())),
        (
            "/repos/o/r/releases/latest",
            Reply::ok(gh_release("v5.4.10", "2026-11-20T00:00:00Z", false, false).to_string()),
        ),
    ])
    .await;
    let verdicts = check(&watch("repository = \"o/r\"", "", "6.0.2"), &server).await;
    assert_eq!(verdicts[0].latest.as_deref(), Some("6.1.0"));
    assert_eq!(
        verdicts[0].status,
        Status::Superseded,
        "{}",
        verdicts[0].explanation
    );
    assert!(server.seen().iter().all(|s| !s.target.contains("/latest")));
}

#[tokio::test(flavor = "multi_thread")]
async fn monorepo_tags_of_other_packages_are_dropped_or_picked_by_prefix() {
    let server = Server::start(vec![(
        "/repos/facebook/react/releases",
        Reply::ok(support::fixture(
            "github/releases_with_mixed_tag_formats.json",
        )),
    )])
    .await;
    let verdicts = check(
        &watch("repository = \"facebook/react\"", "", "18.2.0"),
        &server,
    )
    .await;
    assert_eq!(
        verdicts[0].latest.as_deref(),
        Some("18.3.1"),
        "{}",
        verdicts[0].explanation
    );

    let hooks = watch(
        "repository = \"facebook/react\"",
        "tag-prefix = \"eslint-plugin-react-hooks@\"\nline = \"major\"",
        "4.6.0",
    );
    let verdicts = check(&hooks, &server).await;
    assert_eq!(
        verdicts[0].latest.as_deref(),
        Some("5.0.0"),
        "{}",
        verdicts[0].explanation
    );

    let config = support::config(&watch("repository = \"facebook/react\"", "", "18.2.0"));
    let explained = rollcall::run::explain(&config, runtime(&server), "w", None, support::today())
        .await
        .expect("explains");
    let dropped = explained.evaluations[0]
        .trace
        .candidates
        .iter()
        .find(|c| c.version == "eslint-plugin-react-hooks@5.0.0")
        .expect("the monorepo tag is listed");
    assert!(
        dropped.decision.contains("set `tag-prefix`"),
        "{}",
        dropped.decision
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn drafts_are_not_releases() {
    let list = json!([
        gh_release("v2.0.0", "2026-11-25T00:00:00Z", true, false),
        gh_release("v1.9.0-rc.1", "2026-11-01T00:00:00Z", false, true),
        gh_release("v1.8.0", "2026-10-01T00:00:00Z", false, false),
    ]);
    let server = Server::start(vec![("/repos/o/r/releases", Reply::ok(list.to_string()))]).await;
    let verdicts = check(&watch("repository = \"o/r\"", "", "1.8.0"), &server).await;
    assert_eq!(
        verdicts[0].latest.as_deref(),
        Some("1.8.0"),
        "{}",
        verdicts[0].explanation
    );
    assert_eq!(verdicts[0].status, Status::Current);
    // Counting pre-releases brings in the release candidate, still not the draft.
    let verdicts = check(
        &watch("repository = \"o/r\"", "prereleases = true", "1.8.0"),
        &server,
    )
    .await;
    assert_eq!(verdicts[0].latest.as_deref(), Some("1.9.0-rc.1"));
}

fn pkt(line: &str) -> String {
    format!("{:04x}{line}", line.len() + 4)
}

fn advertisement(tags: &[&str]) -> String {
    let mut out = format!("{}0000", pkt("# service=git-upload-pack\n"));
    for (i, tag) in tags.iter().enumerate() {
        out.push_str(&pkt(&format!("{:040x} refs/tags/{tag}\n", i + 1)));
    }
    out + "0000"
}

fn git_watch(url: &str, extra: &str, ships: &str) -> String {
    format!(
        "[distros.lab]\nkind = \"static\"\npackages = {{ pkg = \"{ships}\" }}\n\n\
         [[watch]]\nname = \"w\"\ntracker = \"git-tags\"\nsettings = {{ url = \"{url}\" }}\n\
         packages = {{ lab = \"pkg\" }}\n{extra}\n"
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tag_that_disappears_is_no_longer_the_newest() {
    let server = Server::start(vec![(
        "/repo/info/refs",
        Reply::ok(advertisement(&["v1.0.0", "v1.1.0", "v1.1.1"])),
    )])
    .await;
    let text = git_watch(&server.url("/repo"), "", "1.1.1");
    assert_eq!(check(&text, &server).await[0].status, Status::Current);
    // The upstream deletes a tag it pushed by mistake.
    server.set(
        "/repo/info/refs",
        Reply::ok(advertisement(&["v1.0.0", "v1.1.0"])),
    );
    let verdicts = check(&text, &server).await;
    assert_eq!(verdicts[0].latest.as_deref(), Some("1.1.0"));
    assert_eq!(
        verdicts[0].status,
        Status::Ahead,
        "{}",
        verdicts[0].explanation
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn include_exclude_prefix_and_rewrite_clean_tags() {
    let server = Server::start(vec![(
        "/glibc/info/refs",
        Reply::ok(advertisement(&[
            "cvs/glibc-2_1",
            "glibc-2.40",
            "glibc-2.40.9000",
            "glibc-2.41",
            "release-2_42",
        ])),
    )])
    .await;
    let url = server.url("/glibc");
    let prefix = git_watch(
        &url,
        "tag-prefix = \"glibc-\"\nexclude = '\\.9000$'",
        "2.40",
    );
    let verdicts = check(&prefix, &server).await;
    assert_eq!(
        verdicts[0].latest.as_deref(),
        Some("2.41"),
        "{}",
        verdicts[0].explanation
    );
    assert_eq!(verdicts[0].status, Status::Superseded);

    let rewrite = git_watch(
        &url,
        "include = '^release-'\nrewrite = { pattern = '^release-(\\d+)_(\\d+)$', to = '$1.$2' }",
        "2.40",
    );
    let verdicts = check(&rewrite, &server).await;
    assert_eq!(
        verdicts[0].latest.as_deref(),
        Some("2.42"),
        "{}",
        verdicts[0].explanation
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_filter_is_a_config_error_with_its_position() {
    let text = "[[watch]]\nname = \"w\"\ntracker = \"git-tags\"\nexclude = '(unclosed'\n";
    let err = rollcall::config::Config::parse(text, rollcall::config::Origin::Embedded)
        .expect_err("a bad regex");
    let shown = err.to_string();
    assert!(shown.contains(":4:"), "{shown}");
    assert!(shown.contains("not a valid regular expression"), "{shown}");
}

#[tokio::test(flavor = "multi_thread")]
async fn announced_support_dates_win_and_the_explanation_says_who_said_them() {
    let server = Server::start(vec![
        (
            "/repos/kubernetes/kubernetes/releases",
            Reply::ok(support::fixture("github/kubernetes-releases.json")),
        ),
        (
            "/api/kubernetes.json",
            Reply::ok(support::fixture("endoflife/kubernetes.json")),
        ),
    ])
    .await;
    let text = format!(
        "[distros.lab]\nkind = \"static\"\npackages = {{ kubectl = \"1.35.6\" }}\n\n\
         [[watch]]\nname = \"kubernetes\"\ntracker = \"kubernetes\"\n\
         support = {{ tracker = \"endoflife\", settings = {{ product = \"kubernetes\", base-url = \"{}\" }} }}\n\
         packages = {{ lab = \"kubectl\" }}\n",
        server.url("")
    );
    let verdicts = check(&text, &server).await;
    let v = &verdicts[0];
    assert_eq!(v.eol.map(|d| d.to_string()).as_deref(), Some("2027-02-28"));
    assert_eq!(v.eol_source.as_deref(), Some("announced"));
    assert!(
        v.explanation
            .contains("end of life 2027-02-28 (announced by endoflife)"),
        "{}",
        v.explanation
    );
    assert_eq!(v.latest_in_line.as_deref(), Some("1.35.8"));

    let config = support::config(&text);
    let explained = rollcall::run::explain(
        &config,
        runtime(&server),
        "kubernetes",
        None,
        support::today(),
    )
    .await
    .expect("explains");
    let steps = &explained.evaluations[0].trace.steps;
    assert!(
        steps.iter().any(|s| s.contains("line 1.35: end of life 2027-02-28 announced by `endoflife`, over 2027-02-17 projected by `kubernetes`")),
        "{steps:#?}"
    );

    // Without the support source the projected date stands, and says so.
    let alone = text.replace("support = {", "# support = {");
    let verdicts = check(&alone, &server).await;
    assert!(
        verdicts[0]
            .explanation
            .contains("end of life 2027-02-17 (projected)"),
        "{}",
        verdicts[0].explanation
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_support_source_leaves_the_releases_to_judge() {
    let server = Server::start(vec![(
        "/repos/kubernetes/kubernetes/releases",
        Reply::ok(support::fixture("github/kubernetes-releases.json")),
    )])
    .await;
    let text = format!(
        "[distros.lab]\nkind = \"static\"\npackages = {{ kubectl = \"1.35.6\" }}\n\n\
         [[watch]]\nname = \"kubernetes\"\ntracker = \"kubernetes\"\n\
         support = {{ tracker = \"endoflife\", settings = {{ product = \"kubernetes\", base-url = \"{}\" }} }}\n\
         packages = {{ lab = \"kubectl\" }}\n",
        server.url("")
    );
    let config = support::config(&text);
    let report = rollcall::run::check(&config, runtime(&server), support::today())
        .await
        .expect("the run completes");
    assert_eq!(report.errors.len(), 1, "{:#?}", report.errors);
    assert_eq!(report.errors[0].tracker.as_deref(), Some("endoflife"));
    assert_eq!(report.errors[0].kind, "upstream-status");
    let v = &report.verdicts[0];
    assert_eq!(v.status, Status::EolSoon, "{}", v.explanation);
    assert_eq!(v.latest_in_line.as_deref(), Some("1.35.8"));
    assert!(v.explanation.contains("(projected)"), "{}", v.explanation);
}
