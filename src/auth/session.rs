//! What the server-side session holds about the signed-in person.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::oidc::{LoginFlow, Tokens};

pub const SIGNED_IN_KEY: &str = "signed_in";
pub const LOGIN_FLOW_KEY: &str = "login_flow";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SignedIn {
    /// The realm the person signed in to.
    pub realm: String,
    pub user_id: String,
    pub username: String,
    /// Realm roles and client roles from the access token (composites expanded by Keycloak).
    pub realm_roles: BTreeSet<String>,
    pub client_roles: BTreeMap<String, BTreeSet<String>>,
    pub tokens: Tokens,
    /// How many times the tokens were renewed: a copy of the session loaded before a renewal
    /// holds fewer, and the store never lets it put the older tokens back.
    #[serde(default)]
    pub renewals: u64,
}

/// The access-token claims the console reads. The token came straight from
/// Keycloak's token endpoint over the back channel, so it is not re-verified.
#[derive(Deserialize, Default)]
struct AccessClaims {
    #[serde(default)]
    sub: Option<String>,
    #[serde(default)]
    preferred_username: Option<String>,
    #[serde(default)]
    realm_access: Option<Roles>,
    #[serde(default)]
    resource_access: BTreeMap<String, Roles>,
}

#[derive(Deserialize, Default)]
struct Roles {
    #[serde(default)]
    roles: BTreeSet<String>,
}

/// The claims of a JWT, unverified (see `AccessClaims`).
fn claims<T: serde::de::DeserializeOwned>(token: &str) -> Option<T> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

#[derive(Deserialize)]
struct IssuedAt {
    iat: i64,
}

impl SignedIn {
    /// When Keycloak issued the access token, by Keycloak's clock (Unix seconds).
    pub fn issued_at(&self) -> Option<i64> {
        claims::<IssuedAt>(&self.tokens.access_token).map(|c| c.iat)
    }

    pub fn from_tokens(realm: &str, tokens: Tokens) -> Option<Self> {
        let claims: AccessClaims = claims(&tokens.access_token)?;
        Some(SignedIn {
            realm: realm.to_owned(),
            user_id: claims.sub.unwrap_or_default(),
            username: claims.preferred_username.unwrap_or_default(),
            realm_roles: claims.realm_access.unwrap_or_default().roles,
            client_roles: claims
                .resource_access
                .into_iter()
                .map(|(client, roles)| (client, roles.roles))
                .collect(),
            tokens,
            renewals: 0,
        })
    }

    /// The same person with fresh tokens (roles may have changed too).
    pub fn with_tokens(&self, tokens: Tokens) -> Self {
        let renewed =
            SignedIn::from_tokens(&self.realm, tokens.clone()).unwrap_or_else(|| SignedIn {
                tokens,
                ..self.clone()
            });
        SignedIn {
            renewals: self.renewals + 1,
            ..renewed
        }
    }

    /// The realm-management roles this person holds for `realm`: their own
    /// realm's `realm-management` client, or `<realm>-realm` when signed in to master.
    fn admin_roles_for(&self, realm: &str) -> Option<&BTreeSet<String>> {
        if self.realm == realm {
            self.client_roles.get("realm-management")
        } else if self.realm == "master" {
            self.client_roles.get(&format!("{realm}-realm"))
        } else {
            None
        }
    }

    pub fn may(&self, realm: &str, role: &str) -> bool {
        self.admin_roles_for(realm)
            .is_some_and(|roles| roles.contains(role) || roles.contains("realm-admin"))
    }

    /// The realms this person holds any realm-management role for: their own realm through
    /// its `realm-management` client, or, signed in to master, each realm whose `<realm>-realm`
    /// client gives them a role. Application roles, whatever their names, never count.
    pub fn administered_realms(&self) -> BTreeSet<String> {
        let held = |roles: &BTreeSet<String>| !roles.is_empty();
        if self.realm == "master" {
            self.client_roles
                .iter()
                .filter(|(_, roles)| held(roles))
                .filter_map(|(client, _)| client.strip_suffix("-realm"))
                .filter(|realm| !realm.is_empty())
                .map(str::to_owned)
                .collect()
        } else {
            self.client_roles
                .get("realm-management")
                .filter(|roles| held(roles))
                .map(|_| BTreeSet::from([self.realm.clone()]))
                .unwrap_or_default()
        }
    }

    /// Whether the person administers any realm at all (else admin pages are refused).
    pub fn is_admin(&self) -> bool {
        !self.administered_realms().is_empty()
    }

    /// Keycloak's super-user: master's `admin` role, which holds every realm's management roles,
    /// including those of realms created, or deleted, since the token was issued.
    pub fn administers_every_realm(&self) -> bool {
        self.realm == "master" && self.realm_roles.contains("admin")
    }
}

/// What a save of `incoming` must keep from `stored`, the record as the store has it: the
/// sign-in with the most renewals. A request that loaded its session before another request
/// renewed the tokens would otherwise put back a refresh token Keycloak has rotated away.
pub fn keep_newest_sign_in(
    stored: &tower_sessions::session::Record,
    incoming: &mut tower_sessions::session::Record,
) {
    let renewals = |record: &tower_sessions::session::Record| {
        record
            .data
            .get(SIGNED_IN_KEY)
            .and_then(|value| value.get("renewals"))
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(0)
    };
    if let Some(newer) = stored.data.get(SIGNED_IN_KEY) {
        if incoming.data.contains_key(SIGNED_IN_KEY) && renewals(stored) > renewals(incoming) {
            incoming
                .data
                .insert(SIGNED_IN_KEY.to_owned(), newer.clone());
        }
    }
}

/// The browser session of the request being rendered or served. Read in place: leptos'
/// `extract()` clones the request's parts, every header included, and a page asks for the
/// session three times.
pub fn request_session() -> Option<Session> {
    leptos::prelude::with_context(|parts: &axum::http::request::Parts| {
        parts.extensions.get::<Session>().cloned()
    })
    .flatten()
}

/// The signed-in person of the request being rendered or served, decoded from its session
/// once: a page asks for its caller three times (header, realm switcher, its data), and each
/// decoding copies the whole session value, tokens and roles. A new one is provided to every
/// request (`server::build`). A refresh later in the request does not update it; a caller
/// holding its old tokens finds the new ones in the session when it next needs a token.
#[derive(Clone, Default)]
pub struct RequestSignedIn(Arc<tokio::sync::OnceCell<Option<Arc<SignedIn>>>>);

impl RequestSignedIn {
    pub async fn get(&self, session: &Session) -> Option<Arc<SignedIn>> {
        self.0
            .get_or_init(|| async { signed_in(session).await.map(Arc::new) })
            .await
            .clone()
    }
}

pub async fn signed_in(session: &Session) -> Option<SignedIn> {
    session.get::<SignedIn>(SIGNED_IN_KEY).await.ok().flatten()
}

pub async fn take_login_flow(session: &Session) -> Option<LoginFlow> {
    session
        .remove::<LoginFlow>(LOGIN_FLOW_KEY)
        .await
        .ok()
        .flatten()
}

#[cfg(test)]
mod tests {
    use tower_sessions::MemoryStore;

    use super::*;

    fn person(username: &str) -> SignedIn {
        SignedIn {
            realm: "demo".into(),
            user_id: format!("id-{username}"),
            username: username.into(),
            realm_roles: BTreeSet::new(),
            client_roles: BTreeMap::from([(
                "realm-management".to_owned(),
                BTreeSet::from(["view-clients".to_owned()]),
            )]),
            tokens: Tokens {
                access_token: "a.b.c".into(),
                refresh_token: None,
                id_token: None,
                access_expires_at: 0,
            },
            renewals: 0,
        }
    }

    #[tokio::test]
    async fn a_request_decodes_its_person_once_and_the_next_request_reads_afresh() {
        let session = Session::new(None, Arc::new(MemoryStore::default()), None);
        let this_request = RequestSignedIn::default();
        assert!(this_request.get(&session).await.is_none());

        let next_request = RequestSignedIn::default();
        session
            .insert(SIGNED_IN_KEY, person("alice"))
            .await
            .unwrap();
        let first = next_request.get(&session).await.expect("signed in");
        let again = next_request.get(&session).await.expect("signed in");
        assert!(Arc::ptr_eq(&first, &again), "decoded twice");
        assert_eq!(first.username, "alice");

        session.insert(SIGNED_IN_KEY, person("bob")).await.unwrap();
        let later = RequestSignedIn::default().get(&session).await.unwrap();
        assert_eq!(later.username, "bob");
    }

    #[test]
    fn administrative_roles_count_only_for_their_realm() {
        let alice = person("alice");
        assert!(alice.may("demo", "view-clients"));
        assert!(!alice.may("demo", "manage-users"));
        assert!(!alice.may("other", "view-clients"));

        let mut admin = person("root");
        admin.realm = "master".into();
        admin.client_roles = BTreeMap::from([(
            "demo-realm".to_owned(),
            BTreeSet::from(["realm-admin".to_owned()]),
        )]);
        assert!(admin.may("demo", "manage-users"));
        assert!(!admin.may("other", "view-clients"));
    }

    fn with_roles(realm: &str, realm_roles: &[&str], client_roles: &[(&str, &[&str])]) -> SignedIn {
        SignedIn {
            realm: realm.into(),
            realm_roles: realm_roles.iter().map(|r| r.to_string()).collect(),
            client_roles: client_roles
                .iter()
                .map(|(client, roles)| {
                    (
                        client.to_string(),
                        roles.iter().map(|r| r.to_string()).collect(),
                    )
                })
                .collect(),
            ..person("someone")
        }
    }

    #[test]
    fn an_application_role_called_admin_makes_nobody_an_administrator() {
        let end_user = with_roles(
            "demo",
            &["admin", "offline_access"],
            &[("shop-realm", &["admin"]), ("photo-print", &["admin"])],
        );
        assert!(!end_user.is_admin());
        assert!(end_user.administered_realms().is_empty());
        let emptied = with_roles("demo", &[], &[("realm-management", &[])]);
        assert!(!emptied.is_admin(), "a client entry without roles");
    }

    #[test]
    fn a_master_administrator_administers_the_realms_of_their_roles() {
        let helpdesk = with_roles(
            "master",
            &[],
            &[
                ("demo-realm", &["view-users"]),
                ("account", &["view-profile"]),
            ],
        );
        assert_eq!(
            helpdesk.administered_realms(),
            BTreeSet::from(["demo".to_owned()])
        );
        assert!(!helpdesk.administers_every_realm());
        let root = with_roles(
            "master",
            &["admin"],
            &[
                ("demo-realm", &["realm-admin"]),
                ("master-realm", &["view-realm"]),
            ],
        );
        assert_eq!(
            root.administered_realms(),
            BTreeSet::from(["demo".to_owned(), "master".to_owned()])
        );
        assert!(root.administers_every_realm());
        let tenant = with_roles("demo", &["admin"], &[("realm-management", &["view-realm"])]);
        assert_eq!(
            tenant.administered_realms(),
            BTreeSet::from(["demo".to_owned()])
        );
        assert!(
            !tenant.administers_every_realm(),
            "admin outside master is an ordinary role"
        );
    }
}
