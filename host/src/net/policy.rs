//! Which URLs a plugin may fetch.
//!
//! A [`Grant`] is the set of hosts one watch's tracker may reach: for a built-in tracker the hosts
//! it declares, for a third-party tracker those it declares *and* the config allows, plus in both
//! cases the host of a `base-url` setting the user wrote. [`Grant::check`] is applied to the first
//! URL and again to every redirect hop. The rules follow Spin's `allowed_outbound_hosts` in
//! spirit: exact hosts or `*.suffix`, https only, and nothing that can smuggle a different target
//! past a string match (credentials in the URL, IP literals).

use std::fmt;
use std::net::IpAddr;

use url::{Host, Url};

/// One allowed host, with an optional port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostRule {
    /// Lower-case host name; for a wildcard rule the suffix after `*.`.
    host: String,
    wildcard: bool,
    port: Option<u16>,
    /// The host may resolve to a loopback or private address: `localhost`, a non-public IP
    /// literal, or the host of a URL the user wrote (a mirror on the local network). Every
    /// other granted name must resolve to public addresses ([`super::resolve`]).
    private: bool,
}

impl HostRule {
    /// Parses `example.org`, `*.example.org`, `example.org:8443` or `127.0.0.1:8080`.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim().to_ascii_lowercase();
        if raw.is_empty() || raw.contains('/') || raw.contains('@') {
            return Err(format!(
                "`{raw}` is not a host; write a bare host such as `example.org` or `*.example.org`"
            ));
        }
        let (host, port) = match raw.rsplit_once(':') {
            Some((h, p)) if !h.contains(':') => {
                let port = p
                    .parse::<u16>()
                    .map_err(|_| format!("`{raw}` has a bad port `{p}`"))?;
                (h.to_owned(), Some(port))
            }
            _ => (raw.clone(), None),
        };
        let (host, wildcard) = match host.strip_prefix("*.") {
            Some(suffix) => (suffix.to_owned(), true),
            None => (host, false),
        };
        if host.is_empty() || host.contains('*') {
            return Err(format!(
                "`{raw}` is not a host pattern; only a leading `*.` is allowed"
            ));
        }
        let private = !wildcard && names_private(&host);
        Ok(Self {
            host,
            wildcard,
            port,
            private,
        })
    }

    /// The rule that lets a tracker reach the host of its `base-url` setting.
    pub fn for_url(url: &Url) -> Option<Self> {
        let host = url
            .host_str()?
            .trim_matches(['[', ']'])
            .to_ascii_lowercase();
        Some(Self {
            host,
            wildcard: false,
            port: url.port(),
            private: true,
        })
    }

    fn matches(&self, host: &str, port: u16) -> bool {
        let host_ok = if self.wildcard {
            host.strip_suffix(self.host.as_str())
                .is_some_and(|rest| rest.ends_with('.') && rest.len() > 1)
        } else {
            host == self.host
        };
        host_ok && self.port.is_none_or(|p| p == port)
    }
}

impl fmt::Display for HostRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.wildcard {
            f.write_str("*.")?;
        }
        f.write_str(&self.host)?;
        if let Some(port) = self.port {
            write!(f, ":{port}")?;
        }
        Ok(())
    }
}

/// `localhost`, or an IP literal that is not public: a grant of a private host on purpose.
fn names_private(host: &str) -> bool {
    host == "localhost"
        || host == "localhost."
        || host
            .trim_matches(['[', ']'])
            .parse::<IpAddr>()
            .is_ok_and(|ip| !super::resolve::is_public(ip))
}

/// The hosts one tracker may reach during one watch's poll.
#[derive(Debug, Clone, Default)]
pub struct Grant {
    rules: Vec<HostRule>,
    /// Any http(s) host: for URLs the user wrote (distro mirrors, which redirect anywhere).
    trusted: bool,
    /// Whether the `github` import sends the user's token for this tracker.
    github_token: bool,
}

impl Grant {
    /// A grant of exactly these rules.
    pub fn new(rules: Vec<HostRule>) -> Self {
        let mut grant = Self::default();
        for rule in rules {
            grant.add(rule);
        }
        grant
    }

    /// Any http(s) URL: for fetches of URLs the user configured (distro sources), never for
    /// plugins.
    pub fn trusted() -> Self {
        Self {
            trusted: true,
            ..Self::default()
        }
    }

    /// Lends the user's GitHub token to the `github` import's requests under this grant: for
    /// built-in trackers, and third-party ones whose config says `github-token = true`.
    pub fn with_github_token(mut self, lend: bool) -> Self {
        self.github_token = lend;
        self
    }

    /// Whether the `github` import sends the user's token for this tracker.
    pub fn lends_github_token(&self) -> bool {
        self.github_token
    }

    /// Whether this is the grant for user-configured fetches.
    pub fn is_trusted(&self) -> bool {
        self.trusted
    }

    /// Adds a rule unless one for the same hosts is there (which then allows private addresses
    /// if either does).
    pub fn add(&mut self, rule: HostRule) {
        let same = |r: &&mut HostRule| {
            r.host == rule.host && r.wildcard == rule.wildcard && r.port == rule.port
        };
        match self.rules.iter_mut().find(same) {
            Some(existing) => existing.private |= rule.private,
            None => self.rules.push(rule),
        }
    }

    /// The rules, for error messages and `plugin list`.
    pub fn rules(&self) -> &[HostRule] {
        &self.rules
    }

    /// Whether `url`'s host may resolve to a loopback or private address: on trusted fetches, and
    /// when a rule naming that host on purpose allows it (`localhost`, a non-public IP literal,
    /// the host of a URL setting the user wrote). Call after [`Grant::check`].
    pub fn may_reach_private(&self, url: &Url) -> bool {
        if self.trusted {
            return true;
        }
        let Some(host) = url.host_str() else {
            return false;
        };
        let host = host.trim_matches(['[', ']']).to_ascii_lowercase();
        let port = url.port_or_known_default().unwrap_or(443);
        self.rules
            .iter()
            .any(|r| r.private && r.matches(&host, port))
    }

    /// Parses `raw` and checks it; the error is the message the plugin and the user see.
    pub fn check_str(&self, raw: &str) -> Result<Url, String> {
        let url = Url::parse(raw).map_err(|e| format!("`{raw}` is not a URL: {e}"))?;
        self.check(&url)?;
        Ok(url)
    }

    /// Whether `url` may be fetched under this grant.
    pub fn check(&self, url: &Url) -> Result<(), String> {
        if self.trusted {
            return match url.scheme() {
                "https" | "http" => Ok(()),
                other => Err(format!(
                    "`{}` uses `{other}`; only http(s) is fetched",
                    redact(url)
                )),
            };
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(format!(
                "`{}` carries credentials in the URL; trackers may not send them",
                redact(url)
            ));
        }
        let (host, loopback) = match url.host() {
            Some(Host::Domain(d)) => {
                let d = d.to_ascii_lowercase();
                let loopback = d == "localhost";
                (d, loopback)
            }
            Some(Host::Ipv4(ip)) => (ip.to_string(), IpAddr::V4(ip).is_loopback()),
            Some(Host::Ipv6(ip)) => (ip.to_string(), IpAddr::V6(ip).is_loopback()),
            None => return Err(format!("`{url}` has no host")),
        };
        if matches!(url.host(), Some(Host::Ipv4(_) | Host::Ipv6(_))) && !loopback {
            return Err(format!(
                "`{url}` names an IP address; trackers must use host names"
            ));
        }
        match url.scheme() {
            "https" => {}
            "http" if loopback => {}
            "http" => {
                return Err(format!(
                    "`{url}` uses plain http; only https is allowed (plain http only on loopback)"
                ));
            }
            other => return Err(format!("`{url}` uses `{other}`; only https is allowed")),
        }
        let port = url.port_or_known_default().unwrap_or(443);
        if self.rules.iter().any(|r| r.matches(&host, port)) {
            return Ok(());
        }
        let allowed = if self.rules.is_empty() {
            "none".to_owned()
        } else {
            self.rules
                .iter()
                .map(|r| format!("`{r}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        Err(format!(
            "host `{host}` is not allowed for this tracker (allowed: {allowed})"
        ))
    }
}

/// Whether an `Authorization` header may follow a redirect from `from` to `to`: only to the same
/// origin (scheme, host and port), so a credential never reaches another server, another port
/// of the same machine, nor travels in clear after an https → http downgrade on the same host.
pub fn credentials_may_follow(from: &Url, to: &Url) -> bool {
    let origin = from.origin();
    origin.is_tuple() && origin == to.origin()
}

/// `url` without credentials, for messages.
pub fn redact(url: &Url) -> String {
    let mut clean = url.clone();
    let _ = clean.set_username("");
    let _ = clean.set_password(None);
    clean.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(rules: &[&str]) -> Grant {
        Grant::new(
            rules
                .iter()
                .map(|r| HostRule::parse(r).expect("valid rule"))
                .collect(),
        )
    }

    #[test]
    fn allows_declared_hosts_over_https_only() {
        let g = grant(&["www.kernel.org", "*.github.io"]);
        for ok in [
            "https://www.kernel.org/releases.json",
            "https://WWW.Kernel.org:443/x",
            "https://a.github.io/",
            "https://a.b.github.io/",
        ] {
            assert!(g.check_str(ok).is_ok(), "{ok}");
        }
        for denied in [
            "http://www.kernel.org/releases.json",
            "https://kernel.org/",
            "https://github.io/",
            "https://evilgithub.io/",
            "https://www.kernel.org.evil.example/",
            "https://allowed.example@evil.example/",
            "https://www.kernel.org@evil.example/",
            "https://user:pw@www.kernel.org/",
            "https://93.184.216.34/",
            "https://[2001:db8::1]/",
            "ftp://www.kernel.org/",
            "file:///etc/passwd",
        ] {
            assert!(g.check_str(denied).is_err(), "{denied}");
        }
    }

    #[test]
    fn loopback_may_use_plain_http_but_only_on_the_granted_port() {
        let g = grant(&["127.0.0.1:8080", "localhost"]);
        assert!(g.check_str("http://127.0.0.1:8080/x").is_ok());
        assert!(g.check_str("http://127.0.0.1:8081/x").is_err());
        assert!(g.check_str("http://localhost:9/x").is_ok());
        assert!(g.check_str("http://127.0.0.2:8080/x").is_err());
    }

    #[test]
    fn only_rules_naming_a_private_host_may_resolve_to_one() {
        let mut g = grant(&[
            "api.example",
            "*.pages.example",
            "localhost",
            "127.0.0.1:8080",
        ]);
        g.add(HostRule::for_url(&"https://mirror.lan:8443/".parse().expect("url")).expect("rule"));
        for (url, private) in [
            ("https://api.example/x", false),
            ("https://a.pages.example/x", false),
            ("http://localhost:9/x", true),
            ("http://127.0.0.1:8080/x", true),
            ("https://mirror.lan:8443/x", true),
            ("https://mirror.lan/x", false),
        ] {
            assert_eq!(
                g.may_reach_private(&url.parse().expect("url")),
                private,
                "{url}"
            );
        }
        assert!(Grant::trusted().may_reach_private(&"https://a.example/".parse().expect("url")));
        // A host both declared and written in a `base-url` is one rule, allowed private.
        g.add(HostRule::parse("mirror.lan:8443").expect("rule"));
        assert_eq!(g.rules().len(), 5);
        assert!(g.may_reach_private(&"https://mirror.lan:8443/".parse().expect("url")));
    }

    #[test]
    fn credentials_follow_redirects_within_one_origin_only() {
        for (from, to, keep) in [
            ("https://api.example/a", "https://api.example/b?x=1", true),
            ("https://API.example/a", "https://api.example:443/b", true),
            ("http://127.0.0.1:8080/a", "http://127.0.0.1:8080/b", true),
            // A downgrade to plain http on the same host: never in clear.
            ("https://api.example/a", "http://api.example/a", false),
            (
                "https://api.example:8443/a",
                "http://api.example:8443/a",
                false,
            ),
            // An upgrade changes the origin too (the port with it).
            ("http://api.example/a", "https://api.example/a", false),
            ("https://api.example/a", "https://api.example:8443/a", false),
            ("http://127.0.0.1:8080/a", "http://127.0.0.1:8081/a", false),
            ("https://api.example/a", "https://cdn.example/a", false),
            ("https://api.example/a", "https://a.api.example/a", false),
            ("http://127.0.0.1:8080/a", "http://localhost:8080/a", false),
        ] {
            let (f, t) = (Url::parse(from).expect("url"), Url::parse(to).expect("url"));
            assert_eq!(credentials_may_follow(&f, &t), keep, "{from} → {to}");
        }
    }

    #[test]
    fn credentials_never_reach_messages() {
        let err = grant(&["x.example"])
            .check_str("https://user:secret@x.example/")
            .expect_err("credentials are refused");
        assert!(!err.contains("secret"), "{err}");
    }

    #[test]
    fn bad_rules_are_explained() {
        for bad in [
            "",
            "https://x.example",
            "a*.example",
            "x.example:http",
            "u@x.example",
        ] {
            assert!(HostRule::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            HostRule::parse("*.Example.org:8443").map(|r| r.to_string()),
            Ok("*.example.org:8443".to_owned())
        );
    }
}
