//! The core's parsed values as JSON, in the shapes the TypeScript declarations promise: every
//! `Call` field present (`null` when Exotel sent nothing), a status callback's optional fields
//! only when they were sent. npm/api.js hands the text to the host's `JSON.parse`.

use crate::prelude::*;
use exotel_connect::small_std::decimal;
use exotel_connect::wire::json::push_string as push_json_string;
use exotel_connect::{
    Call, CallLegDetails, HttpRequest, Leg, StatusCallback, WhitelistDetails, WhitelistExpiry,
};

/// A JSON object written field by field. Results cross into JS as one JSON text and one call to
/// the host's `JSON.parse`: setting each field from wasm would pass every key and value over the
/// boundary separately, which cost about ten times the parse itself (`make bench`).
pub(crate) struct JsonObject {
    out: String,
}

impl JsonObject {
    pub(crate) fn new() -> JsonObject {
        // Room for a Call, so writing one does not grow the text again and again.
        let mut out = String::with_capacity(512);
        out.push('{');
        JsonObject { out }
    }

    /// `key` is a field name of the interfaces or a header name of the core's, plain ASCII:
    /// written as is, unescaped.
    fn key(&mut self, key: &str) {
        self.out
            .push_str(if self.out.len() > 1 { ",\"" } else { "\"" });
        self.out.push_str(key);
        self.out.push_str("\":");
    }

    /// A string, or `null` when absent.
    pub(crate) fn text(&mut self, key: &str, value: Option<&str>) {
        self.key(key);
        match value {
            Some(value) => push_json_string(&mut self.out, value),
            None => self.out.push_str("null"),
        }
    }

    /// A string only when present.
    pub(crate) fn optional(&mut self, key: &str, value: Option<&str>) {
        if value.is_some() {
            self.text(key, value);
        }
    }

    /// A whole number (seconds, an HTTP status), or `null`. Exact up to 2^53, far beyond any
    /// call's length.
    pub(crate) fn number(&mut self, key: &str, value: Option<u64>) {
        self.key(key);
        match value {
            Some(seconds) => self.out.push_str(&decimal(seconds)),
            None => self.out.push_str("null"),
        }
    }

    /// A value already written as JSON.
    pub(crate) fn raw(&mut self, key: &str, json: &str) {
        self.key(key);
        self.out.push_str(json);
    }

    pub(crate) fn finish(mut self) -> String {
        self.out.push('}');
        self.out
    }
}

fn leg_json(leg: &Leg) -> String {
    let mut object = JsonObject::new();
    object.number("onCallDuration", leg.on_call_duration);
    object.text("status", leg.status.as_ref().map(|s| s.as_str()));
    object.text("answeredBy", leg.answered_by.as_deref());
    object.finish()
}

fn legs_json(legs: &[Leg]) -> String {
    let mut out = String::from("[");
    for (index, leg) in legs.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        out.push_str(&leg_json(leg));
    }
    out.push(']');
    out
}

fn details_json(details: &CallLegDetails) -> String {
    let mut object = JsonObject::new();
    object.number("conversationDuration", details.conversation_duration);
    object.text(
        "leg1Status",
        details.leg1_status.as_ref().map(|s| s.as_str()),
    );
    object.text(
        "leg2Status",
        details.leg2_status.as_ref().map(|s| s.as_str()),
    );
    object.raw("legs", &legs_json(&details.legs));
    object.finish()
}

/// A [`Call`] as the `Call` interface, in JSON: every field Exotel documents, `null` when not
/// sent, and `details` only when the per-leg breakdown was there.
pub(crate) fn call_json(call: &Call) -> String {
    let mut object = JsonObject::new();
    object.text("sid", Some(&call.sid));
    object.text("parentCallSid", call.parent_call_sid.as_deref());
    object.text("dateCreated", call.date_created.as_deref());
    object.text("dateUpdated", call.date_updated.as_deref());
    object.text("accountSid", call.account_sid.as_deref());
    object.text("to", call.to.as_deref());
    object.text("from", call.from.as_deref());
    object.text("phoneNumberSid", call.phone_number_sid.as_deref());
    object.text("status", Some(call.status.as_str()));
    object.text("startTime", call.start_time.as_deref());
    object.text("endTime", call.end_time.as_deref());
    object.number("duration", call.duration);
    object.text("price", call.price.as_ref().map(|p| p.as_str()));
    object.text("direction", call.direction.as_ref().map(|d| d.as_str()));
    object.text("answeredBy", call.answered_by.as_deref());
    object.text("forwardedFrom", call.forwarded_from.as_deref());
    object.text("callerName", call.caller_name.as_deref());
    object.text("uri", call.uri.as_deref());
    object.text("recordingUrl", call.recording_url.as_deref());
    // Only there when asked for (`details: true`), so the common Call has just Exotel's fields.
    if let Some(details) = &call.details {
        object.raw("details", &details_json(details));
    }
    object.finish()
}

/// A [`StatusCallback`] as the `StatusCallback` interface, in JSON: the four fields Exotel
/// always sends, then the others only when they were sent.
pub(crate) fn callback_json(callback: &StatusCallback) -> String {
    let mut object = JsonObject::new();
    object.text("callSid", Some(&callback.call_sid));
    object.text("status", Some(callback.status.as_str()));
    object.text("recordingUrl", callback.recording_url.as_deref());
    object.text("dateUpdated", callback.date_updated.as_deref());
    object.optional("eventType", callback.event_type.as_deref());
    object.optional("dateCreated", callback.date_created.as_deref());
    object.optional("to", callback.to.as_deref());
    object.optional("from", callback.from.as_deref());
    object.optional("phoneNumberSid", callback.phone_number_sid.as_deref());
    object.optional("startTime", callback.start_time.as_deref());
    object.optional("endTime", callback.end_time.as_deref());
    if callback.conversation_duration.is_some() {
        object.number("conversationDuration", callback.conversation_duration);
    }
    object.optional("direction", callback.direction.as_ref().map(|d| d.as_str()));
    object.optional("customField", callback.custom_field.as_deref());
    if !callback.legs.is_empty() {
        object.raw("legs", &legs_json(&callback.legs));
    }
    object.finish()
}

/// An [`HttpRequest`] as the `HttpRequest` interface: `method`, `url`, `headers` (an object)
/// and `body` (`null` for a GET), in JSON.
pub(crate) fn request_json(request: &HttpRequest) -> String {
    let mut headers = JsonObject::new();
    for (name, value) in &request.headers {
        headers.text(name, Some(value));
    }
    let mut object = JsonObject::new();
    object.text("method", Some(request.method.as_str()));
    object.text("url", Some(&request.url));
    object.raw("headers", &headers.finish());
    object.text("body", request.body.as_deref());
    object.finish()
}

/// [`WhitelistDetails`] as the `WhitelistDetails` interface, in JSON: `status`, `type` (`null`
/// when Exotel sent none) and `expiry`: seconds, `"never"`, or `null` when not sent.
pub(crate) fn whitelist_json(details: &WhitelistDetails) -> String {
    let mut object = JsonObject::new();
    object.text("status", Some(details.status.as_str()));
    object.text("type", details.kind.as_ref().map(|kind| kind.as_str()));
    match details.expiry {
        Some(WhitelistExpiry::Never) => object.text("expiry", Some("never")),
        Some(WhitelistExpiry::InSeconds(seconds)) => object.number("expiry", Some(seconds)),
        None => object.number("expiry", None),
    }
    object.finish()
}
