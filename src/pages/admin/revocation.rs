//! `/admin/:realm/revocation`: the realm's not-before: current value, set to
//! now, clear, push, and what it does to offline tokens.

use leptos::prelude::*;
use leptos_meta::Title;

use super::{use_realm, RealmHeader};
use crate::api::policy::load_realm_policy;
use crate::api::revocation::{push_realm_revocation, set_realm_not_before};
use crate::components::confirm::ConfirmDialog;
use crate::components::errors::ErrorBox;
use crate::components::flash::{reload_with, Flash};
use crate::components::href::{realm_path, seg};
use crate::components::pager::thousands;
use crate::components::time::Moment;
use crate::model::realm_policy::RealmPolicyPage;

/// The message of a new not-before. It shows at the top of the page, not in the card:
/// setting it to now may sign the administrator out, and then the card is not shown.
const FLASH: &str = "not-before";

#[component]
pub fn RevocationPage() -> impl IntoView {
    let realm = use_realm();
    view! {
        <Title text="Revocation policy"/>
        <RealmHeader title="Revocation policy" realm=realm/>
        <Flash key=FLASH.to_owned()/>
        <Suspense fallback=|| view! { <p class="loading">"Loading the realm's not-before…"</p> }>
            {Suspend::new(async move {
                match load_realm_policy(realm.get_untracked()).await {
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    Ok(page) => view! { <RevocationPolicy page=page/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn RevocationPolicy(page: RealmPolicyPage) -> impl IntoView {
    let realm = page.realm.clone();
    let can_manage = page.can_manage;
    let current = if page.not_before > 0 {
        view! { <Moment ms=page.not_before * 1000 now_ms=page.now_ms/> }.into_any()
    } else {
        view! { <span>"not set"</span> }.into_any()
    };
    let sessions_left = (page.not_before > 0 && !page.offline_clients.is_empty()).then(|| {
        let realm = realm.clone();
        view! {
            <div class="alert warning revoke-too">
                <p>"These offline sessions are still listed, although tokens issued before the not-before no longer work. To remove them too, revoke them from each client's page:"</p>
                <ul>
                    {page.offline_clients.iter().map(|c| {
                        let href = realm_path(&realm, &format!("/clients/{}", seg(&c.id)));
                        view! { <li><a href=href>{c.client_id.clone()}</a> {format!(" — {} offline sessions", thousands(c.offline))}</li> }
                    }).collect_view()}
                </ul>
            </div>
        }
    });
    view! {
        <section class="card revocation" aria-labelledby="revocation-title">
            <h2 id="revocation-title">"Not-before"</h2>
            <p>"Not-before: " <strong class="not-before">{current}</strong></p>
            <p class="hint">
                "Every token issued before this moment stops working, offline tokens included: refreshing one answers "
                <code>"invalid_grant"</code> " / " <code>"Stale token"</code>
                ". The offline sessions stay listed and counted until they expire or are revoked. "
                "People signed in to this realm, you included, must sign in again."
            </p>
            {sessions_left}
            <RevocationActions realm=realm can_manage=can_manage/>
        </section>
    }
    .into_any()
}

/// Set to now (after a confirmation), clear, push. The page reloads after a new not-before;
/// a push changes nothing on the page, so its outcome shows here.
#[island(lazy)]
fn RevocationActions(realm: String, can_manage: bool) -> impl IntoView {
    let confirming = RwSignal::new(false);
    let set_not_before = {
        let realm = realm.clone();
        Action::new(move |to_now: &bool| {
            let (realm, to_now) = (realm.clone(), *to_now);
            async move {
                let result = set_realm_not_before(realm, to_now).await;
                match &result {
                    Ok(0) => reload_with(FLASH, "Not-before cleared: tokens are no longer refused for their age."),
                    Ok(_) => reload_with(FLASH, "Not-before set to now: every token issued before it is refused (Stale token)."),
                    Err(_) => {}
                }
                result
            }
        })
    };
    let push = Action::new(move |_: &()| push_realm_revocation(realm.clone()));
    view! {
        {move || set_not_before.value().get().and_then(Result::err).map(|e| view! { <ErrorBox error=e/> })}
        {move || push.value().get().map(|result| match result {
            Ok(outcome) => view! {
                <p class="alert success" role="status">
                    {format!("Pushed: {} client(s) reached, {} failed.", outcome.reached.len(), outcome.failed.len())}
                    {(!outcome.failed.is_empty()).then(|| format!(" Failed: {}.", outcome.failed.join(", ")))}
                    " Only clients with an admin URL are told; pushing does not change the not-before."
                </p>
            }.into_any(),
            Err(e) => view! { <ErrorBox error=e/> }.into_any(),
        })}
        <div class="actions">
            <button type="button" class="danger" disabled=!can_manage on:click=move |_| confirming.set(true)>"Set to now…"</button>
            <button type="button" class="secondary" disabled=!can_manage
                on:click=move |_| { set_not_before.dispatch(false); }>"Clear"</button>
            <button type="button" class="secondary" disabled=!can_manage
                on:click=move |_| { push.dispatch(()); }>"Push"</button>
        </div>
        {move || confirming.get().then(|| view! {
            <ConfirmDialog
                title="Set the not-before to now?".to_owned()
                confirm_label="Set to now".to_owned()
                pending=set_not_before.pending().into()
                on_cancel=Callback::new(move |_| confirming.set(false))
                on_confirm=Callback::new(move |_| {
                    set_not_before.dispatch(true);
                    confirming.set(false);
                })
            >
                <p>
                    "Every token of this realm issued until now stops working: applications holding offline tokens get "
                    "\u{201c}Stale token\u{201d} at their next refresh and must ask the user to sign in again. "
                    "Their offline sessions stay listed until revoked. You are signed out too if you signed in to this realm."
                </p>
            </ConfirmDialog>
        })}
    }
}
