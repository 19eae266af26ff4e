//! Version schemes against the ordering oracles of rpm, dpkg, libversion, node-semver, the
//! semver spec and pypa/packaging (`tests/fixtures/version-oracles`, provenance in its
//! SOURCES.md), and distro-version reduction against Repology's answers for 783 real versions.
//!
//! Run with `-- --nocapture` to see the pass count per file.

use std::cmp::Ordering;

use rollcall::versions::{Family, Scheme, reduce};

use crate::support;

/// Versions rollcall refuses to order at all: libversion compares strings without a digit
/// (`""`, `"a"`) and rpmvercmp strings of punctuation (`"+_"`), but such a "version" is a tag
/// name or a mistake, and rollcall reports it instead of ordering it (DESIGN.md: a version that
/// cannot be parsed is reported, never silently ordered).
fn refused(scheme: Scheme, a: &str, b: &str) -> bool {
    matches!(scheme, Scheme::Generic | Scheme::Rpm)
        && (scheme.parse(a).is_err() || scheme.parse(b).is_err())
}

fn oracle(file: &str, scheme: Scheme) -> (usize, usize, usize, Vec<String>) {
    let text =
        String::from_utf8(support::fixture(&format!("version-oracles/{file}"))).expect("utf-8");
    let (mut total, mut passed, mut skipped) = (0, 0, 0);
    let mut failures = Vec::new();
    for line in text.lines().skip(1) {
        let fields: Vec<&str> = line.split('\t').collect();
        let [a, b, expected] = fields[..] else {
            panic!("{file}: malformed line {line:?}");
        };
        total += 1;
        if refused(scheme, a, b) {
            skipped += 1;
            continue;
        }
        let want = match expected {
            "-1" => Ordering::Less,
            "0" => Ordering::Equal,
            "1" => Ordering::Greater,
            other => panic!("{file}: bad expectation {other:?}"),
        };
        match scheme.try_compare(a, b) {
            Ok(got) if got == want => passed += 1,
            Ok(got) => failures.push(format!("{a:?} vs {b:?}: want {want:?}, got {got:?}")),
            Err(e) => failures.push(format!("{a:?} vs {b:?}: {e}")),
        }
    }
    (total, passed, skipped, failures)
}

#[test]
fn every_scheme_passes_its_oracles() {
    let files = [
        ("rpm-rpmvercmp.tsv", Scheme::Rpm),
        ("rpm-rpmvercmp-disabled-oddities.tsv", Scheme::Rpm),
        ("dpkg-Dpkg_Version-data.tsv", Scheme::Deb),
        ("dpkg-Dpkg_Version-sorted-full.tsv", Scheme::Deb),
        ("dpkg-Dpkg_Version-sorted-upstream-part.tsv", Scheme::Deb),
        ("dpkg-Dpkg_Version-sorted-string.tsv", Scheme::Deb),
        ("dpkg-t-version-c.tsv", Scheme::Deb),
        ("libversion-compare.tsv", Scheme::Generic),
        ("semver-node-semver-strict.tsv", Scheme::Semver),
        ("semver-node-semver-loose.tsv", Scheme::Semver),
        ("semver-spec-precedence.tsv", Scheme::Semver),
        ("pep440-packaging-VERSIONS-order.tsv", Scheme::Pep440),
        ("pep440-packaging-normalization-equal.tsv", Scheme::Pep440),
    ];
    let mut report = Vec::new();
    let mut all_failures = Vec::new();
    for (file, scheme) in files {
        let (total, passed, skipped, failures) = oracle(file, scheme);
        report.push(format!(
            "{file:<48} {scheme:<8} {passed:>5}/{:<5} passed{}",
            total - skipped,
            if skipped > 0 {
                format!(", {skipped} refused by design")
            } else {
                String::new()
            }
        ));
        all_failures.extend(failures.into_iter().map(|f| format!("{file}: {f}")));
    }
    println!("{}", report.join("\n"));
    assert!(
        all_failures.is_empty(),
        "{}\n\nfailures:\n{}",
        report.join("\n"),
        all_failures.join("\n")
    );
}

/// Reductions where rollcall deliberately differs from Repology: (distro version, rollcall's
/// answer). Repology recognises a Fedora-style pre-release hidden in the release (`0.20.rc1`)
/// but not the one-letter beta (`0.12.b2`), and so reports these betas as the final 3.7.0 —
/// claiming a release the package does not contain. rollcall keeps the beta: `3.7.0-b2`.
const REDUCED_DIFFERENTLY: &[(&str, &str)] = &[
    ("3.7.0-0.12.b2.amzn2.0.2", "3.7.0-b2"),
    ("3.7.0-0.16.b3.amzn2.0.1", "3.7.0-b3"),
    ("3.7.0-0.18.b4.fc26", "3.7.0-b4"),
    ("3.7.0-0.14.b3.fc28", "3.7.0-b3"),
];

#[test]
fn distro_versions_reduce_like_repology() {
    let text = String::from_utf8(support::fixture("distro-versions/repology-origversion.tsv"))
        .expect("utf-8");
    let (mut total, mut passed) = (0, 0);
    let mut failures = Vec::new();
    for line in text.lines().skip(1) {
        let [family, repo, _project, distro, upstream] = line.split('\t').collect::<Vec<_>>()[..]
        else {
            panic!("malformed line {line:?}");
        };
        let family: Family = family.parse().expect("family");
        total += 1;
        let reduced = reduce(distro, family);
        let expected = REDUCED_DIFFERENTLY
            .iter()
            .find(|(v, _)| *v == distro)
            .map_or(upstream, |(_, ours)| *ours);
        if reduced.upstream == expected {
            passed += 1;
        } else {
            failures.push(format!(
                "{repo}: {distro} → {} (Repology: {upstream})",
                reduced.upstream
            ));
        }
    }
    println!(
        "repology-origversion.tsv: {passed}/{total} reduced as expected ({} deliberately unlike Repology)",
        REDUCED_DIFFERENTLY.len()
    );
    assert!(total >= 80, "at least 80 real versions");
    assert!(
        failures.is_empty(),
        "{passed}/{total}\n{}",
        failures.join("\n")
    );
}

/// Debian packaging marks that must never survive in an upstream part: repacks, bundled
/// components, `+debian`, `+really`, binNMUs, stable updates, backports, distro tags, snapshots.
/// Pre-release tildes (`~rc1`, `~beta`) are upstream's and stay.
static DEBIAN_MARKER: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"\+~|dfsg|[+~.]ds\d*(?:$|[+~.])|repack|[+~.]debian|real(?:ly)?(?:$|[.+~-]?\d)|\+b\d+$|deb\d+u|bpo\d|ubuntu|\+nmu|[+.~]g[0-9a-f]{7,}|[+~](?:git|svn|bzr|hg|cvs|vcs)",
    )
    .expect("valid regex")
});

/// Every version of a real Debian index (8,578 paragraphs of bookworm main's `Sources`: every
/// version with a `+`, `~` or `really` in it and every twelfth other one) reduces to an upstream
/// part free of Debian's marks.
#[test]
fn a_real_debian_index_reduces_to_marker_free_upstream_versions() {
    let text = String::from_utf8(support::fixture(
        "distro-versions/bookworm-main-Sources.trimmed",
    ))
    .expect("utf-8");
    let mut total = 0;
    let mut left = Vec::new();
    for version in text.lines().filter_map(|l| l.strip_prefix("Version: ")) {
        total += 1;
        let reduced = reduce(version, Family::Deb);
        if let Some(m) = DEBIAN_MARKER.find(&reduced.upstream) {
            left.push(format!(
                "{version} → {} (still holds `{}`)",
                reduced.upstream,
                m.as_str()
            ));
        }
    }
    println!(
        "bookworm-main-Sources.trimmed: {total} versions, {} with a mark left",
        left.len()
    );
    assert!(total > 8_000, "the fixture holds the real index's versions");
    assert!(
        left.is_empty(),
        "{} of {total}:\n{}",
        left.len(),
        left.join("\n")
    );
}
