//! API keys bound to an exact origin. A key is entered by the visitor for one feed and kept in
//! this browser only; it is sent, as one request header, only with requests to the origin it
//! was bound to (scheme, host and port, compared exactly), and never goes into a feed's saved
//! spec or a shared link. A feed that a shared link adds has no binding until the visitor
//! makes one, even when its host is one a key is bound to for another feed.

/// Longest key value kept.
pub const MAX_VALUE: usize = 4096;
/// Longest header name.
pub const MAX_HEADER: usize = 64;

/// Header names a page may not set, or that would change more than authentication.
const FORBIDDEN: [&str; 12] = [
    "cookie",
    "host",
    "origin",
    "referer",
    "content-length",
    "connection",
    "transfer-encoding",
    "upgrade",
    "te",
    "keep-alive",
    "expect",
    "accept-encoding",
];

/// Why a key binding was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The URL's origin could not be read.
    #[error("the feed's address has no origin a key can be bound to: {0}")]
    Origin(&'static str),
    /// The header name is empty, too long, not a token, or one a page may not set.
    #[error("{0:?} cannot carry a key (use a header such as Authorization or X-Api-Key)")]
    Header(String),
    /// The value is empty, too long, or holds characters a header cannot.
    #[error("the key must be 1 to {MAX_VALUE} visible characters, without line breaks")]
    Value,
}

/// The origin of an http(s) URL as `scheme://host[:port]`, lower case, the default port left
/// out: what a browser compares for same-origin.
pub fn origin_of(url: &str) -> Result<String, KeyError> {
    let (scheme, rest) = url.split_once("://").ok_or(KeyError::Origin("no scheme"))?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "https" => "443",
        "http" => "80",
        _ => return Err(KeyError::Origin("keys are sent over http or https only")),
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = rest[..end].to_ascii_lowercase();
    if authority.is_empty() || authority.contains('@') {
        return Err(KeyError::Origin("no host, or a user name in it"));
    }
    let host_ok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']');
    if !authority.chars().all(host_ok) {
        return Err(KeyError::Origin("its host is not a host name"));
    }
    let authority = match authority.rsplit_once(':') {
        Some((host, port)) if port == default_port => host.to_owned(),
        _ => authority,
    };
    Ok(format!("{scheme}://{authority}"))
}

/// A key bound to one origin, sent as one header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyBinding {
    origin: String,
    header: String,
    value: String,
}

impl KeyBinding {
    /// Binds `value`, sent as header `header`, to the origin of `url`.
    pub fn new(url: &str, header: &str, value: &str) -> Result<KeyBinding, KeyError> {
        let origin = origin_of(url)?;
        let header = header.trim();
        let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
        let lower = header.to_ascii_lowercase();
        if header.is_empty()
            || header.len() > MAX_HEADER
            || !header.chars().all(token)
            || FORBIDDEN.contains(&lower.as_str())
            || lower.starts_with("sec-")
            || lower.starts_with("proxy-")
        {
            return Err(KeyError::Header(header.chars().take(MAX_HEADER).collect()));
        }
        if value.is_empty()
            || value.len() > MAX_VALUE
            || !value.chars().all(|c| c.is_ascii_graphic() || c == ' ')
        {
            return Err(KeyError::Value);
        }
        Ok(KeyBinding {
            origin,
            header: header.to_owned(),
            value: value.to_owned(),
        })
    }

    /// The origin the key is bound to.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The header name.
    pub fn header(&self) -> &str {
        &self.header
    }

    /// The header to send with a request to `url`: only when its origin is exactly the bound
    /// one (a redirect or an edited address to any other origin gets nothing).
    pub fn header_for(&self, url: &str) -> Option<(&str, &str)> {
        (origin_of(url).ok()? == self.origin).then_some((&self.header, &self.value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_compare_as_a_browser_does() {
        assert_eq!(
            origin_of("https://API.Shop.example/orders?x=1").unwrap(),
            "https://api.shop.example"
        );
        assert_eq!(
            origin_of("https://shop.example:443/a").unwrap(),
            "https://shop.example"
        );
        assert_eq!(
            origin_of("http://127.0.0.1:8080/a").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(origin_of("http://[::1]:80/").unwrap(), "http://[::1]");
        assert!(origin_of("wss://x.example").is_err());
        assert!(origin_of("https://me:pw@x.example").is_err());
        assert!(origin_of("javascript:alert(1)").is_err());
    }

    #[test]
    fn a_key_goes_only_to_its_exact_origin() {
        let k =
            KeyBinding::new("https://api.shop.example/v1/orders", "X-Api-Key", "s3cr3t").unwrap();
        assert_eq!(
            k.header_for("https://api.shop.example/v2/other?page=2"),
            Some(("X-Api-Key", "s3cr3t"))
        );
        for other in [
            "http://api.shop.example/v1/orders",      // another scheme
            "https://api.shop.example:8443/v1",       // another port
            "https://shop.example/v1/orders",         // the parent domain
            "https://api.shop.example.evil.example/", // a suffix
            "https://evil.example/?u=https://api.shop.example",
        ] {
            assert_eq!(k.header_for(other), None, "{other}");
        }
    }

    #[test]
    fn headers_and_values_that_could_do_harm_are_refused() {
        let url = "https://api.shop.example/";
        for bad in [
            "",
            "Cookie",
            "host",
            "Sec-Fetch-Mode",
            "Proxy-Authorization",
            "X Api",
            "X-Key\r\nEvil",
        ] {
            assert!(
                matches!(KeyBinding::new(url, bad, "v"), Err(KeyError::Header(_))),
                "{bad:?}"
            );
        }
        for bad in ["", "a\r\nX-Evil: 1", "é", &"x".repeat(MAX_VALUE + 1)] {
            assert_eq!(
                KeyBinding::new(url, "Authorization", bad),
                Err(KeyError::Value),
                "{bad:?}"
            );
        }
        assert!(KeyBinding::new(url, "Authorization", "Bearer abc.def").is_ok());
    }
}
