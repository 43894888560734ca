//! Query: SPARQL over graph files loaded into an in-memory oxigraph store (`attache query`).
//!
//! Graph files are read by their extension (`.trig` and `.nq` as datasets, their named graphs
//! kept; `.ttl`, `.nt`, `.jsonld`, `.rdf` into the default graph). Queries may use the prefixes
//! of [`crate::vocab::PREFIXES`] without declaring them. SELECT results are printed as an
//! aligned table with IRIs shortened by those prefixes, or exactly as oxigraph's SPARQL 1.1
//! CSV, TSV or JSON results serialisers write them; ASK prints its boolean; CONSTRUCT and
//! DESCRIBE print Turtle.

use std::io::Write;
use std::path::{Path, PathBuf};

use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{Term, Variable};
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};
use oxigraph::sparql::{PreparedSparqlQuery, QueryResults, QuerySolution, SparqlEvaluator};
use oxigraph::store::Store;

use crate::error::{Error, Result};
use crate::vocab;

/// How SELECT and ASK results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResultFormat {
    /// Aligned columns for reading: prefixed IRIs, literals as their lexical form.
    #[default]
    Table,
    /// SPARQL 1.1 Query Results CSV.
    Csv,
    /// SPARQL 1.1 Query Results TSV.
    Tsv,
    /// SPARQL 1.1 Query Results JSON.
    Json,
}

/// The RDF syntax of a graph file, by its extension.
pub fn graph_format(path: &Path) -> Result<RdfFormat> {
    path.extension()
        .and_then(|e| e.to_str())
        .filter(|e| !e.eq_ignore_ascii_case("txt"))
        .and_then(RdfFormat::from_extension)
        .ok_or_else(|| Error::UnknownGraphFormat { path: path.to_owned() })
}

/// A new in-memory store holding every graph file of `paths`.
pub fn load_graphs(paths: &[PathBuf]) -> Result<Store> {
    let store = new_store()?;
    for path in paths {
        let format = graph_format(path)?;
        let file = std::fs::File::open(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::GraphNotFound { path: path.clone() },
            _ => Error::Io { path: path.clone(), source: e },
        })?;
        load_into(&store, format, std::io::BufReader::new(file), path)?;
    }
    Ok(store)
}

/// A new, empty in-memory store.
pub fn new_store() -> Result<Store> {
    Store::new().map_err(|e| Error::Query { what: "cannot create the in-memory store".into(), message: e.to_string() })
}

/// Parse `reader` as `format` into `store`; `path` names the source in errors.
pub fn load_into(store: &Store, format: RdfFormat, reader: impl std::io::Read, path: &Path) -> Result<()> {
    store
        .load_from_reader(RdfParser::from_format(format), reader)
        .map_err(|e| Error::GraphSyntax { path: path.to_owned(), format: format.name().to_owned(), message: e.to_string() })
}

/// The SPARQL evaluator every command uses: the Turtle prefixes of [`vocab::PREFIXES`]
/// (`att:`, `rdfs:`, `person:` …) are predeclared.
pub fn evaluator() -> SparqlEvaluator {
    let mut evaluator = SparqlEvaluator::new();
    for (prefix, iri) in vocab::PREFIXES {
        evaluator = evaluator.with_prefix(*prefix, *iri).expect("the vocabulary's prefixes are valid IRIs");
    }
    evaluator
}

/// Parse a query, or explain where it is wrong (see [`syntax_error`]).
pub fn prepare(query: &str) -> Result<PreparedSparqlQuery> {
    evaluator().parse_query(query).map_err(|e| syntax_error(query, &e.to_string()))
}

/// A syntax error with the line and column taken from oxigraph's message and an excerpt of
/// the query with a caret under that column.
///
/// oxigraph's `SparqlSyntaxError` exposes no position as data; its message, from the `peg`
/// parser, starts `error at LINE:COLUMN: ` (1-based, column counted in characters). When the
/// message has no position (e.g. an invalid base IRI) it is reported as it is.
///
/// The position is where the parser gave up, which is often just after the mistake. Two
/// messages are tidied: an undeclared prefix is named, with the caret at its start; and the
/// parser's character classes (`['A' ..= 'Z' | …]`) are cut from its list of expected tokens.
pub fn syntax_error(query: &str, message: &str) -> Error {
    let Some((line, mut column, rest)) = position(message) else {
        return Error::QuerySyntax { message: message.to_owned(), line: None, column: None, excerpt: String::new() };
    };
    let text = query.split('\n').nth(line - 1).unwrap_or("").trim_end_matches('\r');
    let mut rest = tidy(rest);
    if rest == "expected, …" {
        let at_end = query.split('\n').count() == line && text.chars().count() < column;
        rest = if at_end { "unexpected end of the query" } else { "unexpected character" }.to_owned();
    }
    if message.contains("Prefix not found") {
        let before: Vec<char> = text.chars().take(column - 1).collect();
        let start = before.iter().rposition(|c| c.is_whitespace() || "{}()[];,/|^*+!<>=\"'".contains(*c)).map_or(0, |i| i + 1);
        let token: String = before[start..].iter().collect();
        if let Some((prefix, _)) = token.split_once(':') {
            let known: Vec<String> = vocab::PREFIXES.iter().map(|(p, _)| format!("{p}:")).collect();
            rest = format!(
                "undeclared prefix \"{prefix}:\" in {token}; declare it with PREFIX {prefix}: <…> (predeclared: {})",
                known.join(" ")
            );
            column = start + 1;
        }
    }
    let gutter = format!("{line}");
    let pad: String = text.chars().take(column - 1).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
    let excerpt = format!("\n {gutter} | {text}\n {} | {pad}^", " ".repeat(gutter.len()));
    Error::QuerySyntax { message: rest, line: Some(line), column: Some(column), excerpt }
}

/// The parser's message without its character classes, which only list name characters.
fn tidy(message: &str) -> String {
    match message.find(", [").or_else(|| message.find(" [")) {
        Some(i) => format!("{}, …", &message[..i]),
        None => message.to_owned(),
    }
}

/// `(line, column, rest)` of a message `error at LINE:COLUMN: rest`.
fn position(message: &str) -> Option<(usize, usize, &str)> {
    let tail = message.strip_prefix("error at ")?;
    let (pos, rest) = tail.split_once(": ")?;
    let (line, column) = pos.split_once(':')?;
    let (line, column) = (line.parse().ok()?, column.parse().ok()?);
    (line >= 1 && column >= 1).then_some((line, column, rest))
}

/// Run a query (from [`prepare`]) over `store` and write its results to `out` in `format`.
pub fn run(store: &Store, prepared: PreparedSparqlQuery, format: ResultFormat, out: &mut impl Write) -> Result<()> {
    let eval_err = |e: &dyn std::fmt::Display| Error::Query { what: "query evaluation failed".into(), message: e.to_string() };
    let results = prepared.on_store(store).execute().map_err(|e| eval_err(&e))?;
    let out_err = |source: std::io::Error| Error::Output { source };
    match results {
        QueryResults::Boolean(value) => match results_format(format) {
            None => writeln!(out, "{value}").map_err(out_err)?,
            Some(f) => {
                QueryResultsSerializer::from_format(f).serialize_boolean_to_writer(&mut *out, value).map_err(out_err)?;
            }
        },
        QueryResults::Solutions(solutions) => {
            let variables = solutions.variables().to_vec();
            match results_format(format) {
                None => {
                    let rows: Vec<QuerySolution> = solutions.collect::<Result<_, _>>().map_err(|e| eval_err(&e))?;
                    out.write_all(table(&variables, &rows).as_bytes()).map_err(out_err)?;
                }
                Some(f) => {
                    let mut writer = QueryResultsSerializer::from_format(f).serialize_solutions_to_writer(&mut *out, variables).map_err(out_err)?;
                    for solution in solutions {
                        let solution = solution.map_err(|e| eval_err(&e))?;
                        writer.serialize(&solution).map_err(out_err)?;
                    }
                    writer.finish().map_err(out_err)?;
                }
            }
        }
        QueryResults::Graph(triples) => {
            let mut writer = crate::export::serializer(RdfFormat::Turtle).for_writer(&mut *out);
            for triple in triples {
                let triple = triple.map_err(|e| eval_err(&e))?;
                writer.serialize_triple(&triple).map_err(out_err)?;
            }
            writer.finish().map_err(out_err)?;
        }
    }
    out.flush().map_err(out_err)
}

fn results_format(format: ResultFormat) -> Option<QueryResultsFormat> {
    match format {
        ResultFormat::Table => None,
        ResultFormat::Csv => Some(QueryResultsFormat::Csv),
        ResultFormat::Tsv => Some(QueryResultsFormat::Tsv),
        ResultFormat::Json => Some(QueryResultsFormat::Json),
    }
}

/// An IRI shortened by the longest namespace of [`vocab::PREFIXES`] it starts with
/// (`person:tomer-bar`), or written `<…>` when none fits.
pub fn shorten(iri: &str) -> String {
    vocab::PREFIXES
        .iter()
        .filter(|(_, ns)| iri.len() > ns.len() && iri.starts_with(ns))
        .max_by_key(|(_, ns)| ns.len())
        .map(|(prefix, ns)| format!("{prefix}:{}", &iri[ns.len()..]))
        .unwrap_or_else(|| format!("<{iri}>"))
}

/// A term as a table cell: prefixed IRI, literal's lexical form, `_:id` for a blank node;
/// line breaks and tabs shown escaped so each row stays on one line.
pub fn cell(term: &Term) -> String {
    let text = match term {
        Term::NamedNode(n) => shorten(n.as_str()),
        Term::BlankNode(b) => b.to_string(),
        Term::Literal(l) => l.value().to_owned(),
        #[allow(unreachable_patterns)]
        other => other.to_string(),
    };
    text.replace('\\', "\\\\").replace('\n', "\\n").replace('\r', "\\r").replace('\t', "\\t")
}

/// Solutions as aligned columns under a header of variable names, then a row count.
pub fn table(variables: &[Variable], rows: &[QuerySolution]) -> String {
    let cells: Vec<Vec<String>> =
        rows.iter().map(|row| variables.iter().map(|v| row.get(v).map(cell).unwrap_or_default()).collect()).collect();
    let header: Vec<String> = variables.iter().map(|v| v.as_str().to_owned()).collect();
    let width = |i: usize| {
        std::iter::once(&header[i]).chain(cells.iter().map(|r| &r[i])).map(|c| c.chars().count()).max().unwrap_or(0)
    };
    let widths: Vec<usize> = (0..variables.len()).map(width).collect();
    let line = |row: &[String]| {
        let mut s = String::new();
        for (i, c) in row.iter().enumerate() {
            if i + 1 == row.len() {
                s.push_str(c);
            } else {
                s.push_str(c);
                s.push_str(&" ".repeat(widths[i] - c.chars().count() + 2));
            }
        }
        s.truncate(s.trim_end().len());
        s.push('\n');
        s
    };
    let mut out = line(&header);
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat((*w).max(1))).collect();
    out.push_str(&line(&rule));
    for row in &cells {
        out.push_str(&line(row));
    }
    out.push_str(&format!("({} row{})\n", rows.len(), if rows.len() == 1 { "" } else { "s" }));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::{Literal, NamedNode};

    fn store(ttl: &str) -> Store {
        let store = new_store().unwrap();
        load_into(&store, RdfFormat::Turtle, ttl.as_bytes(), Path::new("test.ttl")).unwrap();
        store
    }

    fn run_to_string(store: &Store, query: &str, format: ResultFormat) -> String {
        let mut out = Vec::new();
        run(store, prepare(query).unwrap(), format, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn iris_are_shortened_by_the_longest_prefix() {
        assert_eq!(shorten("https://w3id.org/attache/id/person/tomer-bar"), "person:tomer-bar");
        assert_eq!(shorten("https://w3id.org/attache/ontology#Visit"), "att:Visit");
        assert_eq!(shorten("https://w3id.org/attache/id/other/x"), "id:other/x");
        assert_eq!(shorten("http://example.org/x"), "<http://example.org/x>");
        assert_eq!(shorten("https://w3id.org/attache/ontology#"), "<https://w3id.org/attache/ontology#>");
    }

    #[test]
    fn cells_show_lexical_forms_on_one_line() {
        assert_eq!(cell(&Literal::new_typed_literal("2023-02-21", oxigraph::model::vocab::xsd::DATE).into()), "2023-02-21");
        assert_eq!(cell(&Literal::new_simple_literal("a\nb").into()), "a\\nb");
        assert_eq!(cell(&NamedNode::new("http://www.w3.org/2000/01/rdf-schema#label").unwrap().into()), "rdfs:label");
    }

    #[test]
    fn table_aligns_columns_and_counts_rows() {
        let s = store(r#"@prefix att: <https://w3id.org/attache/ontology#> .
            <https://w3id.org/attache/id/person/a> att:rank "General" .
            <https://w3id.org/attache/id/person/bb> att:rank "Major" ."#);
        let text = run_to_string(&s, "SELECT ?p ?rank WHERE { ?p att:rank ?rank } ORDER BY ?p", ResultFormat::Table);
        assert_eq!(text, "p          rank\n---------  -------\nperson:a   General\nperson:bb  Major\n(2 rows)\n");
    }

    #[test]
    fn ask_prints_true_or_false() {
        let s = store("<http://e/a> <http://e/p> <http://e/b> .");
        assert_eq!(run_to_string(&s, "ASK { ?s ?p ?o }", ResultFormat::Table), "true\n");
        assert_eq!(run_to_string(&s, "ASK { ?s att:visitor ?o }", ResultFormat::Table), "false\n");
        assert_eq!(run_to_string(&s, "ASK { ?s ?p ?o }", ResultFormat::Json), r#"{"head":{},"boolean":true}"#);
    }

    #[test]
    fn syntax_error_points_at_line_and_column() {
        let query = "SELECT ?x WHERE {\n  ?x a att:Visit ?y\n}";
        let err = prepare(query).err().unwrap();
        let Error::QuerySyntax { line, column, excerpt, .. } = &err else { panic!("{err}") };
        // The parser gives up at the closing brace after the stray ?y, not at the ?y.
        assert_eq!((*line, *column), (Some(3), Some(2)), "{err}");
        assert_eq!(excerpt, "\n 3 | }\n   |  ^");
    }

    #[test]
    fn undeclared_prefix_is_named_with_the_caret_at_its_start() {
        let query = "SELECT ?x WHERE {\n  ?x a foo:Visit\n}";
        let Error::QuerySyntax { message, line, column, excerpt } = prepare(query).err().unwrap() else { panic!() };
        assert!(message.starts_with("undeclared prefix \"foo:\" in foo:Visit; declare it with PREFIX foo: <…> (predeclared: att: id:"), "{message}");
        assert_eq!((line, column), (Some(2), Some(8)));
        assert_eq!(excerpt, "\n 2 |   ?x a foo:Visit\n   |        ^");
    }

    #[test]
    fn character_classes_are_cut_from_the_expected_tokens() {
        assert_eq!(tidy("expected one of \"$\", \"(\", ['A' ..= 'Z' | 'a']"), "expected one of \"$\", \"(\", …");
        assert_eq!(tidy("expected one of BIND, [_]"), "expected one of BIND, …");
        assert_eq!(tidy("expected DISTINCT"), "expected DISTINCT");
    }

    #[test]
    fn positions_are_read_from_the_parser_message() {
        assert_eq!(position("error at 3:12: expected one of \"}\""), Some((3, 12, "expected one of \"}\"")));
        assert_eq!(position("The blank node _:b cannot be shared"), None);
    }

    #[test]
    fn caret_under_a_tab_indented_line_keeps_the_tab() {
        let Error::QuerySyntax { excerpt, .. } = syntax_error("\tSELEC", "error at 1:2: expected query") else { panic!() };
        assert_eq!(excerpt, "\n 1 | \tSELEC\n   | \t^");
    }

    #[test]
    fn graph_formats_come_from_the_extension() {
        assert_eq!(graph_format(Path::new("out/graph.trig")).unwrap(), RdfFormat::TriG);
        assert_eq!(graph_format(Path::new("g.TTL")).unwrap(), RdfFormat::Turtle);
        assert!(matches!(graph_format(Path::new("notes.txt")), Err(Error::UnknownGraphFormat { .. })));
        assert!(matches!(graph_format(Path::new("graph")), Err(Error::UnknownGraphFormat { .. })));
    }
}
