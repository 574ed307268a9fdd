//! Choosing where to sign in: the admin realm, or a realm of one's own.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::model::next_path::same_site_path;

#[component]
pub fn SignIn() -> impl IntoView {
    let query = use_query_map();
    let next = move || {
        query
            .read()
            .get("next")
            .filter(|n| same_site_path(n).is_some())
            .unwrap_or_else(|| "/admin".to_owned())
    };
    view! {
        <Title text="Sign in"/>
        <section class="notice signin">
            <h1>"Sign in"</h1>
            <p>"You sign in with Keycloak; the console never sees your password."</p>
            <div class="card-grid">
                <article class="card">
                    <h2>"Administrator of several realms"</h2>
                    <p>"Accounts in the administration realm can manage every realm they have roles for."</p>
                    <form method="get" action="/auth/login">
                        <input type="hidden" name="next" value=next/>
                        <button type="submit">"Sign in to the administration realm"</button>
                    </form>
                </article>
                <article class="card">
                    <h2>"Account in one realm"</h2>
                    <p>"Realm administrators, help-desk staff and everyone else sign in to their own realm."</p>
                    <form method="get" action="/auth/login" class="inline-form">
                        <input type="hidden" name="next" value=next/>
                        <div class="field">
                            <label for="signin-realm">"Realm"</label>
                            <input id="signin-realm" name="realm" required maxlength="255" autocomplete="off" placeholder="e.g. demo"/>
                        </div>
                        <div class="field"><button type="submit">"Continue"</button></div>
                    </form>
                </article>
            </div>
        </section>
    }
}
