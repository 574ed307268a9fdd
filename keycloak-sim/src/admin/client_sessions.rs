//! Session counts and pages of one client (`ClientResource`): regular and offline.

use serde_json::{json, Value};

use super::clients::require_view;
use super::paging::{Page, PageQuery};
use super::permissions::Permissions;
use super::reps::session::UserSessionRep;
use crate::error::ApiResult;
use crate::model::Client;
use crate::store::realm::Realm;
use crate::store::sessions::SessionStore;

/// `GET /clients/{id}/session-count`: regular sessions holding the client.
pub fn session_count(
    realm: &Realm,
    permissions: &Permissions,
    client: &Client,
) -> ApiResult<Value> {
    require_view(permissions, client)?;
    Ok(json!({ "count": realm.sessions.count_for_client(client.id) }))
}

/// `GET /clients/{id}/offline-session-count`.
pub fn offline_session_count(
    realm: &Realm,
    permissions: &Permissions,
    client: &Client,
) -> ApiResult<Value> {
    require_view(permissions, client)?;
    Ok(json!({ "count": realm.offline().count_for_client(client.id) }))
}

/// `GET /clients/{id}/user-sessions?first=&max=` (max defaults to 100).
pub fn user_sessions(
    realm: &Realm,
    permissions: &Permissions,
    client: &Client,
    query: &PageQuery,
) -> ApiResult<Value> {
    require_view(permissions, client)?;
    page(realm, &realm.sessions, client, query, false)
}

/// `GET /clients/{id}/offline-sessions?first=&max=`: `lastAccess` is this client's
/// offline client-session timestamp.
pub fn offline_sessions(
    realm: &Realm,
    permissions: &Permissions,
    client: &Client,
    query: &PageQuery,
) -> ApiResult<Value> {
    require_view(permissions, client)?;
    page(realm, realm.offline(), client, query, true)
}

/// Users are viewable as a whole (no fine-grained permissions), so the page is taken directly
/// from the store's ordered per-client index: O(log n + max) even with millions of sessions.
fn page(
    realm: &Realm,
    store: &SessionStore,
    client: &Client,
    query: &PageQuery,
    client_last_access: bool,
) -> ApiResult<Value> {
    let page = Page::with_default_max(query).map_err(|_| super::not_an_integer())?;
    let max = page.limit().unwrap_or(usize::MAX);
    let sessions = store.page_for_client(client.id, page.skip(), max);
    let client_id_of = |id| realm.client(id).map(|c| c.client_id.as_str());
    let reps: Vec<UserSessionRep> = sessions
        .into_iter()
        .filter_map(|session| {
            let user = realm.user(session.user)?;
            let rep = UserSessionRep::new(session, user, client_id_of);
            Some(if client_last_access {
                rep.with_client_last_access(session, client.id)
            } else {
                rep
            })
        })
        .collect();
    Ok(json!(reps))
}
