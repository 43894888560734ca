//! Every IRI the graph uses, in one place.
//!
//! The terms of the `att:` namespace are the contract of
//! [`shared/spec/vocabulary.md`](../../shared/spec/vocabulary.md); the test at the end of this
//! module checks each of them against the hand-authored ontology `ontology/attache.ttl`, so the
//! code can never emit a term the ontology does not declare.

use oxigraph::model::NamedNodeRef;

/// The ontology namespace, prefix `att:`.
pub const ATT: &str = "https://w3id.org/attache/ontology#";
/// The base of every minted instance IRI.
pub const ID: &str = "https://w3id.org/attache/id/";

macro_rules! terms {
    ($ns:literal; $($name:ident = $local:literal),* $(,)?) => {
        $(pub const $name: NamedNodeRef<'static> = NamedNodeRef::new_unchecked(concat!($ns, $local));)*
        /// Every term of this namespace that the code uses.
        pub const ALL: &[NamedNodeRef<'static>] = &[$($name),*];
    };
}

/// Terms of the Attaché ontology (`att:`).
pub mod att {
    use super::NamedNodeRef;
    terms!("https://w3id.org/attache/ontology#";
        PERSON = "Person", UNIT = "Unit", BASE = "Base", AGREEMENT = "Agreement", VISIT = "Visit",
        COUNTRY = "Country", CITY = "City", DOCUMENT = "Document", MENTION = "Mention",
        EVIDENCE = "Evidence",
        RANK = "rank", ROLE = "role", MEMBER_OF = "memberOf", COMMANDS = "commands",
        PART_OF = "partOf", COUNTRY_OF = "country", OPERATED_BY = "operatedBy",
        LOCATED_IN = "locatedIn", VISITOR = "visitor", DELEGATION_MEMBER = "delegationMember",
        DESTINATION = "destination", HOST = "host", SITE = "site", DATE = "date", PARTY = "party",
        SIGNATORY = "signatory", SIGNED_AT = "signedAt", TOPIC = "topic",
        IN_DOCUMENT = "inDocument", START = "start", END = "end", ANCHOR_OF = "anchorOf",
        DENOTES = "denotes", RULE = "rule", SENTENCE = "sentence", FROM_MENTION = "fromMention",
        MERGE_REASON = "mergeReason",
    );
}

/// Standard W3C and DCMI terms.
pub mod std_terms {
    use oxigraph::model::NamedNodeRef;
    pub use oxigraph::model::vocab::{rdf, rdfs, xsd};
    pub const SKOS_ALT_LABEL: NamedNodeRef<'static> =
        NamedNodeRef::new_unchecked("http://www.w3.org/2004/02/skos/core#altLabel");
    pub const PROV_WAS_DERIVED_FROM: NamedNodeRef<'static> =
        NamedNodeRef::new_unchecked("http://www.w3.org/ns/prov#wasDerivedFrom");
    pub const DCTERMS_IDENTIFIER: NamedNodeRef<'static> =
        NamedNodeRef::new_unchecked("http://purl.org/dc/terms/identifier");
    pub const DCTERMS_DATE: NamedNodeRef<'static> =
        NamedNodeRef::new_unchecked("http://purl.org/dc/terms/date");
    pub const XSD_G_YEAR_MONTH: NamedNodeRef<'static> = xsd::G_YEAR_MONTH;
    pub const XSD_G_YEAR: NamedNodeRef<'static> = xsd::G_YEAR;
}

/// Prefixes written at the top of the Turtle output, in this order.
pub const PREFIXES: &[(&str, &str)] = &[
    ("att", ATT),
    ("id", ID),
    ("person", "https://w3id.org/attache/id/person/"),
    ("unit", "https://w3id.org/attache/id/unit/"),
    ("base", "https://w3id.org/attache/id/base/"),
    ("agreement", "https://w3id.org/attache/id/agreement/"),
    ("visit", "https://w3id.org/attache/id/visit/"),
    ("country", "https://w3id.org/attache/id/country/"),
    ("city", "https://w3id.org/attache/id/city/"),
    ("doc", "https://w3id.org/attache/id/document/"),
    ("mention", "https://w3id.org/attache/id/mention/"),
    ("evidence", "https://w3id.org/attache/id/evidence/"),
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
    ("skos", "http://www.w3.org/2004/02/skos/core#"),
    ("prov", "http://www.w3.org/ns/prov#"),
    ("dcterms", "http://purl.org/dc/terms/"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::io::{RdfFormat, RdfParser};
    use oxigraph::model::{vocab::rdf, NamedOrBlankNode, Term};
    use std::collections::HashSet;

    /// Fails when the code uses an `att:` term that `ontology/attache.ttl` does not declare
    /// as a class or property with a label and a comment.
    #[test]
    fn every_att_term_is_declared_in_the_ontology() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/ontology/attache.ttl");
        let file = std::fs::File::open(path).expect("ontology/attache.ttl is readable");
        let mut typed = HashSet::new();
        let mut labelled = HashSet::new();
        let mut commented = HashSet::new();
        for quad in RdfParser::from_format(RdfFormat::Turtle).for_reader(file) {
            let quad = quad.expect("ontology/attache.ttl is valid Turtle");
            let NamedOrBlankNode::NamedNode(s) = quad.subject else { continue };
            let p = quad.predicate.as_str();
            if quad.predicate.as_ref() == rdf::TYPE {
                if let Term::NamedNode(o) = &quad.object {
                    let o = o.as_str();
                    if o.starts_with("http://www.w3.org/2002/07/owl#")
                        || o == "http://www.w3.org/2000/01/rdf-schema#Class"
                        || o == "http://www.w3.org/1999/02/22-rdf-syntax-ns#Property"
                    {
                        typed.insert(s.as_str().to_owned());
                    }
                }
            } else if p == "http://www.w3.org/2000/01/rdf-schema#label" {
                labelled.insert(s.as_str().to_owned());
            } else if p == "http://www.w3.org/2000/01/rdf-schema#comment" {
                commented.insert(s.as_str().to_owned());
            }
        }
        for term in att::ALL {
            let iri = term.as_str();
            assert!(iri.starts_with(ATT));
            assert!(typed.contains(iri), "{iri} is used by the code but not declared in the ontology");
            assert!(labelled.contains(iri), "{iri} has no rdfs:label in the ontology");
            assert!(commented.contains(iri), "{iri} has no rdfs:comment in the ontology");
        }
    }
}
