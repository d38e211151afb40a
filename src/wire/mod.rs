//! Bodies as they arrive (JSON, XML, urlencoded and multipart forms) read into one small tree,
//! so the typed parsers in `call` and `callback` are written once for every encoding, and the
//! few writers the crate's outputs need (form bodies, JSON strings, base64).
//!
//! This module is public on purpose: the npm package reads its options with [`read_json`]; the
//! Worker writes its JSON answers with [`json::push_string`], reads and writes forms with
//! [`form`] and signs tokens with [`base64`]. It is kept small rather than complete: it reads
//! what Exotel and this project's own clients send, and no more.
//!
//! Limits every reader keeps, whatever the input: at most [`MAX_DEPTH`] levels of nesting and
//! [`MAX_FIELDS`] fields per object; UTF-8 only; XML without a DTD and with only its five
//! predefined entities. Numbers keep the exact text they were sent as: a price of `1.500` stays
//! `1.500`. No reader panics on any input.

#[allow(unused_imports)]
use crate::prelude::*;

use alloc::borrow::Cow;

use crate::small_std::{heap_sort, parse_unsigned};

pub mod base64;
mod error;
pub mod form;
pub mod json;
mod multipart;
mod sniff;
mod xml;

pub(crate) use error::excerpt;
pub use error::{BodyFormat, ParseError};
pub use json::read_json;

/// How deeply bodies may nest. Exotel's go three levels deep; the limit keeps hostile input
/// from exhausting the stack.
pub const MAX_DEPTH: usize = 16;

/// How many fields one object may have. Exotel's have a few dozen; the limit keeps a hostile
/// body (a megabyte of distinct names) from making the lookups in a [`Value::Object`], which
/// are linear, quadratic.
pub const MAX_FIELDS: usize = 256;

/// A body read into a tree. Names and text borrow from the body wherever it holds them as they
/// read (no escape, entity or percent sign to resolve), so reading a body allocates for its
/// lists and for the few values that need decoding, not for every name and value in it.
#[derive(Debug, Clone)]
pub enum Value<'a> {
    /// JSON `null`, or an empty XML element.
    Null,
    /// A string, or XML text, exactly as sent.
    Text(Cow<'a, str>),
    /// A JSON number, as its exact source text.
    Number(Cow<'a, str>),
    /// A JSON boolean.
    Bool(bool),
    /// Named children in the order they came, each name once: a repeated JSON key keeps its last
    /// value, repeated XML elements of one name become an [`Value::Array`] under it. (A `Vec`,
    /// not a map: bodies have a few dozen fields, and `BTreeMap` costs the npm package about
    /// 2 KB of gzipped wasm.)
    Object(Vec<(Cow<'a, str>, Value<'a>)>),
    /// A JSON array; XML children of one element read as a list through [`Value::items`].
    Array(Vec<Value<'a>>),
}

/// Objects are equal when they have the same fields, in any order (the readers keep document
/// order; the reference readers in the tests build maps).
impl PartialEq for Value<'_> {
    fn eq(&self, other: &Value<'_>) -> bool {
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

impl Eq for Value<'_> {}

/// Whether two names are the same: lengths first, inline, so the lookups below (a body's every
/// field against every name asked for) call `memcmp` only for names of the right length. The
/// npm package's wasm is built for size, where `==` on strings is three calls deep.
#[inline(always)]
pub(crate) fn same_name(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.as_bytes() == b.as_bytes()
}

pub(crate) use crate::small_std::trim;

/// `text` trimmed: a borrowed text stays borrowed, an owned one is copied only when it had
/// whitespace to lose.
pub(crate) fn trimmed(text: Cow<'_, str>) -> Cow<'_, str> {
    match text {
        Cow::Borrowed(text) => Cow::Borrowed(trim(text)),
        Cow::Owned(text) if trim(&text).len() == text.len() => Cow::Owned(text),
        Cow::Owned(text) => Cow::Owned(trim(&text).to_owned()),
    }
}

/// `text.trim_matches('"')`: a quoted parameter's value (a multipart boundary, a form field's
/// name).
pub(crate) fn unquote(text: &str) -> &str {
    crate::small_std::trim_byte(text, b'"')
}

/// The value of field `name` in `fields`.
pub(crate) fn field_mut<'f, 'a>(
    fields: &'f mut [(Cow<'a, str>, Value<'a>)],
    name: &str,
) -> Option<&'f mut Value<'a>> {
    for (field, value) in fields.iter_mut() {
        if same_name(field, name) {
            return Some(value);
        }
    }
    None
}

impl<'a> Value<'a> {
    /// The child called `name`, if this is an object that has it.
    #[cfg_attr(optimize_hot_paths, optimize(speed))]
    pub fn get(&self, name: &str) -> Option<&Value<'a>> {
        match self {
            Value::Object(fields) => {
                for (field, value) in fields {
                    if same_name(field, name) {
                        return Some(value);
                    }
                }
                None
            }
            _ => None,
        }
    }

    /// The items of a list: a JSON array, or the children of an XML element (`<Legs><Leg/>...`).
    pub fn items(&self) -> Vec<&Value<'a>> {
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

/// Reads a body into a tree, by its content type or, without one, by sniffing.
/// `accepted` lists the formats the caller takes; the format read is returned with the tree.
pub fn read_body<'a>(
    body: &'a [u8],
    content_type: Option<&str>,
    accepted: &[BodyFormat],
) -> Result<(BodyFormat, Value<'a>), ParseError> {
    let text = core::str::from_utf8(body).map_err(|_| ParseError::NotUtf8)?;
    if trim(text).is_empty() {
        return Err(ParseError::EmptyBody);
    }
    let (format, boundary) = match sniff::format_of(content_type)? {
        Some(found) => found,
        None => sniff::sniff(text, accepted)?,
    };
    if !accepted.contains(&format) {
        return Err(ParseError::UnsupportedContentType(
            content_type.map_or_else(|| format.name().to_owned(), str::to_owned),
        ));
    }
    let value = match format {
        BodyFormat::Json => read_json(text)?,
        BodyFormat::Xml => xml::read_xml(text)?,
        BodyFormat::UrlEncoded => form::read_urlencoded(text)?,
        BodyFormat::Multipart => multipart::read_multipart(text, boundary.as_deref())?,
    };
    Ok((format, value))
}

#[cfg(test)]
mod differential;

/// The text of a leaf, for the readers' tests.
#[cfg(test)]
fn text<'v>(v: &'v Value<'_>) -> &'v str {
    match v {
        Value::Text(t) | Value::Number(t) => t,
        _ => panic!("not text: {v:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::form::read_urlencoded;
    use crate::wire::xml::read_xml;

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
    fn unquote_trims_quotes_as_trim_matches_does() {
        for text in [
            "", "\"", "\"\"", "a", "\"a\"", "\"\"a\"", "a\"b", "\"é\"", "\"a",
        ] {
            assert_eq!(unquote(text), text.trim_matches('"'), "{text:?}");
        }
    }

    /// The names and texts of `value` that were copied rather than borrowed from the body.
    fn copies(value: &Value<'_>) -> Vec<String> {
        let mut out = Vec::new();
        match value {
            Value::Text(Cow::Owned(text)) | Value::Number(Cow::Owned(text)) => {
                out.push(text.clone())
            }
            Value::Object(fields) => {
                for (name, child) in fields {
                    if let Cow::Owned(name) = name {
                        out.push(name.clone());
                    }
                    out.extend(copies(child));
                }
            }
            Value::Array(items) => items.iter().for_each(|item| out.extend(copies(item))),
            _ => {}
        }
        out
    }

    #[test]
    fn bodies_are_read_without_copying_what_needs_no_decoding() {
        let fixture = |path: &str| {
            std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/").to_owned() + path)
                .unwrap()
        };
        // Exotel's own bodies: every name and value read as it stands in the body, but for
        // the one URL with an `&amp;` in it.
        for (path, content_type, copied) in [
            ("calls/seed.json", "application/json", &[][..]),
            ("calls/seed.xml", "application/xml", &[]),
            (
                "calls/details.xml",
                "application/xml",
                &["https://recordings.exotel.com/exotelrecordings/acme/80bfbec2.mp3?a=1&b=2"],
            ),
            ("callbacks/terminal-with-legs.json", "application/json", &[]),
        ] {
            let body = fixture(path);
            let (_, tree) = read_body(&body, Some(content_type), &ALL).unwrap();
            assert_eq!(copies(&tree), copied, "{path}");
        }
        // A form callback: only the values with escapes are decoded into copies.
        let body = fixture("callbacks/terminal.urlencoded");
        let (_, tree) = read_body(&body, Some("application/x-www-form-urlencoded"), &ALL).unwrap();
        assert_eq!(
            copies(&tree),
            [
                "https://recordings.exotel.com/exotelrecordings/acme/80bfbec2.mp3",
                "2017-03-03 12:35:10"
            ]
        );
        // Escapes, references, CDATA and comments are resolved into copies, and only those.
        let (_, tree) = read_body(
            br#"{"a\u0062": "x\ny", "plain": "z", "n": 1.50}"#,
            None,
            &ALL,
        )
        .unwrap();
        assert_eq!(copies(&tree), ["ab", "x\ny"]);
        assert_eq!(tree.get("n"), Some(&Value::Number("1.50".into())));
        let (_, tree) = read_body(
            b"<R>\n  <A>x &amp; y</A>\n  <B> b </B><C>c<!-- -->d</C><D><![CDATA[<e>]]></D></R>",
            None,
            &ALL,
        )
        .unwrap();
        assert_eq!(copies(&tree), ["x & y", "cd"]);
        assert_eq!(tree.get("R").and_then(|r| r.get("B")).map(text), Some("b"));
        assert_eq!(
            tree.get("R").and_then(|r| r.get("D")).map(text),
            Some("<e>")
        );
    }

    const ALL: [BodyFormat; 4] = [
        BodyFormat::Json,
        BodyFormat::Xml,
        BodyFormat::UrlEncoded,
        BodyFormat::Multipart,
    ];

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
