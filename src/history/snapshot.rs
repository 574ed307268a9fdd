//! One snapshot: refresh the offline token, store the new one, then count.
//!
//! The order is the point: the refreshed token is sealed and committed
//! before the access token is used for anything, so a crash at any moment
//! leaves the database holding a token Keycloak still accepts (with
//! `revokeRefreshToken` on, the previous one is dead the moment Keycloak
//! answers). The history lock makes refreshes one at a time.

use base64::Engine as _;
use serde::Deserialize;
use tokio::sync::Mutex;

use super::{crypto, store};
use crate::audit::Recorder;
use crate::auth::oidc::{OidcError, Tokens};
use crate::crypto::SealingKey;
use crate::keycloak::{Bearer, KcError};
use crate::model::history::{
    age_bucket, DisconnectReason, Disconnected, HistoryRun, SnapshotSummary,
};
use crate::model::ids::{ClientUuid, RealmName};
use crate::model::time::clock::now_ms;
use crate::state::AppState;

/// Offline sessions are read this many at a time, so memory stays bounded.
const PAGE: u32 = 500;

/// Error codes the token endpoint answers about the request itself (RFC 6749 §5.2, Keycloak's `not_allowed`).
const OAUTH_ERRORS: [&str; 7] = [
    "invalid_request",
    "invalid_client",
    "invalid_grant",
    "unauthorized_client",
    "unsupported_grant_type",
    "invalid_scope",
    "not_allowed",
];

/// Who the audit log names for what the scheduler does.
pub const SYSTEM_ACTOR: &str = "offline-console (history)";

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("history is not connected")]
    NotConnected,
    #[error("HISTORY_KEY is not configured")]
    NoKey,
    #[error("history was disconnected: {}", .0.reason.explain())]
    Disconnected(Disconnected),
    /// Keycloak did not answer: worth retrying later; the run is a gap.
    #[error("Keycloak did not answer: {0}")]
    Unavailable(String),
    /// Keycloak answered but the snapshot could not be completed.
    #[error("the snapshot failed: {0}")]
    Failed(String),
    #[error("the history store failed: {0}")]
    Store(#[from] sqlx::Error),
}

#[derive(Deserialize)]
struct IssuedAt {
    iat: i64,
}

/// Keycloak's clock: when it issued this access token (epoch ms).
fn issued_at_ms(access_token: &str) -> Option<i64> {
    let payload = access_token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice::<IssuedAt>(&bytes)
        .ok()
        .map(|c| c.iat * 1000)
}

struct Held {
    generation: i64,
    refresh_token: String,
    access_token: String,
    keycloak_ms: i64,
}

/// The history's token during one run; a 401 midway refreshes (and stores) again.
struct HistoryBearer<'a> {
    state: &'a AppState,
    key: &'a SealingKey,
    realm: String,
    run_id: i64,
    held: Mutex<Held>,
    failure: std::sync::Mutex<Option<SnapshotError>>,
}

impl HistoryBearer<'_> {
    async fn rotate(&self, held: &mut Held) -> Result<(), SnapshotError> {
        let tokens = Tokens {
            access_token: String::new(),
            refresh_token: Some(held.refresh_token.clone()),
            id_token: None,
            access_expires_at: 0,
        };
        let refreshed = match self.state.oidc.refresh(&self.realm, &tokens).await {
            Ok(refreshed) => refreshed,
            Err(OidcError::Keycloak(e)) if e.is_transient() => {
                return Err(SnapshotError::Unavailable(e.to_string()))
            }
            Err(OidcError::Refused(text)) => {
                let (error, description) = text.split_once(": ").unwrap_or((&text, ""));
                // A 5xx or 429 also arrives as an error body (`unknown_error`,
                // `HTTP 429 ...`): only OAuth's own codes are answers about the token.
                if !OAUTH_ERRORS.contains(&error) {
                    return Err(SnapshotError::Unavailable(text.clone()));
                }
                return Err(match DisconnectReason::from_refusal(error, description) {
                    Some(reason) => SnapshotError::Disconnected(Disconnected {
                        reason,
                        detail: text.clone(),
                        at_ms: now_ms(),
                    }),
                    None => SnapshotError::Failed(format!("Keycloak refused the console: {text}")),
                });
            }
            Err(other) => return Err(SnapshotError::Failed(other.to_string())),
        };
        let refresh_token = refreshed
            .refresh_token
            .ok_or_else(|| SnapshotError::Failed("Keycloak sent no refresh token".into()))?;
        let keycloak_ms = issued_at_ms(&refreshed.access_token)
            .ok_or_else(|| SnapshotError::Failed("the access token has no iat".into()))?;
        let sealed = crypto::seal(self.key, held.generation + 1, &refresh_token);
        let stored = store::store_rotation(
            &self.state.db,
            held.generation,
            &sealed,
            self.run_id,
            keycloak_ms,
        )
        .await?;
        if !stored {
            return Err(SnapshotError::Failed(
                "the stored token changed during the refresh (reconnected meanwhile)".into(),
            ));
        }
        *held = Held {
            generation: held.generation + 1,
            refresh_token,
            access_token: refreshed.access_token,
            keycloak_ms,
        };
        Ok(())
    }
}

impl Bearer for HistoryBearer<'_> {
    async fn token(&self) -> Result<String, KcError> {
        Ok(self.held.lock().await.access_token.clone())
    }

    async fn refreshed(&self) -> Result<String, KcError> {
        let mut held = self.held.lock().await;
        match self.rotate(&mut held).await {
            Ok(()) => Ok(held.access_token.clone()),
            Err(e) => {
                let transient = matches!(e, SnapshotError::Unavailable(_));
                *self.failure.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
                Err(if transient {
                    KcError::Unavailable("refresh".into())
                } else {
                    KcError::Unauthorized
                })
            }
        }
    }
}

/// Takes one snapshot now (waiting for one in progress to finish first).
pub async fn take(state: &AppState) -> Result<SnapshotSummary, SnapshotError> {
    let _one_at_a_time = state.history.lock().await;
    let key = state
        .config
        .history_key
        .as_ref()
        .ok_or(SnapshotError::NoKey)?;
    let stored = store::connection(&state.db)
        .await?
        .filter(|c| c.info.disconnected.is_none())
        .ok_or(SnapshotError::NotConnected)?;
    let sealed = stored.sealed.ok_or(SnapshotError::NotConnected)?;
    let run_id = store::start_run(&state.db, now_ms()).await?;
    let result = match crypto::open(key, stored.generation, &sealed) {
        None => Err(SnapshotError::Disconnected(Disconnected {
            reason: DisconnectReason::KeyChanged,
            detail: "the stored token does not decrypt with HISTORY_KEY".into(),
            at_ms: now_ms(),
        })),
        Some(refresh_token) => {
            let bearer = HistoryBearer {
                state,
                key,
                realm: stored.info.realm.clone(),
                run_id,
                held: Mutex::new(Held {
                    generation: stored.generation,
                    refresh_token,
                    access_token: String::new(),
                    keycloak_ms: 0,
                }),
                failure: std::sync::Mutex::new(None),
            };
            run(state, &bearer, run_id).await
        }
    };
    match result {
        Ok(summary) => Ok(summary),
        Err(e) => {
            record_failure(state, &stored.info.realm, run_id, &e).await?;
            Err(e)
        }
    }
}

async fn run(
    state: &AppState,
    bearer: &HistoryBearer<'_>,
    run_id: i64,
) -> Result<SnapshotSummary, SnapshotError> {
    let keycloak_ms = {
        let mut held = bearer.held.lock().await;
        bearer.rotate(&mut held).await?;
        held.keycloak_ms
    };
    let (realms, points) = match count(state, bearer, keycloak_ms).await {
        Ok(counted) => counted,
        Err(e) => {
            let cause = bearer
                .failure
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .take();
            return Err(cause.unwrap_or(match e {
                e if e.is_transient() => SnapshotError::Unavailable(e.to_string()),
                e => SnapshotError::Failed(e.to_string()),
            }));
        }
    };
    store::finish_run(&state.db, run_id, &points).await?;
    Ok(SnapshotSummary {
        run: HistoryRun {
            id: run_id,
            keycloak_ms,
            succeeded: true,
            detail: None,
        },
        realms,
        clients: points.len() as u32,
        offline_sessions: points.iter().map(|p| p.offline).sum(),
    })
}

/// Per realm the token's user may see, per client with sessions: the counts
/// and the offline sessions' ages, read a page at a time. Also returns how
/// many realms were counted.
async fn count(
    state: &AppState,
    bearer: &HistoryBearer<'_>,
    now_ms: i64,
) -> Result<(u32, Vec<store::Point>), KcError> {
    let admin = state.keycloak.admin(bearer);
    let mut points = Vec::new();
    let mut realms = 0;
    for listed in admin.realms().await? {
        let Ok(realm) = RealmName::parse(&listed.realm) else {
            continue;
        };
        let stats = match admin.client_session_stats(&realm).await {
            Ok(stats) => stats,
            // Visible but without view-realm: no counts to record there.
            Err(KcError::Forbidden) => continue,
            Err(e) => return Err(e),
        };
        realms += 1;
        for s in stats {
            let Ok(client) = ClientUuid::parse(&s.id) else {
                continue;
            };
            let offline: u64 = s.offline.parse().unwrap_or(0);
            let mut ages = [0u64; 4];
            let mut first = 0;
            let mut more = offline > 0;
            while more {
                let page = admin.offline_sessions(&realm, &client, first, PAGE).await?;
                for session in &page {
                    ages[age_bucket(now_ms, session.last_access)] += 1;
                }
                more = page.len() == PAGE as usize;
                first += PAGE;
            }
            points.push(store::Point {
                realm: listed.realm.clone(),
                client_id: s.client_id,
                active: s.active.parse().unwrap_or(0),
                offline,
                ages,
            });
        }
    }
    Ok((realms, points))
}

/// The run becomes a gap; a refused token disconnects history. Both are audited.
async fn record_failure(
    state: &AppState,
    realm: &str,
    run_id: i64,
    error: &SnapshotError,
) -> Result<(), sqlx::Error> {
    store::fail_run(&state.db, run_id, &error.to_string()).await?;
    let (action, target) = match error {
        SnapshotError::Disconnected(d) => {
            store::disconnect(&state.db, d.reason, &d.detail, d.at_ms).await?;
            (
                "history_disconnect",
                format!("history: {}", d.reason.explain()),
            )
        }
        _ => ("history_snapshot", "history snapshot".to_owned()),
    };
    tracing::warn!(error = %error, "history snapshot failed");
    let audit =
        Recorder::begin_as(&state.db, SYSTEM_ACTOR, realm, realm, action, &target, None).await?;
    audit.failed(error.to_string()).await
}
