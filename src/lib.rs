//! Attaché: a knowledge-graph exporter for news about military diplomacy.
//!
//! The pipeline, one module per stage:
//! [`read`] → [`segment`] → [`recognise`] → [`relate`] (with [`dates`]) → [`resolve`] →
//! [`graph`] → [`export`]. [`pipeline`] runs them; [`vocab`] holds every IRI of the contract
//! (`shared/spec/vocabulary.md`); [`lexicon`] the general vocabulary the rules match.
//! [`query`] runs SPARQL over built graphs; [`validate`] checks a graph against the SHACL
//! shapes of `ontology/shapes.ttl`, and `build` refuses to write a graph that fails them.
//! [`progress`] shows on a terminal which stage a long run is in.

pub mod analysis;
pub mod dates;
pub mod error;
pub mod explain;
pub mod export;
pub mod graph;
pub mod lexicon;
pub mod names;
pub mod pipeline;
pub mod progress;
pub mod query;
pub mod read;
pub mod recognise;
pub mod relate;
pub mod resolve;
pub mod segment;
pub mod validate;
pub mod vocab;

pub use error::{Error, Result};
pub use pipeline::{build, BuildOptions, BuildReport, Extractor};
pub use progress::Progress;
