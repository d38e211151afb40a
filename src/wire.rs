//! Bodies as they arrive (JSON, XML, urlencoded and multipart forms) read into one small tree,
//! so the typed parsers in `call` and `callback` are written once for every encoding.
//!
//! Numbers keep the exact text they were sent as: a price of `1.500` stays `1.500`.

use std::collections::BTreeMap;
use std::fmt;

use quick_xml::events::Event;
use serde_json::value::RawValue;

/// How deeply bodies may nest. Exotel's go three levels deep; the limit keeps hostile input
/// from exhausting the stack.
const MAX_DEPTH: usize = 16;

/// A body read into a tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    /// JSON `null`, or an empty XML element.
    Null,
    /// A string, or XML text, exactly as sent.
    Text(String),
    /// A JSON number, as its exact source text.
    Number(String),
    /// A JSON boolean.
    Bool(bool),
    /// Named children; repeated XML elements of one name become an [`Value::Array`] under it.
    Object(BTreeMap<String, Value>),
    /// A JSON array; XML children of one element read as a list through [`Value::items`].
    Array(Vec<Value>),
}

impl Value {
    /// The child called `name`, if this is an object that has it.
    pub(crate) fn get(&self, name: &str) -> Option<&Value> {
        match self {
            Value::Object(map) => map.get(name),
            _ => None,
        }
    }

    /// The items of a list: a JSON array, or the children of an XML element (`<Legs><Leg/>...`).
    pub(crate) fn items(&self) -> Vec<&Value> {
        match self {
            Value::Array(items) => items.iter().collect(),
            Value::Object(map) => {
                let mut children: Vec<(&String, &Value)> = map.iter().collect();
                // Form lists arrive as `Legs[0]`, `Legs[1]`... keep their numeric order
                // (a BTreeMap alone would put "10" before "2").
                children.sort_by_key(|(key, _)| key.parse::<u64>().unwrap_or(u64::MAX));
                children
                    .into_iter()
                    .flat_map(|(_, child)| match child {
                        Value::Array(items) => items.iter().collect(),
                        other => vec![other],
                    })
                    .collect()
            }
            _ => Vec::new(),
        }
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

impl fmt::Display for BodyFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BodyFormat::Json => "JSON",
            BodyFormat::Xml => "XML",
            BodyFormat::UrlEncoded => "urlencoded form",
            BodyFormat::Multipart => "multipart form",
        })
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

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::EmptyBody => f.write_str("expected a body, but got an empty one"),
            ParseError::NotUtf8 => f.write_str("expected UTF-8 text, but got invalid bytes"),
            ParseError::UnsupportedContentType(ct) => write!(
                f,
                "expected a JSON, XML or form content type, but got `{}`",
                ct.escape_debug()
            ),
            ParseError::UnrecognizedBody { expected } => {
                write!(f, "expected a {expected} body, but got something else")
            }
            ParseError::HtmlPage => f.write_str(
                "expected Exotel's JSON or XML, but got an HTML page (a proxy or gateway error?)",
            ),
            ParseError::Json(e) => write!(f, "expected valid JSON, but {e}"),
            ParseError::Xml(e) => write!(f, "expected well-formed XML, but {e}"),
            ParseError::XmlDtd => f.write_str(
                "expected XML without a DTD, but got a <!DOCTYPE> (refused: entity declarations can expand without bound)",
            ),
            ParseError::XmlEntity(name) => write!(
                f,
                "expected only XML's predefined entities, but got `&{};`",
                name.escape_debug()
            ),
            ParseError::Multipart(e) => write!(f, "expected a multipart form, but {e}"),
            ParseError::Form(e) => write!(f, "expected a urlencoded form, but {e}"),
            ParseError::TooDeep => write!(
                f,
                "expected at most {MAX_DEPTH} levels of nesting, but got more"
            ),
            ParseError::MissingEnvelope(name) => {
                write!(f, "expected a `{name}` object, but the body has none")
            }
            ParseError::MissingField(name) => {
                write!(f, "expected a `{name}` field, but got none")
            }
            ParseError::InvalidField {
                field,
                expected,
                got,
            } => write!(f, "expected `{field}` to be {expected}, but got {got}"),
        }
    }
}

impl std::error::Error for ParseError {}

/// Shortens a value for an error message, so a hostile body cannot make messages huge.
pub(crate) fn excerpt(text: &str) -> String {
    const MAX: usize = 40;
    let mut out: String = text.chars().take(MAX).collect();
    if text.chars().count() > MAX {
        out.push('…');
    }
    format!("`{}`", out.escape_debug())
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
    let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
    let boundary = parts.find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| value.trim().trim_matches('"').to_owned())
    });
    let format = match media.as_str() {
        "application/json" | "text/json" => BodyFormat::Json,
        m if m.ends_with("+json") => BodyFormat::Json,
        "application/xml" | "text/xml" => BodyFormat::Xml,
        m if m.ends_with("+xml") => BodyFormat::Xml,
        "application/x-www-form-urlencoded" => BodyFormat::UrlEncoded,
        "multipart/form-data" => BodyFormat::Multipart,
        // Servers mislabel bodies (text/plain, text/html on a JSON error): look at the bytes.
        "text/plain" | "application/octet-stream" | "text/html" => return Ok(None),
        _ => return Err(ParseError::UnsupportedContentType(content_type.to_owned())),
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
    let text = std::str::from_utf8(body).map_err(|_| ParseError::NotUtf8)?;
    if text.trim().is_empty() {
        return Err(ParseError::EmptyBody);
    }
    let (format, boundary) = match format_of(content_type)? {
        Some(found) => found,
        None => sniff(text, accepted)?,
    };
    if !accepted.contains(&format) {
        return Err(ParseError::UnsupportedContentType(
            content_type.map_or_else(|| format.to_string(), str::to_owned),
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

fn read_json(text: &str) -> Result<Value, ParseError> {
    let raw: &RawValue =
        serde_json::from_str(text).map_err(|e| ParseError::Json(json_message(&e)))?;
    json_value(raw, 0)
}

fn json_message(error: &serde_json::Error) -> String {
    // serde_json says e.g. "EOF while parsing an object at line 1 column 9".
    // Lowercased to read as one sentence, except acronyms such as "EOF".
    let message = error.to_string();
    let mut chars = message.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if !second.is_uppercase() => {
            format!("got {}{second}{}", first.to_lowercase(), chars.as_str())
        }
        _ => format!("got {message}"),
    }
}

fn json_value(raw: &RawValue, depth: usize) -> Result<Value, ParseError> {
    if depth > MAX_DEPTH {
        return Err(ParseError::TooDeep);
    }
    let text = raw.get().trim();
    let parse_err = |e: serde_json::Error| ParseError::Json(json_message(&e));
    Ok(match text.as_bytes().first() {
        Some(b'{') => {
            let map: BTreeMap<String, &RawValue> = serde_json::from_str(text).map_err(parse_err)?;
            let mut out = BTreeMap::new();
            for (key, child) in map {
                out.insert(key, json_value(child, depth + 1)?);
            }
            Value::Object(out)
        }
        Some(b'[') => {
            let items: Vec<&RawValue> = serde_json::from_str(text).map_err(parse_err)?;
            let mut out = Vec::with_capacity(items.len());
            for child in items {
                out.push(json_value(child, depth + 1)?);
            }
            Value::Array(out)
        }
        Some(b'"') => Value::Text(serde_json::from_str(text).map_err(parse_err)?),
        Some(b'n') => Value::Null,
        Some(b't') => Value::Bool(true),
        Some(b'f') => Value::Bool(false),
        // serde_json has already checked the number's syntax; keep its exact text.
        _ => Value::Number(text.to_owned()),
    })
}

/// One XML element while its children are read.
struct Element {
    name: String,
    children: BTreeMap<String, Value>,
    text: String,
}

/// Adds a child element's value; a repeated name turns into a list of all its values.
fn add_child(children: &mut BTreeMap<String, Value>, name: String, value: Value) {
    match children.get_mut(&name) {
        None => {
            children.insert(name, value);
        }
        Some(Value::Array(items)) => items.push(value),
        Some(existing) => {
            let first = std::mem::replace(existing, Value::Null);
            *existing = Value::Array(vec![first, value]);
        }
    }
}

impl Element {
    fn new(name: String) -> Element {
        Element {
            name,
            children: BTreeMap::new(),
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

fn read_xml(text: &str) -> Result<Value, ParseError> {
    let mut reader = quick_xml::Reader::from_str(text);
    let config = reader.config_mut();
    config.check_end_names = true;
    config.check_comments = true;
    let xml_err = |e: quick_xml::Error| ParseError::Xml(format!("got {e}"));
    let element_name = |raw: &[u8]| -> Result<String, ParseError> {
        std::str::from_utf8(raw)
            .map(str::to_owned)
            .map_err(|_| ParseError::NotUtf8)
    };
    // The document element is read into this root, so `<TwilioResponse>` is a key of it.
    let mut stack = vec![Element::new(String::new())];
    let mut seen_root = false;
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
                if stack.len() == 1 && seen_root {
                    return Err(ParseError::Xml("got a second document element".to_owned()));
                }
                if stack.len() > MAX_DEPTH {
                    return Err(ParseError::TooDeep);
                }
                let name = element_name(start.local_name().as_ref())?;
                if stack.len() == 1 && name.eq_ignore_ascii_case("html") {
                    return Err(ParseError::HtmlPage);
                }
                stack.push(Element::new(name));
            }
            Event::Empty(start) => {
                if stack.len() == 1 && seen_root {
                    return Err(ParseError::Xml("got a second document element".to_owned()));
                }
                let name = element_name(start.local_name().as_ref())?;
                if let Some(parent) = stack.last_mut() {
                    add_child(&mut parent.children, name, Value::Null);
                }
                seen_root |= stack.len() == 1;
            }
            Event::End(_) => {
                // check_end_names has matched this end to the open element.
                let Some(element) = stack.pop() else {
                    return Err(ParseError::Xml("got an unmatched end tag".to_owned()));
                };
                let Some(parent) = stack.last_mut() else {
                    return Err(ParseError::Xml("got an unmatched end tag".to_owned()));
                };
                let (name, value) = element.into_entry();
                add_child(&mut parent.children, name, value);
                seen_root |= stack.len() == 1;
            }
            Event::Text(content) => {
                let decoded = content
                    .decode()
                    .map_err(|e| ParseError::Xml(format!("got {e}")))?;
                if stack.len() == 1 {
                    if !decoded.trim().is_empty() {
                        return Err(ParseError::Xml(
                            "got text outside the document element".to_owned(),
                        ));
                    }
                } else if let Some(open) = stack.last_mut() {
                    open.text.push_str(&decoded);
                }
            }
            Event::CData(data) => {
                let decoded = data
                    .decode()
                    .map_err(|e| ParseError::Xml(format!("got {e}")))?;
                if let Some(open) = stack.last_mut() {
                    open.text.push_str(&decoded);
                }
            }
            Event::GeneralRef(reference) => {
                let resolved = if reference.is_char_ref() {
                    reference
                        .resolve_char_ref()
                        .map_err(xml_err)?
                        .map(String::from)
                } else {
                    let name = reference
                        .decode()
                        .map_err(|e| ParseError::Xml(format!("got {e}")))?;
                    match quick_xml::escape::resolve_predefined_entity(&name) {
                        Some(text) => Some(text.to_owned()),
                        None => return Err(ParseError::XmlEntity(name.into_owned())),
                    }
                };
                if let (Some(text), Some(open)) = (resolved, stack.last_mut()) {
                    open.text.push_str(&text);
                }
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    if stack.len() != 1 {
        return Err(ParseError::Xml(
            "got the end of the body inside an open element".to_owned(),
        ));
    }
    let root = stack.pop().map(|root| root.children).unwrap_or_default();
    if root.is_empty() {
        return Err(ParseError::Xml("got no document element".to_owned()));
    }
    Ok(Value::Object(root))
}

/// Reads `name=value` pairs into an object. Bracketed names (`Legs[0][Status]`) nest, the way
/// form encoders write arrays of objects.
fn read_urlencoded(text: &str) -> Result<Value, ParseError> {
    let text = text.trim();
    let mut pairs = Vec::new();
    for piece in text.split('&').filter(|piece| !piece.is_empty()) {
        if !piece.contains('=') {
            return Err(ParseError::Form(format!(
                "got {} without `=`",
                excerpt(piece)
            )));
        }
        // form_urlencoded decodes `+` and percent escapes, replacing invalid UTF-8 lossily.
        if let Some(pair) = form_urlencoded::parse(piece.as_bytes()).next() {
            pairs.push((pair.0.into_owned(), pair.1.into_owned()));
        }
    }
    if pairs.is_empty() {
        return Err(ParseError::Form("got no fields".to_owned()));
    }
    Ok(nest_pairs(pairs))
}

/// Builds an object from flat form pairs, nesting bracketed names.
fn nest_pairs(pairs: Vec<(String, String)>) -> Value {
    let mut root = BTreeMap::new();
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
        insert_path(&mut root, &path, value);
    }
    Value::Object(root)
}

fn insert_path(map: &mut BTreeMap<String, Value>, path: &[&str], value: String) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    if rest.is_empty() {
        map.entry((*first).to_owned()).or_insert(Value::Text(value));
        return;
    }
    let child = map
        .entry((*first).to_owned())
        .or_insert_with(|| Value::Object(BTreeMap::new()));
    if let Value::Object(child) = child {
        insert_path(child, rest, value);
    }
}

/// Reads the text fields of a multipart form. Files are not expected from Exotel; a part with a
/// filename is read like any other.
fn read_multipart(text: &str, boundary: Option<&str>) -> Result<Value, ParseError> {
    let boundary = boundary
        .filter(|b| !b.is_empty() && b.len() <= 200)
        .ok_or_else(|| ParseError::Multipart("got no boundary".to_owned()))?;
    let delimiter = format!("--{boundary}");
    let mut sections = text.split(delimiter.as_str());
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
        let (head, body) = section
            .split_once("\r\n\r\n")
            .or_else(|| section.split_once("\n\n"))
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
    Ok(nest_pairs(pairs))
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
mod tests {
    use super::*;

    fn text(v: &Value) -> &str {
        match v {
            Value::Text(t) | Value::Number(t) => t,
            _ => panic!("not text: {v:?}"),
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
