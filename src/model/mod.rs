//! Wire types shared by the server and the browser (serde only).

pub mod admin;
pub mod audit;
pub mod ids;
pub mod jobs;
pub mod policy;
pub mod time;
