//! The URL's route and query parameters, as the pages read them.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The `:realm` route parameter.
pub fn use_realm() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("realm").unwrap_or_default())
}

/// A numeric query parameter with a default.
pub fn query_u32(name: &'static str, default: u32) -> Memo<u32> {
    let query = use_query_map();
    Memo::new(move |_| {
        query
            .read()
            .get(name)
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    })
}

pub fn query_text(name: &'static str) -> Memo<String> {
    let query = use_query_map();
    Memo::new(move |_| query.read().get(name).unwrap_or_default())
}
