//! Account REST API (`/realms/{realm}/account/...`, Keycloak's `AccountRestService`).

mod applications;
mod caller;
mod messages;
mod sessions;

use axum::routing::get;
use axum::Router;

use crate::admin::route_with_trailing_slash;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    let mut router = Router::new();
    // Unversioned and `v1` paths reach the same resources (`AccountLoader`).
    for base in ["/realms/{realm}/account", "/realms/{realm}/account/v1"] {
        router = route_with_trailing_slash(
            router,
            &format!("{base}/applications"),
            get(applications::list),
        );
        router = route_with_trailing_slash(
            router,
            &format!("{base}/applications/{{client}}/consent"),
            get(applications::consent).delete(applications::revoke_consent),
        );
        router =
            route_with_trailing_slash(router, &format!("{base}/sessions"), get(sessions::list));
        router = route_with_trailing_slash(
            router,
            &format!("{base}/sessions/devices"),
            get(sessions::devices),
        );
    }
    router.layer(axum::middleware::from_fn(account_console_for_browsers))
}

/// A GET that does not ask for JSON is a browser opening the account console: Keycloak
/// answers it with the console's page, whatever the path under `/account`.
async fn account_console_for_browsers(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let wants_json = request
        .headers()
        .get(axum::http::header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.contains("application/json"));
    if request.method() == axum::http::Method::GET && !wants_json {
        return axum::response::Html(
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Account Management</title></head><body><div id=\"app\"></div></body></html>\n",
        )
        .into_response();
    }
    next.run(request).await
}
