//! The XML reader: Exotel's default response format.

#[allow(unused_imports)]
use crate::prelude::*;

use alloc::borrow::Cow;

use super::{excerpt, field_mut, trimmed, ParseError, Value, MAX_DEPTH, MAX_FIELDS};
use crate::small_std::{
    concat, find_str, parse_unsigned, shortened, split_once_str, trim, trim_end, trim_start,
};

/// One XML element while its children are read. Its name and text borrow from the body; text
/// is copied only when it has a reference to resolve or comes in pieces (around a comment or
/// CDATA section).
struct Element<'a> {
    name: &'a str,
    children: Vec<(Cow<'a, str>, Value<'a>)>,
    text: Cow<'a, str>,
}

/// Adds a child element's value; a repeated name turns into a list of all its values.
fn add_child<'a>(
    children: &mut Vec<(Cow<'a, str>, Value<'a>)>,
    name: Cow<'a, str>,
    value: Value<'a>,
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

impl<'a> Element<'a> {
    fn new(name: &'a str) -> Element<'a> {
        Element {
            name,
            children: Vec::new(),
            text: Cow::Borrowed(""),
        }
    }

    /// Appends character data. While the text so far is only whitespace (all an element with
    /// children has, between its tags) it is replaced instead: the leading whitespace is
    /// trimmed in the end anyway, and a borrowed run needs no copy.
    fn push_text(&mut self, text: Cow<'a, str>) {
        if text.is_empty() {
            return;
        }
        if trim(&self.text).is_empty() {
            self.text = text;
        } else {
            self.text.to_mut().push_str(&text);
        }
    }

    /// An element with children is an object; one with only text is that text; an empty one
    /// is null.
    fn into_entry(self) -> (Cow<'a, str>, Value<'a>) {
        let value = if !self.children.is_empty() {
            Value::Object(self.children)
        } else if trim(&self.text).is_empty() {
            Value::Null
        } else {
            Value::Text(trimmed(self.text))
        };
        (Cow::Borrowed(self.name), value)
    }
}

/// An XML reader written for this crate, for the npm package's size budget: quick-xml cost about
/// 10 KB of the package's 40 KB gzipped. It reads only what Exotel's bodies use (elements, text,
/// CDATA, comments, processing instructions) and keeps quick-xml's safety rules: any DTD is
/// refused (`<!DOCTYPE html>` as an HTML page), only XML's five predefined entities and character
/// references are resolved, end tags must match, nesting stops at [`MAX_DEPTH`]. The tests in
/// `wire/differential.rs` keep comparing it with quick-xml 0.41 on cut and corrupted bodies.
// Not inlined into `read_body`: V8 compiles a wasm function whole when it first runs, and a
// body of another format need not compile this reader.
#[inline(never)]
pub(super) fn read_xml(text: &str) -> Result<Value<'_>, ParseError> {
    let syntax = |problem: &str| ParseError::Xml(concat(&["got syntax error: ", problem]));
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // The document element is read into this root, so `<TwilioResponse>` is a key of it. Each
    // open element keeps its tag name as written, to match its end tag against.
    let mut stack = vec![("", Element::new(""))];
    let mut seen_root = false;
    let mut rest = text;
    while !rest.is_empty() {
        let Some(open) = find_str(rest, "<") else {
            add_text(&mut stack, rest)?;
            break;
        };
        add_text(&mut stack, &rest[..open])?;
        rest = &rest[open..];
        // The byte after `<` says which kind of markup this is: one comparison for the
        // common start and end tags instead of a prefix check per kind.
        let second = rest.as_bytes().get(1).copied();
        if second == Some(b'!') {
            if let Some(after) = rest.strip_prefix("<!--") {
                let end = find_str(after, "-->").ok_or_else(|| {
                    syntax("comment not closed: `-->` not found before end of input")
                })?;
                // `--` may not appear inside a comment, nor `-` end it (`--->`).
                if find_str(&after[..end], "--").is_some() || after[..end].ends_with('-') {
                    return Err(ParseError::Xml(
                        "got ill-formed document: forbidden string `--` was found in a comment"
                            .to_owned(),
                    ));
                }
                rest = &after[end + 3..];
            } else if let Some(after) = rest.strip_prefix("<![CDATA[") {
                let end = find_str(after, "]]>").ok_or_else(|| {
                    syntax("CDATA not closed: `]]>` not found before end of input")
                })?;
                if let Some((_, open)) = stack.last_mut() {
                    open.push_text(Cow::Borrowed(&after[..end]));
                }
                rest = &after[end + 3..];
            } else if starts_with_ignore_case(rest, "<!DOCTYPE") {
                if find_str(rest, ">").is_none() {
                    return Err(syntax(
                        "DOCTYPE not closed: `>` not found before end of input",
                    ));
                }
                // `<!DOCTYPE html>` is a proxy's error page, not a hostile DTD.
                let declared = trim_start(&rest[9..]);
                let is_html = starts_with_ignore_case(declared, "html");
                return Err(if is_html {
                    ParseError::HtmlPage
                } else {
                    ParseError::XmlDtd
                });
            } else {
                return Err(syntax("unknown or missed symbol in markup"));
            }
        } else if second == Some(b'?') {
            let after = rest.get(2..).unwrap_or_default();
            // The declaration and processing instructions carry nothing Exotel's bodies need.
            // `<?>` does not close itself (quick-xml refuses it too).
            let end = find_str(after, "?>").filter(|_| !after.starts_with('>'));
            let end = end.ok_or_else(|| {
                syntax("processing instruction not closed: `?>` not found before end of input")
            })?;
            rest = &after[end + 2..];
        } else if second == Some(b'/') {
            let after = rest.get(2..).unwrap_or_default();
            let end = find_str(after, ">")
                .ok_or_else(|| syntax("tag not closed: `>` not found before end of input"))?;
            let name = trim_end(&after[..end]);
            rest = &after[end + 1..];
            if stack.len() == 1 {
                return Err(ParseError::Xml(concat(&[
                    "got ill-formed document: close tag ",
                    &excerpt(&concat(&["</", name, ">"])),
                    " does not match any open tag",
                ])));
            }
            let Some((tag, element)) = stack.pop() else {
                return Err(ParseError::Xml("got an unmatched end tag".to_owned()));
            };
            if tag != name {
                return Err(ParseError::Xml(concat(&[
                    "got ill-formed document: expected ",
                    &excerpt(&concat(&["</", tag, ">"])),
                    ", but ",
                    &excerpt(&concat(&["</", name, ">"])),
                    " was found",
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
                .bytes()
                .position(|b| b.is_ascii_whitespace())
                .map_or(tag, |end| tag.get(..end).unwrap_or_default());
            // An empty name (`< a/>`) is read as quick-xml reads it: a child called "".
            // The local name, after the first `:` as quick-xml reads it: `<ns:Call>` is `Call`.
            let local = split_once_str(name, ":").map_or(name, |(_, local)| local);
            if empty {
                if let Some((_, parent)) = stack.last_mut() {
                    add_child(&mut parent.children, Cow::Borrowed(local), Value::Null)?;
                }
                seen_root |= stack.len() == 1;
            } else {
                if stack.len() > MAX_DEPTH {
                    return Err(ParseError::TooDeep);
                }
                if stack.len() == 1 && local.eq_ignore_ascii_case("html") {
                    return Err(ParseError::HtmlPage);
                }
                stack.push((name, Element::new(local)));
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
fn add_text<'a>(stack: &mut [(&'a str, Element<'a>)], raw: &'a str) -> Result<(), ParseError> {
    // Most text (the whitespace between tags, a field's value) has no reference: no copy.
    if find_str(raw, "&").is_none() {
        return push_text(stack, Cow::Borrowed(raw));
    }
    let mut text = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = find_str(rest, "&") {
        text.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let end = find_str(after, ";").ok_or_else(|| {
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
                // Shortened, so a hostile body's megabyte-long name cannot make the message
                // huge (the message escapes it).
                _ => return Err(ParseError::XmlEntity(shortened(name))),
            }
        };
        text.push(resolved);
        rest = &after[end + 1..];
    }
    text.push_str(rest);
    push_text(stack, Cow::Owned(text))
}

/// Adds resolved character data to the open element; outside the document element only
/// whitespace is allowed.
fn push_text<'a>(
    stack: &mut [(&'a str, Element<'a>)],
    text: Cow<'a, str>,
) -> Result<(), ParseError> {
    match stack {
        [_root] => {
            if !trim(&text).is_empty() {
                return Err(ParseError::Xml(
                    "got text outside the document element".to_owned(),
                ));
            }
        }
        [.., (_, open)] => open.push_text(text),
        [] => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::wire::text;

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
    fn refusals_quote_names_shortened_and_escaped() {
        let ill_formed = |problem: &str| {
            Err(ParseError::Xml(
                "got ill-formed document: ".to_owned() + problem,
            ))
        };
        assert_eq!(
            read_xml("<x><y></x>"),
            ill_formed("expected `</y>`, but `</x>` was found")
        );
        let long = "b".repeat(10_000);
        let cut = "b".repeat(38) + "…";
        assert_eq!(
            read_xml(&format!("<a></{long}>")),
            ill_formed(&format!("expected `</a>`, but `</{cut}` was found"))
        );
        assert_eq!(
            read_xml(&format!("<{long}></a>")),
            ill_formed(&format!("expected `</{cut}`, but `</a>` was found"))
        );
        assert_eq!(
            read_xml(&format!("</{long}>")),
            ill_formed(&format!("close tag `</{cut}` does not match any open tag"))
        );
        assert_eq!(
            read_xml("<a></b\n\u{0}\u{202e}c>"),
            ill_formed("expected `</a>`, but `</b\\n\\0\\u{202e}c>` was found")
        );
        assert_eq!(
            read_xml(&format!("<a>&{long};</a>")),
            Err(ParseError::XmlEntity("b".repeat(40) + "…"))
        );
    }
}
