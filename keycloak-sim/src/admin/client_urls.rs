//! The URL checks Keycloak makes when a client is saved (`DefaultClientValidationProvider`):
//! its root, base, logo, policy and terms URLs parse as URIs, use neither `javascript:` nor
//! `data:`, and are absolute URLs of a scheme Java knows (a base URL may be a path).

use axum::http::StatusCode;
use serde_json::Value;

use crate::error::{ApiError, ApiResult};

/// The schemes `java.net.URI.toURL()` opens.
const KNOWN_SCHEMES: [&str; 6] = ["http", "https", "ftp", "file", "jar", "mailto"];

/// Checks a client representation's URLs in Keycloak's order; the first problem is the answer.
pub fn check(client: &Value) -> ApiResult<()> {
    let attribute = |name: &str| client["attributes"][name].as_str();
    let fields = [
        ("Root URL", client["rootUrl"].as_str(), false),
        ("Base URL", client["baseUrl"].as_str(), true),
        ("Logo URL", attribute("logoUri"), false),
        ("Policy URL", attribute("policyUri"), false),
        ("Terms of service URL", attribute("tosUri"), false),
    ];
    for (label, url, may_be_path) in fields {
        let Some(url) = url.filter(|u| !u.is_empty()) else {
            continue;
        };
        if let Some(problem) = problem(url, may_be_path) {
            return Err(ApiError::oauth(
                StatusCode::BAD_REQUEST,
                "invalid_input",
                format!("{label} {problem}"),
            ));
        }
    }
    Ok(())
}

fn problem(url: &str, may_be_path: bool) -> Option<&'static str> {
    const NOT_VALID: &str = "is not a valid URL";
    if url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || "<>\"{}|\\^`".contains(c))
    {
        return Some(NOT_VALID);
    }
    let scheme = url.split_once(':').map(|(scheme, _)| scheme).filter(|s| {
        s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    match scheme.map(str::to_ascii_lowercase).as_deref() {
        Some("javascript" | "data") => Some("uses an illegal scheme"),
        Some(known) if KNOWN_SCHEMES.contains(&known) => None,
        None if may_be_path && url.starts_with('/') => None,
        _ => Some(NOT_VALID),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn answer(client: Value) -> Option<String> {
        check(&client).err().map(|e| format!("{e:?}"))
    }

    #[test]
    fn refuses_script_and_data_links_and_what_is_not_a_url() {
        let illegal = answer(json!({"attributes": {"tosUri": "JavaScript:alert(1)"}})).unwrap();
        assert!(
            illegal.contains("Terms of service URL uses an illegal scheme"),
            "{illegal}"
        );
        let data = answer(json!({"baseUrl": "data:x"})).unwrap();
        assert!(data.contains("Base URL uses an illegal scheme"), "{data}");
        for (client, message) in [
            (
                json!({"rootUrl": "relative"}),
                "Root URL is not a valid URL",
            ),
            (json!({"baseUrl": "/home a"}), "Base URL is not a valid URL"),
            (
                json!({"attributes": {"tosUri": "vbscript:x"}}),
                "Terms of service URL is not a valid URL",
            ),
            (
                json!({"attributes": {"policyUri": "relative/x"}}),
                "Policy URL is not a valid URL",
            ),
        ] {
            let got = answer(client).unwrap();
            assert!(got.contains(message), "{got}");
        }
    }

    #[test]
    fn accepts_web_links_other_known_schemes_and_a_base_path() {
        for client in [
            json!({"rootUrl": "https://photo.example", "baseUrl": "/home"}),
            json!({"attributes": {"tosUri": "ftp://files.example/terms", "policyUri": ""}}),
            json!({}),
        ] {
            assert_eq!(answer(client.clone()), None, "{client}");
        }
    }
}
