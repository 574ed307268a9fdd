//! Fault injection for reliability tests: `/_sim/faults` registers faults (latency, an error
//! status, a dropped connection) for request paths under a prefix, and a middleware applies them.
//! Real Keycloak has nothing like it; the routes exist only with `--sim-api`.

mod inject;
mod registry;
mod routes;

pub use inject::layer;
pub use registry::{Fault, FaultRegistry, FaultSpec};
pub use routes::routes;
