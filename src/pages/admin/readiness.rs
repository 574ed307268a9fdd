//! `/admin/:realm/readiness`: offline-access readiness of a client or a user,
//! check by check, with fixes.

use leptos::prelude::*;
use leptos_meta::Title;

use super::{use_realm, RealmHeader};
use crate::api::clients::search_clients;
use crate::api::readiness::{CheckClientReadiness, CheckUserReadiness};
use crate::api::users::search_users;
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
    // The realm's clients and users matching what is typed so far, offered by the inputs.
    let client_options = RwSignal::new(Vec::<String>::new());
    let user_options = RwSignal::new(Vec::<String>::new());
    let suggest_clients = {
        let realm = realm.clone();
        move |typed: String| {
            let realm = realm.clone();
            suggest(client_id, client_options, typed, async move |typed| {
                search_clients(realm, typed, 0, SUGGESTIONS)
                    .await
                    .map(|list| list.clients.into_iter().map(|c| c.client_id).collect())
            })
        }
    };
    let suggest_users = {
        let realm = realm.clone();
        move |typed: String| {
            let realm = realm.clone();
            suggest(username, user_options, typed, async move |typed| {
                search_users(realm, typed, 0, SUGGESTIONS)
                    .await
                    .map(|page| page.users.into_iter().map(|u| u.username).collect())
            })
        }
    };
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
                                list="readiness-client-options"
                                prop:value=client_id on:input=move |ev| suggest_clients(event_target_value(&ev))/>
                            <Suggestions id="readiness-client-options" options=client_options/>
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
                                list="readiness-user-options"
                                prop:value=username on:input=move |ev| suggest_users(event_target_value(&ev))/>
                            <Suggestions id="readiness-user-options" options=user_options/>
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

/// How many matches an input offers while typing.
const SUGGESTIONS: u32 = 10;

/// Keeps what was typed and asks for matching options; an answer for text no longer in the
/// input is dropped, so a slow answer never replaces a newer one.
fn suggest<F>(
    input: RwSignal<String>,
    options: RwSignal<Vec<String>>,
    typed: String,
    search: impl FnOnce(String) -> F + 'static,
) where
    F: std::future::Future<Output = Result<Vec<String>, AppError>> + 'static,
{
    input.set(typed.clone());
    if typed.trim().is_empty() {
        options.set(Vec::new());
        return;
    }
    leptos::task::spawn_local(async move {
        let found = search(typed.clone()).await.unwrap_or_default();
        if input.get_untracked() == typed {
            options.set(found);
        }
    });
}

/// The options of an input's `list`.
#[component]
fn Suggestions(id: &'static str, options: RwSignal<Vec<String>>) -> impl IntoView {
    view! {
        <datalist id=id>
            {move || {
                options
                    .get()
                    .into_iter()
                    .map(|option| view! { <option value=option></option> })
                    .collect_view()
            }}
        </datalist>
    }
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
