//! Every "revoke" that waits for a confirmation dialog is this one island: an offline
//! session, a user's consent, one's own application access. One island is one split point
//! of the browser bundle, and each split point cuts the code the lazy islands share into
//! more, smaller chunks; the page writes the dialog's words, so they stay on the server.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api::me::remove_my_access;
use crate::api::sessions::revoke_offline_session;
use crate::api::users::revoke_user_consent;
use crate::components::confirm::ConfirmedChange;
use crate::components::flash::reload_with;
use crate::error::AppError;

/// The change the dialog's confirm button sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Revocation {
    OfflineSession {
        realm: String,
        client: String,
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
                session,
            } => revoke_offline_session(realm, client, session).await,
            Revocation::Consent {
                realm,
                user,
                client_id,
            } => revoke_user_consent(realm, user, client_id).await,
            Revocation::MyAccess { realm, client_id } => remove_my_access(realm, client_id).await,
        }
    }
}

/// What the dialog says, and the message the page shows once it has reloaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confirmation {
    pub title: String,
    pub confirm_label: String,
    pub paragraphs: Vec<String>,
    /// A list after the paragraphs, e.g. what removing access does; may be empty.
    pub list: Vec<String>,
    /// The page's `Flash` key and its message after the change.
    pub flash_key: String,
    pub done: String,
}

/// `children` hold the trigger, an element marked `data-confirm-trigger` (a "Revoke…"
/// button, or the summary of a disclosure whose content is the no-script confirmation).
/// A click on it opens the dialog; the page reloads after the change.
#[island(lazy)]
pub fn Revoke(
    revocation: Revocation,
    confirmation: Confirmation,
    children: Children,
) -> impl IntoView {
    let Confirmation {
        title,
        confirm_label,
        paragraphs,
        list,
        flash_key,
        done,
    } = confirmation;
    let confirming = RwSignal::new(false);
    let action = Action::new(move |_: &()| {
        let (revocation, flash_key, done) = (revocation.clone(), flash_key.clone(), done.clone());
        async move {
            let result = revocation.send().await;
            if result.is_ok() {
                reload_with(&flash_key, &done);
            }
            result
        }
    });
    view! {
        <div class="confirm-trigger" on:click=move |ev| {
            if on_a_trigger(&ev) {
                ev.prevent_default();
                confirming.set(true);
            }
        }>
            {children()}
        </div>
        <ConfirmedChange action=action confirming=confirming title=title confirm_label=confirm_label>
            {paragraphs.iter().map(|p| view! { <p>{p.clone()}</p> }).collect_view()}
            {(!list.is_empty()).then(|| view! {
                <ul>{list.iter().map(|item| view! { <li>{item.clone()}</li> }).collect_view()}</ul>
            })}
        </ConfirmedChange>
    }
}

/// The usual trigger: a "Revoke…" button.
#[component]
pub fn RevokeButton(revocation: Revocation, confirmation: Confirmation) -> impl IntoView {
    view! {
        <Revoke revocation=revocation confirmation=confirmation>
            <button type="button" class="danger small" data-confirm-trigger>"Revoke…"</button>
        </Revoke>
    }
}

/// Whether a click landed on the trigger (not, say, on the no-script form of a disclosure
/// opened before the page was interactive).
#[cfg(feature = "hydrate")]
fn on_a_trigger(ev: &leptos::ev::MouseEvent) -> bool {
    use wasm_bindgen::JsCast;
    ev.target()
        .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
        .and_then(|element| element.closest("[data-confirm-trigger]").ok().flatten())
        .is_some()
}

#[cfg(not(feature = "hydrate"))]
fn on_a_trigger(_: &leptos::ev::MouseEvent) -> bool {
    false
}
