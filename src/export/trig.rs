//! TriG: the graph with its provenance made queryable. The default graph is the whole merged
//! graph (as in `graph.ttl`); each document has a named graph, named by the document's IRI,
//! holding the statements that document supports and an `att:Evidence` node for each: the
//! statement (`rdf:subject`, `rdf:predicate`, `rdf:object`), the rule that read it, the sentence
//! and its offsets. So "which article says that X commands Y?" is one query:
//!
//! ```sparql
//! SELECT ?doc WHERE { GRAPH ?g { ?x att:commands ?y } ?g dcterms:identifier ?doc }
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use oxigraph::io::RdfFormat;
use oxigraph::model::{GraphNameRef, Literal as RdfLiteral, NamedNode, NamedNodeRef, QuadRef, TermRef};
use petgraph::graph::NodeIndex;
use rayon::prelude::*;

use crate::analysis::Pred;
use crate::error::{Error, Result};
use crate::export::turtle::{date_literal, pred_iri, SortedTriples};
use crate::graph::{KnowledgeGraph, Literal, NodeKind, StatementEvidence, StatementObject};
use crate::names;
use crate::vocab::{self, att, std_terms::*};

/// What the named graphs are made of: each document's node, the statements it supports with
/// their evidence, and its mentions, looked up once for the whole dataset.
struct NamedGraphs<'g> {
    /// Documents in file name order.
    documents: Vec<(&'g str, NodeIndex)>,
    per_doc: BTreeMap<&'g str, Vec<(&'g (NodeIndex, Pred, StatementObject), &'g StatementEvidence)>>,
    mentions_of: BTreeMap<&'g str, Vec<NodeIndex>>,
}

impl<'g> NamedGraphs<'g> {
    fn new(kg: &'g KnowledgeGraph) -> Self {
        let mut documents: Vec<(&str, NodeIndex)> = kg
            .graph
            .node_indices()
            .filter_map(|i| match &kg.graph[i].kind {
                NodeKind::Document { name, .. } => Some((name.as_str(), i)),
                _ => None,
            })
            .collect();
        documents.sort();
        let mut per_doc: BTreeMap<&str, Vec<_>> = BTreeMap::new();
        for (key, evidence) in &kg.evidence {
            for ev in evidence {
                per_doc.entry(ev.document.as_str()).or_default().push((key, ev));
            }
        }
        let mut mentions_of: BTreeMap<&str, Vec<NodeIndex>> = BTreeMap::new();
        for m in kg.graph.node_indices() {
            if let NodeKind::Mention { document, .. } = &kg.graph[m].kind {
                mentions_of.entry(document.as_str()).or_default().push(m);
            }
        }
        NamedGraphs { documents, per_doc, mentions_of }
    }

    /// The quads of one document's graph: its statements with their evidence in the graph's
    /// order, then its mentions.
    fn emit(&self, kg: &KnowledgeGraph, triples: &SortedTriples, (doc, doc_node): (&str, NodeIndex), emit: &mut dyn FnMut(QuadRef<'_>) -> std::io::Result<()>) -> std::io::Result<()> {
        let iri = |n: NodeIndex| NamedNodeRef::new_unchecked(kg.graph[n].iri.as_str());
        let graph = iri(doc_node);
        let g = GraphNameRef::NamedNode(graph);
        let mut stated: BTreeSet<&(NodeIndex, Pred, StatementObject)> = BTreeSet::new();
        for (n, (key, ev)) in self.per_doc.get(doc).into_iter().flatten().enumerate() {
            let (s, pred, object) = key;
            let subject = iri(*s);
            let predicate = pred_iri(*pred);
            let literal;
            let object: TermRef<'_> = match object {
                StatementObject::Node(o) => iri(*o).into(),
                StatementObject::Literal(Literal::Text(t)) => {
                    literal = RdfLiteral::new_simple_literal(t);
                    literal.as_ref().into()
                }
                StatementObject::Literal(Literal::Date(d)) => {
                    literal = date_literal(&d.lexical());
                    literal.as_ref().into()
                }
            };
            if stated.insert(*key) {
                emit(QuadRef::new(subject, predicate, object, g))?;
            }
            let e = NamedNode::new_unchecked(format!("{}evidence/{}-{}", vocab::ID, names::iri_segment(doc), n + 1));
            let mut add = |p: NamedNodeRef<'_>, o: TermRef<'_>| emit(QuadRef::new(e.as_ref(), p, o, g));
            add(rdf::TYPE, att::EVIDENCE.into())?;
            add(rdf::SUBJECT, subject.into())?;
            add(rdf::PREDICATE, predicate.into())?;
            add(rdf::OBJECT, object)?;
            add(att::RULE, RdfLiteral::new_simple_literal(ev.rule).as_ref().into())?;
            add(att::SENTENCE, RdfLiteral::new_simple_literal(&ev.sentence).as_ref().into())?;
            add(att::START, RdfLiteral::new_typed_literal(ev.start.to_string(), xsd::INTEGER).as_ref().into())?;
            add(att::END, RdfLiteral::new_typed_literal(ev.end.to_string(), xsd::INTEGER).as_ref().into())?;
            add(att::IN_DOCUMENT, graph.into())?;
        }
        for &m in self.mentions_of.get(doc).into_iter().flatten() {
            for t in triples.of_node(m) {
                emit(t.in_graph(g))?;
            }
        }
        Ok(())
    }
}

/// Every quad of the dataset, in a deterministic order: the default graph (the sorted triples
/// of `graph.ttl`), then each document's graph in file name order — its statements with their
/// evidence in the graph's order, then its mentions. Quads are handed to `emit` one at a time,
/// so the dataset is never held whole in memory.
pub fn for_each_quad(kg: &KnowledgeGraph, triples: &SortedTriples, emit: &mut dyn FnMut(QuadRef<'_>) -> std::io::Result<()>) -> std::io::Result<()> {
    for t in triples.iter() {
        emit(t.in_graph(GraphNameRef::DefaultGraph))?;
    }
    let named = NamedGraphs::new(kg);
    for &doc in &named.documents {
        named.emit(kg, triples, doc, emit)?;
    }
    Ok(())
}

/// How many documents' graphs one task serialises.
const DOCUMENTS_PER_PART: usize = 64;

/// Write the dataset as TriG, in [`for_each_quad`]'s order.
///
/// The default graph and runs of [`DOCUMENTS_PER_PART`] documents are serialised as parts on
/// all threads, a few parts at a time, and written in order. Parts split only between graphs,
/// where the serialiser keeps no state but its prefixes, so the bytes are those of one
/// serialiser writing every quad, at any thread count (`tests/build.rs` checks this).
pub fn write_trig(kg: &KnowledgeGraph, triples: &SortedTriples, mut out: impl Write) -> Result<()> {
    let rdf_err = |e: std::io::Error| Error::Rdf { message: e.to_string() };
    let named = NamedGraphs::new(kg);
    let mut parts: Vec<Option<&[(&str, NodeIndex)]>> = vec![None];
    parts.extend(named.documents.chunks(DOCUMENTS_PER_PART).map(Some));
    let serialize = |part: &Option<&[(&str, NodeIndex)]>| -> Result<Vec<u8>> {
        let mut writer = crate::export::serializer(RdfFormat::TriG).for_writer(Vec::new());
        match part {
            None => triples.iter().try_for_each(|t| writer.serialize_quad(t.in_graph(GraphNameRef::DefaultGraph))),
            Some(documents) => documents.iter().try_for_each(|&doc| named.emit(kg, triples, doc, &mut |q| writer.serialize_quad(q))),
        }
        .map_err(rdf_err)?;
        writer.finish().map_err(rdf_err)
    };
    let window = 2 * rayon::current_num_threads().max(1);
    for (w, batch) in parts.chunks(window).enumerate() {
        let serialized: Vec<Result<Vec<u8>>> = batch.par_iter().map(serialize).collect();
        for (i, bytes) in serialized.into_iter().enumerate() {
            let bytes = bytes?;
            let body = if w == 0 && i == 0 { &bytes[..] } else { without_prelude(&bytes) };
            out.write_all(body).map_err(rdf_err)?;
        }
    }
    out.flush().map_err(rdf_err)
}

/// A serialised part without the `@prefix` lines every serialiser writes first.
fn without_prelude(bytes: &[u8]) -> &[u8] {
    let mut rest = bytes;
    while rest.starts_with(b"@prefix ") {
        match rest.iter().position(|&b| b == b'\n') {
            Some(end) => rest = &rest[end + 1..],
            None => break,
        }
    }
    rest
}
