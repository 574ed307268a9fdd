//! keycloak-sim
pub mod admin_support;
pub mod error;
pub mod faults;
