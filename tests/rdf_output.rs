//! graph.ttl and graph.dot built from the seeds: valid, faithful to the text, and within the
//! vocabulary of ontology/attache.ttl.

mod common;

use std::collections::BTreeSet;

use oxigraph::model::{NamedOrBlankNode, Term};

use common::*;

fn seeds_graph() -> (tempfile::TempDir, Graph) {
    let tmp = tempfile::tempdir().unwrap();
    let (ttl, _) = build_seeds(&tmp.path().join("out"));
    let g = Graph::parse(&ttl, "graph.ttl built from seeds/");
    (tmp, g)
}

fn integer(g: &Graph, subject: &str, predicate: &str) -> usize {
    let objects = g.objects(subject, predicate);
    assert_eq!(objects.len(), 1, "{subject} should have exactly one <{predicate}>, has {objects:?}");
    match &objects[0] {
        Term::Literal(l) => {
            assert_eq!(l.datatype().as_str(), "http://www.w3.org/2001/XMLSchema#integer", "{subject} <{predicate}> {l}");
            l.value().parse().unwrap_or_else(|e| panic!("{subject} <{predicate}> {l}: {e}"))
        }
        other => panic!("{subject} <{predicate}>: expected an integer literal, found {other}"),
    }
}

fn one_node(g: &Graph, subject: &str, predicate: &str) -> String {
    let objects = g.objects(subject, predicate);
    assert_eq!(objects.len(), 1, "{subject} should have exactly one <{predicate}>, has {objects:?}");
    match &objects[0] {
        Term::NamedNode(n) => Term::NamedNode(n.clone()).to_string(),
        other => panic!("{subject} <{predicate}>: expected an IRI, found {other}"),
    }
}

#[test]
fn seeds_graph_has_labelled_persons() {
    let (_tmp, g) = seeds_graph();
    let persons = g.instances(&att("Person"));
    assert!(!persons.is_empty(), "no att:Person in graph.ttl");
    let mut labels = Vec::new();
    for p in &persons {
        let label = g.literal(p, RDFS_LABEL);
        assert!(!label.trim().is_empty(), "{p} has an empty rdfs:label");
        labels.push(label);
    }
    assert!(labels.iter().any(|l| l == "Tomer Bar"), "Tomer Bar, the visitor in both seeds, is not an att:Person: {labels:?}");
}

#[test]
fn every_mention_anchor_is_the_document_text_between_its_offsets() {
    let (_tmp, g) = seeds_graph();
    let mentions = g.instances(&att("Mention"));
    assert!(!mentions.is_empty(), "no att:Mention in graph.ttl");
    let mut texts = std::collections::HashMap::new();
    for m in &mentions {
        let start = integer(&g, m, &att("start"));
        let end = integer(&g, m, &att("end"));
        assert!(start < end, "{m}: att:start {start} is not before att:end {end}");
        let anchor = g.literal(m, &att("anchorOf"));
        let doc = one_node(&g, m, &att("inDocument"));
        assert!(g.instances(&att("Document")).contains(&doc), "{m} att:inDocument {doc}, which is not an att:Document");
        let name = g.literal(&doc, DCTERMS_IDENTIFIER);
        let text: &Vec<char> = texts.entry(name.clone()).or_insert_with(|| {
            let path = seeds().join(&name);
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).chars().collect()
        });
        assert!(end <= text.len(), "{m}: att:end {end} is past the end of {name} ({} code points)", text.len());
        let slice: String = text[start..end].iter().collect();
        assert_eq!(slice, anchor, "{m}: att:anchorOf differs from {name}[{start}..{end}] (code points)");
        let denoted = one_node(&g, m, &att("denotes"));
        assert!(
            ENTITY_CLASSES.iter().any(|c| g.instances(&att(c)).contains(&denoted)),
            "{m} att:denotes {denoted}, which is not an entity"
        );
    }
    // Both seeds contribute mentions.
    assert_eq!(texts.len(), 2, "mentions should come from both seeds, came from {:?}", texts.keys().collect::<Vec<_>>());
}

#[test]
fn mention_offsets_count_code_points_not_bytes() {
    // 000_… opens with "Israel’s": the typographic apostrophe is 3 bytes but 1 code point, so any
    // mention after it would be off by 2 if offsets were bytes. Check one such mention exists
    // and is right (the test above checks them all; this one makes sure the case is covered).
    let (_tmp, g) = seeds_graph();
    let name = "000_9c5140a5c64db16d.txt";
    let text = std::fs::read_to_string(seeds().join(name)).unwrap();
    assert!(text.len() > text.chars().count(), "{name} should contain non-ASCII characters");
    let doc = g.document(name);
    let later = g
        .instances(&att("Mention"))
        .into_iter()
        .filter(|m| g.objects(m, &att("inDocument")).iter().any(|d| d.to_string() == doc))
        .filter(|m| integer(&g, m, &att("start")) > 8)
        .count();
    assert!(later > 0, "no mention of {name} after its first non-ASCII character");
}

#[test]
fn every_entity_is_derived_from_a_document() {
    let (_tmp, g) = seeds_graph();
    let documents = g.instances(&att("Document"));
    assert_eq!(documents.len(), 2, "expected one att:Document per seed: {documents:?}");
    let mut count = 0;
    for class in ENTITY_CLASSES {
        for e in g.instances(&att(class)) {
            count += 1;
            let sources: Vec<String> = g.objects(&e, PROV_WAS_DERIVED_FROM).iter().map(|o| o.to_string()).collect();
            assert!(!sources.is_empty(), "{class} {e} has no prov:wasDerivedFrom");
            for s in sources {
                assert!(documents.contains(&s), "{e} prov:wasDerivedFrom {s}, which is not an att:Document");
            }
        }
    }
    assert!(count > 0, "no entity in graph.ttl");
}

#[test]
fn documents_carry_their_identifier_and_only_a_stated_date() {
    let (_tmp, g) = seeds_graph();
    let dated = g.document("001_102f5456afe50154.txt");
    let dates = g.objects(&dated, DCTERMS_DATE);
    assert_eq!(dates.len(), 1, "{dated} should have one dcterms:date, has {dates:?}");
    match &dates[0] {
        Term::Literal(l) => {
            assert_eq!(l.value(), "2023-02-22", "dcterms:date of 001_102f5456afe50154.txt");
            assert_eq!(l.datatype().as_str(), XSD_DATE, "dcterms:date should be an xsd:date");
        }
        other => panic!("dcterms:date should be a literal, is {other}"),
    }
    let undated = g.document("000_9c5140a5c64db16d.txt");
    assert!(
        g.objects(&undated, DCTERMS_DATE).is_empty(),
        "000_9c5140a5c64db16d.txt states no date, yet has dcterms:date {:?}",
        g.objects(&undated, DCTERMS_DATE)
    );
}

#[test]
fn every_att_term_in_graph_ttl_is_declared_in_the_ontology() {
    let (_tmp, g) = seeds_graph();
    let ontology_bytes = std::fs::read(root().join("ontology/attache.ttl")).expect("ontology/attache.ttl is readable");
    let ontology = Graph::parse(&ontology_bytes, "ontology/attache.ttl");
    let declared: BTreeSet<String> = ontology
        .triples
        .iter()
        .filter(|t| t.predicate.as_str() == RDF_TYPE)
        .filter_map(|t| match &t.subject {
            NamedOrBlankNode::NamedNode(n) => Some(n.as_str().to_owned()),
            NamedOrBlankNode::BlankNode(_) => None,
        })
        .collect();
    let used: BTreeSet<String> = g.named_nodes().into_iter().filter(|i| i.starts_with(ATT)).collect();
    assert!(used.contains(&att("Person")) && used.contains(&att("anchorOf")), "graph.ttl uses few att: terms: {used:?}");
    let undeclared: Vec<&String> = used.difference(&declared).collect();
    assert!(undeclared.is_empty(), "att: terms used in graph.ttl but not declared in ontology/attache.ttl: {undeclared:?}");
}

#[test]
fn graph_ttl_uses_no_blank_nodes_and_only_minted_instance_iris() {
    let (_tmp, g) = seeds_graph();
    for t in &g.triples {
        let NamedOrBlankNode::NamedNode(s) = &t.subject else { panic!("blank node subject in {t}") };
        assert!(s.as_str().starts_with("https://w3id.org/attache/id/"), "subject outside the id namespace: {t}");
        assert!(!matches!(t.object, Term::BlankNode(_)), "blank node object in {t}");
    }
}

#[test]
fn seeds_graph_dot_renders_without_warnings() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let (_, dot) = build_seeds(&out);
    let dot = String::from_utf8(dot).expect("graph.dot is UTF-8");
    assert!(dot.starts_with("digraph "), "graph.dot is not a digraph:\n{dot}");
    assert!(dot.contains("Tomer Bar"), "graph.dot has no Tomer Bar node");
    let svg = render_dot(&out.join("graph.dot"));
    assert!(String::from_utf8_lossy(&svg).contains("<svg"), "dot did not produce SVG");
}

#[test]
fn distinct_file_names_give_distinct_documents() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir(&input).unwrap();
    let seeds = seed_files();
    std::fs::copy(&seeds[0], input.join("x y.txt")).unwrap();
    std::fs::copy(&seeds[1], input.join("x-y.txt")).unwrap();
    let (ttl, _) = build(&[&input], &tmp.path().join("out"), &[]);
    let g = Graph::parse(&ttl, "graph.ttl");
    let documents = g.instances(&att("Document"));
    assert_eq!(documents.len(), 2, "two files, {} att:Document node(s): {documents:?}", documents.len());
    for d in &documents {
        assert_eq!(g.literals(d, DCTERMS_IDENTIFIER).len(), 1, "{d} has several dcterms:identifier");
    }
}
