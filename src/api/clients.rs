//! Finding clients by clientId.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::admin::ClientList;

#[server(prefix = "/api", endpoint = "search_clients", protocol = crate::api::codec::JsonOrForm)]
pub async fn search_clients(
    realm: String,
    search: String,
    first: u32,
    max: u32,
) -> Result<ClientList, AppError> {
    crate::api::support::respond(ssr::search_clients(realm, search, first, max)).await
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::api::support::keycloak_error;
    use crate::auth::Caller;
    use crate::model::admin::{page_size, ClientRow, SearchText};
    use crate::model::ids::RealmName;

    pub async fn search_clients(
        realm: String,
        search: String,
        first: u32,
        max: u32,
    ) -> Result<ClientList, AppError> {
        let realm = RealmName::parse(&realm)?;
        let search = SearchText::parse(&search).map_err(AppError::InvalidInput)?;
        let max = page_size(max);
        let caller = Caller::admin().await?;
        // One more than shown tells whether a next page exists without a count call.
        let mut clients = caller
            .state
            .keycloak
            .admin(&caller)
            .search_clients(&realm, search.as_str(), first, max + 1)
            .await
            .map_err(|e| keycloak_error(e, realm.as_str(), "view-clients", "list clients"))?;
        let has_more = clients.len() > max as usize;
        clients.truncate(max as usize);
        Ok(ClientList {
            clients: clients
                .into_iter()
                .map(|c| ClientRow {
                    id: c.id,
                    client_id: c.client_id,
                    name: c.name,
                    description: c.description,
                })
                .collect(),
            first,
            max,
            has_more,
        })
    }
}
