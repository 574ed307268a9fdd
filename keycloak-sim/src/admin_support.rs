//! TEMPORARY holder for admin pieces until sim-core's router is merged.
#[path = "admin/paging.rs"]
pub mod paging;
#[path = "admin/permissions.rs"]
pub mod permissions;
