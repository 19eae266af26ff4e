use super::*;

#[test]
fn limits_default_and_override_per_plugin() {
    let config = Config::parse(
        "[plugins.kernel-org]\nmemory-mib = 128\ntimeout-secs = 5\nmax-http-calls = 3\n",
        Origin::Embedded,
    )
    .expect("valid");
    let limits = config.limits("kernel-org");
    assert_eq!(limits.memory_bytes, 128 << 20);
    assert_eq!(limits.timeout, std::time::Duration::from_secs(5));
    assert_eq!(limits.max_http_calls, 3);
    assert_eq!(
        limits.max_response_bytes,
        Limits::default().max_response_bytes
    );
    assert_eq!(config.limits("endoflife"), Limits::default());
    assert_eq!(config.max_memory_bytes(), 128 << 20);
}

#[test]
fn packages_take_one_name_or_several() {
    let config = Config::parse(
        "[distros.a]\nkind = \"static\"\n[[watch]]\nname = \"w\"\ntracker = \"t\"\npackages = { a = [\"x\", \"y\"] }\n",
        Origin::Embedded,
    )
    .expect("valid");
    let names: Vec<&PackageNames> = config.watches[0].packages.values().collect();
    assert_eq!(names, [&PackageNames(vec!["x".into(), "y".into()])]);
    for bad in ["[]", "\"\"", "3"] {
        let text = format!(
            "[distros.a]\nkind = \"static\"\n[[watch]]\nname = \"w\"\ntracker = \"t\"\npackages = {{ a = {bad} }}\n"
        );
        assert!(Config::parse(&text, Origin::Embedded).is_err(), "{bad}");
    }
}

#[test]
fn settings_accept_strings_numbers_and_booleans() {
    let config = Config::parse(
        "[[watch]]\nname = \"w\"\ntracker = \"t\"\nsettings = { a = \"x\", b = 3, c = true }\n",
        Origin::Embedded,
    )
    .expect("valid");
    let values: Vec<&str> = config.watches[0]
        .settings
        .values()
        .map(|v| v.0.as_str())
        .collect();
    assert_eq!(values, ["x", "3", "true"]);
}

#[test]
fn durations_are_bounded_so_clock_arithmetic_cannot_overflow() {
    for (table, key, value) in [
        ("network", "politeness-ms", "18446744073709551615"),
        ("network", "max-retry-wait-secs", "18446744073709551615"),
        ("network", "backoff-ms", "86400000"),
        ("store", "retention-days", "4294967295"),
    ] {
        let text = format!("[{table}]\n{key} = {value}\n");
        let err = Config::parse(&text, Origin::Embedded)
            .expect_err("out of range")
            .to_string();
        assert!(
            err.contains(&format!("`{key}` = {value} is out of range")) && err.contains("help:"),
            "{err}"
        );
    }
    let config = Config::parse(
        "[network]\nmax-retry-wait-secs = 3600\npoliteness-ms = 1000\n[store]\nretention-days = 0\n",
        Origin::Embedded,
    )
    .expect("in range");
    assert_eq!(config.network.max_retry_wait_secs, 3600);
}
