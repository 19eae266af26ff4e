//! The Open Build Service: a project's source packages and the versions their spec files
//! declare, from `GET {api}/source/{project}?view=info&parse=1` (a `<sourceinfolist>`).
//!
//! OBS wants credentials even for reads on most instances. The user name comes from the config,
//! the password from the environment variable the config names (default
//! `ROLLCALL_OBS_PASSWORD`), never from the config file; it is sent as HTTP basic auth by the
//! host and never logged, stored or put in a URL.

use std::io::BufRead;

use quick_xml::XmlVersion;
use quick_xml::events::Event;

use super::ShippedPackage;
use super::fetch::DistroError;
use crate::net::{Grant, HttpClient, RequestLimits};

const LIMITS: RequestLimits = RequestLimits {
    timeout: std::time::Duration::from_secs(300),
    max_bytes: 256 << 20,
};

/// Parses a `<sourceinfolist>`. Multibuild flavours (`package:flavor`) and entries with an
/// `<error>` are skipped; the version is `version-release` when a release is given.
pub fn parse_sourceinfo(reader: impl BufRead) -> Result<Vec<ShippedPackage>, String> {
    let mut reader = quick_xml::Reader::from_reader(reader);
    let mut buf = Vec::new();
    let mut out = Vec::new();
    let mut current: Option<(String, Option<String>, Option<String>, bool)> = None;
    let mut field: Option<&'static str> = None;
    let mut saw_list = false;
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|e| {
            format!(
                "malformed sourceinfolist at byte {}: {e}",
                reader.buffer_position()
            )
        })?;
        match event {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "sourceinfolist" => saw_list = true,
                "sourceinfo" => {
                    let package = e
                        .attributes()
                        .flatten()
                        .find(|a| a.key.local_name().as_ref() == "package")
                        .and_then(|a| {
                            a.normalized_value(XmlVersion::Implicit1_0)
                                .ok()
                                .map(|v| v.into_owned())
                        })
                        .unwrap_or_default();
                    current = Some((package, None, None, false));
                }
                "version" => field = Some("version"),
                "release" => field = Some("release"),
                "error" => {
                    if let Some(c) = current.as_mut() {
                        c.3 = true;
                    }
                }
                _ => {}
            },
            Event::Text(t) => {
                if let (Some(f), Some(c)) = (field, current.as_mut()) {
                    let text = t.xml10_content().trim().to_owned();
                    match f {
                        "version" => c.1 = Some(text),
                        _ => c.2 = Some(text),
                    }
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                "version" | "release" => field = None,
                "sourceinfo" => {
                    if let Some((package, Some(version), release, false)) = current.take()
                        && !package.is_empty()
                        && !package.contains(':')
                    {
                        let version = match release.filter(|r| !r.is_empty()) {
                            Some(r) => format!("{version}-{r}"),
                            None => version,
                        };
                        out.push(ShippedPackage {
                            source: Some(package.clone()),
                            name: package,
                            version,
                            arch: None,
                            ..ShippedPackage::default()
                        });
                    }
                }
                _ => {}
            },
            _ => {}
        }
        buf.clear();
    }
    if !saw_list {
        return Err("not an OBS sourceinfolist (no <sourceinfolist> element)".into());
    }
    Ok(out)
}

/// Reads `project` from the OBS instance at `api`, with basic auth when `credentials` are given.
pub async fn fetch(
    http: &HttpClient,
    api: &str,
    project: &str,
    credentials: Option<(String, String)>,
) -> Result<Vec<ShippedPackage>, DistroError> {
    let url = format!(
        "{}/source/{}?view=info&parse=1",
        api.trim_end_matches('/'),
        url::form_urlencoded::byte_serialize(project.as_bytes()).collect::<String>()
    );
    let headers: Vec<(String, String)> = credentials
        .map(|(user, password)| {
            use base64::Engine as _;
            let encoded =
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
            vec![("authorization".to_owned(), format!("Basic {encoded}"))]
        })
        .unwrap_or_default();
    let fetched = http
        .get(&Grant::trusted(), &url, &headers, LIMITS)
        .await
        .map_err(|e| DistroError::Fetch {
            url: url.clone(),
            message: e.to_string(),
        })?;
    match fetched.status {
        200..=299 => {}
        401 => {
            return Err(DistroError::Fetch {
                url,
                message: "HTTP 401: the build service wants credentials; set `user` and the password in the environment variable named by `password-env`".into(),
            });
        }
        status => {
            return Err(DistroError::Fetch {
                url,
                message: format!("HTTP {status}"),
            });
        }
    }
    let body = fetched.body;
    parse_sourceinfo(&body[..]).map_err(|message| DistroError::Format { url, message })
}

#[cfg(test)]
mod tests {
    use super::parse_sourceinfo;

    #[test]
    fn reads_a_sourceinfolist() {
        let xml = br#"<sourceinfolist>
  <sourceinfo package="apparmor" rev="406" vrev="1" srcmd5="a" verifymd5="b">
    <filename>apparmor.spec</filename><name>apparmor</name><version>4.0.3</version><release>0</release>
  </sourceinfo>
  <sourceinfo package="kernel-default" rev="1" srcmd5="c"><name>kernel-default</name><version>6.12.4</version><release>1.1</release></sourceinfo>
  <sourceinfo package="kernel-default:flavor" rev="1" srcmd5="d"><version>6.12.4</version></sourceinfo>
  <sourceinfo package="broken" rev="1" srcmd5="e"><error>bad build configuration</error></sourceinfo>
</sourceinfolist>"#;
        let list = parse_sourceinfo(&xml[..]).expect("parses");
        let pairs: Vec<(&str, &str)> = list
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [("apparmor", "4.0.3-0"), ("kernel-default", "6.12.4-1.1")]
        );
        assert!(parse_sourceinfo(&b"<collection/>"[..]).is_err());
    }
}
