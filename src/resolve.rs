//! Resolve: merge the documents' local entities into the nodes of one graph, and infer what
//! the merged facts imply.
//!
//! People merge on transliteration-aware name keys ([`crate::names`]) when their countries
//! agree; units on their country, core name and parent unit; bases on their name and operator;
//! agreements on their name, or on shared signatories, or on the same parties at a compatible
//! date; visits on the same visitor and destination at a compatible date. Candidates are found
//! through blocking keys (a name word's skeleton, a unit's key), never by comparing all pairs.
//! Every merge records its reason, and every inferred fact the rule and premise behind it.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::analysis::{Class, DocAnalysis, Identity, LocalId, Object, Pred};
use crate::dates::PartialDate;
use crate::lexicon::Lexicon;
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
    pub evidence: BTreeSet<Evidence>,
}

#[derive(Debug, Clone)]
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

/// A document as the graph records it.
#[derive(Debug, Clone)]
pub struct DocumentInfo {
    pub name: String,
    pub date: Option<chrono::NaiveDate>,
    pub sentences: Vec<(usize, usize, String)>,
}

/// The merged result of all documents.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub documents: Vec<DocumentInfo>,
    pub entities: Vec<ResolvedEntity>,
    pub facts: Vec<ResolvedFact>,
    pub mentions: Vec<ResolvedMention>,
}

struct UnionFind {
    parent: Vec<usize>,
    /// The members of each root's set (empty for non-roots).
    members: Vec<Vec<usize>>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind { parent: (0..n).collect(), members: (0..n).map(|x| vec![x]).collect() }
    }
    fn find(&mut self, x: usize) -> usize {
        let mut r = x;
        while self.parent[r] != r {
            r = self.parent[r];
        }
        let mut y = x;
        while self.parent[y] != r {
            let next = self.parent[y];
            self.parent[y] = r;
            y = next;
        }
        r
    }
    /// Union keeping the smaller index as the root, so roots do not depend on merge order.
    fn union(&mut self, a: usize, b: usize) -> bool {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return false;
        }
        let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
        self.parent[hi] = lo;
        let moved = std::mem::take(&mut self.members[hi]);
        self.members[lo].extend(moved);
        true
    }
}

#[derive(Debug, Clone)]
struct FlatFact {
    s: usize,
    pred: Pred,
    o: FlatObject,
    ev: Evidence,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum FlatObject {
    Node(usize),
    Text(String),
    Date(PartialDate),
}

struct Merger<'a> {
    docs: &'a [DocAnalysis],
    lex: &'a Lexicon,
    /// (document, local id) of each flat node.
    origin: Vec<(usize, LocalId)>,
    /// The flat index of each document's first local entity.
    offsets: Vec<usize>,
    uf: UnionFind,
    facts: Vec<FlatFact>,
    /// Indices into `facts` of each flat node's facts as subject.
    facts_of: Vec<Vec<usize>>,
    reasons: BTreeMap<usize, BTreeSet<String>>,
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
    let mut facts = Vec::new();
    for (d, doc) in docs.iter().enumerate() {
        for f in &doc.facts {
            let o = match &f.object {
                Object::Entity(e) => FlatObject::Node(offsets[d] + e),
                Object::Text(t) => FlatObject::Text(t.clone()),
                Object::Date(x) => FlatObject::Date(*x),
            };
            facts.push(FlatFact { s: offsets[d] + f.subject, pred: f.pred, o, ev: Evidence { doc: d, sentence: f.sentence, rule: f.rule } });
        }
    }
    let n = origin.len();
    let mut facts_of = vec![Vec::new(); n];
    for (i, f) in facts.iter().enumerate() {
        facts_of[f.s].push(i);
    }
    let mut m = Merger { docs, lex, origin, offsets: offsets.clone(), uf: UnionFind::new(n), facts, facts_of, reasons: BTreeMap::new() };
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

/// The countries of each cluster, as roots, through one merge pass that unions clusters of one
/// class while country clusters stay as they are: a union adds the two sets, so each cluster's
/// facts are read once, not once per member (which made large clusters quadratic).
#[derive(Default)]
struct CountriesOf(HashMap<usize, BTreeSet<usize>>);

impl CountriesOf {
    fn get(&mut self, m: &mut Merger<'_>, x: usize) -> BTreeSet<usize> {
        let root = m.uf.find(x);
        if let Some(c) = self.0.get(&root) {
            return c.clone();
        }
        let c = m.objects(root, Pred::Country);
        self.0.insert(root, c.clone());
        c
    }

    fn union(&mut self, m: &mut Merger<'_>, a: usize, b: usize, reason: String) {
        let (ra, rb) = (m.uf.find(a), m.uf.find(b));
        if ra == rb {
            return m.union(a, b, reason);
        }
        let merged = match (self.0.remove(&ra), self.0.remove(&rb)) {
            (Some(x), Some(y)) => Some(x.union(&y).copied().collect()),
            _ => None,
        };
        m.union(a, b, reason);
        if let Some(merged) = merged {
            self.0.insert(m.uf.find(a), merged);
        }
    }
}

impl<'a> Merger<'a> {
    fn class(&self, x: usize) -> Class {
        let (d, l) = self.origin[x];
        self.docs[d].entities[l].class
    }
    fn identity(&self, x: usize) -> &'a Identity {
        let (d, l) = self.origin[x];
        &self.docs[d].entities[l].identity
    }
    fn names(&self, x: usize) -> &'a [String] {
        let (d, l) = self.origin[x];
        &self.docs[d].entities[l].names
    }
    fn of_class(&self, class: Class) -> Vec<usize> {
        (0..self.origin.len()).filter(|&x| self.class(x) == class).collect()
    }

    fn union(&mut self, a: usize, b: usize, reason: String) {
        if self.uf.union(a, b) {
            let root = self.uf.find(a);
            self.reasons.entry(root).or_default().insert(reason);
        }
    }

    /// Root ids of the objects of `pred` from any member of `root`'s cluster.
    fn objects(&mut self, root: usize, pred: Pred) -> BTreeSet<usize> {
        let root = self.uf.find(root);
        let mut found = Vec::new();
        for &m in &self.uf.members[root] {
            for &fi in &self.facts_of[m] {
                if self.facts[fi].pred == pred {
                    if let FlatObject::Node(o) = self.facts[fi].o {
                        found.push(o);
                    }
                }
            }
        }
        found.into_iter().map(|o| self.uf.find(o)).collect()
    }

    fn dates(&mut self, root: usize) -> Vec<PartialDate> {
        let root = self.uf.find(root);
        let mut out = Vec::new();
        for &m in &self.uf.members[root] {
            for &fi in &self.facts_of[m] {
                if let (Pred::Date, FlatObject::Date(d)) = (self.facts[fi].pred, &self.facts[fi].o) {
                    out.push(*d);
                }
            }
        }
        out
    }

    fn add_fact(&mut self, f: FlatFact) {
        self.facts_of[f.s].push(self.facts.len());
        self.facts.push(f);
    }

    fn merge_places(&mut self) {
        let mut by_key: BTreeMap<String, usize> = BTreeMap::new();
        for x in 0..self.origin.len() {
            let key = match self.identity(x) {
                Identity::Country(c) => format!("country:{c}"),
                Identity::City { name, .. } => format!("city:{}", names::fold(name)),
                _ => continue,
            };
            match by_key.get(&key) {
                Some(&first) => self.union(first, x, format!("same {} in the lexicon", if key.starts_with("country") { "country" } else { "city" })),
                None => {
                    by_key.insert(key, x);
                }
            }
        }
    }

    /// The countries a person serves, as roots: stated, or through their unit.
    fn person_countries(&mut self, x: usize) -> BTreeSet<usize> {
        let root = self.uf.find(x);
        let mut out = self.objects(root, Pred::Country);
        if out.is_empty() {
            let units: Vec<usize> = self.objects(root, Pred::Commands).into_iter().chain(self.objects(root, Pred::MemberOf)).collect();
            for u in units {
                out.extend(self.objects(u, Pred::Country));
            }
        }
        out
    }

    /// People: one name and nationality are one person; then name variants that agree word for
    /// word after transliteration folding, found through blocks keyed by two of their words'
    /// skeletons (a match needs two full words). A person of unknown nationality joins a variant
    /// only when all the variants it matches are of one nationality, so that it never bridges two
    /// people who share a name.
    fn merge_people(&mut self) {
        let people = self.of_class(Class::Person);
        let mut variants: BTreeMap<(Vec<String>, Vec<usize>), Vec<usize>> = BTreeMap::new();
        for &p in &people {
            let Identity::Person { words } = self.identity(p) else { continue };
            let countries: Vec<usize> = self.person_countries(p).into_iter().collect();
            variants.entry((words.clone(), countries)).or_default().push(p);
        }
        for ((words, _), members) in &variants {
            for &m in &members[1..] {
                self.union(members[0], m, format!("the same name {:?} and nationality", words.join(" ")));
            }
        }
        let reps: Vec<(Vec<String>, Vec<usize>, usize)> = variants.iter().map(|((w, c), m)| (w.clone(), c.clone(), m[0])).collect();
        let mut blocks: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
        for (r, (words, _, _)) in reps.iter().enumerate() {
            let keys: BTreeSet<String> = words.iter().filter(|w| w.chars().count() > 1).map(|w| names::skeleton(w)).collect();
            let keys: Vec<String> = keys.into_iter().collect();
            for a in 0..keys.len() {
                for b in a + 1..keys.len() {
                    blocks.entry((keys[a].clone(), keys[b].clone())).or_default().push(r);
                }
            }
        }
        let mut matches: BTreeSet<(usize, usize)> = BTreeSet::new();
        for members in blocks.values() {
            for (x, &a) in members.iter().enumerate() {
                for &b in &members[x + 1..] {
                    if names::person_names_match(&reps[a].0, &reps[b].0) {
                        matches.insert((a.min(b), a.max(b)));
                    }
                }
            }
        }
        let reason = |a: &(Vec<String>, Vec<usize>, usize), b: &(Vec<String>, Vec<usize>, usize), names_of: &dyn Fn(usize) -> String| {
            format!(
                "person names {:?} and {:?} agree word for word after transliteration folding ({} / {}), and their countries do not conflict",
                names_of(a.2),
                names_of(b.2),
                a.0.iter().map(|w| names::skeleton(w)).collect::<Vec<_>>().join(" "),
                b.0.iter().map(|w| names::skeleton(w)).collect::<Vec<_>>().join(" "),
            )
        };
        let longest = |m: &Self, x: usize| m.names(x).iter().max_by_key(|n| n.len()).cloned().unwrap_or_default();
        // Variants with a nationality merge when they share it.
        for &(a, b) in &matches {
            let (ra, rb) = (&reps[a], &reps[b]);
            if !ra.1.is_empty() && !rb.1.is_empty() && ra.1.iter().any(|c| rb.1.contains(c)) {
                let text = reason(ra, rb, &|x| longest(self, x));
                self.union(ra.2, rb.2, text);
            }
        }
        // A variant without one joins what it matches only when that is one nationality.
        let mut partners_of: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for &(a, b) in &matches {
            partners_of.entry(a).or_default().push(b);
            partners_of.entry(b).or_default().push(a);
        }
        for r in 0..reps.len() {
            if !reps[r].1.is_empty() {
                continue;
            }
            let partners: Vec<usize> = partners_of.get(&r).cloned().unwrap_or_default();
            let nations: BTreeSet<Vec<usize>> = partners.iter().filter(|&&p| !reps[p].1.is_empty()).map(|&p| reps[p].1.clone()).collect();
            if nations.len() <= 1 {
                for p in partners {
                    let text = reason(&reps[r], &reps[p], &|x| longest(self, x));
                    self.union(reps[r].2, reps[p].2, text);
                }
            }
        }
    }

    /// Add the facts that merged facts imply, until nothing changes.
    fn infer(&mut self) {
        for _ in 0..6 {
            let mut added: Vec<FlatFact> = Vec::new();
            // The countries of every cluster and the destinations of every visit, as roots, in
            // one pass over the facts.
            let mut country_of: HashMap<usize, BTreeSet<usize>> = HashMap::new();
            let mut destination_of: HashMap<usize, BTreeSet<usize>> = HashMap::new();
            for fi in 0..self.facts.len() {
                let (s, pred, o) = match self.facts[fi] {
                    FlatFact { s, pred: pred @ (Pred::Country | Pred::Destination), o: FlatObject::Node(o), .. } => (s, pred, o),
                    _ => continue,
                };
                let (s, o) = (self.uf.find(s), self.uf.find(o));
                match pred {
                    Pred::Country => country_of.entry(s).or_default().insert(o),
                    _ if self.class(s) == Class::Visit => destination_of.entry(s).or_default().insert(o),
                    _ => false,
                };
            }
            let single = |r: usize| -> Option<usize> {
                let c = country_of.get(&r)?;
                (c.len() == 1).then(|| *c.iter().next().unwrap())
            };
            for fi in 0..self.facts.len() {
                let f = &self.facts[fi];
                let FlatObject::Node(o) = f.o else { continue };
                let (fs, pred, ev) = (f.s, f.pred, f.ev.clone());
                let (s, o_root) = (self.uf.find(fs), self.uf.find(o));
                let s_class = self.class(s);
                let o_class = self.class(o_root);
                let s_has = country_of.get(&s).is_some_and(|c| !c.is_empty());
                let o_has = country_of.get(&o_root).is_some_and(|c| !c.is_empty());
                let mut push = |subject: usize, country: usize, rule: &'static str| {
                    added.push(FlatFact { s: subject, pred: Pred::Country, o: FlatObject::Node(country), ev: Evidence { rule, ..ev.clone() } });
                };
                match (pred, s_class, o_class) {
                    // A person serves their unit's country; a unit is its member's country's.
                    (Pred::Commands | Pred::MemberOf, Class::Person, Class::Unit) => {
                        if !s_has {
                            if let Some(c) = single(o_root) {
                                push(s, c, "inferred-country-from-unit");
                            }
                        }
                        if !o_has {
                            if let Some(c) = single(s) {
                                push(o_root, c, "inferred-unit-country-from-member");
                            }
                        }
                    }
                    (Pred::PartOf, Class::Unit, Class::Unit) if !s_has => {
                        if let Some(c) = single(o_root) {
                            push(s, c, "inferred-country-from-parent-unit");
                        }
                    }
                    (Pred::OperatedBy, Class::Base, Class::Unit) => {
                        if !s_has {
                            if let Some(c) = single(o_root) {
                                push(s, c, "inferred-base-country-from-operator");
                            }
                        }
                        if !o_has {
                            if let Some(c) = single(s) {
                                push(o_root, c, "inferred-operator-country-from-base");
                            }
                        }
                    }
                    (Pred::LocatedIn, Class::Base, Class::City) => {
                        if !s_has {
                            if let Some(c) = single(o_root) {
                                push(s, c, "inferred-base-country-from-city");
                            }
                        }
                        if !o_has {
                            if let Some(c) = single(s) {
                                push(o_root, c, "inferred-city-country-from-base");
                            }
                        }
                    }
                    // What a visitor toured, and who received them, lie in the country visited.
                    (Pred::Site | Pred::Host, Class::Visit, Class::Base | Class::City | Class::Unit) if !o_has => {
                        let dest = destination_of.get(&s).cloned().unwrap_or_default();
                        if dest.len() == 1 {
                            push(o_root, *dest.iter().next().unwrap(), "inferred-country-from-visit-destination");
                        }
                    }
                    _ => {}
                }
            }
            // Keep one inferred country per subject per round, the first by evidence order.
            let mut seen: BTreeSet<usize> = BTreeSet::new();
            let mut changed = false;
            for f in added {
                let root = self.uf.find(f.s);
                if seen.insert(root) {
                    self.add_fact(f);
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }

    /// The name of a local unit for keys: its core when it has a country, its full name when not.
    fn merge_units(&mut self) {
        let units = self.of_class(Class::Unit);
        // Parents before children, so that sub-units meet under one parent.
        let mut keyed: BTreeMap<(Vec<usize>, String, Option<usize>), usize> = BTreeMap::new();
        let mut depth_sorted: Vec<(usize, usize)> = units.iter().map(|&u| (self.depth(u), u)).collect();
        depth_sorted.sort();
        let mut countries_of = CountriesOf::default();
        for (_, u) in depth_sorted {
            let Identity::Unit { core, parent } = self.identity(u) else { continue };
            let countries: Vec<usize> = countries_of.get(self, u).into_iter().collect();
            let (d, _) = self.origin[u];
            let parent_root = parent.map(|p| self.uf.find(self.offsets[d] + p));
            let name_key = if countries.is_empty() && parent_root.is_none() {
                // Without a country, only the very same name is the same unit.
                self.names(u).iter().map(|n| names::core_words(n).join(" ")).max().unwrap_or_default()
            } else {
                core.clone()
            };
            // Under a parent, the parent says the country: sub-units meet whatever was inferred.
            let key = (if parent_root.is_some() { Vec::new() } else { countries.clone() }, name_key.clone(), parent_root);
            match keyed.get(&key) {
                Some(&first) => {
                    let reason = format!("units with the same name core {:?}, country and parent unit", name_key);
                    countries_of.union(self, first, u, reason);
                }
                None => {
                    keyed.insert(key, u);
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
        let bases = self.of_class(Class::Base);
        let mut keyed: BTreeMap<(String, Option<usize>), Vec<usize>> = BTreeMap::new();
        for &b in &bases {
            let Identity::Base { core, operator } = self.identity(b) else { continue };
            let (d, _) = self.origin[b];
            let op_root = operator.map(|p| self.uf.find(self.offsets[d] + p));
            keyed.entry((core.clone(), op_root)).or_default().push(b);
        }
        let mut countries_of = CountriesOf::default();
        for ((core, _), members) in keyed {
            for i in 1..members.len() {
                let (a, b) = (members[0], members[i]);
                let (ca, cb) = (countries_of.get(self, a), countries_of.get(self, b));
                if !ca.is_empty() && !cb.is_empty() && ca.is_disjoint(&cb) {
                    continue;
                }
                countries_of.union(self, a, b, format!("installations with the same name {core:?} and operator"));
            }
        }
    }

    fn merge_agreements(&mut self) {
        let agreements = self.of_class(Class::Agreement);
        let mut named: BTreeMap<String, usize> = BTreeMap::new();
        let mut generic: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for &a in &agreements {
            match self.identity(a) {
                Identity::Agreement { named: Some(n), .. } => match named.get(n) {
                    Some(&first) => self.union(first, a, format!("agreements with the same name {n:?}")),
                    None => {
                        named.insert(n.clone(), a);
                    }
                },
                Identity::Agreement { kind, named: None, .. } => generic.entry(*kind).or_default().push(a),
                _ => {}
            }
        }
        // Candidates share a kind and a signatory, or a kind and all their parties.
        let mut blocks: BTreeMap<(usize, Vec<usize>), Vec<usize>> = BTreeMap::new();
        for (&kind, members) in &generic {
            for &a in members {
                for sig in self.objects(a, Pred::Signatory) {
                    blocks.entry((kind, vec![usize::MAX, sig])).or_default().push(a);
                }
                let parties: Vec<usize> = self.objects(a, Pred::Party).into_iter().collect();
                if parties.len() >= 2 {
                    blocks.entry((kind, parties)).or_default().push(a);
                }
            }
        }
        for ((kind, key), members) in blocks {
            let by_signatory = key.first() == Some(&usize::MAX);
            let kind_name = self.lex.agreement_kinds[kind].name.clone();
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
                    self.union(first, m, reason.to_owned());
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
        let visits = self.of_class(Class::Visit);
        let mut blocks: BTreeMap<(Vec<usize>, Vec<usize>), Vec<usize>> = BTreeMap::new();
        for &v in &visits {
            let visitor: Vec<usize> = self.objects(v, Pred::Visitor).into_iter().collect();
            let destination: Vec<usize> = self.objects(v, Pred::Destination).into_iter().collect();
            if !visitor.is_empty() {
                blocks.entry((visitor, destination)).or_default().push(v);
            }
        }
        for members in blocks.into_values() {
            self.cluster_block(&members, false, "visits by the same visitor to the same country at compatible dates");
        }
    }

    fn build(mut self) -> Resolved {
        let n = self.origin.len();
        let roots: Vec<usize> = (0..n).map(|x| self.uf.find(x)).collect();
        let mut root_ids: BTreeMap<usize, usize> = BTreeMap::new();
        for &r in &roots {
            let next = root_ids.len();
            root_ids.entry(r).or_insert(next);
        }
        // Entities in root order; each collects its members' names and documents.
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); root_ids.len()];
        for x in 0..n {
            members[root_ids[&roots[x]]].push(x);
        }
        let documents: Vec<DocumentInfo> = self
            .docs
            .iter()
            .map(|d| DocumentInfo {
                name: d.name.clone(),
                date: d.date,
                sentences: d.sentences.iter().map(|s| (s.start, s.end, s.text.clone())).collect(),
            })
            .collect();
        let mut entities: Vec<ResolvedEntity> = Vec::new();
        for (idx, ms) in members.iter().enumerate() {
            let class = self.class(ms[0]);
            let mut forms: BTreeSet<String> = BTreeSet::new();
            let mut docs = BTreeSet::new();
            let mut rules = BTreeSet::new();
            for &x in ms {
                let (d, l) = self.origin[x];
                forms.extend(self.docs[d].entities[l].names.iter().cloned());
                docs.insert(d);
                rules.insert(self.docs[d].entities[l].rule);
            }
            let label = match (class, self.identity(ms[0])) {
                (Class::Country, Identity::Country(c)) => self.lex.countries[*c].name.clone(),
                (Class::City, Identity::City { name, .. }) => name.clone(),
                (Class::Visit, _) => String::new(),
                _ => choose_label(class, &forms),
            };
            let alt_labels = forms.iter().filter(|f| **f != label).cloned().collect();
            let reasons = self.reasons.get(&roots[ms[0]]).cloned().unwrap_or_default();
            let _ = idx;
            entities.push(ResolvedEntity { class, label, alt_labels, documents: docs, merge_reasons: reasons, rules });
        }
        // Facts, merged.
        let mut merged: BTreeMap<(usize, Pred, Value), BTreeSet<Evidence>> = BTreeMap::new();
        for f in &self.facts {
            let s = root_ids[&roots[f.s]];
            let o = match &f.o {
                FlatObject::Node(o) => Value::Node(root_ids[&roots[*o]]),
                FlatObject::Text(t) => Value::Text(t.clone()),
                FlatObject::Date(d) => Value::Date(*d),
            };
            if o == Value::Node(s) {
                continue;
            }
            merged.entry((s, f.pred, o)).or_default().insert(f.ev.clone());
        }
        let mut facts: Vec<ResolvedFact> = merged.into_iter().map(|((s, pred, object), evidence)| ResolvedFact { subject: s, pred, object, evidence }).collect();
        // `commands` implies `memberOf` (it is a sub-property): the weaker statement adds nothing.
        let commanded: BTreeSet<(usize, Value)> = facts.iter().filter(|f| f.pred == Pred::Commands).map(|f| (f.subject, f.object.clone())).collect();
        facts.retain(|f| !(f.pred == Pred::MemberOf && commanded.contains(&(f.subject, f.object.clone()))));
        // A node with a stated country keeps the stated ones over inferred ones.
        let stated: BTreeSet<usize> = facts
            .iter()
            .filter(|f| f.pred == Pred::Country && f.evidence.iter().any(|e| !e.rule.starts_with("inferred")))
            .map(|f| f.subject)
            .collect();
        facts.retain(|f| !(f.pred == Pred::Country && stated.contains(&f.subject) && f.evidence.iter().all(|e| e.rule.starts_with("inferred"))));
        // A visit's date: the earliest start date that every source agrees with.
        let visit_dates: HashMap<usize, Vec<PartialDate>> = facts.iter().filter(|f| f.pred == Pred::Date && entities[f.subject].class == Class::Visit).fold(HashMap::new(), |mut m, f| {
            if let Value::Date(d) = f.object {
                m.entry(f.subject).or_default().push(d);
            }
            m
        });
        facts.retain(|f| {
            if f.pred != Pred::Date || entities[f.subject].class != Class::Visit {
                return true;
            }
            let Value::Date(d) = f.object else { return true };
            let all = &visit_dates[&f.subject];
            // Drop a less precise date that a more precise one refines.
            !all.iter().any(|o| *o != d && o.compatible(&d) && o.precision() > d.precision())
        });
        // Mentions.
        let mut mentions = Vec::new();
        for (d, doc) in self.docs.iter().enumerate() {
            let to_char = |b: usize| -> usize {
                match doc.char_offsets.binary_search_by_key(&b, |&(byte, _)| byte) {
                    Ok(i) => doc.char_offsets[i].1,
                    Err(i) => doc.char_offsets[i.saturating_sub(1)].1,
                }
            };
            for m in &doc.mentions {
                let flat = self.offsets[d] + m.entity;
                mentions.push(ResolvedMention {
                    doc: d,
                    start: to_char(m.start),
                    end: to_char(m.end),
                    anchor: m.text.clone(),
                    entity: root_ids[&roots[flat]],
                    sentence: m.sentence,
                });
            }
        }
        Resolved { documents, entities, facts, mentions }
    }
}

/// The canonical name among an entity's surface forms: the fullest, preferring a name without
/// a possessive, then the longest, then the first in code point order (so that input order
/// never changes it).
fn choose_label(class: Class, forms: &BTreeSet<String>) -> String {
    let words = |f: &String| names::name_words(f).len();
    let possessive = |f: &String| f.contains("'s ") || f.contains("\u{2019}s ") || f.ends_with("'s") || f.ends_with("\u{2019}s");
    let shouting = |f: &String| f.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase);
    forms
        .iter()
        .max_by(|a, b| {
            let key = |f: &String| (class != Class::Person || true, !shouting(f), !possessive(f), words(f), f.chars().count());
            key(a).cmp(&key(b)).then_with(|| b.cmp(a))
        })
        .cloned()
        .unwrap_or_default()
}
