//! Guest SDK for rollcall trackers.
//!
//! A tracker is a `cdylib` crate built for `wasm32-wasip2` that implements [`Guest`] and calls
//! [`export!`]. This crate owns the generated bindings of the `rollcall:plugin` contract (see
//! `wit/tracker.wit`) and the helpers every tracker needs: typed [`Settings`], JSON over the
//! host's `http` import ([`http::get_json`]), dates ([`date`]), and short constructors for
//! [`Error`].
//!
//! ```ignore
//! use rollcall_sdk::{Error, Guest, PluginInfo, Settings, UpstreamData};
//!
//! struct Example;
//!
//! impl Guest for Example {
//!     fn describe() -> PluginInfo { /* name, hosts, settings */ }
//!     fn poll(settings: Vec<(String, String)>) -> Result<UpstreamData, Error> {
//!         let settings = Settings::new(settings);
//!         let base = settings.base_url("https://example.org")?;
//!         let doc: serde_json::Value = rollcall_sdk::http::get_json(&format!("{base}/releases.json"))?;
//!         /* … */
//!     }
//! }
//!
//! rollcall_sdk::export!(Example);
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
    DateSource, Error, HttpStatusError, PluginInfo, RateLimitError, Release, ReleaseLine, Response,
    SettingInfo, UpstreamData,
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
        })
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
