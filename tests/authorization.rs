//! The authorization matrix: every server function and every data page, for
//! anonymous visitors, an end user, helpdesk (view only), a realm
//! administrator and the master administrator. The list of server functions
//! is read from the running registry, so a new one without an entry fails.

mod support;

use std::collections::BTreeSet;

use support::*;

const ROLES: [&str; 5] = [
    "anonymous",
    "alice (end user)",
    "helpdesk",
    "realmadmin",
    "master admin",
];

struct Case {
    endpoint: &'static str,
    args: Vec<(String, String)>,
    /// Expected status per entry of `ROLES`.
    expect: [u16; 5],
}

fn case(endpoint: &'static str, args: &[(&'static str, &str)], expect: [u16; 5]) -> Case {
    Case {
        endpoint,
        args: args
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        expect,
    }
}

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
    let (_, found) = call(
        &app,
        admin,
        "search_clients",
        &[
            ("realm", "demo"),
            ("search", "backup-service"),
            ("first", "0"),
            ("max", "5"),
        ],
    )
    .await;
    let backup = found["clients"][0]["id"].as_str().unwrap().to_owned();
    let (_, users) = call(
        &app,
        admin,
        "search_users",
        &[
            ("realm", "demo"),
            ("search", "\"alice\""),
            ("first", "0"),
            ("max", "5"),
        ],
    )
    .await;
    let alice = users["users"][0]["id"].as_str().unwrap().to_owned();

    // An unchanged policy form: passes every permission check, then changes nothing.
    let (_, policy) = call(&app, admin, "realm_policy", &[("realm", "demo")]).await;
    let mut form = policy_form_args(&[]);
    let mut save = vec![("realm".to_owned(), "demo".to_owned())];
    save.extend(form.iter().cloned());
    for (key, value) in policy["settings"].as_object().expect("policy settings") {
        save.push((format!("expected[{key}]"), value.to_string()));
    }
    form.insert(0, ("realm".to_owned(), "demo".to_owned()));
    form.push(("client".to_owned(), backup.clone()));

    // History connected by the demo realm's administrator: snapshots need view-realm there.
    let connected = connect_history(&app, admin, None).await;
    assert_eq!(connected.status(), 303, "realmadmin connects history");
    let mut cases = vec![
        case("history_status", &[], [401, 403, 200, 200, 200]),
        case("history_trends", &[], [401, 403, 200, 200, 200]),
        case("snapshot_history", &[], [401, 403, 403, 200, 200]),
        case("viewer", &[], [200, 200, 200, 200, 200]),
        case("admin_realms", &[], [401, 403, 200, 200, 200]),
        case("overview", &[("realm", "demo")], [401, 403, 403, 200, 200]),
        case(
            "search_clients",
            &[
                ("realm", "demo"),
                ("search", ""),
                ("first", "0"),
                ("max", "10"),
            ],
            [401, 403, 200, 200, 200],
        ),
        case(
            "offline_sessions",
            &[
                ("realm", "demo"),
                ("client", &backup),
                ("first", "0"),
                ("max", "10"),
            ],
            [401, 403, 200, 200, 200],
        ),
        case(
            "revoke_offline_session",
            &[
                ("realm", "demo"),
                ("client", &backup),
                ("session", "no-such-session"),
            ],
            [401, 403, 403, 404, 404],
        ),
        case(
            "search_users",
            &[
                ("realm", "demo"),
                ("search", ""),
                ("first", "0"),
                ("max", "10"),
            ],
            [401, 403, 200, 200, 200],
        ),
        case(
            "user_access",
            &[("realm", "demo"), ("user", &alice)],
            [401, 403, 200, 200, 200],
        ),
        case(
            "revoke_user_consent",
            &[
                ("realm", "demo"),
                ("user", &alice),
                ("client_id", "no-such-client"),
            ],
            [401, 403, 403, 404, 404],
        ),
        case(
            "audit_log",
            &[("first", "0"), ("max", "10")],
            [401, 403, 200, 200, 200],
        ),
        case(
            "my_applications",
            &[("realm", "demo")],
            [401, 200, 200, 200, 403],
        ),
        case(
            "remove_my_access",
            &[("realm", "demo"), ("client_id", "no-such-client")],
            [401, 404, 404, 404, 403],
        ),
        case(
            "realm_policy",
            &[("realm", "demo")],
            [401, 403, 403, 200, 200],
        ),
        case(
            "client_policies",
            &[("realm", "demo")],
            [401, 403, 403, 200, 200],
        ),
        case(
            "client_readiness",
            &[("realm", "demo"), ("client_id", "backup-service")],
            [401, 403, 200, 200, 200],
        ),
        case(
            "user_readiness",
            &[("realm", "demo"), ("username", "alice")],
            [401, 403, 200, 200, 200],
        ),
        case(
            "set_realm_not_before",
            &[("realm", "demo"), ("to_now", "false")],
            [401, 403, 403, 200, 200],
        ),
        case(
            "push_realm_revocation",
            &[("realm", "demo")],
            [401, 403, 403, 200, 200],
        ),
        case(
            "start_session_filter",
            &[
                ("realm", "demo"),
                ("client", &backup),
                ("username_contains", "nobody-matches"),
            ],
            [401, 403, 200, 200, 200],
        ),
        case(
            "latest_session_job",
            &[("realm", "demo"), ("client", &backup)],
            [401, 403, 200, 200, 200],
        ),
        case(
            "session_job_status",
            &[("id", "no-such-job")],
            [401, 403, 404, 404, 404],
        ),
        case(
            "cancel_session_job",
            &[("id", "no-such-job")],
            [401, 403, 404, 404, 404],
        ),
        case(
            "revoke_session_job_matches",
            &[("id", "no-such-job"), ("confirmation", "backup-service")],
            [401, 403, 404, 404, 404],
        ),
    ];
    cases.push(Case {
        endpoint: "save_realm_policy",
        args: save,
        expect: [401, 403, 403, 400, 400],
    });
    cases.push(Case {
        endpoint: "preview_policy_impact",
        args: form,
        expect: [401, 403, 403, 200, 200],
    });

    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.trim_start_matches("/api/").to_owned())
        .collect();
    let covered: BTreeSet<String> = cases.iter().map(|c| c.endpoint.to_owned()).collect();
    assert_eq!(
        registered, covered,
        "every server function needs a row in this matrix"
    );

    let mut wrong = Vec::new();
    for c in &cases {
        let args: Vec<(&str, &str)> = c
            .args
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        for (role, http) in clients.iter().enumerate() {
            let (status, body) = call(&app, http, c.endpoint, &args).await;
            // JWTs start with `eyJ` (base64 of `{"`): no token may ever reach a browser.
            if body.to_string().contains("eyJ") {
                wrong.push(format!(
                    "{} as {}: a token in the answer",
                    c.endpoint, ROLES[role]
                ));
            }
            if status != c.expect[role] {
                wrong.push(format!(
                    "{} as {}: {} (expected {}) {}",
                    c.endpoint, ROLES[role], status, c.expect[role], body
                ));
            }
        }
    }

    let pages: [(&str, [u16; 5]); 8] = [
        ("/admin/history", [401, 403, 200, 200, 200]),
        ("/history.csv", [401, 403, 200, 200, 200]),
        ("/admin/demo", [401, 403, 403, 200, 200]),
        ("/admin/demo/clients", [401, 403, 200, 200, 200]),
        ("/admin/demo/users", [401, 403, 200, 200, 200]),
        ("/audit", [401, 403, 200, 200, 200]),
        ("/realms/demo/my-applications", [401, 200, 200, 200, 403]),
        ("/", [200, 200, 200, 200, 200]),
    ];
    for (path, expect) in pages {
        for (role, http) in clients.iter().enumerate() {
            let status = http
                .get(format!("{}{path}", app.url))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16();
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
