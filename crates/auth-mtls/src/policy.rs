//! The allow-list: which certificate identities are admitted, and with which scopes.

use crate::error::{ConfigError, Error};
use crate::info::CertificateInfo;
use auth_core::ScopeSet;
use std::collections::HashMap;

/// Most entries an [`AllowList`] holds.
pub const MAX_ALLOW_LIST_ENTRIES: usize = 100_000;

/// Longest identity string accepted in an allow-list entry (bytes).
pub const MAX_IDENTITY_LEN: usize = 2048;

/// Largest allow-list JSON document accepted by [`AllowList::from_json`] (4 MiB).
pub const MAX_ALLOW_LIST_JSON_LEN: usize = 4 * 1024 * 1024;

/// What an allow-list entry matches.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IdentityMatcher {
    /// A URI SAN, compared exactly. SPIFFE IDs are URI SANs: `spiffe://td/path` in an allow-list
    /// is this matcher.
    Uri(String),
    /// A DNS SAN, compared case-insensitively (no wildcard expansion: the entry `*.example.com`
    /// matches only a certificate that carries that literal SAN).
    Dns(String),
    /// An email (rfc822Name) SAN: the local part exactly, the domain case-insensitively.
    Email(String),
    /// A subject common name, compared exactly.
    CommonName(String),
    /// The SHA-256 of the leaf certificate's DER (a pin).
    Sha256([u8; 32]),
}

impl IdentityMatcher {
    /// Parses an identity string:
    ///
    /// | form | matcher |
    /// | --- | --- |
    /// | `spiffe://td/path` | [`Uri`](Self::Uri) (the SPIFFE ID) |
    /// | `uri:<uri>` | [`Uri`](Self::Uri) |
    /// | `dns:<name>` | [`Dns`](Self::Dns) |
    /// | `email:<addr>` | [`Email`](Self::Email) |
    /// | `cn:<common name>` | [`CommonName`](Self::CommonName) |
    /// | `sha256:<64 hex digits>` | [`Sha256`](Self::Sha256) (colons between byte pairs allowed) |
    ///
    /// # Errors
    /// [`Error::Config`] for an unknown prefix, an empty or over-long value, or bad hex.
    pub fn parse(s: &str) -> Result<Self, Error> {
        if s.len() > MAX_IDENTITY_LEN {
            return Err(ConfigError::error("allow_list_identity", "identity longer than MAX_IDENTITY_LEN"));
        }
        let nonempty = |v: &str| {
            if v.is_empty() {
                Err(ConfigError::error("allow_list_identity", format!("empty value in `{s}`")))
            } else {
                Ok(v.to_owned())
            }
        };
        if s.starts_with("spiffe://") {
            crate::spiffe::SpiffeId::parse(s)
                .map_err(|_| ConfigError::error("allow_list_identity", format!("invalid SPIFFE ID `{s}`")))?;
            return Ok(Self::Uri(s.to_owned()));
        }
        let (prefix, value) = s
            .split_once(':')
            .ok_or_else(|| ConfigError::error("allow_list_identity", format!("identity `{s}` lacks a kind prefix")))?;
        match prefix {
            "uri" => Ok(Self::Uri(nonempty(value)?)),
            "dns" => Ok(Self::Dns(nonempty(value)?.to_ascii_lowercase())),
            "email" => Ok(Self::Email(normalize_email(&nonempty(value)?))),
            "cn" => Ok(Self::CommonName(nonempty(value)?)),
            "sha256" => parse_fingerprint(value).map(Self::Sha256),
            _ => Err(ConfigError::error("allow_list_identity", format!("unknown identity kind `{prefix}`"))),
        }
    }
}

/// Parses 64 hex digits (either case; `:` separators between byte pairs allowed) into a digest.
pub(crate) fn parse_fingerprint(value: &str) -> Result<[u8; 32], Error> {
    let hex: String = value.chars().filter(|&c| c != ':').collect();
    let mut out = [0u8; 32];
    match base16ct::mixed::decode(hex.as_bytes(), &mut out) {
        Ok(d) if d.len() == 32 => Ok(out),
        _ => Err(ConfigError::error("fingerprint", "a SHA-256 fingerprint is 64 hex digits")),
    }
}

fn normalize_email(s: &str) -> String {
    match s.rsplit_once('@') {
        Some((local, domain)) => format!("{local}@{}", domain.to_ascii_lowercase()),
        None => s.to_owned(),
    }
}

#[derive(Debug, Clone)]
struct Entry {
    scopes: ScopeSet,
    /// SHA-256 fingerprints of the trust anchors (CA certificate DER) this entry is limited to;
    /// empty means any configured anchor.
    anchors: Vec<[u8; 32]>,
}

/// Identities admitted after a chain verifies, each mapped to the scopes it is granted, optionally
/// limited to chains ending at given trust anchors.
///
/// When several entries match a certificate (its CN and a DNS SAN, say), the granted scopes are the
/// union of theirs. A certificate that matches none is rejected with
/// [`Error::IdentityNotAllowed`] (403).
#[derive(Debug, Clone, Default)]
pub struct AllowList {
    entries: Vec<Entry>,
    uri: HashMap<String, Vec<usize>>,
    dns: HashMap<String, Vec<usize>>,
    email: HashMap<String, Vec<usize>>,
    cn: HashMap<String, Vec<usize>>,
    sha256: HashMap<[u8; 32], Vec<usize>>,
}

impl AllowList {
    /// An empty list (admits nobody).
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of entries.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the list is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Admits `identity` (see [`IdentityMatcher::parse`]) with `scopes`, from any trust anchor.
    ///
    /// # Errors
    /// [`Error::Config`] for a bad identity, a duplicate entry, or more than
    /// [`MAX_ALLOW_LIST_ENTRIES`].
    pub fn allow(self, identity: &str, scopes: ScopeSet) -> Result<Self, Error> {
        self.allow_from(identity, scopes, &[])
    }

    /// Admits `identity` with `scopes` only through chains ending at one of `anchor_fingerprints`
    /// (SHA-256 of the CA certificate's DER, as `sha256:<hex>` or bare hex).
    ///
    /// # Errors
    /// As [`AllowList::allow`], or a malformed fingerprint.
    pub fn allow_from(mut self, identity: &str, scopes: ScopeSet, anchor_fingerprints: &[&str]) -> Result<Self, Error> {
        if self.entries.len() >= MAX_ALLOW_LIST_ENTRIES {
            return Err(ConfigError::error("allow_list_too_large", "more than MAX_ALLOW_LIST_ENTRIES entries"));
        }
        let matcher = IdentityMatcher::parse(identity)?;
        let anchors = anchor_fingerprints
            .iter()
            .map(|a| parse_fingerprint(a.strip_prefix("sha256:").unwrap_or(a)))
            .collect::<Result<Vec<_>, _>>()?;
        let idx = self.entries.len();
        let slot = match &matcher {
            IdentityMatcher::Uri(v) => self.uri.entry(v.clone()).or_default(),
            IdentityMatcher::Dns(v) => self.dns.entry(v.clone()).or_default(),
            IdentityMatcher::Email(v) => self.email.entry(v.clone()).or_default(),
            IdentityMatcher::CommonName(v) => self.cn.entry(v.clone()).or_default(),
            IdentityMatcher::Sha256(v) => self.sha256.entry(*v).or_default(),
        };
        if !slot.is_empty() {
            return Err(ConfigError::error("allow_list_duplicate", format!("identity `{identity}` listed twice")));
        }
        slot.push(idx);
        self.entries.push(Entry { scopes, anchors });
        Ok(self)
    }

    /// Reads a JSON object mapping identity to scopes:
    ///
    /// ```json
    /// {
    ///   "spiffe://example.org/ns/prod/sa/billing": ["invoices:read", "invoices:write"],
    ///   "cn:alice": ["read"],
    ///   "dns:client.example.com": {"scopes": ["read"], "anchors": ["sha256:<hex of CA DER>"]}
    /// }
    /// ```
    ///
    /// A value is an array of scope strings, or an object with `scopes` and optionally `anchors`
    /// (and no other member). Duplicate members are rejected.
    ///
    /// # Errors
    /// [`Error::Config`] for malformed JSON, duplicate or unknown members, bad scopes or identities,
    /// or a document larger than [`MAX_ALLOW_LIST_JSON_LEN`].
    pub fn from_json(json: &str) -> Result<Self, Error> {
        if json.len() > MAX_ALLOW_LIST_JSON_LEN {
            return Err(ConfigError::error("allow_list_too_large", "JSON larger than MAX_ALLOW_LIST_JSON_LEN"));
        }
        let doc: StrictObject = serde_json::from_str(json)
            .map_err(|e| ConfigError::error("allow_list_json", format!("invalid allow-list JSON: {e}")))?;
        let mut list = Self::new();
        for (identity, value) in doc.0 {
            let (scopes, anchors): (Vec<String>, Vec<String>) = match value {
                serde_json::Value::Array(_) => (
                    serde_json::from_value(value).map_err(|_| {
                        ConfigError::error("allow_list_json", format!("`{identity}`: scopes are strings"))
                    })?,
                    Vec::new(),
                ),
                serde_json::Value::Object(_) => {
                    let e: EntryJson = serde_json::from_value(value)
                        .map_err(|e| ConfigError::error("allow_list_json", format!("`{identity}`: {e}")))?;
                    (e.scopes, e.anchors)
                }
                _ => {
                    return Err(ConfigError::error(
                        "allow_list_json",
                        format!("`{identity}`: expected an array of scopes or an object"),
                    ));
                }
            };
            let scopes = ScopeSet::from_tokens(scopes.iter().map(String::as_str))
                .map_err(|e| ConfigError::error("allow_list_scopes", format!("`{identity}`: {e}")))?;
            let anchors: Vec<&str> = anchors.iter().map(String::as_str).collect();
            list = list.allow_from(&identity, scopes, &anchors)?;
        }
        Ok(list)
    }

    /// The union of the scopes of every entry matching `info`/`fingerprint` through `anchor`
    /// (`None` when no entry matches).
    pub(crate) fn lookup(&self, info: &CertificateInfo, fingerprint: &[u8; 32], anchor: &[u8; 32]) -> Option<ScopeSet> {
        let mut first: Option<usize> = None;
        let mut more: Vec<usize> = Vec::new();
        let mut consider = |ids: Option<&Vec<usize>>| {
            for &i in ids.into_iter().flatten() {
                let Some(e) = self.entries.get(i) else { continue };
                if !e.anchors.is_empty() && !e.anchors.contains(anchor) {
                    continue;
                }
                if first.is_none() {
                    first = Some(i);
                } else if first != Some(i) && !more.contains(&i) {
                    more.push(i);
                }
            }
        };
        consider(self.sha256.get(fingerprint));
        for u in &info.uris {
            consider(self.uri.get(u.as_str()));
        }
        for d in &info.dns_names {
            if d.bytes().any(|b| b.is_ascii_uppercase()) {
                consider(self.dns.get(&d.to_ascii_lowercase()));
            } else {
                consider(self.dns.get(d.as_str()));
            }
        }
        for e in &info.emails {
            consider(self.email.get(&normalize_email(e)));
        }
        for c in &info.common_names {
            consider(self.cn.get(c.as_str()));
        }
        let first = self.entries.get(first?)?;
        if more.is_empty() {
            return Some(first.scopes.clone());
        }
        let all = core::iter::once(first)
            .chain(more.iter().filter_map(|&i| self.entries.get(i)))
            .flat_map(|e| e.scopes.iter());
        ScopeSet::from_tokens(all).ok()
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryJson {
    scopes: Vec<String>,
    #[serde(default)]
    anchors: Vec<String>,
}

/// A JSON object read member by member, rejecting duplicate member names.
struct StrictObject(Vec<(String, serde_json::Value)>);

impl<'de> serde::Deserialize<'de> for StrictObject {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = StrictObject;
            fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str("a JSON object mapping identities to scopes")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<StrictObject, A::Error> {
                let mut out: Vec<(String, serde_json::Value)> = Vec::new();
                let mut seen = std::collections::HashSet::new();
                while let Some((k, v)) = map.next_entry::<String, serde_json::Value>()? {
                    if !seen.insert(k.clone()) {
                        return Err(serde::de::Error::custom(format!("duplicate member `{k}`")));
                    }
                    out.push((k, v));
                }
                Ok(StrictObject(out))
            }
        }
        d.deserialize_map(V)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn parse_identities() {
        assert_eq!(
            IdentityMatcher::parse("dns:Client.Example.com").unwrap(),
            IdentityMatcher::Dns("client.example.com".into())
        );
        assert_eq!(
            IdentityMatcher::parse("email:Bob@EXAMPLE.com").unwrap(),
            IdentityMatcher::Email("Bob@example.com".into())
        );
        assert!(IdentityMatcher::parse("spiffe://example.org").is_err());
        assert!(IdentityMatcher::parse("cn:").is_err());
        assert!(IdentityMatcher::parse("alice").is_err());
        assert!(IdentityMatcher::parse("sha256:abcd").is_err());
        let hex = "AB".repeat(32);
        assert_eq!(IdentityMatcher::parse(&format!("sha256:{hex}")).unwrap(), IdentityMatcher::Sha256([0xab; 32]));
    }

    #[test]
    fn json() {
        let l = AllowList::from_json(r#"{"cn:alice": ["read", "write"], "dns:a.example": {"scopes": ["x"]}}"#).unwrap();
        assert_eq!(l.len(), 2);
        assert!(AllowList::from_json(r#"{"cn:alice": ["read"], "cn:alice": ["write"]}"#).is_err());
        assert!(AllowList::from_json(r#"{"dns:A.example": ["read"], "dns:a.example": ["write"]}"#).is_err());
        assert!(AllowList::from_json(r#"{"cn:alice": {"scopes": [], "extra": 1}}"#).is_err());
        assert!(AllowList::from_json(r#"{"cn:alice": "read"}"#).is_err());
        assert!(AllowList::from_json(r#"{"cn:alice": ["a b"]}"#).is_err());
        assert!(AllowList::from_json(r#"["cn:alice"]"#).is_err());
    }

    #[test]
    fn lookup_unions_and_respects_anchor() {
        let anchor = [7u8; 32];
        let other = [8u8; 32];
        let l = AllowList::new()
            .allow("cn:alice", ScopeSet::parse("read").unwrap())
            .unwrap()
            .allow_from("dns:alice.example", ScopeSet::parse("write").unwrap(), &[&"07".repeat(32)])
            .unwrap();
        let info = CertificateInfo {
            common_names: vec!["alice".into()],
            dns_names: vec!["ALICE.example".into()],
            ..CertificateInfo::default()
        };
        assert_eq!(l.lookup(&info, &[0; 32], &anchor).unwrap().to_string(), "read write");
        assert_eq!(l.lookup(&info, &[0; 32], &other).unwrap().to_string(), "read");
        let nobody = CertificateInfo { common_names: vec!["mallory".into()], ..CertificateInfo::default() };
        assert!(l.lookup(&nobody, &[0; 32], &anchor).is_none());
    }
}
