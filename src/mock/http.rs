//! A minimal HTTP/1.1 server side for the mock: read a request, write a response, keep the
//! connection alive.
//!
//! Stage: test aid. Enough of HTTP/1.1 for keyhound's client (request line, headers,
//! `Content-Length` bodies, keep-alive); not a general server.

use std::io::{self, Read, Write};
use std::net::TcpStream;

/// A request as the mock sees it. Header names are lowercase.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    /// The raw query, without `?`.
    pub query: String,
    pub headers: Vec<(String, String)>,
}

impl Request {
    /// The first value of header `name` (lowercase).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first value of query parameter `name`, percent-decoded.
    pub fn param(&self, name: &str) -> Option<String> {
        self.query
            .split('&')
            .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| decode(v))
    }
}

/// A response to write.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn json(status: u16, body: &serde_json::Value) -> Response {
        Response {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Response {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }
}

/// Reads requests from one connection; keeps bytes read past a request for the next one.
pub struct Connection {
    stream: TcpStream,
    buf: Vec<u8>,
}

/// The most a request head may hold.
const MAX_HEAD: usize = 64 << 10;

impl Connection {
    pub fn new(stream: TcpStream) -> Connection {
        Connection {
            stream,
            buf: Vec::new(),
        }
    }

    /// The next request; `Ok(None)` at end of stream or when `stop()` turns true while idle.
    pub fn next(&mut self, stop: &dyn Fn() -> bool) -> io::Result<Option<Request>> {
        loop {
            if let Some(end) = find(&self.buf, b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&self.buf[..end]).into_owned();
                self.buf.drain(..end + 4);
                let request = parse_head(&head)?;
                let length: usize = request
                    .header("content-length")
                    .and_then(|v| v.trim().parse().ok())
                    .unwrap_or(0);
                self.skip_body(length, stop)?;
                return Ok(Some(request));
            }
            if self.buf.len() > MAX_HEAD {
                return Err(io::Error::new(io::ErrorKind::InvalidData, "head too large"));
            }
            if !self.fill(stop)? {
                return Ok(None);
            }
        }
    }

    fn skip_body(&mut self, mut length: usize, stop: &dyn Fn() -> bool) -> io::Result<()> {
        while length > 0 {
            if self.buf.is_empty() && !self.fill(stop)? {
                return Ok(());
            }
            let n = length.min(self.buf.len());
            self.buf.drain(..n);
            length -= n;
        }
        Ok(())
    }

    /// Reads more bytes; false at end of stream or on stop.
    fn fill(&mut self, stop: &dyn Fn() -> bool) -> io::Result<bool> {
        let mut chunk = [0u8; 16 << 10];
        loop {
            match self.stream.read(&mut chunk) {
                Ok(0) => return Ok(false),
                Ok(n) => {
                    self.buf.extend_from_slice(&chunk[..n]);
                    return Ok(true);
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    if stop() {
                        return Ok(false);
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Writes `response`; `close` adds `Connection: close`.
    pub fn write(&mut self, response: &Response, close: bool) -> io::Result<()> {
        let mut out = format!(
            "HTTP/1.1 {} {}\r\n",
            response.status,
            reason(response.status)
        );
        for (name, value) in &response.headers {
            out.push_str(&format!("{name}: {value}\r\n"));
        }
        out.push_str(&format!("Content-Length: {}\r\n", response.body.len()));
        if close {
            out.push_str("Connection: close\r\n");
        }
        out.push_str("\r\n");
        let mut bytes = out.into_bytes();
        bytes.extend_from_slice(&response.body);
        self.stream.write_all(&bytes)?;
        self.stream.flush()
    }
}

fn parse_head(head: &str) -> io::Result<Request> {
    let bad = || io::Error::new(io::ErrorKind::InvalidData, "bad request head");
    let mut lines = head.split("\r\n");
    let mut first = lines.next().ok_or_else(bad)?.split(' ');
    let method = first.next().ok_or_else(bad)?.to_string();
    let target = first.next().ok_or_else(bad)?;
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Ok(Request {
        method,
        path: path.to_string(),
        query: query.to_string(),
        headers,
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Percent-decodes a query value (`+` is a space).
pub fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
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

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        307 => "Temporary Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        409 => "Conflict",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}
