//! Resolve: merge the documents' local entities into the nodes of one graph, and infer what
//! the merged facts imply.
//!
//! People merge on transliteration-aware name keys ([`crate::names`]) when their countries
//! agree; units on their country, core name and parent unit; bases on their name and operator;
//! agreements on their name, or on shared signatories, or on the same parties at a compatible
//! date; visits on the same visitor and destination at a compatible date. Candidates are found
//! through blocking keys (a name word's skeleton, a unit's key), never by comparing all pairs.
//! Every merge records its reason, and every inferred fact the rule and premise behind it.

use std::collections::BTreeSet;
use std::fmt::Display;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::analysis::{Class, DocAnalysis, Identity, LocalId, Object, Pred};
use crate::dates::PartialDate;
use crate::graph::SharedText;
use crate::lexicon::{CountryId, Lexicon};
use crate::names;

/// Where a statement comes from: a document's sentence and the rule that read it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Evidence {
    /// Index into [`Resolved::documents`].
    pub doc: usize,
    /// Index into that document's sentences.
    pub sentence: usize,
    pub rule: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Value {
    Node(usize),
    Text(String),
    Date(PartialDate),
}

/// A merged fact with every piece of evidence for it.
#[derive(Debug, Clone)]
pub struct ResolvedFact {
    pub subject: usize,
    pub pred: Pred,
    pub object: Value,
    /// Sorted, without duplicates.
    pub evidence: Vec<Evidence>,
}

/// A mention of an entity; [`Resolved::mentions`] lists them document by document.
#[derive(Debug, Clone, Default)]
pub struct ResolvedMention {
    pub doc: usize,
    /// Code point offsets.
    pub start: usize,
    pub end: usize,
    pub anchor: String,
    pub entity: usize,
    pub sentence: usize,
}

/// One node of the merged graph.
#[derive(Debug, Clone)]
pub struct ResolvedEntity {
    pub class: Class,
    pub label: String,
    pub alt_labels: BTreeSet<String>,
    pub documents: BTreeSet<usize>,
    /// Why the local entities were merged into this one.
    pub merge_reasons: BTreeSet<String>,
    /// The recognition rules that found it.
    pub rules: BTreeSet<&'static str>,
}

/// A document as the graph records it. Its name and sentences are shared, not copied, by every
/// mention and piece of evidence that quotes them.
#[derive(Debug, Clone)]
pub struct DocumentInfo {
    pub name: SharedText,
    pub date: Option<chrono::NaiveDate>,
    pub sentences: Vec<(usize, usize, SharedText)>,
}

/// The merged result of all documents.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub documents: Vec<DocumentInfo>,
    pub entities: Vec<ResolvedEntity>,
    pub facts: Vec<ResolvedFact>,
    /// In document order.
    pub mentions: Vec<ResolvedMention>,
}

/// Disjoint sets of flat nodes. Each set's members form a ring through `next`, so a union
/// splices two rings in constant time and without allocating, and a set's members are walked
/// from its root (in no particular order: every reader collects them into a set).
struct UnionFind {
    parent: Vec<usize>,
    next: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind { parent: (0..n).collect(), next: (0..n).collect() }
    }
    /// [`UnionFind::root`], pointing every node on the way straight at the root.
    fn find(&mut self, x: usize) -> usize {
        let r = self.root(x);
        let mut y = x;
        while self.parent[y] != r {
            let next = self.parent[y];
            self.parent[y] = r;
            y = next;
        }
        r
    }
    /// The root of `x`, without shortening its path: what threads that share the sets read.
    fn root(&self, x: usize) -> usize {
        let mut r = x;
        while self.parent[r] != r {
            r = self.parent[r];
        }
        r
    }
    /// Point every node straight at its root, so that [`UnionFind::root`] is one step until
    /// the next union. A parent's index is never above its child's (roots are the smallest
    /// members), so one pass in index order finds each parent already pointing at its root.
    fn flatten(&mut self) {
        for x in 0..self.parent.len() {
            self.parent[x] = self.parent[self.parent[x]];
        }
    }
    /// Union keeping the smaller index as the root, so roots do not depend on merge order.
    fn union(&mut self, a: usize, b: usize) -> bool {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return false;
        }
        let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
        self.parent[hi] = lo;
        // Swapping the successors of one member of each ring joins the two rings into one.
        self.next.swap(lo, hi);
        true
    }
    /// The members of the set of `x`, starting with `x`.
    fn members(&self, x: usize) -> impl Iterator<Item = usize> + '_ {
        let mut cur = Some(x);
        std::iter::from_fn(move || {
            let here = cur?;
            let next = self.next[here];
            cur = (next != x).then_some(next);
            Some(here)
        })
    }
}

/// No fact: the end of a node's list in [`Merger::first_fact`] and [`Merger::next_fact`].
const NO_FACT: usize = usize::MAX;

#[derive(Debug, Clone)]
struct FlatFact<'a> {
    s: usize,
    pred: Pred,
    o: FlatObject<'a>,
    ev: Evidence,
}

/// A fact's object; text is borrowed from the document analyses until the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FlatObject<'a> {
    Node(usize),
    Text(&'a str),
    Date(PartialDate),
}

/// A fact's object as [`Resolved`] will state it, ordered as [`Value`] is, with its text still
/// borrowed: facts are merged by sorting these, and only the merged ones own their text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum ValueRef<'a> {
    Node(usize),
    Text(&'a str),
    Date(PartialDate),
}

/// A flat fact as merging sorts it: subject and object resolved to entities, with its evidence.
type FactRow<'a> = (usize, Pred, ValueRef<'a>, Evidence);

impl ValueRef<'_> {
    fn to_value(self) -> Value {
        match self {
            ValueRef::Node(n) => Value::Node(n),
            ValueRef::Text(t) => Value::Text(t.to_owned()),
            ValueRef::Date(d) => Value::Date(d),
        }
    }
}

struct Merger<'a> {
    docs: &'a [DocAnalysis],
    lex: &'a Lexicon,
    /// (document, local id) of each flat node.
    origin: Vec<(usize, LocalId)>,
    /// The class of each flat node (read for every fact in every inference round).
    class_of: Vec<Class>,
    /// The flat index of each document's first local entity.
    offsets: Vec<usize>,
    uf: UnionFind,
    facts: Vec<FlatFact<'a>>,
    /// Each flat node's facts as subject, as a list threaded through the facts: the index of
    /// its latest fact, and from each fact the index of the one added before it for the same
    /// subject ([`NO_FACT`] ends both). One allocation for all nodes instead of one per node.
    first_fact: Vec<usize>,
    next_fact: Vec<usize>,
    /// Why clusters were merged, by the root the cluster had when they were.
    reasons: FxHashMap<usize, BTreeSet<String>>,
}

/// Merge the analyses of all documents. The documents must be sorted by name; the result does
/// not depend on anything else about their order.
pub fn resolve(docs: &[DocAnalysis], lex: &Lexicon) -> Resolved {
    let mut origin = Vec::new();
    let mut offsets = Vec::new();
    for (d, doc) in docs.iter().enumerate() {
        offsets.push(origin.len());
        origin.extend((0..doc.entities.len()).map(|l| (d, l)));
    }
    let class_of = origin.iter().map(|&(d, l)| docs[d].entities[l].class).collect();
    let n = origin.len();
    // Inference adds at most one fact per flat node (a cluster takes a country only while it has
    // none, and keeps it through every merge), so the facts never outgrow this and are never
    // copied to a larger vector.
    let capacity = docs.iter().map(|d| d.facts.len()).sum::<usize>() + n;
    let mut m = Merger {
        docs,
        lex,
        origin,
        class_of,
        offsets,
        uf: UnionFind::new(n),
        facts: Vec::with_capacity(capacity),
        first_fact: vec![NO_FACT; n],
        next_fact: Vec::with_capacity(capacity),
        reasons: FxHashMap::default(),
    };
    for (d, doc) in docs.iter().enumerate() {
        let offset = m.offsets[d];
        for f in &doc.facts {
            let o = match &f.object {
                Object::Entity(e) => FlatObject::Node(offset + e),
                Object::Text(t) => FlatObject::Text(t),
                Object::Date(x) => FlatObject::Date(*x),
            };
            m.add_fact(FlatFact { s: offset + f.subject, pred: f.pred, o, ev: Evidence { doc: d, sentence: f.sentence, rule: f.rule } });
        }
    }
    m.merge_places();
    m.merge_people();
    for _ in 0..2 {
        m.infer();
        m.merge_units();
    }
    m.infer();
    m.merge_bases();
    m.infer();
    m.merge_agreements();
    m.merge_visits();
    m.build()
}

/// Whether two sorted slices share no element.
fn disjoint(a: &[usize], b: &[usize]) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => return false,
        }
    }
    true
}

/// The countries of each cluster, as roots, through one merge pass that unions clusters of one
/// class while country clusters stay as they are: a union adds the two sets, so each cluster's
/// facts are read once, not once per member (which made large clusters quadratic). Each set is
/// a sorted `Vec`, as [`Merger::objects`] returns it.
#[derive(Default)]
struct CountriesOf(FxHashMap<usize, Vec<usize>>);

impl CountriesOf {
    fn get(&mut self, m: &mut Merger<'_>, x: usize) -> Vec<usize> {
        let root = m.uf.find(x);
        self.0.entry(root).or_insert_with(|| m.objects(root, Pred::Country)).clone()
    }

    fn union(&mut self, m: &mut Merger<'_>, a: usize, b: usize, reason: impl Display) {
        let (ra, rb) = (m.uf.find(a), m.uf.find(b));
        if ra == rb {
            return;
        }
        let merged = match (self.0.remove(&ra), self.0.remove(&rb)) {
            (Some(mut x), Some(y)) => {
                x.extend(y);
                x.sort_unstable();
                x.dedup();
                Some(x)
            }
            _ => None,
        };
        m.union(a, b, reason);
        if let Some(merged) = merged {
            self.0.insert(m.uf.find(a), merged);
        }
    }
}

/// What [`Merger::build`] gathers from the members of one cluster.
#[derive(Default)]
struct Collected<'a> {
    forms: BTreeSet<&'a str>,
    /// In order, without duplicates.
    documents: Vec<usize>,
    rules: BTreeSet<&'static str>,
}

/// What [`Merger::merge_places`] keys places by: a country, or a city's folded name.
#[derive(PartialEq, Eq, Hash)]
enum PlaceKey {
    Country(CountryId),
    City(String),
}

/// The kinds of country inference, by what links the two clusters; see [`Merger::infer`].
#[derive(Clone, Copy)]
enum Inference {
    /// A person serves their unit's country; a unit is its member's country's.
    PersonOfUnit,
    /// A unit is in its parent unit's country.
    UnitOfParent,
    /// An installation is in its operator's country, and the operator in the installation's.
    BaseOperatedBy,
    /// An installation is in its city's country, and the city in the installation's.
    BaseInCity,
    /// What a visitor toured, and who received them, lie in the country visited.
    VisitSiteOrHost,
}

impl Inference {
    /// The inference a fact of `pred` from a cluster of `s` to one of `o` allows, if any.
    fn of(pred: Pred, s: Class, o: Class) -> Option<Inference> {
        Some(match (pred, s, o) {
            (Pred::Commands | Pred::MemberOf, Class::Person, Class::Unit) => Inference::PersonOfUnit,
            (Pred::PartOf, Class::Unit, Class::Unit) => Inference::UnitOfParent,
            (Pred::OperatedBy, Class::Base, Class::Unit) => Inference::BaseOperatedBy,
            (Pred::LocatedIn, Class::Base, Class::City) => Inference::BaseInCity,
            (Pred::Site | Pred::Host, Class::Visit, Class::Base | Class::City | Class::Unit) => Inference::VisitSiteOrHost,
            _ => return None,
        })
    }

    /// The rules by which a subject without a country takes its object's single country, and
    /// an object without one takes its subject's single country (or, for a visit's sites and
    /// hosts, the visit's single destination).
    fn rules(self) -> (Option<&'static str>, Option<&'static str>) {
        match self {
            Inference::PersonOfUnit => (Some("inferred-country-from-unit"), Some("inferred-unit-country-from-member")),
            Inference::UnitOfParent => (Some("inferred-country-from-parent-unit"), None),
            Inference::BaseOperatedBy => (Some("inferred-base-country-from-operator"), Some("inferred-operator-country-from-base")),
            Inference::BaseInCity => (Some("inferred-base-country-from-city"), Some("inferred-city-country-from-base")),
            Inference::VisitSiteOrHost => (None, Some("inferred-country-from-visit-destination")),
        }
    }
}

/// What [`Merger::infer`] needs of a set of countries (or destinations): whether it is empty,
/// and its element when it has exactly one.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Countries {
    None,
    One(usize),
    Several,
}

impl Countries {
    fn add(&mut self, c: usize) {
        *self = match *self {
            Countries::None => Countries::One(c),
            Countries::One(x) if x == c => Countries::One(x),
            _ => Countries::Several,
        };
    }
    fn single(self) -> Option<usize> {
        match self {
            Countries::One(c) => Some(c),
            _ => None,
        }
    }
}

impl<'a> Merger<'a> {
    fn identity(&self, x: usize) -> &'a Identity {
        let (d, l) = self.origin[x];
        &self.docs[d].entities[l].identity
    }
    fn names(&self, x: usize) -> &'a [String] {
        let (d, l) = self.origin[x];
        &self.docs[d].entities[l].names
    }
    fn of_class(&self, class: Class) -> Vec<usize> {
        (0..self.origin.len()).filter(|&x| self.class_of[x] == class).collect()
    }

    /// The blocking keys of the flat nodes of `class`, `(key, node)`, sorted: each block is a
    /// run of one key, its members in index order, which is the order their unions are made in
    /// (and that order decides the roots that reasons are recorded under). The keys are worked
    /// out on all threads, reading the clusters as they are: nothing merges until all are known.
    fn sorted_keys<K, I>(&mut self, class: Class, keys_of: impl Fn(&Self, usize) -> I + Sync) -> Vec<(K, usize)>
    where
        K: Ord + Send,
        I: IntoIterator<Item = K>,
    {
        self.uf.flatten();
        let this = &*self;
        let mut keyed: Vec<(K, usize)> = (0..this.origin.len())
            .into_par_iter()
            .filter(|&x| this.class_of[x] == class)
            .flat_map_iter(|x| keys_of(this, x).into_iter().map(move |k| (k, x)))
            .collect();
        keyed.par_sort_unstable();
        keyed
    }

    /// Merge the clusters of `a` and `b`, recording why under the merged cluster's root. The
    /// reason is written out only when two clusters do merge.
    fn union(&mut self, a: usize, b: usize, reason: impl Display) {
        if self.uf.union(a, b) {
            let root = self.uf.find(a);
            self.reasons.entry(root).or_default().insert(reason.to_string());
        }
    }

    fn same_cluster(&mut self, a: usize, b: usize) -> bool {
        self.uf.find(a) == self.uf.find(b)
    }

    /// The facts whose subject is a member of the cluster of `x`.
    fn cluster_facts(&self, x: usize) -> impl Iterator<Item = &FlatFact<'a>> + '_ {
        self.uf.members(x).flat_map(move |m| {
            let mut fi = self.first_fact[m];
            std::iter::from_fn(move || {
                let f = self.facts.get(fi)?;
                fi = self.next_fact[fi];
                Some(f)
            })
        })
    }

    /// Root ids of the objects of `pred` from any member of `x`'s cluster, sorted and without
    /// duplicates.
    fn objects(&self, x: usize, pred: Pred) -> Vec<usize> {
        let root = self.uf.root(x);
        let found: Vec<usize> = self
            .cluster_facts(root)
            .filter(|f| f.pred == pred)
            .filter_map(|f| match f.o {
                FlatObject::Node(o) => Some(o),
                _ => None,
            })
            .collect();
        let mut roots: Vec<usize> = found.into_iter().map(|o| self.uf.root(o)).collect();
        roots.sort_unstable();
        roots.dedup();
        roots
    }

    fn dates(&self, x: usize) -> Vec<PartialDate> {
        let root = self.uf.root(x);
        self.cluster_facts(root)
            .filter_map(|f| match (f.pred, f.o) {
                (Pred::Date, FlatObject::Date(d)) => Some(d),
                _ => None,
            })
            .collect()
    }

    fn add_fact(&mut self, f: FlatFact<'a>) {
        let fi = self.facts.len();
        self.next_fact.push(std::mem::replace(&mut self.first_fact[f.s], fi));
        self.facts.push(f);
    }

    fn merge_places(&mut self) {
        let mut by_key: FxHashMap<PlaceKey, usize> = FxHashMap::default();
        for x in 0..self.origin.len() {
            let (key, reason) = match self.identity(x) {
                Identity::Country(c) => (PlaceKey::Country(*c), "same country in the lexicon"),
                Identity::City { name, .. } => (PlaceKey::City(names::fold(name)), "same city in the lexicon"),
                _ => continue,
            };
            match by_key.get(&key) {
                Some(&first) => self.union(first, x, reason),
                None => {
                    by_key.insert(key, x);
                }
            }
        }
    }

    /// The countries a person serves, as roots: stated, or through their unit.
    fn person_countries(&self, x: usize) -> Vec<usize> {
        let root = self.uf.root(x);
        let mut out = self.objects(root, Pred::Country);
        if out.is_empty() {
            let units: Vec<usize> = self.objects(root, Pred::Commands).into_iter().chain(self.objects(root, Pred::MemberOf)).collect();
            for u in units {
                out.extend(self.objects(u, Pred::Country));
            }
            out.sort_unstable();
            out.dedup();
        }
        out
    }

    /// People: one name and nationality are one person; then name variants that agree word for
    /// word after transliteration folding, found through blocks keyed by two of their words'
    /// skeletons (a match needs two full words). A person of unknown nationality joins a variant
    /// only when all the variants it matches are of one nationality, so that it never bridges two
    /// people who share a name.
    fn merge_people(&mut self) {
        // A variant: people with the same words and countries.
        let people = self.sorted_keys(Class::Person, |m, p| match m.identity(p) {
            Identity::Person { words } => Some((words.as_slice(), m.person_countries(p))),
            _ => None,
        });
        let variants: Vec<&[_]> = people.chunk_by(|a, b| a.0 == b.0).collect();
        for variant in &variants {
            if let [((words, _), first), rest @ ..] = variant {
                if !rest.is_empty() {
                    let reason = format!("the same name {:?} and nationality", words.join(" "));
                    for (_, m) in rest {
                        self.union(*first, *m, &reason);
                    }
                }
            }
        }
        // Each variant's words, nationality and first member.
        let reps: Vec<(&[String], &[usize], usize)> = variants.iter().map(|v| (v[0].0 .0, v[0].0 .1.as_slice(), v[0].1)).collect();
        let matches = person_name_matches(&reps.iter().map(|r| r.0).collect::<Vec<_>>());
        type Rep<'r> = (&'r [String], &'r [usize], usize);
        let reason = |m: &Self, a: &Rep<'_>, b: &Rep<'_>| {
            let longest = |x: usize| m.names(x).iter().max_by_key(|n| n.len()).cloned().unwrap_or_default();
            format!(
                "person names {:?} and {:?} agree word for word after transliteration folding ({} / {}), and their countries do not conflict",
                longest(a.2),
                longest(b.2),
                a.0.iter().map(|w| names::skeleton(w)).collect::<Vec<_>>().join(" "),
                b.0.iter().map(|w| names::skeleton(w)).collect::<Vec<_>>().join(" "),
            )
        };
        // Variants with a nationality merge when they share it.
        for &(a, b) in &matches {
            let (ra, rb) = (&reps[a], &reps[b]);
            if !ra.1.is_empty() && !rb.1.is_empty() && ra.1.iter().any(|c| rb.1.contains(c)) && !self.same_cluster(ra.2, rb.2) {
                let text = reason(self, ra, rb);
                self.union(ra.2, rb.2, text);
            }
        }
        // A variant without one joins what it matches only when that is one nationality.
        let mut partners_of: Vec<Vec<usize>> = vec![Vec::new(); reps.len()];
        for &(a, b) in &matches {
            partners_of[a].push(b);
            partners_of[b].push(a);
        }
        for r in 0..reps.len() {
            if !reps[r].1.is_empty() {
                continue;
            }
            let partners = &partners_of[r];
            let nations: BTreeSet<&[usize]> = partners.iter().map(|&p| reps[p].1).filter(|c| !c.is_empty()).collect();
            if nations.len() <= 1 {
                for &p in partners {
                    if !self.same_cluster(reps[r].2, reps[p].2) {
                        let text = reason(self, &reps[r], &reps[p]);
                        self.union(reps[r].2, reps[p].2, text);
                    }
                }
            }
        }
    }

    /// Add the facts that merged facts imply, until nothing changes (at most six rounds): a
    /// cluster without a country takes the single country of a cluster it is linked to, one
    /// inferred country per cluster per round, the first by fact order.
    ///
    /// No clusters merge here, so the facts' ends are resolved to roots once, and only the facts
    /// that allow an inference are kept. A round's inferences from a fact depend only on the
    /// countries of its two ends, so after the first round only facts with an end that has just
    /// gained a country are read again: any other fact inferred nothing in the round before
    /// (what it inferred would have given its end a country), and would infer nothing again.
    fn infer(&mut self) {
        // The countries of every cluster and the destinations of every visit, by root.
        let n = self.origin.len();
        let mut country_of = vec![Countries::None; n];
        let mut destination_of = vec![Countries::None; n];
        // (fact, subject root, object root, inference).
        let mut links: Vec<(usize, usize, usize, Inference)> = Vec::new();
        for fi in 0..self.facts.len() {
            let FlatFact { s, pred, o: FlatObject::Node(o), .. } = self.facts[fi] else { continue };
            let (s, o) = (self.uf.find(s), self.uf.find(o));
            let (s_class, o_class) = (self.class_of[s], self.class_of[o]);
            match pred {
                Pred::Country => country_of[s].add(o),
                Pred::Destination if s_class == Class::Visit => destination_of[s].add(o),
                _ => {}
            }
            if let Some(inference) = Inference::of(pred, s_class, o_class) {
                links.push((fi, s, o, inference));
            }
        }
        // The clusters that gained a country in the round before; all of them in the first.
        let mut gained: Option<FxHashSet<usize>> = None;
        for _ in 0..6 {
            let mut added: Vec<FlatFact<'a>> = Vec::new();
            for &(fi, s, o, inference) in &links {
                if gained.as_ref().is_some_and(|g| !g.contains(&s) && !g.contains(&o)) {
                    continue;
                }
                let ev = &self.facts[fi].ev;
                let mut push = |subject: usize, country: usize, rule: &'static str| {
                    added.push(FlatFact { s: subject, pred: Pred::Country, o: FlatObject::Node(country), ev: Evidence { rule, ..ev.clone() } });
                };
                let (to_subject, to_object) = inference.rules();
                if let (Some(rule), Countries::None) = (to_subject, country_of[s]) {
                    if let Some(c) = country_of[o].single() {
                        push(s, c, rule);
                    }
                }
                if let (Some(rule), Countries::None) = (to_object, country_of[o]) {
                    let from = if matches!(inference, Inference::VisitSiteOrHost) { destination_of[s] } else { country_of[s] };
                    if let Some(c) = from.single() {
                        push(o, c, rule);
                    }
                }
            }
            // Keep one inferred country per subject per round, the first by evidence order.
            let mut seen: FxHashSet<usize> = FxHashSet::default();
            for f in added {
                // Subjects are roots already.
                if seen.insert(f.s) {
                    if let FlatObject::Node(c) = f.o {
                        country_of[f.s].add(c);
                    }
                    self.add_fact(f);
                }
            }
            if seen.is_empty() {
                break;
            }
            gained = Some(seen);
        }
    }

    /// The name of a local unit for keys: its core when it has a country, its full name when not.
    fn merge_units(&mut self) {
        let units = self.of_class(Class::Unit);
        // Parents before children, so that sub-units meet under one parent.
        let mut keyed: FxHashMap<(Vec<usize>, String, Option<usize>), usize> = FxHashMap::default();
        let mut depth_sorted: Vec<(usize, usize)> = units.iter().map(|&u| (self.depth(u), u)).collect();
        depth_sorted.sort();
        let mut countries_of = CountriesOf::default();
        for (_, u) in depth_sorted {
            let Identity::Unit { core, parent } = self.identity(u) else { continue };
            let countries = countries_of.get(self, u);
            let (d, _) = self.origin[u];
            let parent_root = parent.map(|p| self.uf.find(self.offsets[d] + p));
            let name_key = if countries.is_empty() && parent_root.is_none() {
                // Without a country, only the very same name is the same unit.
                self.names(u).iter().map(|n| names::core_words(n).join(" ")).max().unwrap_or_default()
            } else {
                core.clone()
            };
            // Under a parent, the parent says the country: sub-units meet whatever was inferred.
            let key = (if parent_root.is_some() { Vec::new() } else { countries }, name_key, parent_root);
            match keyed.entry(key) {
                std::collections::hash_map::Entry::Occupied(e) => {
                    let (first, name_key) = (*e.get(), &e.key().1);
                    let reason = format_args!("units with the same name core {:?}, country and parent unit", name_key);
                    countries_of.union(self, first, u, reason);
                }
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(u);
                }
            }
        }
    }

    fn depth(&self, u: usize) -> usize {
        let (d, l) = self.origin[u];
        let mut depth = 0;
        let mut cur = l;
        while let Identity::Unit { parent: Some(p), .. } = &self.docs[d].entities[cur].identity {
            depth += 1;
            cur = *p;
            if depth > 8 {
                break;
            }
        }
        depth
    }

    fn merge_bases(&mut self) {
        // A block: installations with the same name core and operator.
        let keyed = self.sorted_keys(Class::Base, |m, b| match m.identity(b) {
            Identity::Base { core, operator } => Some((core.as_str(), operator.map(|p| m.uf.root(m.offsets[m.origin[b].0] + p)))),
            _ => None,
        });
        let mut countries_of = CountriesOf::default();
        for block in keyed.chunk_by(|a, b| a.0 == b.0) {
            let core = block[0].0 .0;
            let members: Vec<usize> = block.iter().map(|k| k.1).collect();
            for i in 1..members.len() {
                let (a, b) = (members[0], members[i]);
                let (ca, cb) = (countries_of.get(self, a), countries_of.get(self, b));
                if !ca.is_empty() && !cb.is_empty() && disjoint(&ca, &cb) {
                    continue;
                }
                countries_of.union(self, a, b, format_args!("installations with the same name {core:?} and operator"));
            }
        }
    }

    fn merge_agreements(&mut self) {
        let agreements = self.of_class(Class::Agreement);
        let mut named: FxHashMap<&'a str, usize> = FxHashMap::default();
        for &a in &agreements {
            if let Identity::Agreement { named: Some(n), .. } = self.identity(a) {
                match named.get(n.as_str()) {
                    Some(&first) => self.union(first, a, format_args!("agreements with the same name {n:?}")),
                    None => {
                        named.insert(n.as_str(), a);
                    }
                }
            }
        }
        // Candidates share a kind and a signatory, or a kind and all their parties.
        let keyed = self.sorted_keys(Class::Agreement, |m, a| {
            let &Identity::Agreement { kind, named: None, .. } = m.identity(a) else { return Vec::new() };
            let mut keys: Vec<(usize, Vec<usize>)> = m.objects(a, Pred::Signatory).into_iter().map(|sig| (kind, vec![usize::MAX, sig])).collect();
            let parties = m.objects(a, Pred::Party);
            if parties.len() >= 2 {
                keys.push((kind, parties));
            }
            keys
        });
        for block in keyed.chunk_by(|a, b| a.0 == b.0) {
            let (kind, key) = (block[0].0 .0, &block[0].0 .1);
            let members: Vec<usize> = block.iter().map(|k| k.1).collect();
            let by_signatory = key.first() == Some(&usize::MAX);
            let kind_name = &self.lex.agreement_kinds[kind].name;
            let reason = if by_signatory {
                format!("{kind_name}s signed by the same person at compatible dates")
            } else {
                format!("{kind_name}s between the same parties at compatible dates")
            };
            // Parties alone are weaker evidence than a signatory: both need a date then.
            self.cluster_block(&members, !by_signatory, &reason);
        }
    }

    /// Merge the members of a block into as few clusters as compatible dates allow, comparing
    /// each member with the block's clusters so far (not with every other member).
    fn cluster_block(&mut self, members: &[usize], dates_required: bool, reason: &str) {
        let mut clusters: Vec<(usize, BTreeSet<PartialDate>, BTreeSet<usize>)> = Vec::new();
        for &m in members {
            let dates = self.dates(m);
            if dates_required && dates.is_empty() {
                continue;
            }
            let doc = self.origin[m].0;
            let root = self.uf.find(m);
            let found = clusters.iter().position(|(r, ds, docs)| {
                (*r == root || !docs.contains(&doc)) && ds.iter().all(|x| dates.iter().all(|y| x.compatible(y)))
            });
            match found {
                Some(k) => {
                    let first = clusters[k].0;
                    self.union(first, m, reason);
                    clusters[k].1.extend(dates);
                    clusters[k].2.insert(doc);
                    clusters[k].0 = self.uf.find(first);
                }
                None => clusters.push((root, dates.into_iter().collect(), BTreeSet::from([doc]))),
            }
        }
    }

    /// Visits by the same visitor to the same country at compatible dates.
    fn merge_visits(&mut self) {
        let keyed = self.sorted_keys(Class::Visit, |m, v| {
            let visitor = m.objects(v, Pred::Visitor);
            (!visitor.is_empty()).then(|| (visitor, m.objects(v, Pred::Destination)))
        });
        for block in keyed.chunk_by(|a, b| a.0 == b.0) {
            let members: Vec<usize> = block.iter().map(|k| k.1).collect();
            self.cluster_block(&members, false, "visits by the same visitor to the same country at compatible dates");
        }
    }

    fn build(mut self) -> Resolved {
        let n = self.origin.len();
        // Entities in root order. A root is the smallest member of its cluster, so it comes
        // before the other members and has its entity id when they look it up.
        let mut entity_of = vec![usize::MAX; n];
        let mut roots = Vec::new();
        for x in 0..n {
            let r = self.uf.find(x);
            if r == x {
                entity_of[x] = roots.len();
                roots.push(x);
            } else {
                entity_of[x] = entity_of[r];
            }
        }
        let facts = std::mem::take(&mut self.facts);
        let reasons = std::mem::take(&mut self.reasons);
        // The four parts read the clusters and nothing each other makes: they run side by side.
        let this = &self;
        let ((documents, mentions), (entities, facts)) = rayon::join(
            || rayon::join(|| this.resolved_documents(), || this.resolved_mentions(&entity_of)),
            || rayon::join(|| this.resolved_entities(&roots, &entity_of, reasons), || this.resolved_facts(facts, &roots, &entity_of)),
        );
        Resolved { documents, entities, facts, mentions }
    }

    fn resolved_documents(&self) -> Vec<DocumentInfo> {
        self.docs
            .par_iter()
            .map(|d| {
                // Sentences that no output quotes have no text (see `Extractor::extract`): they
                // share one empty text rather than allocating one each.
                let unquoted = SharedText::default();
                let shared = |text: &str| if text.is_empty() { unquoted.clone() } else { SharedText::from(text) };
                DocumentInfo {
                    name: SharedText::from(d.name.as_str()),
                    date: d.date,
                    sentences: d.sentences.iter().map(|s| (s.start, s.end, shared(&s.text))).collect(),
                }
            })
            .collect()
    }

    /// Each entity's label, other names, documents, recognition rules and merge reasons.
    fn resolved_entities(&self, roots: &[usize], entity_of: &[usize], mut reasons: FxHashMap<usize, BTreeSet<String>>) -> Vec<ResolvedEntity> {
        // Each entity collects its members' names, documents and recognition rules by a pass
        // over the flat nodes in document order: the analyses are read in memory order (walking
        // each cluster's members instead jumps across all documents, a cache miss at each step).
        // The entities are cut into a few ranges per thread, and each range has a pass of its
        // own, on its own thread, that skips the nodes of other ranges.
        let mut collected: Vec<Collected<'a>> = std::iter::repeat_with(Collected::default).take(roots.len()).collect();
        let per_range = roots.len().div_ceil(4 * rayon::current_num_threads()).max(1);
        collected.par_chunks_mut(per_range).enumerate().for_each(|(k, range)| {
            let first = k * per_range;
            for (x, &(d, l)) in self.origin.iter().enumerate() {
                let Some(c) = entity_of[x].checked_sub(first).and_then(|e| range.get_mut(e)) else { continue };
                let local = &self.docs[d].entities[l];
                c.forms.extend(local.names.iter().map(String::as_str));
                // Documents come in order: each is new when it is not the last one seen.
                if c.documents.last() != Some(&d) {
                    c.documents.push(d);
                }
                c.rules.insert(local.rule);
            }
        });
        let merge_reasons: Vec<BTreeSet<String>> = roots.iter().map(|root| reasons.remove(root).unwrap_or_default()).collect();
        // Each entity is made from its own collection alone: on all threads.
        roots
            .par_iter()
            .zip(collected)
            .zip(merge_reasons)
            .map(|((&root, Collected { forms, documents, rules }), merge_reasons)| {
                let class = self.class_of[root];
                let label = match (class, self.identity(root)) {
                    (Class::Country, Identity::Country(c)) => self.lex.countries[*c].name.clone(),
                    (Class::City, Identity::City { name, .. }) => name.clone(),
                    (Class::Visit, _) => String::new(),
                    _ => choose_label(&forms),
                };
                let alt_labels = forms.iter().filter(|f| **f != label).map(|f| (*f).to_owned()).collect();
                ResolvedEntity { class, label, alt_labels, documents: documents.into_iter().collect(), merge_reasons, rules }
            })
            .collect()
    }

    /// The facts of the merged graph, each statement once with all its evidence.
    fn resolved_facts(&self, facts: Vec<FlatFact<'a>>, roots: &[usize], entity_of: &[usize]) -> Vec<ResolvedFact> {
        let class_of_entity = |e: usize| self.class_of[roots[e]];
        // Facts, merged: sorted by statement then evidence, each statement's evidence is a run.
        // The flat facts become these tuples where they lie (the two are the same size, see the
        // test below) and are sorted in place: at 100k articles a second copy of them was
        // hundreds of megabytes of fresh memory.
        let mut flat: Vec<FactRow<'a>> = facts
            .into_iter()
            .filter_map(|f| {
                let s = entity_of[f.s];
                let o = match f.o {
                    FlatObject::Node(o) => ValueRef::Node(entity_of[o]),
                    FlatObject::Text(t) => ValueRef::Text(t),
                    FlatObject::Date(d) => ValueRef::Date(d),
                };
                (o != ValueRef::Node(s)).then_some((s, f.pred, o, f.ev))
            })
            .collect();
        flat.par_sort_unstable();
        flat.dedup();
        let same_statement = |a: &FactRow<'a>, b: &FactRow<'a>| (a.0, a.1, a.2) == (b.0, b.1, b.2);
        // Where each statement's run starts, then the statements made from their runs on all
        // threads, straight into a vector of their number (grown by doubling, it would be copied
        // again and again, into fresh memory each time).
        let starts: Vec<usize> = (0..flat.len()).filter(|&i| i == 0 || !same_statement(&flat[i - 1], &flat[i])).chain([flat.len()]).collect();
        let mut facts: Vec<ResolvedFact> = Vec::new();
        starts
            .par_windows(2)
            .map(|w| {
                let group = &flat[w[0]..w[1]];
                let (subject, pred, object, _) = group[0];
                ResolvedFact { subject, pred, object: object.to_value(), evidence: group.iter().map(|g| g.3.clone()).collect() }
            })
            .collect_into_vec(&mut facts);
        drop(flat);
        // `commands` implies `memberOf` (it is a sub-property): the weaker statement adds nothing.
        let commanded: FxHashSet<(usize, &Value)> = facts.iter().filter(|f| f.pred == Pred::Commands).map(|f| (f.subject, &f.object)).collect();
        let implied: Vec<bool> = facts.iter().map(|f| f.pred == Pred::MemberOf && commanded.contains(&(f.subject, &f.object))).collect();
        drop(commanded);
        let mut implied = implied.into_iter();
        facts.retain(|_| !implied.next().unwrap_or(false));
        // A node with a stated country keeps the stated ones over inferred ones.
        let mut stated = vec![false; roots.len()];
        for f in &facts {
            if f.pred == Pred::Country && f.evidence.iter().any(|e| !e.rule.starts_with("inferred")) {
                stated[f.subject] = true;
            }
        }
        facts.retain(|f| !(f.pred == Pred::Country && stated[f.subject] && f.evidence.iter().all(|e| e.rule.starts_with("inferred"))));
        // A visit's date: the earliest start date that every source agrees with.
        let mut visit_dates: FxHashMap<usize, Vec<PartialDate>> = FxHashMap::default();
        for f in &facts {
            if let (Pred::Date, Value::Date(d), Class::Visit) = (f.pred, &f.object, class_of_entity(f.subject)) {
                visit_dates.entry(f.subject).or_default().push(*d);
            }
        }
        facts.retain(|f| {
            if f.pred != Pred::Date || class_of_entity(f.subject) != Class::Visit {
                return true;
            }
            let Value::Date(d) = f.object else { return true };
            let all = &visit_dates[&f.subject];
            // Drop a less precise date that a more precise one refines.
            !all.iter().any(|o| *o != d && o.compatible(&d) && o.precision() > d.precision())
        });
        facts
    }

    /// Every mention, in document order, with offsets in code points.
    fn resolved_mentions(&self, entity_of: &[usize]) -> Vec<ResolvedMention> {
        // Filled in place, each document's slice on any thread: collected from a parallel
        // iterator of unknown length, the list was grown piecewise and then copied whole, at 100k
        // articles hundreds of megabytes of fresh memory.
        let total = self.docs.iter().map(|d| d.mentions.len()).sum();
        let mut mentions = vec![ResolvedMention::default(); total];
        let mut slices: Vec<&mut [ResolvedMention]> = Vec::with_capacity(self.docs.len());
        let mut rest = mentions.as_mut_slice();
        for doc in self.docs {
            let (of_doc, after) = rest.split_at_mut(doc.mentions.len());
            slices.push(of_doc);
            rest = after;
        }
        slices.into_par_iter().zip(self.docs.par_iter()).enumerate().for_each(|(d, (slots, doc))| {
            let to_char = |b: usize| -> usize {
                match doc.char_offsets.binary_search_by_key(&b, |&(byte, _)| byte) {
                    Ok(i) => doc.char_offsets[i].1,
                    Err(i) => doc.char_offsets[i.saturating_sub(1)].1,
                }
            };
            for (slot, m) in slots.iter_mut().zip(&doc.mentions) {
                *slot = ResolvedMention {
                    doc: d,
                    start: to_char(m.start),
                    end: to_char(m.end),
                    anchor: m.text.clone(),
                    entity: entity_of[self.offsets[d] + m.entity],
                    sentence: m.sentence,
                };
            }
        });
        mentions
    }
}

/// The canonical name among an entity's surface forms: the fullest, preferring a name without
/// a possessive, then the longest, then the first in code point order (so that input order
/// never changes it).
fn choose_label(forms: &BTreeSet<&str>) -> String {
    let words = |f: &str| names::name_words(f).len();
    let possessive = |f: &str| f.contains("'s ") || f.contains("\u{2019}s ") || f.ends_with("'s") || f.ends_with("\u{2019}s");
    let shouting = |f: &str| f.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase);
    if forms.len() == 1 {
        return forms.first().map(|f| (*f).to_owned()).unwrap_or_default();
    }
    // Each form's key is worked out once, not once per comparison.
    let key = |f: &str| (!shouting(f), !possessive(f), words(f), f.chars().count());
    forms
        .iter()
        .map(|f| (key(f), *f))
        .max_by(|(ka, a), (kb, b)| ka.cmp(kb).then_with(|| b.cmp(a)))
        .map(|(_, f)| f.to_owned())
        .unwrap_or_default()
}

/// The pairs `(a, b)`, `a < b`, of these personal names that [`names::person_names_match`]
/// (called with the names in that order) and that share the skeletons of two distinct full
/// words, sorted.
///
/// A match needs every word of the shorter name to agree with a distinct word of the longer
/// one: a full word with a word of the same skeleton or with an initial it begins with. So
/// each name, as the shorter, picks one of its full words, and the longer names it can match
/// either have that word's skeleton, and then share it and another of its skeletons, or have
/// its initial and share two of its other skeletons. Names are posted by each pair of their
/// skeletons, and by each initial with each such pair, so a name reads only the names that
/// share two of its skeletons, never the long lists of everyone with a common word or an
/// initial (at 100k articles those lists made this quadratic in the number of names).
fn person_name_matches(names_of: &[&[String]]) -> Vec<(usize, usize)> {
    let full = |w: &&String| names::is_full_word(w);
    let skeletons: Vec<Vec<String>> = names_of
        .iter()
        .map(|words| {
            let mut s: Vec<String> = words.iter().filter(full).map(|w| names::skeleton(w)).collect();
            s.sort_unstable();
            s.dedup();
            s
        })
        .collect();
    // Each pair of a name's skeletons, in order.
    fn pairs(skeletons: &[String]) -> impl Iterator<Item = (&str, &str)> + '_ {
        skeletons.iter().enumerate().flat_map(move |(i, a)| skeletons[i + 1..].iter().map(move |b| (a.as_str(), b.as_str())))
    }
    let mut by_pair: FxHashMap<(&str, &str), Vec<usize>> = FxHashMap::default();
    let mut by_initial_and_pair: FxHashMap<(char, &str, &str), Vec<usize>> = FxHashMap::default();
    for (r, words) in names_of.iter().enumerate() {
        for pair in pairs(&skeletons[r]) {
            by_pair.entry(pair).or_default().push(r);
        }
        let mut initials: Vec<char> = words.iter().filter(|w| !full(w)).filter_map(|w| w.chars().next()).collect();
        initials.sort_unstable();
        initials.dedup();
        for c in initials {
            for (a, b) in pairs(&skeletons[r]) {
                by_initial_and_pair.entry((c, a, b)).or_default().push(r);
            }
        }
    }
    let empty: Vec<usize> = Vec::new();
    let mut matches: Vec<(usize, usize)> = names_of
        .par_iter()
        .enumerate()
        .flat_map_iter(|(r, words)| {
            let own = &skeletons[r];
            // The lists of the names that can match this one, as the shorter, through `word`.
            let lists = |word: &String| -> Option<Vec<&Vec<usize>>> {
                // The word's skeleton as `own` holds it: `own` is the skeletons of the full words.
                let at = own.binary_search(&names::skeleton(word)).ok()?;
                let skeleton = own[at].as_str();
                let others: Vec<&str> = own.iter().map(String::as_str).filter(|s| *s != skeleton).collect();
                let mut lists: Vec<&Vec<usize>> = others.iter().map(|&s| by_pair.get(&if s < skeleton { (s, skeleton) } else { (skeleton, s) }).unwrap_or(&empty)).collect();
                if let Some(initial) = word.chars().next() {
                    for (i, a) in others.iter().enumerate() {
                        lists.extend(others[i + 1..].iter().map(|b| by_initial_and_pair.get(&(initial, *a, *b)).unwrap_or(&empty)));
                    }
                }
                Some(lists)
            };
            // Two full words must agree, so a name with fewer distinct ones matches nothing.
            let shortest = if own.len() < 2 {
                Vec::new()
            } else {
                words.iter().filter(full).filter_map(lists).min_by_key(|l| l.iter().map(|l| l.len()).sum::<usize>()).unwrap_or_default()
            };
            let mut candidates: Vec<usize> = shortest.into_iter().flatten().copied().filter(|&c| c != r && names_of[c].len() >= words.len()).collect();
            candidates.sort_unstable();
            candidates.dedup();
            candidates
                .into_iter()
                .map(move |c| (r.min(c), r.max(c)))
                // Every candidate shares two skeletons with the name: it came from a pair's list.
                .filter(|&(a, b)| names::person_names_match(names_of[a], names_of[b]))
        })
        .collect();
    matches.sort_unstable();
    matches.dedup();
    matches
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What [`person_name_matches`] must find, by its definition: every pair of names compared.
    fn all_pairs(names_of: &[&[String]]) -> Vec<(usize, usize)> {
        let skeletons = |words: &[String]| words.iter().filter(|w| names::is_full_word(w)).map(|w| names::skeleton(w)).collect::<BTreeSet<_>>();
        let mut out = Vec::new();
        for a in 0..names_of.len() {
            for b in a + 1..names_of.len() {
                if skeletons(names_of[a]).intersection(&skeletons(names_of[b])).count() >= 2 && names::person_names_match(names_of[a], names_of[b]) {
                    out.push((a, b));
                }
            }
        }
        out
    }

    #[test]
    fn flattening_points_every_node_at_its_root_and_keeps_the_sets() {
        let mut uf = UnionFind::new(12);
        // Roots that gain a smaller root one after another leave a chain 11 → 10 → 9 → 3 → 1.
        for (a, b) in [(11, 10), (10, 9), (9, 3), (3, 1), (7, 8), (8, 2), (5, 6)] {
            uf.union(a, b);
        }
        let roots: Vec<usize> = (0..12).map(|x| uf.root(x)).collect();
        assert_eq!(roots, [0, 1, 2, 1, 4, 5, 5, 2, 2, 1, 1, 1]);
        assert_ne!(uf.parent[11], 1, "the chain should be there before flattening");
        uf.flatten();
        assert_eq!(uf.parent, roots);
        let mut members: Vec<usize> = uf.members(11).collect();
        members.sort_unstable();
        assert_eq!(members, [1, 3, 9, 10, 11]);
    }

    #[test]
    fn flat_facts_are_the_size_of_the_tuples_they_are_sorted_as() {
        // `resolved_facts` turns one into the other where they lie only when size and alignment
        // agree; otherwise `collect` quietly allocates a second vector of all the facts.
        assert_eq!(std::mem::size_of::<FlatFact<'_>>(), std::mem::size_of::<FactRow<'_>>());
        assert_eq!(std::mem::align_of::<FlatFact<'_>>(), std::mem::align_of::<FactRow<'_>>());
    }

    #[test]
    fn person_name_candidates_miss_no_pair_that_all_pairs_would_match() {
        // Spelling variants, initials, repeated and common words, names of one to four words.
        let words = ["mohammed", "muhammad", "m", "ali", "aly", "a", "hassan", "hasan", "h", "al", "el", "bin", "tarek", "tariq", "t", "ben"];
        let mut names: Vec<Vec<String>> = Vec::new();
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..600 {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            let len = 1 + (state >> 60) as usize % 4;
            names.push((0..len).map(|i| words[(state >> (8 * i + 3)) as usize % words.len()].to_owned()).collect());
        }
        let refs: Vec<&[String]> = names.iter().map(|n| n.as_slice()).collect();
        let expected = all_pairs(&refs);
        assert!(expected.len() > 1000, "the sample should hold many matches, has {}", expected.len());
        assert_eq!(person_name_matches(&refs), expected);
    }
}
