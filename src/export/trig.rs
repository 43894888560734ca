//! TriG: the graph with its provenance made queryable. The default graph is the whole merged
//! graph (as in `graph.ttl`); each document has a named graph, named by the document's IRI,
//! holding the statements that document supports and an `att:Evidence` node for each: the
//! statement (`rdf:subject`, `rdf:predicate`, `rdf:object`), the rule that read it, the sentence
//! and its offsets. So "which article says that X commands Y?" is one query:
//!
//! ```sparql
//! SELECT ?doc WHERE { GRAPH ?g { ?x att:commands ?y } ?g dcterms:identifier ?doc }
//! ```

use std::collections::{BTreeMap, HashMap};

use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{GraphName, Literal as RdfLiteral, NamedNode, Quad, Term, Triple};

use crate::error::{Error, Result};
use crate::export::turtle::{date_literal, pred_iri};
use crate::analysis::Pred;
use crate::graph::{KnowledgeGraph, Literal, NodeKind, StatementEvidence, StatementObject};
use petgraph::graph::NodeIndex;
use crate::names;
use crate::vocab::{self, att, std_terms::*};

/// Every quad of the dataset, in a deterministic order: the default graph (the sorted triples
/// of `graph.ttl`), then each document's graph in file name order — its statements with their
/// evidence in the graph's order, then its mentions. Quads are handed to `emit` one document
/// at a time, so the dataset is never held whole in memory.
pub fn for_each_quad(kg: &KnowledgeGraph, triples: &[Triple], emit: &mut dyn FnMut(Quad) -> std::io::Result<()>) -> std::io::Result<()> {
    for t in triples {
        emit(t.clone().in_graph(GraphName::DefaultGraph))?;
    }
    let doc_iri: BTreeMap<String, NamedNode> = kg
        .graph
        .node_weights()
        .filter_map(|n| match &n.kind {
            NodeKind::Document { name, .. } => Some((name.clone(), NamedNode::new_unchecked(n.iri.clone()))),
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
    let mut by_subject: HashMap<&str, Vec<&Triple>> = HashMap::new();
    for t in triples {
        if let oxigraph::model::NamedOrBlankNode::NamedNode(n) = &t.subject {
            by_subject.entry(n.as_str()).or_default().push(t);
        }
    }
    for (doc, graph) in &doc_iri {
        let g = GraphName::NamedNode(graph.clone());
        let mut stated: std::collections::BTreeSet<&(NodeIndex, Pred, StatementObject)> = std::collections::BTreeSet::new();
        for (n, (key, ev)) in per_doc.get(doc.as_str()).into_iter().flatten().enumerate() {
            let (s, pred, object) = key;
            let subject = NamedNode::new_unchecked(kg.graph[*s].iri.clone());
            let object: Term = match object {
                StatementObject::Node(o) => NamedNode::new_unchecked(kg.graph[*o].iri.clone()).into(),
                StatementObject::Literal(Literal::Text(t)) => RdfLiteral::new_simple_literal(t).into(),
                StatementObject::Literal(Literal::Date(d)) => date_literal(&d.lexical()).into(),
            };
            if stated.insert(*key) {
                emit(Quad::new(subject.clone(), pred_iri(*pred).into_owned(), object.clone(), g.clone()))?;
            }
            let e = NamedNode::new_unchecked(format!("{}evidence/{}-{}", vocab::ID, names::iri_segment(doc), n + 1));
            let mut add = |p: oxigraph::model::NamedNodeRef<'_>, o: Term| emit(Quad::new(e.clone(), p.into_owned(), o, g.clone()));
            add(rdf::TYPE, att::EVIDENCE.into_owned().into())?;
            add(rdf::SUBJECT, subject.clone().into())?;
            add(rdf::PREDICATE, pred_iri(*pred).into_owned().into())?;
            add(rdf::OBJECT, object)?;
            add(att::RULE, RdfLiteral::new_simple_literal(ev.rule).into())?;
            add(att::SENTENCE, RdfLiteral::new_simple_literal(&ev.sentence).into())?;
            add(att::START, RdfLiteral::new_typed_literal(ev.start.to_string(), xsd::INTEGER).into())?;
            add(att::END, RdfLiteral::new_typed_literal(ev.end.to_string(), xsd::INTEGER).into())?;
            add(att::IN_DOCUMENT, graph.clone().into())?;
        }
        for m in mentions_of.get(doc.as_str()).into_iter().flatten() {
            for t in by_subject.get(kg.graph[*m].iri.as_str()).into_iter().flatten() {
                emit((*t).clone().in_graph(g.clone()))?;
            }
        }
    }
    Ok(())
}

/// Every quad of the dataset, in [`for_each_quad`]'s order.
pub fn quads(kg: &KnowledgeGraph, triples: &[Triple]) -> Vec<Quad> {
    let mut out = Vec::new();
    for_each_quad(kg, triples, &mut |q| {
        out.push(q);
        Ok(())
    })
    .expect("collecting quads cannot fail");
    out
}

/// The dataset as TriG text.
pub fn to_trig(kg: &KnowledgeGraph, triples: &[Triple]) -> Result<Vec<u8>> {
    let rdf_err = |e: std::io::Error| Error::Rdf { message: e.to_string() };
    let mut serializer = RdfSerializer::from_format(RdfFormat::TriG);
    for (prefix, iri) in vocab::PREFIXES {
        serializer = serializer.with_prefix(*prefix, *iri).map_err(|e| Error::Rdf { message: e.to_string() })?;
    }
    let mut writer = serializer.for_writer(Vec::new());
    for_each_quad(kg, triples, &mut |q| writer.serialize_quad(&q)).map_err(rdf_err)?;
    writer.finish().map_err(rdf_err)
}
