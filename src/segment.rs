//! Segment: a document's text into sentences and tokens.
//!
//! Tokens are runs of letters and digits, or single punctuation characters, with byte offsets
//! into the document and whether whitespace precedes them; so "El-Ashmawy" is three tokens with
//! no space between, which later stages join into one name word. A sentence ends at `.`, `!` or
//! `?` before a capital letter (not after an abbreviation such as "Lt." or "No.") and at every
//! line break, so a headline is a sentence of its own.

use crate::lexicon::Lexicon;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Word,
    Number,
    Punct,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Byte offsets into the document text.
    pub start: usize,
    pub end: usize,
    pub kind: TokenKind,
    /// Whether whitespace separates this token from the one before it.
    pub space_before: bool,
    /// Whether a line break separates this token from the one before it.
    pub newline_before: bool,
}

impl Token {
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start..self.end]
    }
}

#[derive(Debug, Clone)]
pub struct Sentence {
    /// Byte offsets of the sentence in the document text.
    pub start: usize,
    pub end: usize,
    pub tokens: Vec<Token>,
}

/// Split `text` into tokens.
pub fn tokenize(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut space_before = true;
    let mut newline_before = true;
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        // An ASCII byte is a whole character: most are read without decoding.
        let c = match bytes[i] {
            b if b.is_ascii() => char::from(b),
            _ => text[i..].chars().next().expect("a character starts here"),
        };
        i += c.len_utf8();
        if c.is_whitespace() {
            space_before = true;
            if c == '\n' || c == '\r' || c == '\u{2028}' || c == '\u{2029}' {
                newline_before = true;
            }
            continue;
        }
        let kind = if c.is_alphanumeric() {
            let mut all_digits = c.is_numeric();
            while let Some(&b) = bytes.get(i) {
                if b.is_ascii() {
                    // For ASCII, `char::is_alphanumeric` and `is_numeric` are these.
                    if !b.is_ascii_alphanumeric() {
                        break;
                    }
                    all_digits &= b.is_ascii_digit();
                    i += 1;
                } else {
                    let n = text[i..].chars().next().expect("a character starts here");
                    if !n.is_alphanumeric() {
                        break;
                    }
                    all_digits &= n.is_numeric();
                    i += n.len_utf8();
                }
            }
            if all_digits { TokenKind::Number } else { TokenKind::Word }
        } else {
            TokenKind::Punct
        };
        tokens.push(Token { start, end: i, kind, space_before, newline_before });
        space_before = false;
        newline_before = false;
    }
    tokens
}

/// Split `text` into sentences of tokens.
pub fn sentences(text: &str, lexicon: &Lexicon) -> Vec<Sentence> {
    let tokens = tokenize(text);
    let mut sentences = Vec::new();
    // The current sentence is `tokens[first..]` up to the token at hand: copied out once, at
    // its end, in one allocation of the right size.
    let mut first = 0;
    for (i, tok) in tokens.iter().enumerate() {
        if tok.newline_before && i > first {
            sentences.push(finish(tokens[first..i].to_vec()));
            first = i;
        }
        if ends_sentence(text, &tokens, i, lexicon) {
            // Keep a closing quote or bracket with the sentence it closes.
            sentences.push(finish(tokens[first..=i].to_vec()));
            first = i + 1;
        }
    }
    if first < tokens.len() {
        sentences.push(finish(tokens[first..].to_vec()));
    }
    sentences
}

fn finish(tokens: Vec<Token>) -> Sentence {
    Sentence { start: tokens[0].start, end: tokens[tokens.len() - 1].end, tokens }
}

fn ends_sentence(text: &str, tokens: &[Token], i: usize, lexicon: &Lexicon) -> bool {
    let tok = tokens[i];
    let t = tok.text(text);
    if !matches!(t, "." | "!" | "?") {
        if matches!(t, "\u{201D}" | "\"" | ")" | "\u{2019}") && i > 0 {
            let prev = tokens[i - 1].text(text);
            if matches!(prev, "." | "!" | "?") && !tokens[i].space_before {
                return next_starts_sentence(text, tokens, i);
            }
        }
        return false;
    }
    if tokens.get(i + 1).is_some_and(|n| !n.space_before && matches!(n.text(text), "\u{201D}" | "\"" | ")" | "\u{2019}")) {
        return false; // the closing quote ends it
    }
    if t == "." && i > 0 && !tok.space_before {
        let prev = tokens[i - 1];
        let word = prev.text(text);
        if prev.kind == TokenKind::Word {
            // An initial ("J.") or an abbreviation ("Lt.", "No.", "Sept.").
            let is_initial = word.chars().count() == 1 && word.chars().all(char::is_uppercase);
            let is_abbrev = lexicon.is_abbreviation(word);
            if is_initial || is_abbrev {
                return false;
            }
        }
    }
    next_starts_sentence(text, tokens, i)
}

fn next_starts_sentence(text: &str, tokens: &[Token], i: usize) -> bool {
    match tokens.get(i + 1) {
        None => true,
        Some(next) => {
            next.space_before
                && next
                    .text(text)
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_uppercase() || c.is_numeric() || "\"\u{201C}\u{2018}'(".contains(c))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_keep_offsets_and_spacing() {
        let text = "El-Ashmawy’s visit";
        let toks = tokenize(text);
        let words: Vec<&str> = toks.iter().map(|t| t.text(text)).collect();
        assert_eq!(words, ["El", "-", "Ashmawy", "’", "s", "visit"]);
        assert!(!toks[1].space_before && !toks[2].space_before);
        assert!(toks[5].space_before);
    }

    #[test]
    fn abbreviations_do_not_end_sentences() {
        let lex = Lexicon::builtin().unwrap();
        let text = "Lt. Gen. Smith met No. 17 Squadron. He left.\nHeadline here";
        let s = sentences(text, &lex);
        let texts: Vec<&str> = s.iter().map(|s| &text[s.start..s.end]).collect();
        assert_eq!(texts, ["Lt. Gen. Smith met No. 17 Squadron.", "He left.", "Headline here"]);
    }

    #[test]
    fn quotes_close_with_their_sentence() {
        let lex = Lexicon::builtin().unwrap();
        let text = "He said “it works.” Then he left.";
        let s = sentences(text, &lex);
        assert_eq!(s.len(), 2);
        assert_eq!(&text[s[0].start..s[0].end], "He said “it works.”");
    }
}
