//! Per-client active and offline session counts with totals and a chart.

use leptos::prelude::*;
use leptos_meta::Title;

use super::{use_realm, RealmHeader};
use crate::api::overview::realm_overview;
use crate::components::chart::{Bar, SessionBars};
use crate::components::errors::ErrorBox;
use crate::components::href::{realm_path, seg};
use crate::components::pager::thousands;
use crate::pages::admin::history::HistoryPanel;

#[component]
pub fn OverviewPage() -> impl IntoView {
    let realm = use_realm();
    view! {
        <Title text="Overview"/>
        <RealmHeader title="Overview" realm=realm/>
        <Suspense fallback=|| view! { <p class="loading">"Loading session counts…"</p> }>
            {Suspend::new(async move {
                match realm_overview(realm.get_untracked()).await {
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    Ok(o) if o.clients.is_empty() => view! {
                        <p class="empty">"No client in this realm has active or offline sessions yet. Sessions appear here once users sign in to an application."</p>
                    }.into_any(),
                    Ok(o) => {
                        let bars = o.clients.iter().take(15).map(|c| Bar {
                            label: c.client_id.clone(),
                            offline: c.offline,
                            active: c.active,
                        }).collect::<Vec<_>>();
                        let caption = format!("Offline and active sessions per client in realm {}", o.realm);
                        let realm = o.realm.clone();
                        view! {
                            <div class="stat-row">
                                <p class="stat"><span class="stat-value">{thousands(o.total_offline)}</span>" offline sessions"</p>
                                <p class="stat"><span class="stat-value">{thousands(o.total_active)}</span>" active sessions"</p>
                            </div>
                            <SessionBars bars=bars caption=caption/>
                            <div class="table-wrap">
                                <table>
                                    <caption>"Clients with sessions, most offline sessions first"</caption>
                                    <thead><tr><th scope="col">"Client"</th><th scope="col" class="num">"Offline"</th><th scope="col" class="num">"Active"</th></tr></thead>
                                    <tbody>
                                        {o.clients.into_iter().map(|c| {
                                            let href = realm_path(&realm, &format!("/clients/{}", seg(&c.id)));
                                            view! {
                                                <tr>
                                                    <td><a href=href>{c.client_id}</a></td>
                                                    <td class="num">{thousands(c.offline)}</td>
                                                    <td class="num">{thousands(c.active)}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                    <tfoot><tr><th scope="row">"Total"</th><td class="num">{thousands(o.total_offline)}</td><td class="num">{thousands(o.total_active)}</td></tr></tfoot>
                                </table>
                            </div>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
        <HistoryPanel realm=realm/>
    }
}
