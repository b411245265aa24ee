//! A small, bounded HTTP/1.1 layer: request heads parsed with `httparse`, bodies only with
//! `Content-Length`, responses written whole. Enough for REST polling, SSE and the control API.

use std::io;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Largest request head accepted.
pub const MAX_HEAD: usize = 16 * 1024;
/// Largest request body accepted.
pub const MAX_BODY: usize = 64 * 1024;
const MAX_HEADERS: usize = 64;

/// A parsed request.
#[derive(Debug, Clone)]
pub struct Request {
    /// Method, e.g. `GET`.
    pub method: String,
    /// Path without the query, percent-decoded.
    pub path: String,
    /// Query parameters in order, percent-decoded.
    pub query: Vec<(String, String)>,
    /// Headers in order; names as sent.
    pub headers: Vec<(String, String)>,
    /// Body (at most [`MAX_BODY`] bytes).
    pub body: Vec<u8>,
    /// Whether the client allows the connection to be reused.
    pub keep_alive: bool,
}

impl Request {
    /// The first header of that name, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The first query parameter of that name.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A query parameter parsed as a number; `Err` names the parameter when it does not parse.
    pub fn num<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, String> {
        match self.param(name) {
            None | Some("") => Ok(None),
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|_| format!("parameter '{name}' is not a valid number: {v}")),
        }
    }

    /// Whether this is a WebSocket upgrade request.
    pub fn is_websocket(&self) -> bool {
        self.header("upgrade")
            .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
    }
}

/// Why no request could be read.
#[derive(Debug)]
#[non_exhaustive]
pub enum ReadError {
    /// The peer closed the connection between requests.
    Closed,
    /// The peer sent nothing complete in time.
    Timeout,
    /// The head or body exceeded the limits.
    TooLarge,
    /// The request did not parse; the text says where.
    Bad(String),
    /// The socket failed.
    Io(io::Error),
}

/// Reads one request. `buf` carries bytes read past the previous request and keeps bytes
/// read past this one (a WebSocket client may send its first frame right behind the head).
pub async fn read_request(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    wait: Duration,
) -> Result<Request, ReadError> {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        if let Some(req) = try_parse(buf)? {
            return Ok(req);
        }
        if buf.len() > MAX_HEAD + MAX_BODY {
            return Err(ReadError::TooLarge);
        }
        let mut chunk = [0u8; 4096];
        let n = tokio::time::timeout_at(deadline, stream.read(&mut chunk))
            .await
            .map_err(|_| ReadError::Timeout)?
            .map_err(ReadError::Io)?;
        if n == 0 {
            return Err(if buf.is_empty() {
                ReadError::Closed
            } else {
                ReadError::Bad("connection closed mid-request".into())
            });
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

fn try_parse(buf: &mut Vec<u8>) -> Result<Option<Request>, ReadError> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Request::new(&mut headers);
    let head_len = match parsed.parse(buf) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) if buf.len() > MAX_HEAD => return Err(ReadError::TooLarge),
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(httparse::Error::TooManyHeaders) => return Err(ReadError::TooLarge),
        Err(e) => return Err(ReadError::Bad(e.to_string())),
    };
    let method = parsed.method.unwrap_or("GET").to_string();
    let target = parsed.path.unwrap_or("/");
    let version = parsed.version.unwrap_or(1);
    let headers: Vec<(String, String)> = parsed
        .headers
        .iter()
        .map(|h| {
            (
                h.name.to_string(),
                String::from_utf8_lossy(h.value).trim().to_string(),
            )
        })
        .collect();
    let find = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    if find("transfer-encoding").is_some() {
        return Err(ReadError::Bad(
            "chunked request bodies are not supported".into(),
        ));
    }
    let body_len: usize = match find("content-length") {
        None => 0,
        Some(v) => v
            .parse()
            .map_err(|_| ReadError::Bad(format!("bad Content-Length: {v}")))?,
    };
    if body_len > MAX_BODY {
        return Err(ReadError::TooLarge);
    }
    if buf.len() < head_len + body_len {
        return Ok(None);
    }
    let connection = find("connection").unwrap_or("").to_ascii_lowercase();
    let keep_alive = if version == 0 {
        connection.contains("keep-alive")
    } else {
        !connection.contains("close")
    };
    let body = buf[head_len..head_len + body_len].to_vec();
    let (path, query) = split_target(target);
    buf.drain(..head_len + body_len);
    Ok(Some(Request {
        method,
        path,
        query,
        headers,
        body,
        keep_alive,
    }))
}

/// Splits `/a/b?x=1&y=2` into the decoded path and decoded parameters.
pub fn split_target(target: &str) -> (String, Vec<(String, String)>) {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let params = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect();
    (percent_decode(path), params)
}

/// Decodes `%XX` escapes and `+` (as a space in query strings and paths alike: no venue
/// symbol contains a plus).
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A whole response.
#[derive(Debug, Clone)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Extra headers (CORS and `Content-Length` are added when written).
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
}

impl Response {
    /// A JSON response from already-encoded text.
    pub fn json_text(status: u16, body: String) -> Response {
        Response {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.into_bytes(),
        }
    }

    /// A JSON response.
    pub fn json(status: u16, value: &serde_json::Value) -> Response {
        Response::json_text(status, value.to_string())
    }

    /// A response with a body of the given media type.
    pub fn typed(status: u16, content_type: &str, body: String) -> Response {
        Response {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into_bytes(),
        }
    }

    /// A response without a body.
    pub fn empty(status: u16) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Response {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The first header of that name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Headers every response carries when CORS is on.
pub const CORS_HEADERS: [(&str, &str); 4] = [
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
    (
        "Access-Control-Allow-Headers",
        "Content-Type, If-None-Match, Last-Event-ID, Cache-Control, Authorization, X-Api-Key",
    ),
    (
        "Access-Control-Expose-Headers",
        "CB-BEFORE, CB-AFTER, ETag, Retry-After",
    ),
];

/// The reason phrase of a status code.
pub fn reason(status: u16) -> &'static str {
    match status {
        101 => "Switching Protocols",
        200 => "OK",
        204 => "No Content",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Payload Too Large",
        418 => "I'm a teapot",
        426 => "Upgrade Required",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

/// Writes a response head (with CORS headers when `cors`), for whole or streamed bodies.
pub fn head(status: u16, headers: &[(String, String)], cors: bool, extra: &str) -> String {
    let mut s = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (k, v) in headers {
        s.push_str(&format!("{k}: {v}\r\n"));
    }
    if cors {
        for (k, v) in CORS_HEADERS {
            s.push_str(&format!("{k}: {v}\r\n"));
        }
    }
    s.push_str(extra);
    s.push_str("\r\n");
    s
}

/// Writes a whole response. `head_only` leaves out the body (HEAD requests).
pub async fn write_response(
    stream: &mut TcpStream,
    resp: &Response,
    cors: bool,
    keep_alive: bool,
    head_only: bool,
) -> io::Result<()> {
    let extra = format!(
        "Content-Length: {}\r\nConnection: {}\r\n",
        resp.body.len(),
        if keep_alive { "keep-alive" } else { "close" }
    );
    let mut out = head(resp.status, &resp.headers, cors, &extra).into_bytes();
    if !head_only && resp.status != 304 && resp.status != 204 {
        out.extend_from_slice(&resp.body);
    }
    tokio::time::timeout(Duration::from_secs(10), stream.write_all(&out))
        .await
        .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "write timed out"))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_head_query_and_body() {
        let mut buf = b"POST /control/gap?venue=binance&symbol=BTC%2FUSD HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhiGET".to_vec();
        let req = try_parse(&mut buf).unwrap().unwrap();
        assert_eq!(req.method, "POST");
        assert_eq!(req.path, "/control/gap");
        assert_eq!(req.param("symbol"), Some("BTC/USD"));
        assert_eq!(req.body, b"hi");
        assert!(req.keep_alive);
        assert_eq!(buf, b"GET");
    }

    #[test]
    fn partial_head_waits_and_huge_head_fails() {
        let mut buf = b"GET / HTTP/1.1\r\nHost".to_vec();
        assert!(try_parse(&mut buf).unwrap().is_none());
        let mut big = b"GET / HTTP/1.1\r\nX: ".to_vec();
        big.resize(MAX_HEAD + 10, b'a');
        assert!(matches!(try_parse(&mut big), Err(ReadError::TooLarge)));
    }

    #[test]
    fn percent_decoding_keeps_bad_escapes() {
        assert_eq!(percent_decode("a%2Fb%zz%"), "a/b%zz%");
    }
}
