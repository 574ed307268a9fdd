//! Header, navigation and main landmark around every page.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

use crate::api::viewer::current_viewer;
use crate::components::time::LocalTimes;

/// `/admin/<realm>` when the current page belongs to a realm.
fn realm_base(pathname: &str) -> Option<String> {
    let mut parts = pathname.split('/').skip(1);
    match (parts.next(), parts.next()) {
        (Some("admin"), Some(realm)) if !realm.is_empty() => Some(format!("/admin/{realm}")),
        _ => None,
    }
}

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let location = use_location();
    let base = realm_base(&location.pathname.get_untracked());
    let link = move |section: &str| match &base {
        Some(base) if section.is_empty() => base.clone(),
        Some(base) => format!("{base}/{section}"),
        None if section.is_empty() => "/admin".to_owned(),
        None => format!("/admin?section={section}"),
    };
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"⟳"</span>
                "offline-console"
            </a>
            <SiteNav>
                <NavSection title="Administration">
                    <li><A href=link("") exact=true>"Overview"</A></li>
                    <li><A href=link("clients")>"Clients"</A></li>
                    <li><A href=link("users")>"Users"</A></li>
                    <li><A href=link("policy")>"Realm policy"</A></li>
                    <li><A href=link("revocation")>"Revocation"</A></li>
                    <li><A href=link("readiness")>"Readiness"</A></li>
                    <li><A href="/admin/history">"History"</A></li>
                    <li><A href="/audit">"Audit log"</A></li>
                </NavSection>
                <NavSection title="Self-service">
                    <li><A href="/me">"My applications"</A></li>
                </NavSection>
            </SiteNav>
            <UserBox/>
        </header>
        <main id="main" tabindex="-1">{children()}</main>
        <LocalTimes/>
        <footer class="site-footer">
            <p>"offline-console · manages Keycloak offline access"</p>
        </footer>
    }
}

/// The main navigation and the button that opens it on narrow screens.
#[island]
fn SiteNav(children: Children) -> impl IntoView {
    let (menu_open, set_menu_open) = signal(false);
    view! {
        <button
            type="button"
            class="menu-toggle"
            aria-controls="site-nav"
            aria-expanded=move || menu_open.get().to_string()
            on:click=move |_| set_menu_open.update(|open| *open = !*open)
        >
            {move || if menu_open.get() { "Close menu" } else { "Menu" }}
        </button>
        <nav id="site-nav" class="site-nav" class:open=menu_open aria-label="Main">
            {children()}
        </nav>
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

/// "Signed in as … / Sign out", or a sign-in link.
#[component]
fn UserBox() -> impl IntoView {
    let who = Resource::new(|| (), |_| current_viewer());
    view! {
        <div class="user-box">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match who.await {
                        Ok(Some(v)) => view! {
                            <span>"Signed in as " <strong class="viewer-name">{v.username}</strong> " (" {v.realm} ")"</span>
                            <form method="post" action="/auth/logout">
                                <button type="submit" class="secondary small">"Sign out"</button>
                            </form>
                        }.into_any(),
                        _ => view! { <a class="button secondary small" href="/signin">"Sign in"</a> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::realm_base;

    #[test]
    fn finds_the_realm_of_admin_pages() {
        assert_eq!(
            realm_base("/admin/demo/clients"),
            Some("/admin/demo".into())
        );
        assert_eq!(
            realm_base("/admin/my%20realm"),
            Some("/admin/my%20realm".into())
        );
        assert_eq!(realm_base("/admin"), None);
        assert_eq!(realm_base("/audit"), None);
    }
}
