//! Reading the audit log.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::audit::{AuditFilter, AuditPage};

#[server(prefix = "/api", endpoint = "audit_log", protocol = crate::api::codec::JsonOrForm)]
pub async fn audit_log(
    // No filter at all (scripts, the first visit) means the whole log.
    #[server(default)] filter: AuditFilter,
    first: u32,
    max: u32,
) -> Result<AuditPage, AppError> {
    crate::api::support::respond(ssr::audit_log(filter, first, max)).await
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::audit::store;
    use crate::auth::Caller;
    use crate::model::admin::page_size;

    pub async fn audit_log(
        mut filter: AuditFilter,
        first: u32,
        max: u32,
    ) -> Result<AuditPage, AppError> {
        filter.check().map_err(AppError::InvalidInput)?;
        let caller = Caller::admin().await?;
        // Administrators of one realm see that realm's entries only.
        let who = caller.who();
        if who.realm != caller.state.config.admin_realm {
            filter.realm = Some(who.realm.clone());
        }
        let max = page_size(max);
        let db = &caller.state.db;
        let (entries, total) = tokio::join!(
            store::list(db, &filter, first, max),
            store::count(db, &filter)
        );
        Ok(AuditPage {
            entries: entries.map_err(AppError::internal)?,
            total: total.map_err(AppError::internal)?,
            first,
            max,
        })
    }
}
