//! Config errors that point at the file, line and column, with a `help:` line when the fix is
//! known.

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;

use super::Origin;

/// A config that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    /// The file could not be read.
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        message: String,
    },
    /// Something in the file is wrong.
    At {
        /// The file (or the embedded default).
        origin: String,
        /// 1-based line.
        line: usize,
        /// 1-based column, in characters.
        column: usize,
        /// The line of the file, for context.
        excerpt: String,
        /// What is wrong.
        message: String,
        /// How to fix it, when known.
        help: Option<String>,
    },
}

impl ConfigError {
    /// An error at `span` (byte offsets into `source`).
    pub fn at(
        origin: &Origin,
        source: &str,
        span: Range<usize>,
        message: String,
        help: Option<String>,
    ) -> Self {
        let start = span.start.min(source.len());
        let before = &source[..start];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = source[line_start..start].chars().count() + 1;
        let excerpt = source[line_start..]
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned();
        ConfigError::At {
            origin: origin.to_string(),
            line,
            column,
            excerpt,
            message,
            help,
        }
    }

    /// Turns toml's error into ours, adding a `help:` for the mistakes we can recognise.
    pub fn from_toml(origin: &Origin, source: &str, error: &toml::de::Error) -> Self {
        let message = plain_types(error.message().trim());
        let help = help_for(&message);
        let span = error.span().unwrap_or(0..0);
        let span = unclosed_header(source, span, &message);
        Self::at(origin, source, span, message, help)
    }
}

/// serde's Rust type names (`expected u32`) in the words of a config file.
fn plain_types(message: &str) -> String {
    let mut out = message.to_owned();
    for (rust, plain) in [
        ("expected u8", "expected a whole number from 0 to 255"),
        ("expected u16", "expected a whole number from 0 to 65535"),
        ("expected u32", "expected a whole number (0 or more)"),
        ("expected u64", "expected a whole number (0 or more)"),
        ("expected usize", "expected a whole number (0 or more)"),
        ("expected i64", "expected a whole number"),
        ("expected i32", "expected a whole number"),
        ("expected f64", "expected a number"),
        ("expected a boolean", "expected `true` or `false`"),
        ("expected bool", "expected `true` or `false`"),
    ] {
        if let Some(at) = out.find(rust)
            && !out[at + rust.len()..].starts_with(|c: char| c.is_ascii_alphanumeric())
        {
            out.replace_range(at..at + rust.len(), plain);
        }
    }
    out
}

/// A table header left open (`[distros.tw` with no `]`) is reported by toml where it gave up,
/// after the header; point at the `[` that was never closed.
fn unclosed_header(source: &str, span: Range<usize>, message: &str) -> Range<usize> {
    let start = span.start.min(source.len());
    let header_error = message.contains("table header")
        || message.starts_with("unclosed")
        || message.contains("expected `]`")
        || message.contains("expected `.`, `]`");
    if !header_error {
        return span;
    }
    // The span's line, then the one before it: the first that opens a header and never
    // closes it.
    let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
    let previous_start = source[..line_start.saturating_sub(1)]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    for at in [line_start, previous_start] {
        let line = source[at..].lines().next().unwrap_or_default();
        let indent = line.len() - line.trim_start().len();
        let header = line.trim_start();
        let closed = if header.starts_with("[[") {
            header.contains("]]")
        } else {
            header.contains(']')
        };
        if header.starts_with('[') && !closed {
            return at + indent..at + indent + 1;
        }
    }
    span
}

/// The candidates serde lists after "expected" (`` `a`, `b` or `c` ``).
fn expected_names(message: &str) -> Vec<&str> {
    let Some((_, list)) = message.split_once("expected") else {
        return Vec::new();
    };
    list.split('`').skip(1).step_by(2).collect()
}

/// The candidate closest to `given`, when it is close enough to be a slip of the keyboard
/// (`trackr`, `sutes`, `regsitry`).
fn did_you_mean<'a>(given: &str, candidates: &[&'a str]) -> Option<&'a str> {
    if let Some(longer) = candidates
        .iter()
        .find(|c| given.len() >= 3 && c.starts_with(given))
    {
        return Some(longer);
    }
    candidates
        .iter()
        .map(|c| (strsim::damerau_levenshtein(given, c), *c))
        .filter(|(d, c)| *d <= (c.len().max(given.len()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn help_for(message: &str) -> Option<String> {
    if message.starts_with("unknown field") || message.starts_with("unknown variant") {
        let given = message.split('`').nth(1).unwrap_or_default();
        let names = expected_names(message);
        let what = if message.starts_with("unknown field") {
            "keys"
        } else {
            "values"
        };
        return Some(match did_you_mean(given, &names) {
            Some(close) => format!("did you mean `{close}`? docs/config.md lists every key"),
            None if names.is_empty() => "check the spelling; docs/config.md lists every key".into(),
            None => format!(
                "the {what} allowed here are the {} listed above; docs/config.md explains each",
                names.len()
            ),
        });
    }
    if message.starts_with("missing field") {
        return Some("add the missing key; docs/config.md has an example of every table".into());
    }
    if message.contains("invalid type") {
        return Some(
            "check the value's type: strings need quotes, numbers must not have them".into(),
        );
    }
    None
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Io { path, message } => write!(
                f,
                "cannot read config `{}`: {message}\nhelp: pass an existing file with `--config FILE`, or omit it to use the embedded default",
                path.display()
            ),
            ConfigError::At {
                origin,
                line,
                column,
                excerpt,
                message,
                help,
            } => {
                writeln!(f, "invalid config {origin}:{line}:{column}: {message}")?;
                let gutter = line.to_string().len();
                writeln!(f, "{:gutter$} |", "")?;
                writeln!(f, "{line} | {excerpt}")?;
                write!(f, "{:gutter$} | {:>column$}", "", "^")?;
                if let Some(help) = help {
                    write!(f, "\nhelp: {help}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for ConfigError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_misses_get_a_suggestion_and_far_ones_the_list() {
        let message =
            "unknown field `trackr`, expected one of `name`, `tracker`, `settings`, `packages`";
        assert_eq!(
            help_for(message).as_deref(),
            Some("did you mean `tracker`? docs/config.md lists every key")
        );
        for (typo, meant) in [("sutes", "suites"), ("regsitry", "registry")] {
            let message = format!(
                "unknown field `{typo}`, expected one of `kind`, `suites`, `registry`, `url`"
            );
            assert_eq!(did_you_mean(typo, &expected_names(&message)), Some(meant));
        }
        let far = "unknown field `colour`, expected one of `name`, `tracker`, `settings`";
        assert_eq!(
            help_for(far).as_deref(),
            Some("the keys allowed here are the 3 listed above; docs/config.md explains each")
        );
    }

    #[test]
    fn types_are_named_as_a_config_writer_knows_them() {
        assert_eq!(
            plain_types("invalid type: string \"5\", expected u32"),
            "invalid type: string \"5\", expected a whole number (0 or more)"
        );
        assert_eq!(plain_types("expected u320"), "expected u320");
    }

    #[test]
    fn an_unclosed_header_is_pointed_at() {
        let source = "[store]\nretention-days = 3\n[distros.tw\nurls = []\n";
        let after = source.find("urls").expect("there");
        let span = unclosed_header(
            source,
            after..after + 1,
            "invalid table header\nexpected `.`, `]`",
        );
        assert_eq!(&source[span], "[");
        assert_eq!(
            unclosed_header(source, 3..4, "invalid table header"),
            3..4,
            "a header that is closed is left alone"
        );
    }
}
