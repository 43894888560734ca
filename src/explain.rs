//! Explain: everything the graph knows about an entity and why — its labels, each mention with
//! its sentence, each fact with the rule and sentence that produced it, and why variants were
//! merged. `attache explain NAME` prints this.

use std::fmt::Write;

use petgraph::graph::NodeIndex;
use petgraph::Direction;

use crate::graph::{Edge, EntityNode, KnowledgeGraph, Literal, NodeKind, StatementObject};
use crate::names;

/// The entity nodes whose label or alternative label is `name` (case, accents and apostrophes
/// folded); when none is, those whose labels contain it.
pub fn find(kg: &KnowledgeGraph, name: &str) -> Vec<NodeIndex> {
    let wanted = names::fold(name.trim());
    let labels_of = |n: &crate::graph::Node| -> Vec<String> {
        match &n.kind {
            NodeKind::Entity(e) => std::iter::once(&e.label).chain(&e.alt_labels).map(|l| names::fold(l)).collect(),
            _ => Vec::new(),
        }
    };
    let exact: Vec<NodeIndex> = kg.entities().filter(|(_, n)| labels_of(n).contains(&wanted)).map(|(i, _)| i).collect();
    if !exact.is_empty() {
        return exact;
    }
    kg.entities().filter(|(_, n)| labels_of(n).iter().any(|l| l.contains(&wanted))).map(|(i, _)| i).collect()
}

fn literal_text(l: &Literal) -> String {
    match l {
        Literal::Text(t) => format!("{t:?}"),
        Literal::Date(d) => d.lexical(),
    }
}

fn quote_sentence(s: &str) -> String {
    let one_line: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    format!("«{one_line}»")
}

/// The explanation of one entity node.
pub fn explain(kg: &KnowledgeGraph, node: NodeIndex) -> String {
    let mut out = String::new();
    let NodeKind::Entity(entity) = &kg.graph[node].kind else {
        return out;
    };
    let EntityNode { class, label, alt_labels, merge_reasons, rules, .. } = &**entity;
    let _ = writeln!(out, "{} {}  <{}>", class.name(), label, kg.graph[node].iri);
    if !alt_labels.is_empty() {
        let _ = writeln!(out, "  also called: {}", alt_labels.iter().cloned().collect::<Vec<_>>().join("; "));
    }
    let _ = writeln!(out, "  recognised by: {}", rules.iter().copied().collect::<Vec<_>>().join(", "));
    let mut docs: Vec<&str> = kg
        .graph
        .edges_directed(node, Direction::Outgoing)
        .filter(|e| *e.weight() == Edge::DerivedFrom)
        .map(|e| kg.label_of(petgraph::visit::EdgeRef::target(&e)))
        .collect();
    docs.sort();
    let _ = writeln!(out, "  derived from: {}", docs.join(", "));
    // Mentions.
    let mut mentions: Vec<(&str, usize, usize, &str, &str)> = kg
        .graph
        .edges_directed(node, Direction::Incoming)
        .filter(|e| *e.weight() == Edge::Denotes)
        .filter_map(|e| match &kg.graph[petgraph::visit::EdgeRef::source(&e)].kind {
            NodeKind::Mention { start, end, anchor, document, sentence } => Some((document.as_str(), *start, *end, anchor.as_str(), sentence.as_str())),
            _ => None,
        })
        .collect();
    mentions.sort();
    if !mentions.is_empty() {
        let _ = writeln!(out, "  mentions:");
        for (doc, start, end, anchor, sentence) in &mentions {
            let _ = writeln!(out, "    {doc} [{start}..{end}] {anchor:?} in {}", quote_sentence(sentence));
        }
    }
    // Facts, about it and pointing at it.
    let mut facts: Vec<String> = Vec::new();
    for ((s, pred, object), evidence) in &kg.evidence {
        let line = if *s == node {
            let o = match object {
                StatementObject::Node(o) => kg.label_of(*o).to_owned(),
                StatementObject::Literal(l) => literal_text(l),
            };
            format!("{} {}", pred.name(), o)
        } else if *object == StatementObject::Node(node) {
            format!("is {} of {}", pred.name(), kg.label_of(*s))
        } else {
            continue;
        };
        let mut text = format!("    {line}\n");
        for ev in evidence {
            let _ = writeln!(text, "      rule {} in {} [{}..{}]: {}", ev.rule, ev.document, ev.start, ev.end, quote_sentence(&ev.sentence));
        }
        facts.push(text);
    }
    if !facts.is_empty() {
        let _ = writeln!(out, "  facts:");
        for f in facts {
            out.push_str(&f);
        }
    }
    if !merge_reasons.is_empty() {
        let _ = writeln!(out, "  merged because:");
        for r in merge_reasons {
            let _ = writeln!(out, "    - {r}");
        }
    }
    out
}
