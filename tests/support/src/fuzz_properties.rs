//! What each fuzz target checks, one function per target. The targets (fuzz/fuzz_targets/) call
//! these, and so does the stable replay test (tests/fuzz_regressions.rs), so a kept input is
//! checked exactly as it was when it was found.
//!
//! Every function panics when its property fails. Beyond "no panic", they check:
//! - the hand-written JSON reader accepts exactly what serde_json accepts (within the depth
//!   limit), and reads the same field values;
//! - whatever a parser accepts, the crate's own writers write back into a body that parses to
//!   the same value (a Call through `to_json`/`to_xml`, an error through `ExotelError::to_json`/
//!   `to_xml`, a status callback through a urlencoded form, a multipart form and JSON);
//! - a sniffed body parses as it does with its content type named;
//! - a normalized phone number is E.164, ends with the digits typed (in ASCII or one of the
//!   scripts the core reads), and parses to itself.

use std::collections::BTreeMap;

use exotel_connect::{
    parse_call, parse_response, parse_status_callback, Call, CallStatus, Country, ExotelError,
    ParseError, PhoneNumber, ResponseError, StatusCallback,
};
use serde_json::value::RawValue;

use crate::json_members::Members;

/// The content types the targets name.
pub const JSON: &str = "application/json";
/// XML, as Exotel labels it.
pub const XML: &str = "application/xml";
/// A urlencoded form.
pub const FORM: &str = "application/x-www-form-urlencoded";
/// The boundary of tests/fixtures/callbacks/no-answer.multipart.
pub const BOUNDARY: &str = "----exotelBoundary7MA4YWxkTrZu0gW";

use exotel_connect::wire::{MAX_DEPTH, MAX_FIELDS};

fn multipart_type() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

/// Target `call_json`: a Call body read as JSON.
pub fn call_json(data: &[u8]) {
    let ours = parse_call(data, Some(JSON));
    let malformed = match &ours {
        Err(ResponseError::Malformed(e)) => Some(e),
        _ => None,
    };
    let reference = json_reader_agrees(data, malformed);
    if let (Ok(call), Ok(root)) = (&ours, &reference) {
        let envelope = root
            .get("Call")
            .or_else(|| root.get("TwilioResponse").and_then(|r| r.get("Call")))
            .expect("an accepted Call body has a `Call` envelope");
        same_fields(call, envelope);
    }
    if let Ok(call) = &ours {
        call_round_trips(call);
    }
}

/// Target `call_xml`: a Call body read as XML.
pub fn call_xml(data: &[u8]) {
    if let Ok(call) = parse_call(data, Some(XML)) {
        call_round_trips(&call);
    }
}

/// Target `error_body`: a response body under several statuses and content types.
pub fn error_body(data: &[u8]) {
    for status in [200, 401, 403, 429, 503] {
        for content_type in [Some(JSON), Some(XML), None] {
            let result = parse_response(status, content_type, data);
            match &result {
                Ok(call) => {
                    assert!((200..300).contains(&status), "a Call under HTTP {status}");
                    assert_eq!(parse_call(data, content_type).as_ref(), Ok(call));
                    call_round_trips(call);
                }
                Err(ResponseError::Exotel(error)) => {
                    assert_eq!(error.http_status, status);
                    error_round_trips(error);
                }
                Err(ResponseError::UnexpectedStatus { http_status }) => {
                    assert_eq!(*http_status, status);
                    assert!(!(200..300).contains(&status), "{result:?}");
                }
                Err(_) => assert!((200..300).contains(&status), "{result:?}"),
            }
        }
    }
}

/// Target `callback_urlencoded`.
pub fn callback_urlencoded(data: &[u8]) {
    if let Ok(callback) = parse_status_callback(data, Some(FORM)) {
        callback_round_trips(&callback);
    }
}

/// Target `callback_multipart`, with the boundary of the multipart fixture.
pub fn callback_multipart(data: &[u8]) {
    if let Ok(callback) = parse_status_callback(data, Some(&multipart_type())) {
        callback_round_trips(&callback);
    }
}

/// Target `callback_json`.
pub fn callback_json(data: &[u8]) {
    let ours = parse_status_callback(data, Some(JSON));
    let _ = json_reader_agrees(data, ours.as_ref().err());
    if let Ok(callback) = &ours {
        callback_round_trips(callback);
    }
}

/// Target `callback_sniffed`: callbacks and Calls with no content type. What a sniffed body
/// yields, naming its content type must yield too.
pub fn callback_sniffed(data: &[u8]) {
    if let Ok(callback) = parse_status_callback(data, None) {
        let mut named = vec![JSON.to_owned(), FORM.to_owned()];
        if let Some(boundary) = sniffed_boundary(data) {
            named.push(format!("multipart/form-data; boundary={boundary}"));
        }
        assert!(
            named
                .iter()
                .any(|ct| parse_status_callback(data, Some(ct)).as_ref() == Ok(&callback)),
            "sniffed {callback:?}, but no content type gives it"
        );
        callback_round_trips(&callback);
    }
    if let Ok(call) = parse_call(data, None) {
        assert!(
            [JSON, XML]
                .iter()
                .any(|ct| parse_call(data, Some(ct)).as_ref() == Ok(&call)),
            "sniffed {call:?}, but no content type gives it"
        );
        call_round_trips(&call);
    }
}

/// The zero of each script whose digits `PhoneNumber::parse` documents reading as 0-9, besides
/// ASCII: Devanagari, Bengali, Gurmukhi, Gujarati, Odia, Tamil, Telugu, Kannada, Malayalam,
/// Ol Chiki and full-width forms. Each script's ten digits follow its zero.
const DIGIT_ZEROS: [u32; 12] = [
    0x30, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66, 0x1c50, 0xff10,
];

/// A digit of one of [`DIGIT_ZEROS`]' scripts: its script's zero and its value.
fn typed_digit(c: char) -> Option<(u32, char)> {
    let code = u32::from(c);
    DIGIT_ZEROS
        .iter()
        .find(|&&zero| (zero..zero + 10).contains(&code))
        .map(|&zero| (zero, char::from(b'0' + (code - zero) as u8)))
}

/// Target `phone`: the text under every default country.
pub fn phone(data: &[u8]) {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let _ = Country::from_iso(input);
    let digits: Vec<(u32, char)> = input.chars().filter_map(typed_digit).collect();
    let typed: String = digits.iter().map(|&(_, digit)| digit).collect();
    for country in Country::ALL {
        let Ok(number) = PhoneNumber::parse(input, country) else {
            continue;
        };
        valid_number(&number);
        // Formatting is dropped and country codes added, never a typed digit lost or changed
        // (a digit of another script reads as its value): every national number has at least
        // 8 digits, all of them typed.
        let last8 = &number.digits()[number.digits().len() - 8..];
        assert!(typed.ends_with(last8), "{input:?} became {number}");
        assert!(
            !input
                .chars()
                .any(|c| c.is_alphabetic() || (c.is_numeric() && typed_digit(c).is_none())),
            "{input:?} has letters or digits of another script, yet became {number}"
        );
        assert!(
            digits.iter().all(|&(zero, _)| zero == digits[0].0),
            "{input:?} mixes the digits of two scripts, yet became {number}"
        );
    }
}

/// What every normalized number satisfies: E.164 (a `+`, 8 to 15 ASCII digits, no leading 0)
/// and a fixed point of parsing, whatever the default country.
pub fn valid_number(number: &PhoneNumber) {
    let digits = number.digits();
    assert_eq!(number.as_str(), format!("+{digits}"));
    assert!(
        (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()),
        "{number} is not E.164"
    );
    assert!(!digits.starts_with('0'), "{number} has a country code of 0");
    assert_eq!(number.as_str().parse::<PhoneNumber>().as_ref(), Ok(number));
    for country in Country::ALL {
        assert_eq!(
            PhoneNumber::parse(number.as_str(), country).as_ref(),
            Ok(number),
            "{number} under {country}"
        );
    }
}

/// A Call written back by the crate's own writers parses to the same Call. (`Details` is read
/// but not written: the writers are for simulators and mocks.)
fn call_round_trips(call: &Call) {
    let flat = Call {
        details: None,
        ..call.clone()
    };
    for (body, content_type) in [(call.to_json(), JSON), (call.to_xml(), XML)] {
        for named in [Some(content_type), None] {
            assert_eq!(
                parse_call(body.as_bytes(), named).as_ref(),
                Ok(&flat),
                "{body}"
            );
        }
    }
}

/// An error written back by the crate's own writers parses to the same error. (`to_xml` writes
/// no `Code`, as Exotel's XML errors have none.)
fn error_round_trips(error: &ExotelError) {
    assert!(!error.message.is_empty() && error.message.trim() == error.message);
    let without_code = ExotelError {
        code: None,
        ..error.clone()
    };
    for (body, expected) in [(error.to_json(), error), (error.to_xml(), &without_code)] {
        for named in [None, Some(JSON), Some(XML)] {
            let content_type = named.filter(|ct| body.starts_with('{') == (*ct == JSON));
            let parsed = parse_response(error.http_status, content_type, body.as_bytes());
            assert_eq!(
                parsed,
                Err(ResponseError::Exotel(expected.clone())),
                "{body}"
            );
        }
    }
}

/// A callback's fields as a form would send them: every optional field present, empty when
/// `None`, and the legs as `Legs[i][Field]`.
fn callback_pairs(callback: &StatusCallback) -> Vec<(String, String)> {
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    let seconds = |value: Option<u64>| value.map(|s| s.to_string()).unwrap_or_default();
    let mut pairs = vec![
        ("CallSid".to_owned(), callback.call_sid.clone()),
        ("Status".to_owned(), callback.status.as_str().to_owned()),
        ("RecordingUrl".to_owned(), text(&callback.recording_url)),
        ("DateUpdated".to_owned(), text(&callback.date_updated)),
        ("EventType".to_owned(), text(&callback.event_type)),
        ("DateCreated".to_owned(), text(&callback.date_created)),
        ("To".to_owned(), text(&callback.to)),
        ("From".to_owned(), text(&callback.from)),
        (
            "PhoneNumberSid".to_owned(),
            text(&callback.phone_number_sid),
        ),
        ("StartTime".to_owned(), text(&callback.start_time)),
        ("EndTime".to_owned(), text(&callback.end_time)),
        (
            "ConversationDuration".to_owned(),
            seconds(callback.conversation_duration),
        ),
        (
            "Direction".to_owned(),
            callback
                .direction
                .as_ref()
                .map(|d| d.as_str().to_owned())
                .unwrap_or_default(),
        ),
        ("CustomField".to_owned(), text(&callback.custom_field)),
    ];
    for (i, leg) in callback.legs.iter().enumerate() {
        let status = leg.status.as_ref().map(CallStatus::as_str);
        pairs.push((
            format!("Legs[{i}][OnCallDuration]"),
            seconds(leg.on_call_duration),
        ));
        pairs.push((
            format!("Legs[{i}][Status]"),
            status.unwrap_or_default().to_owned(),
        ));
        pairs.push((format!("Legs[{i}][AnsweredBy]"), text(&leg.answered_by)));
    }
    pairs
}

/// A callback written as a urlencoded form, a multipart form and JSON parses back to itself.
fn callback_round_trips(callback: &StatusCallback) {
    let pairs = callback_pairs(callback);
    let form = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&pairs)
        .finish();
    let mut bodies = vec![(form, FORM.to_owned())];

    // A value holding the boundary cannot be sent in a multipart form at all.
    if !pairs.iter().any(|(_, value)| value.contains(BOUNDARY)) {
        let mut multipart = String::new();
        for (name, value) in &pairs {
            multipart.push_str(&format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            ));
        }
        multipart.push_str(&format!("--{BOUNDARY}--\r\n"));
        bodies.push((multipart, multipart_type()));
    }

    let text = |value: &Option<String>| match value {
        Some(v) => serde_json::Value::from(v.as_str()),
        None => serde_json::Value::Null,
    };
    let mut json: serde_json::Map<String, serde_json::Value> = pairs
        .iter()
        .filter(|(name, _)| !name.starts_with("Legs[") && name != "ConversationDuration")
        .map(|(name, value)| (name.clone(), value.as_str().into()))
        .collect();
    json.insert(
        "ConversationDuration".to_owned(),
        callback.conversation_duration.into(),
    );
    if !callback.legs.is_empty() {
        let legs: Vec<serde_json::Value> = callback
            .legs
            .iter()
            .map(|leg| {
                serde_json::json!({
                    "OnCallDuration": leg.on_call_duration,
                    "Status": text(&leg.status.as_ref().map(|s| s.as_str().to_owned())),
                    "AnsweredBy": text(&leg.answered_by),
                })
            })
            .collect();
        json.insert("Legs".to_owned(), legs.into());
    }
    bodies.push((serde_json::Value::Object(json).to_string(), JSON.to_owned()));

    for (body, content_type) in bodies {
        assert_eq!(
            parse_status_callback(body.as_bytes(), Some(&content_type)).as_ref(),
            Ok(callback),
            "{body}"
        );
    }
}

/// The boundary a sniffed multipart body names on its first line (as the core's `wire` module sniffs it).
fn sniffed_boundary(data: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(data).ok()?;
    let start = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    let line = start.strip_prefix("--")?.split(['\r', '\n']).next()?;
    Some(line.trim_end().to_owned())
}

/// A JSON document as serde_json reads it (numbers keep their text), to compare against.
#[derive(Debug)]
pub enum Json {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number's exact text.
    Number(String),
    /// A string.
    Text(String),
    /// An array (its items are checked, not kept: no property looks inside one).
    Array,
    /// An object; a repeated key keeps its last value.
    Object(BTreeMap<String, Json>),
}

impl Json {
    fn get(&self, name: &str) -> Option<&Json> {
        match self {
            Json::Object(map) => map.get(name),
            _ => None,
        }
    }

    /// serde_json's reading of `data`, or why it refuses it; nesting or fields beyond the core's
    /// limits are refused as the core refuses them.
    pub fn read(data: &[u8]) -> Result<Json, String> {
        let text = std::str::from_utf8(data).map_err(|e| e.to_string())?;
        let raw: &RawValue = serde_json::from_str(text).map_err(|e| e.to_string())?;
        Json::walk(raw, 0)
    }

    fn walk(raw: &RawValue, depth: usize) -> Result<Json, String> {
        if depth > MAX_DEPTH {
            return Err("too deep".to_owned());
        }
        let text = raw.get().trim();
        let err = |e: serde_json::Error| e.to_string();
        Ok(match text.as_bytes().first() {
            Some(b'{') => {
                let members: Members = serde_json::from_str(text).map_err(err)?;
                let mut out = BTreeMap::new();
                for (key, child) in members.0 {
                    out.insert(key, Json::walk(child, depth + 1)?);
                }
                if out.len() > MAX_FIELDS {
                    return Err("too many fields".to_owned());
                }
                Json::Object(out)
            }
            Some(b'[') => {
                let items: Vec<&RawValue> = serde_json::from_str(text).map_err(err)?;
                for child in items {
                    Json::walk(child, depth + 1)?;
                }
                Json::Array
            }
            Some(b'"') => Json::Text(serde_json::from_str(text).map_err(err)?),
            Some(b'n') => Json::Null,
            Some(b't') => Json::Bool(true),
            Some(b'f') => Json::Bool(false),
            _ => Json::Number(text.to_owned()),
        })
    }

    /// A field as the core reads text: strings and numbers trimmed, booleans spelled out, empty
    /// and anything else `None`.
    fn text(&self, name: &str) -> Option<String> {
        match self.get(name)? {
            Json::Text(text) | Json::Number(text) => {
                let trimmed = text.trim();
                (!trimmed.is_empty()).then(|| trimmed.to_owned())
            }
            Json::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

/// The core's JSON reader and serde_json make the same accept/refuse decision: `ours` is the
/// error the parser returned, if any (errors after reading, such as a missing field, count as
/// accepted by the reader).
fn json_reader_agrees(data: &[u8], ours: Option<&ParseError>) -> Result<Json, String> {
    let reference = Json::read(data);
    let refused = matches!(
        ours,
        Some(
            ParseError::Json(_)
                | ParseError::TooDeep
                | ParseError::TooManyFields
                | ParseError::EmptyBody
                | ParseError::NotUtf8
        )
    );
    match &reference {
        Ok(_) => assert!(!refused, "serde_json reads it, the core refuses: {ours:?}"),
        Err(why) => assert!(
            refused,
            "serde_json refuses ({why}), the core reads it: {ours:?}"
        ),
    }
    reference
}

/// Every field of `call` is what serde_json's reading of the envelope holds.
fn same_fields(call: &Call, envelope: &Json) {
    let price = call.price.as_ref().map(|p| p.as_str().to_owned());
    let direction = call.direction.as_ref().map(|d| d.as_str().to_owned());
    let fields: [(&str, Option<&String>); 17] = [
        ("Sid", Some(&call.sid)),
        ("ParentCallSid", call.parent_call_sid.as_ref()),
        ("DateCreated", call.date_created.as_ref()),
        ("DateUpdated", call.date_updated.as_ref()),
        ("AccountSid", call.account_sid.as_ref()),
        ("To", call.to.as_ref()),
        ("From", call.from.as_ref()),
        ("PhoneNumberSid", call.phone_number_sid.as_ref()),
        ("StartTime", call.start_time.as_ref()),
        ("EndTime", call.end_time.as_ref()),
        ("Price", price.as_ref()),
        ("Direction", direction.as_ref()),
        ("AnsweredBy", call.answered_by.as_ref()),
        ("ForwardedFrom", call.forwarded_from.as_ref()),
        ("CallerName", call.caller_name.as_ref()),
        ("Uri", call.uri.as_ref()),
        ("RecordingUrl", call.recording_url.as_ref()),
    ];
    for (name, ours) in fields {
        assert_eq!(envelope.text(name).as_ref(), ours, "field {name}");
    }
    assert_eq!(
        envelope
            .text("Status")
            .map(|s| CallStatus::parse(&s))
            .as_ref(),
        Some(&call.status)
    );
    if let Some(duration) = call.duration {
        let text = envelope.text("Duration").expect("a duration was read");
        let whole = text.strip_suffix(".0").unwrap_or(&text);
        assert_eq!(whole.parse::<u64>(), Ok(duration));
    }
}
