//! Which format a body is in: from its content type, or, without a usable one, from its first
//! bytes.

#[allow(unused_imports)]
use crate::prelude::*;

use super::{unquote, BodyFormat, ParseError};
use crate::small_std::{find_str, split_once_str, trim, trim_end};

/// The format a content type names, with the multipart boundary if there is one. `Ok(None)`
/// means "no content type: sniff".
pub(super) fn format_of(
    content_type: Option<&str>,
) -> Result<Option<(BodyFormat, Option<String>)>, ParseError> {
    let Some(content_type) = content_type.map(trim).filter(|ct| !ct.is_empty()) else {
        return Ok(None);
    };
    let (media, mut params) = split_once_str(content_type, ";").unwrap_or((content_type, ""));
    let media = trim(media);
    let mut boundary = None;
    while !params.is_empty() {
        let (param, rest) = split_once_str(params, ";").unwrap_or((params, ""));
        params = rest;
        if let Some((name, value)) = split_once_str(param, "=") {
            if boundary.is_none() && trim(name).eq_ignore_ascii_case("boundary") {
                boundary = Some(unquote(trim(value)).to_owned());
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
    // The exact names first, the commonest (Exotel's answers, then its callbacks) leading; the
    // `+json` and `+xml` suffixes cannot match any of them.
    let format = if is("application/json") || is("text/json") {
        BodyFormat::Json
    } else if is("application/x-www-form-urlencoded") {
        BodyFormat::UrlEncoded
    } else if is("application/xml") || is("text/xml") {
        BodyFormat::Xml
    } else if is("multipart/form-data") {
        BodyFormat::Multipart
    } else if ends_with("+json") {
        BodyFormat::Json
    } else if ends_with("+xml") {
        BodyFormat::Xml
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
pub(super) fn sniff(
    text: &str,
    accepted: &[BodyFormat],
) -> Result<(BodyFormat, Option<String>), ParseError> {
    // Byte order marks and ASCII whitespace skipped (`trim_start_matches` with a list of
    // characters is another char searcher in the npm package's wasm).
    let mut start = text;
    loop {
        if let Some(rest) = start.strip_prefix('\u{feff}') {
            start = rest;
        } else if let Some(b' ' | b'\t' | b'\r' | b'\n') = start.as_bytes().first() {
            start = start.get(1..).unwrap_or_default();
        } else {
            break;
        }
    }
    match start.as_bytes().first() {
        Some(b'{') | Some(b'[') => Ok((BodyFormat::Json, None)),
        Some(b'<') => Ok((BodyFormat::Xml, None)),
        Some(b'-') if start.starts_with("--") => {
            // The rest of the line: cut at the first `\n`, then at the first `\r`.
            let line = start.get(2..).unwrap_or_default();
            let line = split_once_str(line, "\n").map_or(line, |(line, _)| line);
            let line = split_once_str(line, "\r").map_or(line, |(line, _)| line);
            Ok((BodyFormat::Multipart, Some(trim_end(line).to_owned())))
        }
        Some(_)
            if find_str(start, "=").is_some()
                && ["\r", "\n", "<"]
                    .iter()
                    .all(|c| find_str(start, c).is_none()) =>
        {
            Ok((BodyFormat::UrlEncoded, None))
        }
        _ => Err(ParseError::UnrecognizedBody {
            expected: describe(accepted),
        }),
    }
}
