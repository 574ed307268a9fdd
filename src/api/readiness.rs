//! Can this client, or this user, get offline tokens? Each of Keycloak's
//! conditions (`DefaultClientSessionContext`, `TokenManager`) checked, with
//! what to change when one fails.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::readiness::Readiness;

#[server(prefix = "/api", endpoint = "client_readiness", protocol = crate::api::codec::JsonOrForm)]
pub async fn check_client_readiness(
    realm: String,
    client_id: String,
) -> Result<Readiness, AppError> {
    crate::api::support::respond(ssr::client_readiness(realm, client_id)).await
}

#[server(prefix = "/api", endpoint = "user_readiness", protocol = crate::api::codec::JsonOrForm)]
pub async fn check_user_readiness(realm: String, username: String) -> Result<Readiness, AppError> {
    crate::api::support::respond(ssr::user_readiness(realm, username)).await
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::api::support::keycloak_error;
    use crate::auth::Caller;
    use crate::keycloak::KcError;
    use crate::model::ids::{ClientId, ClientUuid, RealmName, UserId};
    use crate::model::readiness::ReadinessCheck;

    const OFFLINE_ACCESS: &str = "offline_access";

    pub async fn client_readiness(realm: String, client_id: String) -> Result<Readiness, AppError> {
        let realm = RealmName::parse(&realm)?;
        let client_id = ClientId::parse(client_id.trim())?;
        let caller = Caller::admin().await?;
        let admin = caller.state.keycloak.admin(&caller);
        let (r, name) = (realm.as_str(), client_id.as_str());
        let fail = |e| keycloak_error(e, r, "view-clients", "check a client");
        let client = admin
            .client_by_client_id(&realm, &client_id)
            .await
            .map_err(fail)?
            .ok_or_else(|| AppError::NotFound(format!("The client \u{201c}{name}\u{201d}")))?;
        let uuid = ClientUuid::parse(&client.id)
            .map_err(|_| fail(KcError::Malformed("a client without a valid id".into())))?;
        let (defaults, optionals, scope) = tokio::join!(
            admin.client_scopes(&realm, &uuid, true),
            admin.client_scopes(&realm, &uuid, false),
            admin.client_realm_scope(&realm, &uuid),
        );
        let has = |scopes: &[crate::keycloak::admin::ScopeRef]| {
            scopes.iter().any(|s| s.name == OFFLINE_ACCESS)
        };
        let as_default = has(&defaults.map_err(fail)?);
        let as_optional = has(&optionals.map_err(fail)?);
        let role_mapped = scope
            .map_err(fail)?
            .iter()
            .any(|role| role.name == OFFLINE_ACCESS);
        let full_scope = client
            .full_scope_allowed
            .unwrap_or(!client.consent_required);
        let has_scope = as_default || as_optional;
        let scope_check = ReadinessCheck {
            label: "offline_access client scope".into(),
            passed: has_scope,
            explanation: if has_scope {
                format!(
                    "offline_access is {} client scope of {name}, so {name} can ask for offline tokens{}.",
                    if as_default { "a default" } else { "an optional" },
                    if as_default { " (it is always requested)" } else { " with scope=offline_access" }
                )
            } else {
                format!(
                    "{name} does not have the offline_access client scope, so Keycloak never issues it an offline token: \
                     asking for scope offline_access is refused as an invalid scope."
                )
            },
            fix: (!has_scope).then(|| {
                format!(
                    "In Keycloak: Clients \u{2192} {name} \u{2192} Client scopes \u{2192} Add client scope \u{2192} \
                     choose offline_access \u{2192} Add as Optional."
                )
            }),
        };
        let role_reaches = full_scope || role_mapped || has_scope;
        let role_check = ReadinessCheck {
            label: "offline_access role reaches the tokens".into(),
            passed: role_reaches,
            explanation: if full_scope {
                format!("Full scope allowed is on: every role of the user, offline_access included, goes into {name}'s tokens.")
            } else if role_mapped {
                format!("Full scope allowed is off, but a scope mapping lets the offline_access role into {name}'s tokens.")
            } else if has_scope {
                format!("Full scope allowed is off, but the offline_access client scope carries the offline_access role into {name}'s tokens.")
            } else {
                format!(
                    "Full scope allowed is off and nothing maps the offline_access role into {name}'s tokens, so Keycloak \
                     answers not_allowed (\u{201c}Offline tokens not allowed for the user or client\u{201d})."
                )
            },
            fix: (!role_reaches).then(|| {
                format!(
                    "Add the offline_access client scope (above), which carries the role; or Clients \u{2192} {name} \u{2192} \
                     Client scopes \u{2192} {name}-dedicated \u{2192} Scope \u{2192} Assign role \u{2192} offline_access; \
                     or turn Full scope allowed on there."
                )
            }),
        };
        Ok(Readiness {
            subject: format!("client {name}"),
            checks: vec![scope_check, role_check],
        })
    }

    pub async fn user_readiness(realm: String, username: String) -> Result<Readiness, AppError> {
        let realm = RealmName::parse(&realm)?;
        let username = username.trim();
        if username.is_empty() || username.chars().count() > 255 {
            return Err(AppError::InvalidInput(
                "Enter a username (at most 255 characters).".into(),
            ));
        }
        let caller = Caller::admin().await?;
        let admin = caller.state.keycloak.admin(&caller);
        let r = realm.as_str();
        let fail = |e| keycloak_error(e, r, "view-users", "check a user");
        let user = admin
            .user_by_username(&realm, username)
            .await
            .map_err(fail)?
            .ok_or_else(|| AppError::NotFound(format!("The user \u{201c}{username}\u{201d}")))?;
        let user_id = UserId::parse(&user.id)
            .map_err(|_| fail(KcError::Malformed("a user without a valid id".into())))?;
        let has_role = admin
            .effective_realm_roles(&realm, &user_id)
            .await
            .map_err(fail)?
            .iter()
            .any(|role| role.name == OFFLINE_ACCESS);
        let name = &user.username;
        let role_check = ReadinessCheck {
            label: "Effective realm role offline_access".into(),
            passed: has_role,
            explanation: if has_role {
                format!("{name} holds the realm role offline_access (directly or through a composite role such as default-roles-{r}).")
            } else {
                format!(
                    "{name} does not hold the realm role offline_access, directly or through a group or composite role, \
                     so Keycloak refuses offline tokens for {name} (not_allowed) in every application."
                )
            },
            fix: (!has_role).then(|| {
                format!(
                    "In Keycloak: Users \u{2192} {name} \u{2192} Role mapping \u{2192} Assign role \u{2192} offline_access \
                     (or default-roles-{r}, which includes it)."
                )
            }),
        };
        let enabled_check = ReadinessCheck {
            label: "Account enabled".into(),
            passed: user.enabled,
            explanation: if user.enabled {
                format!("{name}'s account is enabled.")
            } else {
                format!("{name}'s account is disabled: no token of any kind is issued or refreshed (\u{201c}User disabled\u{201d}).")
            },
            fix: (!user.enabled)
                .then(|| format!("In Keycloak: Users \u{2192} {name} \u{2192} turn Enabled on.")),
        };
        Ok(Readiness {
            subject: format!("user {name}"),
            checks: vec![role_check, enabled_check],
        })
    }
}
