//! Tracker for the GNU C Library, from the tags of its git repository on sourceware.org.
//!
//! Releases are tags `glibc-2.40`; point releases are not tagged (fixes land on the
//! `release/2.40/master` branch), so each line (`2.40`) has one release. `glibc-2.40.9000`
//! tags mark the start of development after a release and are not releases. glibc publishes a
//! release every six months but no end-of-life dates: add a `support` source for those.

use rollcall_sdk::version::{components, version_in_tag};
use rollcall_sdk::{Error, Guest, PluginInfo, Settings, UpstreamData};

const DEFAULT_REPOSITORY: &str = "https://sourceware.org/git/glibc.git";

struct Glibc;

impl Guest for Glibc {
    fn describe() -> PluginInfo {
        PluginInfo {
            name: "glibc".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            summary: "GNU C Library releases from the tags of its git repository".into(),
            hosts: vec!["sourceware.org".into()],
            settings: vec![rollcall_sdk::base_url_setting(DEFAULT_REPOSITORY)],
        }
    }

    fn poll(settings: Vec<(String, String)>) -> Result<UpstreamData, Error> {
        let settings = Settings::new(settings);
        let repository = settings.base_url(DEFAULT_REPOSITORY)?;
        let tags = rollcall_sdk::git::tags(&repository)?;
        let releases = rollcall_sdk::forge::from_tags(
            tags.iter().map(|t| t.name.as_str()),
            |tag| {
                let version = version_in_tag(tag, "glibc-")?;
                let numeric = version.chars().all(|c| c.is_ascii_digit() || c == '.');
                let development = version.ends_with(".9000");
                (numeric && !development).then(|| version.to_owned())
            },
            |version| Some(components(version, 2).to_owned()),
        );
        if releases.is_empty() {
            return Err(Error::parse(format!(
                "`{repository}` has no `glibc-X.Y` tags"
            )));
        }
        let lines = rollcall_sdk::lines::group(&releases);
        Ok(UpstreamData {
            releases,
            lines,
            listing: rollcall_sdk::Listing::Complete,
        })
    }
}

rollcall_sdk::export!(Glibc);
