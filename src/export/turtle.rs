//! Turtle: the graph in the terms of [vocabulary.md](../../../shared/spec/vocabulary.md),
//! serialised by oxigraph with prefixes, triples sorted so that the same graph always gives the
//! same bytes.

use std::collections::hash_map::Entry;
use std::io::Write;
use std::ops::Range;

use oxigraph::io::RdfFormat;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use oxigraph::model::{Literal as RdfLiteral, NamedNode, NamedNodeRef, Term, TermRef, TripleRef};

use crate::analysis::{Class, Pred};
use crate::error::Result;
use crate::export::Sink;
use crate::graph::{Edge, EntityNode, KnowledgeGraph, Literal, NodeKind};
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
/// sort as triples of ranks. The graph's nodes are terms by the IRIs the graph holds, not by
/// copies of them (at 100k articles, millions of IRIs).
#[derive(Debug, Default)]
pub struct SortedTriples<'g> {
    /// Subjects and objects, in rank order.
    terms: Vec<TermAt<'g>>,
    /// The terms that are not graph nodes (literals, classes), in the order first met.
    owned: Vec<Term>,
    /// Predicates, in rank order.
    predicates: Vec<NamedNode>,
    /// (subject, predicate, object) ranks, sorted.
    triples: Vec<[u32; 3]>,
}

/// Where a term of [`SortedTriples`] is: a graph node's IRI, or one of its own terms.
#[derive(Debug, Clone, Copy)]
enum TermAt<'g> {
    Node(&'g str),
    Owned(u32),
}

impl<'g> SortedTriples<'g> {
    pub fn len(&self) -> usize {
        self.triples.len()
    }

    pub fn is_empty(&self) -> bool {
        self.triples.is_empty()
    }

    /// Every subject and object term, by number.
    pub fn terms(&self) -> impl Iterator<Item = TermRef<'_>> + '_ {
        self.terms.iter().map(|&t| self.term(t))
    }

    fn term(&self, at: TermAt<'g>) -> TermRef<'_> {
        match at {
            TermAt::Node(iri) => NamedNodeRef::new_unchecked(iri).into(),
            TermAt::Owned(i) => self.owned[i as usize].as_ref(),
        }
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
        let subject = match self.term(self.terms[s as usize]) {
            TermRef::NamedNode(n) => n,
            // Subjects are graph nodes, always IRIs (see `triples`).
            other => unreachable!("subject {other} is not an IRI"),
        };
        TripleRef::new(subject, self.predicates[p as usize].as_ref(), self.term(self.terms[o as usize]))
    }
}

/// An object as [`triples`] meets it. Texts and offsets recur across the graph (labels,
/// anchors, the same offsets in every document), so they are looked up as they are and made
/// into a [`Term`] only the first time.
enum Object<'a> {
    Text(&'a str),
    Integer(usize),
    /// A class of the vocabulary, the object of every node's `rdf:type`.
    Class(NamedNodeRef<'static>),
    Other(Term),
}

/// Provisional term numbers: graph node `i` is term `i`, other terms (literals, classes)
/// follow in the order first met.
struct TermNumbers<'a> {
    new_terms: Vec<Term>,
    first_new: usize,
    texts: FxHashMap<&'a str, u32>,
    integers: FxHashMap<usize, u32>,
    classes: FxHashMap<&'static str, u32>,
    others: FxHashMap<Term, u32>,
}

impl<'a> TermNumbers<'a> {
    fn number(&mut self, object: Object<'a>) -> u32 {
        let next = (self.first_new + self.new_terms.len()) as u32;
        let (id, term) = match object {
            Object::Text(text) => match self.texts.entry(text) {
                Entry::Occupied(e) => return *e.get(),
                Entry::Vacant(e) => (*e.insert(next), RdfLiteral::new_simple_literal(text).into()),
            },
            Object::Integer(n) => match self.integers.entry(n) {
                Entry::Occupied(e) => return *e.get(),
                Entry::Vacant(e) => (*e.insert(next), RdfLiteral::new_typed_literal(n.to_string(), xsd::INTEGER).into()),
            },
            Object::Class(class) => match self.classes.entry(class.as_str()) {
                Entry::Occupied(e) => return *e.get(),
                Entry::Vacant(e) => (*e.insert(next), class.into_owned().into()),
            },
            Object::Other(term) => match self.others.entry(term) {
                Entry::Occupied(e) => return *e.get(),
                Entry::Vacant(e) => {
                    let term = e.key().clone();
                    (*e.insert(next), term)
                }
            },
        };
        self.new_terms.push(term);
        id
    }
}

/// Every triple of the graph, sorted.
pub fn triples<'g>(kg: &'g KnowledgeGraph) -> SortedTriples<'g> {
    let node_count = kg.graph.node_count();
    let mut numbers: TermNumbers<'g> = TermNumbers {
        new_terms: Vec::new(),
        first_new: node_count,
        texts: FxHashMap::default(),
        integers: FxHashMap::default(),
        classes: FxHashMap::default(),
        others: FxHashMap::default(),
    };
    let mut predicates: Vec<NamedNode> = Vec::new();
    let mut predicate_ids: FxHashMap<&'static str, u32> = FxHashMap::default();
    // Room for a type, a label and a few more per node, and one triple per edge.
    let mut out: Vec<[u32; 3]> = Vec::with_capacity(4 * node_count + kg.graph.edge_count());
    let mut predicate = |p: NamedNodeRef<'static>| -> u32 {
        *predicate_ids.entry(p.as_str()).or_insert_with(|| {
            predicates.push(p.into_owned());
            predicates.len() as u32 - 1
        })
    };
    for i in kg.graph.node_indices() {
        let s = i.index() as u32;
        let mut add = |p: NamedNodeRef<'static>, o: Object<'g>| out.push([s, predicate(p), numbers.number(o)]);
        match &kg.graph[i].kind {
            NodeKind::Entity(entity) => {
                let EntityNode { class, label, alt_labels, attributes, merge_reasons, .. } = &**entity;
                add(rdf::TYPE, Object::Class(class_iri(*class)));
                for reason in merge_reasons {
                    add(att::MERGE_REASON, Object::Text(reason));
                }
                add(rdfs::LABEL, Object::Text(label));
                for alt in alt_labels {
                    add(SKOS_ALT_LABEL, Object::Text(alt));
                }
                for (pred, lit) in attributes {
                    let o = match lit {
                        Literal::Text(t) => Object::Text(t),
                        Literal::Date(d) => Object::Other(date_literal(&d.lexical()).into()),
                    };
                    add(pred_iri(*pred), o);
                }
            }
            NodeKind::Document { name, date } => {
                add(rdf::TYPE, Object::Class(att::DOCUMENT));
                add(DCTERMS_IDENTIFIER, Object::Text(name));
                add(rdfs::LABEL, Object::Text(name));
                if let Some(d) = date {
                    add(DCTERMS_DATE, Object::Other(RdfLiteral::new_typed_literal(d.format("%Y-%m-%d").to_string(), xsd::DATE).into()));
                }
            }
            NodeKind::Mention { start, end, anchor, .. } => {
                add(rdf::TYPE, Object::Class(att::MENTION));
                add(att::START, Object::Integer(*start));
                add(att::END, Object::Integer(*end));
                add(att::ANCHOR_OF, Object::Text(anchor));
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
    let owned = numbers.new_terms;
    let terms: Vec<TermAt<'g>> = kg.graph.node_weights().map(|n| TermAt::Node(n.iri.as_str())).chain((0..owned.len() as u32).map(TermAt::Owned)).collect();
    // Rank the terms by their N-Triples text and the predicates by their IRI.
    let term_rank = term_ranks(&terms, &owned);
    let predicate_rank = ranks_by(predicates.len(), |a, b| predicates[a].as_str().cmp(predicates[b].as_str()));
    for t in &mut out {
        *t = [term_rank[t[0] as usize], predicate_rank[t[1] as usize], term_rank[t[2] as usize]];
    }
    sort_and_dedup(&mut out, terms.len(), predicates.len());
    SortedTriples { terms: permute(terms, &term_rank), owned, predicates: permute(predicates, &predicate_rank), triples: out }
}

/// The rank of each term in the order of its N-Triples text (`<iri>`, `"literal"…`). IRIs, most
/// of the terms, are compared in place; only the others are written out. The sort moves the
/// texts themselves rather than numbers pointing at terms, so a comparison reads two strings
/// and nothing else (at 100k articles there are millions of terms).
fn term_ranks(terms: &[TermAt<'_>], owned: &[Term]) -> Vec<u32> {
    let texts: Vec<Option<String>> = owned
        .iter()
        .map(|t| match t {
            Term::NamedNode(_) => None,
            other => Some(other.to_string()),
        })
        .collect();
    // (is an IRI, the IRI or the N-Triples text, term number)
    let mut keyed: Vec<(bool, &str, u32)> = terms
        .iter()
        .enumerate()
        .map(|(i, &at)| match at {
            TermAt::Node(iri) => (true, iri, i as u32),
            TermAt::Owned(j) => match (&owned[j as usize], &texts[j as usize]) {
                (Term::NamedNode(n), _) => (true, n.as_str(), i as u32),
                (_, text) => (false, text.as_deref().expect("non-IRI terms are written out"), i as u32),
            },
        })
        .collect();
    keyed.par_sort_unstable_by(|&(a_iri, a, _), &(b_iri, b, _)| match (a_iri, b_iri) {
        (true, true) => cmp_bracketed_iris(a, b),
        (true, false) => b"<"[..].cmp(&b.as_bytes()[..1]),
        (false, true) => a.as_bytes()[..1].cmp(&b"<"[..]),
        (false, false) => a.cmp(b),
    });
    let mut rank = vec![0u32; terms.len()];
    for (r, &(_, _, i)) in keyed.iter().enumerate() {
        rank[i as usize] = r as u32;
    }
    rank
}

/// Sort rank triples and drop repeats. When the ranks fit in 64 bits together (below about
/// two billion terms), triples are sorted as single numbers, which is what takes the least
/// time and memory traffic.
fn sort_and_dedup(triples: &mut Vec<[u32; 3]>, terms: usize, predicates: usize) {
    let bits = |n: usize| usize::BITS - n.saturating_sub(1).leading_zeros();
    let (term_bits, predicate_bits) = (bits(terms), bits(predicates));
    if 2 * term_bits + predicate_bits > 64 {
        triples.par_sort_unstable();
        triples.dedup();
        return;
    }
    let (object_shift, subject_shift) = (0, term_bits + predicate_bits);
    let mut packed: Vec<u64> = triples
        .iter()
        .map(|&[s, p, o]| (u64::from(s) << subject_shift) | (u64::from(p) << term_bits) | (u64::from(o) << object_shift))
        .collect();
    packed.par_sort_unstable();
    packed.dedup();
    let mask = |bits: u32| (1u64 << bits) - 1;
    triples.clear();
    triples.extend(packed.iter().map(|&t| {
        [(t >> subject_shift) as u32, ((t >> term_bits) & mask(predicate_bits)) as u32, (t & mask(term_bits)) as u32]
    }));
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
pub fn serialize_triples(triples: &SortedTriples<'_>, format: RdfFormat) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    write_triples(triples, format, &mut out)?;
    Ok(out)
}

/// About how many triples one part of a file serialised in parts holds.
pub const TRIPLES_PER_PART: usize = 16_384;

/// Write sorted triples (from [`triples`]) in any RDF syntax oxigraph writes, with the
/// vocabulary's prefixes. Turtle and N-Triples are serialised in parts on all threads
/// ([`write_in_parts`]); the bytes are those of one serialiser writing every triple in order.
pub fn write_triples(triples: &SortedTriples<'_>, format: RdfFormat, mut out: impl Write + Send) -> Result<()> {
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
pub fn write_in_parts(triples: &SortedTriples<'_>, format: RdfFormat, sink: &mut Sink<'_>) -> Result<()> {
    let mut started = false;
    crate::export::in_parts(
        &triples.subject_parts(TRIPLES_PER_PART),
        |range, buffer| serialize_part(triples, range.clone(), format, buffer),
        |_, bytes| sink(if std::mem::replace(&mut started, true) { crate::export::without_prelude(bytes) } else { bytes }),
    )
}

/// The triples in `range` serialised on their own in `format`, `@prefix` lines included,
/// appended to `buffer`.
pub fn serialize_part(triples: &SortedTriples<'_>, range: Range<usize>, format: RdfFormat, buffer: Vec<u8>) -> Result<Vec<u8>> {
    let mut writer = crate::export::serializer(format).for_writer(buffer);
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
    fn triples_packed_into_numbers_sort_as_triples() {
        // A small deterministic jumble with repeats, ranks up to the largest allowed.
        let (terms, predicates) = (1000usize, 7usize);
        let mut triples: Vec<[u32; 3]> = (0..5000u64)
            .map(|i| {
                let x = i.wrapping_mul(2_654_435_761) % 1_000_003;
                [(x % terms as u64) as u32, (x % predicates as u64) as u32, ((x / 7) % terms as u64) as u32]
            })
            .chain([[999, 6, 999], [0, 0, 0], [999, 6, 999]])
            .collect();
        let mut expected = triples.clone();
        expected.sort_unstable();
        expected.dedup();
        sort_and_dedup(&mut triples, terms, predicates);
        assert_eq!(triples, expected);
        let mut wide = vec![[u32::MAX, 1, 2], [3, 4, u32::MAX], [3, 4, u32::MAX]];
        sort_and_dedup(&mut wide, u32::MAX as usize + 1, 5);
        assert_eq!(wide, vec![[3, 4, u32::MAX], [u32::MAX, 1, 2]]);
    }

    #[test]
    fn terms_rank_as_their_n_triples_text() {
        let terms: Vec<Term> = vec![
            NamedNode::new_unchecked("http://x/a-2").into(),
            RdfLiteral::new_simple_literal("b").into(),
            NamedNode::new_unchecked("http://x/a").into(),
            RdfLiteral::new_typed_literal("3", xsd::INTEGER).into(),
            NamedNode::new_unchecked("http://x/a.b").into(),
            NamedNode::new_unchecked("http://x/0").into(),
        ];
        // The IRIs as graph nodes, the rest owned, as `triples` makes them.
        let at: Vec<TermAt<'_>> = terms
            .iter()
            .enumerate()
            .map(|(i, t)| match t {
                Term::NamedNode(n) if i % 2 == 0 => TermAt::Node(n.as_str()),
                _ => TermAt::Owned(i as u32),
            })
            .collect();
        let rank = term_ranks(&at, &terms);
        let mut by_text: Vec<usize> = (0..terms.len()).collect();
        by_text.sort_by_key(|&i| terms[i].to_string());
        let expected: Vec<u32> = (0..terms.len()).map(|i| by_text.iter().position(|&j| j == i).unwrap() as u32).collect();
        assert_eq!(rank, expected);
    }
}
