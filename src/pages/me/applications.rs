//! `/realms/:realm/my-applications`: the applications with access to the
//! signed-in person's account, and "Remove access". Server-rendered, so it
//! reads and works without JavaScript; with it, removal confirms in a dialog.

use leptos::prelude::*;
use leptos_meta::Title;

use super::card::ApplicationCard;
use super::sign_in_path;
use crate::api::me::load_my_applications;
use crate::components::errors::ErrorBox;
use crate::components::flash::Flash;
use crate::components::revoke::{DialogWords, Revocation, Revocations, Revoke};
use crate::error::AppError;
use crate::model::me::{MyApplication, MyApplications, RemovalNotice};
use crate::pages::params::use_realm;

const FLASH: &str = "my-applications";

#[component]
pub fn MyApplicationsPage() -> impl IntoView {
    let realm = use_realm();
    view! {
        <Title text="My applications"/>
        <h1>"My applications"</h1>
        <p class="lead">"Applications you allowed to use your account. Remove access from any you no longer use or trust."</p>
        <Flash key=FLASH.to_owned()/>
        <Suspense fallback=|| view! { <p class="loading">"Loading your applications…"</p> }>
            {Suspend::new(async move {
                match load_my_applications(realm.get_untracked()).await {
                    Ok(mine) => view! { <ApplicationsView mine=mine/> }.into_any(),
                    Err(AppError::NotSignedIn) => view! { <SignInPrompt realm=realm.get_untracked()/> }.into_any(),
                    Err(e @ AppError::Forbidden(_)) => view! {
                        <ErrorBox error=e/>
                        <p><a class="button" href=sign_in_path(&realm.get_untracked())>"Sign in to " {realm.get_untracked()}</a></p>
                    }.into_any(),
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// "Remove access…": a disclosure holding the no-script confirmation (`children`); with
/// script, inside the page's `Revocations`, its summary opens a dialog instead and the page
/// reloads after the removal.
#[component]
pub fn RemoveAccess(
    realm: String,
    client_id: String,
    name: String,
    effects: Vec<String>,
    children: Children,
) -> impl IntoView {
    let revoke = Revoke {
        revocation: Revocation::MyAccess { realm, client_id },
        title: format!("Remove access of {name}?"),
        paragraphs: vec![EFFECTS_LEAD.to_owned()],
        list: effects,
        done: Some(format!(
            "Access removed: {name} can no longer use your account."
        )),
    };
    view! {
        <details class="remove-access">
            <summary class="button danger small" data-revoke=revoke.attribute()>
                "Remove access" <span class="visually-hidden">" of " {name}</span> "…"
            </summary>
            {children()}
        </details>
    }
}

const EFFECTS_LEAD: &str = "If you remove access:";

/// What every removal's dialog shares; each names its application and effects itself.
fn dialog_words() -> DialogWords {
    DialogWords {
        confirm_label: "Remove access".to_owned(),
        paragraphs: Vec::new(),
        flash_key: FLASH.to_owned(),
        done: "Access removed.".to_owned(),
    }
}

/// "If you remove access: …", in the no-script confirmation (the dialog says the same).
#[component]
pub fn RemovalEffects(effects: Vec<String>) -> impl IntoView {
    view! {
        <p>{EFFECTS_LEAD}</p>
        <ul>{effects.into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}</ul>
    }
}

#[component]
fn SignInPrompt(realm: String) -> impl IntoView {
    view! {
        <div class="alert warning" role="alert">
            <p>"Sign in to see the applications that can use your account in the realm " <strong>{realm.clone()}</strong> "."</p>
            <p><a class="button" href=sign_in_path(&realm)>"Sign in"</a></p>
        </div>
    }
}

#[component]
fn ApplicationsView(mine: MyApplications) -> impl IntoView {
    let now = mine.now_ms;
    let realm = mine.realm.clone();
    let notice = mine.notice.clone().map(|notice| match notice {
        RemovalNotice::Removed { application } => view! {
            <div class="alert success" role="status">
                "Access removed: " <strong>{application}</strong> " can no longer use your account."
            </div>
        }
        .into_any(),
        RemovalNotice::Failed { message } => view! {
            <div class="alert error" role="alert"><p>{format!("Access was not removed. {message}")}</p></div>
        }
        .into_any(),
    });
    let with_access: Vec<MyApplication> = mine.with_access().cloned().collect();
    let signed_in_only: Vec<MyApplication> = mine.signed_in_only().cloned().collect();
    let list = if with_access.is_empty() {
        view! {
            <div class="empty my-apps-empty">
                <p><strong>"No application has access to your account."</strong></p>
                <p>
                    "When you allow an application to use your account \u{2014} for example by choosing \u{201c}Yes\u{201d} "
                    "on a permission screen, or by letting it keep working for you while you are away \u{2014} "
                    "it appears here, and you can remove its access at any time."
                </p>
            </div>
        }
        .into_any()
    } else {
        view! {
            <Revocations words=dialog_words()>
                <ul class="app-list">
                    {with_access.into_iter().map(|app| view! {
                        <li><ApplicationCard app=app realm=realm.clone() now_ms=now/></li>
                    }).collect_view()}
                </ul>
            </Revocations>
        }
        .into_any()
    };
    let signed_in = (!signed_in_only.is_empty()).then(|| view! {
        <h2>"Signed in right now"</h2>
        <p class="muted">"These applications have no lasting access: they only use your current sign-in, which ends when you sign out."</p>
        <ul class="signed-in-list">
            {signed_in_only.into_iter().map(|app| view! {
                <li>{if app.this_console { format!("{} (this console)", app.name) } else { app.name }}</li>
            }).collect_view()}
        </ul>
    });
    view! {
        {notice}
        <p class="muted">"Signed in as " <strong>{mine.username}</strong> " in the realm " <strong>{mine.realm.clone()}</strong> "."</p>
        <h2>"Applications with access to your account"</h2>
        {list}
        {signed_in}
    }
}
