//! Users: search and count, one user, their sessions, consents and roles.

use super::types::*;
use super::Admin;
use crate::keycloak::{Bearer, KcError};
use crate::model::ids::{ClientId, ClientUuid, RealmName, UserId};

impl<B: Bearer> Admin<'_, B> {
    pub async fn search_users(
        &self,
        realm: &RealmName,
        search: &str,
        first: u32,
        max: u32,
    ) -> Result<Vec<User>, KcError> {
        let mut url = self.url(realm, &["users"]);
        {
            let mut query = url.query_pairs_mut();
            if !search.is_empty() {
                query.append_pair("search", search);
            }
            query
                .append_pair("first", &first.to_string())
                .append_pair("max", &max.to_string())
                .append_pair("briefRepresentation", "true");
        }
        self.get(url).await
    }

    pub async fn count_users(&self, realm: &RealmName, search: &str) -> Result<u64, KcError> {
        let mut url = self.url(realm, &["users", "count"]);
        if !search.is_empty() {
            url.query_pairs_mut().append_pair("search", search);
        }
        self.get(url).await
    }

    /// Exact username lookup.
    pub async fn user_by_username(
        &self,
        realm: &RealmName,
        username: &str,
    ) -> Result<Option<User>, KcError> {
        let mut url = self.url(realm, &["users"]);
        url.query_pairs_mut()
            .append_pair("username", username)
            .append_pair("exact", "true")
            .append_pair("briefRepresentation", "true");
        let users: Vec<User> = self.get(url).await?;
        Ok(users
            .into_iter()
            .find(|u| u.username.eq_ignore_ascii_case(username)))
    }

    pub async fn user(&self, realm: &RealmName, id: &UserId) -> Result<User, KcError> {
        self.get(self.url(realm, &["users", id.as_str()])).await
    }

    pub async fn user_sessions(
        &self,
        realm: &RealmName,
        user: &UserId,
    ) -> Result<Vec<UserSession>, KcError> {
        self.get(self.url(realm, &["users", user.as_str(), "sessions"]))
            .await
    }

    pub async fn user_offline_sessions(
        &self,
        realm: &RealmName,
        user: &UserId,
        client: &ClientUuid,
    ) -> Result<Vec<UserSession>, KcError> {
        self.get(self.url(
            realm,
            &["users", user.as_str(), "offline-sessions", client.as_str()],
        ))
        .await
    }

    pub async fn user_consents(
        &self,
        realm: &RealmName,
        user: &UserId,
    ) -> Result<Vec<Consent>, KcError> {
        self.get(self.url(realm, &["users", user.as_str(), "consents"]))
            .await
    }

    /// Revokes the consent and every offline token of `client_id` (the human clientId).
    pub async fn revoke_consent(
        &self,
        realm: &RealmName,
        user: &UserId,
        client_id: &ClientId,
    ) -> Result<(), KcError> {
        let request = self.kc.http.delete(self.url(
            realm,
            &["users", user.as_str(), "consents", client_id.as_str()],
        ));
        self.kc.send_no_content(request, self.bearer).await
    }

    pub async fn effective_realm_roles(
        &self,
        realm: &RealmName,
        user: &UserId,
    ) -> Result<Vec<Role>, KcError> {
        let mut url = self.url(
            realm,
            &[
                "users",
                user.as_str(),
                "role-mappings",
                "realm",
                "composite",
            ],
        );
        url.query_pairs_mut()
            .append_pair("briefRepresentation", "true");
        self.get(url).await
    }
}
