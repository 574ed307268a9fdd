//! The realm's offline policy: read it, preview what a change would end, and
//! save only the policy fields, refusing when the realm changed meanwhile.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::realm_policy::{ClientImpact, PolicyForm, PolicySettings, RealmPolicyPage};

#[server(prefix = "/api", endpoint = "realm_policy", protocol = crate::api::codec::JsonOrForm)]
pub async fn load_realm_policy(realm: String) -> Result<RealmPolicyPage, AppError> {
    crate::api::support::respond(ssr::load_realm_policy(realm)).await
}

/// Saves the form; `expected` is what the page loaded, and the save is refused
/// if the realm no longer has those values.
#[server(prefix = "/api", endpoint = "save_realm_policy", protocol = crate::api::codec::JsonOrForm)]
pub async fn save_realm_policy(
    realm: String,
    form: PolicyForm,
    expected: PolicySettings,
) -> Result<PolicySettings, AppError> {
    crate::api::support::respond(ssr::save_realm_policy(realm, form, expected)).await
}

/// How many of one client's current offline sessions the form's settings would end at once.
#[server(prefix = "/api", endpoint = "preview_policy_impact", protocol = crate::api::codec::JsonOrForm)]
pub async fn preview_policy_impact(
    realm: String,
    form: PolicyForm,
    client: String,
) -> Result<ClientImpact, AppError> {
    crate::api::support::respond(ssr::preview_policy_impact(realm, form, client)).await
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use std::time::{Duration, Instant};

    use serde_json::{json, Value};

    use super::*;
    use crate::api::support::{audited, keycloak_error, keycloak_now, AuditedChange};
    use crate::auth::Caller;
    use crate::keycloak::admin::{Admin, Realm};
    use crate::keycloak::KcError;
    use crate::model::admin::ClientStatsRow;
    use crate::model::ids::{ClientUuid, RealmName};
    use crate::model::policy::{CLIENT_OFFLINE_IDLE_ATTR, CLIENT_OFFLINE_MAX_ATTR};
    use crate::model::realm_policy::field_label;

    /// The preview looks at no more than this many sessions per client...
    const PREVIEW_MAX_SESSIONS: u64 = 5_000;
    /// ...and stops paging after this long; the figure is then a sample.
    const PREVIEW_TIME_BOUND: Duration = Duration::from_secs(5);
    const PREVIEW_PAGE: u32 = 100;

    /// The partial update: Keycloak applies only the fields present
    /// (`RealmAdminResource.updateRealm`).
    fn update_body(s: &PolicySettings) -> Value {
        json!({
            "offlineSessionIdleTimeout": s.offline_session_idle_timeout,
            "offlineSessionMaxLifespanEnabled": s.offline_session_max_lifespan_enabled,
            "offlineSessionMaxLifespan": s.offline_session_max_lifespan,
            "clientOfflineSessionIdleTimeout": s.client_offline_session_idle_timeout,
            "clientOfflineSessionMaxLifespan": s.client_offline_session_max_lifespan,
            "revokeRefreshToken": s.revoke_refresh_token,
            "refreshTokenMaxReuse": s.refresh_token_max_reuse,
        })
    }

    fn describe(s: &PolicySettings) -> String {
        s.described()
            .iter()
            .map(|(setting, value)| format!("{setting} {value}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn validated(form: &PolicyForm) -> Result<PolicySettings, AppError> {
        form.validate().map_err(|errors| {
            AppError::InvalidInput(
                errors
                    .iter()
                    .map(|(field, message)| format!("{}: {message}", field_label(field)))
                    .collect::<Vec<_>>()
                    .join(" "),
            )
        })
    }

    fn view_realm_error(e: KcError, realm: &str) -> AppError {
        keycloak_error(e, realm, "view-realm", "see the realm's session settings")
    }

    /// The realm representation and its policy fields.
    async fn read_realm(
        admin: &Admin<'_, Caller>,
        realm: &RealmName,
    ) -> Result<(Realm, PolicySettings), AppError> {
        let r = realm.as_str();
        let rep = admin
            .realm(realm)
            .await
            .map_err(|e| view_realm_error(e, r))?;
        let settings = rep
            .policy_settings()
            .ok_or_else(|| view_realm_error(KcError::Forbidden, r))?;
        Ok((rep, settings))
    }

    pub async fn load_realm_policy(realm: String) -> Result<RealmPolicyPage, AppError> {
        let realm = RealmName::parse(&realm)?;
        let caller = Caller::admin().await?;
        let admin = caller.state.keycloak.admin(&caller);
        let r = realm.as_str();
        let (rep, stats) = tokio::join!(
            read_realm(&admin, &realm),
            admin.client_session_stats(&realm)
        );
        let (rep, settings) = rep?;
        let mut offline_clients: Vec<ClientStatsRow> = stats
            .map_err(|e| view_realm_error(e, r))?
            .into_iter()
            .map(|s| ClientStatsRow {
                id: s.id,
                client_id: s.client_id,
                active: s.active.parse().unwrap_or(0),
                offline: s.offline.parse().unwrap_or(0),
            })
            .filter(|row| row.offline > 0)
            .collect();
        offline_clients.sort_by_key(|row| std::cmp::Reverse(row.offline));
        Ok(RealmPolicyPage {
            realm: realm.to_string(),
            settings,
            not_before: rep.not_before,
            offline_clients,
            can_manage: caller.who().may(r, "manage-realm"),
            now_ms: keycloak_now(&caller) * 1000,
        })
    }

    pub async fn save_realm_policy(
        realm: String,
        form: PolicyForm,
        expected: PolicySettings,
    ) -> Result<PolicySettings, AppError> {
        let realm = RealmName::parse(&realm)?;
        let after = validated(&form)?;
        let caller = Caller::admin().await?;
        let admin = caller.state.keycloak.admin(&caller);
        let r = realm.as_str();
        // Keycloak has no version check on realms: re-reading just before the
        // write narrows the window in which another change could be overwritten.
        let (_, current) = read_realm(&admin, &realm).await?;
        if current != expected {
            return Err(AppError::Conflict(format!(
                "The realm's settings changed since this page was loaded, so nothing was saved. \
                 They are now: {}. Reload the page to start from these values.",
                describe(&current)
            )));
        }
        let changes = current.changes_to(&after);
        if changes.is_empty() {
            return Err(AppError::InvalidInput(
                "Nothing to save: every value is the same as the realm's current setting.".into(),
            ));
        }
        let target = format!(
            "session settings of realm {r}: {}",
            changes
                .iter()
                .map(|c| format!("{} {} \u{2192} {}", c.setting, c.before, c.after))
                .collect::<Vec<_>>()
                .join("; ")
        );
        let change = AuditedChange {
            realm: r,
            action: "update_realm_policy",
            target: &target,
            role: "manage-realm",
            wording: "change the realm's session settings",
        };
        let body = update_body(&after);
        audited(&caller, change, || admin.update_realm(&realm, &body)).await?;
        Ok(after)
    }

    pub async fn preview_policy_impact(
        realm: String,
        form: PolicyForm,
        client: String,
    ) -> Result<ClientImpact, AppError> {
        let realm = RealmName::parse(&realm)?;
        let client = ClientUuid::parse(&client)?;
        let after = validated(&form)?;
        let caller = Caller::admin().await?;
        let admin = caller.state.keycloak.admin(&caller);
        let r = realm.as_str();
        let fail = |e| keycloak_error(e, r, "view-clients", "see a client's offline sessions");
        let (current, details, total) = tokio::join!(
            read_realm(&admin, &realm),
            admin.client(&realm, &client),
            admin.offline_session_count(&realm, &client),
        );
        let (_, before) = current?;
        let details = details.map_err(fail)?;
        let total = total.map_err(fail)?;
        let idle = details.attribute_secs(CLIENT_OFFLINE_IDLE_ATTR);
        let max = details.attribute_secs(CLIENT_OFFLINE_MAX_ATTR);
        let before = before.offline().effective(idle, max);
        let after = after.offline().effective(idle, max);
        // Read after the calls above, which renew the token if Keycloak refused it.
        let now_ms = keycloak_now(&caller) * 1000;
        let alive_at = |policy: &crate::model::policy::EffectivePolicy, start: i64, last: i64| {
            let (idle_deadline, max_deadline) = policy.expiry_ms(start, last);
            idle_deadline.min(max_deadline.unwrap_or(i64::MAX)) > now_ms
        };
        let started = Instant::now();
        let (mut examined, mut expiring) = (0u64, 0u64);
        while examined < total.min(PREVIEW_MAX_SESSIONS) && started.elapsed() < PREVIEW_TIME_BOUND {
            let first = u32::try_from(examined).unwrap_or(u32::MAX);
            let page = admin
                .offline_sessions(&realm, &client, first, PREVIEW_PAGE)
                .await
                .map_err(fail)?;
            if page.is_empty() {
                break;
            }
            examined += page.len() as u64;
            expiring += page
                .iter()
                .filter(|s| {
                    alive_at(&before, s.start, s.last_access)
                        && !alive_at(&after, s.start, s.last_access)
                })
                .count() as u64;
        }
        Ok(ClientImpact {
            client_id: details.client_id,
            total,
            examined,
            expiring,
            sampled: examined < total,
        })
    }
}
