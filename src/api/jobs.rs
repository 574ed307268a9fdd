//! Filter jobs over a client's offline sessions (the dry run) and the bulk
//! revocation of their matches. Jobs run in the background; the page polls.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::jobs::SessionJob;

/// Starts a filter job; empty criteria are left out.
#[server(prefix = "/api", endpoint = "start_session_filter", protocol = crate::api::codec::JsonOrForm)]
pub async fn start_session_filter(
    realm: String,
    client: String,
    idle_days: Option<u32>,
    expiring_days: Option<u32>,
    started_before: Option<String>,
    username_contains: Option<String>,
) -> Result<SessionJob, AppError> {
    let filter = crate::model::jobs::SessionFilter {
        idle_days,
        expiring_days,
        started_before,
        username_contains,
    };
    crate::api::support::respond(ssr::start(realm, client, filter)).await
}

#[server(prefix = "/api", endpoint = "session_job_status", protocol = crate::api::codec::JsonOrForm)]
pub async fn session_job_status(id: String) -> Result<SessionJob, AppError> {
    crate::api::support::respond(ssr::status(id)).await
}

/// The caller's newest job for the client, so a reloaded page finds it again.
#[server(prefix = "/api", endpoint = "latest_session_job", protocol = crate::api::codec::JsonOrForm)]
pub async fn latest_session_job(
    realm: String,
    client: String,
) -> Result<Option<SessionJob>, AppError> {
    crate::api::support::respond(ssr::latest(realm, client)).await
}

/// Stops a running job, or drops a dry run without revoking.
#[server(prefix = "/api", endpoint = "cancel_session_job", protocol = crate::api::codec::JsonOrForm)]
pub async fn cancel_session_job(id: String) -> Result<SessionJob, AppError> {
    crate::api::support::respond(ssr::cancel(id)).await
}

/// Revokes exactly what the finished dry run matched; `confirmation` must be the clientId.
#[server(prefix = "/api", endpoint = "revoke_session_job_matches", protocol = crate::api::codec::JsonOrForm)]
pub async fn revoke_session_job_matches(
    id: String,
    confirmation: String,
) -> Result<SessionJob, AppError> {
    crate::api::support::respond(ssr::revoke(id, confirmation)).await
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::api::support::keycloak_error;
    use crate::auth::Caller;
    use crate::jobs::store::{self, JobRecord, NewJob};
    use crate::keycloak::Bearer;
    use crate::model::ids::{ClientUuid, RealmName};
    use crate::model::jobs::{JobState, SessionFilter};
    use crate::model::time::clock::now_ms;

    async fn room_for_another_job(caller: &Caller) -> Result<(), AppError> {
        let running = store::running_of(&caller.state.db, &caller.who())
            .await
            .map_err(AppError::internal)?;
        if running >= crate::jobs::RUNNING_PER_PERSON {
            return Err(AppError::TooMany(format!(
                "You already have {running} jobs running; wait for one to finish or cancel it."
            )));
        }
        Ok(())
    }

    pub async fn start(
        realm: String,
        client: String,
        filter: SessionFilter,
    ) -> Result<SessionJob, AppError> {
        let realm = RealmName::parse(&realm)?;
        let client = ClientUuid::parse(&client)?;
        let filter = filter.normalised().map_err(AppError::InvalidInput)?;
        let caller = Caller::admin().await?;
        room_for_another_job(&caller).await?;
        let (r, c) = (realm.as_str(), client.as_str());
        let fail = |e| keycloak_error(e, r, "view-clients", "filter a client's offline sessions");
        let admin = caller.state.keycloak.admin(&caller);
        let (details, total) = tokio::join!(
            admin.client(&realm, &client),
            admin.offline_session_count(&realm, &client)
        );
        let details = details.map_err(fail)?;
        let total = total.map_err(fail)?;
        let policy = if filter.expiring_days.is_some() {
            let no_policy = || {
                AppError::Forbidden(format!(
                    "Filtering by expiry reads the realm's session settings: you need the realm-management role \u{201c}view-realm\u{201d} for realm \u{201c}{r}\u{201d}."
                ))
            };
            let realm_policy = admin
                .realm(&realm)
                .await
                .map_err(|e| keycloak_error(e, r, "view-realm", "filter sessions by expiry"))?
                .policy_settings()
                .ok_or_else(no_policy)?
                .offline();
            Some(details.effective_policy(&realm_policy))
        } else {
            None
        };
        // The filter is evaluated as of the moment Keycloak issued a fresh
        // token (by Keycloak's clock); the job then acts through this session.
        caller.refreshed().await.map_err(fail)?;
        let who = caller.who();
        let as_of_ms = who.issued_at().map_or_else(now_ms, |iat| iat * 1000);
        let id = uuid::Uuid::new_v4().to_string();
        let owner_session = caller.job_owner_session(&id).ok_or(AppError::NotSignedIn)?;
        let db = &caller.state.db;
        store::insert(
            db,
            NewJob {
                id: &id,
                realm: r,
                client_uuid: c,
                client_id: &details.client_id,
                owner: &who,
                owner_session: &owner_session,
                filter: &filter,
                policy,
                as_of_ms,
                total,
                now_ms: now_ms(),
            },
        )
        .await
        .map_err(AppError::internal)?;
        tracing::info!(job = %id, realm = r, client = %details.client_id, filter = %filter.describe(), "filter job started");
        caller.state.jobs.spawn(caller.state.clone(), id.clone());
        view(&caller, owned(&caller, &id).await?).await
    }

    /// The job, if it belongs to the caller; anyone else is told it does not exist.
    async fn owned(caller: &Caller, id: &str) -> Result<JobRecord, AppError> {
        let who = caller.who();
        store::get(&caller.state.db, id)
            .await
            .map_err(AppError::internal)?
            .filter(|job| job.is_owned_by(&who))
            .ok_or_else(|| AppError::NotFound("The job".into()))
    }

    async fn view(caller: &Caller, job: JobRecord) -> Result<SessionJob, AppError> {
        store::view(&caller.state.db, job, now_ms())
            .await
            .map_err(AppError::internal)
    }

    pub async fn status(id: String) -> Result<SessionJob, AppError> {
        let caller = Caller::admin().await?;
        let job = owned(&caller, &id).await?;
        view(&caller, job).await
    }

    pub async fn latest(realm: String, client: String) -> Result<Option<SessionJob>, AppError> {
        let realm = RealmName::parse(&realm)?;
        let client = ClientUuid::parse(&client)?;
        let caller = Caller::admin().await?;
        let job = store::latest(
            &caller.state.db,
            realm.as_str(),
            client.as_str(),
            &caller.who(),
        )
        .await
        .map_err(AppError::internal)?;
        match job {
            Some(job) => view(&caller, job).await.map(Some),
            None => Ok(None),
        }
    }

    pub async fn cancel(id: String) -> Result<SessionJob, AppError> {
        let caller = Caller::admin().await?;
        let job = owned(&caller, &id).await?;
        let cancelled = store::transition(
            &caller.state.db,
            &job.id,
            &[JobState::Scanning, JobState::Scanned, JobState::Revoking],
            JobState::Cancelled,
            None,
        )
        .await
        .map_err(AppError::internal)?;
        if !cancelled {
            return Err(AppError::Conflict("The job has already finished.".into()));
        }
        tracing::info!(job = %job.id, "job cancelled");
        view(&caller, owned(&caller, &id).await?).await
    }

    pub async fn revoke(id: String, confirmation: String) -> Result<SessionJob, AppError> {
        let caller = Caller::admin().await?;
        let job = owned(&caller, &id).await?;
        if job.state != JobState::Scanned {
            return Err(AppError::Conflict(
                "Only a finished dry run can be revoked; this job is not one.".into(),
            ));
        }
        if confirmation.trim() != job.client_id {
            return Err(AppError::InvalidInput(format!(
                "Type the clientId \u{201c}{}\u{201d} to confirm.",
                job.client_id
            )));
        }
        if job.matched == 0 {
            return Err(AppError::InvalidInput(
                "The dry run matched no sessions: there is nothing to revoke.".into(),
            ));
        }
        if !caller.who().may(job.realm.as_str(), "manage-users") {
            return Err(AppError::Forbidden(format!(
                "You need the realm-management role \u{201c}manage-users\u{201d} for realm \u{201c}{}\u{201d} to revoke offline sessions.",
                job.realm
            )));
        }
        room_for_another_job(&caller).await?;
        let owner_session = caller
            .job_owner_session(&job.id)
            .ok_or(AppError::NotSignedIn)?;
        let started = store::start_revoking(&caller.state.db, &job.id, &owner_session)
            .await
            .map_err(AppError::internal)?;
        if !started {
            return Err(AppError::Conflict(
                "The job changed meanwhile; reload to see it.".into(),
            ));
        }
        tracing::info!(job = %job.id, matched = job.matched, "bulk revocation started");
        caller
            .state
            .jobs
            .spawn(caller.state.clone(), job.id.clone());
        view(&caller, owned(&caller, &id).await?).await
    }
}
