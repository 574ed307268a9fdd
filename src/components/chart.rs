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

/// One line of `TrendLines`: a value per time, `None` where there is no data.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub label: String,
    pub values: Vec<Option<u64>>,
}

const PLOT_LEFT: f64 = 60.0;
const PLOT_TOP: f64 = 16.0;
const PLOT_WIDTH: f64 = 560.0;
const PLOT_HEIGHT: f64 = 220.0;
/// Colour classes for up to this many lines, then they repeat.
const LINE_CLASSES: usize = 6;

/// The polyline point lists of one line, split at every gap.
fn segments(
    values: &[Option<u64>],
    x: &impl Fn(usize) -> f64,
    y: &impl Fn(u64) -> f64,
) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = Vec::new();
    for (i, value) in values.iter().enumerate() {
        match value {
            Some(v) => current.push(format!("{:.1},{:.1}", x(i), y(*v))),
            None if !current.is_empty() => out.push(std::mem::take(&mut current).join(" ")),
            None => {}
        }
    }
    if !current.is_empty() {
        out.push(current.join(" "));
    }
    out
}

/// Values over time as SVG lines drawn on the server. `times_ms` places the
/// points; `gaps` (times of failed runs) are marked "no data", never bridged
/// with a guess. Every line carries its label and latest value for screen readers.
#[component]
pub fn TrendLines(
    lines: Vec<Line>,
    times_ms: Vec<i64>,
    gaps: Vec<i64>,
    caption: String,
    format_time: fn(i64) -> String,
) -> impl IntoView {
    let (t0, t1) = (
        times_ms.first().copied().unwrap_or(0),
        times_ms.last().copied().unwrap_or(0),
    );
    let span = (t1 - t0).max(1) as f64;
    let top = lines
        .iter()
        .flat_map(|l| l.values.iter().flatten())
        .copied()
        .max()
        .unwrap_or(0)
        .max(1);
    let x_of_time = move |t: i64| PLOT_LEFT + PLOT_WIDTH * (t - t0) as f64 / span;
    let x = {
        let times = times_ms.clone();
        move |i: usize| x_of_time(times[i])
    };
    let y = move |v: u64| PLOT_TOP + PLOT_HEIGHT * (1.0 - v as f64 / top as f64);
    let bottom = PLOT_TOP + PLOT_HEIGHT;
    let legend_top = bottom + 40.0;
    let height = legend_top + 20.0 * lines.len() as f64 + 8.0;
    let width = PLOT_LEFT + PLOT_WIDTH + 20.0;
    let gap_marks = gaps
        .into_iter()
        .map(|t| {
            let gx = x_of_time(t);
            let label = format!("no data: the snapshot at {} failed", format_time(t));
            view! {
                <line class="gap" x1=gx x2=gx y1=PLOT_TOP y2=bottom>
                    <title>{label}</title>
                </line>
            }
        })
        .collect_view();
    let drawn = lines
        .into_iter()
        .enumerate()
        .map(|(n, line)| {
            let class = format!("trend trend-{}", n % LINE_CLASSES);
            let latest = line.values.iter().rev().find_map(|v| *v);
            let label = match latest {
                Some(v) => format!("{}: {v} at the latest snapshot", line.label),
                None => format!("{}: no data", line.label),
            };
            let polylines = segments(&line.values, &x, &y)
                .into_iter()
                .map(|points| view! { <polyline class=class.clone() points=points></polyline> })
                .collect_view();
            let ly = legend_top + 20.0 * n as f64;
            let title = label.clone();
            view! {
                <g role="listitem" aria-label=label>
                    <title>{title}</title>
                    {polylines}
                    <rect class=class.clone() x=PLOT_LEFT y=ly - 9.0 width="14" height="4"></rect>
                    <text x=PLOT_LEFT + 20.0 y=ly>{line.label}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="chart-figure">
            <svg
                class="chart trend-chart"
                role="list"
                aria-label=caption.clone()
                viewBox=format!("0 0 {width} {height}")
                width="100%"
                preserveAspectRatio="xMinYMin meet"
            >
                <line class="axis" x1=PLOT_LEFT x2=PLOT_LEFT y1=PLOT_TOP y2=bottom></line>
                <line class="axis" x1=PLOT_LEFT x2=PLOT_LEFT + PLOT_WIDTH y1=bottom y2=bottom></line>
                <text x=PLOT_LEFT - 6.0 y=PLOT_TOP + 4.0 text-anchor="end">{top}</text>
                <text x=PLOT_LEFT - 6.0 y=bottom text-anchor="end">"0"</text>
                <text x=PLOT_LEFT y=bottom + 18.0>{format_time(t0)}</text>
                <text x=PLOT_LEFT + PLOT_WIDTH y=bottom + 18.0 text-anchor="end">{format_time(t1)}</text>
                {gap_marks}
                {drawn}
            </svg>
            <figcaption class="muted">{caption}</figcaption>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_break_at_gaps() {
        let x = |i: usize| i as f64;
        let y = |v: u64| v as f64;
        let values = [Some(1), Some(2), None, Some(4), None, None, Some(7)];
        assert_eq!(
            segments(&values, &x, &y),
            vec!["0.0,1.0 1.0,2.0", "3.0,4.0", "6.0,7.0"]
        );
        assert!(segments(&[None, None], &x, &y).is_empty());
    }
}
