//! A fault-injecting HTTP proxy in front of the Keycloak under test, simulator or real: every
//! test console reaches Keycloak through one, so faults (an error status, latency, a dropped
//! connection, a spoiled body) are injected the same way on both backends. The faults are
//! keycloak-sim's own (`keycloak_sim::faults`), applied here before a request is forwarded.
//!
//! The proxy forwards the `Host` it was asked for, so Keycloak writes the proxy's address into
//! its URLs and tokens (the real server runs without a fixed hostname in the tests). With nothing
//! listening upstream it answers 503 as a load balancer does; a connection that breaks upstream
//! mid-request is dropped here too, as Keycloak killed mid-request drops it.

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderName};
use axum::response::{IntoResponse, Response};
use axum::Router;
use keycloak_sim::faults::{FaultRegistry, FaultSpec};

pub struct FaultProxy {
    pub url: String,
    pub faults: FaultRegistry,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FaultProxy {
    /// Registers a fault (the `/_sim/faults` body, e.g. `{"pathPrefix": "/", "status": 500}`).
    pub fn add(&self, spec: serde_json::Value) -> String {
        let spec: FaultSpec = serde_json::from_value(spec).expect("a fault spec");
        spec.validate().expect("a valid fault spec");
        self.faults.add(spec).id
    }

    /// How many requests each fault has affected, oldest fault first.
    pub fn hits(&self) -> Vec<u64> {
        self.faults.list().iter().map(|f| f.hits).collect()
    }
}

#[derive(Clone)]
struct Upstream {
    base: String,
    http: reqwest::Client,
}

/// Starts a proxy on a free loopback port forwarding to `upstream` (e.g. `http://127.0.0.1:8080`).
pub async fn start(upstream: &str) -> FaultProxy {
    let faults = FaultRegistry::default();
    let upstream = Upstream {
        base: upstream.trim_end_matches('/').to_owned(),
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(32)
            .build()
            .unwrap(),
    };
    let router = Router::new().fallback(forward).with_state(upstream).layer(
        axum::middleware::from_fn_with_state(faults.clone(), keycloak_sim::faults::layer),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    FaultProxy { url, faults, task }
}

/// Headers that belong to one connection, never forwarded (RFC 9110 §7.6.1).
const HOP_BY_HOP: [HeaderName; 6] = [
    header::CONNECTION,
    header::TE,
    header::TRAILER,
    header::TRANSFER_ENCODING,
    header::UPGRADE,
    header::PROXY_AUTHORIZATION,
];

fn end_to_end(headers: &HeaderMap) -> HeaderMap {
    let mut kept = headers.clone();
    for name in HOP_BY_HOP {
        kept.remove(name);
    }
    kept.remove("keep-alive");
    kept.remove(header::CONTENT_LENGTH);
    kept
}

async fn forward(State(upstream): State<Upstream>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let path = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let Ok(body) = axum::body::to_bytes(body, 16 * 1024 * 1024).await else {
        return dropped();
    };
    let sent = upstream
        .http
        .request(parts.method, format!("{}{path}", upstream.base))
        .headers(end_to_end(&parts.headers))
        .body(body)
        .send()
        .await;
    let answer = match sent {
        Ok(answer) => answer,
        // Nothing listens upstream: answer as a load balancer without a live backend does.
        Err(e) if e.is_connect() => return no_backend(),
        Err(_) => return dropped(),
    };
    let status = answer.status();
    let headers = end_to_end(answer.headers());
    let Ok(body) = answer.bytes().await else {
        return dropped();
    };
    let mut response = (status, body).into_response();
    response.headers_mut().extend(headers);
    response
}

fn no_backend() -> Response {
    (
        axum::http::StatusCode::SERVICE_UNAVAILABLE,
        [(header::CONTENT_TYPE, "text/html")],
        "<html><body><h1>503 Service Unavailable</h1>No server is available to handle this request.</body></html>",
    )
        .into_response()
}

/// A response whose body fails at once: the client sees the connection close without an answer.
fn dropped() -> Response {
    let failing = futures::stream::once(async {
        Err::<Bytes, _>(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "fault proxy: upstream unreachable",
        ))
    });
    Response::new(Body::from_stream(failing))
}
