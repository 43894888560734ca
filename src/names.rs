//! Name keys: folding, transliteration-aware skeletons, and IRI slugs.
//!
//! Outlets spell the same name differently when they transliterate it from Arabic, Greek or
//! Hebrew ("El Abed Alawi Bouhamid" / "El Abd Bohamid", "Charalampos Vrettakos" / "Haralambos
//! Vretakos"). A name word's *skeleton* keeps what survives transliteration: its consonants,
//! after folding accents, the Arabic article, digraphs that render one sound (kh/ch/gh/ph/th/sh)
//! and doubled letters. Two people are the same only when every word of the shorter name has the
//! skeleton of a word of the longer one and at least two words agree (see
//! [`person_names_match`]); one shared word, such as a surname, is never enough.

use unicode_normalization::UnicodeNormalization;

/// Lower case, accents and marks removed, typographic apostrophes and dashes made plain.
pub fn fold(text: &str) -> String {
    // ASCII has no marks and decomposes to itself: only the letter case and "`" change.
    if text.is_ascii() {
        return text.bytes().map(|b| if b == b'`' { '\'' } else { char::from(b.to_ascii_lowercase()) }).collect();
    }
    text.nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{02BC}' | '`' => '\'',
            '\u{2010}'..='\u{2015}' => '-',
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// The words of a name, folded, with hyphenated Arabic articles split off ("El-Ashmawy" →
/// "el", "ashmawy") and the articles themselves dropped.
pub fn name_words(name: &str) -> Vec<String> {
    let folded = fold(name);
    let mut words = Vec::new();
    for raw in folded.split(|c: char| c.is_whitespace() || c == ',') {
        let word: String = if raw.contains('-') {
            let mut parts: Vec<&str> = raw.split('-').filter(|p| !p.is_empty()).collect();
            while parts.len() > 1 && matches!(parts[0], "el" | "al" | "ul" | "ad" | "ar" | "as" | "at" | "az" | "an" | "ash") {
                parts.remove(0);
            }
            parts.concat().chars().filter(|c| c.is_alphanumeric()).collect()
        } else {
            // No hyphen: the word is the one part, with no article to split off.
            raw.chars().filter(|c| c.is_alphanumeric()).collect()
        };
        // Articles and the patronymic "bin"/"ibn" are spelled out by some outlets, left out by others.
        if word.is_empty() || matches!(word.as_str(), "el" | "al" | "bin" | "ibn" | "ben" | "bint") {
            continue;
        }
        words.push(word);
    }
    // "Abdul Aziz" and "Abdulaziz" are one name: the "servant of" prefix joins the word after it.
    let mut joined: Vec<String> = Vec::with_capacity(words.len());
    let mut rest = words.into_iter();
    while let Some(word) = rest.next() {
        if matches!(word.as_str(), "abdul" | "abdel" | "abdol" | "abdoul") {
            if let Some(next) = rest.next() {
                joined.push(word + &next);
                continue;
            }
        }
        joined.push(word);
    }
    joined
}

/// Levenshtein distance between two short words.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Whether two folded name words can be spellings of one name: the same word, an initial and
/// a word it begins, or the same transliteration skeleton with few letters apart ("Tarek" /
/// "Tariq", but not "John" / "Jane").
pub fn words_match(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (ca, cb) = (a.chars().count(), b.chars().count());
    if ca == 1 || cb == 1 {
        return a.chars().next() == b.chars().next();
    }
    let max_distance = 2.max(ca.max(cb) / 3);
    // The edit distance is at least the difference in length: a cheap test before the skeletons.
    if ca.abs_diff(cb) > max_distance {
        return false;
    }
    same_skeleton(a, b) && edit_distance(a, b) <= max_distance
}

/// What survives transliteration of one folded name word.
pub fn skeleton(word: &str) -> String {
    let mut stack = [0u8; 64];
    let mut heap = Vec::new();
    skeleton_in(word, &mut stack, &mut heap).to_owned()
}

/// Whether two folded name words have the same [`skeleton`], without allocating for short words.
fn same_skeleton(a: &str, b: &str) -> bool {
    let (mut stack_a, mut stack_b) = ([0u8; 64], [0u8; 64]);
    let (mut heap_a, mut heap_b) = (Vec::new(), Vec::new());
    skeleton_in(a, &mut stack_a, &mut heap_a) == skeleton_in(b, &mut stack_b, &mut heap_b)
}

/// [`skeleton`], worked out in `stack` when the word fits, else in `heap`.
fn skeleton_in<'b>(word: &str, stack: &'b mut [u8; 64], heap: &'b mut Vec<u8>) -> &'b str {
    // Sounds that outlets write with two letters or one, replaced in this order: a replacement
    // can make a pair that a later one reads ("ckh" → "ch" → "h").
    // "zh" and "j" are written for one Cyrillic letter ("Zhasur" / "Jasur"); "x" for the sound
    // others write "kh" (Uzbek "Baxtiyor" / "Bakhtiyor") and for "ks" ("Maxim" / "Maksim"), so
    // "ks" is read as "x", and "x" is dropped like "h" (at the start it is "h": "Xurshid").
    const PAIRS: [([u8; 2], u8); 9] = [
        (*b"zh", b'j'),
        (*b"kh", b'h'),
        (*b"ks", b'x'),
        (*b"ch", b'h'),
        (*b"gh", b'g'),
        (*b"ph", b'f'),
        (*b"th", b't'),
        (*b"sh", b's'),
        (*b"ou", b'u'),
    ];
    // Every pattern is ASCII, so the replacements work on bytes and keep the text valid UTF-8;
    // a short word is rewritten in place on the stack.
    let bytes: &mut [u8] = if word.len() <= stack.len() {
        stack[..word.len()].copy_from_slice(word.as_bytes());
        &mut stack[..word.len()]
    } else {
        heap.extend_from_slice(word.as_bytes());
        &mut heap[..]
    };
    let mut len = bytes.len();
    // The ASCII bytes that may be in the word: a pair neither of whose letters is there needs
    // no pass (a replacement adds its letter).
    let mut present = [false; 128];
    for &b in bytes.iter() {
        present[usize::from(b & 0x7F)] = true;
    }
    for (pair, one) in PAIRS {
        if !(present[usize::from(pair[0])] && present[usize::from(pair[1])]) {
            continue;
        }
        present[usize::from(one)] = true;
        // Non-overlapping, left to right, like `str::replace`; writes never pass reads.
        let (mut read, mut write) = (0, 0);
        while read < len {
            if read + 1 < len && bytes[read] == pair[0] && bytes[read + 1] == pair[1] {
                bytes[write] = one;
                read += 2;
            } else {
                bytes[write] = bytes[read];
                read += 1;
            }
            write += 1;
        }
        len = write;
    }
    for (i, b) in bytes[..len].iter_mut().enumerate() {
        *b = match *b {
            b'x' if i == 0 => b'h',
            b'q' | b'c' => b'k',
            b'p' => b'b',
            b'j' => b'g',
            b'z' => b's',
            other => other,
        };
    }
    // Drop the vowels (and w, h, x) after the first letter, write the first one's as "_", and
    // drop a letter repeated; in place again, a character at a time: a kept character is
    // written over bytes already read, as wide as it was or narrower ("_" for a vowel).
    let (mut read, mut write) = (0, 0);
    // The width in bytes of the last character kept, which ends at `write` (0 for none).
    let mut last_width = 0;
    while read < len {
        let b = bytes[read];
        let width = match b {
            0..=0x7F => 1,
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            _ => 4,
        };
        let first = read == 0;
        read += width;
        if width == 1 {
            if matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y' | b'w' | b'h' | b'x') && !first {
                continue;
            }
            let c = if matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y') { b'_' } else { b };
            if last_width == 1 && bytes[write - 1] == c {
                continue;
            }
            bytes[write] = c;
        } else {
            let c = read - width..read;
            if last_width == width && bytes[write - width..write] == bytes[c.clone()] {
                continue;
            }
            bytes.copy_within(c, write);
        }
        write += width;
        last_width = width;
    }
    std::str::from_utf8(&bytes[..write]).unwrap_or_default()
}

/// Whether a folded name word is written in full, not an initial.
pub fn is_full_word(word: &str) -> bool {
    word.chars().count() > 1
}

/// Whether two personal names can name the same person: every word of the shorter has the
/// skeleton of a distinct word of the longer, and at least two words agree.
pub fn person_names_match(a: &[String], b: &[String]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.len() < 2 {
        return false;
    }
    let mut used = vec![false; long.len()];
    let mut full_words = 0;
    for w in short {
        match long.iter().enumerate().find(|(i, lw)| !used[*i] && words_match(w, lw)) {
            Some((i, lw)) => {
                used[i] = true;
                if is_full_word(w) && is_full_word(lw) {
                    full_words += 1;
                }
            }
            None => return false,
        }
    }
    // An initial agrees with a name, but two words in full must agree too.
    full_words >= 2
}

/// Whether a single word (a surname used alone) names the person with these name words.
pub fn surname_matches(word: &str, person: &[String]) -> bool {
    surname_words_match(&name_words(word), person)
}

/// [`surname_matches`] for a word already split by [`name_words`], so that a caller testing one
/// word against many people folds it once.
pub fn surname_words_match(word: &[String], person: &[String]) -> bool {
    if word.len() != 1 {
        return false;
    }
    person.last().is_some_and(|last| is_full_word(last) && words_match(&word[0], last))
}

/// A lower-case ASCII slug for an IRI path segment; never empty.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in fold(text).chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        // A name in a script with no ASCII letters: a stable hash keeps the IRI valid and unique.
        format!("x{:016x}", fnv1a(text.as_bytes()))
    } else {
        out
    }
}

/// A file name as an IRI path segment: unreserved characters kept, every other byte
/// percent-encoded, so that distinct names never give the same IRI.
pub fn iri_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// 64-bit FNV-1a: small, stable across platforms and versions, good enough for IRI suffixes.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Words of an organisation or agreement name, folded, with British and American spellings
/// made one ("defence" → "defense") and punctuation dropped.
pub fn core_words(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| match w {
            "defence" => "defense".to_owned(),
            "centre" => "center".to_owned(),
            "programme" => "program".to_owned(),
            "organisation" => "organization".to_owned(),
            "airbase" => "air base".to_owned(),
            "hq" => "headquarters".to_owned(),
            w => w.to_owned(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(a: &str, b: &str) -> bool {
        person_names_match(&name_words(a), &name_words(b))
    }

    #[test]
    fn transliterations_match() {
        assert!(m("El Abed Alawi Bouhamid", "El Abd Bohamid"));
        assert!(m("Dokor Darmi Al-Farouk Belhir", "Belkhir el-Farouk"));
        assert!(m("Tarek Mostafa El-Ashmawy", "Tariq Mustafa Ashmawi"));
        assert!(m("Charalampos Vrettakos", "Haralambos Vretakos"));
        assert!(m("Hisham Ezzat Mansour", "Hesham Ezzat Mansour"));
        assert!(m("Mohammed bin Abdulaziz Al-Otaibi", "Muhammad Abdul Aziz al-Otaibi"));
        assert!(m("Hendra P. Wibowo", "Hendra Prasetyo Wibowo"));
        // Cyrillic letters that outlets write two ways.
        assert!(m("Xurshid Olimjonov", "Khurshid Olimjanov"), "x for kh");
        assert!(m("Maxim Sokolov", "Maksim Sokolov"), "x for ks");
        assert!(m("Zhanibek Omarov", "Janibek Omarov"), "zh for j");
    }

    #[test]
    fn sharing_one_word_is_not_enough() {
        assert!(!m("Tomer Bar", "Tomer Cohen"));
        assert!(!m("Ahmed Mansour", "Hisham Ezzat Mansour"));
        assert!(!m("Bar", "Tomer Bar"));
        assert!(!m("John Smith", "Jane Smith"));
        assert!(!m("J. Smith", "John Smith"), "an initial and one word are not two words in full");
        assert!(!m("Max Weber", "Mark Weber"), "an x read as kh or ks is still another name");
    }

    #[test]
    fn surnames() {
        assert!(surname_matches("El-Ashmawy", &name_words("Tarek Mostafa El-Ashmawy")));
        assert!(surname_matches("Bar", &name_words("Tomer Bar")));
        assert!(!surname_matches("Tomer", &name_words("Tomer Bar")));
    }

    #[test]
    fn iri_segments_keep_distinct_names_distinct() {
        assert_eq!(iri_segment("000_9c51.txt"), "000_9c51%2Etxt");
        assert_ne!(iri_segment("x y.txt"), iri_segment("x-y.txt"));
    }

    #[test]
    fn slugs_are_ascii_and_never_empty() {
        assert_eq!(slug("Étienne Vautrin"), "etienne-vautrin");
        assert_eq!(slug("Israel’s Air Force"), "israel-s-air-force");
        assert!(slug("\u{05E6}\u{05D4}\u{05F4}\u{05DC}").starts_with('x'));
        assert_eq!(slug("a <b> {c} \"d\""), "a-b-c-d");
    }
}
