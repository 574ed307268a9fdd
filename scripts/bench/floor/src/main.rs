//! The floor of the benchmark's item 2 (`make bench`): the least any console built on this
//! stack (axum in front, reqwest to Keycloak) adds to Keycloak's own answer.
//!
//! `GET /{realm}/{client}?first=&max=` sends the two reads the console's sessions page makes
//! (the page of offline sessions and their total) to Keycloak in parallel, passing on the
//! caller's `Authorization` header, decodes both answers and returns them as one JSON document.
//! No session, no server function, no rendering, no logging: what the console costs above this
//! is its own work; what this costs above the direct reads is the extra hop itself.
//!
//! Configured like the console: `KEYCLOAK_URL`, `BIND_ADDR`; a multi-threaded tokio runtime.
//! `GET /healthz` answers once it listens.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use reqwest::Url;
use serde::Deserialize;
use serde_json::{json, Value};
use std::time::Duration;

#[derive(Clone)]
struct Upstream {
    http: reqwest::Client,
    keycloak: Url,
}

#[derive(Deserialize)]
struct PageQuery {
    first: u32,
    max: u32,
}

/// The page and count URLs, every path segment percent-encoded as the console does.
fn read_urls(keycloak: &Url, realm: &str, client: &str, page: &PageQuery) -> (Url, Url) {
    let client_url = |last: &str| {
        let mut url = keycloak.clone();
        url.path_segments_mut()
            .expect("an http(s) URL has path segments")
            .pop_if_empty()
            .extend(["admin", "realms", realm, "clients", client, last]);
        url
    };
    let mut sessions = client_url("offline-sessions");
    sessions
        .query_pairs_mut()
        .append_pair("first", &page.first.to_string())
        .append_pair("max", &page.max.to_string());
    (sessions, client_url("offline-session-count"))
}

async fn read_json(upstream: &Upstream, url: Url, authorization: &str) -> Result<Value, Response> {
    let answer = upstream
        .http
        .get(url)
        .header(header::AUTHORIZATION, authorization)
        .send()
        .await
        .map_err(|e| (StatusCode::BAD_GATEWAY, e.to_string()).into_response())?;
    if !answer.status().is_success() {
        let status =
            StatusCode::from_u16(answer.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
        return Err((status, "Keycloak refused the read").into_response());
    }
    answer
        .json()
        .await
        .map_err(|e| (StatusCode::BAD_GATEWAY, e.to_string()).into_response())
}

async fn sessions_page(
    State(upstream): State<Upstream>,
    Path((realm, client)): Path<(String, String)>,
    Query(page): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    let Some(authorization) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return (
            StatusCode::UNAUTHORIZED,
            "an Authorization header is required",
        )
            .into_response();
    };
    let (sessions_url, count_url) = read_urls(&upstream.keycloak, &realm, &client, &page);
    let (sessions, count) = tokio::join!(
        read_json(&upstream, sessions_url, authorization),
        read_json(&upstream, count_url, authorization)
    );
    match (sessions, count) {
        (Ok(sessions), Ok(count)) => {
            let body = json!({ "sessions": sessions, "total": count["count"] }).to_string();
            ([(header::CONTENT_TYPE, "application/json")], body).into_response()
        }
        (Err(refused), _) | (_, Err(refused)) => refused,
    }
}

fn required_env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("bench-floor: set {name}"))
}

#[tokio::main]
async fn main() {
    let keycloak =
        Url::parse(&required_env("KEYCLOAK_URL")).expect("bench-floor: KEYCLOAK_URL is a URL");
    // The console's Keycloak client settings that matter on loopback (keep-alive pool, no redirects).
    let http = reqwest::Client::builder()
        .pool_idle_timeout(Duration::from_secs(60))
        .pool_max_idle_per_host(64)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a TLS backend is compiled in");
    let app = Router::new()
        .route("/{realm}/{client}", get(sessions_page))
        .route("/healthz", get(|| async { "ok" }))
        .with_state(Upstream { http, keycloak });
    let listener = tokio::net::TcpListener::bind(required_env("BIND_ADDR"))
        .await
        .expect("bench-floor: cannot bind BIND_ADDR");
    axum::serve(listener, app)
        .await
        .expect("bench-floor: server stopped");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_go_to_keycloaks_paths_with_every_segment_encoded() {
        let keycloak = Url::parse("http://127.0.0.1:8080/").unwrap();
        let (sessions, count) = read_urls(
            &keycloak,
            "demo/x",
            "a b",
            &PageQuery { first: 20, max: 10 },
        );
        assert_eq!(
            sessions.as_str(),
            "http://127.0.0.1:8080/admin/realms/demo%2Fx/clients/a%20b/offline-sessions?first=20&max=10"
        );
        assert_eq!(
            count.as_str(),
            "http://127.0.0.1:8080/admin/realms/demo%2Fx/clients/a%20b/offline-session-count"
        );
    }

    #[test]
    fn a_keycloak_url_with_a_context_path_keeps_it() {
        let keycloak = Url::parse("http://kc.example/auth").unwrap();
        let (_, count) = read_urls(&keycloak, "demo", "c1", &PageQuery { first: 0, max: 1 });
        assert_eq!(
            count.as_str(),
            "http://kc.example/auth/admin/realms/demo/clients/c1/offline-session-count"
        );
    }
}
