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
    /// (subject, predicate, object) ranks, sorted, each triple one number (see [`Packed`]).
    triples: PackedTriples,
}

/// Triples of numbers, each packed into one integer: a `u64` while the provisional numbers of
/// [`triples`] fit (nodes and triples together below about 500 million, some million articles),
/// a `u128` beyond.
#[derive(Debug)]
enum PackedTriples {
    Narrow(Vec<u64>, Packing),
    Wide(Vec<u128>, Packing),
}

impl Default for PackedTriples {
    fn default() -> Self {
        PackedTriples::Narrow(Vec::new(), Packing::default())
    }
}

impl PackedTriples {
    fn len(&self) -> usize {
        match self {
            PackedTriples::Narrow(t, _) => t.len(),
            PackedTriples::Wide(t, _) => t.len(),
        }
    }

    fn get(&self, i: usize) -> [u32; 3] {
        match self {
            PackedTriples::Narrow(t, packing) => t[i].unpack(*packing),
            PackedTriples::Wide(t, packing) => t[i].unpack(*packing),
        }
    }
}

/// How three numbers share one integer: the first in the high bits, then the second, then the
/// third, so that the integers sort as the triples do.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Packing {
    term_bits: u32,
    predicate_bits: u32,
}

impl Packing {
    /// Room for term numbers below `terms` and predicate numbers below `predicates`.
    fn for_counts(terms: usize, predicates: usize) -> Self {
        let bits = |n: usize| usize::BITS - n.saturating_sub(1).leading_zeros();
        Packing { term_bits: bits(terms), predicate_bits: bits(predicates) }
    }

    fn bits(self) -> u32 {
        2 * self.term_bits + self.predicate_bits
    }
}

/// An integer that holds a triple of numbers under a [`Packing`].
trait Packed: Copy + Ord + Send + Sync + std::fmt::Debug {
    fn pack(t: [u32; 3], packing: Packing) -> Self;
    fn unpack(self, packing: Packing) -> [u32; 3];
    fn into_triples(triples: Vec<Self>, packing: Packing) -> PackedTriples;
}

macro_rules! packed {
    ($int:ty, $variant:ident) => {
        impl Packed for $int {
            fn pack([s, p, o]: [u32; 3], Packing { term_bits, predicate_bits }: Packing) -> Self {
                (<$int>::from(s) << (term_bits + predicate_bits)) | (<$int>::from(p) << term_bits) | <$int>::from(o)
            }
            fn unpack(self, Packing { term_bits, predicate_bits }: Packing) -> [u32; 3] {
                let mask = |bits: u32| ((1 as $int) << bits) - 1;
                [(self >> (term_bits + predicate_bits)) as u32, ((self >> term_bits) & mask(predicate_bits)) as u32, (self & mask(term_bits)) as u32]
            }
            fn into_triples(triples: Vec<Self>, packing: Packing) -> PackedTriples {
                PackedTriples::$variant(triples, packing)
            }
        }
    };
}
packed!(u64, Narrow);
packed!(u128, Wide);

/// Every triple as `[subject, predicate, object]` numbers into [`SortedTriples::terms`] and
/// [`SortedTriples::predicates`], in order.
impl crate::validate::NumberedTriples for SortedTriples<'_> {
    fn len(&self) -> usize {
        self.triples.len()
    }
    fn get(&self, i: usize) -> [u32; 3] {
        self.triples.get(i)
    }
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
        self.len() == 0
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

    /// Every triple, in order.
    pub fn iter(&self) -> impl Iterator<Item = TripleRef<'_>> + '_ {
        self.in_range(0..self.len())
    }

    /// The triples in `range` (by position in the sorted order), in order.
    pub fn in_range(&self, range: Range<usize>) -> impl Iterator<Item = TripleRef<'_>> + '_ {
        range.map(|i| self.triple(self.triples.get(i)))
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
            while end < len && self.triples.get(end)[0] == self.triples.get(end - 1)[0] {
                end += 1;
            }
            parts.push(start..end);
            start = end;
        }
        parts
    }

    fn triple(&self, [s, p, o]: [u32; 3]) -> TripleRef<'_> {
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
///
/// Each triple is kept as one integer from the start (see [`Packed`]): first with the provisional
/// numbers its terms get as they are met, then with their ranks. At 100k articles that is 45
/// million triples in one 360 MB vector, sorted in place, instead of 540 MB of number triples
/// beside a packed copy to sort.
pub fn triples<'g>(kg: &'g KnowledgeGraph) -> SortedTriples<'g> {
    let count = triple_count(kg);
    // A triple adds at most one term to the graph's nodes: its object.
    let provisional = Packing::for_counts(kg.graph.node_count() + count, MAX_PREDICATES);
    if provisional.bits() <= u64::BITS {
        triples_packed_as::<u64>(kg, count, provisional)
    } else {
        triples_packed_as::<u128>(kg, count, provisional)
    }
}

/// More predicates than the graph can use (the vocabulary's properties and `rdf:type`).
const MAX_PREDICATES: usize = 64;

/// How many triples [`triples`] makes of the graph before dropping repeats.
fn triple_count(kg: &KnowledgeGraph) -> usize {
    let of_nodes: usize = kg
        .graph
        .raw_nodes()
        .par_iter()
        .map(|n| match &n.weight.kind {
            NodeKind::Entity(e) => 2 + e.merge_reasons.len() + e.alt_labels.len() + e.attributes.len(),
            NodeKind::Document { date, .. } => 3 + usize::from(date.is_some()),
            NodeKind::Mention { .. } => 4,
        })
        .sum();
    of_nodes + kg.graph.edge_count()
}

/// [`triples`], each packed into a `W` under `provisional` while terms are numbered as met.
fn triples_packed_as<'g, W: Packed>(kg: &'g KnowledgeGraph, count: usize, provisional: Packing) -> SortedTriples<'g> {
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
    let mut out: Vec<W> = Vec::with_capacity(count);
    let mut predicate = |p: NamedNodeRef<'static>| -> u32 {
        *predicate_ids.entry(p.as_str()).or_insert_with(|| {
            assert!(predicates.len() < MAX_PREDICATES, "more predicates than MAX_PREDICATES");
            predicates.push(p.into_owned());
            predicates.len() as u32 - 1
        })
    };
    for i in kg.graph.node_indices() {
        let s = i.index() as u32;
        let mut add = |p: NamedNodeRef<'static>, o: Object<'g>| out.push(W::pack([s, predicate(p), numbers.number(o)], provisional));
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
        out.push(W::pack([s.index() as u32, predicate(p), o.index() as u32], provisional));
    }
    assert_eq!(out.len(), count, "triple_count counts every triple made");
    let owned = numbers.new_terms;
    let terms: Vec<TermAt<'g>> = kg.graph.node_weights().map(|n| TermAt::Node(n.iri.as_str())).chain((0..owned.len() as u32).map(TermAt::Owned)).collect();
    // Rank the terms by their N-Triples text and the predicates by their IRI.
    let term_rank = term_ranks(&terms, &owned);
    let predicate_rank = ranks_by(predicates.len(), |a, b| predicates[a].as_str().cmp(predicates[b].as_str()));
    // Ranks need no more bits than provisional numbers: they number fewer terms.
    let packing = Packing::for_counts(terms.len(), predicates.len());
    out.par_iter_mut().for_each(|t| {
        let [s, p, o] = t.unpack(provisional);
        *t = W::pack([term_rank[s as usize], predicate_rank[p as usize], term_rank[o as usize]], packing);
    });
    out.par_sort_unstable();
    out.dedup();
    SortedTriples { terms: permute(terms, &term_rank), owned, predicates: permute(predicates, &predicate_rank), triples: W::into_triples(out, packing) }
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
    crate::export::serialize_into(format, buffer, |writer| triples.in_range(range).try_for_each(|t| writer.serialize_triple(t)))
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

    /// Pack, sort as integers, unpack: the triples in the order and with the values they have.
    fn sorted_through<W: Packed>(triples: &[[u32; 3]], packing: Packing) -> Vec<[u32; 3]> {
        let mut packed: Vec<W> = triples.iter().map(|&t| W::pack(t, packing)).collect();
        packed.sort_unstable();
        packed.dedup();
        packed.into_iter().map(|t| t.unpack(packing)).collect()
    }

    #[test]
    fn triples_packed_into_numbers_sort_as_triples() {
        // A small deterministic jumble with repeats, numbers up to the largest allowed.
        let (terms, predicates) = (1000usize, 7usize);
        let triples: Vec<[u32; 3]> = (0..5000u64)
            .map(|i| {
                let x = i.wrapping_mul(2_654_435_761) % 1_000_003;
                [(x % terms as u64) as u32, (x % predicates as u64) as u32, ((x / 7) % terms as u64) as u32]
            })
            .chain([[999, 6, 999], [0, 0, 0], [999, 6, 999]])
            .collect();
        let mut expected = triples.clone();
        expected.sort_unstable();
        expected.dedup();
        let packing = Packing::for_counts(terms, predicates);
        assert_eq!(packing, Packing { term_bits: 10, predicate_bits: 3 });
        assert_eq!(sorted_through::<u64>(&triples, packing), expected);
        assert_eq!(sorted_through::<u128>(&triples, packing), expected);
        // Numbers too wide for a u64 together.
        let wide = Packing::for_counts(u32::MAX as usize + 1, MAX_PREDICATES);
        assert!(wide.bits() > u64::BITS);
        let triples = [[u32::MAX, 1, 2], [3, 4, u32::MAX], [3, 4, u32::MAX], [3, 63, 0]];
        assert_eq!(sorted_through::<u128>(&triples, wide), vec![[3, 4, u32::MAX], [3, 63, 0], [u32::MAX, 1, 2]]);
    }

    #[test]
    fn triples_are_the_same_packed_in_64_or_128_bits() {
        let extractor = crate::pipeline::Extractor::builtin().unwrap();
        let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        let (kg, _, _) = extractor.graph(&[seeds], 1 << 24).unwrap();
        let count = triple_count(&kg);
        let provisional = Packing::for_counts(kg.graph.node_count() + count, MAX_PREDICATES);
        let narrow = triples_packed_as::<u64>(&kg, count, provisional);
        let wide = triples_packed_as::<u128>(&kg, count, provisional);
        assert!(matches!(narrow.triples, PackedTriples::Narrow(..)) && matches!(wide.triples, PackedTriples::Wide(..)));
        assert!(narrow.len() > 500 && narrow.len() <= count, "{} of {count}", narrow.len());
        assert!(narrow.iter().eq(wide.iter()));
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
