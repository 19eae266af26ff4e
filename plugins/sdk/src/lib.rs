//! Guest SDK for rollcall trackers.
//!
//! A tracker is a `cdylib` crate built for `wasm32-wasip2` that implements [`Guest`] and calls
//! [`export!`]. This crate owns the generated bindings of the `rollcall:plugin` contract (see
//! `wit/tracker.wit`) and the helpers every tracker needs: typed [`Settings`], JSON over the
//! host's `http` import ([`http::get_json`]), dates ([`date`]), and short constructors for
//! [`Error`].
//!
//! A complete tracker (`rollcall plugin new NAME` writes this shape, with a test):
//!
//! ```no_run
//! use rollcall_sdk::{Error, Guest, PluginInfo, Release, Settings, UpstreamData};
//!
//! #[derive(serde::Deserialize)]
//! struct Entry {
//!     version: String,
//!     date: Option<String>,
//! }
//!
//! struct Example;
//!
//! impl Guest for Example {
//!     fn describe() -> PluginInfo {
//!         PluginInfo {
//!             name: "example".into(),
//!             version: "0.1.0".into(),
//!             summary: "releases of a project from a JSON list".into(),
//!             hosts: vec!["releases.example.org".into()],
//!             settings: vec![
//!                 rollcall_sdk::base_url_setting("https://releases.example.org"),
//!                 rollcall_sdk::required_setting("project", "the project's name"),
//!             ],
//!         }
//!     }
//!
//!     fn poll(settings: Vec<(String, String)>) -> Result<UpstreamData, Error> {
//!         let settings = Settings::new(settings);
//!         let base = settings.base_url("https://releases.example.org")?;
//!         let project = settings.require("project")?;
//!         let url = format!("{base}/{project}/releases.json");
//!         let entries: Vec<Entry> = rollcall_sdk::http::get_json(&url)?;
//!         let releases = entries
//!             .into_iter()
//!             .map(|e| Release::new(e.version, e.date))
//!             .collect();
//!         UpstreamData::releases_only(releases, &format!("`{url}`"))
//!     }
//! }
//!
//! rollcall_sdk::export!(Example);
//! # fn main() {}
//! ```
//!
//! Errors are values of the contract's `error` variant; the host shows the kind and the message
//! to the user (`rollcall check` lists them per watch, the dashboard on the trackers screen), so
//! a message names the thing that failed and, where known, the fix:
//!
//! ```
//! use rollcall_sdk::{Error, Settings};
//!
//! let settings = Settings::new(vec![("limit".into(), "many".into())]);
//! let err = settings.parse_or("limit", 50u32).unwrap_err();
//! assert!(matches!(&err, Error::Config(m) if m.contains("limit")));
//! let err = Error::parse("`https://example.org/x.json` lists no releases");
//! assert!(matches!(err, Error::Parse(_)));
//! ```

pub mod date;
pub mod forge;
pub mod git;
pub mod http;
pub mod lines;
mod settings;
pub mod text;
pub mod version;

/// Re-exported so trackers parse JSON with the same version the SDK uses.
pub use serde_json;
pub use settings::Settings;

#[doc(hidden)]
pub mod bindings {
    wit_bindgen::generate!({
        world: "tracker",
        path: "../../wit",
        pub_export_macro: true,
        export_macro_name: "export",
        default_bindings_module: "rollcall_sdk::bindings",
    });
}

pub use bindings::exports::rollcall::plugin::tracking::Guest;
pub use bindings::rollcall::plugin::github;
pub use bindings::rollcall::plugin::types::{
    DateSource, Error, HttpStatusError, Listing, PluginInfo, RateLimitError, Release, ReleaseLine,
    Response, SettingInfo, UpstreamData,
};

/// Exports a type implementing [`Guest`] as the component's `describe` and `poll`.
pub use bindings::export;

/// Writes to the host's log, tagged with the tracker's name.
pub mod log {
    use crate::bindings::rollcall::plugin::log::{Level, log};

    /// A debug message: shown with `RUST_LOG=debug`.
    pub fn debug(message: &str) {
        log(Level::Debug, message);
    }

    /// Something the user may want to know.
    pub fn info(message: &str) {
        log(Level::Info, message);
    }

    /// Something looks wrong but the poll goes on (an entry skipped, say).
    pub fn warn(message: &str) {
        log(Level::Warn, message);
    }
}

/// Short constructors for [`Error`], so trackers read like prose.
impl Error {
    /// A bad or missing setting.
    pub fn config(message: impl Into<String>) -> Self {
        Error::Config(message.into())
    }

    /// Upstream data that does not have the expected shape.
    pub fn parse(message: impl Into<String>) -> Self {
        Error::Parse(message.into())
    }
}

impl Release {
    /// A release without a line or page; a pre-release when its version looks like one
    /// ([`version::is_prerelease`]).
    pub fn new(version: String, date: Option<String>) -> Self {
        Release {
            prerelease: version::is_prerelease(&version),
            version,
            date,
            line: None,
            url: None,
        }
    }
}

impl UpstreamData {
    /// Releases without lines (the host derives lines from the watch's rule), or a parse error
    /// saying `what` had none: an empty answer is never silently "nothing released".
    pub fn releases_only(releases: Vec<Release>, what: &str) -> Result<Self, Error> {
        if releases.is_empty() {
            return Err(Error::parse(format!("{what} lists no releases")));
        }
        Ok(UpstreamData {
            releases,
            lines: Vec::new(),
            listing: Listing::Window,
        })
    }

    /// Says the release list is everything the upstream has released (a registry's version
    /// list, every tag of a repository), so a release missing from a later poll counts as
    /// withdrawn upstream. Without it the list is a window of the newest releases.
    pub fn whole_history(self) -> Self {
        UpstreamData {
            listing: Listing::Complete,
            ..self
        }
    }
}

/// Describes a setting for [`PluginInfo::settings`].
pub fn setting(name: &str, description: &str, default: Option<&str>) -> SettingInfo {
    SettingInfo {
        name: name.to_owned(),
        description: description.to_owned(),
        required: false,
        default: default.map(str::to_owned),
    }
}

/// Describes a setting every watch must give.
pub fn required_setting(name: &str, description: &str) -> SettingInfo {
    SettingInfo {
        name: name.to_owned(),
        description: description.to_owned(),
        required: true,
        default: None,
    }
}

/// The `base-url` setting every built-in tracker takes, so mirrors and tests can point it
/// elsewhere.
pub fn base_url_setting(default: &str) -> SettingInfo {
    setting(
        "base-url",
        "where the upstream's data is served; change it for a mirror",
        Some(default),
    )
}

/// A required URL setting (`url`, `registry`), checked for an http(s) scheme, without a trailing
/// slash. The host grants a watch the host of every `url`, `*-url` and `registry` setting.
pub fn http_url(settings: &Settings, name: &str) -> Result<String, Error> {
    let url = settings.require(name)?.trim().trim_end_matches('/');
    if url.starts_with("https://") || url.starts_with("http://") {
        Ok(url.to_owned())
    } else {
        Err(Error::config(format!(
            "setting `{name}` = `{url}` must be a URL starting with `https://`"
        )))
    }
}

/// The part of a version before its second dot: `6.12.4` → `6.12`, `1.31` → `1.31`, `7` → `7`.
pub fn major_minor(version: &str) -> &str {
    match version.match_indices('.').nth(1) {
        Some((at, _)) => &version[..at],
        None => version,
    }
}

#[cfg(test)]
mod tests {
    use super::major_minor;

    #[test]
    fn major_minor_cuts_after_the_second_component() {
        for (version, line) in [
            ("6.12.4", "6.12"),
            ("6.12", "6.12"),
            ("7", "7"),
            ("1.2.3.4", "1.2"),
        ] {
            assert_eq!(major_minor(version), line, "{version}");
        }
    }
}
