//! Name resolution for trackers: a granted host name must resolve to public addresses.
//!
//! A grant names hosts and the policy checks names, but what a name resolves to is up to whoever
//! runs its DNS. A granted name (a wildcard domain, a record that changes between two lookups)
//! could otherwise point a tracker at this machine or its network, to read or probe what listens
//! there. The check runs inside the client's resolver, on the very addresses the connection is
//! then made to, so nothing can change between the check and the connect. Grants that name a
//! loopback or private host on purpose (`localhost`, a `base-url` the user wrote) and the
//! distro fetches use the system's resolver unchanged ([`super::policy::Grant::may_reach_private`]).
//!
//! Proxies named in the environment (`HTTPS_PROXY`, …) are resolved unfiltered: behind a proxy
//! the proxy resolves the tracker's host, and rollcall never sees that address.

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A host name that resolved to no public address.
#[derive(Debug, thiserror::Error)]
#[error("host `{host}` resolves to `{address}`, which is not a public address")]
pub struct NonPublicAddress {
    /// The name looked up.
    pub host: String,
    /// The first address refused.
    pub address: IpAddr,
}

/// A resolver that keeps public addresses only.
#[derive(Debug, Clone, Default)]
pub struct PublicOnly {
    /// Answers used instead of the system's (tests: a name that resolves to loopback).
    overrides: Arc<HashMap<String, Vec<IpAddr>>>,
    /// Proxy hosts from the environment, resolved unfiltered.
    proxies: Arc<HashSet<String>>,
}

impl PublicOnly {
    /// Resolves with the system's resolver; proxies come from the environment.
    pub fn system() -> Self {
        let proxies = [
            "HTTPS_PROXY",
            "https_proxy",
            "HTTP_PROXY",
            "http_proxy",
            "ALL_PROXY",
            "all_proxy",
        ]
        .iter()
        .filter_map(|var| std::env::var(var).ok())
        .filter_map(|raw| proxy_host(&raw))
        .collect();
        Self {
            overrides: Arc::default(),
            proxies: Arc::new(proxies),
        }
    }

    /// Answers `host` with `addresses` instead of asking the system.
    pub fn with_override(mut self, host: &str, addresses: Vec<IpAddr>) -> Self {
        Arc::make_mut(&mut self.overrides).insert(host.to_ascii_lowercase(), addresses);
        self
    }

    async fn lookup(&self, host: &str) -> Result<Vec<SocketAddr>, BoxError> {
        let found: Vec<SocketAddr> = match self.overrides.get(host) {
            Some(ips) => ips.iter().map(|ip| SocketAddr::new(*ip, 0)).collect(),
            None => tokio::net::lookup_host((host, 0)).await?.collect(),
        };
        if self.proxies.contains(host) {
            return Ok(found);
        }
        Ok(keep_public(host, found)?)
    }
}

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let this = self.clone();
        Box::pin(async move {
            let addrs = this.lookup(name.as_str()).await?;
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// The host of a proxy setting (`http://proxy.corp:3128`, `proxy.corp:3128`).
fn proxy_host(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let url = url::Url::parse(raw)
        .ok()
        .filter(|u| u.host_str().is_some())
        .or_else(|| url::Url::parse(&format!("http://{raw}")).ok())?;
    Some(url.host_str()?.to_ascii_lowercase())
}

/// The public ones of `found`; an error naming the first refused address when none is left.
pub fn keep_public(
    host: &str,
    found: impl IntoIterator<Item = SocketAddr>,
) -> Result<Vec<SocketAddr>, NonPublicAddress> {
    let mut refused = None;
    let public: Vec<SocketAddr> = found
        .into_iter()
        .filter(|a| {
            let ok = is_public(a.ip());
            if !ok {
                refused.get_or_insert(a.ip());
            }
            ok
        })
        .collect();
    match refused {
        Some(address) if public.is_empty() => Err(NonPublicAddress {
            host: host.to_owned(),
            address,
        }),
        Some(address) => {
            tracing::info!(host, %address, "ignoring a non-public address of a tracker's host");
            Ok(public)
        }
        None => Ok(public),
    }
}

/// Whether `ip` is an address on the public internet: not loopback, private (RFC 1918, unique
/// local), link-local, shared (CGNAT), unspecified, multicast, broadcast, reserved or for
/// documentation and benchmarks, including those written inside IPv6 (mapped, compatible, 6to4
/// and NAT64 forms).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(a == 0 // "this network", unspecified
        || a == 10
        || a == 127
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
        || (a == 169 && b == 254) // link-local, cloud metadata services
        || (a == 172 && (16..32).contains(&b))
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 192 && b == 0 && c == 2) // TEST-NET-1
        || (a == 192 && b == 88 && c == 99) // 6to4 relay anycast
        || (a == 192 && b == 168)
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || (a == 198 && b == 51 && c == 100) // TEST-NET-2
        || (a == 203 && b == 0 && c == 113) // TEST-NET-3
        || a >= 224) // multicast, reserved, broadcast
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    let embedded = |hi: u16, lo: u16| Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    match s {
        // Unspecified, loopback and the deprecated IPv4-compatible form.
        [0, 0, 0, 0, 0, 0, hi, lo] => hi != 0 && is_public_v4(embedded(hi, lo)),
        // NAT64, well-known prefix: the IPv4 address it stands for decides.
        [0x64, 0xff9b, 0, 0, 0, 0, hi, lo] => is_public_v4(embedded(hi, lo)),
        // 6to4: the IPv4 address in bits 16–48 decides.
        [0x2002, hi, lo, ..] => is_public_v4(embedded(hi, lo)),
        _ => {
            let first = s[0];
            !((first & 0xfe00) == 0xfc00 // unique local fc00::/7
                || (first & 0xffc0) == 0xfe80 // link-local fe80::/10
                || (first & 0xffc0) == 0xfec0 // site-local fec0::/10 (deprecated)
                || (first & 0xff00) == 0xff00 // multicast
                || (first == 0x64 && s[1] == 0xff9b && s[2] == 1) // local-use NAT64 64:ff9b:1::/48
                || (first == 0x100 && s[1..4] == [0, 0, 0]) // discard-only 100::/64
                || (first == 0x2001 && s[1] == 0xdb8) // documentation 2001:db8::/32
                || (first == 0x2001 && s[1] == 0x2 && s[2] == 0) // benchmarking 2001:2::/48
                || (first == 0x3fff && s[1] < 0x1000)) // documentation 3fff::/20
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_are_public() {
        for public in [
            "93.184.216.34",
            "1.1.1.1",
            "100.63.255.255",
            "100.128.0.0",
            "172.15.255.255",
            "172.32.0.0",
            "192.0.1.1",
            "192.169.0.1",
            "198.20.0.1",
            "223.255.255.255",
            "2606:4700::1111",
            "2a00:1450:4001::200e",
            "::ffff:93.184.216.34",
            "64:ff9b::5db8:d822",
            "2002:5db8:d822::1",
            "2001:4860::8888",
        ] {
            assert!(is_public(public.parse().expect("address")), "{public}");
        }
        for private in [
            "0.0.0.0",
            "0.1.2.3",
            "127.0.0.1",
            "127.255.255.254",
            "10.0.0.1",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "100.64.0.1",
            "100.127.255.255",
            "169.254.169.254",
            "192.0.0.8",
            "192.0.2.1",
            "198.18.0.1",
            "198.51.100.7",
            "203.0.113.9",
            "224.0.0.1",
            "240.0.0.1",
            "255.255.255.255",
            "::",
            "::1",
            "::127.0.0.1",
            "::ffff:127.0.0.1",
            "::ffff:10.1.2.3",
            "::ffff:169.254.169.254",
            "64:ff9b::7f00:1",
            "64:ff9b:1::1",
            "2002:7f00:1::1",
            "2002:c0a8:101::1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "fec0::1",
            "ff02::1",
            "100::1",
            "2001:db8::1",
            "2001:2::1",
            "3fff::1",
        ] {
            assert!(!is_public(private.parse().expect("address")), "{private}");
        }
    }

    #[test]
    fn non_public_answers_are_dropped_and_an_all_private_answer_is_refused() {
        let a = |s: &str| SocketAddr::new(s.parse().expect("address"), 0);
        let kept = keep_public("mixed.example", [a("127.0.0.1"), a("93.184.216.34")])
            .expect("one public address");
        assert_eq!(kept, [a("93.184.216.34")]);
        let refused = keep_public("rebind.example", [a("10.0.0.1"), a("::1")])
            .expect_err("nothing public is left");
        assert_eq!(
            refused.to_string(),
            "host `rebind.example` resolves to `10.0.0.1`, which is not a public address"
        );
        assert!(keep_public("nothing.example", []).is_ok_and(|v| v.is_empty()));
    }

    #[tokio::test]
    async fn overrides_are_filtered_and_proxies_are_not() {
        let ip = |s: &str| -> IpAddr { s.parse().expect("address") };
        let mut resolver = PublicOnly::default()
            .with_override("Rebind.example", vec![ip("127.0.0.1")])
            .with_override("public.example", vec![ip("93.184.216.34")])
            .with_override("proxy.corp", vec![ip("10.0.0.3")]);
        Arc::make_mut(&mut resolver.proxies).insert("proxy.corp".to_owned());
        let err = resolver
            .lookup("rebind.example")
            .await
            .expect_err("loopback is refused");
        assert!(err.downcast_ref::<NonPublicAddress>().is_some(), "{err}");
        let public = resolver.lookup("public.example").await.expect("public");
        assert_eq!(public[0].ip(), ip("93.184.216.34"));
        let proxy = resolver.lookup("proxy.corp").await.expect("the proxy");
        assert_eq!(proxy[0].ip(), ip("10.0.0.3"));
    }

    #[test]
    fn proxy_settings_name_their_host() {
        for (raw, host) in [
            ("http://proxy.corp:3128", "proxy.corp"),
            ("proxy.corp:3128", "proxy.corp"),
            ("socks5h://user:pw@Socks.Corp:1080", "socks.corp"),
            ("10.0.0.3:3128", "10.0.0.3"),
        ] {
            assert_eq!(proxy_host(raw).as_deref(), Some(host), "{raw}");
        }
    }
}
