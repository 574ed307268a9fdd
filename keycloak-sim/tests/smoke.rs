mod common;
use common::*;

#[tokio::test]
async fn master_admin_gets_a_token_through_admin_cli() {
    let sim = start_demo().await;
    let (status, body) = token_request(
        &sim,
        "master",
        &[
            ("grant_type", "password"),
            ("client_id", "admin-cli"),
            ("username", "admin"),
            ("password", "admin"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let access = claims(str_of(&body, "access_token"));
    println!("{:#}", access);
    println!("{:#}", body);
    assert_eq!(access["azp"], "admin-cli");
}
