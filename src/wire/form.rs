//! `application/x-www-form-urlencoded`, both ways, as the WHATWG URL standard defines it (and
//! browsers' `URLSearchParams` and the `form_urlencoded` crate implement it): the encoder for
//! Exotel request bodies, the decoder for form callbacks, read into a [`Value`] with bracketed
//! names (`Legs[0][Status]`) nested.
//!
//! Written here rather than taken from `form_urlencoded`: its encoder carries a 768-byte table
//! of `%XX` strings and its decoder a second pass for lossy UTF-8, together about 1 KB of the
//! npm package's gzipped wasm, for what is a few lines. The tests compare both directions with
//! `form_urlencoded` byte for byte.

use crate::prelude::*;

use alloc::borrow::Cow;

use super::excerpt;
use super::{ParseError, Value, MAX_DEPTH, MAX_FIELDS};
use crate::small_std::{concat, find_str, split_once_str, split_str};

/// A form body under construction, in the order fields are added. Kept as bytes: everything
/// written is ASCII (bytes kept as they are, `+`, `%XX`).
#[derive(Debug, Default)]
pub struct Form(Vec<u8>);

impl Form {
    /// An empty form.
    pub fn new() -> Form {
        Form(Vec::new())
    }

    /// An empty form with room for `capacity` bytes.
    pub fn with_capacity(capacity: usize) -> Form {
        Form(Vec::with_capacity(capacity))
    }

    /// Appends `name=value`, each encoded: ASCII letters, digits and `*-._` as they are, a
    /// space as `+`, every other byte of the UTF-8 as `%XX`.
    pub fn field(&mut self, name: &str, value: &str) -> &mut Self {
        self.field_pieces(name, &[value])
    }

    /// Appends `name=value` where the value is `pieces` joined, each encoded in turn.
    pub fn field_pieces(&mut self, name: &str, pieces: &[&str]) -> &mut Self {
        if !self.0.is_empty() {
            self.0.push(b'&');
        }
        encode_into(&mut self.0, name);
        self.0.push(b'=');
        for piece in pieces {
            encode_into(&mut self.0, piece);
        }
        self
    }

    /// Appends `name=value` when there is a value.
    pub fn optional(&mut self, name: &str, value: Option<&str>) -> &mut Self {
        if let Some(value) = value {
            self.field(name, value);
        }
        self
    }

    /// The body, `name=value` pairs joined by `&`.
    pub fn finish(self) -> String {
        // Only ASCII was written, so this is always UTF-8.
        String::from_utf8(self.0).unwrap_or_default()
    }
}

fn encode_into(out: &mut Vec<u8>, text: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    // The bytes kept as they are (ASCII letters, digits and `*-._`), as a table over 0..128:
    // one load per byte where a chain of range checks took several branches.
    const KEPT: [bool; 128] = {
        let mut table = [false; 128];
        let mut byte = 0u8;
        while byte < 128 {
            table[byte as usize] =
                byte.is_ascii_alphanumeric() || matches!(byte, b'*' | b'-' | b'.' | b'_');
            byte += 1;
        }
        table
    };
    let kept = |byte: &u8| KEPT.get(usize::from(*byte)) == Some(&true);
    out.reserve(text.len());
    let mut rest = text.as_bytes();
    // Runs of bytes kept as they are are copied whole, then the byte that ended the run escaped.
    while let Some(run) = rest.iter().position(|byte| !kept(byte)) {
        out.extend_from_slice(&rest[..run]);
        match rest[run] {
            b' ' => out.push(b'+'),
            byte => out.extend_from_slice(&[
                b'%',
                HEX[usize::from(byte >> 4)],
                HEX[usize::from(byte & 0xf)],
            ]),
        }
        rest = &rest[run + 1..];
    }
    out.extend_from_slice(rest);
}

/// A form name or value decoded: `+` is a space and `%XX` a byte (a `%` without two hex digits
/// after it stays as it is); bytes that are not UTF-8 become U+FFFD.
pub fn decode(component: &str) -> String {
    decoded(component).into_owned()
}

/// [`decode`], borrowing `component` when it has nothing to decode (most names and values).
#[cfg_attr(optimize_hot_paths, optimize(speed))]
pub(crate) fn decoded(component: &str) -> Cow<'_, str> {
    let bytes = component.as_bytes();
    let hex = |at: usize| match bytes.get(at) {
        Some(&b @ b'0'..=b'9') => Some(b - b'0'),
        Some(&b @ b'a'..=b'f') => Some(b - b'a' + 10),
        Some(&b @ b'A'..=b'F') => Some(b - b'A' + 10),
        _ => None,
    };
    // The plain run before each `+` or `%` is copied whole, not byte by byte.
    let mut out = Vec::new();
    let mut run = 0;
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        if byte != b'+' && byte != b'%' {
            at += 1;
            continue;
        }
        if out.capacity() == 0 {
            out.reserve(bytes.len());
        }
        out.extend_from_slice(bytes.get(run..at).unwrap_or_default());
        at += 1;
        if byte == b'+' {
            out.push(b' ');
        } else if let (Some(high), Some(low)) = (hex(at), hex(at + 1)) {
            // Two hex digits make one byte.
            out.push(high * 16 + low);
            at += 2;
        } else {
            out.push(b'%');
        }
        run = at;
    }
    if run == 0 {
        return Cow::Borrowed(component);
    }
    out.extend_from_slice(bytes.get(run..).unwrap_or_default());
    Cow::Owned(match String::from_utf8(out) {
        Ok(text) => text,
        Err(e) => lossy(e.as_bytes()),
    })
}

/// `String::from_utf8_lossy`: each invalid sequence (as [`core::str::Utf8Error::error_len`]
/// delimits it, which is how `from_utf8_lossy` splits too) becomes one U+FFFD. Written on
/// `from_utf8`, which the crate has anyway: `from_utf8_lossy`'s chunk iterator is about 500
/// bytes of wasm.
fn lossy(mut bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    loop {
        match core::str::from_utf8(bytes) {
            Ok(valid) => {
                out.push_str(valid);
                return out;
            }
            Err(e) => {
                let valid = bytes.get(..e.valid_up_to()).unwrap_or_default();
                out.push_str(core::str::from_utf8(valid).unwrap_or_default());
                out.push('\u{fffd}');
                // `None`: the bytes end inside a sequence, which is then one invalid sequence.
                let skip = e.valid_up_to() + e.error_len().unwrap_or(bytes.len());
                bytes = bytes.get(skip..).unwrap_or_default();
            }
        }
    }
}

/// The `name=value` pairs of a form body, decoded, in order. A piece without `=` is a name with
/// an empty value; empty pieces (`a=1&&b=2`) are skipped.
pub fn pairs(body: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for piece in split_str(body, "&") {
        if piece.is_empty() {
            continue;
        }
        let (name, value) = split_once_str(piece, "=").unwrap_or((piece, ""));
        out.push((decode(name), decode(value)));
    }
    out
}

/// Reads `name=value` pairs into an object. Bracketed names (`Legs[0][Status]`) nest, the way
/// form encoders write arrays of objects.
// Not inlined into `read_body`: V8 compiles a wasm function whole when it first runs, and a
// body of another format need not compile this reader.
#[inline(never)]
pub(super) fn read_urlencoded(text: &str) -> Result<Value<'_>, ParseError> {
    let mut rest = super::trim(text);
    let mut root = Vec::new();
    let mut any = false;
    // Piece by piece, each decoded and put in place at once: no list of the pieces or of the
    // decoded pairs is built first.
    while !rest.is_empty() {
        let (piece, after) = split_once_str(rest, "&").unwrap_or((rest, ""));
        rest = after;
        if piece.is_empty() {
            continue;
        }
        // `+` and percent escapes decoded, invalid UTF-8 replaced ([`decode`]).
        let Some((name, value)) = split_once_str(piece, "=") else {
            return Err(ParseError::Form(concat(&[
                "got ",
                &excerpt(piece),
                " without `=`",
            ])));
        };
        any = true;
        insert_pair(&mut root, decoded(name), decoded(value))?;
    }
    if !any {
        return Err(ParseError::Form("got no fields".to_owned()));
    }
    Ok(Value::Object(root))
}

/// Builds an object from flat form pairs, nesting bracketed names.
pub(super) fn nest_pairs<'a>(
    pairs: Vec<(Cow<'a, str>, Cow<'a, str>)>,
) -> Result<Value<'a>, ParseError> {
    let mut root = Vec::new();
    for (name, value) in pairs {
        insert_pair(&mut root, name, value)?;
    }
    Ok(Value::Object(root))
}

/// Puts one decoded pair into `root`, nesting a bracketed name.
fn insert_pair<'a>(
    root: &mut Vec<(Cow<'a, str>, Value<'a>)>,
    name: Cow<'a, str>,
    value: Cow<'a, str>,
) -> Result<(), ParseError> {
    // The path's names as byte ranges of `name`, so each can borrow from the body when
    // `name` does.
    let head = find_str(&name, "[").unwrap_or(name.len());
    if head == name.len() {
        // A plain name, as nearly all are: no path to build.
        return insert_path(root, &name, &[(0, head)], value);
    }
    let mut path: Vec<(usize, usize)> = vec![(0, head)];
    let mut at = head;
    while name[at..].starts_with('[') {
        let Some(end) = find_str(&name[at + 1..], "]") else {
            break;
        };
        path.push((at + 1, at + 1 + end));
        at += end + 2;
    }
    if path.len() > MAX_DEPTH {
        return Ok(());
    }
    insert_path(root, &name, &path, value)
}

/// The part `start..end` of a field's full name, borrowed when the full name is.
fn segment<'a>(name: &Cow<'a, str>, (start, end): (usize, usize)) -> Cow<'a, str> {
    match name {
        Cow::Borrowed(name) => Cow::Borrowed(&name[start..end]),
        Cow::Owned(name) => Cow::Owned(name[start..end].to_owned()),
    }
}

/// Puts `value` at `path` (`["Legs", "0", "Status"]`, as ranges of the field's full `name`),
/// making the objects on the way. The first value given for a name is kept; a later one, or one
/// under a name that already holds text, is dropped.
// `name` is the `Cow` itself, not `&str`: a key borrows from the body only when the name does.
#[allow(clippy::ptr_arg)]
#[cfg_attr(optimize_hot_paths, optimize(speed))]
fn insert_path<'a>(
    fields: &mut Vec<(Cow<'a, str>, Value<'a>)>,
    name: &Cow<'a, str>,
    path: &[(usize, usize)],
    value: Cow<'a, str>,
) -> Result<(), ParseError> {
    let Some((&first, rest)) = path.split_first() else {
        return Ok(());
    };
    let wanted = &name[first.0..first.1];
    let index = match fields.iter().position(|(field, _)| field == wanted) {
        Some(index) => index,
        None if fields.len() == MAX_FIELDS => return Err(ParseError::TooManyFields),
        None if rest.is_empty() => {
            fields.push((segment(name, first), Value::Text(value)));
            return Ok(());
        }
        None => {
            fields.push((segment(name, first), Value::Object(Vec::new())));
            fields.len() - 1
        }
    };
    match fields.get_mut(index) {
        Some((_, Value::Object(child))) if !rest.is_empty() => {
            insert_path(child, name, rest, value)
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::wire::text;

    /// Text with every ASCII character, multi-byte UTF-8 and what form bodies carry.
    fn samples() -> Vec<String> {
        let mut out: Vec<String> = [
            "",
            "plain",
            "a b+c&d=e",
            "+91 98765 43210",
            "https://example.com/exotel/status/tok?x=1#y",
            "é 日本 😀 \u{feff}",
            "a日b-c.d_e*f~g",
            "%41%4g%%2",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        out.push((0u8..0x80).map(char::from).collect());
        out
    }

    #[test]
    fn encodes_as_form_urlencoded_does() {
        for text in samples() {
            // The second value given in two pieces, cut inside the text where it can be.
            let cut = text.char_indices().nth(3).map_or(text.len(), |(at, _)| at);
            let mut form = Form::with_capacity(8);
            form.field(&text, &text)
                .field_pieces("second", &[&text[..cut], "", &text[cut..]]);
            let theirs = form_urlencoded::Serializer::new(String::new())
                .append_pair(&text, &text)
                .append_pair("second", &text)
                .finish();
            assert_eq!(form.finish(), theirs, "{text:?}");
        }
    }

    #[test]
    fn decodes_as_form_urlencoded_does() {
        let mut inputs = samples();
        // Percent escapes of invalid UTF-8, cut escapes, stray `%`, mixed case hex.
        for extra in [
            "%ff",
            "%ff%fe%41",
            "%ed%a0%80",
            "%f4%90%80%80",
            "%c0%af",
            "%e2%82x%e2",
            "%f0%9f%98",
            "%C3%A9",
            "%C3",
            "%e2%82",
            "%E2%82%AC",
            "%",
            "%4",
            "%zz",
            "%aF",
        ] {
            inputs.push(extra.to_owned());
        }
        for sample in samples() {
            let mut encoded = Form::new();
            encoded.field("x", &sample);
            inputs.push(encoded.finish()[2..].to_owned());
        }
        // A component comes from a body already split at `&`.
        for input in inputs.into_iter().filter(|input| !input.contains('&')) {
            let theirs: String = form_urlencoded::parse(format!("x={input}").as_bytes())
                .next()
                .map(|(_, value)| value.into_owned())
                .unwrap_or_default();
            assert_eq!(decode(&input), theirs, "{input:?}");
        }
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
}
