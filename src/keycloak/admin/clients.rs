//! Clients: search, one client, its scopes.

use std::sync::Arc;

use super::types::*;
use super::Admin;
use crate::keycloak::{Bearer, KcError};
use crate::model::ids::{ClientId, ClientUuid, RealmName};

impl<B: Bearer> Admin<'_, B> {
    /// `clientId` substring search, paged.
    pub async fn search_clients(
        &self,
        realm: &RealmName,
        search: &str,
        first: u32,
        max: u32,
    ) -> Result<Vec<Client>, KcError> {
        let mut url = self.url(realm, &["clients"]);
        {
            let mut query = url.query_pairs_mut();
            if !search.is_empty() {
                query
                    .append_pair("clientId", search)
                    .append_pair("search", "true");
            }
            query
                .append_pair("first", &first.to_string())
                .append_pair("max", &max.to_string());
        }
        self.get(url).await
    }

    /// Exact `clientId` lookup: `[]` or one client.
    pub async fn client_by_client_id(
        &self,
        realm: &RealmName,
        client_id: &ClientId,
    ) -> Result<Option<Client>, KcError> {
        let mut url = self.url(realm, &["clients"]);
        url.query_pairs_mut()
            .append_pair("clientId", client_id.as_str());
        let clients: Vec<Client> = self.get(url).await?;
        Ok(clients
            .into_iter()
            .find(|c| c.client_id == client_id.as_str()))
    }

    /// The client scopes attached as default (`true`) or optional (`false`).
    pub async fn client_scopes(
        &self,
        realm: &RealmName,
        id: &ClientUuid,
        default: bool,
    ) -> Result<Vec<ScopeRef>, KcError> {
        let kind = if default {
            "default-client-scopes"
        } else {
            "optional-client-scopes"
        };
        self.get(self.url(realm, &["clients", id.as_str(), kind]))
            .await
    }

    /// Every realm role in the client's scope (all of them with fullScopeAllowed).
    pub async fn client_realm_scope(
        &self,
        realm: &RealmName,
        id: &ClientUuid,
    ) -> Result<Vec<Role>, KcError> {
        let mut url = self.url(
            realm,
            &[
                "clients",
                id.as_str(),
                "scope-mappings",
                "realm",
                "composite",
            ],
        );
        url.query_pairs_mut()
            .append_pair("briefRepresentation", "true");
        self.get(url).await
    }

    pub async fn client(&self, realm: &RealmName, id: &ClientUuid) -> Result<Client, KcError> {
        self.get(self.url(realm, &["clients", id.as_str()])).await
    }

    /// The client, possibly a few seconds old (see `realm_cached`).
    pub async fn client_cached(
        &self,
        realm: &RealmName,
        id: &ClientUuid,
    ) -> Result<Arc<Client>, KcError> {
        self.get_cached(self.url(realm, &["clients", id.as_str()]))
            .await
    }
}
