//! Bodies as they arrive (JSON, XML, urlencoded and multipart forms) read into one small tree,
//! so the typed parsers in `call` and `callback` are written once for every encoding.
//!
//! Numbers keep the exact text they were sent as: a price of `1.500` stays `1.500`.

#[allow(unused_imports)]
use crate::prelude::*;

use core::fmt;

use crate::form::decode;
use crate::text::{concat, decimal, parse_unsigned, push_escaped, quoted};

/// How deeply bodies may nest. Exotel's go three levels deep; the limit keeps hostile input
/// from exhausting the stack.
const MAX_DEPTH: usize = 16;

/// How many fields one object may have. Exotel's have a few dozen; the limit keeps a hostile
/// body (a megabyte of distinct names) from making the lookups in a [`Value::Object`], which
/// are linear, quadratic.
pub(crate) const MAX_FIELDS: usize = 256;

/// A body read into a tree.
#[derive(Debug, Clone)]
pub(crate) enum Value {
    /// JSON `null`, or an empty XML element.
    Null,
    /// A string, or XML text, exactly as sent.
    Text(String),
    /// A JSON number, as its exact source text.
    Number(String),
    /// A JSON boolean.
    Bool(bool),
    /// Named children in the order they came, each name once: a repeated JSON key keeps its last
    /// value, repeated XML elements of one name become an [`Value::Array`] under it. (A `Vec`,
    /// not a map: bodies have a few dozen fields, and `BTreeMap` costs the npm package about
    /// 2 KB of gzipped wasm.)
    Object(Vec<(String, Value)>),
    /// A JSON array; XML children of one element read as a list through [`Value::items`].
    Array(Vec<Value>),
}

/// Objects are equal when they have the same fields, in any order (the readers keep document
/// order; the reference readers in the tests build maps).
impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Null, Value::Null) => true,
            (Value::Text(a), Value::Text(b)) | (Value::Number(a), Value::Number(b)) => a == b,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Array(a), Value::Array(b)) => a == b,
            (Value::Object(a), Value::Object(b)) => {
                a.len() == b.len() && a.iter().all(|(name, value)| other.get(name) == Some(value))
            }
            _ => false,
        }
    }
}

impl Eq for Value {}

/// The value of field `name` in `fields`.
fn field_mut<'a>(fields: &'a mut [(String, Value)], name: &str) -> Option<&'a mut Value> {
    fields
        .iter_mut()
        .find(|(field, _)| field == name)
        .map(|(_, value)| value)
}

impl Value {
    /// The child called `name`, if this is an object that has it.
    pub(crate) fn get(&self, name: &str) -> Option<&Value> {
        match self {
            Value::Object(fields) => fields
                .iter()
                .find(|(field, _)| field == name)
                .map(|(_, value)| value),
            _ => None,
        }
    }

    /// The items of a list: a JSON array, or the children of an XML element (`<Legs><Leg/>...`).
    pub(crate) fn items(&self) -> Vec<&Value> {
        match self {
            Value::Array(items) => {
                let mut out = Vec::new();
                for item in items {
                    out.push(item);
                }
                out
            }
            Value::Object(fields) => {
                // Form lists arrive as `Legs[0]`, `Legs[1]`... in any order: keep their numeric
                // order ("2" before "10"); names that are not numbers follow, in document
                // order. The index makes every key distinct, so the order is the one a stable
                // sort by number gives.
                let mut order = Vec::new();
                for (index, (key, _)) in fields.iter().enumerate() {
                    order.push((parse_unsigned(key, 10).unwrap_or(u64::MAX), index));
                }
                heap_sort(&mut order);
                let mut out = Vec::new();
                for (_, index) in order {
                    match fields.get(index).map(|(_, value)| value) {
                        Some(Value::Array(items)) => out.extend(items.iter()),
                        Some(other) => out.push(other),
                        None => {}
                    }
                }
                out
            }
            _ => Vec::new(),
        }
    }
}

/// Where `needle` first occurs in `text`. Hand-written for size (std's two-way searcher is about
/// 3 KB of wasm); the needles here are short. A needle that starts with an ASCII byte only
/// matches at character boundaries, so the index can slice `text`.
fn find_str(text: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    text.as_bytes()
        .windows(needle.len())
        .position(|window| window == needle.as_bytes())
}

/// `text` split at the first `delimiter`, like `str::split_once`.
fn split_once_str<'a>(text: &'a str, delimiter: &str) -> Option<(&'a str, &'a str)> {
    let at = find_str(text, delimiter)?;
    Some((text.get(..at)?, text.get(at + delimiter.len()..)?))
}

/// `text` split at every `delimiter`, like `str::split`.
fn split_str<'a>(text: &'a str, delimiter: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some((before, after)) =
        split_once_str(rest, delimiter).filter(|_| !delimiter.is_empty())
    {
        out.push(before);
        rest = after;
    }
    out.push(rest);
    out
}

/// Sorts in place, in O(n log n) whatever the input. Hand-written for size: std's sorts are
/// about 4 KB of wasm, and this sorts only the few keys of a list.
fn heap_sort(items: &mut [(u64, usize)]) {
    fn sift_down(items: &mut [(u64, usize)], mut root: usize) {
        loop {
            let mut child = 2 * root + 1;
            if child >= items.len() {
                return;
            }
            if child + 1 < items.len() && items[child] < items[child + 1] {
                child += 1;
            }
            if items[root] >= items[child] {
                return;
            }
            items.swap(root, child);
            root = child;
        }
    }
    for root in (0..items.len() / 2).rev() {
        sift_down(items, root);
    }
    for end in (1..items.len()).rev() {
        items.swap(0, end);
        sift_down(&mut items[..end], 0);
    }
}

/// The body encodings this crate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFormat {
    /// `application/json`
    Json,
    /// `application/xml` or `text/xml`
    Xml,
    /// `application/x-www-form-urlencoded`
    UrlEncoded,
    /// `multipart/form-data`
    Multipart,
}

impl BodyFormat {
    /// The format's name in messages: `JSON`, `urlencoded form`...
    fn name(&self) -> &'static str {
        match self {
            BodyFormat::Json => "JSON",
            BodyFormat::Xml => "XML",
            BodyFormat::UrlEncoded => "urlencoded form",
            BodyFormat::Multipart => "multipart form",
        }
    }
}

impl fmt::Display for BodyFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a body could not be read. Each kind of malformed input has its own variant, and every
/// message names what was expected and what was got.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseError {
    /// The body was empty or only whitespace.
    EmptyBody,
    /// The body is not UTF-8 text.
    NotUtf8,
    /// The content type names a format this parser does not take.
    UnsupportedContentType(String),
    /// No content type was given and the body looks like none of the formats.
    UnrecognizedBody {
        /// The formats that were expected, e.g. "JSON or XML".
        expected: &'static str,
    },
    /// An HTML page (a proxy's or load balancer's error page) where Exotel's body should be.
    HtmlPage,
    /// The body is not valid JSON.
    Json(String),
    /// The body is not well-formed XML.
    Xml(String),
    /// The XML has a DTD or entity declarations, refused to rule out entity-expansion attacks.
    XmlDtd,
    /// The XML refers to an entity other than XML's five.
    XmlEntity(String),
    /// A multipart body without a usable boundary, or with a broken part.
    Multipart(String),
    /// A urlencoded body that is not `name=value` pairs.
    Form(String),
    /// The body nests deeper than any Exotel body does.
    TooDeep,
    /// An object of the body has more fields than any Exotel body does.
    TooManyFields,
    /// The body is well-formed but lacks the expected envelope, e.g. `Call`.
    MissingEnvelope(&'static str),
    /// A required field is missing or empty.
    MissingField(&'static str),
    /// A field holds a value of the wrong shape.
    InvalidField {
        /// The field's Exotel name, e.g. `Duration`.
        field: &'static str,
        /// What it should hold.
        expected: &'static str,
        /// What it held, shortened.
        got: String,
    },
}

impl ParseError {
    /// The message `Display` writes (put together without `core::fmt`: see `crate::text`).
    pub(crate) fn message(&self) -> String {
        match self {
            ParseError::EmptyBody => "expected a body, but got an empty one".to_owned(),
            ParseError::NotUtf8 => "expected UTF-8 text, but got invalid bytes".to_owned(),
            ParseError::UnsupportedContentType(ct) => concat(&[
                "expected a JSON, XML or form content type, but got ",
                &quoted(ct),
            ]),
            ParseError::UnrecognizedBody { expected } => {
                concat(&["expected a ", expected, " body, but got something else"])
            }
            ParseError::HtmlPage => {
                "expected Exotel's JSON or XML, but got an HTML page (a proxy or gateway error?)"
                    .to_owned()
            }
            ParseError::Json(e) => concat(&["expected valid JSON, but ", e]),
            ParseError::Xml(e) => concat(&["expected well-formed XML, but ", e]),
            ParseError::XmlDtd => "expected XML without a DTD, but got a <!DOCTYPE> (refused: entity declarations can expand without bound)".to_owned(),
            ParseError::XmlEntity(name) => {
                let mut out = String::from("expected only XML's predefined entities, but got `&");
                push_escaped(&mut out, name);
                out.push_str(";`");
                out
            }
            ParseError::Multipart(e) => concat(&["expected a multipart form, but ", e]),
            ParseError::Form(e) => concat(&["expected a urlencoded form, but ", e]),
            ParseError::TooDeep => concat(&[
                "expected at most ",
                &decimal(MAX_DEPTH as u64),
                " levels of nesting, but got more",
            ]),
            ParseError::TooManyFields => concat(&[
                "expected at most ",
                &decimal(MAX_FIELDS as u64),
                " fields in an object, but got more",
            ]),
            ParseError::MissingEnvelope(name) => {
                concat(&["expected a `", name, "` object, but the body has none"])
            }
            ParseError::MissingField(name) => {
                concat(&["expected a `", name, "` field, but got none"])
            }
            ParseError::InvalidField {
                field,
                expected,
                got,
            } => concat(&["expected `", field, "` to be ", expected, ", but got ", got]),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl core::error::Error for ParseError {}

/// Shortens a value for an error message, so a hostile body cannot make messages huge.
pub(crate) fn excerpt(text: &str) -> String {
    const MAX: usize = 40;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => quoted(&concat(&[&text[..cut], "…"])),
        None => quoted(text),
    }
}

/// The format a content type names, with the multipart boundary if there is one. `Ok(None)`
/// means "no content type: sniff".
fn format_of(
    content_type: Option<&str>,
) -> Result<Option<(BodyFormat, Option<String>)>, ParseError> {
    let Some(content_type) = content_type.map(str::trim).filter(|ct| !ct.is_empty()) else {
        return Ok(None);
    };
    let mut parts = content_type.split(';');
    let media = parts.next().unwrap_or_default().trim();
    let mut boundary = None;
    for param in parts {
        if let Some((name, value)) = param.split_once('=') {
            if boundary.is_none() && name.trim().eq_ignore_ascii_case("boundary") {
                boundary = Some(value.trim().trim_matches('"').to_owned());
            }
        }
    }
    // Compared without allocating a lower-case copy; every name here is ASCII.
    let is = |name: &str| media.eq_ignore_ascii_case(name);
    let ends_with = |suffix: &str| {
        media.len() >= suffix.len()
            && media.as_bytes()[media.len() - suffix.len()..]
                .eq_ignore_ascii_case(suffix.as_bytes())
    };
    let format = if is("application/json") || is("text/json") || ends_with("+json") {
        BodyFormat::Json
    } else if is("application/xml") || is("text/xml") || ends_with("+xml") {
        BodyFormat::Xml
    } else if is("application/x-www-form-urlencoded") {
        BodyFormat::UrlEncoded
    } else if is("multipart/form-data") {
        BodyFormat::Multipart
    } else if is("text/plain") || is("application/octet-stream") || is("text/html") {
        // Servers mislabel bodies (text/plain, text/html on a JSON error): look at the bytes.
        return Ok(None);
    } else {
        return Err(ParseError::UnsupportedContentType(content_type.to_owned()));
    };
    Ok(Some((format, boundary)))
}

/// Names the accepted formats for error messages.
fn describe(accepted: &[BodyFormat]) -> &'static str {
    if accepted.contains(&BodyFormat::Xml) {
        "JSON or XML"
    } else {
        "form or JSON"
    }
}

/// Guesses the format from the first bytes of a body.
fn sniff(text: &str, accepted: &[BodyFormat]) -> Result<(BodyFormat, Option<String>), ParseError> {
    let start = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    match start.as_bytes().first() {
        Some(b'{') | Some(b'[') => Ok((BodyFormat::Json, None)),
        Some(b'<') => Ok((BodyFormat::Xml, None)),
        Some(b'-') if start.starts_with("--") => {
            let line = start[2..].split(['\r', '\n']).next().unwrap_or_default();
            Ok((BodyFormat::Multipart, Some(line.trim_end().to_owned())))
        }
        Some(_) if start.contains('=') && !start.contains(['\r', '\n', '<']) => {
            Ok((BodyFormat::UrlEncoded, None))
        }
        _ => Err(ParseError::UnrecognizedBody {
            expected: describe(accepted),
        }),
    }
}

/// Reads a body into a tree, by its content type or, without one, by sniffing.
/// `accepted` lists the formats the caller takes.
pub(crate) fn read_body(
    body: &[u8],
    content_type: Option<&str>,
    accepted: &[BodyFormat],
) -> Result<(BodyFormat, Value), ParseError> {
    let text = core::str::from_utf8(body).map_err(|_| ParseError::NotUtf8)?;
    if text.trim().is_empty() {
        return Err(ParseError::EmptyBody);
    }
    let (format, boundary) = match format_of(content_type)? {
        Some(found) => found,
        None => sniff(text, accepted)?,
    };
    if !accepted.contains(&format) {
        return Err(ParseError::UnsupportedContentType(
            content_type.map_or_else(|| format.name().to_owned(), str::to_owned),
        ));
    }
    let value = match format {
        BodyFormat::Json => read_json(text)?,
        BodyFormat::Xml => read_xml(text)?,
        BodyFormat::UrlEncoded => read_urlencoded(text)?,
        BodyFormat::Multipart => read_multipart(text, boundary.as_deref())?,
    };
    Ok((format, value))
}

pub(crate) fn read_json(text: &str) -> Result<Value, ParseError> {
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

/// A JSON reader written for this crate: it builds [`Value`] directly, keeps each number's
/// exact text, and stops at [`MAX_DEPTH`]. (serde_json with `raw_value` did the same for about
/// 40 KB of wasm, most of it float formatting for error messages this crate never shows.)
/// Messages follow serde_json's wording and its 1-based line and column.
struct JsonReader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl JsonReader<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
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

    fn value(&mut self, depth: usize) -> Result<Value, ParseError> {
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

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, ParseError> {
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
    fn number(&mut self) -> Result<Value, ParseError> {
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
        Ok(Value::Number(self.text[start..self.pos].to_owned()))
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

    fn string(&mut self) -> Result<String, ParseError> {
        self.pos += 1; // the opening quote
        let mut out = String::new();
        loop {
            // Copy the plain run up to the next quote, backslash or control character.
            let start = self.pos;
            while matches!(self.peek(), Some(b) if b != b'"' && b != b'\\' && b >= 0x20) {
                self.pos += 1;
            }
            // The run ends at an ASCII byte or the end, so it is a whole UTF-8 slice.
            out.push_str(&self.text[start..self.pos]);
            match self.peek() {
                None => return Err(self.eof("a string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
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

    fn array(&mut self, depth: usize) -> Result<Value, ParseError> {
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

    fn object(&mut self, depth: usize) -> Result<Value, ParseError> {
        self.pos += 1;
        let mut fields: Vec<(String, Value)> = Vec::new();
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

/// One XML element while its children are read.
struct Element {
    name: String,
    children: Vec<(String, Value)>,
    text: String,
}

/// Adds a child element's value; a repeated name turns into a list of all its values.
fn add_child(
    children: &mut Vec<(String, Value)>,
    name: String,
    value: Value,
) -> Result<(), ParseError> {
    let full = children.len() == MAX_FIELDS;
    match field_mut(children, &name) {
        Some(Value::Array(items)) => items.push(value),
        Some(existing) => {
            let first = core::mem::replace(existing, Value::Null);
            *existing = Value::Array(vec![first, value]);
        }
        None if full => return Err(ParseError::TooManyFields),
        None => children.push((name, value)),
    }
    Ok(())
}

impl Element {
    fn new(name: String) -> Element {
        Element {
            name,
            children: Vec::new(),
            text: String::new(),
        }
    }

    /// An element with children is an object; one with only text is that text; an empty one
    /// is null.
    fn into_entry(self) -> (String, Value) {
        let value = if !self.children.is_empty() {
            Value::Object(self.children)
        } else if self.text.trim().is_empty() {
            Value::Null
        } else {
            Value::Text(self.text.trim().to_owned())
        };
        (self.name, value)
    }
}

/// An XML reader written for this crate, for the npm package's size budget: quick-xml cost about
/// 10 KB of the package's 40 KB gzipped. It reads only what Exotel's bodies use (elements, text,
/// CDATA, comments, processing instructions) and keeps quick-xml's safety rules: any DTD is
/// refused (`<!DOCTYPE html>` as an HTML page), only XML's five predefined entities and character
/// references are resolved, end tags must match, nesting stops at [`MAX_DEPTH`]. The tests in
/// `wire/differential.rs` keep comparing it with quick-xml 0.41 on cut and corrupted bodies.
fn read_xml(text: &str) -> Result<Value, ParseError> {
    let syntax = |problem: &str| ParseError::Xml(concat(&["got syntax error: ", problem]));
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // The document element is read into this root, so `<TwilioResponse>` is a key of it. Each
    // open element keeps its tag name as written, to match its end tag against.
    let mut stack = vec![(String::new(), Element::new(String::new()))];
    let mut seen_root = false;
    let mut rest = text;
    while !rest.is_empty() {
        let Some(open) = rest.find('<') else {
            add_text(&mut stack, rest)?;
            break;
        };
        add_text(&mut stack, &rest[..open])?;
        rest = &rest[open..];
        if let Some(after) = rest.strip_prefix("<!--") {
            let end = find_str(after, "-->")
                .ok_or_else(|| syntax("comment not closed: `-->` not found before end of input"))?;
            // `--` may not appear inside a comment, nor `-` end it (`--->`).
            if find_str(&after[..end], "--").is_some() || after[..end].ends_with('-') {
                return Err(ParseError::Xml(
                    "got ill-formed document: forbidden string `--` was found in a comment"
                        .to_owned(),
                ));
            }
            rest = &after[end + 3..];
        } else if let Some(after) = rest.strip_prefix("<![CDATA[") {
            let end = find_str(after, "]]>")
                .ok_or_else(|| syntax("CDATA not closed: `]]>` not found before end of input"))?;
            if let Some((_, open)) = stack.last_mut() {
                open.text.push_str(&after[..end]);
            }
            rest = &after[end + 3..];
        } else if starts_with_ignore_case(rest, "<!DOCTYPE") {
            if !rest.contains('>') {
                return Err(syntax(
                    "DOCTYPE not closed: `>` not found before end of input",
                ));
            }
            // `<!DOCTYPE html>` is a proxy's error page, not a hostile DTD.
            let declared = rest[9..].trim_start();
            let is_html = starts_with_ignore_case(declared, "html");
            return Err(if is_html {
                ParseError::HtmlPage
            } else {
                ParseError::XmlDtd
            });
        } else if rest.starts_with("<!") {
            return Err(syntax("unknown or missed symbol in markup"));
        } else if let Some(after) = rest.strip_prefix("<?") {
            // The declaration and processing instructions carry nothing Exotel's bodies need.
            // `<?>` does not close itself (quick-xml refuses it too).
            let end = find_str(after, "?>").filter(|_| !after.starts_with('>'));
            let end = end.ok_or_else(|| {
                syntax("processing instruction not closed: `?>` not found before end of input")
            })?;
            rest = &after[end + 2..];
        } else if let Some(after) = rest.strip_prefix("</") {
            let end = after
                .find('>')
                .ok_or_else(|| syntax("tag not closed: `>` not found before end of input"))?;
            let name = after[..end].trim_end();
            rest = &after[end + 1..];
            if stack.len() == 1 {
                return Err(ParseError::Xml(concat(&[
                    "got ill-formed document: close tag `</",
                    name,
                    ">` does not match any open tag",
                ])));
            }
            let Some((tag, element)) = stack.pop() else {
                return Err(ParseError::Xml("got an unmatched end tag".to_owned()));
            };
            if tag != name {
                return Err(ParseError::Xml(concat(&[
                    "got ill-formed document: expected `</",
                    &tag,
                    ">`, but `</",
                    name,
                    ">` was found",
                ])));
            }
            let (name, value) = element.into_entry();
            if let Some((_, parent)) = stack.last_mut() {
                add_child(&mut parent.children, name, value)?;
            }
            seen_root |= stack.len() == 1;
        } else {
            let (tag, after) = start_tag(&rest[1..])
                .ok_or_else(|| syntax("tag not closed: `>` not found before end of input"))?;
            rest = after;
            if stack.len() == 1 && seen_root {
                return Err(ParseError::Xml("got a second document element".to_owned()));
            }
            let (tag, empty) = match tag.strip_suffix('/') {
                Some(tag) => (tag, true),
                None => (tag, false),
            };
            let name = tag
                .split(|c: char| c.is_ascii_whitespace())
                .next()
                .unwrap_or_default();
            // An empty name (`< a/>`) is read as quick-xml reads it: a child called "".
            // The local name, after the first `:` as quick-xml reads it: `<ns:Call>` is `Call`.
            let local = name
                .split_once(':')
                .map_or(name, |(_, local)| local)
                .to_owned();
            if empty {
                if let Some((_, parent)) = stack.last_mut() {
                    add_child(&mut parent.children, local, Value::Null)?;
                }
                seen_root |= stack.len() == 1;
            } else {
                if stack.len() > MAX_DEPTH {
                    return Err(ParseError::TooDeep);
                }
                if stack.len() == 1 && local.eq_ignore_ascii_case("html") {
                    return Err(ParseError::HtmlPage);
                }
                stack.push((name.to_owned(), Element::new(local)));
            }
        }
    }
    if stack.len() != 1 {
        return Err(ParseError::Xml(
            "got the end of the body inside an open element".to_owned(),
        ));
    }
    let root = stack
        .pop()
        .map(|(_, root)| root.children)
        .unwrap_or_default();
    if root.is_empty() {
        return Err(ParseError::Xml("got no document element".to_owned()));
    }
    Ok(Value::Object(root))
}

/// Whether `text` starts with the ASCII `prefix`, in any case. Compared as bytes: `text` may
/// have a multi-byte character where the prefix ends.
fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.as_bytes()
        .get(..prefix.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// The inside of a start tag (after `<`, up to the `>` that ends it, which may not be inside a
/// quoted attribute value) and what follows it.
fn start_tag(after_lt: &str) -> Option<(&str, &str)> {
    let mut quote = None;
    for (i, b) in after_lt.bytes().enumerate() {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), _) if q == b => quote = None,
            (None, b'>') => return Some((&after_lt[..i], &after_lt[i + 1..])),
            _ => {}
        }
    }
    None
}

/// Adds character data, its references resolved, to the open element. Outside the document
/// element only whitespace is allowed.
fn add_text(stack: &mut [(String, Element)], raw: &str) -> Result<(), ParseError> {
    let mut text = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        text.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let end = after.find(';').ok_or_else(|| {
            ParseError::Xml(
                "got ill-formed document: entity or character reference not closed: `;` not found before end of input".to_owned(),
            )
        })?;
        let name = &after[..end];
        if name.is_empty()
            || !name
                .chars()
                // Any non-ASCII character may be part of a name, as in XML's NameChar; checking
                // Unicode's letter tables would cost the npm package more than this reader.
                .all(|c| {
                    c.is_ascii_alphanumeric()
                        || !c.is_ascii()
                        || matches!(c, '#' | '_' | '-' | '.' | ':')
                })
        {
            return Err(ParseError::Xml(
                "got ill-formed document: entity or character reference not closed: `;` not found before end of input".to_owned(),
            ));
        }
        let resolved = if let Some(number) = name.strip_prefix('#') {
            let code = match number.strip_prefix('x') {
                Some(hex) => parse_unsigned(hex, 16),
                None => parse_unsigned(number, 10),
            };
            code.and_then(|c| u32::try_from(c).ok())
                .filter(|&c| c != 0)
                .and_then(char::from_u32)
                .ok_or_else(|| {
                    ParseError::Xml(concat(&[
                        "got invalid character reference ",
                        &excerpt(name),
                    ]))
                })?
        } else {
            match name {
                "lt" => '<',
                "gt" => '>',
                "amp" => '&',
                "apos" => '\'',
                "quot" => '"',
                _ => return Err(ParseError::XmlEntity(name.to_owned())),
            }
        };
        text.push(resolved);
        rest = &after[end + 1..];
    }
    text.push_str(rest);
    match stack {
        [_root] => {
            if !text.trim().is_empty() {
                return Err(ParseError::Xml(
                    "got text outside the document element".to_owned(),
                ));
            }
        }
        [.., (_, open)] => open.text.push_str(&text),
        [] => {}
    }
    Ok(())
}

/// Reads `name=value` pairs into an object. Bracketed names (`Legs[0][Status]`) nest, the way
/// form encoders write arrays of objects.
fn read_urlencoded(text: &str) -> Result<Value, ParseError> {
    let text = text.trim();
    let mut pairs = Vec::new();
    for piece in text.split('&').filter(|piece| !piece.is_empty()) {
        if !piece.contains('=') {
            return Err(ParseError::Form(concat(&[
                "got ",
                &excerpt(piece),
                " without `=`",
            ])));
        }
        // `+` and percent escapes decoded, invalid UTF-8 replaced (crate::form).
        if let Some((name, value)) = piece.split_once('=') {
            pairs.push((decode(name), decode(value)));
        }
    }
    if pairs.is_empty() {
        return Err(ParseError::Form("got no fields".to_owned()));
    }
    nest_pairs(pairs)
}

/// Builds an object from flat form pairs, nesting bracketed names.
fn nest_pairs(pairs: Vec<(String, String)>) -> Result<Value, ParseError> {
    let mut root = Vec::new();
    for (name, value) in pairs {
        let mut path: Vec<&str> = Vec::new();
        let (head, mut rest) = match name.find('[') {
            Some(i) => (&name[..i], &name[i..]),
            None => (name.as_str(), ""),
        };
        path.push(head);
        while let Some(stripped) = rest.strip_prefix('[') {
            let Some(end) = stripped.find(']') else { break };
            path.push(&stripped[..end]);
            rest = &stripped[end + 1..];
        }
        if path.len() > MAX_DEPTH {
            continue;
        }
        insert_path(&mut root, &path, value)?;
    }
    Ok(Value::Object(root))
}

/// Puts `value` at `path` (`["Legs", "0", "Status"]`), making the objects on the way. The first
/// value given for a name is kept; a later one, or one under a name that already holds text, is
/// dropped.
fn insert_path(
    fields: &mut Vec<(String, Value)>,
    path: &[&str],
    value: String,
) -> Result<(), ParseError> {
    let Some((first, rest)) = path.split_first() else {
        return Ok(());
    };
    let index = match fields.iter().position(|(name, _)| name == first) {
        Some(index) => index,
        None if fields.len() == MAX_FIELDS => return Err(ParseError::TooManyFields),
        None if rest.is_empty() => {
            fields.push(((*first).to_owned(), Value::Text(value)));
            return Ok(());
        }
        None => {
            fields.push(((*first).to_owned(), Value::Object(Vec::new())));
            fields.len() - 1
        }
    };
    match fields.get_mut(index) {
        Some((_, Value::Object(child))) if !rest.is_empty() => insert_path(child, rest, value),
        _ => Ok(()),
    }
}

/// Reads the text fields of a multipart form. Files are not expected from Exotel; a part with a
/// filename is read like any other.
fn read_multipart(text: &str, boundary: Option<&str>) -> Result<Value, ParseError> {
    let boundary = boundary
        .filter(|b| !b.is_empty() && b.len() <= 200)
        .ok_or_else(|| ParseError::Multipart("got no boundary".to_owned()))?;
    let delimiter = concat(&["--", boundary]);
    let mut sections = split_str(text, &delimiter).into_iter();
    // Whatever precedes the first delimiter is preamble, ignored.
    sections.next();
    let mut pairs = Vec::new();
    let mut closed = false;
    for section in sections {
        if section.starts_with("--") {
            closed = true;
            break;
        }
        let section = section
            .strip_prefix("\r\n")
            .or_else(|| section.strip_prefix('\n'))
            .ok_or_else(|| {
                ParseError::Multipart("got a boundary not followed by a line break".to_owned())
            })?;
        let (head, body) = split_once_str(section, "\r\n\r\n")
            .or_else(|| split_once_str(section, "\n\n"))
            .ok_or_else(|| ParseError::Multipart("got a part without headers".to_owned()))?;
        let name = head
            .lines()
            .find_map(|line| {
                let (header, value) = line.split_once(':')?;
                header
                    .trim()
                    .eq_ignore_ascii_case("content-disposition")
                    .then(|| disposition_name(value))?
            })
            .ok_or_else(|| {
                ParseError::Multipart("got a part without a form-data name".to_owned())
            })?;
        let value = body
            .strip_suffix("\r\n")
            .or_else(|| body.strip_suffix('\n'))
            .unwrap_or(body);
        pairs.push((name, value.to_owned()));
    }
    if !closed {
        return Err(ParseError::Multipart("got no closing boundary".to_owned()));
    }
    if pairs.is_empty() {
        return Err(ParseError::Multipart("got no parts".to_owned()));
    }
    nest_pairs(pairs)
}

/// The `name` parameter of a `Content-Disposition: form-data; name="X"` header.
fn disposition_name(value: &str) -> Option<String> {
    let mut params = value.split(';');
    if !params.next()?.trim().eq_ignore_ascii_case("form-data") {
        return None;
    }
    params.find_map(|param| {
        let (key, value) = param.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("name")
            .then(|| value.trim().trim_matches('"').to_owned())
    })
}

#[cfg(test)]
mod differential;

#[cfg(test)]
mod tests {
    use super::*;

    fn text(v: &Value) -> &str {
        match v {
            Value::Text(t) | Value::Number(t) => t,
            _ => panic!("not text: {v:?}"),
        }
    }

    #[test]
    fn heap_sort_sorts() {
        let mut seed = 7u64;
        for len in 0..40 {
            let mut items: Vec<(u64, usize)> = (0..len)
                .map(|i| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                    (seed >> 60, i)
                })
                .collect();
            let mut expected = items.clone();
            expected.sort();
            heap_sort(&mut items);
            assert_eq!(items, expected);
        }
    }

    #[test]
    fn json_numbers_keep_their_text() {
        let v = read_json(r#"{"a": 1.500, "b": "x", "c": null, "d": [1, {"e": true}]}"#).unwrap();
        assert_eq!(text(v.get("a").unwrap()), "1.500");
        assert_eq!(v.get("c"), Some(&Value::Null));
        assert_eq!(v.get("d").unwrap().items().len(), 2);
    }

    #[test]
    fn xml_reads_into_the_same_tree() {
        let v = read_xml(
            "<?xml version=\"1.0\"?><R><A>x &amp; y</A><B/><C></C><D><![CDATA[<z>]]></D></R>",
        )
        .unwrap();
        let r = v.get("R").unwrap();
        assert_eq!(text(r.get("A").unwrap()), "x & y");
        assert_eq!(r.get("B"), Some(&Value::Null));
        assert_eq!(r.get("C"), Some(&Value::Null));
        assert_eq!(text(r.get("D").unwrap()), "<z>");
    }

    #[test]
    fn xml_refusals() {
        assert_eq!(
            read_xml("<!DOCTYPE x [<!ENTITY a \"b\">]><x>&a;</x>"),
            Err(ParseError::XmlDtd)
        );
        assert_eq!(
            read_xml("<x>&nbsp;</x>"),
            Err(ParseError::XmlEntity("nbsp".into()))
        );
        assert!(matches!(read_xml("<x><y></x>"), Err(ParseError::Xml(_))));
        assert!(matches!(read_xml("<x></x><y/>"), Err(ParseError::Xml(_))));
        assert!(matches!(read_xml("<x>"), Err(ParseError::Xml(_))));
        let deep = "<a>".repeat(40) + &"</a>".repeat(40);
        assert_eq!(read_xml(&deep), Err(ParseError::TooDeep));
    }

    #[test]
    fn json_depth_is_bounded() {
        let deep = "[".repeat(40) + &"]".repeat(40);
        assert_eq!(read_json(&deep), Err(ParseError::TooDeep));
    }

    #[test]
    fn a_megabyte_of_distinct_names_is_refused_at_the_field_limit() {
        // 100,000 distinct fields, in every encoding and in a nested form object: each is
        // refused as soon as an object passes MAX_FIELDS, never read quadratically.
        let names: Vec<String> = (0..100_000).map(|i| format!("f{i}")).collect();
        let json = format!(
            "{{{}}}",
            names
                .iter()
                .map(|n| format!("\"{n}\":1"))
                .collect::<Vec<_>>()
                .join(",")
        );
        let xml = format!(
            "<r>{}</r>",
            names.iter().map(|n| format!("<{n}/>")).collect::<String>()
        );
        let form = names
            .iter()
            .map(|n| format!("{n}=1"))
            .collect::<Vec<_>>()
            .join("&");
        let nested = names
            .iter()
            .map(|n| format!("Legs[{n}]=1"))
            .collect::<Vec<_>>()
            .join("&");
        assert!(json.len() > 700_000 && xml.len() > 700_000);
        assert_eq!(read_json(&json), Err(ParseError::TooManyFields));
        assert_eq!(read_xml(&xml), Err(ParseError::TooManyFields));
        assert_eq!(read_urlencoded(&form), Err(ParseError::TooManyFields));
        assert_eq!(read_urlencoded(&nested), Err(ParseError::TooManyFields));
        assert_eq!(
            ParseError::TooManyFields.to_string(),
            "expected at most 256 fields in an object, but got more"
        );
    }

    #[test]
    fn forms_nest_bracketed_names() {
        let v =
            read_urlencoded("CallSid=abc&Legs[0][Status]=completed&Legs[1][Status]=busy&X=a+b%21")
                .unwrap();
        assert_eq!(text(v.get("X").unwrap()), "a b!");
        let legs = v.get("Legs").unwrap().items();
        assert_eq!(legs.len(), 2);
        assert_eq!(text(legs[1].get("Status").unwrap()), "busy");
    }

    #[test]
    fn multipart_fields() {
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"CallSid\"\r\n\r\nabc\r\n--XyZ\r\nContent-Disposition: form-data; name=\"Status\"\r\n\r\nbusy\r\n--XyZ--\r\n";
        let (format, v) = read_body(
            body.as_bytes(),
            Some("multipart/form-data; boundary=XyZ"),
            &[BodyFormat::Multipart],
        )
        .unwrap();
        assert_eq!(format, BodyFormat::Multipart);
        assert_eq!(text(v.get("Status").unwrap()), "busy");
        // Sniffed without a content type too.
        let (format, _) = read_body(body.as_bytes(), None, &[BodyFormat::Multipart]).unwrap();
        assert_eq!(format, BodyFormat::Multipart);
    }

    #[test]
    fn content_types_and_sniffing() {
        let all = [
            BodyFormat::Json,
            BodyFormat::Xml,
            BodyFormat::UrlEncoded,
            BodyFormat::Multipart,
        ];
        assert_eq!(
            read_body(b"{}", Some("application/json; charset=utf-8"), &all).map(|r| r.0),
            Ok(BodyFormat::Json)
        );
        assert_eq!(
            read_body(b" <a/>", None, &all).map(|r| r.0),
            Ok(BodyFormat::Xml)
        );
        assert_eq!(
            read_body(b"a=b", None, &all).map(|r| r.0),
            Ok(BodyFormat::UrlEncoded)
        );
        assert_eq!(
            read_body(b"hello", None, &all),
            Err(ParseError::UnrecognizedBody {
                expected: "JSON or XML"
            })
        );
        assert_eq!(read_body(b"", None, &all), Err(ParseError::EmptyBody));
        assert_eq!(
            read_body(&[0xff, 0xfe], None, &all),
            Err(ParseError::NotUtf8)
        );
        assert_eq!(
            read_body(b"{}", Some("image/png"), &all),
            Err(ParseError::UnsupportedContentType("image/png".into()))
        );
    }
}
