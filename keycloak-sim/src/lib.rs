//! keycloak-sim (TEMPORARY lib.rs until sim-core is merged)
pub mod admin;
pub mod clock;
pub mod error;
pub mod faults;
pub mod id;
pub mod keys;
pub mod model;
pub mod store {
    pub mod client_index;
    pub mod dirty;
    pub mod realm;
    pub mod sessions;
}
