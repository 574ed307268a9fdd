//! `/_sim/` controls: virtual clock and bulk seed; absent without `--sim-api`.

use crate::support::oidc::*;
use keycloak_sim::SimOptions;
use serde_json::{json, Value};

async fn get_json(url: String) -> (u16, Value) {
    let response = http().get(url).send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

async fn post_json(url: String, body: Value) -> (u16, Value) {
    let response = http().post(url).json(&body).send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

#[tokio::test]
async fn clock_reads_and_advances() {
    let sim = start_demo().await;
    let (status, before) = get_json(format!("{}/_sim/clock", sim.base_url())).await;
    assert_eq!(status, 200);
    let now = before["now"].as_i64().unwrap();
    let wall = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!((now - wall).abs() <= 2, "virtual clock starts at wall time");
    let (status, _) = post_json(
        format!("{}/_sim/clock/advance", sim.base_url()),
        json!({"seconds": 86400}),
    )
    .await;
    assert_eq!(status, 200);
    let (_, after) = get_json(format!("{}/_sim/clock", sim.base_url())).await;
    let moved = after["now"].as_i64().unwrap() - now;
    assert!((86400..=86402).contains(&moved), "moved {moved}");
    let tokens = login(&sim, BACKUP, "alice", "").await;
    let iat = claims(str_of(&tokens, "access_token"))["iat"]
        .as_i64()
        .unwrap();
    assert!(iat >= now + 86400, "tokens follow the virtual clock");
}

#[tokio::test]
async fn clock_advance_rejects_bad_bodies() {
    let sim = start_demo().await;
    let url = format!("{}/_sim/clock/advance", sim.base_url());
    let (status, body) = post_json(url.clone(), json!({"seconds": "soon"})).await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"error": "unknown_error", "error_description": "Cannot parse the JSON"})
        )
    );
    let out_of_range = json!({"errorMessage": "seconds must be between 0 and 10000000000"});
    for seconds in [json!(-5), json!(i64::MAX), json!(10_000_000_001_i64)] {
        let (status, body) = post_json(url.clone(), json!({ "seconds": seconds })).await;
        assert_eq!((status, body), (400, out_of_range.clone()), "{seconds}");
    }
}

#[tokio::test]
async fn seed_creates_users_with_offline_sessions() {
    let sim = start_demo().await;
    let (status, body) = post_json(
        format!("{}/_sim/realms/demo/seed", sim.base_url()),
        json!({"users": 500, "prefix": "user", "offlineClients": ["backup-service", "photo-print"]}),
    )
    .await;
    assert_eq!((status, body), (200, json!({"created": 500})));
    let (backup, photo) = (
        client_uuid(&sim, "backup-service"),
        client_uuid(&sim, "photo-print"),
    );
    with_demo(&sim, |realm| {
        assert_eq!(realm.offline().count_for_client(backup), 500);
        assert_eq!(realm.offline().count_for_client(photo), 500);
        let page = realm.offline().page_for_client(backup, 490, 100);
        assert_eq!(page.len(), 10);
        // Paged in session-id order, every seeded user appears exactly once.
        let mut names: Vec<String> = (0..5)
            .flat_map(|n| realm.offline().page_for_client(backup, n * 100, 100))
            .map(|session| realm.user(session.user).unwrap().username.to_string())
            .collect();
        names.sort();
        let mut expected: Vec<String> = (1..=500).map(|n| format!("user{n}")).collect();
        expected.sort();
        assert_eq!(names, expected);
    });
    // Seeded users log in with password = username and hold the ordinary roles.
    let tokens = login(&sim, BACKUP, "user42", "offline_access").await;
    assert_eq!(claims(str_of(&tokens, "refresh_token"))["typ"], "Offline");
}

#[tokio::test]
async fn seeded_sessions_have_the_ages_asked_for() {
    let sim = start_demo().await;
    const DAY: i64 = 86_400;
    let (status, body) = post_json(
        format!("{}/_sim/realms/demo/seed", sim.base_url()),
        json!({"users": 300, "prefix": "aged", "offlineClients": ["photo-print"],
               "startedAgoSecs": [10 * DAY, 40 * DAY], "idleAgoSecs": [DAY, 35 * DAY]}),
    )
    .await;
    assert_eq!((status, body), (200, json!({"created": 300})));
    let now = sim.state().now();
    let photo = client_uuid(&sim, "photo-print");
    with_demo(&sim, |realm| {
        let sessions = realm.offline().page_for_client(photo, 0, 1000);
        assert_eq!(sessions.len(), 300);
        let mut capped = 0;
        for session in &sessions {
            let (age, idle) = (now - session.started, now - session.last_refresh);
            assert!((10 * DAY..=40 * DAY).contains(&age), "age {age}");
            assert!(
                (DAY..=35 * DAY).contains(&idle) || idle == age,
                "idle {idle}"
            );
            assert!(idle <= age, "refreshed before it started: {idle} > {age}");
            capped += usize::from(idle == age);
            let client = &session.clients[0];
            assert_eq!(
                (client.started, client.timestamp),
                (session.started, session.last_refresh)
            );
            let user = realm.user(session.user).unwrap();
            assert_eq!(user.created_timestamp, session.started * 1000);
        }
        // Evenly drawn, not one age for all: both ends of the range are reached.
        let ages: Vec<i64> = sessions.iter().map(|s| now - s.started).collect();
        assert!(ages.iter().any(|a| *a < 15 * DAY) && ages.iter().any(|a| *a > 35 * DAY));
        assert!(
            capped > 0 && capped < 300,
            "some idle draws exceed the age: {capped}"
        );
    });
}

#[tokio::test]
async fn seed_errors() {
    let sim = start_demo().await;
    let (status, body) = post_json(
        format!("{}/_sim/realms/nowhere/seed", sim.base_url()),
        json!({"users": 1}),
    )
    .await;
    assert_eq!((status, body), (404, json!({"error": "Realm not found."})));
    let (status, body) = post_json(
        format!("{}/_sim/realms/demo/seed", sim.base_url()),
        json!({"users": 1, "offlineClients": ["ghost"]}),
    )
    .await;
    assert_eq!((status, body), (404, json!({"error": "Client not found"})));
    let (status, body) = post_json(
        format!("{}/_sim/realms/demo/seed", sim.base_url()),
        json!({"users": 1_000_000_000_000_u64}),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"errorMessage": "users must be between 0 and 10000000"})
        )
    );
    for ages in [
        json!({"startedAgoSecs": [10, 5]}),
        json!({"idleAgoSecs": [-1, 5]}),
        json!({"startedAgoSecs": [0, 400_000_000]}),
    ] {
        let mut body = json!({"users": 1, "offlineClients": ["photo-print"]});
        body.as_object_mut()
            .unwrap()
            .extend(ages.as_object().unwrap().clone());
        let (status, answer) =
            post_json(format!("{}/_sim/realms/demo/seed", sim.base_url()), body).await;
        assert_eq!(status, 400, "{ages}: {answer}");
        assert!(answer["errorMessage"]
            .as_str()
            .unwrap()
            .contains("startedAgoSecs"));
    }
}

#[tokio::test]
async fn sim_api_is_absent_without_the_flag() {
    let sim = keycloak_sim::start(SimOptions {
        port: 0,
        imports: demo_sources(),
        data_dir: None,
        sim_api: false,
    })
    .await
    .unwrap();
    let (status, body) = get_json(format!("{}/_sim/clock", sim.base_url())).await;
    assert_eq!(
        (status, body),
        (404, json!({"error": "HTTP 404 Not Found"}))
    );
    let (status, _) = post_json(
        format!("{}/_sim/realms/demo/seed", sim.base_url()),
        json!({"users": 1}),
    )
    .await;
    assert_eq!(status, 404);
}
