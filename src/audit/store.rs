//! SQL for the audit log. There is deliberately no update or delete here;
//! the table's triggers refuse them as well.

use crate::model::time::clock::now_rfc3339;
use sqlx::Row;

use crate::auth::SignedIn;
use crate::db::{Connection, Pool};
use crate::keycloak::KcError;
pub use crate::model::audit::{AuditEntry, AuditFilter};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Attempted,
    Succeeded,
    Failed,
    /// Keycloak never confirmed the change: it may or may not have been applied.
    Unknown,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Attempted => "attempted",
            Outcome::Succeeded => "succeeded",
            Outcome::Failed => "failed",
            Outcome::Unknown => "unknown",
        }
    }
}

/// One mutation's trail: `begin` writes the attempt; `succeeded`, `failed` or
/// `did_not_succeed` closes it. The `_in` variants write in the caller's
/// transaction, so a batch of mutations' trails commits at once.
pub struct Recorder {
    db: Pool,
    correlation: String,
    actor: String,
    actor_realm: String,
    /// Keycloak's id of the actor; `None` for what the console does on its own.
    actor_id: Option<String>,
    realm: String,
    action: String,
    target: String,
    reason: Option<String>,
}

impl Recorder {
    pub async fn begin(
        db: &Pool,
        who: &SignedIn,
        realm: &str,
        action: &str,
        target: &str,
        reason: Option<String>,
    ) -> Result<Recorder, sqlx::Error> {
        let recorder = Recorder::for_person(db, who, realm, action, target, reason);
        recorder
            .write(&recorder.db, Outcome::Attempted, None)
            .await?;
        Ok(recorder)
    }

    /// For what the console does on its own (the history scheduler), named by `actor`.
    pub async fn begin_as(
        db: &Pool,
        actor: &str,
        actor_realm: &str,
        realm: &str,
        action: &str,
        target: &str,
        reason: Option<String>,
    ) -> Result<Recorder, sqlx::Error> {
        let recorder = Recorder::new(db, actor, actor_realm, realm, action, target, reason);
        recorder
            .write(&recorder.db, Outcome::Attempted, None)
            .await?;
        Ok(recorder)
    }

    /// `begin`, with the attempt written in `tx`: it is durable once `tx` commits.
    pub async fn begin_in(
        tx: &mut Connection,
        db: &Pool,
        who: &SignedIn,
        realm: &str,
        action: &str,
        target: &str,
        reason: Option<String>,
    ) -> Result<Recorder, sqlx::Error> {
        let recorder = Recorder::for_person(db, who, realm, action, target, reason);
        recorder.write(tx, Outcome::Attempted, None).await?;
        Ok(recorder)
    }

    fn for_person(
        db: &Pool,
        who: &SignedIn,
        realm: &str,
        action: &str,
        target: &str,
        reason: Option<String>,
    ) -> Recorder {
        let mut recorder =
            Recorder::new(db, &who.username, &who.realm, realm, action, target, reason);
        recorder.actor_id = Some(who.user_id.clone());
        recorder
    }

    fn new(
        db: &Pool,
        actor: &str,
        actor_realm: &str,
        realm: &str,
        action: &str,
        target: &str,
        reason: Option<String>,
    ) -> Recorder {
        Recorder {
            db: db.clone(),
            correlation: uuid::Uuid::new_v4().to_string(),
            actor: actor.to_owned(),
            actor_realm: actor_realm.to_owned(),
            actor_id: None,
            realm: realm.to_owned(),
            action: action.to_owned(),
            target: target.to_owned(),
            reason,
        }
    }

    pub async fn succeeded(self, detail: Option<String>) -> Result<(), sqlx::Error> {
        self.write(&self.db, Outcome::Succeeded, detail).await
    }

    pub async fn succeeded_in(
        self,
        tx: &mut Connection,
        detail: Option<String>,
    ) -> Result<(), sqlx::Error> {
        self.write(tx, Outcome::Succeeded, detail).await
    }

    pub async fn failed(self, detail: String) -> Result<(), sqlx::Error> {
        self.write(&self.db, Outcome::Failed, Some(detail)).await
    }

    pub async fn failed_in(self, tx: &mut Connection, detail: String) -> Result<(), sqlx::Error> {
        self.write(tx, Outcome::Failed, Some(detail)).await
    }

    /// Closes the trail of a Keycloak call that did not succeed: `unknown`
    /// when Keycloak may have applied it anyway, else `failed`.
    pub async fn did_not_succeed(self, error: &KcError) -> Result<(), sqlx::Error> {
        self.write(&self.db, unsuccessful(error), Some(error.to_string()))
            .await
    }

    pub async fn did_not_succeed_in(
        self,
        tx: &mut Connection,
        error: &KcError,
    ) -> Result<(), sqlx::Error> {
        self.write(tx, unsuccessful(error), Some(error.to_string()))
            .await
    }

    async fn write<'c>(
        &self,
        to: impl sqlx::SqliteExecutor<'c>,
        outcome: Outcome,
        detail: Option<String>,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO audit_log (occurred_at, correlation, actor, actor_realm, realm, action, target, outcome, detail, reason, actor_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(now_rfc3339())
        .bind(&self.correlation)
        .bind(&self.actor)
        .bind(&self.actor_realm)
        .bind(&self.realm)
        .bind(&self.action)
        .bind(&self.target)
        .bind(outcome.as_str())
        .bind(detail)
        .bind(&self.reason)
        .bind(&self.actor_id)
        .execute(to)
        .await
        .map(|_| ())
    }
}

fn unsuccessful(error: &KcError) -> Outcome {
    match error {
        KcError::Unconfirmed(_) => Outcome::Unknown,
        _ => Outcome::Failed,
    }
}

/// The realms whose entries a reader may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visible {
    /// Keycloak's super-user: deleted realms' entries included.
    Every,
    Realms(Vec<String>),
}

impl Visible {
    /// What an administrator may read: the entries of the realms they administer.
    pub fn to(who: &SignedIn) -> Visible {
        if who.administers_every_realm() {
            Visible::Every
        } else {
            Visible::Realms(who.administered_realms().into_iter().collect())
        }
    }
}

/// Builds the WHERE clause shared by `list` and `count`, with `$N` placeholders.
fn where_clause(filter: &AuditFilter, visible: &Visible) -> (String, Vec<String>) {
    let mut conditions = Vec::new();
    let mut values = Vec::new();
    if let Visible::Realms(realms) = visible {
        if realms.is_empty() {
            conditions.push("0 = 1".to_owned());
        } else {
            let placeholders: Vec<String> = (1..=realms.len()).map(|i| format!("${i}")).collect();
            conditions.push(format!("realm IN ({})", placeholders.join(", ")));
            values.extend(realms.iter().cloned());
        }
    }
    let mut add = |sql: &str, value: String| {
        values.push(value);
        conditions.push(sql.replace('?', &format!("${}", values.len())));
    };
    if let Some(actor) = filter.actor.as_deref().filter(|s| !s.is_empty()) {
        add("actor = ?", actor.to_owned());
    }
    if let Some(action) = filter.action.as_deref().filter(|s| !s.is_empty()) {
        add("action = ?", action.to_owned());
    }
    if let Some(realm) = filter.realm.as_deref().filter(|s| !s.is_empty()) {
        add("realm = ?", realm.to_owned());
    }
    if let Some(outcome) = filter.outcome.as_deref().filter(|s| !s.is_empty()) {
        add("outcome = ?", outcome.to_owned());
    }
    if let Some(from) = filter.from.as_deref().filter(|s| !s.is_empty()) {
        add("occurred_at >= ?", from.to_owned());
    }
    if let Some(to) = filter.to.as_deref().filter(|s| !s.is_empty()) {
        // A bare date includes that whole day.
        let to = if to.len() == 10 {
            format!("{to}T23:59:59.999999999Z")
        } else {
            to.to_owned()
        };
        add("occurred_at <= ?", to);
    }
    let clause = if conditions.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conditions.join(" AND "))
    };
    (clause, values)
}

/// The columns `entry` reads.
const ENTRY_COLUMNS: &str = "id, occurred_at, correlation, actor, actor_realm, actor_id, realm, \
    action, target, outcome, detail, reason";

fn entry(row: sqlx::sqlite::SqliteRow) -> Result<AuditEntry, sqlx::Error> {
    Ok(AuditEntry {
        id: row.try_get("id")?,
        occurred_at: row.try_get("occurred_at")?,
        correlation: row.try_get("correlation")?,
        actor: row.try_get("actor")?,
        actor_realm: row.try_get("actor_realm")?,
        actor_id: row.try_get("actor_id")?,
        realm: row.try_get("realm")?,
        action: row.try_get("action")?,
        target: row.try_get("target")?,
        outcome: row.try_get("outcome")?,
        detail: row.try_get("detail")?,
        reason: row.try_get("reason")?,
    })
}

/// Newest first.
pub async fn list(
    db: &Pool,
    filter: &AuditFilter,
    visible: &Visible,
    first: u32,
    max: u32,
) -> Result<Vec<AuditEntry>, sqlx::Error> {
    let (clause, values) = where_clause(filter, visible);
    let n = values.len();
    let sql = format!(
        "SELECT {ENTRY_COLUMNS} FROM audit_log{clause} ORDER BY id DESC LIMIT ${} OFFSET ${}",
        n + 1,
        n + 2
    );
    let mut query = sqlx::query(&sql);
    for value in values {
        query = query.bind(value);
    }
    let rows = query
        .bind(i64::from(max))
        .bind(i64::from(first))
        .fetch_all(db)
        .await?;
    rows.into_iter().map(entry).collect()
}

/// Up to `limit` entries older than `before` (an id), newest first: keyset
/// paging, so entries appended meanwhile never shift or repeat rows.
pub async fn page_before(
    db: &Pool,
    filter: &AuditFilter,
    visible: &Visible,
    before: Option<i64>,
    limit: u32,
) -> Result<Vec<AuditEntry>, sqlx::Error> {
    let (clause, values) = where_clause(filter, visible);
    let n = values.len();
    let joiner = if clause.is_empty() { " WHERE" } else { " AND" };
    let sql = format!(
        "SELECT {ENTRY_COLUMNS} FROM audit_log{clause}{joiner} id < ${} ORDER BY id DESC LIMIT ${}",
        n + 1,
        n + 2
    );
    let mut query = sqlx::query(&sql);
    for value in values {
        query = query.bind(value);
    }
    let rows = query
        .bind(before.unwrap_or(i64::MAX))
        .bind(i64::from(limit))
        .fetch_all(db)
        .await?;
    rows.into_iter().map(entry).collect()
}

pub async fn count(db: &Pool, filter: &AuditFilter, visible: &Visible) -> Result<u64, sqlx::Error> {
    let (clause, values) = where_clause(filter, visible);
    let sql = format!("SELECT COUNT(*) FROM audit_log{clause}");
    let mut query = sqlx::query_scalar::<_, i64>(&sql);
    for value in values {
        query = query.bind(value);
    }
    Ok(query.fetch_one(db).await? as u64)
}

/// Whether an entry with this action, target and reason was already recorded
/// with this outcome (a resumed job uses it not to record a result twice).
pub async fn recorded(
    db: &Pool,
    action: &str,
    target: &str,
    reason: &str,
    outcome: Outcome,
) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM audit_log WHERE action = $1 AND target = $2 AND reason = $3 AND outcome = $4 LIMIT 1",
    )
    .bind(action)
    .bind(target)
    .bind(reason)
    .bind(outcome.as_str())
    .fetch_optional(db)
    .await?;
    Ok(found.is_some())
}
