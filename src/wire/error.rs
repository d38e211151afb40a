//! What can go wrong reading a body, and the formats a body can come in.

#[allow(unused_imports)]
use crate::prelude::*;

use core::fmt;

use super::{MAX_DEPTH, MAX_FIELDS};
use crate::small_std::{concat, decimal, push_escaped, quoted, shortened};

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
    pub(crate) fn name(&self) -> &'static str {
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
    /// The message `Display` writes , put together without `core::fmt` (see [`crate::small_std`]).
    pub fn message(&self) -> String {
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
    quoted(&shortened(text))
}
