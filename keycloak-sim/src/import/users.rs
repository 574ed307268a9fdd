//! Users with their credentials and role mappings, and service-account users.

use super::{Builder, RealmFile};
use crate::id::Id;
use crate::model::User;

impl Builder {
    pub(super) fn users(&mut self, file: &RealmFile) -> Result<(), String> {
        for rep in &file.users {
            if rep.username.is_empty() {
                return Err("user without username".into());
            }
            let mut roles = Vec::new();
            for name in &rep.realm_roles {
                roles.push(
                    self.realm
                        .realm_role(name)
                        .ok_or_else(|| format!("Unable to find realm role: {name}"))?
                        .id,
                );
            }
            for (client_id, names) in &rep.client_roles {
                for name in names {
                    roles.push(
                        self.realm
                            .client_role(client_id, name)
                            .ok_or_else(|| {
                                format!("Unable to find client role: {client_id}/{name}")
                            })?
                            .id,
                    );
                }
            }
            let service_account_client_id = match &rep.service_account_client_id {
                Some(client_id) => Some(
                    self.realm
                        .client_by_client_id(client_id)
                        .ok_or_else(|| format!("service account of unknown client {client_id}"))?
                        .id,
                ),
                None => None,
            };
            let password = rep
                .credentials
                .iter()
                .find(|c| c.kind == "password")
                .and_then(|c| c.value.clone())
                .map(String::into_boxed_str);
            let user = User {
                id: rep.id.unwrap_or_else(|| self.ids.next_id()),
                username: rep.username.as_str().into(),
                enabled: rep.enabled == Some(true),
                email_verified: rep.email_verified,
                email: rep.email.as_deref().map(Into::into),
                first_name: rep.first_name.as_deref().map(Into::into),
                last_name: rep.last_name.as_deref().map(Into::into),
                created_timestamp: rep.created_timestamp.unwrap_or(self.now_ms),
                not_before: rep.not_before,
                service_account_client_id,
                attributes: rep.attributes.clone(),
                password,
                roles,
            };
            self.realm.insert_user(user);
        }
        Ok(())
    }

    /// Clients with service accounts get their `service-account-<clientId>` user when the
    /// file has none (with the realm default role, as Keycloak's `enableServiceAccount`).
    pub(super) fn service_account_users(&mut self) {
        let missing: Vec<(Id, String)> = self
            .realm
            .clients_by_client_id()
            .filter(|c| c.service_accounts_enabled)
            .filter(|c| {
                !self
                    .realm
                    .users
                    .values()
                    .any(|u| u.service_account_client_id == Some(c.id))
            })
            .map(|c| (c.id, c.client_id.clone()))
            .collect();
        for (client, client_id) in missing {
            let user = User {
                id: self.ids.next_id(),
                username: format!("service-account-{client_id}").into(),
                enabled: true,
                created_timestamp: self.now_ms,
                service_account_client_id: Some(client),
                roles: vec![self.realm.default_role],
                ..User::default()
            };
            self.realm.insert_user(user);
        }
    }
}
