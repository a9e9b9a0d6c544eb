//! Target `webhooks`: the six webhook verifiers of auth-hmac.

use crate::http::RequestParts;
use auth_core::MemoryReplayGuard;
use auth_hmac::{GitHub, Secrets, Shopify, Slack, StandardWebhooks, Stripe, Twilio};
use auth_testkit::hmac as tk;
use std::sync::LazyLock;

/// The two live secrets of every provider (newest first), so rotation paths run too.
pub const WEBHOOK_SECRETS: [&[u8]; 2] = [b"authv fuzz webhook secret, newest", b"authv fuzz webhook secret, older"];
/// The URL Twilio is configured with.
pub const TWILIO_URL: &str = "https://example.com/twilio/sms?account=fuzz";

/// The provider order of the selector byte.
pub const PROVIDERS: [&str; 6] = ["stripe", "github", "slack", "standard", "shopify", "twilio"];

struct Verifiers {
    stripe: Stripe,
    github: GitHub,
    slack: Slack,
    standard: StandardWebhooks,
    shopify: Shopify,
    twilio: Twilio,
}

static VERIFIERS: LazyLock<Verifiers> = LazyLock::new(|| {
    let s = || Secrets::sha256(&WEBHOOK_SECRETS).expect("webhook secrets");
    Verifiers {
        stripe: Stripe::new(s()),
        github: GitHub::new(s()),
        slack: Slack::new(s()),
        standard: StandardWebhooks::new(s()).accept_svix_header_names(),
        shopify: Shopify::new(s()),
        twilio: Twilio::new(&WEBHOOK_SECRETS).expect("Twilio tokens"),
    }
});

fn hmac256(secret: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut ctx = ring::hmac::Context::with_key(&ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret));
    for p in parts {
        ctx.update(p);
    }
    ctx.sign().as_ref().to_vec()
}

/// Target `webhooks`. The first byte selects the provider (`byte % 6`: Stripe, GitHub, Slack,
/// Standard Webhooks, Shopify, Twilio) and the form (`byte / 6 % 3`):
///
/// - 0, header values: the rest is split at newlines into the provider's header values (Stripe,
///   GitHub, Shopify: one; Slack: timestamp, signature; Standard Webhooks: id, timestamp, signature;
///   Twilio: signature), then the body;
/// - 1, a request (see [`RequestParts`]) through `verify_request` (Twilio at a fixed URL);
/// - 2, minted: the rest is the body (Twilio: alphanumeric form parameters) signed by the testkit at
///   [`crate::NOW`] with the first secret, and the verifier must accept it.
///
/// Property: an accepted GitHub, Shopify or Slack signature equals a one-shot HMAC over the documented
/// message with the secret the verifier reports.
pub fn webhooks(data: &[u8]) {
    let Some((sel, rest)) = crate::selector(data) else { return };
    let v = &*VERIFIERS;
    let guard = MemoryReplayGuard::new(16);
    let now = crate::NOW;
    let provider = sel % 6;
    match (sel / 6) % 3 {
        0 => {
            let (first, body) = crate::split_line(rest);
            match provider {
                0 => {
                    let _ = v.stripe.verify(first, body, now);
                }
                1 => {
                    if let Ok(ok) = v.github.verify(first, body) {
                        let secret = WEBHOOK_SECRETS.get(ok.secret_index).expect("secret index");
                        assert_eq!(tk::github_signature(secret, body).as_bytes(), first, "GitHub reference differs");
                    }
                }
                2 => {
                    let (sig, body) = crate::split_line(body);
                    if let Ok(ok) = v.slack.verify(first, sig, body, now) {
                        let secret = WEBHOOK_SECRETS.get(ok.secret_index).expect("secret index");
                        let want = format!("v0={}", crate::hex(&hmac256(secret, &[b"v0:", first, b":", body])));
                        assert_eq!(want.as_bytes(), sig, "Slack reference differs");
                    }
                }
                3 => {
                    let (ts, body) = crate::split_line(body);
                    let (sig, body) = crate::split_line(body);
                    let _ = v.standard.verify(first, ts, sig, body, now, &guard);
                }
                4 => {
                    if let Ok(ok) = v.shopify.verify(first, body) {
                        let secret = WEBHOOK_SECRETS.get(ok.secret_index).expect("secret index");
                        assert_eq!(tk::shopify_signature(secret, body).as_bytes(), first, "Shopify reference differs");
                    }
                }
                _ => {
                    let _ = v.twilio.verify_form(TWILIO_URL, body, first);
                    if let Ok(text) = core::str::from_utf8(body) {
                        let _ = v.twilio.verify(TWILIO_URL, &[("Body", text)], first);
                    }
                }
            }
        }
        1 => {
            let parts = RequestParts::decode(rest);
            let pairs = parts.pairs();
            let req = parts.view(&pairs);
            let _ = match provider {
                0 => v.stripe.verify_request(&req, now).map(|_| ()),
                1 => v.github.verify_request(&req).map(|_| ()),
                2 => v.slack.verify_request(&req, now).map(|_| ()),
                3 => v.standard.verify_request(&req, now, &guard).map(|_| ()),
                4 => v.shopify.verify_request(&req).map(|_| ()),
                _ => v.twilio.verify_request(TWILIO_URL, &req).map(|_| ()),
            };
        }
        _ => minted(provider, rest, &guard),
    }
}

fn minted(provider: u8, body: &[u8], guard: &MemoryReplayGuard) {
    let v = &*VERIFIERS;
    let now = crate::NOW;
    let ts = now.as_unix();
    let secret = WEBHOOK_SECRETS[0];
    let name = PROVIDERS.get(usize::from(provider)).copied().unwrap_or("?");
    let r = match provider {
        0 => v.stripe.verify(tk::stripe_signature(&[secret], ts, body).as_bytes(), body, now).map(|_| ()),
        1 => v.github.verify(tk::github_signature(secret, body).as_bytes(), body).map(|_| ()),
        2 => {
            let (t, s) = tk::slack_headers(secret, ts, body);
            v.slack.verify(t.as_bytes(), s.as_bytes(), body, now).map(|_| ())
        }
        3 => {
            let id = format!("msg_{}", crate::safe_text(body.get(..16).unwrap_or(body), crate::ALNUM, 16));
            let (id, t, s) = tk::standard_webhooks_headers(secret, &id, ts, body);
            v.standard.verify(id.as_bytes(), t.as_bytes(), s.as_bytes(), body, now, guard).map(|_| ())
        }
        4 => v.shopify.verify(tk::shopify_signature(secret, body).as_bytes(), body).map(|_| ()),
        _ => {
            // Alphanumeric `k=v` pairs (no escaping needed), up to 16.
            let text = crate::safe_text(body, b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789=&", 512);
            let pairs: Vec<(String, String)> = text
                .split('&')
                .filter(|p| !p.is_empty())
                .take(16)
                .map(|p| match p.split_once('=') {
                    Some((k, val)) => (k.to_owned(), val.replace('=', "")),
                    None => (p.to_owned(), String::new()),
                })
                .collect();
            let form = pairs.iter().map(|(k, val)| format!("{k}={val}")).collect::<Vec<_>>().join("&");
            let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, val)| (k.as_str(), val.as_str())).collect();
            let sig = tk::twilio_signature(secret, TWILIO_URL, &borrowed);
            v.twilio.verify_form(TWILIO_URL, form.as_bytes(), sig.as_bytes()).map(|_| ())
        }
    };
    assert!(r.is_ok(), "a {name} webhook the testkit signed was rejected: {r:?}");
}
