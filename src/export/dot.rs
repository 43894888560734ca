//! DOT: the entities and their relations for GraphViz, shaped and coloured by class, with a
//! legend. Mentions and documents are left out so the picture stays readable; the Turtle holds
//! them.
//!
//! Node ids are generated (`n0`, `n1` …) and every label is a double-quoted DOT string with
//! backslashes, quotes and line breaks escaped, so any character in a name is safe.

use std::fmt::Write;

use crate::analysis::{Class, Pred};
use crate::graph::{EntityNode, KnowledgeGraph, Literal, NodeKind};

/// Shape and fill colour of each class.
fn style(class: Class) -> (&'static str, &'static str) {
    match class {
        Class::Person => ("ellipse", "#fde2b3"),
        Class::Unit => ("box", "#c6dbef"),
        Class::Base => ("house", "#c7e9c0"),
        Class::Agreement => ("note", "#fcbba1"),
        Class::Visit => ("hexagon", "#dadaeb"),
        Class::Country => ("doubleoctagon", "#f0f0f0"),
        Class::City => ("octagon", "#fff7bc"),
    }
}

/// A DOT double-quoted string.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' | '\r' => out.push_str("\\n"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The graph as DOT text.
pub fn to_dot(kg: &KnowledgeGraph) -> String {
    let mut out = String::new();
    out.push_str("digraph attache {\n");
    out.push_str("  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=10, overlap=false];\n");
    out.push_str("  node [style=filled, fontname=\"Helvetica\", fontsize=10];\n");
    out.push_str("  edge [fontname=\"Helvetica\", fontsize=8, color=\"#555555\"];\n");
    let mut ids = std::collections::HashMap::new();
    for (n, (i, node)) in kg.entities().enumerate() {
        let NodeKind::Entity(entity) = &node.kind else { continue };
        let EntityNode { class, label, attributes, .. } = &**entity;
        let id = format!("n{n}");
        let mut text = label.clone();
        let details: Vec<String> = attributes
            .iter()
            .filter(|(p, _)| matches!(p, Pred::Rank | Pred::Date))
            .map(|(_, l)| match l {
                Literal::Text(t) => t.clone(),
                Literal::Date(d) => d.lexical(),
            })
            .collect();
        if !details.is_empty() {
            text.push('\n');
            text.push_str(&details.join(", "));
        }
        let (shape, color) = style(*class);
        let _ = writeln!(out, "  {id} [label={}, shape={shape}, fillcolor=\"{color}\", tooltip={}];", quote(&text), quote(&node.iri));
        ids.insert(i, id);
    }
    for (s, p, o) in kg.relations() {
        if let (Some(a), Some(b)) = (ids.get(&s), ids.get(&o)) {
            let _ = writeln!(out, "  {a} -> {b} [label={}];", quote(p.name()));
        }
    }
    out.push_str("  subgraph cluster_legend {\n    label=\"Legend\";\n    fontsize=10;\n    style=rounded;\n");
    for class in Class::ALL {
        let (shape, color) = style(class);
        let _ = writeln!(out, "    legend_{} [label={}, shape={shape}, fillcolor=\"{color}\"];", class.slug(), quote(class.name()));
    }
    out.push_str("  }\n}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_survives_hostile_names() {
        assert_eq!(quote(r#"a "b" \c"#), r#""a \"b\" \\c""#);
        assert_eq!(quote("x\ny"), r#""x\ny""#);
        assert_eq!(quote("<>{}"), r#""<>{}""#);
    }
}
