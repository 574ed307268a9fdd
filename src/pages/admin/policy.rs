//! `/admin/:realm/policy`: the realm's offline-session and refresh-token
//! settings made safe to change, and the policy each client really gets. The
//! revocation policy and the readiness checks have pages of their own, so each
//! page's first load carries only its own islands.

use leptos::prelude::*;
use leptos_meta::Title;
use send_wrapper::SendWrapper;

use super::client_policies::ClientPolicies;
use super::policy_review::{review_dialog, ReviewDialogProps};
use super::{use_realm, RealmHeader};
use crate::api::client_policy::load_client_policies;
use crate::api::policy::{load_realm_policy, SaveRealmPolicy};
use crate::components::duration_input::DurationInput;
use crate::components::errors::ErrorBox;
use crate::components::flash::{reload_with, Flash};
use crate::components::href::realm_path;
use crate::model::realm_policy::{
    PolicyForm, PolicySettings, RealmPolicyPage, FIELD_CLIENT_IDLE, FIELD_CLIENT_MAX,
    FIELD_MAX_REUSE, FIELD_OFFLINE_IDLE, FIELD_OFFLINE_MAX,
};
use crate::model::time::format_duration;

const FLASH: &str = "realm-policy";

#[component]
pub fn PolicyPage() -> impl IntoView {
    let realm = use_realm();
    // Two resources, so that both reads run at once.
    let policy = Resource::new(move || realm.get(), load_realm_policy);
    let clients = Resource::new(move || realm.get(), load_client_policies);
    view! {
        <Title text="Realm policy"/>
        <RealmHeader title="Realm policy" realm=realm/>
        <Flash key=FLASH.to_owned()/>
        <Suspense fallback=|| view! { <p class="loading">"Loading the realm's settings…"</p> }>
            {move || Suspend::new(async move {
                match (policy.await, clients.await) {
                    (Err(e), _) => view! { <ErrorBox error=e/> }.into_any(),
                    (Ok(page), clients) => view! {
                        <PolicyEditor page=page/>
                        <ClientPolicies realm=realm.get_untracked() table=clients/>
                    }.into_any(),
                }
            })}
        </Suspense>
        <p class="hint see-also">
            "To make every token issued so far stop working at once, set the realm's "
            <a href=move || realm_path(&realm.get(), "/revocation")>"revocation policy"</a>
            ". To find out why an application gets no offline token, run the "
            <a href=move || realm_path(&realm.get(), "/readiness")>"readiness checks"</a> "."
        </p>
    }
}

/// "Saved. An offline token unused for 20 days now stops working."
fn saved_message(saved: &PolicySettings) -> String {
    let effective = saved.offline().effective(None, None);
    format!(
        "Saved. An offline token unused for {} now stops working{}.",
        format_duration(effective.idle_secs),
        effective
            .max_secs
            .map(|m| format!(
                "; offline sessions end {} after they started",
                format_duration(m)
            ))
            .unwrap_or_default()
    )
}

/// The settings form with its review dialog; the page reloads after a save, so the form, the
/// revocation policy and the client table all show what Keycloak now has.
#[island(lazy)]
fn PolicyEditor(page: RealmPolicyPage) -> impl IntoView {
    let save = ServerAction::<SaveRealmPolicy>::new();
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get() {
            reload_with(FLASH, &saved_message(&saved));
        }
    });
    let loaded: PolicySettings = page.settings;
    let start = PolicyForm::from_settings(&loaded);
    let offline_idle = RwSignal::new(start.offline_idle);
    let offline_idle_unit = RwSignal::new(start.offline_idle_unit);
    let max_enabled = RwSignal::new(start.offline_max_enabled);
    let offline_max = RwSignal::new(start.offline_max);
    let offline_max_unit = RwSignal::new(start.offline_max_unit);
    let client_idle = RwSignal::new(start.client_idle);
    let client_idle_unit = RwSignal::new(start.client_idle_unit);
    let client_max = RwSignal::new(start.client_max);
    let client_max_unit = RwSignal::new(start.client_max_unit);
    let revoke = RwSignal::new(start.revoke_refresh_token);
    let max_reuse = RwSignal::new(start.max_reuse);
    let form = move || PolicyForm {
        offline_idle: offline_idle.get(),
        offline_idle_unit: offline_idle_unit.get(),
        offline_max_enabled: max_enabled.get(),
        offline_max: offline_max.get(),
        offline_max_unit: offline_max_unit.get(),
        client_idle: client_idle.get(),
        client_idle_unit: client_idle_unit.get(),
        client_max: client_max.get(),
        client_max_unit: client_max_unit.get(),
        revoke_refresh_token: revoke.get(),
        max_reuse: max_reuse.get(),
    };
    let validation = Memo::new(move |_| form().validate());
    let error_of = move |field: &'static str| {
        Signal::derive(move || {
            validation.with(|v| v.as_ref().err().and_then(|e| e.get(field).cloned()))
        })
    };
    let warnings =
        move || validation.with(|v| v.as_ref().map(PolicySettings::warnings).unwrap_or_default());
    let notice: RwSignal<Option<&'static str>> = RwSignal::new(None);
    let reviewing: RwSignal<Option<(PolicySettings, PolicyForm)>> = RwSignal::new(None);
    let review = move || match validation.get_untracked() {
        Err(_) => notice.set(Some("Correct the fields marked above first.")),
        Ok(after) if loaded.changes_to(&after).is_empty() => notice.set(Some(
            "Nothing to save: every value is the same as the realm's current setting.",
        )),
        Ok(after) => {
            notice.set(None);
            reviewing.set(Some((after, form())));
        }
    };
    let can_manage = page.can_manage;
    let realm = page.realm.clone();
    let offline_clients = page.offline_clients.clone();
    view! {
        {move || save.value().get().and_then(Result::err).map(|e| view! { <ErrorBox error=e/> })}
        <section class="card policy-settings" aria-labelledby="settings-title">
            <h2 id="settings-title">"Offline sessions and refresh tokens"</h2>
            {(!can_manage).then(|| view! {
                <p class="alert warning permission-note">"You can see these settings but not change them: saving needs the realm-management role \u{201c}manage-realm\u{201d}."</p>
            })}
            <form novalidate on:submit=move |ev| { ev.prevent_default(); review(); }>
                <DurationInput
                    id="offline-idle" label="Offline session idle"
                    meaning="An offline token unused for longer than this stops working (0 = Keycloak's default, 30 days)."
                    value=offline_idle unit=offline_idle_unit error=error_of(FIELD_OFFLINE_IDLE)
                />
                <div class="field">
                    <label class="switch">
                        <input type="checkbox" id="offline-max-enabled"
                            prop:checked=move || max_enabled.get()
                            on:change=move |ev| max_enabled.set(event_target_checked(&ev))/>
                        " Limit the offline session max lifespan"
                    </label>
                    <p class="hint">"When on, every offline session ends a fixed time after sign-in, however often it is used."</p>
                </div>
                <DurationInput
                    id="offline-max" label="Offline session max lifespan"
                    meaning="How long after sign-in an offline session ends, when limited (0 = Keycloak's default, 60 days)."
                    value=offline_max unit=offline_max_unit error=error_of(FIELD_OFFLINE_MAX)
                    disabled=Signal::derive(move || !max_enabled.get())
                />
                <DurationInput
                    id="client-idle" label="Client offline session idle"
                    meaning="The idle limit each application's offline token gets unless the client sets its own (0 = the realm's offline idle)."
                    value=client_idle unit=client_idle_unit error=error_of(FIELD_CLIENT_IDLE)
                />
                <DurationInput
                    id="client-max" label="Client offline session max"
                    meaning="The age limit of each application's offline session unless the client sets its own; only when limited (0 = the realm's max)."
                    value=client_max unit=client_max_unit error=error_of(FIELD_CLIENT_MAX)
                />
                <div class="field">
                    <label class="switch">
                        <input type="checkbox" id="revoke-refresh-token"
                            prop:checked=move || revoke.get()
                            on:change=move |ev| revoke.set(event_target_checked(&ev))/>
                        " Revoke refresh token"
                    </label>
                    <p class="hint">"When on, each refresh token works once (plus the reuse count); replaying an old one ends the application's session."</p>
                </div>
                <div class="field">
                    <label for="max-reuse">"Refresh token max reuse"</label>
                    <p class="hint" id="max-reuse-hint">"How many more times the same refresh token may be used while revoking is on."</p>
                    <input id="max-reuse" type="text" inputmode="numeric" autocomplete="off"
                        aria-describedby="max-reuse-hint max-reuse-error"
                        aria-invalid=move || error_of(FIELD_MAX_REUSE).get().is_some().to_string()
                        value=max_reuse.get_untracked()
                        prop:value=move || max_reuse.get()
                        on:input=move |ev| max_reuse.set(event_target_value(&ev))/>
                    <p class="field-error" id="max-reuse-error" role="alert">{move || error_of(FIELD_MAX_REUSE).get()}</p>
                </div>
                <ul class="warnings">
                    {move || warnings().into_iter().map(|w| view! { <li class="alert warning">{w}</li> }).collect_view()}
                </ul>
                <p class="form-notice" role="status">{move || notice.get()}</p>
                <button type="submit" disabled=!can_manage>"Review changes…"</button>
            </form>
        </section>
        {move || reviewing.get().map(|(after, form)| {
            let dialog = review_dialog(ReviewDialogProps {
                realm: realm.clone(),
                before: loaded,
                after,
                form,
                offline_clients: offline_clients.clone(),
                save,
                on_close: Callback::new(move |_| reviewing.set(None)),
            });
            // Loading a split chunk is browser-only work (not Send). Nothing is being
            // reviewed while the server renders, so this runs only in the browser.
            Suspend::new(SendWrapper::new(dialog))
        })}
    }
    .into_any()
}
