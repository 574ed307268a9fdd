//! Reusable UI pieces; only `revoke`, the island of every revoke button, calls the server.

pub mod chart;
pub mod confirm;
pub mod duration_input;
pub mod errors;
pub mod flash;
pub mod href;
pub mod hydration_marker;
pub mod layout;
pub mod pager;
pub mod revoke;
pub mod search_form;
pub mod time;
