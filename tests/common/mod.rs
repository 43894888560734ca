//! Helpers shared by the end-to-end tests: run the real `attache` binary, snapshot folders,
//! parse Turtle with oxigraph, render DOT with GraphViz.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{NamedNode, Term, Triple};

pub const ATT: &str = "https://w3id.org/attache/ontology#";
pub const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
pub const RDFS_LABEL: &str = "http://www.w3.org/2000/01/rdf-schema#label";
pub const PROV_WAS_DERIVED_FROM: &str = "http://www.w3.org/ns/prov#wasDerivedFrom";
pub const DCTERMS_IDENTIFIER: &str = "http://purl.org/dc/terms/identifier";
pub const DCTERMS_DATE: &str = "http://purl.org/dc/terms/date";
pub const XSD_DATE: &str = "http://www.w3.org/2001/XMLSchema#date";

/// The seven entity classes of the ontology.
pub const ENTITY_CLASSES: [&str; 7] = ["Person", "Unit", "Base", "Agreement", "Visit", "Country", "City"];

/// The real binary, built by cargo for this test run.
pub fn attache() -> Command {
    #[allow(deprecated)]
    Command::cargo_bin("attache").expect("the attache binary is built")
}

/// The package root (where Cargo.toml, seeds/, ontology/ and out/ are).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn seeds() -> PathBuf {
    root().join("seeds")
}

/// The seed articles, sorted by file name.
pub fn seed_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(seeds())
        .expect("seeds/ is readable")
        .map(|e| e.expect("seeds/ entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 2, "expected the two seed articles in seeds/, found {files:?}");
    files
}

/// `attache build <inputs> --out <out> --quiet` must succeed; returns (graph.ttl, graph.dot).
pub fn build(inputs: &[&Path], out: &Path, extra: &[&str]) -> (Vec<u8>, Vec<u8>) {
    let mut cmd = attache();
    cmd.arg("build").args(inputs).arg("--out").arg(out).arg("--quiet").args(extra);
    cmd.assert().success();
    read_outputs(out)
}

/// Build the seeds folder into `out`; returns (graph.ttl, graph.dot).
pub fn build_seeds(out: &Path) -> (Vec<u8>, Vec<u8>) {
    build(&[&seeds()], out, &[])
}

pub fn read_outputs(out: &Path) -> (Vec<u8>, Vec<u8>) {
    let ttl = std::fs::read(out.join("graph.ttl")).unwrap_or_else(|e| panic!("{}/graph.ttl: {e}", out.display()));
    let dot = std::fs::read(out.join("graph.dot")).unwrap_or_else(|e| panic!("{}/graph.dot: {e}", out.display()));
    (ttl, dot)
}

/// Every file under `dir` (recursively, hidden files included) with its bytes; empty if `dir`
/// does not exist.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                out.insert(path.strip_prefix(base).unwrap().join(""), Vec::new());
                walk(base, &path, out);
            } else {
                out.insert(path.strip_prefix(base).unwrap().to_owned(), std::fs::read(&path).expect("readable file"));
            }
        }
    }
    walk(dir, dir, &mut out);
    out
}

/// File names directly in `dir`.
pub fn names_in(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").file_name().to_string_lossy().into_owned())
        .collect()
}

/// Parse Turtle with oxigraph, failing the test with the parser's message if it is not valid.
pub fn parse_turtle(bytes: &[u8], what: &str) -> Vec<Triple> {
    RdfParser::from_format(RdfFormat::Turtle)
        .for_slice(bytes)
        .map(|q| Triple::from(q.unwrap_or_else(|e| panic!("{what} is not valid Turtle: {e}"))))
        .collect()
}

/// A small index over a set of triples.
pub struct Graph {
    pub triples: Vec<Triple>,
}

impl Graph {
    pub fn new(triples: Vec<Triple>) -> Self {
        Graph { triples }
    }

    pub fn parse(bytes: &[u8], what: &str) -> Self {
        Graph::new(parse_turtle(bytes, what))
    }

    /// Subjects (as strings) typed `rdf:type <class>`.
    pub fn instances(&self, class: &str) -> Vec<String> {
        let mut out: Vec<String> = self
            .triples
            .iter()
            .filter(|t| t.predicate.as_str() == RDF_TYPE && matches!(&t.object, Term::NamedNode(n) if n.as_str() == class))
            .map(|t| t.subject.to_string())
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// Objects of `subject` (as from `instances`) for `predicate`.
    pub fn objects(&self, subject: &str, predicate: &str) -> Vec<Term> {
        self.triples
            .iter()
            .filter(|t| t.subject.to_string() == subject && t.predicate.as_str() == predicate)
            .map(|t| t.object.clone())
            .collect()
    }

    /// The lexical values of literal objects.
    pub fn literals(&self, subject: &str, predicate: &str) -> Vec<String> {
        self.objects(subject, predicate)
            .into_iter()
            .map(|o| match o {
                Term::Literal(l) => l.value().to_owned(),
                other => panic!("{subject} {predicate}: expected a literal, found {other}"),
            })
            .collect()
    }

    /// The one literal object of `subject` for `predicate`.
    pub fn literal(&self, subject: &str, predicate: &str) -> String {
        let values = self.literals(subject, predicate);
        assert_eq!(values.len(), 1, "{subject} should have exactly one <{predicate}>, has {values:?}");
        values.into_iter().next().unwrap()
    }

    /// The `att:` Document node whose dcterms:identifier is `name`.
    pub fn document(&self, name: &str) -> String {
        let docs: Vec<String> = self
            .instances(&att("Document"))
            .into_iter()
            .filter(|d| self.literals(d, DCTERMS_IDENTIFIER).iter().any(|i| i == name))
            .collect();
        assert_eq!(docs.len(), 1, "expected one att:Document with dcterms:identifier {name:?}, found {docs:?}");
        docs.into_iter().next().unwrap()
    }

    /// Every named node used anywhere in the graph.
    pub fn named_nodes(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for t in &self.triples {
            if let oxigraph::model::NamedOrBlankNode::NamedNode(n) = &t.subject {
                out.insert(n.as_str().to_owned());
            }
            out.insert(t.predicate.as_str().to_owned());
            if let Term::NamedNode(n) = &t.object {
                out.insert(n.as_str().to_owned());
            }
            if let Term::Literal(l) = &t.object {
                out.insert(l.datatype().as_str().to_owned());
            }
        }
        out
    }
}

pub fn att(local: &str) -> String {
    format!("{ATT}{local}")
}

pub fn named(iri: &str) -> Term {
    Term::NamedNode(NamedNode::new(iri).expect("valid IRI"))
}

/// Render `dot_file` with `dot -Tsvg`; the test fails if GraphViz is not installed, if `dot`
/// exits non-zero, or if it prints anything on stderr (warnings included). Returns the SVG.
pub fn render_dot(dot_file: &Path) -> Vec<u8> {
    let output = match std::process::Command::new("dot").arg("-Tsvg").arg(dot_file).output() {
        Ok(o) => o,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
            "the GraphViz `dot` program is not on PATH, so graph.dot cannot be checked: install graphviz \
             (e.g. `apt-get install -y graphviz` or `brew install graphviz`) and run the tests again"
        ),
        Err(e) => panic!("cannot run `dot`: {e}"),
    };
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "dot -Tsvg {} failed ({}): {stderr}", dot_file.display(), output.status);
    assert!(stderr.is_empty(), "dot -Tsvg {} printed warnings: {stderr}", dot_file.display());
    assert!(!output.stdout.is_empty(), "dot -Tsvg {} produced no SVG", dot_file.display());
    output.stdout
}
