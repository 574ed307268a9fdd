//! Built-in clients and roles Keycloak creates when a realm file leaves them out, and
//! the master realm's cross-realm administration roles.

use super::Builder;
use crate::builtins;
use crate::id::{Id, IdGen};
use crate::model::{Client, Role};
use crate::store::Realm;

impl Builder {
    pub(super) fn builtin_clients(&mut self, master: bool) {
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
}

/// Master's `admin` and `create-realm` roles; `admin` is composite of `create-realm` and
/// every `<realm>-realm` client role (kept up to date by `realm_admin_client`).
pub(super) fn master_admin_roles(master: &mut Realm, ids: &mut IdGen) {
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
pub(super) fn realm_admin_client(master: &mut Realm, realm: &str, ids: &mut IdGen) {
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
