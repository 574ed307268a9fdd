//! One conformance suite, two servers: the same assertions against keycloak-sim (default)
//! and against a real Keycloak 26.7 (`KEYCLOAK_CONFORMANCE_URL`). What a test asserts is
//! what the real server does; where keycloak-sim differs, keycloak-sim is wrong.

mod server;

mod account;
mod admin_access;
mod browser;
mod client_urls;
mod consents;
mod discovery;
mod expiry;
mod offline_sessions;
mod oidc_library;
mod realm_settings;
mod revocation;
mod tokens;
