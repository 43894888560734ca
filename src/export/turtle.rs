//! Turtle: the graph in the terms of [vocabulary.md](../../../shared/spec/vocabulary.md),
//! serialised by oxigraph with prefixes, triples sorted so that the same graph always gives the
//! same bytes.

use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{Literal as RdfLiteral, NamedNode, NamedNodeRef, Term, Triple};

use crate::analysis::{Class, Pred};
use crate::error::{Error, Result};
use crate::graph::{Edge, KnowledgeGraph, Literal, NodeKind};
use crate::vocab::{self, att, std_terms::*};

/// The `att:` class of an entity class.
pub fn class_iri(class: Class) -> NamedNodeRef<'static> {
    match class {
        Class::Person => att::PERSON,
        Class::Unit => att::UNIT,
        Class::Base => att::BASE,
        Class::Agreement => att::AGREEMENT,
        Class::Visit => att::VISIT,
        Class::Country => att::COUNTRY,
        Class::City => att::CITY,
    }
}

/// The `att:` property of a predicate.
pub fn pred_iri(pred: Pred) -> NamedNodeRef<'static> {
    match pred {
        Pred::Rank => att::RANK,
        Pred::Role => att::ROLE,
        Pred::MemberOf => att::MEMBER_OF,
        Pred::Commands => att::COMMANDS,
        Pred::PartOf => att::PART_OF,
        Pred::Country => att::COUNTRY_OF,
        Pred::OperatedBy => att::OPERATED_BY,
        Pred::LocatedIn => att::LOCATED_IN,
        Pred::Visitor => att::VISITOR,
        Pred::DelegationMember => att::DELEGATION_MEMBER,
        Pred::Destination => att::DESTINATION,
        Pred::Host => att::HOST,
        Pred::Site => att::SITE,
        Pred::Date => att::DATE,
        Pred::Party => att::PARTY,
        Pred::Signatory => att::SIGNATORY,
        Pred::SignedAt => att::SIGNED_AT,
        Pred::Topic => att::TOPIC,
    }
}

/// A date literal typed by its precision: `xsd:date`, `xsd:gYearMonth` or `xsd:gYear`.
pub fn date_literal(lexical: &str) -> RdfLiteral {
    let datatype = match lexical.len() {
        10 => rdf_xsd_date(),
        7 => XSD_G_YEAR_MONTH,
        _ => XSD_G_YEAR,
    };
    RdfLiteral::new_typed_literal(lexical, datatype)
}

fn rdf_xsd_date() -> NamedNodeRef<'static> {
    xsd::DATE
}

/// Every triple of the graph, sorted.
pub fn triples(kg: &KnowledgeGraph) -> Vec<Triple> {
    let mut out: Vec<Triple> = Vec::new();
    let node = |i: petgraph::graph::NodeIndex| NamedNode::new_unchecked(kg.graph[i].iri.clone());
    for i in kg.graph.node_indices() {
        let s = node(i);
        let mut add = |p: NamedNodeRef<'_>, o: Term| out.push(Triple::new(s.clone(), p.into_owned(), o));
        match &kg.graph[i].kind {
            NodeKind::Entity { class, label, alt_labels, attributes, merge_reasons, .. } => {
                add(rdf::TYPE, class_iri(*class).into_owned().into());
                for reason in merge_reasons {
                    add(att::MERGE_REASON, RdfLiteral::new_simple_literal(reason).into());
                }
                add(rdfs::LABEL, RdfLiteral::new_simple_literal(label).into());
                for alt in alt_labels {
                    add(SKOS_ALT_LABEL, RdfLiteral::new_simple_literal(alt).into());
                }
                for (pred, lit) in attributes {
                    let o = match lit {
                        Literal::Text(t) => RdfLiteral::new_simple_literal(t),
                        Literal::Date(d) => date_literal(&d.lexical()),
                    };
                    add(pred_iri(*pred), o.into());
                }
            }
            NodeKind::Document { name, date } => {
                add(rdf::TYPE, att::DOCUMENT.into_owned().into());
                add(DCTERMS_IDENTIFIER, RdfLiteral::new_simple_literal(name).into());
                add(rdfs::LABEL, RdfLiteral::new_simple_literal(name).into());
                if let Some(d) = date {
                    add(DCTERMS_DATE, RdfLiteral::new_typed_literal(d.format("%Y-%m-%d").to_string(), xsd::DATE).into());
                }
            }
            NodeKind::Mention { start, end, anchor, .. } => {
                add(rdf::TYPE, att::MENTION.into_owned().into());
                add(att::START, RdfLiteral::new_typed_literal(start.to_string(), xsd::INTEGER).into());
                add(att::END, RdfLiteral::new_typed_literal(end.to_string(), xsd::INTEGER).into());
                add(att::ANCHOR_OF, RdfLiteral::new_simple_literal(anchor).into());
            }
        }
    }
    for e in kg.graph.edge_indices() {
        let (s, o) = kg.graph.edge_endpoints(e).expect("edge has endpoints");
        let p = match kg.graph[e] {
            Edge::Relation(p) => pred_iri(p),
            Edge::DerivedFrom => PROV_WAS_DERIVED_FROM,
            Edge::Denotes => att::DENOTES,
            Edge::InDocument => att::IN_DOCUMENT,
        };
        out.push(Triple::new(node(s), p.into_owned(), node(o)));
    }
    out.sort_by_cached_key(|t| (t.subject.to_string(), t.predicate.as_str().to_owned(), t.object.to_string()));
    out.dedup();
    out
}

/// The graph as Turtle text.
pub fn to_turtle(kg: &KnowledgeGraph) -> Result<Vec<u8>> {
    serialize(kg, RdfFormat::Turtle)
}

/// The graph in any RDF syntax oxigraph writes (Turtle, N-Triples, RDF/XML, JSON-LD …).
pub fn serialize(kg: &KnowledgeGraph, format: RdfFormat) -> Result<Vec<u8>> {
    serialize_triples(&triples(kg), format)
}

/// Sorted triples (from [`triples`]) in any RDF syntax oxigraph writes.
pub fn serialize_triples(triples: &[Triple], format: RdfFormat) -> Result<Vec<u8>> {
    let rdf_err = |e: std::io::Error| Error::Rdf { message: e.to_string() };
    let mut serializer = RdfSerializer::from_format(format);
    for (prefix, iri) in vocab::PREFIXES {
        serializer = serializer.with_prefix(*prefix, *iri).map_err(|e| Error::Rdf { message: e.to_string() })?;
    }
    let mut writer = serializer.for_writer(Vec::new());
    for t in triples {
        writer.serialize_triple(t).map_err(rdf_err)?;
    }
    writer.finish().map_err(rdf_err)
}
