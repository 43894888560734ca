//! The command line: every flag is defined here, once.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Attaché turns news articles about military diplomacy (visits of senior officers, meetings of
/// counterparts, bases toured, defence agreements) into a knowledge graph: RDF/Turtle for
/// SPARQL, and GraphViz DOT for a picture. Every fact traces back to its document and
/// characters.
const EXAMPLES: &str = "Examples:
  attache build                          read seeds/, write out/graph.ttl, out/graph.trig, out/graph.dot
  attache build articles/ --out graph/   any files and folders of .txt articles
  attache explain \"Tomer Bar\"           what the graph says about someone, and why
  attache query -f queries/visits.rq     SPARQL over out/graph.ttl
  attache validate out/graph.ttl         check a graph against the SHACL shapes";

#[derive(Debug, Parser)]
#[command(name = "attache", version, about, long_about = None, propagate_version = true, after_help = EXAMPLES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read articles (.txt, UTF-8) and write the knowledge graph (graph.ttl, graph.trig,
    /// graph.dot; graph.nt and graph.jsonld on request), after checking it against the SHACL
    /// shapes of ontology/shapes.ttl: a graph that does not conform is not written.
    ///
    /// Example: attache build seeds --out out --format ttl,trig,dot,nt,jsonld
    Build {
        /// Files or folders to read; folders are searched for .txt files.
        #[arg(value_name = "PATH", default_values = ["seeds"])]
        paths: Vec<PathBuf>,
        /// Folder to write graph.ttl and graph.dot into.
        #[arg(short, long, value_name = "DIR", default_value = "out")]
        out: PathBuf,
        /// Largest article accepted, in bytes.
        #[arg(long, value_name = "BYTES", default_value_t = attache::read::DEFAULT_MAX_FILE_SIZE)]
        max_file_size: u64,
        /// Worker threads for extraction (default: one per core). The output is the same for any number.
        #[arg(short = 'j', long, value_name = "N")]
        threads: Option<usize>,
        /// Print nothing on success: no summary, and no progress line (which is shown on stderr
        /// only when it is a terminal).
        #[arg(short, long)]
        quiet: bool,
        /// Print how long each stage took (on stderr).
        #[arg(long)]
        timings: bool,
        /// Files to write: repeat the flag or give a comma list (e.g. --format ttl,nt,jsonld).
        /// nt and jsonld hold the same triples as ttl.
        #[arg(long = "format", value_name = "FMT", value_enum, value_delimiter = ',', default_values = ["ttl", "trig", "dot"])]
        formats: Vec<BuildFormat>,
    },
    /// Explain an entity: its labels, mentions with their sentences, each fact with the rule and
    /// sentence that produced it, and why name variants were merged.
    ///
    /// Example: attache explain "Tomer Bar" seeds
    Explain {
        /// The entity's name or one of its other names (case and accents do not matter).
        name: String,
        /// Files or folders to read, as for `build`.
        #[arg(value_name = "PATH", default_values = ["seeds"])]
        paths: Vec<PathBuf>,
        /// Largest article accepted, in bytes.
        #[arg(long, value_name = "BYTES", default_value_t = attache::read::DEFAULT_MAX_FILE_SIZE)]
        max_file_size: u64,
    },
    /// Run a SPARQL query over built graphs and print the results.
    ///
    /// The prefixes att:, rdf:, rdfs:, xsd:, skos:, prov:, dcterms: and the instance prefixes
    /// (id:, person:, unit:, base:, agreement:, visit:, country:, city:, doc:, mention:,
    /// evidence:) are predeclared. SELECT prints a table by default (IRIs shortened by those
    /// prefixes, literals as their text), ASK prints true or false, CONSTRUCT and DESCRIBE print
    /// Turtle.
    ///
    /// Examples: attache query -f queries/visits.rq
    ///
    ///           attache query 'SELECT ?p WHERE { ?p a att:Person }' --format csv
    ///
    ///           attache query -f queries/sources.rq --graph out/graph.trig
    #[command(group = clap::ArgGroup::new("source").required(true).args(["query", "file"]))]
    Query {
        /// The query text.
        query: Option<String>,
        /// Read the query from this file ("-" for standard input).
        #[arg(short, long, value_name = "FILE")]
        file: Option<PathBuf>,
        /// A graph file to load (repeat for several). .trig and .nq files are read as datasets,
        /// their named graphs kept; others (.ttl, .nt, .jsonld, .rdf) into the default graph.
        #[arg(short, long = "graph", value_name = "FILE", default_values = ["out/graph.ttl"])]
        graphs: Vec<PathBuf>,
        /// How to print SELECT and ASK results: table (always the default, even when piped),
        /// or the SPARQL 1.1 results formats csv, tsv, json.
        #[arg(long, value_enum, default_value_t = QueryFormat::Table)]
        format: QueryFormat,
    },
    /// Check a graph against the SHACL shapes of ontology/shapes.ttl; print each violation
    /// (focus node, path, message) and exit 1 on any, or print "conforms".
    ///
    /// Example: attache validate out/graph.ttl
    Validate {
        /// The graph file to check (.ttl, .trig, .nt, .jsonld …).
        #[arg(value_name = "FILE", default_value = "out/graph.ttl")]
        graph: PathBuf,
        /// Shapes to check against instead of the built-in ontology/shapes.ttl.
        #[arg(long, value_name = "FILE")]
        shapes: Option<PathBuf>,
    },
}

/// A file `attache build` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BuildFormat {
    /// graph.ttl (Turtle)
    Ttl,
    /// graph.trig (TriG: a named graph per document, with evidence)
    Trig,
    /// graph.dot (GraphViz)
    Dot,
    /// graph.nt (N-Triples)
    Nt,
    /// graph.jsonld (JSON-LD)
    Jsonld,
}

impl From<BuildFormat> for attache::pipeline::OutputFormat {
    fn from(f: BuildFormat) -> Self {
        use attache::pipeline::OutputFormat as O;
        match f {
            BuildFormat::Ttl => O::Ttl,
            BuildFormat::Trig => O::Trig,
            BuildFormat::Dot => O::Dot,
            BuildFormat::Nt => O::Nt,
            BuildFormat::Jsonld => O::Jsonld,
        }
    }
}

/// How `attache query` prints results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum QueryFormat {
    /// Aligned columns, prefixed IRIs
    Table,
    /// SPARQL 1.1 Query Results CSV
    Csv,
    /// SPARQL 1.1 Query Results TSV
    Tsv,
    /// SPARQL 1.1 Query Results JSON
    Json,
}

impl From<QueryFormat> for attache::query::ResultFormat {
    fn from(f: QueryFormat) -> Self {
        use attache::query::ResultFormat as R;
        match f {
            QueryFormat::Table => R::Table,
            QueryFormat::Csv => R::Csv,
            QueryFormat::Tsv => R::Tsv,
            QueryFormat::Json => R::Json,
        }
    }
}
