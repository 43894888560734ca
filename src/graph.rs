//! Graph: the resolved entities, documents and mentions as one petgraph graph, with the IRIs the
//! contract mints. Both exporters read only this.
//!
//! Nodes are entities, documents and mentions; edges are the relations of vocabulary.md
//! (`att:commands` …) plus `prov:wasDerivedFrom`, `att:denotes` and `att:inDocument`. Literal
//! attributes (rank, role, topic, date) sit on their entity node. The evidence of every
//! statement is kept beside the graph for `attache explain`.
//!
//! A sentence is quoted by every statement it is evidence for, and a document's name by each
//! piece of evidence from it: in evidence these are [`SharedText`], one allocation each however
//! often they are quoted.

use std::borrow::Borrow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use petgraph::graph::{DiGraph, NodeIndex};
use rayon::prelude::*;

use crate::analysis::{Class, Pred};
use crate::dates::PartialDate;
use crate::names;
use crate::resolve::{Evidence, Resolved, ResolvedMention, Value};
use crate::vocab;

/// Immutable text shared by reference count, read as a `str` (it dereferences to one, and
/// compares, orders, hashes, prints and converts into a `String` as the text does).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SharedText(Arc<str>);

impl SharedText {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for SharedText {
    fn default() -> Self {
        SharedText(Arc::from(""))
    }
}

impl Deref for SharedText {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for SharedText {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for SharedText {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SharedText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

impl fmt::Debug for SharedText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl From<&str> for SharedText {
    fn from(text: &str) -> Self {
        SharedText(Arc::from(text))
    }
}

impl From<String> for SharedText {
    fn from(text: String) -> Self {
        SharedText(Arc::from(text))
    }
}

impl From<&SharedText> for String {
    fn from(text: &SharedText) -> Self {
        text.as_str().to_owned()
    }
}

impl From<SharedText> for String {
    fn from(text: SharedText) -> Self {
        text.as_str().to_owned()
    }
}

impl PartialEq<str> for SharedText {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for SharedText {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for SharedText {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

/// A literal attribute of an entity.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Literal {
    Text(String),
    Date(PartialDate),
}

#[derive(Debug, Clone)]
pub enum NodeKind {
    /// Boxed: entities are a tenth of the nodes and their part is the largest; inline, it made
    /// every mention node half as large again (152 bytes a node instead of 96).
    Entity(Box<EntityNode>),
    Document {
        name: String,
        date: Option<chrono::NaiveDate>,
    },
    Mention {
        start: usize,
        end: usize,
        anchor: String,
        /// The document's file name and the sentence the mention stands in, for explanations
        /// (the sentence is empty when it states no fact, unless the extractor kept mentions'
        /// sentences, as `attache explain` has it do); shared with the document's other
        /// mentions and evidence.
        document: SharedText,
        sentence: SharedText,
    },
}

/// What an entity node holds.
#[derive(Debug, Clone)]
pub struct EntityNode {
    pub class: Class,
    pub label: String,
    pub alt_labels: BTreeSet<String>,
    pub attributes: BTreeSet<(Pred, Literal)>,
    pub merge_reasons: BTreeSet<String>,
    pub rules: BTreeSet<&'static str>,
}

#[derive(Debug, Clone)]
pub struct Node {
    pub iri: String,
    pub kind: NodeKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Edge {
    Relation(Pred),
    DerivedFrom,
    Denotes,
    InDocument,
}

/// The evidence of one statement: its sentence and rule.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct StatementEvidence {
    pub document: SharedText,
    /// Code point offsets of the sentence in the document.
    pub start: usize,
    pub end: usize,
    pub sentence: SharedText,
    pub rule: &'static str,
}

/// What a statement says: subject node, predicate, and a node or literal.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatementObject {
    Node(NodeIndex),
    Literal(Literal),
}

#[derive(Debug, Default)]
pub struct KnowledgeGraph {
    pub graph: DiGraph<Node, Edge>,
    /// Every extracted statement with its evidence.
    pub evidence: BTreeMap<(NodeIndex, Pred, StatementObject), Vec<StatementEvidence>>,
}

impl KnowledgeGraph {
    /// Build the graph from the resolved entities, minting deterministic IRIs.
    pub fn from_resolved(r: &Resolved) -> Self {
        Self::from_resolved_in_batches(r, MENTIONS_PER_BATCH)
    }

    /// [`KnowledgeGraph::from_resolved`], making `mentions_per_batch` mention nodes at a time.
    fn from_resolved_in_batches(r: &Resolved, mentions_per_batch: usize) -> Self {
        // What entity nodes and statements hold is made on all threads; nodes and edges are
        // added in order on one, so node indices do not depend on the thread count.
        let labels = visit_labels(r);
        let iris = mint_iris(r, &labels);
        // Mentions by document, span and entity IRI. Resolve lists them document by document, so
        // only each document's own need sorting.
        debug_assert!(r.mentions.windows(2).all(|w| w[0].doc <= w[1].doc));
        let mut sorted_mentions: Vec<_> = r.mentions.iter().collect();
        sorted_mentions
            .par_chunk_by_mut(|a, b| a.doc == b.doc)
            .for_each(|in_doc| in_doc.sort_by(|a, b| (a.start, a.end, &iris[a.entity]).cmp(&(b.start, b.end, &iris[b.entity]))));
        // A span's mentions are one node; spans that name several entities are consecutive.
        let spans: Vec<Span<'_>> = sorted_mentions.chunk_by(|a, b| (a.doc, a.start, a.end) == (b.doc, b.start, b.end)).collect();
        // The graph is allocated at its final size: grown by doubling, its node and edge vectors
        // would be copied over and over at corpus scale.
        let nodes = r.entities.len() + r.documents.len() + spans.len();
        let derived: usize = r.entities.iter().map(|e| e.documents.len()).sum();
        let relations = r.facts.iter().filter(|f| matches!(f.object, Value::Node(_))).count();
        // At most one `denotes` edge per mention, and one `inDocument` edge per span.
        let edges = derived + spans.len() + r.mentions.len() + relations;
        let mut kg = KnowledgeGraph { graph: DiGraph::with_capacity(nodes, edges), evidence: BTreeMap::new() };
        // Entity nodes in IRI order, then documents, then mentions.
        let mut order: Vec<usize> = (0..r.entities.len()).collect();
        order.par_sort_unstable_by(|a, b| iris[*a].cmp(&iris[*b]));
        let mut entity_nodes: Vec<Option<Node>> = r
            .entities
            .par_iter()
            .zip(iris.into_par_iter())
            .zip(labels.into_par_iter())
            .map(|((e, iri), visit)| {
                let label = match visit {
                    Some((label, _)) => label,
                    None => e.label.clone(),
                };
                let kind = NodeKind::Entity(Box::new(EntityNode {
                    class: e.class,
                    label,
                    alt_labels: e.alt_labels.clone(),
                    attributes: BTreeSet::new(),
                    merge_reasons: e.merge_reasons.clone(),
                    rules: e.rules.clone(),
                }));
                Some(Node { iri, kind })
            })
            .collect();
        let mut node_of = vec![NodeIndex::end(); r.entities.len()];
        for i in order {
            node_of[i] = kg.graph.add_node(entity_nodes[i].take().expect("each entity added once"));
        }
        drop(entity_nodes);
        // Each document's name as an IRI segment, written out once for all its mentions.
        let segments: Vec<String> = r.documents.par_iter().map(|d| names::iri_segment(&d.name)).collect();
        let docs: Vec<NodeIndex> = r
            .documents
            .iter()
            .zip(&segments)
            .map(|(d, segment)| {
                kg.graph.add_node(Node {
                    iri: format!("{}document/{}", vocab::ID, segment),
                    kind: NodeKind::Document { name: d.name.as_str().to_owned(), date: d.date },
                })
            })
            .collect();
        for (i, e) in r.entities.iter().enumerate() {
            for d in &e.documents {
                kg.graph.add_edge(node_of[i], docs[*d], Edge::DerivedFrom);
            }
        }
        // Mention nodes are made on all threads a batch at a time, while the batch before is
        // added to the graph in order on one: made all at once, they would be a second copy of
        // the biggest part of the graph; made one by one as they are added, they kept a core
        // idle (at 100k articles, 1.8 s of the graph stage's 4.4 s).
        let mention_node = |span: &Span<'_>| -> Node {
            let m = span[0];
            let doc = &r.documents[m.doc];
            let sentence = doc.sentences.get(m.sentence).map(|s| s.2.clone()).unwrap_or_default();
            let kind = NodeKind::Mention { start: m.start, end: m.end, anchor: m.anchor.clone(), document: doc.name.clone(), sentence };
            Node { iri: mention_iri(&segments[m.doc], m.start, m.end), kind }
        };
        let mut add_mentions = |batch: &[Span<'_>], nodes: Vec<Node>| {
            for (span, node) in batch.iter().zip(nodes) {
                let doc = span[0].doc;
                let n = kg.graph.add_node(node);
                kg.graph.add_edge(n, docs[doc], Edge::InDocument);
                let mut denoted: Vec<NodeIndex> = Vec::with_capacity(span.len());
                for m in span.iter() {
                    if !denoted.contains(&node_of[m.entity]) {
                        denoted.push(node_of[m.entity]);
                        kg.graph.add_edge(n, node_of[m.entity], Edge::Denotes);
                    }
                }
            }
        };
        let mut made: Option<(&[Span<'_>], Vec<Node>)> = None;
        for batch in spans.chunks(mentions_per_batch.max(1)) {
            let ((), nodes) = rayon::join(
                || {
                    if let Some((before, nodes)) = made.take() {
                        add_mentions(before, nodes);
                    }
                },
                || batch.par_iter().map(mention_node).collect::<Vec<Node>>(),
            );
            made = Some((batch, nodes));
        }
        if let Some((last, nodes)) = made {
            add_mentions(last, nodes);
        }
        let evidence_of = |ev: &[Evidence]| -> Vec<StatementEvidence> {
            ev.iter()
                .map(|e| {
                    let doc = &r.documents[e.doc];
                    let (start, end, text) = doc.sentences.get(e.sentence).cloned().unwrap_or_default();
                    StatementEvidence { document: doc.name.clone(), start, end, sentence: text, rule: e.rule }
                })
                .collect()
        };
        // The statements are collected, sorted and then built into the map in one pass that fills
        // its nodes, rather than inserted one by one. (Resolve merged the facts, so no two have
        // the same key.)
        let mut statements: Vec<_> = r
            .facts
            .par_iter()
            .map(|f| {
                let object = match &f.object {
                    Value::Node(o) => StatementObject::Node(node_of[*o]),
                    Value::Text(t) => StatementObject::Literal(Literal::Text(t.clone())),
                    Value::Date(d) => StatementObject::Literal(Literal::Date(*d)),
                };
                ((node_of[f.subject], f.pred, object), evidence_of(&f.evidence))
            })
            .collect();
        for ((s, pred, object), _) in &statements {
            match object {
                StatementObject::Node(o) => _ = kg.graph.add_edge(*s, *o, Edge::Relation(*pred)),
                StatementObject::Literal(lit) => {
                    if let NodeKind::Entity(e) = &mut kg.graph[*s].kind {
                        e.attributes.insert((*pred, lit.clone()));
                    }
                }
            }
        }
        statements.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        kg.evidence = statements.into_iter().collect();
        kg
    }

    /// Entity nodes, in IRI order.
    pub fn entities(&self) -> impl Iterator<Item = (NodeIndex, &Node)> + '_ {
        self.graph.node_indices().map(|i| (i, &self.graph[i])).filter(|(_, n)| matches!(n.kind, NodeKind::Entity(_)))
    }

    pub fn class_of(&self, n: NodeIndex) -> Option<Class> {
        match &self.graph[n].kind {
            NodeKind::Entity(e) => Some(e.class),
            _ => None,
        }
    }

    pub fn label_of(&self, n: NodeIndex) -> &str {
        match &self.graph[n].kind {
            NodeKind::Entity(e) => &e.label,
            NodeKind::Document { name, .. } => name,
            NodeKind::Mention { anchor, .. } => anchor,
        }
    }

    /// The relation edges between entities, in a stable order.
    pub fn relations(&self) -> Vec<(NodeIndex, Pred, NodeIndex)> {
        let mut out: Vec<(NodeIndex, Pred, NodeIndex)> = self.relation_edges().collect();
        out.sort_by(|a, b| (&self.graph[a.0].iri, a.1, &self.graph[a.2].iri).cmp(&(&self.graph[b.0].iri, b.1, &self.graph[b.2].iri)));
        out.dedup();
        out
    }

    /// How many relations [`KnowledgeGraph::relations`] lists, without ordering them.
    pub fn relation_count(&self) -> usize {
        let mut relations: Vec<(NodeIndex, Pred, NodeIndex)> = self.relation_edges().collect();
        relations.sort_unstable();
        relations.dedup();
        relations.len()
    }

    /// Every relation edge, in edge order, repeats included.
    fn relation_edges(&self) -> impl Iterator<Item = (NodeIndex, Pred, NodeIndex)> + '_ {
        self.graph.edge_indices().filter_map(|e| match self.graph[e] {
            Edge::Relation(p) => self.graph.edge_endpoints(e).map(|(s, o)| (s, p, o)),
            _ => None,
        })
    }

    /// Free the graph on all threads rather than one: it is mostly small strings, millions of
    /// them at corpus scale.
    pub fn free_in_parallel(self) {
        let (nodes, edges) = self.graph.into_nodes_edges();
        let evidence = self.evidence;
        rayon::join(|| nodes.into_par_iter().for_each(drop), || drop((edges, evidence)));
    }

    /// How many entity nodes of each class.
    pub fn class_counts(&self) -> BTreeMap<Class, usize> {
        let mut out = BTreeMap::new();
        for (_, n) in self.entities() {
            if let NodeKind::Entity(e) = &n.kind {
                *out.entry(e.class).or_insert(0) += 1;
            }
        }
        out
    }
}

/// The mentions of one span of one document: one mention node, denoting each of their entities.
type Span<'r> = &'r [&'r ResolvedMention];

/// How many mention nodes are made side by side before they are added to the graph: enough to
/// keep both cores busy, few enough (about 10 MB of nodes) to stay out of the peak memory.
const MENTIONS_PER_BATCH: usize = 1 << 16;

/// `…/id/mention/{document}-{start}-{end}`, written into a string of the right size at once:
/// `format!` would grow it piece by piece, reallocating, and there is one per mention.
fn mention_iri(document: &str, start: usize, end: usize) -> String {
    const PREFIX: &str = "mention/";
    // Exactly as long as it will be: there are millions of these at corpus scale, and a guess
    // that fits any two numbers would waste about 40 bytes on each.
    let digits = |n: usize| n.checked_ilog10().map_or(1, |d| d as usize + 1);
    let mut iri = String::with_capacity(vocab::ID.len() + PREFIX.len() + document.len() + 2 + digits(start) + digits(end));
    iri.push_str(vocab::ID);
    iri.push_str(PREFIX);
    iri.push_str(document);
    for n in [start, end] {
        iri.push('-');
        push_decimal(&mut iri, n);
    }
    iri
}

/// Append `n` in decimal, as `Display` writes it (without the formatting machinery, which costs
/// several times more for a number this short).
pub(crate) fn push_decimal(out: &mut String, n: usize) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut rest = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    out.extend(digits[i..].iter().map(|&d| char::from(d)));
}

/// The IRI of each entity: a slug of its label under its class; entities whose slugs clash
/// are told apart by a suffix, in an order that depends only on their content.
fn mint_iris(r: &Resolved, visit_labels: &[Option<(String, String)>]) -> Vec<String> {
    let mut iris: Vec<String> = r
        .entities
        .par_iter()
        .zip(visit_labels)
        .map(|(e, visit)| {
            let slug = match visit {
                Some((_, slug)) => slug.clone(),
                None => names::slug(&e.label),
            };
            format!("{}{}/{}", vocab::ID, e.class.slug(), slug)
        })
        .collect();
    let mut by_iri: Vec<usize> = (0..iris.len()).collect();
    by_iri.par_sort_unstable_by(|a, b| iris[*a].cmp(&iris[*b]));
    // The first of a clashing group, by its content, keeps the IRI; the n-th gets `-n`. The
    // content is written out only for the entities that clash.
    let content = |i: usize| {
        let e = &r.entities[i];
        format!(
            "{}|{}|{}",
            e.label,
            e.alt_labels.iter().cloned().collect::<Vec<_>>().join("|"),
            e.documents.iter().map(|d| r.documents[*d].name.as_str()).collect::<Vec<_>>().join("|")
        )
    };
    let mut start = 0;
    while start < by_iri.len() {
        let base = &iris[by_iri[start]];
        let len = by_iri[start..].iter().take_while(|&&i| iris[i] == *base).count();
        if len > 1 {
            let mut clash: Vec<(String, usize)> = by_iri[start..start + len].iter().map(|&i| (content(i), i)).collect();
            clash.sort();
            let base = base.clone();
            for (n, (_, i)) in clash.into_iter().enumerate().skip(1) {
                iris[i] = format!("{base}-{}", n + 1);
            }
        }
        start += len;
    }
    iris
}

/// Each visit's composed label ("Tomer Bar's visit to Morocco") and IRI slug, by entity index
/// (`None` for other entities).
fn visit_labels(r: &Resolved) -> Vec<Option<(String, String)>> {
    // The facts about each visit, in fact order, so each visit reads only its own.
    let mut facts_of: Vec<Vec<&crate::resolve::ResolvedFact>> = vec![Vec::new(); r.entities.len()];
    for f in &r.facts {
        if r.entities[f.subject].class == Class::Visit {
            facts_of[f.subject].push(f);
        }
    }
    let facts_of = &facts_of;
    r.entities.par_iter().enumerate().map(|(i, e)| {
        if e.class != Class::Visit {
            return None;
        }
        let facts: &[&crate::resolve::ResolvedFact] = &facts_of[i];
        let find = |p: Pred| {
            facts.iter().filter(|f| f.pred == p).find_map(|f| match f.object {
                Value::Node(o) => Some(r.entities[o].label.clone()),
                _ => None,
            })
        };
        let date = facts.iter().filter(|f| f.pred == Pred::Date).find_map(|f| match f.object {
            Value::Date(d) => Some(d.lexical()),
            _ => None,
        });
        let visitor = find(Pred::Visitor).unwrap_or_else(|| "unknown visitor".into());
        let label = match find(Pred::Destination) {
            Some(d) => format!("{visitor}'s visit to {d}"),
            None => format!("{visitor}'s visit"),
        };
        let slug = match &date {
            Some(d) => format!("{}-{}", names::slug(&label.replace("'s visit to", "")), d),
            None => names::slug(&label.replace("'s visit to", "")),
        };
        Some((label, slug))
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mention_nodes_are_the_same_in_batches_of_any_size() {
        let extractor = crate::pipeline::Extractor::builtin().unwrap();
        let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        let analyses: Vec<_> = crate::read::find_documents(&[seeds]).unwrap().iter().map(|p| extractor.extract(&crate::read::read_document(p, 1 << 24).unwrap())).collect();
        let resolved = crate::resolve::resolve(&analyses, &extractor.lexicon);
        let shape = |kg: &KnowledgeGraph| {
            let nodes: Vec<String> = kg.graph.node_weights().map(|n| format!("{} {:?}", n.iri, n.kind)).collect();
            let edges: Vec<(usize, usize, String)> = kg.graph.raw_edges().iter().map(|e| (e.source().index(), e.target().index(), format!("{:?}", e.weight))).collect();
            (nodes, edges)
        };
        let whole = shape(&KnowledgeGraph::from_resolved_in_batches(&resolved, usize::MAX));
        assert!(whole.0.iter().filter(|n| n.contains("/mention/")).count() > 50, "the seeds have mentions to batch");
        for batch in [1, 2, 7, 64] {
            assert_eq!(shape(&KnowledgeGraph::from_resolved_in_batches(&resolved, batch)), whole, "batches of {batch}");
        }
    }

    #[test]
    fn mention_iris_are_allocated_at_their_exact_length() {
        for (start, end) in [(0, 9), (9, 10), (99, 100), (123_456, 7_890_123), (usize::MAX - 1, usize::MAX)] {
            let iri = mention_iri("doc_1.txt", start, end);
            assert_eq!(iri, format!("{}mention/doc_1.txt-{start}-{end}", vocab::ID));
            assert_eq!(iri.capacity(), iri.len(), "{iri}");
        }
    }
}
