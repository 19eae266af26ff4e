//! Generic tracker: the `<releases>` of an AppStream metainfo file, as desktop applications
//! (and Flathub) publish them: `<release version="1.12.0" date="2024-08-20" type="stable"/>`.
//! `timestamp` (Unix seconds) stands in for a missing `date`; `type="development"` and
//! `type="snapshot"` are pre-releases.

use quick_xml::Reader;
use quick_xml::events::Event;
use rollcall_sdk::version::is_prerelease;
use rollcall_sdk::{Error, Guest, PluginInfo, Release, Settings, UpstreamData};

struct AppStream;

impl Guest for AppStream {
    fn describe() -> PluginInfo {
        PluginInfo {
            name: "appstream".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            summary: "releases listed in an AppStream metainfo file (desktop and Flathub apps)"
                .into(),
            hosts: Vec::new(),
            settings: vec![rollcall_sdk::required_setting(
                "url",
                "the metainfo (`….metainfo.xml`, `….appdata.xml`) to read; its host is granted",
            )],
        }
    }

    fn poll(settings: Vec<(String, String)>) -> Result<UpstreamData, Error> {
        let settings = Settings::new(settings);
        let url = rollcall_sdk::http_url(&settings, "url")?;
        let body = rollcall_sdk::http::get_bytes(&url, "application/xml, text/xml, */*")?;
        let releases = parse(&body).map_err(|e| Error::parse(format!("`{url}`: {e}")))?;
        UpstreamData::releases_only(releases, &format!("`{url}`"))
    }
}

fn parse(body: &[u8]) -> Result<Vec<Release>, String> {
    let mut reader = Reader::from_reader(body);
    let mut buf = Vec::new();
    let mut out = Vec::new();
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|e| {
            format!(
                "not well-formed XML at byte {}: {e}",
                reader.error_position()
            )
        })?;
        match event {
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "release" => {
                let mut version = None;
                let mut date = None;
                let mut timestamp = None;
                let mut kind = None;
                for attr in e.attributes() {
                    let attr = attr.map_err(|e| format!("bad attribute in <release>: {e}"))?;
                    let value = attr
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map_err(|e| format!("bad attribute value in <release>: {e}"))?
                        .into_owned();
                    match attr.key.as_ref() {
                        "version" => version = Some(value),
                        "date" => date = Some(value),
                        "timestamp" => timestamp = Some(value),
                        "type" => kind = Some(value),
                        _ => {}
                    }
                }
                let Some(version) = version else {
                    return Err("a <release> has no `version` attribute".into());
                };
                let date = match (date, timestamp) {
                    (Some(d), _) => Some(rollcall_sdk::date::iso_date(&d).map_err(|_| {
                        format!("release `{version}`: date `{d}` is not YYYY-MM-DD")
                    })?),
                    (None, Some(t)) => {
                        Some(rollcall_sdk::date::from_unix(t.trim().parse().map_err(
                            |_| format!("release `{version}`: timestamp `{t}` is not a number"),
                        )?))
                    }
                    (None, None) => None,
                };
                let test = matches!(kind.as_deref(), Some("development" | "snapshot"));
                out.push(Release {
                    prerelease: test || is_prerelease(&version),
                    version,
                    date,
                    line: None,
                    url: None,
                });
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(out)
}

rollcall_sdk::export!(AppStream);
