//! Signed requests and webhooks, minted for tests (filled by the auth-hmac work).
