//! Bad configs give the file, line and column, and a `help:` line where the fix is known.

use rollcall::config::{Config, ConfigError, Origin};

use crate::support;

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::parse(text, Origin::File("test.toml".into()))
}

fn located(err: &ConfigError) -> (usize, usize, String, Option<String>) {
    match err {
        ConfigError::At {
            origin,
            line,
            column,
            message,
            help,
            ..
        } => {
            assert_eq!(origin, "test.toml");
            (*line, *column, message.clone(), help.clone())
        }
        other => panic!("expected a located error, got {other:?}"),
    }
}

#[test]
fn syntax_and_type_mistakes_point_at_the_value() {
    let cases: &[(&str, usize, usize, &str, &str)] = &[
        (
            "[[watch]]\nname = \"linux\"\ntrackr = \"kernel-org\"\n",
            3,
            1,
            "unknown field `trackr`",
            "did you mean `tracker`?",
        ),
        (
            "[[watch]]\nname = \"linux\"\ntracker = \"kernel-org\"\nscheme = \"semverr\"\n",
            4,
            10,
            "unknown variant `semverr`",
            "did you mean `semver`?",
        ),
        (
            "[plugins.kernel-org]\ntimeout-secs = \"10\"\n",
            2,
            16,
            "invalid type",
            "quotes",
        ),
        (
            "[[watch]]\nname = \"Linux Kernel\"\ntracker = \"kernel-org\"\n",
            2,
            8,
            "`Linux Kernel` is not a valid name",
            "",
        ),
        (
            "[distros.x]\nkind = \"rpm\"\n",
            2,
            8,
            "unknown variant `rpm`",
            "did you mean `rpm-md`?",
        ),
        (
            "[[watch]]\nname = \"a\"\n",
            1,
            1,
            "missing field `tracker`",
            "add the missing key",
        ),
        // An unclosed header is pointed at where it opens, not where toml gave up.
        ("[[watch]\n", 1, 1, "", ""),
        (
            "[store]\nretention-days = 3\n[distros.tw\nurls = []\n",
            3,
            1,
            "",
            "",
        ),
        (
            "[distros.d]\nkind = \"deb\"\nsutes = [\"bookworm\"]\n",
            3,
            1,
            "unknown field `sutes`",
            "did you mean `suites`?",
        ),
        (
            "[store]\nretention-days = -3\n",
            2,
            18,
            "expected a whole number",
            "",
        ),
        (
            "[plugins.kernel-org]\nmemory-mib = 0\n",
            2,
            14,
            "`memory-mib` = 0 is out of range",
            "from 1 to 1024",
        ),
        (
            "[[watch]]\nname = \"a\"\ntracker = \"kernel-org\"\n[[watch]]\nname = \"a\"\ntracker = \"kernel-org\"\n",
            5,
            8,
            "a second watch is called `a`",
            "unique",
        ),
        (
            "[distros.leap]\nkind = \"static\"\n[[watch]]\nname = \"a\"\ntracker = \"kernel-org\"\npackages = { tumbleweed = \"kernel-default\" }\n",
            6,
            14,
            "distro `tumbleweed`, which is not configured",
            "configured distros: `leap`",
        ),
    ];
    for (text, line, column, message, help) in cases {
        let err = parse(text).expect_err(text);
        let (l, c, m, h) = located(&err);
        assert_eq!((l, c), (*line, *column), "{text}\n{err}");
        assert!(m.contains(message), "`{message}` not in `{m}`");
        if !help.is_empty() {
            let h = h.unwrap_or_default();
            assert!(h.contains(help), "help `{h}` lacks `{help}`");
        }
        let shown = err.to_string();
        assert!(
            shown.starts_with(&format!("invalid config test.toml:{line}:{column}: ")),
            "{shown}"
        );
    }
}

#[test]
fn the_rendered_error_shows_the_line_and_a_caret() {
    let err = parse("[[watch]]\nname = \"linux\"\ntrackr = \"kernel-org\"\n").expect_err("typo");
    let shown = err.to_string();
    assert!(
        shown.contains("3 | trackr = \"kernel-org\"\n  | ^"),
        "{shown}"
    );
    assert!(shown.contains("\nhelp: "), "{shown}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_embedded_default_watches_every_upstream_with_valid_settings() {
    let config = Config::parse(rollcall::config::DEFAULT_CONFIG, Origin::Embedded).expect("valid");
    assert!(config.distros.contains_key("leap-15.6") && config.distros.contains_key("tumbleweed"));
    let trackers: Vec<&str> = config
        .watches
        .iter()
        .map(|w| w.tracker.get_ref().as_str())
        .collect();
    for upstream in [
        "kernel-org",
        "glibc",
        "kubernetes",
        "ceph",
        "salt",
        "uyuni",
        "podman",
        "skopeo",
        "buildah",
        "cloudfoundry",
    ] {
        assert!(
            trackers.contains(&upstream),
            "the default config does not watch `{upstream}`"
        );
    }
    let runtime = support::runtime();
    rollcall::run::load_trackers(&config, &runtime)
        .await
        .expect("every tracker and setting of the default config is valid");
}

#[test]
fn missing_files_say_how_to_fix_it() {
    let err = Config::load("/nonexistent/rollcall.toml".as_ref()).expect_err("missing");
    let shown = err.to_string();
    assert!(shown.contains("/nonexistent/rollcall.toml"), "{shown}");
    assert!(shown.contains("help: "), "{shown}");
}

async fn plan_error(text: &str) -> String {
    let config = support::config(text);
    let runtime = support::runtime();
    match rollcall::run::load_trackers(&config, &runtime).await {
        Ok(_) => panic!("expected a config error for:\n{text}"),
        Err(e) => e.to_string(),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_tracker_lists_the_known_ones() {
    let shown = plan_error("[[watch]]\nname = \"linux\"\ntracker = \"kernel.org\"\n").await;
    assert!(shown.starts_with("invalid config test.toml:3:11: watch `linux` names tracker `kernel.org`, which does not exist"), "{shown}");
    assert!(
        shown.contains("help: known trackers: appstream, buildah,")
            && shown.contains(" kernel-org,"),
        "{shown}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn settings_are_checked_against_the_tracker() {
    let shown = plan_error(
        "[[watch]]\nname = \"k8s\"\ntracker = \"endoflife\"\nsettings = { prodcut = \"kubernetes\" }\n",
    )
    .await;
    assert!(
        shown.starts_with(
            "invalid config test.toml:4:14: tracker `endoflife` has no setting `prodcut`"
        ),
        "{shown}"
    );
    assert!(
        shown.contains("help: its settings are: `product`, `base-url`"),
        "{shown}"
    );

    let shown = plan_error("[[watch]]\nname = \"k8s\"\ntracker = \"endoflife\"\n").await;
    assert!(
        shown.contains("test.toml:2:8: watch `k8s` does not give setting `product`"),
        "{shown}"
    );
    assert!(shown.contains("help: add `product = \"…\"`"), "{shown}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_third_party_plugin_must_be_granted_what_it_asks_for() {
    let text = format!(
        "[plugins.stranger]\npath = {:?}\nsha256 = \"{}\"\n[distros.lab]\nkind = \"static\"\npackages = {{ p = \"1\" }}\n\
         [[watch]]\nname = \"w\"\ntracker = \"stranger\"\nsettings = {{ mode = \"ok\" }}\npackages = {{ lab = \"p\" }}\n",
        rollcall::artifacts::TEST_HOSTILE,
        support::hostile_sha256()
    );
    let report = rollcall::run::check(
        &support::config(&text),
        support::runtime(),
        support::today(),
    )
    .await
    .expect("runs");
    assert_eq!(report.errors.len(), 1, "{:#?}", report.errors);
    let message = &report.errors[0].message;
    assert!(
        message.contains("asks for hosts the config does not grant: \"allowed.example\""),
        "{message}"
    );
    assert!(
        message.contains("`allow-hosts` under `[plugins.stranger]`"),
        "{message}"
    );
}

/// A third-party plugin runs only when its file matches the `sha256` the config pins; without a
/// pin, or after the file changed, its watch fails with the line to write, and the others run.
#[tokio::test(flavor = "multi_thread")]
async fn a_third_party_plugin_runs_only_when_its_pin_matches() {
    let actual = support::hostile_sha256();
    let wrong = "0".repeat(64);
    let path = rollcall::artifacts::TEST_HOSTILE;
    let text = format!(
        "[plugins.pinned]\npath = {path:?}\nsha256 = \"{}\"\nallow-hosts = [\"allowed.example\"]\n\
         [plugins.changed]\npath = {path:?}\nsha256 = \"{wrong}\"\nallow-hosts = [\"allowed.example\"]\n\
         [plugins.unpinned]\npath = {path:?}\nallow-hosts = [\"allowed.example\"]\n\
         [distros.lab]\nkind = \"static\"\npackages = {{ p = \"1.0.0\" }}\n\
         [[watch]]\nname = \"good\"\ntracker = \"pinned\"\nsettings = {{ mode = \"ok\" }}\npackages = {{ lab = \"p\" }}\n\
         [[watch]]\nname = \"tampered\"\ntracker = \"changed\"\nsettings = {{ mode = \"ok\" }}\npackages = {{ lab = \"p\" }}\n\
         [[watch]]\nname = \"loose\"\ntracker = \"unpinned\"\nsettings = {{ mode = \"ok\" }}\npackages = {{ lab = \"p\" }}\n",
        actual.to_uppercase()
    );
    let report = rollcall::run::check(
        &support::config(&text),
        support::runtime(),
        support::today(),
    )
    .await
    .expect("runs");
    let good = report
        .verdicts
        .iter()
        .find(|v| v.watch == "good")
        .expect("the pinned plugin ran");
    assert_eq!(
        good.status,
        rollcall::evaluate::Status::Current,
        "{good:#?}"
    );
    let error = |watch: &str| {
        report
            .errors
            .iter()
            .find(|e| e.watch == watch)
            .map(|e| e.message.clone())
            .unwrap_or_else(|| panic!("no error for `{watch}`: {:#?}", report.errors))
    };
    let tampered = error("tampered");
    assert!(
        tampered.contains(&format!(
            "has SHA-256 {actual}, but the config pins {wrong}"
        )),
        "{tampered}"
    );
    assert!(
        tampered.contains(&format!(
            "set `sha256 = \"{actual}\"` under `[plugins.changed]`"
        )),
        "{tampered}"
    );
    let loose = error("loose");
    assert!(
        loose.contains("is not pinned, so it does not run"),
        "{loose}"
    );
    assert!(
        loose.contains(&format!(
            "add `sha256 = \"{actual}\"` under `[plugins.unpinned]`"
        )),
        "{loose}"
    );
    assert_eq!(report.errors.len(), 2, "{:#?}", report.errors);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_malformed_pin_is_a_config_error_with_its_position() {
    let text = "[plugins.x]\npath = \"x.wasm\"\nsha256 = \"abc\"\n";
    let err = rollcall::config::Config::parse(
        text,
        rollcall::config::Origin::File(std::path::PathBuf::from("test.toml")),
    )
    .expect_err("a bad pin");
    let shown = err.to_string();
    assert!(shown.contains("test.toml:3:10"), "{shown}");
    assert!(
        shown.contains("is not a SHA-256 (64 hexadecimal digits)"),
        "{shown}"
    );
    assert!(shown.contains("sha256sum"), "{shown}");
}
