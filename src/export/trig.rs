//! TriG: the graph with its provenance made queryable. The default graph is the whole merged
//! graph (as in `graph.ttl`); each document has a named graph, named by the document's IRI,
//! holding the statements that document supports and an `att:Evidence` node for each: the
//! statement (`rdf:subject`, `rdf:predicate`, `rdf:object`), the rule that read it, the sentence
//! and its offsets. So "which article says that X commands Y?" is one query:
//!
//! ```sparql
//! SELECT ?doc WHERE { GRAPH ?g { ?x att:commands ?y } ?g dcterms:identifier ?doc }
//! ```

use std::collections::BTreeMap;

use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{GraphName, Literal as RdfLiteral, NamedNode, Quad, Term, Triple};

use crate::error::{Error, Result};
use crate::export::turtle::{date_literal, pred_iri, triples};
use crate::graph::{KnowledgeGraph, Literal, NodeKind, StatementObject};
use crate::names;
use crate::vocab::{self, att, std_terms::*};

/// Every quad of the dataset, sorted.
pub fn quads(kg: &KnowledgeGraph) -> Vec<Quad> {
    let all = triples(kg);
    let mut by_subject: BTreeMap<String, Vec<&Triple>> = BTreeMap::new();
    for t in &all {
        by_subject.entry(t.subject.to_string()).or_default().push(t);
    }
    let mut out: Vec<Quad> = all.iter().map(|t| t.clone().in_graph(GraphName::DefaultGraph)).collect();
    let doc_iri: BTreeMap<String, NamedNode> = kg
        .graph
        .node_weights()
        .filter_map(|n| match &n.kind {
            NodeKind::Document { name, .. } => Some((name.clone(), NamedNode::new_unchecked(n.iri.clone()))),
            _ => None,
        })
        .collect();
    let mut counters: BTreeMap<String, usize> = BTreeMap::new();
    for ((s, pred, object), evidence) in &kg.evidence {
        let subject = NamedNode::new_unchecked(kg.graph[*s].iri.clone());
        let object: Term = match object {
            StatementObject::Node(o) => NamedNode::new_unchecked(kg.graph[*o].iri.clone()).into(),
            StatementObject::Literal(Literal::Text(t)) => RdfLiteral::new_simple_literal(t).into(),
            StatementObject::Literal(Literal::Date(d)) => date_literal(&d.lexical()).into(),
        };
        let statement = Triple::new(subject.clone(), pred_iri(*pred).into_owned(), object.clone());
        for ev in evidence {
            let Some(graph) = doc_iri.get(&ev.document) else { continue };
            let g = GraphName::NamedNode(graph.clone());
            out.push(statement.clone().in_graph(g.clone()));
            let n = counters.entry(ev.document.clone()).or_insert(0);
            *n += 1;
            let e = NamedNode::new_unchecked(format!("{}evidence/{}-{}", vocab::ID, names::iri_segment(&ev.document), n));
            let mut add = |p: oxigraph::model::NamedNodeRef<'_>, o: Term| out.push(Quad::new(e.clone(), p.into_owned(), o, g.clone()));
            add(rdf::TYPE, att::EVIDENCE.into_owned().into());
            add(rdf::SUBJECT, subject.clone().into());
            add(rdf::PREDICATE, pred_iri(*pred).into_owned().into());
            add(rdf::OBJECT, object.clone());
            add(att::RULE, RdfLiteral::new_simple_literal(ev.rule).into());
            add(att::SENTENCE, RdfLiteral::new_simple_literal(&ev.sentence).into());
            add(att::START, RdfLiteral::new_typed_literal(ev.start.to_string(), xsd::INTEGER).into());
            add(att::END, RdfLiteral::new_typed_literal(ev.end.to_string(), xsd::INTEGER).into());
            add(att::IN_DOCUMENT, graph.clone().into());
        }
    }
    // Each document's mentions, in its own graph too.
    for m in kg.graph.node_indices() {
        if let NodeKind::Mention { document, .. } = &kg.graph[m].kind {
            if let Some(graph) = doc_iri.get(document) {
                let g = GraphName::NamedNode(graph.clone());
                for t in by_subject.get(&format!("<{}>", kg.graph[m].iri)).into_iter().flatten() {
                    out.push((*t).clone().in_graph(g.clone()));
                }
            }
        }
    }
    out.sort_by_cached_key(|q| (q.graph_name.to_string(), q.subject.to_string(), q.predicate.as_str().to_owned(), q.object.to_string()));
    out.dedup();
    out
}

/// The dataset as TriG text.
pub fn to_trig(kg: &KnowledgeGraph) -> Result<Vec<u8>> {
    let rdf_err = |e: std::io::Error| Error::Rdf { message: e.to_string() };
    let mut serializer = RdfSerializer::from_format(RdfFormat::TriG);
    for (prefix, iri) in vocab::PREFIXES {
        serializer = serializer.with_prefix(*prefix, *iri).map_err(|e| Error::Rdf { message: e.to_string() })?;
    }
    let mut writer = serializer.for_writer(Vec::new());
    for q in quads(kg) {
        writer.serialize_quad(&q).map_err(rdf_err)?;
    }
    writer.finish().map_err(rdf_err)
}
