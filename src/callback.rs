//! Status callbacks: the POST Exotel makes to `StatusCallback` when a call ends.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::call::{
    legs, optional_seconds, optional_str, optional_text, required_str, required_text, CallStatus,
    Direction, Leg,
};
use crate::wire::{read_body, BodyFormat, ParseError};

/// What a status callback says. `call_sid` and `status` are always there; the rest when Exotel
/// sent them (the extras come with `StatusCallbackEvents`, connect-two-numbers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusCallback {
    /// The call's Sid.
    pub call_sid: String,
    /// The outcome: `completed`, `failed`, `busy`, `no-answer` (others kept as sent).
    pub status: CallStatus,
    /// The recording's URL; empty is `None`.
    pub recording_url: Option<String>,
    /// When the call state was last updated.
    pub date_updated: Option<String>,
    /// `terminal` or `answered`.
    pub event_type: Option<String>,
    /// When the call was requested.
    pub date_created: Option<String>,
    /// The second number.
    pub to: Option<String>,
    /// The first number.
    pub from: Option<String>,
    /// The ExoPhone.
    pub phone_number_sid: Option<String>,
    /// When the call started.
    pub start_time: Option<String>,
    /// When the call ended.
    pub end_time: Option<String>,
    /// Seconds the parties were connected.
    pub conversation_duration: Option<u64>,
    /// Which way the call went.
    pub direction: Option<Direction>,
    /// The `CustomField` the call was placed with.
    pub custom_field: Option<String>,
    /// Each leg's duration, status and who answered.
    pub legs: Vec<Leg>,
}

const CALLBACK_FORMATS: &[BodyFormat] = &[
    BodyFormat::UrlEncoded,
    BodyFormat::Multipart,
    BodyFormat::Json,
];

/// Parses a status callback body: urlencoded or multipart form data, or JSON. With no content
/// type the format is sniffed. Unknown fields are ignored.
///
/// ```
/// use exotel_connect::{parse_status_callback, CallStatus};
/// let callback = parse_status_callback(
///     b"CallSid=b6cfaf&Status=busy&RecordingUrl=&DateUpdated=2026-11-26+10%3A00%3A00",
///     Some("application/x-www-form-urlencoded"),
/// )?;
/// assert_eq!(callback.status, CallStatus::Busy);
/// assert_eq!(callback.recording_url, None);
/// assert_eq!(callback.date_updated.as_deref(), Some("2026-11-26 10:00:00"));
/// # Ok::<(), exotel_connect::ParseError>(())
/// ```
pub fn parse_status_callback(
    body: &[u8],
    content_type: Option<&str>,
) -> Result<StatusCallback, ParseError> {
    let (_, root) = read_body(body, content_type, CALLBACK_FORMATS)?;
    // Some senders wrap JSON callbacks once more; Exotel's own are flat.
    let fields = root.get("StatusCallback").unwrap_or(&root);
    let text = |field: &str| optional_text(fields.get(field));
    let legs = match fields.get("Legs") {
        // Legs in a form body may arrive as one JSON-encoded field.
        Some(crate::wire::Value::Text(json)) => {
            let (_, parsed) =
                read_body(json.as_bytes(), Some("application/json"), CALLBACK_FORMATS).map_err(
                    |_| ParseError::InvalidField {
                        field: "Legs",
                        expected: "a list of legs",
                        got: crate::wire::excerpt(json),
                    },
                )?;
            legs(Some(&parsed))?
        }
        other => legs(other)?,
    };
    Ok(StatusCallback {
        call_sid: required_text(fields, "CallSid")?,
        status: CallStatus::parse(required_str(fields, "Status")?),
        recording_url: text("RecordingUrl"),
        date_updated: text("DateUpdated"),
        event_type: text("EventType"),
        date_created: text("DateCreated"),
        to: text("To"),
        from: text("From"),
        phone_number_sid: text("PhoneNumberSid"),
        start_time: text("StartTime"),
        end_time: text("EndTime"),
        conversation_duration: optional_seconds(fields, "ConversationDuration")?,
        direction: optional_str(fields.get("Direction")).map(Direction::parse),
        custom_field: text("CustomField"),
        legs,
    })
}
