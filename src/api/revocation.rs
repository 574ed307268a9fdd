//! The realm's not-before (revocation policy): set to now, clear, push.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::realm_policy::PushOutcome;

/// Sets the realm's not-before to Keycloak's now (`to_now`) or clears it (0).
/// Returns the new value (epoch seconds).
#[server(prefix = "/api", endpoint = "set_realm_not_before", protocol = crate::api::codec::JsonOrForm)]
pub async fn set_realm_not_before(realm: String, to_now: bool) -> Result<i64, AppError> {
    crate::api::support::respond(ssr::set_realm_not_before(realm, to_now)).await
}

/// Tells every client with an admin URL about the realm's not-before.
#[server(prefix = "/api", endpoint = "push_realm_revocation", protocol = crate::api::codec::JsonOrForm)]
pub async fn push_realm_revocation(realm: String) -> Result<PushOutcome, AppError> {
    crate::api::support::respond(ssr::push_realm_revocation(realm)).await
}

#[cfg(feature = "ssr")]
mod ssr {
    use serde_json::json;

    use super::*;
    use crate::api::support::{audited, keycloak_error, keycloak_now, AuditedChange};
    use crate::audit::Recorder;
    use crate::auth::Caller;
    use crate::model::ids::RealmName;
    use crate::model::time::format_utc;

    fn worded(not_before: i64) -> String {
        if not_before <= 0 {
            "not set".to_owned()
        } else {
            format_utc(not_before * 1000)
        }
    }

    pub async fn set_realm_not_before(realm: String, to_now: bool) -> Result<i64, AppError> {
        let realm = RealmName::parse(&realm)?;
        let caller = Caller::admin().await?;
        let admin = caller.state.keycloak.admin(&caller);
        let r = realm.as_str();
        let action = "change the realm's revocation policy";
        // Read first: the previous value goes into the log, and a refused token
        // is renewed here, so Keycloak's clock below is current.
        let previous = admin
            .realm(&realm)
            .await
            .map_err(|e| keycloak_error(e, r, "view-realm", action))?
            .not_before;
        let value = if to_now { keycloak_now(&caller) } else { 0 };
        let target = format!(
            "not-before of realm {r}: {} \u{2192} {}",
            worded(previous),
            worded(value)
        );
        let change = AuditedChange {
            realm: r,
            action: if to_now {
                "set_not_before"
            } else {
                "clear_not_before"
            },
            target: &target,
            role: "manage-realm",
            wording: action,
        };
        // What Keycloak's admin console sends
        // (`js/apps/admin-ui/src/sessions/RevocationModal.tsx`).
        let body = json!({ "realm": r, "notBefore": value });
        audited(&caller, change, || admin.update_realm(&realm, &body)).await?;
        Ok(value)
    }

    pub async fn push_realm_revocation(realm: String) -> Result<PushOutcome, AppError> {
        let realm = RealmName::parse(&realm)?;
        let caller = Caller::admin().await?;
        let r = realm.as_str();
        let audit = Recorder::begin(
            &caller.state.db,
            &caller.who(),
            r,
            "push_revocation",
            &format!("not-before of realm {r}, pushed to clients with an admin URL"),
            None,
        )
        .await
        .map_err(AppError::internal)?;
        match caller
            .state
            .keycloak
            .admin(&caller)
            .push_revocation(&realm)
            .await
        {
            Ok(result) => {
                let detail = format!(
                    "reached {}; failed {}",
                    result.success_requests.len(),
                    result.failed_requests.len()
                );
                audit
                    .succeeded(Some(detail))
                    .await
                    .map_err(AppError::internal)?;
                Ok(PushOutcome {
                    reached: result.success_requests,
                    failed: result.failed_requests,
                })
            }
            Err(e) => {
                audit
                    .did_not_succeed(&e)
                    .await
                    .map_err(AppError::internal)?;
                Err(keycloak_error(
                    e,
                    r,
                    "manage-realm",
                    "push the revocation policy",
                ))
            }
        }
    }
}
