//! The Call resource Exotel answers with, its errors, and the enums that keep unknown values.

#[allow(unused_imports)]
use crate::prelude::*;

use core::fmt;

use crate::small_std::{concat, decimal, parse_unsigned, split_once_str, trim};

use crate::wire::json::write_string as json_string;
use crate::wire::{excerpt, read_body, BodyFormat, ParseError, Value};

/// Defines a wire-string enum that keeps values it does not know in `Unknown(String)`, so a new
/// value from Exotel never breaks parsing.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident => $wire:literal, )* }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value this version does not know, exactly as sent.
            Unknown(String),
        }

        impl $name {
            /// Reads a wire string; unknown values are kept, not refused.
            pub fn parse(wire: &str) -> $name {
                match wire {
                    $( $wire => $name::$variant, )*
                    other => $name::Unknown(other.to_owned()),
                }
            }

            /// The wire string, e.g. `"in-progress"`.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )*
                    $name::Unknown(other) => other,
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl core::str::FromStr for $name {
            type Err = core::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok($name::parse(s))
            }
        }
    };
}

open_enum! {
    /// Where a call stands.
    CallStatus {
        /// Waiting in line before going out.
        Queued => "queued",
        /// Ringing the called party.
        Ringing => "ringing",
        /// Answered and under way.
        InProgress => "in-progress",
        /// Answered and ended normally.
        Completed => "completed",
        /// Could not be completed as dialled (e.g. a number that does not exist).
        Failed => "failed",
        /// The called party was busy.
        Busy => "busy",
        /// Ended without being answered.
        NoAnswer => "no-answer",
        /// Cancelled before it was answered.
        Canceled => "canceled",
    }
}

impl CallStatus {
    /// Whether the call is over: no later status can follow a terminal one.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            CallStatus::Completed
                | CallStatus::Failed
                | CallStatus::Busy
                | CallStatus::NoAnswer
                | CallStatus::Canceled
        )
    }
}

open_enum! {
    /// Which way a call went.
    Direction {
        /// A call to an ExoPhone.
        Inbound => "inbound",
        /// An outbound call placed from the dashboard.
        OutboundDial => "outbound-dial",
        /// An outbound call placed by the API or a campaign.
        OutboundApi => "outbound-api",
    }
}

/// An amount of money exactly as Exotel wrote it (`"1.500"`), never rounded through a float.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Price(String);

impl Price {
    /// Checks that `text` is a plain decimal (`-`, digits, one `.`).
    pub fn parse(text: &str) -> Option<Price> {
        let text = trim(text);
        let digits = text.strip_prefix('-').unwrap_or(text);
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let valid = match split_once_str(digits, ".") {
            Some((whole, fraction)) => all_digits(whole) && all_digits(fraction),
            None => all_digits(digits),
        };
        valid.then(|| Price(text.to_owned()))
    }

    /// The amount as sent, e.g. `"1.500"`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Price {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One leg of a call, from `Details.Legs` or a status callback's `Legs`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Leg {
    /// Seconds this leg was on the call.
    pub on_call_duration: Option<u64>,
    /// The leg's status.
    pub status: Option<CallStatus>,
    /// Who answered, e.g. `human`.
    pub answered_by: Option<String>,
}

/// The per-leg breakdown that `?details=true` adds.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CallLegDetails {
    /// Seconds the two parties were connected.
    pub conversation_duration: Option<u64>,
    /// Status of the first leg (the `From` number).
    pub leg1_status: Option<CallStatus>,
    /// Status of the second leg.
    pub leg2_status: Option<CallStatus>,
    /// Each leg.
    pub legs: Vec<Leg>,
}

/// A call as Exotel describes it, from JSON (`{"Call": {...}}`) or XML
/// (`<TwilioResponse><Call>...`). Absent, `null` and empty fields are `None`; dates are the
/// strings Exotel sent (`YYYY-MM-DD HH:mm:ss`, no zone; Exotel's docs say IST).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// The call's id (32 hex characters).
    pub sid: String,
    /// The parent call's Sid, for child legs.
    pub parent_call_sid: Option<String>,
    /// When the call was requested.
    pub date_created: Option<String>,
    /// When the status last changed.
    pub date_updated: Option<String>,
    /// The account SID.
    pub account_sid: Option<String>,
    /// The number called, as Exotel wrote it (often `0`-prefixed).
    pub to: Option<String>,
    /// The number called first, as Exotel wrote it.
    pub from: Option<String>,
    /// The ExoPhone.
    pub phone_number_sid: Option<String>,
    /// Where the call stands.
    pub status: CallStatus,
    /// When the call was handed to the operator.
    pub start_time: Option<String>,
    /// When the call ended; `None` until it has.
    pub end_time: Option<String>,
    /// Seconds; filled in minutes after the call ends.
    pub duration: Option<u64>,
    /// The amount charged (INR or USD), exact.
    pub price: Option<Price>,
    /// Which way the call went.
    pub direction: Option<Direction>,
    /// Who answered, e.g. `human`.
    pub answered_by: Option<String>,
    /// The number the call was forwarded from.
    pub forwarded_from: Option<String>,
    /// The caller's name, if known.
    pub caller_name: Option<String>,
    /// The resource path, e.g. `/v1/Accounts/acme/Calls.json/<Sid>`.
    pub uri: Option<String>,
    /// The recording's URL.
    pub recording_url: Option<String>,
    /// The per-leg breakdown, when asked for with `details=true`.
    pub details: Option<CallLegDetails>,
}

/// An error Exotel reported in a `RestException` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExotelError {
    /// The HTTP status of the response.
    pub http_status: u16,
    /// Exotel's own `Code`, where it sends one.
    pub code: Option<String>,
    /// Exotel's message (its wording is not stable; show it, don't match on it).
    pub message: String,
}

impl ExotelError {
    /// Whether Exotel refused the request itself (4xx: auth, plan limits, DND rules...), as
    /// opposed to being unavailable (5xx).
    pub fn is_client_error(&self) -> bool {
        (400..500).contains(&self.http_status)
    }

    /// The message `Display` writes , put together without `core::fmt` (see [`crate::small_std`]).
    pub fn text(&self) -> String {
        concat(&[
            "Exotel answered ",
            &decimal(u64::from(self.http_status)),
            ": ",
            &self.message,
        ])
    }

    /// Exotel's error body in JSON, as its API writes it (for simulators and mocks).
    pub fn to_json(&self) -> String {
        let mut out = String::from("{\"RestException\":{");
        if let Some(code) = &self.code {
            out.push_str(&format!("\"Code\":{},", json_string(code)));
        }
        out.push_str(&format!(
            "\"Status\":{},\"Message\":{}}}}}",
            self.http_status,
            json_string(&self.message)
        ));
        out
    }

    /// Exotel's error body in XML.
    pub fn to_xml(&self) -> String {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<TwilioResponse><RestException><Status>{}</Status><Message>{}</Message></RestException></TwilioResponse>\n",
            self.http_status,
            xml_escape(&self.message)
        )
    }
}

impl fmt::Display for ExotelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

impl core::error::Error for ExotelError {}

/// Why a response did not yield a [`Call`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResponseError {
    /// Exotel answered with a `RestException`.
    Exotel(ExotelError),
    /// A non-success status with a body that is not Exotel's (a proxy's error page, say).
    UnexpectedStatus {
        /// The HTTP status.
        http_status: u16,
    },
    /// A success status with a body that is not a Call.
    Malformed(ParseError),
}

impl ResponseError {
    /// The message `Display` writes , put together without `core::fmt` (see [`crate::small_std`]).
    pub fn message(&self) -> String {
        match self {
            ResponseError::Exotel(e) => e.text(),
            ResponseError::UnexpectedStatus { http_status } => concat(&[
                "expected an Exotel response, but got HTTP ",
                &decimal(u64::from(*http_status)),
                " with a body that is not Exotel's",
            ]),
            ResponseError::Malformed(e) => concat(&["malformed Exotel response: ", &e.message()]),
        }
    }
}

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl core::error::Error for ResponseError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            ResponseError::Exotel(e) => Some(e),
            ResponseError::Malformed(e) => Some(e),
            ResponseError::UnexpectedStatus { .. } => None,
        }
    }
}

impl From<ParseError> for ResponseError {
    fn from(e: ParseError) -> Self {
        ResponseError::Malformed(e)
    }
}

const RESPONSE_FORMATS: &[BodyFormat] = &[BodyFormat::Json, BodyFormat::Xml];

/// The envelope's content: `Call` (or `Result`...) under the JSON root or as the XML document
/// element, or under `<TwilioResponse>` in XML.
fn envelope<'v, 'a>(root: &'v Value<'a>, name: &'static str) -> Option<&'v Value<'a>> {
    root.get(name)
        .or_else(|| root.get("TwilioResponse").and_then(|r| r.get(name)))
}

/// Parses a Call from a JSON or XML body you already have. With no content type the format is
/// sniffed. Exotel's error body (a `RestException`) is [`ResponseError::Exotel`], with the HTTP
/// status the body itself names in `Status`, since there is no response status here to take it
/// from; a body that is neither is [`ResponseError::Malformed`]. (With the response's status
/// at hand, [`parse_response`] is the one to call.)
///
/// ```
/// use exotel_connect::{parse_call, CallStatus, ResponseError};
/// let call = parse_call(br#"{"Call": {"Sid": "abc", "Status": "in-progress", "Price": "1.500"}}"#, None)?;
/// assert_eq!(call.status, CallStatus::InProgress);
/// assert_eq!(call.price.unwrap().as_str(), "1.500");
///
/// let refused = parse_call(br#"{"RestException": {"Status": 403, "Message": "NDNC"}}"#, None);
/// assert!(matches!(refused, Err(ResponseError::Exotel(e)) if e.http_status == 403 && e.message == "NDNC"));
/// # Ok::<(), exotel_connect::ResponseError>(())
/// ```
pub fn parse_call(body: &[u8], content_type: Option<&str>) -> Result<Call, ResponseError> {
    let (_, root) = read_body(body, content_type, RESPONSE_FORMATS)?;
    if let Some(exception) = envelope(&root, "RestException") {
        let http_status = exception_status(exception)?;
        return Err(ResponseError::Exotel(exotel_error(http_status, exception)));
    }
    Ok(call_in(&root)?)
}

/// Parses an Exotel response: a [`Call`] on success, a typed [`ExotelError`] for a
/// `RestException` body (whatever the status), and an error for anything else.
pub fn parse_response(
    http_status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<Call, ResponseError> {
    let root = read_response(http_status, content_type, body)?;
    Ok(call_in(&root)?)
}

/// A response's body read into a tree, when it is a success that is not a `RestException`:
/// Exotel's error for a `RestException` body (whatever the status), and
/// [`ResponseError::UnexpectedStatus`] for any other non-2xx. What every `parse_*` of a
/// response shares (the Call's and the whitelist's), written once.
#[inline(never)]
pub(crate) fn read_response<'a>(
    http_status: u16,
    content_type: Option<&str>,
    body: &'a [u8],
) -> Result<Value<'a>, ResponseError> {
    let success = (200..300).contains(&http_status);
    let root = match read_body(body, content_type, RESPONSE_FORMATS) {
        Ok((_, root)) => root,
        Err(_) if !success => return Err(ResponseError::UnexpectedStatus { http_status }),
        Err(e) => return Err(e.into()),
    };
    if let Some(exception) = envelope(&root, "RestException") {
        return Err(ResponseError::Exotel(exotel_error(http_status, exception)));
    }
    if !success {
        return Err(ResponseError::UnexpectedStatus { http_status });
    }
    Ok(root)
}

/// The Call in a body's envelope.
fn call_in(root: &Value) -> Result<Call, ParseError> {
    Call::from_value(required_envelope(root, "Call")?)
}

/// The content of envelope `name` (see [`envelope`]), or [`ParseError::MissingEnvelope`].
pub(crate) fn required_envelope<'v, 'a>(
    root: &'v Value<'a>,
    name: &'static str,
) -> Result<&'v Value<'a>, ParseError> {
    envelope(root, name).ok_or(ParseError::MissingEnvelope(name))
}

/// The HTTP status a `RestException` names in its `Status` (a number or a string, as Exotel
/// sends either): the status [`parse_call`] reports, having no response to take it from.
fn exception_status(exception: &Value) -> Result<u16, ParseError> {
    let got = match (
        exception.get("Status"),
        optional_text(exception.get("Status")),
    ) {
        (_, Some(text)) => match parse_unsigned(&text, 10) {
            Some(status @ 100..=599) => return Ok(status as u16),
            _ => excerpt(&text),
        },
        (Some(Value::Object(_) | Value::Array(_)), None) => "a nested object or list".to_owned(),
        (_, None) => "none".to_owned(),
    };
    Err(ParseError::InvalidField {
        field: "RestException.Status",
        expected: "an HTTP status from 100 to 599",
        got,
    })
}

fn exotel_error(http_status: u16, exception: &Value) -> ExotelError {
    let message =
        optional_text(exception.get("Message")).unwrap_or_else(|| "no message given".to_owned());
    let code = optional_text(exception.get("Code"));
    ExotelError {
        http_status,
        code,
        message,
    }
}

/// A text field: strings and numbers as their text; null, empty and absent as `None`.
pub(crate) fn optional_text(value: Option<&Value>) -> Option<String> {
    optional_str(value).map(str::to_owned)
}

/// [`optional_text`], borrowed: for a field read into something else (a status, a number), no
/// copy is made only to be dropped.
pub(crate) fn optional_str<'v>(value: Option<&'v Value>) -> Option<&'v str> {
    match value? {
        Value::Text(text) | Value::Number(text) => {
            let trimmed = trim(text);
            (!trimmed.is_empty()).then_some(trimmed)
        }
        Value::Bool(b) => Some(if *b { "true" } else { "false" }),
        Value::Null | Value::Object(_) | Value::Array(_) => None,
    }
}

pub(crate) fn required_text(value: &Value, field: &'static str) -> Result<String, ParseError> {
    required_str(value, field).map(str::to_owned)
}

/// [`required_text`], borrowed.
pub(crate) fn required_str<'v>(
    value: &'v Value,
    field: &'static str,
) -> Result<&'v str, ParseError> {
    match value.get(field) {
        Some(Value::Object(_)) | Some(Value::Array(_)) => Err(ParseError::InvalidField {
            field,
            expected: "text",
            got: "a nested object or list".to_owned(),
        }),
        other => optional_str(other).ok_or(ParseError::MissingField(field)),
    }
}

/// A count of seconds, sent as a number (`283`) or a string (`"17"`).
pub(crate) fn optional_seconds(
    value: &Value,
    field: &'static str,
) -> Result<Option<u64>, ParseError> {
    let Some(text) = optional_str(value.get(field)) else {
        return Ok(None);
    };
    // Some systems write whole numbers as `17.0`.
    let whole = text.strip_suffix(".0").unwrap_or(text);
    match parse_unsigned(whole, 10) {
        Some(seconds) => Ok(Some(seconds)),
        None => Err(ParseError::InvalidField {
            field,
            expected: "a whole number of seconds",
            got: excerpt(text),
        }),
    }
}

pub(crate) fn optional_status(value: &Value, field: &'static str) -> Option<CallStatus> {
    optional_str(value.get(field)).map(CallStatus::parse)
}

pub(crate) fn legs(value: Option<&Value>) -> Result<Vec<Leg>, ParseError> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for leg in value.items() {
        // A leg is sometimes wrapped once more: `{"Leg": {...}}` or `<Leg>...</Leg>`.
        let leg = leg.get("Leg").unwrap_or(leg);
        out.push(Leg {
            on_call_duration: optional_seconds(leg, "OnCallDuration")?,
            status: optional_status(leg, "Status"),
            answered_by: optional_text(leg.get("AnsweredBy")),
        });
    }
    Ok(out)
}

impl Call {
    fn from_value(call: &Value) -> Result<Call, ParseError> {
        if !matches!(call, Value::Object(_)) {
            return Err(ParseError::InvalidField {
                field: "Call",
                expected: "an object",
                got: "a plain value".to_owned(),
            });
        }
        let text = |field: &str| optional_text(call.get(field));
        let price = match optional_str(call.get("Price")) {
            None => None,
            Some(raw) => Some(Price::parse(raw).ok_or_else(|| ParseError::InvalidField {
                field: "Price",
                expected: "a decimal amount",
                got: excerpt(raw),
            })?),
        };
        let details = match call.get("Details") {
            Some(details @ Value::Object(_)) => Some(CallLegDetails {
                conversation_duration: optional_seconds(details, "ConversationDuration")?,
                leg1_status: optional_status(details, "Leg1Status"),
                leg2_status: optional_status(details, "Leg2Status"),
                legs: legs(details.get("Legs"))?,
            }),
            _ => None,
        };
        Ok(Call {
            sid: required_text(call, "Sid")?,
            parent_call_sid: text("ParentCallSid"),
            date_created: text("DateCreated"),
            date_updated: text("DateUpdated"),
            account_sid: text("AccountSid"),
            to: text("To"),
            from: text("From"),
            phone_number_sid: text("PhoneNumberSid"),
            status: CallStatus::parse(required_str(call, "Status")?),
            start_time: text("StartTime"),
            end_time: text("EndTime"),
            duration: optional_seconds(call, "Duration")?,
            price,
            direction: optional_str(call.get("Direction")).map(Direction::parse),
            answered_by: text("AnsweredBy"),
            forwarded_from: text("ForwardedFrom"),
            caller_name: text("CallerName"),
            uri: text("Uri"),
            recording_url: text("RecordingUrl"),
            details,
        })
    }

    /// The fields in Exotel's order, as wire text (`None` for null). Numbers are marked so the
    /// JSON writer leaves them unquoted, as Exotel does.
    fn wire_fields(&self) -> [(&'static str, Option<String>, bool); 19] {
        let s = |v: &Option<String>| v.clone();
        [
            ("Sid", Some(self.sid.clone()), false),
            ("ParentCallSid", s(&self.parent_call_sid), false),
            ("DateCreated", s(&self.date_created), false),
            ("DateUpdated", s(&self.date_updated), false),
            ("AccountSid", s(&self.account_sid), false),
            ("To", s(&self.to), false),
            ("From", s(&self.from), false),
            ("PhoneNumberSid", s(&self.phone_number_sid), false),
            ("Status", Some(self.status.as_str().to_owned()), false),
            ("StartTime", s(&self.start_time), false),
            ("EndTime", s(&self.end_time), false),
            ("Duration", self.duration.map(|d| d.to_string()), true),
            ("Price", self.price.as_ref().map(|p| p.0.clone()), false),
            (
                "Direction",
                self.direction.as_ref().map(|d| d.as_str().to_owned()),
                false,
            ),
            ("AnsweredBy", s(&self.answered_by), false),
            ("ForwardedFrom", s(&self.forwarded_from), false),
            ("CallerName", s(&self.caller_name), false),
            ("Uri", s(&self.uri), false),
            ("RecordingUrl", s(&self.recording_url), false),
        ]
    }

    /// The call as Exotel's JSON body (`{"Call": {...}}`), for simulators and mocks.
    pub fn to_json(&self) -> String {
        let fields: Vec<String> = self
            .wire_fields()
            .into_iter()
            .map(|(name, value, number)| {
                let value = match value {
                    None => "null".to_owned(),
                    Some(v) if number => v,
                    Some(v) => json_string(&v),
                };
                format!("\"{name}\":{value}")
            })
            .collect();
        format!("{{\"Call\":{{{}}}}}", fields.join(","))
    }

    /// The call as Exotel's XML body (`<TwilioResponse><Call>...`).
    pub fn to_xml(&self) -> String {
        let mut out =
            String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<TwilioResponse>\n <Call>\n");
        for (name, value, _) in self.wire_fields() {
            match value {
                None => out.push_str(&format!("  <{name}/>\n")),
                Some(v) => out.push_str(&format!("  <{name}>{}</{name}>\n", xml_escape(&v))),
            }
        }
        out.push_str(" </Call>\n</TwilioResponse>\n");
        out
    }
}

/// Text with XML's five special characters escaped.
fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_and_keep_unknowns() {
        for wire in [
            "queued",
            "ringing",
            "in-progress",
            "completed",
            "failed",
            "busy",
            "no-answer",
            "canceled",
            "on-hold",
        ] {
            assert_eq!(CallStatus::parse(wire).as_str(), wire);
        }
        assert_eq!(
            CallStatus::parse("on-hold"),
            CallStatus::Unknown("on-hold".into())
        );
        assert!(CallStatus::Busy.is_terminal());
        assert!(!CallStatus::InProgress.is_terminal());
        assert!(!CallStatus::Unknown("x".into()).is_terminal());
        assert_eq!(Direction::parse("outbound-api"), Direction::OutboundApi);
    }

    /// `json_string` and `xml_escape` are hand-written for the npm package's size; they must
    /// write what serde_json and quick-xml wrote.
    #[test]
    fn escaping_matches_the_crates_it_replaced() {
        let mut text: String = (0u32..0x80).filter_map(char::from_u32).collect();
        text.push_str("é€😀\u{2028}\u{feff}");
        assert_eq!(json_string(&text), serde_json::to_string(&text).unwrap());
        assert_eq!(xml_escape(&text), quick_xml::escape::escape(text.as_str()));
    }

    #[test]
    fn prices_stay_exact() {
        assert_eq!(Price::parse("1.500").unwrap().as_str(), "1.500");
        assert_eq!(Price::parse("-0.25").unwrap().as_str(), "-0.25");
        assert_eq!(Price::parse("2").unwrap().as_str(), "2");
        for bad in ["", "1.", ".5", "1.2.3", "abc", "1e3", "NaN"] {
            assert_eq!(Price::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn parse_call_reports_a_rest_exception_with_the_status_it_names() {
        let error = |http_status, code: Option<&str>, message: &str| {
            Err(ResponseError::Exotel(ExotelError {
                http_status,
                code: code.map(str::to_owned),
                message: message.to_owned(),
            }))
        };
        assert_eq!(
            parse_call(
                br#"{"RestException": {"Code": 20002, "Status": "402", "Message": " Plan limit "}}"#,
                Some("application/json")
            ),
            error(402, Some("20002"), "Plan limit")
        );
        assert_eq!(
            parse_call(
                b"<TwilioResponse><RestException><Status>401</Status></RestException></TwilioResponse>",
                None
            ),
            error(401, None, "no message given")
        );
        // A RestException wins over a Call in the same body, as in parse_response.
        assert_eq!(
            parse_call(
                br#"{"Call": {"Sid": "a", "Status": "queued"}, "RestException": {"Status": 503, "Message": "down"}}"#,
                None
            ),
            error(503, None, "down")
        );
        for (status, got) in [
            ("99", "`99`"),
            ("600", "`600`"),
            ("\"4o3\"", "`4o3`"),
            ("-403", "`-403`"),
            ("null", "none"),
            ("{}", "a nested object or list"),
            ("[403]", "a nested object or list"),
        ] {
            let body = format!(r#"{{"RestException": {{"Status": {status}, "Message": "m"}}}}"#);
            assert_eq!(
                parse_call(body.as_bytes(), None),
                Err(ResponseError::Malformed(ParseError::InvalidField {
                    field: "RestException.Status",
                    expected: "an HTTP status from 100 to 599",
                    got: got.to_owned(),
                })),
                "{body}"
            );
        }
    }

    #[test]
    fn wire_bodies_parse_back() {
        let call = Call {
            sid: "abc".into(),
            parent_call_sid: None,
            date_created: Some("2017-03-03 12:30:24".into()),
            date_updated: None,
            account_sid: Some("acme".into()),
            to: Some("09876543210".into()),
            from: Some("09876543210".into()),
            phone_number_sid: Some("08047112400".into()),
            status: CallStatus::Completed,
            start_time: None,
            end_time: None,
            duration: Some(42),
            price: Price::parse("1.500"),
            direction: Some(Direction::OutboundApi),
            answered_by: Some("human <&>".into()),
            forwarded_from: None,
            caller_name: None,
            uri: Some("/v1/Accounts/acme/Calls.json/abc".into()),
            recording_url: None,
            details: None,
        };
        assert_eq!(parse_call(call.to_json().as_bytes(), None).unwrap(), call);
        assert_eq!(parse_call(call.to_xml().as_bytes(), None).unwrap(), call);
        let error = ExotelError {
            http_status: 403,
            code: None,
            message: "NDNC <blocked>".into(),
        };
        for body in [error.to_json(), error.to_xml()] {
            assert_eq!(
                parse_response(403, None, body.as_bytes()),
                Err(ResponseError::Exotel(error.clone()))
            );
        }
    }
}
