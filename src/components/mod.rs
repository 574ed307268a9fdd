//! Reusable UI pieces; nothing here talks to the server directly.

pub mod layout;
