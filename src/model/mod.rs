//! Wire types shared by the server and the browser (serde only).

pub mod audit;
pub mod ids;
