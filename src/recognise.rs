//! Recognise: find the spans of a sentence that name people, units, bases, agreements,
//! countries and cities, and the local entity each one denotes.
//!
//! Lexicon phrases (ranks, roles, demonyms, head words) anchor general constructions of news
//! English, tried left to right at each token:
//! - a rank, or a role title, before a capitalised name: "Lieutenant General Tarek Mostafa
//!   El-Ashmawy", "then-defense minister Benny Gantz";
//! - modifiers before an organisation or installation head word: "Royal Moroccan Air Force",
//!   "Tanagra Air Base", "Hellenic Air Force headquarters" (a base named after its unit),
//!   "Air Force Station Ambala" (head first), and a sub-unit after a possessive:
//!   "the Israeli Air Force's training department", "the HAF’s 114 Combat Wing";
//! - an agreement head word with its modifiers and complement: "a roadmap for air cooperation",
//!   "the maritime delimitation agreement", or a capitalised name: "… Accords";
//! - a surname or acronym already introduced in the document: "Bar", "HAF";
//! - a capitalised name in a position only a person takes: "his counterpart, X Y", "X Y, the
//!   commander of …", "X Y from the ministry", "X Y said".
//!
//! Entities are local to the document here; [`crate::resolve`] merges them across documents.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::analysis::{Class, DocAnalysis, Identity, LocalEntity, LocalId, Mention, Object, Pred};
use crate::lexicon::{HeadPosition, Lexicon, SentenceCues, Term, UnitLevel};
use crate::names;
use crate::segment::{Sentence, Token, TokenKind};

/// A recognised span of a sentence, by token indices (end exclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub entity: LocalId,
    pub class: Class,
    /// Inside a longer span ("Israel" in "Israel's Air Force").
    pub nested: bool,
}

/// The tokens of one sentence with their lexicon phrases, as the rules see them.
pub struct Tokens<'a> {
    pub text: &'a str,
    pub toks: &'a [Token],
    /// For each token that starts a lexicon phrase: the token after the phrase, and its terms.
    pub lex: Vec<Option<(usize, Cow<'a, [Term]>)>>,
    /// Each token in lower case, for the cue lists: borrowed from the text when it is already.
    pub lower: Vec<Cow<'a, str>>,
    /// The cue phrases that start at each token, found once for all the rules that ask.
    pub cues: SentenceCues,
    /// One past the last token that starts a unit or installation head (0 for none): no
    /// organisation starts at or after it, as every one needs a head.
    heads_end: usize,
    /// One past the last token that starts an agreement head (0 for none).
    agreements_end: usize,
    /// The letter case of each token ([`Shape`]), which the rules ask of the same tokens
    /// again and again.
    shapes: Vec<u8>,
}

/// Bits of [`Tokens::shapes`].
struct Shape;

impl Shape {
    /// A word whose first character is upper case.
    const CAP: u8 = 1;
    /// A word whose first character is lower case.
    const LOWER: u8 = 2;
    /// A word of two or more characters, every one upper case or an ASCII digit.
    const ALL_CAPS: u8 = 4;

    fn of(token: &Token, word: &str) -> u8 {
        if token.kind != TokenKind::Word {
            return 0;
        }
        let first = word.chars().next();
        let mut shape = 0;
        if first.is_some_and(char::is_uppercase) {
            shape |= Shape::CAP;
        }
        if first.is_some_and(char::is_lowercase) {
            shape |= Shape::LOWER;
        }
        // The letter test first: it fails at the first letter of most words.
        if word.chars().all(|c| c.is_uppercase() || c.is_ascii_digit()) && word.chars().count() >= 2 {
            shape |= Shape::ALL_CAPS;
        }
        shape
    }
}

impl<'a> Tokens<'a> {
    pub fn new(text: &'a str, sentence: &'a Sentence, lexicon: &'a Lexicon) -> Self {
        let toks = &sentence.tokens[..];
        let mut lex = vec![None; toks.len()];
        for m in lexicon.find(&text[sentence.start..sentence.end]) {
            let (s, e) = (m.start + sentence.start, m.end + sentence.start);
            let Ok(first) = toks.binary_search_by_key(&s, |t| t.start) else { continue };
            let Some(last) = toks[first..].iter().position(|t| t.end == e) else { continue };
            lex[first] = Some((first + last + 1, m.terms));
        }
        let lower: Vec<Cow<'a, str>> = toks.iter().map(|t| lower_case(t.text(text))).collect();
        let shapes: Vec<u8> = toks.iter().map(|t| Shape::of(t, t.text(text))).collect();
        let cues = lexicon.cue.scan(&lower);
        let last_with = |pick: fn(&Term) -> bool| {
            lex.iter().rposition(|l| l.as_ref().is_some_and(|(_, terms)| terms.iter().any(pick))).map_or(0, |k| k + 1)
        };
        let heads_end = last_with(|x| matches!(x, Term::UnitHead(_) | Term::InstallationHead(_)));
        let agreements_end = last_with(|x| matches!(x, Term::Agreement(_)));
        Tokens { text, toks, lex, lower, cues, heads_end, agreements_end, shapes }
    }

    pub fn len(&self) -> usize {
        self.toks.len()
    }
    pub fn is_empty(&self) -> bool {
        self.toks.is_empty()
    }
    pub fn word(&self, i: usize) -> &'a str {
        self.toks.get(i).map_or("", |t| t.text(self.text))
    }
    pub fn is_word(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| t.kind == TokenKind::Word)
    }
    fn has_shape(&self, i: usize, shape: u8) -> bool {
        self.shapes.get(i).is_some_and(|s| s & shape != 0)
    }
    /// A word whose first character is upper case.
    pub fn is_cap(&self, i: usize) -> bool {
        self.has_shape(i, Shape::CAP)
    }
    /// A word whose first character is lower case.
    pub fn is_lower(&self, i: usize) -> bool {
        self.has_shape(i, Shape::LOWER)
    }
    /// A word of two or more characters, all upper case or ASCII digits.
    pub fn is_all_caps(&self, i: usize) -> bool {
        self.has_shape(i, Shape::ALL_CAPS)
    }
    /// Lexicon terms of the phrase starting at `i`, and the token after it.
    pub fn terms(&self, i: usize) -> Option<(usize, &[Term])> {
        self.lex.get(i)?.as_ref().map(|(e, t)| (*e, &t[..]))
    }
    pub fn term(&self, i: usize, pick: impl Fn(Term) -> bool) -> Option<(usize, Term)> {
        let (end, terms) = self.terms(i)?;
        terms.iter().copied().find(|t| pick(*t)).map(|t| (end, t))
    }
    /// Whether token `i` is glued to the one before it (no whitespace).
    pub fn glued(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| !t.space_before)
    }
    /// The token after a possessive ending at `i` ("’s", "'s", or a plural's bare "’"), if one does.
    pub fn possessive(&self, i: usize) -> Option<usize> {
        let apostrophe = matches!(self.word(i), "'" | "\u{2019}") && self.glued(i);
        if !apostrophe {
            return None;
        }
        if self.word(i + 1) == "s" && self.glued(i + 1) && !self.is_word_glued_after(i + 1) {
            return Some(i + 2);
        }
        if self.word(i.wrapping_sub(1)).ends_with('s') && !self.glued(i + 1) {
            return Some(i + 1);
        }
        None
    }
    fn is_word_glued_after(&self, i: usize) -> bool {
        self.toks.get(i + 1).is_some_and(|t| !t.space_before && t.kind != TokenKind::Punct)
    }
    /// The end of the word starting at `i`, joining tokens glued by hyphens, apostrophes and
    /// dots ("El-Ashmawy", "Mont-de-Marsan", "l’Air") but not a possessive.
    pub fn word_end(&self, i: usize) -> usize {
        let mut j = i + 1;
        while j + 1 < self.len()
            && self.glued(j)
            && matches!(self.word(j), "-" | "'" | "\u{2019}" | ".")
            && self.glued(j + 1)
            && self.toks[j + 1].kind != TokenKind::Punct
            && self.possessive(j).is_none()
        {
            j += 2;
        }
        j
    }
    /// The countries the sentence names, by name or demonym, in order.
    pub fn nations(&self) -> Vec<usize> {
        (0..self.len())
            .filter_map(|k| match self.term(k, |x| matches!(x, Term::Demonym(_) | Term::Country(_))) {
                Some((_, Term::Demonym(c) | Term::Country(c))) => Some(c),
                _ => None,
            })
            .collect()
    }
    pub fn span_text(&self, start: usize, end: usize) -> &'a str {
        &self.text[self.toks[start].start..self.toks[end - 1].end]
    }
    /// Whether the lower-cased words from `i` on spell `phrase`.
    pub fn phrase_at(&self, i: usize, phrase: &str) -> Option<usize> {
        // The phrase's words one by one, without a splitting iterator: most calls fail on the
        // first word, and some callers try every token.
        let mut j = i;
        let mut rest = phrase.as_bytes();
        while !rest.is_empty() {
            let n = rest.iter().position(|&b| b == b' ').unwrap_or(rest.len());
            if n > 0 {
                if !self.word(j).as_bytes().eq_ignore_ascii_case(&rest[..n]) {
                    return None;
                }
                j += 1;
            }
            rest = &rest[(n + 1).min(rest.len())..];
        }
        Some(j)
    }
}

/// `word` in lower case, borrowed when lower-casing would not change it (ASCII without
/// capitals: most words of a text).
fn lower_case(word: &str) -> Cow<'_, str> {
    if word.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
        Cow::Borrowed(word)
    } else if word.is_ascii() {
        Cow::Owned(word.to_ascii_lowercase())
    } else {
        Cow::Owned(word.to_lowercase())
    }
}

/// A name read at a position: its token range and words.
#[derive(Debug, Clone)]
struct NameParse {
    end: usize,
    words: usize,
    /// The token after a possessive ending the name.
    possessive: Option<usize>,
}

/// A parsed organisation or installation phrase.
#[derive(Debug, Clone)]
struct OrgParse {
    start: usize,
    end: usize,
    class: Class,
    /// Countries named among the modifiers, with their token ranges and whether possessive.
    countries: Vec<(usize, usize, usize)>,
    core: String,
    level: Option<UnitLevel>,
    /// For a base named after a unit, or a sub-unit after a possessive: the inner unit.
    inner: Option<Box<OrgParse>>,
    inner_entity: Option<LocalId>,
    /// For a base with its head first: the token range of the place name after the head.
    tail: Option<(usize, usize)>,
}

/// The document's one person whose name words satisfy `matches`, when there is exactly one.
fn only_person(doc: &DocAnalysis, matches: impl Fn(&[String]) -> bool) -> Option<LocalId> {
    let mut found = doc.entities.iter().enumerate().filter_map(|(id, e)| match &e.identity {
        Identity::Person { words } if matches(words) => Some(id),
        _ => None,
    });
    match (found.next(), found.next()) {
        (Some(id), None) => Some(id),
        _ => None,
    }
}

/// What follows a unit's head and names it ([`DocRecogniser::nation_or_unit_after_of`]).
enum AfterOf {
    /// The nation's lexicon index and token range.
    Nation((usize, usize, usize)),
    /// The unit it belongs to.
    Unit(OrgParse),
}

/// A modifier of an organisation's name as [`DocRecogniser::parse_modified_org`] reads it, by
/// token position.
#[derive(Debug, Clone, Copy)]
enum CorePart {
    /// The core words of the tokens `start..end` ([`names::core_words`]).
    Words(usize, usize),
    /// The token as written ("18th", "17").
    Token(usize),
    /// The token in lower case (a connector: "of", "and").
    Lower(usize),
    /// A modifier left out of the core name ("Royal"), kept as an empty word.
    Ignored,
}

/// The core words of an organisation's modifiers, as the parser's core name holds them.
fn spell_out(t: &Tokens, modifiers: &[CorePart]) -> Vec<String> {
    let mut core = Vec::new();
    for part in modifiers {
        match *part {
            CorePart::Words(start, end) => core.extend(names::core_words(t.span_text(start, end))),
            CorePart::Token(k) => core.push(t.word(k).to_owned()),
            CorePart::Lower(k) => core.push(t.lower[k].clone().into_owned()),
            CorePart::Ignored => core.push(String::new()),
        }
    }
    core
}

/// The recogniser's memory of one document.
pub struct DocRecogniser<'l> {
    lex: &'l Lexicon,
    acronyms: Vec<(String, LocalId)>,
    cities: HashMap<String, LocalId>,
    /// The last unit seen for each head phrase, for generic back-references ("the air force").
    last_by_head: HashMap<String, Vec<LocalId>>,
    /// The country of the dateline's city ("ABUJA —"): whose units "the Navy" means by default.
    pub home_country: Option<usize>,
}

impl<'l> DocRecogniser<'l> {
    pub fn new(lex: &'l Lexicon) -> Self {
        DocRecogniser { lex, acronyms: Vec::new(), cities: HashMap::new(), last_by_head: HashMap::new(), home_country: None }
    }

    /// Recognise the spans of sentence `si`, adding entities, mentions and the facts that the
    /// names themselves state (a rank before a name, a demonym in a unit's name) to `doc`.
    pub fn sentence(&mut self, doc: &mut DocAnalysis, t: &Tokens, si: usize) -> Vec<Span> {
        let mut spans: Vec<Span> = Vec::new();
        let mut i = 0;
        while i < t.len() {
            if let Some(end) = self.ship_name(t, i) {
                i = end;
                continue;
            }
            let before = spans.len();
            let next = self
                .rank_or_role_person(doc, t, si, i, &mut spans)
                .or_else(|| self.organisation(doc, t, si, i, &mut spans))
                .or_else(|| self.agreement(doc, t, si, i, &mut spans))
                .or_else(|| self.acronym(doc, t, si, i, &mut spans))
                .or_else(|| self.place(doc, t, si, i, &mut spans))
                .or_else(|| self.known_person(doc, t, si, i, &mut spans))
                .or_else(|| self.cued_person(doc, t, si, i, &mut spans))
                .or_else(|| self.cued_city(doc, t, si, i, &mut spans));
            match next {
                Some(end) if end > i => {
                    // A parenthesised acronym or alias right after a name: "(HAF)", "(Vayu Bhawan)".
                    i = self.parenthesised_alias(doc, t, si, end, &mut spans, before);
                }
                // Nothing starts here: step over the whole lexicon phrase, so that its inner words
                // ("General" in "Inspector General") never start a name of their own.
                _ => i = t.terms(i).map_or(i + 1, |(end, _)| end.max(i + 1)),
            }
        }
        spans.sort_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
        spans
    }

    /// The end of a ship's name at `i`, after a word for a ship: "the minehunter EML Admiral X"
    /// names no admiral, "the training ship Y" no town.
    fn ship_name(&self, t: &Tokens, i: usize) -> Option<usize> {
        if i == 0 || !t.is_lower(i - 1) || !t.is_cap(i) || !self.lex.is_vessel_word(t.word(i - 1)) {
            return None;
        }
        let mut end = i;
        while end < t.len() && t.is_cap(end) && !self.lex.is_function_word(t.word(end)) {
            end = t.word_end(end);
        }
        (end > i).then_some(end)
    }

    pub fn mention(&self, doc: &mut DocAnalysis, t: &Tokens, si: usize, start: usize, end: usize, entity: LocalId) {
        let (s, e) = (t.toks[start].start, t.toks[end - 1].end);
        let surface = t.text[s..e].to_owned();
        if !doc.entities[entity].names.contains(&surface) {
            doc.entities[entity].names.push(surface.clone());
        }
        if !doc.mentions.iter().any(|m| m.start == s && m.end == e && m.entity == entity) {
            doc.mentions.push(Mention { start: s, end: e, entity, sentence: si, text: surface });
        }
    }

    fn new_entity(doc: &mut DocAnalysis, class: Class, identity: Identity, rule: &'static str) -> LocalId {
        doc.entities.push(LocalEntity { class, identity, names: Vec::new(), rule });
        doc.entities.len() - 1
    }

    // ---- people ------------------------------------------------------------------------

    /// Read a personal name at `i`: 1–5 capitalised words (name particles allowed inside).
    fn name_at(&self, t: &Tokens, i: usize, max_words: usize) -> Option<NameParse> {
        let mut j = i;
        let mut words = 0;
        let mut possessive = None;
        while j < t.len() && words < max_words {
            let w = t.word(j);
            let particle = t.is_lower(j) && self.lex.is_name_particle(w) && {
                // "el-Farouk", "bin Salman": a particle joined or followed by a capitalised word.
                let e = t.word_end(j);
                (e > j + 1 && t.is_cap(j + 2)) || (t.is_cap(e) && words > 0)
            };
            if !(t.is_cap(j) || particle) {
                break;
            }
            if t.is_cap(j) && (self.lex.is_function_word(w) && words == 0 || self.blocks_name(t, j, words)) {
                break;
            }
            let end = t.word_end(j);
            words += 1;
            j = end;
            // An initial: "J. Smith".
            if t.word(j) == "." && t.glued(j) && t.word(j - 1).chars().count() == 1 {
                j += 1;
            }
            if let Some(after) = t.possessive(j) {
                possessive = Some(after);
                break;
            }
        }
        // A name does not end on a particle.
        while words > 0 && t.is_lower(j - 1) && self.lex.is_name_particle(t.word(j - 1)) {
            j -= 1;
            words -= 1;
        }
        (words > 0).then_some(NameParse { end: j, words, possessive })
    }

    /// Whether the lexicon says the word at `j` cannot be part of a personal name.
    fn blocks_name(&self, t: &Tokens, j: usize, words_so_far: usize) -> bool {
        if let Some((_, terms)) = t.terms(j) {
            return terms.iter().any(|term| match term {
                Term::Rank(_) | Term::Role(_) | Term::UnitHead(_) | Term::InstallationHead(_) | Term::Agreement(_)
                | Term::Month(_) | Term::Weekday(_) | Term::Region => true,
                Term::Country(_) | Term::Demonym(_) | Term::City(_) => words_so_far == 0,
            });
        }
        self.lex.is_name_blocker(t.word(j))
    }

    /// A person entity for the name at `start..end`, reusing one of the document's people when
    /// the names match.
    fn person(&mut self, doc: &mut DocAnalysis, t: &Tokens, si: usize, start: usize, end: usize, rule: &'static str) -> LocalId {
        let surface = t.span_text(start, end);
        let words = names::name_words(surface);
        let found = doc.entities.iter().enumerate().find_map(|(id, e)| match &e.identity {
            Identity::Person { words: known } if *known == words || names::person_names_match(known, &words) => Some(id),
            _ => None,
        });
        // "Gen. Z" after "Lt. Gen. X Y Z": a surname after a rank is the document's one person
        // of that surname, when there is just one.
        let found = found.or_else(|| only_person(doc, |known| names::surname_words_match(&words, known)));
        let id = match found {
            Some(id) => {
                if let Identity::Person { words: known } = &mut doc.entities[id].identity {
                    if words.len() > known.len() {
                        *known = words;
                    }
                }
                id
            }
            None => Self::new_entity(doc, Class::Person, Identity::Person { words }, rule),
        };
        self.mention(doc, t, si, start, end, id);
        id
    }

    /// "Lieutenant General X Y", "Commander X Y", "then-defense minister X Y", and a role before
    /// a rank: "spokesman Colonel X Y".
    fn rank_or_role_person(&mut self, doc: &mut DocAnalysis, t: &Tokens, si: usize, i: usize, spans: &mut Vec<Span>) -> Option<usize> {
        let mut j = i;
        let mut rank = None;
        let mut role = None;
        if let Some((end, Term::Role(r))) = t.term(i, |x| matches!(x, Term::Role(_))) {
            role = Some(r);
            j = end;
        }
        if let Some((end, Term::Rank(r))) = t.term(j, |x| matches!(x, Term::Rank(_))) {
            // A rank stands before a name only when capitalised as a title.
            if t.is_cap(j) {
                rank = Some(r);
                j = end;
                if t.word(j) == "." && t.glued(j) {
                    j += 1;
                }
            }
        }
        // An honorific between the title and the name: "Cabinet Secretary Dr. X Y".
        let honorific = |k: usize| self.lex.is_honorific(t.word(k));
        if honorific(j) {
            j += 1;
            if t.word(j) == "." && t.glued(j) {
                j += 1;
            }
        }
        if rank.is_none() && role.is_none() {
            return None;
        }
        let name = self.name_at(t, j, 5)?;
        // A name running into an organisation's or installation's head word is that one's
        // name: "King Faisal Air Academy".
        if t.term(name.end, |x| matches!(x, Term::UnitHead(_) | Term::InstallationHead(_))).is_some() && name.possessive.is_none() {
            return None;
        }
        // Without a rank, a role title is a person's only when a full name follows.
        if rank.is_none() && name.words < 2 {
            return None;
        }
        let name_end = name.end;
        let person = self.person(doc, t, si, j, name_end, if rank.is_some() { "rank-before-name" } else { "title-before-name" });
        spans.push(Span { start: j, end: name_end, entity: person, class: Class::Person, nested: false });
        if let Some(r) = rank {
            doc.add_fact(person, Pred::Rank, Object::Text(self.lex.ranks[r].name.clone()), si, "rank-before-name");
        }
        if let Some(r) = role {
            doc.add_fact(person, Pred::Role, Object::Text(self.lex.roles[r].name.clone()), si, "title-before-name");
        }
        Some(name.possessive.unwrap_or(name_end))
    }

    /// A surname (or fuller form) of a person already named in this document.
    fn known_person(&mut self, doc: &mut DocAnalysis, t: &Tokens, si: usize, i: usize, spans: &mut Vec<Span>) -> Option<usize> {
        if !t.is_cap(i) || self.lex.is_function_word(t.word(i)) && t.word_end(i) == i + 1 && !self.is_known_surname(doc, t.word(i)) {
            return None;
        }
        let name = self.name_at(t, i, 4)?;
        let surface = t.span_text(i, name.end);
        let words = names::name_words(surface);
        let person = only_person(doc, |known| {
            if words.len() == 1 {
                // `words` is the surface's name words, as `surname_matches` would fold them.
                names::surname_words_match(&words, known)
            } else {
                *known == words || names::person_names_match(known, &words)
            }
        })?;
        self.mention(doc, t, si, i, name.end, person);
        spans.push(Span { start: i, end: name.end, entity: person, class: Class::Person, nested: false });
        Some(name.possessive.unwrap_or(name.end))
    }

    fn is_known_surname(&self, doc: &DocAnalysis, word: &str) -> bool {
        let word = names::name_words(word);
        doc.entities.iter().any(|e| matches!(&e.identity, Identity::Person { words } if names::surname_words_match(&word, words)))
    }

    /// A full name where only a person can stand: after "counterpart,", before ", the <role>",
    /// before "from/of the <unit>", before a speech verb.
    fn cued_person(&mut self, doc: &mut DocAnalysis, t: &Tokens, si: usize, i: usize, spans: &mut Vec<Span>) -> Option<usize> {
        if !t.is_cap(i) {
            return None;
        }
        // "the Centre for Strategic and International Studies said": the end of a longer name.
        if i >= 2 && t.is_lower(i - 1) && self.lex.is_name_connector(t.word(i - 1)) && t.is_cap(i - 2) {
            return None;
        }
        let name = self.name_at(t, i, 5)?;
        if name.words < 2 || name.possessive.is_some() {
            return None;
        }
        let e = name.end;
        let after_counterpart = i >= 2 && t.word(i - 1) == "," && t.word(i - 2).to_lowercase().starts_with("counterpart");
        // ", (the) (Indonesia's | Indonesian)? (navy)? ROLE": an apposition that only a person takes.
        let role_follows = t.word(e) == "," && {
            let mut k = e + 1;
            if t.word(k).eq_ignore_ascii_case("the") {
                k += 1;
            }
            if let Some((end, _)) = t.term(k, |x| matches!(x, Term::Country(_) | Term::Demonym(_))) {
                k = t.possessive(end).unwrap_or(end);
            }
            if let Some((end, _)) = t.term(k, |x| matches!(x, Term::UnitHead(_))) {
                if t.term(end, |x| matches!(x, Term::Role(_))).is_some() {
                    k = end;
                }
            }
            t.term(k, |x| matches!(x, Term::Role(_) | Term::Rank(_))).is_some()
        };
        let member_follows = self.lex.cues.membership_prepositions.iter().any(|p| t.word(e).eq_ignore_ascii_case(p))
            && t.word(e).eq_ignore_ascii_case("from")
            && (t.word(e + 1).eq_ignore_ascii_case("the") || t.term(e + 1, |x| matches!(x, Term::Country(_) | Term::Demonym(_))).is_some());
        let speaks = self.lex.cue.speech_verbs.at(&t.cues, e).is_some();
        if !(after_counterpart || role_follows || member_follows || speaks) {
            return None;
        }
        let person = self.person(doc, t, si, i, e, "name-in-person-position");
        spans.push(Span { start: i, end: e, entity: person, class: Class::Person, nested: false });
        Some(e)
    }

    // ---- organisations and installations ------------------------------------------------

    /// A unit or base phrase at `i`, with the entities it names.
    fn organisation(&mut self, doc: &mut DocAnalysis, t: &Tokens, si: usize, i: usize, spans: &mut Vec<Span>) -> Option<usize> {
        let Some(parse) = self.parse_org(t, i) else {
            return self.generic_parent_sub_unit(doc, t, si, i, spans).or_else(|| self.bare_head_reference(doc, t, si, i, spans));
        };
        let mut parse = parse;
        let after = self.sub_unit(t, &mut parse);
        self.org_entities(doc, t, si, &mut parse, spans, false);
        Some(after)
    }

    /// "the air force’s Training Authority": a sub-unit of the unit that the generic reference
    /// stands for: of the units with that head named so far, the one of a nation the sentence
    /// names, or else the last one.
    fn generic_parent_sub_unit(&mut self, doc: &mut DocAnalysis, t: &Tokens, si: usize, i: usize, spans: &mut Vec<Span>) -> Option<usize> {
        let (end, Term::UnitHead(h)) = t.term(i, |x| matches!(x, Term::UnitHead(_)))? else { return None };
        if !t.is_lower(i) || i == 0 || !t.word(i - 1).eq_ignore_ascii_case("the") {
            return None;
        }
        let after = t.possessive(end)?;
        let mut sub = self.parse_org_after_possessive(t, after)?;
        if sub.class != Class::Unit {
            return None;
        }
        let candidates = self.top_units_with_head(doc, &self.lex.unit_head_cores[h]);
        let nations = t.nations();
        let of_nation = candidates.iter().rev().copied().find(|&u| {
            doc.entity_objects(u, Pred::Country).iter().any(|c| matches!(doc.entities[*c].identity, Identity::Country(k) if nations.contains(&k)))
        });
        let parent = of_nation.or_else(|| candidates.last().copied())?;
        sub.start = i;
        let id = self.org_entities(doc, t, si, &mut sub, spans, false)?;
        if let Identity::Unit { parent: p, .. } = &mut doc.entities[id].identity {
            *p = Some(parent);
        }
        doc.add_fact(id, Pred::PartOf, Object::Entity(parent), si, "possessive-sub-unit-of-generic-reference");
        self.mention(doc, t, si, after, sub.end, id);
        Some(sub.end)
    }

    /// "the Navy", "the Armed Forces": a capitalised head alone names the unit of that kind the
    /// document named last. With none named, it names nothing.
    fn bare_head_reference(&mut self, doc: &mut DocAnalysis, t: &Tokens, si: usize, i: usize, spans: &mut Vec<Span>) -> Option<usize> {
        let (end, Term::UnitHead(h)) = t.term(i, |x| matches!(x, Term::UnitHead(_)))? else { return None };
        if !t.is_cap(i) || t.is_cap(end) && t.terms(end).is_none() {
            return None;
        }
        let head = &self.lex.unit_head_cores[h];
        let surface = names::core_words(t.span_text(i, end));
        let candidates: Vec<LocalId> = self.last_by_head.get(head)?.iter().rev().copied().filter(|&u| matches!(doc.entities[u].identity, Identity::Unit { parent: None, .. })).collect();
        // The unit whose own name ends in the same words ("Land Forces" → "Turkish Land Forces"),
        // else the last one of that kind.
        let same_words: Vec<LocalId> = candidates.iter().copied().filter(|&u| doc.entities[u].names.iter().any(|n| names::core_words(n).ends_with(&surface))).collect();
        let candidates = if same_words.is_empty() { candidates } else { same_words };
        let home = self.home_country.and_then(|c| {
            candidates.iter().copied().find(|&u| doc.entity_objects(u, Pred::Country).iter().any(|&x| doc.entities[x].identity == Identity::Country(c)))
        });
        let unit = home.or_else(|| candidates.first().copied())?;
        // "the Land Forces headquarters": the unit's installation.
        if let Some((bend, Term::InstallationHead(bh))) = t.term(end, |x| matches!(x, Term::InstallationHead(_))) {
            if self.lex.installation_heads[bh].position == HeadPosition::After {
                let core = names::core_words(&self.lex.installation_heads[bh].phrase).join(" ");
                let mut p = OrgParse { start: i, end: bend, class: Class::Base, countries: vec![], core, level: None, inner: None, inner_entity: None, tail: None };
                let base = self.org_entities(doc, t, si, &mut p, spans, false)?;
                if let Identity::Base { operator, .. } = &mut doc.entities[base].identity {
                    *operator = Some(unit);
                }
                doc.add_fact(base, Pred::OperatedBy, Object::Entity(unit), si, "base-named-after-unit");
                self.mention(doc, t, si, i, end, unit);
                spans.push(Span { start: i, end, entity: unit, class: Class::Unit, nested: true });
                return Some(bend);
            }
        }
        self.mention(doc, t, si, i, end, unit);
        spans.push(Span { start: i, end, entity: unit, class: Class::Unit, nested: false });
        Some(t.possessive(end).unwrap_or(end))
    }

    /// After a unit, a possessive and a sub-unit: "…'s training department". Returns the token
    /// after everything read.
    fn sub_unit(&self, t: &Tokens, parse: &mut OrgParse) -> usize {
        if parse.class != Class::Unit {
            return parse.end;
        }
        let Some(after) = t.possessive(parse.end) else { return parse.end };
        if let Some(sub) = self.parse_org_after_possessive(t, after) {
            let outer = std::mem::replace(parse, sub);
            parse.start = outer.start;
            parse.inner = Some(Box::new(outer));
        }
        parse.end
    }

    /// Modifiers and a head word: "Royal Moroccan Air Force", "Ben Guerir airbase",
    /// "Air Force Station Ambala", "No. 17 Squadron".
    fn parse_org(&self, t: &Tokens, i: usize) -> Option<OrgParse> {
        if i >= t.heads_end {
            return None;
        }
        // "the shipbuilder Naval Group": a name after a word for a company is a company's.
        if i > 0 && self.lex.is_company_word(t.word(i - 1)) {
            return None;
        }
        // Head first: "Air Force Station Ambala", "Camp X".
        if let Some((end, Term::InstallationHead(h))) = t.term(i, |x| matches!(x, Term::InstallationHead(_))) {
            if self.lex.installation_heads[h].position == HeadPosition::Before && t.is_cap(i) {
                let name = self.name_at(t, end, 3)?;
                let core = names::core_words(t.span_text(i, name.end)).join(" ");
                return Some(OrgParse {
                    start: i,
                    end: name.end,
                    class: Class::Base,
                    countries: vec![],
                    core,
                    level: None,
                    inner: None,
                    inner_entity: None,
                    tail: Some((end, name.end)),
                });
            }
        }
        self.parse_modified_org(t, i, false)
    }

    fn parse_org_after_possessive(&self, t: &Tokens, i: usize) -> Option<OrgParse> {
        self.parse_modified_org(t, i, true)
    }

    /// `mods* head` where mods are countries, demonyms, capitalised words and numbers; lower-case
    /// words only after a demonym or possessive ("Moroccan air force", "…'s training department").
    fn parse_modified_org(&self, t: &Tokens, i: usize, after_possessive: bool) -> Option<OrgParse> {
        // Every parse ends on a head word.
        if i >= t.heads_end {
            return None;
        }
        let mut j = i;
        let mut countries: Vec<(usize, usize, usize)> = Vec::new();
        // The modifiers' words, spelled out only once a head word is found: most starts fail.
        let mut modifiers: Vec<CorePart> = Vec::new();
        let mut lower_ok = after_possessive;
        let mut lower_count = 0;
        let mut first = true;
        loop {
            if j >= t.len() {
                return None;
            }
            // The head word.
            if let Some((end, term)) = t.term(j, |x| matches!(x, Term::UnitHead(_) | Term::InstallationHead(_))) {
                let core = spell_out(t, &modifiers);
                let capital_head = t.is_cap(j) || t.is_all_caps(j);
                let named = !core.is_empty() || !countries.is_empty();
                // A lower-case plural head ("air forces", "combat squadrons") is generic.
                let surface = t.span_text(j, end);
                let canonical = match term {
                    Term::UnitHead(h) => &self.lex.unit_heads[h].phrase,
                    Term::InstallationHead(h) => &self.lex.installation_heads[h].phrase,
                    _ => unreachable!(),
                };
                if !capital_head && surface.ends_with('s') && !canonical.ends_with('s') {
                    return None;
                }
                let (class, level, head_phrase) = match term {
                    Term::UnitHead(h) => (Class::Unit, Some(self.lex.unit_heads[h].level), self.lex.unit_heads[h].phrase.clone()),
                    Term::InstallationHead(h) if self.lex.installation_heads[h].position == HeadPosition::After => {
                        (Class::Base, None, self.lex.installation_heads[h].phrase.clone())
                    }
                    _ => return None,
                };
                // "Ministry of Defence of Uzbekistan", "General Staff of the Armed Forces of X": a
                // unit named by its nation, or by the unit it belongs to, after its head.
                let after_of = match class {
                    Class::Unit if countries.is_empty() && !after_possessive => self.nation_or_unit_after_of(t, end),
                    _ => None,
                };
                // A bare lower-case head is a generic reference ("the air force bases"), and a
                // bare capitalised one a back-reference; a base needs a name before its head.
                let ok = match class {
                    Class::Base => named && (core.iter().any(|w| !w.is_empty()) || !countries.is_empty()),
                    // A bare capitalised head ("the Navy") refers back to a unit already named;
                    // see `bare_head_reference`.
                    _ => named || after_possessive || after_of.is_some(),
                };
                if !ok {
                    return None;
                }
                // A unit's head may be followed by an installation head: a base named after its unit.
                let mut parse = OrgParse {
                    start: i,
                    end,
                    class,
                    countries: countries.clone(),
                    core: {
                        let mut c: Vec<String> = core.iter().filter(|w| !w.is_empty()).cloned().collect();
                        c.extend(names::core_words(&head_phrase));
                        c.join(" ")
                    },
                    level,
                    inner: None,
                    inner_entity: None,
                    tail: None,
                };
                match after_of {
                    Some(AfterOf::Nation(country)) => {
                        parse.end = country.2;
                        parse.countries.push(country);
                        return Some(parse);
                    }
                    Some(AfterOf::Unit(parent)) => {
                        parse.end = parent.end;
                        parse.inner = Some(Box::new(parent));
                        return Some(parse);
                    }
                    None => {}
                }
                // A unit's name is a base's operator only when it is a plain unit name (nation,
                // honorific, head): "Hellenic Air Force Academy", not "Güvercinlik Army Air Base".
                let plain_unit = core.iter().all(|w| w.is_empty());
                if class == Class::Unit {
                    if let Some((bend, Term::InstallationHead(bh))) = t.term(end, |x| matches!(x, Term::InstallationHead(_))) {
                        if self.lex.installation_heads[bh].position == HeadPosition::After && !plain_unit {
                            let head = self.lex.installation_heads[bh].phrase.clone();
                            let mut c: Vec<String> = core.iter().filter(|w| !w.is_empty()).cloned().collect();
                            c.extend(names::core_words(t.span_text(j, end)));
                            c.extend(names::core_words(&head));
                            return Some(OrgParse { start: i, end: bend, class: Class::Base, countries, core: c.join(" "), level: None, inner: None, inner_entity: None, tail: None });
                        }
                        if self.lex.installation_heads[bh].position == HeadPosition::After {
                            let head = self.lex.installation_heads[bh].phrase.clone();
                            return Some(OrgParse {
                                start: i,
                                end: bend,
                                class: Class::Base,
                                countries: vec![],
                                core: names::core_words(&head).join(" "),
                                level: None,
                                inner: Some(Box::new(parse)),
                                inner_entity: None,
                                tail: None,
                            });
                        }
                    }
                    // A unit's name goes on with a capitalised word after the head only when
                    // another head follows: "Air Force Training Command".
                    if t.is_cap(end) {
                        if let Some(longer) = self.parse_modified_org(t, end, false) {
                            if longer.class == Class::Unit && longer.start == end && longer.countries.is_empty() {
                                parse.end = longer.end;
                                parse.core = format!("{} {}", parse.core, longer.core);
                                parse.level = longer.level;
                            }
                        }
                    }
                }
                // "RAAF Base Tindal": an acronym, the head, and the place's name after it.
                if class == Class::Base && core.len() == 1 && t.is_all_caps(i) && t.is_cap(parse.end) && t.terms(parse.end).is_none() {
                    if let Some(name) = self.name_at(t, parse.end, 2) {
                        if name.possessive.is_none() {
                            parse.core = format!("{} {}", parse.core, names::core_words(t.span_text(parse.end, name.end)).join(" "));
                            parse.tail = Some((parse.end, name.end));
                            parse.end = name.end;
                        }
                    }
                }
                return Some(parse);
            }
            // A country, maybe possessive: "Israel's Air Force", "Morocco's Royal Armed Forces".
            if let Some((end, Term::Country(c))) = t.term(j, |x| matches!(x, Term::Country(_))) {
                if !first || after_possessive {
                    return None;
                }
                countries.push((c, j, end));
                first = false;
                lower_ok = true;
                j = t.possessive(end).unwrap_or(end);
                continue;
            }
            // A demonym, or a compound of them: "Moroccan-Israeli".
            if let Some((mut end, Term::Demonym(c))) = t.term(j, |x| matches!(x, Term::Demonym(_))) {
                // "Egyptian and Greek special forces": two nations' forces, no one unit.
                let coordinated = |k: usize| t.term(k, |x| matches!(x, Term::Demonym(_))).is_some();
                if (j >= 2 && t.word(j - 1).eq_ignore_ascii_case("and") && (0..j - 1).any(|k| coordinated(k) && t.term(k, |_| true).is_some_and(|(e, _)| e == j - 1)))
                    || (t.word(end).eq_ignore_ascii_case("and") && coordinated(end + 1))
                {
                    return None;
                }
                countries.push((c, j, end));
                while t.word(end) == "-" && t.glued(end) {
                    match t.term(end + 1, |x| matches!(x, Term::Demonym(_))) {
                        Some((e2, Term::Demonym(c2))) => {
                            countries.push((c2, end + 1, e2));
                            end = e2;
                        }
                        _ => return None, // "French-built"
                    }
                }
                first = false;
                lower_ok = true;
                j = end;
                continue;
            }
            if t.lex.get(j).is_some_and(|l| l.is_some()) {
                let (end, terms) = t.terms(j).unwrap();
                // A capitalised title inside a name: "King Faisal Air Academy", "Officer Candidate School".
                let title_in_name = terms.iter().all(|x| matches!(x, Term::Rank(_) | Term::Role(_)))
                    && end == j + 1
                    && t.is_cap(j)
                    && lower_count == 0
                    && (t.is_cap(end) && t.terms(end).is_none() && !self.lex.is_function_word(t.word(end)));
                if title_in_name {
                    modifiers.push(CorePart::Words(j, end));
                    first = false;
                    j = end;
                    continue;
                }
                // Any other lexicon phrase (a rank, role, month, region) ends the modifiers.
                if terms.iter().any(|x| matches!(x, Term::Rank(_) | Term::Role(_) | Term::Month(_) | Term::Weekday(_) | Term::Region | Term::Agreement(_) | Term::City(_))) {
                    return None;
                }
            }
            let w = t.word(j);
            // Lower-case modifiers run up to the head: "Moroccan air force", not "French shipbuilder Naval Group".
            if lower_count > 0 && t.is_cap(j) {
                return None;
            }
            // An ordinal: "18th Mechanised Division".
            let ordinal = t.toks[j].kind == TokenKind::Word && w.chars().next().is_some_and(|c| c.is_ascii_digit()) && ["st", "nd", "rd", "th"].iter().any(|x| w.ends_with(x));
            if ordinal && (t.is_cap(j + 1) || t.term(j + 1, |x| matches!(x, Term::UnitHead(_))).is_some()) {
                modifiers.push(CorePart::Token(j));
                first = false;
                j += 1;
                continue;
            }
            if t.is_cap(j) {
                if self.lex.is_function_word(w) && (first || !self.lex.is_name_connector(w)) {
                    return None;
                }
                // An honorific modifier with an apostrophe: "Vietnam People's Navy".
                if let Some(after) = t.possessive(t.word_end(j)) {
                    if self.lex.is_ignorable_modifier(&format!("{w}'s")) {
                        modifiers.push(CorePart::Ignored);
                        first = false;
                        j = after;
                        continue;
                    }
                }
                if self.blocks_name(t, j, 1) {
                    return None;
                }
                let end = t.word_end(j);
                let text = t.span_text(j, end);
                if !self.lex.is_ignorable_modifier(text) {
                    modifiers.push(CorePart::Words(j, end));
                } else {
                    modifiers.push(CorePart::Ignored);
                }
                first = false;
                j = end;
                continue;
            }
            if t.toks[j].kind == TokenKind::Number && (t.is_cap(j + 1) || t.term(j + 1, |x| matches!(x, Term::UnitHead(_))).is_some()) {
                modifiers.push(CorePart::Token(j));
                first = false;
                j += 1;
                continue;
            }
            // "No. 17 Squadron"
            if w == "No" && t.word(j + 1) == "." && t.toks.get(j + 2).is_some_and(|x| x.kind == TokenKind::Number) {
                j += 2;
                continue;
            }
            if t.is_lower(j) {
                // "of", "and", "the" join a name's words only between plain capitalised words:
                // never before a nation ("Egyptian and Greek special forces") or after an
                // acronym ("the IAF and the French Air and Space Force").
                let plain_cap = |k: usize| t.is_cap(k) && t.terms(k).is_none() && !t.is_all_caps(k);
                let lw: &str = &t.lower[j];
                // The cheap tests first: most lower-case words come first, or after a country.
                let connector = !first
                    && countries.is_empty()
                    && self.lex.is_name_connector(w)
                    && !t.is_all_caps(j - 1)
                    && match lw {
                        "the" => t.word(j - 1).eq_ignore_ascii_case("of") && plain_cap(j + 1),
                        "and" => plain_cap(j + 1),
                        _ => plain_cap(j + 1) || (t.is_lower(j + 1) && self.lex.is_name_connector(t.word(j + 1)) && plain_cap(j + 2)),
                    };
                if connector {
                    modifiers.push(CorePart::Lower(j));
                    j += 1;
                    continue;
                }
                if lower_ok && lower_count < 4 && !self.lex.is_function_word(w) && !t.word(j).ends_with("ed") {
                    lower_count += 1;
                    modifiers.push(CorePart::Words(j, j + 1));
                    j = t.word_end(j);
                    continue;
                }
            }
            return None;
        }
    }

    /// What names a unit after its head at `k`: "of (the) NATION", or "of the UNIT" where the
    /// unit is itself named by its nation ("of the Armed Forces of X"), its parent.
    fn nation_or_unit_after_of(&self, t: &Tokens, k: usize) -> Option<AfterOf> {
        if t.word(k) != "of" {
            return None;
        }
        let the = t.word(k + 1).eq_ignore_ascii_case("the");
        let at = if the { k + 2 } else { k + 1 };
        if let Some((end, Term::Country(c))) = t.term(at, |x| matches!(x, Term::Country(_))) {
            // "of Uzbekistan's …" goes on to another name.
            return t.possessive(end).is_none().then_some(AfterOf::Nation((c, at, end)));
        }
        let unit = self.parse_modified_org(t, at, false).filter(|u| the && u.class == Class::Unit && u.start == at && !u.countries.is_empty())?;
        Some(AfterOf::Unit(unit))
    }

    /// Create (or find) the entities of a parsed organisation phrase and their mentions.
    fn org_entities(&mut self, doc: &mut DocAnalysis, t: &Tokens, si: usize, p: &mut OrgParse, spans: &mut Vec<Span>, nested: bool) -> Option<LocalId> {
        // The inner unit first: the base's operator, or the sub-unit's parent.
        let mut inner_id = None;
        if let Some(inner) = p.inner.as_mut() {
            inner_id = self.org_entities(doc, t, si, inner, spans, true);
        }
        for &(c, s, e) in &p.countries {
            let country = self.country_entity(doc, c);
            self.mention(doc, t, si, s, e, country);
            spans.push(Span { start: s, end: e, entity: country, class: Class::Country, nested: true });
        }
        let countries: Vec<usize> = p.countries.iter().map(|c| c.0).collect();
        let id = match p.class {
            Class::Unit => {
                let parent = inner_id.filter(|_| p.inner.as_ref().is_some_and(|i| i.class == Class::Unit));
                let id = self.unit_entity(doc, &p.core, &countries, parent, "organisation-head-word");
                let words: Vec<&str> = p.core.split(' ').collect();
                for n in 1..=words.len() {
                    {
                        let key = words[words.len() - n..].join(" ");
                        let list = self.last_by_head.entry(key).or_default();
                        list.retain(|&x| x != id);
                        list.push(id);
                    }
                }
                if let Some(parent) = parent {
                    doc.add_fact(id, Pred::PartOf, Object::Entity(parent), si, "possessive-sub-unit");
                }
                id
            }
            Class::Base => {
                let operator = inner_id;
                let core = p.core.clone();
                let found = doc.entities.iter().position(|e| matches!(&e.identity, Identity::Base { core: c, operator: o } if *c == core && *o == operator));
                let id = found.unwrap_or_else(|| Self::new_entity(doc, Class::Base, Identity::Base { core, operator }, "installation-head-word"));
                if let Some(op) = operator {
                    doc.add_fact(id, Pred::OperatedBy, Object::Entity(op), si, "base-named-after-unit");
                }
                // "the JMSDF Officer Candidate School": an installation named with its unit's acronym.
                if operator.is_none() {
                    let first = t.word(p.start);
                    if let Some(&(_, unit)) = self.acronyms.iter().find(|(a, _)| a == first) {
                        doc.add_fact(id, Pred::OperatedBy, Object::Entity(unit), si, "base-named-after-unit");
                    }
                }
                // A city named inside the base's name: "Air Force Station Ambala".
                if let Some((s, e)) = p.tail {
                    for k in s..e {
                        if let Some((end, Term::City(c))) = t.term(k, |x| matches!(x, Term::City(_))) {
                            let city = self.city_entity(doc, t.span_text(k, end), Some(c));
                            doc.add_fact(id, Pred::LocatedIn, Object::Entity(city), si, "city-in-base-name");
                        }
                    }
                }
                id
            }
            _ => return None,
        };
        for &c in &countries {
            let country = self.country_entity(doc, c);
            doc.add_fact(id, Pred::Country, Object::Entity(country), si, "demonym-in-name");
        }
        self.mention(doc, t, si, p.start, p.end, id);
        spans.push(Span { start: p.start, end: p.end, entity: id, class: p.class, nested });
        p.inner_entity = inner_id;
        Some(id)
    }

    /// The document's unit with this core name, countries and parent, or a new one.
    pub fn unit_entity(&mut self, doc: &mut DocAnalysis, core: &str, countries: &[usize], parent: Option<LocalId>, rule: &'static str) -> LocalId {
        let wanted: Vec<LocalId> = countries.iter().map(|&c| self.country_entity(doc, c)).collect();
        let found = doc.entities.iter().enumerate().position(|(id, e)| {
            matches!(&e.identity, Identity::Unit { core: c, parent: p } if c == core && *p == parent)
                && {
                    let mut have = doc.entity_objects(id, Pred::Country);
                    have.sort();
                    let mut want = wanted.clone();
                    want.sort();
                    have == want
                }
        });
        found.unwrap_or_else(|| Self::new_entity(doc, Class::Unit, Identity::Unit { core: core.to_owned(), parent }, rule))
    }

    pub fn country_entity(&mut self, doc: &mut DocAnalysis, c: usize) -> LocalId {
        if let Some(id) = doc.entities.iter().position(|e| e.identity == Identity::Country(c)) {
            return id;
        }
        Self::new_entity(doc, Class::Country, Identity::Country(c), "country-lexicon")
    }

    pub fn city_entity(&mut self, doc: &mut DocAnalysis, surface: &str, country: Option<usize>) -> LocalId {
        let key = names::fold(surface);
        if let Some(&id) = self.cities.get(&key) {
            return id;
        }
        let name = match country {
            // The lexicon's spelling, so that "NEW DELHI" in a dateline is "New Delhi".
            Some(c) => {
                let cc = &self.lex.countries[c];
                std::iter::once(&cc.capital).chain(&cc.cities).find(|n| names::fold(n) == key).cloned().unwrap_or_else(|| surface.to_owned())
            }
            None => surface.to_owned(),
        };
        let id = Self::new_entity(doc, Class::City, Identity::City { name, country }, if country.is_some() { "city-lexicon" } else { "place-after-travel-verb" });
        self.cities.insert(key, id);
        if let Some(c) = country {
            let country = self.country_entity(doc, c);
            doc.add_fact(id, Pred::Country, Object::Entity(country), 0, "city-lexicon");
        }
        id
    }

    // ---- agreements ----------------------------------------------------------------------

    /// "the Abraham Accords"-style names, and generic agreements with their modifiers and
    /// complement: "a defense MOU", "a roadmap for air cooperation", "an agreement delimiting
    /// their maritime zones".
    fn agreement(&mut self, doc: &mut DocAnalysis, t: &Tokens, si: usize, i: usize, spans: &mut Vec<Span>) -> Option<usize> {
        // Both forms need an agreement head here or further on.
        if i >= t.agreements_end {
            return None;
        }
        // A capitalised name before a capitalised head.
        let mut j = i;
        let mut words = 0;
        while t.is_cap(j) && t.terms(j).is_none() && !self.lex.is_function_word(t.word(j)) {
            j = t.word_end(j);
            words += 1;
        }
        if words > 0 {
            if let Some((end, Term::Agreement(k))) = t.term(j, |x| matches!(x, Term::Agreement(_))) {
                if t.is_cap(j) {
                    return Some(self.named_agreement(doc, t, si, i, end, k, spans));
                }
            }
            return None;
        }
        let (head_end, Term::Agreement(kind)) = t.term(i, |x| matches!(x, Term::Agreement(_)))? else { return None };
        // A capitalised head named by what follows it: "Treaty on Open Skies", "Agreement on
        // Defence Cooperation and Training".
        let plain_cap = |k: usize| t.is_cap(k) && t.terms(k).is_none() && !self.lex.is_function_word(t.word(k));
        if t.is_cap(i) && matches!(t.word(head_end), "on" | "of") && plain_cap(head_end + 1) {
            let mut end = head_end + 1;
            loop {
                if plain_cap(end) {
                    end = t.word_end(end);
                } else if matches!(t.word(end), "and" | "of" | "the") && plain_cap(end + 1) {
                    end += 1;
                } else {
                    break;
                }
            }
            return Some(self.named_agreement(doc, t, si, i, end, kind, spans));
        }
        let head_text = t.span_text(i, head_end);
        // Plural generic heads ("similar agreements") name no single agreement.
        if head_text.ends_with('s') && !t.is_all_caps(i) && !head_text.ends_with("ss") {
            return None;
        }
        // Modifiers back to a determiner: "the maritime delimitation agreement".
        let mut start = i;
        let mut k = i;
        while k > 0 && t.is_lower(k - 1) && !self.lex.is_function_word(t.word(k - 1)) && i - (k - 1) <= 3 {
            k -= 1;
        }
        if k < i && k > 0 && matches!(t.word(k - 1).to_lowercase().as_str(), "a" | "an" | "the" | "this" | "their" | "its" | "his" | "her") {
            // Stop at the first verb-like word ("signed", "agreed").
            let verb = (k..i).rposition(|x| self.lex.cues.sign_verbs.iter().any(|v| t.word(x).eq_ignore_ascii_case(v)) || t.word(x).ends_with("ed"));
            start = match verb {
                Some(v) => k + v + 1,
                None => k,
            };
        }
        // The complement: "for air cooperation", "delimiting their maritime zones".
        let mut end = head_end;
        let w = t.word(end).to_lowercase();
        if (w == "for" || w == "on" || (w.ends_with("ing") && w != "including" && w != "during" && !self.lex.is_function_word(&w))) && t.is_lower(end) {
            let mut m = end + 1;
            let mut content = 0;
            while m < t.len() && t.is_lower(m) && content < 6 {
                let x = t.word(m).to_lowercase();
                if matches!(x.as_str(), "their" | "its" | "the") && content == 0 {
                    m += 1;
                    continue;
                }
                // "on the transfer of defence equipment and technology"
                if matches!(x.as_str(), "of" | "and") && content > 0 && t.is_lower(m + 1) && !self.lex.is_function_word(t.word(m + 1)) {
                    m += 1;
                    continue;
                }
                if self.lex.is_function_word(&x) || x == "to" {
                    break;
                }
                content += 1;
                m += 1;
            }
            if content > 0 {
                end = m;
            }
        }
        // In apposition to an agreement just named: "…an agreement delimiting …, a deal that …".
        if let Some(prev) = spans.iter().rev().find(|s| s.class == Class::Agreement && !s.nested) {
            let det = start.saturating_sub(1);
            let between_is_plain = (prev.end..det).all(|k| !spans.iter().any(|s| s.start == k && !s.nested));
            if det >= 1 && t.word(det - 1) == "," && between_is_plain && det > prev.end && det - prev.end <= 5 && matches!(t.word(det).to_lowercase().as_str(), "a" | "an" | "the") {
                let id = prev.entity;
                self.mention(doc, t, si, start, end, id);
                spans.push(Span { start, end, entity: id, class: Class::Agreement, nested: false });
                return Some(end);
            }
        }
        let signed = self.lex.cue.sign_verbs.any(&t.cues);
        // "a naval memorandum" and "the memorandum of understanding" in one article are one.
        let first_word = |k: usize| self.lex.agreement_kinds[k].name.split_whitespace().next().unwrap_or("").to_owned();
        let known = doc.entities.iter().position(|e| matches!(&e.identity, Identity::Agreement { kind: k2, named: None, .. } if *k2 == kind || first_word(*k2) == first_word(kind)));
        let acronym_follows = t.word(end) == "(" && t.is_all_caps(end + 1) || t.word(end) == "(" && t.word(end + 1).chars().filter(|c| c.is_uppercase()).count() >= 2;
        if !(signed || known.is_some() || acronym_follows) {
            return None;
        }
        let core = names::core_words(t.span_text(start, end)).join(" ");
        let id = match known {
            Some(id) => id,
            None => Self::new_entity(doc, Class::Agreement, Identity::Agreement { kind, named: None, core }, "agreement-head-word"),
        };
        self.mention(doc, t, si, start, end, id);
        spans.push(Span { start, end, entity: id, class: Class::Agreement, nested: false });
        Some(end)
    }

    /// The agreement named by the tokens `start..end`, of `kind`: the document's one of that
    /// name, or a new one. Returns `end`.
    #[allow(clippy::too_many_arguments)]
    fn named_agreement(&mut self, doc: &mut DocAnalysis, t: &Tokens, si: usize, start: usize, end: usize, kind: usize, spans: &mut Vec<Span>) -> usize {
        let key = names::core_words(t.span_text(start, end)).join(" ");
        let found = doc.entities.iter().position(|e| matches!(&e.identity, Identity::Agreement { named: Some(n), .. } if *n == key));
        let id = found.unwrap_or_else(|| Self::new_entity(doc, Class::Agreement, Identity::Agreement { kind, named: Some(key.clone()), core: key.clone() }, "named-agreement"));
        self.mention(doc, t, si, start, end, id);
        spans.push(Span { start, end, entity: id, class: Class::Agreement, nested: false });
        end
    }

    // ---- acronyms, aliases, places ----------------------------------------------------------

    /// An acronym the document defined, or the initials of one of its units: "HAF", "IAF’s".
    fn acronym(&mut self, doc: &mut DocAnalysis, t: &Tokens, si: usize, i: usize, spans: &mut Vec<Span>) -> Option<usize> {
        if !(t.is_all_caps(i) || t.word(i).chars().filter(|c| c.is_uppercase()).count() >= 2 && t.word(i).len() <= 5) {
            return None;
        }
        // The longest acronym the document defined that starts here ("TNI AU"), or a unit's initials.
        let defined = self.acronyms.iter().filter_map(|(a, id)| {
            let n = a.split_whitespace().count();
            (t.span_text(i, (i + n).min(t.len())) == a.as_str()).then_some((i + n, *id))
        }).max_by_key(|(e, _)| *e);
        let (acr_end, id) = defined.or_else(|| self.initials_of_unit(doc, t.word(i)).map(|id| (i + 1, id)))?;
        self.mention(doc, t, si, i, acr_end, id);
        spans.push(Span { start: i, end: acr_end, entity: id, class: doc.entities[id].class, nested: false });
        let i = acr_end - 1;
        // A sub-unit after the acronym's possessive: "the HAF’s 114 Combat Wing".
        if doc.entities[id].class == Class::Unit {
            if let Some(after) = t.possessive(i + 1) {
                if let Some(mut sub) = self.parse_org_after_possessive(t, after) {
                    if sub.class == Class::Unit {
                        sub.start = spans.last().map_or(i, |s| s.start);
                        if let Some(sub_id) = self.org_entities(doc, t, si, &mut sub, spans, false) {
                            if let Identity::Unit { parent, .. } = &mut doc.entities[sub_id].identity {
                                *parent = Some(id);
                            }
                            doc.add_fact(sub_id, Pred::PartOf, Object::Entity(id), si, "possessive-sub-unit");
                            // The sub-unit's own name, without the acronym, is a form of it too.
                            let own_start = after;
                            self.mention(doc, t, si, own_start, sub.end, sub_id);
                        }
                        return Some(sub.end);
                    }
                }
            }
        }
        Some(i + 1)
    }

    fn initials_of_unit(&self, doc: &DocAnalysis, acronym: &str) -> Option<LocalId> {
        if acronym.len() < 2 || !acronym.chars().all(|c| c.is_ascii_uppercase()) {
            return None;
        }
        let matches: Vec<LocalId> = doc
            .entities
            .iter()
            .enumerate()
            .filter(|(_, e)| e.class == Class::Unit)
            .filter(|(_, e)| {
                e.names.iter().any(|n| {
                    let initials: String = n
                        .split(|c: char| c.is_whitespace() || c == '-')
                        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
                        .filter_map(|w| w.chars().next())
                        .collect();
                    initials == acronym
                })
            })
            .map(|(id, _)| id)
            .collect();
        (matches.len() == 1).then(|| matches[0])
    }

    /// "(HAF)" or "(Vayu Bhawan)" right after a name: another name of the same entity.
    fn parenthesised_alias(&mut self, doc: &mut DocAnalysis, t: &Tokens, si: usize, end: usize, spans: &mut Vec<Span>, first_new: usize) -> usize {
        if t.word(end) != "(" {
            return end;
        }
        let Some(close) = (end + 1..t.len().min(end + 8)).find(|&k| t.word(k) == ")") else { return end };
        if close == end + 1 {
            return end;
        }
        // The entity named right before the bracket: the last top-level span ending there.
        let Some(span) = spans[first_new..].iter().rev().find(|s| s.end == end || (!s.nested && s.end <= end)).cloned() else { return end };
        if !matches!(span.class, Class::Unit | Class::Base | Class::Agreement) {
            return end;
        }
        let inner_ok = (end + 1..close).all(|k| t.is_cap(k) || t.is_all_caps(k) || t.word(k) == "-" || t.is_word(k) && t.word(k).chars().any(char::is_uppercase));
        if !inner_ok {
            return end;
        }
        let all_caps = (end + 1..close).all(|k| t.word(k).chars().filter(|c| c.is_uppercase()).count() >= 2);
        if close <= end + 3 && all_caps {
            let acr = t.span_text(end + 1, close).to_owned();
            if !self.acronyms.iter().any(|(a, _)| *a == acr) {
                self.acronyms.push((acr, span.entity));
            }
        }
        self.mention(doc, t, si, end + 1, close, span.entity);
        spans.push(Span { start: end + 1, end: close, entity: span.entity, class: span.class, nested: true });
        close + 1
    }

    /// A country or a city of the lexicon.
    fn place(&mut self, doc: &mut DocAnalysis, t: &Tokens, si: usize, i: usize, spans: &mut Vec<Span>) -> Option<usize> {
        let (end, term) = t.term(i, |x| matches!(x, Term::Country(_) | Term::City(_)))?;
        let (id, class) = match term {
            Term::Country(c) => (self.country_entity(doc, c), Class::Country),
            Term::City(c) => {
                // A city's name as part of a longer capitalised name is not the city.
                if t.is_cap(end) && t.terms(end).is_none() && !self.lex.is_function_word(t.word(end)) {
                    return None;
                }
                // A dateline: the city at the start of the text, then a comma or a dash.
                if i == 0 && si <= 2 && matches!(t.word(end), "," | "\u{2014}" | "\u{2013}" | "-") && self.home_country.is_none() {
                    self.home_country = Some(c);
                }
                (self.city_entity(doc, t.span_text(i, end), Some(c)), Class::City)
            }
            _ => return None,
        };
        self.mention(doc, t, si, i, end, id);
        spans.push(Span { start: i, end, entity: id, class, nested: false });
        Some(t.possessive(end).unwrap_or(end))
    }

    /// A place the lexicon does not know, where only a town can stand: after a verb of travel
    /// ("flew to Ambala"), or after an installation ("headquarters in Cholargos").
    fn cued_city(&mut self, doc: &mut DocAnalysis, t: &Tokens, si: usize, i: usize, spans: &mut Vec<Span>) -> Option<usize> {
        if !t.is_cap(i) || self.lex.is_function_word(t.word(i)) || t.terms(i).is_some() {
            return None;
        }
        let travel = ["flew to", "travelled to", "traveled to", "arrived in", "landed in", "arrives in", "flies to"];
        // Every travel phrase ends in "to" or "in": test that before spelling out each phrase.
        let after_travel = i >= 1
            && (t.word(i - 1).eq_ignore_ascii_case("to") || t.word(i - 1).eq_ignore_ascii_case("in"))
            && travel.iter().any(|p| {
                let n = p.split_whitespace().count();
                i >= n && t.phrase_at(i - n, p) == Some(i)
            });
        // "… headquarters in Cholargos", "RAAF Base Tindal, near Katherine", "the College at X"
        let after_base = i >= 2
            && matches!(t.word(i - 1), "in" | "near" | "at")
            && spans.iter().any(|s| s.class == Class::Base && !s.nested && (s.end == i - 1 || (s.end + 1 == i - 1 && t.word(s.end) == ",")));
        // "the city of X", "the port of Y"
        let after_settlement_word = i >= 2 && t.word(i - 1) == "of" && self.lex.cue.settlement_words.start_ending_at(&t.cues, i - 1).is_some_and(|s| t.is_lower(s));
        if !(after_travel || after_base || after_settlement_word) {
            return None;
        }
        let name = self.name_at(t, i, 2)?;
        if name.possessive.is_some() {
            return None;
        }
        // "East Java", "Northern Territory": a compass word makes it a region.
        if self.lex.non_entities.region_prefixes.iter().any(|r| r == t.word(i)) {
            return None;
        }
        let id = self.city_entity(doc, t.span_text(i, name.end), None);
        self.mention(doc, t, si, i, name.end, id);
        spans.push(Span { start: i, end: name.end, entity: id, class: Class::City, nested: false });
        Some(name.end)
    }

    /// The document's top-level units (no parent) whose name ends in `head` ("air force"), most
    /// recently named last: what a generic "the air force" can refer to.
    pub fn top_units_with_head(&self, doc: &DocAnalysis, head: &str) -> Vec<LocalId> {
        self.last_by_head
            .get(head)
            .map(|v| v.iter().copied().filter(|&u| matches!(doc.entities[u].identity, Identity::Unit { parent: None, .. })).collect())
            .unwrap_or_default()
    }
}

