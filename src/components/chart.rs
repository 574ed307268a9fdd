//! A horizontal bar chart drawn as SVG on the server; no script needed.

use leptos::prelude::*;

#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub offline: u64,
    pub active: u64,
}

const ROW: f64 = 28.0;
const LABEL_WIDTH: f64 = 180.0;
const BAR_WIDTH: f64 = 420.0;

#[component]
pub fn SessionBars(bars: Vec<Bar>, caption: String) -> impl IntoView {
    let scale = bars
        .iter()
        .map(|b| b.offline.max(b.active))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let height = ROW * bars.len() as f64 + 24.0;
    let width = LABEL_WIDTH + BAR_WIDTH + 80.0;
    let rows = bars
        .into_iter()
        .enumerate()
        .map(|(i, bar)| {
            let y = 20.0 + ROW * i as f64;
            let offline_w = BAR_WIDTH * bar.offline as f64 / scale;
            let active_w = BAR_WIDTH * bar.active as f64 / scale;
            let label = format!("{}: {} offline, {} active", bar.label, bar.offline, bar.active);
            view! {
                <g role="listitem" aria-label=label>
                    <text x="0" y=y + 12.0>{bar.label}</text>
                    <rect class="bar-offline" x=LABEL_WIDTH y=y width=offline_w height="10"></rect>
                    <rect class="bar-active" x=LABEL_WIDTH y=y + 11.0 width=active_w height="6"></rect>
                    <text x=LABEL_WIDTH + offline_w.max(active_w) + 6.0 y=y + 12.0>{bar.offline}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="chart-figure">
            <svg
                class="chart"
                role="list"
                aria-label=caption.clone()
                viewBox=format!("0 0 {width} {height}")
                width="100%"
                preserveAspectRatio="xMinYMin meet"
            >
                <text x=LABEL_WIDTH y="12">"offline (thick) · active (thin)"</text>
                {rows}
            </svg>
            <figcaption class="muted">{caption}</figcaption>
        </figure>
    }
}
