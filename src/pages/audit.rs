//! The audit log: who changed what, when, and whether Keycloak confirmed it.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::audit::audit_log;
use crate::components::errors::ErrorBox;
use crate::components::href::query_value;
use crate::components::pager::Pager;
use crate::model::audit::AuditFilter;
use crate::pages::params::{query_text, query_u32};

/// The filters as a query string ending in `&` (or empty), for links that keep them.
fn filter_query(filter: &AuditFilter) -> String {
    [
        ("actor", &filter.actor),
        ("action", &filter.action),
        ("realm", &filter.realm),
        ("outcome", &filter.outcome),
        ("from", &filter.from),
        ("to", &filter.to),
    ]
    .iter()
    .filter_map(|(name, value)| {
        value
            .as_deref()
            .filter(|v| !v.is_empty())
            .map(|v| format!("{name}={}&", query_value(v)))
    })
    .collect()
}

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let actor = query_text("actor");
    let action = query_text("action");
    let realm = query_text("realm");
    let outcome = query_text("outcome");
    let from = query_text("from");
    let to = query_text("to");
    let first = query_u32("first", 0);
    let max = query_u32("max", 50);
    let filter = Memo::new(move |_| AuditFilter {
        actor: Some(actor.get()),
        action: Some(action.get()),
        realm: Some(realm.get()),
        outcome: Some(outcome.get()),
        from: Some(from.get()),
        to: Some(to.get()),
    });
    view! {
        <Title text="Audit log"/>
        <h1>"Audit log"</h1>
        <p class="hint">"Every change made through this console: an attempt is recorded before Keycloak is called, then its outcome."</p>
        <form method="get" class="inline-form" role="search">
            <div class="field"><label for="f-actor">"Actor"</label><input id="f-actor" name="actor" value=move || actor.get()/></div>
            <div class="field"><label for="f-action">"Action"</label><input id="f-action" name="action" value=move || action.get()/></div>
            <div class="field"><label for="f-realm">"Realm"</label><input id="f-realm" name="realm" value=move || realm.get()/></div>
            <div class="field"><label for="f-outcome">"Outcome"</label>
                <select id="f-outcome" name="outcome">
                    <option value="">"any"</option>
                    <option value="attempted" selected=move || outcome.get() == "attempted">"attempted"</option>
                    <option value="succeeded" selected=move || outcome.get() == "succeeded">"succeeded"</option>
                    <option value="failed" selected=move || outcome.get() == "failed">"failed"</option>
                    <option value="unknown" selected=move || outcome.get() == "unknown">"unknown (not confirmed)"</option>
                </select>
            </div>
            <div class="field"><label for="f-from">"From"</label><input id="f-from" type="date" name="from" value=move || from.get()/></div>
            <div class="field"><label for="f-to">"To"</label><input id="f-to" type="date" name="to" value=move || to.get()/></div>
            <div class="field"><button type="submit">"Filter"</button></div>
            <div class="field">
                <a class="button secondary" download="audit-log.csv"
                    href=move || format!("/audit.csv?{}", filter_query(&filter.get()))>"Download CSV"</a>
            </div>
        </form>
        <Suspense fallback=|| view! { <p class="loading">"Loading the audit log…"</p> }>
            {Suspend::new(async move {
                match audit_log(filter.get_untracked(), first.get_untracked(), max.get_untracked()).await {
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    Ok(page) if page.entries.is_empty() => view! {
                        <p class="empty">"Nothing recorded yet for these filters. Revocations and policy changes made here will appear."</p>
                    }.into_any(),
                    Ok(page) => {
                        let shown = page.entries.len();
                        view! {
                            <div class="table-wrap">
                                <table>
                                    <thead><tr>
                                        <th scope="col">"Time (UTC)"</th><th scope="col">"Actor"</th><th scope="col">"Realm"</th>
                                        <th scope="col">"Action"</th><th scope="col">"Target"</th><th scope="col">"Outcome"</th><th scope="col">"Detail"</th>
                                    </tr></thead>
                                    <tbody>
                                        {page.entries.into_iter().map(|e| {
                                            let class = format!("outcome-{}", e.outcome);
                                            view! {
                                            <tr class=class>
                                                <td class="mono">{e.occurred_at}</td>
                                                <td>{format!("{} ({})", e.actor, e.actor_realm)}</td>
                                                <td>{e.realm}</td>
                                                <td>{e.action}</td>
                                                <td>{e.target}</td>
                                                <td><span class="badge">{e.outcome}</span></td>
                                                <td>{e.detail.unwrap_or_default()}</td>
                                            </tr>
                                        }}).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            <Pager base=format!("/audit?{}", filter_query(&filter.get_untracked())) first=page.first max=page.max shown=shown total=page.total/>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_keeps_every_filter() {
        let f = AuditFilter {
            actor: Some("real admin".into()),
            outcome: Some("failed".into()),
            realm: Some(String::new()),
            ..AuditFilter::default()
        };
        assert_eq!(filter_query(&f), "actor=real%20admin&outcome=failed&");
    }
}
