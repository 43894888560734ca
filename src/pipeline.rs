//! The whole pipeline: read → segment → recognise → relate → resolve → graph → export.
//!
//! Documents are read and extracted in parallel (rayon), each on its own, and collected in file
//! name order, so the output is byte-identical at any thread count. A document's text is
//! dropped as soon as it is extracted.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::analysis::{Class, DocAnalysis, SentenceText};
use crate::dates::DateGrammar;
use crate::error::Result;
use crate::export::{self, dot, trig, turtle};
use crate::graph::KnowledgeGraph;
use crate::lexicon::Lexicon;
use crate::read::{self, Document};
use crate::recognise::{DocRecogniser, Tokens};
use crate::relate::DocRelater;
use crate::resolve;
use crate::segment;

/// What `attache build` does.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub inputs: Vec<PathBuf>,
    pub out_dir: PathBuf,
    pub max_file_size: u64,
}

impl BuildOptions {
    pub fn new(inputs: Vec<PathBuf>, out_dir: PathBuf) -> Self {
        BuildOptions { inputs, out_dir, max_file_size: read::DEFAULT_MAX_FILE_SIZE }
    }
    pub fn with_max_file_size(mut self, bytes: u64) -> Self {
        self.max_file_size = bytes;
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
}

/// The lexicon and the date grammar, built once and shared by every document.
pub struct Extractor {
    pub lexicon: Lexicon,
    pub dates: DateGrammar,
}

impl Extractor {
    pub fn new(lexicon: Lexicon) -> Self {
        let dates = DateGrammar::new(&lexicon);
        Extractor { lexicon, dates }
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
            analysis.sentences.push(SentenceText { start: s.start, end: s.end, text: text[s.start..s.end].to_owned() });
            let tokens = Tokens::new(text, s, &self.lexicon);
            let spans = rec.sentence(&mut analysis, &tokens, si);
            rel.sentence(&mut analysis, &mut rec, &tokens, &spans, si);
        }
        rel.finish(&mut analysis);
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
        let paths = read::find_documents(inputs)?;
        let results: Vec<Result<(DocAnalysis, u64)>> = paths
            .par_iter()
            .map(|p| {
                let doc = read::read_document(p, max_file_size)?;
                let size = doc.text.len() as u64;
                Ok((self.extract(&doc), size))
            })
            .collect();
        let mut analyses = Vec::with_capacity(results.len());
        let mut bytes = 0;
        for r in results {
            let (a, size) = r?;
            bytes += size;
            analyses.push(a);
        }
        let resolved = resolve::resolve(&analyses, &self.lexicon);
        Ok((KnowledgeGraph::from_resolved(&resolved), analyses.len(), bytes))
    }
}

/// Run `attache build`: extract, resolve, and write `graph.ttl` and `graph.dot` into the
/// output folder. Nothing is written when any input is rejected.
pub fn build(options: &BuildOptions) -> Result<BuildReport> {
    let started = Instant::now();
    let extractor = Extractor::builtin()?;
    let (kg, documents, bytes) = extractor.graph(&options.inputs, options.max_file_size)?;
    let ttl = turtle::to_turtle(&kg)?;
    let trig_bytes = trig::to_trig(&kg)?;
    let dot_text = dot::to_dot(&kg);
    let ttl_path = options.out_dir.join("graph.ttl");
    let trig_path = options.out_dir.join("graph.trig");
    let dot_path = options.out_dir.join("graph.dot");
    export::write_atomically(&ttl_path, &ttl)?;
    export::write_atomically(&trig_path, &trig_bytes)?;
    export::write_atomically(&dot_path, dot_text.as_bytes())?;
    Ok(BuildReport {
        documents,
        bytes,
        entities: kg.class_counts(),
        relations: kg.relations().len(),
        triples: turtle::triples(&kg).len(),
        files: vec![ttl_path, trig_path, dot_path],
        elapsed: started.elapsed(),
    })
}
