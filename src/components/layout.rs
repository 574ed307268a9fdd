//! Header, navigation and main landmark around every page.

use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let (menu_open, set_menu_open) = signal(false);
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"⟳"</span>
                "offline-console"
            </a>
            <button
                type="button"
                class="menu-toggle"
                aria-controls="site-nav"
                aria-expanded=move || menu_open.get().to_string()
                on:click=move |_| set_menu_open.update(|open| *open = !*open)
            >
                <span class="visually-hidden">"Navigation "</span>
                {move || if menu_open.get() { "Close menu" } else { "Menu" }}
            </button>
            <nav id="site-nav" class="site-nav" class:open=menu_open aria-label="Main">
                <NavSection title="Administration">
                    <li><A href="/admin">"Overview"</A></li>
                    <li><A href="/admin/clients">"Clients"</A></li>
                    <li><A href="/admin/users">"Users"</A></li>
                    <li><A href="/admin/policy">"Realm policy"</A></li>
                    <li><A href="/admin/audit">"Audit log"</A></li>
                </NavSection>
                <NavSection title="Self-service">
                    <li><A href="/me">"My applications"</A></li>
                </NavSection>
            </nav>
        </header>
        <main id="main" tabindex="-1">{children()}</main>
        <footer class="site-footer">
            <p>"offline-console · manages Keycloak offline access"</p>
        </footer>
    }
}

#[component]
fn NavSection(title: &'static str, children: Children) -> impl IntoView {
    view! {
        <div class="nav-section">
            <h2 class="nav-title">{title}</h2>
            <ul>{children()}</ul>
        </div>
    }
}
