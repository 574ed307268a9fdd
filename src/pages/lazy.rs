//! The data pages as lazy routes: with `cargo leptos build --split` each page's browser code is
//! its own wasm chunk, fetched when the page is first shown, so a first visit downloads the
//! shell and one page instead of every page.

use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

/// `pub struct <Route>` whose lazily loaded view is `<Page/>`.
macro_rules! lazy_page {
    ($($route:ident => $page:path),* $(,)?) => {$(
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(_this: Self) -> AnyView {
                view! { <$page/> }.into_any()
            }
        }
    )*};
}

lazy_page! {
    AdminHomeRoute => crate::pages::admin::AdminHome,
    AuditLogPageRoute => crate::pages::audit::AuditLogPage,
    TrendsPageRoute => crate::pages::admin::history::TrendsPage,
    OverviewPageRoute => crate::pages::admin::overview::OverviewPage,
    ClientsPageRoute => crate::pages::admin::clients::ClientsPage,
    ClientSessionsPageRoute => crate::pages::admin::client_sessions::ClientSessionsPage,
    SessionToolsPageRoute => crate::pages::admin::session_tools::SessionToolsPage,
    UsersPageRoute => crate::pages::admin::users::UsersPage,
    UserAccessPageRoute => crate::pages::admin::user_access::UserAccessPage,
    MeHomeRoute => crate::pages::me::MeHome,
    MyApplicationsPageRoute => crate::pages::me::applications::MyApplicationsPage,
    PolicyPageRoute => crate::pages::admin::policy::PolicyPage,
}
