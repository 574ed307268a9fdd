//! Wire types shared by the server and the browser (serde only).

pub mod admin;
pub mod audit;
pub mod duration;
pub mod history;
pub mod ids;
pub mod jobs;
pub mod me;
pub mod next_path;
pub mod policy;
pub mod readiness;
pub mod realm_policy;
pub mod time;
