//! `AdminCaller`: what a plain handler (a download) takes to be answered only for a signed-in
//! administrator whose roles are current. A refusal answers as a server function's would.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use tower_sessions::Session;

use super::Caller;
use crate::state::AppState;

pub struct AdminCaller(pub Caller);

impl FromRequestParts<AppState> for AdminCaller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        Caller::admin_of_session(state.clone(), session)
            .await
            .map(AdminCaller)
            .map_err(crate::export::refuse)
    }
}
