//! The hand-written JSON and XML readers against the well-kept crates they replace.
//!
//! `read_json` and `read_xml` are hand-written only because of the npm package's size budget
//! (see `src/wire/mod.rs`). These tests keep them honest: serde_json (with `raw_value`, keeping
//! numbers' exact text) and quick-xml 0.41 (configured as the core used it) read the same input
//! into the same tree, and the two must agree on every fixture and on thousands of cut and
//! corrupted variants: the same accept/reject decision, the same values when accepted, and the
//! same refusal for the safety cases (DTDs, unknown entities, depth, fields). The references
//! build their trees here, from serde_json's values and quick-xml's events, using nothing of
//! the hand-written readers but the tree type they return.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use quick_xml::events::Event;
use serde_json::value::RawValue;

use super::xml::read_xml;
use super::{read_json, ParseError, Value, MAX_DEPTH, MAX_FIELDS};

use exotel_connect_test_support::json_members::Members;

/// The reference JSON reader: serde_json's `RawValue`, walked into the same tree.
fn reference_json(text: &str) -> Result<Value<'static>, ParseError> {
    let raw: &RawValue = serde_json::from_str(text).map_err(|e| ParseError::Json(e.to_string()))?;
    json_value(raw, 0)
}

fn json_value(raw: &RawValue, depth: usize) -> Result<Value<'static>, ParseError> {
    if depth > MAX_DEPTH {
        return Err(ParseError::TooDeep);
    }
    let text = raw.get().trim();
    let parse_err = |e: serde_json::Error| ParseError::Json(e.to_string());
    Ok(match text.as_bytes().first() {
        Some(b'{') => {
            // Every member, repeats included: a repeated key's earlier value is dropped (the last
            // one wins, as in the core) but must still be valid, or the core refuses the body.
            // A map would drop it unread; the `call_json` fuzz target found that gap.
            let Members(members) = serde_json::from_str(text).map_err(parse_err)?;
            let mut out = BTreeMap::new();
            for (key, child) in members {
                out.insert(key, json_value(child, depth + 1)?);
            }
            if out.len() > MAX_FIELDS {
                return Err(ParseError::TooManyFields);
            }
            Value::Object(out.into_iter().map(|(k, v)| (k.into(), v)).collect())
        }
        Some(b'[') => {
            let items: Vec<&RawValue> = serde_json::from_str(text).map_err(parse_err)?;
            let mut out = Vec::with_capacity(items.len());
            for child in items {
                out.push(json_value(child, depth + 1)?);
            }
            Value::Array(out)
        }
        Some(b'"') => Value::Text(
            serde_json::from_str::<String>(text)
                .map_err(parse_err)?
                .into(),
        ),
        Some(b'n') => Value::Null,
        Some(b't') => Value::Bool(true),
        Some(b'f') => Value::Bool(false),
        _ => Value::Number(text.to_owned().into()),
    })
}

/// One open element in the XML reference's own tree: each child name with its values in
/// document order (a name seen more than once becomes a list of them when the element closes),
/// and the element's text.
struct OpenElement {
    name: String,
    children: BTreeMap<String, Vec<Value<'static>>>,
    text: String,
}

impl OpenElement {
    fn new(name: String) -> OpenElement {
        OpenElement {
            name,
            children: BTreeMap::new(),
            text: String::new(),
        }
    }

    /// Adds a child's value. More than `MAX_FIELDS` distinct names in one element are refused;
    /// repeats of a name do not count.
    fn add(&mut self, name: String, value: Value<'static>) -> Result<(), ParseError> {
        if !self.children.contains_key(&name) && self.children.len() == MAX_FIELDS {
            return Err(ParseError::TooManyFields);
        }
        self.children.entry(name).or_default().push(value);
        Ok(())
    }

    /// The element as the crate documents XML: with children, an object of them, one value per
    /// name or a list of every value of a repeated name (its text then ignored); otherwise its
    /// text without surrounding whitespace, or null when nothing is left.
    fn close(self) -> (String, Value<'static>) {
        if self.children.is_empty() {
            let text = self.text.trim();
            let value = if text.is_empty() {
                Value::Null
            } else {
                Value::Text(text.to_owned().into())
            };
            return (self.name, value);
        }
        let fields = self
            .children
            .into_iter()
            .map(|(name, mut values)| {
                let value = if values.len() == 1 {
                    values.remove(0)
                } else {
                    Value::Array(values)
                };
                (name.into(), value)
            })
            .collect();
        (self.name, Value::Object(fields))
    }
}

/// The reference XML reader: quick-xml's events (end names and comments checked), built into a
/// tree here by its own rules, so that nothing of the hand-written reader but its result is
/// compared. The tree is an object holding the document element under its local name.
fn reference_xml(text: &str) -> Result<Value<'static>, ParseError> {
    let mut reader = quick_xml::Reader::from_str(text);
    let config = reader.config_mut();
    config.check_end_names = true;
    config.check_comments = true;
    let xml_err = |e: quick_xml::Error| ParseError::Xml(format!("got {e}"));
    let decode_err = |e: quick_xml::encoding::EncodingError| ParseError::Xml(format!("got {e}"));
    let local_name = |start: &quick_xml::events::BytesStart| -> Result<String, ParseError> {
        std::str::from_utf8(start.local_name().as_ref())
            .map(str::to_owned)
            .map_err(|_| ParseError::NotUtf8)
    };
    let second_root = || ParseError::Xml("got a second document element".to_owned());
    // Only whitespace may stand outside the document element, references resolved.
    let outside = |text: &str| {
        if text.trim().is_empty() {
            Ok(())
        } else {
            Err(ParseError::Xml(
                "got text outside the document element".to_owned(),
            ))
        }
    };
    // The open elements, innermost last; the document element once it has closed.
    let mut open: Vec<OpenElement> = Vec::new();
    let mut document: Option<(String, Value)> = None;
    loop {
        match reader.read_event().map_err(xml_err)? {
            Event::DocType(doctype) => {
                let is_html = doctype
                    .decode()
                    .is_ok_and(|d| d.trim().to_ascii_lowercase().starts_with("html"));
                return Err(if is_html {
                    ParseError::HtmlPage
                } else {
                    ParseError::XmlDtd
                });
            }
            Event::Start(start) => {
                if open.is_empty() && document.is_some() {
                    return Err(second_root());
                }
                if open.len() == MAX_DEPTH {
                    return Err(ParseError::TooDeep);
                }
                let name = local_name(&start)?;
                // An opened `<html>` document element is a proxy's error page; a self-closed
                // `<html/>` holds nothing and is read as any other empty element.
                if open.is_empty() && name.eq_ignore_ascii_case("html") {
                    return Err(ParseError::HtmlPage);
                }
                open.push(OpenElement::new(name));
            }
            Event::Empty(start) => {
                let name = local_name(&start)?;
                match open.last_mut() {
                    Some(parent) => parent.add(name, Value::Null)?,
                    None if document.is_some() => return Err(second_root()),
                    None => document = Some((name, Value::Null)),
                }
            }
            Event::End(_) => {
                let Some(element) = open.pop() else {
                    return Err(ParseError::Xml("got an unmatched end tag".to_owned()));
                };
                let (name, value) = element.close();
                match open.last_mut() {
                    Some(parent) => parent.add(name, value)?,
                    None => document = Some((name, value)),
                }
            }
            Event::Text(content) => {
                let decoded = content.decode().map_err(decode_err)?;
                match open.last_mut() {
                    Some(element) => element.text.push_str(&decoded),
                    None => outside(&decoded)?,
                }
            }
            // CDATA outside the document element carries nothing and is dropped, as quick-xml
            // and the hand-written reader both read it.
            Event::CData(data) => {
                let decoded = data.decode().map_err(decode_err)?;
                if let Some(element) = open.last_mut() {
                    element.text.push_str(&decoded);
                }
            }
            Event::GeneralRef(reference) => {
                let resolved = if reference.is_char_ref() {
                    reference
                        .resolve_char_ref()
                        .map_err(xml_err)?
                        .map(String::from)
                        .unwrap_or_default()
                } else {
                    let name = reference.decode().map_err(decode_err)?;
                    match quick_xml::escape::resolve_predefined_entity(&name) {
                        Some(text) => text.to_owned(),
                        None => return Err(ParseError::XmlEntity(name.into_owned())),
                    }
                };
                match open.last_mut() {
                    Some(element) => element.text.push_str(&resolved),
                    None => outside(&resolved)?,
                }
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    if !open.is_empty() {
        return Err(ParseError::Xml(
            "got the end of the body inside an open element".to_owned(),
        ));
    }
    match document {
        Some((name, value)) => Ok(Value::Object(vec![(name.into(), value)])),
        None => Err(ParseError::Xml("got no document element".to_owned())),
    }
}

/// Every fixture body, plus bodies that exercise what the fixtures do not: escapes, surrogate
/// pairs, exponents, CDATA, comments, character references, namespaces, attributes, repeated
/// and mixed XML elements.
fn corpus() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut out = Vec::new();
    // fuzz/call_json: what the `call_json` fuzz target found (it compares against serde_json too).
    for dir in [
        "calls",
        "errors",
        "malformed",
        "callbacks",
        "fuzz/call_json",
    ] {
        for entry in fs::read_dir(root.join(dir)).expect("fixture folder") {
            out.push(fs::read(entry.expect("entry").path()).expect("readable"));
        }
    }
    for extra in [
        r#"{"a": "x\"y\\z\/\b\f\n\r\t\u00e9\ud83d\ude00", "b": [-0, 1.5e+3, 2E-2, 0.0], "c": {"d": [true, false, null]}, "a": 1}"#,
        r#"[1, [2, [3, {"x": "\u0041"}]], "", {}]"#,
        "<?xml version=\"1.0\"?>\n<!-- c --><ns:R xmlns:ns=\"u\" a='1' b=\"x>y\"><A>x &amp; &lt;y&gt; &quot;&apos; &#65;&#x42;</A><B/><B>2</B><C><![CDATA[<z>&amp;]]></C><?pi x?><D>\n  </D></ns:R>\n",
        "<R><L><Leg><S>a</S></Leg><Leg><S>b</S></Leg></L></R>",
        "<?x?><??><R><!-- a - b --><x:E/>< F/><G a=\"<\\>\" b='\"'>1</G><?y ?></R>",
        "\u{feff}<R>x</R>",
        "<!DOCTYPE\u{4c8}\u{139a}0><R/>",
        "<!DOCTYPE ht\u{4c8}><R/>",
        // Surrogate pairs at both ends of the planes beyond the BMP, in upper case, and in a key.
        r#"{"\ud83d\ude00": "\ud800\udc00 \uDBFF\uDFFF \uD83D\uDE00 😀"}"#,
        // Repeats around other names, text beside children, whitespace-only and padded text.
        "<R> t <A>1</A><B> x </B><A/> u <A>\n 2 \t</A><C>\r\n</C><C/></R>",
        "<R><A><B>1</B></A><A>2</A></R>",
    ] {
        out.push(extra.as_bytes().to_vec());
    }
    out
}

/// The fixture itself, every prefix, and every byte replaced by each of a few bytes that matter
/// to the two formats, or removed.
fn variants(body: &[u8]) -> Vec<Vec<u8>> {
    const REPLACEMENTS: &[u8] = b"\"{}[]<>&;:,/\\!?-.=#x0e \n\x00\xc3";
    let mut out = vec![body.to_vec()];
    for end in 0..body.len() {
        out.push(body[..end].to_vec());
    }
    for i in 0..body.len() {
        for &b in REPLACEMENTS {
            let mut copy = body.to_vec();
            copy[i] = b;
            out.push(copy);
        }
        // A multi-byte character where an ASCII one was: no slicing may cut it.
        for c in ["\u{4c8}", "\u{10348}"] {
            let mut copy = body[..i].to_vec();
            copy.extend_from_slice(c.as_bytes());
            copy.extend_from_slice(&body[i + 1..]);
            out.push(copy);
        }
        let mut removed = body.to_vec();
        removed.remove(i);
        out.push(removed);
    }
    out
}

/// Accepted by both with the same values, or refused by both. Which refusal may differ on
/// broken input (the readers stop at different first faults); the safety refusals themselves
/// are pinned in `safety_refusals_are_the_same`. There is no known difference to forgive:
/// surrogates included, as `surrogates_are_read_as_serde_json_reads_them` pins.
fn same_decision(ours: &Result<Value, ParseError>, theirs: &Result<Value, ParseError>) -> bool {
    match (ours, theirs) {
        (Ok(a), Ok(b)) => a == b,
        (Err(_), Err(_)) => true,
        _ => false,
    }
}

fn compare(
    name: &str,
    ours: fn(&str) -> Result<Value, ParseError>,
    theirs: fn(&str) -> Result<Value, ParseError>,
) {
    let mut checked = 0usize;
    let mut accepted = 0usize;
    let mut differences = Vec::new();
    for body in corpus() {
        for variant in variants(&body) {
            let Ok(text) = std::str::from_utf8(&variant) else {
                continue;
            };
            let (a, b) = (ours(text), theirs(text));
            checked += 1;
            accepted += usize::from(a.is_ok());
            if !same_decision(&a, &b) && differences.len() < 100_000 {
                differences.push(format!("{text:?}\n  ours:   {a:?}\n  theirs: {b:?}"));
            }
        }
    }
    if let Ok(path) = std::env::var("DIFF_OUT") {
        let _ = fs::write(format!("{path}.{name}"), differences.join("\n"));
    }
    assert!(
        differences.is_empty(),
        "{name}: the hand-written reader and the reference differ ({} cases), first:\n{}",
        differences.len(),
        differences
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    // The corpus must keep exercising both outcomes.
    assert!(
        checked > 10_000 && accepted > 100,
        "{name}: {checked} checked, {accepted} accepted"
    );
}

#[test]
fn json_reader_agrees_with_serde_json() {
    compare("JSON", read_json, reference_json);
}

#[test]
fn xml_reader_agrees_with_quick_xml() {
    compare("XML", read_xml, reference_xml);
}

#[test]
fn safety_refusals_are_the_same() {
    for (body, expected) in [
        (
            "<!DOCTYPE x [<!ENTITY a \"b\">]><x>&a;</x>",
            ParseError::XmlDtd,
        ),
        ("<x>&nbsp;</x>", ParseError::XmlEntity("nbsp".into())),
        (
            &*("<a>".repeat(40) + &"</a>".repeat(40)),
            ParseError::TooDeep,
        ),
    ] {
        assert_eq!(read_xml(body), Err(expected.clone()), "{body}");
        assert_eq!(reference_xml(body), Err(expected), "{body}");
    }
    // Elements open up to the depth limit are read; one more is refused.
    for (open, expected) in [(MAX_DEPTH, true), (MAX_DEPTH + 1, false)] {
        let body = "<a>".repeat(open) + "<b/>" + &"</a>".repeat(open);
        let ours = read_xml(&body);
        assert_eq!(ours.is_ok(), expected, "{open} open: {ours:?}");
        assert_eq!(ours, reference_xml(&body), "{open} open");
    }
    let deep = "[".repeat(40) + &"]".repeat(40);
    assert_eq!(read_json(&deep), Err(ParseError::TooDeep));
    assert_eq!(reference_json(&deep), Err(ParseError::TooDeep));
    // Distinct fields up to the limit are read; one more is refused. Repeats do not count.
    for (count, expected) in [(MAX_FIELDS, true), (MAX_FIELDS + 1, false)] {
        let json = format!(
            "{{{}}}",
            (0..count)
                .map(|i| format!("\"f{i}\": {i}, \"f0\": 0"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let xml = format!(
            "<r>{}</r>",
            (0..count)
                .map(|i| format!("<f{i}/><f0/>"))
                .collect::<String>()
        );
        for (ours, theirs) in [
            (read_json(&json), reference_json(&json)),
            (read_xml(&xml), reference_xml(&xml)),
        ] {
            assert_eq!(ours.is_ok(), expected, "{count} fields: {ours:?}");
            assert_eq!(ours, theirs);
            if !expected {
                assert_eq!(ours, Err(ParseError::TooManyFields));
            }
        }
    }
}

#[test]
fn surrogates_are_read_as_serde_json_reads_them() {
    // Pairs, escaped (in either case) or sent as UTF-8, in values and keys: both accept them,
    // with the same text.
    for (body, key, text) in [
        (r#"{"n": "\ud83d\ude00"}"#, "n", "😀"),
        (r#"{"n": "😀"}"#, "n", "😀"),
        (r#"{"n": "\uD83D\uDE00 😀"}"#, "n", "😀 😀"),
        (
            r#"{"n": "\ud800\udc00\udbff\udfff"}"#,
            "n",
            "\u{10000}\u{10ffff}",
        ),
        (r#"{"\ud83d\ude00": "x"}"#, "😀", "x"),
    ] {
        let ours = read_json(body);
        assert_eq!(ours, reference_json(body), "{body}");
        assert_eq!(
            ours.ok().and_then(|v| v.get(key).cloned()),
            Some(Value::Text(text.into())),
            "{body}"
        );
    }
    // A lone surrogate is refused by both. serde_json refuses one wherever it decodes a string,
    // as the reference does for every string; it passes one only in a value it skips unread
    // (`RawValue`, as here, or `IgnoredAny`) or reads as bytes (WTF-8), which is why the
    // reference reads every value, a repeated key's replaced one included.
    for (body, which, column) in [
        (r#""\ud800""#, "leading", 8),
        (r#""\udc00""#, "trailing", 8),
        (r#""\ud800x""#, "leading", 8),
        (r#""\ud800\u0041""#, "leading", 14),
        (r#""\ude00\ud83d""#, "trailing", 8),
        (r#""\ud800\ud800""#, "leading", 14),
        (r#""\ud800\n""#, "leading", 8),
        (r#"{"\udc00": 1}"#, "trailing", 9),
        (r#"{"a": "\ud832", "a": 1}"#, "leading", 14),
        (r#"["\udfff"]"#, "trailing", 9),
    ] {
        assert!(serde_json::from_str::<&RawValue>(body).is_ok(), "{body}");
        assert!(reference_json(body).is_err(), "{body}");
        assert_eq!(
            read_json(body),
            Err(ParseError::Json(format!(
                "got lone {which} surrogate in hex escape at line 1 column {column}"
            ))),
            "{body}"
        );
    }
}
