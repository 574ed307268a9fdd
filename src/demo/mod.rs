//! `offline-console seed-demo`: fills the demo realm with offline sessions of varied ages and
//! the console's history with the daily counts those sessions imply, so that a first look at
//! `make demo` finds something true on every page. Run before the console starts; safe to
//! run again (existing demo users are kept, history is derived only while it is empty).

mod backfill;
mod cohorts;
mod grants;

use crate::config::Config;
use crate::keycloak::Keycloak;
use crate::model::ids::RealmName;

pub use backfill::{daily_points, SessionTimes, DAYS};
pub use cohorts::{Cohort, COHORTS};

/// The demo's own administrator (keycloak-sim/realms/master.json), who reads and seeds.
const ADMIN: (&str, &str) = ("admin", "admin");
pub const DEMO_REALM: &str = "demo";

pub async fn run(config: &Config) -> Result<(), String> {
    let keycloak = Keycloak::new(config.keycloak_url.clone(), config.keycloak_timeouts);
    let realm = RealmName::parse(DEMO_REALM).map_err(|e| e.to_string())?;
    let token = grants::admin_token(&keycloak, ADMIN).await?;
    if grants::is_simulator(&keycloak).await {
        for cohort in COHORTS {
            let created = grants::seed_simulated(&keycloak, &token, &realm, cohort).await?;
            println!(
                "seed-demo: {created:>5} new offline sessions for {} ({})",
                cohort.clients.join(" + "),
                cohort.what
            );
        }
    } else {
        let created = grants::seed_real(&keycloak, &token, &realm).await?;
        println!(
            "seed-demo: {created} new offline sessions for {} through Keycloak's token endpoint \
             (a real Keycloak's sessions all start now)",
            grants::REAL_CLIENT
        );
    }
    let db = crate::db::connect(&config.database_url)
        .await
        .map_err(|e| e.to_string())?;
    match backfill::fill_history(&db, &keycloak, &token, &realm).await? {
        Some(runs) => println!(
            "seed-demo: {runs} daily history snapshots derived from the sessions' start and last-refresh times"
        ),
        None => println!("seed-demo: history already holds snapshots; left as it is"),
    }
    Ok(())
}
