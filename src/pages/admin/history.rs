//! History: the connect / status panel of the overview, and the trends page.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::history::{history_trends, load_history_status, snapshot_history};
use crate::components::chart::{Line, TrendLines};
use crate::components::errors::ErrorBox;
use crate::components::flash::{reload_with, Flash};
use crate::components::pager::thousands;
use crate::components::time::Moment;
use crate::model::history::{HistoryStatus, Trends, UNUSUAL_MIN_GROWTH, UNUSUAL_MIN_PERCENT};
use crate::model::time::format_utc;

fn day(ms: i64) -> String {
    format_utc(ms).chars().take(10).collect()
}

/// The form that starts the offline grant (`/history/connect`, a redirect to Keycloak).
#[component]
fn ConnectForm(label: &'static str, next: String, enabled: bool) -> impl IntoView {
    view! {
        <form method="post" action="/history/connect" class="connect-history">
            <input type="hidden" name="next" value=next/>
            <button type="submit" disabled=!enabled>{label}</button>
        </form>
    }
}

/// Revokes the stored token and ends the connection (`/history/disconnect`); the history stays.
#[component]
fn DisconnectForm(next: String) -> impl IntoView {
    view! {
        <form method="post" action="/history/disconnect" class="disconnect-history">
            <input type="hidden" name="next" value=next/>
            <button type="submit" class="danger">"Disconnect history"</button>
        </form>
    }
}

#[component]
fn StatusView(status: HistoryStatus, next: String) -> impl IntoView {
    let now_ms = status.now_ms;
    let key = status.key_configured;
    let no_key = (!key).then(|| view! {
        <p class="alert warning history-no-key">
            "History needs an encryption key for the stored offline token: set "
            <code>"HISTORY_KEY"</code> " (32 random bytes in base64, e.g. " <code>"openssl rand -base64 32"</code>
            ") and restart the console."
        </p>
    });
    let last_run = status.last_run.map(|run| {
        let outcome = if run.succeeded {
            "succeeded".to_owned()
        } else {
            format!("failed ({})", run.detail.unwrap_or_default())
        };
        view! { <p class="last-run">"Last snapshot: " <Moment ms=run.keycloak_ms now_ms=now_ms/> " — " {outcome}</p> }
    });
    let every = crate::model::time::format_duration(status.interval_secs as i64);
    let body = match status.connection {
        None => view! {
            <p class="history-state">"History is not connected. Connecting grants this console an offline token for your account; it is stored encrypted in the console's database and used every " {every} " to record session counts of the realms you administer."</p>
            <ConnectForm label="Connect history" next=next enabled=key/>
        }.into_any(),
        Some(c) => {
            let by = format!("{} ({})", c.username, c.realm);
            match c.disconnected {
                Some(d) => view! {
                    <p class="alert error history-state" role="status">
                        "Disconnected: " {d.reason.explain()} "."
                        <br/><span class="muted">"Keycloak said: " <code>{d.detail}</code> " · " <Moment ms=d.at_ms now_ms=now_ms/></span>
                    </p>
                    <p>"It was connected by " <strong>{by}</strong> " " <Moment ms=c.connected_at_ms now_ms=now_ms/> ". The recorded history is kept."</p>
                    <ConnectForm label="Reconnect history" next=next enabled=key/>
                }.into_any(),
                None => view! {
                    <p class="history-state">"Connected by " <strong class="connected-by">{by}</strong> " " <Moment ms=c.connected_at_ms now_ms=now_ms/> ". Snapshots every " {every} "."</p>
                    <div class="actions">
                        <SnapshotNow/>
                        <a href="/admin/history">"Trends"</a>
                        <a href="/history.csv" download="">"Download CSV"</a>
                        <DisconnectForm next=next/>
                    </div>
                }.into_any(),
            }
        }
    };
    view! { {no_key} {body} {last_run} }
}

const FLASH: &str = "history";

/// "Snapshot now"; the page reloads after it, showing the new last run.
#[island(lazy)]
fn SnapshotNow() -> impl IntoView {
    let snapshot = Action::new(move |_: &()| async move {
        let result = snapshot_history().await;
        if let Ok(s) = &result {
            reload_with(
                FLASH,
                &format!(
                    "Snapshot taken: {} offline sessions in {} clients of {} realms.",
                    thousands(s.offline_sessions),
                    s.clients,
                    s.realms
                ),
            );
        }
        result
    });
    view! {
        <button type="button" disabled=move || snapshot.pending().get()
            on:click=move |_| { snapshot.dispatch(()); }>"Snapshot now"</button>
        {move || snapshot.value().get().and_then(Result::err).map(|e| view! { <ErrorBox error=e/> })}
    }
}

/// The overview's history card: connect, status, snapshot now.
#[component]
pub fn HistoryPanel(realm: Memo<String>) -> impl IntoView {
    view! {
        <section class="card history-panel" aria-labelledby="history-title">
            <h2 id="history-title">"History"</h2>
            <Flash key=FLASH.to_owned()/>
            <Suspense fallback=|| view! { <p class="loading">"Loading history…"</p> }>
                {Suspend::new(async move {
                    match load_history_status().await {
                        Ok(s) => view! { <StatusView status=s next=format!("/admin/{}", realm.get_untracked())/> }.into_any(),
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

fn growth_text(growth: Option<i64>) -> String {
    match growth {
        Some(g) if g > 0 => format!("+{}", thousands(g as u64)),
        Some(g) => format!("\u{2212}{}", thousands(g.unsigned_abs())),
        None => "less than a week of data".to_owned(),
    }
}

#[component]
fn TrendsView(trends: Trends) -> impl IntoView {
    if trends.runs.is_empty() {
        return view! {
            <p class="empty">"No snapshot yet. Connect history on a realm's overview page and take a snapshot."</p>
        }
        .into_any();
    }
    let times: Vec<i64> = trends.runs.iter().map(|r| r.keycloak_ms).collect();
    let gaps: Vec<i64> = trends
        .runs
        .iter()
        .filter(|r| !r.succeeded)
        .map(|r| r.keycloak_ms)
        .collect();
    let failed = gaps.len();
    let derived = trends.runs.iter().filter(|r| r.is_derived()).count();
    let lines: Vec<Line> = trends
        .series
        .iter()
        .take(8)
        .map(|s| Line {
            label: format!("{} / {}", s.realm, s.client_id),
            values: s.offline.clone(),
        })
        .collect();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let caption = format!(
        "Offline sessions per client over {} ({} failed, shown as gaps); the {} with the most offline sessions",
        plural(trends.runs.len(), "snapshot"),
        failed,
        plural(lines.len(), "client")
    );
    let unusual: Vec<String> = trends
        .series
        .iter()
        .filter(|s| s.unusual)
        .map(|s| format!("{} / {}", s.realm, s.client_id))
        .collect();
    view! {
        {(derived > 0).then(|| view! {
            <p class="alert derived-history">{format!(
                "{} were not taken but derived for the demo from the current sessions' start and last-refresh times (sessions that ended before are not in them).",
                plural(derived, "snapshot")
            )}</p>
        })}
        {(!unusual.is_empty()).then(|| view! {
            <div class="alert warning unusual-growth" role="status">
                <p>"Growing unusually fast: " <strong>{unusual.join(", ")}</strong></p>
            </div>
        })}
        <TrendLines lines=lines times_ms=times gaps=gaps caption=caption format_time=day/>
        <div class="table-wrap">
            <table>
                <caption>"Offline sessions per client: latest and growth over the last week"</caption>
                <thead><tr>
                    <th scope="col">"Realm"</th><th scope="col">"Client"</th>
                    <th scope="col" class="num">"Offline now"</th><th scope="col" class="num">"Growth per week"</th><th scope="col">"Unusual"</th>
                </tr></thead>
                <tbody>
                    {trends.series.into_iter().map(|s| view! {
                        <tr class:unusual=s.unusual>
                            <td>{s.realm}</td><td>{s.client_id}</td>
                            <td class="num">{thousands(s.latest)}</td>
                            <td class="num">{growth_text(s.weekly_growth)}</td>
                            <td>{if s.unusual { "yes" } else { "" }}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// `/admin/history`: offline sessions per client over time, growth per week.
#[component]
pub fn TrendsPage() -> impl IntoView {
    view! {
        <Title text="History"/>
        <div class="toolbar"><h1>"History: offline sessions over time"</h1></div>
        <p class="hint">
            {format!("A client is flagged as growing unusually fast when its offline sessions grew by at least {UNUSUAL_MIN_GROWTH} in the last week and by at least {UNUSUAL_MIN_PERCENT}% of its count a week earlier.")}
            " " <a href="/history.csv" download="">"Download the series (CSV)"</a>
        </p>
        <Suspense fallback=|| view! { <p class="loading">"Loading history…"</p> }>
            {Suspend::new(async move {
                match history_trends().await {
                    Ok(t) => view! { <TrendsView trends=t/> }.into_any(),
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
