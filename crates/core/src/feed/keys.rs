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

/// Most keys kept in one browser: one per feed, and no page has hundreds of keyed feeds.
pub const MAX_BINDINGS: usize = 100;

/// A key bound to one origin, sent as one header. Its stored form (serde) is checked again
/// when read, as if typed anew; `Debug` leaves the value out, so a log never shows it.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "StoredBinding")]
pub struct KeyBinding {
    origin: String,
    header: String,
    value: String,
}

impl std::fmt::Debug for KeyBinding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyBinding")
            .field("origin", &self.origin)
            .field("header", &self.header)
            .field("value", &"<hidden>")
            .finish()
    }
}

/// A binding as stored, before it is checked.
#[derive(serde::Deserialize)]
struct StoredBinding {
    origin: String,
    header: String,
    value: String,
}

impl TryFrom<StoredBinding> for KeyBinding {
    type Error = KeyError;

    fn try_from(s: StoredBinding) -> Result<KeyBinding, KeyError> {
        let k = KeyBinding::new(&s.origin, &s.header, &s.value)?;
        // A stored origin is already in the browser's form; anything else (a path, another
        // case) was not written by this code.
        if k.origin != s.origin {
            return Err(KeyError::Origin("the stored origin is not one"));
        }
        Ok(k)
    }
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

    /// The value, for the one place that sends it.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The header to send with a request to `url`: only when its origin is exactly the bound
    /// one (a redirect or an edited address to any other origin gets nothing).
    pub fn header_for(&self, url: &str) -> Option<(&str, &str)> {
        (origin_of(url).ok()? == self.origin).then_some((&self.header, &self.value))
    }
}

/// The bindings kept in one browser, by feed key.
pub type Bindings = std::collections::BTreeMap<String, KeyBinding>;

/// What reading stored bindings found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LoadedBindings {
    /// The valid bindings.
    pub bindings: Bindings,
    /// Why some or all stored bindings were not used, for the user (never a key's value).
    pub problem: Option<String>,
}

/// Parses stored bindings (a JSON object of feed key to binding): every valid one, and what
/// was wrong with the rest. Nothing here panics on any input.
pub fn parse_bindings(text: &str) -> LoadedBindings {
    let items: std::collections::BTreeMap<String, serde_json::Value> =
        match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => {
                return LoadedBindings {
                    bindings: Bindings::new(),
                    // serde's words may quote the text, and so a key: only where it broke.
                    problem: Some(format!(
                        "The API keys kept in this browser could not be read (damaged at line \
                         {} column {}); none is sent.",
                        e.line(),
                        e.column()
                    )),
                };
            }
        };
    let mut bindings = Bindings::new();
    let mut bad = Vec::new();
    for (feed, item) in items {
        if bindings.len() == MAX_BINDINGS {
            bad.push(format!("more than {MAX_BINDINGS} keys"));
            break;
        }
        // Errors are told in this module's words: serde's may quote the value.
        match serde_json::from_value::<StoredBinding>(item) {
            Err(_) => bad.push(format!("the key for {feed}: not a stored key")),
            Ok(stored) => match KeyBinding::try_from(stored) {
                Ok(k) => {
                    bindings.insert(feed, k);
                }
                Err(e) => bad.push(format!("the key for {feed}: {e}")),
            },
        }
    }
    LoadedBindings {
        bindings,
        problem: (!bad.is_empty()).then(|| {
            format!(
                "Some API keys kept in this browser were ignored: {}.",
                bad.join("; ")
            )
        }),
    }
}

/// The stored form of `bindings`.
pub fn encode_bindings(bindings: &Bindings) -> String {
    // A map of strings to plain structs of strings always serialises.
    serde_json::to_string(bindings).unwrap_or_else(|_| "{}".into())
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

    #[test]
    fn stored_bindings_round_trip_and_are_checked_again_when_read() {
        let mut all = Bindings::new();
        let k =
            KeyBinding::new("http://127.0.0.1:8080/orders.json", "X-Api-Key", "s3cr3t").unwrap();
        all.insert("http://127.0.0.1:8080/orders.json".into(), k.clone());
        let text = encode_bindings(&all);
        assert_eq!(
            parse_bindings(&text),
            LoadedBindings {
                bindings: all,
                problem: None
            }
        );

        // Edited by hand or by another program: each bad entry is dropped and said, the rest
        // kept; no message quotes a value.
        let tampered = r#"{
            "a": {"origin": "http://127.0.0.1:8080", "header": "X-Api-Key", "value": "good"},
            "b": {"origin": "http://127.0.0.1:8080/path", "header": "X-Api-Key", "value": "pathsecret"},
            "c": {"origin": "http://127.0.0.1:8080", "header": "Cookie", "value": "cookiesecret"},
            "d": {"origin": "http://127.0.0.1:8080", "header": "X-Api-Key", "value": "line\r\nsecret"},
            "e": "stringsecret",
            "f": {"origin": 5}
        }"#;
        let loaded = parse_bindings(tampered);
        assert_eq!(loaded.bindings.keys().collect::<Vec<_>>(), ["a"]);
        let problem = loaded.problem.unwrap();
        for feed in ["b", "c", "d", "e", "f"] {
            assert!(
                problem.contains(&format!("the key for {feed}:")),
                "{problem}"
            );
        }
        for secret in ["pathsecret", "cookiesecret", "secret\"", "stringsecret"] {
            assert!(!problem.contains(secret), "{problem}");
        }

        for damaged in ["", "[1]", "\"topsecret\"", "{\"a\": "] {
            let loaded = parse_bindings(damaged);
            assert!(loaded.bindings.is_empty());
            let problem = loaded.problem.unwrap();
            assert!(
                problem.contains("none is sent") && !problem.contains("topsecret"),
                "{problem}"
            );
        }
    }

    #[test]
    fn a_key_never_shows_in_debug_output() {
        let k = KeyBinding::new("https://x.example/", "Authorization", "Bearer hunter2").unwrap();
        let shown = format!("{k:?} {:?}", Some(&k));
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("https://x.example") && shown.contains("Authorization"));
    }

    #[test]
    fn at_most_max_bindings_are_read() {
        let mut all = Bindings::new();
        for i in 0..=MAX_BINDINGS {
            let url = format!("https://h{i}.example/feed");
            all.insert(
                url.clone(),
                KeyBinding::new(&url, "X-Api-Key", "k").unwrap(),
            );
        }
        let loaded = parse_bindings(&encode_bindings(&all));
        assert_eq!(loaded.bindings.len(), MAX_BINDINGS);
        assert!(loaded.problem.unwrap().contains("more than"));
    }
}
