//! In-flight browser logins and issued authorization codes (in memory only).

use crate::id::Id;
use std::collections::HashMap;

/// A browser login in progress (Keycloak's authentication session).
#[derive(Clone, Debug)]
pub struct AuthFlow {
    pub realm: String,
    pub client: Id,
    pub redirect_uri: String,
    /// The `redirect_uri` parameter as sent (the code exchange must repeat it).
    pub redirect_uri_param: Option<String>,
    pub scope: Option<String>,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub response_mode: ResponseMode,
    pub code_challenge: Option<(String, String)>,
    /// Set once the user is authenticated (waiting for consent): (user, SSO session).
    pub authenticated: Option<(Id, Id)>,
    pub expires: i64,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ResponseMode {
    Query,
    Fragment,
}

/// An issued authorization code.
#[derive(Clone, Debug)]
pub struct CodeGrant {
    pub realm: String,
    pub client: Id,
    pub session: Id,
    pub redirect_uri_param: Option<String>,
    pub scope: Option<String>,
    pub nonce: Option<String>,
    /// (challenge, method)
    pub code_challenge: Option<(String, String)>,
    pub expires: i64,
    pub used: bool,
}

#[derive(Default)]
pub struct Flows {
    pub logins: HashMap<String, AuthFlow>,
    pub codes: HashMap<String, CodeGrant>,
}

impl Flows {
    /// Drops expired logins and codes.
    pub fn sweep(&mut self, now: i64) {
        self.logins.retain(|_, f| f.expires > now);
        self.codes.retain(|_, c| c.expires + 60 > now);
    }
}
