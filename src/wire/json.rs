//! The JSON reader, and the JSON string writer the crate's outputs share.

#[allow(unused_imports)]
use crate::prelude::*;

use alloc::borrow::Cow;

use super::{field_mut, ParseError, Value, MAX_DEPTH, MAX_FIELDS};
use crate::small_std::{concat, decimal};

/// Reads a JSON text into a [`Value`], keeping every number's exact text. Messages follow
/// serde_json's wording, with its 1-based line and column.
pub fn read_json(text: &str) -> Result<Value<'_>, ParseError> {
    let mut reader = JsonReader {
        text,
        bytes: text.as_bytes(),
        pos: 0,
    };
    reader.skip_whitespace();
    let value = reader.value(0)?;
    reader.skip_whitespace();
    if reader.pos < reader.bytes.len() {
        return Err(reader.error_here("trailing characters"));
    }
    Ok(value)
}

/// A JSON reader written for this crate: it builds [`Value`] directly, borrowing every name,
/// string and number that has no escape, keeps each number's exact text, and stops at
/// [`MAX_DEPTH`]. (serde_json with `raw_value` did the same for about 40 KB of wasm, most of it
/// float formatting for error messages this crate never shows.) Messages follow serde_json's
/// wording and its 1-based line and column.
struct JsonReader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

// `peek` and `skip_whitespace` run for every byte: inlined even in the npm package's wasm
// (built for size, where a call per byte was a fifth of `parseCall`'s time), at a few bytes each.
impl<'a> JsonReader<'a> {
    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    #[inline(always)]
    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    /// An error at byte `at` (the column counts that byte).
    fn error_at(&self, at: usize, problem: &str) -> ParseError {
        // Counted on bytes, as serde_json counts: `at` may fall inside a multi-byte character.
        let before = &self.bytes[..at.min(self.bytes.len())];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = before.len()
            - before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
        ParseError::Json(concat(&[
            "got ",
            problem,
            " at line ",
            &decimal(line as u64),
            " column ",
            &decimal(column as u64),
        ]))
    }

    /// An error at the byte being looked at, or at the end.
    fn error_here(&self, problem: &str) -> ParseError {
        self.error_at((self.pos + 1).min(self.bytes.len()), problem)
    }

    fn eof(&self, what: &str) -> ParseError {
        self.error_at(self.bytes.len(), &concat(&["EOF while parsing ", what]))
    }

    fn value(&mut self, depth: usize) -> Result<Value<'a>, ParseError> {
        if depth > MAX_DEPTH {
            return Err(ParseError::TooDeep);
        }
        match self.peek() {
            None => Err(self.eof("a value")),
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => Ok(Value::Text(self.string()?)),
            Some(b'n') => self.literal("null", Value::Null),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.error_here("expected value")),
        }
    }

    fn literal(&mut self, word: &str, value: Value<'a>) -> Result<Value<'a>, ParseError> {
        for expected in word.bytes() {
            match self.peek() {
                None => return Err(self.eof("a value")),
                Some(b) if b == expected => self.pos += 1,
                Some(_) => return Err(self.error_here("expected ident")),
            }
        }
        Ok(value)
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.pos - start
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, kept as its text.
    fn number(&mut self) -> Result<Value<'a>, ParseError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let first = self.peek();
        let whole = self.digits();
        if whole == 0 {
            return Err(match self.peek() {
                None => self.eof("a value"),
                Some(_) => self.error_here("invalid number"),
            });
        }
        if first == Some(b'0') && whole > 1 {
            return Err(self.error_at(start + 2, "invalid number"));
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(match self.peek() {
                    None => self.eof("a value"),
                    Some(_) => self.error_here("invalid number"),
                });
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(match self.peek() {
                    None => self.eof("a value"),
                    Some(_) => self.error_here("invalid number"),
                });
            }
        }
        Ok(Value::Number(Cow::Borrowed(&self.text[start..self.pos])))
    }

    /// Four hex digits of a `\u` escape.
    fn hex4(&mut self) -> Result<u32, ParseError> {
        let mut n = 0;
        for _ in 0..4 {
            let digit = match self.peek() {
                None => return Err(self.eof("a string")),
                Some(b) => char::from(b)
                    .to_digit(16)
                    .ok_or_else(|| self.error_here("invalid escape"))?,
            };
            self.pos += 1;
            n = n * 16 + digit;
        }
        Ok(n)
    }

    fn string(&mut self) -> Result<Cow<'a, str>, ParseError> {
        self.pos += 1; // the opening quote
        let text: &'a str = self.text;
        let first = self.pos;
        let mut out = String::new();
        loop {
            // The plain run up to the next quote, backslash or control character.
            let start = self.pos;
            while let Some(&b) = self.bytes.get(self.pos) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            // The run ends at an ASCII byte or the end, so it is a whole UTF-8 slice.
            let run = &text[start..self.pos];
            if start == first && self.peek() == Some(b'"') {
                // No escape: the string is its slice of the body, as it reads.
                self.pos += 1;
                return Ok(Cow::Borrowed(run));
            }
            out.push_str(run);
            match self.peek() {
                None => return Err(self.eof("a string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let escaped = match self.peek() {
                        None => return Err(self.eof("a string")),
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.pos += 1;
                            let c = self.unicode_escape()?;
                            out.push(c);
                            continue;
                        }
                        Some(_) => return Err(self.error_here("invalid escape")),
                    };
                    self.pos += 1;
                    out.push(escaped);
                }
                Some(_) => {
                    return Err(self.error_here(
                        "control character (\\u0000-\\u001F) found while parsing a string",
                    ))
                }
            }
        }
    }

    /// The character of a `\uXXXX` escape (the `\u` read), joining a surrogate pair.
    fn unicode_escape(&mut self) -> Result<char, ParseError> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u") {
                    return Err(self.error_here("lone leading surrogate in hex escape"));
                }
                self.pos += 2;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(self.error_here("lone leading surrogate in hex escape"));
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(self.error_here("lone trailing surrogate in hex escape")),
            other => other,
        };
        char::from_u32(code).ok_or_else(|| self.error_here("invalid unicode code point"))
    }

    fn array(&mut self, depth: usize) -> Result<Value<'a>, ParseError> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_whitespace();
            items.push(self.value(depth + 1)?);
            self.skip_whitespace();
            match self.peek() {
                None => return Err(self.eof("a list")),
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                Some(b',') => {
                    self.pos += 1;
                    self.skip_whitespace();
                    if self.peek() == Some(b']') {
                        return Err(self.error_here("trailing comma"));
                    }
                }
                Some(_) => return Err(self.error_here("expected `,` or `]`")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value<'a>, ParseError> {
        self.pos += 1;
        let mut fields: Vec<(Cow<'a, str>, Value<'a>)> = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Object(fields));
        }
        loop {
            self.skip_whitespace();
            let key = match self.peek() {
                None => return Err(self.eof("an object")),
                Some(b'"') => self.string()?,
                Some(_) => return Err(self.error_here("key must be a string")),
            };
            self.skip_whitespace();
            match self.peek() {
                None => return Err(self.eof("an object")),
                Some(b':') => self.pos += 1,
                Some(_) => return Err(self.error_here("expected `:`")),
            }
            self.skip_whitespace();
            // A repeated key keeps its last value, as serde_json's map did.
            let value = self.value(depth + 1)?;
            if let Some(existing) = field_mut(&mut fields, &key) {
                *existing = value;
            } else if fields.len() == MAX_FIELDS {
                return Err(ParseError::TooManyFields);
            } else {
                fields.push((key, value));
            }
            self.skip_whitespace();
            match self.peek() {
                None => return Err(self.eof("an object")),
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Object(fields));
                }
                Some(b',') => {
                    self.pos += 1;
                    self.skip_whitespace();
                    if self.peek() == Some(b'}') {
                        return Err(self.error_here("trailing comma"));
                    }
                }
                Some(_) => return Err(self.error_here("expected `,` or `}`")),
            }
        }
    }
}

/// `text` as a JSON string literal: quotes, backslashes and control characters escaped.
pub fn write_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    push_string(&mut out, text);
    out
}

/// Appends `text` to `out` as a JSON string literal. The Worker writes its JSON answers with it.
pub fn push_string(out: &mut String, text: &str) {
    out.reserve(text.len() + 2);
    out.push('"');
    let mut rest = text;
    // Copy plain runs whole: only `"`, `\` and control characters need escaping, all ASCII, so
    // every run ends on a character boundary. (A plain loop: `position` with a closure is a
    // call per byte in wasm built for size.)
    loop {
        let mut at = 0;
        while let Some(&b) = rest.as_bytes().get(at) {
            if b == b'"' || b == b'\\' || b < 0x20 {
                break;
            }
            at += 1;
        }
        if at == rest.len() {
            break;
        }
        out.push_str(&rest[..at]);
        let byte = rest.as_bytes()[at];
        match byte {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x08 => out.push_str("\\b"),
            0x0c => out.push_str("\\f"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(byte >> 4)]));
                out.push(char::from(HEX[usize::from(byte & 0xf)]));
            }
        }
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::wire::text;

    #[test]
    fn json_numbers_keep_their_text() {
        let v = read_json(r#"{"a": 1.500, "b": "x", "c": null, "d": [1, {"e": true}]}"#).unwrap();
        assert_eq!(text(v.get("a").unwrap()), "1.500");
        assert_eq!(v.get("c"), Some(&Value::Null));
        assert_eq!(v.get("d").unwrap().items().len(), 2);
    }

    #[test]
    fn json_depth_is_bounded() {
        let deep = "[".repeat(40) + &"]".repeat(40);
        assert_eq!(read_json(&deep), Err(ParseError::TooDeep));
    }
}
