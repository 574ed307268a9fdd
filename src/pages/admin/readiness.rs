//! `/admin/:realm/readiness`: offline-access readiness of a client or a user,
//! check by check, with fixes.

use leptos::prelude::*;
use leptos_meta::Title;

use super::{use_realm, RealmHeader};
use crate::api::readiness::{CheckClientReadiness, CheckUserReadiness};
use crate::api::viewer::current_viewer;
use crate::components::errors::ErrorBox;
use crate::error::AppError;
use crate::model::readiness::Readiness;

#[component]
pub fn ReadinessPage() -> impl IntoView {
    let realm = use_realm();
    // The checks need an administrator: others are told so before they fill in the form.
    view! {
        <Title text="Offline-access readiness"/>
        <RealmHeader title="Offline-access readiness" realm=realm/>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {Suspend::new(async move {
                match current_viewer().await {
                    Ok(Some(v)) if v.is_admin => view! { <ReadinessChecks realm=realm.get_untracked()/> }.into_any(),
                    Ok(Some(_)) => view! { <ErrorBox error=AppError::admin_only()/> }.into_any(),
                    Ok(None) => view! { <ErrorBox error=AppError::NotSignedIn/> }.into_any(),
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[island(lazy)]
fn ReadinessChecks(realm: String) -> impl IntoView {
    let client_check = ServerAction::<CheckClientReadiness>::new();
    let user_check = ServerAction::<CheckUserReadiness>::new();
    let client_id = RwSignal::new(String::new());
    let username = RwSignal::new(String::new());
    // Typed arguments sent as JSON: an `ActionForm` would bring URL-form decoding into the wasm.
    let check_client = {
        let realm = realm.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            client_check.dispatch(CheckClientReadiness {
                realm: realm.clone(),
                client_id: client_id.get_untracked(),
            });
        }
    };
    let check_user = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        user_check.dispatch(CheckUserReadiness {
            realm: realm.clone(),
            username: username.get_untracked(),
        });
    };
    view! {
        <section class="readiness">
            <p class="hint">"Why does an application get no offline token? Check the client and the user against Keycloak's conditions."</p>
            <div class="card-grid">
                <div class="card">
                    <form class="inline-form" id="client-readiness" on:submit=check_client>
                        <div class="field">
                            <label for="readiness-client">"Client (clientId)"</label>
                            <input id="readiness-client" name="client_id" required autocomplete="off"
                                prop:value=client_id on:input=move |ev| client_id.set(event_target_value(&ev))/>
                        </div>
                        <div class="field"><button type="submit">"Check client"</button></div>
                    </form>
                    <Report result=Signal::derive(move || client_check.value().get())/>
                </div>
                <div class="card">
                    <form class="inline-form" id="user-readiness" on:submit=check_user>
                        <div class="field">
                            <label for="readiness-user">"Username"</label>
                            <input id="readiness-user" name="username" required autocomplete="off"
                                prop:value=username on:input=move |ev| username.set(event_target_value(&ev))/>
                        </div>
                        <div class="field"><button type="submit">"Check user"</button></div>
                    </form>
                    <Report result=Signal::derive(move || user_check.value().get())/>
                </div>
            </div>
        </section>
    }
    .into_any()
}

#[component]
fn Report(result: Signal<Option<Result<Readiness, AppError>>>) -> impl IntoView {
    move || {
        result.get().map(|result| match result {
            Err(e) => view! { <ErrorBox error=e/> }.into_any(),
            Ok(readiness) => {
                let (class, verdict) = if readiness.ready() {
                    ("alert success", "ready for offline access")
                } else {
                    ("alert error", "not ready for offline access")
                };
                view! {
                    <div class="readiness-report">
                        <p class=class role="status"><strong>{readiness.subject.clone()}</strong> ": " {verdict}</p>
                        <ul class="checks">
                            {readiness.checks.into_iter().map(|check| view! {
                                <li class=if check.passed { "check passed" } else { "check failed" }>
                                    <strong>{if check.passed { "✓ " } else { "✗ " }}{check.label}</strong>
                                    <p>{check.explanation}</p>
                                    {check.fix.map(|fix| view! { <p class="fix"><strong>"Fix: "</strong>{fix}</p> })}
                                </li>
                            }).collect_view()}
                        </ul>
                    </div>
                }.into_any()
            }
        })
    }
}
