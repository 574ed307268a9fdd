//! The realm's not-before: current value, set to now, clear, push, and what
//! it does to offline tokens.

use leptos::prelude::*;

use crate::api::revocation::{PushRealmRevocation, SetRealmNotBefore};
use crate::components::confirm::ConfirmDialog;
use crate::components::errors::ErrorBox;
use crate::components::href::{realm_path, seg};
use crate::components::pager::thousands;
use crate::components::time::Moment;
use crate::model::realm_policy::RealmPolicyPage;

#[component]
pub fn RevocationPolicy(
    page: RealmPolicyPage,
    set_not_before: ServerAction<SetRealmNotBefore>,
    push: ServerAction<PushRealmRevocation>,
) -> impl IntoView {
    let confirming = RwSignal::new(false);
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
    let realm_for_clear = realm.clone();
    let realm_for_push = realm.clone();
    let realm_for_set = realm.clone();
    view! {
        <section class="card revocation" aria-labelledby="revocation-title">
            <h2 id="revocation-title">"Revocation policy (not-before)"</h2>
            <p>"Not-before: " <strong class="not-before">{current}</strong></p>
            <p class="hint">
                "Every token issued before this moment stops working, offline tokens included: refreshing one answers "
                <code>"invalid_grant"</code> " / " <code>"Stale token"</code>
                ". The offline sessions stay listed and counted until they expire or are revoked. "
                "People signed in to this realm, you included, must sign in again."
            </p>
            {move || set_not_before.value().get().map(|result| match result {
                Ok(0) => view! { <p class="alert success" role="status">"Not-before cleared: tokens are no longer refused for their age."</p> }.into_any(),
                Ok(_) => view! { <p class="alert success" role="status">"Not-before set to now: every token issued before it is refused (Stale token)."</p> }.into_any(),
                Err(e) => view! { <ErrorBox error=e/> }.into_any(),
            })}
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
            {sessions_left}
            <div class="actions">
                <button type="button" class="danger" disabled=!can_manage on:click=move |_| confirming.set(true)>"Set to now…"</button>
                <button type="button" class="secondary" disabled=!can_manage
                    on:click=move |_| { set_not_before.dispatch(SetRealmNotBefore { realm: realm_for_clear.clone(), to_now: false }); }>"Clear"</button>
                <button type="button" class="secondary" disabled=!can_manage
                    on:click=move |_| { push.dispatch(PushRealmRevocation { realm: realm_for_push.clone() }); }>"Push"</button>
            </div>
        </section>
        {move || confirming.get().then(|| {
            let realm = realm_for_set.clone();
            view! {
                <ConfirmDialog
                    title="Set the not-before to now?".to_owned()
                    confirm_label="Set to now".to_owned()
                    pending=set_not_before.pending().into()
                    on_cancel=Callback::new(move |_| confirming.set(false))
                    on_confirm=Callback::new(move |_| {
                        set_not_before.dispatch(SetRealmNotBefore { realm: realm.clone(), to_now: true });
                        confirming.set(false);
                    })
                >
                    <p>
                        "Every token of this realm issued until now stops working: applications holding offline tokens get "
                        "\u{201c}Stale token\u{201d} at their next refresh and must ask the user to sign in again. "
                        "Their offline sessions stay listed until revoked. You are signed out too if you signed in to this realm."
                    </p>
                </ConfirmDialog>
            }
        })}
    }
    .into_any()
}
