//! Server functions, grouped by domain. Each is thin: check the caller,
//! validate input, call Keycloak (or the database), map errors.

pub mod audit;
pub mod client_policy;
pub mod clients;
pub mod codec;
pub mod history;
pub mod jobs;
pub mod me;
pub mod overview;
pub mod policy;
pub mod readiness;
pub mod revocation;
pub mod sessions;
pub mod users;
pub mod viewer;

#[cfg(feature = "ssr")]
pub(crate) mod support;
