//! `attache explain NAME [PATH]…`: an entity's labels, its mentions each in its sentence, its
//! facts each with the rule and sentence that gave it, and why its variants were merged.

mod common;

use common::{att, attache, build_seeds, seeds, Graph, RDFS_LABEL};

/// Every person of the seeds' graph, explained by its label: the output names the node's IRI
/// and quotes, for each of its mentions in the graph, the anchor in a sentence that is not empty.
#[test]
fn explain_quotes_every_mention_of_each_person_in_its_sentence() {
    let tmp = tempfile::tempdir().unwrap();
    let (ttl, _) = build_seeds(&tmp.path().join("out"));
    let graph = Graph::parse(&ttl, "the seeds' graph.ttl");
    let people = graph.instances(&att("Person"));
    assert!(!people.is_empty());
    for person in people {
        let label = graph.literal(&person, RDFS_LABEL);
        let output = attache().arg("explain").arg(&label).arg(seeds()).output().unwrap();
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "explain {label:?} failed: {}", String::from_utf8_lossy(&output.stderr));
        assert!(output.stderr.is_empty(), "explain wrote on a stderr that is not a terminal: {}", String::from_utf8_lossy(&output.stderr));
        assert!(text.contains(&format!("Person {label}  {person}")), "explain {label:?} does not name {person}:\n{text}");
        let mentions = graph.triples.iter().filter(|t| t.predicate.as_str() == att("denotes") && t.object.to_string() == person).count();
        let quoted: Vec<&str> = text.lines().filter(|l| l.contains("] \"") && l.contains(" in «")).collect();
        assert!(quoted.len() >= mentions, "explain {label:?} lists {} mentions, the graph has {mentions}:\n{text}", quoted.len());
        for line in quoted {
            assert!(!line.ends_with("in «»"), "a mention of {label:?} without its sentence: {line}");
        }
        assert!(text.contains("      rule "), "explain {label:?} gives no fact with its rule:\n{text}");
    }
}

#[test]
fn explain_of_an_unknown_name_fails_and_says_so() {
    let output = attache().args(["explain", "Nobody By This Name"]).arg(seeds()).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no entity called \"Nobody By This Name\""), "{stderr}");
    assert!(output.stdout.is_empty());
}
