//! Routes, the HTML shell and the page layout.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

use crate::components::hydration_marker::HydrationMarker;
use crate::components::layout::Layout;
use crate::pages::admin::client_sessions::ClientSessionsPage;
use crate::pages::admin::clients::ClientsPage;
use crate::pages::admin::history::TrendsPage;
use crate::pages::admin::overview::OverviewPage;
use crate::pages::admin::policy::PolicyPage;
use crate::pages::admin::readiness::ReadinessPage;
use crate::pages::admin::revocation::RevocationPage;
use crate::pages::admin::session_tools::SessionToolsPage;
use crate::pages::admin::user_access::UserAccessPage;
use crate::pages::admin::users::UsersPage;
use crate::pages::admin::AdminHome;
use crate::pages::audit::AuditLogPage;
use crate::pages::home::Home;
use crate::pages::me::applications::MyApplicationsPage;
use crate::pages::me::MeHome;
use crate::pages::not_found::NotFound;
use crate::pages::signin::SignIn;

/// The document around the app. Its Content-Security-Policy, with this response's script
/// nonce, is set by the server's security layer (`server::security::headers`).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <HydrationScripts options islands=true/>
                <MetaTags/>
            </head>
            <body>
                <App/>
                // Last, so that it hydrates after every other island.
                <HydrationMarker/>
            </body>
        </html>
    }
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
                    <Route path=path!("/admin") view=AdminHome ssr=SsrMode::Async/>
                    <Route path=path!("/audit") view=AuditLogPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/history") view=TrendsPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/:realm") view=OverviewPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/:realm/clients") view=ClientsPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/:realm/clients/:client") view=ClientSessionsPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/:realm/clients/:client/tools") view=SessionToolsPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/:realm/users") view=UsersPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/:realm/users/:user") view=UserAccessPage ssr=SsrMode::Async/>
                    <Route path=path!("/me") view=MeHome ssr=SsrMode::Async/>
                    <Route path=path!("/realms/:realm/my-applications") view=MyApplicationsPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/:realm/policy") view=PolicyPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/:realm/revocation") view=RevocationPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/:realm/readiness") view=ReadinessPage ssr=SsrMode::Async/>
                </Routes>
            </Layout>
        </Router>
    }
}
