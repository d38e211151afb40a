//! The core's parsed values as they cross to JS, in the shapes the TypeScript declarations
//! promise: every `Call` field present (`null` when Exotel sent nothing), a status callback's
//! optional fields only when they were sent. npm/api.js builds the objects from a [`Tape`].

use crate::prelude::*;
use exotel_connect::{
    Call, CallLegDetails, HttpRequest, Leg, StatusCallback, WhitelistDetails, WhitelistExpiry,
};

/// The names of the result objects' fields. Each is one number on a [`Tape`]; npm/api.js reads
/// the names once (`wasmKeys`, [`KEY_NAMES`]) and keeps them, so building an object sets
/// properties by names the engine already knows instead of reading a new string for each.
macro_rules! keys {
    ($($key:ident = $name:literal,)*) => {
        /// A field name of the result objects (see [`KEY_NAMES`]).
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(crate) enum Key {
            $($key,)*
        }

        /// Every [`Key`]'s name, in order, separated by commas.
        pub(crate) const KEY_NAMES: &str = concat!($($name, ","),*);
    };
}

keys! {
    Sid = "sid",
    ParentCallSid = "parentCallSid",
    DateCreated = "dateCreated",
    DateUpdated = "dateUpdated",
    AccountSid = "accountSid",
    To = "to",
    From = "from",
    PhoneNumberSid = "phoneNumberSid",
    Status = "status",
    StartTime = "startTime",
    EndTime = "endTime",
    Duration = "duration",
    Price = "price",
    Direction = "direction",
    AnsweredBy = "answeredBy",
    ForwardedFrom = "forwardedFrom",
    CallerName = "callerName",
    Uri = "uri",
    RecordingUrl = "recordingUrl",
    Details = "details",
    ConversationDuration = "conversationDuration",
    Leg1Status = "leg1Status",
    Leg2Status = "leg2Status",
    Legs = "legs",
    OnCallDuration = "onCallDuration",
    CallSid = "callSid",
    EventType = "eventType",
    CustomField = "customField",
    Method = "method",
    Url = "url",
    Headers = "headers",
    Body = "body",
    Type = "type",
    Expiry = "expiry",
    Message = "message",
    Code = "code",
    Field = "field",
    ExotelMessage = "exotelMessage",
    ExotelCode = "exotelCode",
}

/// What comes next on a [`Tape`]: each op is one ASCII character, before its operands.
#[derive(Clone, Copy)]
#[repr(u8)]
enum Op {
    /// The next value is the field named by [`Key`] number (the operand).
    Key = b'0',
    /// The next value is the field named by the string after it (the operand is its length):
    /// a header's name.
    KeyText = b'1',
    /// A string: the operand is its length, then the string itself.
    Text = b'2',
    Null = b'3',
    /// A whole number below 2^53: the operand.
    Number = b'4',
    /// An object: its fields up to the matching [`Op::End`].
    Object = b'5',
    /// An array: its values up to the matching [`Op::End`].
    Array = b'6',
    End = b'7',
}

/// The first character of a tape of an `ExotelConnectError`'s fields.
pub(crate) const ERROR: char = '!';

/// A value on its way to JS, as one text npm/api.js reads from the start: a list of [`Op`]s,
/// each an ASCII character followed by its operand, a whole number in base 32, most significant
/// digit first (`` ` `` to DEL for 0 to 31 in every digit but the last, `@` to `_` in the last).
/// A string's operand is its length in UTF-16 code units, as JS counts, and the string follows.
/// So a result crosses as one string, decoded once, and its strings are slices of it. Results
/// used to cross as JSON for the host's `JSON.parse`: the tape reads a `Call` in about a tenth
/// less time and a status callback in about a seventh less, and its reader in npm/api.js is
/// smaller than the JSON writer it replaced.
pub(crate) struct Tape {
    out: String,
}

impl Tape {
    pub(crate) fn new() -> Tape {
        // Room for a Call, so writing one does not grow the text again and again.
        Tape {
            out: String::with_capacity(512),
        }
    }

    /// A tape of one object, written by `fields`.
    pub(crate) fn object(fields: impl FnOnce(&mut Tape)) -> Tape {
        let mut tape = Tape::new();
        tape.fields(fields);
        tape
    }

    /// An object's value: its fields, written by `fields`, up to its end.
    fn fields(&mut self, fields: impl FnOnce(&mut Tape)) {
        self.op(Op::Object);
        fields(self);
        self.op(Op::End);
    }

    fn op(&mut self, op: Op) {
        self.out.push(char::from(op as u8));
    }

    fn operand(&mut self, value: u64) {
        let mut digits = [0u8; 13];
        let mut at = digits.len() - 1;
        digits[at] = b'@' | (value & 31) as u8;
        let mut rest = value >> 5;
        while rest > 0 {
            at -= 1;
            digits[at] = b'`' | (rest & 31) as u8;
            rest >>= 5;
        }
        for &digit in &digits[at..] {
            self.out.push(char::from(digit));
        }
    }

    fn key(&mut self, key: Key) {
        self.op(Op::Key);
        self.operand(key as u64);
    }

    fn string(&mut self, op: Op, value: &str) {
        self.op(op);
        // One UTF-16 code unit per character, two for one outside the Basic Multilingual Plane.
        let units = if value.is_ascii() {
            value.len()
        } else {
            value.chars().map(char::len_utf16).sum()
        };
        self.operand(units as u64);
        self.out.push_str(value);
    }

    /// A string, or `null` when absent.
    pub(crate) fn text(&mut self, key: Key, value: Option<&str>) {
        self.key(key);
        self.value(value);
    }

    /// A string only when present.
    pub(crate) fn optional(&mut self, key: Key, value: Option<&str>) {
        if value.is_some() {
            self.text(key, value);
        }
    }

    /// A string field whose name is not a [`Key`] (a header's).
    pub(crate) fn named(&mut self, name: &str, value: &str) {
        self.string(Op::KeyText, name);
        self.string(Op::Text, value);
    }

    /// A string, or `null`, with no name: the whole value, or an item of an array.
    pub(crate) fn value(&mut self, value: Option<&str>) {
        match value {
            Some(value) => self.string(Op::Text, value),
            None => self.op(Op::Null),
        }
    }

    /// A whole number (seconds, an HTTP status), or `null`. Exact up to 2^53, far beyond any
    /// call's length.
    pub(crate) fn number(&mut self, key: Key, value: Option<u64>) {
        self.key(key);
        match value {
            Some(number) => {
                self.op(Op::Number);
                self.operand(number);
            }
            None => self.op(Op::Null),
        }
    }

    /// An object field, its fields written by `fields`.
    pub(crate) fn nested(&mut self, key: Key, fields: impl FnOnce(&mut Tape)) {
        self.key(key);
        self.fields(fields);
    }

    /// An array field of objects, each written by `item`.
    pub(crate) fn array<T>(&mut self, key: Key, items: &[T], item: impl Fn(&mut Tape, &T)) {
        self.key(key);
        self.op(Op::Array);
        for each in items {
            self.fields(|tape| item(tape, each));
        }
        self.op(Op::End);
    }

    /// The text npm/api.js reads.
    pub(crate) fn finish(self) -> String {
        self.out
    }

    /// The text of an error's fields.
    pub(crate) fn finish_error(mut self) -> String {
        self.out.insert(0, ERROR);
        self.out
    }
}

fn leg(tape: &mut Tape, leg: &Leg) {
    tape.number(Key::OnCallDuration, leg.on_call_duration);
    tape.text(Key::Status, leg.status.as_ref().map(|s| s.as_str()));
    tape.text(Key::AnsweredBy, leg.answered_by.as_deref());
}

fn details(tape: &mut Tape, details: &CallLegDetails) {
    tape.number(Key::ConversationDuration, details.conversation_duration);
    tape.text(
        Key::Leg1Status,
        details.leg1_status.as_ref().map(|s| s.as_str()),
    );
    tape.text(
        Key::Leg2Status,
        details.leg2_status.as_ref().map(|s| s.as_str()),
    );
    tape.array(Key::Legs, &details.legs, leg);
}

/// A [`Call`] as the `Call` interface: every field Exotel documents, `null` when not sent, and
/// `details` only when the per-leg breakdown was there.
pub(crate) fn call(call: &Call) -> Tape {
    Tape::object(|tape| {
        tape.text(Key::Sid, Some(&call.sid));
        tape.text(Key::ParentCallSid, call.parent_call_sid.as_deref());
        tape.text(Key::DateCreated, call.date_created.as_deref());
        tape.text(Key::DateUpdated, call.date_updated.as_deref());
        tape.text(Key::AccountSid, call.account_sid.as_deref());
        tape.text(Key::To, call.to.as_deref());
        tape.text(Key::From, call.from.as_deref());
        tape.text(Key::PhoneNumberSid, call.phone_number_sid.as_deref());
        tape.text(Key::Status, Some(call.status.as_str()));
        tape.text(Key::StartTime, call.start_time.as_deref());
        tape.text(Key::EndTime, call.end_time.as_deref());
        tape.number(Key::Duration, call.duration);
        tape.text(Key::Price, call.price.as_ref().map(|p| p.as_str()));
        tape.text(Key::Direction, call.direction.as_ref().map(|d| d.as_str()));
        tape.text(Key::AnsweredBy, call.answered_by.as_deref());
        tape.text(Key::ForwardedFrom, call.forwarded_from.as_deref());
        tape.text(Key::CallerName, call.caller_name.as_deref());
        tape.text(Key::Uri, call.uri.as_deref());
        tape.text(Key::RecordingUrl, call.recording_url.as_deref());
        // Only there when asked for (`details: true`), so the common Call has just Exotel's
        // fields.
        if let Some(call_details) = &call.details {
            tape.nested(Key::Details, |tape| details(tape, call_details));
        }
    })
}

/// A [`StatusCallback`] as the `StatusCallback` interface: the four fields Exotel always sends,
/// then the others only when they were sent.
pub(crate) fn callback(callback: &StatusCallback) -> Tape {
    Tape::object(|tape| {
        tape.text(Key::CallSid, Some(&callback.call_sid));
        tape.text(Key::Status, Some(callback.status.as_str()));
        tape.text(Key::RecordingUrl, callback.recording_url.as_deref());
        tape.text(Key::DateUpdated, callback.date_updated.as_deref());
        tape.optional(Key::EventType, callback.event_type.as_deref());
        tape.optional(Key::DateCreated, callback.date_created.as_deref());
        tape.optional(Key::To, callback.to.as_deref());
        tape.optional(Key::From, callback.from.as_deref());
        tape.optional(Key::PhoneNumberSid, callback.phone_number_sid.as_deref());
        tape.optional(Key::StartTime, callback.start_time.as_deref());
        tape.optional(Key::EndTime, callback.end_time.as_deref());
        if callback.conversation_duration.is_some() {
            tape.number(Key::ConversationDuration, callback.conversation_duration);
        }
        tape.optional(
            Key::Direction,
            callback.direction.as_ref().map(|d| d.as_str()),
        );
        tape.optional(Key::CustomField, callback.custom_field.as_deref());
        if !callback.legs.is_empty() {
            tape.array(Key::Legs, &callback.legs, leg);
        }
    })
}

/// An [`HttpRequest`] as the `HttpRequest` interface: `method`, `url`, `headers` (an object)
/// and `body` (`null` for a GET).
pub(crate) fn request(request: &HttpRequest) -> Tape {
    Tape::object(|tape| {
        tape.text(Key::Method, Some(request.method.as_str()));
        tape.text(Key::Url, Some(&request.url));
        tape.nested(Key::Headers, |tape| {
            for (name, value) in &request.headers {
                tape.named(name, value);
            }
        });
        tape.text(Key::Body, request.body.as_deref());
    })
}

/// [`WhitelistDetails`] as the `WhitelistDetails` interface: `status`, `type` (`null` when
/// Exotel sent none) and `expiry`: seconds, `"never"`, or `null` when not sent.
pub(crate) fn whitelist(details: &WhitelistDetails) -> Tape {
    Tape::object(|tape| {
        tape.text(Key::Status, Some(details.status.as_str()));
        tape.text(Key::Type, details.kind.as_ref().map(|kind| kind.as_str()));
        match details.expiry {
            Some(WhitelistExpiry::Never) => tape.text(Key::Expiry, Some("never")),
            Some(WhitelistExpiry::InSeconds(seconds)) => tape.number(Key::Expiry, Some(seconds)),
            None => tape.number(Key::Expiry, None),
        }
    })
}
