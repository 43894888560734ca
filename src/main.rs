//! The `attache` binary: parse the command line, run the library, report errors.

mod cli;

use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;

use cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Build { paths, out, max_file_size, threads, quiet } => {
            if let Some(n) = threads {
                rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build_global().context("cannot start worker threads")?;
            }
            let options = attache::BuildOptions::new(paths, out).with_max_file_size(max_file_size);
            let report = attache::build(&options)?;
            if !quiet {
                let classes: Vec<String> = report.entities.iter().map(|(c, n)| format!("{n} {}", c.name())).collect();
                println!(
                    "read {} document{} ({} bytes): {}; {} relations, {} triples",
                    report.documents,
                    if report.documents == 1 { "" } else { "s" },
                    report.bytes,
                    classes.join(", "),
                    report.relations,
                    report.triples
                );
                for f in &report.files {
                    println!("wrote {}", f.display());
                }
                println!("in {:.3} s", report.elapsed.as_secs_f64());
            }
            Ok(())
        }
        Command::Explain { name, paths, max_file_size } => {
            let extractor = attache::Extractor::builtin()?;
            let (kg, _, _) = extractor.graph(&paths, max_file_size)?;
            let found = attache::explain::find(&kg, &name);
            if found.is_empty() {
                anyhow::bail!("no entity called {name:?} in the graph of {}", paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "));
            }
            for (i, node) in found.into_iter().enumerate() {
                if i > 0 {
                    println!();
                }
                print!("{}", attache::explain::explain(&kg, node));
            }
            Ok(())
        }
    }
}
