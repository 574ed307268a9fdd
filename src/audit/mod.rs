//! The append-only audit log: every administrative mutation is recorded as
//! `attempted` before Keycloak is called and as `succeeded`/`failed` after.

pub mod csv;
pub mod export;
pub mod store;

pub use store::{AuditEntry, AuditFilter, Outcome, Recorder};
