//! Which format a body is in: from its content type, or, without a usable one, from its first
//! bytes.

#[allow(unused_imports)]
use crate::prelude::*;

use super::{BodyFormat, ParseError};

/// The format a content type names, with the multipart boundary if there is one. `Ok(None)`
/// means "no content type: sniff".
pub(super) fn format_of(
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
pub(super) fn sniff(
    text: &str,
    accepted: &[BodyFormat],
) -> Result<(BodyFormat, Option<String>), ParseError> {
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
