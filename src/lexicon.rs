//! Lexicons: the general vocabulary the recogniser matches (countries and their demonyms and
//! cities, ranks, roles, head words of organisations, installations and agreements, cue words).
//!
//! The vocabulary lives in data files under `lexicon/`, never in code; the files are compiled
//! into the binary so that `attache` runs anywhere, and [`Lexicon::from_dir`] reads another
//! folder of the same layout instead. No lexicon may hold the name of a person, unit, base or
//! agreement: the product runs on articles it has never seen.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

use crate::error::Error;

/// Index of a country in [`Lexicon::countries`].
pub type CountryId = usize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Country {
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub demonyms: Vec<String>,
    #[serde(default)]
    pub capital: String,
    #[serde(default)]
    pub cities: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rank {
    pub name: String,
    #[serde(default)]
    pub variants: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub name: String,
    #[serde(default)]
    pub variants: Vec<String>,
    #[serde(default)]
    pub heads: bool,
    #[serde(default)]
    pub unit: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UnitLevel {
    Service,
    Joint,
    Ministry,
    Staff,
    Command,
    Formation,
    Department,
    Committee,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitHead {
    pub phrase: String,
    #[serde(default)]
    pub variants: Vec<String>,
    pub level: UnitLevel,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HeadPosition {
    After,
    Before,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstallationHead {
    pub phrase: String,
    #[serde(default)]
    pub variants: Vec<String>,
    pub position: HeadPosition,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgreementKind {
    pub name: String,
    #[serde(default)]
    pub variants: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CountriesFile {
    country: Vec<Country>,
}
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RanksFile {
    rank: Vec<Rank>,
}
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RolesFile {
    role: Vec<Role>,
}
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitsFile {
    #[serde(default)]
    ignorable_modifiers: Vec<String>,
    head: Vec<UnitHead>,
}
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct InstallationsFile {
    head: Vec<InstallationHead>,
}
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AgreementsFile {
    kind: Vec<AgreementKind>,
}

/// Words that mark a capitalised name as something outside the ontology.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NonEntities {
    #[serde(default)]
    pub outlet_words: Vec<String>,
    #[serde(default)]
    pub region_words: Vec<String>,
    #[serde(default)]
    pub region_names: Vec<String>,
    #[serde(default)]
    pub event_words: Vec<String>,
    #[serde(default)]
    pub aircraft_words: Vec<String>,
    #[serde(default)]
    pub region_prefixes: Vec<String>,
    #[serde(default)]
    pub company_words: Vec<String>,
    #[serde(default)]
    pub vessel_words: Vec<String>,
}

/// Cue words of the relation rules (see `lexicon/cues.toml` for what each list means).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cues {
    pub visit_nouns: Vec<String>,
    pub travel_verbs: Vec<String>,
    pub unmade_trip_cues: Vec<String>,
    pub trip_intentions: Vec<String>,
    pub start_verbs: Vec<String>,
    pub end_verbs: Vec<String>,
    pub hosting_verbs: Vec<String>,
    pub host_cues: Vec<String>,
    pub site_cues: Vec<String>,
    pub site_blockers: Vec<String>,
    pub delegation_cues: Vec<String>,
    pub sign_verbs: Vec<String>,
    pub clause_openers: Vec<String>,
    pub date_blockers: Vec<String>,
    pub person_pronouns: Vec<String>,
    pub visitor_groups: Vec<String>,
    pub visit_back_references: Vec<String>,
    pub speech_verbs: Vec<String>,
    pub membership_prepositions: Vec<String>,
    pub settlement_words: Vec<String>,
    pub leading_verbs: Vec<String>,
    pub party_nouns: Vec<String>,
}

/// Hash sets and maps keyed by words, for the lookups done once or more per token, hashed with
/// rustc's FxHash (`rustc-hash`): the keys are the lexicon's own words, so SipHash's defence
/// against crafted collisions buys nothing there, and it costs several times as much on short
/// words. Nothing iterates over them in an order that reaches the output.
pub type WordSet = rustc_hash::FxHashSet<String>;
pub type WordMap<V> = rustc_hash::FxHashMap<String, V>;

/// The lengths and first letters of a set's words: an ASCII word whose length or (ASCII
/// lower-cased) first letter no word of the set has is not in it, found without hashing it,
/// which is what most words of a text are.
#[derive(Debug, Clone, Default)]
pub struct WordFilter {
    /// Bit `n` for a word of `n` bytes (bit 63 for 63 or more).
    lengths: u64,
    /// Bit `b` for a word whose first byte is `b`.
    first: [u64; 4],
}

impl WordFilter {
    fn new<'w>(words: impl IntoIterator<Item = &'w String>) -> Self {
        let mut f = WordFilter::default();
        for w in words {
            f.lengths |= 1 << w.len().min(63);
            if let Some(&b) = w.as_bytes().first() {
                f.first[usize::from(b >> 6)] |= 1 << (b & 63);
            }
        }
        f
    }

    /// Whether the set may hold `word` with its ASCII letters lower-cased.
    fn may_hold(&self, word: &str) -> bool {
        if self.lengths & (1 << word.len().min(63)) == 0 {
            return false;
        }
        // `map_or(true, …)` rather than `is_none_or`, which needs Rust 1.82 (rust-version is 1.80).
        word.as_bytes().first().map_or(true, |b| {
            let b = b.to_ascii_lowercase();
            self.first[usize::from(b >> 6)] & (1 << (b & 63)) != 0
        })
    }
}

/// One cue list of [`CueSets`]: which phrases start at each word of a sentence is worked out
/// once per sentence for every list together ([`CueSets::scan`]); a list is then asked about
/// that sentence's [`SentenceCues`], not its words.
#[derive(Debug, Clone, Copy, Default)]
pub struct CueSet {
    /// The list's column in [`SentenceCues`].
    slot: usize,
}

impl CueSet {
    /// The end of the longest phrase of the list starting at word `i`.
    pub fn at(&self, cues: &SentenceCues, i: usize) -> Option<usize> {
        let len = cues.lengths.get(i)?[self.slot];
        (len > 0).then(|| i + usize::from(len))
    }

    /// The first word in `from..to` where a phrase starts.
    pub fn find(&self, cues: &SentenceCues, from: usize, to: usize) -> Option<usize> {
        (from..to.min(cues.lengths.len())).find(|&i| cues.lengths[i][self.slot] > 0)
    }

    /// Whether a phrase ends right before word `end` (one of at most four words).
    pub fn ends_at(&self, cues: &SentenceCues, end: usize) -> bool {
        self.start_ending_at(cues, end).is_some()
    }

    /// Where the longest phrase (of at most four words) that ends right before word `end` starts.
    pub fn start_ending_at(&self, cues: &SentenceCues, end: usize) -> Option<usize> {
        (end.saturating_sub(4)..end).find(|&i| self.at(cues, i) == Some(end))
    }

    /// Whether a phrase occurs anywhere in the sentence.
    pub fn any(&self, cues: &SentenceCues) -> bool {
        cues.lengths.iter().any(|l| l[self.slot] > 0)
    }
}

/// How many cue lists [`CueSets`] has: the columns of [`SentenceCues`].
const CUE_LISTS: usize = 20;

/// For each word of a sentence and each cue list, the length in words of the longest phrase of
/// the list that starts there (0 for none).
#[derive(Debug, Clone, Default)]
pub struct SentenceCues {
    lengths: Vec<[u8; CUE_LISTS]>,
}

/// The cue lists of [`Cues`], compiled.
#[derive(Debug, Clone, Default)]
pub struct CueSets {
    pub visit_nouns: CueSet,
    pub travel_verbs: CueSet,
    pub start_verbs: CueSet,
    pub end_verbs: CueSet,
    pub hosting_verbs: CueSet,
    pub host_cues: CueSet,
    pub site_cues: CueSet,
    pub site_blockers: CueSet,
    pub delegation_cues: CueSet,
    pub sign_verbs: CueSet,
    pub clause_openers: CueSet,
    pub person_pronouns: CueSet,
    pub visitor_groups: CueSet,
    pub visit_back_references: CueSet,
    pub speech_verbs: CueSet,
    pub unmade_trip_cues: CueSet,
    pub settlement_words: CueSet,
    pub leading_verbs: CueSet,
    pub party_nouns: CueSet,
    pub trip_intentions: CueSet,
    /// Every phrase of every list, by its first word (lower case): with the list's slot and the
    /// phrase's words. One lookup per word of a sentence finds the phrases of all the lists.
    by_first: WordMap<Vec<(usize, Vec<String>)>>,
}

impl CueSets {
    fn new(c: &Cues) -> Self {
        let mut host = c.host_cues.clone();
        host.extend(["held talks", "holds talks", "hold talks"].map(String::from));
        let site: Vec<String> = c.site_cues.iter().chain(&c.hosting_verbs).cloned().collect();
        let lists: [&[String]; CUE_LISTS] = [
            &c.visit_nouns,
            &c.travel_verbs,
            &c.start_verbs,
            &c.end_verbs,
            &c.hosting_verbs,
            &host,
            &site,
            &c.site_blockers,
            &c.delegation_cues,
            &c.sign_verbs,
            &c.clause_openers,
            &c.person_pronouns,
            &c.visitor_groups,
            &c.visit_back_references,
            &c.speech_verbs,
            &c.unmade_trip_cues,
            &c.settlement_words,
            &c.leading_verbs,
            &c.party_nouns,
            &c.trip_intentions,
        ];
        let mut by_first: WordMap<Vec<(usize, Vec<String>)>> = WordMap::default();
        for (slot, phrases) in lists.iter().enumerate() {
            for p in phrases.iter() {
                let words: Vec<String> = p.split_whitespace().map(str::to_lowercase).collect();
                // A phrase longer than a column can count would never be asked for.
                if let Some(first) = words.first().filter(|_| words.len() <= usize::from(u8::MAX)) {
                    by_first.entry(first.clone()).or_default().push((slot, words));
                }
            }
        }
        let set = |slot: usize| CueSet { slot };
        CueSets {
            visit_nouns: set(0),
            travel_verbs: set(1),
            start_verbs: set(2),
            end_verbs: set(3),
            hosting_verbs: set(4),
            host_cues: set(5),
            site_cues: set(6),
            site_blockers: set(7),
            delegation_cues: set(8),
            sign_verbs: set(9),
            clause_openers: set(10),
            person_pronouns: set(11),
            visitor_groups: set(12),
            visit_back_references: set(13),
            speech_verbs: set(14),
            unmade_trip_cues: set(15),
            settlement_words: set(16),
            leading_verbs: set(17),
            party_nouns: set(18),
            trip_intentions: set(19),
            by_first,
        }
    }

    /// Which phrases of each list start at each of a sentence's `words` (lower case), the
    /// longest of each list kept.
    pub fn scan<W: AsRef<str>>(&self, words: &[W]) -> SentenceCues {
        let mut lengths = vec![[0u8; CUE_LISTS]; words.len()];
        for (i, word) in words.iter().enumerate() {
            let Some(phrases) = self.by_first.get(word.as_ref()) else { continue };
            for (slot, phrase) in phrases {
                let fits = words.len() >= i + phrase.len()
                    && words[i..i + phrase.len()].iter().zip(phrase).all(|(w, x)| w.as_ref() == x);
                if fits {
                    let len = &mut lengths[i][*slot];
                    *len = (*len).max(phrase.len() as u8);
                }
            }
        }
        SentenceCues { lengths }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TimeFile {
    months: Vec<Vec<String>>,
    weekdays: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FunctionWordsFile {
    abbreviations: Vec<String>,
    honorifics: Vec<String>,
    words: Vec<String>,
    name_particles: Vec<String>,
    name_connectors: Vec<String>,
}

/// What a lexicon phrase stands for. One phrase may stand for several things
/// ("Commander" is a role; "General" a rank).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Term {
    Country(CountryId),
    Demonym(CountryId),
    City(CountryId),
    Rank(usize),
    Role(usize),
    UnitHead(usize),
    InstallationHead(usize),
    Agreement(usize),
    Month(u32),
    Weekday(u32),
    Region,
}

impl Term {
    /// Whether the phrase must match the text's letter case exactly.
    fn case_sensitive(self) -> bool {
        !matches!(self, Term::Role(_))
    }
}

/// One lexicon phrase found in a text, by byte offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexMatch<'l> {
    pub start: usize,
    pub end: usize,
    /// The phrase's terms that the match's letter case allows: borrowed from the lexicon when
    /// that is all of them (nearly always), so that a match allocates nothing.
    pub terms: Cow<'l, [Term]>,
}

/// All the vocabulary, with a compiled matcher over every phrase.
#[derive(Debug)]
pub struct Lexicon {
    pub countries: Vec<Country>,
    pub ranks: Vec<Rank>,
    pub roles: Vec<Role>,
    pub unit_heads: Vec<UnitHead>,
    /// The core words ([`crate::names::core_words`], joined) of each unit head's phrase.
    pub unit_head_cores: Vec<String>,
    /// The core of a unit head's phrase, by the core of the phrase or of any of its variants
    /// (the first head's, when several have one), for [`Lexicon::canonical_unit_core`].
    unit_head_by_core: WordMap<usize>,
    pub ignorable_modifiers: Vec<String>,
    pub installation_heads: Vec<InstallationHead>,
    pub agreement_kinds: Vec<AgreementKind>,
    pub non_entities: NonEntities,
    pub cues: Cues,
    /// The cue lists compiled for matching.
    pub cue: CueSets,
    pub months: Vec<Vec<String>>,
    pub weekdays: Vec<String>,
    pub function_words: WordSet,
    pub name_particles: WordSet,
    pub name_connectors: WordSet,
    function_filter: WordFilter,
    particle_filter: WordFilter,
    connector_filter: WordFilter,
    pub abbreviations: Vec<String>,
    pub honorifics: Vec<String>,
    /// The outlet, region and event words, exactly as written: capitalised words that are no
    /// part of a personal name ("Reuters", "Gulf", "Summit").
    name_blockers: WordSet,
    /// The words for a company, ASCII lower-cased: a name after one is a company's.
    company_words: WordSet,
    company_filter: WordFilter,
    /// The words for a ship, ASCII lower-cased: a name after one is a ship's.
    vessel_words: WordSet,
    /// [`Lexicon::honorifics`] as a set, for the test at every word.
    honorific_set: WordSet,
    /// The words that a dot after them leaves inside a sentence: each abbreviation and every
    /// part of one after a dot ("Gen" of "Lt.Gen"), and the abbreviated forms of months and of
    /// rank words ("Sept", "Lt"); see [`Lexicon::is_abbreviation`].
    abbreviation_words: WordSet,
    patterns: Vec<String>,
    pattern_terms: Vec<Vec<Term>>,
    matcher: AhoCorasick,
}

/// The lexicon files, by name, as compiled into the binary.
const BUILTIN: &[(&str, &str)] = &[
    ("countries.toml", include_str!("../lexicon/countries.toml")),
    ("ranks.toml", include_str!("../lexicon/ranks.toml")),
    ("roles.toml", include_str!("../lexicon/roles.toml")),
    ("units.toml", include_str!("../lexicon/units.toml")),
    ("installations.toml", include_str!("../lexicon/installations.toml")),
    ("agreements.toml", include_str!("../lexicon/agreements.toml")),
    ("non_entities.toml", include_str!("../lexicon/non_entities.toml")),
    ("cues.toml", include_str!("../lexicon/cues.toml")),
    ("time.toml", include_str!("../lexicon/time.toml")),
    ("function_words.toml", include_str!("../lexicon/function_words.toml")),
];

fn parse<T: for<'de> Deserialize<'de>>(name: &str, text: &str) -> Result<T, Error> {
    toml::from_str(text).map_err(|e| Error::Lexicon { file: name.into(), message: e.to_string() })
}

impl Lexicon {
    /// The lexicon compiled into the binary from `lexicon/`.
    pub fn builtin() -> Result<Self, Error> {
        Self::from_sources(|name| {
            Ok(BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, t)| (*t).to_owned()).unwrap_or_default())
        })
    }

    /// A lexicon read from a folder laid out like `lexicon/`.
    pub fn from_dir(dir: &Path) -> Result<Self, Error> {
        Self::from_sources(|name| {
            let path = dir.join(name);
            std::fs::read_to_string(&path)
                .map_err(|e| Error::Lexicon { file: path.display().to_string(), message: e.to_string() })
        })
    }

    fn from_sources(read: impl Fn(&str) -> Result<String, Error>) -> Result<Self, Error> {
        let countries: CountriesFile = parse("countries.toml", &read("countries.toml")?)?;
        let ranks: RanksFile = parse("ranks.toml", &read("ranks.toml")?)?;
        let roles: RolesFile = parse("roles.toml", &read("roles.toml")?)?;
        let units: UnitsFile = parse("units.toml", &read("units.toml")?)?;
        let installations: InstallationsFile = parse("installations.toml", &read("installations.toml")?)?;
        let agreements: AgreementsFile = parse("agreements.toml", &read("agreements.toml")?)?;
        let non_entities: NonEntities = parse("non_entities.toml", &read("non_entities.toml")?)?;
        let cues: Cues = parse("cues.toml", &read("cues.toml")?)?;
        let time: TimeFile = parse("time.toml", &read("time.toml")?)?;
        let function: FunctionWordsFile = parse("function_words.toml", &read("function_words.toml")?)?;

        let mut table: BTreeMap<String, Vec<Term>> = BTreeMap::new();
        let mut add = |phrase: &str, term: Term| {
            let phrase = phrase.trim();
            if phrase.is_empty() {
                return;
            }
            let terms = table.entry(fold_marks(phrase).0).or_default();
            if !terms.contains(&term) {
                terms.push(term);
            }
        };
        for (id, c) in countries.country.iter().enumerate() {
            add(&c.name, Term::Country(id));
            c.aliases.iter().for_each(|a| add(a, Term::Country(id)));
            c.demonyms.iter().for_each(|d| add(d, Term::Demonym(id)));
            add(&c.capital, Term::City(id));
            c.cities.iter().for_each(|d| add(d, Term::City(id)));
        }
        for (id, r) in ranks.rank.iter().enumerate() {
            add(&r.name, Term::Rank(id));
            r.variants.iter().for_each(|v| add(v, Term::Rank(id)));
        }
        for (id, r) in roles.role.iter().enumerate() {
            add(&r.name, Term::Role(id));
            r.variants.iter().for_each(|v| add(v, Term::Role(id)));
        }
        for (id, h) in units.head.iter().enumerate() {
            add(&h.phrase, Term::UnitHead(id));
            h.variants.iter().for_each(|v| add(v, Term::UnitHead(id)));
        }
        for (id, h) in installations.head.iter().enumerate() {
            add(&h.phrase, Term::InstallationHead(id));
            h.variants.iter().for_each(|v| add(v, Term::InstallationHead(id)));
        }
        for (id, k) in agreements.kind.iter().enumerate() {
            add(&k.name, Term::Agreement(id));
            k.variants.iter().for_each(|v| add(v, Term::Agreement(id)));
        }
        for (m, forms) in time.months.iter().enumerate() {
            forms.iter().for_each(|f| add(f, Term::Month(m as u32 + 1)));
        }
        for (d, name) in time.weekdays.iter().enumerate() {
            add(name, Term::Weekday(d as u32));
        }
        for name in &non_entities.region_names {
            add(name, Term::Region);
        }
        let (patterns, pattern_terms): (Vec<String>, Vec<Vec<Term>>) = table.into_iter().unzip();
        let matcher = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .map_err(|e| Error::Lexicon { file: "lexicon".into(), message: e.to_string() })?;
        let lower = |v: Vec<String>| v.into_iter().map(|w| w.to_lowercase()).collect::<WordSet>();
        let mut abbreviation_words = WordSet::default();
        for a in &function.abbreviations {
            abbreviation_words.insert(a.clone());
            abbreviation_words.extend(a.match_indices('.').map(|(dot, _)| a[dot + 1..].to_owned()));
        }
        let abbreviated = |form: &str| form.strip_suffix('.').map(str::to_owned);
        abbreviation_words.extend(time.months.iter().flatten().filter_map(|m| abbreviated(m)));
        abbreviation_words.extend(
            ranks.rank.iter().flat_map(|r| r.variants.iter()).flat_map(|v| v.split_whitespace()).filter_map(abbreviated),
        );
        let name_blockers: WordSet =
            non_entities.outlet_words.iter().chain(&non_entities.region_words).chain(&non_entities.event_words).cloned().collect();
        let company_words: WordSet = non_entities.company_words.iter().map(|w| w.to_ascii_lowercase()).collect();
        let vessel_words: WordSet = non_entities.vessel_words.iter().map(|w| w.to_ascii_lowercase()).collect();
        let core = |phrase: &str| crate::names::core_words(phrase).join(" ");
        let unit_head_cores: Vec<String> = units.head.iter().map(|h| core(&h.phrase)).collect();
        let mut unit_head_by_core: WordMap<usize> = WordMap::default();
        for (id, h) in units.head.iter().enumerate() {
            for v in std::iter::once(&h.phrase).chain(&h.variants) {
                unit_head_by_core.entry(core(v)).or_insert(id);
            }
        }
        let function_words = lower(function.words);
        let name_particles = lower(function.name_particles);
        let name_connectors = lower(function.name_connectors);
        Ok(Lexicon {
            countries: countries.country,
            ranks: ranks.rank,
            roles: roles.role,
            unit_heads: units.head,
            unit_head_cores,
            unit_head_by_core,
            ignorable_modifiers: units.ignorable_modifiers,
            installation_heads: installations.head,
            agreement_kinds: agreements.kind,
            non_entities,
            cue: CueSets::new(&cues),
            cues,
            months: time.months,
            weekdays: time.weekdays,
            function_filter: WordFilter::new(&function_words),
            particle_filter: WordFilter::new(&name_particles),
            connector_filter: WordFilter::new(&name_connectors),
            function_words,
            name_particles,
            name_connectors,
            abbreviations: function.abbreviations,
            honorific_set: function.honorifics.iter().cloned().collect(),
            honorifics: function.honorifics,
            name_blockers,
            company_filter: WordFilter::new(&company_words),
            company_words,
            vessel_words,
            abbreviation_words,
            patterns,
            pattern_terms,
            matcher,
        })
    }

    /// Every lexicon phrase in `text` that stands on word boundaries and matches the letter
    /// case its kind requires, as non-overlapping matches chosen longest-first from the left.
    ///
    /// Accents and typographic apostrophes do not matter ("Brasília" is "Brasilia", "l’Air" is
    /// "l'Air"); the offsets are those of `text`.
    pub fn find(&self, original: &str) -> Vec<LexMatch<'_>> {
        // ASCII text folds to itself, offset for offset: no copy, no offset map.
        let folded_text;
        let offset_map;
        let (text, map): (&str, Option<&[usize]>) = if original.is_ascii() {
            (original, None)
        } else {
            (folded_text, offset_map) = fold_marks(original);
            (folded_text.as_str(), Some(&offset_map[..]))
        };
        let map = |at: usize| map.map_or(at, |m| m[at]);
        let mut found: Vec<LexMatch> = Vec::new();
        for m in self.matcher.find_overlapping_iter(text) {
            let (start, end) = (m.start(), m.end());
            if !is_word_boundary(text, start) || !is_word_boundary(text, end) {
                continue;
            }
            let pattern = &self.patterns[m.pattern().as_usize()];
            let surface = &text[start..end];
            let (start, end) = (map(start), map(end));
            let exact = surface == pattern;
            // Only asked of a place name not spelled as in the lexicon.
            let shouting = || surface.chars().any(char::is_alphabetic) && surface.chars().all(|c| !c.is_lowercase());
            let all_terms = &self.pattern_terms[m.pattern().as_usize()][..];
            let allowed = |t: &Term| {
                !t.case_sensitive()
                    || exact
                    // Datelines write place names in capitals: "NEW DELHI, 10 April".
                    || (matches!(t, Term::City(_) | Term::Country(_)) && surface.len() > 3 && shouting())
            };
            let terms: Cow<'_, [Term]> = if exact || all_terms.iter().all(allowed) {
                Cow::Borrowed(all_terms)
            } else {
                Cow::Owned(all_terms.iter().copied().filter(allowed).collect())
            };
            if !terms.is_empty() {
                found.push(LexMatch { start, end, terms });
            }
        }
        found.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
        // Longest first from the left: drop a match that starts inside the last one kept.
        let mut kept_end = 0;
        found.retain(|m| {
            let keep = m.start >= kept_end;
            if keep {
                kept_end = m.end;
            }
            keep
        });
        found
    }

    /// Whether `word` (a word token, without its dot) is an abbreviation: an abbreviation of
    /// the list, or its part after a dot, or an abbreviated month or rank word ("Sept.", "Lt.").
    pub fn is_abbreviation(&self, word: &str) -> bool {
        self.abbreviation_words.contains(word)
    }

    pub fn is_function_word(&self, word: &str) -> bool {
        in_set(&self.function_words, &self.function_filter, word)
    }

    pub fn is_name_particle(&self, word: &str) -> bool {
        in_set(&self.name_particles, &self.particle_filter, word)
    }

    pub fn is_name_connector(&self, word: &str) -> bool {
        in_set(&self.name_connectors, &self.connector_filter, word)
    }

    /// Whether `word` is an outlet, region or event word (letter case as written).
    pub fn is_name_blocker(&self, word: &str) -> bool {
        self.name_blockers.contains(word)
    }

    /// Whether `word` is an honorific ("Dr"), letter case as written.
    pub fn is_honorific(&self, word: &str) -> bool {
        self.honorific_set.contains(word)
    }

    /// Whether `word` is a word for a company, ignoring ASCII letter case.
    pub fn is_company_word(&self, word: &str) -> bool {
        self.company_filter.may_hold(word) && in_set_ascii_folded(&self.company_words, word)
    }

    /// Whether `word` is a word for a ship, ignoring ASCII letter case.
    pub fn is_vessel_word(&self, word: &str) -> bool {
        in_set_ascii_folded(&self.vessel_words, word)
    }

    /// The core of the unit head that `phrase` spells (its phrase or a variant), or the core of
    /// `phrase` itself when it spells none: "Ministry of Defence" → "ministry of defense".
    pub fn canonical_unit_core(&self, phrase: &str) -> String {
        let folded = crate::names::core_words(phrase).join(" ");
        match self.unit_head_by_core.get(&folded) {
            Some(&h) => self.unit_head_cores[h].clone(),
            None => folded,
        }
    }

    pub fn is_ignorable_modifier(&self, word: &str) -> bool {
        self.ignorable_modifiers.iter().any(|w| w.eq_ignore_ascii_case(word))
    }

    /// The country a demonym, country name or alias stands for, by exact (case-insensitive) text.
    pub fn country_by_name(&self, text: &str) -> Option<CountryId> {
        let t = text.trim();
        self.countries.iter().position(|c| {
            c.name.eq_ignore_ascii_case(t)
                || c.aliases.iter().any(|a| a.eq_ignore_ascii_case(t))
                || c.demonyms.iter().any(|a| a.eq_ignore_ascii_case(t))
        })
    }
}

/// `text` with accents and other combining marks removed and typographic apostrophes made
/// plain, letter case kept; and for each byte offset of the result (and its end), the byte
/// offset in `text` it comes from.
pub fn fold_marks(text: &str) -> (String, Vec<usize>) {
    use unicode_normalization::UnicodeNormalization;
    let mut folded = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len() + 1);
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(c) = text[i..].chars().next() {
        // A run of ASCII folds to itself, offset for offset: copy it whole.
        let run = bytes[i..].iter().position(|b| !b.is_ascii()).unwrap_or(bytes.len() - i);
        if run > 0 {
            folded.push_str(&text[i..i + run]);
            map.extend(i..i + run);
            i += run;
            continue;
        }
        let before = folded.len();
        match c {
            '\u{2019}' | '\u{2018}' | '\u{02BC}' => folded.push('\''),
            c => {
                for d in std::iter::once(c).nfd().filter(|d| !unicode_normalization::char::is_combining_mark(*d)) {
                    folded.push(d);
                }
                if folded.len() == before {
                    folded.push(c);
                }
            }
        }
        map.extend(std::iter::repeat(i).take(folded.len() - before));
        i += c.len_utf8();
    }
    map.push(text.len());
    (folded, map)
}

/// Whether a set of lower-case words holds `word`, without allocating for ASCII words and
/// without hashing those that `filter` rules out.
fn in_set(set: &WordSet, filter: &WordFilter, word: &str) -> bool {
    if word.is_ascii() && !filter.may_hold(word) {
        return false;
    }
    if word.bytes().all(|b| !b.is_ascii_uppercase()) {
        return set.contains(word);
    }
    if word.is_ascii() {
        return in_set_ascii_folded(set, word);
    }
    set.contains(&word.to_lowercase())
}

/// Whether a set of words holds `word` with its ASCII letters lower-cased, without allocating
/// for short words.
fn in_set_ascii_folded(set: &WordSet, word: &str) -> bool {
    if word.len() <= 32 {
        let mut buf = [0u8; 32];
        let lower = &mut buf[..word.len()];
        lower.copy_from_slice(word.as_bytes());
        // Only ASCII bytes change, so the bytes stay UTF-8.
        lower.make_ascii_lowercase();
        return set.contains(std::str::from_utf8(lower).unwrap_or(""));
    }
    set.contains(&word.to_ascii_lowercase())
}

/// Whether a byte offset sits between a word character and a non-word character.
pub fn is_word_boundary(text: &str, at: usize) -> bool {
    // An ASCII byte is a whole character: decode only around other ones.
    let bytes = text.as_bytes();
    let before = match at.checked_sub(1).map(|k| bytes[k]) {
        None => false,
        Some(b) if b.is_ascii() => b.is_ascii_alphanumeric(),
        Some(_) => text[..at].chars().next_back().is_some_and(char::is_alphanumeric),
    };
    let after = match bytes.get(at) {
        None => false,
        Some(b) if b.is_ascii() => b.is_ascii_alphanumeric(),
        Some(_) => text[at..].chars().next().is_some_and(char::is_alphanumeric),
    };
    !(before && after)
}

/// Whether `phrase` occurs in `text` as whole words, ignoring case.
pub fn contains_phrase(text: &str, phrase: &str) -> bool {
    find_phrase(text, phrase).is_some()
}

/// The first byte offset where `phrase` occurs in `text` as whole words, ignoring case.
pub fn find_phrase(text: &str, phrase: &str) -> Option<usize> {
    if phrase.is_empty() {
        return None;
    }
    let hay = text.to_lowercase();
    let needle = phrase.to_lowercase();
    if hay.len() != text.len() {
        // Lower-casing changed byte lengths: fall back to a slow but offset-exact search.
        return text.char_indices().map(|(i, _)| i).find(|&i| {
            text[i..].len() >= phrase.len()
                && text.is_char_boundary(i + phrase.len())
                && text[i..i + phrase.len()].eq_ignore_ascii_case(phrase)
                && is_word_boundary(text, i)
                && is_word_boundary(text, i + phrase.len())
        });
    }
    let mut from = 0;
    while let Some(pos) = hay[from..].find(&needle) {
        let at = from + pos;
        if is_word_boundary(text, at) && is_word_boundary(text, at + needle.len()) {
            return Some(at);
        }
        from = at + needle.len().max(1);
        while !hay.is_char_boundary(from) {
            from += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_lexicon_loads() {
        let lex = Lexicon::builtin().unwrap();
        assert!(lex.countries.len() > 150);
        assert!(lex.ranks.iter().any(|r| r.name == "Lieutenant General"));
    }

    #[test]
    fn finds_longest_phrase_on_word_boundaries() {
        let lex = Lexicon::builtin().unwrap();
        let text = "Lieutenant General X met the Moroccan Air Force";
        let found = lex.find(text);
        let surfaces: Vec<&str> = found.iter().map(|m| &text[m.start..m.end]).collect();
        assert!(surfaces.contains(&"Lieutenant General"), "{surfaces:?}");
        assert!(surfaces.contains(&"Moroccan"));
        assert!(surfaces.contains(&"Air Force"));
    }

    #[test]
    fn accents_and_curly_apostrophes_do_not_matter() {
        let lex = Lexicon::builtin().unwrap();
        let text = "received in Brasília by the Armée de l’Air";
        let found = lex.find(text);
        let surfaces: Vec<&str> = found.iter().map(|m| &text[m.start..m.end]).collect();
        assert!(surfaces.contains(&"Brasília"), "{surfaces:?}");
    }

    #[test]
    fn ranks_need_their_capital_letter() {
        let lex = Lexicon::builtin().unwrap();
        let found = lex.find("in general terms");
        assert!(found.iter().all(|m| !m.terms.iter().any(|t| matches!(t, Term::Rank(_)))));
    }

    #[test]
    fn phrase_search_respects_word_boundaries() {
        assert_eq!(find_phrase("he visited", "visit"), None);
        assert_eq!(find_phrase("a visit to", "visit"), Some(2));
        assert!(contains_phrase("He Met With", "met with"));
    }
}
