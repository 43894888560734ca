//! Turtle: the graph in the terms of [vocabulary.md](../../../shared/spec/vocabulary.md),
//! serialised by oxigraph with prefixes, triples sorted so that the same graph always gives the
//! same bytes.

use std::io::Write;
use std::ops::Range;

use oxigraph::io::RdfFormat;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use oxigraph::model::{Literal as RdfLiteral, NamedNode, NamedNodeRef, Term, TermRef, TripleRef};

use crate::analysis::{Class, Pred};
use crate::error::Result;
use crate::graph::{Edge, KnowledgeGraph, Literal, NodeKind};
use crate::vocab::{att, std_terms::*};

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

/// The triples of a graph, sorted by the N-Triples text of subject, predicate IRI and object
/// text, without duplicates, each distinct term stored once.
///
/// Sorting owned triples by their text would build three strings per triple (and compare them
/// again and again); here each distinct term is written out once to rank it, and the triples
/// sort as triples of ranks.
#[derive(Debug, Default)]
pub struct SortedTriples {
    /// Subjects and objects, in rank order.
    terms: Vec<Term>,
    /// Predicates, in rank order.
    predicates: Vec<NamedNode>,
    /// (subject, predicate, object) ranks, sorted.
    triples: Vec<[u32; 3]>,
}

impl SortedTriples {
    pub fn len(&self) -> usize {
        self.triples.len()
    }

    pub fn is_empty(&self) -> bool {
        self.triples.is_empty()
    }

    /// Every subject and object term, by number.
    pub fn terms(&self) -> impl Iterator<Item = TermRef<'_>> + '_ {
        self.terms.iter().map(Term::as_ref)
    }

    /// Every predicate, by number.
    pub fn predicates(&self) -> impl Iterator<Item = NamedNodeRef<'_>> + '_ {
        self.predicates.iter().map(NamedNode::as_ref)
    }

    /// Every triple as `[subject, predicate, object]` numbers into [`SortedTriples::terms`] and
    /// [`SortedTriples::predicates`], in order.
    pub fn numbered(&self) -> &[[u32; 3]] {
        &self.triples
    }

    /// Every triple, in order.
    pub fn iter(&self) -> impl Iterator<Item = TripleRef<'_>> + '_ {
        self.triples.iter().map(|t| self.triple(t))
    }

    /// The triples in `range` of [`SortedTriples::numbered`], in order.
    pub fn in_range(&self, range: Range<usize>) -> impl Iterator<Item = TripleRef<'_>> + '_ {
        self.triples[range].iter().map(|t| self.triple(t))
    }

    /// The triples cut into runs of about `size` (at least one each), every run ending where a
    /// subject's triples end. Turtle keeps no state across subjects but its prefixes, so each
    /// run serialised on its own gives, after its `@prefix` lines, the bytes one serialiser
    /// writes for it in the middle of the file.
    pub fn subject_parts(&self, size: usize) -> Vec<Range<usize>> {
        let len = self.triples.len();
        let mut parts = Vec::new();
        let mut start = 0;
        while start < len {
            let mut end = (start + size.max(1)).min(len);
            while end < len && self.triples[end][0] == self.triples[end - 1][0] {
                end += 1;
            }
            parts.push(start..end);
            start = end;
        }
        parts
    }

    fn triple(&self, &[s, p, o]: &[u32; 3]) -> TripleRef<'_> {
        let subject = match &self.terms[s as usize] {
            Term::NamedNode(n) => n.as_ref(),
            // Subjects are graph nodes, always IRIs (see `triples`).
            other => unreachable!("subject {other} is not an IRI"),
        };
        TripleRef::new(subject, self.predicates[p as usize].as_ref(), self.terms[o as usize].as_ref())
    }
}

/// Every triple of the graph, sorted.
pub fn triples(kg: &KnowledgeGraph) -> SortedTriples {
    // Terms get provisional ids: graph node `i` is term `i`, other terms (literals, classes)
    // follow in the order first met.
    let node_count = kg.graph.node_count();
    let mut terms: Vec<Term> = kg.graph.node_weights().map(|n| NamedNode::new_unchecked(n.iri.clone()).into()).collect();
    let mut term_ids: FxHashMap<Term, u32> = FxHashMap::default();
    let mut predicates: Vec<NamedNode> = Vec::new();
    let mut predicate_ids: FxHashMap<NamedNode, u32> = FxHashMap::default();
    let mut out: Vec<[u32; 3]> = Vec::new();
    let mut predicate = |p: NamedNodeRef<'_>| -> u32 {
        if let Some(&id) = predicate_ids.get(&p.into_owned()) {
            return id;
        }
        let id = predicates.len() as u32;
        predicates.push(p.into_owned());
        predicate_ids.insert(p.into_owned(), id);
        id
    };
    let mut term = |t: Term| -> u32 {
        if let Some(&id) = term_ids.get(&t) {
            return id;
        }
        let id = (node_count + term_ids.len()) as u32;
        term_ids.insert(t, id);
        id
    };
    for i in kg.graph.node_indices() {
        let s = i.index() as u32;
        let mut add = |p: NamedNodeRef<'_>, o: Term| out.push([s, predicate(p), term(o)]);
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
        out.push([s.index() as u32, predicate(p), o.index() as u32]);
    }
    // Rank the terms by their N-Triples text and the predicates by their IRI.
    let mut others: Vec<(Term, u32)> = term_ids.into_iter().collect();
    others.sort_unstable_by_key(|(_, id)| *id);
    terms.extend(others.into_iter().map(|(t, _)| t));
    let term_rank = term_ranks(&terms);
    let predicate_rank = ranks_by(predicates.len(), |a, b| predicates[a].as_str().cmp(predicates[b].as_str()));
    for t in &mut out {
        *t = [term_rank[t[0] as usize], predicate_rank[t[1] as usize], term_rank[t[2] as usize]];
    }
    out.par_sort_unstable();
    out.dedup();
    SortedTriples { terms: permute(terms, &term_rank), predicates: permute(predicates, &predicate_rank), triples: out }
}

/// The rank of each term in the order of its N-Triples text (`<iri>`, `"literal"…`). IRIs, most
/// of the terms, are compared in place; only the others are written out.
fn term_ranks(terms: &[Term]) -> Vec<u32> {
    let texts: Vec<Option<String>> = terms
        .iter()
        .map(|t| match t {
            Term::NamedNode(_) => None,
            other => Some(other.to_string()),
        })
        .collect();
    ranks_by(terms.len(), |a, b| match (&terms[a], &terms[b], &texts[a], &texts[b]) {
        (Term::NamedNode(x), Term::NamedNode(y), _, _) => cmp_bracketed_iris(x.as_str(), y.as_str()),
        (Term::NamedNode(_), _, _, Some(t)) => b"<"[..].cmp(&t.as_bytes()[..1]),
        (_, Term::NamedNode(_), Some(t), _) => t.as_bytes()[..1].cmp(&b"<"[..]),
        (_, _, x, y) => x.cmp(y),
    })
}

/// `<a>` against `<b>` as text, without writing them out: where one IRI is a prefix of the
/// other, the shorter one's closing `>` is what is compared.
fn cmp_bracketed_iris(a: &str, b: &str) -> std::cmp::Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let n = a.len().min(b.len());
    a[..n].cmp(&b[..n]).then_with(|| {
        let next = |x: &[u8]| x.get(n).copied().unwrap_or(b'>');
        next(a).cmp(&next(b)).then(a.len().cmp(&b.len()))
    })
}

/// The rank of each of `n` distinct items in the order `cmp` gives them.
fn ranks_by(n: usize, cmp: impl Fn(usize, usize) -> std::cmp::Ordering + Sync) -> Vec<u32> {
    let mut order: Vec<usize> = (0..n).collect();
    order.par_sort_unstable_by(|&a, &b| cmp(a, b));
    let mut rank = vec![0u32; n];
    for (r, i) in order.into_iter().enumerate() {
        rank[i] = r as u32;
    }
    rank
}

/// `items` reordered so that item `i` lands at position `rank[i]`.
fn permute<T>(items: Vec<T>, rank: &[u32]) -> Vec<T> {
    let mut slots: Vec<Option<T>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    for (item, &r) in items.into_iter().zip(rank) {
        slots[r as usize] = Some(item);
    }
    slots.into_iter().map(|item| item.expect("ranks are a permutation")).collect()
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
pub fn serialize_triples(triples: &SortedTriples, format: RdfFormat) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    write_triples(triples, format, &mut out)?;
    Ok(out)
}

/// About how many triples one part of a file serialised in parts holds.
pub const TRIPLES_PER_PART: usize = 16_384;

/// Write sorted triples (from [`triples`]) in any RDF syntax oxigraph writes, with the
/// vocabulary's prefixes. Turtle and N-Triples are serialised in parts on all threads
/// ([`write_in_parts`]); the bytes are those of one serialiser writing every triple in order.
pub fn write_triples(triples: &SortedTriples, format: RdfFormat, mut out: impl Write + Send) -> Result<()> {
    if matches!(format, RdfFormat::Turtle | RdfFormat::NTriples) {
        write_in_parts(triples, format, &mut |bytes| out.write_all(bytes).map_err(crate::export::rdf_error))?;
        return out.flush().map_err(crate::export::rdf_error);
    }
    let mut writer = crate::export::serializer(format).for_writer(out);
    for t in triples.iter() {
        writer.serialize_triple(t).map_err(crate::export::rdf_error)?;
    }
    writer.finish().map_err(crate::export::rdf_error)?;
    Ok(())
}

/// Sorted triples as Turtle or N-Triples, serialised in runs of whole subjects
/// ([`SortedTriples::subject_parts`]) on all threads and handed to `sink` in order, the
/// `@prefix` lines only once.
pub fn write_in_parts(triples: &SortedTriples, format: RdfFormat, sink: &mut (dyn FnMut(&[u8]) -> Result<()> + Send)) -> Result<()> {
    let mut started = false;
    crate::export::in_parts(
        &triples.subject_parts(TRIPLES_PER_PART),
        |range| serialize_part(triples, range.clone(), format),
        |_, bytes| sink(if std::mem::replace(&mut started, true) { crate::export::without_prelude(bytes) } else { bytes }),
    )
}

/// The triples in `range` serialised on their own in `format`, `@prefix` lines included.
pub fn serialize_part(triples: &SortedTriples, range: Range<usize>, format: RdfFormat) -> Result<Vec<u8>> {
    let mut writer = crate::export::serializer(format).for_writer(Vec::new());
    for t in triples.in_range(range) {
        writer.serialize_triple(t).map_err(crate::export::rdf_error)?;
    }
    writer.finish().map_err(crate::export::rdf_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iris_rank_as_their_bracketed_text() {
        let iris = ["http://x/a", "http://x/a-2", "http://x/a/b", "http://x/ab", "http://x/a#c", "http://x/"];
        for a in iris {
            for b in iris {
                assert_eq!(cmp_bracketed_iris(a, b), format!("<{a}>").cmp(&format!("<{b}>")), "{a} vs {b}");
            }
        }
    }

    #[test]
    fn terms_rank_as_their_n_triples_text() {
        let terms: Vec<Term> = vec![
            NamedNode::new_unchecked("http://x/a-2").into(),
            RdfLiteral::new_simple_literal("b").into(),
            NamedNode::new_unchecked("http://x/a").into(),
            RdfLiteral::new_typed_literal("3", xsd::INTEGER).into(),
            NamedNode::new_unchecked("http://x/a.b").into(),
        ];
        let rank = term_ranks(&terms);
        let mut by_text: Vec<usize> = (0..terms.len()).collect();
        by_text.sort_by_key(|&i| terms[i].to_string());
        let expected: Vec<u32> = (0..terms.len()).map(|i| by_text.iter().position(|&j| j == i).unwrap() as u32).collect();
        assert_eq!(rank, expected);
    }
}
