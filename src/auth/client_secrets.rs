//! The console client's secret in each realm. A tenant realm's administrators can read the
//! secret of the console's client in their realm, so a secret shared with the admin realm
//! would let them act as the console there; each realm can have its own.

use std::collections::BTreeMap;

use crate::config::Secret;

#[derive(Debug, Clone)]
pub struct ClientSecrets {
    /// `OIDC_CLIENT_SECRET`: realms without a secret of their own.
    fallback: Option<Secret>,
    per_realm: BTreeMap<String, Secret>,
}

impl ClientSecrets {
    pub fn new(fallback: Option<Secret>, per_realm: BTreeMap<String, Secret>) -> Self {
        ClientSecrets {
            fallback,
            per_realm,
        }
    }

    /// The secret for `realm`: its own, else the shared one.
    pub fn for_realm(&self, realm: &str) -> Option<&Secret> {
        self.per_realm.get(realm).or(self.fallback.as_ref())
    }

    pub fn is_empty(&self) -> bool {
        self.fallback.is_none() && self.per_realm.is_empty()
    }
}

/// Reads `realm=secret` entries, separated by commas or new lines; `#` starts a comment line.
/// The error names the entry by its position, never the secret.
pub fn parse_pairs(text: &str) -> Result<BTreeMap<String, Secret>, String> {
    let mut secrets = BTreeMap::new();
    let entries = text
        .lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .flat_map(|line| line.split(','))
        .map(str::trim)
        .filter(|entry| !entry.is_empty());
    for (n, entry) in entries.enumerate() {
        let (realm, secret) = entry
            .split_once('=')
            .map(|(r, s)| (r.trim(), s.trim()))
            .filter(|(r, s)| !r.is_empty() && !s.is_empty())
            .ok_or_else(|| format!("entry {} is not realm=secret", n + 1))?;
        if secrets
            .insert(realm.to_owned(), Secret::new(secret))
            .is_some()
        {
            return Err(format!("realm '{realm}' is given twice"));
        }
    }
    Ok(secrets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_realm_uses_its_own_secret_and_the_others_the_shared_one() {
        let per_realm =
            parse_pairs("# the admin realm\nmaster=m-secret\ntenant = t-secret, other=o").unwrap();
        let secrets = ClientSecrets::new(Some(Secret::new("shared")), per_realm);
        assert_eq!(secrets.for_realm("master").unwrap().expose(), "m-secret");
        assert_eq!(secrets.for_realm("tenant").unwrap().expose(), "t-secret");
        assert_eq!(secrets.for_realm("demo").unwrap().expose(), "shared");
        let only_own = ClientSecrets::new(None, parse_pairs("master=m").unwrap());
        assert!(only_own.for_realm("demo").is_none());
    }

    #[test]
    fn bad_entries_are_named_without_their_secret() {
        let err = parse_pairs("master=m\nno-equals-sign-here").unwrap_err();
        assert_eq!(err, "entry 2 is not realm=secret");
        assert_eq!(
            parse_pairs("a=1,a=2").unwrap_err(),
            "realm 'a' is given twice"
        );
        assert!(parse_pairs("=secret").is_err());
    }
}
