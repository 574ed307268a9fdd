//! Previous/next links with "41–50 of 12,345" and a page-size choice.
//! Plain links, so paging works without JavaScript and can be bookmarked.

use leptos::prelude::*;

use crate::model::admin::PAGE_SIZES;

/// `1234567` -> `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `base` is the path with any other query parameters, ending in `?` or `&`.
#[component]
pub fn Pager(
    base: String,
    first: u32,
    max: u32,
    shown: usize,
    /// The true total when known; otherwise `has_more` decides "Next".
    #[prop(optional)]
    total: Option<u64>,
    #[prop(optional)] has_more: bool,
) -> impl IntoView {
    let last_shown = first as u64 + shown as u64;
    let has_next = match total {
        Some(total) => last_shown < total,
        None => has_more,
    };
    let prev = (first > 0).then(|| format!("{base}first={}&max={max}", first.saturating_sub(max)));
    let next = has_next.then(|| format!("{base}first={}&max={max}", first + max));
    let range = if shown == 0 {
        "No rows".to_owned()
    } else {
        format!("{}–{}", thousands(first as u64 + 1), thousands(last_shown))
    };
    let of_total = total
        .map(|t| format!(" of {}", thousands(t)))
        .unwrap_or_default();
    let sizes = PAGE_SIZES.map(|size| {
        let href = format!("{base}first=0&max={size}");
        let current = size == max;
        view! {
            <a href=href aria-current=current.then_some("true") class:current=current>{size}</a>
        }
    });
    view! {
        <nav class="pager" aria-label="Pages">
            <span class="range">{range}{of_total}</span>
            {prev.map(|href| view! { <a class="button secondary" href=href rel="prev">"← Previous"</a> })}
            {next.map(|href| view! { <a class="button secondary" href=href rel="next">"Next →"</a> })}
            <span class="page-sizes">"Per page: " {sizes.into_iter().collect_view()}</span>
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn groups_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }
}
