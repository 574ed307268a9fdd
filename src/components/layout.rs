//! Header, navigation and main landmark around every page.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::api::viewer::current_viewer;
use crate::components::time::LocalTimes;

/// `/admin/<realm>` when the current page belongs to a realm.
fn realm_base(pathname: &str) -> Option<String> {
    let mut parts = pathname.split('/').skip(1);
    match (parts.next(), parts.next()) {
        // `/admin/history` is the console's own page, across realms.
        (Some("admin"), Some(realm)) if !realm.is_empty() && realm != "history" => {
            Some(format!("/admin/{realm}"))
        }
        _ => None,
    }
}

/// Whether a navigation link leads to the page at `pathname` (or, unless `exact`, to a page
/// it contains). Links with a query pick a realm first and never mark the current page.
fn is_current(pathname: &str, href: &str, exact: bool) -> bool {
    if href.contains('?') {
        return false;
    }
    let (here, href) = (pathname.trim_end_matches('/'), href.trim_end_matches('/'));
    let under = || {
        here.strip_prefix(href)
            .is_some_and(|rest| rest.starts_with('/'))
    };
    here == href || (!exact && under())
}

/// The realm's sections: path under `/admin/<realm>`, whether only that exact page is
/// current, label.
const REALM_SECTIONS: [(&str, bool, &str); 6] = [
    ("", true, "Overview"),
    ("clients", false, "Clients"),
    ("users", false, "Users"),
    ("policy", false, "Realm policy"),
    ("revocation", false, "Revocation"),
    ("readiness", false, "Readiness"),
];

/// A realm section's link; outside a realm, the admin home asks for the realm first.
fn section_href(base: Option<&str>, section: &str) -> String {
    match base {
        Some(base) if section.is_empty() => base.to_owned(),
        Some(base) => format!("{base}/{section}"),
        None if section.is_empty() => "/admin".to_owned(),
        None => format!("/admin?section={section}"),
    }
}

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let here = use_location().pathname.get_untracked();
    let base = realm_base(&here);
    let admin_links = REALM_SECTIONS
        .into_iter()
        .map(|(section, exact, label)| {
            nav_link(&here, section_href(base.as_deref(), section), exact, label)
        })
        .chain([
            nav_link(&here, "/admin/history".to_owned(), false, "History"),
            nav_link(&here, "/audit".to_owned(), false, "Audit log"),
        ])
        .collect_view();
    let self_service_links = nav_link(&here, "/me".to_owned(), false, "My applications");
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"⟳"</span>
                "offline-console"
            </a>
            <SiteNav>
                <NavSection title="Administration">{admin_links}</NavSection>
                <NavSection title="Self-service">{self_service_links}</NavSection>
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

/// A plain link, marked on the server: islands pages load whole, so leptos' `<A>` would only
/// repeat on every page the reactive work of tracking a location that never changes.
fn nav_link(here: &str, href: String, exact: bool, label: &'static str) -> impl IntoView {
    let current = is_current(here, &href, exact).then_some("page");
    view! { <li><a href=href aria-current=current>{label}</a></li> }
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

/// "Signed in as … / Sign out", or a sign-in link. Read once while the page renders on the
/// server, so no `Resource`: it would add a reactive node and a spawned task to every page.
#[component]
fn UserBox() -> impl IntoView {
    view! {
        <div class="user-box">
            <Suspense fallback=|| ()>
                {Suspend::new(async move {
                    match current_viewer().await {
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
    use super::{is_current, realm_base};

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
        assert_eq!(realm_base("/admin/history"), None);
        assert_eq!(realm_base("/audit"), None);
    }

    #[test]
    fn marks_the_link_of_the_page_and_of_the_pages_under_it() {
        assert!(is_current("/admin/demo", "/admin/demo", true));
        assert!(!is_current("/admin/demo/clients", "/admin/demo", true));
        let clients_link_at = |here| is_current(here, "/admin/demo/clients", false);
        assert!(clients_link_at("/admin/demo/clients/abc"));
        assert!(clients_link_at("/admin/demo/clients/"));
        assert!(!clients_link_at("/admin/demo/clientsx"));
        assert!(!is_current("/admin/demo", "/admin/demo/clients", false));
        assert!(!is_current("/admin", "/admin?section=clients", false));
    }
}
