//! One view per URL.

pub mod home;
pub mod not_found;
