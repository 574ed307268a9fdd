//! Reusable UI pieces; nothing here talks to the server directly.

pub mod chart;
pub mod confirm;
pub mod duration_input;
pub mod errors;
pub mod flash;
pub mod href;
pub mod hydration_marker;
pub mod layout;
pub mod pager;
pub mod search_form;
pub mod time;
