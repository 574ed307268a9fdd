//! Self-service: the signed-in person's own applications, read and removed
//! through Keycloak's account API with their own token. No administrative
//! role is needed or used, and no user id is ever taken from the browser.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::me::MyApplications;

#[server(prefix = "/api", endpoint = "my_applications", protocol = crate::api::codec::JsonOrForm)]
pub async fn load_my_applications(realm: String) -> Result<MyApplications, AppError> {
    crate::api::support::respond(ssr::my_applications(realm)).await
}

/// Removes the consent and offline access of one application. Posted by a
/// plain form (no JavaScript), it answers with a redirect back to the page,
/// which then shows the outcome once.
#[server(prefix = "/api", endpoint = "remove_my_access", protocol = crate::api::codec::JsonOrForm)]
pub async fn remove_my_access(realm: String, client_id: String) -> Result<(), AppError> {
    let result = crate::api::support::respond(ssr::remove_my_access(&realm, &client_id)).await;
    ssr::redirect_after_form_post(&realm, &client_id, &result).await;
    result
}

#[cfg(feature = "ssr")]
mod ssr {
    use axum::http::{header, request::Parts};
    use tower_sessions::Session;

    use super::*;
    use crate::api::support::{audited_as, keycloak_error, AuditedChange};
    use crate::auth::session::request_session;
    use crate::auth::Caller;
    use crate::components::href::my_applications_path;
    use crate::keycloak::account::{Application, GrantedScope};
    use crate::keycloak::KcError;
    use crate::model::ids::{ClientId, RealmName};
    use crate::model::me::{GrantedConsent, MyApplication, RemovalNotice};
    use crate::model::time::clock::now_ms;

    /// Session key of the outcome of a removal posted without JavaScript.
    const NOTICE_KEY: &str = "self_service_notice";

    /// The signed-in person, who must have signed in to `realm` itself: the
    /// account API answers for the realm of the token only.
    async fn caller_in(realm: &RealmName) -> Result<Caller, AppError> {
        let caller = Caller::current().await?;
        let signed_in_to = caller.who().realm.clone();
        if signed_in_to != realm.as_str() {
            return Err(AppError::Forbidden(format!(
                "You are signed in to the realm \u{201c}{signed_in_to}\u{201d}. \
                 To see your applications in \u{201c}{realm}\u{201d}, sign in to \u{201c}{realm}\u{201d}."
            )));
        }
        Ok(caller)
    }

    /// What an account API failure means to the person.
    fn account_error(e: KcError, action: &str, missing: String) -> AppError {
        match e {
            KcError::Forbidden => AppError::Forbidden(format!(
                "Keycloak does not let your account {action}: it lacks the role \
                 \u{201c}manage-account\u{201d} of the client \u{201c}account\u{201d}. Please ask your administrator."
            )),
            KcError::NotFound(_) => AppError::NotFound(missing),
            other => keycloak_error(other, "", "", action),
        }
    }

    /// Links shown to the person must be web addresses, never `javascript:` or `data:`.
    pub fn web_link(link: Option<String>) -> Option<String> {
        link.filter(|l| {
            let lower = l.trim_start().to_ascii_lowercase();
            lower.starts_with("https://") || lower.starts_with("http://")
        })
    }

    /// The consent-screen texts in alphabetical order: Keycloak keeps granted scopes in a set
    /// and lists them in a different order from one answer to the next.
    fn permission_texts(scopes: Vec<GrantedScope>) -> Vec<String> {
        let mut texts: Vec<String> = scopes
            .into_iter()
            .map(|s| s.display_text.filter(|t| !t.is_empty()).unwrap_or(s.name))
            .collect();
        texts.sort_by_key(|t| t.to_lowercase());
        texts
    }

    fn my_application(app: Application, console_client: &str) -> MyApplication {
        MyApplication {
            name: app
                .client_name
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| app.client_id.clone()),
            description: app.description.filter(|d| !d.trim().is_empty()),
            url: web_link(app.effective_url),
            third_party: app.user_consent_required,
            in_use: app.in_use,
            offline_access: app.offline_access,
            consent: app.consent.map(|c| GrantedConsent {
                permissions: permission_texts(c.granted_scopes),
                granted_ms: c.created_date,
                updated_ms: c.last_updated_date,
            }),
            policy_url: web_link(app.policy_uri),
            terms_url: web_link(app.tos_uri),
            this_console: app.client_id == console_client,
            client_id: app.client_id,
        }
    }

    fn session() -> Result<Session, AppError> {
        request_session().ok_or_else(|| AppError::internal("no session in the request"))
    }

    pub async fn my_applications(realm: String) -> Result<MyApplications, AppError> {
        let realm = RealmName::parse(&realm)?;
        let caller = caller_in(&realm).await?;
        let applications = caller
            .state
            .keycloak
            .account(&caller)
            .applications(realm.as_str())
            .await
            .map_err(|e| {
                account_error(
                    e,
                    "list its applications",
                    "The account service of this realm".into(),
                )
            })?;
        let notice = session()?
            .remove::<RemovalNotice>(NOTICE_KEY)
            .await
            .ok()
            .flatten();
        let console_client = &caller.state.config.client_id;
        let mut applications: Vec<MyApplication> = applications
            .into_iter()
            .map(|app| my_application(app, console_client))
            .collect();
        // Keycloak lists them in no particular order; the person looks for a name.
        applications.sort_by_cached_key(|app| (app.name.to_lowercase(), app.client_id.clone()));
        Ok(MyApplications {
            realm: realm.to_string(),
            username: caller.who().username.clone(),
            applications,
            notice,
            now_ms: now_ms(),
        })
    }

    /// The person's own action, recorded like an administrator's: attempt
    /// first, outcome before it is reported.
    pub async fn remove_my_access(realm: &str, client_id: &str) -> Result<(), AppError> {
        let realm = RealmName::parse(realm)?;
        let client_id = ClientId::parse(client_id)?;
        let caller = caller_in(&realm).await?;
        let target = format!("own consent and offline tokens for client {client_id}");
        let change = AuditedChange {
            realm: realm.as_str(),
            action: "remove_my_access",
            target: &target,
            role: "",
            wording: "remove an application's access",
        };
        let account = caller.state.keycloak.account(&caller);
        audited_as(
            &caller,
            change,
            || account.revoke_consent(realm.as_str(), client_id.as_str()),
            |e| {
                account_error(
                    e,
                    "remove an application's access",
                    format!("The application \u{201c}{client_id}\u{201d}"),
                )
            },
        )
        .await
    }

    /// A browser posting the form itself asks for HTML; the page's script asks for JSON.
    fn is_plain_form_post() -> bool {
        with_context(|parts: &Parts| {
            parts
                .headers
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|accept| accept.contains("text/html"))
        })
        .unwrap_or(false)
    }

    /// Keeps the outcome in the session (never in the URL, where anyone could
    /// write a message) and redirects to the page.
    pub async fn redirect_after_form_post(
        realm: &str,
        client_id: &str,
        result: &Result<(), AppError>,
    ) {
        if !is_plain_form_post() {
            return;
        }
        let notice = match result {
            Ok(()) => RemovalNotice::Removed {
                application: client_id.to_owned(),
            },
            Err(e) => RemovalNotice::Failed {
                message: e.to_string(),
            },
        };
        if let Ok(session) = session() {
            if let Err(e) = session.insert(NOTICE_KEY, notice).await {
                tracing::warn!(error = %e, "keeping the removal outcome failed");
            }
        }
        leptos_axum::redirect(&my_applications_path(realm));
    }

    #[cfg(test)]
    mod tests {
        use super::web_link;

        #[test]
        fn only_web_addresses_become_links() {
            let link = |s: &str| web_link(Some(s.to_owned()));
            assert_eq!(
                link("https://photo.example/privacy").as_deref(),
                Some("https://photo.example/privacy")
            );
            assert_eq!(
                link("HTTP://photo.example").as_deref(),
                Some("HTTP://photo.example")
            );
            assert_eq!(link("javascript:alert(1)"), None);
            assert_eq!(link("data:text/html,hi"), None);
            assert_eq!(link("/relative"), None);
            assert_eq!(web_link(None), None);
        }
    }
}
