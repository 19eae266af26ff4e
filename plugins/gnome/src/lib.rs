//! Generic tracker: a GNOME module's releases from its download server's `cache.json`
//! (`GET {registry}/sources/{module}/cache.json`, the index download.gnome.org and its mirrors
//! serve: `[4, {module: {version: {ext: path}}}, {module: [versions]}, {series: [files]}]`). The
//! server's address is a setting. The index has no dates, so releases have none.
//!
//! Pre-releases follow GNOME's two schemes: since GNOME 40, `.alpha`, `.beta` and `.rc` in the
//! version (`46.alpha`, `1.5.beta`); before it, and still for modules below 40 such as GLib
//! and GTK, an odd minor or a minor or micro of 90 and up (`2.81.1`, `3.37.92`, `0.0.90`). The
//! second rule is a setting, for modules below 40 that mark pre-releases only by name.
//!
//! The index lists every tarball the server holds, so the answer is the whole history.

use rollcall_sdk::serde_json::Value;
use rollcall_sdk::{Error, Guest, PluginInfo, Release, Settings, UpstreamData};

struct Gnome;

impl Guest for Gnome {
    fn describe() -> PluginInfo {
        PluginInfo {
            name: "gnome".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            summary: "a GNOME module's releases from its download server's `cache.json`".into(),
            hosts: Vec::new(),
            settings: vec![
                rollcall_sdk::required_setting(
                    "registry",
                    "the download server's base URL, the part before `/sources/` (the public one is `https://download.gnome.org`); its host is granted",
                ),
                rollcall_sdk::required_setting(
                    "module",
                    "the module's name (`glib`, `gnome-shell`)",
                ),
                rollcall_sdk::setting(
                    "odd-minor-unstable",
                    "whether, below version 40, an odd minor or a minor or micro of 90 and up is a development release (GNOME's scheme before GNOME 40, still GLib's and GTK's); `false` for a module that marks pre-releases only by name",
                    Some("true"),
                ),
            ],
        }
    }

    fn poll(settings: Vec<(String, String)>) -> Result<UpstreamData, Error> {
        let settings = Settings::new(settings);
        let registry = rollcall_sdk::http_url(&settings, "registry")?;
        let module = settings.require("module")?.trim();
        let valid = !module.starts_with('.')
            && module
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '+'));
        if !valid {
            return Err(Error::config(format!(
                "setting `module` = `{module}` is not a GNOME module name"
            )));
        }
        let odd_minor = settings.flag("odd-minor-unstable", true)?;
        let url = format!("{registry}/sources/{module}/cache.json");
        let doc: Value = rollcall_sdk::http::get_json(&url)?;
        let versions = versions_of(&doc, module).ok_or_else(|| {
            Error::parse(format!(
                "`{url}` is not a `cache.json` index listing module `{module}`"
            ))
        })?;
        let releases = versions
            .into_iter()
            .map(|version| {
                let mut release = Release::new(version.to_owned(), None);
                release.prerelease = is_unstable(version, odd_minor);
                release
            })
            .collect();
        UpstreamData::releases_only(releases, &format!("`{url}`")).map(UpstreamData::whole_history)
    }
}

/// The module's version list: the third element of the index, keyed by module.
fn versions_of<'a>(doc: &'a Value, module: &str) -> Option<Vec<&'a str>> {
    let list = doc.as_array()?.get(2)?.get(module)?.as_array()?;
    Some(list.iter().filter_map(Value::as_str).collect())
}

/// A development release by name (`.alpha`, `.beta`, `.rc`) or, with `odd_minor`, by GNOME's
/// numbering before 40.
fn is_unstable(version: &str, odd_minor: bool) -> bool {
    if rollcall_sdk::version::is_prerelease(version) {
        return true;
    }
    if !odd_minor {
        return false;
    }
    let mut parts = version.split('.').map(|p| p.parse::<u64>().ok());
    let (Some(Some(major)), Some(Some(minor))) = (parts.next(), parts.next()) else {
        return false;
    };
    let micro = parts.next().flatten();
    major < 40 && (!minor.is_multiple_of(2) || minor >= 90 || micro.is_some_and(|m| m >= 90))
}

rollcall_sdk::export!(Gnome);

#[cfg(test)]
mod tests {
    use super::is_unstable;

    #[test]
    fn both_schemes_mark_development_releases() {
        for unstable in [
            "2.81.1", "3.37.92", "0.0.90", "1.2.90", "46.alpha", "47.beta", "45.rc", "1.5.beta",
        ] {
            assert!(is_unstable(unstable, true), "{unstable}");
        }
        for stable in ["2.80.0", "3.38.1", "40.1", "41.0", "47.3", "1.0.4", "41"] {
            assert!(!is_unstable(stable, true), "{stable}");
        }
        assert!(!is_unstable("1.5.0", false) && is_unstable("1.5.beta", false));
    }
}
