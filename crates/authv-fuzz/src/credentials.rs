//! Target `auth_header`: auth-core's credential parsers.

use crate::http::RequestParts;
use auth_core::header::{self, Credentials};
use auth_core::{BasicCredentials, CredentialSources, ScopeSet, extract_credential};

fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// Target `auth_header`: the whole input as an `Authorization` value through `parse_authorization`,
/// `parse_bearer`, `parse_basic`, `decode_basic_token` and `parse_key_header`; as a space-delimited
/// scope string through `ScopeSet::parse`; and as a request (see [`RequestParts`]) through
/// `extract_credential` with every source enabled.
///
/// Properties: auth-params re-serialized as quoted strings parse to the same parameters; a token68
/// credential re-serialized parses to the same token; decoded Basic credentials re-encoded with
/// `BasicCredentials::encode` decode to the same pair; a scope set printed and parsed again is equal.
pub fn auth_header(data: &[u8]) {
    if let Ok(auth) = header::parse_authorization(data) {
        let scheme = auth.scheme();
        let again = match auth.credentials() {
            Credentials::Token68(t) => format!("{scheme} {t}"),
            Credentials::Params(_) => {
                let params: Vec<String> =
                    auth.credentials().params().map(|p| format!("{}={}", p.name, quote(&p.value))).collect();
                // A list of empty elements only (`Scheme ,`) is accepted as zero parameters, while a
                // bare `Scheme` is missing credentials: keep one empty element then.
                if params.is_empty() { format!("{scheme} ,") } else { format!("{scheme} {}", params.join(", ")) }
            }
            _ => return,
        };
        let reparsed = header::parse_authorization(again.as_bytes())
            .unwrap_or_else(|e| panic!("re-serialized Authorization {again:?} rejected: {e:?}"));
        assert!(reparsed.scheme() == scheme);
        assert_eq!(reparsed.token68(), auth.token68());
        let a: Vec<(&str, String)> = auth.credentials().params().map(|p| (p.name, p.value.into_owned())).collect();
        let b: Vec<(&str, String)> = reparsed.credentials().params().map(|p| (p.name, p.value.into_owned())).collect();
        assert_eq!(a, b, "auth-params differ after a round trip through {again:?}");
        assert!(a.len() <= header::MAX_AUTH_PARAMS);
    }
    let _ = header::parse_bearer(data);
    let _ = header::parse_key_header(data);
    if let Ok(basic) = header::parse_basic(data) {
        let token = BasicCredentials::encode(basic.user_id(), basic.password().expose())
            .expect("decoded Basic credentials must re-encode");
        let again = header::decode_basic_token(&token).expect("re-encoded Basic credentials must decode");
        assert_eq!(again.user_id(), basic.user_id());
        assert!(again.password().expose() == basic.password().expose());
    }
    if let Ok(text) = core::str::from_utf8(data) {
        let _ = header::decode_basic_token(text);
        if let Ok(scopes) = ScopeSet::parse(text) {
            let printed = scopes.to_string();
            let again = ScopeSet::parse(&printed).expect("a printed scope set must parse");
            assert_eq!(again, scopes, "scope set changed through {printed:?}");
            assert!(scopes.len() <= auth_core::MAX_SCOPES);
            let _ = scopes.require_all(&again);
        }
    }
    let parts = RequestParts::decode(data);
    let pairs = parts.pairs();
    let req = parts.view(&pairs);
    let sources =
        CredentialSources::none().with_bearer().with_basic().with_header("x-api-key").with_query_param("api_key");
    let _ = extract_credential(&req, &sources);
    let _ = extract_credential(&req, &CredentialSources::none().with_bearer());
}
