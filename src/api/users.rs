//! User search and the user access page: consents, offline tokens and sessions in one view.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::admin::{UserAccess, UserSearchPage};

#[server(prefix = "/api", endpoint = "search_users", protocol = crate::api::codec::JsonOrForm)]
pub async fn search_users(
    realm: String,
    search: String,
    first: u32,
    max: u32,
) -> Result<UserSearchPage, AppError> {
    crate::api::support::respond(ssr::search_users(realm, search, first, max)).await
}

#[server(prefix = "/api", endpoint = "user_access", protocol = crate::api::codec::JsonOrForm)]
pub async fn load_user_access(realm: String, user: String) -> Result<UserAccess, AppError> {
    crate::api::support::respond(ssr::user_access(realm, user)).await
}

/// Revokes the user's consent to a client and every offline token of that client.
#[server(prefix = "/api", endpoint = "revoke_user_consent", protocol = crate::api::codec::JsonOrForm)]
pub async fn revoke_user_consent(
    realm: String,
    user: String,
    client_id: String,
) -> Result<(), AppError> {
    crate::api::support::respond(ssr::revoke_user_consent(realm, user, client_id)).await
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::api::support::{audited, keycloak_error, AuditedChange};
    use crate::auth::Caller;
    use crate::keycloak::admin::{offline_token_clients, User, UserSession};
    use crate::keycloak::KcError;
    use crate::model::admin::{
        page_size, ClientOfflineSessions, ConsentRow, SearchText, SessionRow, UserRow,
    };
    use crate::model::ids::{ClientId, ClientUuid, RealmName, UserId};
    use crate::model::time::clock::now_ms;

    fn user_row(u: User) -> UserRow {
        UserRow {
            id: u.id,
            username: u.username,
            email: u.email,
            first_name: u.first_name,
            last_name: u.last_name,
            enabled: u.enabled,
        }
    }

    fn session_row(s: UserSession) -> SessionRow {
        SessionRow {
            id: s.id,
            ip_address: s.ip_address,
            started_ms: s.start,
            last_access_ms: s.last_access,
            clients: s.clients.into_values().collect(),
        }
    }

    pub async fn search_users(
        realm: String,
        search: String,
        first: u32,
        max: u32,
    ) -> Result<UserSearchPage, AppError> {
        let realm = RealmName::parse(&realm)?;
        let search = SearchText::parse(&search).map_err(AppError::InvalidInput)?;
        let max = page_size(max);
        let caller = Caller::admin().await?;
        let admin = caller.state.keycloak.admin(&caller);
        let r = realm.as_str();
        let (users, total) = tokio::join!(
            admin.search_users(&realm, search.as_str(), first, max),
            admin.count_users(&realm, search.as_str())
        );
        let fail = |e| keycloak_error(e, r, "query-users", "search users");
        Ok(UserSearchPage {
            users: users.map_err(fail)?.into_iter().map(user_row).collect(),
            total: total.map_err(fail)?,
            first,
            max,
        })
    }

    pub async fn user_access(realm: String, user: String) -> Result<UserAccess, AppError> {
        let realm = RealmName::parse(&realm)?;
        let user = UserId::parse(&user)?;
        let caller = Caller::admin().await?;
        let admin = caller.state.keycloak.admin(&caller);
        let r = realm.as_str();
        let fail = |e| keycloak_error(e, r, "view-users", "see a user's access");
        let (details, consents, sessions, roles) = tokio::join!(
            admin.user(&realm, &user),
            admin.user_consents(&realm, &user),
            admin.user_sessions(&realm, &user),
            admin.effective_realm_roles(&realm, &user),
        );
        let details = details.map_err(fail)?;
        let consents = consents.map_err(fail)?;
        let offline_clients = offline_token_clients(&consents);
        let mut offline = Vec::with_capacity(offline_clients.len());
        for (client_uuid, client_id) in offline_clients {
            let uuid = ClientUuid::parse(&client_uuid)
                .map_err(|_| fail(KcError::Malformed("a consent without a client id".into())))?;
            let sessions = admin
                .user_offline_sessions(&realm, &user, &uuid)
                .await
                .map_err(fail)?;
            offline.push(ClientOfflineSessions {
                client_uuid,
                client_id,
                sessions: sessions.into_iter().map(session_row).collect(),
            });
        }
        Ok(UserAccess {
            realm: realm.to_string(),
            user: user_row(details),
            consents: consents
                .into_iter()
                .map(|c| ConsentRow {
                    offline_token: c.has_offline_token(),
                    client_id: c.client_id,
                    granted_scopes: c.granted_client_scopes,
                    created_ms: c.created_date,
                    updated_ms: c.last_updated_date,
                })
                .collect(),
            offline,
            sessions: sessions
                .map_err(fail)?
                .into_iter()
                .map(session_row)
                .collect(),
            has_offline_access_role: roles
                .map_err(fail)?
                .iter()
                .any(|role| role.name == "offline_access"),
            can_manage: caller.who().may(r, "manage-users"),
            now_ms: now_ms(),
        })
    }

    pub async fn revoke_user_consent(
        realm: String,
        user: String,
        client_id: String,
    ) -> Result<(), AppError> {
        let realm = RealmName::parse(&realm)?;
        let user = UserId::parse(&user)?;
        let client_id = ClientId::parse(&client_id)?;
        let caller = Caller::admin().await?;
        let target = format!("consent and offline tokens of user {user} for client {client_id}");
        let change = AuditedChange {
            realm: realm.as_str(),
            action: "revoke_consent",
            target: &target,
            role: "manage-users",
            wording: "revoke consents",
        };
        let admin = caller.state.keycloak.admin(&caller);
        audited(&caller, change, || {
            admin.revoke_consent(&realm, &user, &client_id)
        })
        .await
    }
}
