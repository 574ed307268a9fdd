//! Routes, the HTML shell and the page layout.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::Lazy;
use leptos_router::{path, SsrMode};

use crate::components::layout::Layout;
use crate::pages::home::Home;
use crate::pages::lazy::*;
use crate::pages::not_found::NotFound;
use crate::pages::signin::SignIn;

/// The document around the app. On the server it also sets the page's
/// Content-Security-Policy, which carries this response's script nonce.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[cfg(feature = "ssr")]
fn set_content_security_policy() {
    use axum::http::{header, HeaderValue};
    let Some(nonce) = leptos::nonce::use_nonce() else {
        return;
    };
    let Some(response) = use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
         base-uri 'none'; frame-ancestors 'none'; form-action 'self' {}",
        keycloak_origin()
    );
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}

/// Sign-out forms redirect to Keycloak's logout page, which `form-action` must allow.
#[cfg(feature = "ssr")]
fn keycloak_origin() -> String {
    use_context::<crate::server::AppState>()
        .map(|s| s.config.keycloak_url.origin().ascii_serialization())
        .unwrap_or_default()
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href="/pkg/offline-console.css"/>
        <Title formatter=|page: String| {
            if page.is_empty() { "offline-console".to_owned() } else { format!("{page} · offline-console") }
        }/>
        <Router>
            <Layout>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=Home/>
                    <Route path=path!("/signin") view=SignIn/>
                    // Data pages render whole (async) so that errors carry their HTTP status.
                    <Route path=path!("/admin") view={Lazy::<AdminHomeRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/audit") view={Lazy::<AuditLogPageRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/history") view={Lazy::<TrendsPageRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/:realm") view={Lazy::<OverviewPageRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/:realm/clients") view={Lazy::<ClientsPageRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/:realm/clients/:client") view={Lazy::<ClientSessionsPageRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/:realm/clients/:client/tools") view={Lazy::<SessionToolsPageRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/:realm/users") view={Lazy::<UsersPageRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/:realm/users/:user") view={Lazy::<UserAccessPageRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/me") view={Lazy::<MeHomeRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/realms/:realm/my-applications") view={Lazy::<MyApplicationsPageRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/:realm/policy") view={Lazy::<PolicyPageRoute>::new()} ssr=SsrMode::Async/>
                </Routes>
            </Layout>
        </Router>
    }
}
