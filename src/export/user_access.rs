//! `GET /export/{realm}/users/{user}/access.csv|json`: what the user access
//! page shows, one row per item: each consent, each offline session (per
//! client) and each regular session. Keycloak lists a user's offline sessions
//! one client at a time, so the file is written one client at a time.

use std::collections::VecDeque;

use axum::extract::Path;
use axum::response::Response;
use serde::Serialize;

use super::{serve, Chunks, Format, RowWriter};
use crate::api::support::keycloak_error;
use crate::auth::{AdminCaller, Caller};
use crate::error::AppError;
use crate::keycloak::admin::{offline_token_clients, Consent, UserSession};
use crate::keycloak::KcError;
use crate::model::ids::{ClientUuid, RealmName, UserId};
use crate::model::time::clock::rfc3339;

const COLUMNS: [&str; 10] = [
    "kind",
    "clients",
    "granted_scopes",
    "offline_token",
    "consent_created",
    "consent_updated",
    "session_id",
    "ip_address",
    "started",
    "last_access",
];

pub async fn user_access(
    AdminCaller(caller): AdminCaller,
    Path((realm, user, file)): Path<(String, String, String)>,
) -> Response {
    serve(&file, "access", |format| {
        open(caller, &realm, &user, format)
    })
    .await
}

/// Checks the caller and reads the user, consents and sessions before
/// answering, so that a refusal arrives as a proper status.
async fn open(
    caller: Caller,
    realm: &str,
    user: &str,
    format: Format,
) -> Result<(String, AccessExport), AppError> {
    let realm = RealmName::parse(realm)?;
    let user = UserId::parse(user)?;
    let r = realm.as_str();
    let fail = |e| keycloak_error(e, r, "view-users", "export a user's access");
    let admin = caller.state.keycloak.admin(&caller);
    let (details, consents, sessions) = tokio::join!(
        admin.user(&realm, &user),
        admin.user_consents(&realm, &user),
        admin.user_sessions(&realm, &user),
    );
    let details = details.map_err(fail)?;
    let consents = consents.map_err(fail)?;
    let sessions = sessions.map_err(fail)?;
    let offline_clients = offline_token_clients(&consents).into_keys().collect();
    Ok((
        format!("{}-access", details.username),
        AccessExport {
            caller,
            realm,
            user,
            writer: RowWriter::new(format, &COLUMNS),
            consents: Some(consents),
            sessions: Some(sessions),
            offline_clients,
            ended: false,
        },
    ))
}

#[derive(Serialize, Default)]
struct Row<'a> {
    kind: &'static str,
    clients: Vec<&'a str>,
    granted_scopes: Vec<&'a str>,
    offline_token: Option<bool>,
    consent_created: Option<String>,
    consent_updated: Option<String>,
    session_id: Option<&'a str>,
    ip_address: Option<&'a str>,
    started: Option<String>,
    last_access: Option<String>,
}

impl<'a> Row<'a> {
    fn consent(c: &'a Consent) -> Self {
        Row {
            kind: "consent",
            clients: vec![&c.client_id],
            granted_scopes: c.granted_client_scopes.iter().map(String::as_str).collect(),
            offline_token: Some(c.has_offline_token()),
            consent_created: c.created_date.map(rfc3339),
            consent_updated: c.last_updated_date.map(rfc3339),
            ..Row::default()
        }
    }

    fn session(kind: &'static str, s: &'a UserSession) -> Self {
        Row {
            kind,
            clients: s.clients.values().map(String::as_str).collect(),
            session_id: Some(&s.id),
            ip_address: s.ip_address.as_deref(),
            started: Some(rfc3339(s.start)),
            last_access: Some(rfc3339(s.last_access)),
            ..Row::default()
        }
    }
}

struct AccessExport {
    caller: Caller,
    realm: RealmName,
    user: UserId,
    writer: RowWriter,
    /// Written with the header, then `None`.
    consents: Option<Vec<Consent>>,
    /// Written after the consents, then `None`.
    sessions: Option<Vec<UserSession>>,
    /// UUIDs of the clients whose offline sessions are still to fetch.
    offline_clients: VecDeque<String>,
    ended: bool,
}

impl Chunks for AccessExport {
    /// Consents and regular sessions first, then one client's offline
    /// sessions per piece.
    async fn next_chunk(&mut self) -> Option<Result<String, String>> {
        if self.ended {
            return None;
        }
        let mut out = String::new();
        if let Some(consents) = self.consents.take() {
            for consent in &consents {
                self.write_row(&mut out, Row::consent(consent));
            }
            for session in &self.sessions.take().unwrap_or_default() {
                self.write_row(&mut out, Row::session("session", session));
            }
        } else if let Some(uuid) = self.offline_clients.pop_front() {
            match self.fetch_offline(&uuid).await {
                Ok(sessions) => {
                    for session in &sessions {
                        self.write_row(&mut out, Row::session("offline_session", session));
                    }
                }
                Err(e) => return Some(Err(e.to_string())),
            }
        }
        if self.offline_clients.is_empty() {
            self.ended = true;
            self.writer.finish(&mut out);
        }
        Some(Ok(out))
    }
}

impl AccessExport {
    async fn fetch_offline(&self, client_uuid: &str) -> Result<Vec<UserSession>, KcError> {
        let client = ClientUuid::parse(client_uuid)
            .map_err(|_| KcError::Malformed("a consent without a client id".into()))?;
        self.caller
            .state
            .keycloak
            .admin(&self.caller)
            .user_offline_sessions(&self.realm, &self.user, &client)
            .await
    }

    fn write_row(&mut self, out: &mut String, row: Row<'_>) {
        let offline_token = match row.offline_token {
            Some(true) => "yes",
            Some(false) => "no",
            None => "",
        };
        let (clients, scopes) = (row.clients.join(" "), row.granted_scopes.join(" "));
        let cells = [
            row.kind,
            &clients,
            &scopes,
            offline_token,
            row.consent_created.as_deref().unwrap_or_default(),
            row.consent_updated.as_deref().unwrap_or_default(),
            row.session_id.unwrap_or_default(),
            row.ip_address.unwrap_or_default(),
            row.started.as_deref().unwrap_or_default(),
            row.last_access.as_deref().unwrap_or_default(),
        ];
        self.writer.row(out, cells, &row);
    }
}
