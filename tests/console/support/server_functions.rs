//! Every server function with arguments that pass validation, for the matrices
//! that call each one (tests/authorization.rs, tests/faults.rs). The registry
//! is read at run time, so a new server function without a row here fails.

use std::collections::BTreeSet;

use super::{call, client_uuid, preview_policy_args, save_policy_args, user_uuid, TestApp};

/// What the arguments refer to, found by the demo realm's administrator.
pub struct DemoIds {
    /// backup-service's internal id.
    pub backup: String,
    /// alice's internal id.
    pub alice: String,
    /// The demo realm's policy settings as `realm_policy` loads them.
    pub policy: serde_json::Value,
}

pub async fn demo_ids(app: &TestApp, realmadmin: &reqwest::Client) -> DemoIds {
    let backup = client_uuid(app, realmadmin, "backup-service").await;
    let alice = user_uuid(app, realmadmin, "alice").await;
    let (status, page) = call(app, realmadmin, "realm_policy", &[("realm", "demo")]).await;
    assert_eq!(status, 200, "{page}");
    DemoIds {
        backup,
        alice,
        policy: page["settings"].clone(),
    }
}

/// The names of the server functions the running registry serves.
pub fn registered() -> BTreeSet<String> {
    leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.trim_start_matches("/api/").to_owned())
        .collect()
}

/// The arguments of a paged listing with `extra` (its search or client).
fn listing<'a>(extra: (&'a str, &'a str)) -> Vec<(&'a str, &'a str)> {
    vec![("realm", "demo"), extra, ("first", "0"), ("max", "10")]
}

/// Each server function by name, with arguments that pass validation and
/// change nothing (unknown sessions, consents and jobs; an unchanged policy).
pub fn every_call(ids: &DemoIds) -> Vec<(&'static str, Vec<(String, String)>)> {
    let (backup, alice) = (ids.backup.as_str(), ids.alice.as_str());
    let calls: Vec<(&'static str, Vec<(&str, &str)>)> = vec![
        ("history_status", vec![]),
        ("history_trends", vec![]),
        ("snapshot_history", vec![]),
        ("viewer", vec![]),
        ("admin_realms", vec![]),
        ("overview", vec![("realm", "demo")]),
        ("search_clients", listing(("search", ""))),
        ("offline_sessions", listing(("client", backup))),
        (
            "revoke_offline_session",
            vec![
                ("realm", "demo"),
                ("client", backup),
                ("user", alice),
                ("session", "no-such-session"),
            ],
        ),
        ("search_users", listing(("search", ""))),
        ("user_access", vec![("realm", "demo"), ("user", alice)]),
        (
            "revoke_user_consent",
            vec![
                ("realm", "demo"),
                ("user", alice),
                ("client_id", "no-such-client"),
            ],
        ),
        ("audit_log", vec![("first", "0"), ("max", "10")]),
        ("my_applications", vec![("realm", "demo")]),
        (
            "remove_my_access",
            vec![("realm", "demo"), ("client_id", "no-such-client")],
        ),
        ("realm_policy", vec![("realm", "demo")]),
        ("client_policies", vec![("realm", "demo")]),
        (
            "client_readiness",
            vec![("realm", "demo"), ("client_id", "backup-service")],
        ),
        (
            "user_readiness",
            vec![("realm", "demo"), ("username", "alice")],
        ),
        (
            "set_realm_not_before",
            vec![("realm", "demo"), ("to_now", "false")],
        ),
        ("push_realm_revocation", vec![("realm", "demo")]),
        (
            "start_session_filter",
            vec![
                ("realm", "demo"),
                ("client", backup),
                ("username_contains", "nobody-matches"),
            ],
        ),
        (
            "latest_session_job",
            vec![("realm", "demo"), ("client", backup)],
        ),
        ("session_job_status", vec![("id", "no-such-job")]),
        ("cancel_session_job", vec![("id", "no-such-job")]),
        (
            "revoke_session_job_matches",
            vec![("id", "no-such-job"), ("confirmation", "backup-service")],
        ),
    ];
    let mut calls: Vec<(&'static str, Vec<(String, String)>)> = calls
        .into_iter()
        .map(|(endpoint, args)| {
            let args = args
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
            (endpoint, args)
        })
        .collect();
    calls.push(("save_realm_policy", save_policy_args(&[], &ids.policy)));
    calls.push(("preview_policy_impact", preview_policy_args(&[], backup)));
    calls
}

/// Checks that `rows` (a matrix's expectations by server function) name
/// exactly the registered server functions, and that `every_call` does too.
pub fn assert_covers_registry<T>(rows: &[(&str, T)], ids: &DemoIds, matrix: &str) {
    let registered = registered();
    let covered: BTreeSet<String> = rows.iter().map(|(name, _)| (*name).to_owned()).collect();
    assert_eq!(
        registered, covered,
        "every server function needs a row in the {matrix}"
    );
    let called: BTreeSet<String> = every_call(ids)
        .into_iter()
        .map(|(name, _)| name.to_owned())
        .collect();
    assert_eq!(
        registered, called,
        "every server function needs arguments in tests/support/server_functions.rs"
    );
}

/// The row of `endpoint` in a matrix's expectations.
pub fn row<T: Copy>(rows: &[(&str, T)], endpoint: &str) -> T {
    rows.iter()
        .find(|(name, _)| *name == endpoint)
        .unwrap_or_else(|| panic!("{endpoint} has no row in the matrix"))
        .1
}
