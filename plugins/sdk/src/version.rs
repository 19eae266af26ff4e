//! Small, dependency-free helpers for the version strings trackers meet: tag prefixes,
//! pre-release markers, numeric order. The host orders versions properly with the watch's
//! scheme; these only help a tracker group releases into lines before it answers.

use std::cmp::Ordering;

/// Removes a leading `v` or `V` when a digit follows: `v1.31.4` → `1.31.4`, `vim` stays.
pub fn strip_v(tag: &str) -> &str {
    match tag.strip_prefix(['v', 'V']) {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest,
        _ => tag,
    }
}

/// The version in a tag: `prefix` removed (the tag must start with it), then a `v` before a
/// digit; `None` when the tag does not start with `prefix` or no digit follows.
/// `version_in_tag("Uyuni-2024.10", "Uyuni-")` = `Some("2024.10")`.
pub fn version_in_tag<'a>(tag: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = strip_v(tag.strip_prefix(prefix)?);
    rest.starts_with(|c: char| c.is_ascii_digit())
        .then_some(rest)
}

/// Words that mark a test release when they stand alone between digits or separators.
const PRE_WORDS: &[&str] = &[
    "alpha", "beta", "rc", "pre", "preview", "dev", "snapshot", "nightly", "canary", "next",
    "test", "unstable",
];

/// True when a version looks like a test release: `1.31.0-rc.1`, `2.0b3`, `18.1.0rc1`,
/// `5.0.0-alpha`, `3.0.dev2`. A single letter counts only when a digit follows it (`2.0a1`
/// is an alpha, OpenSSL's `1.1.1w` is not).
///
/// ```
/// use rollcall_sdk::version::{cmp_dotted, is_prerelease, version_in_tag};
///
/// assert!(is_prerelease("1.31.0-rc.1") && is_prerelease("2.0a1"));
/// assert!(!is_prerelease("1.1.1w"));
/// assert_eq!(version_in_tag("Uyuni-2024.10", "Uyuni-"), Some("2024.10"));
/// assert_eq!(version_in_tag("v1.31.4", ""), Some("1.31.4"));
/// assert!(cmp_dotted("6.12.10", "6.12.9").is_gt());
/// ```
pub fn is_prerelease(version: &str) -> bool {
    let lower = version.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
            i += 1;
        }
        let word = &lower[start..i];
        let digit_follows = bytes.get(i).is_some_and(u8::is_ascii_digit);
        if PRE_WORDS.contains(&word) || (matches!(word, "a" | "b") && digit_follows) {
            return true;
        }
    }
    false
}

/// Orders dotted numeric versions (`6.12.10` > `6.12.9`, `1.10` > `1.9`); non-numeric parts
/// compare as text after the numbers. Enough to pick a line's newest release in a tracker.
pub fn cmp_dotted(a: &str, b: &str) -> Ordering {
    let key = |v: &str| -> Vec<(u64, String)> {
        v.split(['.', '-', '+', '_'])
            .map(|part| {
                let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
                (digits.parse().unwrap_or(0), part[digits.len()..].to_owned())
            })
            .collect()
    };
    key(a).cmp(&key(b))
}

/// The first `n` dot-separated components: `major(…, 1)` of `3006.9` is `3006`,
/// `components("1.31.4", 2)` is `1.31`.
pub fn components(version: &str, n: usize) -> &str {
    match version.match_indices('.').nth(n.saturating_sub(1)) {
        Some((at, _)) if n > 0 => &version[..at],
        _ => version,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_lose_their_prefix_and_v() {
        assert_eq!(strip_v("v1.31.4"), "1.31.4");
        assert_eq!(strip_v("vim-9"), "vim-9");
        assert_eq!(version_in_tag("glibc-2.40", "glibc-"), Some("2.40"));
        assert_eq!(version_in_tag("Uyuni-2024.10", "Uyuni-"), Some("2024.10"));
        assert_eq!(version_in_tag("cvs/glibc-2_1", "glibc-"), None);
        assert_eq!(version_in_tag("v5.2.0", ""), Some("5.2.0"));
        assert_eq!(version_in_tag("latest", ""), None);
    }

    #[test]
    fn test_releases_are_recognised() {
        for pre in [
            "1.31.0-rc.1",
            "2.0b3",
            "18.1.0rc1",
            "5.0.0-alpha",
            "3.0.dev2",
            "2.0a1",
            "1.0-beta",
            "v1.32.0-alpha.0",
        ] {
            assert!(is_prerelease(pre), "{pre}");
        }
        for fin in ["1.1.1w", "6.12.4", "1.2.3a", "3006.9", "2024.10", "18.2.1"] {
            assert!(!is_prerelease(fin), "{fin}");
        }
    }

    #[test]
    fn dotted_versions_order_numerically() {
        assert_eq!(cmp_dotted("6.12.10", "6.12.9"), Ordering::Greater);
        assert_eq!(cmp_dotted("1.10", "1.9"), Ordering::Greater);
        assert_eq!(cmp_dotted("2.40", "2.40"), Ordering::Equal);
        assert_eq!(components("1.31.4", 2), "1.31");
        assert_eq!(components("3006.9", 1), "3006");
        assert_eq!(components("7", 2), "7");
    }
}
