//! `GET /export/{realm}/clients/{client}/offline-sessions.csv|json`: every
//! offline session of a client, fetched page by page with the administrator's
//! token and written out as each page arrives.

use axum::extract::Path;
use axum::response::Response;
use serde::Serialize;

use super::{serve, Chunks, Format, RowWriter};
use crate::api::sessions::ssr::realm_policy;
use crate::api::support::keycloak_error;
use crate::auth::{AdminCaller, Caller};
use crate::error::AppError;
use crate::keycloak::admin::UserSession;
use crate::keycloak::KcError;
use crate::model::ids::{ClientUuid, RealmName};
use crate::model::policy::EffectivePolicy;
use crate::model::time::clock::rfc3339;

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
    AdminCaller(caller): AdminCaller,
    Path((realm, client, file)): Path<(String, String, String)>,
) -> Response {
    serve(&file, "offline-sessions", |format| {
        open(caller, &realm, &client, format)
    })
    .await
}

/// Checks the caller and reads the first page before answering, so that a
/// refusal arrives as a proper status rather than a broken download.
async fn open(
    caller: Caller,
    realm: &str,
    client: &str,
    format: Format,
) -> Result<(String, SessionExport), AppError> {
    let realm = RealmName::parse(realm)?;
    let client = ClientUuid::parse(client)?;
    let r = realm.as_str();
    let fail = |e| keycloak_error(e, r, "view-clients", "export a client's offline sessions");
    let admin = caller.state.keycloak.admin(&caller);
    let (details, first_page, policy) = tokio::join!(
        admin.client(&realm, &client),
        admin.offline_sessions(&realm, &client, 0, PAGE),
        realm_policy(&caller, &realm),
    );
    let details = details.map_err(fail)?;
    let first_page = first_page.map_err(fail)?;
    let policy = policy.map(|realm| details.effective_policy(&realm));
    let name = format!("{}-offline-sessions", details.client_id);
    Ok((
        name,
        SessionExport {
            caller,
            realm,
            client,
            writer: RowWriter::new(format, &COLUMNS),
            policy,
            page: Some(first_page),
            next_first: PAGE,
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
    writer: RowWriter,
    policy: Option<EffectivePolicy>,
    /// The page to write next; `None` means fetch it.
    page: Option<Vec<UserSession>>,
    next_first: u32,
    ended: bool,
}

impl Chunks for SessionExport {
    /// A Keycloak page at a time; the first was read when the export opened.
    async fn next_chunk(&mut self) -> Option<Result<String, String>> {
        if self.ended {
            return None;
        }
        let page = match self.page.take() {
            Some(page) => page,
            None => match self.fetch().await {
                Ok(page) => page,
                Err(e) => return Some(Err(e.to_string())),
            },
        };
        let mut out = String::with_capacity(page.len() * 200);
        for session in &page {
            self.write_row(&mut out, session);
        }
        if (page.len() as u32) < PAGE {
            self.ended = true;
            self.writer.finish(&mut out);
        }
        Some(Ok(out))
    }
}

impl SessionExport {
    async fn fetch(&mut self) -> Result<Vec<UserSession>, KcError> {
        let first = self.next_first;
        self.next_first = self.next_first.saturating_add(PAGE);
        self.caller
            .state
            .keycloak
            .admin(&self.caller)
            .offline_sessions(&self.realm, &self.client, first, PAGE)
            .await
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
        let others = row.other_clients.join(" ");
        let cells = [
            row.session_id,
            row.username,
            row.user_id,
            row.ip_address.unwrap_or_default(),
            &row.started,
            &row.last_access,
            row.idle_expires.as_deref().unwrap_or_default(),
            row.max_expires.as_deref().unwrap_or_default(),
            &others,
        ];
        self.writer.row(out, cells, &row);
    }
}
