//! Typed access to a watch's settings.
//!
//! The host has already checked the names against the tracker's `describe` (unknown names are a
//! config error with a line and column), so this module only reads and parses values.

use crate::Error;

/// The settings a watch passed to `poll`.
///
/// ```
/// use rollcall_sdk::Settings;
///
/// let settings = Settings::new(vec![
///     ("project".into(), "tool".into()),
///     ("limit".into(), "20".into()),
///     ("prereleases".into(), "yes".into()),
/// ]);
/// assert_eq!(settings.require("project").unwrap(), "tool");
/// assert!(settings.require("owner").is_err()); // a config error naming `owner`
/// assert_eq!(settings.parse_or("limit", 100u32).unwrap(), 20);
/// assert_eq!(settings.get_or("branch", "main"), "main");
/// assert!(settings.flag("prereleases", false).unwrap());
/// assert_eq!(
///     settings.base_url("https://example.org/").unwrap(),
///     "https://example.org"
/// );
/// ```
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pairs: Vec<(String, String)>,
}

impl Settings {
    /// Wraps the pairs `poll` received.
    pub fn new(pairs: Vec<(String, String)>) -> Self {
        Self { pairs }
    }

    /// The value of `name`, if the watch gave it. The last occurrence wins.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The value of `name`, or a config error naming it.
    pub fn require(&self, name: &str) -> Result<&str, Error> {
        match self.get(name) {
            Some(value) if !value.trim().is_empty() => Ok(value),
            Some(_) => Err(Error::config(format!("setting `{name}` is empty"))),
            None => Err(Error::config(format!(
                "setting `{name}` is required; add `{name} = \"…\"` to the watch's settings"
            ))),
        }
    }

    /// The value of `name`, or `default`.
    pub fn get_or<'a>(&'a self, name: &str, default: &'a str) -> &'a str {
        self.get(name).unwrap_or(default)
    }

    /// `name` parsed as `T`, or `default` when absent.
    pub fn parse_or<T: std::str::FromStr>(&self, name: &str, default: T) -> Result<T, Error>
    where
        T::Err: std::fmt::Display,
    {
        match self.get(name) {
            None => Ok(default),
            Some(raw) => raw
                .trim()
                .parse()
                .map_err(|e| Error::config(format!("setting `{name}` = `{raw}`: {e}"))),
        }
    }

    /// A boolean setting (`true`/`false`, `yes`/`no`, `1`/`0`), or `default` when absent.
    pub fn flag(&self, name: &str, default: bool) -> Result<bool, Error> {
        match self.get(name).map(|v| v.trim().to_ascii_lowercase()) {
            None => Ok(default),
            Some(v) if matches!(v.as_str(), "true" | "yes" | "1") => Ok(true),
            Some(v) if matches!(v.as_str(), "false" | "no" | "0") => Ok(false),
            Some(v) => Err(Error::config(format!(
                "setting `{name}` = `{v}` is not a boolean; use `true` or `false`"
            ))),
        }
    }

    /// The `base-url` setting without a trailing slash, or `default`.
    pub fn base_url(&self, default: &str) -> Result<String, Error> {
        let url = self
            .get_or("base-url", default)
            .trim()
            .trim_end_matches('/');
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(Error::config(format!(
                "setting `base-url` = `{url}` must start with `https://`"
            )));
        }
        Ok(url.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::Settings;

    fn settings(pairs: &[(&str, &str)]) -> Settings {
        Settings::new(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn last_value_wins_and_defaults_apply() {
        let s = settings(&[("product", "a"), ("product", "b")]);
        assert_eq!(s.get("product"), Some("b"));
        assert_eq!(s.get_or("missing", "x"), "x");
        assert!(s.require("missing").is_err());
    }

    #[test]
    fn base_url_drops_trailing_slash_and_rejects_other_schemes() {
        let s = settings(&[("base-url", "http://127.0.0.1:9/x/")]);
        assert_eq!(
            s.base_url("https://d").ok().as_deref(),
            Some("http://127.0.0.1:9/x")
        );
        assert!(
            settings(&[("base-url", "ftp://x")])
                .base_url("https://d")
                .is_err()
        );
        assert_eq!(
            settings(&[]).base_url("https://d/").ok().as_deref(),
            Some("https://d")
        );
    }
}
