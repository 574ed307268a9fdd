use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn Home() -> impl IntoView {
    view! {
        <Title text=""/>
        <section class="hero">
            <h1>"Offline access, under control"</h1>
            <p class="lead">
                "Keycloak issues offline tokens that outlive logouts and restarts. "
                "This console shows who holds them, when they expire, and lets you revoke them."
            </p>
            <div class="card-grid">
                <article class="card">
                    <h2>"Realm administrators"</h2>
                    <p>"See every client's offline sessions with true totals, a user's consents and offline tokens, and the realm's offline policy."</p>
                    <a class="button" href="/admin">"Open administration"</a>
                </article>
                <article class="card">
                    <h2>"Everyone"</h2>
                    <p>"See the applications you allowed to act for you, and remove their access."</p>
                    <a class="button secondary" href="/me">"My applications"</a>
                </article>
            </div>
        </section>
    }
}
