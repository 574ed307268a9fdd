//! The database holds sealed sign-ins, history and the audit log: only the console's own
//! account may read it. Its directory is created 0700 and its files are kept 0600 (SQLite
//! gives its -wal and -shm files the database file's mode).

use std::fs::{self, DirBuilder, OpenOptions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

const PRIVATE_DIR: u32 = 0o700;
const PRIVATE_FILE: u32 = 0o600;

/// Creates the database's directory and file, private, or makes an existing file private.
pub fn prepare(database: &Path) -> io::Result<()> {
    if let Some(dir) = database.parent().filter(|d| !d.as_os_str().is_empty()) {
        create_private_dir(dir)?;
    }
    match OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(PRIVATE_FILE)
        .open(database)
    {
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e),
    }
    for file in [
        database.to_owned(),
        sibling(database, "-wal"),
        sibling(database, "-shm"),
    ] {
        make_private(&file, PRIVATE_FILE)?;
    }
    Ok(())
}

/// Creates `dir` (and its missing parents) 0700. An existing directory is left as the
/// operator made it, with a warning when other accounts can read it.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    if !dir.exists() {
        DirBuilder::new()
            .recursive(true)
            .mode(PRIVATE_DIR)
            .create(dir)?;
        return Ok(());
    }
    let mode = fs::metadata(dir)?.permissions().mode();
    if mode & 0o077 != 0 {
        tracing::warn!(
            dir = %dir.display(),
            mode = format!("{:o}", mode & 0o777),
            "the data directory is open to other accounts; `chmod 700` it"
        );
    }
    Ok(())
}

/// Narrows a file's mode to `mode` if it exists and is wider.
pub fn make_private(file: &Path, mode: u32) -> io::Result<()> {
    match fs::metadata(file) {
        Ok(meta) if meta.permissions().mode() & 0o777 & !mode != 0 => {
            fs::set_permissions(file, fs::Permissions::from_mode(mode))
        }
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

fn sibling(database: &Path, suffix: &str) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_new_database_gets_a_private_directory_and_file() {
        let root = tempfile::tempdir().unwrap();
        let db = root.path().join("data/nested/console.db");
        prepare(&db).unwrap();
        assert_eq!(mode(&root.path().join("data/nested")), 0o700);
        assert_eq!(mode(&root.path().join("data")), 0o700);
        assert_eq!(mode(&db), 0o600);
    }

    #[test]
    fn an_existing_database_readable_by_others_is_made_private() {
        let root = tempfile::tempdir().unwrap();
        let db = root.path().join("console.db");
        let wal = root.path().join("console.db-wal");
        for file in [&db, &wal] {
            fs::write(file, b"").unwrap();
            fs::set_permissions(file, fs::Permissions::from_mode(0o644)).unwrap();
        }
        prepare(&db).unwrap();
        assert_eq!((mode(&db), mode(&wal)), (0o600, 0o600));
    }
}
