//! The few JavaScript built-ins the façade calls, bound by hand.
//!
//! Each binding becomes one small function in the generated JS glue, so only what is used is
//! bound, with plain (non-generic) signatures. Everything that can throw on a caller's value (a
//! getter, a `Proxy`) is bound with `catch`, so a throw comes back as an `Err`
//! instead of unwinding through Rust frames.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// `Error`, for `instanceof` checks and for making errors.
    #[wasm_bindgen(js_name = Error)]
    pub(crate) type JsErrorClass;

    #[wasm_bindgen(constructor, js_class = "Error")]
    fn new_error_object(message: &str) -> JsErrorClass;

    /// `Object`, for making plain result objects.
    #[wasm_bindgen(js_name = Object)]
    type JsObject;

    #[wasm_bindgen(constructor, js_class = "Object")]
    fn new_object() -> JsObject;

    /// `Array.isArray(value)`.
    #[wasm_bindgen(js_namespace = Array, js_name = isArray)]
    pub(crate) fn is_array(value: &JsValue) -> bool;

    /// `Array.from(value)`: the items of an array (or iterable), copied.
    #[wasm_bindgen(js_namespace = Array, js_name = from, catch)]
    pub(crate) fn array_items(value: &JsValue) -> Result<Vec<JsValue>, JsValue>;

    /// `Reflect.get(target, key)`: may run a getter or a `Proxy` trap, which may throw.
    #[wasm_bindgen(js_namespace = Reflect, js_name = get, catch)]
    pub(crate) fn get(target: &JsValue, key: &str) -> Result<JsValue, JsValue>;

    /// `JSON.parse(text)`, only ever on JSON written here (it cannot throw).
    #[wasm_bindgen(js_namespace = JSON, js_name = parse)]
    pub(crate) fn parse_json(text: &str) -> JsValue;

    /// `Reflect.set(target, key, value)`, only ever on objects made here (it cannot throw).
    #[wasm_bindgen(js_namespace = Reflect, js_name = set)]
    fn reflect_set(target: &JsValue, key: &str, value: &JsValue) -> bool;

    /// `Object.keys(value)`: own enumerable string keys (a `Proxy` trap may throw).
    #[wasm_bindgen(js_namespace = Object, js_name = keys, catch)]
    pub(crate) fn keys(value: &JsValue) -> Result<Vec<JsValue>, JsValue>;

    /// `String(value)`: how a thrown value reads in a message. May throw (a hostile
    /// `toString`), hence `catch`.
    #[wasm_bindgen(js_name = String, catch)]
    fn string_of(value: &JsValue) -> Result<String, JsValue>;
}

/// A new `Error` with `message`.
pub(crate) fn new_error(message: &str) -> JsValue {
    JsErrorClass::new_error_object(message).into()
}

/// Whether `value` is an `Error` (of this realm).
pub(crate) fn is_error(value: &JsValue) -> bool {
    value.is_instance_of::<JsErrorClass>()
}

/// Sets `key` on an object made here.
pub(crate) fn set(target: &JsValue, key: &str, value: &JsValue) {
    reflect_set(target, key, value);
}

/// A thrown value as text for a message: an `Error`'s `message`, or `String(value)`.
pub(crate) fn describe(value: &JsValue) -> String {
    if is_error(value) {
        if let Some(message) = get(value, "message").ok().and_then(|m| m.as_string()) {
            return message;
        }
    }
    string_of(value).unwrap_or_else(|_| "an unprintable value".to_owned())
}

/// How a value's type reads in a message: `a number`, `null`, `an array`...
pub(crate) fn type_name(value: &JsValue) -> &'static str {
    if value.is_null() {
        return "null";
    }
    if value.is_undefined() {
        return "undefined";
    }
    if is_array(value) {
        return "an array";
    }
    match value.js_typeof().as_string().as_deref() {
        Some("string") => "a string",
        Some("number") => "a number",
        Some("boolean") => "a boolean",
        Some("bigint") => "a bigint",
        Some("symbol") => "a symbol",
        Some("function") => "a function",
        _ => "an object",
    }
}
