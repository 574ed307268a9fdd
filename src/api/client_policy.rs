//! The offline policy each client actually gets: realm values, the realm's
//! client defaults and the client's own attributes, with inconsistencies named.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::readiness::ClientPolicyTable;

#[server(prefix = "/api", endpoint = "client_policies", protocol = crate::api::codec::JsonOrForm)]
pub async fn load_client_policies(realm: String) -> Result<ClientPolicyTable, AppError> {
    crate::api::support::respond(ssr::client_policies(realm)).await
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::api::support::keycloak_error;
    use crate::auth::Caller;
    use crate::keycloak::admin::Client;
    use crate::keycloak::KcError;
    use crate::model::ids::RealmName;
    use crate::model::policy::{CLIENT_OFFLINE_IDLE_ATTR, CLIENT_OFFLINE_MAX_ATTR};
    use crate::model::readiness::{ClientPolicyRow, Source};
    use crate::model::realm_policy::PolicySettings;
    use crate::model::time::format_duration;

    /// The table lists this many clients at most.
    const MAX_CLIENTS: u32 = 200;

    fn source(value: i64, client: Option<i64>, realm_client_default: i64) -> Source {
        if client.is_some_and(|c| c > 0 && c == value) {
            Source::Client
        } else if realm_client_default > 0 && realm_client_default == value {
            Source::RealmClientDefault
        } else {
            Source::Realm
        }
    }

    /// An attribute as Keycloak reads it, or a warning when it is not a number.
    fn attribute(client: &Client, name: &str, warnings: &mut Vec<String>) -> Option<i64> {
        let raw = client.attributes.get(name)?.trim();
        if raw.is_empty() {
            return None;
        }
        match raw.parse::<i64>() {
            Ok(v) => Some(v),
            Err(_) => {
                warnings.push(format!(
                    "The attribute {name} is \u{201c}{raw}\u{201d}, not a whole number of seconds."
                ));
                None
            }
        }
    }

    fn row(settings: &PolicySettings, client: Client) -> ClientPolicyRow {
        let mut warnings = Vec::new();
        let idle = attribute(&client, CLIENT_OFFLINE_IDLE_ATTR, &mut warnings);
        let max = attribute(&client, CLIENT_OFFLINE_MAX_ATTR, &mut warnings);
        let realm = settings.offline();
        let effective = realm.effective(idle, max);
        let realm_only = realm.effective(None, None);
        if let Some(idle) = idle.filter(|v| *v > realm_only.idle_secs) {
            warnings.push(format!(
                "Its offline idle override ({}) is longer than the realm's ({}) and has no effect.",
                format_duration(idle),
                format_duration(realm_only.idle_secs)
            ));
        }
        if let Some(max) = max.filter(|v| *v > 0) {
            match realm_only.max_secs {
                None => warnings.push(format!(
                    "Its offline max override ({}) is ignored: the realm does not limit offline sessions by age.",
                    format_duration(max)
                )),
                Some(realm_max) if max > realm_max => warnings.push(format!(
                    "Its offline max override ({}) is longer than the realm's max lifespan ({}) and has no effect.",
                    format_duration(max),
                    format_duration(realm_max)
                )),
                Some(_) => {}
            }
        }
        if let Some(max) = effective.max_secs.filter(|m| *m < effective.idle_secs) {
            warnings.push(format!(
                "Its max lifespan ({}) is shorter than its idle timeout ({}): sessions end by age first.",
                format_duration(max),
                format_duration(effective.idle_secs)
            ));
        }
        ClientPolicyRow {
            idle_source: source(
                effective.idle_secs,
                idle,
                settings.client_offline_session_idle_timeout,
            ),
            max_source: effective.max_secs.map_or(Source::Realm, |m| {
                source(m, max, settings.client_offline_session_max_lifespan)
            }),
            idle_secs: effective.idle_secs,
            max_secs: effective.max_secs,
            revoke_refresh_token: settings.revoke_refresh_token,
            refresh_token_max_reuse: settings.refresh_token_max_reuse,
            warnings,
            id: client.id,
            client_id: client.client_id,
        }
    }

    pub async fn client_policies(realm: String) -> Result<ClientPolicyTable, AppError> {
        let realm = RealmName::parse(&realm)?;
        let caller = Caller::admin().await?;
        let admin = caller.state.keycloak.admin(&caller);
        let r = realm.as_str();
        let (rep, clients) = tokio::join!(
            admin.realm(&realm),
            admin.search_clients(&realm, "", 0, MAX_CLIENTS + 1)
        );
        let view_realm = |e| keycloak_error(e, r, "view-realm", "see the realm's session settings");
        let settings = rep
            .map_err(view_realm)?
            .policy_settings()
            .ok_or_else(|| view_realm(KcError::Forbidden))?;
        let mut clients =
            clients.map_err(|e| keycloak_error(e, r, "view-clients", "list clients"))?;
        let truncated = clients.len() > MAX_CLIENTS as usize;
        clients.truncate(MAX_CLIENTS as usize);
        Ok(ClientPolicyTable {
            rows: clients.into_iter().map(|c| row(&settings, c)).collect(),
            truncated,
        })
    }
}
