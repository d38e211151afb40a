//! No input makes a parser panic, and every refusal is a clear, documented error. Every fixture,
//! cut at every byte and with bytes flipped, and bodies made to stretch or break a message, go
//! through every parser and content type; odd text goes through the phone parser under every
//! country. Each result must be a value or an error that
//! - is a variant `ParseError`, `ResponseError` or `PhoneError` documents (a variant added later
//!   fails here until it is listed, and so held to the rules below);
//! - reads as the crate's errors read: it says what was expected ("expected ..."), in lower
//!   case, with no trailing period;
//! - fits on one line: input quoted in it is escaped (no line break, control character or
//!   bidirectional override reaches a log line);
//! - is short, however long the input: fixed words and at most an excerpt of what was sent.
//!
//! Exotel's own error, read from a `RestException`, is not a refusal of the body: it carries
//! Exotel's words, and is checked only to say so.

use std::fmt;
use std::fs;
use std::path::Path;

use exotel_connect::{
    parse_call, parse_response, parse_status_callback, parse_whitelist, Country, ParseError,
    PhoneError, PhoneNumber, ResponseError,
};

const CONTENT_TYPES: [Option<&str>; 6] = [
    None,
    Some("application/json"),
    Some("application/xml"),
    Some("application/x-www-form-urlencoded"),
    Some("multipart/form-data; boundary=----exotelBoundary7MA4YWxkTrZu0gW"),
    Some("text/html"),
];

/// The longest message a refusal may have, in characters: its fixed words (at most about 130)
/// and at most two excerpts of the input (40 characters each, every one at worst escaped as
/// `\u{10fffd}`).
const MAX_MESSAGE: usize = 1024;

fn every_fixture() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut out = Vec::new();
    for dir in ["calls", "errors", "malformed", "callbacks", "whitelist"] {
        for entry in fs::read_dir(root.join(dir)).expect("fixture folder") {
            out.push(fs::read(entry.expect("entry").path()).expect("readable"));
        }
    }
    out
}

/// Bodies that put long or unprintable input where the readers quote it in a refusal: names of
/// tags and entities, field values, form pieces, a form's `Legs`.
fn hostile_bodies() -> Vec<String> {
    let long = "b".repeat(10_000);
    let breaks = "x\r\n\u{1b}[31m\u{0}\u{202e}\u{2028}y";
    let escaped_long = "\u{10fffd}".repeat(100);
    let mut out = Vec::new();
    for name in [long.as_str(), breaks, escaped_long.as_str()] {
        out.extend([
            format!("<a></{name}>"),
            format!("<{name}></{name}x>"),
            format!("</{name}>"),
            format!("<{name}></a>"),
            format!("<a>&{name};</a>"),
            format!("<a>&#{name};</a>"),
            format!("<a>&#x{name};</a>"),
            format!("{{\"{name}\": 1,}}"),
            format!(
                "{{\"Call\": {{\"Sid\": \"s\", \"Status\": \"busy\", \"Duration\": \"{name}\"}}}}"
            ),
            format!(
                "{{\"Call\": {{\"Sid\": \"s\", \"Status\": \"busy\", \"Price\": \"{name}\"}}}}"
            ),
            format!("{{\"RestException\": {{\"Status\": \"{name}\", \"Message\": \"m\"}}}}"),
            format!("{{\"Result\": {{\"Status\": \"{name}\"}}}}"),
            format!("<Result><Status>Whitelist</Status><Expiry>{name}</Expiry></Result>"),
            format!("CallSid=a&Status=busy&{name}"),
            format!("CallSid=a&Status=busy&ConversationDuration={name}"),
            format!("CallSid=a&Status=busy&Legs={name}"),
            format!("{name}=1"),
        ]);
    }
    out.push("<a>".repeat(10_000));
    out.push("[".repeat(10_000));
    out
}

/// An error a parser returns, as this test holds it to the rules above.
trait Refusal: fmt::Display + fmt::Debug {
    /// The message that must read as a refusal reads, or `None` for Exotel's own error. Panics
    /// on a variant this test does not know.
    fn refusal(&self) -> Option<String>;
}

impl Refusal for ParseError {
    fn refusal(&self) -> Option<String> {
        assert!(
            matches!(
                self,
                ParseError::EmptyBody
                    | ParseError::NotUtf8
                    | ParseError::UnsupportedContentType(_)
                    | ParseError::UnrecognizedBody { .. }
                    | ParseError::HtmlPage
                    | ParseError::Json(_)
                    | ParseError::Xml(_)
                    | ParseError::XmlDtd
                    | ParseError::XmlEntity(_)
                    | ParseError::Multipart(_)
                    | ParseError::Form(_)
                    | ParseError::TooDeep
                    | ParseError::TooManyFields
                    | ParseError::MissingEnvelope(_)
                    | ParseError::MissingField(_)
                    | ParseError::InvalidField { .. }
            ),
            "a ParseError this test does not know: {self:?}"
        );
        Some(self.to_string())
    }
}

impl Refusal for ResponseError {
    fn refusal(&self) -> Option<String> {
        match self {
            ResponseError::Exotel(e) => {
                assert!((100..=599).contains(&e.http_status), "{e:?}");
                assert_eq!(
                    self.to_string(),
                    format!("Exotel answered {}: {}", e.http_status, e.message)
                );
                None
            }
            ResponseError::UnexpectedStatus { .. } => Some(self.to_string()),
            ResponseError::Malformed(e) => {
                assert_eq!(
                    self.to_string(),
                    format!("malformed Exotel response: {e}"),
                    "{self:?}"
                );
                e.refusal()
            }
            other => panic!("a ResponseError this test does not know: {other:?}"),
        }
    }
}

impl Refusal for PhoneError {
    fn refusal(&self) -> Option<String> {
        assert!(
            matches!(
                self,
                PhoneError::Empty
                    | PhoneError::InvalidCharacter(_)
                    | PhoneError::NonAsciiDigit(_)
                    | PhoneError::MixedDigits { .. }
                    | PhoneError::MisplacedPlus
                    | PhoneError::InvalidCountryCode
                    | PhoneError::WrongLength { .. }
                    | PhoneError::InvalidForCountry { .. }
                    | PhoneError::UnsupportedCountry(_)
            ),
            "a PhoneError this test does not know: {self:?}"
        );
        Some(self.to_string())
    }
}

/// Characters that would break a message across lines or rewrite how it shows.
fn breaks_a_line(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A refusal, if `result` is one, is documented, clear, on one line and short.
fn refusal_is_clear<T, E: Refusal>(result: Result<T, E>, input: &[u8]) {
    let Err(error) = result else {
        return;
    };
    let Some(message) = error.refusal() else {
        return;
    };
    let shown = String::from_utf8_lossy(&input[..input.len().min(120)]).into_owned();
    let whole = error.to_string();
    assert!(
        message.starts_with("expected "),
        "a message that does not start with what was expected, for {shown:?}: {message:?}"
    );
    assert!(
        !message.ends_with('.'),
        "a message with a trailing period, for {shown:?}: {message:?}"
    );
    assert!(
        !whole.chars().any(breaks_a_line),
        "a message with a line break or control character, for {shown:?}: {whole:?}"
    );
    assert!(
        whole.chars().count() <= MAX_MESSAGE,
        "a message of {} characters, for {shown:?}: {:?}…",
        whole.chars().count(),
        whole.chars().take(120).collect::<String>()
    );
}

fn parse_everything(body: &[u8]) {
    for content_type in CONTENT_TYPES {
        refusal_is_clear(parse_call(body, content_type), body);
        refusal_is_clear(parse_response(200, content_type, body), body);
        refusal_is_clear(parse_response(503, content_type, body), body);
        refusal_is_clear(parse_status_callback(body, content_type), body);
        refusal_is_clear(parse_whitelist(200, content_type, body), body);
        refusal_is_clear(parse_whitelist(403, content_type, body), body);
    }
}

#[test]
fn truncated_fixtures_are_refused_clearly() {
    for body in every_fixture() {
        for end in 0..=body.len() {
            parse_everything(&body[..end]);
        }
    }
}

#[test]
fn corrupted_fixtures_are_refused_clearly() {
    // A fixed set of replacement bytes that matter to the formats: quotes, brackets, angle
    // brackets, ampersands, line breaks, a non-ASCII lead byte and NUL.
    const REPLACEMENTS: [u8; 12] = [
        b'"', b'{', b'}', b'<', b'>', b'&', b'=', b'\n', b'[', 0xC3, 0, b'-',
    ];
    for body in every_fixture() {
        for (i, replacement) in (0..body.len()).zip(REPLACEMENTS.iter().cycle()) {
            let mut copy = body.clone();
            copy[i] = *replacement;
            parse_everything(&copy);
        }
    }
}

#[test]
fn long_and_unprintable_input_is_refused_clearly() {
    for body in hostile_bodies() {
        parse_everything(body.as_bytes());
    }
}

#[test]
fn odd_phone_text_is_refused_clearly() {
    let letters = "a".repeat(10_000);
    let odd = [
        "",
        "+",
        "++",
        "00",
        "0",
        "000000000000000000000000",
        "+91",
        "+910",
        "٩٨٧٦٥٤٣٢١٠",
        "९८७६५४३२१०",
        "\u{202e}9876543210",
        "9876543210\u{0}",
        "98765\r\n43210",
        "🙂",
        "+1",
        "1",
        "(((",
        "+91 (0) ",
        "0091",
        "91",
        "+٩١",
        "98+76543210",
        "+44 20 7946 09",
        &letters,
    ];
    for input in odd {
        for country in Country::ALL {
            refusal_is_clear(PhoneNumber::parse(input, country), input.as_bytes());
        }
    }
    for code in ["", "in", "XX", "I\u{202e}N", "U\nS"] {
        refusal_is_clear(Country::from_iso(code), code.as_bytes());
    }
}
