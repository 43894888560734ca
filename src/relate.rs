//! Relate: the facts a sentence states between the entities recognised in it, and the Visit
//! and Agreement frames of the document.
//!
//! Each rule is a general construction of news English, named in the facts it produces:
//! - `apposition-role-of-unit`: "X, the commander of Y" and "the commander of Y, General X";
//! - `unit-title-name`: "Israel's Air Force Commander X";
//! - `nationality-before-person`: "his Moroccan counterpart, X", "Israel's defence minister X";
//! - `member-from-unit`: "X from the Ministry of Defence";
//! - `visit-trigger`: "a visit to C", "arrived in CITY", "visited C", "C hosted X";
//! - `visit-host`, `visit-site`, `visit-delegation`: who received the visitor ("met with",
//!   "held talks with", "counterpart"), what they toured ("toured A, B and C", "at BASE"),
//!   who travelled with them ("the delegation included");
//! - `visit-date`: a date governed by a verb of arrival or by the trigger, never one in another
//!   clause ("since he took up his post in 2022") or after a verb of leaving;
//! - `agreement-*`: signatories before "signed", the city after "in", the date of the clause,
//!   parties from "between A and B", "the two countries", the countries named, or the
//!   signatories' units.

use crate::analysis::{Class, DocAnalysis, LocalEntity, Identity, LocalId, Object, Pred};
use crate::dates::{DateContext, DateGrammar, DateMention, PartialDate};
use crate::lexicon::{Lexicon, Term};
use crate::names;
use crate::recognise::{DocRecogniser, Span, Tokens};

/// A visit being reported in the document.
#[derive(Debug, Clone)]
struct Frame {
    visit: LocalId,
    visitor: LocalId,
    destination: Option<LocalId>,
    /// Candidate start dates, with the sentence that gave each and whether it told of the trip itself.
    dates: Vec<(PartialDate, usize, bool)>,
    hosts: Vec<LocalId>,
}

impl Frame {
    /// The earliest start date told so far: what "the first day" of the visit is.
    fn earliest_date(&self) -> Option<PartialDate> {
        self.dates.iter().map(|x| x.0).min()
    }
}

/// The sentence at hand as the rules that read its dates and clauses (visits, agreements) take
/// it, worked out once per sentence; the other rules take the tokens and top spans alone.
struct SentenceView<'s, 't> {
    tokens: &'s Tokens<'t>,
    /// The spans not nested in another, in order.
    top: Vec<&'s Span>,
    /// The dates the sentence gives, resolved against the document's dates so far.
    dates: Vec<DateMention>,
    /// The clause number of every token ([`DocRelater::clauses`]).
    clauses: Vec<usize>,
    /// The sentence's index in the document.
    index: usize,
}

/// The relation rules' memory of one document.
pub struct DocRelater<'l> {
    lex: &'l Lexicon,
    grammar: &'l DateGrammar,
    frames: Vec<Frame>,
    current: Option<usize>,
    /// The last person who was the subject of a sentence, for "he" and "his".
    last_subject: Option<LocalId>,
    /// An unnamed speaker of the last sentence ("…, the Egyptian Armed Forces spokesman said"):
    /// their unit and role, for a name given in the next sentence.
    unnamed_speaker: Option<(LocalId, usize)>,
    pub dates: DateContext,
}

impl<'l> DocRelater<'l> {
    pub fn new(lex: &'l Lexicon, grammar: &'l DateGrammar, document_date: Option<chrono::NaiveDate>) -> Self {
        DocRelater {
            lex,
            grammar,
            frames: Vec::new(),
            current: None,
            last_subject: None,
            unnamed_speaker: None,
            dates: DateContext { document: document_date, ..DateContext::default() },
        }
    }

    /// Relate the entities of sentence `si`.
    pub fn sentence(&mut self, doc: &mut DocAnalysis, rec: &mut DocRecogniser, t: &Tokens, spans: &[Span], si: usize) {
        let sentence_start = t.toks.first().map_or(0, |x| x.start);
        let sentence_text = t.span_text(0, t.len());
        let view = SentenceView {
            tokens: t,
            top: spans.iter().filter(|s| !s.nested).collect(),
            dates: self.grammar.find(sentence_text, sentence_start, &self.dates),
            clauses: self.clauses(t),
            index: si,
        };
        let (top, dates) = (&view.top, &view.dates);

        self.roles_and_membership(doc, rec, t, top, si);
        self.named_speaker(doc, t, top, si);
        self.nationality(doc, rec, t, spans, si);
        self.installations(doc, t, top, si);
        self.visits(doc, rec, &view);
        self.agreements(doc, &view);

        // The subject of the sentence, for pronouns in the next ones.
        if let Some(first) = top.iter().find(|s| s.class == Class::Person) {
            if first.start <= 3 || self.visitor_index(doc, first.entity).is_some() {
                self.last_subject = Some(first.entity);
            }
        }
        self.grammar.advance(&mut self.dates, dates);
    }

    /// Clause number of every token: a new clause starts at punctuation that separates clauses
    /// and at words that open a subordinate clause.
    fn clauses(&self, t: &Tokens) -> Vec<usize> {
        let mut out = Vec::with_capacity(t.len());
        let mut c = 0;
        for i in 0..t.len() {
            let w = t.word(i);
            if matches!(w, "," | ";" | ":" | "\u{2013}" | "\u{2014}") || self.lex.cue.clause_openers.at(&t.cues, i).is_some() {
                c += 1;
            }
            out.push(c);
        }
        out
    }

    // ---- people and their units ------------------------------------------------------------

    fn roles_and_membership(&mut self, doc: &mut DocAnalysis, rec: &DocRecogniser, t: &Tokens, top: &[&Span], si: usize) {
        for (k, p) in top.iter().enumerate() {
            if p.class != Class::Person {
                continue;
            }
            // After the name: ", (the) ROLE of (the) UNIT (and ROLE of UNIT)".
            let mut j = p.end;
            if t.word(j) == "," {
                j += 1;
                loop {
                    let mut m = j;
                    if matches!(t.word(m).to_lowercase().as_str(), "the" | "a" | "an") {
                        m += 1;
                    }
                    // A unit before the role: "X, the TNI AU spokesman".
                    let unit_before = span_at(top, m, Class::Unit).filter(|u| t.term(u.end, |x| matches!(x, Term::Role(_))).is_some()).map(|u| (u.entity, u.end));
                    if let Some((_, e)) = unit_before {
                        m = e;
                    }
                    let Some((end, Term::Role(r))) = t.term(m, |x| matches!(x, Term::Role(_))) else { break };
                    if let Some((u, _)) = unit_before {
                        self.link_unit(doc, p.entity, r, u, si, "apposition-unit-role");
                    }
                    self.role_fact(doc, p.entity, r, si, "apposition-role-of-unit");
                    let unit_end = self
                        .role_of_unit(doc, t, top, p.entity, r, end, si, "apposition-role-of-unit")
                        .or_else(|| self.role_of_generic_unit(doc, rec, t, p.entity, r, end, si));
                    j = unit_end.unwrap_or(end);
                    if t.word(j).eq_ignore_ascii_case("and") {
                        j += 1;
                        continue;
                    }
                    break;
                }
            }
            // "X from the Ministry of Defence"
            if t.word(p.end).eq_ignore_ascii_case("from") {
                if let Some(u) = span_at(top, skip_the(t, p.end + 1), Class::Unit) {
                    doc.add_fact(p.entity, Pred::MemberOf, Object::Entity(u.entity), si, "member-from-unit");
                }
            }
            // Before the name: "the ROLE of the UNIT, RANK X".
            let mut b = p.start;
            // Step back over a rank.
            if let Some(rank_start) = (b.saturating_sub(4)..b).find(|&s| t.term(s, |x| matches!(x, Term::Rank(_))).is_some_and(|(e, _)| e == b || (e + 1 == b && t.word(e) == "."))) {
                b = rank_start;
            }
            if b >= 1 && t.word(b - 1) == "," {
                // Skip "(KDF)" between the unit and the comma.
                let mut unit_end = b - 1;
                if unit_end >= 1 && t.word(unit_end - 1) == ")" {
                    if let Some(open) = (unit_end.saturating_sub(6)..unit_end).rev().find(|&x| t.word(x) == "(") {
                        unit_end = open;
                    }
                }
                if let Some(u) = top[..k].iter().rev().find(|s| s.end == unit_end && s.class == Class::Unit) {
                    // "… ROLE of (the) UNIT ,"
                    let mut of = u.start;
                    if of >= 1 && t.word(of - 1).eq_ignore_ascii_case("the") {
                        of -= 1;
                    }
                    if of >= 1 && (t.word(of - 1).eq_ignore_ascii_case("of") || t.word(of - 1).eq_ignore_ascii_case("for")) {
                        if let Some((role_start, r)) = self.role_ending_at(t, of - 1) {
                            let _ = role_start;
                            self.role_fact(doc, p.entity, r, si, "apposition-role-of-unit");
                            self.link_unit(doc, p.entity, r, u.entity, si, "apposition-role-of-unit");
                        }
                    }
                } else if let Some((role_start, r)) = self.role_ending_at(t, b - 1) {
                    // "the commander, General X"; "The Navy spokesman, Commodore X" names the unit.
                    self.role_fact(doc, p.entity, r, si, "apposition-role");
                    if let Some(u) = top[..k].iter().rev().find(|s| s.end == role_start && s.class == Class::Unit) {
                        self.link_unit(doc, p.entity, r, u.entity, si, "apposition-unit-role");
                    }
                }
            }
            // "UNIT ROLE X": "Israel’s Air Force Commander Tomer Bar".
            if let Some((role_start, r)) = self.role_ending_at(t, b) {
                if let Some(u) = top[..k].iter().rev().find(|s| s.end == role_start && s.class == Class::Unit) {
                    self.link_unit(doc, p.entity, r, u.entity, si, "unit-title-name");
                }
            }
        }
    }

    /// "…, the army spokesman said. Colonel X said …": a speaker introduced by name right after
    /// an unnamed one is that speaker. And remember this sentence's unnamed speaker.
    fn named_speaker(&mut self, doc: &mut DocAnalysis, t: &Tokens, top: &[&Span], si: usize) {
        let speaks = |i: usize| self.lex.cue.speech_verbs.at(&t.cues, i).is_some();
        if let Some((unit, role)) = self.unnamed_speaker.take() {
            if let Some(p) = top.first().filter(|p| p.class == Class::Person && p.start <= 3 && speaks(p.end)) {
                let first_mention = doc.mentions.iter().filter(|m| m.entity == p.entity).all(|m| m.sentence == si);
                if first_mention {
                    self.role_fact(doc, p.entity, role, si, "named-speaker");
                    self.link_unit(doc, p.entity, role, unit, si, "named-speaker");
                }
            }
        }
        for u in top.iter().filter(|s| s.class == Class::Unit) {
            if let Some((end, Term::Role(r))) = t.term(u.end, |x| matches!(x, Term::Role(_))) {
                let named = top.iter().any(|s| s.class == Class::Person && s.start >= end && s.start <= end + 2);
                if !named && speaks(end) {
                    self.unnamed_speaker = Some((u.entity, r));
                }
            }
        }
    }

    /// The role phrase that ends right before token `end`, if any.
    fn role_ending_at(&self, t: &Tokens, end: usize) -> Option<(usize, usize)> {
        (end.saturating_sub(6)..end).find_map(|s| match t.term(s, |x| matches!(x, Term::Role(_))) {
            Some((e, Term::Role(r))) if e == end => Some((s, r)),
            _ => None,
        })
    }

    /// After a role at `end`: "of (the) UNIT" links the person to the unit. Returns the token
    /// after the unit.
    #[allow(clippy::too_many_arguments)]
    fn role_of_unit(&self, doc: &mut DocAnalysis, t: &Tokens, top: &[&Span], person: LocalId, role: usize, end: usize, si: usize, rule: &'static str) -> Option<usize> {
        if !t.word(end).eq_ignore_ascii_case("of") {
            return None;
        }
        let u = span_at(top, skip_the(t, end + 1), Class::Unit)?;
        self.link_unit(doc, person, role, u.entity, si, rule);
        // A bare "chief" or "head" is only a position together with its unit:
        // "Chief of the Hellenic National Defence General Staff".
        if !self.lex.roles[role].name.contains(' ') && ["chief", "head", "director"].contains(&self.lex.roles[role].name.as_str()) {
            let start = (end.saturating_sub(4)..end).find(|&s| t.term(s, |x| x == Term::Role(role)).is_some_and(|(e, _)| e == end)).unwrap_or(end);
            let title = t.span_text(start, u.end).to_owned();
            doc.add_fact(person, Pred::Role, Object::Text(title), si, rule);
        }
        // A role like "Chief of the X General Staff" names the unit in full.
        Some(u.end)
    }

    /// "X, commander of the air force, …": a generic "of the air force" names the air force the
    /// article spoke of — the one of the person's nation, or of a nation the sentence names, or
    /// the last one.
    #[allow(clippy::too_many_arguments)]
    fn role_of_generic_unit(&self, doc: &mut DocAnalysis, rec: &DocRecogniser, t: &Tokens, person: LocalId, role: usize, end: usize, si: usize) -> Option<usize> {
        if !t.word(end).eq_ignore_ascii_case("of") {
            return None;
        }
        let at = skip_the(t, end + 1);
        let (head_end, Term::UnitHead(h)) = t.term(at, |x| matches!(x, Term::UnitHead(_)))? else { return None };
        if !t.is_lower(at) || t.possessive(head_end).is_some() {
            return None;
        }
        let head = &self.lex.unit_head_cores[h];
        let candidates = rec.top_units_with_head(doc, head);
        let own = person_country(doc, person);
        let nations: Vec<LocalId> = t.nations().into_iter().filter_map(|c| doc.entities.iter().position(|e| e.identity == Identity::Country(c))).collect();
        let of = |c: LocalId| candidates.iter().rev().copied().find(|&u| doc.entity_objects(u, Pred::Country).contains(&c));
        let unit = own.and_then(of).or_else(|| nations.iter().find_map(|&c| of(c))).or_else(|| candidates.last().copied())?;
        self.link_unit(doc, person, role, unit, si, "role-of-generic-unit");
        Some(head_end)
    }

    fn role_fact(&self, doc: &mut DocAnalysis, person: LocalId, role: usize, si: usize, rule: &'static str) {
        doc.add_fact(person, Pred::Role, Object::Text(self.lex.roles[role].name.clone()), si, rule);
    }

    fn link_unit(&self, doc: &mut DocAnalysis, person: LocalId, role: usize, unit: LocalId, si: usize, rule: &'static str) {
        let pred = if self.lex.roles[role].heads { Pred::Commands } else { Pred::MemberOf };
        doc.add_fact(person, pred, Object::Entity(unit), si, rule);
    }

    /// "his Moroccan counterpart, X", "Israel's then-defense minister X", "the Egyptian
    /// delegation included X": a nationality right before a person's title or group.
    fn nationality(&mut self, doc: &mut DocAnalysis, rec: &mut DocRecogniser, t: &Tokens, spans: &[Span], si: usize) {
        for p in spans.iter().filter(|s| s.class == Class::Person && !s.nested) {
            let mut b = p.start;
            // Back over a rank, a comma, a role or "counterpart", "delegation included".
            let mut steps = 0;
            let mut country = None;
            while b > 0 && steps < 8 {
                steps += 1;
                let prev = b - 1;
                let w = t.word(prev).to_lowercase();
                if let Some(c) = spans.iter().find(|s| s.class == Class::Country && (s.end == prev + 1 || t.possessive(s.end) == Some(b))) {
                    country = Some(c.entity);
                    break;
                }
                if let Some((_, Term::Demonym(c))) = (prev.saturating_sub(2)..=prev).find_map(|s| t.term(s, |x| matches!(x, Term::Demonym(_))).filter(|(e, _)| *e == b)) {
                    let _ = c;
                    // Resolved below through the demonym's country entity.
                    let start = (prev.saturating_sub(2)..=prev).find(|&s| t.term(s, |x| matches!(x, Term::Demonym(_))).is_some_and(|(e, _)| e == b)).unwrap();
                    if let Some((end, Term::Demonym(cid))) = t.term(start, |x| matches!(x, Term::Demonym(_))) {
                        let ce = rec.country_entity(doc, cid);
                        rec.mention(doc, t, si, start, end, ce);
                        country = Some(ce);
                    }
                    break;
                }
                let passable = w == ","
                    || w == "."
                    || self.lex.honorifics.iter().any(|h| h.eq_ignore_ascii_case(&w))
                    || w == "-"
                    || matches!(w.as_str(), "his" | "her" | "their" | "the" | "then" | "former" | "acting" | "new" | "counterpart" | "counterparts" | "delegation" | "included" | "includes" | "including" | "comprised" | "and")
                    || t.term(prev, |x| matches!(x, Term::Rank(_) | Term::Role(_))).is_some()
                    || (prev > 0 && t.term(prev - 1, |x| matches!(x, Term::Rank(_) | Term::Role(_))).is_some_and(|(e, _)| e > prev))
                    || (prev > 1 && t.term(prev - 2, |x| matches!(x, Term::Rank(_) | Term::Role(_))).is_some_and(|(e, _)| e > prev))
                    || t.possessive(prev).is_some()
                    || (t.word(prev) == "s" && prev > 0 && t.possessive(prev - 1).is_some());
                if !passable {
                    break;
                }
                b = prev;
            }
            if let Some(c) = country {
                doc.add_fact(p.entity, Pred::Country, Object::Entity(c), si, "nationality-before-person");
            }
        }
    }

    // ---- installations ---------------------------------------------------------------------

    fn installations(&mut self, doc: &mut DocAnalysis, t: &Tokens, top: &[&Span], si: usize) {
        for b in top.iter().filter(|s| s.class == Class::Base) {
            let mut j = b.end;
            // "BASE (alias) in CITY", "BASE in the western Peloponnese", "BASE in south-west France"
            if t.word(j) == "(" {
                if let Some(close) = (j..t.len()).find(|&k| t.word(k) == ")") {
                    j = close + 1;
                }
            }
            // "BASE, in the city of CITY", "the College at CITY"
            if t.word(j) == "," && t.word(j + 1) == "in" {
                j += 1;
            }
            let in_or_at = t.word(j).eq_ignore_ascii_case("in") || t.word(j) == "at";
            let settlement = (t.word(j + 1) == "the").then(|| self.lex.cue.settlement_words.at(&t.cues, j + 2)).flatten().filter(|&e| t.word(e) == "of");
            let place = settlement.map_or(j + 1, |of| of + 1);
            if in_or_at {
                if let Some(c) = span_at(top, place, Class::City) {
                    doc.add_fact(b.entity, Pred::LocatedIn, Object::Entity(c.entity), si, "base-in-city");
                } else if t.word(j).eq_ignore_ascii_case("in") {
                    if let Some(c) = top.iter().find(|s| s.class == Class::Country && s.start > j && s.start <= j + 5 && (j + 1..s.start).all(|k| t.is_lower(k) || t.word(k) == "-")) {
                        doc.add_fact(b.entity, Pred::Country, Object::Entity(c.entity), si, "base-in-country");
                    }
                }
            }
            // A city the document names, inside the base's name: "Air Force Station Ambala".
            let base_words = names::core_words(t.span_text(b.start, b.end));
            let cities: Vec<(LocalId, Vec<String>)> = doc.entities.iter().enumerate().filter(|(_, e)| e.class == Class::City).map(|(i, e)| (i, e.names.first().map(|n| names::core_words(n)).unwrap_or_default())).collect();
            for (city, words) in cities {
                if !words.is_empty() && base_words.windows(words.len()).any(|w| w == &words[..]) && base_words.len() > words.len() {
                    doc.add_fact(b.entity, Pred::LocatedIn, Object::Entity(city), si, "city-in-base-name");
                }
            }
            // "BASE, home of the UNIT"
            if t.word(b.end) == "," && t.phrase_at(b.end + 1, "home of").or_else(|| t.phrase_at(b.end + 1, "home to")).is_some() {
                if let Some(u) = span_at(top, skip_the(t, b.end + 3), Class::Unit) {
                    doc.add_fact(b.entity, Pred::OperatedBy, Object::Entity(u.entity), si, "base-home-of-unit");
                }
            }
        }
        // "No. 17 Squadron, the ‘Golden Arrows’, the first IAF unit to …": an apposition that calls a
        // unit one of another's units makes it part of that one.
        for v in top.iter().filter(|s| s.class == Class::Unit) {
            if !matches!(t.word(v.end).to_lowercase().as_str(), "unit" | "formation") {
                continue;
            }
            let Some(u) = top.iter().rfind(|s| s.class == Class::Unit && s.end < v.start && s.entity != v.entity) else { continue };
            let mut lower = 0;
            let apposition = (u.end..v.start).all(|k| {
                let w = t.word(k);
                let plain = !t.is_word(k) || w.eq_ignore_ascii_case("the") || t.is_cap(k);
                if !plain && t.is_lower(k) && !self.lex.is_function_word(w) || matches!(w, "first" | "only" | "last") {
                    lower += 1;
                    return lower <= 2;
                }
                plain
            }) && t.word(u.end) == ",";
            if apposition {
                doc.add_fact(u.entity, Pred::PartOf, Object::Entity(v.entity), si, "apposition-unit-of-unit");
            }
        }
        // "UNIT, which is headquartered at BASE"
        for u in top.iter().filter(|s| s.class == Class::Unit) {
            for phrase in ["which is headquartered at", "headquartered at", "which is based at", "based at"] {
                let at = if t.word(u.end) == "," { u.end + 1 } else { u.end };
                if let Some(after) = t.phrase_at(at, phrase) {
                    if let Some(b) = span_at(top, skip_the(t, after), Class::Base) {
                        doc.add_fact(b.entity, Pred::OperatedBy, Object::Entity(u.entity), si, "unit-headquartered-at-base");
                    }
                    break;
                }
            }
        }
    }

    // ---- visits ------------------------------------------------------------------------------

    fn visitor_index(&self, _doc: &DocAnalysis, person: LocalId) -> Option<usize> {
        self.frames.iter().position(|f| f.visitor == person)
    }

    /// Where the place of "led a delegation to PLACE" is (the verb at `i`, up to three words, a
    /// party's noun, "to"), when a leading verb is at `i`.
    fn led_party_at(&self, t: &Tokens, i: usize) -> Option<usize> {
        let cue = &self.lex.cue;
        cue.leading_verbs.at(&t.cues, i)?;
        (i + 1..(i + 5).min(t.len())).find_map(|k| cue.party_nouns.at(&t.cues, k).filter(|&e| t.word(e).eq_ignore_ascii_case("to")).map(|e| e + 1))
    }

    fn visits(&mut self, doc: &mut DocAnalysis, rec: &mut DocRecogniser, view: &SentenceView<'_, '_>) {
        let SentenceView { tokens: t, top, dates, clauses, index: si } = view;
        let (top, si) = (&top[..], *si);
        let cue = &self.lex.cue;
        let in_sentence = &t.cues;

        // 1. Triggers: "visit to C", "arrived in C", "visited C", "C hosted X".
        let mut trigger: Option<(usize, LocalId, Option<LocalId>, usize)> = None; // (token, visitor, destination, place span start)
        for place in top.iter().filter(|s| matches!(s.class, Class::Country | Class::City)) {
            let p = place.start;
            // "a visit to (the) C"
            let to = if p >= 1 && t.word(p - 1).eq_ignore_ascii_case("the") { p - 1 } else { p };
            let by_noun = (to >= 2 && t.word(to - 1).eq_ignore_ascii_case("to")).then(|| cue.visit_nouns.start_ending_at(in_sentence, to - 1)).flatten();
            let by_verb = cue.travel_verbs.start_ending_at(in_sentence, p);
            let by_leading = || (to.saturating_sub(6)..to).rev().find(|&k| self.led_party_at(t, k) == Some(to));
            let Some(cue_start) = by_noun.or(by_verb).or_else(by_leading) else { continue };
            // "will visit C", "invited the chief to visit C", "a planned visit to C": a trip not
            // (yet) made is no visit.
            let unmade = cue.unmade_trip_cues.ends_at(in_sentence, cue_start)
                || (by_noun.is_none() && cue_start >= 1 && t.word(cue_start - 1).eq_ignore_ascii_case("to") && cue.trip_intentions.find(in_sentence, cue_start.saturating_sub(10), cue_start - 1).is_some());
            if unmade {
                continue;
            }
            let destination = self.country_of_place(doc, place.entity);
            let visitor = top.iter().filter(|s| s.class == Class::Person && s.end <= p).map(|s| s.entity).next().or_else(|| {
                // "a trip to Nairobi last week by Aydın"
                let by = (place.end..t.len().min(place.end + 6)).find(|&k| t.word(k).eq_ignore_ascii_case("by"))?;
                top.iter().find(|s| s.class == Class::Person && s.start == by + 1).map(|s| s.entity)
            }).or_else(|| {
                cue.person_pronouns.find(in_sentence, 0, p).and(self.last_subject)
            });
            let visitor = match visitor {
                Some(v) => v,
                None => match self.current {
                    // "the first time a top Israeli air force leader has traveled to Morocco"
                    Some(c) if destination.is_some() && self.frames[c].destination == destination => self.frames[c].visitor,
                    _ => continue,
                },
            };
            trigger = Some((p, visitor, destination, place.start));
            break;
        }
        // "Israel hosted Lieutenant General X": the country receives the visitor.
        if trigger.is_none() {
            for c in top.iter().filter(|s| s.class == Class::Country) {
                let after = c.end;
                let hosted = cue.hosting_verbs.at(in_sentence, t.possessive(after).unwrap_or(after)).is_some();
                if hosted {
                    if let Some(v) = top.iter().find(|s| s.class == Class::Person && s.start > c.end) {
                        trigger = Some((c.end, v.entity, Some(c.entity), c.start));
                        break;
                    }
                }
            }
        }
        let mut frame_index = None;
        if let Some((_, visitor, destination, _)) = trigger {
            let existing = self.frames.iter().position(|f| f.visitor == visitor && (f.destination == destination || f.destination.is_none() || destination.is_none()));
            let idx = match existing {
                Some(i) => {
                    if self.frames[i].destination.is_none() {
                        self.frames[i].destination = destination;
                    }
                    i
                }
                None if destination.is_some() => {
                    doc.entities.push(LocalEntity { class: Class::Visit, identity: Identity::Visit, names: Vec::new(), rule: "visit-trigger" });
                    let visit = doc.entities.len() - 1;
                    doc.add_fact(visit, Pred::Visitor, Object::Entity(visitor), si, "visit-trigger");
                    self.frames.push(Frame { visit, visitor, destination, dates: Vec::new(), hosts: Vec::new() });
                    self.frames.len() - 1
                }
                None => return,
            };
            if let Some(d) = destination {
                doc.add_fact(self.frames[idx].visit, Pred::Destination, Object::Entity(d), si, "visit-trigger");
            }
            self.current = Some(idx);
            frame_index = Some(idx);
        } else if let Some(c) = self.current {
            // 2. A sentence about the current visit: its visitor, a pronoun for them, "the visit",
            //    "the visitors", or who travelled with them.
            let visitor = self.frames[c].visitor;
            let names_visitor = top.iter().any(|s| s.entity == visitor);
            let pronoun = self.last_subject == Some(visitor) && cue.person_pronouns.any(in_sentence);
            let other_person_first = top.iter().find(|s| s.class == Class::Person).is_some_and(|s| s.entity != visitor && s.start <= 2 && !cue.delegation_cues.any(in_sentence));
            if names_visitor || (!other_person_first && (pronoun || cue.visitor_groups.any(in_sentence) || cue.visit_back_references.any(in_sentence) || cue.delegation_cues.any(in_sentence))) {
                frame_index = Some(c);
            }
        }
        let Some(fi) = frame_index else { return };
        let visit = self.frames[fi].visit;
        let visitor = self.frames[fi].visitor;

        // Hosts: the first person after a host cue ("met with", "counterpart", "held talks").
        let mut host_cue_ends: Vec<usize> = Vec::new();
        for i in 0..t.len() {
            if let Some(e) = cue.host_cues.at(in_sentence, i) {
                host_cue_ends.push(e);
            }
        }
        let delegation_start = cue.delegation_cues.find(in_sentence, 0, t.len());
        // "was received in Brasília by the Commander of …, Adm. X": a passive host after "by".
        for i in 0..t.len() {
            if cue.hosting_verbs.at(in_sentence, i).is_some() {
                if let Some(by) = (i + 1..t.len().min(i + 6)).find(|&k| t.word(k).eq_ignore_ascii_case("by") && clauses[k] == clauses[i]) {
                    host_cue_ends.push(by + 1);
                }
            }
        }
        for &e in &host_cue_ends {
            let next_person = top.iter().find(|s| s.class == Class::Person && s.start >= e && s.entity != visitor);
            let next_unit = top.iter().find(|s| s.class == Class::Unit && s.start >= e && s.start <= e + 2);
            if let Some(p) = next_person {
                if delegation_start.is_some_and(|d| d < p.start && d >= e) {
                    continue;
                }
                doc.add_fact(visit, Pred::Host, Object::Entity(p.entity), si, "visit-host");
                if !self.frames[fi].hosts.contains(&p.entity) {
                    self.frames[fi].hosts.push(p.entity);
                }
                // "met X and Y"
                if let Some(q) = top.iter().find(|s| s.class == Class::Person && s.start == p.end + 1 && t.word(p.end).eq_ignore_ascii_case("and")) {
                    doc.add_fact(visit, Pred::Host, Object::Entity(q.entity), si, "visit-host");
                }
            } else if let Some(u) = next_unit {
                doc.add_fact(visit, Pred::Host, Object::Entity(u.entity), si, "visit-host");
            }
        }

        // Delegation: people after "the delegation included", "accompanied by".
        if let Some(d) = delegation_start {
            for p in top.iter().filter(|s| s.class == Class::Person && s.start > d && s.entity != visitor) {
                if self.frames[fi].hosts.contains(&p.entity) {
                    continue;
                }
                doc.add_fact(visit, Pred::DelegationMember, Object::Entity(p.entity), si, "visit-delegation");
                // "The Egyptian delegation": the members' nationality.
                if let Some((ds, (de, Term::Demonym(c)))) = (d.saturating_sub(1)..=d).find_map(|s| t.term(s, |x| matches!(x, Term::Demonym(_))).map(|m| (s, m))) {
                    let ce = rec.country_entity(doc, c);
                    rec.mention(doc, t, si, ds, de, ce);
                    doc.add_fact(p.entity, Pred::Country, Object::Entity(ce), si, "visit-delegation");
                }
            }
        }

        // Sites: bases and cities after a site cue, or right after "at", unless a blocker
        // ("home of", "headquartered at", "returned to") governs them.
        let site_cue_ends: Vec<usize> = (0..t.len()).filter_map(|i| cue.site_cues.at(in_sentence, i)).collect();
        for s in top.iter().filter(|s| matches!(s.class, Class::Base | Class::City)) {
            let blocked = (0..=2).any(|gap| {
                s.start >= gap
                    && cue.site_blockers.ends_at(in_sentence, s.start - gap)
                    && (s.start - gap..s.start).all(|g| matches!(t.lower[g].as_ref(), "the" | "its" | "their" | "a" | "in" | "at" | "to"))
            });
            if blocked {
                continue;
            }
            let cued = site_cue_ends.iter().any(|&e| e <= s.start);
            let at_base = s.class == Class::Base && s.start >= 1 && (t.word(s.start - 1).eq_ignore_ascii_case("at") || (s.start >= 2 && t.word(s.start - 1).eq_ignore_ascii_case("the") && t.word(s.start - 2).eq_ignore_ascii_case("at")));
            // A city is a site when the visitor went "to" or was "in" it.
            let city_ok = s.class != Class::City || (s.start >= 1 && matches!(t.word(s.start - 1).to_lowercase().as_str(), "in" | "to" | "at"));
            if city_ok && (cued || at_base) {
                doc.add_fact(visit, Pred::Site, Object::Entity(s.entity), si, "visit-site");
                // A city of the visit lies in the country visited, unless the lexicon knows better.
            }
        }
        // The trigger's own city ("arrived in Athens") is a site.
        if let Some((_, _, _, place_start)) = trigger {
            if let Some(city) = span_at(top, place_start, Class::City) {
                doc.add_fact(visit, Pred::Site, Object::Entity(city.entity), si, "visit-site");
            }
        }

        // Dates: those governed by the trigger or a verb of arrival, not of leaving.
        for d in dates.iter().filter(|d| !d.blocked) {
            let value = if d.first_day { self.frames[fi].earliest_date() } else { d.value };
            let Some(value) = value else { continue };
            let Some(dt) = t.toks.iter().position(|x| x.start >= d.start) else { continue };
            if self.governing_kind(t, clauses, dt) == Governor::Start {
                self.frames[fi].dates.push((value, si, trigger.is_some()));
            }
        }
    }

    /// The country a place lies in: itself for a country, the lexicon's country for a city.
    fn country_of_place(&self, doc: &DocAnalysis, place: LocalId) -> Option<LocalId> {
        match &doc.entities[place].identity {
            Identity::Country(_) => Some(place),
            Identity::City { .. } => doc.country_of(place),
            _ => None,
        }
    }

    /// What the verb governing the token at `at` says about a visit: its start, its end, or
    /// nothing. The governing verb is the nearest cue before it in the same clause; a date in an
    /// opening adverbial ("In September 2022, Israel hosted …") looks to the next clause.
    fn governing_kind(&self, t: &Tokens, clauses: &[usize], at: usize) -> Governor {
        let clause = clauses[at];
        let kind_at = |i: usize| -> Option<Governor> {
            let cue = &self.lex.cue;
            let in_sentence = &t.cues;
            let starts = cue.start_verbs.at(in_sentence, i).is_some();
            let ends = cue.end_verbs.at(in_sentence, i).is_some();
            // "concluded a three-day visit to India": the noun of a trip that ends.
            let noun = cue.visit_nouns.at(in_sentence, i).is_some_and(|e| t.word(e).eq_ignore_ascii_case("to"));
            let ended = noun && (i.saturating_sub(5)..i).any(|k| clauses[k] == clause && cue.end_verbs.at(in_sentence, k).is_some());
            if ended {
                return Some(Governor::End);
            }
            let trig = cue.travel_verbs.at(in_sentence, i).is_some() || self.led_party_at(t, i).is_some();
            if ends {
                Some(Governor::End)
            } else if starts || noun || trig {
                Some(Governor::Start)
            } else {
                None
            }
        };
        // Nearest cue before the date within its clause.
        for i in (0..at).rev() {
            if clauses[i] != clause {
                break;
            }
            if let Some(k) = kind_at(i) {
                return k;
            }
        }
        // A clause of its own at the start of the sentence: the next clause's verb.
        let opening = clauses[..at].iter().all(|&c| c == clause);
        if opening {
            let next = clauses.iter().position(|&c| c > clause).unwrap_or(t.len());
            for (i, &c) in clauses.iter().enumerate().skip(next) {
                if c > clause + 1 && i > next + 12 {
                    break;
                }
                if let Some(k) = kind_at(i) {
                    return k;
                }
            }
        }
        // After the date, in the same clause: "on Tuesday landed in Morocco".
        for (i, &c) in clauses.iter().enumerate().skip(at) {
            if c != clause {
                break;
            }
            if let Some(k) = kind_at(i) {
                return k;
            }
        }
        Governor::None
    }

    // ---- agreements --------------------------------------------------------------------------

    fn agreements(&mut self, doc: &mut DocAnalysis, view: &SentenceView<'_, '_>) {
        let SentenceView { tokens: t, top, dates, clauses, index: si } = view;
        let (top, si) = (&top[..], *si);
        for a in top.iter().filter(|s| s.class == Class::Agreement) {
            let agreement = a.entity;
            let sign_at = self.lex.cue.sign_verbs.find(&t.cues, 0, t.len());
            // Signatories: people before "signed", or "the two commanders" of the visit.
            if let Some(sv) = sign_at.filter(|&sv| sv < a.start) {
                let signers: Vec<LocalId> = top
                    .iter()
                    .filter(|s| s.class == Class::Person && s.end <= sv && clauses[s.start] == clauses[sv])
                    .map(|s| s.entity)
                    .collect();
                // "…, Aydın, who signed": the person the relative clause hangs on.
                let relative = (sv >= 3 && t.word(sv - 1).eq_ignore_ascii_case("who") && t.word(sv - 2) == ",")
                    .then(|| top.iter().find(|s| s.class == Class::Person && s.end == sv - 2).map(|s| s.entity))
                    .flatten();
                let mut signers = if signers.is_empty() { relative.into_iter().collect() } else { signers };
                if signers.is_empty() {
                    signers = self.two_of_them(t, sv);
                }
                // "… with his Kenyan counterpart, X": the other signatory.
                if let Some(w) = (a.end..t.len()).find(|&k| t.word(k).eq_ignore_ascii_case("with") && clauses[k] == clauses[a.end.min(t.len() - 1)]) {
                    if let Some(p) = top.iter().find(|s| s.class == Class::Person && s.start > w && s.start <= w + 12) {
                        let between_ok = (w + 1..p.start).all(|k| !top.iter().any(|s| s.start == k && matches!(s.class, Class::Person | Class::Agreement)));
                        if between_ok && !signers.contains(&p.entity) {
                            signers.push(p.entity);
                        }
                    }
                }
                for p in &signers {
                    doc.add_fact(agreement, Pred::Signatory, Object::Entity(*p), si, "agreement-signatory");
                }
            }
            // "The contract was signed in Rio de Janeiro on 3 May by Okafor and Cardoso."
            if let Some(sv) = sign_at.filter(|&sv| sv > a.start) {
                if let Some(by) = (sv..t.len()).find(|&k| t.word(k).eq_ignore_ascii_case("by")) {
                    let mut k = by + 1;
                    while let Some(p) = top.iter().find(|s| s.class == Class::Person && s.start == skip_the(t, k)) {
                        doc.add_fact(agreement, Pred::Signatory, Object::Entity(p.entity), si, "agreement-signed-by");
                        k = p.end;
                        if t.word(k) == "," || t.word(k).eq_ignore_ascii_case("and") {
                            k += 1;
                        } else {
                            break;
                        }
                    }
                }
            }
            // Place: "signed … in CITY".
            let from = sign_at.map_or(a.end, |s| s.min(a.start));
            let first_comma = (0..t.len()).find(|&k| t.word(k) == ",");
            for c in top.iter().filter(|s| s.class == Class::City && s.start >= 1 && t.word(s.start - 1).eq_ignore_ascii_case("in")) {
                // Right after the agreement or its sign verb ("signed a letter of intent (LoI) in
                // Athens", "signed in Cairo"), or in an opening "In Hanoi on Tuesday, …".
                let mut after = a.end;
                if t.word(after) == "(" {
                    after = (after..t.len()).find(|&k| t.word(k) == ")").map_or(after, |k| k + 1);
                }
                let near = c.start > from && (c.start <= after + 1 || sign_at.is_some_and(|sv| sv > a.start && c.start <= sv + 2));
                let opening = c.start <= 2 && first_comma.is_some_and(|fc| fc > c.start) && sign_at.is_some_and(|sv| Some(sv) > first_comma);
                if near || opening {
                    doc.add_fact(agreement, Pred::SignedAt, Object::Entity(c.entity), si, "agreement-signed-in-city");
                }
            }
            // Date: the clause's own date, or an opening adverbial's.
            for d in dates.iter().filter(|d| !d.blocked) {
                let Some(dt) = t.toks.iter().position(|x| x.start >= d.start) else { continue };
                let same_clause = clauses[dt] == clauses[a.start] || sign_at.is_some_and(|sv| clauses[dt] == clauses[sv] && sv < a.start + 3);
                // An opening adverbial: "A year after that in November, X signed …".
                let first_comma = (0..t.len()).find(|&k| t.word(k) == ",");
                let opening = dt < 8 && first_comma.is_some_and(|c| c > dt) && sign_at.is_some_and(|sv| Some(sv) > first_comma);
                if !(same_clause || opening) {
                    continue;
                }
                let value = if d.first_day { self.current.and_then(|c| self.frames[c].earliest_date()) } else { d.value };
                if let Some(v) = value {
                    doc.add_fact(agreement, Pred::Date, Object::Date(v), si, "agreement-date");
                }
            }
            // Parties.
            let parties = self.parties(doc, t, top, a, sign_at);
            for p in parties {
                doc.add_fact(agreement, Pred::Party, Object::Entity(p), si, "agreement-party");
            }
        }
    }

    /// "the two commanders/chiefs signed": the visitor and their host.
    fn two_of_them(&self, t: &Tokens, sign_at: usize) -> Vec<LocalId> {
        let people = ["commanders", "chiefs", "leaders", "officers", "generals", "ministers", "men", "sides", "officials", "counterparts"];
        let two = (sign_at.saturating_sub(4)..sign_at).any(|i| {
            t.word(i).eq_ignore_ascii_case("two") && people.iter().any(|p| t.word(i + 1).eq_ignore_ascii_case(p))
        });
        match (two, self.current) {
            (true, Some(c)) => {
                let f = &self.frames[c];
                let mut v = vec![f.visitor];
                v.extend(f.hosts.first());
                if v.len() == 2 { v } else { Vec::new() }
            }
            _ => Vec::new(),
        }
    }

    fn parties(&self, doc: &mut DocAnalysis, t: &Tokens, top: &[&Span], a: &Span, sign_at: Option<usize>) -> Vec<LocalId> {
        // "between A and B (and C)"
        if let Some(b) = (0..t.len()).find(|&i| t.word(i).eq_ignore_ascii_case("between")) {
            let mut found = Vec::new();
            let mut j = b + 1;
            loop {
                j = skip_the(t, j);
                match top.iter().find(|s| s.start == j && matches!(s.class, Class::Country | Class::Unit)) {
                    Some(s) => {
                        found.push(s.entity);
                        j = s.end;
                        if matches!(t.word(j), "," ) || t.word(j).eq_ignore_ascii_case("and") {
                            j += 1;
                            continue;
                        }
                        break;
                    }
                    None => break,
                }
            }
            if found.len() >= 2 {
                return found;
            }
            // "between the two air forces"
            if t.word(b + 1).eq_ignore_ascii_case("the") && t.word(b + 2).eq_ignore_ascii_case("two") {
                let signatories = doc.entity_objects(a.entity, Pred::Signatory);
                let units: Vec<LocalId> = signatories.iter().flat_map(|p| doc.entity_objects(*p, Pred::Commands)).collect();
                if units.len() >= 2 {
                    return units;
                }
            }
        }
        // "the Nigerian Navy signed a contract with the Brazilian Navy"
        if let Some(sv) = sign_at.filter(|&sv| sv < a.start) {
            let subject = top.iter().rev().find(|s| s.end <= sv && s.end + 1 >= sv && matches!(s.class, Class::Country | Class::Unit));
            let with = (a.end..t.len().min(a.end + 3)).find(|&k| t.word(k).eq_ignore_ascii_case("with"));
            let other = with.and_then(|w| span_at(top, skip_the(t, w + 1), Class::Unit).or_else(|| span_at(top, skip_the(t, w + 1), Class::Country)));
            if let (Some(s1), Some(s2)) = (subject, other) {
                return vec![s1.entity, s2.entity];
            }
        }
        // "the two countries": the visitor's country and the country visited.
        let two_countries = ["the two countries", "the two nations", "the two states", "both countries"];
        // Each phrase starts with "the" or "both": only there are they spelled out.
        let may_start = |i: usize| matches!(t.lower[i].as_ref(), "the" | "both");
        if (0..t.len()).any(|i| may_start(i) && two_countries.iter().any(|p| t.phrase_at(i, p).is_some())) {
            if let Some(c) = self.current {
                let f = &self.frames[c];
                let home = person_country(doc, f.visitor);
                if let (Some(h), Some(d)) = (home, f.destination) {
                    if h != d {
                        return vec![h, d];
                    }
                }
            }
        }
        // The countries the sentence names, when someone signs or it is named.
        let countries: Vec<LocalId> = top.iter().filter(|s| s.class == Class::Country).map(|s| s.entity).collect();
        if !countries.is_empty() && (sign_at.is_some()) {
            let mut out = countries;
            for p in doc.entity_objects(a.entity, Pred::Signatory) {
                if let Some(c) = person_country(doc, p) {
                    if !out.contains(&c) {
                        out.push(c);
                    }
                }
            }
            if out.len() >= 2 {
                return out;
            }
        }
        // The signatories' units.
        let signatories = doc.entity_objects(a.entity, Pred::Signatory);
        let units: Vec<LocalId> = signatories.iter().flat_map(|p| doc.entity_objects(*p, Pred::Commands)).collect();
        if units.len() >= 2 {
            return units;
        }
        Vec::new()
    }

    /// Close the document: the visits' dates, and the units that roles imply ("defense
    /// minister" → the country's ministry of defence).
    pub fn finish(&mut self, doc: &mut DocAnalysis, home_country: Option<LocalId>) {
        // Who received a visitor, with no nationality of their own stated, is of the country visited.
        for f in &self.frames {
            let Some(dest) = f.destination else { continue };
            for &h in &f.hosts {
                if person_country(doc, h).is_none() {
                    let si = doc.facts.iter().find(|x| x.subject == f.visit && x.pred == Pred::Host && x.object == Object::Entity(h)).map_or(0, |x| x.sentence);
                    doc.add_fact(h, Pred::Country, Object::Entity(dest), si, "host-of-visit-to-country");
                }
            }
        }
        for f in &self.frames {
            // What the sentences telling of the trip itself say, before what others add; then the
            // most precise statement of when it began, the earliest of those.
            if let Some((date, si, _)) = f.dates.iter().min_by_key(|(d, _, own)| (!*own, std::cmp::Reverse(d.precision()), *d)).copied() {
                doc.add_fact(f.visit, Pred::Date, Object::Date(date), si, "visit-date");
            }
        }
        let people: Vec<LocalId> = (0..doc.entities.len()).filter(|&i| doc.entities[i].class == Class::Person).collect();
        for p in people {
            let roles: Vec<(usize, String)> = doc
                .facts
                .iter()
                .filter(|f| f.subject == p && f.pred == Pred::Role)
                .filter_map(|f| match &f.object {
                    Object::Text(r) => Some((f.sentence, r.clone())),
                    _ => None,
                })
                .collect();
            let country = person_country(doc, p);
            for (si, role) in roles {
                let Some(r) = self.lex.roles.iter().find(|x| x.name == role) else { continue };
                if r.unit.is_empty() {
                    continue;
                }
                let wanted = self.lex.canonical_unit_core(&r.unit);
                let of_kind = |u: usize| matches!(&doc.entities[u].identity, Identity::Unit { core, parent: None } if core.ends_with(&wanted));
                let units: Vec<usize> = match country {
                    // The unit of that kind of the person's country …
                    Some(c) => (0..doc.entities.len()).filter(|&u| of_kind(u) && doc.entity_objects(u, Pred::Country).contains(&c)).collect(),
                    // … or the one unit of that kind named in the same sentence.
                    None => {
                        let mut named: Vec<usize> = doc.mentions.iter().filter(|m| m.sentence == si && of_kind(m.entity)).map(|m| m.entity).collect();
                        named.sort_unstable();
                        named.dedup();
                        named
                    }
                };
                // Several: the one of the country the article is datelined in.
                let unit = match units.len() {
                    1 => Some(units[0]),
                    0 => None,
                    _ => home_country.and_then(|h| units.iter().copied().find(|&u| doc.entity_objects(u, Pred::Country).contains(&h))),
                };
                if let Some(u) = unit {
                    let pred = if r.heads { Pred::Commands } else { Pred::MemberOf };
                    doc.add_fact(p, pred, Object::Entity(u), si, "role-implies-unit");
                }
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Governor {
    Start,
    End,
    None,
}

/// The country a person is stated to serve: directly, or through the unit they serve in.
pub fn person_country(doc: &DocAnalysis, p: LocalId) -> Option<LocalId> {
    if let Some(c) = doc.country_of(p) {
        return Some(c);
    }
    let units: Vec<LocalId> = doc.entity_objects(p, Pred::Commands).into_iter().chain(doc.entity_objects(p, Pred::MemberOf)).collect();
    units.iter().find_map(|u| doc.country_of(*u))
}

fn skip_the(t: &Tokens, i: usize) -> usize {
    if t.word(i).eq_ignore_ascii_case("the") {
        i + 1
    } else {
        i
    }
}

/// The longest top-level span of `class` starting at token `i`.
fn span_at<'s>(top: &[&'s Span], i: usize, class: Class) -> Option<&'s Span> {
    top.iter().filter(|s| s.start == i && s.class == class).max_by_key(|s| s.end).copied()
}
