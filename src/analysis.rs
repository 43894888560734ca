//! The per-document model that the extraction stages fill in: local entities, their mentions,
//! and the facts stated about them, each with its evidence.
//!
//! "Local" means within one document; [`crate::resolve`] later merges local entities across
//! documents into the nodes of the graph.

use chrono::NaiveDate;

use crate::dates::PartialDate;
use crate::lexicon::CountryId;

/// Index of an entity in [`DocAnalysis::entities`].
pub type LocalId = usize;

/// The classes of entity node (`att:Person` …); see vocabulary.md § Classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    Person,
    Unit,
    Base,
    Agreement,
    Visit,
    Country,
    City,
}

impl Class {
    pub const ALL: [Class; 7] =
        [Class::Person, Class::Unit, Class::Base, Class::Agreement, Class::Visit, Class::Country, Class::City];

    /// The path segment of minted IRIs: `…/id/person/…`.
    pub fn slug(self) -> &'static str {
        match self {
            Class::Person => "person",
            Class::Unit => "unit",
            Class::Base => "base",
            Class::Agreement => "agreement",
            Class::Visit => "visit",
            Class::Country => "country",
            Class::City => "city",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Class::Person => "Person",
            Class::Unit => "Unit",
            Class::Base => "Base",
            Class::Agreement => "Agreement",
            Class::Visit => "Visit",
            Class::Country => "Country",
            Class::City => "City",
        }
    }
}

/// The relations and attributes of vocabulary.md § Properties.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Pred {
    Rank,
    Role,
    MemberOf,
    Commands,
    PartOf,
    Country,
    OperatedBy,
    LocatedIn,
    Visitor,
    DelegationMember,
    Destination,
    Host,
    Site,
    Date,
    Party,
    Signatory,
    SignedAt,
    Topic,
}

impl Pred {
    pub fn name(self) -> &'static str {
        match self {
            Pred::Rank => "rank",
            Pred::Role => "role",
            Pred::MemberOf => "memberOf",
            Pred::Commands => "commands",
            Pred::PartOf => "partOf",
            Pred::Country => "country",
            Pred::OperatedBy => "operatedBy",
            Pred::LocatedIn => "locatedIn",
            Pred::Visitor => "visitor",
            Pred::DelegationMember => "delegationMember",
            Pred::Destination => "destination",
            Pred::Host => "host",
            Pred::Site => "site",
            Pred::Date => "date",
            Pred::Party => "party",
            Pred::Signatory => "signatory",
            Pred::SignedAt => "signedAt",
            Pred::Topic => "topic",
        }
    }
}

/// The object of a fact: another entity or a literal.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Object {
    Entity(LocalId),
    Text(String),
    Date(PartialDate),
}

/// One statement a document makes, with the sentence and the rule it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub subject: LocalId,
    pub pred: Pred,
    pub object: Object,
    /// Index into [`DocAnalysis::sentences`].
    pub sentence: usize,
    /// The name of the extraction rule, e.g. `apposition-role-of-unit`.
    pub rule: &'static str,
}

/// One span of text that names an entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// Byte offsets into the document text.
    pub start: usize,
    pub end: usize,
    pub entity: LocalId,
    pub sentence: usize,
    /// The exact text between `start` and `end`.
    pub text: String,
}

/// What identifies an entity beyond its class, for resolution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identity {
    /// The words of the fullest form of the name.
    Person { words: Vec<String> },
    /// An organisation: its name without country words and honorifics, and the unit it belongs to.
    Unit { core: String, parent: Option<LocalId> },
    /// An installation: its name's core, and the unit whose name it carries.
    Base { core: String, operator: Option<LocalId> },
    /// An agreement: its kind (index into the agreement lexicon) and its name, if it has one.
    Agreement { kind: usize, named: Option<String>, core: String },
    Country(CountryId),
    /// A city: the lexicon's country for it, when the lexicon knows it.
    City { name: String, country: Option<CountryId> },
    Visit,
}

#[derive(Debug, Clone)]
pub struct LocalEntity {
    pub class: Class,
    pub identity: Identity,
    /// Every surface form, in order of first appearance.
    pub names: Vec<String>,
    /// Why this entity was recognised, for `attache explain`.
    pub rule: &'static str,
}

/// A sentence of the document, kept as evidence.
#[derive(Debug, Clone)]
pub struct SentenceText {
    pub start: usize,
    pub end: usize,
    /// Empty unless some fact quotes the sentence (or the extractor was asked for mentions'
    /// sentences too: [`crate::Extractor::with_mention_sentences`]).
    pub text: String,
}

/// Everything extracted from one document.
#[derive(Debug, Clone)]
pub struct DocAnalysis {
    pub name: String,
    pub date: Option<NaiveDate>,
    pub entities: Vec<LocalEntity>,
    pub mentions: Vec<Mention>,
    pub facts: Vec<Fact>,
    pub sentences: Vec<SentenceText>,
    /// Byte offset → code point offset, for the mentions' `att:start`/`att:end`; filled in
    /// when the text is dropped.
    pub char_offsets: Vec<(usize, usize)>,
}

impl DocAnalysis {
    pub fn add_fact(&mut self, subject: LocalId, pred: Pred, object: Object, sentence: usize, rule: &'static str) {
        if let Object::Entity(o) = object {
            if o == subject {
                return;
            }
        }
        let fact = Fact { subject, pred, object, sentence, rule };
        if !self.facts.iter().any(|f| f.subject == fact.subject && f.pred == fact.pred && f.object == fact.object) {
            self.facts.push(fact);
        }
    }

    pub fn objects(&self, subject: LocalId, pred: Pred) -> impl Iterator<Item = &Object> + '_ {
        self.facts.iter().filter(move |f| f.subject == subject && f.pred == pred).map(|f| &f.object)
    }

    pub fn entity_objects(&self, subject: LocalId, pred: Pred) -> Vec<LocalId> {
        self.objects(subject, pred)
            .filter_map(|o| if let Object::Entity(e) = o { Some(*e) } else { None })
            .collect()
    }

    /// The country an entity is stated to belong to, when exactly one is.
    pub fn country_of(&self, entity: LocalId) -> Option<LocalId> {
        let found = self.entity_objects(entity, Pred::Country);
        (found.len() == 1).then(|| found[0])
    }
}
