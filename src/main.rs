//! The `attache` binary: parse the command line, run the library, report errors.

mod cli;

use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;

use cli::{Cli, Command};

// Extraction and serialisation make many small, short-lived allocations on every thread;
// mimalloc serves them faster than the system allocator and returns memory more readily.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    without_huge_pages();
    purge_freed_memory_sooner();
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        // A reader that stops early (`attache query … | head`) is not an error, as for other
        // Unix tools.
        Err(err) if err.chain().any(|e| e.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {}", error_message(&err));
            ExitCode::FAILURE
        }
    }
}

/// Turn transparent huge pages off for this process, unless `MIMALLOC_ALLOW_THP` says otherwise
/// (mimalloc reads that variable itself; 1 keeps them on).
///
/// A build writes most of its memory only a few times, so huge pages save it few TLB misses,
/// while faulting them in can cost more than the small pages they replace: on the benchmark
/// machine (a virtual machine; README, "Speed") a 10k-article build took 13–17 % less wall time
/// with them off (kernel time 2.0 s → 0.5 s, user time unchanged), and a 1k one peaked at 24 %
/// less memory.
fn without_huge_pages() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_none() {
        // SAFETY: PR_SET_THP_DISABLE only sets a flag of this process; a failure (an old
        // kernel) leaves huge pages as they were, which is harmless.
        unsafe {
            libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
        }
    }
}

/// mimalloc's option `purge_delay` (v3, `include/mimalloc.h` in
/// <https://github.com/microsoft/mimalloc>): how long freed memory stays with the process
/// before it is given back to the system, in milliseconds. The `libmimalloc-sys` crate names
/// the options by their v2 numbers, so v3's is spelt out here.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// The purge delay a build runs with, unless `MIMALLOC_PURGE_DELAY` says otherwise.
const PURGE_DELAY_MS: std::ffi::c_long = 100;

/// Give freed memory back to the system after 100 ms instead of mimalloc's default second,
/// unless `MIMALLOC_PURGE_DELAY` is set (mimalloc reads that variable itself).
///
/// A build frees each stage's data while the next stage fills memory of its own; held for a
/// second, the freed memory added to the peak: on the benchmark machine (README, "Speed") peak
/// RSS fell 625 → 523 MB at 10k articles and 135 → 118 MB at 1k with this, in the same time.
/// At 100k the peak is what is in use, and it stayed 4.9 GB.
fn purge_freed_memory_sooner() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: called first thing in `main`, before any other thread exists (mimalloc's
        // option setters are not thread safe); the option only changes when memory is purged.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) };
    }
}

/// The error and its causes, each said once: the library's errors already say their cause
/// ("graph.ttl: cannot write: No space left on device"), which anyhow's chain would repeat.
fn error_message(err: &anyhow::Error) -> String {
    let mut message = err.to_string();
    for cause in err.chain().skip(1).map(|cause| cause.to_string()) {
        if !message.contains(&cause) {
            message.push_str(": ");
            message.push_str(&cause);
        }
    }
    message
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Build { paths, out, max_file_size, threads, quiet, timings, formats } => {
            if let Some(n) = threads {
                rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build_global().context("cannot start worker threads")?;
            }
            let options = attache::BuildOptions::new(paths, out)
                .with_progress(if quiet { attache::Progress::hidden() } else { attache::Progress::on_stderr() })
                .with_max_file_size(max_file_size)
                .with_formats(formats.into_iter().map(Into::into));
            let report = attache::build(&options)?;
            if timings {
                for (stage, took) in &report.stages {
                    eprintln!("{stage:>16} {:8.3} s", took.as_secs_f64());
                }
            }
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
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain { name, paths, max_file_size } => {
            let extractor = attache::Extractor::builtin()?.with_mention_sentences();
            let progress = attache::Progress::on_stderr();
            let graph = extractor.graph_with_progress(&paths, max_file_size, &progress);
            progress.finish();
            let (kg, _, _) = graph?;
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
            Ok(ExitCode::SUCCESS)
        }
        Command::Query { query, file, graphs, format } => {
            let text = match (query, file) {
                (Some(q), _) => q,
                (None, Some(f)) if f.as_os_str() == "-" => std::io::read_to_string(std::io::stdin()).context("cannot read the query from standard input")?,
                (None, Some(f)) => std::fs::read_to_string(&f).with_context(|| format!("{}: cannot read the query file", f.display()))?,
                (None, None) => unreachable!("clap requires a query or --file"),
            };
            // Parse first, so a syntax error is reported before any graph is loaded.
            let prepared = attache::query::prepare(&text)?;
            let store = attache::query::load_graphs(&graphs)?;
            attache::query::run(&store, prepared, format.into(), &mut std::io::stdout().lock())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Validate { graph, shapes } => {
            let shapes = match shapes {
                Some(path) => attache::validate::Shapes::from_file(&path)?,
                None => attache::validate::Shapes::builtin()?,
            };
            let report = attache::validate::validate_files(std::slice::from_ref(&graph), &shapes)?;
            if report.conforms() {
                println!("conforms");
                return Ok(ExitCode::SUCCESS);
            }
            for v in &report.violations {
                println!("{v}");
            }
            let n = report.violations.len();
            eprintln!("error: {} does not conform: {n} violation{}", graph.display(), if n == 1 { "" } else { "s" });
            Ok(ExitCode::FAILURE)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purge_delay_option_is_mimalloc_v3s_and_takes_the_builds_value() {
        if let Some(set) = std::env::var_os("MIMALLOC_PURGE_DELAY") {
            // The variable wins: the option keeps it.
            let set: std::ffi::c_long = set.to_str().and_then(|s| s.parse().ok()).expect("a number of milliseconds");
            purge_freed_memory_sooner();
            assert_eq!(unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) }, set);
            return;
        }
        // v3's default purge delay is a second (v2's, under the same number, 10 ms; v3's
        // neighbouring options default to 0): this fails if the number names another option.
        assert_eq!(unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) }, 1000);
        purge_freed_memory_sooner();
        assert_eq!(unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) }, PURGE_DELAY_MS);
    }
}
