//! Every "revoke" that waits for a confirmation dialog: an offline session, a user's consent,
//! one's own application access. A page's triggers are plain elements inside one island,
//! `Revocations`, which handles their clicks by delegation: each trigger carries its change
//! and its own words (`data-revoke`), the island the words its dialogs share: one island per
//! row would render, serialise and hydrate an island for every row. The page writes the
//! dialog's words, so they stay on the server and out of the browser bundle.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api::me::remove_my_access;
use crate::api::sessions::revoke_offline_session;
use crate::api::users::revoke_user_consent;
use crate::components::confirm::ConfirmDialog;
use crate::components::errors::ErrorBox;
use crate::components::flash::reload_with;
use crate::error::AppError;

/// The change the dialog's confirm button sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Revocation {
    OfflineSession {
        realm: String,
        client: String,
        user: String,
        session: String,
    },
    Consent {
        realm: String,
        user: String,
        client_id: String,
    },
    MyAccess {
        realm: String,
        client_id: String,
    },
}

impl Revocation {
    async fn send(self) -> Result<(), AppError> {
        match self {
            Revocation::OfflineSession {
                realm,
                client,
                user,
                session,
            } => revoke_offline_session(realm, client, user, session).await,
            Revocation::Consent {
                realm,
                user,
                client_id,
            } => revoke_user_consent(realm, user, client_id).await,
            Revocation::MyAccess { realm, client_id } => remove_my_access(realm, client_id).await,
        }
    }
}

/// What the dialogs of one `Revocations` share: the confirm button, the explanation after a
/// trigger's own words, and the message the page shows once it has reloaded. Written once per
/// page (the island's props), not once per trigger, where they would repeat on every row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DialogWords {
    pub confirm_label: String,
    pub paragraphs: Vec<String>,
    /// The page's `Flash` key.
    pub flash_key: String,
    pub done: String,
}

/// One trigger: its change and the words only it has (the JSON of its `data-revoke`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revoke {
    pub revocation: Revocation,
    pub title: String,
    /// Shown before the shared paragraphs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub paragraphs: Vec<String>,
    /// A list after the paragraphs, e.g. what removing this access does.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub list: Vec<String>,
    /// The message after the change, when it names what this trigger removed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done: Option<String>,
}

impl Revoke {
    /// A trigger whose dialog says only its title and the shared words.
    pub fn titled(revocation: Revocation, title: String) -> Self {
        Revoke {
            revocation,
            title,
            paragraphs: Vec::new(),
            list: Vec::new(),
            done: None,
        }
    }

    /// The value of a trigger's `data-revoke` attribute.
    pub fn attribute(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Around a page's triggers (`children`): a click on an element with `data-revoke` opens its
/// dialog. The dialog stays open while the change runs and shows its error, if any; after the
/// change the page reloads.
#[island(lazy)]
pub fn Revocations(words: DialogWords, children: Children) -> impl IntoView {
    let asked: RwSignal<Option<Revoke>> = RwSignal::new(None);
    let DialogWords {
        confirm_label,
        paragraphs: shared,
        flash_key,
        done,
    } = words;
    let action = Action::new(move |revoke: &Revoke| {
        let revocation = revoke.revocation.clone();
        let done = revoke.done.clone().unwrap_or_else(|| done.clone());
        let flash_key = flash_key.clone();
        async move {
            let result = revocation.send().await;
            if result.is_ok() {
                reload_with(&flash_key, &done);
            }
            result
        }
    });
    // The next dialog starts without this one's error.
    let close = move || {
        asked.set(None);
        action.value().set(None);
    };
    view! {
        <div class="confirm-trigger" on:click=move |ev| {
            if let Some(revoke) = clicked_trigger(&ev) {
                ev.prevent_default();
                asked.set(Some(revoke));
            }
        }>
            {children()}
        </div>
        {move || asked.get().map(|revoke| {
            let Revoke { title, mut paragraphs, list, .. } = revoke.clone();
            paragraphs.extend(shared.iter().cloned());
            let confirm_label = confirm_label.clone();
            view! {
                <ConfirmDialog
                    title=title
                    confirm_label=confirm_label
                    pending=action.pending().into()
                    on_cancel=Callback::new(move |_| close())
                    on_confirm=Callback::new(move |_| { action.dispatch(revoke.clone()); })
                >
                    {paragraphs.into_iter().map(|p| view! { <p>{p}</p> }).collect_view()}
                    {(!list.is_empty()).then(|| view! {
                        <ul>{list.into_iter().map(|item| view! { <li>{item}</li> }).collect_view()}</ul>
                    })}
                    {move || action.value().get().and_then(Result::err).map(|e| view! { <ErrorBox error=e/> })}
                </ConfirmDialog>
            }
        })}
    }
}

/// `children` inside `Revocations` when the viewer may revoke, and as they are otherwise, so a
/// view-only page loads no revoke code.
#[component]
pub fn RevocationsIf(may_revoke: bool, words: DialogWords, children: Children) -> impl IntoView {
    if may_revoke {
        view! { <Revocations words=words>{children()}</Revocations> }.into_any()
    } else {
        children().into_any()
    }
}

/// The usual trigger: a "Revoke…" button; it works inside `Revocations`.
#[component]
pub fn RevokeButton(revoke: Revoke) -> impl IntoView {
    view! {
        <button type="button" class="danger small" data-revoke=revoke.attribute()>"Revoke…"</button>
    }
}

/// The change of the trigger a click landed on, if it landed on one (not, say, on the
/// no-script form of a disclosure opened before the page was interactive).
#[cfg(feature = "hydrate")]
fn clicked_trigger(ev: &leptos::ev::MouseEvent) -> Option<Revoke> {
    use wasm_bindgen::JsCast;
    let target = ev.target()?.dyn_into::<web_sys::Element>().ok()?;
    let trigger = target.closest("[data-revoke]").ok()??;
    serde_json::from_str(&trigger.get_attribute("data-revoke")?).ok()
}

#[cfg(not(feature = "hydrate"))]
fn clicked_trigger(_: &leptos::ev::MouseEvent) -> Option<Revoke> {
    None
}
