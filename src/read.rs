//! Read: find the `.txt` documents under the given paths and load them as checked UTF-8 text.
//!
//! Every document is checked before anything is extracted, so bad input is rejected with an
//! error naming the file and the problem, and nothing is written.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The default limit on one document's size: articles are kilobytes, so a file of this size is
/// a mistake (a log, an archive) rather than an article.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

/// One source document as read from disk.
#[derive(Debug, Clone)]
pub struct Document {
    /// The file name, used as `dcterms:identifier` and in minted IRIs.
    pub name: String,
    pub path: PathBuf,
    pub text: String,
}

/// Every `.txt` file named in `paths` or found (recursively) in the folders among them, sorted by
/// file name so that the order on the command line or on disk never changes the output.
pub fn find_documents(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::NotFound { path: path.clone() },
            _ => Error::Io { path: path.clone(), source: e },
        })?;
        if meta.is_dir() {
            walk(path, &mut found)?;
        } else {
            found.push(path.clone());
        }
    }
    if found.is_empty() {
        return Err(Error::NoDocuments { paths: paths.to_vec() });
    }
    found.sort_by(|a, b| a.file_name().cmp(&b.file_name()).then(a.cmp(b)));
    found.dedup();
    for pair in found.windows(2) {
        if pair[0].file_name() == pair[1].file_name() {
            return Err(Error::DuplicateName {
                name: file_name(&pair[0]),
                first: pair[0].clone(),
                second: pair[1].clone(),
            });
        }
    }
    Ok(found)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::Io { path: dir.to_owned(), source: e })?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::Io { path: dir.to_owned(), source: e })?;
        let path = entry.path();
        let kind = entry.file_type().map_err(|e| Error::Io { path: path.clone(), source: e })?;
        if kind.is_dir() {
            walk(&path, found)?;
        } else if path.extension().is_some_and(|e| e == "txt") {
            found.push(path);
        }
    }
    Ok(())
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// Load one document, rejecting what is not an article's text: an empty file, bytes that are not
/// UTF-8, binary data, a file larger than `max_size`.
pub fn read_document(path: &Path, max_size: u64) -> Result<Document> {
    let io = |e| Error::Io { path: path.to_owned(), source: e };
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > max_size {
        return Err(Error::TooLarge { path: path.to_owned(), size, limit: max_size });
    }
    let bytes = std::fs::read(path).map_err(io)?;
    let text = check_text(path, bytes)?;
    Ok(Document { name: file_name(path), path: path.to_owned(), text })
}

/// Check that `bytes` are non-empty UTF-8 text without binary control bytes.
pub fn check_text(path: &Path, bytes: Vec<u8>) -> Result<String> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::Empty { path: path.to_owned() });
    }
    // Control bytes first: an image or an archive is binary data, whatever else it holds.
    if let Some(offset) = bytes.iter().position(|&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0C)) {
        return Err(Error::Binary { path: path.to_owned(), offset, byte: bytes[offset] });
    }
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        Error::NotUtf8 { path: path.to_owned(), offset, byte: e.as_bytes()[offset] }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_reports_the_offset() {
        let err = check_text(Path::new("a.txt"), b"abc\xffdef".to_vec()).unwrap_err();
        assert!(matches!(err, Error::NotUtf8 { offset: 3, byte: 0xFF, .. }), "{err}");
        assert!(err.to_string().contains("a.txt"));
        assert!(err.to_string().contains("byte offset 3"));
    }

    #[test]
    fn whitespace_only_is_empty() {
        assert!(matches!(check_text(Path::new("a.txt"), b" \n\t".to_vec()), Err(Error::Empty { .. })));
    }

    #[test]
    fn nul_bytes_are_binary() {
        let err = check_text(Path::new("a.txt"), b"ab\0cd".to_vec()).unwrap_err();
        assert!(matches!(err, Error::Binary { offset: 2, .. }));
    }

    #[test]
    fn an_image_is_binary_not_bad_text() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        assert!(matches!(check_text(Path::new("a.png"), png), Err(Error::Binary { offset: 6, .. })));
    }

    #[test]
    fn text_passes() {
        assert_eq!(check_text(Path::new("a.txt"), "Rabat – “quoted”".as_bytes().to_vec()).unwrap(), "Rabat – “quoted”");
    }
}
