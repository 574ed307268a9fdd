//! The key sealing sign-ins at rest: SESSION_KEY when configured, otherwise a key the console
//! generates once into `session.key` beside the database. The key and the database must be
//! stolen together to read a sign-in; SESSION_KEY lets an operator keep them apart.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::crypto::SealingKey;

pub const KEY_FILE: &str = "session.key";

#[derive(Debug, thiserror::Error)]
#[error("SESSION_KEY: {path}: {reason}")]
pub struct SessionKeyError {
    path: String,
    reason: String,
}

/// The configured key, the key file's, or a new key written to the key file. An in-memory
/// database, whose sign-ins end with the process, gets a key of its own.
pub fn load_or_create(config: &Config) -> Result<SealingKey, SessionKeyError> {
    if let Some(key) = &config.session_key {
        return Ok(key.clone());
    }
    let Some(database) = crate::db::database_file(&config.database_url) else {
        return Ok(SealingKey::generate());
    };
    let path = key_file(&database);
    let fail = |reason: String| SessionKeyError {
        path: path.display().to_string(),
        reason,
    };
    match create(&path) {
        Ok(key) => {
            tracing::info!(path = %path.display(), "generated the session key");
            Ok(key)
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            crate::db::private_files::make_private(&path, 0o600)
                .map_err(|e| fail(e.to_string()))?;
            let raw = fs::read_to_string(&path).map_err(|e| fail(e.to_string()))?;
            SealingKey::parse(&raw).map_err(fail)
        }
        Err(e) => Err(fail(e.to_string())),
    }
}

fn key_file(database: &Path) -> PathBuf {
    database
        .parent()
        .map_or_else(|| PathBuf::from(KEY_FILE), |dir| dir.join(KEY_FILE))
}

/// Writes a new key, readable by this account only; `AlreadyExists` when there is one.
fn create(path: &Path) -> io::Result<SealingKey> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::db::private_files::create_private_dir(dir)?;
    }
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    let key = SealingKey::generate();
    file.write_all(format!("{}\n", key.to_base64()).as_bytes())?;
    file.sync_all()?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn config(database_url: &str, session_key: Option<&str>) -> Config {
        let mut args = vec![
            "offline-console".to_owned(),
            "--keycloak-url=http://kc/".to_owned(),
            "--client-secret=s".to_owned(),
            format!("--database-url={database_url}"),
        ];
        if let Some(key) = session_key {
            args.push(format!("--session-key={key}"));
        }
        Config::from_args(clap::Parser::parse_from(args)).unwrap()
    }

    #[test]
    fn a_key_is_generated_once_beside_the_database_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/data/console.db", dir.path().display());
        let first = load_or_create(&config(&url, None)).unwrap();
        let file = dir.path().join("data").join(KEY_FILE);
        let mode = fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(load_or_create(&config(&url, None)).unwrap(), first);
    }

    #[test]
    fn a_configured_key_wins_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/console.db", dir.path().display());
        let key = SealingKey::generate();
        let loaded = load_or_create(&config(&url, Some(&key.to_base64()))).unwrap();
        assert_eq!(loaded, key);
        assert!(!dir.path().join(KEY_FILE).exists());
    }

    #[test]
    fn an_unreadable_key_file_stops_the_start_with_its_path() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(KEY_FILE), "not a key").unwrap();
        let url = format!("sqlite://{}/console.db", dir.path().display());
        let error = load_or_create(&config(&url, None)).unwrap_err().to_string();
        assert!(error.starts_with("SESSION_KEY: "), "{error}");
        assert!(error.contains("session.key: is not base64"), "{error}");
    }
}
