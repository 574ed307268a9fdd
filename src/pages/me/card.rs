//! One application with access to the person's account, in plain words.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::applications::{RemovalEffects, RemoveAccess};
use crate::api::me::RemoveMyAccess;
use crate::components::href::seg;
use crate::components::time::Moment;
use crate::model::me::MyApplication;

#[component]
pub fn ApplicationCard(app: MyApplication, realm: String, now_ms: i64) -> impl IntoView {
    let heading = format!("app-{}", seg(&app.client_id));
    let origin = if app.third_party {
        "Made by someone else: it asked for your permission on a consent screen."
    } else {
        "Set up by your organisation, so it did not ask for your permission."
    };
    let in_use = if app.in_use {
        "Yes, you are signed in to it now."
    } else {
        "Not right now."
    };
    let consent = app.consent.clone().map(|c| {
        let permissions = if c.permissions.is_empty() {
            view! { <span class="muted">"No specific permissions recorded."</span> }.into_any()
        } else {
            view! { <ul>{c.permissions.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul> }.into_any()
        };
        view! {
            <div><dt>"Permissions you gave"</dt><dd>{permissions}</dd></div>
            {c.granted_ms.map(|ms| view! { <div><dt>"Access granted"</dt><dd><Moment ms=ms now_ms=now_ms/></dd></div> })}
            {c.updated_ms.filter(|ms| Some(*ms) != c.granted_ms).map(|ms| view! {
                <div><dt>"Last changed"</dt><dd><Moment ms=ms now_ms=now_ms/></dd></div>
            })}
        }
    });
    let links: Vec<(String, String)> = [
        app.url
            .clone()
            .map(|href| (href, format!("Open {}", app.name))),
        app.policy_url
            .clone()
            .map(|href| (href, "Privacy policy".to_owned())),
        app.terms_url
            .clone()
            .map(|href| (href, "Terms of service".to_owned())),
    ]
    .into_iter()
    .flatten()
    .collect();
    // No empty list: screen readers would announce "list, 0 items".
    let links = (!links.is_empty()).then(|| {
        view! {
            <ul class="app-links">
                {links.into_iter().map(|(href, label)| view! {
                    <li><a href=href rel="noopener noreferrer">{label}</a></li>
                }).collect_view()}
            </ul>
        }
    });
    let effects = app.removal_effects();
    let labelled_by = heading.clone();
    // Without JavaScript the form posts to the server function itself.
    let remove_path = <RemoveMyAccess as ServerFn>::PATH;
    view! {
        <article class="card app-card" aria-labelledby=labelled_by>
            <div class="app-card-head">
                <h3 id=heading>{app.name.clone()}</h3>
                <span class="badge">{if app.third_party { "Third-party" } else { "Internal" }}</span>
                {app.offline_access.then(|| view! {
                    <span class="badge offline">"Offline access"</span>
                    <span class="badge-note">"can act for you while you are away"</span>
                })}
            </div>
            {app.description.clone().map(|d| view! { <p>{d}</p> })}
            <dl class="facts">
                <div><dt>"Who provides it"</dt><dd>{origin}</dd></div>
                {app.offline_access.then(|| view! {
                    <div><dt>"Works while you are away"</dt><dd>"Yes: it can use your account even after you sign out, until you remove its access."</dd></div>
                })}
                <div><dt>"In use"</dt><dd>{in_use}</dd></div>
                {consent}
            </dl>
            {links}
            // Without JavaScript the disclosure is the confirmation; with it, the dialog is.
            <RemoveAccess realm=realm.clone() client_id=app.client_id.clone() name=app.name.clone() effects=effects.clone()>
                <div class="remove-confirm">
                    <RemovalEffects effects=effects.clone()/>
                    <form method="post" action=remove_path>
                        <input type="hidden" name="realm" value=realm.clone()/>
                        <input type="hidden" name="client_id" value=app.client_id.clone()/>
                        <button type="submit" class="danger">"Yes, remove access"</button>
                    </form>
                </div>
            </RemoveAccess>
        </article>
    }
}
