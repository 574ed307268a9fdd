//! Admin `ClientRepresentation` (Keycloak's `core/.../idm/ClientRepresentation.java`): the
//! client's serde form plus the caller's `access` map, secrets stripped unless the caller may
//! manage the client.

use serde_json::{json, Value};

use crate::admin::permissions::Permissions;
use crate::model::Client;

pub fn client_rep(client: &Client, permissions: &Permissions) -> Value {
    let mut rep = serde_json::to_value(client).unwrap_or_else(|_| json!({}));
    let manage = permissions.can_manage_client(&client.client_id);
    if let Value::Object(fields) = &mut rep {
        if !manage {
            // StripSecretsUtils: the secret is masked, not removed.
            if fields.contains_key("secret") {
                fields.insert("secret".into(), json!("**********"));
            }
        }
        if !permissions.can_view_clients() {
            fields.insert("defaultClientScopes".into(), json!([]));
            fields.insert("optionalClientScopes".into(), json!([]));
        }
        // No flow overrides here: Keycloak writes the empty map.
        fields.insert("authenticationFlowBindingOverrides".into(), json!({}));
        fields.insert(
            "access".into(),
            json!({
                "view": permissions.can_view_client(&client.client_id),
                "manage": manage,
                "configure": permissions.can_configure_client(&client.client_id),
            }),
        );
    }
    rep
}
