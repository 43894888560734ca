//! TriG: the graph with its provenance made queryable. The default graph is the whole merged
//! graph (as in `graph.ttl`, mentions included); each document that supports a statement has a
//! named graph, named by the document's IRI, holding those statements and an `att:Evidence` node
//! for each: the statement (`rdf:subject`, `rdf:predicate`, `rdf:object`), the rule that read it,
//! the sentence and its offsets. So "which article says that X commands Y?" is one query:
//!
//! ```sparql
//! SELECT ?doc WHERE { GRAPH ?g { ?x att:commands ?y } ?g dcterms:identifier ?doc }
//! ```

use std::io::Write;
use std::ops::Range;

use oxigraph::io::RdfFormat;
use oxigraph::model::{GraphNameRef, LiteralRef, NamedNodeRef, QuadRef, TermRef};
use petgraph::graph::NodeIndex;
use rustc_hash::FxHashMap;

use crate::analysis::Pred;
use crate::error::Result;
use crate::export::Sink;
use crate::export::turtle::{date_literal, pred_iri, SortedTriples, TRIPLES_PER_PART};
use crate::graph::{push_decimal, KnowledgeGraph, Literal, NodeKind, StatementEvidence, StatementObject};
use crate::names;
use crate::vocab::{self, att, std_terms::*};

/// What the named graphs are made of: each document's node and the statements it supports with
/// their evidence, looked up once for the whole dataset.
///
/// Mentions stay in the default graph only: each names its document (`att:inDocument`), so
/// repeating them in the document's graph would add a quarter of the file and nothing to ask.
struct NamedGraphs<'g> {
    /// Documents that support a statement, in file name order, each with where its statements
    /// are in `statements`.
    documents: Vec<DocumentGraph<'g>>,
    /// Every statement with one piece of its evidence, document by document, in the graph's
    /// order within each.
    statements: Vec<(&'g (NodeIndex, Pred, StatementObject), &'g StatementEvidence)>,
}

/// A document's named graph: its name, its node and its statements in [`NamedGraphs`].
type DocumentGraph<'g> = (&'g str, NodeIndex, Range<usize>);

impl<'g> NamedGraphs<'g> {
    /// Statements are put in their documents' places by counting (two passes over the
    /// evidence), not by inserting into a map keyed by document name: at 100k articles there
    /// are millions of pieces of evidence, and this runs before any quad can be written.
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
        // Document names are unique (`read` refuses two files of one name).
        let position: FxHashMap<&str, usize> = documents.iter().enumerate().map(|(i, (name, _))| (*name, i)).collect();
        let mut starts = vec![0usize; documents.len() + 1];
        for ev in kg.evidence.values().flatten() {
            if let Some(&i) = position.get(ev.document.as_str()) {
                starts[i + 1] += 1;
            }
        }
        for i in 0..documents.len() {
            starts[i + 1] += starts[i];
        }
        let mut next = starts.clone();
        let mut statements = vec![None; starts[documents.len()]];
        for (key, evidence) in &kg.evidence {
            for ev in evidence {
                if let Some(&i) = position.get(ev.document.as_str()) {
                    statements[next[i]] = Some((key, ev));
                    next[i] += 1;
                }
            }
        }
        let statements = statements.into_iter().map(|s| s.expect("every place counted is filled")).collect();
        // TriG has no empty graph to write for a document that supports nothing.
        let documents = documents.into_iter().enumerate().filter(|(i, _)| starts[i + 1] > starts[*i]).map(|(i, (name, node))| (name, node, starts[i]..starts[i + 1])).collect();
        NamedGraphs { documents, statements }
    }

    /// The quads of one document's graph: its statements with their evidence, in the graph's
    /// order.
    fn emit(&self, kg: &KnowledgeGraph, (doc, doc_node, statements): &DocumentGraph<'_>, emit: &mut dyn FnMut(QuadRef<'_>) -> std::io::Result<()>) -> std::io::Result<()> {
        let iri = |n: NodeIndex| NamedNodeRef::new_unchecked(kg.graph[n].iri.as_str());
        let graph = iri(*doc_node);
        let g = GraphNameRef::NamedNode(graph);
        // A statement's pieces of evidence are side by side (the statements are in the graph's
        // order): the statement is written before its first one.
        let mut stated: Option<&(NodeIndex, Pred, StatementObject)> = None;
        let evidence_prefix = format!("{}evidence/{}-", vocab::ID, names::iri_segment(doc));
        let mut evidence = String::new();
        let (mut start, mut end) = (String::new(), String::new());
        for (n, &(key, ev)) in self.statements[statements.clone()].iter().enumerate() {
            let (s, pred, object) = key;
            let subject = iri(*s);
            let predicate = pred_iri(*pred);
            let literal;
            let object: TermRef<'_> = match object {
                StatementObject::Node(o) => iri(*o).into(),
                StatementObject::Literal(Literal::Text(t)) => LiteralRef::new_simple_literal(t).into(),
                StatementObject::Literal(Literal::Date(d)) => {
                    literal = date_literal(&d.lexical());
                    literal.as_ref().into()
                }
            };
            if stated != Some(key) {
                stated = Some(key);
                emit(QuadRef::new(subject, predicate, object, g))?;
            }
            // Numbers go into strings reused from one statement to the next, not three new
            // ones per statement.
            evidence.clear();
            evidence.push_str(&evidence_prefix);
            push_decimal(&mut evidence, n + 1);
            let e = NamedNodeRef::new_unchecked(&evidence);
            let mut add = |p: NamedNodeRef<'_>, o: TermRef<'_>| emit(QuadRef::new(e, p, o, g));
            add(rdf::TYPE, att::EVIDENCE.into())?;
            add(rdf::SUBJECT, subject.into())?;
            add(rdf::PREDICATE, predicate.into())?;
            add(rdf::OBJECT, object)?;
            add(att::RULE, LiteralRef::new_simple_literal(ev.rule).into())?;
            add(att::SENTENCE, LiteralRef::new_simple_literal(&ev.sentence).into())?;
            start.clear();
            push_decimal(&mut start, ev.start);
            end.clear();
            push_decimal(&mut end, ev.end);
            add(att::START, LiteralRef::new_typed_literal(&start, xsd::INTEGER).into())?;
            add(att::END, LiteralRef::new_typed_literal(&end, xsd::INTEGER).into())?;
            add(att::IN_DOCUMENT, graph.into())?;
        }
        Ok(())
    }
}

/// Every quad of the dataset, in a deterministic order: the default graph (the sorted triples
/// of `graph.ttl`), then each document's graph in file name order: its statements with their
/// evidence, in the graph's order. Quads are handed to `emit` one at a time,
/// so the dataset is never held whole in memory.
pub fn for_each_quad(kg: &KnowledgeGraph, triples: &SortedTriples<'_>, emit: &mut dyn FnMut(QuadRef<'_>) -> std::io::Result<()>) -> std::io::Result<()> {
    for t in triples.iter() {
        emit(t.in_graph(GraphNameRef::DefaultGraph))?;
    }
    let named = NamedGraphs::new(kg);
    for doc in &named.documents {
        named.emit(kg, doc, emit)?;
    }
    Ok(())
}

/// How many documents' graphs one part holds.
pub const DOCUMENTS_PER_PART: usize = 64;

/// A piece of the dataset serialised on its own: a run of whole subjects of the default graph,
/// or the graphs of a run of documents.
enum Part<'a> {
    Default(Range<usize>),
    Documents(&'a [DocumentGraph<'a>]),
}

/// Write the dataset as TriG, in [`for_each_quad`]'s order.
pub fn write_trig(kg: &KnowledgeGraph, triples: &SortedTriples<'_>, mut out: impl Write + Send) -> Result<()> {
    write_trig_and_turtle(kg, triples, &mut |bytes| out.write_all(bytes).map_err(crate::export::rdf_error), None)?;
    out.flush().map_err(crate::export::rdf_error)
}

/// Write the dataset as TriG to `trig` and, when asked, the default graph alone as Turtle to
/// `turtle`, serialising the default graph once for both.
///
/// Runs of whole subjects of the default graph and runs of [`DOCUMENTS_PER_PART`] documents are
/// serialised as parts on all threads and written in order. Parts split only where the
/// serialiser keeps no state but its prefixes, and a default graph in TriG is written exactly as
/// Turtle writes it (oxigraph's Turtle serialiser is its TriG serialiser on the default graph),
/// so the bytes are those of one serialiser writing every quad — or every triple — at any
/// thread count (`tests/build.rs` checks both).
pub fn write_trig_and_turtle(
    kg: &KnowledgeGraph,
    triples: &SortedTriples<'_>,
    trig: &mut Sink<'_>,
    mut turtle: Option<&mut Sink<'_>>,
) -> Result<()> {
    let named = NamedGraphs::new(kg);
    let mut parts: Vec<Part<'_>> = triples.subject_parts(TRIPLES_PER_PART).into_iter().map(Part::Default).collect();
    parts.extend(named.documents.chunks(DOCUMENTS_PER_PART).map(Part::Documents));
    let serialize = |part: &Part<'_>, buffer: Vec<u8>| -> Result<Vec<u8>> {
        crate::export::serialize_into(RdfFormat::TriG, buffer, |writer| match part {
            Part::Default(range) => triples.in_range(range.clone()).try_for_each(|t| writer.serialize_quad(t.in_graph(GraphNameRef::DefaultGraph))),
            Part::Documents(documents) => documents.iter().try_for_each(|doc| named.emit(kg, doc, &mut |q| writer.serialize_quad(q))),
        })
    };
    let (mut trig_started, mut turtle_started) = (false, false);
    crate::export::in_parts(&parts, serialize, |part, bytes| {
        let rest = crate::export::without_prelude(bytes);
        trig(if std::mem::replace(&mut trig_started, true) { rest } else { bytes })?;
        match (part, turtle.as_mut()) {
            (Part::Default(_), Some(turtle)) => turtle(if std::mem::replace(&mut turtle_started, true) { rest } else { bytes }),
            _ => Ok(()),
        }
    })
}
