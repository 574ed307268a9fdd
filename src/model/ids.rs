//! Identifiers that travel to Keycloak as path segments, parsed once.
//!
//! Path segments are percent-encoded when the URL is built; these types add
//! the rules encoding cannot: a length bound, no control characters, and no
//! `.`/`..` (which some proxies would still normalise).

use serde::{Deserialize, Serialize};

const MAX_LEN: usize = 255;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} {problem}")]
pub struct IdError {
    what: &'static str,
    problem: &'static str,
}

fn check(what: &'static str, raw: &str) -> Result<String, IdError> {
    let fail = |problem| Err(IdError { what, problem });
    if raw.is_empty() {
        return fail("must not be empty");
    }
    if raw.chars().count() > MAX_LEN {
        return fail("is longer than 255 characters");
    }
    if raw.chars().any(char::is_control) {
        return fail("contains control characters");
    }
    if raw == "." || raw == ".." {
        return fail("is not a valid name");
    }
    Ok(raw.to_owned())
}

macro_rules! identifier {
    ($name:ident, $what:literal) => {
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn parse(raw: &str) -> Result<Self, IdError> {
                check($what, raw).map(Self)
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(raw: String) -> Result<Self, IdError> {
                Self::parse(&raw)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

identifier!(RealmName, "The realm name");
identifier!(ClientUuid, "The client id");
identifier!(ClientId, "The clientId");
identifier!(UserId, "The user id");
identifier!(SessionId, "The session id");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_what_keycloak_can_name() {
        for ok in ["demo", "my realm", "a/b", "ü-ñ", "%2F", "?x#y", "..."] {
            assert_eq!(RealmName::parse(ok).unwrap().as_str(), ok);
        }
    }

    #[test]
    fn refuses_empty_long_control_and_dot_segments() {
        assert_eq!(
            RealmName::parse("").unwrap_err().to_string(),
            "The realm name must not be empty"
        );
        assert_eq!(
            UserId::parse(&"x".repeat(10_000)).unwrap_err().to_string(),
            "The user id is longer than 255 characters"
        );
        assert_eq!(
            SessionId::parse("a\nb").unwrap_err().to_string(),
            "The session id contains control characters"
        );
        assert_eq!(
            ClientUuid::parse("..").unwrap_err().to_string(),
            "The client id is not a valid name"
        );
    }

    #[test]
    fn deserialising_validates() {
        assert!(serde_json::from_str::<RealmName>("\"\"").is_err());
        assert_eq!(
            serde_json::from_str::<RealmName>("\"demo\"")
                .unwrap()
                .as_str(),
            "demo"
        );
    }
}
