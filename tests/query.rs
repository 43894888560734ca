//! `attache query`: the competency questions of queries/ answered from the seeds' graph, the
//! result formats, ASK and CONSTRUCT, syntax errors with a caret, and graph files of every kind.

mod common;

use std::path::{Path, PathBuf};

use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsParser, SliceQueryResultsParserOutput};

use common::*;

/// The seeds built into a temporary folder with every output format.
struct Built {
    _tmp: tempfile::TempDir,
    out: PathBuf,
}

impl Built {
    fn ttl(&self) -> PathBuf {
        self.out.join("graph.ttl")
    }
    fn trig(&self) -> PathBuf {
        self.out.join("graph.trig")
    }
}

fn built() -> Built {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    build(&[&seeds()], &out, &["--format", "ttl,trig,dot,nt,jsonld"]);
    Built { _tmp: tmp, out }
}

fn query_file(name: &str) -> PathBuf {
    root().join("queries").join(name)
}

/// Run `attache query ARGS`; must succeed; its stdout.
fn query(args: &[&std::ffi::OsStr]) -> String {
    let output = attache().arg("query").args(args).output().unwrap();
    assert!(output.status.success(), "attache query {args:?} failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

fn os(s: &str) -> &std::ffi::OsStr {
    s.as_ref()
}

/// The rows of a `.rq` file's results over `graph`, as CSV records (header first).
fn csv_rows(rq: &str, graph: &Path) -> Vec<Vec<String>> {
    let text = query(&[os("-f"), query_file(rq).as_os_str(), os("--graph"), graph.as_os_str(), os("--format"), os("csv")]);
    text.split("\r\n").filter(|l| !l.is_empty()).map(split_csv).collect()
}

/// One CSV record (quoted fields may hold commas).
fn split_csv(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().unwrap().push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(String::new()),
            c => fields.last_mut().unwrap().push(c),
        }
    }
    fields
}

fn has_row(rows: &[Vec<String>], wanted: &[&str]) -> bool {
    rows.iter().any(|r| r.len() == wanted.len() && r.iter().zip(wanted).all(|(a, b)| b.is_empty() || a == b))
}

#[test]
fn every_query_file_starts_with_a_comment_saying_what_it_asks() {
    let mut names: Vec<String> = std::fs::read_dir(root().join("queries")).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names, ["agreements.rq", "people.rq", "sites.rq", "sources.rq", "visits.rq"]);
    for name in names {
        let text = std::fs::read_to_string(query_file(&name)).unwrap();
        assert!(text.starts_with("# "), "{name} should start with a # comment saying what it asks");
    }
}

#[test]
fn visits_rq_says_tomer_bar_visited_morocco_on_2023_02_21_and_met_el_abed_alawi_bouhamid() {
    let b = built();
    let rows = csv_rows("visits.rq", &b.ttl());
    assert_eq!(rows[0], ["visitor", "country", "date", "host"]);
    assert!(has_row(&rows, &["Tomer Bar", "Morocco", "2023-02-21", "El Abed Alawi Bouhamid"]), "{rows:?}");
    assert!(has_row(&rows, &["Dokor Darmi Al-Farouk Belhir", "Israel", "2022-09", ""]), "{rows:?}");
}

#[test]
fn sites_rq_lists_the_three_bases_tomer_bar_toured() {
    let b = built();
    let rows = csv_rows("sites.rq", &b.ttl());
    assert_eq!(rows[0], ["visitor", "country", "date", "site", "kind", "operator"]);
    for base in ["Ben Guerir airbase", "Royal Moroccan Air Force Academy", "Royal Air Force headquarters"] {
        assert!(has_row(&rows, &["Tomer Bar", "Morocco", "2023-02-21", base, "base", ""]), "{base} missing from {rows:?}");
    }
    assert!(has_row(&rows, &["Tomer Bar", "", "", "Royal Moroccan Air Force Academy", "base", "Royal Moroccan Air Force"]), "{rows:?}");
}

#[test]
fn agreements_rq_gives_the_memorandum_between_israel_and_morocco_signed_by_benny_gantz() {
    let b = built();
    let rows = csv_rows("agreements.rq", &b.ttl());
    assert_eq!(rows[0], ["agreement", "date", "parties", "signatories", "signedAt"]);
    let mou = rows.iter().find(|r| r[0] == "memorandum of understanding").unwrap_or_else(|| panic!("no memorandum in {rows:?}"));
    assert_eq!(mou[1], "2021-11");
    let mut parties: Vec<&str> = mou[2].split(", ").collect();
    parties.sort();
    assert_eq!(parties, ["Israel", "Morocco"]);
    assert_eq!(mou[3], "Benny Gantz");
    assert_eq!(mou[4], "Rabat");
}

#[test]
fn people_rq_groups_people_by_country_and_unit() {
    let b = built();
    let rows = csv_rows("people.rq", &b.ttl());
    assert_eq!(rows[0], ["country", "unit", "person", "ranks", "roles", "relation"]);
    assert!(has_row(&rows, &["Israel", "Israeli Air Force", "Tomer Bar", "General", "commander", "commands"]), "{rows:?}");
    assert!(has_row(&rows, &["Morocco", "Royal Moroccan Air Force", "El Abed Alawi Bouhamid", "", "", "commands"]), "{rows:?}");
    assert!(has_row(&rows, &["Israel", "", "Benny Gantz", "", "defense minister", ""]), "{rows:?}");
}

#[test]
fn sources_rq_over_graph_trig_says_which_document_supports_tomer_bar_commands_the_israeli_air_force() {
    let b = built();
    let rows = csv_rows("sources.rq", &b.trig());
    assert_eq!(rows[0], ["document", "subject", "predicate", "object", "rule", "sentence"]);
    let support: Vec<&Vec<String>> =
        rows.iter().filter(|r| r[1] == "Tomer Bar" && r[2] == "commands" && r[3] == "Israeli Air Force").collect();
    assert!(support.iter().any(|r| r[0] == "001_102f5456afe50154.txt"), "{support:?}");
    assert!(support.iter().all(|r| !r[4].is_empty() && r[5].contains("Bar")), "{support:?}");
}

#[test]
fn sources_rq_over_graph_ttl_alone_finds_nothing_as_it_has_no_named_graphs() {
    let b = built();
    let rows = csv_rows("sources.rq", &b.ttl());
    assert_eq!(rows.len(), 1, "{rows:?}");
}

#[test]
fn table_is_the_default_with_aligned_columns_prefixed_iris_and_a_row_count() {
    let b = built();
    let text = query(&[os("SELECT ?v ?date WHERE { ?v a att:Visit ; att:date ?date } ORDER BY ?date"), os("--graph"), b.ttl().as_os_str()]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5, "{text}");
    assert!(lines[0].starts_with("v ") && lines[0].ends_with(" date"), "{text}");
    assert!(lines[1].starts_with("---") && lines[1].contains("  ---"), "{text}");
    assert!(lines[2].starts_with("visit:dokor-darmi-al-farouk-belhir-israel-") && lines[2].ends_with(" 2022-09"), "{text}");
    assert!(lines[3].starts_with("visit:tomer-bar-morocco-") && lines[3].ends_with(" 2023-02-21"), "{text}");
    let column = lines[0].find("date").unwrap();
    assert_eq!((&lines[2][column..], &lines[3][column..]), ("2022-09", "2023-02-21"), "columns are not aligned:\n{text}");
    assert_eq!(lines[4], "(2 rows)");
}

#[test]
fn csv_tsv_and_json_are_sparql_results_that_oxigraph_reads_back() {
    let b = built();
    let q = "SELECT ?visitor ?date WHERE { ?v att:visitor/rdfs:label ?visitor ; att:date ?date } ORDER BY ?date";
    let run = |format: &str| query(&[os(q), os("--graph"), b.ttl().as_os_str(), os("--format"), os(format)]);
    let csv = run("csv");
    assert_eq!(csv, "visitor,date\r\nDokor Darmi Al-Farouk Belhir,2022-09\r\nTomer Bar,2023-02-21\r\n");
    let tsv = run("tsv");
    assert!(tsv.starts_with("?visitor\t?date\n"), "{tsv}");
    assert!(tsv.contains("\"Tomer Bar\"\t\"2023-02-21\"^^<http://www.w3.org/2001/XMLSchema#date>\n"), "{tsv}");
    let json = run("json");
    assert!(json.starts_with(r#"{"head":{"vars":["visitor","date"]},"results":{"bindings":["#), "{json}");
    for (format, text) in [(QueryResultsFormat::Tsv, &tsv), (QueryResultsFormat::Json, &json)] {
        let SliceQueryResultsParserOutput::Solutions(solutions) = QueryResultsParser::from_format(format).for_slice(text.as_bytes()).unwrap() else {
            panic!("{format:?}: not solutions")
        };
        let rows: Vec<String> = solutions.map(|s| s.unwrap().get("date").unwrap().to_string()).collect();
        assert_eq!(rows, [
            "\"2022-09\"^^<http://www.w3.org/2001/XMLSchema#gYearMonth>",
            "\"2023-02-21\"^^<http://www.w3.org/2001/XMLSchema#date>"
        ], "{format:?}");
    }
}

#[test]
fn ask_prints_true_or_false_and_the_formats_boolean() {
    let b = built();
    let g = b.ttl();
    let ask = |q: &str, extra: &[&str]| {
        let mut args = vec![os(q), os("--graph"), g.as_os_str()];
        args.extend(extra.iter().map(|s| os(s)));
        query(&args)
    };
    assert_eq!(ask("ASK { ?v att:visitor person:tomer-bar ; att:destination country:morocco }", &[]), "true\n");
    assert_eq!(ask("ASK { ?v att:visitor person:tomer-bar ; att:destination country:israel }", &[]), "false\n");
    assert_eq!(ask("ASK { ?v att:visitor person:tomer-bar }", &["--format", "json"]), r#"{"head":{},"boolean":true}"#);
    assert_eq!(ask("ASK { ?v att:visitor person:tomer-bar }", &["--format", "csv"]), "true");
}

#[test]
fn construct_prints_turtle_with_the_vocabulary_prefixes() {
    let b = built();
    let text = query(&[
        os("CONSTRUCT { ?p att:visited ?c } WHERE { ?v att:visitor ?p ; att:destination ?c }"),
        os("--graph"),
        b.ttl().as_os_str(),
    ]);
    assert!(text.contains("@prefix person: <https://w3id.org/attache/id/person/>"), "{text}");
    let triples = parse_turtle(text.as_bytes(), "CONSTRUCT output");
    assert_eq!(triples.len(), 2, "{text}");
    assert!(text.contains("person:tomer-bar att:visited country:morocco"), "{text}");
}

#[test]
fn describe_prints_turtle() {
    let b = built();
    let text = query(&[os("DESCRIBE person:tomer-bar"), os("--graph"), b.ttl().as_os_str()]);
    let triples = parse_turtle(text.as_bytes(), "DESCRIBE output");
    assert!(triples.iter().any(|t| t.predicate.as_str() == RDFS_LABEL && t.object.to_string() == "\"Tomer Bar\""), "{text}");
}

/// Run a query that does not parse: (line, column, the excerpt's two lines) from stderr.
fn syntax_error(q: &str) -> (usize, usize, String, String, String) {
    let output = attache().arg("query").arg(q).arg("--graph").arg("no/graph/needed.ttl").output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8(output.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    let head = lines[0].strip_prefix("error: SPARQL syntax error at line ").unwrap_or_else(|| panic!("{stderr}"));
    let (line, rest) = head.split_once(", column ").unwrap();
    let (column, message) = rest.split_once(": ").unwrap();
    (line.parse().unwrap(), column.parse().unwrap(), message.to_owned(), lines[1].to_owned(), lines[2].to_owned())
}

#[test]
fn syntax_error_shows_line_column_and_a_caret_under_the_query_line() {
    let q = "SELECT ?v WHERE {\n  ?v a att:Visit ;\n     att:date ?d .\n  FILTER (?d > \"2022\"^^xsd:gYear\n}";
    let (line, column, message, text, caret) = syntax_error(q);
    assert_eq!((line, column), (5, 1), "the parser gives up at the brace where the ) is missing");
    assert!(message.contains("\")\""), "{message}");
    assert_eq!(text, " 5 | }");
    assert_eq!(caret, "   | ^");
    let (line, column, _, text, caret) = syntax_error("SELECT ?v WHERE {\n  ?v a att:Visit .\n}\nLIMIT ten");
    assert_eq!((line, column), (4, 7));
    assert_eq!((text.as_str(), caret.as_str()), (" 4 | LIMIT ten", "   |       ^"));
}

#[test]
fn syntax_error_is_reported_before_graphs_are_read() {
    let (line, column, _, text, caret) = syntax_error("SELEC ?x");
    assert_eq!((line, column), (1, 9));
    assert_eq!((text.as_str(), caret.as_str()), (" 1 | SELEC ?x", "   |         ^"));
}

#[test]
fn undeclared_prefix_is_named_with_the_caret_under_it() {
    let (line, column, message, text, caret) = syntax_error("SELECT ?x WHERE {\n  ?x a foo:Bar\n}");
    assert_eq!((line, column), (2, 8));
    assert!(message.starts_with("undeclared prefix \"foo:\" in foo:Bar; declare it with PREFIX foo:"), "{message}");
    assert_eq!((text.as_str(), caret.as_str()), (" 2 |   ?x a foo:Bar", "   |        ^"));
}

#[test]
fn missing_graph_file_is_named_in_the_error() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("nothing-here.ttl");
    let output = attache().args(["query", "ASK {}", "--graph"]).arg(&missing).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains(&missing.display().to_string()) && stderr.contains("no such graph file"), "{stderr}");
}

#[test]
fn default_graph_is_out_graph_ttl_and_its_absence_says_how_to_make_it() {
    let tmp = tempfile::tempdir().unwrap();
    let output = attache().current_dir(tmp.path()).args(["query", "ASK {}"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("out/graph.ttl: no such graph file") && stderr.contains("attache build"), "{stderr}");
    build(&[&seeds()], &tmp.path().join("out"), &[]);
    let output = attache().current_dir(tmp.path()).args(["query", "ASK { ?v a att:Visit }"]).output().unwrap();
    assert_eq!(String::from_utf8(output.stdout).unwrap(), "true\n");
}

#[test]
fn graph_file_that_is_not_rdf_is_refused_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("broken.ttl");
    std::fs::write(&bad, "this is not turtle").unwrap();
    let output = attache().args(["query", "ASK {}", "--graph"]).arg(&bad).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains(&bad.display().to_string()) && stderr.contains("not valid Turtle"), "{stderr}");
    let notes = tmp.path().join("notes.txt");
    std::fs::write(&notes, "x").unwrap();
    let output = attache().args(["query", "ASK {}", "--graph"]).arg(&notes).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8(output.stderr).unwrap().contains("cannot tell the RDF format"));
}

#[test]
fn trig_graph_keeps_its_named_graphs_one_per_document() {
    let b = built();
    let text = query(&[
        os("SELECT ?id WHERE { GRAPH ?g { ?e a att:Evidence } ?g dcterms:identifier ?id } GROUP BY ?id ORDER BY ?id"),
        os("--graph"),
        b.trig().as_os_str(),
        os("--format"),
        os("csv"),
    ]);
    assert_eq!(text, "id\r\n000_9c5140a5c64db16d.txt\r\n001_102f5456afe50154.txt\r\n");
}

#[test]
fn trig_mentions_are_in_the_default_graph_only() {
    let b = built();
    let ask = |q: &str| query(&[os(q), os("--graph"), b.trig().as_os_str(), os("--format"), os("csv")]);
    assert_eq!(ask("ASK { GRAPH ?g { ?m a att:Mention } }"), "false");
    assert_eq!(ask("ASK { ?m a att:Mention ; att:inDocument ?d . GRAPH ?d { ?e a att:Evidence } }"), "true");
}

#[test]
fn several_graphs_are_loaded_together() {
    let b = built();
    let count = |graphs: &[&Path]| {
        let mut args = vec![os("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"), os("--format"), os("csv")];
        for g in graphs {
            args.push(os("--graph"));
            args.push(g.as_os_str());
        }
        query(&args)
    };
    let ttl = b.ttl();
    let trig = b.trig();
    assert_eq!(count(&[&ttl]), "n\r\n0\r\n");
    assert_eq!(count(&[&ttl, &trig]), count(&[&trig]));
    assert_ne!(count(&[&trig]), "n\r\n0\r\n");
}

#[test]
fn build_format_writes_n_triples_and_json_ld_with_the_same_triples_as_turtle() {
    let b = built();
    let names = names_in(&b.out);
    for f in ["graph.ttl", "graph.trig", "graph.dot", "graph.nt", "graph.jsonld"] {
        assert!(names.contains(f), "{f} not written: {names:?}");
    }
    let count = |g: PathBuf| query(&[os("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"), os("--graph"), g.as_os_str(), os("--format"), os("csv")]);
    let ttl = count(b.ttl());
    assert_eq!(count(b.out.join("graph.nt")), ttl);
    assert_eq!(count(b.out.join("graph.jsonld")), ttl);
    let same = query(&[
        os("ASK { ?v att:visitor person:tomer-bar ; att:date \"2023-02-21\"^^xsd:date }"),
        os("--graph"),
        b.out.join("graph.jsonld").as_os_str(),
    ]);
    assert_eq!(same, "true\n");
}

#[test]
fn build_format_writes_only_the_files_asked_for() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    attache().arg("build").arg(seeds()).arg("--out").arg(&out).args(["--quiet", "--format", "nt", "--format", "ttl"]).assert().success();
    assert_eq!(names_in(&out).into_iter().collect::<Vec<_>>(), ["graph.nt", "graph.ttl"]);
    attache().arg("build").arg(seeds()).arg("--out").arg(tmp.path().join("x")).args(["--format", "pdf"]).assert().failure().code(2);
}

#[test]
fn query_can_be_read_from_standard_input() {
    let b = built();
    let output = attache().args(["query", "-f", "-", "--graph"]).arg(b.ttl()).write_stdin("ASK { ?b a att:Base }").output().unwrap();
    assert!(output.status.success());
    assert_eq!(String::from_utf8(output.stdout).unwrap(), "true\n");
}

#[test]
fn a_query_or_a_file_is_required() {
    attache().arg("query").assert().failure().code(2);
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    use std::io::Read;
    use std::process::Stdio;
    let built = built();
    // A cross product: far more rows than a pipe holds, so writing must meet the closed pipe.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("attache"))
        .args(["query", "SELECT * WHERE { ?a ?b ?c . ?d a ?e }", "--graph"])
        .arg(built.ttl())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 64];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "exit {:?}, stderr: {stderr}", output.status);
    assert!(stderr.is_empty(), "stderr: {stderr}");
}
