//! Dates: reading calendar expressions and resolving relative ones against the document's date
//! and the dates around them.
//!
//! A resolved date keeps its precision, which decides its XSD type (see
//! [vocabulary.md § Properties](../../shared/spec/vocabulary.md)): a day is `xsd:date`, a month
//! `xsd:gYearMonth`, a year `xsd:gYear`. Whatever cannot be resolved (a weekday in an article
//! without a date of its own) is `None`: left out, never guessed.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use regex::Regex;

use crate::lexicon::Lexicon;

/// A calendar date known to the day, the month or the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartialDate {
    pub year: i32,
    pub month: Option<u32>,
    pub day: Option<u32>,
}

impl PartialDate {
    pub fn day(d: NaiveDate) -> Self {
        PartialDate { year: d.year(), month: Some(d.month()), day: Some(d.day()) }
    }
    pub fn month(year: i32, month: u32) -> Self {
        PartialDate { year, month: Some(month), day: None }
    }
    pub fn year(year: i32) -> Self {
        PartialDate { year, month: None, day: None }
    }
    /// The lexical form: `2023-02-21`, `2022-09` or `2020`.
    pub fn lexical(&self) -> String {
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{:04}-{:02}-{:02}", self.year, m, d),
            (Some(m), None) => format!("{:04}-{:02}", self.year, m),
            _ => format!("{:04}", self.year),
        }
    }
    /// Whether one date can be a more or less precise statement of the other.
    pub fn compatible(&self, other: &PartialDate) -> bool {
        self.year == other.year
            && (self.month.is_none() || other.month.is_none() || self.month == other.month)
            && (self.day.is_none() || other.day.is_none() || self.day == other.day)
    }
    pub fn precision(&self) -> u8 {
        1 + u8::from(self.month.is_some()) + u8::from(self.day.is_some())
    }
    pub fn to_naive(&self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year, self.month?, self.day?)
    }
}

/// One date expression in a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateMention {
    /// Byte offsets into the document.
    pub start: usize,
    pub end: usize,
    /// The resolved value; `None` when it cannot be resolved.
    pub value: Option<PartialDate>,
    /// A deadline or span ("to 2030", "since 2020"): not the date of an event.
    pub blocked: bool,
    /// "the first day": the first day of the event being reported, filled in by the caller.
    pub first_day: bool,
}

/// What the dates read so far say about the ones that follow.
#[derive(Debug, Clone, Default)]
pub struct DateContext {
    pub document: Option<NaiveDate>,
    /// The last year stated explicitly in the text.
    pub last_year: Option<i32>,
    /// The last date known to the day.
    pub last_day: Option<NaiveDate>,
}

/// The compiled patterns for dates, built from the lexicon's month and weekday names.
#[derive(Debug)]
pub struct DateGrammar {
    iso: Regex,
    day_month_year: Regex,
    month_day_year: Regex,
    month_year: Regex,
    day_month: Regex,
    month_day: Regex,
    in_month: Regex,
    year: Regex,
    weekday: Regex,
    relative: Regex,
    years_offset: Regex,
    header: Regex,
    dateline: Regex,
    /// The words that every match of a group of patterns holds, to skip the group's regexes in
    /// a sentence without any (most sentences).
    triggers: Triggers,
    months: Vec<Vec<String>>,
    weekdays: Vec<String>,
    blockers: Vec<String>,
}

/// The relative expressions the `relative` pattern reads (letter case aside).
const RELATIVE: [&str; 14] = [
    "last year",
    "this year",
    "last month",
    "this month",
    "earlier this month",
    "earlier this year",
    "last week",
    "this week",
    "yesterday",
    "today",
    "the same day",
    "the first day",
    "the previous day",
    "the day before",
];

/// A word that each of [`RELATIVE`] contains, and whether a word boundary always follows it
/// there. Their letters have no case variant outside ASCII (unlike "k" and "s", which the
/// case-insensitive pattern also matches as "\u{212A}" and "\u{17F}"; hence "wee", not
/// "week"), so a sentence without one of these, in any ASCII letter case, has no match.
const RELATIVE_KEYS: [(&str, bool); 4] = [("year", true), ("month", true), ("wee", false), ("day", true)];

/// Words that the matches of groups of date patterns contain, found in a sentence in one pass
/// over its bytes: a sentence without any of a group's words has no match of its patterns.
#[derive(Debug)]
struct Triggers {
    /// The words by their first byte.
    by_first: Vec<Vec<Trigger>>,
    /// The groups of the words starting with each byte: most bytes start none.
    mask: [u8; 256],
    /// The groups with an empty word, which every sentence holds.
    always: u8,
}

/// One word of [`Triggers`].
#[derive(Debug, Clone, PartialEq, Eq)]
struct Trigger {
    group: u8,
    /// Whether ASCII letter case is ignored.
    fold: bool,
    word: Vec<u8>,
    /// Whether the patterns read the word only with a word boundary before it, or after it.
    bounded_before: bool,
    bounded_after: bool,
}

impl Triggers {
    /// A month name or abbreviation, as written, after a word boundary: every pattern reading
    /// a month has `\b` or `\s` before it.
    const MONTH: u8 = 1;
    /// A weekday name, as written, between word boundaries: `weekday`.
    const WEEKDAY: u8 = 2;
    /// [`RELATIVE_KEYS`] in any ASCII letter case: `relative`.
    const RELATIVE: u8 = 4;
    /// "-": `iso`.
    const DASH: u8 = 8;
    /// "19" or "20" after a word boundary: `year`.
    const CENTURY: u8 = 16;
    /// "year" in any ASCII letter case: `years_offset`.
    const YEARS: u8 = 32;

    fn new(lexicon: &Lexicon) -> Self {
        let mut t = Triggers { by_first: vec![Vec::new(); 256], mask: [0; 256], always: 0 };
        let mut add = |group: u8, fold: bool, word: &str, bounded_before: bool, bounded_after: bool| {
            let Some(&first) = word.as_bytes().first() else {
                t.always |= group;
                return;
            };
            // A boundary is certain only next to a letter or digit (see `groups_in`).
            let letter = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_alphanumeric());
            let trigger = Trigger {
                group,
                fold,
                word: word.as_bytes().to_vec(),
                bounded_before: bounded_before && letter(word.as_bytes().first()),
                bounded_after: bounded_after && letter(word.as_bytes().last()),
            };
            let firsts = if fold { vec![first.to_ascii_lowercase(), first.to_ascii_uppercase()] } else { vec![first] };
            for f in firsts {
                t.mask[usize::from(f)] |= group;
                let slot = &mut t.by_first[usize::from(f)];
                if !slot.contains(&trigger) {
                    slot.push(trigger.clone());
                }
            }
        };
        // After the month every pattern reads `\b`, `\s` or ",": no word character after a
        // month name ending in a letter.
        lexicon.months.iter().flatten().for_each(|m| add(Self::MONTH, false, m, true, true));
        lexicon.weekdays.iter().for_each(|d| add(Self::WEEKDAY, false, d, true, true));
        RELATIVE_KEYS.iter().for_each(|&(k, after)| add(Self::RELATIVE, true, k, false, after));
        add(Self::YEARS, true, "year", false, false);
        add(Self::DASH, false, "-", false, false);
        add(Self::CENTURY, false, "19", true, false);
        add(Self::CENTURY, false, "20", true, false);
        t
    }

    /// The groups whose words occur in `text` (where a word must follow or precede a
    /// boundary, not right after or before an ASCII letter, digit or "_").
    fn groups_in(&self, text: &str) -> u8 {
        let bytes = text.as_bytes();
        // Conservative: other than ASCII may or may not be a word character for `\b`.
        let word_byte = |k: Option<usize>| k.and_then(|k| bytes.get(k)).is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_');
        let mut found = self.always;
        for (k, &b) in bytes.iter().enumerate() {
            if self.mask[usize::from(b)] & !found == 0 {
                continue;
            }
            for t in &self.by_first[usize::from(b)] {
                if found & t.group != 0 {
                    continue;
                }
                let Some(here) = bytes[k..].get(..t.word.len()) else { continue };
                let same = if t.fold { here.eq_ignore_ascii_case(&t.word) } else { here == &t.word[..] };
                if same
                    && !(t.bounded_before && word_byte(k.checked_sub(1)))
                    && !(t.bounded_after && word_byte(Some(k + t.word.len())))
                {
                    found |= t.group;
                }
            }
        }
        found
    }
}

fn alternation(words: impl Iterator<Item = String>) -> String {
    let mut words: Vec<String> = words.map(|w| regex::escape(&w)).collect();
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    words.join("|")
}

impl DateGrammar {
    pub fn new(lexicon: &Lexicon) -> Self {
        let months = alternation(lexicon.months.iter().flatten().cloned());
        let weekdays = alternation(lexicon.weekdays.iter().cloned());
        let m = format!(r"(?P<month>{months})");
        let m2 = format!(r"(?P<month2>{months})");
        let re = |s: &str| Regex::new(s).expect("date pattern compiles");
        DateGrammar {
            iso: re(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b"),
            day_month_year: re(&format!(r"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+{m}\s*,?\s+(?P<y>\d{{4}})\b")),
            month_day_year: re(&format!(r"\b{m}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s*,\s*(?P<y>\d{{4}})\b|\b{m2}\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<y2>\d{{4}})\b")),
            month_year: re(&format!(r"\b{m}\s*,?\s+(?P<y>\d{{4}})\b")),
            day_month: re(&format!(r"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+{m}\b")),
            month_day: re(&format!(r"\b{m}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b")),
            in_month: re(&format!(r"\b(?P<pre>in|In|early|late|mid|mid-|since|Since|last|Last|this|This|next|Next)\s+{m}\b")),
            year: re(r"\b(?P<y>(?:19|20)\d{2})\b"),
            weekday: re(&format!(r"\b(?P<wd>{weekdays})\b")),
            relative: re(&format!(r"(?i)\b(?P<rel>{})\b", RELATIVE.join("|"))),
            years_offset: re(r"(?i)\b(?P<n>a|one|two|three|four|five|\d+)\s+years?\s+(?P<dir>after|later|before|earlier)\b"),
            header: re(r"(?i)^\s*(?:date|dated|published|posted|updated)?\s*:?\s*(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b"),
            // "NEW DELHI, 10 April 2024 (ANI) –", "ANKARA, Oct 17, 2024 (Reuters) -",
            // "ACCRA, Ghana, Nov. 29, 2024 (GNA) —" (the city's country between),
            // "Published Thursday, 23 May 2024", "Date: 11 February 2025" (a press release).
            dateline: re(&format!(
                r"^\s*(?:[\p{{Lu}}][\p{{Lu}}\p{{M}} .'’-]+,(?:\s*\p{{Lu}}[\p{{L}}\p{{M}} .'’-]*,)?|(?i:published|posted|updated|dated|date)\s*:?(?:\s+(?:{weekdays}),?)?)\s*(?P<date>(?:\d{{1,2}}\s+(?:{months})\s*,?\s+\d{{4}})|(?:(?:{months})\s+\d{{1,2}}\s*,?\s+\d{{4}}))"
            )),
            triggers: Triggers::new(lexicon),
            months: lexicon.months.clone(),
            weekdays: lexicon.weekdays.clone(),
            blockers: lexicon.cues.date_blockers.clone(),
        }
    }

    fn month_number(&self, name: &str) -> Option<u32> {
        self.months.iter().position(|forms| forms.iter().any(|f| f == name)).map(|i| i as u32 + 1)
    }

    /// The document's own date, from a header line (` date 2023-02-22 …`) or a dateline
    /// (`NEW DELHI, 10 April 2024 (ANI) –`) at the very start of the text.
    pub fn document_date(&self, text: &str) -> Option<NaiveDate> {
        // The header or dateline stands on one of the first lines, after a headline at most.
        for line in text.lines().filter(|l| !l.trim().is_empty()).take(3) {
            let head: &str = &line[..line.char_indices().nth(200).map_or(line.len(), |(i, _)| i)];
            if let Some(c) = self.header.captures(head) {
                return NaiveDate::from_ymd_opt(c["y"].parse().ok()?, c["m"].parse().ok()?, c["d"].parse().ok()?);
            }
            if let Some(date) = self.dateline.captures(head).and_then(|c| c.name("date")) {
                let found = self.find(date.as_str(), 0, &DateContext::default());
                if let Some(d) = found.first().and_then(|d| d.value).and_then(|v| v.to_naive()) {
                    return Some(d);
                }
            }
        }
        None
    }

    /// Every date expression in `sentence` (whose first byte sits at `offset` in the document),
    /// resolved against `context`. The caller updates the context with [`DateGrammar::advance`].
    pub fn find<'g>(&'g self, sentence: &'g str, offset: usize, context: &DateContext) -> Vec<DateMention> {
        let mut taken: Vec<(usize, usize)> = Vec::new();
        let mut out: Vec<DateMention> = Vec::new();
        let free = |taken: &Vec<(usize, usize)>, s: usize, e: usize| taken.iter().all(|&(a, b)| e <= a || s >= b);
        // Most patterns need a digit: skip them in sentences without one. (`\d` is any Unicode
        // decimal digit, so a sentence with other than ASCII is always searched.) The regex
        // engine's own prefilters already skip the others quickly.
        let may_have_digits = !sentence.is_ascii() || sentence.bytes().any(|b| b.is_ascii_digit());
        let scan = |re: &'g Regex, possible: bool| possible.then(|| re.captures_iter(sentence)).into_iter().flatten();
        // Which groups of patterns can match at all, from the words each needs, found in one pass.
        let groups = self.triggers.groups_in(sentence);
        let has_month = groups & Triggers::MONTH != 0;
        let has_weekday = groups & Triggers::WEEKDAY != 0;
        let has_relative = groups & Triggers::RELATIVE != 0;
        // A stated number of years before or after the last year: "a year after that in November".
        let year_shift = (groups & Triggers::YEARS != 0).then(|| self.years_offset.captures(sentence)).flatten().and_then(|c| {
            let n = match &c["n"].to_lowercase()[..] {
                "a" | "one" => 1,
                "two" => 2,
                "three" => 3,
                "four" => 4,
                "five" => 5,
                digits => digits.parse().ok()?,
            };
            let sign = if matches!(&c["dir"].to_lowercase()[..], "after" | "later") { 1 } else { -1 };
            Some(sign * n)
        });
        let implied_year = match year_shift {
            Some(shift) => context.last_year.map(|y| y + shift),
            None => context.last_year.or(context.document.map(|d| d.year())),
        };
        let push = |out: &mut Vec<DateMention>, taken: &mut Vec<(usize, usize)>, s: usize, e: usize, value: Option<PartialDate>| {
            if !free(taken, s, e) {
                return;
            }
            taken.push((s, e));
            let blocked = self.blocked(sentence, s);
            out.push(DateMention { start: offset + s, end: offset + e, value, blocked, first_day: false });
        };
        for c in scan(&self.iso, may_have_digits && groups & Triggers::DASH != 0) {
            let whole = c.get(0).unwrap();
            let value = (|| {
                Some(PartialDate::day(NaiveDate::from_ymd_opt(c["y"].parse().ok()?, c["m"].parse().ok()?, c["d"].parse().ok()?)?))
            })();
            push(&mut out, &mut taken, whole.start(), whole.end(), value);
        }
        for c in scan(&self.day_month_year, may_have_digits && has_month) {
            let whole = c.get(0).unwrap();
            let value = self.ymd(c["y"].parse().ok(), self.month_number(&c["month"]), c["d"].parse().ok());
            push(&mut out, &mut taken, whole.start(), whole.end(), value);
        }
        for c in scan(&self.month_day_year, may_have_digits && has_month) {
            let whole = c.get(0).unwrap();
            let (month, d, y) = match c.name("month") {
                Some(m) => (m.as_str(), &c["d"], &c["y"]),
                None => (&c["month2"], &c["d2"], &c["y2"]),
            };
            let value = self.ymd(y.parse().ok(), self.month_number(month), d.parse().ok());
            push(&mut out, &mut taken, whole.start(), whole.end(), value);
        }
        for c in scan(&self.month_year, may_have_digits && has_month) {
            let whole = c.get(0).unwrap();
            let value = match (c["y"].parse::<i32>(), self.month_number(&c["month"])) {
                (Ok(y), Some(m)) => Some(PartialDate::month(y, m)),
                _ => None,
            };
            push(&mut out, &mut taken, whole.start(), whole.end(), value);
        }
        for c in scan(&self.day_month, may_have_digits && has_month) {
            let whole = c.get(0).unwrap();
            let value = self.ymd(implied_year, self.month_number(&c["month"]), c["d"].parse().ok());
            push(&mut out, &mut taken, whole.start(), whole.end(), value);
        }
        for c in scan(&self.month_day, may_have_digits && has_month) {
            let whole = c.get(0).unwrap();
            // "May 2" is a date, "May the" is not; a lone month word after a name is too weak.
            let value = self.ymd(implied_year, self.month_number(&c["month"]), c["d"].parse().ok());
            push(&mut out, &mut taken, whole.start(), whole.end(), value);
        }
        for c in scan(&self.in_month, has_month) {
            let m = c.name("month").unwrap();
            let month = self.month_number(m.as_str());
            // "last October" is the one before the document's date, whatever year the text
            // spoke of last; "next March" the one after it.
            let year = match (c.name("pre").map(|p| p.as_str().to_ascii_lowercase()).as_deref(), month, context.document) {
                (Some("last"), Some(mo), doc) => doc.map(|d| if mo < d.month() { d.year() } else { d.year() - 1 }),
                (Some("next"), Some(mo), doc) => doc.map(|d| if mo > d.month() { d.year() } else { d.year() + 1 }),
                (Some("this"), _, doc) => doc.map(|d| d.year()),
                _ => implied_year,
            };
            let value = match (year, month) {
                (Some(y), Some(mo)) => Some(PartialDate::month(y, mo)),
                _ => None,
            };
            push(&mut out, &mut taken, m.start(), m.end(), value);
        }
        for c in scan(&self.year, may_have_digits && groups & Triggers::CENTURY != 0) {
            let y = c.name("y").unwrap();
            let year: i32 = y.as_str().parse().unwrap_or(0);
            // A year is part of a longer number or code ("2,020", "F-2020") when glued to one.
            let glued = sentence[..y.start()].ends_with([',', '-', '.', '/']) || sentence[y.end()..].starts_with(['-', '/', ',']) && sentence[y.end()..].chars().nth(1).is_some_and(|c| c.is_ascii_digit());
            if !glued {
                push(&mut out, &mut taken, y.start(), y.end(), Some(PartialDate::year(year)));
            }
        }
        for c in scan(&self.weekday, has_weekday) {
            let w = c.name("wd").unwrap();
            let idx = self.weekdays.iter().position(|d| d == w.as_str()).unwrap_or(0) as u32;
            let future = crate::lexicon::contains_phrase(&sentence[..w.start()], "will");
            let value = context.document.map(|doc| PartialDate::day(weekday_near(doc, idx, future)));
            push(&mut out, &mut taken, w.start(), w.end(), value);
        }
        for c in scan(&self.relative, has_relative) {
            let r = c.name("rel").unwrap();
            let rel = r.as_str().to_lowercase();
            let doc = context.document;
            let mut first_day = false;
            let value = match rel.as_str() {
                "last year" => doc.map(|d| PartialDate::year(d.year() - 1)),
                "this year" | "earlier this year" => doc.map(|d| PartialDate::year(d.year())),
                "this month" | "earlier this month" => doc.map(|d| PartialDate::month(d.year(), d.month())),
                "last month" => doc.map(|d| {
                    let prev = d.with_day(1).unwrap() - Duration::days(1);
                    PartialDate::month(prev.year(), prev.month())
                }),
                "last week" => doc.and_then(last_week_month),
                "this week" => doc.map(|d| PartialDate::month(d.year(), d.month())),
                "yesterday" | "the previous day" | "the day before" => doc.map(|d| PartialDate::day(d - Duration::days(1))),
                "today" => doc.map(PartialDate::day),
                "the same day" => context.last_day.map(PartialDate::day),
                "the first day" => {
                    first_day = true;
                    None
                }
                _ => None,
            };
            if free(&taken, r.start(), r.end()) {
                taken.push((r.start(), r.end()));
                out.push(DateMention { start: offset + r.start(), end: offset + r.end(), value, blocked: false, first_day });
            }
        }
        out.sort_by_key(|d| (d.start, d.end));
        out
    }

    /// Carry the explicit years and days of `found` into `context`.
    pub fn advance(&self, context: &mut DateContext, found: &[DateMention]) {
        for d in found {
            if let Some(v) = d.value {
                context.last_year = Some(v.year);
                if let Some(day) = v.to_naive() {
                    context.last_day = Some(day);
                }
            }
        }
    }

    fn ymd(&self, y: Option<i32>, m: Option<u32>, d: Option<u32>) -> Option<PartialDate> {
        Some(PartialDate::day(NaiveDate::from_ymd_opt(y?, m?, d?)?))
    }

    fn blocked(&self, sentence: &str, at: usize) -> bool {
        let before = sentence[..at].trim_end();
        let last_word = before.rsplit(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
        self.blockers.iter().any(|b| b.eq_ignore_ascii_case(last_word))
    }
}

/// The weekday `idx` (0 = Monday) nearest to `doc`: on or before it for what happened, after it
/// for what "will" happen.
fn weekday_near(doc: NaiveDate, idx: u32, future: bool) -> NaiveDate {
    let target = Weekday::try_from(idx as u8).unwrap_or(Weekday::Mon).num_days_from_monday() as i64;
    let today = doc.weekday().num_days_from_monday() as i64;
    if future {
        let ahead = (target - today).rem_euclid(7);
        doc + Duration::days(if ahead == 0 { 7 } else { ahead })
    } else {
        doc - Duration::days((today - target).rem_euclid(7))
    }
}

/// "last week" is known to the month only when the whole previous week lies in one month.
fn last_week_month(doc: NaiveDate) -> Option<PartialDate> {
    let monday = doc - Duration::days(doc.weekday().num_days_from_monday() as i64 + 7);
    let sunday = monday + Duration::days(6);
    (monday.month() == sunday.month()).then(|| PartialDate::month(monday.year(), monday.month()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grammar() -> DateGrammar {
        DateGrammar::new(&Lexicon::builtin().unwrap())
    }

    fn ctx(doc: &str) -> DateContext {
        let d = NaiveDate::parse_from_str(doc, "%Y-%m-%d").unwrap();
        DateContext { document: Some(d), last_year: None, last_day: None }
    }

    fn values(g: &DateGrammar, s: &str, c: &DateContext) -> Vec<String> {
        g.find(s, 0, c).iter().filter_map(|d| d.value.map(|v| v.lexical())).collect()
    }

    #[test]
    fn triggers_find_their_words() {
        let g = grammar();
        let t = &g.triggers;
        assert_eq!(t.groups_in("no date here"), 0);
        assert_eq!(t.groups_in("on 3 May"), Triggers::MONTH);
        assert_eq!(t.groups_in("the Marine Corps"), 0);
        assert_eq!(t.groups_in("YESTERDAY"), Triggers::RELATIVE);
        assert_eq!(t.groups_in("for years"), Triggers::YEARS);
        assert_eq!(t.groups_in("Friday, 2023-01-02"), Triggers::WEEKDAY | Triggers::RELATIVE | Triggers::DASH | Triggers::CENTURY);
    }

    #[test]
    fn relative_keys_cover_every_relative_expression() {
        for phrase in RELATIVE {
            let key = RELATIVE_KEYS.iter().find(|(k, _)| phrase.contains(k));
            assert!(key.is_some_and(|&(k, after)| !after || phrase.ends_with(k) || phrase.contains(&format!("{k} "))), "{phrase}");
        }
    }

    #[test]
    fn weekday_resolves_to_the_last_such_day() {
        let g = grammar();
        // 2023-02-22 is a Wednesday.
        assert_eq!(values(&g, "on Tuesday landed in Morocco", &ctx("2023-02-22")), ["2023-02-21"]);
        assert_eq!(values(&g, "concluded on Wednesday", &ctx("2023-02-22")), ["2023-02-22"]);
    }

    #[test]
    fn weekday_without_document_date_is_left_out() {
        let g = grammar();
        assert!(values(&g, "returned on Thursday", &DateContext::default()).is_empty());
    }

    #[test]
    fn absolute_dates_keep_their_precision() {
        let g = grammar();
        let c = DateContext::default();
        assert_eq!(values(&g, "In September 2022, Israel hosted", &c), ["2022-09"]);
        assert_eq!(values(&g, "began on 14 May 2024", &c), ["2024-05-14"]);
        assert_eq!(values(&g, "on May 14, 2024", &c), ["2024-05-14"]);
        assert_eq!(values(&g, "formalized ties in 2020", &c), ["2020"]);
    }

    #[test]
    fn a_year_after_that_counts_from_the_last_year() {
        let g = grammar();
        let c = DateContext { last_year: Some(2020), ..DateContext::default() };
        assert_eq!(values(&g, "A year after that in November, he signed", &c), ["2021-11"]);
    }

    #[test]
    fn last_and_next_month_count_from_the_document_date() {
        let g = grammar();
        // The text spoke of 2019 last: "last October" is still the one before the document.
        let c = DateContext { last_year: Some(2019), ..ctx("2025-03-13") };
        assert_eq!(values(&g, "He visited the capital last October", &c), ["2024-10"]);
        assert_eq!(values(&g, "talks resume next May", &c), ["2025-05"]);
        assert_eq!(values(&g, "last March", &c), ["2024-03"], "the month of the document itself was a year ago");
        assert_eq!(values(&g, "in October", &c), ["2019-10"], "a plain month still takes the year spoken of");
        assert!(values(&g, "last October", &DateContext::default()).is_empty(), "no document date, no guess");
    }

    #[test]
    fn deadlines_are_blocked() {
        let g = grammar();
        let found = g.find("a roadmap for air cooperation to 2030", 0, &DateContext::default());
        assert!(found[0].blocked);
    }

    #[test]
    fn last_year_and_last_week() {
        let g = grammar();
        assert_eq!(values(&g, "travelled to Paris last year", &ctx("2024-04-10")), ["2023"]);
        assert_eq!(values(&g, "met last week", &ctx("2024-04-17")), ["2024-04"]);
        // The week before 2024-04-03 runs from 25 March to 31 March.
        assert_eq!(values(&g, "met last week", &ctx("2024-04-03")), ["2024-03"]);
        assert!(values(&g, "met last week", &ctx("2024-04-05")).len() == 1);
    }

    #[test]
    fn document_date_from_header_or_dateline() {
        let g = grammar();
        assert_eq!(g.document_date(" date 2023-02-22 General X"), NaiveDate::from_ymd_opt(2023, 2, 22));
        assert_eq!(g.document_date("NEW DELHI, 10 April 2024 (ANI) – General"), NaiveDate::from_ymd_opt(2024, 4, 10));
        assert_eq!(g.document_date("CAIRO – The commander"), None);
        assert_eq!(g.document_date("Headline here\n\nANKARA, Oct 17, 2024 (Reuters) - Text"), NaiveDate::from_ymd_opt(2024, 10, 17));
        assert_eq!(g.document_date("CANBERRA, Nov 9 2023 (AAP) - Text"), NaiveDate::from_ymd_opt(2023, 11, 9));
        assert_eq!(g.document_date("ACCRA, Ghana, Nov. 29, 2024 (GNA) — Text"), NaiveDate::from_ymd_opt(2024, 11, 29));
        assert_eq!(g.document_date("SÃO PAULO, Brazil, 3 March 2025 (Reuters) - Text"), NaiveDate::from_ymd_opt(2025, 3, 3));
        assert_eq!(g.document_date("LOMÉ, Togo — On 3 March 2025 the chief"), None, "a date in the text is not the dateline's");
        assert_eq!(g.document_date("Headline\nPublished Thursday, 23 May 2024\n\nABUJA — Text"), NaiveDate::from_ymd_opt(2024, 5, 23));
        assert_eq!(g.document_date("Ministry of Defence\nPress Release\nDate: 4 March 2025\n\nThe chief"), NaiveDate::from_ymd_opt(2025, 3, 4));
        assert_eq!(g.document_date("Israel’s Air Force Commander"), None);
    }
}
