//! A moment shown as "3 days ago" with the full time in the viewer's zone.
//!
//! The server renders UTC (it does not know the viewer's zone); once the page
//! is interactive the title and text switch to the browser's local time. An island
//! of its own, so that times on otherwise static pages switch too; inside another
//! island it is an ordinary component.

use leptos::prelude::*;

use crate::model::time::{format_utc, relative};

#[island]
pub fn Moment(ms: i64, now_ms: i64) -> impl IntoView {
    let absolute = RwSignal::new(format_utc(ms));
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
        absolute.set(String::from(
            date.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED),
        ));
    });
    let iso = format_utc(ms);
    view! {
        <time datetime=iso title=move || absolute.get()>
            {relative(ms, now_ms)}
            <span class="muted small">" · " {move || absolute.get()}</span>
        </time>
    }
}
