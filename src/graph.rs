//! Graph: the resolved entities, documents and mentions as one petgraph graph, with the IRIs the
//! contract mints. Both exporters read only this.
//!
//! Nodes are entities, documents and mentions; edges are the relations of vocabulary.md
//! (`att:commands` …) plus `prov:wasDerivedFrom`, `att:denotes` and `att:inDocument`. Literal
//! attributes (rank, role, topic, date) sit on their entity node. The evidence of every
//! statement is kept beside the graph for `attache explain`.

use std::collections::{BTreeMap, BTreeSet};

use petgraph::graph::{DiGraph, NodeIndex};

use crate::analysis::{Class, Pred};
use crate::dates::PartialDate;
use crate::names;
use crate::resolve::{Evidence, Resolved, Value};
use crate::vocab;

/// A literal attribute of an entity.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Literal {
    Text(String),
    Date(PartialDate),
}

#[derive(Debug, Clone)]
pub enum NodeKind {
    Entity {
        class: Class,
        label: String,
        alt_labels: BTreeSet<String>,
        attributes: BTreeSet<(Pred, Literal)>,
        merge_reasons: BTreeSet<String>,
        rules: BTreeSet<&'static str>,
    },
    Document {
        name: String,
        date: Option<chrono::NaiveDate>,
    },
    Mention {
        start: usize,
        end: usize,
        anchor: String,
        /// The document's file name and the sentence the mention stands in, for explanations.
        document: String,
        sentence: String,
    },
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
    pub document: String,
    /// Code point offsets of the sentence in the document.
    pub start: usize,
    pub end: usize,
    pub sentence: String,
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
        let mut kg = KnowledgeGraph::default();
        let labels = visit_labels(r);
        // Mint IRIs: a slug of the label; on a clash, a suffix in an order that depends only on content.
        let mut wanted: Vec<(String, String, usize)> = r
            .entities
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let label = if e.class == Class::Visit { labels[&i].1.clone() } else { names::slug(&e.label) };
                let tiebreak = format!(
                    "{}|{}|{}",
                    e.label,
                    e.alt_labels.iter().cloned().collect::<Vec<_>>().join("|"),
                    e.documents.iter().map(|d| r.documents[*d].name.clone()).collect::<Vec<_>>().join("|")
                );
                (format!("{}{}/{}", vocab::ID, e.class.slug(), label), tiebreak, i)
            })
            .collect();
        wanted.sort();
        let mut iris = vec![String::new(); r.entities.len()];
        let mut used: BTreeMap<String, usize> = BTreeMap::new();
        for (base, _, i) in &wanted {
            let n = used.entry(base.clone()).or_insert(0);
            *n += 1;
            iris[*i] = if *n == 1 { base.clone() } else { format!("{base}-{n}") };
        }
        // Entity nodes in IRI order, then documents, then mentions.
        let mut order: Vec<usize> = (0..r.entities.len()).collect();
        order.sort_by(|a, b| iris[*a].cmp(&iris[*b]));
        let mut node_of = vec![NodeIndex::end(); r.entities.len()];
        for i in order {
            let e = &r.entities[i];
            let label = if e.class == Class::Visit { labels[&i].0.clone() } else { e.label.clone() };
            node_of[i] = kg.graph.add_node(Node {
                iri: iris[i].clone(),
                kind: NodeKind::Entity {
                    class: e.class,
                    label,
                    alt_labels: e.alt_labels.clone(),
                    attributes: BTreeSet::new(),
                    merge_reasons: e.merge_reasons.clone(),
                    rules: e.rules.clone(),
                },
            });
        }
        let docs: Vec<NodeIndex> = r
            .documents
            .iter()
            .map(|d| {
                kg.graph.add_node(Node {
                    iri: format!("{}document/{}", vocab::ID, names::iri_segment(&d.name)),
                    kind: NodeKind::Document { name: d.name.clone(), date: d.date },
                })
            })
            .collect();
        for (i, e) in r.entities.iter().enumerate() {
            for d in &e.documents {
                kg.graph.add_edge(node_of[i], docs[*d], Edge::DerivedFrom);
            }
        }
        let mut sorted_mentions: Vec<_> = r.mentions.iter().collect();
        sorted_mentions.sort_by(|a, b| (a.doc, a.start, a.end, &iris[a.entity]).cmp(&(b.doc, b.start, b.end, &iris[b.entity])));
        // One node per span: spans that name several entities are consecutive in this order.
        let mut last_span: Option<((usize, usize, usize), NodeIndex)> = None;
        for m in sorted_mentions {
            let span = (m.doc, m.start, m.end);
            let node = match last_span {
                Some((last, node)) if last == span => node,
                _ => {
                    let doc_name = &r.documents[m.doc].name;
                    let iri = format!("{}mention/{}-{}-{}", vocab::ID, names::iri_segment(doc_name), m.start, m.end);
                    let sentence = r.documents[m.doc].sentences.get(m.sentence).map(|s| s.2.clone()).unwrap_or_default();
                    let kind = NodeKind::Mention { start: m.start, end: m.end, anchor: m.anchor.clone(), document: doc_name.clone(), sentence };
                    let n = kg.graph.add_node(Node { iri, kind });
                    kg.graph.add_edge(n, docs[m.doc], Edge::InDocument);
                    last_span = Some((span, n));
                    n
                }
            };
            if !kg.graph.edges_connecting(node, node_of[m.entity]).any(|e| *e.weight() == Edge::Denotes) {
                kg.graph.add_edge(node, node_of[m.entity], Edge::Denotes);
            }
        }
        let evidence_of = |ev: &BTreeSet<Evidence>| -> Vec<StatementEvidence> {
            ev.iter()
                .map(|e| {
                    let doc = &r.documents[e.doc];
                    let (start, end, text) = doc.sentences.get(e.sentence).cloned().unwrap_or_default();
                    StatementEvidence { document: doc.name.clone(), start, end, sentence: text, rule: e.rule }
                })
                .collect()
        };
        for f in &r.facts {
            let s = node_of[f.subject];
            let object = match &f.object {
                Value::Node(o) => {
                    kg.graph.add_edge(s, node_of[*o], Edge::Relation(f.pred));
                    StatementObject::Node(node_of[*o])
                }
                Value::Text(t) => {
                    let lit = Literal::Text(t.clone());
                    if let NodeKind::Entity { attributes, .. } = &mut kg.graph[s].kind {
                        attributes.insert((f.pred, lit.clone()));
                    }
                    StatementObject::Literal(lit)
                }
                Value::Date(d) => {
                    let lit = Literal::Date(*d);
                    if let NodeKind::Entity { attributes, .. } = &mut kg.graph[s].kind {
                        attributes.insert((f.pred, lit.clone()));
                    }
                    StatementObject::Literal(lit)
                }
            };
            kg.evidence.insert((s, f.pred, object), evidence_of(&f.evidence));
        }
        kg
    }

    /// Entity nodes, in IRI order.
    pub fn entities(&self) -> impl Iterator<Item = (NodeIndex, &Node)> + '_ {
        self.graph.node_indices().map(|i| (i, &self.graph[i])).filter(|(_, n)| matches!(n.kind, NodeKind::Entity { .. }))
    }

    pub fn class_of(&self, n: NodeIndex) -> Option<Class> {
        match &self.graph[n].kind {
            NodeKind::Entity { class, .. } => Some(*class),
            _ => None,
        }
    }

    pub fn label_of(&self, n: NodeIndex) -> &str {
        match &self.graph[n].kind {
            NodeKind::Entity { label, .. } => label,
            NodeKind::Document { name, .. } => name,
            NodeKind::Mention { anchor, .. } => anchor,
        }
    }

    /// The relation edges between entities, in a stable order.
    pub fn relations(&self) -> Vec<(NodeIndex, Pred, NodeIndex)> {
        let mut out: Vec<(NodeIndex, Pred, NodeIndex)> = self
            .graph
            .edge_indices()
            .filter_map(|e| {
                let (s, o) = self.graph.edge_endpoints(e)?;
                match self.graph[e] {
                    Edge::Relation(p) => Some((s, p, o)),
                    _ => None,
                }
            })
            .collect();
        out.sort_by(|a, b| (&self.graph[a.0].iri, a.1, &self.graph[a.2].iri).cmp(&(&self.graph[b.0].iri, b.1, &self.graph[b.2].iri)));
        out.dedup();
        out
    }

    /// How many entity nodes of each class.
    pub fn class_counts(&self) -> BTreeMap<Class, usize> {
        let mut out = BTreeMap::new();
        for (_, n) in self.entities() {
            if let NodeKind::Entity { class, .. } = n.kind {
                *out.entry(class).or_insert(0) += 1;
            }
        }
        out
    }
}

/// Each visit's composed label ("Tomer Bar's visit to Morocco") and IRI slug.
fn visit_labels(r: &Resolved) -> BTreeMap<usize, (String, String)> {
    let mut out = BTreeMap::new();
    // The facts about each visit, in fact order, so each visit reads only its own.
    let mut facts_of: BTreeMap<usize, Vec<&crate::resolve::ResolvedFact>> = BTreeMap::new();
    for f in &r.facts {
        if r.entities[f.subject].class == Class::Visit {
            facts_of.entry(f.subject).or_default().push(f);
        }
    }
    for (i, e) in r.entities.iter().enumerate() {
        if e.class != Class::Visit {
            continue;
        }
        let facts: &[&crate::resolve::ResolvedFact] = facts_of.get(&i).map(Vec::as_slice).unwrap_or_default();
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
        out.insert(i, (label, slug));
    }
    out
}
