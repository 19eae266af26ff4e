//! Which release line a version belongs to, when the tracker does not say.
//!
//! A watch's `line` setting: `"major.minor"` (the default: `6.12.4` → `6.12`), `"major"`
//! (`3006.9` → `3006`), or a regular expression with one capture group that yields the line
//! (`'^(\d+\.\d+)'`, `'^release-(\d+)'`).

use std::fmt;

use regex::Regex;
use serde::{Deserialize, Deserializer};

/// A per-watch rule deriving a release line from a version.
#[derive(Debug, Clone, Default)]
pub enum LineRule {
    /// The first component.
    Major,
    /// The first two components.
    #[default]
    MajorMinor,
    /// The first capture group of a regular expression.
    Pattern(Regex),
}

impl LineRule {
    /// Parses `major`, `major.minor` or a regular expression with one capture group.
    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw {
            "major" => Ok(LineRule::Major),
            "major.minor" => Ok(LineRule::MajorMinor),
            pattern => {
                let regex = Regex::new(pattern)
                    .map_err(|e| format!("`{pattern}` is neither `major`, `major.minor` nor a valid regular expression: {e}"))?;
                if regex.captures_len() != 2 {
                    return Err(format!(
                        "the line pattern `{pattern}` must have exactly one capture group, the line (it has {})",
                        regex.captures_len() - 1
                    ));
                }
                Ok(LineRule::Pattern(regex))
            }
        }
    }

    /// The line of `version`, or `None` when the rule does not apply to it.
    pub fn line_of(&self, version: &str) -> Option<String> {
        let line = match self {
            LineRule::Major => super::numeric_prefix(version, 1),
            LineRule::MajorMinor => super::numeric_prefix(version, 2),
            LineRule::Pattern(regex) => regex.captures(version)?.get(1)?.as_str(),
        };
        (!line.is_empty()).then(|| line.to_owned())
    }
}

impl fmt::Display for LineRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LineRule::Major => f.write_str("major"),
            LineRule::MajorMinor => f.write_str("major.minor"),
            LineRule::Pattern(regex) => write!(f, "pattern `{}`", regex.as_str()),
        }
    }
}

impl<'de> Deserialize<'de> for LineRule {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        LineRule::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::LineRule;

    #[test]
    fn rules_derive_lines() {
        let major = LineRule::parse("major").expect("rule");
        let minor = LineRule::default();
        let pattern = LineRule::parse(r"^release-(\d+)").expect("rule");
        assert_eq!(major.line_of("3006.9").as_deref(), Some("3006"));
        assert_eq!(minor.line_of("6.12.4").as_deref(), Some("6.12"));
        assert_eq!(minor.line_of("v1.31.0-rc.1").as_deref(), Some("1.31"));
        assert_eq!(pattern.line_of("release-42.1").as_deref(), Some("42"));
        assert_eq!(pattern.line_of("42.1"), None);
        assert_eq!(minor.line_of("latest"), None);
    }

    #[test]
    fn bad_patterns_are_explained() {
        assert!(LineRule::parse("(").is_err());
        let err = LineRule::parse(r"^\d+").expect_err("no group");
        assert!(err.contains("exactly one capture group"), "{err}");
        assert!(LineRule::parse(r"^(\d+)\.(\d+)").is_err());
    }
}
