//! The end-to-end tests' signal that the page is interactive: `body[data-hydrated]`.
//!
//! leptos hydrates islands one after another in document order, and waits for a lazy island's
//! code to be fetched before it goes on. This island is the last in the document, so it
//! hydrates only after every other island, lazy ones included, is live.

use leptos::prelude::*;

#[island]
pub fn HydrationMarker() -> impl IntoView {
    // A timer fires after the effects the other islands queued while hydrating.
    #[cfg(feature = "hydrate")]
    set_timeout(
        || {
            if let Some(body) = document().body() {
                let _ = body.set_attribute("data-hydrated", "true");
            }
        },
        std::time::Duration::ZERO,
    );
}
