//! The confirmation before saving: what changes, what it means, and how many
//! current offline sessions would end at once, counted client by client.

use leptos::prelude::*;

use crate::api::policy::{preview_policy_impact, SaveRealmPolicy};
use crate::components::confirm::ConfirmDialog;
use crate::components::errors::ErrorBox;
use crate::components::pager::thousands;
use crate::error::AppError;
use crate::model::admin::ClientStatsRow;
use crate::model::realm_policy::{ClientImpact, PolicyForm, PolicySettings};

/// The review dialog, from its own split chunk: the browser fetches it at the first
/// "Review changes…" instead of with the page.
#[lazy]
pub fn review_dialog(props: ReviewDialogProps) -> AnyView {
    ReviewDialog(props).into_any()
}

#[component]
pub fn ReviewDialog(
    realm: String,
    before: PolicySettings,
    after: PolicySettings,
    form: PolicyForm,
    offline_clients: Vec<ClientStatsRow>,
    save: ServerAction<SaveRealmPolicy>,
    on_close: Callback<()>,
) -> impl IntoView {
    let changes = before.changes_to(&after);
    let warnings = after.warnings();
    let needs_preview = before.may_end_sessions(&after) && !offline_clients.is_empty();
    let client_count = offline_clients.len();
    let impacts: RwSignal<Vec<ClientImpact>> = RwSignal::new(Vec::new());
    let preview_error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let previewing = RwSignal::new(needs_preview);
    if needs_preview {
        // The dialog only opens from a click, so this runs in the browser.
        let (realm, form) = (realm.clone(), form.clone());
        leptos::task::spawn_local(async move {
            for client in offline_clients {
                match preview_policy_impact(realm.clone(), form.clone(), client.id).await {
                    Ok(impact) => {
                        if impacts.try_update(|list| list.push(impact)).is_none() {
                            return; // the dialog was closed
                        }
                    }
                    Err(e) => {
                        preview_error.try_set(Some(e));
                        break;
                    }
                }
            }
            previewing.try_set(false);
        });
    }
    let busy = Signal::derive(move || save.pending().get() || previewing.get());
    let expected = before;
    view! {
        <ConfirmDialog
            title="Save these session settings?".to_owned()
            confirm_label="Save changes".to_owned()
            pending=busy
            on_cancel=on_close
            on_confirm=Callback::new(move |_| {
                save.dispatch(SaveRealmPolicy {
                    realm: realm.clone(),
                    form: form.clone(),
                    expected,
                });
                on_close.run(());
            })
        >
            <table class="diff">
                <thead><tr><th scope="col">"Setting"</th><th scope="col">"Now"</th><th scope="col">"After saving"</th></tr></thead>
                <tbody>
                    {changes.into_iter().map(|c| view! {
                        <tr><th scope="row">{c.setting}</th><td>{c.before}</td><td>{c.after}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
            {warnings.into_iter().map(|w| view! { <p class="alert warning">{w}</p> }).collect_view()}
            <p class="small">"Only these settings are written; everything else in the realm stays as it is. If someone changed them since this page was loaded, nothing is saved."</p>
            {needs_preview.then(|| view! {
                <section class="impact" aria-live="polite">
                    <h3>"Offline sessions that would end at once"</h3>
                    {move || previewing.get().then(|| view! {
                        <p class="loading">
                            <progress max=client_count value=move || impacts.with(Vec::len)></progress>
                            {move || format!(" Checking client {} of {client_count}…", (impacts.with(Vec::len) + 1).min(client_count))}
                        </p>
                    })}
                    {move || preview_error.get().map(|e| view! { <ErrorBox error=e/> })}
                    <ImpactTable impacts=impacts/>
                </section>
            })}
        </ConfirmDialog>
    }
    .into_any()
}

#[component]
fn ImpactTable(impacts: RwSignal<Vec<ClientImpact>>) -> impl IntoView {
    let total = move || impacts.with(|list| list.iter().map(|i| i.expiring).sum::<u64>());
    let sampled = move || impacts.with(|list| list.iter().any(|i| i.sampled));
    view! {
        <table class="impact-table">
            <thead><tr><th scope="col">"Client"</th><th scope="col">"Offline sessions"</th><th scope="col">"Would end at once"</th></tr></thead>
            <tbody>
                {move || impacts.get().into_iter().map(|i| {
                    let ending = if i.sampled {
                        format!("{} of the first {} checked (a sample)", thousands(i.expiring), thousands(i.examined))
                    } else {
                        thousands(i.expiring)
                    };
                    view! { <tr><td>{i.client_id}</td><td>{thousands(i.total)}</td><td class="impact-count">{ending}</td></tr> }
                }).collect_view()}
            </tbody>
        </table>
        <p class="impact-total">
            {move || format!("In all: {}{} offline sessions would end as soon as you save; their applications lose offline access until the user signs in again.",
                if sampled() { "at least " } else { "" }, thousands(total()))}
        </p>
    }
}
