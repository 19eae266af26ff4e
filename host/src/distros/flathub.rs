//! Flathub (and any Flatpak remote): the AppStream catalogue the remote publishes
//! (`appstream.xml.gz`), one component per application: its id, the newest release it lists (a
//! catalogue lists releases newest first), and the homepage and repository links discovery reads.

use std::io::BufRead;

use quick_xml::events::Event;

use super::ShippedPackage;
use super::rpmmd::attr;

/// A component whose element has not closed yet.
#[derive(Default)]
struct Partial {
    id: Option<String>,
    version: Option<String>,
    homepage: Option<String>,
    vcs: Option<String>,
}

/// What the text being read belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Text {
    Id,
    Homepage,
    Vcs,
}

/// Parses an AppStream catalogue (`<components>`). Components without a release are left out:
/// nothing says what version the remote ships. A legacy id's `.desktop` suffix is removed.
pub fn parse_catalog(reader: impl BufRead) -> Result<Vec<ShippedPackage>, String> {
    let mut reader = quick_xml::Reader::from_reader(reader);
    let mut buf = Vec::new();
    let mut out = Vec::new();
    let mut current: Option<Partial> = None;
    let mut text: Option<Text> = None;
    let mut depth_in_component = 0usize;
    let mut saw_root = false;
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|e| {
            format!(
                "malformed AppStream catalogue at byte {}: {e}",
                reader.buffer_position()
            )
        })?;
        match event {
            Event::Eof if current.is_some() => {
                return Err(
                    "the AppStream catalogue ends inside a component; it is truncated".into(),
                );
            }
            Event::Eof => break,
            Event::Start(e) => {
                let name = e.local_name();
                match (name.as_ref(), current.as_mut()) {
                    ("components", None) => saw_root = true,
                    ("component", None) => {
                        current = Some(Partial::default());
                        depth_in_component = 0;
                    }
                    (tag, Some(c)) => {
                        depth_in_component += 1;
                        // Only the component's own `<id>` and `<url>`: not those nested deeper
                        // (a `<provides>` or a `<release>`'s `<url>`).
                        if depth_in_component == 1 {
                            text = match (tag, attr(&e, "type").as_deref()) {
                                ("id", _) => Some(Text::Id),
                                ("url", Some("homepage")) => Some(Text::Homepage),
                                ("url", Some("vcs-browser")) => Some(Text::Vcs),
                                _ => None,
                            };
                        }
                        if tag == "release" && c.version.is_none() {
                            c.version = attr(&e, "version").filter(|v| !v.trim().is_empty());
                        }
                    }
                    _ => {}
                }
            }
            Event::Empty(e) => {
                if let Some(c) = current.as_mut()
                    && e.local_name().as_ref() == "release"
                    && c.version.is_none()
                {
                    c.version = attr(&e, "version").filter(|v| !v.trim().is_empty());
                }
            }
            Event::Text(t) => {
                if let (Some(which), Some(c)) = (text, current.as_mut()) {
                    let value = t.xml10_content().trim().to_owned();
                    if !value.is_empty() {
                        match which {
                            Text::Id => c.id = Some(value),
                            Text::Homepage => c.homepage = Some(value),
                            Text::Vcs => c.vcs = Some(value),
                        }
                    }
                }
            }
            Event::End(e) => {
                if e.local_name().as_ref() == "component" && depth_in_component == 0 {
                    if let Some(Partial {
                        id,
                        version,
                        homepage,
                        vcs,
                    }) = current.take()
                    {
                        let Some(id) = id else {
                            return Err(format!(
                                "a component ending at byte {} has no <id>",
                                reader.buffer_position()
                            ));
                        };
                        if let Some(version) = version {
                            let id = id.strip_suffix(".desktop").unwrap_or(&id).to_owned();
                            out.push(ShippedPackage {
                                source: Some(id.clone()),
                                name: id,
                                version,
                                homepage,
                                vcs,
                                ..ShippedPackage::default()
                            });
                        }
                    }
                } else if current.is_some() {
                    depth_in_component = depth_in_component.saturating_sub(1);
                    text = None;
                }
            }
            _ => {}
        }
        buf.clear();
    }
    if !saw_root {
        return Err("not an AppStream catalogue (no <components> element)".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_give_their_newest_release_and_links() {
        let xml = br#"<?xml version="1.0"?>
<components version="0.8" origin="flathub">
  <component type="desktop-application">
    <id>org.example.App.desktop</id>
    <name>App</name>
    <url type="homepage">https://github.com/example/app</url>
    <url type="bugtracker">https://github.com/example/app/issues</url>
    <url type="vcs-browser">https://github.com/example/app.git</url>
    <releases>
      <release version="2.1" timestamp="1730000000"><url>https://example.org/2.1</url></release>
      <release version="2.0" timestamp="1720000000"/>
    </releases>
    <bundle type="flatpak">app/org.example.App/x86_64/stable</bundle>
  </component>
  <component type="runtime"><id>org.example.NoRelease</id></component>
</components>"#;
        let list = parse_catalog(&xml[..]).expect("parses");
        assert_eq!(list.len(), 1, "a component without a release is left out");
        let app = &list[0];
        assert_eq!(
            (app.name.as_str(), app.version.as_str()),
            ("org.example.App", "2.1")
        );
        assert_eq!(
            app.homepage.as_deref(),
            Some("https://github.com/example/app")
        );
        assert_eq!(
            app.vcs.as_deref(),
            Some("https://github.com/example/app.git")
        );
    }

    #[test]
    fn broken_catalogues_are_errors() {
        assert!(parse_catalog(&b"<html></html>"[..]).is_err());
        let err = parse_catalog(&b"<components><component><id>x</id>"[..]).expect_err("truncated");
        assert!(err.contains("truncated"), "{err}");
        let err = parse_catalog(&b"<components><component><releases><release version=\"1\"/></releases></component></components>"[..])
            .expect_err("no id");
        assert!(err.contains("no <id>"), "{err}");
    }
}
