//! What the administration pages show.

use serde::{Deserialize, Serialize};

use super::policy::EffectivePolicy;

/// The signed-in person, for the header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub username: String,
    pub realm: String,
    pub is_admin: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientStatsRow {
    pub id: String,
    pub client_id: String,
    pub active: u64,
    pub offline: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    pub realm: String,
    /// Sorted by offline sessions, then active sessions, descending.
    pub clients: Vec<ClientStatsRow>,
    pub total_active: u64,
    pub total_offline: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientRow {
    pub id: String,
    pub client_id: String,
    pub name: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientList {
    pub clients: Vec<ClientRow>,
    pub first: u32,
    pub max: u32,
    pub has_more: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfflineSessionRow {
    pub id: String,
    pub username: String,
    pub user_id: String,
    pub ip_address: Option<String>,
    pub started_ms: i64,
    pub last_access_ms: i64,
    pub idle_expires_ms: Option<i64>,
    pub max_expires_ms: Option<i64>,
    /// clientIds of the other clients in the same offline session.
    pub other_clients: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfflineSessionsPage {
    pub realm: String,
    pub client: ClientRow,
    pub total: u64,
    pub first: u32,
    pub max: u32,
    pub rows: Vec<OfflineSessionRow>,
    /// `None` when the caller may not read the realm's settings (view-realm).
    pub policy: Option<EffectivePolicy>,
    pub can_revoke: bool,
    pub now_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: String,
    pub username: String,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub enabled: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSearchPage {
    pub users: Vec<UserRow>,
    pub total: u64,
    pub first: u32,
    pub max: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentRow {
    pub client_id: String,
    pub granted_scopes: Vec<String>,
    pub created_ms: Option<i64>,
    pub updated_ms: Option<i64>,
    /// The "Offline Token" additional grant.
    pub offline_token: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRow {
    pub id: String,
    pub ip_address: Option<String>,
    pub started_ms: i64,
    pub last_access_ms: i64,
    pub clients: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientOfflineSessions {
    pub client_uuid: String,
    pub client_id: String,
    pub sessions: Vec<SessionRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserAccess {
    pub realm: String,
    pub user: UserRow,
    pub consents: Vec<ConsentRow>,
    pub offline: Vec<ClientOfflineSessions>,
    pub sessions: Vec<SessionRow>,
    /// Whether the user holds the effective realm role `offline_access`.
    pub has_offline_access_role: bool,
    pub can_manage: bool,
    pub now_ms: i64,
}

/// Page sizes offered for session lists; larger requests are capped.
pub const PAGE_SIZES: [u32; 4] = [10, 25, 50, 100];
pub const MAX_PAGE_SIZE: u32 = 100;

/// Clamps a requested page size to what the console offers.
pub fn page_size(requested: u32) -> u32 {
    requested.clamp(1, MAX_PAGE_SIZE)
}

/// What was typed into a search box, trimmed; empty searches for everything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchText(String);

impl SearchText {
    pub fn parse(raw: &str) -> Result<SearchText, String> {
        if raw.chars().count() > 255 {
            return Err("The search text is longer than 255 characters.".into());
        }
        Ok(SearchText(raw.trim().to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::SearchText;

    #[test]
    fn search_text_is_trimmed_and_bounded() {
        assert_eq!(SearchText::parse("  alice ").unwrap().as_str(), "alice");
        assert_eq!(SearchText::parse("").unwrap().as_str(), "");
        assert!(SearchText::parse(&"é".repeat(255)).is_ok());
        assert_eq!(
            SearchText::parse(&"é".repeat(256)).unwrap_err(),
            "The search text is longer than 255 characters."
        );
    }
}
