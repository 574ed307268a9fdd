//! What an authenticated admin may do in the realm it addresses (Keycloak's
//! `fgap/RealmPermissions`, `UserPermissions`, `ClientPermissions`).
//!
//! Keycloak evaluates admin rights from the access token's client roles (`KeycloakIdentity`):
//! `realm-management` roles for a same-realm admin, `<realm>-realm` roles of the `master` token
//! for cross-realm administration (`MgmtPermissions.hasOneAdminRole`).

use std::collections::HashSet;

/// Client ids whose clients are Keycloak-internal and never manageable (`ClientPermissions.isInternal`).
const REALM_MANAGEMENT: &str = "realm-management";

#[derive(Debug, Clone, Default)]
pub struct Permissions {
    roles: HashSet<String>,
    realm_is_master: bool,
}

impl Permissions {
    /// `admin_roles`: the caller's roles on the admin client of the target realm.
    pub fn new(admin_roles: impl IntoIterator<Item = String>, realm_is_master: bool) -> Self {
        Permissions {
            roles: admin_roles.into_iter().collect(),
            realm_is_master,
        }
    }

    fn has_any(&self, roles: &[&str]) -> bool {
        roles.iter().any(|role| self.roles.contains(*role))
    }

    /// Holds any admin role at all for this realm (`isAdmin`).
    pub fn is_admin(&self) -> bool {
        self.has_any(ALL_ADMIN_ROLES)
    }

    pub fn can_view_realm(&self) -> bool {
        self.has_any(&["view-realm", "manage-realm"])
    }

    pub fn can_manage_realm(&self) -> bool {
        self.has_any(&["manage-realm"])
    }

    pub fn can_view_users(&self) -> bool {
        self.has_any(&["view-users", "manage-users"])
    }

    pub fn can_query_users(&self) -> bool {
        self.has_any(&["query-users"]) || self.can_view_users()
    }

    pub fn can_manage_users(&self) -> bool {
        self.has_any(&["manage-users"])
    }

    /// The `impersonation` role (part of `realm-admin`).
    pub fn can_impersonate(&self) -> bool {
        self.has_any(&["impersonation"])
    }

    pub fn can_view_clients(&self) -> bool {
        self.has_any(&["view-clients", "manage-clients"])
    }

    /// `GET /clients` and the anti-phishing 404 of `/clients/{id}` (`ClientPermissions.canList`).
    pub fn can_list_clients(&self) -> bool {
        self.can_view_clients() || self.has_any(&["query-clients", "query-users"])
    }

    /// `manage` on one client: never for the realm's internal admin clients.
    pub fn can_manage_client(&self, client_id: &str) -> bool {
        !self.is_internal_client(client_id) && self.has_any(&["manage-clients"])
    }

    /// `configure` equals `manage` without fine-grained permissions.
    pub fn can_configure_client(&self, client_id: &str) -> bool {
        self.can_manage_client(client_id)
    }

    pub fn can_view_client(&self, client_id: &str) -> bool {
        self.can_view_clients() || self.can_configure_client(client_id)
    }

    fn is_internal_client(&self, client_id: &str) -> bool {
        if self.realm_is_master {
            client_id.ends_with("-realm")
        } else {
            client_id == REALM_MANAGEMENT
        }
    }
}

/// `AdminRoles.ALL_REALM_ROLES`.
pub const ALL_ADMIN_ROLES: &[&str] = &[
    "create-client",
    "view-realm",
    "view-users",
    "view-clients",
    "view-events",
    "view-identity-providers",
    "view-authorization",
    "manage-realm",
    "manage-users",
    "manage-clients",
    "manage-events",
    "manage-identity-providers",
    "manage-authorization",
    "query-users",
    "query-clients",
    "query-realms",
    "query-groups",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn with(roles: &[&str], master: bool) -> Permissions {
        Permissions::new(roles.iter().map(|r| r.to_string()), master)
    }

    #[test]
    fn helpdesk_can_read_users_and_clients_but_not_manage_or_see_the_realm() {
        let helpdesk = with(
            &[
                "view-users",
                "query-users",
                "view-clients",
                "query-clients",
                "query-groups",
            ],
            false,
        );
        assert!(
            helpdesk.can_view_users() && helpdesk.can_query_users() && helpdesk.can_list_clients()
        );
        assert!(helpdesk.can_view_client("backup-service"));
        assert!(!helpdesk.can_manage_users() && !helpdesk.can_manage_client("backup-service"));
        assert!(!helpdesk.can_view_realm() && !helpdesk.can_manage_realm());
        assert!(helpdesk.is_admin());
    }

    #[test]
    fn internal_admin_clients_are_never_manageable() {
        let admin = with(&["manage-clients"], false);
        assert!(admin.can_manage_client("app") && !admin.can_manage_client("realm-management"));
        assert!(admin.can_view_client("realm-management"));
        let master_admin = with(&["manage-clients"], true);
        assert!(!master_admin.can_manage_client("demo-realm"));
    }

    #[test]
    fn query_users_alone_lists_clients_but_cannot_view_them() {
        let querier = with(&["query-users"], false);
        assert!(querier.can_list_clients() && !querier.can_view_client("app"));
        assert!(querier.can_query_users() && !querier.can_view_users());
        assert!(!with(&[], false).is_admin());
    }
}
