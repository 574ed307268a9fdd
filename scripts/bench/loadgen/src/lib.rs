//! Administrators browsing: one keep-alive connection each, pages in turn, every load timed.

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::header::{COOKIE, HOST};
use hyper::Request;
use hyper_util::rt::TokioIo;
use serde::{Deserialize, Serialize};
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use tokio::net::TcpStream;

/// What to load, as whom, for how long.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Plan {
    /// `host:port` of the console (plain HTTP, as on loopback).
    pub address: String,
    /// One `Cookie` header per administrator; each gets its own connection.
    pub cookies: Vec<String>,
    /// Paths with query; administrator `i` starts at page `i` and goes round.
    pub pages: Vec<String>,
    /// Stop once this many seconds have passed…
    pub seconds: Option<f64>,
    /// …or once this many page loads have been started, by all administrators together.
    pub requests: Option<u64>,
}

/// What happened: the latency of every page load answered 200, and the rest by kind.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub seconds: f64,
    /// Per page of the plan, in the plan's order: milliseconds of each 200 answer.
    pub latencies: Vec<Vec<f64>>,
    /// `HTTP <status>` for other answers, or what went wrong with the connection.
    pub errors: BTreeMap<String, u64>,
    /// This process's own CPU time (user + system) over the run.
    pub cpu_seconds: f64,
}

/// When the run ends, shared by every administrator (one thread: no atomics needed).
struct Budget {
    deadline: Option<Instant>,
    requests: Option<u64>,
    started: Cell<u64>,
}

impl Budget {
    /// Whether another page load may start; counts it if so.
    fn take(&self) -> bool {
        if self.deadline.is_some_and(|d| Instant::now() >= d) {
            return false;
        }
        let started = self.started.get();
        if self.requests.is_some_and(|r| started >= r) {
            return false;
        }
        self.started.set(started + 1);
        true
    }
}

struct Tally {
    latencies: Vec<Vec<f64>>,
    errors: BTreeMap<String, u64>,
}

impl Tally {
    fn error(&mut self, kind: String) {
        *self.errors.entry(kind).or_default() += 1;
    }
}

pub async fn run(plan: Plan) -> Result<Report, String> {
    if plan.seconds.is_none() && plan.requests.is_none() {
        return Err("the plan needs `seconds` or `requests`".into());
    }
    if plan.pages.is_empty() || plan.cookies.is_empty() {
        return Err("the plan needs at least one page and one cookie".into());
    }
    let began = Instant::now();
    let cpu_before = cpu_seconds();
    let budget = Budget {
        deadline: plan
            .seconds
            .map(|s| began + Duration::from_secs_f64(s.max(0.0))),
        requests: plan.requests,
        started: Cell::new(0),
    };
    let tally = RefCell::new(Tally {
        latencies: vec![Vec::new(); plan.pages.len()],
        errors: BTreeMap::new(),
    });
    let administrators = plan
        .cookies
        .iter()
        .enumerate()
        .map(|(i, cookie)| browse(&plan, cookie, i, &budget, &tally));
    futures_util::future::join_all(administrators).await;
    let Tally { latencies, errors } = tally.into_inner();
    Ok(Report {
        seconds: began.elapsed().as_secs_f64(),
        latencies,
        errors,
        cpu_seconds: cpu_seconds() - cpu_before,
    })
}

/// One administrator: its pages in turn on one connection, opened again after a failure.
async fn browse(plan: &Plan, cookie: &str, first: usize, budget: &Budget, tally: &RefCell<Tally>) {
    let mut connection: Option<SendRequest<Empty<Bytes>>> = None;
    let mut page = first % plan.pages.len();
    while budget.take() {
        let started = Instant::now();
        let outcome = load(plan, cookie, &plan.pages[page], &mut connection).await;
        let mut tally = tally.borrow_mut();
        match outcome {
            Ok(200) => tally.latencies[page].push(started.elapsed().as_secs_f64() * 1e3),
            Ok(status) => tally.error(format!("HTTP {status}")),
            Err(kind) => {
                connection = None;
                tally.error(kind);
            }
        }
        page = (page + 1) % plan.pages.len();
    }
}

/// One page load: the status once the whole body has arrived.
async fn load(
    plan: &Plan,
    cookie: &str,
    path: &str,
    connection: &mut Option<SendRequest<Empty<Bytes>>>,
) -> Result<u16, String> {
    let sender = match connection {
        Some(sender) => sender,
        None => connection.insert(connect(&plan.address).await?),
    };
    let request = Request::get(path)
        .header(HOST, &plan.address)
        .header(COOKIE, cookie)
        .body(Empty::new())
        .map_err(|e| format!("request: {e}"))?;
    sender
        .ready()
        .await
        .map_err(|e| format!("connection: {e}"))?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| format!("connection: {e}"))?;
    let status = response.status().as_u16();
    let mut body = response.into_body();
    while let Some(frame) = body.frame().await {
        frame.map_err(|e| format!("body: {e}"))?;
    }
    Ok(status)
}

async fn connect(address: &str) -> Result<SendRequest<Empty<Bytes>>, String> {
    let stream = TcpStream::connect(address)
        .await
        .map_err(|e| format!("connect: {}", e.kind()))?;
    // As browsers do: a request is one write, and waiting for an ACK would only add latency.
    stream
        .set_nodelay(true)
        .map_err(|e| format!("connect: {}", e.kind()))?;
    let (sender, connection) = http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("connect: {e}"))?;
    // Ends with an error when the server closes the connection; the next send reports it.
    tokio::spawn(connection);
    Ok(sender)
}

fn cpu_seconds() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let usage = unsafe {
        let mut usage = std::mem::zeroed::<libc::rusage>();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

#[cfg(test)]
mod tests;
