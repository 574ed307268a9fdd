//! A duration field: a whole number, a unit (minutes, hours, days), a one-line
//! meaning and the message when the value is wrong.

use leptos::prelude::*;

use crate::model::duration::DurationUnit;

#[component]
pub fn DurationInput(
    /// The id of the number input (the unit select gets `<id>-unit`).
    id: &'static str,
    label: &'static str,
    /// What the value means, in one line.
    meaning: &'static str,
    value: RwSignal<String>,
    unit: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional, into)] disabled: Signal<bool>,
) -> impl IntoView {
    let unit_id = format!("{id}-unit");
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described_by = format!("{hint_id} {error_id}");
    view! {
        <div class="field duration-field">
            <label for=id>{label}</label>
            <p class="hint" id=hint_id.clone()>{meaning}</p>
            <div class="duration-inputs">
                <input
                    id=id
                    type="text"
                    inputmode="numeric"
                    autocomplete="off"
                    // The attribute gives the server-rendered page its value; the
                    // property keeps it in step once the page is interactive.
                    value=value.get_untracked()
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                    aria-invalid=move || error.get().is_some().to_string()
                    aria-describedby=described_by
                    disabled=move || disabled.get()
                />
                <select
                    id=unit_id.clone()
                    aria-label=format!("{label}: unit")
                    prop:value=move || unit.get()
                    on:change=move |ev| unit.set(event_target_value(&ev))
                    disabled=move || disabled.get()
                >
                    {DurationUnit::ALL.map(|u| view! {
                        <option value=u.as_str() selected=move || unit.get() == u.as_str()>{u.as_str()}</option>
                    }).into_iter().collect_view()}
                </select>
            </div>
            <p class="field-error" id=error_id role="alert">{move || error.get()}</p>
        </div>
    }
    .into_any()
}
