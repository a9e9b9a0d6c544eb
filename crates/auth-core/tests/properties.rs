//! Property tests: the parsers never panic on arbitrary bytes, and well-formed credentials round-trip.
#![allow(missing_docs, clippy::unwrap_used, clippy::indexing_slicing)]

use auth_core::header::{self, BasicCredentials};
use auth_core::{CredentialSources, Headers, RequestView, ScopeSet, extract_credential};
use proptest::prelude::*;

fn token68() -> impl Strategy<Value = String> {
    ("[A-Za-z0-9._~+/-]{1,200}", "={0,2}").prop_map(|(a, b)| format!("{a}{b}"))
}

fn scope_token() -> impl Strategy<Value = String> {
    "[!#-\\[\\]-~]{1,20}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn parsers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = header::parse_authorization(&bytes);
        let _ = header::parse_bearer(&bytes);
        let _ = header::parse_basic(&bytes);
        let _ = header::parse_key_header(&bytes);
        if let Ok(s) = core::str::from_utf8(&bytes) {
            let _ = header::decode_basic_token(s);
            let _ = ScopeSet::parse(s);
            if let Ok(a) = header::parse_authorization(&bytes) {
                let _ = a.credentials().params().count();
            }
        }
    }

    #[test]
    fn structured_garbage_never_panics(
        scheme in "[A-Za-z]{1,8}",
        parts in proptest::collection::vec(prop_oneof![
            Just(" ".to_owned()), Just(",".to_owned()), Just("=".to_owned()), Just("\"".to_owned()),
            Just("\\".to_owned()), Just("\t".to_owned()), "[a-z]{1,4}".prop_map(String::from),
        ], 0..40),
    ) {
        let value = format!("{scheme} {}", parts.concat());
        if let Ok(a) = header::parse_authorization(value.as_bytes()) {
            // A validated parameter list always iterates to completion.
            let _ = a.credentials().params().count();
        }
        let headers: &[(&str, &[u8])] = &[("authorization", value.as_bytes())];
        let view = RequestView::new("GET", "/?k=v", Headers::from_pairs(headers), b"");
        let _ = extract_credential(&view, &CredentialSources::none().with_bearer().with_basic().with_query_param("k"));
    }

    #[test]
    fn bearer_round_trips(token in token68(), spaces in 1usize..4, scheme in prop_oneof![Just("Bearer"), Just("bearer"), Just("BEARER")]) {
        let value = format!("{scheme}{}{token}", " ".repeat(spaces));
        prop_assert_eq!(header::parse_bearer(value.as_bytes()).unwrap(), token.as_str());
    }

    #[test]
    fn basic_round_trips(user in "[^:\\p{Cc}]{0,40}", password in "[^\\p{Cc}]{0,60}") {
        let token = BasicCredentials::encode(&user, &password).unwrap();
        let value = format!("Basic {token}");
        let c = header::parse_basic(value.as_bytes()).unwrap();
        prop_assert_eq!(c.user_id(), user.as_str());
        prop_assert_eq!(c.password().expose(), password.as_str());
    }

    #[test]
    fn auth_params_round_trip(params in proptest::collection::btree_map("[a-z]{1,8}", "[ -~]{0,20}", 1..8)) {
        // Quote every value, escaping `"` and `\`, then parse back.
        let list: Vec<String> = params.iter().map(|(k, v)| {
            let escaped = v.replace('\\', "\\\\").replace('"', "\\\"");
            format!("{k}=\"{escaped}\"")
        }).collect();
        let value = format!("Custom {}", list.join(", "));
        let a = header::parse_authorization(value.as_bytes()).unwrap();
        let got: Vec<(String, String)> = a.credentials().params().map(|p| (p.name.to_owned(), p.value.into_owned())).collect();
        let want: Vec<(String, String)> = params.into_iter().collect();
        prop_assert_eq!(got, want);
    }

    #[test]
    fn scopes_round_trip(tokens in proptest::collection::vec(scope_token(), 0..20)) {
        let joined = tokens.join(" ");
        let set = ScopeSet::parse(&joined).unwrap();
        prop_assert!(tokens.iter().all(|t| set.contains(t)));
        prop_assert_eq!(ScopeSet::parse(&set.to_string()).unwrap(), set.clone());
        let json = serde_json::to_string(&set).unwrap();
        prop_assert_eq!(serde_json::from_str::<ScopeSet>(&json).unwrap(), set);
    }
}
