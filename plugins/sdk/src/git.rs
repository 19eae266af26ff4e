//! Tags from a git server's ref advertisement, as `git ls-remote --tags` reads them.
//!
//! Any git server that speaks smart HTTP answers `GET {repo}/info/refs?service=git-upload-pack`
//! with pkt-lines: a `# service=git-upload-pack` line, a flush (`0000`), then `<sha> <ref>`
//! lines (the first carries capabilities after a NUL byte) and a final flush. Annotated tags
//! appear twice, the second time peeled (`refs/tags/v1.0^{}`) to the commit. Servers that only
//! speak the old "dumb" protocol serve `<sha>\t<ref>` lines instead; both are read here.

use crate::Error;

/// One tag: its name without `refs/tags/`, and the commit it points at (peeled).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// `v1.31.4`, `glibc-2.40`.
    pub name: String,
    /// The commit's SHA-1 (or SHA-256) in hex.
    pub commit: String,
}

/// The tags of a repository: fetches `{repo_url}/info/refs?service=git-upload-pack`.
pub fn tags(repo_url: &str) -> Result<Vec<Tag>, Error> {
    let url = format!(
        "{}/info/refs?service=git-upload-pack",
        repo_url.trim_end_matches('/')
    );
    let body = crate::http::get_bytes(&url, "application/x-git-upload-pack-advertisement, */*")?;
    parse_refs(&body).map_err(|e| Error::parse(format!("`{url}`: {e}")))
}

/// Parses a smart-HTTP advertisement or a dumb `info/refs` file into tags, in the server's order.
pub fn parse_refs(body: &[u8]) -> Result<Vec<Tag>, String> {
    let refs = if body.starts_with(b"001e# service=") || looks_like_pkt(body) {
        pkt_lines(body)?
    } else {
        dumb_lines(body)?
    };
    let mut tags: Vec<Tag> = Vec::new();
    for (sha, name) in refs {
        let Some(name) = name.strip_prefix("refs/tags/") else {
            continue;
        };
        if let Some(base) = name.strip_suffix("^{}") {
            // The peeled line follows its tag: point the tag at the commit.
            if let Some(tag) = tags.iter_mut().rev().find(|t| t.name == base) {
                tag.commit = sha;
            }
            continue;
        }
        tags.push(Tag {
            name: name.to_owned(),
            commit: sha,
        });
    }
    Ok(tags)
}

fn looks_like_pkt(body: &[u8]) -> bool {
    body.len() >= 4
        && body[..4].iter().all(u8::is_ascii_hexdigit)
        && body
            .get(4)
            .is_some_and(|b| *b == b'#' || b.is_ascii_hexdigit())
        && !body[..body.len().min(45)].contains(&b'\t')
}

fn pkt_lines(body: &[u8]) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    let mut at = 0;
    while at + 4 <= body.len() {
        let len_hex = std::str::from_utf8(&body[at..at + 4]).map_err(|_| "bad pkt-line length")?;
        let len = usize::from_str_radix(len_hex, 16)
            .map_err(|_| format!("bad pkt-line length `{len_hex}` at byte {at}"))?;
        if len == 0 {
            at += 4;
            continue;
        }
        if len < 4 || at + len > body.len() {
            return Err(format!(
                "pkt-line at byte {at} says {len} bytes but the body ends first (truncated response?)"
            ));
        }
        let payload = &body[at + 4..at + len];
        at += len;
        if payload.starts_with(b"#") {
            continue;
        }
        let payload = payload.split(|b| *b == 0).next().unwrap_or_default();
        let line = String::from_utf8_lossy(payload);
        let line = line.trim_end_matches('\n');
        if let Some((sha, name)) = line.split_once(' ') {
            out.push((sha.to_owned(), name.to_owned()));
        }
    }
    if at != body.len() {
        return Err("trailing bytes after the last pkt-line".into());
    }
    Ok(out)
}

fn dumb_lines(body: &[u8]) -> Result<Vec<(String, String)>, String> {
    let text = std::str::from_utf8(body).map_err(|_| "the ref list is not UTF-8 text")?;
    let mut out = Vec::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let (sha, name) = line
            .split_once(['\t', ' '])
            .ok_or_else(|| format!("line {} is not `<sha> <ref>`: `{line}`", n + 1))?;
        if !sha.chars().all(|c| c.is_ascii_hexdigit()) || sha.len() < 40 {
            return Err(format!(
                "line {} does not start with a commit id: `{line}`",
                n + 1
            ));
        }
        out.push((sha.to_owned(), name.trim().to_owned()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pkt(line: &str) -> String {
        format!("{:04x}{line}", line.len() + 4)
    }

    #[test]
    fn reads_a_smart_advertisement_with_peeled_tags() {
        let a = "a".repeat(40);
        let b = "b".repeat(40);
        let c = "c".repeat(40);
        let body = format!(
            "{}0000{}{}{}{}0000",
            pkt("# service=git-upload-pack\n"),
            pkt(&format!("{a} HEAD\0multi_ack side-band-64k\n")),
            pkt(&format!("{a} refs/heads/main\n")),
            pkt(&format!("{b} refs/tags/v1.0\n")),
            pkt(&format!("{c} refs/tags/v1.0^{{}}\n")),
        );
        let tags = parse_refs(body.as_bytes()).expect("parses");
        assert_eq!(
            tags,
            [Tag {
                name: "v1.0".into(),
                commit: c
            }]
        );
    }

    #[test]
    fn truncated_advertisements_are_errors() {
        let body = format!("{}0000003fabc", pkt("# service=git-upload-pack\n"));
        assert!(parse_refs(body.as_bytes()).is_err());
    }

    #[test]
    fn reads_dumb_info_refs() {
        let body = format!(
            "{}\trefs/tags/glibc-2.40\n{}\trefs/tags/glibc-2.40^{{}}\n",
            "1".repeat(40),
            "2".repeat(40)
        );
        let tags = parse_refs(body.as_bytes()).expect("parses");
        assert_eq!(tags.len(), 1);
        assert_eq!(tags[0].commit, "2".repeat(40));
    }
}
