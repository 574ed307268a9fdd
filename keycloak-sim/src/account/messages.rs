//! English texts of the `${...}` message keys Keycloak's account API resolves.

/// Resolves a `${key}` text; anything else is returned unchanged.
pub fn localize(text: &str) -> String {
    let resolved = match text {
        "${client_account}" => "Account",
        "${client_account-console}" => "Account Console",
        "${client_admin-cli}" => "Admin CLI",
        "${client_broker}" => "Broker",
        "${client_realm-management}" => "Realm Management",
        "${client_security-admin-console}" => "Security Admin Console",
        other => crate::builtins::consent_message(other),
    };
    resolved.to_owned()
}
