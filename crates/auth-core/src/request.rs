//! A borrowed view of an HTTP request, for schemes that sign the request itself.

use crate::header::HeaderError;

/// Header fields in the order received, as `(name, value)` pairs. Names compare case-insensitively.
///
/// Built from a slice of pairs (any server, a raw request reader) or, with the `http` feature, from an
/// [`http::HeaderMap`] without copying.
#[derive(Debug, Clone, Copy)]
pub struct Headers<'a>(HeadersInner<'a>);

#[derive(Debug, Clone, Copy)]
enum HeadersInner<'a> {
    Pairs(&'a [(&'a str, &'a [u8])]),
    #[cfg(feature = "http")]
    Http(&'a http::HeaderMap),
}

impl<'a> Headers<'a> {
    /// Headers from `(name, value)` pairs, in order.
    #[must_use]
    pub const fn from_pairs(pairs: &'a [(&'a str, &'a [u8])]) -> Self {
        Self(HeadersInner::Pairs(pairs))
    }

    /// No headers.
    #[must_use]
    pub const fn empty() -> Self {
        Self(HeadersInner::Pairs(&[]))
    }

    /// Every field, in order (for an `http::HeaderMap`, in the map's iteration order, which keeps the
    /// order of values within one name).
    #[must_use]
    pub fn iter(&self) -> HeaderIter<'a> {
        match self.0 {
            HeadersInner::Pairs(p) => HeaderIter(IterInner::Pairs(p.iter())),
            #[cfg(feature = "http")]
            HeadersInner::Http(m) => HeaderIter(IterInner::Http(m.iter())),
        }
    }

    /// The `(name, value)` pairs this view was built from, when it was built from pairs (`None` for an
    /// `http::HeaderMap`). For readers that scan the fields many times: a slice is walked without the
    /// per-step dispatch of [`Headers::iter`].
    #[must_use]
    pub const fn as_pairs(&self) -> Option<&'a [(&'a str, &'a [u8])]> {
        match self.0 {
            HeadersInner::Pairs(p) => Some(p),
            #[cfg(feature = "http")]
            HeadersInner::Http(_) => None,
        }
    }

    /// Every value of the field `name` (case-insensitive), in order.
    pub fn get_all<'n>(&self, name: &'n str) -> impl Iterator<Item = &'a [u8]> + use<'a, 'n> {
        self.iter().filter(move |(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v)
    }

    /// How many times the field `name` appears.
    #[must_use]
    pub fn count(&self, name: &str) -> usize {
        self.get_all(name).count()
    }

    /// The value of a field that must appear at most once.
    ///
    /// # Errors
    /// [`HeaderError::DuplicateHeader`] when it appears more than once.
    pub fn get_one(&self, name: &str) -> Result<Option<&'a [u8]>, HeaderError> {
        let mut it = self.get_all(name);
        let first = it.next();
        if first.is_some() && it.next().is_some() {
            return Err(HeaderError::DuplicateHeader);
        }
        Ok(first)
    }

    /// The value of a field that must appear exactly once.
    ///
    /// # Errors
    /// [`HeaderError::Missing`] or [`HeaderError::DuplicateHeader`].
    pub fn require_one(&self, name: &str) -> Result<&'a [u8], HeaderError> {
        self.get_one(name)?.ok_or(HeaderError::Missing)
    }
}

#[cfg(feature = "http")]
impl<'a> From<&'a http::HeaderMap> for Headers<'a> {
    fn from(m: &'a http::HeaderMap) -> Self {
        Self(HeadersInner::Http(m))
    }
}

impl<'a> From<&'a [(&'a str, &'a [u8])]> for Headers<'a> {
    fn from(p: &'a [(&'a str, &'a [u8])]) -> Self {
        Self::from_pairs(p)
    }
}

/// Iterator over `(name, value)` header pairs.
#[derive(Debug)]
pub struct HeaderIter<'a>(IterInner<'a>);

#[derive(Debug)]
enum IterInner<'a> {
    Pairs(core::slice::Iter<'a, (&'a str, &'a [u8])>),
    #[cfg(feature = "http")]
    Http(http::header::Iter<'a, http::HeaderValue>),
}

impl<'a> Iterator for HeaderIter<'a> {
    type Item = (&'a str, &'a [u8]);
    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.0 {
            IterInner::Pairs(it) => it.next().map(|&(n, v)| (n, v)),
            #[cfg(feature = "http")]
            IterInner::Http(it) => it.next().map(|(n, v)| (n.as_str(), v.as_bytes())),
        }
    }
}

/// A borrowed request: method, request target, headers in order, body.
///
/// The view copies nothing. Signed-request schemes read exactly these bytes, so a server must hand over
/// the body as received (before any decompression or re-encoding).
#[derive(Debug, Clone, Copy)]
pub struct RequestView<'a> {
    method: &'a str,
    target: &'a str,
    headers: Headers<'a>,
    body: &'a [u8],
}

impl<'a> RequestView<'a> {
    /// A view over the given parts. `target` is the request target as on the request line (origin form
    /// `path?query`, or absolute form).
    #[must_use]
    pub const fn new(method: &'a str, target: &'a str, headers: Headers<'a>, body: &'a [u8]) -> Self {
        Self { method, target, headers, body }
    }

    /// The method as sent (methods are case-sensitive, RFC 9110 §9.1).
    #[must_use]
    pub const fn method(&self) -> &'a str {
        self.method
    }

    /// The request target as sent.
    #[must_use]
    pub const fn target(&self) -> &'a str {
        self.target
    }

    /// The path part of the target (before `?`), still percent-encoded.
    #[must_use]
    pub fn path(&self) -> &'a str {
        self.target.split_once('?').map_or(self.target, |(p, _)| p)
    }

    /// The query part of the target (after the first `?`), still percent-encoded, or `None` without `?`.
    #[must_use]
    pub fn query(&self) -> Option<&'a str> {
        self.target.split_once('?').map(|(_, q)| q)
    }

    /// The header fields.
    #[must_use]
    pub const fn headers(&self) -> Headers<'a> {
        self.headers
    }

    /// The body bytes.
    #[must_use]
    pub const fn body(&self) -> &'a [u8] {
        self.body
    }

    /// A view of an `http::Request`'s parts and a body already collected into bytes. The target is the
    /// URI's path and query (`/` when the URI has none, as for `*` or authority form).
    #[cfg(feature = "http")]
    #[must_use]
    pub fn from_http_parts(parts: &'a http::request::Parts, body: &'a [u8]) -> Self {
        let target = parts.uri.path_and_query().map_or("/", http::uri::PathAndQuery::as_str);
        Self::new(parts.method.as_str(), target, Headers::from(&parts.headers), body)
    }

    /// A view of an `http::Request` whose body is bytes.
    #[cfg(feature = "http")]
    #[must_use]
    pub fn from_http_request<B: AsRef<[u8]>>(req: &'a http::Request<B>) -> Self {
        let target = req.uri().path_and_query().map_or("/", http::uri::PathAndQuery::as_str);
        Self::new(req.method().as_str(), target, Headers::from(req.headers()), req.body().as_ref())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn pairs_view() {
        let h: &[(&str, &[u8])] = &[("Host", b"a.example"), ("X-A", b"1"), ("x-a", b"2")];
        let r = RequestView::new("POST", "/p/q?x=1&y", Headers::from_pairs(h), b"body");
        assert_eq!(r.path(), "/p/q");
        assert_eq!(r.query(), Some("x=1&y"));
        assert_eq!(r.headers().get_one("host").unwrap(), Some(&b"a.example"[..]));
        assert_eq!(r.headers().get_one("x-a"), Err(HeaderError::DuplicateHeader));
        assert_eq!(r.headers().get_all("X-a").collect::<Vec<_>>(), vec![&b"1"[..], &b"2"[..]]);
        assert_eq!(r.headers().require_one("missing"), Err(HeaderError::Missing));
        assert_eq!(RequestView::new("GET", "/", Headers::empty(), b"").query(), None);
        assert_eq!(r.headers().as_pairs(), Some(h));
    }

    #[cfg(feature = "http")]
    #[test]
    fn http_adapter() {
        let req = http::Request::builder()
            .method("PUT")
            .uri("https://api.example/v1/items?id=7")
            .header("authorization", "Bearer abc")
            .header("x-nonce", "n1")
            .body(b"{}".to_vec())
            .unwrap();
        let view = RequestView::from_http_request(&req);
        assert_eq!(view.method(), "PUT");
        assert_eq!(view.target(), "/v1/items?id=7");
        assert_eq!(view.headers().get_one("Authorization").unwrap(), Some(&b"Bearer abc"[..]));
        assert_eq!(view.body(), b"{}");
        let (parts, body) = req.into_parts();
        let view = RequestView::from_http_parts(&parts, &body);
        assert_eq!(view.headers().iter().count(), 2);
        assert_eq!(view.headers().as_pairs(), None);
    }
}
