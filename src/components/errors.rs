//! Errors shown inline, in words the person can act on.

use leptos::prelude::*;

use crate::components::href::query_value;
use crate::error::AppError;

/// The path and query of the page, to come back to after signing in. Islands have no
/// router in the browser, so there it comes from the address bar.
fn current_path() -> String {
    #[cfg(feature = "ssr")]
    let (path, search) = {
        let location = leptos_router::hooks::use_location();
        (
            location.pathname.get_untracked(),
            location.search.get_untracked(),
        )
    };
    #[cfg(not(feature = "ssr"))]
    let (path, search) = {
        let location = window().location();
        (
            location.pathname().unwrap_or_default(),
            location
                .search()
                .unwrap_or_default()
                .trim_start_matches('?')
                .to_owned(),
        )
    };
    if search.is_empty() {
        path
    } else {
        format!("{path}?{search}")
    }
}

#[component]
pub fn ErrorBox(error: AppError) -> impl IntoView {
    let next = current_path();
    match error {
        AppError::NotSignedIn => view! {
            <div class="alert warning" role="alert">
                <p>"Please sign in to continue."</p>
                <p><a class="button" href=format!("/signin?next={}", query_value(&next))>"Sign in"</a></p>
            </div>
        }
        .into_any(),
        AppError::Forbidden(message) => view! {
            <div class="alert error forbidden" role="alert">
                <h2>"You do not have permission"</h2>
                <p>{message}</p>
            </div>
        }
        .into_any(),
        other => view! {
            <div class="alert error" role="alert">
                <p>{other.to_string()}</p>
            </div>
        }
        .into_any(),
    }
}
