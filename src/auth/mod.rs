//! Sign-in with Keycloak (authorization code + PKCE, backend-for-frontend):
//! tokens live only in the server-side session.

pub mod admin_caller;
pub mod caller;
pub mod client_secrets;
pub mod oidc;
pub mod routes;
pub mod sealed_store;
pub mod session;
pub mod session_key;
pub mod session_store;

pub use admin_caller::AdminCaller;
pub use caller::Caller;
pub use session::SignedIn;
