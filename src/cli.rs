//! The command line: every flag is defined here, once.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Attaché turns news articles about military diplomacy (visits of senior officers, meetings of
/// counterparts, bases toured, defence agreements) into a knowledge graph: RDF/Turtle for
/// SPARQL, and GraphViz DOT for a picture. Every fact traces back to its document and
/// characters.
#[derive(Debug, Parser)]
#[command(name = "attache", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read articles (.txt, UTF-8) and write the knowledge graph (graph.ttl, graph.dot).
    ///
    /// Example: attache build seeds --out out
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
        /// Print nothing on success.
        #[arg(short, long)]
        quiet: bool,
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
}
