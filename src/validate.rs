//! Validate: check a graph against SHACL shapes (by default `ontology/shapes.ttl`, built in).
//!
//! This is a small validator for the subset of SHACL Core that `shapes.ttl` uses, not a full
//! SHACL engine (the Rust engines tried did not build here; see the README). It evaluates the
//! shapes natively over the data graph's triples: every term is numbered once, the triples the
//! shapes read are sorted by (subject, property), so a focus node's values for a property are one
//! contiguous run, and the SHACL instances of each class the shapes name are found once.
//!
//! | SHACL | checked as |
//! | --- | --- |
//! | `sh:targetClass C` | every node typed `C` or a subclass of it (`rdf:type/rdfs:subClassOf*`) |
//! | `sh:targetSubjectsOf P` | every subject of `P` |
//! | `sh:minCount n`, `sh:maxCount n` | the number of distinct values of the path |
//! | `sh:class C` | the value is an IRI or blank node typed `C` or a subclass of it |
//! | `sh:datatype D` | the value is a literal of datatype `D` whose lexical form is valid for `D` |
//! | `sh:or (…)` of shapes with one `sh:class` or `sh:datatype` each | one of the tests above passes |
//! | `sh:lessThan Q` | SPARQL's `<` holds between the value and each value of `Q` (numbers, strings, booleans, dates); an incomparable pair is a violation |
//!
//! A shapes graph that uses any other `sh:` term is refused with an error naming it, so a shape
//! is never silently ignored. Paths are single IRIs; results are Violations.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::vocab::{rdf, xsd};
use oxigraph::model::vocab::rdfs;
use oxigraph::model::{GraphNameRef, LiteralRef, NamedNode, NamedNodeRef, NamedOrBlankNode, Term, TermRef, Triple, TripleRef};
use oxigraph::store::Store;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::error::{Error, Result};
use crate::query;

/// The shapes built into the binary: `ontology/shapes.ttl`.
pub const BUILTIN_SHAPES: &str = include_str!("../ontology/shapes.ttl");
/// Where [`BUILTIN_SHAPES`] comes from, for messages.
pub const BUILTIN_SHAPES_PATH: &str = "ontology/shapes.ttl";

const SH: &str = "http://www.w3.org/ns/shacl#";

/// The `sh:` terms a node shape may use.
const NODE_SHAPE_TERMS: &[&str] = &["targetClass", "targetSubjectsOf", "property", "name", "description"];
/// The `sh:` terms a property shape may use.
const PROPERTY_SHAPE_TERMS: &[&str] = &["path", "minCount", "maxCount", "class", "datatype", "lessThan", "or", "name", "description"];

/// Which nodes a shape applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `sh:targetClass`: the SHACL instances of the class.
    Class(NamedNode),
    /// `sh:targetSubjectsOf`: every subject of the property.
    SubjectsOf(NamedNode),
}

/// A test on one value node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueTest {
    /// `sh:class`: the value is a SHACL instance of the class.
    Class(NamedNode),
    /// `sh:datatype`: the value is a well-formed literal of the datatype.
    Datatype(NamedNode),
}

/// One constraint of a property shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Constraint {
    MinCount(u64),
    MaxCount(u64),
    /// `sh:class`, `sh:datatype`, or `sh:or` of them: the value passes one of the tests.
    AnyOf { tests: Vec<ValueTest>, component: &'static str },
    /// `sh:lessThan`: every value is less than every value of the other property.
    LessThan(NamedNode),
}

/// A property shape: a path (one IRI) and its constraints.
#[derive(Debug, Clone)]
pub struct PropertyShape {
    pub path: NamedNode,
    pub constraints: Vec<Constraint>,
}

/// A node shape: its targets and property shapes.
#[derive(Debug, Clone)]
pub struct NodeShape {
    pub id: NamedOrBlankNode,
    pub targets: Vec<Target>,
    pub properties: Vec<PropertyShape>,
}

/// A shapes graph, read and checked for unsupported features.
#[derive(Debug, Clone)]
pub struct Shapes {
    pub shapes: Vec<NodeShape>,
}

/// One result of validation: the focus node, the path, the offending value if any, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Violation {
    pub focus: String,
    pub path: String,
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.focus, self.path, self.message)
    }
}

/// The outcome of a validation: every violation, sorted.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub violations: Vec<Violation>,
}

impl Report {
    pub fn conforms(&self) -> bool {
        self.violations.is_empty()
    }
}

fn sh(local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{SH}{local}"))
}

/// The triples of one subject, by predicate.
struct Index {
    by_subject: HashMap<NamedOrBlankNode, Vec<(NamedNode, Term)>>,
}

impl Index {
    fn objects(&self, s: &NamedOrBlankNode, p: &NamedNode) -> Vec<Term> {
        self.by_subject.get(s).into_iter().flatten().filter(|(q, _)| q == p).map(|(_, o)| o.clone()).collect()
    }
    fn sh_terms(&self, s: &NamedOrBlankNode) -> BTreeSet<String> {
        self.by_subject.get(s).into_iter().flatten().filter_map(|(p, _)| p.as_str().strip_prefix(SH).map(str::to_owned)).collect()
    }
}

impl Shapes {
    /// The shapes built into the binary.
    pub fn builtin() -> Result<Self> {
        Self::parse(BUILTIN_SHAPES.as_bytes(), Path::new(BUILTIN_SHAPES_PATH))
    }

    /// Read a shapes file.
    pub fn from_file(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::NotFound { path: path.to_owned() },
            _ => Error::Io { path: path.to_owned(), source: e },
        })?;
        Self::parse(&bytes, path)
    }

    /// Read shapes from Turtle; `path` names them in errors.
    pub fn parse(turtle: &[u8], path: &Path) -> Result<Self> {
        let err = |message: String| Error::Shapes { path: path.to_owned(), message };
        let mut by_subject: HashMap<NamedOrBlankNode, Vec<(NamedNode, Term)>> = HashMap::new();
        for quad in RdfParser::from_format(RdfFormat::Turtle).for_slice(turtle) {
            let t = Triple::from(quad.map_err(|e| err(e.to_string()))?);
            by_subject.entry(t.subject).or_default().push((t.predicate, t.object));
        }
        let index = Index { by_subject };
        let mut ids: Vec<NamedOrBlankNode> = index
            .by_subject
            .iter()
            .filter(|(_, pos)| {
                pos.iter().any(|(p, o)| {
                    (*p == rdf::TYPE && *o == Term::from(sh("NodeShape")))
                        || *p == sh("targetClass")
                        || *p == sh("targetSubjectsOf")
                })
            })
            .map(|(s, _)| s.clone())
            .collect();
        ids.sort_by_key(|s| s.to_string());
        let mut shapes = Vec::new();
        let mut used: HashSet<NamedOrBlankNode> = HashSet::new();
        for id in ids {
            shapes.push(node_shape(&index, &id, &mut used).map_err(|m| err(format!("{id}: {m}")))?);
        }
        // Every subject with sh: terms must have been read as a shape.
        let mut stray: Vec<String> = index
            .by_subject
            .keys()
            .filter(|s| !used.contains(*s) && !index.sh_terms(s).is_empty())
            .map(|s| format!("{s} uses {}", index.sh_terms(s).iter().map(|t| format!("sh:{t}")).collect::<Vec<_>>().join(", ")))
            .collect();
        stray.sort();
        if let Some(first) = stray.first() {
            return Err(err(format!("{first}, outside any node shape this validator reads (it supports sh:NodeShape with sh:property)")));
        }
        Ok(Shapes { shapes })
    }

    /// Validate the default graph of `store`.
    pub fn validate(&self, store: &Store) -> Result<Report> {
        let triples: Vec<Triple> = store
            .quads_for_pattern(None, None, None, Some(GraphNameRef::DefaultGraph))
            .map(|q| q.map(Triple::from))
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| Error::Query { what: "cannot read the graph to validate".into(), message: e.to_string() })?;
        Ok(self.validate_triples(triples.iter().map(Triple::as_ref)))
    }

    /// Validate a graph given as its triples.
    pub fn validate_triples<'a>(&'a self, triples: impl IntoIterator<Item = TripleRef<'a>>) -> Report {
        let (terms, predicates, numbered) = number_triples(triples);
        self.report(&DataGraph::from_numbered(self, terms, &predicates, &numbered))
    }

    /// Validate a graph whose terms are already numbered (as [`crate::export::turtle::SortedTriples`]
    /// keeps them): `terms[s] predicates[p] terms[o]` for each `[s, p, o]`, each distinct term
    /// under one number. Nothing is hashed, and the triples are read where they are.
    pub fn validate_numbered<'a, T: NumberedTriples>(&'a self, terms: Vec<TermRef<'a>>, predicates: &[NamedNodeRef<'a>], triples: &'a T) -> Report {
        self.report(&DataGraph::from_numbered(self, terms, predicates, triples))
    }

    fn report<T: NumberedTriples>(&self, data: &DataGraph<'_, T>) -> Report {
        let mut violations = BTreeSet::new();
        for shape in &self.shapes {
            let focus_nodes = data.focus_nodes(&shape.targets);
            for property in &shape.properties {
                let path = data.property(property.path.as_ref());
                for constraint in &property.constraints {
                    for &focus in &focus_nodes {
                        data.check(focus, property, path, constraint, &mut violations);
                    }
                }
            }
        }
        Report { violations: violations.into_iter().collect() }
    }

    /// The predicates the shapes read: every path, `sh:lessThan` and `sh:targetSubjectsOf`
    /// property, and the two that SHACL instance checks follow.
    fn predicates_read(&self) -> FxHashSet<NamedNodeRef<'_>> {
        let mut out: FxHashSet<NamedNodeRef<'_>> = [rdf::TYPE, rdfs::SUB_CLASS_OF].into_iter().collect();
        for shape in &self.shapes {
            for target in &shape.targets {
                if let Target::SubjectsOf(p) = target {
                    out.insert(p.as_ref());
                }
            }
            for property in &shape.properties {
                out.insert(property.path.as_ref());
                for constraint in &property.constraints {
                    if let Constraint::LessThan(other) = constraint {
                        out.insert(other.as_ref());
                    }
                }
            }
        }
        out
    }
}

/// Triples as `[subject, predicate, object]` numbers, sorted, without repeats: what
/// [`Shapes::validate_numbered`] reads.
pub trait NumberedTriples: Sync {
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The `i`-th triple.
    fn get(&self, i: usize) -> [u32; 3];
}

impl NumberedTriples for Vec<[u32; 3]> {
    fn len(&self) -> usize {
        self.as_slice().len()
    }
    fn get(&self, i: usize) -> [u32; 3] {
        self[i]
    }
}

/// Number the terms and predicates of `triples` (one hash each), and sort the numbered triples.
fn number_triples<'a>(triples: impl IntoIterator<Item = TripleRef<'a>>) -> (Vec<TermRef<'a>>, Vec<NamedNodeRef<'a>>, Vec<[u32; 3]>) {
    let mut terms: Vec<TermRef<'a>> = Vec::new();
    let mut term_ids: FxHashMap<TermRef<'a>, u32> = FxHashMap::default();
    let mut predicates: Vec<NamedNodeRef<'a>> = Vec::new();
    let mut predicate_ids: FxHashMap<NamedNodeRef<'a>, u32> = FxHashMap::default();
    let mut numbered: Vec<[u32; 3]> = Vec::new();
    let mut intern = |term: TermRef<'a>| {
        let next = terms.len() as u32;
        let id = *term_ids.entry(term).or_insert(next);
        if id == next {
            terms.push(term);
        }
        id
    };
    for t in triples {
        let next = predicates.len() as u32;
        let p = *predicate_ids.entry(t.predicate).or_insert(next);
        if p == next {
            predicates.push(t.predicate);
        }
        numbered.push([intern(t.subject.into()), p, intern(t.object)]);
    }
    numbered.sort_unstable();
    numbered.dedup();
    (terms, predicates, numbered)
}

/// Every triple whose predicate has a property number in `property_of`, as (subject, property,
/// object) numbers.
fn read<'t, T: NumberedTriples>(triples: &'t T, property_of: &'t [Option<u8>]) -> impl Iterator<Item = (u32, u8, u32)> + 't {
    (0..triples.len()).filter_map(move |i| {
        let [s, p, o] = triples.get(i);
        Some((s, property_of[p as usize]?, o))
    })
}

/// The data graph, indexed for the checks. Terms are numbered once, then every lookup is on
/// numbers: the triples are sorted by subject, so the values of a focus node are one contiguous
/// run. The triples are read where they are (at 100k articles, copying the 40 million the shapes
/// read took longer than all the checks, and half a gigabyte).
struct DataGraph<'a, T> {
    terms: Vec<TermRef<'a>>,
    /// The number of each class: every object of `rdf:type`, and both ends of `rdfs:subClassOf`.
    class_ids: FxHashMap<NamedNodeRef<'a>, u32>,
    /// The properties the shapes read, numbered by position.
    properties: Vec<NamedNodeRef<'a>>,
    /// The property number of each predicate of the triples, if the shapes read it.
    property_of: Vec<Option<u8>>,
    triples: &'a T,
    /// Where each term's triples (as subject) start in `triples`; one more entry at the end.
    first_of: Vec<u32>,
    /// For each property, its subjects, each once.
    subjects_of: Vec<Vec<u32>>,
    /// For each class the shapes name, that class and its subclasses (`rdfs:subClassOf*`).
    subclasses: FxHashMap<NamedNodeRef<'a>, FxHashSet<u32>>,
    /// For each class the shapes name, its SHACL instances, sorted.
    instances: FxHashMap<NamedNodeRef<'a>, Vec<u32>>,
}

impl<'a, T: NumberedTriples> DataGraph<'a, T> {
    /// The graph of triples given as numbers: `terms[s]`, `predicates[p]`, `terms[o]`, each
    /// distinct term under one number.
    fn from_numbered(shapes: &'a Shapes, terms: Vec<TermRef<'a>>, predicates: &[NamedNodeRef<'a>], triples: &'a T) -> Self {
        let properties: Vec<NamedNodeRef<'a>> = {
            let mut read: Vec<NamedNodeRef<'a>> = shapes.predicates_read().into_iter().collect();
            read.sort_unstable_by_key(|p| p.as_str());
            read
        };
        let property_of: Vec<Option<u8>> = predicates.iter().map(|p| properties.iter().position(|q| q == p).map(|i| i as u8)).collect();
        let mut data = DataGraph {
            terms,
            class_ids: FxHashMap::default(),
            properties,
            property_of: Vec::new(),
            triples,
            first_of: Vec::new(),
            subjects_of: Vec::new(),
            subclasses: FxHashMap::default(),
            instances: FxHashMap::default(),
        };
        data.first_of = vec![0; data.terms.len() + 1];
        for i in 0..triples.len() {
            data.first_of[triples.get(i)[0] as usize + 1] += 1;
        }
        for i in 1..data.first_of.len() {
            data.first_of[i] += data.first_of[i - 1];
        }
        data.subjects_of = vec![Vec::new(); data.properties.len()];
        let mut before = None;
        for (s, p, _) in read(triples, &property_of) {
            if before != Some((s, p)) {
                data.subjects_of[p as usize].push(s);
                before = Some((s, p));
            }
        }
        // Direct subclasses of each class, then the closure for each class a shape names.
        let mut direct: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
        let (typed, sub_class_of) = (data.property(rdf::TYPE), data.property(rdfs::SUB_CLASS_OF));
        for (s, p, o) in read(triples, &property_of) {
            let class_ends: &[u32] = if Some(p) == sub_class_of {
                direct.entry(o).or_default().push(s);
                &[s, o]
            } else if Some(p) == typed {
                &[o]
            } else {
                continue;
            };
            for &c in class_ends {
                if let TermRef::NamedNode(n) = data.terms[c as usize] {
                    data.class_ids.insert(n, c);
                }
            }
        }
        let named = shapes.shapes.iter().flat_map(|s| {
            let targets = s.targets.iter().filter_map(|t| match t {
                Target::Class(c) => Some(c),
                Target::SubjectsOf(_) => None,
            });
            let tests = s.properties.iter().flat_map(|p| &p.constraints).flat_map(|c| match c {
                Constraint::AnyOf { tests, .. } => tests.as_slice(),
                _ => &[],
            });
            targets.chain(tests.filter_map(|t| match t {
                ValueTest::Class(c) => Some(c),
                ValueTest::Datatype(_) => None,
            }))
        });
        for class in named {
            let class = class.as_ref();
            if data.subclasses.contains_key(&class) {
                continue;
            }
            let mut closure = FxHashSet::default();
            if let Some(&id) = data.class_ids.get(&class) {
                closure.insert(id);
                let mut todo = vec![id];
                while let Some(c) = todo.pop() {
                    for &sub in direct.get(&c).into_iter().flatten() {
                        if closure.insert(sub) {
                            todo.push(sub);
                        }
                    }
                }
            }
            data.subclasses.insert(class, closure);
        }
        data.property_of = property_of;
        // Every class's instances in one pass over the triples, not one pass per class.
        let typed = data.property(rdf::TYPE);
        let classes: Vec<(NamedNodeRef<'a>, &FxHashSet<u32>)> = data.subclasses.iter().map(|(&class, closure)| (class, closure)).collect();
        let mut members: Vec<Vec<u32>> = vec![Vec::new(); classes.len()];
        for (s, p, o) in read(data.triples, &data.property_of) {
            if Some(p) == typed && matches!(data.terms[s as usize], TermRef::NamedNode(_) | TermRef::BlankNode(_)) {
                for (k, (_, closure)) in classes.iter().enumerate() {
                    // Triples come by subject: a repeat is the one just added.
                    if closure.contains(&o) && members[k].last() != Some(&s) {
                        members[k].push(s);
                    }
                }
            }
        }
        let instances = classes.into_iter().map(|(class, _)| class).zip(members).collect();
        data.instances = instances;
        data
    }

    fn property(&self, p: NamedNodeRef<'_>) -> Option<u8> {
        self.properties.iter().position(|q| q.as_str() == p.as_str()).map(|i| i as u8)
    }

    /// The values of `focus` for property number `p` (from [`DataGraph::property`]).
    fn objects(&self, focus: u32, p: Option<u8>) -> impl Iterator<Item = u32> + '_ {
        let of_focus = self.first_of[focus as usize] as usize..self.first_of[focus as usize + 1] as usize;
        of_focus.map(|i| self.triples.get(i)).filter(move |&[_, q, _]| p.is_some() && self.property_of[q as usize] == p).map(|[_, _, o]| o)
    }

    /// Whether `node` is a SHACL instance of `class`: typed with it or one of its subclasses.
    fn is_instance(&self, node: u32, class: &NamedNode) -> bool {
        self.instances.get(&class.as_ref()).is_some_and(|members| members.binary_search(&node).is_ok())
    }

    /// Every target of a shape, once each.
    fn focus_nodes(&self, targets: &[Target]) -> Vec<u32> {
        let mut out = Vec::new();
        for target in targets {
            let nodes: &[u32] = match target {
                Target::Class(c) => self.instances.get(&c.as_ref()).map(Vec::as_slice).unwrap_or_default(),
                Target::SubjectsOf(p) => self.property(p.as_ref()).map(|p| self.subjects_of[p as usize].as_slice()).unwrap_or_default(),
            };
            out.extend_from_slice(nodes);
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Whether `value` passes one value test.
    fn passes(&self, value: u32, test: &ValueTest) -> bool {
        match (test, self.terms[value as usize]) {
            (ValueTest::Class(c), _) => self.is_instance(value, c),
            (ValueTest::Datatype(d), TermRef::Literal(l)) => l.datatype() == d.as_ref() && well_formed(l),
            (ValueTest::Datatype(_), _) => false,
        }
    }

    /// Check one constraint of a property shape on one focus node; `path` is the number of the
    /// property shape's path, looked up once per shape rather than per focus node.
    fn check(&self, focus: u32, property: &PropertyShape, path: Option<u8>, constraint: &Constraint, out: &mut BTreeSet<Violation>) {
        // Read in place, not collected: this runs for every focus node and constraint.
        let values = || self.objects(focus, path);
        let mut violation = |message: String| {
            out.insert(Violation { focus: show(self.terms[focus as usize]), path: query::shorten(property.path.as_str()), message });
        };
        match constraint {
            Constraint::MinCount(n) => {
                let count = values().count();
                if (count as u64) < *n {
                    violation(format!("{count} value{}, at least {n} required (sh:minCount {n})", if count == 1 { "" } else { "s" }))
                }
            }
            Constraint::MaxCount(n) => {
                let count = values().count();
                if count as u64 > *n {
                    violation(format!("{count} values, at most {n} allowed (sh:maxCount {n})"))
                }
            }
            Constraint::AnyOf { tests, component } => {
                for value in values() {
                    if tests.iter().any(|test| self.passes(value, test)) {
                        continue;
                    }
                    let wanted: Vec<String> = tests.iter().map(show_test).collect();
                    let kind = match tests.as_slice() {
                        [ValueTest::Class(_)] => "an instance of",
                        [ValueTest::Datatype(_)] => "a well-formed literal of",
                        _ => "one of",
                    };
                    violation(format!("value {} is not {kind} {} ({component})", show(self.terms[value as usize]), wanted.join(", ")));
                }
            }
            Constraint::LessThan(other) => {
                for value in values() {
                    for o in self.objects(focus, self.property(other.as_ref())) {
                        let (value, o) = (self.terms[value as usize], self.terms[o as usize]);
                        if !less_than(value, o) {
                            violation(format!("value {} is not less than {} {} (sh:lessThan)", show(value), query::shorten(other.as_str()), show(o)));
                        }
                    }
                }
            }
        }
    }
}

/// SPARQL's `a < b` where it is defined (numbers, strings, booleans, dates); false where it
/// is an error, as `sh:lessThan` counts an incomparable pair as a violation.
fn less_than<'a>(a: TermRef<'a>, b: TermRef<'a>) -> bool {
    use oxsdatatypes::*;
    let (TermRef::Literal(a), TermRef::Literal(b)) = (a, b) else { return false };
    if !well_formed(a) || !well_formed(b) {
        return false;
    }
    let kind = |l: LiteralRef<'a>| l.datatype().as_str().strip_prefix("http://www.w3.org/2001/XMLSchema#");
    let (ka, kb) = (kind(a), kind(b));
    let numeric = |k: &Option<&str>| matches!(k, Some("integer" | "decimal" | "double" | "float" | "int" | "long" | "short" | "byte" | "nonNegativeInteger" | "positiveInteger" | "negativeInteger" | "nonPositiveInteger" | "unsignedInt" | "unsignedLong" | "unsignedShort" | "unsignedByte"));
    if numeric(&ka) && numeric(&kb) {
        return match (Decimal::from_str(a.value()), Decimal::from_str(b.value())) {
            (Ok(x), Ok(y)) => x < y,
            _ => matches!((Double::from_str(a.value()), Double::from_str(b.value())), (Ok(x), Ok(y)) if x < y),
        };
    }
    if ka != kb || a.language().is_some() || b.language().is_some() {
        return false;
    }
    match ka {
        Some("string") => a.value() < b.value(),
        Some("boolean") => matches!((Boolean::from_str(a.value()), Boolean::from_str(b.value())), (Ok(x), Ok(y)) if !bool::from(x) & bool::from(y)),
        Some("date") => matches!((Date::from_str(a.value()), Date::from_str(b.value())), (Ok(x), Ok(y)) if x < y),
        Some("dateTime") => matches!((DateTime::from_str(a.value()), DateTime::from_str(b.value())), (Ok(x), Ok(y)) if x < y),
        _ => false,
    }
}

fn unsupported(terms: BTreeSet<String>, allowed: &[&str], what: &str) -> std::result::Result<(), String> {
    let bad: Vec<String> = terms.into_iter().filter(|t| !allowed.contains(&t.as_str())).map(|t| format!("sh:{t}")).collect();
    if bad.is_empty() {
        Ok(())
    } else {
        Err(format!("{what} uses {}, which this validator does not implement (it supports sh:{})", bad.join(", "), allowed.join(", sh:")))
    }
}

fn as_node(term: &Term) -> Option<NamedOrBlankNode> {
    match term {
        Term::NamedNode(n) => Some(n.clone().into()),
        Term::BlankNode(b) => Some(b.clone().into()),
        _ => None,
    }
}

fn one_iri(index: &Index, s: &NamedOrBlankNode, local: &str) -> std::result::Result<Option<NamedNode>, String> {
    let values = index.objects(s, &sh(local));
    match values.as_slice() {
        [] => Ok(None),
        [Term::NamedNode(n)] => Ok(Some(n.clone())),
        [other] => Err(format!("sh:{local} {other} is not an IRI")),
        _ => Err(format!("more than one sh:{local}")),
    }
}

fn node_shape(index: &Index, id: &NamedOrBlankNode, used: &mut HashSet<NamedOrBlankNode>) -> std::result::Result<NodeShape, String> {
    used.insert(id.clone());
    unsupported(index.sh_terms(id), NODE_SHAPE_TERMS, "the node shape")?;
    let mut targets = Vec::new();
    for (local, make) in [("targetClass", Target::Class as fn(NamedNode) -> Target), ("targetSubjectsOf", Target::SubjectsOf)] {
        for o in index.objects(id, &sh(local)) {
            let Term::NamedNode(n) = o else { return Err(format!("sh:{local} {o} is not an IRI")) };
            targets.push(make(n));
        }
    }
    let mut properties = Vec::new();
    for o in index.objects(id, &sh("property")) {
        let node = as_node(&o).ok_or_else(|| format!("sh:property {o} is not a shape"))?;
        used.insert(node.clone());
        properties.push(property_shape(index, &node, used).map_err(|m| format!("property shape {node}: {m}"))?);
    }
    Ok(NodeShape { id: id.clone(), targets, properties })
}

fn count(index: &Index, s: &NamedOrBlankNode, local: &str) -> std::result::Result<Option<u64>, String> {
    let values = index.objects(s, &sh(local));
    match values.as_slice() {
        [] => Ok(None),
        [Term::Literal(l)] if l.datatype() == xsd::INTEGER => l.value().parse().map(Some).map_err(|_| format!("sh:{local} {l} is not a non-negative integer")),
        [other] => Err(format!("sh:{local} {other} is not an xsd:integer")),
        _ => Err(format!("more than one sh:{local}")),
    }
}

fn value_test(index: &Index, s: &NamedOrBlankNode) -> std::result::Result<Option<ValueTest>, String> {
    match (one_iri(index, s, "class")?, one_iri(index, s, "datatype")?) {
        (None, None) => Ok(None),
        (Some(c), None) => Ok(Some(ValueTest::Class(c))),
        (None, Some(d)) => Ok(Some(ValueTest::Datatype(d))),
        (Some(_), Some(_)) => Err("both sh:class and sh:datatype".into()),
    }
}

fn property_shape(index: &Index, id: &NamedOrBlankNode, used: &mut HashSet<NamedOrBlankNode>) -> std::result::Result<PropertyShape, String> {
    unsupported(index.sh_terms(id), PROPERTY_SHAPE_TERMS, "it")?;
    let path = one_iri(index, id, "path")?.ok_or("sh:path is missing or is not a single IRI (property paths are not supported)")?;
    let mut constraints = Vec::new();
    if let Some(n) = count(index, id, "minCount")? {
        constraints.push(Constraint::MinCount(n));
    }
    if let Some(n) = count(index, id, "maxCount")? {
        constraints.push(Constraint::MaxCount(n));
    }
    match value_test(index, id)? {
        Some(t @ ValueTest::Class(_)) => constraints.push(Constraint::AnyOf { tests: vec![t], component: "sh:class" }),
        Some(t @ ValueTest::Datatype(_)) => constraints.push(Constraint::AnyOf { tests: vec![t], component: "sh:datatype" }),
        None => {}
    }
    if let Some(other) = one_iri(index, id, "lessThan")? {
        constraints.push(Constraint::LessThan(other));
    }
    for list in index.objects(id, &sh("or")) {
        let mut tests = Vec::new();
        for member in rdf_list(index, &list)? {
            let node = as_node(&member).ok_or_else(|| format!("sh:or member {member} is not a shape"))?;
            used.insert(node.clone());
            unsupported(index.sh_terms(&node), &["class", "datatype"], &format!("sh:or member {node}"))?;
            tests.push(value_test(index, &node)?.ok_or_else(|| format!("sh:or member {node} has no sh:class or sh:datatype"))?);
        }
        constraints.push(Constraint::AnyOf { tests, component: "sh:or" });
    }
    Ok(PropertyShape { path, constraints })
}

fn rdf_list(index: &Index, head: &Term) -> std::result::Result<Vec<Term>, String> {
    let mut out = Vec::new();
    let mut node = head.clone();
    while node != Term::from(rdf::NIL) {
        let n = as_node(&node).ok_or_else(|| format!("{node} is not an RDF list"))?;
        let first = index.objects(&n, &rdf::FIRST.into_owned());
        let rest = index.objects(&n, &rdf::REST.into_owned());
        let ([first], [rest]) = (first.as_slice(), rest.as_slice()) else { return Err(format!("{node} is not a well-formed RDF list")) };
        out.push(first.clone());
        node = rest.clone();
        if out.len() > 10_000 {
            return Err("RDF list too long or cyclic".into());
        }
    }
    Ok(out)
}

/// Whether the lexical form of a literal typed `datatype` is in that datatype's lexical space,
/// for the XSD datatypes oxigraph knows; other datatypes are taken as they are.
pub fn well_formed(literal: LiteralRef<'_>) -> bool {
    use oxsdatatypes::*;
    let v = literal.value();
    match literal.datatype().as_str().strip_prefix("http://www.w3.org/2001/XMLSchema#") {
        Some("integer") => {
            let digits = v.strip_prefix(['+', '-']).unwrap_or(v);
            !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
        }
        Some("decimal") => Decimal::from_str(v).is_ok(),
        Some("boolean") => Boolean::from_str(v).is_ok(),
        Some("double") => Double::from_str(v).is_ok(),
        Some("float") => Float::from_str(v).is_ok(),
        Some("date") => Date::from_str(v).is_ok(),
        Some("dateTime") => DateTime::from_str(v).is_ok(),
        Some("gYearMonth") => GYearMonth::from_str(v).is_ok(),
        Some("gYear") => GYear::from_str(v).is_ok(),
        _ => true,
    }
}

/// A term for a message: prefixed IRI, Turtle-like literal.
pub fn show(term: TermRef<'_>) -> String {
    match term {
        TermRef::NamedNode(n) => query::shorten(n.as_str()),
        TermRef::Literal(l) if l.datatype() == xsd::STRING => format!("{:?}", l.value()),
        TermRef::Literal(l) if l.datatype() == xsd::INTEGER && well_formed(l) => l.value().to_owned(),
        TermRef::Literal(l) if l.language().is_some() => format!("{:?}@{}", l.value(), l.language().unwrap_or_default()),
        TermRef::Literal(l) => format!("{:?}^^{}", l.value(), query::shorten(l.datatype().as_str())),
        other => other.to_string(),
    }
}

fn show_test(test: &ValueTest) -> String {
    match test {
        ValueTest::Class(c) | ValueTest::Datatype(c) => query::shorten(c.as_str()),
    }
}

/// Validate graph files (by their extension, as for `attache query`) against `shapes`.
pub fn validate_files(paths: &[PathBuf], shapes: &Shapes) -> Result<Report> {
    shapes.validate(&query::load_graphs(paths)?)
}

/// Validate Turtle bytes against the built-in shapes; `what` names them in errors.
pub fn validate_turtle(turtle: &[u8], what: &Path) -> Result<Report> {
    let store = query::new_store()?;
    query::load_into(&store, RdfFormat::Turtle, turtle, what)?;
    Shapes::builtin()?.validate(&store)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PREFIXES: &str = "@prefix att: <https://w3id.org/attache/ontology#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix p: <https://w3id.org/attache/id/person/> .
        @prefix v: <https://w3id.org/attache/id/visit/> .\n";

    fn report(data: &str) -> Report {
        validate_turtle(format!("{PREFIXES}{data}").as_bytes(), Path::new("test.ttl")).unwrap()
    }

    fn messages(data: &str) -> Vec<String> {
        report(data).violations.iter().map(|v| v.to_string()).collect()
    }

    #[test]
    fn builtin_shapes_are_read_whole() {
        let shapes = Shapes::builtin().unwrap();
        assert!(shapes.shapes.len() >= 15, "{}", shapes.shapes.len());
        assert!(shapes.shapes.iter().all(|s| !s.targets.is_empty() && !s.properties.is_empty()));
    }

    #[test]
    fn a_conforming_visit_passes() {
        let r = report("v:a a att:Visit ; rdfs:label \"a\" ; att:visitor p:x ; att:date \"2023-02-21\"^^xsd:date .
            p:x a att:Person ; rdfs:label \"X\" .");
        assert!(r.conforms(), "{:?}", r.violations);
    }

    #[test]
    fn visit_without_visitor_and_person_with_two_labels_fail() {
        let m = messages("v:a a att:Visit . p:x a att:Person ; rdfs:label \"X\" , \"Y\" .");
        assert_eq!(m, vec![
            "person:x rdfs:label: 2 values, at most 1 allowed (sh:maxCount 1)".to_owned(),
            "visit:a att:visitor: 0 values, at least 1 required (sh:minCount 1)".to_owned(),
        ]);
    }

    #[test]
    fn wrong_class_and_union_ranges_are_named() {
        let m = messages("v:a a att:Visit ; att:visitor p:x ; att:site p:x . p:x a att:Unit ; rdfs:label \"X\" .");
        assert!(m.contains(&"visit:a att:visitor: value person:x is not an instance of att:Person (sh:class)".to_owned()), "{m:?}");
        assert!(m.contains(&"visit:a att:site: value person:x is not one of att:Base, att:City (sh:or)".to_owned()), "{m:?}");
    }

    #[test]
    fn dates_must_be_typed_by_precision_and_well_formed() {
        let m = messages("v:a att:date \"2023-02\"^^xsd:gYearMonth , \"2023\" , \"2023-13\"^^xsd:gYearMonth .");
        assert_eq!(m, vec![
            "visit:a att:date: value \"2023\" is not one of xsd:date, xsd:gYearMonth, xsd:gYear (sh:or)".to_owned(),
            "visit:a att:date: value \"2023-13\"^^xsd:gYearMonth is not one of xsd:date, xsd:gYearMonth, xsd:gYear (sh:or)".to_owned(),
        ]);
    }

    #[test]
    fn mention_offsets_must_increase() {
        let m = messages("<https://w3id.org/attache/id/mention/m> a att:Mention ; att:start 9 ; att:end 3 ; att:anchorOf \"x\" ;
            att:inDocument <https://w3id.org/attache/id/document/d> ; att:denotes p:x .
            <https://w3id.org/attache/id/document/d> a att:Document .");
        assert_eq!(m, vec!["mention:m att:start: value 9 is not less than att:end 3 (sh:lessThan)".to_owned()]);
    }

    #[test]
    fn subclass_instances_are_targets_and_class_members() {
        let m = messages("att:Commander rdfs:subClassOf att:Person . p:x a att:Commander .");
        assert_eq!(m, vec!["person:x rdfs:label: 0 values, at least 1 required (sh:minCount 1)".to_owned()]);
    }

    #[test]
    fn unsupported_shacl_is_refused_not_ignored() {
        let shapes = format!("{PREFIXES} <http://example.org/s> a sh:NodeShape ; sh:targetClass att:Visit ; sh:property [ sh:path att:date ; sh:pattern \"^2\" ] .");
        let err = Shapes::parse(shapes.as_bytes(), Path::new("s.ttl")).unwrap_err().to_string();
        assert!(err.contains("sh:pattern"), "{err}");
        let shapes = format!("{PREFIXES} <http://example.org/s> a sh:NodeShape ; sh:targetNode p:x ; sh:property [ sh:path att:date ; sh:maxCount 1 ] .");
        let err = Shapes::parse(shapes.as_bytes(), Path::new("s.ttl")).unwrap_err().to_string();
        assert!(err.contains("sh:targetNode"), "{err}");
    }

    #[test]
    fn build_refusal_lists_every_violation() {
        let r = report("v:a a att:Visit . p:x a att:Person ; rdfs:label \"X\" , \"Y\" .");
        let err = Error::NotConforming { shapes: BUILTIN_SHAPES_PATH.into(), violations: r.violations.iter().map(|v| v.to_string()).collect() };
        assert_eq!(
            err.to_string(),
            "the graph does not conform to ontology/shapes.ttl (2 violations), nothing written:\n\
             person:x rdfs:label: 2 values, at most 1 allowed (sh:maxCount 1)\n\
             visit:a att:visitor: 0 values, at least 1 required (sh:minCount 1)"
        );
    }

    #[test]
    fn numbered_triples_give_the_same_report_as_triples() {
        // Number the terms as SortedTriples does (by N-Triples text, predicates by IRI) and
        // check that the numbered path finds the same violations as the hashing one.
        let data = format!("{PREFIXES}v:a a att:Visit ; att:visitor p:x ; att:site p:x ; att:date \"2023\" .
            p:x a att:Unit ; rdfs:label \"X\" , \"Y\" .
            <https://w3id.org/attache/id/mention/m> a att:Mention ; att:start 9 ; att:end 3 ; att:anchorOf \"x\" ;
            att:inDocument <https://w3id.org/attache/id/document/d> ; att:denotes p:x .");
        let triples: Vec<Triple> = RdfParser::from_format(RdfFormat::Turtle).for_slice(data.as_bytes()).map(|q| Triple::from(q.unwrap())).collect();
        let mut terms: Vec<Term> = triples.iter().flat_map(|t| [Term::from(t.subject.clone()), t.object.clone()]).collect();
        terms.sort_by_key(|t| t.to_string());
        terms.dedup();
        let mut predicates: Vec<NamedNode> = triples.iter().map(|t| t.predicate.clone()).collect();
        predicates.sort();
        predicates.dedup();
        let mut numbered: Vec<[u32; 3]> = triples
            .iter()
            .map(|t| {
                let term = |x: &Term| terms.iter().position(|y| y == x).unwrap() as u32;
                [term(&t.subject.clone().into()), predicates.iter().position(|p| *p == t.predicate).unwrap() as u32, term(&t.object)]
            })
            .collect();
        numbered.sort();
        let shapes = Shapes::builtin().unwrap();
        let predicate_refs: Vec<NamedNodeRef<'_>> = predicates.iter().map(NamedNode::as_ref).collect();
        let by_numbers = shapes.validate_numbered(terms.iter().map(Term::as_ref).collect(), &predicate_refs, &numbered);
        let by_triples = shapes.validate_triples(triples.iter().map(Triple::as_ref));
        assert!(by_numbers.violations.len() >= 5, "{:?}", by_numbers.violations);
        assert_eq!(by_numbers.violations, by_triples.violations);
    }

    #[test]
    fn lexical_forms_are_checked() {
        let lit = |v: &'static str, d| LiteralRef::new_typed_literal(v, d);
        assert!(well_formed(lit("2023-02-21", xsd::DATE)));
        assert!(!well_formed(lit("2023-02-30", xsd::DATE)));
        assert!(well_formed(lit("2022-09", xsd::G_YEAR_MONTH)));
        assert!(!well_formed(lit("2022-9", xsd::G_YEAR_MONTH)));
        assert!(well_formed(lit("-12", xsd::INTEGER)));
        assert!(!well_formed(lit("twelve", xsd::INTEGER)));
    }
}
