//! Self-service pages: an end user's own applications, in their own realm.

pub mod applications;
mod card;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

use crate::api::viewer::current_viewer;
use crate::components::errors::ErrorBox;
use crate::components::href::{my_applications_path, query_value};

/// Starts sign-in to `realm`, coming back to its self-service page.
pub fn sign_in_path(realm: &str) -> String {
    format!(
        "/auth/login?realm={}&next={}",
        query_value(realm),
        query_value(&my_applications_path(realm))
    )
}

/// `/me`: the signed-in person's own page, or a realm prompt to sign in.
#[component]
pub fn MeHome() -> impl IntoView {
    view! {
        <Title text="My applications"/>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {Suspend::new(async move {
                match current_viewer().await {
                    Ok(Some(v)) => view! { <Redirect path=my_applications_path(&v.realm)/> }.into_any(),
                    Ok(None) => view! { <RealmPrompt/> }.into_any(),
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn RealmPrompt() -> impl IntoView {
    view! {
        <section class="notice signin">
            <h1>"My applications"</h1>
            <p>
                "See which applications can use your account, and remove access from any you no longer use or trust. "
                "You sign in with your usual account; this console never sees your password."
            </p>
            // Back to /me after sign-in, which then opens the realm's page.
            <form method="get" action="/auth/login" class="inline-form">
                <input type="hidden" name="next" value="/me"/>
                <div class="field">
                    <label for="me-realm">"Realm"</label>
                    <input id="me-realm" name="realm" required maxlength="255" autocomplete="off"
                        placeholder="e.g. demo" aria-describedby="me-realm-hint"/>
                    <p id="me-realm-hint" class="hint">"The name of your organisation's sign-in space; your administrator can tell you."</p>
                </div>
                <div class="field"><button type="submit">"Sign in"</button></div>
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_in_comes_back_to_the_realms_page() {
        assert_eq!(
            sign_in_path("a/b"),
            "/auth/login?realm=a%2Fb&next=%2Frealms%2Fa%252Fb%2Fmy-applications"
        );
    }
}
