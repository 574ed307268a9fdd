//! The search box of a list page: a GET form that puts `search` in the URL.

use leptos::prelude::*;

/// `id` names the input for its label; `hint` explains the search syntax, if it has one.
#[component]
pub fn SearchForm(
    id: &'static str,
    label: &'static str,
    search: Memo<String>,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    view! {
        <form method="get" class="inline-form" role="search">
            <div class="field">
                <label for=id>{label}</label>
                <input id=id name="search" maxlength="255" value=move || search.get()/>
                {hint.map(|hint| view! { <p class="hint">{hint}</p> })}
            </div>
            <div class="field"><button type="submit">"Search"</button></div>
        </form>
    }
}
