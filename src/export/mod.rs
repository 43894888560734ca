//! Export: write the graph as Turtle and as GraphViz DOT, each file complete or not at all.
//!
//! Both writers read only [`crate::graph::KnowledgeGraph`]; [`write_atomically`] writes to a
//! temporary file in the target folder and renames it over the old file, so a reader sees the
//! old file or the complete new one, never half of one.

pub mod dot;
pub mod trig;
pub mod turtle;

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Write `bytes` to `path` through a temporary file in the same folder and a rename.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    write_all_atomically(&[(path.to_owned(), bytes.to_vec())])
}

/// Write every file to a temporary file beside it first, and rename them into place only when
/// all are written: a failure leaves every old file as it was. The files get the permissions of
/// the file they replace, or `rw-r--r--` when new.
pub fn write_all_atomically(files: &[(PathBuf, Vec<u8>)]) -> Result<()> {
    let mut staged = Vec::with_capacity(files.len());
    for (path, bytes) in files {
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let err = |e: std::io::Error| Error::Write { path: path.to_owned(), source: e };
        std::fs::create_dir_all(dir).map_err(err)?;
        let mut tmp = tempfile::Builder::new().prefix(".attache-").suffix(".tmp").tempfile_in(dir).map_err(err)?;
        tmp.write_all(bytes).map_err(err)?;
        tmp.as_file().sync_all().map_err(err)?;
        let permissions = match std::fs::metadata(path) {
            Ok(old) => old.permissions(),
            Err(_) => default_permissions(tmp.as_file().metadata().map_err(err)?.permissions()),
        };
        tmp.as_file().set_permissions(permissions).map_err(err)?;
        staged.push((tmp, path));
    }
    for (tmp, path) in staged {
        tmp.persist(path).map_err(|e| Error::Write { path: path.to_owned(), source: e.error })?;
    }
    Ok(())
}

#[cfg(unix)]
fn default_permissions(mut p: std::fs::Permissions) -> std::fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    p.set_mode(0o644);
    p
}

#[cfg(not(unix))]
fn default_permissions(p: std::fs::Permissions) -> std::fs::Permissions {
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("graph.ttl");
        std::fs::write(&path, "old").unwrap();
        write_atomically(&path, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[cfg(unix)]
    #[test]
    fn new_files_are_readable_by_others() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("graph.ttl");
        write_atomically(&path, b"x").unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o644);
    }
}
