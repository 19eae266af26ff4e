//! HTTP helpers over the host's `http` import.
//!
//! The host enforces the allowlist, the timeouts and the size cap; these helpers turn statuses
//! and bodies into typed results so a tracker is mostly parsing.

use serde::de::DeserializeOwned;

use crate::bindings::rollcall::plugin::http;
use crate::{Error, HttpStatusError, RateLimitError, Response};

/// GET `url` with extra request headers; any status is `Ok`.
pub fn get(url: &str, headers: &[(&str, &str)]) -> Result<Response, Error> {
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    http::get(url, &headers)
}

/// GET `url` and return the body of a success response; other statuses become
/// [`Error::Status`], and rate-limit refusals [`Error::RateLimited`].
pub fn get_bytes(url: &str, accept: &str) -> Result<Vec<u8>, Error> {
    let response = get(url, &[("accept", accept)])?;
    check_status(url, &response)?;
    Ok(response.body)
}

/// `Ok` for a 2xx response; otherwise the error a tracker should return: [`Error::RateLimited`]
/// for 429 or a 403 whose `x-ratelimit-remaining` is `0`, [`Error::Status`] for the rest.
pub fn check_status(url: &str, response: &Response) -> Result<(), Error> {
    if (200..300).contains(&response.status) {
        return Ok(());
    }
    let spent = header(response, "x-ratelimit-remaining").is_some_and(|v| v.trim() == "0");
    if response.status == 429 || (response.status == 403 && spent) {
        return Err(Error::RateLimited(RateLimitError {
            url: url.to_owned(),
            status: response.status,
            retry_after: header(response, "retry-after").and_then(|v| v.trim().parse().ok()),
        }));
    }
    Err(Error::Status(HttpStatusError {
        url: url.to_owned(),
        status: response.status,
    }))
}

/// The first value of header `name` (lower case).
pub fn header<'a>(response: &'a Response, name: &str) -> Option<&'a str> {
    response
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// The `rel="next"` target of a `Link` header (RFC 8288), resolved against `url`:
/// `</v2/x/tags/list?last=b&n=2>; rel="next"` → `https://host/v2/x/tags/list?last=b&n=2`.
pub fn next_link(url: &str, response: &Response) -> Option<String> {
    let link = header(response, "link")?;
    let target = link.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        let is_next = params.split(';').any(|p| {
            p.trim()
                .trim_start_matches("rel=")
                .trim_matches('"')
                .split(' ')
                .any(|r| r == "next")
                && p.contains("rel=")
        });
        is_next.then(|| {
            target
                .trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_owned()
        })
    })?;
    Some(resolve(url, &target))
}

/// `target` resolved against `base`: absolute URLs stay, `/path` keeps the origin.
pub fn resolve(base: &str, target: &str) -> String {
    if target.contains("://") {
        return target.to_owned();
    }
    let origin_end = base
        .find("://")
        .and_then(|s| base[s + 3..].find('/').map(|p| s + 3 + p))
        .unwrap_or(base.len());
    if target.starts_with('/') {
        format!("{}{target}", &base[..origin_end])
    } else {
        let dir_end = base
            .rfind('/')
            .filter(|p| *p >= origin_end)
            .unwrap_or(base.len());
        format!("{}/{target}", &base[..dir_end])
    }
}

/// GET `url` and return the body as text (invalid UTF-8 is replaced).
pub fn get_text(url: &str) -> Result<String, Error> {
    let body = get_bytes(url, "text/plain, */*")?;
    Ok(String::from_utf8_lossy(&body).into_owned())
}

/// GET `url` and deserialize its JSON body; a body that does not match `T` is a
/// [`Error::Parse`] naming the URL and the place in the document. A status other than 200 is
/// [`Error::Status`], or [`Error::RateLimited`] for a 429 (or a 403 whose headers say the limit
/// is spent), so the host can pause that upstream; a host the watch was not granted is
/// [`Error::Denied`].
///
/// ```no_run
/// #[derive(serde::Deserialize)]
/// struct Tag {
///     name: String,
/// }
///
/// # fn poll() -> Result<(), rollcall_sdk::Error> {
/// let tags: Vec<Tag> = rollcall_sdk::http::get_json("https://forge.example.org/api/tags")?;
/// # Ok(())
/// # }
/// ```
pub fn get_json<T: DeserializeOwned>(url: &str) -> Result<T, Error> {
    let body = get_bytes(url, "application/json")?;
    parse_json(url, &body)
}

/// Deserializes a JSON body fetched from `url`; errors name the URL and the place.
///
/// ```
/// let value: Vec<u32> = rollcall_sdk::http::parse_json("https://x.example/a", b"[1, 2]").unwrap();
/// assert_eq!(value, [1, 2]);
/// let err = rollcall_sdk::http::parse_json::<Vec<u32>>("https://x.example/a", b"{").unwrap_err();
/// assert!(matches!(err, rollcall_sdk::Error::Parse(m) if m.contains("x.example/a")));
/// ```
pub fn parse_json<T: DeserializeOwned>(url: &str, body: &[u8]) -> Result<T, Error> {
    serde_json::from_slice(body).map_err(|e| Error::parse(format!("`{url}`: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(headers: &[(&str, &str)], status: u16) -> Response {
        Response {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| ((*k).into(), (*v).into()))
                .collect(),
            body: Vec::new(),
        }
    }

    #[test]
    fn link_headers_resolve_against_the_request() {
        let r = response(
            &[(
                "link",
                "</v2/library/ubuntu/tags/list?last=b&n=3>; rel=\"next\"",
            )],
            200,
        );
        assert_eq!(
            next_link("https://r.example/v2/library/ubuntu/tags/list?n=3", &r).as_deref(),
            Some("https://r.example/v2/library/ubuntu/tags/list?last=b&n=3")
        );
        let gitlab = response(
            &[(
                "link",
                "<https://g.example/api/v4/projects/1/repository/tags?page=2>; rel=\"next\", <https://g.example/x?page=9>; rel=\"last\"",
            )],
            200,
        );
        assert_eq!(
            next_link("https://g.example/api", &gitlab).as_deref(),
            Some("https://g.example/api/v4/projects/1/repository/tags?page=2")
        );
        assert_eq!(
            next_link(
                "https://x/",
                &response(&[("link", "<https://x/p=9>; rel=\"last\"")], 200)
            ),
            None
        );
    }

    #[test]
    fn rate_limits_are_told_apart_from_other_refusals() {
        let limited = response(&[("retry-after", "60")], 429);
        assert!(matches!(
            check_status("u", &limited),
            Err(Error::RateLimited(RateLimitError {
                retry_after: Some(60),
                ..
            }))
        ));
        let spent = response(&[("x-ratelimit-remaining", "0")], 403);
        assert!(matches!(
            check_status("u", &spent),
            Err(Error::RateLimited(_))
        ));
        let forbidden = response(&[], 403);
        assert!(matches!(
            check_status("u", &forbidden),
            Err(Error::Status(_))
        ));
    }
}
