//! Realm import from Keycloak realm-export JSON (`RealmRepresentation` subset of issue 3),
//! with Keycloak's defaults and built-ins for whatever the file leaves out.
//! Unknown fields are ignored, as Keycloak does.

mod builtin;
mod scopes;
mod users;

use builtin::{master_admin_roles, realm_admin_client};

use crate::id::{Id, IdGen};
use crate::keys::RealmKey;
use crate::model::{Client, RealmSettings, Role, SETTINGS_KEPT_AS_ATTRIBUTES};
use crate::store::{Db, Realm};
use serde::Deserialize;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct RealmFile {
    realm: Option<String>,
    roles: RolesFile,
    default_role: Option<NamedRef>,
    clients: Vec<Value>,
    client_scopes: Option<Vec<ScopeFile>>,
    default_default_client_scopes: Option<Vec<String>>,
    default_optional_client_scopes: Option<Vec<String>>,
    scope_mappings: Vec<ScopeMappingFile>,
    client_scope_mappings: BTreeMap<String, Vec<ScopeMappingFile>>,
    users: Vec<UserFile>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RolesFile {
    realm: Vec<RoleFile>,
    client: BTreeMap<String, Vec<RoleFile>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NamedRef {
    name: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RoleFile {
    id: Option<Id>,
    name: String,
    description: Option<String>,
    composites: Option<CompositesFile>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct CompositesFile {
    realm: Vec<String>,
    client: BTreeMap<String, Vec<String>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ScopeFile {
    id: Option<Id>,
    name: String,
    description: Option<String>,
    protocol: Option<String>,
    attributes: BTreeMap<String, String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct ScopeMappingFile {
    client: Option<String>,
    client_scope: Option<String>,
    roles: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct UserFile {
    id: Option<Id>,
    username: String,
    enabled: Option<bool>,
    email: Option<String>,
    email_verified: bool,
    first_name: Option<String>,
    last_name: Option<String>,
    created_timestamp: Option<i64>,
    not_before: i64,
    attributes: BTreeMap<String, Vec<String>>,
    credentials: Vec<CredentialFile>,
    realm_roles: Vec<String>,
    client_roles: BTreeMap<String, Vec<String>>,
    service_account_client_id: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct CredentialFile {
    #[serde(rename = "type")]
    kind: String,
    value: Option<String>,
}

/// Imports one realm. Returns its name; an error when the file is invalid or the realm
/// already exists (Keycloak skips existing realms on `--import-realm`).
pub fn import_realm(db: &mut Db, source: &Value, seed: u64, now_ms: i64) -> Result<String, String> {
    let file: RealmFile =
        serde_json::from_value(source.clone()).map_err(|e| format!("invalid realm file: {e}"))?;
    let name = file
        .realm
        .clone()
        .filter(|n| !n.is_empty())
        .ok_or("realm name missing")?;
    if db.realm(&name).is_some() {
        return Err(format!("realm {name} already exists"));
    }
    let mut ids = IdGen::from_seed(seed);
    let key = Arc::new(RealmKey::from_seed(ids.next_seed()));
    let mut settings: RealmSettings = serde_json::from_value(source.clone())
        .map_err(|e| format!("invalid realm settings: {e}"))?;
    if settings.id == Id::NONE {
        settings.id = ids.next_id();
    }
    // A file's attributes come on top of a new realm's, as the lifespans Keycloak keeps there.
    for (key, value) in RealmSettings::default().attributes {
        settings.attributes.entry(key).or_insert(value);
    }
    for key in SETTINGS_KEPT_AS_ATTRIBUTES {
        if let Some(number) = source.get(key).and_then(Value::as_i64) {
            settings
                .attributes
                .insert(key.to_owned(), number.to_string());
        }
    }
    if name == "master" && source.get("accessTokenLifespan").is_none() {
        settings.access_token_lifespan = 60;
    }
    let mut builder = Builder {
        realm: Realm::new(settings, key),
        ids,
        now_ms,
    };
    builder.realm_roles(&file)?;
    let explicit_scopes = builder.clients(&file)?;
    builder.builtin_clients(name == "master");
    if name == "master" {
        master_admin_roles(&mut builder.realm, &mut builder.ids);
        realm_admin_client(&mut builder.realm, "master", &mut builder.ids);
    }
    builder.client_roles(&file)?;
    builder.composites(&file)?;
    builder.default_role(&file);
    builder.client_scopes(&file, explicit_scopes);
    builder.scope_mappings(&file)?;
    builder.users(&file)?;
    builder.service_account_users();
    let Builder { realm, mut ids, .. } = builder;
    if name != "master" {
        if let Some(master) = db.realm_mut("master") {
            realm_admin_client(master, &name, &mut ids);
        }
    }
    db.insert_realm(realm);
    Ok(name)
}

struct Builder {
    realm: Realm,
    ids: IdGen,
    now_ms: i64,
}

impl Builder {
    fn new_role(&mut self, name: &str, description: Option<String>, client: Option<Id>) -> Id {
        let id = self.ids.next_id();
        self.realm.insert_role(Role {
            id,
            name: name.to_string(),
            description,
            client,
            composites: Vec::new(),
        });
        id
    }

    fn realm_roles(&mut self, file: &RealmFile) -> Result<(), String> {
        for role in &file.roles.realm {
            let id = role.id.unwrap_or_else(|| self.ids.next_id());
            self.realm.insert_role(Role {
                id,
                name: role.name.clone(),
                description: role.description.clone(),
                client: None,
                composites: Vec::new(),
            });
        }
        for (name, description) in [
            ("offline_access", "${role_offline-access}"),
            ("uma_authorization", "${role_uma_authorization}"),
        ] {
            if self.realm.realm_role(name).is_none() {
                self.new_role(name, Some(description.into()), None);
            }
        }
        Ok(())
    }

    /// Returns the clients whose file lists their scopes explicitly.
    fn clients(&mut self, file: &RealmFile) -> Result<HashMap<Id, (bool, bool)>, String> {
        let mut explicit = HashMap::new();
        for rep in &file.clients {
            let mut client: Client =
                serde_json::from_value(rep.clone()).map_err(|e| format!("invalid client: {e}"))?;
            if client.client_id.is_empty() {
                return Err("client without clientId".into());
            }
            // Keycloak validates an imported client's URLs as it validates a saved one.
            crate::admin::client_urls::check(rep)
                .map_err(|e| format!("client {}: {e:?}", client.client_id))?;
            if client.id == Id::NONE {
                client.id = self.ids.next_id();
            }
            if rep.get("fullScopeAllowed").is_none() {
                client.full_scope_allowed = !client.consent_required;
            }
            if !client.public_client && !client.bearer_only && client.secret.is_none() {
                client.secret = Some(self.ids.next_id().to_string().replace('-', ""));
            }
            explicit.insert(
                client.id,
                (
                    rep.get("defaultClientScopes").is_some(),
                    rep.get("optionalClientScopes").is_some(),
                ),
            );
            self.realm.insert_client(client);
        }
        Ok(explicit)
    }

    fn client_roles(&mut self, file: &RealmFile) -> Result<(), String> {
        for (client_id, roles) in &file.roles.client {
            let client = self
                .realm
                .client_by_client_id(client_id)
                .map(|c| c.id)
                .ok_or_else(|| format!("roles for unknown client {client_id}"))?;
            for role in roles {
                let existing = self.realm.clients[&client].roles.get(&role.name).copied();
                match existing {
                    Some(id) => {
                        if let Some(found) = self.realm.roles.get_mut(&id) {
                            found.description =
                                role.description.clone().or(found.description.take());
                        }
                    }
                    None => {
                        let id = role.id.unwrap_or_else(|| self.ids.next_id());
                        self.realm.insert_role(Role {
                            id,
                            name: role.name.clone(),
                            description: role.description.clone(),
                            client: Some(client),
                            composites: Vec::new(),
                        });
                    }
                }
            }
        }
        Ok(())
    }

    fn resolve_composites(&self, composites: &CompositesFile) -> Result<Vec<Id>, String> {
        let mut ids = Vec::new();
        for name in &composites.realm {
            ids.push(
                self.realm
                    .realm_role(name)
                    .ok_or_else(|| format!("Unable to find composite realm role: {name}"))?
                    .id,
            );
        }
        for (client_id, names) in &composites.client {
            for name in names {
                ids.push(
                    self.realm
                        .client_role(client_id, name)
                        .ok_or_else(|| format!("Unable to find composite client role: {name}"))?
                        .id,
                );
            }
        }
        Ok(ids)
    }

    fn composites(&mut self, file: &RealmFile) -> Result<(), String> {
        let realm_roles = file.roles.realm.iter().map(|r| (None, r));
        let client_roles = file
            .roles
            .client
            .iter()
            .flat_map(|(c, roles)| roles.iter().map(move |r| (Some(c.as_str()), r)));
        let mut resolved = Vec::new();
        for (client_id, role) in realm_roles.chain(client_roles) {
            if let Some(composites) = &role.composites {
                let target = match client_id {
                    None => self.realm.realm_role(&role.name),
                    Some(c) => self.realm.client_role(c, &role.name),
                }
                .map(|r| r.id);
                if let Some(target) = target {
                    resolved.push((target, self.resolve_composites(composites)?));
                }
            }
        }
        for (target, children) in resolved {
            self.realm
                .roles
                .get_mut(&target)
                .expect("resolved above")
                .composites = children;
        }
        Ok(())
    }

    fn default_role(&mut self, file: &RealmFile) {
        let name = file
            .default_role
            .as_ref()
            .map(|r| r.name.clone())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| format!("default-roles-{}", self.realm.name()));
        if let Some(role) = self.realm.realm_role(&name) {
            self.realm.default_role = role.id;
            return;
        }
        let id = self.new_role(&name, Some("${role_default-roles}".into()), None);
        let mut composites: Vec<Id> = ["offline_access", "uma_authorization"]
            .iter()
            .filter_map(|r| self.realm.realm_role(r).map(|r| r.id))
            .collect();
        composites.extend(
            ["view-profile", "manage-account"]
                .iter()
                .filter_map(|r| self.realm.client_role("account", r).map(|r| r.id)),
        );
        self.realm
            .roles
            .get_mut(&id)
            .expect("just inserted")
            .composites = composites;
        self.realm.default_role = id;
    }
}
