//! Administration pages, one realm at a time; the realm is part of the URL.

pub mod client_policies;
pub mod client_sessions;
pub mod clients;
pub mod history;
pub mod overview;
pub mod policy;
pub mod policy_review;
pub mod readiness;
pub mod revocation;
pub mod session_tools;
pub mod user_access;
pub mod users;

use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::api::viewer::{admin_realms, current_viewer};
use crate::components::errors::ErrorBox;
use crate::components::href::{query_value, realm_path};
use crate::error::AppError;
pub use crate::pages::params::{query_text, query_u32, use_realm};

/// `/admin`: sends the administrator to their realm (or to sign in).
#[component]
pub fn AdminHome() -> impl IntoView {
    let section = query_text("section");
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {Suspend::new(async move {
                match current_viewer().await {
                    Ok(Some(v)) => {
                        let section = section.get();
                        let rest = match section.as_str() {
                            "clients" | "users" | "policy" | "revocation" | "readiness" => format!("/{section}"),
                            _ => String::new(),
                        };
                        view! { <Redirect path=realm_path(&v.realm, &rest)/> }.into_any()
                    }
                    Ok(None) => view! { <Redirect path=format!("/signin?next={}", query_value("/admin"))/> }.into_any(),
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The realm switcher: the realms Keycloak lets this administrator see (read once, as the
/// user box is).
#[component]
pub fn RealmSwitcher(realm: Memo<String>) -> impl IntoView {
    view! {
        <details class="realm-switcher">
            <summary>"Realm: " <strong>{move || realm.get()}</strong></summary>
            <Suspense fallback=|| view! { <p class="loading">"Loading realms…"</p> }>
                {Suspend::new(async move {
                    match admin_realms().await {
                        Ok(list) => view! {
                            <ul>
                                {list.into_iter().map(|name| {
                                    let href = realm_path(&name, "");
                                    view! { <li><a href=href>{name}</a></li> }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(AppError::Forbidden(_)) => view! { <p class="muted">"The realm list is not available to your account."</p> }.into_any(),
                        // Keycloak being down or slow must not read as a missing permission.
                        Err(e) => view! { <p class="muted">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </details>
    }
}

/// Heading row shared by the realm pages.
#[component]
pub fn RealmHeader(title: &'static str, realm: Memo<String>) -> impl IntoView {
    view! {
        <div class="toolbar">
            <h1>{title}</h1>
            <RealmSwitcher realm=realm/>
        </div>
    }
}
