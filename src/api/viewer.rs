//! Who is signed in, for the header and the realm switcher.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::admin::Viewer;

#[server(prefix = "/api", endpoint = "viewer", protocol = crate::api::codec::JsonOrForm)]
pub async fn current_viewer() -> Result<Option<Viewer>, AppError> {
    crate::api::support::respond(ssr::viewer()).await
}

/// Realms the signed-in administrator may open (as Keycloak lists them).
#[server(prefix = "/api", endpoint = "admin_realms", protocol = crate::api::codec::JsonOrForm)]
pub async fn admin_realms() -> Result<Vec<String>, AppError> {
    crate::api::support::respond(ssr::admin_realms()).await
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::api::support::keycloak_error;
    use crate::auth::Caller;

    pub async fn viewer() -> Result<Option<Viewer>, AppError> {
        match Caller::current().await {
            Ok(caller) => {
                let who = caller.who();
                Ok(Some(Viewer {
                    is_admin: who.is_admin(),
                    username: who.username.clone(),
                    realm: who.realm.clone(),
                }))
            }
            Err(AppError::NotSignedIn) => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub async fn admin_realms() -> Result<Vec<String>, AppError> {
        let caller = Caller::admin().await?;
        let realm = caller.who().realm.clone();
        let realms = caller
            .state
            .keycloak
            .admin(&caller)
            .realms_cached()
            .await
            .map_err(|e| keycloak_error(e, &realm, "view-realm", "list realms"))?;
        Ok(realms.iter().map(|r| r.realm.clone()).collect())
    }
}
