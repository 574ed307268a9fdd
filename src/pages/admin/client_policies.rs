//! The offline policy each client really gets, and where each value comes from.

use leptos::prelude::*;

use crate::components::errors::ErrorBox;
use crate::components::href::{realm_path, seg};
use crate::error::AppError;
use crate::model::readiness::{ClientPolicyRow, ClientPolicyTable, Source};
use crate::model::time::format_duration;

fn source_badge(source: Source) -> impl IntoView {
    let (class, text) = match source {
        Source::Realm => ("badge", "realm"),
        Source::RealmClientDefault => ("badge", "realm client default"),
        Source::Client => ("badge offline", "client override"),
    };
    view! { <span class=class>{text}</span> }
}

#[component]
pub fn ClientPolicies(realm: String, table: Result<ClientPolicyTable, AppError>) -> impl IntoView {
    let body = match table {
        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
        Ok(table) => view! {
            <div class="table-wrap">
                <table>
                    <thead><tr>
                        <th scope="col">"Client"</th><th scope="col">"Offline idle"</th><th scope="col">"Offline max"</th>
                        <th scope="col">"Revoke refresh token"</th><th scope="col">"Max reuse"</th><th scope="col">"Warnings"</th>
                    </tr></thead>
                    <tbody>
                        {table.rows.into_iter().map(|row| view! { <PolicyRow row=row realm=realm.clone()/> }).collect_view()}
                    </tbody>
                </table>
            </div>
            {table.truncated.then(|| view! { <p class="muted">"Only the first 200 clients are listed."</p> })}
        }
        .into_any(),
    };
    view! {
        <section class="client-policies" aria-labelledby="client-policies-title">
            <h2 id="client-policies-title">"What each client gets"</h2>
            <p class="hint">"A client may shorten the realm's offline limits with its own attributes (client.offline.session.idle.timeout, client.offline.session.max.lifespan); it can never lengthen them. Revoke refresh token and max reuse are realm-wide."</p>
            {body}
        </section>
    }
    .into_any()
}

#[component]
fn PolicyRow(row: ClientPolicyRow, realm: String) -> impl IntoView {
    let href = realm_path(&realm, &format!("/clients/{}", seg(&row.id)));
    let max = match row.max_secs {
        Some(max) => view! { {format_duration(max)} " " {source_badge(row.max_source)} }.into_any(),
        None => view! { <span class="muted">"not limited"</span> }.into_any(),
    };
    let class = if row.warnings.is_empty() {
        ""
    } else {
        "has-warnings"
    };
    view! {
        <tr class=class>
            <td><a href=href>{row.client_id.clone()}</a></td>
            <td>{format_duration(row.idle_secs)} " " {source_badge(row.idle_source)}</td>
            <td>{max}</td>
            <td>{if row.revoke_refresh_token { "on" } else { "off" }} " " {source_badge(Source::Realm)}</td>
            <td>{row.refresh_token_max_reuse} " " {source_badge(Source::Realm)}</td>
            <td>
                {if row.warnings.is_empty() {
                    view! { <span class="muted">"—"</span> }.into_any()
                } else {
                    view! { <ul class="row-warnings">{row.warnings.into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}</ul> }.into_any()
                }}
            </td>
        </tr>
    }
}
