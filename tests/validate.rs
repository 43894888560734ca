//! `attache validate`: the seeds' graph conforms to ontology/shapes.ttl; broken graphs are
//! rejected with each violation's focus node, path and message; `attache build` only writes
//! conforming graphs.

mod common;

use std::path::{Path, PathBuf};

use common::*;

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

/// Run `attache validate ARGS`: (exit code, stdout, stderr).
fn validate(args: &[&Path]) -> (Option<i32>, String, String) {
    let output = attache().arg("validate").args(args).output().unwrap();
    (output.status.code(), String::from_utf8(output.stdout).unwrap(), String::from_utf8(output.stderr).unwrap())
}

#[test]
fn seeds_graph_conforms() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    build(&[&seeds()], &out, &["--format", "ttl,trig,dot,nt,jsonld"]);
    for file in ["graph.ttl", "graph.trig", "graph.nt", "graph.jsonld"] {
        let (code, stdout, stderr) = validate(&[&out.join(file)]);
        assert_eq!((code, stdout.as_str()), (Some(0), "conforms\n"), "{file}: {stderr}");
    }
}

#[test]
fn validate_reads_out_graph_ttl_by_default() {
    let tmp = tempfile::tempdir().unwrap();
    build(&[&seeds()], &tmp.path().join("out"), &[]);
    attache().current_dir(tmp.path()).arg("validate").assert().success().stdout("conforms\n");
}

#[test]
fn visit_without_visitor_and_person_with_two_labels_fail_naming_those_nodes() {
    let (code, stdout, stderr) = validate(&[&fixture("broken_visit_and_labels.ttl")]);
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert_eq!(
        stdout,
        "person:two-names rdfs:label: 2 values, at most 1 allowed (sh:maxCount 1)\n\
         visit:nobody-to-morocco att:visitor: 0 values, at least 1 required (sh:minCount 1)\n"
    );
    assert!(stderr.contains("broken_visit_and_labels.ttl does not conform: 2 violations"), "{stderr}");
}

#[test]
fn wrong_ranges_bad_dates_and_reversed_offsets_are_each_reported() {
    let (code, stdout, _) = validate(&[&fixture("broken_ranges_and_dates.ttl")]);
    assert_eq!(code, Some(1));
    for expected in [
        "visit:v att:visitor: value unit:air-force is not an instance of att:Person (sh:class)",
        "visit:v att:site: value person:p is not one of att:Base, att:City (sh:or)",
        "visit:v att:date: value \"February 2023\" is not one of xsd:date, xsd:gYearMonth, xsd:gYear (sh:or)",
        "agreement:a att:date: value \"2021-13\"^^xsd:gYearMonth is not one of xsd:date, xsd:gYearMonth, xsd:gYear (sh:or)",
        "agreement:a att:party: value person:p is not one of att:Country, att:Unit (sh:or)",
        "agreement:a att:signatory: value unit:air-force is not an instance of att:Person (sh:class)",
        "person:p att:commands: value country:morocco is not an instance of att:Unit (sh:class)",
        "mention:m att:start: value 120 is not less than att:end 100 (sh:lessThan)",
    ] {
        assert!(stdout.lines().any(|l| l == expected), "missing {expected:?} in\n{stdout}");
    }
    assert_eq!(stdout.lines().count(), 8, "{stdout}");
}

#[test]
fn missing_graph_file_is_named() {
    let (code, _, stderr) = validate(&[Path::new("no/such/graph.ttl")]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("no/such/graph.ttl: no such graph file"), "{stderr}");
}

#[test]
fn shapes_using_unsupported_shacl_are_refused_rather_than_ignored() {
    let tmp = tempfile::tempdir().unwrap();
    let shapes = tmp.path().join("shapes.ttl");
    std::fs::write(
        &shapes,
        "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix att: <https://w3id.org/attache/ontology#> .\n\
         <http://example.org/s> a sh:NodeShape ; sh:targetClass att:Person ; sh:property [ sh:path att:rank ; sh:pattern \"^[A-Z]\" ] .",
    )
    .unwrap();
    let output = attache().arg("validate").arg(fixture("broken_visit_and_labels.ttl")).arg("--shapes").arg(&shapes).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("invalid SHACL shapes") && stderr.contains("sh:pattern"), "{stderr}");
}

#[test]
fn other_shapes_can_be_given() {
    let tmp = tempfile::tempdir().unwrap();
    let shapes = tmp.path().join("shapes.ttl");
    std::fs::write(
        &shapes,
        "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix att: <https://w3id.org/attache/ontology#> .\n\
         <http://example.org/s> a sh:NodeShape ; sh:targetClass att:Visit ; sh:property [ sh:path att:date ; sh:minCount 2 ] .",
    )
    .unwrap();
    let output = attache().arg("validate").arg(fixture("broken_visit_and_labels.ttl")).arg("--shapes").arg(&shapes).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "visit:nobody-to-morocco att:date: 1 value, at least 2 required (sh:minCount 2)\n"
    );
}

#[test]
fn build_checks_the_graph_and_writes_only_a_conforming_one() {
    // The extractor cannot be made to produce a non-conforming graph from text, so this pins the
    // visible half: what build writes always validates, trig included.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let mut inputs = vec![seeds()];
    let heldout = root().join("tests/heldout/articles");
    if heldout.is_dir() {
        inputs.push(heldout);
    }
    let refs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    build(&refs, &out, &[]);
    for file in ["graph.ttl", "graph.trig"] {
        let (code, stdout, stderr) = validate(&[&out.join(file)]);
        assert_eq!(code, Some(0), "{file}: {stdout}{stderr}");
    }
}
