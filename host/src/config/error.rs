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
        let message = error.message().trim().to_owned();
        let help = help_for(&message);
        let span = error.span().unwrap_or(0..0);
        Self::at(origin, source, span, message, help)
    }
}

fn help_for(message: &str) -> Option<String> {
    if message.starts_with("unknown field") {
        if message.contains("`tracker`") && message.contains("`settings`") {
            return Some("a watch has `name`, `tracker`, `settings`, `packages`, `scheme`, `prereleases`, `line`, `policy` and `policies`; see docs/config.md".into());
        }
        return Some("check the spelling; docs/config.md lists every key".into());
    }
    if message.starts_with("unknown variant") {
        return Some("use one of the values listed above".into());
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
