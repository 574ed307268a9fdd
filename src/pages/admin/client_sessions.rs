//! A client's offline sessions (Keycloak's old "Offline Access" tab, done properly):
//! one page per request, the true total, expiry under the effective policy, revocation.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::{query_u32, use_realm, RealmHeader};
use crate::api::sessions::offline_sessions;
use crate::components::errors::ErrorBox;
use crate::components::flash::Flash;
use crate::components::href::{realm_path, seg};
use crate::components::pager::{thousands, Pager};
use crate::components::revoke::{DialogWords, Revocation, RevocationsIf, Revoke, RevokeButton};
use crate::components::time::Moment;
use crate::model::admin::OfflineSessionsPage;
use crate::model::time::format_duration;

const FLASH: &str = "offline-sessions";

#[component]
pub fn ClientSessionsPage() -> impl IntoView {
    let realm = use_realm();
    let params = use_params_map();
    let client = Memo::new(move |_| params.read().get("client").unwrap_or_default());
    let first = query_u32("first", 0);
    let max = query_u32("max", 25);
    view! {
        <Title text="Offline sessions"/>
        <RealmHeader title="Offline sessions" realm=realm/>
        <Flash key=FLASH.to_owned()/>
        <Suspense fallback=|| view! { <p class="loading">"Loading offline sessions…"</p> }>
            {Suspend::new(async move {
                match offline_sessions(realm.get_untracked(), client.get_untracked(), first.get_untracked(), max.get_untracked()).await {
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    Ok(page) => view! { <SessionsTable page=page/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// What every session's dialog says after its own title and note.
fn dialog_words() -> DialogWords {
    DialogWords {
        confirm_label: "Revoke offline session".to_owned(),
        paragraphs: vec![
            "The application's offline token stops working at its next use, so it can no longer act for the user while they are away. They keep their account; the application has to ask for offline access again.".to_owned(),
        ],
        flash_key: FLASH.to_owned(),
        done: "The offline session was revoked. Its offline token no longer works.".to_owned(),
    }
}

/// "Revoke…" for one offline session; the page reloads after it.
#[component]
fn RevokeSession(
    realm: String,
    client: String,
    user: String,
    session: String,
    username: String,
    other_clients: Vec<String>,
) -> impl IntoView {
    let mut revoke = Revoke::titled(
        Revocation::OfflineSession {
            realm,
            client,
            user,
            session,
        },
        format!("Revoke {username}'s offline session?"),
    );
    if !other_clients.is_empty() {
        revoke.paragraphs.push(format!(
            "It also ends this session's offline access for {}.",
            other_clients.join(", ")
        ));
    }
    view! { <RevokeButton revoke=revoke/> }
}

#[component]
fn SessionsTable(page: OfflineSessionsPage) -> impl IntoView {
    let base = format!(
        "{}?",
        realm_path(&page.realm, &format!("/clients/{}", seg(&page.client.id)))
    );
    let policy_note = match page.policy {
        Some(p) => format!(
            "An offline token unused for {} stops working{}.",
            format_duration(p.idle_secs),
            p.max_secs
                .map(|m| format!(
                    "; every offline session ends {} after it started",
                    format_duration(m)
                ))
                .unwrap_or_default()
        ),
        None => {
            "Expiry is not shown: reading the realm's session settings needs the view-realm role."
                .into()
        }
    };
    let export = format!(
        "/export/{}/clients/{}/offline-sessions",
        seg(&page.realm),
        seg(&page.client.id)
    );
    let tools = realm_path(
        &page.realm,
        &format!("/clients/{}/tools", seg(&page.client.id)),
    );
    let shown = page.rows.len();
    let show_max = page.policy.is_some_and(|p| p.max_secs.is_some());
    let realm = page.realm.clone();
    let now = page.now_ms;
    let can_revoke = page.can_revoke;
    let page_client = page.client.id.clone();
    let rows = page.rows.into_iter().map(|row| {
        let user_href = realm_path(&realm, &format!("/users/{}", seg(&row.user_id)));
        let client = page_client.clone();
        view! {
            <tr>
                <td><a href=user_href>{row.username.clone()}</a></td>
                <td class="mono">{row.ip_address.clone().unwrap_or_default()}</td>
                <td><Moment ms=row.started_ms now_ms=now/></td>
                <td><Moment ms=row.last_access_ms now_ms=now/></td>
                <td>{row.idle_expires_ms.map(|ms| view! { <Moment ms=ms now_ms=now/> })}</td>
                {show_max.then(|| view! { <td>{row.max_expires_ms.map(|ms| view! { <Moment ms=ms now_ms=now/> })}</td> })}
                <td>{if row.other_clients.is_empty() { "—".to_owned() } else { row.other_clients.join(", ") }}</td>
                <td>
                    {if can_revoke {
                        view! {
                            <RevokeSession realm=realm.clone() client=client user=row.user_id.clone() session=row.id.clone()
                                username=row.username.clone() other_clients=row.other_clients.clone()/>
                        }.into_any()
                    } else {
                        view! { <span class="muted" title="Revoking needs the manage-users role">"view only"</span> }.into_any()
                    }}
                </td>
            </tr>
        }
    }).collect_view();
    view! {
        <h2 class="client-heading">
            {page.client.client_id.clone()}
            <span class="badge">{format!("{} offline sessions", thousands(page.total))}</span>
        </h2>
        {page.client.description.clone().map(|d| view! { <p class="muted">{d}</p> })}
        <p class="hint">{policy_note}</p>
        <p class="export-links">
            "Download all: "
            <a class="button secondary small" href=format!("{export}.csv") download rel="external">"CSV"</a>
            " "
            <a class="button secondary small" href=format!("{export}.json") download rel="external">"JSON"</a>
            " "
            <a class="button small" href=tools>"Find and revoke by idle time, expiry, age or username…"</a>
        </p>
        {(!can_revoke).then(|| view! {
            <p class="alert warning permission-note">"You can view these sessions but not revoke them: revoking needs the realm-management role \u{201c}manage-users\u{201d}."</p>
        })}
        {if shown == 0 {
            view! { <p class="empty">"No offline sessions on this page. Offline sessions appear when a user signs in to this client with scope offline_access."</p> }.into_any()
        } else {
            view! {
                <RevocationsIf may_revoke=can_revoke words=dialog_words()>
                    <div class="table-wrap">
                        <table>
                            <caption>{format!("Offline sessions of {}", page.client.client_id)}</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"User"</th>
                                    <th scope="col">"IP address"</th>
                                    <th scope="col">"Started"</th>
                                    <th scope="col">"Last access"</th>
                                    <th scope="col">"Expires (idle)"</th>
                                    {show_max.then(|| view! { <th scope="col">"Expires (max lifespan)"</th> })}
                                    <th scope="col" title="Other clients in the same offline session">"Other clients"</th>
                                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                </RevocationsIf>
            }.into_any()
        }}
        <Pager base=base first=page.first max=page.max shown=shown total=page.total/>
    }
}
