//! `UserSessionRepresentation` (as Keycloak's `ModelToRepresentation` builds it): admin session
//! times are epoch **milliseconds**.

use serde::Serialize;
use std::collections::BTreeMap;

use crate::id::Id;
use crate::model::{User, UserSession};

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserSessionRep {
    pub id: String,
    pub username: String,
    pub user_id: String,
    pub ip_address: String,
    pub start: i64,
    pub last_access: i64,
    pub remember_me: bool,
    /// Client UUID → clientId, for every client session of the user session.
    pub clients: BTreeMap<String, String>,
    pub transient_user: bool,
}

impl UserSessionRep {
    /// `client_id_of` resolves a client UUID to its clientId (deleted clients are skipped).
    pub fn new<'a>(
        session: &UserSession,
        user: &User,
        client_id_of: impl Fn(Id) -> Option<&'a str>,
    ) -> Self {
        UserSessionRep {
            id: session.id.to_string(),
            username: user.username.to_string(),
            user_id: user.id.to_string(),
            ip_address: session.ip.to_string(),
            start: session.started * 1000,
            last_access: session.last_refresh * 1000,
            remember_me: session.remember_me,
            clients: session
                .clients
                .iter()
                .filter_map(|cs| Some((cs.client.to_string(), client_id_of(cs.client)?.to_owned())))
                .collect(),
            transient_user: false,
        }
    }

    /// Per-client offline listings show that client session's timestamp as `lastAccess`.
    pub fn with_client_last_access(mut self, session: &UserSession, client: Id) -> Self {
        if let Some(client_session) = session.client(client) {
            self.last_access = client_session.timestamp * 1000;
        }
        self
    }
}
