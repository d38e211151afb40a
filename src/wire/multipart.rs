//! The multipart form reader (`multipart/form-data`), for status callbacks sent that way.

#[allow(unused_imports)]
use crate::prelude::*;

use alloc::borrow::Cow;

use super::form::nest_pairs;
use super::{trim, unquote, ParseError, Value};
use crate::small_std::{concat, split_once_str, split_str};

/// Reads the text fields of a multipart form. Files are not expected from Exotel; a part with a
/// filename is read like any other.
// Not inlined into `read_body`: V8 compiles a wasm function whole when it first runs, and a
// body of another format need not compile this reader.
#[inline(never)]
pub(super) fn read_multipart<'a>(
    text: &'a str,
    boundary: Option<&str>,
) -> Result<Value<'a>, ParseError> {
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
        // The first `Content-Disposition` with a form-data name. Lines end at `\n`; a `\r`
        // before it is trimmed with the value. (Plain loops here and below: `find_map` over
        // the pieces is an iterator instance of its own in the npm package's wasm.)
        let mut name = None;
        for line in split_str(head, "\n") {
            let Some((header, value)) = split_once_str(line, ":") else {
                continue;
            };
            if trim(header).eq_ignore_ascii_case("content-disposition") {
                name = disposition_name(value);
                if name.is_some() {
                    break;
                }
            }
        }
        let name = name.ok_or_else(|| {
            ParseError::Multipart("got a part without a form-data name".to_owned())
        })?;
        let value = body
            .strip_suffix("\r\n")
            .or_else(|| body.strip_suffix('\n'))
            .unwrap_or(body);
        pairs.push((Cow::Borrowed(name), Cow::Borrowed(value)));
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
fn disposition_name(value: &str) -> Option<&str> {
    let params = split_str(value, ";");
    let (kind, params) = params.split_first()?;
    if !trim(kind).eq_ignore_ascii_case("form-data") {
        return None;
    }
    for param in params {
        if let Some((key, value)) = split_once_str(param, "=") {
            if trim(key).eq_ignore_ascii_case("name") {
                return Some(unquote(trim(value)));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::wire::{read_body, text, BodyFormat};

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
}
