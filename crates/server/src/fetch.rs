//! Fetching a layer from a URL for the web UI ("open from URL"), without server-side request
//! forgery: http(s) only, every address the name resolves to is checked (loopback, private,
//! link-local, shared, multicast, unspecified and documentation ranges are refused unless the
//! server allows private addresses), the connection goes only to checked addresses (so a DNS
//! answer cannot change between check and connect), redirects are checked the same way, no
//! proxy, a size limit and a deadline.

use std::fmt::Debug;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

/// What a fetch may do.
#[derive(Debug, Clone, Copy)]
pub struct FetchPolicy {
    /// Allow loopback, private and link-local addresses (`serve --allow-private-urls`).
    pub allow_private: bool,
    /// Largest body, in bytes.
    pub max_bytes: u64,
    /// Longest the whole fetch may take.
    pub timeout: Duration,
}

impl Default for FetchPolicy {
    fn default() -> FetchPolicy {
        FetchPolicy {
            allow_private: false,
            max_bytes: 16 * 1024 * 1024,
            timeout: Duration::from_secs(15),
        }
    }
}

/// Why a fetch was refused or failed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FetchError {
    /// Not an http(s) URL.
    #[error("only http and https URLs can be opened, not {0:?}")]
    Scheme(String),
    /// The URL does not parse.
    #[error("{0:?} is not a URL")]
    BadUrl(String),
    /// Every address of the host is refused.
    #[error("{host} resolves to {addr}, a {kind} address; the server does not fetch from such addresses (start it with --allow-private-urls to allow them)")]
    Address {
        /// Host name.
        host: String,
        /// The refused address.
        addr: IpAddr,
        /// Which range it is in.
        kind: &'static str,
    },
    /// The body is larger than allowed.
    #[error("the layer at the URL is larger than {0} bytes")]
    TooLarge(u64),
    /// The deadline passed.
    #[error("the URL did not answer within {0} s")]
    Timeout(u64),
    /// The host resolved only to refused addresses (the [`FetchError::Address`] found by the
    /// resolver, as text).
    #[error("{0}")]
    Refused(String),
    /// Any other failure (DNS, connection, TLS, HTTP status).
    #[error("fetching the URL failed: {0}")]
    Other(String),
}

/// The range an address is refused for, or `None` when it is a public address.
pub fn refused_range(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => refused_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return refused_v4(v4);
            }
            let seg = v6.segments();
            if v6.is_loopback() {
                Some("loopback")
            } else if v6.is_unspecified() {
                Some("unspecified")
            } else if v6.is_multicast() {
                Some("multicast")
            } else if seg[0] & 0xffc0 == 0xfe80 {
                Some("link-local")
            } else if seg[0] & 0xfe00 == 0xfc00 {
                Some("private (unique local)")
            } else if seg[0] == 0x2001 && seg[1] == 0x0db8 {
                Some("documentation")
            } else if seg[0] == 0x0064 && seg[1] == 0xff9b {
                // NAT64: the embedded IPv4 address decides.
                let v4 = Ipv4Addr::new(
                    (seg[6] >> 8) as u8,
                    seg[6] as u8,
                    (seg[7] >> 8) as u8,
                    seg[7] as u8,
                );
                refused_v4(v4)
            } else {
                None
            }
        }
    }
}

fn refused_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let o = ip.octets();
    if ip.is_loopback() {
        Some("loopback")
    } else if ip.is_private() {
        Some("private")
    } else if ip.is_link_local() {
        Some("link-local")
    } else if ip.is_unspecified() || o[0] == 0 {
        Some("unspecified")
    } else if ip.is_broadcast() {
        Some("broadcast")
    } else if ip.is_multicast() || o[0] >= 240 {
        Some("multicast or reserved")
    } else if o[0] == 100 && (o[1] & 0xc0) == 64 {
        Some("shared (carrier-grade NAT)")
    } else if ip.is_documentation() || (o[0] == 198 && (o[1] & 0xfe) == 18) {
        Some("documentation or benchmarking")
    } else if o[0] == 192 && o[1] == 0 && o[2] == 0 {
        Some("IETF protocol assignment")
    } else {
        None
    }
}

/// Keeps the addresses a fetch may connect to; refuses when none is left.
pub fn vet(
    host: &str,
    addrs: impl IntoIterator<Item = SocketAddr>,
    allow_private: bool,
) -> Result<Vec<SocketAddr>, FetchError> {
    let mut ok = Vec::new();
    let mut first_refused = None;
    for a in addrs {
        match refused_range(a.ip()) {
            Some(kind) if !allow_private => {
                first_refused.get_or_insert((a.ip(), kind));
            }
            _ => ok.push(a),
        }
    }
    if ok.is_empty() {
        if let Some((addr, kind)) = first_refused {
            return Err(FetchError::Address {
                host: host.to_string(),
                addr,
                kind,
            });
        }
        return Err(FetchError::Other(format!("{host} has no address")));
    }
    Ok(ok)
}

/// Checks that a URL is http(s) and returns it trimmed.
pub fn check_url(url: &str) -> Result<String, FetchError> {
    let u = url.trim();
    let (scheme, rest) = u.split_once("://").ok_or_else(|| match u.split_once(':') {
        Some((s, _)) if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric()) => {
            FetchError::Scheme(s.to_ascii_lowercase())
        }
        _ => FetchError::BadUrl(u.to_string()),
    })?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Err(FetchError::Scheme(scheme));
    }
    if rest.is_empty() || rest.starts_with('/') || u.len() > 4096 {
        return Err(FetchError::BadUrl(u.to_string()));
    }
    Ok(u.to_string())
}

/// The resolver of the fetch agent: the system's answer, vetted.
#[derive(Debug)]
struct VettingResolver {
    inner: DefaultResolver,
    allow_private: bool,
}

impl Resolver for VettingResolver {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let all = self.inner.resolve(uri, config, timeout)?;
        let host = uri.host().unwrap_or("");
        let kept = vet(host, all.iter().copied(), self.allow_private)
            .map_err(|e| ureq::Error::Io(std::io::Error::other(e.to_string())))?;
        let mut out = self.empty();
        out.truncate(0);
        for a in kept {
            if out.try_push(a).is_err() {
                break;
            }
        }
        Ok(out)
    }
}

/// Fetches `url` under `policy` (blocking: run it off the async threads).
pub fn fetch(url: &str, policy: FetchPolicy) -> Result<Vec<u8>, FetchError> {
    let url = check_url(url)?;
    let config = ureq::Agent::config_builder()
        .timeout_global(Some(policy.timeout))
        .proxy(None)
        .max_redirects(5)
        .https_only(false)
        .http_status_as_error(true)
        .user_agent("navlayer")
        .build();
    let agent = ureq::Agent::with_parts(
        config,
        ureq::unversioned::transport::DefaultConnector::default(),
        VettingResolver {
            inner: DefaultResolver::default(),
            allow_private: policy.allow_private,
        },
    );
    let resp = agent.get(&url).call().map_err(|e| classify(e, policy))?;
    resp.into_body()
        .with_config()
        .limit(policy.max_bytes)
        .read_to_vec()
        .map_err(|e| classify(e, policy))
}

fn classify(e: ureq::Error, policy: FetchPolicy) -> FetchError {
    let text = e.to_string();
    match e {
        ureq::Error::Timeout(_) => FetchError::Timeout(policy.timeout.as_secs()),
        ureq::Error::BodyExceedsLimit(_) => FetchError::TooLarge(policy.max_bytes),
        _ if text.contains("does not fetch from such addresses") => {
            FetchError::Refused(text.trim_start_matches("io: ").to_string())
        }
        _ => FetchError::Other(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sock(ip: &str) -> SocketAddr {
        SocketAddr::new(ip.parse().unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)), 80)
    }

    #[test]
    fn refuses_loopback_private_link_local_and_reserved_literals() {
        for (ip, kind) in [
            ("127.0.0.1", "loopback"),
            ("127.255.0.9", "loopback"),
            ("::1", "loopback"),
            ("10.0.0.1", "private"),
            ("10.255.255.255", "private"),
            ("172.16.0.1", "private"),
            ("172.31.255.1", "private"),
            ("192.168.1.1", "private"),
            ("169.254.169.254", "link-local"),
            ("169.254.0.1", "link-local"),
            ("fe80::1", "link-local"),
            ("fd00::1", "private (unique local)"),
            ("0.0.0.0", "unspecified"),
            ("::", "unspecified"),
            ("100.64.0.1", "shared (carrier-grade NAT)"),
            ("224.0.0.1", "multicast or reserved"),
            ("255.255.255.255", "broadcast"),
            ("::ffff:127.0.0.1", "loopback"),
            ("::ffff:10.1.2.3", "private"),
            ("::ffff:169.254.169.254", "link-local"),
            ("64:ff9b::a9fe:a9fe", "link-local"),
        ] {
            let addr: IpAddr = ip.parse().unwrap_or(IpAddr::V4(Ipv4Addr::BROADCAST));
            assert_eq!(refused_range(addr), Some(kind), "{ip}");
        }
        for ip in [
            "93.184.215.14",
            "8.8.8.8",
            "172.32.0.1",
            "2606:4700::1111",
            "100.128.0.1",
        ] {
            let addr: IpAddr = ip.parse().unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
            assert_eq!(refused_range(addr), None, "{ip}");
        }
    }

    #[test]
    fn vets_every_resolved_address() {
        // A name resolving to a public and a private address keeps only the public one.
        let kept = vet(
            "mixed.example",
            [sock("10.0.0.7"), sock("93.184.215.14")],
            false,
        );
        assert_eq!(kept, Ok(vec![sock("93.184.215.14")]));
        // A name resolving only to internal addresses is refused, naming the first.
        let err = vet(
            "metadata.example",
            [sock("169.254.169.254"), sock("10.1.1.1")],
            false,
        );
        assert_eq!(
            err,
            Err(FetchError::Address {
                host: "metadata.example".into(),
                addr: "169.254.169.254"
                    .parse()
                    .unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST)),
                kind: "link-local",
            })
        );
        // Allowed when the server is started with --allow-private-urls.
        assert_eq!(
            vet("localhost", [sock("127.0.0.1")], true),
            Ok(vec![sock("127.0.0.1")])
        );
        assert!(vet("nothing.example", [], false).is_err());
    }

    #[test]
    fn resolved_names_are_vetted_by_the_resolver() {
        // `localhost` resolves (without any traffic) to loopback: refused by default.
        let r = VettingResolver {
            inner: DefaultResolver::default(),
            allow_private: false,
        };
        let uri: ureq::http::Uri = "http://localhost:9/x".parse().unwrap_or_default();
        let config = ureq::config::Config::default();
        let timeout = NextTimeout {
            after: ureq::unversioned::transport::time::Duration::from_secs(5),
            reason: ureq::Timeout::Resolve,
            ..NextTimeout::default()
        };
        let err = r
            .resolve(&uri, &config, timeout)
            .err()
            .map(|e| e.to_string());
        assert!(
            err.is_some_and(|e| e.contains("loopback")),
            "localhost was not refused"
        );
        let open = VettingResolver {
            inner: DefaultResolver::default(),
            allow_private: true,
        };
        assert!(open.resolve(&uri, &config, timeout).is_ok());
    }

    #[test]
    fn only_http_and_https() {
        assert_eq!(
            check_url("file:///etc/passwd"),
            Err(FetchError::Scheme("file".into()))
        );
        assert_eq!(
            check_url("ftp://x/y"),
            Err(FetchError::Scheme("ftp".into()))
        );
        assert_eq!(
            check_url("javascript:alert(1)"),
            Err(FetchError::Scheme("javascript".into()))
        );
        assert!(check_url("gopher://x").is_err());
        assert!(check_url("not a url").is_err());
        assert!(check_url("http://").is_err());
        assert_eq!(
            check_url(" https://example.com/layer.json "),
            Ok("https://example.com/layer.json".into())
        );
    }
}
