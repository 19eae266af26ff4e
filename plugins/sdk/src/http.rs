//! HTTP helpers over the host's `http` import.
//!
//! The host enforces the allowlist, the timeouts and the size cap; these helpers turn statuses
//! and bodies into typed results so a tracker is mostly parsing.

use serde::de::DeserializeOwned;

use crate::bindings::rollcall::plugin::http;
use crate::{Error, HttpStatusError, Response};

/// GET `url` with extra request headers; any status is `Ok`.
pub fn get(url: &str, headers: &[(&str, &str)]) -> Result<Response, Error> {
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    http::get(url, &headers)
}

/// GET `url` and return the body of a success response; other statuses become
/// [`Error::Status`].
pub fn get_bytes(url: &str, accept: &str) -> Result<Vec<u8>, Error> {
    let response = get(url, &[("accept", accept)])?;
    if !(200..300).contains(&response.status) {
        return Err(Error::Status(HttpStatusError {
            url: url.to_owned(),
            status: response.status,
        }));
    }
    Ok(response.body)
}

/// GET `url` and return the body as text (invalid UTF-8 is replaced).
pub fn get_text(url: &str) -> Result<String, Error> {
    let body = get_bytes(url, "text/plain, */*")?;
    Ok(String::from_utf8_lossy(&body).into_owned())
}

/// GET `url` and deserialize its JSON body; a body that does not match `T` is a
/// [`Error::Parse`] naming the URL and the place in the document.
pub fn get_json<T: DeserializeOwned>(url: &str) -> Result<T, Error> {
    let body = get_bytes(url, "application/json")?;
    serde_json::from_slice(&body).map_err(|e| Error::parse(format!("`{url}`: {e}")))
}
