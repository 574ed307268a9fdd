//! Client scopes: built-in ones, the realm defaults, and role scope mappings.

use super::{Builder, RealmFile, ScopeMappingFile};
use crate::builtins::{self, ScopeDef};
use crate::id::Id;
use crate::model::ClientScope;
use crate::store::Realm;
use std::collections::{BTreeMap, HashMap};

impl Builder {
    fn builtin_scope(&mut self, def: &ScopeDef) {
        let mut attributes = BTreeMap::new();
        attributes.insert(
            "display.on.consent.screen".into(),
            def.display_on_consent.to_string(),
        );
        attributes.insert(
            "include.in.token.scope".into(),
            def.include_in_token_scope.to_string(),
        );
        if !def.consent_text.is_empty() {
            attributes.insert("consent.screen.text".into(), def.consent_text.into());
        }
        let role_mappings = if def.name == "offline_access" {
            self.realm.offline_access_role().into_iter().collect()
        } else {
            Vec::new()
        };
        let id = self.ids.next_id();
        self.realm.insert_scope(ClientScope {
            id,
            name: def.name.into(),
            description: Some(def.description.into()),
            protocol: "openid-connect".into(),
            attributes,
            role_mappings,
        });
    }

    pub(super) fn client_scopes(&mut self, file: &RealmFile, explicit: HashMap<Id, (bool, bool)>) {
        match &file.client_scopes {
            None => {
                for def in builtins::CLIENT_SCOPES {
                    self.builtin_scope(def);
                }
            }
            Some(scopes) => {
                for scope in scopes {
                    let id = scope.id.unwrap_or_else(|| self.ids.next_id());
                    self.realm.insert_scope(ClientScope {
                        id,
                        name: scope.name.clone(),
                        description: scope.description.clone(),
                        protocol: scope
                            .protocol
                            .clone()
                            .unwrap_or_else(|| "openid-connect".into()),
                        attributes: scope.attributes.clone(),
                        role_mappings: Vec::new(),
                    });
                }
            }
        }
        let offline_created = self.realm.scope_by_name("offline_access").is_none();
        if offline_created {
            let def = builtins::CLIENT_SCOPES
                .iter()
                .find(|d| d.name == "offline_access")
                .expect("offline_access is built in");
            self.builtin_scope(def);
        }
        let names = |given: &Option<Vec<String>>, fallback: &[&str]| -> Vec<String> {
            given
                .clone()
                .unwrap_or_else(|| fallback.iter().map(|s| s.to_string()).collect())
        };
        let defaults = names(
            &file.default_default_client_scopes,
            builtins::DEFAULT_DEFAULT_SCOPES,
        );
        let mut optionals = names(
            &file.default_optional_client_scopes,
            builtins::DEFAULT_OPTIONAL_SCOPES,
        );
        if offline_created && !optionals.iter().any(|n| n == "offline_access") {
            optionals.push("offline_access".into());
        }
        let resolve = |realm: &Realm, list: &[String]| -> Vec<String> {
            list.iter()
                .filter(|n| realm.scope_by_name(n).is_some())
                .cloned()
                .collect()
        };
        let defaults = resolve(&self.realm, &defaults);
        let optionals = resolve(&self.realm, &optionals);
        self.realm.default_scopes = defaults
            .iter()
            .filter_map(|n| self.realm.scope_by_name(n).map(|s| s.id))
            .collect();
        self.realm.optional_scopes = optionals
            .iter()
            .filter_map(|n| self.realm.scope_by_name(n).map(|s| s.id))
            .collect();
        for client in self.realm.clients.values_mut() {
            if client.protocol != "openid-connect" {
                continue;
            }
            let (has_default, has_optional) =
                explicit.get(&client.id).copied().unwrap_or((false, false));
            if !has_default {
                client.default_client_scopes = defaults.clone();
            }
            if !has_optional {
                client.optional_client_scopes = optionals.clone();
            }
        }
    }

    pub(super) fn scope_mappings(&mut self, file: &RealmFile) -> Result<(), String> {
        let mut mappings: Vec<(Option<String>, &ScopeMappingFile)> =
            file.scope_mappings.iter().map(|m| (None, m)).collect();
        for (owner, list) in &file.client_scope_mappings {
            mappings.extend(list.iter().map(|m| (Some(owner.clone()), m)));
        }
        for (owner, mapping) in mappings {
            let mut roles = Vec::new();
            for name in &mapping.roles {
                let role = match &owner {
                    None => self.realm.realm_role(name),
                    Some(owner) => self.realm.client_role(owner, name),
                }
                .ok_or_else(|| format!("Unable to find role for scope mapping: {name}"))?;
                roles.push(role.id);
            }
            if let Some(client_id) = &mapping.client {
                let id = self
                    .realm
                    .client_by_client_id(client_id)
                    .ok_or_else(|| format!("scope mapping for unknown client {client_id}"))?
                    .id;
                self.realm
                    .clients
                    .get_mut(&id)
                    .expect("found")
                    .scope_mappings
                    .extend(roles);
            } else if let Some(scope) = &mapping.client_scope {
                let id = self
                    .realm
                    .scope_by_name(scope)
                    .ok_or_else(|| format!("scope mapping for unknown client scope {scope}"))?
                    .id;
                self.realm
                    .scopes
                    .get_mut(&id)
                    .expect("found")
                    .role_mappings
                    .extend(roles);
            }
        }
        Ok(())
    }
}
