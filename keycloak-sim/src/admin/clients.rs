//! `/clients` and `/clients/{id}` (Keycloak's `ClientsResource`, `ClientResource`).

use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{json, Value};

use super::paging::{Page, PageQuery};
use super::permissions::Permissions;
use super::reps::client::client_rep;
use super::reps::role::RoleRep;
use crate::error::{ApiError, ApiResult};
use crate::id::Id;
use crate::model::Client;
use crate::store::realm::Realm;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientListQuery {
    pub client_id: Option<String>,
    pub search: Option<String>,
    pub q: Option<String>,
    pub viewable_only: Option<String>,
    #[serde(flatten)]
    pub page: PageQuery,
}

/// `GET /clients`: exact `clientId` (no paging), `search=true` substring, `q=key:value`
/// attribute search, or all clients; ordered by clientId. Without `view-clients` the list is
/// filtered per client and then paged (`ClientsResource.getClients`).
pub fn list(realm: &Realm, permissions: &Permissions, query: &ClientListQuery) -> ApiResult<Value> {
    if !permissions.can_list_clients() {
        return Err(ApiError::forbidden());
    }
    let page = Page::unbounded_by_default(&query.page).map_err(|_| super::not_an_integer())?;
    let search = query
        .search
        .as_deref()
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let client_id = query
        .client_id
        .as_deref()
        .filter(|id| !id.trim().is_empty());
    let candidates: Vec<&Client> = if let Some(q) = &query.q {
        let wanted = super::user_search::parse_q(q);
        realm
            .clients_by_client_id()
            .filter(|client| {
                wanted
                    .iter()
                    .all(|(key, value)| client.attributes.get(key) == Some(value))
            })
            .collect()
    } else if let Some(client_id) = client_id {
        if search {
            let needle = client_id.to_lowercase();
            realm
                .clients_by_client_id()
                .filter(|client| client.client_id.to_lowercase().contains(&needle))
                .collect()
        } else {
            let exact = realm.client_by_client_id(client_id).into_iter().collect();
            return Ok(Value::Array(reps(exact, permissions)));
        }
    } else {
        realm.clients_by_client_id().collect()
    };
    let visible: Vec<&Client> = candidates
        .into_iter()
        .filter(|client| permissions.can_view_client(&client.client_id))
        .collect();
    Ok(Value::Array(reps(
        page.apply(visible.into_iter()),
        permissions,
    )))
}

fn reps(clients: Vec<&Client>, permissions: &Permissions) -> Vec<Value> {
    clients
        .into_iter()
        .filter(|client| permissions.can_view_client(&client.client_id))
        .map(|client| client_rep(client, permissions))
        .collect()
}

/// Resolves `{id}` (internal UUID); unknown ids are 404 only for callers who may list clients.
pub fn find<'r>(realm: &'r Realm, permissions: &Permissions, id: &str) -> ApiResult<&'r Client> {
    match Id::parse(id).and_then(|id| realm.client(id)) {
        Some(client) => Ok(client),
        None if permissions.can_list_clients() => Err(ApiError::not_found("Could not find client")),
        None => Err(ApiError::forbidden()),
    }
}

pub fn require_view(permissions: &Permissions, client: &Client) -> ApiResult<()> {
    if permissions.can_view_client(&client.client_id) {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

pub fn require_manage(permissions: &Permissions, client: &Client) -> ApiResult<()> {
    if permissions.can_manage_client(&client.client_id) {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

/// `GET /clients/{id}`.
pub fn get(permissions: &Permissions, client: &Client) -> ApiResult<Value> {
    require_view(permissions, client)?;
    Ok(client_rep(client, permissions))
}

/// `PUT /clients/{id}`: fields present and non-null in the body replace the stored ones
/// (`RepresentationToModel.updateClient`); scopes, roles and `access` in the body are ignored.
pub fn update(
    realm: &mut Realm,
    permissions: &Permissions,
    id: &str,
    body: &Value,
) -> ApiResult<StatusCode> {
    let client = find(realm, permissions, id)?;
    require_manage(permissions, client)?;
    let Some(patch) = body.as_object() else {
        return Err(ApiError::unparsable_json());
    };
    if let Some(new_client_id) = patch.get("clientId").and_then(Value::as_str) {
        if new_client_id != client.client_id {
            if realm.client_by_client_id(new_client_id).is_some() {
                return Err(ApiError::admin(
                    StatusCode::CONFLICT,
                    "Client already exists",
                ));
            }
            // The store indexes clients by clientId and offers no rename.
            return Err(ApiError::admin(
                StatusCode::BAD_REQUEST,
                "keycloak-sim does not support changing a client's clientId",
            ));
        }
    }
    let mut merged = serde_json::to_value(client).map_err(|_| ApiError::server_error())?;
    let Some(fields) = merged.as_object_mut() else {
        return Err(ApiError::server_error());
    };
    const IGNORED: &[&str] = &[
        "id",
        "clientId",
        "defaultClientScopes",
        "optionalClientScopes",
        "access",
    ];
    for (key, value) in patch {
        if value.is_null() || IGNORED.contains(&key.as_str()) {
            continue;
        }
        if key == "attributes" {
            // Keycloak sets each attribute given; an empty value removes it.
            if let (Some(given), Some(Value::Object(kept))) =
                (value.as_object(), fields.get_mut("attributes"))
            {
                for (name, attribute) in given {
                    match attribute.as_str() {
                        Some("") | None => kept.remove(name),
                        Some(_) => kept.insert(name.clone(), attribute.clone()),
                    };
                }
                continue;
            }
        }
        fields.insert(key.clone(), value.clone());
    }
    super::client_urls::check(&merged)?;
    let updated: Client =
        serde_json::from_value(merged).map_err(|_| ApiError::unparsable_json())?;
    let client_uuid = client.id;
    if let Some(stored) = realm.client_mut(client_uuid) {
        let roles = std::mem::take(&mut stored.roles);
        let scope_mappings = std::mem::take(&mut stored.scope_mappings);
        *stored = Client {
            roles,
            scope_mappings,
            ..updated
        };
    }
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /clients/{id}/default-client-scopes` and `/optional-client-scopes`: `[{id, name}]`.
pub fn client_scopes(
    realm: &Realm,
    permissions: &Permissions,
    client: &Client,
    default: bool,
) -> ApiResult<Value> {
    require_view(permissions, client)?;
    if !permissions.can_view_clients() {
        return Ok(json!([]));
    }
    let (defaults, optionals) = realm.client_scopes(client);
    let scopes = if default { defaults } else { optionals };
    Ok(Value::Array(
        scopes
            .into_iter()
            .map(|scope| json!({ "id": scope.id.to_string(), "name": scope.name }))
            .collect(),
    ))
}

/// `GET /clients/{id}/scope-mappings/realm`: the realm roles mapped directly to the client's scope.
pub fn realm_scope_mappings(
    realm: &Realm,
    permissions: &Permissions,
    client: &Client,
) -> ApiResult<Value> {
    require_view(permissions, client)?;
    let realm_id = realm.settings.id.to_string();
    let roles = realm
        .realm_roles()
        .filter(|role| client.scope_mappings.contains(&role.id))
        .map(|role| RoleRep::new(role, &realm_id, false));
    Ok(json!(roles.collect::<Vec<_>>()))
}

/// `GET /clients/{id}/scope-mappings/realm/composite?briefRepresentation=`: every realm role
/// in the client's scope (`ClientModel.hasScope`: all of them when `fullScopeAllowed`).
pub fn composite_realm_scope_mappings(
    realm: &Realm,
    permissions: &Permissions,
    client: &Client,
    brief: bool,
) -> ApiResult<Value> {
    require_view(permissions, client)?;
    let realm_id = realm.settings.id.to_string();
    let in_scope = realm.expand_roles(
        client
            .scope_mappings
            .iter()
            .chain(client.roles.values())
            .copied(),
    );
    let roles = realm
        .realm_roles()
        .filter(|role| client.full_scope_allowed || in_scope.contains(&role.id))
        .map(|role| RoleRep::new(role, &realm_id, brief));
    Ok(json!(roles.collect::<Vec<_>>()))
}

/// `POST /clients/{id}/push-revocation`: the simulator sends nothing, so a client with an admin
/// URL is reported as failed and one without gives the empty `GlobalRequestResult`.
pub fn push_revocation(permissions: &Permissions, client: &Client) -> ApiResult<Value> {
    require_manage(permissions, client)?;
    Ok(super::global_request_result(std::iter::once(client)))
}
