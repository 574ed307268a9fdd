//! The message after a change that reloads the page. Islands hold no copy of the page's data:
//! after a change the page is loaded again, as the server now sees it. The island that made
//! the change keeps its message in the tab's sessionStorage (not in the URL, where anyone could
//! write one) and reloads; the page's `Flash` with the same key shows it once.

use leptos::prelude::*;

/// Where a page shows the message of its change.
#[island]
pub fn Flash(key: String) -> impl IntoView {
    let message: RwSignal<Option<String>> = RwSignal::new(None);
    // The server cannot know the message: it appears once the island is live.
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| message.set(take(&key)));
    #[cfg(not(feature = "hydrate"))]
    let _ = key;
    move || {
        message
            .get()
            .map(|text| view! { <div class="alert success" role="status">{text}</div> })
    }
}

/// Keeps `message` for the `Flash` named `key`, then reloads the page. Only islands call
/// this, in the browser, after a change succeeded.
pub fn reload_with(key: &str, message: &str) {
    #[cfg(feature = "hydrate")]
    {
        if let Some(storage) = session_storage() {
            let _ = storage.set_item(&storage_key(key), message);
        }
        let _ = window().location().reload();
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (key, message);
}

#[cfg(feature = "hydrate")]
fn storage_key(key: &str) -> String {
    format!("offline-console.flash.{key}")
}

#[cfg(feature = "hydrate")]
fn session_storage() -> Option<web_sys::Storage> {
    window().session_storage().ok().flatten()
}

#[cfg(feature = "hydrate")]
fn take(key: &str) -> Option<String> {
    let storage = session_storage()?;
    let key = storage_key(key);
    let message = storage.get_item(&key).ok().flatten();
    let _ = storage.remove_item(&key);
    message
}
