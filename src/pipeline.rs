//! The whole pipeline: read → segment → recognise → relate → resolve → graph → export.
//!
//! Documents are read and extracted in parallel (rayon), each on its own, and collected in file
//! name order, so the output is byte-identical at any thread count. A document's text is
//! dropped as soon as it is extracted.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use oxigraph::io::RdfFormat;
use rayon::prelude::*;

use crate::analysis::{Class, DocAnalysis, SentenceText};
use crate::dates::DateGrammar;
use crate::error::Result;
use crate::export::{self, dot, trig, turtle};
use crate::graph::KnowledgeGraph;
use crate::lexicon::Lexicon;
use crate::progress::Progress;
use crate::read::{self, Document};
use crate::recognise::{DocRecogniser, Tokens};
use crate::relate::DocRelater;
use crate::resolve;
use crate::segment;

/// A file `attache build` can write, in the order they are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OutputFormat {
    /// `graph.ttl`: Turtle, with prefixes.
    Ttl,
    /// `graph.trig`: TriG, one named graph per document with its evidence.
    Trig,
    /// `graph.dot`: GraphViz.
    Dot,
    /// `graph.nt`: N-Triples, the same triples as `graph.ttl`.
    Nt,
    /// `graph.jsonld`: JSON-LD (expanded, no context), the same triples as `graph.ttl`.
    Jsonld,
}

impl OutputFormat {
    /// The files written when no format is asked for.
    pub const DEFAULT: [OutputFormat; 3] = [OutputFormat::Ttl, OutputFormat::Trig, OutputFormat::Dot];

    /// The name of the file written in the output folder.
    pub fn file_name(self) -> &'static str {
        match self {
            OutputFormat::Ttl => "graph.ttl",
            OutputFormat::Trig => "graph.trig",
            OutputFormat::Dot => "graph.dot",
            OutputFormat::Nt => "graph.nt",
            OutputFormat::Jsonld => "graph.jsonld",
        }
    }
}

/// What `attache build` does.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub inputs: Vec<PathBuf>,
    pub out_dir: PathBuf,
    pub max_file_size: u64,
    /// Which files to write; each once, in [`OutputFormat`] order.
    pub formats: Vec<OutputFormat>,
    /// Where the run's progress shows (by default nowhere).
    pub progress: Progress,
}

impl BuildOptions {
    pub fn new(inputs: Vec<PathBuf>, out_dir: PathBuf) -> Self {
        BuildOptions { inputs, out_dir, max_file_size: read::DEFAULT_MAX_FILE_SIZE, formats: OutputFormat::DEFAULT.to_vec(), progress: Progress::hidden() }
    }
    /// Show the run's progress on `progress` ([`Progress::on_stderr`] for a terminal).
    pub fn with_progress(mut self, progress: Progress) -> Self {
        self.progress = progress;
        self
    }
    pub fn with_max_file_size(mut self, bytes: u64) -> Self {
        self.max_file_size = bytes;
        self
    }
    /// Write these files (duplicates and order do not matter) instead of the default ones.
    pub fn with_formats(mut self, formats: impl IntoIterator<Item = OutputFormat>) -> Self {
        let mut formats: Vec<OutputFormat> = formats.into_iter().collect();
        formats.sort();
        formats.dedup();
        self.formats = formats;
        self
    }
}

/// What a build did, for the summary line.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub documents: usize,
    pub bytes: u64,
    pub entities: BTreeMap<Class, usize>,
    pub relations: usize,
    pub triples: usize,
    pub files: Vec<PathBuf>,
    pub elapsed: Duration,
    /// How long each stage took, in order.
    pub stages: Vec<(&'static str, Duration)>,
}

/// The lexicon and the date grammar, built once and shared by every document.
pub struct Extractor {
    pub lexicon: Lexicon,
    pub dates: DateGrammar,
    /// Keep the text of every sentence that has a mention, not only of those that are some
    /// fact's evidence (see [`Extractor::with_mention_sentences`]).
    pub mention_sentences: bool,
}

impl Extractor {
    pub fn new(lexicon: Lexicon) -> Self {
        let dates = DateGrammar::new(&lexicon);
        Extractor { lexicon, dates, mention_sentences: false }
    }

    /// Keep the sentence of every mention, for `attache explain`, which quotes them. Otherwise
    /// only sentences that are some statement's evidence keep their text (the outputs quote
    /// no others): in the benchmark's articles about three sentences in four state no fact, and
    /// their copies were held until the graph was written.
    pub fn with_mention_sentences(mut self) -> Self {
        self.mention_sentences = true;
        self
    }

    pub fn builtin() -> Result<Self> {
        Ok(Self::new(Lexicon::builtin()?))
    }

    /// Extract one document: its date, sentences, entities, mentions and facts.
    pub fn extract(&self, doc: &Document) -> DocAnalysis {
        let text = &doc.text;
        let date = self.dates.document_date(text);
        let sentences = segment::sentences(text, &self.lexicon);
        let mut analysis = DocAnalysis {
            name: doc.name.clone(),
            date,
            entities: Vec::new(),
            mentions: Vec::new(),
            facts: Vec::new(),
            sentences: Vec::new(),
            char_offsets: Vec::new(),
        };
        let mut rec = DocRecogniser::new(&self.lexicon);
        let mut rel = DocRelater::new(&self.lexicon, &self.dates, date);
        for (si, s) in sentences.iter().enumerate() {
            // The text is copied at the end, for the sentences that need it.
            analysis.sentences.push(SentenceText { start: s.start, end: s.end, text: String::new() });
            let tokens = Tokens::new(text, s, &self.lexicon);
            let spans = rec.sentence(&mut analysis, &tokens, si);
            rel.sentence(&mut analysis, &mut rec, &tokens, &spans, si);
        }
        let home = rec.home_country.map(|c| rec.country_entity(&mut analysis, c));
        rel.finish(&mut analysis, home);
        let mut quoted = vec![false; analysis.sentences.len()];
        for f in &analysis.facts {
            quoted[f.sentence] = true;
        }
        if self.mention_sentences {
            for m in &analysis.mentions {
                quoted[m.sentence] = true;
            }
        }
        for (s, quoted) in analysis.sentences.iter_mut().zip(quoted) {
            if quoted {
                s.text = text[s.start..s.end].to_owned();
            }
        }
        // Offsets in code points, as the contract counts them.
        let mut wanted: Vec<usize> = analysis.mentions.iter().flat_map(|m| [m.start, m.end]).collect();
        wanted.extend(analysis.sentences.iter().flat_map(|s| [s.start, s.end]));
        wanted.sort_unstable();
        wanted.dedup();
        let mut offsets = Vec::with_capacity(wanted.len());
        let mut chars = 0;
        let mut byte = 0;
        for w in wanted {
            chars += text[byte..w].chars().count();
            byte = w;
            offsets.push((w, chars));
        }
        let to_char = |b: usize| offsets.binary_search_by_key(&b, |&(x, _)| x).map(|i| offsets[i].1).unwrap_or(0);
        for s in &mut analysis.sentences {
            s.start = to_char(s.start);
            s.end = to_char(s.end);
        }
        analysis.char_offsets = offsets;
        analysis
    }

    /// Read, check and extract every document under `inputs`; the graph of them all.
    pub fn graph(&self, inputs: &[PathBuf], max_file_size: u64) -> Result<(KnowledgeGraph, usize, u64)> {
        self.graph_with_progress(inputs, max_file_size, &Progress::hidden())
    }

    /// [`Extractor::graph`], showing each stage on `progress` (documents extracted, then
    /// resolution and the graph). The line is left for the caller to finish.
    pub fn graph_with_progress(&self, inputs: &[PathBuf], max_file_size: u64, progress: &Progress) -> Result<(KnowledgeGraph, usize, u64)> {
        self.graph_timed(inputs, max_file_size, progress, &mut Vec::new())
    }

    /// [`Extractor::graph_with_progress`], adding how long each stage took to `stages`.
    pub fn graph_timed(&self, inputs: &[PathBuf], max_file_size: u64, progress: &Progress, stages: &mut Vec<(&'static str, Duration)>) -> Result<(KnowledgeGraph, usize, u64)> {
        let mut clock = Instant::now();
        let mut lap = |stages: &mut Vec<(&'static str, Duration)>, name: &'static str| {
            stages.push((name, clock.elapsed()));
            clock = Instant::now();
        };
        let paths = read::find_documents(inputs)?;
        progress.documents(paths.len());
        let results: Vec<Result<(DocAnalysis, u64)>> = paths
            .par_iter()
            .map(|p| {
                let doc = read::read_document(p, max_file_size)?;
                let size = doc.text.len() as u64;
                let analysis = self.extract(&doc);
                progress.document_done();
                Ok((analysis, size))
            })
            .collect();
        let mut analyses = Vec::with_capacity(results.len());
        let mut bytes = 0;
        for r in results {
            let (a, size) = r?;
            bytes += size;
            analyses.push(a);
        }
        lap(stages, "read and extract");
        progress.stage(format!("resolving entities across {} documents", analyses.len()));
        let resolved = resolve::resolve(&analyses, &self.lexicon);
        let documents = analyses.len();
        // The resolved graph owns all it needs; the analyses are freed on another thread while
        // the graph is built.
        drop_aside(analyses);
        lap(stages, "resolve");
        progress.stage("building the graph");
        let kg = KnowledgeGraph::from_resolved(&resolved);
        drop_aside(resolved);
        lap(stages, "graph");
        Ok((kg, documents, bytes))
    }
}

/// Drop `value` on another thread: freeing millions of small allocations takes a while and
/// nothing waits for it.
fn drop_aside<T: Send + 'static>(value: T) {
    rayon::spawn(move || drop(value));
}

/// Run `attache build`: extract, resolve, check the graph against the SHACL shapes of
/// `ontology/shapes.ttl`, and write the requested files (by default `graph.ttl`, `graph.trig`
/// and `graph.dot`) into the output folder. Nothing is written when any input is rejected or
/// the graph does not conform to the shapes.
pub fn build(options: &BuildOptions) -> Result<BuildReport> {
    let report = build_showing_progress(options);
    // Taken off the terminal before the summary or an error is printed.
    options.progress.finish();
    report
}

fn build_showing_progress(options: &BuildOptions) -> Result<BuildReport> {
    let progress = &options.progress;
    let started = Instant::now();
    let extractor = Extractor::builtin()?;
    let mut stages = vec![("load lexicons", started.elapsed())];
    let (kg, documents, bytes) = extractor.graph_timed(&options.inputs, options.max_file_size, progress, &mut stages)?;
    progress.stage("sorting triples");
    let clock = Instant::now();
    // The DOT text needs no sorted triples: it is made while they are sorted, which is mostly
    // one thread's work.
    let (triples, dot) = rayon::join(|| turtle::triples(&kg), || options.formats.contains(&OutputFormat::Dot).then(|| dot::to_dot(&kg)));
    stages.push(("sort triples (and DOT alongside)", clock.elapsed()));
    // The shapes are checked while the files are written: a graph that does not conform leaves
    // its staged files to be deleted, and nothing is renamed into place.
    let shapes = crate::validate::Shapes::builtin()?;
    let files: Vec<PathBuf> = options.formats.iter().map(|f| options.out_dir.join(f.file_name())).collect();
    progress.writing(options.formats.iter().map(|f| f.file_name()).collect::<Vec<_>>().join(", "));
    let ((report, validated, (entities, relations)), (staged, written)) = rayon::join(
        || {
            let clock = Instant::now();
            let predicates: Vec<_> = triples.predicates().collect();
            let report = shapes.validate_numbered(triples.terms().collect(), &predicates, &triples);
            let validated = clock.elapsed();
            // Validation ends well before writing: the summary's counts are made meanwhile.
            (report, validated, (kg.class_counts(), kg.relation_count()))
        },
        || {
            let clock = Instant::now();
            (stage_outputs(&kg, &triples, dot.as_deref(), &options.formats, &files, progress), clock.elapsed())
        },
    );
    stages.push(("validate (alongside write)", validated));
    if !report.conforms() {
        return Err(crate::error::Error::NotConforming {
            shapes: crate::validate::BUILTIN_SHAPES_PATH.into(),
            violations: report.violations.iter().map(|v| v.to_string()).collect(),
        });
    }
    let staged = staged?;
    progress.stage("syncing the files to disk");
    let triple_count = triples.len();
    drop(triples);
    // The graph is freed while the files are synced and renamed: at 100k articles freeing its
    // millions of strings took a second of one thread after everything was written.
    let (committed, ()) = rayon::join(
        || {
            let clock = Instant::now();
            staged.commit().map(|()| clock.elapsed())
        },
        || kg.free_in_parallel(),
    );
    stages.push(("write", written + committed?));
    Ok(BuildReport {
        documents,
        bytes,
        entities,
        relations,
        triples: triple_count,
        files,
        elapsed: started.elapsed(),
        stages,
    })
}

/// Write each requested file into a temporary file beside it, each on its own thread; the
/// caller renames them into place. Turtle and TriG, when both are asked for, are written
/// together, the default graph serialised once for both; `dot` is the DOT text, made beforehand
/// when DOT is asked for.
fn stage_outputs(kg: &KnowledgeGraph, triples: &turtle::SortedTriples<'_>, dot: Option<&str>, formats: &[OutputFormat], files: &[PathBuf], progress: &Progress) -> Result<export::Staged> {
    let path_of = |format: OutputFormat| &files[formats.iter().position(|&f| f == format).expect("asked-for format")];
    let together = formats.contains(&OutputFormat::Ttl) && formats.contains(&OutputFormat::Trig);
    let jobs: Vec<OutputFormat> = formats.iter().copied().filter(|&f| !(together && f == OutputFormat::Ttl)).collect();
    let staged: Vec<Result<export::Staged>> = jobs
        .par_iter()
        .map(|&format| {
            let path = path_of(format);
            let mut staged = export::Staged::with_progress(progress);
            match format {
                OutputFormat::Trig if together => {
                    let ttl = path_of(OutputFormat::Ttl);
                    let mut trig_staged = export::Staged::with_progress(progress);
                    staged.stage(ttl, |ttl_out| {
                        trig_staged.stage(path, |trig_out| trig::write_trig_and_turtle(kg, triples, &mut export::file_sink(path, trig_out), Some(&mut export::file_sink(ttl, ttl_out))))
                    })?;
                    staged.extend(trig_staged);
                }
                _ => staged.stage(path, |out| {
                    match format {
                        OutputFormat::Ttl => turtle::write_triples(triples, RdfFormat::Turtle, out),
                        OutputFormat::Trig => trig::write_trig(kg, triples, out),
                        OutputFormat::Dot => export::file_sink(path, out)(dot.expect("DOT text made when asked for").as_bytes()),
                        OutputFormat::Nt => turtle::write_triples(triples, RdfFormat::NTriples, out),
                        OutputFormat::Jsonld => turtle::write_triples(triples, RdfFormat::JsonLd { profile: Default::default() }, out),
                    }
                    .map_err(|e| export::at_path(path, e))
                })?,
            }
            Ok(staged)
        })
        .collect();
    let mut all = export::Staged::default();
    for s in staged {
        all.extend(s?);
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::progress::recording::RecordingTerminal;

    #[test]
    fn only_quoted_sentences_keep_their_text() {
        let seed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seeds/000_9c5140a5c64db16d.txt");
        let doc = read::read_document(&seed, read::DEFAULT_MAX_FILE_SIZE).unwrap();
        let for_build = Extractor::builtin().unwrap().extract(&doc);
        let evidence: Vec<usize> = for_build.facts.iter().map(|f| f.sentence).collect();
        let with_text = |a: &DocAnalysis| (0..a.sentences.len()).filter(|&i| !a.sentences[i].text.is_empty()).collect::<BTreeSet<usize>>();
        assert_eq!(with_text(&for_build), evidence.iter().copied().collect(), "a build keeps the text of the facts' sentences, and no other");
        assert!(for_build.sentences.len() > evidence.len(), "the seed has sentences that state no fact");
        let for_explain = Extractor::builtin().unwrap().with_mention_sentences().extract(&doc);
        let mentioned: BTreeSet<usize> = for_explain.mentions.iter().map(|m| m.sentence).chain(evidence).collect();
        assert_eq!(with_text(&for_explain), mentioned, "explain keeps every mention's sentence too");
        for i in mentioned {
            let s = &for_explain.sentences[i];
            assert_eq!(s.text.chars().count(), s.end - s.start, "the text of [{}..{}] in code points", s.start, s.end);
        }
    }

    #[test]
    fn a_build_names_every_stage_on_its_progress_line_in_order_and_clears_it() {
        let seeds = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seeds");
        let out = tempfile::tempdir().unwrap();
        let terminal = RecordingTerminal::default();
        let options = BuildOptions::new(vec![seeds], out.path().to_owned()).with_progress(Progress::drawn_to(terminal.target()));
        build(&options).unwrap();
        let text = terminal.text();
        let mut from = 0;
        for stage in ["extracting [", "2/2 documents", "resolving entities across 2 documents", "building the graph", "sorting triples", "writing graph.ttl, graph.trig, graph.dot: ", "syncing the files to disk"] {
            let at = text[from..].find(stage).unwrap_or_else(|| panic!("{stage:?} not drawn after the stage before it:\n{text}"));
            from += at;
        }
        assert!(options.progress.is_finished(), "the line is left on the terminal");
    }
}
