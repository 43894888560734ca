//! TriG: the graph with its provenance made queryable. The default graph is the whole merged
//! graph (as in `graph.ttl`); each document has a named graph, named by the document's IRI,
//! holding the statements that document supports and an `att:Evidence` node for each: the
//! statement (`rdf:subject`, `rdf:predicate`, `rdf:object`), the rule that read it, the sentence
//! and its offsets. So "which article says that X commands Y?" is one query:
//!
//! ```sparql
//! SELECT ?doc WHERE { GRAPH ?g { ?x att:commands ?y } ?g dcterms:identifier ?doc }
//! ```

use std::collections::{BTreeMap, HashMap, HashSet};

use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{GraphName, Literal as RdfLiteral, NamedNode, Quad, Term, Triple};

use crate::error::{Error, Result};
use crate::export::turtle::{date_literal, pred_iri};
use crate::graph::{KnowledgeGraph, Literal, NodeKind, StatementObject};
use crate::names;
use crate::vocab::{self, att, std_terms::*};

/// Every quad of the dataset, in a deterministic order: the default graph (the sorted triples
/// of `graph.ttl`), then each document's graph in file name order, its statements and evidence
/// in the graph's order, then its mentions.
pub fn quads(kg: &KnowledgeGraph, triples: &[Triple]) -> Vec<Quad> {
    let mut out: Vec<Quad> = triples.iter().map(|t| t.clone().in_graph(GraphName::DefaultGraph)).collect();
    let doc_iri: BTreeMap<String, NamedNode> = kg
        .graph
        .node_weights()
        .filter_map(|n| match &n.kind {
            NodeKind::Document { name, .. } => Some((name.clone(), NamedNode::new_unchecked(n.iri.clone()))),
            _ => None,
        })
        .collect();
    let mut per_doc: BTreeMap<&str, Vec<Quad>> = BTreeMap::new();
    let mut seen: HashSet<(String, Triple)> = HashSet::new();
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
            let Some((doc, graph)) = doc_iri.get_key_value(&ev.document) else { continue };
            let g = GraphName::NamedNode(graph.clone());
            let bucket = per_doc.entry(doc.as_str()).or_default();
            if seen.insert((ev.document.clone(), statement.clone())) {
                bucket.push(statement.clone().in_graph(g.clone()));
            }
            let n = counters.entry(ev.document.clone()).or_insert(0);
            *n += 1;
            let e = NamedNode::new_unchecked(format!("{}evidence/{}-{}", vocab::ID, names::iri_segment(&ev.document), n));
            let mut add = |p: oxigraph::model::NamedNodeRef<'_>, o: Term| bucket.push(Quad::new(e.clone(), p.into_owned(), o, g.clone()));
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
    let mut by_subject: HashMap<&str, Vec<&Triple>> = HashMap::new();
    for t in triples {
        if let oxigraph::model::NamedOrBlankNode::NamedNode(n) = &t.subject {
            by_subject.entry(n.as_str()).or_default().push(t);
        }
    }
    for m in kg.graph.node_indices() {
        if let NodeKind::Mention { document, .. } = &kg.graph[m].kind {
            if let Some((doc, graph)) = doc_iri.get_key_value(document) {
                let g = GraphName::NamedNode(graph.clone());
                let bucket = per_doc.entry(doc.as_str()).or_default();
                for t in by_subject.get(kg.graph[m].iri.as_str()).into_iter().flatten() {
                    bucket.push((*t).clone().in_graph(g.clone()));
                }
            }
        }
    }
    for (_, bucket) in per_doc {
        out.extend(bucket);
    }
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
    for q in quads(kg, triples) {
        writer.serialize_quad(&q).map_err(rdf_err)?;
    }
    writer.finish().map_err(rdf_err)
}
