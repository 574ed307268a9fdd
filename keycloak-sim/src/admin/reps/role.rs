//! `RoleRepresentation`, brief form (`briefRepresentation=true`) and full form.

use serde::Serialize;

use crate::model::Role;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleRep {
    pub id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub composite: bool,
    pub client_role: bool,
    /// Realm id for realm roles, client UUID for client roles.
    pub container_id: String,
    /// Only in the full form: `{}` as Keycloak sends for roles without attributes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes: Option<serde_json::Map<String, serde_json::Value>>,
}

impl RoleRep {
    pub fn new(role: &Role, realm_id: &str, brief: bool) -> Self {
        RoleRep {
            id: role.id.to_string(),
            name: role.name.clone(),
            description: role.description.clone(),
            composite: !role.composites.is_empty(),
            client_role: role.client.is_some(),
            container_id: role
                .client
                .map(|client| client.to_string())
                .unwrap_or_else(|| realm_id.to_owned()),
            attributes: (!brief).then(serde_json::Map::new),
        }
    }
}
