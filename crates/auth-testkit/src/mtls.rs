//! Certificate chains and CRLs minted with rcgen for tests (filled by the auth-mtls work).
