//! The core's parsed values as plain JS objects, in the shapes the TypeScript declarations
//! promise: every `Call` field present (`null` when Exotel sent nothing), a status callback's
//! optional fields only when they were sent.

use wasm_bindgen::prelude::*;

use crate::{Call, CallLegDetails, Leg, StatusCallback};

use super::error::Failure;
use super::sys;

/// A body as bytes: text is taken as UTF-8, bytes as they are.
pub(crate) fn body_bytes(body: &JsValue) -> Result<Vec<u8>, Failure> {
    if let Some(text) = body.as_string() {
        return Ok(text.into_bytes());
    }
    // A Node `Buffer` is a `Uint8Array` too.
    if body.is_instance_of::<js_sys::Uint8Array>() {
        return Ok(body.unchecked_ref::<js_sys::Uint8Array>().to_vec());
    }
    if body.is_instance_of::<js_sys::ArrayBuffer>() {
        return Ok(js_sys::Uint8Array::new(body).to_vec());
    }
    Err(Failure::option(
        "body",
        format!(
            "expected a string, Uint8Array or ArrayBuffer, but got {}",
            sys::type_name(body)
        ),
    ))
}

/// An optional content type: a string, or `undefined`/`null` for "sniff the body".
pub(crate) fn content_type(value: &JsValue) -> Result<Option<String>, Failure> {
    if value.is_null() || value.is_undefined() {
        return Ok(None);
    }
    value.as_string().map(Some).ok_or_else(|| {
        Failure::option(
            "contentType",
            format!("expected a string, but got {}", sys::type_name(value)),
        )
    })
}

fn text(value: Option<&str>) -> JsValue {
    value.map_or(JsValue::NULL, JsValue::from_str)
}

/// Seconds as a JS number. Exact up to 2^53 s, far beyond any call's length.
fn seconds(value: Option<u64>) -> JsValue {
    value.map_or(JsValue::NULL, |s| JsValue::from_f64(s as f64))
}

fn leg_to_js(leg: &Leg) -> JsValue {
    let object = sys::new_object();
    sys::set(&object, "onCallDuration", &seconds(leg.on_call_duration));
    let status = leg.status.as_ref().map(|s| s.as_str());
    sys::set(&object, "status", &text(status));
    sys::set(&object, "answeredBy", &text(leg.answered_by.as_deref()));
    object
}

fn legs_to_js(legs: &[Leg]) -> JsValue {
    sys::new_array(legs.iter().map(leg_to_js))
}

fn details_to_js(details: &CallLegDetails) -> JsValue {
    let object = sys::new_object();
    let set = |key: &str, value: &JsValue| sys::set(&object, key, value);
    set(
        "conversationDuration",
        &seconds(details.conversation_duration),
    );
    set(
        "leg1Status",
        &text(details.leg1_status.as_ref().map(|s| s.as_str())),
    );
    set(
        "leg2Status",
        &text(details.leg2_status.as_ref().map(|s| s.as_str())),
    );
    set("legs", &legs_to_js(&details.legs));
    object
}

/// A [`Call`] as the `Call` interface: every field Exotel documents, `null` when not sent, and
/// `details` only when the per-leg breakdown was there.
pub(crate) fn call_to_js(call: &Call) -> JsValue {
    let object = sys::new_object();
    let set = |key: &str, value: &JsValue| sys::set(&object, key, value);
    set("sid", &JsValue::from_str(&call.sid));
    set("parentCallSid", &text(call.parent_call_sid.as_deref()));
    set("dateCreated", &text(call.date_created.as_deref()));
    set("dateUpdated", &text(call.date_updated.as_deref()));
    set("accountSid", &text(call.account_sid.as_deref()));
    set("to", &text(call.to.as_deref()));
    set("from", &text(call.from.as_deref()));
    set("phoneNumberSid", &text(call.phone_number_sid.as_deref()));
    set("status", &JsValue::from_str(call.status.as_str()));
    set("startTime", &text(call.start_time.as_deref()));
    set("endTime", &text(call.end_time.as_deref()));
    set("duration", &seconds(call.duration));
    set("price", &text(call.price.as_ref().map(|p| p.as_str())));
    set(
        "direction",
        &text(call.direction.as_ref().map(|d| d.as_str())),
    );
    set("answeredBy", &text(call.answered_by.as_deref()));
    set("forwardedFrom", &text(call.forwarded_from.as_deref()));
    set("callerName", &text(call.caller_name.as_deref()));
    set("uri", &text(call.uri.as_deref()));
    set("recordingUrl", &text(call.recording_url.as_deref()));
    // Only there when asked for (`details: true`), so the common Call has just Exotel's fields.
    if let Some(details) = &call.details {
        set("details", &details_to_js(details));
    }
    object
}

/// A [`StatusCallback`] as the `StatusCallback` interface: the four fields Exotel always sends,
/// then the others only when they were sent.
pub(crate) fn callback_to_js(callback: &StatusCallback) -> JsValue {
    let object = sys::new_object();
    let set = |key: &str, value: &JsValue| sys::set(&object, key, value);
    let optional = |key: &str, value: Option<&str>| {
        if let Some(value) = value {
            set(key, &JsValue::from_str(value));
        }
    };
    set("callSid", &JsValue::from_str(&callback.call_sid));
    set("status", &JsValue::from_str(callback.status.as_str()));
    set("recordingUrl", &text(callback.recording_url.as_deref()));
    set("dateUpdated", &text(callback.date_updated.as_deref()));
    optional("eventType", callback.event_type.as_deref());
    optional("dateCreated", callback.date_created.as_deref());
    optional("to", callback.to.as_deref());
    optional("from", callback.from.as_deref());
    optional("phoneNumberSid", callback.phone_number_sid.as_deref());
    optional("startTime", callback.start_time.as_deref());
    optional("endTime", callback.end_time.as_deref());
    if let Some(duration) = callback.conversation_duration {
        set("conversationDuration", &seconds(Some(duration)));
    }
    optional("direction", callback.direction.as_ref().map(|d| d.as_str()));
    optional("customField", callback.custom_field.as_deref());
    if !callback.legs.is_empty() {
        set("legs", &legs_to_js(&callback.legs));
    }
    object
}
