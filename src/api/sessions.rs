//! A client's offline sessions: one page at a time with the true total, and revocation.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::admin::OfflineSessionsPage;

#[server(prefix = "/api", endpoint = "offline_sessions", protocol = crate::api::codec::JsonOrForm)]
pub async fn offline_sessions(
    realm: String,
    client: String,
    first: u32,
    max: u32,
) -> Result<OfflineSessionsPage, AppError> {
    crate::api::support::respond(ssr::offline_sessions(realm, client, first, max)).await
}

/// Ends a whole offline session (`DELETE /sessions/{id}?isOffline=true`) of `user`, listed
/// under `client`.
#[server(prefix = "/api", endpoint = "revoke_offline_session", protocol = crate::api::codec::JsonOrForm)]
pub async fn revoke_offline_session(
    realm: String,
    client: String,
    user: String,
    session: String,
) -> Result<(), AppError> {
    crate::api::support::respond(ssr::revoke_offline_session(realm, client, user, session)).await
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::*;
    use crate::api::support::{audited, keycloak_error, AuditedChange};
    use crate::auth::Caller;
    use crate::keycloak::KcError;
    use crate::model::admin::{page_size, ClientRow, OfflineSessionRow};
    use crate::model::ids::{ClientUuid, RealmName, SessionId, UserId};
    use crate::model::policy::RealmOfflinePolicy;
    use crate::model::time::clock::now_ms;

    pub async fn offline_sessions(
        realm: String,
        client: String,
        first: u32,
        max: u32,
    ) -> Result<OfflineSessionsPage, AppError> {
        let realm = RealmName::parse(&realm)?;
        let client = ClientUuid::parse(&client)?;
        let max = page_size(max);
        let caller = Caller::admin().await?;
        let admin = caller.state.keycloak.admin(&caller);
        let r = realm.as_str();
        let c = client.as_str();
        let fail = |e| keycloak_error(e, r, "view-clients", "see a client's offline sessions");
        // Four independent reads, in parallel: one page, never the whole list.
        // The client and the realm policy rarely change: they come from a short-lived cache.
        let (details, total, sessions, policy) = tokio::join!(
            admin.client_cached(&realm, &client),
            admin.offline_session_count(&realm, &client),
            admin.offline_sessions(&realm, &client, first, max),
            realm_policy(&caller, &realm),
        );
        let details = details.map_err(fail)?;
        let total = total.map_err(fail)?;
        let sessions = sessions.map_err(fail)?;
        let policy = policy.map(|realm| details.effective_policy(&realm));
        let rows = sessions
            .into_iter()
            .map(|s| {
                let expiry = policy.map(|p| p.expiry_ms(s.start, s.last_access));
                OfflineSessionRow {
                    other_clients: s
                        .clients
                        .iter()
                        .filter(|(uuid, _)| uuid.as_str() != c)
                        .map(|(_, client_id)| client_id.clone())
                        .collect(),
                    idle_expires_ms: expiry.map(|e| e.0),
                    max_expires_ms: expiry.and_then(|e| e.1),
                    id: s.id,
                    username: s.username,
                    user_id: s.user_id,
                    ip_address: s.ip_address,
                    started_ms: s.start,
                    last_access_ms: s.last_access,
                }
            })
            .collect();
        Ok(OfflineSessionsPage {
            realm: realm.to_string(),
            client: ClientRow {
                id: details.id.clone(),
                client_id: details.client_id.clone(),
                name: details.name.clone(),
                description: details.description.clone(),
            },
            total,
            first,
            max,
            rows,
            policy,
            can_revoke: caller.who().may(r, "manage-users"),
            now_ms: now_ms(),
        })
    }

    /// The realm's offline settings, or `None` when the caller may not read
    /// them (Keycloak then returns a reduced realm without these fields).
    /// Possibly a few seconds old, never older than this console's last change.
    pub async fn realm_policy(caller: &Caller, realm: &RealmName) -> Option<RealmOfflinePolicy> {
        let rep = caller
            .state
            .keycloak
            .admin(caller)
            .realm_cached(realm)
            .await
            .ok()?;
        rep.policy_settings().map(|settings| settings.offline())
    }

    pub async fn revoke_offline_session(
        realm: String,
        client: String,
        user: String,
        session: String,
    ) -> Result<(), AppError> {
        let realm = RealmName::parse(&realm)?;
        let client = ClientUuid::parse(&client)?;
        let user = UserId::parse(&user)?;
        let session = SessionId::parse(&session)?;
        let caller = Caller::admin().await?;
        let admin = caller.state.keycloak.admin(&caller);
        // The audit log names the session as Keycloak reports it, not as the caller put it.
        let listed = admin
            .user_offline_sessions(&realm, &user, &client)
            .await
            .map(|sessions| sessions.into_iter().find(|s| s.id == session.as_str()));
        let target = match &listed {
            Ok(Some(found)) => format!(
                "offline session {session} of user {} (clients: {})",
                found.username,
                found.clients.values().cloned().collect::<Vec<_>>().join(", ")
            ),
            Ok(None) => format!(
                "offline session {session} of user {user} (Keycloak lists no such session under client {client})"
            ),
            Err(_) => format!("offline session {session} of user {user} (client {client})"),
        };
        let change = AuditedChange {
            realm: realm.as_str(),
            action: "revoke_offline_session",
            target: &target,
            role: "manage-users",
            wording: "revoke offline sessions",
        };
        audited(&caller, change, || async {
            match listed {
                Ok(Some(_)) => admin.delete_offline_session(&realm, &session).await,
                Ok(None) => Err(KcError::NotFound("This offline session".into())),
                Err(e) => Err(e),
            }
        })
        .await
    }
}
