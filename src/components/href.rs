//! Building the console's own URLs from identifiers.

/// Percent-encodes one path segment (everything but RFC 3986 unreserved characters).
pub fn seg(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for byte in raw.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// Encodes a query value (same rule as a segment).
pub fn query_value(raw: &str) -> String {
    seg(raw)
}

pub fn realm_path(realm: &str, rest: &str) -> String {
    format!("/admin/{}{rest}", seg(realm))
}

/// The self-service page of a realm.
pub fn my_applications_path(realm: &str) -> String {
    format!("/realms/{}/my-applications", seg(realm))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_everything_that_could_change_the_path() {
        assert_eq!(seg("a/b?c#d %2F ü"), "a%2Fb%3Fc%23d%20%252F%20%C3%BC");
        assert_eq!(
            realm_path("my realm", "/clients"),
            "/admin/my%20realm/clients"
        );
        assert_eq!(
            my_applications_path("my realm"),
            "/realms/my%20realm/my-applications"
        );
    }
}
