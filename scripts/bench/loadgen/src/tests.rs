use super::*;
use std::collections::BTreeSet;
use std::rc::Rc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A keep-alive HTTP/1.1 server: `/ok` answers 200 with a body, `/missing` 404, and
/// `/drop` closes the connection without answering. Records the cookies it saw.
async fn server() -> (String, Rc<RefCell<BTreeSet<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let cookies = Rc::new(RefCell::new(BTreeSet::new()));
    let seen = Rc::clone(&cookies);
    tokio::task::spawn_local(async move {
        loop {
            let (mut stream, _) = listener.accept().await.unwrap();
            let seen = Rc::clone(&seen);
            tokio::task::spawn_local(async move {
                let mut buffer = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") else {
                        match stream.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                        }
                        continue;
                    };
                    let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
                    buffer.drain(..end + 4);
                    for line in head.lines() {
                        if let Some(cookie) = line.strip_prefix("cookie: ") {
                            seen.borrow_mut().insert(cookie.to_string());
                        }
                    }
                    let answer: &[u8] = match head.split(' ').nth(1) {
                        Some("/ok") => b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello",
                        Some("/drop") => return,
                        _ => b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n",
                    };
                    if stream.write_all(answer).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (address, cookies)
}

fn plan(address: String, cookies: &[&str], pages: &[&str], requests: u64) -> Plan {
    Plan {
        address,
        cookies: cookies.iter().map(|c| c.to_string()).collect(),
        pages: pages.iter().map(|p| p.to_string()).collect(),
        seconds: None,
        requests: Some(requests),
    }
}

#[tokio::test(flavor = "current_thread")]
async fn every_load_is_timed_under_its_page_and_failures_are_counted_by_kind() {
    tokio::task::LocalSet::new()
        .run_until(async {
            let (address, _) = server().await;
            let pages = ["/ok", "/missing", "/drop"];
            let report = run(plan(address, &["session=a"], &pages, 30))
                .await
                .unwrap();
            assert_eq!(report.latencies.len(), 3);
            assert_eq!(report.latencies[0].len(), 10, "{report:?}");
            assert!(report.latencies[0].iter().all(|ms| *ms > 0.0));
            assert!(report.latencies[1].is_empty() && report.latencies[2].is_empty());
            assert_eq!(report.errors.get("HTTP 404"), Some(&10));
            let dropped: u64 = report
                .errors
                .iter()
                .filter(|(kind, _)| kind.starts_with("connection"))
                .map(|(_, n)| n)
                .sum();
            // After each drop it connected again: the 404s and 200s that followed arrived.
            assert_eq!(dropped, 10, "{report:?}");
        })
        .await;
}

#[tokio::test(flavor = "current_thread")]
async fn a_timed_run_stops_at_its_deadline_and_each_administrator_sends_its_cookie() {
    tokio::task::LocalSet::new()
        .run_until(async {
            let (address, cookies) = server().await;
            let mut plan = plan(address, &["session=a", "session=b"], &["/ok"], 0);
            plan.requests = None;
            plan.seconds = Some(0.3);
            let report = run(plan).await.unwrap();
            assert!(report.seconds >= 0.3 && report.seconds < 2.0, "{report:?}");
            assert!(!report.latencies[0].is_empty());
            assert!(report.errors.is_empty(), "{report:?}");
            assert_eq!(
                *cookies.borrow(),
                BTreeSet::from(["session=a".to_string(), "session=b".to_string()])
            );
        })
        .await;
}

#[tokio::test(flavor = "current_thread")]
async fn an_unreachable_console_is_an_error_per_load_not_a_hang() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    drop(listener);
    let report = run(plan(address, &["session=a"], &["/ok"], 4))
        .await
        .unwrap();
    assert_eq!(report.errors.values().sum::<u64>(), 4, "{report:?}");
    assert!(report.errors.keys().all(|k| k.starts_with("connect")));
}

#[tokio::test(flavor = "current_thread")]
async fn a_plan_without_an_end_is_refused() {
    let mut plan = plan("127.0.0.1:1".into(), &["session=a"], &["/ok"], 0);
    plan.requests = None;
    assert!(run(plan).await.is_err());
}
