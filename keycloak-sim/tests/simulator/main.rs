//! keycloak-sim's own tests, one module per area, in one binary: each extra test binary
//! would link the simulator again; `support` holds the helpers they share. The conformance
//! suite (`tests/conformance/`), which also runs against a real Keycloak, stays a binary of
//! its own.

mod support;

mod account_api;
mod admin_access;
mod admin_client_sessions;
mod admin_clients;
mod admin_consents;
mod admin_persistence;
mod admin_realm;
mod admin_users;
mod bad_input;
mod bearer_auth;
mod browser_flow;
mod discovery;
mod expiry;
mod faults;
mod logout_revoke;
mod offline_grant;
mod persistence;
mod refresh_errors;
mod rotation;
mod sim_api;
