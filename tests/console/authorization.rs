//! The authorization matrix: every server function and every data page, for
//! anonymous visitors, an end user, helpdesk (view only), a realm
//! administrator and the master administrator. The list of server functions
//! is read from the running registry, so a new one without an entry fails.

use crate::support::server_functions::{assert_covers_registry, demo_ids, every_call, row};
use crate::support::*;

const ROLES: [&str; 5] = [
    "anonymous",
    "alice (end user)",
    "helpdesk",
    "realmadmin",
    "master admin",
];

/// Expected status of each server function, per entry of `ROLES`.
const EXPECTED: [(&str, [u16; 5]); 28] = [
    ("history_status", [401, 403, 200, 200, 200]),
    ("history_trends", [401, 403, 200, 200, 200]),
    ("snapshot_history", [401, 403, 403, 200, 200]),
    ("viewer", [200, 200, 200, 200, 200]),
    ("admin_realms", [401, 403, 200, 200, 200]),
    ("overview", [401, 403, 403, 200, 200]),
    ("search_clients", [401, 403, 200, 200, 200]),
    ("offline_sessions", [401, 403, 200, 200, 200]),
    // Helpdesk may look alice's sessions up, and there is no such session to revoke; its
    // refusal to revoke one that exists is in admin_sessions.rs.
    ("revoke_offline_session", [401, 403, 404, 404, 404]),
    ("search_users", [401, 403, 200, 200, 200]),
    ("user_access", [401, 403, 200, 200, 200]),
    ("revoke_user_consent", [401, 403, 403, 404, 404]),
    ("audit_log", [401, 403, 200, 200, 200]),
    ("my_applications", [401, 200, 200, 200, 403]),
    ("remove_my_access", [401, 404, 404, 404, 403]),
    ("realm_policy", [401, 403, 403, 200, 200]),
    ("client_policies", [401, 403, 403, 200, 200]),
    ("client_readiness", [401, 403, 200, 200, 200]),
    ("user_readiness", [401, 403, 200, 200, 200]),
    ("set_realm_not_before", [401, 403, 403, 200, 200]),
    ("push_realm_revocation", [401, 403, 403, 200, 200]),
    ("start_session_filter", [401, 403, 200, 200, 200]),
    ("latest_session_job", [401, 403, 200, 200, 200]),
    ("session_job_status", [401, 403, 404, 404, 404]),
    ("cancel_session_job", [401, 403, 404, 404, 404]),
    ("revoke_session_job_matches", [401, 403, 404, 404, 404]),
    // An unchanged policy form passes every permission check, then changes nothing.
    ("save_realm_policy", [401, 403, 403, 400, 400]),
    ("preview_policy_impact", [401, 403, 403, 200, 200]),
];

/// Expected status of each page the router serves (`server::page_paths`), per entry of
/// `ROLES`; a page without a row fails the test.
const PAGES: [(&str, [u16; 5]); 16] = [
    ("/", [200, 200, 200, 200, 200]),
    ("/signin", [200, 200, 200, 200, 200]),
    ("/admin", [200, 200, 200, 200, 200]),
    ("/audit", [401, 403, 200, 200, 200]),
    ("/admin/history", [401, 403, 200, 200, 200]),
    ("/admin/{realm}", [401, 403, 403, 200, 200]),
    ("/admin/{realm}/clients", [401, 403, 200, 200, 200]),
    ("/admin/{realm}/clients/{client}", [401, 403, 200, 200, 200]),
    (
        "/admin/{realm}/clients/{client}/tools",
        [401, 403, 200, 200, 200],
    ),
    ("/admin/{realm}/users", [401, 403, 200, 200, 200]),
    ("/admin/{realm}/users/{user}", [401, 403, 200, 200, 200]),
    ("/me", [200, 200, 200, 200, 200]),
    ("/realms/{realm}/my-applications", [401, 200, 200, 200, 403]),
    ("/admin/{realm}/policy", [401, 403, 403, 200, 200]),
    ("/admin/{realm}/revocation", [401, 403, 403, 200, 200]),
    ("/admin/{realm}/readiness", [401, 403, 200, 200, 200]),
];

/// Downloads, which are plain routes rather than pages.
const DOWNLOADS: [(&str, [u16; 5]); 2] = [
    ("/history.csv", [401, 403, 200, 200, 200]),
    ("/audit.csv", [401, 403, 200, 200, 200]),
];

#[tokio::test]
async fn every_server_function_and_page_answers_each_role_as_expected() {
    let app = spawn_app().await;
    let clients = [
        app.client(),
        signed_in_client(&app, "demo", "alice", "alice").await,
        signed_in_client(&app, "demo", "helpdesk", "helpdesk").await,
        signed_in_client(&app, "demo", "realmadmin", "realmadmin").await,
        signed_in_client(&app, "master", "admin", "admin").await,
    ];
    let admin = &clients[3];
    let ids = demo_ids(&app, admin).await;
    assert_covers_registry(&EXPECTED, &ids, "authorization matrix");

    // History connected by the demo realm's administrator: snapshots need view-realm there.
    let connected = connect_history(&app, admin, ("realmadmin", "realmadmin")).await;
    assert_eq!(connected.status(), 303, "realmadmin connects history");

    let mut wrong = Vec::new();
    for (endpoint, args) in every_call(&ids) {
        let expect = row(&EXPECTED, endpoint);
        for (role, http) in clients.iter().enumerate() {
            let (status, body) = call_owned(&app, http, endpoint, &args).await;
            // JWTs start with `eyJ` (base64 of `{"`): no token may ever reach a browser.
            if body.to_string().contains("eyJ") {
                wrong.push(format!(
                    "{} as {}: a token in the answer",
                    endpoint, ROLES[role]
                ));
            }
            if status != expect[role] {
                wrong.push(format!(
                    "{} as {}: {} (expected {}) {}",
                    endpoint, ROLES[role], status, expect[role], body
                ));
            }
        }
    }

    // Every page the router serves, its parameters filled in for the demo realm.
    let mut pages: Vec<(String, [u16; 5])> = Vec::new();
    let served = offline_console::server::page_paths();
    for (path, _) in PAGES {
        assert!(
            served.iter().any(|route| route == path),
            "PAGES names {path}, not a page"
        );
    }
    for route in served {
        let expect = PAGES
            .iter()
            .find(|(path, _)| *path == route)
            .unwrap_or_else(|| panic!("the page {route} has no row in PAGES"))
            .1;
        let path = route
            .replace("{realm}", "demo")
            .replace("{client}", &ids.backup)
            .replace("{user}", &ids.alice);
        pages.push((path, expect));
    }
    for (path, expect) in DOWNLOADS {
        pages.push((path.to_owned(), expect));
    }
    for (path, expect) in pages {
        let path = path.as_str();
        for (role, http) in clients.iter().enumerate() {
            let status = get_page(&app, http, path).await.status().as_u16();
            if status != expect[role] {
                wrong.push(format!(
                    "GET {path} as {}: {status} (expected {})",
                    ROLES[role], expect[role]
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "unexpected answers:\n{}",
        wrong.join("\n")
    );
}
