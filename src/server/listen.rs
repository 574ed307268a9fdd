//! Accepting connections. axum's own `serve` sets no deadline on a request's headers, so a
//! client trickling them held its connection for ever; here hyper closes a connection whose
//! next request's headers do not arrive within the client timeout (an idle keep-alive
//! connection included).

use std::future::Future;
use std::io;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;

/// Serves `router` until `shutdown` completes, then waits for the requests in progress.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    client_timeout: Duration,
    shutdown: impl Future<Output = ()>,
) {
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(client_timeout);
    let connections = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    wait_after_accept_error(&e).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        send_at_once(&stream);
        let service = TowerToHyperService::new(router.clone());
        let connection = builder.serve_connection(TokioIo::new(stream), service);
        let connection = connections.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    connections.shutdown().await;
}

/// With Nagle's algorithm on, the second write of a response (a page's body after its
/// headers) waits for the client's delayed ACK, which Linux holds back for up to 40 ms.
fn send_at_once(stream: &tokio::net::TcpStream) {
    if let Err(e) = stream.set_nodelay(true) {
        tracing::debug!(error = %e, "TCP_NODELAY refused");
    }
}

/// A refused connection is the client's problem; running out of file descriptors is ours,
/// and accepting again at once would spin.
async fn wait_after_accept_error(e: &io::Error) {
    let per_connection = matches!(
        e.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionReset
    );
    if !per_connection {
        tracing::warn!(error = %e, "accepting a connection failed; waiting a second");
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    #[tokio::test]
    async fn accepted_connections_send_without_waiting_for_acks() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let _client = tokio::net::TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (accepted, _) = listener.accept().await.unwrap();
        send_at_once(&accepted);
        assert!(accepted.nodelay().unwrap());
    }

    #[tokio::test]
    async fn a_client_that_does_not_finish_its_headers_is_disconnected() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let router = Router::new().route("/", axum::routing::get(|| async { "hello" }));
        tokio::spawn(serve(
            listener,
            router,
            Duration::from_millis(300),
            std::future::pending(),
        ));

        let mut whole = tokio::net::TcpStream::connect(addr).await.unwrap();
        whole
            .write_all(b"GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
            .await
            .unwrap();
        let mut answer = String::new();
        whole.read_to_string(&mut answer).await.unwrap();
        assert!(answer.ends_with("hello"), "{answer}");

        let mut trickling = tokio::net::TcpStream::connect(addr).await.unwrap();
        trickling.write_all(b"GET / HTTP/1.1\r\nho").await.unwrap();
        let mut rest = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(10), trickling.read_to_end(&mut rest))
            .await
            .expect("the server closes the connection");
        assert!(read.is_ok());
        assert!(!String::from_utf8_lossy(&rest).contains("hello"));
    }
}
