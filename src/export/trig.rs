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

use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{GraphNameRef, Literal as RdfLiteral, NamedNode, NamedNodeRef, QuadRef, TermRef};
use petgraph::graph::NodeIndex;

use crate::analysis::Pred;
use crate::error::{Error, Result};
use crate::export::turtle::{date_literal, pred_iri, SortedTriples};
use crate::graph::{KnowledgeGraph, Literal, NodeKind, StatementEvidence, StatementObject};
use crate::names;
use crate::vocab::{self, att, std_terms::*};

/// Every quad of the dataset, in a deterministic order: the default graph (the sorted triples
/// of `graph.ttl`), then each document's graph in file name order — its statements with their
/// evidence in the graph's order, then its mentions. Quads are handed to `emit` one at a time,
/// so the dataset is never held whole in memory.
pub fn for_each_quad(kg: &KnowledgeGraph, triples: &SortedTriples, emit: &mut dyn FnMut(QuadRef<'_>) -> std::io::Result<()>) -> std::io::Result<()> {
    for t in triples.iter() {
        emit(t.in_graph(GraphNameRef::DefaultGraph))?;
    }
    let documents: BTreeMap<&str, NodeIndex> = kg
        .graph
        .node_indices()
        .filter_map(|i| match &kg.graph[i].kind {
            NodeKind::Document { name, .. } => Some((name.as_str(), i)),
            _ => None,
        })
        .collect();
    // Which statements (and which of their evidence) each document supports, by reference.
    let mut per_doc: BTreeMap<&str, Vec<(&(NodeIndex, Pred, StatementObject), &StatementEvidence)>> = BTreeMap::new();
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
    let iri = |n: NodeIndex| NamedNodeRef::new_unchecked(kg.graph[n].iri.as_str());
    for (doc, &doc_node) in &documents {
        let graph = iri(doc_node);
        let g = GraphNameRef::NamedNode(graph);
        let mut stated: BTreeSet<&(NodeIndex, Pred, StatementObject)> = BTreeSet::new();
        for (n, (key, ev)) in per_doc.get(doc).into_iter().flatten().enumerate() {
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
        for &m in mentions_of.get(doc).into_iter().flatten() {
            for t in triples.of_node(m) {
                emit(t.in_graph(g))?;
            }
        }
    }
    Ok(())
}

/// Write the dataset as TriG.
pub fn write_trig(kg: &KnowledgeGraph, triples: &SortedTriples, out: impl Write) -> Result<()> {
    let rdf_err = |e: std::io::Error| Error::Rdf { message: e.to_string() };
    let mut serializer = RdfSerializer::from_format(RdfFormat::TriG);
    for (prefix, iri) in vocab::PREFIXES {
        serializer = serializer.with_prefix(*prefix, *iri).map_err(|e| Error::Rdf { message: e.to_string() })?;
    }
    let mut writer = serializer.for_writer(out);
    for_each_quad(kg, triples, &mut |q| writer.serialize_quad(q)).map_err(rdf_err)?;
    writer.finish().map_err(rdf_err)?;
    Ok(())
}

/// The dataset as TriG text.
pub fn to_trig(kg: &KnowledgeGraph, triples: &SortedTriples) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    write_trig(kg, triples, &mut out)?;
    Ok(out)
}
