//! Export: write the graph as Turtle and as GraphViz DOT, each file complete or not at all.
//!
//! Both writers read only [`crate::graph::KnowledgeGraph`]; [`write_atomically`] writes to a
//! temporary file in the target folder and renames it over the old file, so a reader sees the
//! old file or the complete new one, never half of one. The bytes go to disk through
//! [`disk`]: straight from aligned chunks (`O_DIRECT`) where the file system allows it, by a
//! thread of each file's own.

mod disk;
pub mod dot;
pub mod trig;
pub mod turtle;

use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::progress::Progress;

/// An oxigraph serialiser for `format` that writes the vocabulary's prefixes
/// ([`crate::vocab::PREFIXES`]: `att:`, `person:` …).
pub fn serializer(format: oxigraph::io::RdfFormat) -> oxigraph::io::RdfSerializer {
    let mut serializer = oxigraph::io::RdfSerializer::from_format(format);
    for (prefix, iri) in crate::vocab::PREFIXES {
        serializer = serializer.with_prefix(*prefix, *iri).expect("the vocabulary's prefixes are valid IRIs");
    }
    serializer
}

/// One part serialised on its own in `format` by `emit`, `@prefix` lines included, appended to
/// `buffer` (a buffer [`in_parts`] hands back for reuse) through a [`PartBuffer`].
pub fn serialize_into(
    format: oxigraph::io::RdfFormat,
    buffer: Vec<u8>,
    emit: impl FnOnce(&mut oxigraph::io::WriterQuadSerializer<PartBuffer>) -> std::io::Result<()>,
) -> Result<Vec<u8>> {
    let mut writer = serializer(format).for_writer(PartBuffer(buffer));
    emit(&mut writer).map_err(rdf_error)?;
    writer.finish().map(|part| part.0).map_err(rdf_error)
}

/// Serialise `parts` on all threads and hand each one's bytes to `write`, in order.
///
/// Parts are serialised a window at a time (a few per thread) while the window before is being
/// written, so both cores keep busy and only two windows are ever in memory. `serialize` fills
/// the (empty) buffer it is given and returns it; buffers are reused once written, so the
/// serialisers write into memory already mapped rather than growing fresh buffers page by page.
pub fn in_parts<P: Sync>(
    parts: &[P],
    serialize: impl Fn(&P, Vec<u8>) -> Result<Vec<u8>> + Sync,
    mut write: impl FnMut(&P, &[u8]) -> Result<()> + Send,
) -> Result<()> {
    let window = 4 * rayon::current_num_threads().max(1);
    let spare: std::sync::Mutex<Vec<Vec<u8>>> = std::sync::Mutex::new(Vec::new());
    let take = || spare.lock().map(|mut s| s.pop()).ok().flatten().unwrap_or_default();
    let mut write_and_return = |part: &P, bytes: Result<Vec<u8>>| -> Result<()> {
        let mut bytes = bytes?;
        write(part, &bytes)?;
        bytes.clear();
        if let Ok(mut s) = spare.lock() {
            s.push(bytes);
        }
        Ok(())
    };
    let mut pending: Vec<(&P, Result<Vec<u8>>)> = Vec::new();
    for batch in parts.chunks(window) {
        let (written, serialized) = rayon::join(
            || pending.drain(..).try_for_each(|(part, bytes)| write_and_return(part, bytes)),
            || batch.par_iter().map(|part| (part, serialize(part, take()))).collect::<Vec<_>>(),
        );
        written?;
        pending = serialized;
    }
    pending.into_iter().try_for_each(|(part, bytes)| write_and_return(part, bytes))
}

/// The memory one part is serialised into ([`in_parts`]): a byte vector that takes writes of
/// one byte without a call to `memcpy`.
///
/// oxigraph's serialisers write through `fmt`, and a literal's text a character at a time; a
/// `Vec<u8>` copies each character with a call to `memcpy` for a copy of unknown length, a
/// twentieth of a build's time (perf, 1k articles) since the sentences of the evidence are
/// nearly half the bytes written.
#[derive(Debug, Default)]
pub struct PartBuffer(pub Vec<u8>);

impl Write for PartBuffer {
    #[inline]
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.push(bytes);
        Ok(bytes.len())
    }

    #[inline]
    fn write_all(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.push(bytes);
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl PartBuffer {
    #[inline]
    fn push(&mut self, bytes: &[u8]) {
        match bytes {
            [byte] => self.0.push(*byte),
            _ => self.0.extend_from_slice(bytes),
        }
    }
}

/// A serialiser's failed write, as the error the serialisers report; [`at_path`] names the file.
pub fn rdf_error(e: std::io::Error) -> Error {
    Error::Rdf { message: e.to_string() }
}

/// `error` as a failed write to `path` when a serialiser reported it as an RDF error (it cannot
/// know which file it was writing); any other error as it is.
pub fn at_path(path: &Path, error: Error) -> Error {
    match error {
        Error::Rdf { message } => Error::Write { path: path.to_owned(), source: std::io::Error::other(message) },
        other => other,
    }
}

/// Where the writers that serialise in parts send each part's bytes, in order.
pub type Sink<'a> = dyn FnMut(&[u8]) -> Result<()> + Send + 'a;

/// A sink for [`in_parts`]-style writers: bytes go to `out`, and a failed write is an error
/// that names `path`.
pub fn file_sink<'a>(path: &'a Path, out: &'a mut (dyn Write + Send)) -> impl FnMut(&[u8]) -> Result<()> + Send + 'a {
    move |bytes| out.write_all(bytes).map_err(|source| Error::Write { path: path.to_owned(), source })
}

/// Serialised bytes without the `@prefix` lines every Turtle or TriG serialiser writes first:
/// what parts after the first contribute to a file.
pub fn without_prelude(bytes: &[u8]) -> &[u8] {
    let mut rest = bytes;
    while rest.starts_with(b"@prefix ") {
        match rest.iter().position(|&b| b == b'\n') {
            Some(end) => rest = &rest[end + 1..],
            None => break,
        }
    }
    rest
}

/// Write `bytes` to `path` through a temporary file in the same folder and a rename.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut staged = Staged::default();
    staged.stage(path, |out| out.write_all(bytes).map_err(|e| Error::Write { path: path.to_owned(), source: e }))?;
    staged.commit()
}

/// Files written in full to temporary files beside their targets, waiting to be made durable
/// and renamed into place together by [`Staged::commit`]. Dropped without a commit, it deletes
/// them and leaves every old file as it was. Content is streamed to disk as it is produced,
/// never held whole.
#[derive(Default)]
pub struct Staged {
    files: Vec<(tempfile::NamedTempFile, PathBuf)>,
    /// Counts the bytes staged, for the progress line.
    progress: Progress,
}

impl Staged {
    /// Files staged with their bytes counted on `progress` as they are written.
    pub fn with_progress(progress: &Progress) -> Self {
        Staged { files: Vec::new(), progress: progress.clone() }
    }

    /// Write one file's content, produced by `write`, to a temporary file beside `path`. The file
    /// gets the permissions of the file it will replace, or `rw-r--r--` when new.
    pub fn stage(&mut self, path: &Path, write: impl FnOnce(&mut (dyn Write + Send)) -> Result<()>) -> Result<()> {
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let err = |e: std::io::Error| Error::Write { path: path.to_owned(), source: e };
        std::fs::create_dir_all(dir).map_err(err)?;
        let tmp = tempfile::Builder::new().prefix(".attache-").suffix(".tmp").tempfile_in(dir).map_err(err)?;
        let mut out = disk::DiskWriter::new(tmp.as_file(), tmp.path()).map_err(err)?;
        write(&mut self.progress.counting(&mut out))?;
        out.finish().map_err(err)?;
        let permissions = match std::fs::metadata(path) {
            Ok(old) => old.permissions(),
            Err(_) => default_permissions(tmp.as_file().metadata().map_err(err)?.permissions()),
        };
        tmp.as_file().set_permissions(permissions).map_err(err)?;
        self.files.push((tmp, path.to_owned()));
        Ok(())
    }

    /// Add files staged elsewhere (say, on other threads), in order.
    pub fn extend(&mut self, other: Staged) {
        self.files.extend(other.files);
    }

    /// Make every staged file durable (fsync), then rename each into place. The files are
    /// flushed to disk side by side, and renamed side by side (renaming over a big old file
    /// frees its blocks, which takes a while): neither waits for another file's turn.
    pub fn commit(self) -> Result<()> {
        side_by_side(&self.files, |(tmp, path)| tmp.as_file().sync_all().map_err(|source| Error::Write { path: path.clone(), source }))?;
        side_by_side(self.files, |(tmp, path)| tmp.persist(&path).map(drop).map_err(|e| Error::Write { path, source: e.error }))
    }
}

/// Run `job` on every item, each on a thread of its own (they wait on the disk, not the CPU),
/// and give the first error once all are done.
fn side_by_side<T: Send>(items: impl IntoIterator<Item = T>, job: impl Fn(T) -> Result<()> + Sync) -> Result<()> {
    std::thread::scope(|scope| {
        let job = &job;
        let running: Vec<_> = items.into_iter().map(|item| scope.spawn(move || job(item))).collect();
        running.into_iter().try_for_each(|done| done.join().expect("a file operation does not panic"))
    })
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

    #[test]
    fn part_buffer_keeps_single_bytes_and_longer_writes_in_order() {
        let mut buffer = PartBuffer::default();
        // An argument between two literal pieces: three writes, as oxigraph makes them.
        let name = "Brasília";
        write!(buffer, "\"{name}\" ").unwrap();
        for c in "a“b”".chars() {
            write!(buffer, "{c}").unwrap();
        }
        buffer.write_all(b"").unwrap();
        assert_eq!(String::from_utf8(buffer.0).unwrap(), "\"Brasília\" a“b”");
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
