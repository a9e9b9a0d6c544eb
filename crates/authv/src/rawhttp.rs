//! A strict reader for one HTTP/1.1 request as captured on the wire: request line, header lines (CRLF
//! or LF), a blank line, then the body bytes exactly.
//!
//! It is the front door of `authv hmac verify`, so it treats its input as hostile:
//!
//! | limit | value |
//! | --- | --- |
//! | request line | [`MAX_REQUEST_LINE`] bytes |
//! | one header line | [`MAX_HEADER_LINE`] bytes |
//! | header lines | [`MAX_HEADERS`] |
//! | whole head (request line + headers) | [`MAX_HEAD`] bytes |
//!
//! Rejected: obsolete line folding, header names that are not RFC 9110 tokens, whitespace between a
//! name and its colon, control characters other than HTAB in values, a request line that is not
//! `METHOD SP request-target SP HTTP/1.x`, `Transfer-Encoding` (a capture must hold the body as sent
//! and signed, not chunk-framed), and a `Content-Length` that disagrees with the body present.

use core::fmt;

/// The longest request line accepted.
pub const MAX_REQUEST_LINE: usize = 8 * 1024;
/// The longest header line accepted.
pub const MAX_HEADER_LINE: usize = 16 * 1024;
/// The most header lines accepted.
pub const MAX_HEADERS: usize = 128;
/// The largest head (request line and header lines) accepted.
pub const MAX_HEAD: usize = 64 * 1024;

/// A parsed request borrowing from the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRequest<'a> {
    /// The method.
    pub method: &'a str,
    /// The request target, as on the request line.
    pub target: &'a str,
    /// `HTTP/1.0` or `HTTP/1.1`.
    pub version: &'a str,
    /// Header fields in order; values with surrounding whitespace removed.
    pub headers: Vec<(&'a str, &'a [u8])>,
    /// The body bytes, exactly as captured.
    pub body: &'a [u8],
}

/// Why the input is not one well-formed request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RawHttpError {
    /// No blank line ends the head.
    Incomplete,
    /// The head exceeds [`MAX_HEAD`], or a line its own limit.
    TooLarge,
    /// More than [`MAX_HEADERS`] header lines.
    TooManyHeaders,
    /// The request line is malformed.
    BadRequestLine,
    /// A header line is malformed.
    BadHeader,
    /// Obsolete line folding.
    ObsoleteFolding,
    /// `Transfer-Encoding` is present.
    TransferEncoding,
    /// `Content-Length` is malformed, repeated, or disagrees with the body.
    ContentLength,
}

impl RawHttpError {
    /// A stable snake_case reason.
    #[must_use]
    pub const fn reason(self) -> &'static str {
        match self {
            Self::Incomplete => "incomplete_http_request",
            Self::TooLarge => "http_head_too_large",
            Self::TooManyHeaders => "too_many_headers",
            Self::BadRequestLine => "malformed_request_line",
            Self::BadHeader => "malformed_header",
            Self::ObsoleteFolding => "obsolete_line_folding",
            Self::TransferEncoding => "transfer_encoding_unsupported",
            Self::ContentLength => "content_length_mismatch",
        }
    }
}

impl fmt::Display for RawHttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.reason())
    }
}

impl std::error::Error for RawHttpError {}

fn is_tchar(b: u8) -> bool {
    matches!(b,
        b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~'
        | b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z')
}

/// Splits off one line ending in LF (an optional CR before it is removed). Returns the line and the rest.
fn next_line(input: &[u8], limit: usize) -> Result<(&[u8], &[u8]), RawHttpError> {
    let Some(pos) = input.iter().take(limit.saturating_add(2)).position(|&b| b == b'\n') else {
        return Err(if input.len() > limit { RawHttpError::TooLarge } else { RawHttpError::Incomplete });
    };
    let (line, rest) = input.split_at_checked(pos).ok_or(RawHttpError::Incomplete)?;
    let rest = rest.get(1..).unwrap_or(&[]);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.len() > limit {
        return Err(RawHttpError::TooLarge);
    }
    Ok((line, rest))
}

/// Parses one request.
///
/// # Errors
/// A [`RawHttpError`] naming the first problem.
pub fn parse(input: &[u8]) -> Result<RawRequest<'_>, RawHttpError> {
    let (line, mut rest) = next_line(input, MAX_REQUEST_LINE)?;
    let line = core::str::from_utf8(line).map_err(|_| RawHttpError::BadRequestLine)?;
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(RawHttpError::BadRequestLine);
    };
    if method.is_empty() || !method.bytes().all(is_tchar) {
        return Err(RawHttpError::BadRequestLine);
    }
    if target.is_empty() || !target.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(RawHttpError::BadRequestLine);
    }
    if version != "HTTP/1.1" && version != "HTTP/1.0" {
        return Err(RawHttpError::BadRequestLine);
    }
    let mut headers: Vec<(&str, &[u8])> = Vec::new();
    let mut head_len = line.len();
    loop {
        let (line, after) = next_line(rest, MAX_HEADER_LINE)?;
        head_len = head_len.saturating_add(line.len()).saturating_add(2);
        if head_len > MAX_HEAD {
            return Err(RawHttpError::TooLarge);
        }
        rest = after;
        if line.is_empty() {
            break;
        }
        if matches!(line.first(), Some(b' ' | b'\t')) {
            return Err(RawHttpError::ObsoleteFolding);
        }
        if headers.len() >= MAX_HEADERS {
            return Err(RawHttpError::TooManyHeaders);
        }
        let colon = line.iter().position(|&b| b == b':').ok_or(RawHttpError::BadHeader)?;
        let (name, value) = line.split_at_checked(colon).ok_or(RawHttpError::BadHeader)?;
        let value = value.get(1..).unwrap_or(&[]);
        if name.is_empty() || !name.iter().all(|&b| is_tchar(b)) {
            return Err(RawHttpError::BadHeader);
        }
        if value.iter().any(|&b| (b < 0x20 && b != b'\t') || b == 0x7F) {
            return Err(RawHttpError::BadHeader);
        }
        let value = value.trim_ascii();
        let name = core::str::from_utf8(name).map_err(|_| RawHttpError::BadHeader)?;
        headers.push((name, value));
    }
    let body = rest;
    if headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("transfer-encoding")) {
        return Err(RawHttpError::TransferEncoding);
    }
    let mut lengths = headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case("content-length"));
    if let Some((_, v)) = lengths.next() {
        if lengths.next().is_some() {
            return Err(RawHttpError::ContentLength);
        }
        let declared: usize = core::str::from_utf8(v)
            .ok()
            .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|s| s.parse().ok())
            .ok_or(RawHttpError::ContentLength)?;
        if declared != body.len() {
            return Err(RawHttpError::ContentLength);
        }
    }
    Ok(RawRequest { method, target, version, headers, body })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn crlf_and_lf() {
        let r = parse(b"POST /a?b=1 HTTP/1.1\r\nHost: x\r\nX-A:  v \r\nContent-Length: 4\r\n\r\nbody").unwrap();
        assert_eq!((r.method, r.target, r.version), ("POST", "/a?b=1", "HTTP/1.1"));
        assert_eq!(r.headers, vec![("Host", &b"x"[..]), ("X-A", &b"v"[..]), ("Content-Length", &b"4"[..])]);
        assert_eq!(r.body, b"body");
        let r = parse(b"GET / HTTP/1.1\nHost: x\n\n").unwrap();
        assert_eq!(r.body, b"");
        // The body is taken exactly, CRLFs included.
        let r = parse(b"PUT / HTTP/1.1\n\n\r\nline\r\n").unwrap();
        assert_eq!(r.body, b"\r\nline\r\n");
    }

    #[test]
    fn rejects() {
        let cases: &[(&[u8], RawHttpError)] = &[
            (b"", RawHttpError::Incomplete),
            (b"GET / HTTP/1.1\r\nHost: x\r\n", RawHttpError::Incomplete),
            (b"GET /  HTTP/1.1\n\n", RawHttpError::BadRequestLine),
            (b"GET / HTTP/2\n\n", RawHttpError::BadRequestLine),
            (b"G(T / HTTP/1.1\n\n", RawHttpError::BadRequestLine),
            (b"GET /\x01 HTTP/1.1\n\n", RawHttpError::BadRequestLine),
            (b"GET / HTTP/1.1\nHost : x\n\n", RawHttpError::BadHeader),
            (b"GET / HTTP/1.1\nNoColon\n\n", RawHttpError::BadHeader),
            (b"GET / HTTP/1.1\nA: b\0c\n\n", RawHttpError::BadHeader),
            (b"GET / HTTP/1.1\nA: b\n c\n\n", RawHttpError::ObsoleteFolding),
            (b"POST / HTTP/1.1\nTransfer-Encoding: chunked\n\n0\r\n\r\n", RawHttpError::TransferEncoding),
            (b"POST / HTTP/1.1\nContent-Length: 5\n\nabc", RawHttpError::ContentLength),
            (b"POST / HTTP/1.1\nContent-Length: +3\n\nabc", RawHttpError::ContentLength),
            (b"POST / HTTP/1.1\nContent-Length: 3\nContent-Length: 3\n\nabc", RawHttpError::ContentLength),
        ];
        for (input, want) in cases {
            assert_eq!(parse(input), Err(*want), "{:?}", String::from_utf8_lossy(input));
        }
        let many = format!("GET / HTTP/1.1\n{}\n", "A: b\n".repeat(MAX_HEADERS + 1));
        assert_eq!(parse(many.as_bytes()), Err(RawHttpError::TooManyHeaders));
        let long = format!("GET / HTTP/1.1\nA: {}\n\n", "b".repeat(MAX_HEADER_LINE));
        assert_eq!(parse(long.as_bytes()), Err(RawHttpError::TooLarge));
    }
}
