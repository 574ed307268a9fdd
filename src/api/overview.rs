//! Per-client session counts of a realm.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::admin::Overview;

#[server(prefix = "/api", endpoint = "overview", protocol = crate::api::codec::JsonOrForm)]
pub async fn realm_overview(realm: String) -> Result<Overview, AppError> {
    crate::api::support::respond(ssr::overview(realm)).await
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::api::support::keycloak_error;
    use crate::auth::Caller;
    use crate::model::admin::ClientStatsRow;
    use crate::model::ids::RealmName;

    pub async fn overview(realm: String) -> Result<Overview, AppError> {
        let realm = RealmName::parse(&realm)?;
        let caller = Caller::admin().await?;
        let stats = caller
            .state
            .keycloak
            .admin(&caller)
            .client_session_stats(&realm)
            .await
            .map_err(|e| keycloak_error(e, realm.as_str(), "view-realm", "see session counts"))?;
        let mut clients: Vec<ClientStatsRow> = stats
            .into_iter()
            .map(|s| ClientStatsRow {
                active: s.active.parse().unwrap_or(0),
                offline: s.offline.parse().unwrap_or(0),
                id: s.id,
                client_id: s.client_id,
            })
            .collect();
        clients.sort_by(|a, b| {
            (b.offline, b.active)
                .cmp(&(a.offline, a.active))
                .then_with(|| a.client_id.cmp(&b.client_id))
        });
        Ok(Overview {
            realm: realm.to_string(),
            total_active: clients.iter().map(|c| c.active).sum(),
            total_offline: clients.iter().map(|c| c.offline).sum(),
            clients,
        })
    }
}
