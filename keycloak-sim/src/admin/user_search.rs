//! `GET /users` and `/users/count` filters, as Keycloak's `UsersResource` + JPA user search apply
//! them: one `search` string, field filters, or nothing.

use crate::id::Id;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The user fields the search looks at.
pub struct SearchableUser<'a> {
    pub id: Id,
    pub username: &'a str,
    pub email: Option<&'a str>,
    pub first_name: Option<&'a str>,
    pub last_name: Option<&'a str>,
    pub enabled: bool,
    pub email_verified: bool,
    pub service_account: bool,
    pub attributes: &'a BTreeMap<String, Vec<String>>,
}

/// Raw query parameters of `GET /users` (paging and `briefRepresentation` are read elsewhere).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserQueryParams {
    pub search: Option<String>,
    pub username: Option<String>,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email_verified: Option<String>,
    pub enabled: Option<String>,
    pub exact: Option<String>,
    pub idp_alias: Option<String>,
    pub idp_user_id: Option<String>,
    pub q: Option<String>,
}

/// One of the three search modes of `UsersResource.getUsers`.
#[derive(Debug, Clone, PartialEq)]
pub enum UserQuery {
    /// `search=id:<id> [<id>...]`.
    Ids(Vec<String>),
    /// `search=<terms>`: every whitespace-separated term must match username, email, first or
    /// last name (prefix by default, `*` wildcard, `"exact"`); service accounts excluded.
    Search {
        terms: Vec<String>,
        enabled: Option<bool>,
        email_verified: Option<bool>,
    },
    /// Field filters, ANDed; service accounts included.
    Fields(FieldFilters),
    /// No filter: every user except service accounts.
    All,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldFilters {
    username: Option<String>,
    email: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    email_verified: Option<bool>,
    enabled: Option<bool>,
    exact: bool,
    /// Federated identities do not exist in the simulator, so an IdP filter matches nobody.
    idp: bool,
    attributes: Vec<(String, String)>,
}

/// Java's `Boolean.parseBoolean`: "true" in any case is true, everything else false.
fn java_bool(value: &str) -> bool {
    value.eq_ignore_ascii_case("true")
}

impl UserQuery {
    pub fn from_params(params: &UserQueryParams) -> UserQuery {
        let enabled = params.enabled.as_deref().map(java_bool);
        let email_verified = params.email_verified.as_deref().map(java_bool);
        if let Some(search) = &params.search {
            if let Some(ids) = search.strip_prefix("id:") {
                return UserQuery::Ids(ids.split_whitespace().map(str::to_owned).collect());
            }
            return UserQuery::Search {
                terms: search.split_whitespace().map(str::to_lowercase).collect(),
                enabled,
                email_verified,
            };
        }
        let attributes = params.q.as_deref().map(parse_q).unwrap_or_default();
        let any_field = params.username.is_some()
            || params.email.is_some()
            || params.first_name.is_some()
            || params.last_name.is_some()
            || params.email_verified.is_some()
            || params.enabled.is_some()
            || params.exact.is_some()
            || params.idp_alias.is_some()
            || params.idp_user_id.is_some()
            || !attributes.is_empty();
        if !any_field {
            return UserQuery::All;
        }
        UserQuery::Fields(FieldFilters {
            username: params.username.as_deref().map(str::to_lowercase),
            email: params.email.as_deref().map(str::to_lowercase),
            first_name: params.first_name.as_deref().map(str::to_lowercase),
            last_name: params.last_name.as_deref().map(str::to_lowercase),
            email_verified,
            enabled,
            exact: params.exact.as_deref().is_some_and(java_bool),
            idp: params.idp_alias.is_some() || params.idp_user_id.is_some(),
            attributes,
        })
    }

    pub fn matches(&self, user: &SearchableUser<'_>) -> bool {
        match self {
            UserQuery::Ids(ids) => ids.contains(&user.id.to_string()),
            UserQuery::Search {
                terms,
                enabled,
                email_verified,
            } => {
                !user.service_account
                    && enabled.is_none_or(|wanted| user.enabled == wanted)
                    && email_verified.is_none_or(|wanted| user.email_verified == wanted)
                    && terms.iter().all(|term| term_matches(term, user))
            }
            UserQuery::Fields(filters) => filters.matches(user),
            UserQuery::All => !user.service_account,
        }
    }
}

impl FieldFilters {
    fn matches(&self, user: &SearchableUser<'_>) -> bool {
        let text = |wanted: &Option<String>, actual: Option<&str>| match wanted {
            None => true,
            Some(wanted) => {
                let actual = actual.unwrap_or("").to_lowercase();
                if self.exact {
                    actual == *wanted
                } else {
                    actual.contains(wanted.as_str())
                }
            }
        };
        !self.idp
            && text(&self.username, Some(user.username))
            && text(&self.email, user.email)
            && text(&self.first_name, user.first_name)
            && text(&self.last_name, user.last_name)
            && self.enabled.is_none_or(|wanted| user.enabled == wanted)
            && self
                .email_verified
                .is_none_or(|wanted| user.email_verified == wanted)
            && self.attributes.iter().all(|(name, wanted)| {
                let wanted = wanted.to_lowercase();
                user.attributes
                    .get(name)
                    .into_iter()
                    .flatten()
                    .any(|value| {
                        let value = value.to_lowercase();
                        if self.exact {
                            value == wanted
                        } else {
                            value.contains(&wanted)
                        }
                    })
            })
    }
}

/// One search term against username, email, first and last name (JPA `getSearchOptionPredicateArray`).
fn term_matches(term: &str, user: &SearchableUser<'_>) -> bool {
    let fields = [
        Some(user.username),
        user.email,
        user.first_name,
        user.last_name,
    ];
    let fields = fields.iter().flatten().map(|field| field.to_lowercase());
    if term.len() >= 2 && term.starts_with('"') && term.ends_with('"') {
        let exact = &term[1..term.len() - 1];
        return fields.into_iter().any(|field| field == exact);
    }
    let mut pattern = term.replace('*', "%");
    if !pattern.ends_with('%') {
        pattern.push('%');
    }
    fields.into_iter().any(|field| like(&pattern, &field))
}

/// SQL `LIKE` with `%` as the only wildcard.
fn like(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('%');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    for (index, part) in parts.iter().enumerate() {
        let last = index + 1 == parts.len();
        if last {
            return part.is_empty() || rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

/// `q=key:value key2:"value with spaces"` (`SearchQueryUtils.getFields`).
pub fn parse_q(q: &str) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    let mut rest = q.trim();
    while let Some(colon) = rest.find(':') {
        let key = rest[..colon].trim().trim_matches('"').to_owned();
        let after = &rest[colon + 1..];
        let (value, remaining) = if let Some(quoted) = after.strip_prefix('"') {
            match quoted.find('"') {
                Some(end) => (&quoted[..end], &quoted[end + 1..]),
                None => (quoted, ""),
            }
        } else {
            match after.find(char::is_whitespace) {
                Some(end) => (&after[..end], &after[end..]),
                None => (after, ""),
            }
        };
        if !key.is_empty() {
            fields.push((key, value.to_owned()));
        }
        rest = remaining.trim_start();
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    static NO_ATTRIBUTES: BTreeMap<String, Vec<String>> = BTreeMap::new();

    fn user<'a>(username: &'a str, first: &'a str, service_account: bool) -> SearchableUser<'a> {
        SearchableUser {
            id: Id::from_name(&format!("id-{username}")),
            username,
            email: None,
            first_name: Some(first),
            last_name: None,
            enabled: true,
            email_verified: false,
            service_account,
            attributes: &NO_ATTRIBUTES,
        }
    }

    fn query(pairs: &[(&str, &str)]) -> UserQuery {
        let params = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), serde_json::json!(v)))
            .collect();
        UserQuery::from_params(&serde_json::from_value(serde_json::Value::Object(params)).unwrap())
    }

    #[test]
    fn search_is_prefix_by_default_with_wildcards_and_exact_quotes() {
        let alice = user("alice", "Alice", false);
        assert!(query(&[("search", "ali")]).matches(&alice));
        assert!(!query(&[("search", "lic")]).matches(&alice));
        assert!(query(&[("search", "*lic*")]).matches(&alice));
        assert!(query(&[("search", "\"alice\"")]).matches(&alice));
        assert!(!query(&[("search", "\"alic\"")]).matches(&alice));
        assert!(query(&[("search", "ALI")]).matches(&alice));
    }

    #[test]
    fn service_accounts_only_appear_with_field_filters() {
        let robot = user("service-account-backup-service", "", true);
        assert!(!query(&[]).matches(&robot));
        assert!(!query(&[("search", "service")]).matches(&robot));
        assert!(query(&[("username", "backup")]).matches(&robot));
    }

    #[test]
    fn field_filters_are_contained_in_unless_exact() {
        let alice = user("alice", "Alice", false);
        assert!(query(&[("username", "lic")]).matches(&alice));
        assert!(!query(&[("username", "lic"), ("exact", "true")]).matches(&alice));
        assert!(query(&[("username", "ALICE"), ("exact", "true")]).matches(&alice));
        assert!(!query(&[("enabled", "false")]).matches(&alice));
        assert!(!query(&[("idpAlias", "github")]).matches(&alice));
    }

    #[test]
    fn id_search_and_q_parsing() {
        let alice = user("alice", "Alice", false);
        assert!(query(&[("search", &format!("id:nope {}", alice.id))]).matches(&alice));
        assert!(!query(&[("search", "id:nope id-alice")]).matches(&alice));
        assert_eq!(
            parse_q(r#"dept:sales title:"head of x""#),
            vec![
                ("dept".into(), "sales".into()),
                ("title".into(), "head of x".into())
            ]
        );
        assert!(
            like("a%c%", "abc") && like("%b%", "abc") && !like("b%", "abc") && like("abc", "abc")
        );
    }
}
