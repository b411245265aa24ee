//! Field checks: lengths, character sets, ranges and URLs.

use super::ShareError;

/// Longest value shown back in a message.
const SHOWN: usize = 40;

fn shown(value: &str) -> String {
    value.chars().take(SHOWN).collect()
}

/// `value` as an unknown-name error at `field`.
pub(super) fn unknown(field: &str, value: &str) -> ShareError {
    ShareError::Unknown {
        field: field.to_owned(),
        value: shown(value),
    }
}

/// Free text (a label, a mapping source, a CSS selector): at most `max` characters, no
/// control characters. Markup is allowed: it is data, shown as text, never parsed as HTML.
pub(super) fn text(field: &str, value: &str, max: usize) -> Result<(), ShareError> {
    let len = value.chars().count();
    if len > max {
        return Err(ShareError::TextTooLong {
            field: field.to_owned(),
            len,
            max,
        });
    }
    match value.chars().find(|c| c.is_control()) {
        Some(found) => Err(ShareError::BadCharacter {
            field: field.to_owned(),
            found,
        }),
        None => Ok(()),
    }
}

/// A name (a symbol, an event type): non-empty, at most `max` characters, each ASCII
/// alphanumeric or one of `extra`.
pub(super) fn name(field: &str, value: &str, max: usize, extra: &str) -> Result<(), ShareError> {
    text(field, value, max)?;
    if value.is_empty() {
        return Err(unknown(field, value));
    }
    match value
        .chars()
        .find(|&c| !(c.is_ascii_alphanumeric() || extra.contains(c)))
    {
        Some(found) => Err(ShareError::BadCharacter {
            field: field.to_owned(),
            found,
        }),
        None => Ok(()),
    }
}

/// `value` within `min..=max`.
pub(super) fn range(field: &str, value: i64, min: i64, max: i64) -> Result<(), ShareError> {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(ShareError::OutOfRange {
            field: field.to_owned(),
            value,
            min,
            max,
        })
    }
}

/// Longest URL a link may carry.
pub const MAX_URL: usize = 2048;

/// Query parameter names (lower case, `-` and `_` dropped) that carry secrets.
const SECRET_NAMES: [&str; 12] = [
    "apikey",
    "key",
    "token",
    "secret",
    "signature",
    "sig",
    "password",
    "passwd",
    "pwd",
    "auth",
    "accesstoken",
    "clientsecret",
];
/// Parts of names that carry secrets wherever they appear (`x_api_key`, `refresh_token`).
const SECRET_PARTS: [&str; 6] = [
    "apikey",
    "token",
    "secret",
    "password",
    "signature",
    "privatekey",
];

/// Whether a query parameter named `name` (percent-encoding undone) looks like a secret.
fn looks_secret(name: &str) -> bool {
    let plain: String = percent_decoded(name)
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | '.'))
        .flat_map(char::to_lowercase)
        .collect();
    SECRET_NAMES.contains(&plain.as_str()) || SECRET_PARTS.iter().any(|p| plain.contains(p))
}

/// `%XX` escapes undone (bytes that do not form UTF-8 are replaced); `+` is a space.
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The parts of a URL a feed link is checked by.
pub(super) struct Url {
    /// `host` or `host:port`, lower case.
    pub host: String,
}

/// Checks a feed URL: one of `schemes`, a host, no credentials, nothing but visible ASCII, no
/// query parameter named like a secret.
pub(super) fn url(
    field: &str,
    value: &str,
    schemes: &[&str],
    allowed: &'static str,
) -> Result<Url, ShareError> {
    let bad = |why| ShareError::BadUrl {
        field: field.to_owned(),
        why,
    };
    if value.chars().count() > MAX_URL {
        return Err(ShareError::TextTooLong {
            field: field.to_owned(),
            len: value.chars().count(),
            max: MAX_URL,
        });
    }
    if let Some(found) = value.chars().find(|c| !c.is_ascii_graphic()) {
        return Err(ShareError::BadCharacter {
            field: field.to_owned(),
            found,
        });
    }
    let (scheme, rest) = value.split_once(':').ok_or(bad("it has no scheme"))?;
    let scheme = scheme.to_ascii_lowercase();
    if !schemes.contains(&scheme.as_str()) {
        return Err(ShareError::Scheme {
            field: field.to_owned(),
            scheme: shown(&scheme),
            allowed,
        });
    }
    let rest = rest.strip_prefix("//").ok_or(bad("it has no host"))?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    if authority.contains('@') {
        return Err(ShareError::Credentials {
            field: field.to_owned(),
        });
    }
    let host_ok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']');
    if authority.is_empty() || authority.starts_with(':') || !authority.chars().all(host_ok) {
        return Err(bad("its host is not a host name"));
    }
    let after = &rest[end..];
    let query = after
        .split_once('?')
        .map_or("", |(_, q)| q.split('#').next().unwrap_or(""));
    for pair in query.split(['&', ';']) {
        let name = pair.split('=').next().unwrap_or("");
        if !name.is_empty() && looks_secret(name) {
            return Err(ShareError::SecretParameter {
                field: field.to_owned(),
                name: shown(&percent_decoded(name)),
            });
        }
    }
    Ok(Url {
        host: authority.to_ascii_lowercase(),
    })
}
