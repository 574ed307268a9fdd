//! Who may connect, replace and disconnect history: the stored offline token acts for the
//! account that granted it, so only that realm's administrators decide over it.

use crate::auth::SignedIn;
use crate::model::history::HistoryConnection;

/// Why `who` may not connect history now (`None`: they may). Connecting needs view-realm in
/// their own realm, the role the snapshots read with; replacing a working connection that
/// another account made needs manage-realm in that account's realm.
pub fn connect_refusal(who: &SignedIn, current: Option<&HistoryConnection>) -> Option<String> {
    if !super::sees_realm(who, &who.realm) {
        return Some(format!(
            "Connecting history needs the realm-management role \u{201c}view-realm\u{201d} in your realm \u{201c}{}\u{201d}.",
            who.realm
        ));
    }
    match current {
        Some(c) if c.disconnected.is_none() && !made_by(who, c) => {
            manage_refusal(who, c, "replace")
        }
        _ => None,
    }
}

/// Why `who` may not disconnect history: the account that connected it may, and so may
/// anyone with manage-realm in that account's realm.
pub fn disconnect_refusal(who: &SignedIn, current: &HistoryConnection) -> Option<String> {
    if made_by(who, current) {
        return None;
    }
    manage_refusal(who, current, "disconnect")
}

fn made_by(who: &SignedIn, connection: &HistoryConnection) -> bool {
    who.realm == connection.realm && who.username == connection.username
}

fn manage_refusal(who: &SignedIn, c: &HistoryConnection, action: &str) -> Option<String> {
    (!who.may(&c.realm, "manage-realm")).then(|| {
        format!(
            "History was connected by {} ({}). To {action} that connection you need the realm-management role \u{201c}manage-realm\u{201d} for realm \u{201c}{}\u{201d}.",
            c.username, c.realm, c.realm
        )
    })
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::*;
    use crate::auth::oidc::Tokens;

    fn person(realm: &str, username: &str, roles: &[&str]) -> SignedIn {
        let client = if realm == "master" {
            "demo-realm"
        } else {
            "realm-management"
        };
        SignedIn {
            realm: realm.into(),
            user_id: format!("id-{username}"),
            username: username.into(),
            realm_roles: BTreeSet::from(["admin".to_owned()]),
            client_roles: BTreeMap::from([(
                client.to_owned(),
                roles.iter().map(|r| r.to_string()).collect(),
            )]),
            tokens: Tokens {
                access_token: String::new(),
                refresh_token: None,
                id_token: None,
                access_expires_at: 0,
            },
            renewals: 0,
        }
    }

    fn connection(realm: &str, username: &str) -> HistoryConnection {
        HistoryConnection {
            realm: realm.into(),
            username: username.into(),
            connected_at_ms: 0,
            disconnected: None,
        }
    }

    #[test]
    fn connecting_needs_view_realm_in_ones_own_realm() {
        let helpdesk = person("demo", "helpdesk", &["view-users", "view-clients"]);
        let refusal = connect_refusal(&helpdesk, None).expect("refused");
        assert!(refusal.contains("view-realm"), "{refusal}");
        assert_eq!(
            connect_refusal(&person("demo", "viewer", &["view-realm"]), None),
            None
        );
    }

    #[test]
    fn replacing_someone_elses_working_connection_needs_manage_realm_there() {
        let current = connection("demo", "realmadmin");
        let viewer = person("demo", "viewer", &["view-realm"]);
        let refusal = connect_refusal(&viewer, Some(&current)).expect("refused");
        assert!(
            refusal.contains("manage-realm") && refusal.contains("realmadmin"),
            "{refusal}"
        );
        assert_eq!(
            connect_refusal(
                &person("demo", "realmadmin", &["view-realm"]),
                Some(&current)
            ),
            None,
            "one's own connection"
        );
        assert_eq!(
            connect_refusal(&person("demo", "boss", &["realm-admin"]), Some(&current)),
            None
        );
        let tenant = connection("other", "someone");
        assert!(
            connect_refusal(&person("demo", "boss", &["realm-admin"]), Some(&tenant)).is_some(),
            "another realm's connection"
        );
        let mut ended = current.clone();
        ended.disconnected = Some(crate::model::history::Disconnected {
            reason: crate::model::history::DisconnectReason::Expired,
            detail: String::new(),
            at_ms: 0,
        });
        assert_eq!(
            connect_refusal(&viewer, Some(&ended)),
            None,
            "nothing left to replace"
        );
    }

    #[test]
    fn disconnecting_is_for_the_connector_and_the_realms_managers() {
        let current = connection("demo", "realmadmin");
        assert_eq!(
            disconnect_refusal(&person("demo", "realmadmin", &["view-realm"]), &current),
            None
        );
        assert_eq!(
            disconnect_refusal(&person("master", "root", &["manage-realm"]), &current),
            None
        );
        assert!(disconnect_refusal(&person("demo", "viewer", &["view-realm"]), &current).is_some());
    }
}
