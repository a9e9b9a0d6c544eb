//! API keys and their stored records, minted for tests (filled by the auth-apikey work).
