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
        filter: AuditFilter,
        first: u32,
        max: u32,
    ) -> Result<AuditPage, AppError> {
        filter.check().map_err(AppError::InvalidInput)?;
        let caller = Caller::admin().await?;
        let visible = store::Visible::to(&caller.who());
        let max = page_size(max);
        let db = &caller.state.db;
        let (entries, total) = tokio::join!(
            store::list(db, &filter, &visible, first, max),
            store::count(db, &filter, &visible)
        );
        Ok(AuditPage {
            entries: entries.map_err(AppError::internal)?,
            total: total.map_err(AppError::internal)?,
            first,
            max,
        })
    }
}
