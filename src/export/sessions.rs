//! `GET /export/{realm}/clients/{client}/offline-sessions.csv|json`: every
//! offline session of a client, fetched page by page with the administrator's
//! token and written out as each page arrives.

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Serialize;
use tower_sessions::Session;

use super::{csv, download, format_of, refuse, rfc3339, Format};
use crate::api::sessions::ssr::{attribute_secs, realm_policy};
use crate::api::support::keycloak_error;
use crate::auth::Caller;
use crate::error::AppError;
use crate::keycloak::admin::UserSession;
use crate::keycloak::KcError;
use crate::model::ids::{ClientUuid, RealmName};
use crate::model::policy::{EffectivePolicy, CLIENT_OFFLINE_IDLE_ATTR, CLIENT_OFFLINE_MAX_ATTR};
use crate::server::AppState;

/// Sessions per Keycloak request: large enough to keep round trips few,
/// small enough that one page is all the memory an export holds.
const PAGE: u32 = 500;

const COLUMNS: [&str; 9] = [
    "session_id",
    "username",
    "user_id",
    "ip_address",
    "started",
    "last_access",
    "idle_expires",
    "max_expires",
    "other_clients",
];

pub async fn offline_sessions(
    State(state): State<AppState>,
    session: Session,
    Path((realm, client, file)): Path<(String, String, String)>,
) -> Response {
    let Some(format) = format_of(&file, "offline-sessions") else {
        return refuse(AppError::NotFound("The export".into()));
    };
    match open(state, session, &realm, &client, format).await {
        Ok((name, export)) => {
            let stream = futures::stream::unfold(export, |mut export| async move {
                export.next_chunk().await.map(|chunk| (chunk, export))
            });
            download(&name, format, Body::from_stream(stream))
        }
        Err(e) => refuse(e),
    }
}

/// Checks the caller and reads the first page before answering, so that a
/// refusal arrives as a proper status rather than a broken download.
async fn open(
    state: AppState,
    session: Session,
    realm: &str,
    client: &str,
    format: Format,
) -> Result<(String, SessionExport), AppError> {
    let realm = RealmName::parse(realm)?;
    let client = ClientUuid::parse(client)?;
    let caller = Caller::from_session(state, session)
        .await?
        .require_admin()?;
    let (r, c) = (realm.as_str(), client.as_str());
    let fail = |e| keycloak_error(e, r, "view-clients", "export a client's offline sessions");
    let admin = caller.state.keycloak.admin(&caller);
    let (details, first_page, policy) = tokio::join!(
        admin.client(r, c),
        admin.offline_sessions(r, c, 0, PAGE),
        realm_policy(&caller, r),
    );
    let details = details.map_err(fail)?;
    let first_page = first_page.map_err(fail)?;
    let policy = policy.map(|p| {
        p.effective(
            attribute_secs(&details.attributes, CLIENT_OFFLINE_IDLE_ATTR),
            attribute_secs(&details.attributes, CLIENT_OFFLINE_MAX_ATTR),
        )
    });
    let name = format!("{}-offline-sessions", details.client_id);
    Ok((
        name,
        SessionExport {
            caller,
            realm,
            client,
            format,
            policy,
            page: Some(first_page),
            next_first: PAGE,
            header_written: false,
            rows_written: 0,
            ended: false,
        },
    ))
}

#[derive(Serialize)]
struct Row<'a> {
    session_id: &'a str,
    username: &'a str,
    user_id: &'a str,
    ip_address: Option<&'a str>,
    started: String,
    last_access: String,
    idle_expires: Option<String>,
    max_expires: Option<String>,
    other_clients: Vec<&'a str>,
}

struct SessionExport {
    caller: Caller,
    realm: RealmName,
    client: ClientUuid,
    format: Format,
    policy: Option<EffectivePolicy>,
    /// The page to write next; `None` means fetch it.
    page: Option<Vec<UserSession>>,
    next_first: u32,
    header_written: bool,
    rows_written: u64,
    ended: bool,
}

impl SessionExport {
    /// The next piece of the file: the header with the first page, then a
    /// page at a time, the closing bracket with the last. A failure mid-way
    /// aborts the response, so a partial file is never mistaken for a whole one.
    async fn next_chunk(&mut self) -> Option<Result<Bytes, std::io::Error>> {
        if self.ended {
            return None;
        }
        let page = match self.page.take() {
            Some(page) => page,
            None => match self.fetch().await {
                Ok(page) => page,
                Err(e) => {
                    self.ended = true;
                    tracing::warn!(error = %e, rows = self.rows_written, "export aborted");
                    return Some(Err(std::io::Error::other(e.to_string())));
                }
            },
        };
        let mut out = String::with_capacity(page.len() * 200);
        if !self.header_written {
            self.header_written = true;
            self.write_header(&mut out);
        }
        for session in &page {
            self.write_row(&mut out, session);
        }
        if (page.len() as u32) < PAGE {
            self.ended = true;
            if self.format == Format::Json {
                out.push_str(if self.rows_written == 0 {
                    "]\n"
                } else {
                    "\n]\n"
                });
            }
        }
        Some(Ok(Bytes::from(out)))
    }

    async fn fetch(&mut self) -> Result<Vec<UserSession>, KcError> {
        let first = self.next_first;
        self.next_first = self.next_first.saturating_add(PAGE);
        self.caller
            .state
            .keycloak
            .admin(&self.caller)
            .offline_sessions(self.realm.as_str(), self.client.as_str(), first, PAGE)
            .await
    }

    fn write_header(&self, out: &mut String) {
        match self.format {
            Format::Csv => csv::write_record(out, COLUMNS),
            Format::Json => out.push('['),
        }
    }

    fn write_row(&mut self, out: &mut String, s: &UserSession) {
        let expiry = self.policy.map(|p| p.expiry_ms(s.start, s.last_access));
        let row = Row {
            session_id: &s.id,
            username: &s.username,
            user_id: &s.user_id,
            ip_address: s.ip_address.as_deref(),
            started: rfc3339(s.start),
            last_access: rfc3339(s.last_access),
            idle_expires: expiry.map(|e| rfc3339(e.0)),
            max_expires: expiry.and_then(|e| e.1).map(rfc3339),
            other_clients: s
                .clients
                .iter()
                .filter(|(uuid, _)| uuid.as_str() != self.client.as_str())
                .map(|(_, client_id)| client_id.as_str())
                .collect(),
        };
        match self.format {
            Format::Csv => {
                let others = row.other_clients.join(" ");
                csv::write_record(
                    out,
                    [
                        row.session_id,
                        row.username,
                        row.user_id,
                        row.ip_address.unwrap_or_default(),
                        &row.started,
                        &row.last_access,
                        row.idle_expires.as_deref().unwrap_or_default(),
                        row.max_expires.as_deref().unwrap_or_default(),
                        &others,
                    ],
                );
            }
            Format::Json => {
                out.push_str(if self.rows_written == 0 { "\n" } else { ",\n" });
                // Serialising borrowed strings and options cannot fail.
                if let Ok(json) = serde_json::to_string(&row) {
                    out.push_str(&json);
                }
            }
        }
        self.rows_written += 1;
    }
}
