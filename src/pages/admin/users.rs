//! User search with Keycloak's semantics: prefix by default, `*infix*`, `"exact"`.

use leptos::prelude::*;
use leptos_meta::Title;

use super::{query_text, query_u32, use_realm, RealmHeader};
use crate::api::users::search_users;
use crate::components::errors::ErrorBox;
use crate::components::href::{query_value, realm_path, seg};
use crate::components::pager::Pager;
use crate::components::search_form::SearchForm;

#[component]
pub fn UsersPage() -> impl IntoView {
    let realm = use_realm();
    let search = query_text("search");
    let first = query_u32("first", 0);
    let max = query_u32("max", 25);
    view! {
        <Title text="Users"/>
        <RealmHeader title="Users" realm=realm/>
        <SearchForm
            id="user-search"
            label="Username, email or name"
            search=search
            hint="Starts with the text; use *text* for contains and \"text\" for an exact match."
        />
        <Suspense fallback=|| view! { <p class="loading">"Loading users…"</p> }>
            {Suspend::new(async move {
                match search_users(realm.get_untracked(), search.get_untracked(), first.get_untracked(), max.get_untracked()).await {
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    Ok(page) if page.users.is_empty() => view! {
                        <p class="empty">"No user matches. Try fewer letters, or *part* to search inside names."</p>
                    }.into_any(),
                    Ok(page) => {
                        let realm = realm.get_untracked();
                        let base = format!("{}?search={}&", realm_path(&realm, "/users"), query_value(&search.get_untracked()));
                        let shown = page.users.len();
                        view! {
                            <div class="table-wrap">
                                <table>
                                    <thead><tr><th scope="col">"Username"</th><th scope="col">"Email"</th><th scope="col">"Name"</th><th scope="col">"Enabled"</th></tr></thead>
                                    <tbody>
                                        {page.users.into_iter().map(|u| {
                                            let href = realm_path(&realm, &format!("/users/{}", seg(&u.id)));
                                            let name = [u.first_name.unwrap_or_default(), u.last_name.unwrap_or_default()].join(" ");
                                            view! {
                                                <tr>
                                                    <td><a href=href>{u.username}</a></td>
                                                    <td>{u.email.unwrap_or_default()}</td>
                                                    <td>{name.trim().to_owned()}</td>
                                                    <td>{if u.enabled { "yes" } else { "no" }}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            <Pager base=base first=page.first max=page.max shown=shown total=page.total/>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
