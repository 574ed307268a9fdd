//! Find a client's offline sessions by idle time, expiry, age or username
//! (a background dry run), then revoke exactly what it found after a typed
//! confirmation. The job lives on the server; this page only watches it.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::{use_realm, RealmHeader};
use crate::api::jobs::{
    latest_session_job, CancelSessionJob, RevokeSessionJobMatches, StartSessionFilter,
};
use crate::components::errors::ErrorBox;
use crate::components::href::{realm_path, seg};
use crate::components::pager::thousands;
use crate::components::time::Moment;
use crate::error::AppError;
use crate::model::jobs::{JobState, MatchRow, SessionJob};

#[component]
pub fn SessionToolsPage() -> impl IntoView {
    let realm = use_realm();
    let params = use_params_map();
    let client = Memo::new(move |_| params.read().get("client").unwrap_or_default());
    let back = move || realm_path(&realm.get(), &format!("/clients/{}", seg(&client.get())));
    view! {
        <Title text="Find and revoke offline sessions"/>
        <RealmHeader title="Find and revoke offline sessions" realm=realm/>
        <p><a href=back>"← All offline sessions of this client"</a></p>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {Suspend::new(async move {
                let job = latest_session_job(realm.get_untracked(), client.get_untracked()).await;
                view! { <SessionTools realm=realm.get_untracked() client=client.get_untracked() job=job/> }
            })}
        </Suspense>
    }
}

/// The filter form and the latest job. The island asks for the job again after every
/// action, and every second while it runs.
#[island(lazy)]
fn SessionTools(
    realm: String,
    client: String,
    job: Result<Option<SessionJob>, AppError>,
) -> impl IntoView {
    let job = RwSignal::new(job);
    let start = ServerAction::<StartSessionFilter>::new();
    let cancel = ServerAction::<CancelSessionJob>::new();
    let revoke = ServerAction::<RevokeSessionJobMatches>::new();
    let refresh = {
        let (realm, client) = (realm.clone(), client.clone());
        move || {
            let (realm, client) = (realm.clone(), client.clone());
            leptos::task::spawn_local(async move {
                job.set(latest_session_job(realm, client).await);
            });
        }
    };
    Effect::watch(
        move || {
            (
                start.version().get(),
                cancel.version().get(),
                revoke.version().get(),
            )
        },
        {
            let refresh = refresh.clone();
            move |_, _, _| refresh()
        },
        false,
    );
    #[cfg(feature = "hydrate")]
    if let Ok(handle) = set_interval_with_handle(
        move || {
            if job.with_untracked(|j| matches!(j, Ok(Some(j)) if j.state.is_running())) {
                refresh();
            }
        },
        std::time::Duration::from_secs(1),
    ) {
        on_cleanup(move || handle.clear());
    }
    view! {
        <FilterForm realm=realm client=client start=start/>
        <ActionError result=Signal::derive(move || start.value().get().map(|r| r.map(|_| ())))/>
        <ActionError result=Signal::derive(move || cancel.value().get().map(|r| r.map(|_| ())))/>
        <ActionError result=Signal::derive(move || revoke.value().get().map(|r| r.map(|_| ())))/>
        {move || match job.get() {
            Err(e) => view! { <ErrorBox error=e/> }.into_any(),
            Ok(None) => view! {
                <p class="empty">"No dry run yet. Choose criteria above and start one: nothing is revoked without your confirmation."</p>
            }.into_any(),
            Ok(Some(job)) => view! { <JobPanel job=job cancel=cancel revoke=revoke/> }.into_any(),
        }}
    }
}

#[component]
fn ActionError(result: Signal<Option<Result<(), AppError>>>) -> impl IntoView {
    move || match result.get() {
        Some(Err(e)) => Some(view! { <ErrorBox error=e/> }),
        _ => None,
    }
}

#[component]
fn FilterForm(
    realm: String,
    client: String,
    start: ServerAction<StartSessionFilter>,
) -> impl IntoView {
    let idle = RwSignal::new(String::new());
    let expiring = RwSignal::new(String::new());
    let before = RwSignal::new(String::new());
    let username = RwSignal::new(String::new());
    let days = |text: String| text.trim().parse::<u32>().ok();
    let text = |text: String| Some(text).filter(|t| !t.trim().is_empty());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        start.dispatch(StartSessionFilter {
            realm: realm.clone(),
            client: client.clone(),
            idle_days: days(idle.get_untracked()),
            expiring_days: days(expiring.get_untracked()),
            started_before: text(before.get_untracked()),
            username_contains: text(username.get_untracked()),
        });
    };
    view! {
        <form class="filter-form" on:submit=submit>
            <div class="inline-form">
                <div class="field">
                    <label for="idle-days">"Idle for more than (days)"</label>
                    <input id="idle-days" type="number" min="0" max="36500" prop:value=idle on:input=move |ev| idle.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="expiring-days">"Expiring within (days)"</label>
                    <input id="expiring-days" type="number" min="0" max="36500" prop:value=expiring on:input=move |ev| expiring.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="started-before">"Started before"</label>
                    <input id="started-before" type="date" prop:value=before on:input=move |ev| before.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="username-contains">"Username contains"</label>
                    <input id="username-contains" maxlength="255" prop:value=username on:input=move |ev| username.set(event_target_value(&ev))/>
                </div>
            </div>
            <p class="hint">"Empty criteria are ignored; sessions must meet all the others. Expiry follows the realm's and the client's offline-session settings."</p>
            <button type="submit" disabled=move || start.pending().get()>"Start dry run"</button>
        </form>
    }
}

fn state_label(state: JobState) -> &'static str {
    match state {
        JobState::Scanning => "Dry run in progress",
        JobState::Scanned => "Dry run complete",
        JobState::Revoking => "Revoking",
        JobState::Done => "Revocation complete",
        JobState::Cancelled => "Cancelled",
        JobState::Failed => "Stopped",
    }
}

fn time_left(secs: u64) -> String {
    match secs {
        0..60 => "less than a minute left".into(),
        60..120 => "about a minute left".into(),
        _ => format!("about {} minutes left", secs.div_ceil(60)),
    }
}

fn counts(job: &SessionJob) -> String {
    match job.state {
        JobState::Scanning => format!(
            "Scanned {} of about {} · {} matching",
            thousands(job.scanned),
            thousands(job.total.max(job.scanned)),
            thousands(job.matched)
        ),
        JobState::Scanned => format!(
            "{} of {} sessions match",
            thousands(job.matched),
            thousands(job.scanned)
        ),
        _ => format!(
            "Revoked {} of {} · {} failed",
            thousands(job.revoked),
            thousands(job.matched),
            thousands(job.failed)
        ),
    }
}

#[component]
fn JobPanel(
    job: SessionJob,
    cancel: ServerAction<CancelSessionJob>,
    revoke: ServerAction<RevokeSessionJobMatches>,
) -> impl IntoView {
    let (done, of) = job.progress();
    let id = job.id.clone();
    let cancel_label = if job.state == JobState::Scanned {
        "Discard dry run"
    } else {
        "Cancel"
    };
    let can_cancel = job.state.is_running() || job.state == JobState::Scanned;
    let cancel_id = id.clone();
    view! {
        <section class="job" aria-live="polite">
            <h2>{state_label(job.state)}</h2>
            <p>"Criteria: " <strong>{job.filter_text.clone()}</strong> " · evaluated as of " <Moment ms=job.as_of_ms now_ms=job.as_of_ms/></p>
            <progress max=of.max(1) value=done aria-label="Progress"></progress>
            <p class="job-counts">
                {counts(&job)}
                {job.eta_secs.map(|s| format!(" · {}", time_left(s)))}
            </p>
            {job.error.clone().map(|e| view! { <p class="alert error" role="alert">{e}</p> })}
            {(job.matched > 0).then(|| {
                let export = format!("/export/jobs/{}/matches", seg(&job.id));
                view! {
                    <p class="export-links">
                        "Download the matches: "
                        <a class="button secondary small" href=format!("{export}.csv") download rel="external">"CSV"</a>
                        " "
                        <a class="button secondary small" href=format!("{export}.json") download rel="external">"JSON"</a>
                    </p>
                }
            })}
            {can_cancel.then(|| view! {
                <button type="button" class="secondary" disabled=move || cancel.pending().get()
                    on:click=move |_| { cancel.dispatch(CancelSessionJob { id: cancel_id.clone() }); }>
                    {cancel_label}
                </button>
            })}
            {(job.shared > 0).then(|| view! {
                <p class="alert warning shared-sessions" role="note">
                    {format!(
                        "{} of these sessions also hold offline access for {}: Keycloak ends a whole offline session, so revoking them ends that access too.",
                        thousands(job.shared),
                        job.shared_with.join(", ")
                    )}
                </p>
            })}
            {(job.state == JobState::Scanned && job.matched > 0).then(|| view! {
                <Confirm id=id.clone() client_id=job.client_id.clone() matched=job.matched revoke=revoke/>
            })}
            {(!job.sample.is_empty()).then(|| view! {
                <MatchTable caption=format!("The first {} matches", job.sample.len()) rows=job.sample.clone() as_of=job.as_of_ms/>
            })}
            {(!job.failures.is_empty()).then(|| view! {
                <MatchTable caption=format!("Revocations that failed ({} in all)", thousands(job.failed)) rows=job.failures.clone() as_of=job.as_of_ms/>
            })}
        </section>
    }
}

/// The typed confirmation: the clientId, so a revocation is never one click away.
#[component]
fn Confirm(
    id: String,
    client_id: String,
    matched: u64,
    revoke: ServerAction<RevokeSessionJobMatches>,
) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let expected = client_id.clone();
    let matches = move || typed.get().trim() == expected;
    view! {
        <div class="confirm-revoke alert warning">
            <p>
                "Revoking ends these " {thousands(matched)} " offline sessions: the applications' offline tokens stop working at their next use, and each user has to grant offline access again. Sessions that changed since the dry run are revoked all the same."
            </p>
            <label for="confirm-client">"Type " <code>{client_id.clone()}</code> " to confirm"</label>
            <input id="confirm-client" autocomplete="off" prop:value=typed on:input=move |ev| typed.set(event_target_value(&ev))/>
            <button type="button" class="danger"
                disabled=move || !matches() || revoke.pending().get()
                on:click=move |_| {
                    revoke.dispatch(RevokeSessionJobMatches { id: id.clone(), confirmation: typed.get_untracked() });
                }>
                {format!("Revoke {} sessions", thousands(matched))}
            </button>
        </div>
    }
}

#[component]
fn MatchTable(caption: String, rows: Vec<MatchRow>, as_of: i64) -> impl IntoView {
    let show_detail = rows.iter().any(|r| r.detail.is_some());
    view! {
        <div class="table-wrap">
            <table>
                <caption>{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">"User"</th>
                        <th scope="col">"Started"</th>
                        <th scope="col">"Last access"</th>
                        {show_detail.then(|| view! { <th scope="col">"Why it failed"</th> })}
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|row| view! {
                        <tr>
                            <td>{row.username}</td>
                            <td><Moment ms=row.started_ms now_ms=as_of/></td>
                            <td><Moment ms=row.last_access_ms now_ms=as_of/></td>
                            {show_detail.then(|| view! { <td>{row.detail.clone().unwrap_or_default()}</td> })}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
