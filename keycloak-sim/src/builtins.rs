//! What Keycloak creates in every realm when a realm file does not provide it
//! (`DefaultClientScopes`, `KeycloakModelUtils.setupOfflineRole`,
//! `AbstractLoginProtocolFactory.addDefaultClientScopes`): built-in clients, their roles,
//! client scopes and the realm's default scopes.

/// Roles of `realm-management` (and of `<realm>-realm` clients in master), with composites.
pub const MANAGEMENT_ROLES: &[(&str, &[&str])] = &[
    ("create-client", &[]),
    ("impersonation", &[]),
    ("manage-authorization", &[]),
    ("manage-clients", &[]),
    ("manage-events", &[]),
    ("manage-identity-providers", &[]),
    ("manage-realm", &[]),
    ("manage-users", &[]),
    ("query-clients", &[]),
    ("query-groups", &[]),
    ("query-realms", &[]),
    ("query-users", &[]),
    ("view-authorization", &[]),
    ("view-clients", &["query-clients"]),
    ("view-events", &[]),
    ("view-identity-providers", &[]),
    ("view-realm", &[]),
    ("view-users", &["query-users", "query-groups"]),
];

pub const ACCOUNT_ROLES: &[(&str, &[&str])] = &[
    ("delete-account", &[]),
    ("manage-account", &["manage-account-links"]),
    ("manage-account-links", &[]),
    ("manage-consent", &["view-consent"]),
    ("view-applications", &[]),
    ("view-consent", &[]),
    ("view-groups", &[]),
    ("view-profile", &[]),
];

/// A built-in client scope: name, description, consent text, display-on-consent, include-in-token-scope.
pub struct ScopeDef {
    pub name: &'static str,
    pub description: &'static str,
    pub consent_text: &'static str,
    pub display_on_consent: bool,
    pub include_in_token_scope: bool,
}

pub const CLIENT_SCOPES: &[ScopeDef] = &[
    ScopeDef {
        name: "acr",
        description:
            "OpenID Connect scope for add acr (authentication context class reference) to the token",
        consent_text: "",
        display_on_consent: false,
        include_in_token_scope: false,
    },
    ScopeDef {
        name: "address",
        description: "OpenID Connect built-in scope: address",
        consent_text: "${addressScopeConsentText}",
        display_on_consent: true,
        include_in_token_scope: true,
    },
    ScopeDef {
        name: "basic",
        description: "OpenID Connect scope for add all basic claims to the token",
        consent_text: "",
        display_on_consent: false,
        include_in_token_scope: false,
    },
    ScopeDef {
        name: "email",
        description: "OpenID Connect built-in scope: email",
        consent_text: "${emailScopeConsentText}",
        display_on_consent: true,
        include_in_token_scope: true,
    },
    ScopeDef {
        name: "microprofile-jwt",
        description: "Microprofile - JWT built-in scope",
        consent_text: "",
        display_on_consent: false,
        include_in_token_scope: true,
    },
    ScopeDef {
        name: "offline_access",
        description: "OpenID Connect built-in scope: offline_access",
        consent_text: "${offlineAccessScopeConsentText}",
        display_on_consent: true,
        include_in_token_scope: true,
    },
    ScopeDef {
        name: "organization",
        description: "Additional claims about the organization a subject belongs to",
        consent_text: "${organizationScopeConsentText}",
        display_on_consent: true,
        include_in_token_scope: true,
    },
    ScopeDef {
        name: "phone",
        description: "OpenID Connect built-in scope: phone",
        consent_text: "${phoneScopeConsentText}",
        display_on_consent: true,
        include_in_token_scope: true,
    },
    ScopeDef {
        name: "profile",
        description: "OpenID Connect built-in scope: profile",
        consent_text: "${profileScopeConsentText}",
        display_on_consent: true,
        include_in_token_scope: true,
    },
    ScopeDef {
        name: "roles",
        description: "OpenID Connect scope for add user roles to the access token",
        consent_text: "${rolesScopeConsentText}",
        display_on_consent: true,
        include_in_token_scope: false,
    },
    ScopeDef {
        name: "web-origins",
        description: "OpenID Connect scope for add allowed web origins to the access token",
        consent_text: "",
        display_on_consent: false,
        include_in_token_scope: false,
    },
];

pub const DEFAULT_DEFAULT_SCOPES: &[&str] =
    &["profile", "email", "roles", "web-origins", "acr", "basic"];
pub const DEFAULT_OPTIONAL_SCOPES: &[&str] = &[
    "offline_access",
    "address",
    "phone",
    "microprofile-jwt",
    "organization",
];

/// English texts of Keycloak's consent-screen message keys.
pub fn consent_message(key: &str) -> &str {
    match key {
        "${profileScopeConsentText}" => "User profile",
        "${emailScopeConsentText}" => "Email address",
        "${addressScopeConsentText}" => "Address",
        "${phoneScopeConsentText}" => "Phone number",
        "${offlineAccessScopeConsentText}" => "Offline Access",
        "${rolesScopeConsentText}" => "User roles",
        "${organizationScopeConsentText}" => "Organization",
        other => other,
    }
}
