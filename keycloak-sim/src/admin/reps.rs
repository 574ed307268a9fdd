//! Admin REST representations built from the model, per caller where Keycloak does so.

pub mod client;
pub mod role;
pub mod session;
pub mod user;
