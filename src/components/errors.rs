//! Errors shown inline, in words the person can act on.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::components::href::query_value;
use crate::error::AppError;

#[component]
pub fn ErrorBox(error: AppError) -> impl IntoView {
    let location = use_location();
    let next = move || {
        let path = location.pathname.get();
        let search = location.search.get();
        if search.is_empty() {
            path
        } else {
            format!("{path}?{search}")
        }
    };
    match error {
        AppError::NotSignedIn => view! {
            <div class="alert warning" role="alert">
                <p>"Please sign in to continue."</p>
                <p><a class="button" href=move || format!("/signin?next={}", query_value(&next()))>"Sign in"</a></p>
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
