//! A moment shown as "3 days ago" with the full time in the viewer's zone.
//!
//! The server renders the full time in UTC (it does not know the viewer's zone).
//! One island per page, `LocalTimes`, switches every moment to the browser's local
//! time once the page is interactive; a moment rendered later inside an island is
//! local from the start. One island per moment made a page of 25 sessions carry
//! 75 islands to render and hydrate.

use leptos::prelude::*;

use crate::model::time::{format_utc, relative};

#[component]
pub fn Moment(ms: i64, now_ms: i64) -> impl IntoView {
    let utc = format_utc(ms);
    let datetime = machine_readable(&utc);
    let full = full_time(ms, utc);
    let title = full.clone();
    view! {
        <time datetime=datetime title=title data-ms=ms>
            {relative(ms, now_ms)}
            <span class="moment-full muted small"><span class="moment-sep">" · "</span><span class="moment-date">{full}</span></span>
        </time>
    }
}

/// "2026-11-27 08:05 UTC" as a valid HTML date-time, "2026-11-27T08:05Z". Sliced rather than
/// searched: string patterns would add a kilobyte to every island that shows a moment.
fn machine_readable(utc: &str) -> String {
    match (utc.get(..10), utc.get(11..16)) {
        (Some(date), Some(time)) => format!("{date}T{time}Z"),
        _ => String::new(),
    }
}

/// Switches the page's moments to local time; placed once, after the page's content.
#[island]
pub fn LocalTimes() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    Effect::new(|_| local::switch_page());
}

/// The server does not know the viewer's zone: UTC, as formatted.
#[cfg(not(feature = "hydrate"))]
fn full_time(_ms: i64, utc: String) -> String {
    utc
}

#[cfg(feature = "hydrate")]
fn full_time(ms: i64, _utc: String) -> String {
    local::full_time(ms)
}

#[cfg(feature = "hydrate")]
mod local {
    use leptos::prelude::document;
    use wasm_bindgen::{JsCast, JsValue};

    pub fn full_time(ms: i64) -> String {
        let date = js_sys::Date::new(&JsValue::from_f64(ms as f64));
        date.to_locale_string("default", &JsValue::UNDEFINED).into()
    }

    pub fn switch_page() {
        let Ok(moments) = document().query_selector_all("time[data-ms]") else {
            return;
        };
        for index in 0..moments.length() {
            let Some(moment) = moments
                .item(index)
                .and_then(|node| node.dyn_into::<web_sys::Element>().ok())
            else {
                continue;
            };
            let Some(ms) = moment
                .get_attribute("data-ms")
                .and_then(|ms| ms.parse::<i64>().ok())
            else {
                continue;
            };
            let local = full_time(ms);
            let _ = moment.set_attribute("title", &local);
            if let Ok(Some(date)) = moment.query_selector(".moment-date") {
                date.set_text_content(Some(&local));
            }
        }
    }
}

#[cfg(all(test, not(feature = "hydrate")))]
mod tests {
    use super::*;

    #[test]
    fn a_moment_says_how_long_ago_and_carries_a_valid_utc_date_time() {
        let hour_later = 3_600_000;
        let html = view! { <Moment ms=0 now_ms=hour_later/> }.to_html();
        assert!(html.contains(r#"datetime="1970-01-01T00:00Z""#), "{html}");
        assert!(html.contains(r#"title="1970-01-01 00:00 UTC""#), "{html}");
        assert!(html.contains("1 hour ago"), "{html}");
    }
}
