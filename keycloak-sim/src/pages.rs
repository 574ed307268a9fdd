//! HTML pages of the login flows, using Keycloak's form field names and ids so browser
//! scripts written against Keycloak's login theme work unchanged.

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n</head>\n<body>\n<div id=\"kc-content\">\n<div id=\"kc-content-wrapper\">\n{body}\n</div>\n</div>\n</body>\n</html>\n",
        escape(title)
    )
}

/// Keycloak's `error.ftl`.
pub fn error_page(message: &str) -> String {
    page(
        "We are sorry...",
        &format!(
            "<h1 id=\"kc-page-title\">We are sorry...</h1>\n<div id=\"kc-error-message\">\n<p class=\"instruction\">{}</p>\n</div>",
            escape(message)
        ),
    )
}

/// Keycloak's `login.ftl`: inputs `username`, `password`, submit `login` with id `kc-login`.
pub fn login_page(realm: &str, action: &str, username: &str, error: Option<&str>) -> String {
    let error = error
        .map(|e| {
            format!(
                "<div class=\"alert-error\"><span id=\"input-error\" class=\"kc-feedback-text\" aria-live=\"polite\">{}</span></div>\n",
                escape(e)
            )
        })
        .unwrap_or_default();
    page(
        &format!("Sign in to {realm}"),
        &format!(
            "<h1 id=\"kc-page-title\">Sign in to your account</h1>\n{error}<form id=\"kc-form-login\" action=\"{}\" method=\"post\">\n<label for=\"username\">Username or email</label>\n<input tabindex=\"1\" id=\"username\" name=\"username\" value=\"{}\" type=\"text\" autofocus autocomplete=\"off\">\n<label for=\"password\">Password</label>\n<input tabindex=\"2\" id=\"password\" name=\"password\" type=\"password\" autocomplete=\"off\">\n<input type=\"hidden\" id=\"id-hidden-input\" name=\"credentialId\">\n<input tabindex=\"4\" name=\"login\" id=\"kc-login\" type=\"submit\" value=\"Sign In\">\n</form>",
            escape(action),
            escape(username)
        ),
    )
}

/// Keycloak's `login-oauth-grant.ftl`: lists the requested scopes; submit `accept`
/// (id `kc-login`) or `cancel` (id `kc-cancel`).
pub fn consent_page(client_name: &str, action: &str, code: &str, scopes: &[String]) -> String {
    let items: String = scopes
        .iter()
        .map(|s| format!("<li><span>{}</span></li>\n", escape(s)))
        .collect();
    page(
        "Grant Access",
        &format!(
            "<h1 id=\"kc-page-title\">Do you grant these access privileges?</h1>\n<div id=\"kc-oauth\">\n<h3>{} requests access to</h3>\n<ul>\n{items}</ul>\n<form class=\"form-actions\" action=\"{}\" method=\"POST\">\n<input type=\"hidden\" name=\"code\" value=\"{}\">\n<input class=\"btn-primary\" name=\"accept\" id=\"kc-login\" type=\"submit\" value=\"Yes\">\n<input class=\"btn-default\" name=\"cancel\" id=\"kc-cancel\" type=\"submit\" value=\"No\">\n</form>\n</div>",
            escape(client_name),
            escape(action),
            escape(code)
        ),
    )
}

/// Shown after an RP-initiated logout without a redirect.
pub fn logged_out_page() -> String {
    page(
        "Logging out",
        "<h1 id=\"kc-page-title\">You are logged out</h1>",
    )
}

/// Keycloak's `logout-confirm.ftl`: submit `confirmLogout` with id `kc-logout`.
pub fn logout_confirm_page(
    action: &str,
    redirect: Option<&str>,
    state: Option<&str>,
    client_id: Option<&str>,
) -> String {
    let hidden: String = [
        ("post_logout_redirect_uri", redirect),
        ("state", state),
        ("client_id", client_id),
        ("confirm", Some("true")),
    ]
    .iter()
    .filter_map(|(name, value)| {
        value.map(|v| {
            format!(
                "<input type=\"hidden\" name=\"{name}\" value=\"{}\">\n",
                escape(v)
            )
        })
    })
    .collect();
    page(
        "Logging out",
        &format!(
            "<h1 id=\"kc-page-title\">Logging out</h1>\n<p>Do you want to log out?</p>\n<form class=\"form-actions\" action=\"{}\" method=\"POST\">\n{hidden}<input tabindex=\"4\" name=\"confirmLogout\" id=\"kc-logout\" type=\"submit\" value=\"Logout\">\n</form>",
            escape(action)
        ),
    )
}
