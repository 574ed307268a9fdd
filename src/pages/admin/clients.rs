//! Finding a client by clientId.

use leptos::prelude::*;
use leptos_meta::Title;

use super::{query_text, query_u32, use_realm, RealmHeader};
use crate::api::clients::search_clients;
use crate::components::errors::ErrorBox;
use crate::components::href::{query_value, realm_path, seg};
use crate::components::pager::Pager;
use crate::components::search_form::SearchForm;

#[component]
pub fn ClientsPage() -> impl IntoView {
    let realm = use_realm();
    let search = query_text("search");
    let first = query_u32("first", 0);
    let max = query_u32("max", 25);
    view! {
        <Title text="Clients"/>
        <RealmHeader title="Clients" realm=realm/>
        <SearchForm id="client-search" label="clientId contains" search=search/>
        <Suspense fallback=|| view! { <p class="loading">"Loading clients…"</p> }>
            {Suspend::new(async move {
                match search_clients(realm.get_untracked(), search.get_untracked(), first.get_untracked(), max.get_untracked()).await {
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    Ok(list) if list.clients.is_empty() => view! {
                        <p class="empty">"No client matches. Try a shorter part of the clientId."</p>
                    }.into_any(),
                    Ok(list) => {
                        let realm = realm.get_untracked();
                        let base = format!("{}?search={}&", realm_path(&realm, "/clients"), query_value(&search.get_untracked()));
                        let shown = list.clients.len();
                        view! {
                            <div class="table-wrap">
                                <table>
                                    <thead><tr><th scope="col">"clientId"</th><th scope="col">"Name"</th><th scope="col">"Description"</th></tr></thead>
                                    <tbody>
                                        {list.clients.into_iter().map(|c| {
                                            let href = realm_path(&realm, &format!("/clients/{}", seg(&c.id)));
                                            view! {
                                                <tr>
                                                    <td><a href=href>{c.client_id}</a></td>
                                                    <td>{c.name.unwrap_or_default()}</td>
                                                    <td>{c.description.unwrap_or_default()}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            <Pager base=base first=list.first max=list.max shown=shown has_more=list.has_more/>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
