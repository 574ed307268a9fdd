//! One view per URL.

pub mod admin;
pub mod audit;
pub mod home;
pub mod me;
pub mod not_found;
pub mod params;
pub mod signin;
