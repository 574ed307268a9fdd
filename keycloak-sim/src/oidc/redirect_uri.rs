//! Redirect-URI validation as Keycloak's `RedirectUtils`: exact match, or prefix match for
//! a registered URI ending in `*`; relative registered URIs resolve against the server.

use crate::model::Client;

/// The redirect URI to use, or `None` when it does not match the client's.
pub fn verify(client: &Client, requested: Option<&str>, base_url: &str) -> Option<String> {
    let registered: Vec<String> = client
        .redirect_uris
        .iter()
        .map(|uri| resolve(client, uri, base_url))
        .collect();
    match requested {
        None => match registered.as_slice() {
            [only] if !only.ends_with('*') => Some(only.clone()),
            _ => None,
        },
        Some(uri) => registered
            .iter()
            .any(|pattern| matches(pattern, uri))
            .then(|| uri.to_string()),
    }
}

/// Post-logout redirect URIs: the `post.logout.redirect.uris` attribute (`##`-separated),
/// where `+` means "the redirect URIs".
pub fn verify_post_logout(client: &Client, requested: &str, base_url: &str) -> bool {
    let attribute = client
        .attributes
        .get("post.logout.redirect.uris")
        .cloned()
        .unwrap_or_default();
    attribute
        .split("##")
        .filter(|p| !p.is_empty())
        .any(|pattern| {
            if pattern == "+" {
                verify(client, Some(requested), base_url).is_some()
            } else {
                matches(&resolve(client, pattern, base_url), requested)
            }
        })
}

fn matches(pattern: &str, uri: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => uri.starts_with(prefix),
        None => pattern == uri,
    }
}

fn resolve(client: &Client, uri: &str, base_url: &str) -> String {
    if !uri.starts_with('/') {
        return uri.to_string();
    }
    let root = match client.root_url.as_deref() {
        None | Some("${authBaseUrl}") | Some("${authAdminUrl}") => base_url,
        Some(root) => root.trim_end_matches('/'),
    };
    format!("{root}{uri}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(uris: &[&str]) -> Client {
        Client {
            redirect_uris: uris.iter().map(|u| u.to_string()).collect(),
            ..Client::default()
        }
    }

    #[test]
    fn exact_and_wildcard_matching() {
        let c = client(&["http://app/cb", "http://other/*"]);
        assert_eq!(
            verify(&c, Some("http://app/cb"), "http://kc").as_deref(),
            Some("http://app/cb")
        );
        assert_eq!(verify(&c, Some("http://app/cb2"), "http://kc"), None);
        assert_eq!(verify(&c, Some("http://app/"), "http://kc"), None);
        assert_eq!(
            verify(&c, Some("http://other/x?y=1"), "http://kc").as_deref(),
            Some("http://other/x?y=1")
        );
        assert_eq!(verify(&c, None, "http://kc"), None);
        assert_eq!(
            verify(&client(&["http://app/cb"]), None, "http://kc").as_deref(),
            Some("http://app/cb")
        );
        assert_eq!(
            verify(
                &client(&["/realms/x/account/*"]),
                Some("http://kc/realms/x/account/y"),
                "http://kc"
            )
            .as_deref(),
            Some("http://kc/realms/x/account/y")
        );
    }
}
