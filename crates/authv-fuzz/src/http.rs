//! Requests out of fuzz input: a lenient splitter for the verifier targets, and the strict raw HTTP
//! reader target.

use auth_core::{Headers, RequestView};

/// A request decoded leniently from fuzz input, so that verifiers see what a permissive HTTP server
/// would hand them (control bytes, odd names, any body):
///
/// ```text
/// METHOD SP TARGET [SP anything] LF
/// name ":" value LF        (repeated; value without leading SP/HTAB, a trailing CR dropped)
/// LF
/// body
/// ```
///
/// A line without a colon is a header with an empty value; header names that are not UTF-8 are
/// decoded lossily. The format is what `rawhttp` reads as well, so captured requests work as seeds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestParts {
    /// The method (first word of the first line).
    pub method: String,
    /// The request target (second word of the first line).
    pub target: String,
    /// Header fields in order.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The body.
    pub body: Vec<u8>,
}

fn strip_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

impl RequestParts {
    /// Decodes `data` (never fails).
    #[must_use]
    pub fn decode(data: &[u8]) -> Self {
        let (first, mut rest) = crate::split_line(data);
        let first = String::from_utf8_lossy(strip_cr(first));
        let mut words = first.split(' ');
        let method = words.next().unwrap_or_default().to_owned();
        let target = words.next().unwrap_or_default().to_owned();
        let mut headers = Vec::new();
        loop {
            if rest.is_empty() {
                break;
            }
            let (line, after) = crate::split_line(rest);
            rest = after;
            let line = strip_cr(line);
            if line.is_empty() {
                break;
            }
            let (name, value) = match line.iter().position(|&b| b == b':') {
                Some(i) => (line.get(..i).unwrap_or_default(), line.get(i + 1..).unwrap_or_default()),
                None => (line, &b""[..]),
            };
            let value = match value.iter().position(|&b| b != b' ' && b != b'\t') {
                Some(i) => value.get(i..).unwrap_or_default(),
                None => &b""[..],
            };
            headers.push((String::from_utf8_lossy(name).into_owned(), value.to_vec()));
        }
        Self { method, target, headers, body: rest.to_vec() }
    }

    /// Encodes parts in the format [`RequestParts::decode`] reads (and, for well-formed parts, the raw
    /// HTTP/1.1 reader too).
    #[must_use]
    pub fn encode(method: &str, target: &str, headers: &[(&str, &[u8])], body: &[u8]) -> Vec<u8> {
        let mut out = format!("{method} {target} HTTP/1.1\r\n").into_bytes();
        for (name, value) in headers {
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b": ");
            out.extend_from_slice(value);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(body);
        out
    }

    /// The header pairs as `RequestView` borrows them.
    #[must_use]
    pub fn pairs(&self) -> Vec<(&str, &[u8])> {
        self.headers.iter().map(|(n, v)| (n.as_str(), v.as_slice())).collect()
    }

    /// A view over the parts with `pairs` from [`RequestParts::pairs`].
    #[must_use]
    pub fn view<'a>(&'a self, pairs: &'a [(&'a str, &'a [u8])]) -> RequestView<'a> {
        RequestView::new(&self.method, &self.target, Headers::from_pairs(pairs), &self.body)
    }
}

/// Target `rawhttp`: `authv::rawhttp::parse`, the reader in front of `authv hmac verify`.
///
/// Property: a request it accepts, re-serialized (request line, `name:value` lines, blank line,
/// body; never longer than the input head), parses to the same request.
pub fn rawhttp(data: &[u8]) {
    let Ok(req) = authv::rawhttp::parse(data) else { return };
    let mut again = format!("{} {} {}\n", req.method, req.target, req.version).into_bytes();
    for (name, value) in &req.headers {
        again.extend_from_slice(name.as_bytes());
        again.push(b':');
        again.extend_from_slice(value);
        again.push(b'\n');
    }
    again.push(b'\n');
    again.extend_from_slice(req.body);
    let reparsed = authv::rawhttp::parse(&again);
    assert_eq!(reparsed.as_ref(), Ok(&req), "re-serialized request parses differently");
    // The lenient splitter the other targets use agrees on the request line, names and body.
    let lenient = RequestParts::decode(data);
    assert_eq!((lenient.method.as_str(), lenient.target.as_str()), (req.method, req.target));
    assert_eq!(lenient.headers.len(), req.headers.len());
    assert_eq!(lenient.body, req.body);
}
