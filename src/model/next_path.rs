//! Where to go after signing in: only paths on this site, so neither the
//! sign-in page nor the login route can be used as an open redirect.

/// `path` when it is a same-site path (`/...`, not `//host`, no backslash or
/// control characters), else `None`.
pub fn same_site_path(path: &str) -> Option<&str> {
    let safe = path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.chars().any(char::is_control);
    safe.then_some(path)
}

#[cfg(test)]
mod tests {
    use super::same_site_path;

    #[test]
    fn only_same_site_paths_are_kept() {
        assert_eq!(same_site_path("/admin/demo"), Some("/admin/demo"));
        assert_eq!(same_site_path("//evil.example/"), None);
        assert_eq!(same_site_path("https://evil.example/"), None);
        assert_eq!(same_site_path("/\\evil.example"), None);
        assert_eq!(same_site_path("/a\nb"), None);
        assert_eq!(same_site_path(""), None);
    }
}
