//! A lenient front end to the `semver` crate, in the spirit of node-semver's `loose` mode:
//! leading `v`, `=` and spaces, one to three numeric components (missing ones are zero), a
//! pre-release with or without its hyphen (`1.2.3beta`), build metadata. The result is a
//! strict `semver::Version`, compared by precedence (build metadata ignored).

/// Parses `raw` leniently.
pub fn parse(raw: &str) -> Result<semver::Version, String> {
    let text = raw
        .trim()
        .trim_start_matches(|c: char| c == 'v' || c == 'V' || c == '=' || c.is_whitespace());
    if let Ok(v) = semver::Version::parse(text) {
        return Ok(v);
    }
    let (rest, build) = match text.split_once('+') {
        Some((rest, build)) => (rest, Some(build)),
        None => (text, None),
    };
    let core_end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let (core, pre) = rest.split_at(core_end);
    let core = core.strip_suffix('.').unwrap_or(core);
    let parts: Vec<&str> = core.split('.').collect();
    if core.is_empty() || parts.len() > 3 || parts.iter().any(|p| p.is_empty()) {
        return Err("it does not start with MAJOR[.MINOR[.PATCH]]".into());
    }
    let mut numbers = [0u64; 3];
    for (slot, part) in numbers.iter_mut().zip(&parts) {
        *slot = part
            .parse()
            .map_err(|_| format!("`{part}` is not a number"))?;
    }
    let pre = pre.strip_prefix(['-', '~']).unwrap_or(pre);
    let mut version = semver::Version::new(numbers[0], numbers[1], numbers[2]);
    if !pre.is_empty() {
        version.pre = semver::Prerelease::new(&normalise_identifiers(pre))
            .map_err(|e| format!("pre-release `{pre}`: {e}"))?;
    }
    if let Some(build) = build.filter(|b| !b.is_empty()) {
        version.build =
            semver::BuildMetadata::new(build).map_err(|e| format!("build `{build}`: {e}"))?;
    }
    Ok(version)
}

/// Numeric identifiers with leading zeros (`01`) are invalid in strict semver; loose parsers
/// read them as numbers.
fn normalise_identifiers(pre: &str) -> String {
    // Debian's `~` inside a pre-release (`rc~12`) separates identifiers as `.` does.
    pre.split(['.', '~'])
        .map(|id| {
            if id.len() > 1 && id.bytes().all(|b| b.is_ascii_digit()) {
                match id.trim_start_matches('0') {
                    "" => "0".to_owned(),
                    digits => digits.to_owned(),
                }
            } else {
                id.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn accepts_what_people_write() {
        for (raw, canonical) in [
            ("1.2.3", "1.2.3"),
            ("v1.31", "1.31.0"),
            (" =v1.2.3 ", "1.2.3"),
            ("1.2.3beta", "1.2.3-beta"),
            ("1.2.3-rc.01", "1.2.3-rc.1"),
            ("2", "2.0.0"),
            ("1.2.3+build.5", "1.2.3+build.5"),
        ] {
            assert_eq!(
                parse(raw).map(|v| v.to_string()),
                Ok(canonical.to_owned()),
                "{raw}"
            );
        }
        for bad in ["", "latest", "1.2.3.4", "1..2", "x1.2"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
