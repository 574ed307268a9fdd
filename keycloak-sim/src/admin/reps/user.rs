//! `UserRepresentation`: full form (`GET /users/{id}`, listings) and brief form.

use serde::Serialize;
use std::collections::BTreeMap;

use crate::admin::permissions::Permissions;
use crate::model::User;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserRep {
    pub id: String,
    pub username: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    pub email_verified: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes: Option<BTreeMap<String, Vec<String>>>,
    pub created_timestamp: i64,
    pub enabled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub totp: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_account_client_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disableable_credential_types: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required_actions: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_before: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access: Option<BTreeMap<&'static str, bool>>,
}

impl UserRep {
    pub fn new(user: &User, permissions: &Permissions, brief: bool) -> Self {
        let full = !brief;
        UserRep {
            id: user.id.to_string(),
            username: user.username.to_string(),
            first_name: user.first_name.as_deref().map(str::to_owned),
            last_name: user.last_name.as_deref().map(str::to_owned),
            email: user.email.as_deref().map(str::to_owned),
            email_verified: user.email_verified,
            attributes: (full && !user.attributes.is_empty()).then(|| user.attributes.clone()),
            created_timestamp: user.created_timestamp,
            enabled: user.enabled,
            totp: full.then_some(false),
            service_account_client_id: user
                .service_account_client_id
                .filter(|_| full)
                .map(|id| id.to_string()),
            disableable_credential_types: full.then(Vec::new),
            required_actions: full.then(Vec::new),
            not_before: full.then_some(user.not_before),
            access: Some(access(permissions)),
        }
    }

    /// Role-member listings carry no `access` map.
    pub fn without_access(user: &User, brief: bool) -> Self {
        UserRep {
            access: None,
            ..UserRep::new(user, &Permissions::default(), brief)
        }
    }
}

/// `UserPermissions.getAccess` without fine-grained permissions.
fn access(permissions: &Permissions) -> BTreeMap<&'static str, bool> {
    let manage = permissions.can_manage_users();
    BTreeMap::from([
        ("view", permissions.can_view_users()),
        ("manage", manage),
        ("mapRoles", manage),
        ("manageGroupMembership", manage),
        ("impersonate", permissions.can_impersonate()),
    ])
}
