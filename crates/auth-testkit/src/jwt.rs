//! JWTs, JWKs and JWK Sets, minted for tests (filled by the auth-jwt work).
