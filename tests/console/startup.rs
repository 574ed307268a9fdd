//! The binary refuses bad configuration with exactly one clear line.

use std::process::Command;

fn console() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_offline-console"));
    for var in [
        "KEYCLOAK_URL",
        "OIDC_CLIENT_SECRET",
        "DATABASE_URL",
        "PUBLIC_URL",
        "BIND_ADDR",
        "SESSION_LIFETIME",
        "HISTORY_KEY",
        "HISTORY_INTERVAL",
        "SESSION_KEY",
        "CLIENT_TIMEOUT",
        "REQUEST_TIMEOUT",
        "MAX_CONCURRENT_REQUESTS",
        "OIDC_CLIENT_SECRETS",
        "OIDC_CLIENT_SECRETS_FILE",
    ] {
        command.env_remove(var);
    }
    command
}

fn stderr_lines(output: &std::process::Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_bad_keycloak_url_gives_one_line_and_exit_code_2() {
    let output = console()
        .env("KEYCLOAK_URL", "keycloak.example.com")
        .env("OIDC_CLIENT_SECRET", "x")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let lines = stderr_lines(&output);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with(
            "offline-console: configuration error: KEYCLOAK_URL (--keycloak-url): 'keycloak.example.com' is not a URL"
        ),
        "{lines:?}"
    );
}

#[test]
fn a_missing_secret_gives_one_line() {
    let output = console()
        .env("KEYCLOAK_URL", "http://127.0.0.1:1")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr_lines(&output),
        vec!["offline-console: configuration error: OIDC_CLIENT_SECRET (--client-secret): is required (the secret of the console's confidential client; or one per realm in OIDC_CLIENT_SECRETS)"]
    );
}

#[test]
fn a_bad_history_key_gives_one_line_without_the_key() {
    let output = console()
        .env("KEYCLOAK_URL", "http://127.0.0.1:1")
        .env("OIDC_CLIENT_SECRET", "x")
        .env("HISTORY_KEY", "dG9vLXNob3J0LWtleQ==")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr_lines(&output),
        vec!["offline-console: configuration error: HISTORY_KEY (--history-key): must be 32 bytes in base64 but is 13 bytes; generate one with `openssl rand -base64 32`"]
    );
}

#[test]
fn an_unusable_database_path_gives_one_line_and_no_panic() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-directory");
    std::fs::write(&blocker, b"a file where a directory should be").unwrap();
    let output = console()
        .env("KEYCLOAK_URL", "http://127.0.0.1:1")
        .env("OIDC_CLIENT_SECRET", "x")
        .env("BIND_ADDR", "127.0.0.1:0")
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/console.db", blocker.display()),
        )
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let lines = stderr_lines(&output);
    let last = lines.last().cloned().unwrap_or_default();
    assert!(
        last.starts_with("offline-console: DATABASE_URL: cannot open database at "),
        "{lines:?}"
    );
    assert!(!String::from_utf8_lossy(&output.stderr).contains("panicked"));
}

#[test]
fn help_documents_every_option_with_its_variable() {
    let output = console().arg("--help").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let help = String::from_utf8_lossy(&output.stdout);
    for var in [
        "KEYCLOAK_URL",
        "ADMIN_REALM",
        "OIDC_CLIENT_ID",
        "OIDC_CLIENT_SECRET",
        "PUBLIC_URL",
        "BIND_ADDR",
        "DATABASE_URL",
        "SESSION_LIFETIME",
        "KEYCLOAK_TIMEOUT",
        "KEYCLOAK_CONNECT_TIMEOUT",
        "LOG_LEVEL",
        "LOG_FORMAT",
        "HISTORY_KEY",
        "HISTORY_INTERVAL",
    ] {
        assert!(
            help.contains(&format!("[env: {var}")),
            "{var} missing from --help"
        );
    }
}

/// JSON logs carry the request id on the request's lines, and SIGTERM stops
/// the server cleanly (exit code 0).
#[test]
fn json_logs_carry_request_ids_and_sigterm_shuts_down_gracefully() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let mut child = console()
        .env("KEYCLOAK_URL", "http://127.0.0.1:1")
        .env("OIDC_CLIENT_SECRET", "do-not-log-me")
        .env("BIND_ADDR", "127.0.0.1:0")
        .env("LOG_FORMAT", "json")
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/c.db", dir.path().display()),
        )
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let bound = loop {
        let line = lines.next().expect("the console logs its address").unwrap();
        let json: serde_json::Value = serde_json::from_str(&line).expect("every log line is JSON");
        if let Some(bound) = json["bound"].as_str() {
            break bound.to_owned();
        }
    };
    let response = std::process::Command::new("curl")
        .args([
            "-s",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            &format!("http://{bound}/healthz"),
        ])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&response.stdout), "200");
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let rest: Vec<String> = lines.map(|l| l.unwrap()).collect();
    assert_eq!(child.wait().unwrap().code(), Some(0), "graceful exit");
    let request_line = rest
        .iter()
        .find(|l| l.contains("/healthz"))
        .unwrap_or_else(|| panic!("a log line for the request in {rest:?}"));
    let json: serde_json::Value = serde_json::from_str(request_line).unwrap();
    assert!(
        json["span"]["request_id"]
            .as_str()
            .is_some_and(|id| id.len() == 36),
        "{request_line}"
    );
    assert!(rest.iter().any(|l| l.contains("offline-console stopped")));
    assert!(
        !rest.iter().any(|l| l.contains("do-not-log-me")),
        "the secret is never logged"
    );
}
