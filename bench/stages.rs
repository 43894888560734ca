//! Criterion benches of the hot stages of the pipeline (issue 5), on the 50 generated articles
//! of `bench/fixtures/` (`python3 bench/gen_corpus.py --articles 50 --out bench/fixtures --seed 1`).
//!
//! ```sh
//! cargo bench --bench stages -- --quick        # a fast pass
//! cargo bench --bench stages -- resolve        # one group
//! ```
//!
//! Per-document stages (segment, lexicon lookup, extract) report bytes/s over the whole
//! fixture set; the cross-document stages (resolve, graph, turtle) run on the analyses of the
//! first 10, 25 and 50 articles, so their growth with the corpus shows in one run.

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;

use attache::analysis::DocAnalysis;
use attache::export::turtle;
use attache::graph::KnowledgeGraph;
use attache::read::Document;
use attache::{resolve, segment, Extractor};

fn fixtures() -> Vec<Document> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench").join("fixtures");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e} (generate it with bench/gen_corpus.py)", dir.display()))
        .map(|e| e.expect("fixture entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no .txt fixtures in {}", dir.display());
    paths
        .into_iter()
        .map(|path| Document {
            name: path.file_name().unwrap().to_string_lossy().into_owned(),
            text: std::fs::read_to_string(&path).expect("UTF-8 fixture"),
            path,
        })
        .collect()
}

const SIZES: [usize; 3] = [10, 25, 50];

fn per_document(c: &mut Criterion) {
    let docs = fixtures();
    let ex = Extractor::builtin().expect("builtin lexicon");
    let bytes: u64 = docs.iter().map(|d| d.text.len() as u64).sum();

    let mut g = c.benchmark_group("per_document");
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("segment::sentences", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(segment::sentences(black_box(&d.text), &ex.lexicon));
            }
        })
    });
    g.bench_function("Lexicon::find", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(ex.lexicon.find(black_box(&d.text)));
            }
        })
    });
    g.bench_function("Extractor::extract", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(ex.extract(black_box(d)));
            }
        })
    });
    g.finish();
}

fn cross_document(c: &mut Criterion) {
    let docs = fixtures();
    let ex = Extractor::builtin().expect("builtin lexicon");
    // Sorted by name, as the pipeline hands them to resolve.
    let analyses: Vec<DocAnalysis> = docs.iter().map(|d| ex.extract(d)).collect();

    let mut g = c.benchmark_group("resolve::resolve");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    for &n in SIZES.iter().filter(|&&n| n <= analyses.len()) {
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &analyses[..n], |b, a| {
            b.iter(|| black_box(resolve::resolve(black_box(a), &ex.lexicon)))
        });
    }
    g.finish();

    let resolved: Vec<(usize, resolve::Resolved)> =
        SIZES.iter().filter(|&&n| n <= analyses.len()).map(|&n| (n, resolve::resolve(&analyses[..n], &ex.lexicon))).collect();
    let mut g = c.benchmark_group("KnowledgeGraph::from_resolved");
    g.sample_size(10);
    for (n, r) in &resolved {
        g.throughput(Throughput::Elements(*n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), r, |b, r| b.iter(|| black_box(KnowledgeGraph::from_resolved(black_box(r)))));
    }
    g.finish();

    let graphs: Vec<(usize, KnowledgeGraph)> = resolved.iter().map(|(n, r)| (*n, KnowledgeGraph::from_resolved(r))).collect();
    let mut g = c.benchmark_group("turtle::to_turtle");
    g.sample_size(10);
    for (n, kg) in &graphs {
        g.throughput(Throughput::Elements(*n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), kg, |b, kg| b.iter(|| black_box(turtle::to_turtle(black_box(kg)).expect("turtle"))));
    }
    g.finish();
}

criterion_group!(benches, per_document, cross_document);
criterion_main!(benches);
