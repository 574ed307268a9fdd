//! Everything that grants a user's applications access, in one place:
//! consents, offline tokens per client, regular sessions, and readiness.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::{use_realm, RealmHeader};
use crate::api::users::load_user_access;
use crate::components::errors::ErrorBox;
use crate::components::flash::Flash;
use crate::components::href::seg;
use crate::components::revoke::{DialogWords, Revocation, RevocationsIf, Revoke, RevokeButton};
use crate::components::time::Moment;
use crate::model::admin::{SessionRow, UserAccess};

const FLASH: &str = "user-access";

#[component]
pub fn UserAccessPage() -> impl IntoView {
    let realm = use_realm();
    let params = use_params_map();
    let user = Memo::new(move |_| params.read().get("user").unwrap_or_default());
    view! {
        <Title text="User access"/>
        <RealmHeader title="User access" realm=realm/>
        <Flash key=FLASH.to_owned()/>
        <Suspense fallback=|| view! { <p class="loading">"Loading the user's access…"</p> }>
            {Suspend::new(async move {
                match load_user_access(realm.get_untracked(), user.get_untracked()).await {
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    Ok(access) => view! { <AccessView access=access/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// What every consent's dialog says after its title.
fn dialog_words() -> DialogWords {
    DialogWords {
        confirm_label: "Revoke consent and offline tokens".to_owned(),
        paragraphs: vec![
            "The user's consent to the application is removed and every offline token of the application stops working, so it can no longer act for the user while they are away. If a consent existed, the user's current sessions in the application are signed out too. The application must ask again.".to_owned(),
        ],
        flash_key: FLASH.to_owned(),
        done: "Access revoked: the consent and the application's offline tokens are gone.".to_owned(),
    }
}

/// "Revoke…" for one client's consent and offline tokens; the page reloads after it.
#[component]
fn RevokeConsent(realm: String, user: String, client_id: String) -> impl IntoView {
    let title = format!("Revoke {client_id}'s access?");
    let revocation = Revocation::Consent {
        realm,
        user,
        client_id,
    };
    view! { <RevokeButton revoke=Revoke::titled(revocation, title)/> }
}

#[component]
fn AccessView(access: UserAccess) -> impl IntoView {
    let now = access.now_ms;
    let can_manage = access.can_manage;
    let user = access.user.clone();
    let readiness = if access.has_offline_access_role {
        view! { <p class="alert success">"Offline access possible: " {user.username.clone()} " holds the realm role offline_access."</p> }.into_any()
    } else {
        view! {
            <p class="alert warning">
                {user.username.clone()} " cannot get offline tokens: the effective realm role offline_access is missing. "
                "Fix: in Keycloak, Users → " {user.username.clone()} " → Role mapping → assign offline_access (or the realm's default roles)."
            </p>
        }.into_any()
    };
    let consents = if access.consents.is_empty() {
        view! { <p class="empty">"No application holds a consent or an offline token for this user."</p> }.into_any()
    } else {
        let (realm, user_id) = (access.realm.clone(), user.id.clone());
        view! {
            <RevocationsIf may_revoke=can_manage words=dialog_words()>
                <div class="table-wrap">
                    <table>
                        <caption>"Consents and offline tokens"</caption>
                        <thead><tr>
                            <th scope="col">"Client"</th><th scope="col">"Granted scopes"</th><th scope="col">"Granted"</th>
                            <th scope="col">"Updated"</th><th scope="col">"Additional grants"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th>
                        </tr></thead>
                        <tbody>
                            {access.consents.into_iter().map(|c| {
                                let (realm, user_id) = (realm.clone(), user_id.clone());
                                view! {
                                    <tr>
                                        <td>{c.client_id.clone()}</td>
                                        <td>{if c.granted_scopes.is_empty() { "—".to_owned() } else { c.granted_scopes.join(", ") }}</td>
                                        <td>{c.created_ms.map(|ms| view! { <Moment ms=ms now_ms=now/> })}</td>
                                        <td>{c.updated_ms.map(|ms| view! { <Moment ms=ms now_ms=now/> })}</td>
                                        <td>{c.offline_token.then(|| view! { <span class="badge offline">"Offline Token"</span> })}</td>
                                        <td>
                                            {if can_manage {
                                                view! { <RevokeConsent realm=realm user=user_id client_id=c.client_id.clone()/> }.into_any()
                                            } else {
                                                view! { <span class="muted" title="Revoking needs the manage-users role">"view only"</span> }.into_any()
                                            }}
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </RevocationsIf>
        }.into_any()
    };
    let offline = access
        .offline
        .into_iter()
        .map(|group| {
            let title = format!("Offline sessions of {}", group.client_id);
            view! { <SessionList title=title sessions=group.sessions now=now/> }
        })
        .collect_view();
    let export = format!(
        "/export/{}/users/{}/access",
        seg(&access.realm),
        seg(&user.id)
    );
    view! {
        <h2>{user.username.clone()}
            {(!user.enabled).then(|| view! { <span class="badge">"disabled"</span> })}
        </h2>
        <p class="muted">{user.email.clone().unwrap_or_default()}</p>
        <p class="export-links">
            "Download this access: "
            <a class="button secondary small" href=format!("{export}.csv") download rel="external">"CSV"</a>
            " "
            <a class="button secondary small" href=format!("{export}.json") download rel="external">"JSON"</a>
        </p>
        {readiness}
        {(!can_manage).then(|| view! {
            <p class="alert warning permission-note">"You can view this user's access but not revoke it: revoking needs the realm-management role \u{201c}manage-users\u{201d}."</p>
        })}
        {consents}
        {offline}
        <SessionList title="Regular sessions".to_owned() sessions=access.sessions now=now/>
    }
}

#[component]
fn SessionList(title: String, sessions: Vec<SessionRow>, now: i64) -> impl IntoView {
    if sessions.is_empty() {
        return view! { <h3>{title}</h3><p class="muted">"None."</p> }.into_any();
    }
    view! {
        <h3>{title}</h3>
        <div class="table-wrap">
            <table>
                <thead><tr><th scope="col">"IP address"</th><th scope="col">"Started"</th><th scope="col">"Last access"</th><th scope="col">"Clients"</th></tr></thead>
                <tbody>
                    {sessions.into_iter().map(|s| view! {
                        <tr>
                            <td class="mono">{s.ip_address.unwrap_or_default()}</td>
                            <td><Moment ms=s.started_ms now_ms=now/></td>
                            <td><Moment ms=s.last_access_ms now_ms=now/></td>
                            <td>{s.clients.join(", ")}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }.into_any()
}
