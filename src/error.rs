//! Typed errors of the library. Each names the file and the problem, so the CLI can print it as
//! it is; the binary wraps them with `anyhow` at the edge.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: no such file or folder", path.display())]
    NotFound { path: PathBuf },
    #[error("{}: cannot read: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("no .txt file found in {}", paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "))]
    NoDocuments { paths: Vec<PathBuf> },
    #[error("{}: the file is empty", path.display())]
    Empty { path: PathBuf },
    #[error("{}: not valid UTF-8 text: invalid byte 0x{byte:02X} at byte offset {offset}", path.display())]
    NotUtf8 { path: PathBuf, offset: usize, byte: u8 },
    #[error("{}: looks like binary data, not text: control byte 0x{byte:02X} at byte offset {offset}", path.display())]
    Binary { path: PathBuf, offset: usize, byte: u8 },
    #[error("{}: the file is {size} bytes, more than the limit of {limit} bytes for one article (see --max-file-size)", path.display())]
    TooLarge { path: PathBuf, size: u64, limit: u64 },
    #[error("{} and {}: two documents with the same file name {name:?}; document identifiers must be unique", first.display(), second.display())]
    DuplicateName { name: String, first: PathBuf, second: PathBuf },
    #[error("lexicon {file}: {message}")]
    Lexicon { file: String, message: String },
    #[error("{}: cannot write: {source}", path.display())]
    Write { path: PathBuf, source: std::io::Error },
    #[error("RDF serialisation failed: {message}")]
    Rdf { message: String },
    #[error("{}: no such graph file{}", path.display(), if path.ends_with("graph.ttl") || path.ends_with("graph.trig") { " (write it with `attache build`)" } else { "" })]
    GraphNotFound { path: PathBuf },
    #[error("{}: cannot tell the RDF format from the file name; use .ttl, .trig, .nt, .nq, .jsonld, .rdf or .n3", path.display())]
    UnknownGraphFormat { path: PathBuf },
    #[error("{}: not valid {format}: {message}", path.display())]
    GraphSyntax { path: PathBuf, format: String, message: String },
    /// A SPARQL query that does not parse; `excerpt` is the offending line with a caret under
    /// the column, when the parser reported a position.
    #[error("SPARQL syntax error{}: {message}{excerpt}", match (line, column) { (Some(l), Some(c)) => format!(" at line {l}, column {c}"), _ => String::new() })]
    QuerySyntax { message: String, line: Option<usize>, column: Option<usize>, excerpt: String },
    #[error("{what}: {message}")]
    Query { what: String, message: String },
    #[error("cannot write the results")]
    Output { source: std::io::Error },
    #[error("{}: invalid SHACL shapes: {message}", path.display())]
    Shapes { path: PathBuf, message: String },
    #[error("the graph does not conform to {} ({} violation{}), nothing written:\n{}", shapes.display(), violations.len(), if violations.len() == 1 { "" } else { "s" }, violations.join("\n"))]
    NotConforming { shapes: PathBuf, violations: Vec<String> },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
