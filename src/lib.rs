//! offline-console: a Keycloak offline-access console (leptos SSR + hydration).
//!
//! Modules compiled for both the server and the browser hold views, server
//! function declarations and wire types; server-only modules are gated on `ssr`.

pub mod api;
pub mod app;
pub mod components;
pub mod error;
pub mod model;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod audit;
#[cfg(feature = "ssr")]
pub mod auth;
#[cfg(feature = "ssr")]
pub mod config;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
pub mod history;
#[cfg(feature = "ssr")]
pub mod jobs;
#[cfg(feature = "ssr")]
pub mod keycloak;
#[cfg(feature = "ssr")]
pub mod server;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    use leptos::__reexports::wasm_bindgen_futures::spawn_local;
    use leptos::prelude::document;
    use wasm_bindgen::JsCast;

    console_error_panic_hook::set_once();
    // Lazy routes hydrate asynchronously: their code chunk is fetched first (`hydrate_lazy`,
    // spelled out so that the marker below is set only once the page is live).
    spawn_local(async {
        let Some(body) = document().body() else {
            return;
        };
        let owner =
            leptos::mount::hydrate_from_async(body.clone().unchecked_into(), app::App).await;
        owner.forget();
        // A marker for end-to-end tests: interactive controls work from here on.
        let _ = body.set_attribute("data-hydrated", "true");
    });
}
