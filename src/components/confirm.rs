//! A modal confirmation for destructive actions, saying what stops working.

use leptos::prelude::*;

use crate::components::errors::ErrorBox;
use crate::error::AppError;

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

/// A one-shot change behind its confirmation: the dialog shows while `confirming`, its
/// confirm button runs `action` once, and the change's error, if any, shows here.
#[component]
pub fn ConfirmedChange(
    action: Action<(), Result<(), AppError>>,
    confirming: RwSignal<bool>,
    title: String,
    confirm_label: String,
    children: ChildrenFn,
) -> impl IntoView {
    view! {
        {move || action.value().get().and_then(Result::err).map(|e| view! { <ErrorBox error=e/> })}
        {move || confirming.get().then(|| {
            let children = children.clone();
            view! {
                <ConfirmDialog
                    title=title.clone()
                    confirm_label=confirm_label.clone()
                    pending=action.pending().into()
                    on_cancel=Callback::new(move |_| confirming.set(false))
                    on_confirm=Callback::new(move |_| {
                        action.dispatch(());
                        confirming.set(false);
                    })
                >
                    {children()}
                </ConfirmDialog>
            }
        })}
    }
}
