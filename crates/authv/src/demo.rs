//! `authv demo` and `authv serve`: a real HTTPS server whose routes are protected by the authv crates,
//! and a real TLS client that checks every verdict.
//!
//! The server is written as the example to copy: axum routes on hyper and tokio-rustls; each handler
//! turns the request into an [`auth_core::RequestView`] through the `http` adapter, calls one crate's
//! `verify`, and answers either 200 or the rejection's status with its `WWW-Authenticate` challenge.
//! The client sees only the status, the challenge and the RFC 6750 error code; the precise reason goes
//! to the server's log (here an in-memory log the demo reads back by request id), as it should.

use crate::cli::UsageError;
use crate::tls::{self, PeerCertificates};
use auth_apikey::{KeySources, MemoryStore, Policy as ApiKeyPolicy, Record};
use auth_core::{Challenge, Identity, MemoryReplayGuard, Reject, Rejection, RequestView, ScopeSet, Timestamp};
use auth_hmac::{KeyStore, SigV4Verifier, SignedRequestVerifier};
use auth_jwt::{KeySet, Policy as JwtPolicy};
use auth_mtls::Verifier as MtlsVerifier;
use auth_testkit::{Seed, apikey as tk_apikey, hmac as tk_hmac, jwt as tk_jwt, mtls as tk_mtls};
use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use clap::Args;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, pem::PemObject};
use serde_json::json;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};
use tokio::net::{TcpListener, TcpStream};

/// The realm every challenge names.
const REALM: &str = "authv-demo";
/// The largest request body the demo server reads.
const MAX_BODY: usize = 64 * 1024;
/// The host name the server certificate is issued for.
const SERVER_NAME: &str = "localhost";
/// SigV4 scope pinned by the demo.
const REGION: &str = "us-east-1";
const SERVICE: &str = "execute-api";

/// Options of `authv demo`.
#[derive(Args, Debug)]
pub struct DemoArgs {}

/// Options of `authv serve`.
#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8443)]
    pub port: u16,
    /// Folder to write the minted certificates, keys and secrets into for curl (default: a new folder
    /// under the system's temporary directory).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<String>,
}

/// One line of the server's log: what the client is never told.
#[derive(Debug, Clone)]
struct LogLine {
    request_id: String,
    status: u16,
    reason: String,
    verify_micros: f64,
}

/// What the server holds, prepared once at start-up.
struct App {
    apikeys: MemoryStore,
    apikey_environments: [&'static str; 1],
    apikey_scopes: ScopeSet,
    jwt_keys: KeySet,
    jwt_policy: JwtPolicy,
    signed: SignedRequestVerifier,
    sigv4: SigV4Verifier,
    mtls: MtlsVerifier,
    guard: MemoryReplayGuard,
    log: Mutex<Vec<LogLine>>,
}

/// Credentials of every scheme, minted fresh for this run.
struct Minted {
    server_chain: Vec<CertificateDer<'static>>,
    server_key_pem: String,
    ca: CertificateDer<'static>,
    ca_pem: String,
    alice: tk_mtls::Leaf,
    mallory: tk_mtls::Leaf,
    expired_client: tk_mtls::Leaf,
    stranger: tk_mtls::Leaf,
    jwt_key: tk_jwt::SigningKey,
    jwks: String,
    apikey_live: tk_apikey::MintedKey,
    apikey_expired: tk_apikey::MintedKey,
    apikey_revoked: tk_apikey::MintedKey,
    apikey_readonly: tk_apikey::MintedKey,
    hmac_secret: Vec<u8>,
    aws_secret: String,
}

const HMAC_KEY_ID: &str = "client-1";
const AWS_ACCESS_KEY: &str = "AKIDAUTHVDEMO";

fn now_ts() -> Result<Timestamp, UsageError> {
    Timestamp::try_from(SystemTime::now()).map_err(|_| UsageError("the system clock is out of range".into()))
}

fn mint(now: Timestamp) -> Minted {
    // A fresh seed per run: nothing minted here is reused across runs.
    let seed =
        Seed::new(SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64 ^ 0x5eed));
    let now_s = now.as_unix();
    let valid = |spec: tk_mtls::LeafSpec| {
        spec.validity(Timestamp::from_unix(now_s - 3600), Timestamp::from_unix(now_s + 86_400))
    };
    let pki = tk_mtls::Pki::p256("authv demo");
    let server = pki.leaf(
        &valid(tk_mtls::LeafSpec::client(SERVER_NAME))
            .dns(SERVER_NAME)
            .ip(std::net::IpAddr::from([127, 0, 0, 1]))
            .eku(vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth]),
    );
    let alice = pki.leaf(&valid(tk_mtls::LeafSpec::client("alice")).dns("alice.clients.example"));
    let mallory = pki.leaf(&valid(tk_mtls::LeafSpec::client("mallory")));
    let expired_client = pki.leaf(
        &tk_mtls::LeafSpec::client("alice")
            .validity(Timestamp::from_unix(now_s - 2 * 86_400), Timestamp::from_unix(now_s - 86_400)),
    );
    let stranger = tk_mtls::Pki::p256("unknown CA").leaf(&valid(tk_mtls::LeafSpec::client("alice")));

    let jwt_key = tk_jwt::SigningKey::new(tk_jwt::Alg::ES256, seed.derive("jwt")).with_kid("demo-es256");
    let jwks = tk_jwt::jwk_set(&[&jwt_key]);

    let created = now_s - 60;
    let opts = |scopes: &str| {
        let mut o = tk_apikey::MintOptions::new("sk_live").scopes(scopes);
        o.created_at = created;
        o
    };
    let apikey_live = tk_apikey::mint(seed.derive("k1"), &opts("orders:read orders:write"));
    let apikey_expired = tk_apikey::mint(seed.derive("k2"), &opts("orders:read").expires_at(now_s - 1));
    let apikey_revoked = tk_apikey::mint(seed.derive("k3"), &opts("orders:read").revoked());
    let apikey_readonly = tk_apikey::mint(seed.derive("k4"), &opts("orders:read"));

    Minted {
        server_chain: server.chain(),
        server_key_pem: server.key_pem(),
        ca: pki.root.der(),
        ca_pem: pki.root_pem(),
        alice,
        mallory,
        expired_client,
        stranger,
        jwt_key,
        jwks,
        apikey_live,
        apikey_expired,
        apikey_revoked,
        apikey_readonly,
        hmac_secret: seed.bytes("hmac-secret", 32),
        aws_secret: seed.string("aws-secret", b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 40),
    }
}

fn prepare(m: &Minted) -> Result<App, UsageError> {
    let fail = |what: &str, e: &dyn std::fmt::Display| UsageError(format!("demo set-up: {what}: {e}"));
    let records = [&m.apikey_live, &m.apikey_expired, &m.apikey_revoked, &m.apikey_readonly]
        .into_iter()
        .map(|k| serde_json::from_value::<Record>(k.record.clone()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| fail("API-key records", &e))?;
    let apikeys = MemoryStore::from_records(records, None).map_err(|e| fail("API-key store", &e))?;
    let jwt_keys = KeySet::from_jwks(m.jwks.as_bytes()).map_err(|e| fail("JWK Set", &e))?;
    let jwt_policy = JwtPolicy::new()
        .issuer("https://issuer.authv.example")
        .audience("https://api.authv.example")
        .require_scopes("orders:read")
        .map_err(|e| fail("JWT policy", &e))?;
    let signed = SignedRequestVerifier::new(
        KeyStore::new().with(HMAC_KEY_ID, &[m.hmac_secret.as_slice()]).map_err(|e| fail("HMAC keys", &e))?,
    );
    let sigv4 = SigV4Verifier::new()
        .with_credential(AWS_ACCESS_KEY, &m.aws_secret, None)
        .map_err(|e| fail("SigV4 credential", &e))?
        .pin_region(REGION)
        .pin_service(SERVICE);
    let mtls = MtlsVerifier::builder()
        .trust_anchors_pem(m.ca_pem.as_bytes())
        .and_then(|b| b.allow_list_json(r#"{"cn:alice": ["orders:read", "orders:write"]}"#))
        .and_then(auth_mtls::VerifierBuilder::build)
        .map_err(|e| fail("mTLS verifier", &e))?;
    Ok(App {
        apikeys,
        apikey_environments: ["sk_live"],
        apikey_scopes: ScopeSet::parse("orders:read").map_err(|e| fail("scopes", &e))?,
        jwt_keys,
        jwt_policy,
        signed,
        sigv4,
        mtls,
        guard: MemoryReplayGuard::new(100_000),
        log: Mutex::new(Vec::new()),
    })
}

// ---------------------------------------------------------------------------------------------------
// The server: this is the part to copy into a real service.

impl App {
    /// Turns a verdict into the HTTP answer, and logs the reason server-side.
    fn answer(
        &self,
        request_id: &str,
        verdict: Result<Identity, Rejection>,
        elapsed: Duration,
        challenge: Challenge<'_>,
    ) -> Response {
        let verify_micros = elapsed.as_secs_f64() * 1e6;
        let (status, reason, response) = match verdict {
            Ok(identity) => {
                let body = json!({
                    "subject": identity.subject,
                    "scopes": identity.scopes.iter().collect::<Vec<_>>(),
                });
                (200, "ok".to_owned(), (StatusCode::OK, axum::Json(body)).into_response())
            }
            Err(rejection) => {
                let status = StatusCode::from_u16(rejection.status().code()).unwrap_or(StatusCode::UNAUTHORIZED);
                let mut response =
                    (status, axum::Json(json!({ "error": rejection.error().map(|c| c.as_str()) }))).into_response();
                if let Ok(v) = HeaderValue::from_str(&rejection.www_authenticate(&challenge)) {
                    response.headers_mut().insert(header::WWW_AUTHENTICATE, v);
                }
                (status.as_u16(), rejection.reason().to_owned(), response)
            }
        };
        if let Ok(mut log) = self.log.lock() {
            log.push(LogLine { request_id: request_id.to_owned(), status, reason, verify_micros });
        }
        response
    }

    fn take_log(&self, request_id: &str) -> Option<LogLine> {
        let mut log = self.log.lock().ok()?;
        let i = log.iter().position(|l| l.request_id == request_id)?;
        Some(log.remove(i))
    }
}

/// Splits a request into parts and a bounded body.
async fn collect(req: Request) -> Result<(axum::http::request::Parts, axum::body::Bytes), Response> {
    let (parts, body) = req.into_parts();
    match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(bytes) => Ok((parts, bytes)),
        Err(_) => Err(StatusCode::PAYLOAD_TOO_LARGE.into_response()),
    }
}

fn request_id(parts: &axum::http::request::Parts) -> String {
    parts.headers.get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-").to_owned()
}

/// What every route does: read the body (bounded), view the request through auth-core's `http`
/// adapter, read the clock once, run one verifier, answer. Only `verify` differs per scheme.
async fn protect(
    app: Arc<App>,
    req: Request,
    challenge: Challenge<'static>,
    verify: impl FnOnce(&App, &RequestView<'_>, &PeerCertificates, Timestamp) -> Result<Identity, Rejection>,
) -> Response {
    let peer = req.extensions().get::<PeerCertificates>().cloned().unwrap_or_default();
    let (parts, body) = match collect(req).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let view = RequestView::from_http_parts(&parts, &body);
    let started = Instant::now();
    let verdict = match now_ts() {
        Ok(now) => verify(&app, &view, &peer, now),
        Err(_) => Err(Rejection::invalid_token("clock")),
    };
    app.answer(&request_id(&parts), verdict, started.elapsed(), challenge)
}

const fn challenge(scheme: &'static str) -> Challenge<'static> {
    Challenge { scheme: auth_core::ChallengeScheme::Custom(scheme), realm: Some(REALM) }
}

async fn apikey_route(State(app): State<Arc<App>>, req: Request) -> Response {
    protect(app, req, Challenge::bearer(Some(REALM)), |app, view, _, now| {
        let policy = ApiKeyPolicy::new(&app.apikey_environments).require_scopes(&app.apikey_scopes);
        let sources = KeySources::none().with_bearer().with_header("x-api-key").with_basic_key_as_user();
        auth_apikey::verify_request(view, &sources, &app.apikeys, &policy, now)
            .map(|v| v.identity())
            .map_err(|e| policy.rejection(&e))
    })
    .await
}

async fn jwt_route(State(app): State<Arc<App>>, req: Request) -> Response {
    protect(app, req, Challenge::bearer(Some(REALM)), |app, view, _, now| {
        match auth_core::extract_credential(view, &auth_core::CredentialSources::none().with_bearer()) {
            Ok(auth_core::Credential::Bearer(token)) => auth_jwt::verify(token, &app.jwt_keys, &app.jwt_policy, now)
                .map(|t| t.identity())
                .map_err(|e| e.rejection()),
            Ok(_) => Err(Rejection::missing_credentials()),
            Err(e) => Err(e.rejection()),
        }
    })
    .await
}

async fn hmac_route(State(app): State<Arc<App>>, req: Request) -> Response {
    protect(app, req, challenge("HMAC-SHA256"), |app, view, _, now| {
        app.signed.verify(view, now, &app.guard).map(|v| v.identity()).map_err(|e| e.rejection())
    })
    .await
}

async fn sigv4_route(State(app): State<Arc<App>>, req: Request) -> Response {
    protect(app, req, challenge("AWS4-HMAC-SHA256"), |app, view, _, now| {
        app.sigv4.verify(view, now).map(|v| v.identity()).map_err(|e| e.rejection())
    })
    .await
}

async fn mtls_route(State(app): State<Arc<App>>, req: Request) -> Response {
    protect(app, req, challenge("mTLS"), |app, _, peer, now| {
        if peer.0.is_empty() {
            return Err(Rejection::missing_credentials());
        }
        app.mtls.verify_chain(&peer.0, now).map(|c| c.identity()).map_err(|e| e.rejection())
    })
    .await
}

fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/apikey/orders", get(apikey_route))
        .route("/jwt/orders", get(jwt_route))
        .route("/hmac/orders", post(hmac_route))
        .route("/sigv4/orders", get(sigv4_route).post(sigv4_route))
        .route("/mtls/orders", get(mtls_route))
        .with_state(app)
}

/// Accepts TLS connections and serves each with hyper, handing the peer's certificates to the routes.
async fn serve(listener: TcpListener, tls: Arc<rustls::ServerConfig>, router: Router) {
    let acceptor = tokio_rustls::TlsAcceptor::from(tls);
    loop {
        let Ok((tcp, _)) = listener.accept().await else { continue };
        let acceptor = acceptor.clone();
        let router = router.clone();
        tokio::spawn(async move {
            let Ok(stream) = acceptor.accept(tcp).await else { return };
            let peer: Vec<CertificateDer<'static>> = stream
                .get_ref()
                .1
                .peer_certificates()
                .map(|c| c.iter().map(|d| d.clone().into_owned()).collect())
                .unwrap_or_default();
            let peer = PeerCertificates(Arc::new(peer));
            let service = hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
                req.extensions_mut().insert(peer.clone());
                let router = router.clone();
                async move {
                    use tower_service::Service;
                    let mut router = router;
                    router.call(req.map(Body::new)).await
                }
            });
            let io = hyper_util::rt::TokioIo::new(stream);
            let _ = hyper::server::conn::http1::Builder::new().serve_connection(io, service).await;
        });
    }
}

async fn start(app: Arc<App>, m: &Minted, port: u16) -> Result<SocketAddr, UsageError> {
    let key = PrivateKeyDer::from_pem_slice(m.server_key_pem.as_bytes())
        .map_err(|e| UsageError(format!("demo set-up: server key: {e}")))?;
    let tls =
        tls::server_config(m.server_chain.clone(), key).map_err(|e| UsageError(format!("demo set-up: TLS: {e}")))?;
    let listener =
        TcpListener::bind(("127.0.0.1", port)).await.map_err(|e| UsageError(format!("cannot listen: {e}")))?;
    let addr = listener.local_addr().map_err(|e| UsageError(format!("cannot listen: {e}")))?;
    tokio::spawn(serve(listener, tls, router(app)));
    Ok(addr)
}

// ---------------------------------------------------------------------------------------------------
// The client side of the demo.

/// One request the demo sends, and what must come back.
struct Case {
    scheme: &'static str,
    name: &'static str,
    method: &'static str,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    client_cert: Option<(Vec<CertificateDer<'static>>, String)>,
    want_status: u16,
    want_reason: &'static str,
}

/// What came back.
struct Outcome {
    status: u16,
    challenge: Option<String>,
    log: Option<LogLine>,
}

async fn send(addr: SocketAddr, ca: &CertificateDer<'static>, case: &Case, id: &str) -> Result<Outcome, String> {
    let client_auth = match &case.client_cert {
        Some((chain, key_pem)) => {
            let key = PrivateKeyDer::from_pem_slice(key_pem.as_bytes()).map_err(|e| e.to_string())?;
            Some((chain.clone(), key))
        }
        None => None,
    };
    let config = tls::client_config(ca, client_auth).map_err(|e| e.to_string())?;
    let connector = tokio_rustls::TlsConnector::from(config);
    let tcp = TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
    let name = rustls::pki_types::ServerName::try_from(SERVER_NAME).map_err(|e| e.to_string())?;
    let stream = connector.connect(name, tcp).await.map_err(|e| format!("TLS: {e}"))?;
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await.map_err(|e| e.to_string())?;
    tokio::spawn(conn);
    let mut builder = hyper::Request::builder()
        .method(case.method)
        .uri(&case.path)
        .header("host", format!("{SERVER_NAME}:{}", addr.port()))
        .header("x-request-id", id);
    for (k, v) in &case.headers {
        builder = builder.header(k.as_str(), v.as_str());
    }
    let req = builder
        .body(http_body_util::Full::new(axum::body::Bytes::from(case.body.clone())))
        .map_err(|e| e.to_string())?;
    let resp = sender.send_request(req).await.map_err(|e| e.to_string())?;
    let status = resp.status().as_u16();
    let challenge = resp.headers().get(header::WWW_AUTHENTICATE).and_then(|v| v.to_str().ok()).map(str::to_owned);
    Ok(Outcome { status, challenge, log: None })
}

fn amz_date(now: Timestamp) -> String {
    now.to_offset_date_time()
        .map(|t| {
            format!(
                "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            )
        })
        .unwrap_or_default()
}

fn tamper_last_char(s: &str) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    if let Some(last) = chars.last_mut() {
        *last = if *last == 'A' { 'B' } else { 'A' };
    }
    chars.into_iter().collect()
}

#[allow(clippy::too_many_lines)]
fn cases(m: &Minted, now: Timestamp, port: u16) -> Vec<Case> {
    let now_s = now.as_unix();
    let h = |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect::<Vec<_>>();
    let get = |scheme, name, path: &str, headers, want_status, want_reason| Case {
        scheme,
        name,
        method: "GET",
        path: path.to_owned(),
        headers,
        body: Vec::new(),
        client_cert: None,
        want_status,
        want_reason,
    };
    let mut out = Vec::new();

    // API keys.
    let ak = "/apikey/orders";
    out.push(get("apikey", "valid (x-api-key)", ak, h(&[("x-api-key", &m.apikey_live.key)]), 200, "ok"));
    out.push(get(
        "apikey",
        "valid (Bearer)",
        ak,
        h(&[("authorization", &format!("Bearer {}", m.apikey_live.key))]),
        200,
        "ok",
    ));
    out.push(get(
        "apikey",
        "tampered",
        ak,
        h(&[("x-api-key", &tamper_last_char(&m.apikey_live.key))]),
        401,
        "bad_checksum",
    ));
    out.push(get("apikey", "expired", ak, h(&[("x-api-key", &m.apikey_expired.key)]), 401, "expired"));
    out.push(get("apikey", "revoked", ak, h(&[("x-api-key", &m.apikey_revoked.key)]), 401, "revoked"));
    out.push(get("apikey", "missing", ak, Vec::new(), 401, "missing_credentials"));
    out.push(get("apikey", "malformed", ak, h(&[("x-api-key", "not-a-key")]), 401, "malformed_key"));
    out.push(get(
        "apikey",
        "offered twice",
        ak,
        h(&[("x-api-key", &m.apikey_live.key), ("authorization", &format!("Bearer {}", m.apikey_live.key))]),
        400,
        "multiple_credentials",
    ));

    // JWT access tokens.
    let jp = "/jwt/orders";
    let claims = |scope: &str, exp: i64| {
        json!({"iss": "https://issuer.authv.example", "aud": "https://api.authv.example", "sub": "alice",
               "client_id": "demo-client", "iat": now_s - 10, "exp": exp, "scope": scope, "jti": "demo-1"})
    };
    let good = tk_jwt::mint(&m.jwt_key, &claims("orders:read orders:write", now_s + 600));
    let bearer = |t: &str| h(&[("authorization", &format!("Bearer {t}"))]);
    out.push(get("jwt", "valid", jp, bearer(&good), 200, "ok"));
    out.push(get("jwt", "tampered signature", jp, bearer(&tamper_last_char(&good)), 401, "bad_signature"));
    out.push(get(
        "jwt",
        "expired",
        jp,
        bearer(&tk_jwt::mint(&m.jwt_key, &claims("orders:read", now_s - 600))),
        401,
        "expired",
    ));
    out.push(get(
        "jwt",
        "wrong scope",
        jp,
        bearer(&tk_jwt::mint(&m.jwt_key, &claims("profile", now_s + 600))),
        403,
        "insufficient_scope",
    ));
    let none = format!(
        "{}.{}.c2lnbmF0dXJl",
        tk_jwt::b64url(br#"{"alg":"none"}"#),
        tk_jwt::b64url(claims("orders:read", now_s + 600).to_string().as_bytes())
    );
    out.push(get("jwt", "alg none", jp, bearer(&none), 401, "algorithm_not_allowed"));
    out.push(get("jwt", "missing", jp, Vec::new(), 401, "missing_credentials"));
    out.push(get("jwt", "malformed", jp, bearer("not.a.jwt"), 401, "malformed_token"));

    // HMAC-signed requests.
    let hp = "/hmac/orders?dry_run=1";
    let body = br#"{"amount":1250,"currency":"eur"}"#.to_vec();
    let sign = |ts: i64, nonce: &str, body: &[u8]| {
        tk_hmac::signed_request_headers(HMAC_KEY_ID, &m.hmac_secret, "POST", hp, ts, nonce, body).to_vec()
    };
    let post = |name, headers, body: Vec<u8>, want_status, want_reason| Case {
        scheme: "hmac",
        name,
        method: "POST",
        path: hp.to_owned(),
        headers,
        body,
        client_cert: None,
        want_status,
        want_reason,
    };
    let signed = sign(now_s, "n-valid-0001", &body);
    out.push(post("valid", signed.clone(), body.clone(), 200, "ok"));
    out.push(post("replayed", signed, body.clone(), 401, "replayed"));
    out.push(post(
        "tampered body",
        sign(now_s, "n-tamper-0001", &body),
        b"{\"amount\":9999}".to_vec(),
        401,
        "bad_signature",
    ));
    out.push(post(
        "expired (stale timestamp)",
        sign(now_s - 3600, "n-stale-0001", &body),
        body.clone(),
        401,
        "stale_timestamp",
    ));
    out.push(post("missing", Vec::new(), body.clone(), 401, "missing_credentials"));
    let mut malformed = sign(now_s, "n-malformed-01", &body);
    if let Some(sig) = malformed.get_mut(3) {
        sig.1 = sig.1.to_uppercase();
    }
    out.push(post("malformed signature", malformed, body.clone(), 401, "malformed_signature"));

    // AWS SigV4.
    let params = tk_hmac::SigV4Params {
        access_key_id: AWS_ACCESS_KEY,
        secret: &m.aws_secret,
        region: REGION,
        service: SERVICE,
        amz_date: &amz_date(now),
        session_token: None,
    };
    let host = format!("{SERVER_NAME}:{port}");
    let (target, headers) =
        tk_hmac::sigv4_header_request(&params, "GET", &host, "/sigv4/orders", &[("limit", "10")], &[], b"");
    // The client sets `host` itself; drop it from the signed list we add.
    let headers: Vec<(String, String)> = headers.into_iter().filter(|(k, _)| k != "host").collect();
    out.push(get("sigv4", "valid", &target, headers.clone(), 200, "ok"));
    let tampered_target = target.replace("limit=10", "limit=11");
    out.push(get("sigv4", "tampered query", &tampered_target, headers, 401, "bad_signature"));
    let old = tk_hmac::SigV4Params { amz_date: &amz_date(Timestamp::from_unix(now_s - 3600)), ..params.clone() };
    let (target, headers) = tk_hmac::sigv4_header_request(&old, "GET", &host, "/sigv4/orders", &[], &[], b"");
    let headers: Vec<(String, String)> = headers.into_iter().filter(|(k, _)| k != "host").collect();
    out.push(get("sigv4", "expired (stale date)", &target, headers, 401, "stale_timestamp"));
    out.push(get("sigv4", "missing", "/sigv4/orders", Vec::new(), 401, "missing_credentials"));

    // Mutual TLS.
    let mp = "/mtls/orders";
    let with_cert = |name, leaf: &tk_mtls::Leaf, want_status, want_reason| Case {
        client_cert: Some((leaf.chain(), leaf.key_pem())),
        ..get("mtls", name, mp, Vec::new(), want_status, want_reason)
    };
    out.push(with_cert("valid", &m.alice, 200, "ok"));
    out.push(with_cert("untrusted CA", &m.stranger, 401, "unknown_issuer"));
    out.push(with_cert("expired", &m.expired_client, 401, "expired"));
    out.push(with_cert("not on the allow-list", &m.mallory, 403, "identity_not_allowed"));
    out.push(get("mtls", "missing", mp, Vec::new(), 401, "missing_credentials"));
    out
}

/// Whether the challenge fits the status: every 401 carries one; a 401 for missing credentials has no
/// `error` attribute, other Bearer 401s have `error="invalid_token"`; 403s say `insufficient_scope`.
fn challenge_ok(case: &Case, o: &Outcome) -> bool {
    match (o.status, o.challenge.as_deref()) {
        (200, None) => true,
        (401, Some(c)) if case.want_reason == "missing_credentials" => c.contains(REALM) && !c.contains("error="),
        (401, Some(c)) => c.contains("error=\"invalid_token\""),
        (403, Some(c)) => c.contains("error=\"insufficient_scope\""),
        (400, Some(c)) => c.contains("error=\"invalid_request\""),
        _ => false,
    }
}

/// Runs `authv demo`.
///
/// # Errors
/// A [`UsageError`] when the demo cannot be set up (exit 2); a failed verdict gives exit 1.
pub fn run_demo(_args: &DemoArgs) -> Result<u8, UsageError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| UsageError(format!("cannot start the runtime: {e}")))?;
    rt.block_on(async {
        let now = now_ts()?;
        let minted = mint(now);
        let app = Arc::new(prepare(&minted)?);
        let addr = start(Arc::clone(&app), &minted, 0).await?;
        println!(
            "authv demo: HTTPS server on https://{SERVER_NAME}:{} (127.0.0.1), credentials minted fresh\n",
            addr.port()
        );
        println!(
            "{:<7} {:<28} {:>6} {:<24} {:>10}  verdict",
            "scheme", "case", "status", "reason (server log)", "verify µs"
        );
        println!("{}", "-".repeat(92));
        let mut failures = 0usize;
        let all = cases(&minted, now, addr.port());
        let total = all.len();
        for (i, case) in all.iter().enumerate() {
            let id = format!("demo-{i:03}");
            let outcome = send(addr, &minted.ca, case, &id).await.map(|mut o| {
                o.log = app.take_log(&id);
                o
            });
            let (status, reason, micros, ok) = match &outcome {
                Ok(o) => {
                    let reason = o.log.as_ref().map_or("-", |l| l.reason.as_str()).to_owned();
                    let micros = o.log.as_ref().map_or(0.0, |l| l.verify_micros);
                    let logged = o.log.as_ref().is_some_and(|l| l.status == o.status);
                    let ok =
                        logged && o.status == case.want_status && reason == case.want_reason && challenge_ok(case, o);
                    (o.status.to_string(), reason, micros, ok)
                }
                Err(e) => ("error".to_owned(), e.clone(), 0.0, false),
            };
            if !ok {
                failures += 1;
            }
            let verdict = if ok {
                "as expected".to_owned()
            } else {
                format!("UNEXPECTED (wanted {} {})", case.want_status, case.want_reason)
            };
            println!("{:<7} {:<28} {:>6} {:<24} {:>10.1}  {verdict}", case.scheme, case.name, status, reason, micros);
        }
        println!("{}", "-".repeat(92));
        if failures == 0 {
            println!("authv demo: all {total} verdicts as expected");
            Ok(0)
        } else {
            println!("authv demo: {failures} of {total} verdicts NOT as expected");
            Ok(1)
        }
    })
}

/// Runs `authv serve`.
///
/// # Errors
/// A [`UsageError`] when the server cannot be set up.
pub fn run_serve(args: &ServeArgs) -> Result<u8, UsageError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| UsageError(format!("cannot start the runtime: {e}")))?;
    rt.block_on(async {
        let now = now_ts()?;
        let minted = mint(now);
        let app = Arc::new(prepare(&minted)?);
        let dir = match &args.dir {
            Some(d) => std::path::PathBuf::from(d),
            None => std::env::temp_dir().join(format!("authv-serve-{}", std::process::id())),
        };
        write_files(&dir, &minted)?;
        let addr = start(Arc::clone(&app), &minted, args.port).await?;
        print_curl(&dir, &minted, addr.port(), now);
        tokio::signal::ctrl_c().await.map_err(|e| UsageError(format!("cannot wait for Ctrl-C: {e}")))?;
        Ok(0)
    })
}

fn write_files(dir: &std::path::Path, m: &Minted) -> Result<(), UsageError> {
    let write = |name: &str, contents: &[u8]| {
        std::fs::write(dir.join(name), contents).map_err(|e| UsageError(format!("cannot write {name}: {e}")))
    };
    std::fs::create_dir_all(dir).map_err(|e| UsageError(format!("cannot create {}: {e}", dir.display())))?;
    write("ca.pem", m.ca_pem.as_bytes())?;
    write("alice.pem", m.alice.chain_pem().as_bytes())?;
    write("alice.key", m.alice.key_pem().as_bytes())?;
    write("mallory.pem", m.mallory.chain_pem().as_bytes())?;
    write("mallory.key", m.mallory.key_pem().as_bytes())?;
    write("jwks.json", m.jwks.as_bytes())?;
    Ok(())
}

fn print_curl(dir: &std::path::Path, m: &Minted, port: u16, now: Timestamp) {
    let d = dir.display();
    let base = format!("https://{SERVER_NAME}:{port}");
    let token = tk_jwt::mint(
        &m.jwt_key,
        &json!({"iss": "https://issuer.authv.example", "aud": "https://api.authv.example", "sub": "alice",
                "iat": now.as_unix(), "exp": now.as_unix() + 3600, "scope": "orders:read"}),
    );
    println!("authv serve: listening on {base} (127.0.0.1); files in {d}; Ctrl-C to stop\n");
    println!("# API key (200), then a wrong one (401)");
    println!("curl --cacert {d}/ca.pem -H 'x-api-key: {}' {base}/apikey/orders", m.apikey_live.key);
    println!("curl --cacert {d}/ca.pem -i -H 'x-api-key: sk_live_wrong' {base}/apikey/orders\n");
    println!("# JWT access token (valid for an hour)");
    println!("curl --cacert {d}/ca.pem -H 'authorization: Bearer {token}' {base}/jwt/orders\n");
    println!("# AWS SigV4 with curl's own signer");
    println!(
        "curl --cacert {d}/ca.pem --aws-sigv4 'aws:amz:{REGION}:{SERVICE}' --user '{AWS_ACCESS_KEY}:{}' {base}/sigv4/orders\n",
        m.aws_secret
    );
    println!("# mutual TLS: alice is allowed (200), mallory is trusted but not allowed (403)");
    println!("curl --cacert {d}/ca.pem --cert {d}/alice.pem --key {d}/alice.key {base}/mtls/orders");
    println!("curl --cacert {d}/ca.pem --cert {d}/mallory.pem --key {d}/mallory.key -i {base}/mtls/orders\n");
    let hex: String = m.hmac_secret.iter().map(|b| format!("{b:02x}")).collect();
    println!(
        "# HMAC-signed request: sign METHOD\\nPATH\\nTS\\nNONCE\\n + body with the hex secret {hex} (key id {HMAC_KEY_ID})"
    );
    println!(
        "ts=$(date +%s); nonce=$(openssl rand -hex 12); body='{{\"amount\":5}}'; \
         sig=$(printf 'POST\\n/hmac/orders\\n%s\\n%s\\n%s' \"$ts\" \"$nonce\" \"$body\" | openssl dgst -sha256 -mac HMAC -macopt hexkey:{hex} | sed 's/^.* //'); \
         curl --cacert {d}/ca.pem -H \"X-API-Key: {HMAC_KEY_ID}\" -H \"X-Timestamp: $ts\" -H \"X-Nonce: $nonce\" -H \"X-Signature: $sig\" --data \"$body\" {base}/hmac/orders"
    );
}
