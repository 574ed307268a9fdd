//! What one client can hold. A request's body is read before the request takes one of the
//! console's slots, within the client timeout and a size limit, so slow or oversized uploads
//! occupy no slot; a request waits at most the request timeout for a slot; `/readyz` reports
//! the slots busy for long; a person streams at most a few exports at once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, Request};
use axum::middleware::Next;
use axum::response::Response;
use futures::StreamExt as _;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::AppError;
use crate::state::AppState;

/// Server functions take a few form fields; nothing larger is needed.
pub const API_BODY_LIMIT: usize = 64 * 1024;
/// Any other request with a body (sign-in callbacks, history's forms).
pub const BODY_LIMIT: usize = 256 * 1024;
/// Exports one person may stream at once.
pub const EXPORTS_PER_PERSON: usize = 2;
/// Slots busy this long without a break make the console not ready.
pub const SATURATED_AFTER: Duration = Duration::from_secs(1);

fn refuse(error: AppError) -> Response {
    crate::export::refuse(error)
}

/// Reads the whole body within the client timeout and the size limit, then hands on the
/// request with its body in memory.
pub async fn read_body_first(
    State(state): State<AppState>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let limit = if request.uri().path().starts_with("/api/") {
        API_BODY_LIMIT
    } else {
        BODY_LIMIT
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return refuse(AppError::TooLarge);
    }
    let (parts, body) = request.into_parts();
    let read = tokio::time::timeout(
        state.config.client_timeout,
        axum::body::to_bytes(body, limit),
    )
    .await;
    match read {
        Err(_) => refuse(AppError::TooSlow),
        Ok(Err(e)) if is_length_limit(&e) => refuse(AppError::TooLarge),
        Ok(Err(e)) => {
            tracing::debug!(error = %e, "reading a request body failed");
            refuse(AppError::InvalidInput(
                "The request's body could not be read.".into(),
            ))
        }
        Ok(Ok(bytes)) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
    }
}

fn is_length_limit(e: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(error) = source {
        if error.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = error.source();
    }
    false
}

/// The console's request slots: at most `capacity` requests are handled at once.
#[derive(Debug)]
pub struct RequestSlots {
    semaphore: Arc<Semaphore>,
    capacity: usize,
    /// When the last free slot was taken, while none has come free since.
    full_since: Mutex<Option<Instant>>,
}

/// A slot held for one request; dropped once its answer is under way.
pub struct Slot<'a> {
    permit: Option<OwnedSemaphorePermit>,
    slots: &'a RequestSlots,
}

impl RequestSlots {
    pub fn new(capacity: usize) -> Self {
        RequestSlots {
            semaphore: Arc::new(Semaphore::new(capacity)),
            capacity,
            full_since: Mutex::new(None),
        }
    }

    fn full_since(&self) -> MutexGuard<'_, Option<Instant>> {
        self.full_since.lock().unwrap_or_else(|p| p.into_inner())
    }

    async fn take(&self) -> Slot<'_> {
        let permit = Arc::clone(&self.semaphore)
            .acquire_owned()
            .await
            .expect("the request semaphore is never closed");
        let mut full_since = self.full_since();
        if self.semaphore.available_permits() == 0 && full_since.is_none() {
            *full_since = Some(Instant::now());
        }
        Slot {
            permit: Some(permit),
            slots: self,
        }
    }

    /// How long every slot has been busy, if they are all busy now.
    pub fn saturated_for(&self) -> Option<Duration> {
        self.full_since().map(|since| since.elapsed())
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        let mut full_since = self.slots.full_since();
        drop(self.permit.take());
        if self.slots.semaphore.available_permits() > 0 {
            *full_since = None;
        }
    }
}

/// Handles the request in one of the console's slots, once one is free within the request
/// timeout. The request is not cut short once it runs: a change already sent to Keycloak
/// must reach its audit entry and its answer.
pub async fn in_a_slot(
    State(state): State<AppState>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let slots = &state.request_slots;
    let Ok(_slot) = tokio::time::timeout(state.config.request_timeout, slots.take()).await else {
        return refuse(AppError::Busy);
    };
    next.run(request).await
}

/// How many exports each person is streaming.
#[derive(Debug, Default)]
pub struct ExportStreams {
    by_person: Mutex<HashMap<String, usize>>,
}

/// One export in progress; the count goes down when its stream ends or is dropped.
pub struct ExportStream {
    streams: Arc<ExportStreams>,
    person: String,
}

impl ExportStreams {
    fn counts(&self) -> MutexGuard<'_, HashMap<String, usize>> {
        self.by_person.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn claim(self: &Arc<Self>, person: &str) -> Option<ExportStream> {
        let mut counts = self.counts();
        let count = counts.entry(person.to_owned()).or_default();
        if *count >= EXPORTS_PER_PERSON {
            return None;
        }
        *count += 1;
        Some(ExportStream {
            streams: Arc::clone(self),
            person: person.to_owned(),
        })
    }
}

impl Drop for ExportStream {
    fn drop(&mut self) {
        let mut counts = self.streams.counts();
        if let Some(count) = counts.get_mut(&self.person) {
            *count -= 1;
            if *count == 0 {
                counts.remove(&self.person);
            }
        }
    }
}

/// Counts an export against its person (the Keycloak account of the session) for as long
/// as its body streams. Someone not signed in is refused by the export itself.
pub async fn count_export(
    State(state): State<AppState>,
    session: tower_sessions::Session,
    request: Request<Body>,
    next: Next,
) -> Response {
    let Some(who) = crate::auth::session::signed_in(&session).await else {
        return next.run(request).await;
    };
    let person = format!("{}/{}", who.realm, who.user_id);
    let Some(stream) = state.export_streams.claim(&person) else {
        return refuse(AppError::TooMany(format!(
            "You already have {EXPORTS_PER_PERSON} downloads in progress; wait for one to finish."
        )));
    };
    let response = next.run(request).await;
    let (parts, body) = response.into_parts();
    let body = body.into_data_stream().map(move |chunk| {
        let _counted = &stream;
        chunk
    });
    Response::from_parts(parts, Body::from_stream(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_slots_report_how_long_they_have_all_been_busy() {
        let slots = RequestSlots::new(2);
        let first = slots.take().await;
        assert_eq!(slots.saturated_for(), None, "one slot is free");
        let second = slots.take().await;
        assert!(slots.saturated_for().is_some());
        drop(first);
        assert_eq!(slots.saturated_for(), None, "a slot came free");
        drop(second);
        assert_eq!(slots.capacity(), 2);
    }

    #[test]
    fn a_person_streams_at_most_a_few_exports_at_once() {
        let streams = Arc::new(ExportStreams::default());
        let held: Vec<_> = (0..EXPORTS_PER_PERSON)
            .map(|_| streams.claim("demo/alice").unwrap())
            .collect();
        assert!(streams.claim("demo/alice").is_none());
        assert!(streams.claim("demo/bob").is_some(), "another person");
        drop(held);
        assert!(streams.claim("demo/alice").is_some());
        assert!(
            streams.counts().is_empty(),
            "every ended stream is uncounted"
        );
    }
}
