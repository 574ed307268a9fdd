//! Admin REST API (`/admin/realms/...`, contract §1).

pub mod paging;
pub mod permissions;
pub mod reps;
pub mod user_search;
