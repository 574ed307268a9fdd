//! What the self-service page shows: the applications with access to the
//! signed-in person's account, in words for people who never heard of OAuth.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyApplications {
    pub realm: String,
    pub username: String,
    /// Ordered as Keycloak lists them (by clientId).
    pub applications: Vec<MyApplication>,
    /// The outcome of a removal posted without JavaScript, shown once.
    pub notice: Option<RemovalNotice>,
    pub now_ms: i64,
}

impl MyApplications {
    /// Applications holding a consent or offline access: the ones that can be removed.
    pub fn with_access(&self) -> impl Iterator<Item = &MyApplication> {
        self.applications.iter().filter(|a| a.can_remove())
    }

    /// Applications the person is merely signed in to right now.
    pub fn signed_in_only(&self) -> impl Iterator<Item = &MyApplication> {
        self.applications.iter().filter(|a| !a.can_remove())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyApplication {
    pub client_id: String,
    /// The client's display name, or its clientId when it has none.
    pub name: String,
    pub description: Option<String>,
    /// Where the application lives (http or https only).
    pub url: Option<String>,
    /// Keycloak asks the person's permission on a consent screen (`userConsentRequired`).
    pub third_party: bool,
    /// The person has a current session with it.
    pub in_use: bool,
    /// It holds an offline token: it can act for the person while they are away.
    pub offline_access: bool,
    pub consent: Option<GrantedConsent>,
    pub policy_url: Option<String>,
    pub terms_url: Option<String>,
    /// This console itself (removing it would only sign the person out here).
    pub this_console: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantedConsent {
    /// The consent-screen texts of the granted permissions.
    pub permissions: Vec<String>,
    pub granted_ms: Option<i64>,
    pub updated_ms: Option<i64>,
}

impl MyApplication {
    /// Keycloak's account console offers "Remove access" exactly when a consent
    /// or offline access exists.
    pub fn can_remove(&self) -> bool {
        self.consent.is_some() || self.offline_access
    }

    /// What stops working when access is removed, one plain sentence each.
    pub fn removal_effects(&self) -> Vec<String> {
        let name = &self.name;
        let mut effects = Vec::new();
        if self.offline_access {
            effects.push(format!(
                "{name} can no longer act for you while you are away: its saved access stops working at once."
            ));
        }
        if self.consent.is_some() {
            effects.push(format!(
                "The permissions you gave {name} are withdrawn, and it is signed out of your account."
            ));
            effects.push(format!(
                "If you use {name} again, it will have to ask for your permission again."
            ));
        } else {
            effects.push(format!(
                "If {name} needs your account again, you will have to sign in to it again."
            ));
        }
        effects
    }
}

/// The outcome of removing access, kept for the next page view when the form
/// was posted without JavaScript.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RemovalNotice {
    Removed { application: String },
    Failed { message: String },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(offline_access: bool, consent: bool) -> MyApplication {
        MyApplication {
            client_id: "photo-print".into(),
            name: "Photo Print".into(),
            description: None,
            url: None,
            third_party: consent,
            in_use: false,
            offline_access,
            consent: consent.then(|| GrantedConsent {
                permissions: vec![],
                granted_ms: None,
                updated_ms: None,
            }),
            policy_url: None,
            terms_url: None,
            this_console: false,
        }
    }

    #[test]
    fn removal_is_offered_for_consents_and_offline_access_only() {
        assert!(app(true, false).can_remove());
        assert!(app(false, true).can_remove());
        assert!(!app(false, false).can_remove());
    }

    #[test]
    fn removal_effects_name_what_stops_working() {
        assert_eq!(
            app(true, true).removal_effects(),
            [
                "Photo Print can no longer act for you while you are away: its saved access stops working at once.",
                "The permissions you gave Photo Print are withdrawn, and it is signed out of your account.",
                "If you use Photo Print again, it will have to ask for your permission again.",
            ]
        );
        assert_eq!(
            app(true, false).removal_effects()[1],
            "If Photo Print needs your account again, you will have to sign in to it again."
        );
    }
}
