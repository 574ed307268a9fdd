//! Realm import from Keycloak realm-export JSON (`RealmRepresentation` subset of issue 3),
//! with Keycloak's defaults and built-ins for whatever the file leaves out.
//! Unknown fields are ignored, as Keycloak does.

use crate::builtins::{self, ScopeDef};
use crate::id::{Id, IdGen};
use crate::keys::RealmKey;
use crate::model::{Client, ClientScope, RealmSettings, Role, User};
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

    fn builtin_clients(&mut self, master: bool) {
        let realm = self.realm.name().to_string();
        let account_url = format!("/realms/{realm}/account/");
        let account = self.builtin_client("account", |c| {
            c.name = Some("${client_account}".into());
            c.public_client = true;
            c.root_url = Some("${authBaseUrl}".into());
            c.base_url = Some(account_url.clone());
            c.redirect_uris = vec![format!("{account_url}*")];
        });
        self.builtin_roles(account, builtins::ACCOUNT_ROLES);
        self.builtin_client("account-console", |c| {
            c.name = Some("${client_account-console}".into());
            c.public_client = true;
            c.full_scope_allowed = false;
            c.root_url = Some("${authBaseUrl}".into());
            c.base_url = Some(account_url.clone());
            c.redirect_uris = vec![format!("{account_url}*")];
            c.attributes
                .insert("pkce.code.challenge.method".into(), "S256".into());
        });
        self.builtin_client("admin-cli", |c| {
            c.name = Some("${client_admin-cli}".into());
            c.public_client = true;
            c.standard_flow_enabled = false;
            c.direct_access_grants_enabled = true;
        });
        let broker = self.builtin_client("broker", |c| {
            c.name = Some("${client_broker}".into());
            c.bearer_only = true;
        });
        self.builtin_roles(broker, &[("read-token", &[])]);
        self.builtin_client("security-admin-console", |c| {
            c.name = Some("${client_security-admin-console}".into());
            c.public_client = true;
            c.root_url = Some("${authAdminUrl}".into());
            c.base_url = Some(format!("/admin/{realm}/console/"));
            c.redirect_uris = vec![format!("/admin/{realm}/console/*")];
            c.web_origins = vec!["+".into()];
            c.attributes
                .insert("pkce.code.challenge.method".into(), "S256".into());
        });
        if !master {
            let management = self.builtin_client("realm-management", |c| {
                c.name = Some("${client_realm-management}".into());
                c.bearer_only = true;
            });
            self.builtin_roles(management, builtins::MANAGEMENT_ROLES);
            let all: Vec<Id> = self.realm.clients[&management]
                .roles
                .values()
                .copied()
                .collect();
            if self
                .realm
                .client_role("realm-management", "realm-admin")
                .is_none()
            {
                let admin = self.new_role(
                    "realm-admin",
                    Some("${role_realm-admin}".into()),
                    Some(management),
                );
                self.realm
                    .roles
                    .get_mut(&admin)
                    .expect("just inserted")
                    .composites = all;
            }
        }
        // account-console's scope: account's manage-account and view-groups.
        if let Some(console) = self
            .realm
            .client_by_client_id("account-console")
            .map(|c| c.id)
        {
            let mapped: Vec<Id> = ["manage-account", "view-groups"]
                .iter()
                .filter_map(|r| self.realm.client_role("account", r).map(|r| r.id))
                .collect();
            let client = self.realm.clients.get_mut(&console).expect("present");
            if client.scope_mappings.is_empty() {
                client.scope_mappings = mapped;
            }
        }
    }

    /// Creates the client unless the file has it; returns its id.
    fn builtin_client(&mut self, client_id: &str, configure: impl FnOnce(&mut Client)) -> Id {
        if let Some(existing) = self.realm.client_by_client_id(client_id) {
            return existing.id;
        }
        let mut client = Client {
            id: self.ids.next_id(),
            client_id: client_id.into(),
            ..Client::default()
        };
        configure(&mut client);
        let id = client.id;
        self.realm.insert_client(client);
        id
    }

    /// Creates missing client roles (composites only for roles created here).
    fn builtin_roles(&mut self, client: Id, roles: &[(&str, &[&str])]) {
        let mut created = Vec::new();
        for (name, composites) in roles {
            if !self.realm.clients[&client].roles.contains_key(*name) {
                let id = self.new_role(name, Some(format!("${{role_{name}}}")), Some(client));
                created.push((id, *composites));
            }
        }
        for (id, composites) in created {
            let children: Vec<Id> = composites
                .iter()
                .filter_map(|c| self.realm.clients[&client].roles.get(*c).copied())
                .collect();
            self.realm
                .roles
                .get_mut(&id)
                .expect("just inserted")
                .composites = children;
        }
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

    fn client_scopes(&mut self, file: &RealmFile, explicit: HashMap<Id, (bool, bool)>) {
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

    fn scope_mappings(&mut self, file: &RealmFile) -> Result<(), String> {
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

    fn users(&mut self, file: &RealmFile) -> Result<(), String> {
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
    fn service_account_users(&mut self) {
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

/// Master's `admin` and `create-realm` roles; `admin` is composite of `create-realm` and
/// every `<realm>-realm` client role (kept up to date by `realm_admin_client`).
fn master_admin_roles(master: &mut Realm, ids: &mut IdGen) {
    for (name, description) in [
        ("admin", "${role_admin}"),
        ("create-realm", "${role_create-realm}"),
    ] {
        if master.realm_role(name).is_none() {
            master.insert_role(Role {
                id: ids.next_id(),
                name: name.into(),
                description: Some(description.into()),
                client: None,
                composites: Vec::new(),
            });
        }
    }
    let create_realm = master.realm_role("create-realm").expect("created").id;
    let admin = master.realm_role("admin").expect("created").id;
    let role = master.roles.get_mut(&admin).expect("present");
    if !role.composites.contains(&create_realm) {
        role.composites.push(create_realm);
    }
}

/// The `<realm>-realm` client in master through which master admins administer `realm`.
fn realm_admin_client(master: &mut Realm, realm: &str, ids: &mut IdGen) {
    let client_id = format!("{realm}-realm");
    let client = match master.client_by_client_id(&client_id) {
        Some(existing) => existing.id,
        None => {
            let client = Client {
                id: ids.next_id(),
                client_id: client_id.clone(),
                name: Some(format!("{realm} Realm")),
                bearer_only: true,
                ..Client::default()
            };
            let id = client.id;
            master.insert_client(client);
            id
        }
    };
    let mut added = Vec::new();
    for (name, _) in builtins::MANAGEMENT_ROLES {
        if !master.clients[&client].roles.contains_key(*name) {
            let id = ids.next_id();
            master.insert_role(Role {
                id,
                name: name.to_string(),
                description: Some(format!("${{role_{name}}}")),
                client: Some(client),
                composites: Vec::new(),
            });
            added.push(id);
        }
    }
    for (name, composites) in builtins::MANAGEMENT_ROLES {
        let children: Vec<Id> = composites
            .iter()
            .filter_map(|c| master.clients[&client].roles.get(*c).copied())
            .collect();
        let role = master.clients[&client].roles[*name];
        let role = master.roles.get_mut(&role).expect("present");
        if role.composites.is_empty() {
            role.composites = children;
        }
    }
    if let Some(admin) = master.realm_role("admin").map(|r| r.id) {
        let role = master.roles.get_mut(&admin).expect("present");
        for id in added {
            if !role.composites.contains(&id) {
                role.composites.push(id);
            }
        }
    }
}
