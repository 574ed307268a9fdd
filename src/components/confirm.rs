//! A modal confirmation for destructive actions, saying what stops working.

use leptos::prelude::*;

#[component]
pub fn ConfirmDialog(
    title: String,
    confirm_label: String,
    on_confirm: Callback<()>,
    on_cancel: Callback<()>,
    #[prop(optional)] pending: Option<Signal<bool>>,
    children: Children,
) -> impl IntoView {
    let busy = move || pending.map(|p| p.get()).unwrap_or(false);
    view! {
        <div class="dialog-backdrop">
            <div class="dialog" role="alertdialog" aria-modal="true" aria-labelledby="confirm-title">
                <h2 id="confirm-title">{title}</h2>
                {children()}
                <div class="dialog-actions">
                    <button type="button" class="secondary" on:click=move |_| on_cancel.run(())>"Cancel"</button>
                    <button
                        type="button"
                        class="danger"
                        autofocus
                        disabled=busy
                        on:click=move |_| on_confirm.run(())
                    >
                        {confirm_label}
                    </button>
                </div>
            </div>
        </div>
    }
}
