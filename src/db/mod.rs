//! The console's database: connection, pragmas and migrations.
//!
//! All SQL lives in the store module of each domain (`audit::store`, `jobs::store`, ...),
//! with `$N` placeholders and named columns. What is SQLite's own: this file (the pool type,
//! pragmas, file permissions), the rows' type `SqliteRow` in each store, and a few clauses
//! (`INSERT OR IGNORE` and `rowid` in `jobs::store`); `ON CONFLICT` and `RETURNING` are
//! shared with PostgreSQL. The migrations' SQL is SQLite's.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

pub mod private_files;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

pub type Pool = sqlx::SqlitePool;
/// One connection, or a transaction (`&mut tx` derefs to it), for writes that commit together.
pub type Connection = sqlx::SqliteConnection;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("DATABASE_URL: cannot open database at {path}: {reason}")]
    Open { path: String, reason: String },
    #[error("DATABASE_URL: migrating the database failed: {0}")]
    Migrate(String),
}

pub async fn connect(url: &str) -> Result<Pool, DbError> {
    let options = SqliteConnectOptions::from_str(url)
        .map_err(|e| DbError::Open {
            path: url.to_owned(),
            reason: e.to_string(),
        })?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        // Deleted rows (ended sign-ins, forgotten history tokens) are overwritten, not left
        // readable in free pages.
        .pragma("secure_delete", "ON")
        .busy_timeout(Duration::from_secs(5));
    let filename = options.get_filename().to_owned();
    let open_error = |reason: String| DbError::Open {
        path: filename.display().to_string(),
        reason,
    };
    if !is_in_memory(&filename) {
        private_files::prepare(&filename).map_err(|e| open_error(e.to_string()))?;
    }
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(options)
        .await
        .map_err(|e| open_error(root_cause(&e)))?;
    sqlx::migrate!("./migrations")
        .run(&pool)
        .await
        .map_err(|e| DbError::Migrate(e.to_string()))?;
    Ok(pool)
}

/// The database's file, `None` for an in-memory database.
pub fn database_file(url: &str) -> Option<std::path::PathBuf> {
    let options = SqliteConnectOptions::from_str(url).ok()?;
    let filename = options.get_filename();
    (!is_in_memory(filename)).then(|| filename.to_owned())
}

fn is_in_memory(path: &Path) -> bool {
    path.as_os_str() == ":memory:"
}

fn root_cause(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(db) => db.message().to_owned(),
        other => other.to_string(),
    }
}

/// Readiness probe: one round trip.
pub async fn ping(pool: &Pool) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT 1").execute(pool).await.map(|_| ())
}
